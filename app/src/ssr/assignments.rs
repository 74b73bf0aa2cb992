//! Assignments (modules an agency requires by a deadline, re-opened per election cycle) and the
//! completion dashboards computed from them.
//!
//! Status is computed in SQL from `module_results` (one row per employee and module), so an
//! overview is one grouped query over the agency's employees, rolled up the unit tree here.

use super::db::{
    self,
    entities::{account, agency, assignment, assignment_target, certificate, employee, unit},
};
use super::respond::{fail, OrFail};
use super::tracking::agency_of;
use super::webinar::{format_local, zone_offset};
use super::{auth, AppState};
use crate::error::{AppError, FieldError};
use crate::model::tracking::{
    AssignmentView, AssignmentsPage, AttemptsBucket, EmployeeStatus, ModuleOption, Overview,
    Status, Tally, UnitDrillDown, UnitOption, UnitRow,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set, Statement, Value,
};
use std::collections::HashMap;

/// Employees per drill-down page.
pub const PAGE_SIZE: u64 = 50;
/// Names in a reminder text at most (the rest are counted).
const REMINDER_NAMES: u64 = 300;

/// SQL with placeholders in the backend's style (`?` or `$n`).
pub(crate) struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Sql {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    pub(crate) fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => self.text.push_str(&format!("${}", self.values.len())),
            _ => self.text.push('?'),
        }
        self
    }

    pub(crate) fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text.clone(), self.values.clone())
    }
}

/// What decides each employee's status on one assignment.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub agency_id: i64,
    pub assignment_id: i64,
    pub module_slug: String,
    pub whole_agency: bool,
    /// Paths of the targeted units ("/3/17/"): each includes its sub-units.
    pub unit_paths: Vec<String>,
    /// Passes, submissions and activity before this instant belong to an earlier cycle.
    pub counts_from: Option<DateTime<Utc>>,
    pub deadline: DateTime<Utc>,
    pub past_deadline: bool,
}

/// Which columns hold the employee, their agency and their unit in a query's main table.
#[derive(Debug, Clone, Copy)]
struct Columns {
    employee: &'static str,
    agency: &'static str,
    unit: &'static str,
}

const EMPLOYEES: Columns = Columns {
    employee: "e.id",
    agency: "e.agency_id",
    unit: "e.unit_id",
};
const RESULTS: Columns = Columns {
    employee: "mr.employee_id",
    agency: "mr.agency_id",
    unit: "mr.unit_id",
};

impl Scope {
    /// `agency = ? AND (targets) [AND within a unit's sub-tree]` on the given columns.
    fn filter(&self, sql: &mut Sql, cols: Columns, within: Option<&str>) {
        sql.push(&format!(" {} = ", cols.agency))
            .bind(self.agency_id);
        if !self.whole_agency {
            sql.push(&format!(
                " AND ({} IN (SELECT employee_id FROM assignment_targets WHERE assignment_id = ",
                cols.employee
            ))
            .bind(self.assignment_id)
            .push(" AND employee_id IS NOT NULL)");
            for path in &self.unit_paths {
                sql.push(&format!(
                    " OR {} IN (SELECT id FROM units WHERE path LIKE ",
                    cols.unit
                ))
                .bind(format!("{path}%"))
                .push(")");
            }
            sql.push(")");
        }
        if let Some(path) = within {
            sql.push(&format!(
                " AND {} IN (SELECT id FROM units WHERE path LIKE ",
                cols.unit
            ))
            .bind(format!("{path}%"))
            .push(")");
        }
    }

    /// The filter on employees `e` (for queries that join attempts to employees).
    pub(crate) fn employee_filter(&self, sql: &mut Sql) {
        self.filter(sql, EMPLOYEES, None);
    }

    /// `FROM ... WHERE ...` for the employees the assignment covers, optionally within a unit's
    /// sub-tree, with their results joined as `mr`.
    fn source(&self, sql: &mut Sql, within: Option<&str>) {
        sql.push(
            " FROM employees e LEFT JOIN module_results mr ON mr.employee_id = e.id AND mr.module_slug = ",
        )
        .bind(self.module_slug.clone())
        .push(" WHERE");
        self.filter(sql, EMPLOYEES, within);
    }

    /// The status as an integer (the order of [`Status::ALL`]).
    fn status_expr(&self, sql: &mut Sql) {
        let since = |sql: &mut Sql, col: &str| {
            if let Some(from) = self.counts_from {
                sql.push(&format!(" AND {col} >= ")).bind(from);
            }
        };
        sql.push("CASE WHEN mr.last_passed_at IS NOT NULL");
        since(sql, "mr.last_passed_at");
        sql.push(" THEN 0");
        if self.past_deadline {
            sql.push(" ELSE 4 END");
            return;
        }
        sql.push(" WHEN mr.last_submitted_at IS NOT NULL");
        since(sql, "mr.last_submitted_at");
        sql.push(" THEN 1 WHEN mr.last_activity_at IS NOT NULL");
        since(sql, "mr.last_activity_at");
        sql.push(" THEN 2 ELSE 3 END");
    }
}

fn status_of(code: i32) -> Status {
    Status::ALL
        .get(code.clamp(0, 4) as usize)
        .copied()
        .unwrap_or(Status::NotStarted)
}

async fn scope_of(
    db: &impl ConnectionTrait,
    a: &assignment::Model,
    now: DateTime<Utc>,
) -> Result<Scope, DbErr> {
    let targets = assignment_target::Entity::find()
        .filter(assignment_target::Column::AssignmentId.eq(a.id))
        .all(db)
        .await?;
    let unit_ids: Vec<i64> = targets.iter().filter_map(|t| t.unit_id).collect();
    let unit_paths = if unit_ids.is_empty() {
        Vec::new()
    } else {
        unit::Entity::find()
            .filter(unit::Column::Id.is_in(unit_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.path)
            .collect()
    };
    Ok(Scope {
        agency_id: a.agency_id,
        assignment_id: a.id,
        module_slug: a.module_slug.clone(),
        whole_agency: a.whole_agency,
        unit_paths,
        counts_from: a.new_cycle.then_some(a.opens_at),
        deadline: a.deadline_at,
        past_deadline: now > a.deadline_at,
    })
}

/// Per-unit tallies (and the attempts distribution of passing employees) for a scope.
///
/// Two grouped scans, neither joining employees to results: the covered employees per unit,
/// and the results of those who started (from `module_results`, which carries the unit).
/// Everyone without a result has not started (or is overdue).
async fn tallies(
    db: &impl ConnectionTrait,
    scope: &Scope,
    within: Option<&str>,
) -> Result<(Vec<(Option<i64>, Tally)>, [u64; 4]), DbErr> {
    let backend = db.get_database_backend();
    let mut people = Sql::new(backend);
    people.push("SELECT e.unit_id AS unit_id, COUNT(*) AS n FROM employees e WHERE");
    scope.filter(&mut people, EMPLOYEES, within);
    people.push(" GROUP BY e.unit_id");
    let mut results = Sql::new(backend);
    results.push("SELECT mr.unit_id AS unit_id, ");
    scope.status_expr(&mut results);
    results.push(
        " AS status, CASE WHEN mr.submitted >= 4 THEN 4 ELSE mr.submitted END AS tries, \
         COUNT(*) AS n, COALESCE(SUM(mr.best_score), 0) AS score_sum, COUNT(mr.best_score) AS scored \
         FROM module_results mr WHERE mr.module_slug = ",
    )
    .bind(scope.module_slug.clone())
    .push(" AND");
    scope.filter(&mut results, RESULTS, within);
    results.push(" GROUP BY mr.unit_id, 2, 3");

    let mut per_unit: HashMap<Option<i64>, Tally> = HashMap::new();
    let mut started: HashMap<Option<i64>, u64> = HashMap::new();
    let mut tries = [0u64; 4];
    for row in db.query_all_raw(results.statement()).await? {
        let unit: Option<i64> = row.try_get("", "unit_id")?;
        let status = status_of(row.try_get::<i32>("", "status")?);
        let attempts: i32 = row.try_get("", "tries")?;
        let n = row.try_get::<i64>("", "n")?.max(0) as u64;
        let tally = per_unit.entry(unit).or_default();
        tally.add(status, n);
        tally.score_sum += row.try_get::<i64>("", "score_sum")?;
        tally.scored += row.try_get::<i64>("", "scored")?.max(0) as u64;
        *started.entry(unit).or_default() += n;
        if status == Status::Passed && attempts >= 1 {
            tries[(attempts.min(4) - 1) as usize] += n;
        }
    }
    let untouched = if scope.past_deadline {
        Status::Overdue
    } else {
        Status::NotStarted
    };
    for row in db.query_all_raw(people.statement()).await? {
        let unit: Option<i64> = row.try_get("", "unit_id")?;
        let n = row.try_get::<i64>("", "n")?.max(0) as u64;
        let with_results = started.get(&unit).copied().unwrap_or(0);
        per_unit
            .entry(unit)
            .or_default()
            .add(untouched, n.saturating_sub(with_results));
    }
    Ok((per_unit.into_iter().collect(), tries))
}

/// The agency's tree by id.
async fn units(
    db: &impl ConnectionTrait,
    agency_id: i64,
) -> Result<HashMap<i64, unit::Model>, DbErr> {
    Ok(unit::Entity::find()
        .filter(unit::Column::AgencyId.eq(agency_id))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

fn path_ids(path: &str) -> Vec<i64> {
    path.trim_matches('/')
        .split('/')
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Rolls per-unit tallies up to the children of `parent` (the OPDs when `parent` is `None`).
/// Employees placed directly in `parent`, or in no unit, get a row of their own.
fn roll_up(
    rows: &[(Option<i64>, Tally)],
    tree: &HashMap<i64, unit::Model>,
    parent: Option<&unit::Model>,
) -> Vec<UnitRow> {
    let depth = parent.map(|p| p.depth as usize).unwrap_or(0);
    let mut groups: HashMap<Option<i64>, Tally> = HashMap::new();
    for (unit_id, tally) in rows {
        let group = unit_id
            .and_then(|id| tree.get(&id))
            .and_then(|u| path_ids(&u.path).get(depth).copied());
        groups.entry(group).or_default().merge(tally);
    }
    let mut out: Vec<UnitRow> = groups
        .into_iter()
        .map(|(id, tally)| UnitRow {
            unit_id: id,
            name: match (id.and_then(|id| tree.get(&id)), parent) {
                (Some(u), _) => u.name.clone(),
                (None, Some(p)) => format!("{} (langsung)", p.name),
                (None, None) => "Belum ditempatkan di unit".into(),
            },
            tally,
        })
        .collect();
    out.sort_by(|a, b| {
        (a.unit_id.is_none(), a.name.to_lowercase())
            .cmp(&(b.unit_id.is_none(), b.name.to_lowercase()))
    });
    out
}

fn module_title(state: &AppState, slug: &str) -> String {
    state
        .catalog
        .module(slug)
        .map(|m| m.title.clone())
        .unwrap_or_else(|| slug.to_string())
}

async fn cycle_number(db: &impl ConnectionTrait, a: &assignment::Model) -> Result<u32, DbErr> {
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

async fn view(
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
        module_title: module_title(state, &a.module_slug),
        opens: format_local(a.opens_at, &a.time_zone),
        deadline: format_local(a.deadline_at, &a.time_zone),
        scope,
        cycle: cycle_number(&state.db, a).await?,
        past_deadline: now > a.deadline_at,
        tally,
    })
}

async fn find(
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

async fn current(
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

async fn total_tally(
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
            .filter(|m| !m.questions.is_empty())
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
    let to_utc = |t: NaiveDateTime| {
        t.and_local_timezone(offset)
            .single()
            .map(|t| t.with_timezone(&Utc))
    };
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
async fn listed_employees(
    state: &AppState,
    agency_id: i64,
    text: &str,
) -> Result<Result<Vec<i64>, String>, AppError> {
    use crate::model::nip::Nip;
    let today = super::tracking::today();
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
        for e in super::db::entities::employee::Entity::find()
            .filter(super::db::entities::employee::Column::AgencyId.eq(agency_id))
            .filter(super::db::entities::employee::Column::Nip.is_in(chunk.iter().cloned()))
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
        .filter(|m| !m.questions.is_empty())
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
    let txn = db::begin_write(&state.db).await.or_fail()?;
    let created = assignment::ActiveModel {
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
    }
    .insert(&txn)
    .await
    .or_fail()?;
    for employee_id in listed {
        assignment_target::ActiveModel {
            assignment_id: Set(created.id),
            unit_id: Set(None),
            employee_id: Set(Some(employee_id)),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .or_fail()?;
    }
    if form.scope == "units" {
        let mut ids = form.unit_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        for unit_id in ids {
            assignment_target::ActiveModel {
                assignment_id: Set(created.id),
                unit_id: Set(Some(unit_id)),
                employee_id: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .or_fail()?;
        }
    }
    txn.commit().await.or_fail()?;
    auth::audit(
        state,
        Some(actor),
        "assignment_create",
        &form.module_slug,
        &format_local(deadline_at, &form.time_zone),
    )
    .await?;
    Ok(created.id)
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
    let txn = db::begin_write(&state.db).await.or_fail()?;
    // Only one new cycle per assignment, even with two operators clicking at once.
    let superseded = assignment::Entity::update_many()
        .col_expr(
            assignment::Column::SupersededAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(assignment::Column::Id.eq(old.id))
        .filter(assignment::Column::SupersededAt.is_null())
        .exec(&txn)
        .await
        .or_fail()?;
    if superseded.rows_affected != 1 {
        txn.rollback().await.or_fail()?;
        return Err(fail(AppError::Conflict(
            "Penugasan ini sudah dibuka ulang untuk siklus baru.".into(),
        )));
    }
    let created = assignment::ActiveModel {
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
    }
    .insert(&txn)
    .await
    .or_fail()?;
    for t in assignment_target::Entity::find()
        .filter(assignment_target::Column::AssignmentId.eq(old.id))
        .all(&txn)
        .await
        .or_fail()?
    {
        assignment_target::ActiveModel {
            assignment_id: Set(created.id),
            unit_id: Set(t.unit_id),
            employee_id: Set(t.employee_id),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .or_fail()?;
    }
    txn.commit().await.or_fail()?;
    auth::audit(
        state,
        Some(actor),
        "assignment_new_cycle",
        &old.module_slug,
        &format_local(deadline_at, &old.time_zone),
    )
    .await?;
    Ok(created.id)
}

/// `/operator/dasbor`: one assignment (the latest deadline by default) per OPD.
pub async fn overview(
    state: &AppState,
    actor: &account::Model,
    assignment_id: Option<i64>,
) -> Result<Option<Overview>, AppError> {
    let agency = agency_of(state, actor).await?;
    let now = Utc::now();
    let all = current(&state.db, agency.id).await.or_fail()?;
    let chosen = match assignment_id {
        Some(id) => find(state, &agency, id).await?,
        None => match all.first() {
            Some(a) => a.clone(),
            None => return Ok(None),
        },
    };
    let tree = units(&state.db, agency.id).await.or_fail()?;
    let scope = scope_of(&state.db, &chosen, now).await.or_fail()?;
    let (rows, tries) = tallies(&state.db, &scope, None).await.or_fail()?;
    let mut total = Tally::default();
    for (_, t) in &rows {
        total.merge(t);
    }
    let assignment = view(state, &chosen, &tree, total, now).await.or_fail()?;
    let mut others = Vec::new();
    for a in all.iter().filter(|a| a.id != chosen.id) {
        others.push(
            view(state, a, &tree, Tally::default(), now)
                .await
                .or_fail()?,
        );
    }
    Ok(Some(Overview {
        agency: agency.name.clone(),
        assignment,
        others,
        rows: roll_up(&rows, &tree, None),
        attempts: ["1", "2", "3", "4+"]
            .into_iter()
            .zip(tries)
            .map(|(label, count)| AttemptsBucket {
                label: label.into(),
                count,
            })
            .collect(),
    }))
}

/// Sort orders of a drill-down.
fn order_by(sort: &str) -> &'static str {
    match sort {
        "nip" => "nip, id",
        "status" => "status DESC, name, id",
        "nilai" => "best_score DESC NULLS LAST, name, id",
        "aktivitas" => "last_activity_at DESC NULLS LAST, name, id",
        _ => "name, id",
    }
}

/// A status filter: one status, or everyone who has not passed ("belum selesai").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Only(Status),
    Unfinished,
}

impl StatusFilter {
    /// Reads a `status=` code: a status code, or `belum-selesai`.
    pub fn from_code(code: &str) -> Option<StatusFilter> {
        match code {
            UNFINISHED => Some(StatusFilter::Unfinished),
            code => Status::from_code(code).map(StatusFilter::Only),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::Only(s) => s.code(),
            StatusFilter::Unfinished => UNFINISHED,
        }
    }
}

/// The `status=` code of everyone who has not passed.
pub const UNFINISHED: &str = "belum-selesai";

/// What a drill-down page asks for.
#[derive(Debug, Clone, Default)]
pub struct DrillQuery {
    pub status: Option<StatusFilter>,
    pub q: String,
    pub sort: String,
    pub page: u32,
}

/// The employees of a scope (optionally within a unit) with their status, as a subquery `t`.
fn employees_sql(sql: &mut Sql, scope: &Scope, within: Option<&str>) {
    sql.push(
        "SELECT e.id AS id, e.nip AS nip, e.name AS name, e.unit_kerja AS unit_kerja, \
         mr.best_score AS best_score, mr.last_activity_at AS last_activity_at, \
         mr.first_passed_at AS first_passed_at, mr.last_passed_at AS last_passed_at, \
         CASE WHEN EXISTS (SELECT 1 FROM accounts acc WHERE acc.employee_id = e.id \
         AND acc.password_hash IS NOT NULL) THEN 1 ELSE 0 END AS verified, ",
    );
    scope.status_expr(sql);
    sql.push(" AS status");
    scope.source(sql, within);
}

fn filters(sql: &mut Sql, query: &DrillQuery) {
    sql.push(" WHERE 1 = 1");
    match query.status {
        Some(StatusFilter::Only(status)) => {
            let code = Status::ALL.iter().position(|s| *s == status).unwrap_or(3) as i32;
            sql.push(" AND t.status = ").bind(code);
        }
        Some(StatusFilter::Unfinished) => {
            sql.push(" AND t.status <> 0");
        }
        None => {}
    }
    let q = query.q.trim();
    if !q.is_empty() {
        let escaped: String = q
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        sql.push(" AND (LOWER(t.name) LIKE ")
            .bind(format!("%{escaped}%"))
            .push(" ESCAPE '\\'");
        if !digits.is_empty() {
            sql.push(" OR t.nip LIKE ").bind(format!("{digits}%"));
        }
        sql.push(")");
    }
}

/// One employee's line, and the instant of their last activity (for exports).
fn employee_row(
    row: &sea_orm::QueryResult,
    scope: &Scope,
    time_zone: &str,
) -> Result<(EmployeeStatus, Option<DateTime<Utc>>), DbErr> {
    let status = status_of(row.try_get::<i32>("", "status")?);
    let first: Option<DateTime<Utc>> = row.try_get("", "first_passed_at")?;
    let last: Option<DateTime<Utc>> = row.try_get("", "last_passed_at")?;
    // The first pass of this cycle: the first pass ever, unless that belongs to an earlier one.
    let cycle_pass = match (scope.counts_from, first) {
        (Some(from), Some(f)) if f < from => last,
        _ => first,
    };
    let activity: Option<DateTime<Utc>> = row.try_get("", "last_activity_at")?;
    let line = EmployeeStatus {
        id: row.try_get("", "id")?,
        nip: row.try_get("", "nip")?,
        name: row.try_get("", "name")?,
        unit: row.try_get("", "unit_kerja")?,
        status,
        best_score: row.try_get("", "best_score")?,
        last_activity: activity.map(|t| format_local(t, time_zone)),
        late: status == Status::Passed && cycle_pass.is_some_and(|p| p > scope.deadline),
        verified: row.try_get::<i32>("", "verified")? == 1,
    };
    Ok((line, activity))
}

/// `/operator/dasbor/{assignment}/unit/{unit}`.
pub async fn drill_down(
    state: &AppState,
    actor: &account::Model,
    assignment_id: i64,
    unit_id: i64,
    query: DrillQuery,
) -> Result<UnitDrillDown, AppError> {
    let agency = agency_of(state, actor).await?;
    if query.q.chars().count() > 100 {
        return Err(fail(AppError::invalid(
            "q",
            "Kata kunci terlalu panjang (maksimal 100 karakter).",
        )));
    }
    let a = find(state, &agency, assignment_id).await?;
    let tree = units(&state.db, agency.id).await.or_fail()?;
    let unit = tree
        .get(&unit_id)
        .cloned()
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    let now = Utc::now();
    let scope = scope_of(&state.db, &a, now).await.or_fail()?;
    let (rows, _) = tallies(&state.db, &scope, Some(&unit.path))
        .await
        .or_fail()?;
    let mut total_tally = Tally::default();
    for (_, t) in &rows {
        total_tally.merge(t);
    }
    let backend = state.db.get_database_backend();

    let mut count = Sql::new(backend);
    count.push("SELECT COUNT(*) AS n FROM (");
    employees_sql(&mut count, &scope, Some(&unit.path));
    count.push(") t");
    filters(&mut count, &query);
    let total = match state.db.query_one_raw(count.statement()).await.or_fail()? {
        Some(row) => row.try_get::<i64>("", "n").or_fail()?.max(0) as u64,
        None => 0,
    };
    let pages = total.div_ceil(PAGE_SIZE).max(1) as u32;
    let page = query.page.clamp(1, pages);

    let mut list = Sql::new(backend);
    list.push("SELECT * FROM (");
    employees_sql(&mut list, &scope, Some(&unit.path));
    list.push(") t");
    filters(&mut list, &query);
    list.push(&format!(
        " ORDER BY {} LIMIT {PAGE_SIZE} OFFSET {}",
        order_by(&query.sort),
        u64::from(page - 1) * PAGE_SIZE
    ));
    let employees = state
        .db
        .query_all_raw(list.statement())
        .await
        .or_fail()?
        .iter()
        .map(|r| employee_row(r, &scope, &a.time_zone).map(|(e, _)| e))
        .collect::<Result<Vec<_>, _>>()
        .or_fail()?;

    let reminder = reminder(state, &scope, &unit, &a, &tree).await?;
    let trail = path_ids(&unit.path)
        .into_iter()
        .filter_map(|id| tree.get(&id))
        .map(|u| UnitOption {
            id: u.id,
            name: u.name.clone(),
            depth: u.depth.max(1) as u32,
        })
        .collect();
    Ok(UnitDrillDown {
        assignment: view(state, &a, &tree, total_tally, now).await.or_fail()?,
        trail,
        sub_units: roll_up(&rows, &tree, Some(&unit))
            .into_iter()
            .filter(|r| r.unit_id != Some(unit.id))
            .collect(),
        total,
        page,
        pages,
        employees,
        reminder,
    })
}

/// "Yth. Kepala ...": who in the unit has not finished, ready to paste into a message.
async fn reminder(
    state: &AppState,
    scope: &Scope,
    unit: &unit::Model,
    a: &assignment::Model,
    tree: &HashMap<i64, unit::Model>,
) -> Result<String, AppError> {
    let backend = state.db.get_database_backend();
    let mut sql = Sql::new(backend);
    sql.push("SELECT * FROM (");
    employees_sql(&mut sql, scope, Some(&unit.path));
    sql.push(") t WHERE t.status <> 0 ORDER BY unit_kerja, name, id");
    let mut count = Sql::new(backend);
    count.push("SELECT COUNT(*) AS n FROM (");
    employees_sql(&mut count, scope, Some(&unit.path));
    count.push(") t WHERE t.status <> 0");
    let missing = match state.db.query_one_raw(count.statement()).await.or_fail()? {
        Some(row) => row.try_get::<i64>("", "n").or_fail()?.max(0) as u64,
        None => 0,
    };
    let title = module_title(state, &a.module_slug);
    let deadline = format_local(a.deadline_at, &a.time_zone);
    let opd = path_ids(&unit.path)
        .first()
        .and_then(|id| tree.get(id))
        .map(|u| u.name.clone())
        .unwrap_or_else(|| unit.name.clone());
    if missing == 0 {
        return Ok(format!(
            "Seluruh ASN di {} telah lulus modul \"{title}\". Terima kasih.",
            unit.name
        ));
    }
    sql.push(&format!(" LIMIT {REMINDER_NAMES}"));
    let rows = state.db.query_all_raw(sql.statement()).await.or_fail()?;
    let mut text = format!(
        "Yth. Kepala {opd},\n\nBerikut {missing} ASN di {} yang belum lulus modul wajib \"{title}\" (tenggat {deadline}):\n",
        unit.name
    );
    for (i, row) in rows.iter().enumerate() {
        let (e, _) = employee_row(row, scope, &a.time_zone).or_fail()?;
        text.push_str(&format!(
            "{}. {} (NIP {}), {}: {}\n",
            i + 1,
            e.name,
            crate::model::nip::format_nip(&e.nip),
            e.unit,
            e.status.label().to_lowercase()
        ));
    }
    if missing > REMINDER_NAMES {
        text.push_str(&format!(
            "... dan {} ASN lainnya (lihat ekspor lengkap).\n",
            missing - REMINDER_NAMES
        ));
    }
    text.push_str("\nMohon arahannya agar modul diselesaikan sebelum tenggat. Terima kasih.");
    Ok(text)
}

/// Every employee of an assignment (optionally within a unit and with one status), in id
/// order, `batch` at a time: `after` is the last id of the previous batch.
pub(crate) async fn export_batch(
    state: &AppState,
    scope: &Scope,
    within: Option<&str>,
    status: Option<StatusFilter>,
    after: i64,
    batch: u64,
    time_zone: &str,
) -> Result<Vec<(EmployeeStatus, Option<DateTime<Utc>>)>, AppError> {
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push("SELECT * FROM (");
    employees_sql(&mut sql, scope, within);
    sql.push(") t");
    filters(
        &mut sql,
        &DrillQuery {
            status,
            ..Default::default()
        },
    );
    sql.push(" AND t.id > ").bind(after);
    sql.push(&format!(" ORDER BY t.id LIMIT {batch}"));
    state
        .db
        .query_all_raw(sql.statement())
        .await
        .or_fail()?
        .iter()
        .map(|r| employee_row(r, scope, time_zone))
        .collect::<Result<Vec<_>, _>>()
        .or_fail()
}

/// The assignment and its scope, for an export.
pub(crate) async fn export_scope(
    state: &AppState,
    actor: &account::Model,
    assignment_id: i64,
    unit_id: Option<i64>,
) -> Result<(assignment::Model, Scope, Option<unit::Model>), AppError> {
    let agency = agency_of(state, actor).await?;
    let a = find(state, &agency, assignment_id).await?;
    let unit = match unit_id {
        Some(id) => Some(super::tracking::unit_of_agency(state, &agency, id).await?),
        None => None,
    };
    let scope = scope_of(&state.db, &a, Utc::now()).await.or_fail()?;
    Ok((a, scope, unit))
}

// ---------------------------------------------------------------------------------------------
// Certificates for mandatory modules

/// The agency an assignment belongs to (its configured official signs the certificates).
pub async fn agency_of_assignment(
    state: &AppState,
    assignment_id: i64,
) -> Result<Option<agency::Model>, AppError> {
    let Some(a) = assignment::Entity::find_by_id(assignment_id)
        .one(&state.db)
        .await
        .or_fail()?
    else {
        return Ok(None);
    };
    db::accounts::agency(&state.db, a.agency_id).await.or_fail()
}

/// Issues the missing certificates of everyone the assignment covers who passed in its cycle
/// (optionally only within a unit's sub-tree, or only one employee), and returns the
/// certificates of all of them in number order. A certificate is dated on the first pass of the
/// cycle, in the assignment's time zone.
pub(crate) async fn certify(
    state: &AppState,
    agency: &agency::Model,
    a: &assignment::Model,
    within: Option<&str>,
    only: Option<i64>,
) -> Result<Vec<certificate::Model>, AppError> {
    let Some(module) = state.catalog.module(&a.module_slug) else {
        return Ok(Vec::new());
    };
    let now = Utc::now();
    let scope = scope_of(&state.db, a, now).await.or_fail()?;
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push("SELECT t.id AS id, t.first_passed_at AS first_passed_at, t.last_passed_at AS last_passed_at FROM (");
    employees_sql(&mut sql, &scope, within);
    sql.push(") t WHERE t.status = 0");
    if let Some(id) = only {
        sql.push(" AND t.id = ").bind(id);
    }
    let passed: Vec<(i64, DateTime<Utc>)> = state
        .db
        .query_all_raw(sql.statement())
        .await
        .or_fail()?
        .iter()
        .map(|row| -> Result<Option<(i64, DateTime<Utc>)>, DbErr> {
            let first: Option<DateTime<Utc>> = row.try_get("", "first_passed_at")?;
            let last: Option<DateTime<Utc>> = row.try_get("", "last_passed_at")?;
            let cycle_pass = match (scope.counts_from, first) {
                (Some(from), Some(f)) if f < from => last,
                _ => first,
            };
            let id: i64 = row.try_get("", "id")?;
            Ok(cycle_pass.map(|at| (id, at)))
        })
        .collect::<Result<Vec<_>, _>>()
        .or_fail()?
        .into_iter()
        .flatten()
        .collect();
    // One learner's pass looks up that learner's certificate only: a province-wide cycle may
    // hold 100,000 of them.
    let held = match only {
        Some(id) => db::certificates::for_assignment_holder(&state.db, a.id, id)
            .await
            .or_fail()?
            .into_iter()
            .collect::<Vec<_>>(),
        None => db::certificates::of_assignment(&state.db, a.id)
            .await
            .or_fail()?,
    };
    let mut held: HashMap<i64, certificate::Model> =
        held.into_iter().map(|c| (c.employee_id, c)).collect();
    let offset = zone_offset(&a.time_zone).unwrap_or_else(|| Utc.fix());
    for (employee_id, passed_at) in &passed {
        if held.contains_key(employee_id) {
            continue;
        }
        let Some(holder) = db::employees::find(&state.db, *employee_id)
            .await
            .or_fail()?
        else {
            continue;
        };
        let cert = super::certificates::issue(
            state,
            super::certificates::Award {
                holder: &holder,
                title: &module.title,
                organiser: &agency.name,
                event_date: passed_at.with_timezone(&offset).date_naive(),
                jp: i32::try_from(module.jp).unwrap_or(i32::MAX),
                session_id: None,
                module_slug: Some(&a.module_slug),
                assignment_id: Some(a.id),
            },
            now,
        )
        .await?;
        held.insert(*employee_id, cert);
    }
    let mut certs: Vec<certificate::Model> = passed
        .iter()
        .filter_map(|(id, _)| held.remove(id))
        .collect();
    certs.sort_by_key(|c| (c.year, c.seq));
    Ok(certs)
}

/// After a learner passes a module: their certificate for every current assignment of it that
/// covers them. Failures are logged, never returned: the submission is stored already, and the
/// certificate is issued again on the next pass, page view or bulk download.
pub async fn certify_learner(state: &AppState, learner: &employee::Model, slug: &str) {
    let Some(agency_id) = learner.agency_id else {
        return;
    };
    let outcome = async {
        let Some(agency) = db::accounts::agency(&state.db, agency_id).await.or_fail()? else {
            return Ok(());
        };
        let assignments = current(&state.db, agency_id).await.or_fail()?;
        for a in assignments.iter().filter(|a| a.module_slug == slug) {
            certify(state, &agency, a, None, Some(learner.id)).await?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(e) = outcome {
        tracing::warn!(error = ?e, employee = learner.id, module = slug, "module certificate not issued");
    }
}

/// The certificates of one unit's sub-tree for an assignment (issuing any that are due), for the
/// operator's ZIP download.
pub async fn unit_certificates(
    state: &AppState,
    actor: &account::Model,
    assignment_id: i64,
    unit_id: i64,
) -> Result<(String, Vec<certificate::Model>), AppError> {
    let agency = agency_of(state, actor).await?;
    let a = find(state, &agency, assignment_id).await?;
    let unit = super::tracking::unit_of_agency(state, &agency, unit_id).await?;
    let certs = certify(state, &agency, &a, Some(&unit.path), None).await?;
    let label = format!("{}-{}", a.module_slug, unit.name);
    Ok((label, certs))
}

#[cfg(test)]
mod tests {
    use super::*;

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
