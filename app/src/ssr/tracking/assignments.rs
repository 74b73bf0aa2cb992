//! Assignments: modules an agency requires by a deadline, re-opened per election cycle;
//! creating them for units or a pasted list of NIPs, and the page that lists them.

use super::import::agency_of;
use crate::error::{AppError, FieldError};
use crate::model::assurance::Assurance;
use crate::model::tracking::{AssignmentView, AssignmentsPage, ModuleOption, Tally, UnitOption};
use crate::ssr::accounts::sign_in as auth;
use crate::ssr::db::dashboards::*;
use crate::ssr::db::entities::{account, agency, assignment, assignment_target, unit};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::time::{format_local, zone_offset};
use crate::ssr::AppState;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// Employees per drill-down page.
pub const PAGE_SIZE: u64 = 50;
/// Names in a reminder text at most (the rest are counted).
pub(crate) const REMINDER_NAMES: u64 = 300;

pub(crate) async fn cycle_number(
    db: &impl ConnectionTrait,
    a: &assignment::Model,
) -> Result<u32, DbErr> {
    let mut n = 1;
    let mut previous = a.previous_id;
    while let Some(id) = previous.filter(|_| n < 100) {
        n += 1;
        previous = assignment::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|p| p.previous_id);
    }
    Ok(n)
}

pub(crate) async fn view(
    state: &AppState,
    a: &assignment::Model,
    tree: &HashMap<i64, unit::Model>,
    tally: Tally,
    now: DateTime<Utc>,
) -> Result<AssignmentView, DbErr> {
    let targets = assignment_target::Entity::find()
        .filter(assignment_target::Column::AssignmentId.eq(a.id))
        .all(&state.db)
        .await?;
    let scope = if a.whole_agency {
        "Seluruh instansi".to_string()
    } else {
        let mut parts: Vec<String> = targets
            .iter()
            .filter_map(|t| t.unit_id.and_then(|id| tree.get(&id)))
            .map(|u| u.name.clone())
            .collect();
        let people = targets.iter().filter(|t| t.employee_id.is_some()).count();
        if people > 0 {
            parts.push(format!("{people} pegawai dari daftar"));
        }
        parts.join(", ")
    };
    Ok(AssignmentView {
        id: a.id,
        module_slug: a.module_slug.clone(),
        module_title: state.catalog.title_of(&a.module_slug),
        opens: format_local(a.opens_at, &a.time_zone),
        deadline: format_local(a.deadline_at, &a.time_zone),
        scope,
        cycle: cycle_number(&state.db, a).await?,
        past_deadline: now > a.deadline_at,
        tally,
        required: policy_of(&state.db, a.agency_id).await?,
    })
}

pub(crate) async fn find(
    state: &AppState,
    agency: &agency::Model,
    id: i64,
) -> Result<assignment::Model, AppError> {
    assignment::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .or_fail()?
        .filter(|a| a.agency_id == agency.id)
        .ok_or(AppError::NotFound)
        .map_err(fail)
}

pub(crate) async fn current(
    db: &impl ConnectionTrait,
    agency_id: i64,
) -> Result<Vec<assignment::Model>, DbErr> {
    assignment::Entity::find()
        .filter(assignment::Column::AgencyId.eq(agency_id))
        .filter(assignment::Column::SupersededAt.is_null())
        .order_by_desc(assignment::Column::DeadlineAt)
        .all(db)
        .await
}

pub(crate) async fn total_tally(
    state: &AppState,
    a: &assignment::Model,
    now: DateTime<Utc>,
) -> Result<Tally, DbErr> {
    let scope = scope_of(&state.db, a, now).await?;
    let (rows, _) = tallies(&state.db, &scope, None).await?;
    let mut total = Tally::default();
    for (_, t) in &rows {
        total.merge(t);
    }
    Ok(total)
}

/// An assignment with its agency-wide tally.
pub(crate) async fn view_of(
    state: &AppState,
    a: &assignment::Model,
) -> Result<AssignmentView, AppError> {
    let now = Utc::now();
    let tree = units(&state.db, a.agency_id).await.or_fail()?;
    let tally = total_tally(state, a, now).await.or_fail()?;
    view(state, a, &tree, tally, now).await.or_fail()
}

/// `/operator/penugasan`.
pub async fn page(state: &AppState, actor: &account::Model) -> Result<AssignmentsPage, AppError> {
    let agency = agency_of(state, actor).await?;
    let now = Utc::now();
    let tree = units(&state.db, agency.id).await.or_fail()?;
    let mut assignments = Vec::new();
    for a in current(&state.db, agency.id).await.or_fail()? {
        let tally = total_tally(state, &a, now).await.or_fail()?;
        assignments.push(view(state, &a, &tree, tally, now).await.or_fail()?);
    }
    let mut options: Vec<&unit::Model> = tree.values().collect();
    options.sort_by(|a, b| a.name_key.cmp(&b.name_key));
    Ok(AssignmentsPage {
        agency: agency.name.clone(),
        time_zone: agency.time_zone.clone(),
        signer: (
            agency.signer_name.clone(),
            agency.signer_nip.clone(),
            agency.signer_position.clone(),
        ),
        modules: state
            .catalog
            .modules()
            .iter()
            .filter(|m| m.is_self_study())
            .map(|m| ModuleOption {
                slug: m.slug.clone(),
                title: m.title.clone(),
            })
            .collect(),
        units: options
            .into_iter()
            .map(|u| UnitOption {
                id: u.id,
                name: u.name.clone(),
                depth: u.depth.max(1) as u32,
            })
            .collect(),
        assignments,
        required: Assurance::from_code(&agency.required_assurance),
    })
}

/// What the assignment form sends.
#[derive(Debug, Clone, Default)]
pub struct AssignmentForm {
    pub module_slug: String,
    /// "all" or "units".
    pub scope: String,
    pub unit_ids: Vec<i64>,
    /// For scope "list": NIPs separated by lines, commas or semicolons (a pasted column).
    pub nips: String,
    /// `YYYY-MM-DD`, the day it opens (00:00 local time).
    pub opens_on: String,
    /// `YYYY-MM-DDTHH:MM` local time.
    pub deadline: String,
    pub time_zone: String,
}

/// Local form values to UTC instants, with a message per field.
pub fn parse_window(
    opens_on: &str,
    deadline: &str,
    time_zone: &str,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(offset) = zone_offset(time_zone) else {
        return Err(vec![FieldError::new(
            "time_zone",
            "Pilih zona waktu WIB, WITA, atau WIT.",
        )]);
    };
    let opens = NaiveDate::parse_from_str(opens_on.trim(), "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN));
    if opens.is_none() {
        errors.push(FieldError::new(
            "opens_on",
            "Isi tanggal mulai (hari-bulan-tahun).",
        ));
    }
    let deadline = NaiveDateTime::parse_from_str(deadline.trim(), "%Y-%m-%dT%H:%M").ok();
    if deadline.is_none() {
        errors.push(FieldError::new("deadline", "Isi tanggal dan jam tenggat."));
    }
    let to_utc = |t: NaiveDateTime| crate::ssr::time::to_utc(t, offset);
    match (opens.and_then(to_utc), deadline.and_then(to_utc)) {
        (Some(o), Some(d)) if d <= o => Err(vec![FieldError::new(
            "deadline",
            "Tenggat harus sesudah tanggal mulai.",
        )]),
        (Some(o), Some(d)) if errors.is_empty() => Ok((o, d)),
        _ => Err(errors),
    }
}

/// The roster employees a pasted NIP list names, or a message naming every NIP that is
/// malformed or not on this agency's roster (so nobody is silently left out).
pub(crate) async fn listed_employees(
    state: &AppState,
    agency_id: i64,
    text: &str,
) -> Result<Result<Vec<i64>, String>, AppError> {
    use crate::model::nip::Nip;
    let today = crate::ssr::tracking::import::today();
    let mut nips = Vec::new();
    let mut problems = Vec::new();
    for (i, item) in text
        .split(['\n', ',', ';'])
        .map(str::trim)
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
    {
        match Nip::parse(item, today) {
            Ok(nip) => nips.push(nip.as_str().to_string()),
            Err(e) => problems.push(format!("ke-{} ({item}): {e}", i + 1)),
        }
    }
    if nips.is_empty() && problems.is_empty() {
        return Ok(Err("Tempelkan minimal satu NIP.".into()));
    }
    if nips.len() > 100_000 {
        return Ok(Err(
            "Daftar terlalu panjang (paling banyak 100.000 NIP).".into()
        ));
    }
    let mut found: HashMap<String, i64> = HashMap::new();
    for chunk in nips.chunks(500) {
        for e in crate::ssr::db::entities::employee::Entity::find()
            .filter(crate::ssr::db::entities::employee::Column::AgencyId.eq(agency_id))
            .filter(crate::ssr::db::entities::employee::Column::Nip.is_in(chunk.iter().cloned()))
            .all(&state.db)
            .await
            .or_fail()?
        {
            found.insert(e.nip, e.id);
        }
    }
    for nip in &nips {
        if !found.contains_key(nip) {
            problems.push(format!("{nip}: tidak ada di roster instansi Anda"));
        }
    }
    if !problems.is_empty() {
        let shown: Vec<&str> = problems.iter().take(20).map(String::as_str).collect();
        let more = problems.len().saturating_sub(shown.len());
        return Ok(Err(format!(
            "NIP bermasalah: {}{}",
            shown.join("; "),
            if more > 0 {
                format!("; dan {more} lainnya")
            } else {
                String::new()
            }
        )));
    }
    let mut ids: Vec<i64> = found.into_values().collect();
    ids.sort_unstable();
    Ok(Ok(ids))
}

/// Creates an assignment for the whole agency, for units (each with its sub-units), or for a
/// pasted list of NIPs from the roster.
pub async fn create(
    state: &AppState,
    actor: &account::Model,
    form: AssignmentForm,
) -> Result<i64, AppError> {
    let agency = agency_of(state, actor).await?;
    let mut errors = Vec::new();
    if state
        .catalog
        .module(&form.module_slug)
        .filter(|m| m.is_self_study())
        .is_none()
    {
        errors.push(FieldError::new(
            "module_slug",
            "Pilih modul yang ditugaskan.",
        ));
    }
    let (opens_at, deadline_at) =
        match parse_window(&form.opens_on, &form.deadline, &form.time_zone) {
            Ok(w) => Some(w),
            Err(e) => {
                errors.extend(e);
                None
            }
        }
        .unzip();
    let whole_agency = !matches!(form.scope.as_str(), "units" | "list");
    let tree = units(&state.db, agency.id).await.or_fail()?;
    let listed = if form.scope == "list" {
        match listed_employees(state, agency.id, &form.nips).await? {
            Ok(ids) => ids,
            Err(message) => {
                errors.push(FieldError::new("nips", message));
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    if form.scope == "units" {
        if form.unit_ids.is_empty() {
            errors.push(FieldError::new(
                "unit_ids",
                "Pilih minimal satu OPD atau unit kerja.",
            ));
        } else if form.unit_ids.iter().any(|id| !tree.contains_key(id)) {
            // Another agency's unit, or one that no longer exists.
            errors.push(FieldError::new(
                "unit_ids",
                "Unit yang dipilih tidak ditemukan di instansi Anda.",
            ));
        }
    }
    let (Some(opens_at), Some(deadline_at)) = (opens_at, deadline_at) else {
        return Err(fail(AppError::Invalid(errors)));
    };
    if !errors.is_empty() {
        return Err(fail(AppError::Invalid(errors)));
    }
    let row = assignment::ActiveModel {
        agency_id: Set(agency.id),
        module_slug: Set(form.module_slug.clone()),
        opens_at: Set(opens_at),
        deadline_at: Set(deadline_at),
        time_zone: Set(form.time_zone.clone()),
        whole_agency: Set(whole_agency),
        previous_id: Set(None),
        new_cycle: Set(false),
        superseded_at: Set(None),
        created_by: Set(Some(actor.id)),
        ..Default::default()
    };
    // Each target: (unit, employee).
    let mut targets: Vec<(Option<i64>, Option<i64>)> =
        listed.into_iter().map(|e| (None, Some(e))).collect();
    if form.scope == "units" {
        let mut ids = form.unit_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        targets.extend(ids.into_iter().map(|u| (Some(u), None)));
    }
    let created_id = state
        .writer
        .run(move |txn| async move {
            let created = row.insert(&txn).await?;
            insert_targets(&txn, created.id, targets).await?;
            txn.commit().await.map(|_| created.id)
        })
        .await
        .or_fail()?;
    auth::audit(
        state,
        Some(actor),
        "assignment_create",
        &form.module_slug,
        &format_local(deadline_at, &form.time_zone),
    )
    .await?;
    Ok(created_id)
}

/// Adds an assignment's targets, each a (unit, employee) pair with one of the two set.
async fn insert_targets(
    txn: &DatabaseTransaction,
    assignment_id: i64,
    targets: Vec<(Option<i64>, Option<i64>)>,
) -> Result<(), DbErr> {
    for (unit_id, employee_id) in targets {
        assignment_target::ActiveModel {
            assignment_id: Set(assignment_id),
            unit_id: Set(unit_id),
            employee_id: Set(employee_id),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Re-opens an assignment for a new election cycle: same module and targets, new dates; passes
/// before the new opening no longer count.
pub async fn new_cycle(
    state: &AppState,
    actor: &account::Model,
    id: i64,
    opens_on: &str,
    deadline: &str,
) -> Result<i64, AppError> {
    let agency = agency_of(state, actor).await?;
    let old = find(state, &agency, id).await?;
    let (opens_at, deadline_at) =
        parse_window(opens_on, deadline, &old.time_zone).map_err(|e| fail(AppError::Invalid(e)))?;
    if opens_at <= old.opens_at {
        return Err(fail(AppError::invalid(
            "opens_on",
            "Siklus baru harus dimulai sesudah siklus sebelumnya dimulai.",
        )));
    }
    let row = assignment::ActiveModel {
        agency_id: Set(agency.id),
        module_slug: Set(old.module_slug.clone()),
        opens_at: Set(opens_at),
        deadline_at: Set(deadline_at),
        time_zone: Set(old.time_zone.clone()),
        whole_agency: Set(old.whole_agency),
        previous_id: Set(Some(old.id)),
        new_cycle: Set(true),
        superseded_at: Set(None),
        created_by: Set(Some(actor.id)),
        ..Default::default()
    };
    let old_id = old.id;
    let created_id = state
        .writer
        .run(move |txn| async move {
            // Only one new cycle per assignment, even with two operators clicking at once.
            let superseded = assignment::Entity::update_many()
                .col_expr(
                    assignment::Column::SupersededAt,
                    sea_orm::sea_query::Expr::value(Utc::now()),
                )
                .filter(assignment::Column::Id.eq(old_id))
                .filter(assignment::Column::SupersededAt.is_null())
                .exec(&txn)
                .await?;
            if superseded.rows_affected != 1 {
                txn.rollback().await?;
                return Ok(None);
            }
            let created = row.insert(&txn).await?;
            let targets = assignment_target::Entity::find()
                .filter(assignment_target::Column::AssignmentId.eq(old_id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|t| (t.unit_id, t.employee_id))
                .collect();
            insert_targets(&txn, created.id, targets).await?;
            txn.commit().await.map(|_| Some(created.id))
        })
        .await
        .or_fail()?
        .ok_or_else(|| {
            fail(AppError::Conflict(
                "Penugasan ini sudah dibuka ulang untuk siklus baru.".into(),
            ))
        })?;
    auth::audit(
        state,
        Some(actor),
        "assignment_new_cycle",
        &old.module_slug,
        &format_local(deadline_at, &old.time_zone),
    )
    .await?;
    Ok(created_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::DbBackend;

    #[test]
    fn deadlines_are_entered_in_local_time_and_stored_in_utc() {
        let (o, d) = parse_window("2026-12-01", "2026-12-10T16:00", "WITA").expect("valid");
        assert_eq!(o.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(d.to_rfc3339(), "2026-12-10T08:00:00+00:00");
        let (_, d) = parse_window("2026-12-01", "2026-12-10T16:00", "WIT").expect("valid");
        assert_eq!(d.to_rfc3339(), "2026-12-10T07:00:00+00:00");
        let err = parse_window("2026-12-10", "2026-12-01T10:00", "WIB").expect_err("reversed");
        assert_eq!(err[0].field, "deadline");
        let err = parse_window("", "x", "WIB").expect_err("empty");
        assert_eq!(err.len(), 2);
        assert!(parse_window("2026-12-01", "2026-12-10T16:00", "UTC").is_err());
    }

    #[test]
    fn sql_placeholders_follow_the_backend() {
        let mut s = Sql::new(DbBackend::Postgres);
        s.push("a = ").bind(1).push(" AND b = ").bind("x");
        assert_eq!(s.text, "a = $1 AND b = $2");
        let mut s = Sql::new(DbBackend::Sqlite);
        s.push("a = ").bind(1);
        assert_eq!(s.text, "a = ?");
    }

    #[test]
    fn path_ids_read_the_materialised_path() {
        assert_eq!(path_ids("/3/17/42/"), vec![3, 17, 42]);
        assert!(path_ids("/").is_empty());
    }
}
