//! Completion dashboards of an assignment: the overview per OPD, a unit's drill-down with its
//! employees and reminder text, and the rows of the status export.
//!
//! Status is computed in SQL from `module_results` (one row per employee and module), so an
//! overview is one grouped query over the agency's employees, rolled up the unit tree here.

use super::import::agency_of;
use crate::error::AppError;
use crate::model::assurance::Assurance;
use crate::model::tracking::{
    AttemptsBucket, EmployeeStatus, Overview, Status, Tally, UnitDrillDown, UnitOption,
};
use crate::ssr::db::dashboards::*;
use crate::ssr::db::entities::{account, assignment, unit};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::time::format_local;
use crate::ssr::tracking::assignments::*;
use crate::ssr::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

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

/// One employee's line, and the instant of their last activity (for exports).
pub(crate) fn employee_row(
    row: &sea_orm::QueryResult,
    scope: &Scope,
    time_zone: &str,
) -> Result<(EmployeeStatus, Option<DateTime<Utc>>), DbErr> {
    let status = status_of(row.try_get::<i32>("", "status")?);
    let cycle_pass = scope.cycle_pass(row)?;
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
        pass_level: row
            .try_get::<Option<String>>("", "pass_level")?
            .map(|code| Assurance::from_code(&code)),
        signs_in: row.try_get::<i32>("", "signs_in")? == 1,
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
pub(crate) async fn reminder(
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
    let title = state.catalog.title_of(&a.module_slug);
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
        Some(id) => Some(crate::ssr::tracking::import::unit_of_agency(state, &agency, id).await?),
        None => None,
    };
    let scope = scope_of(&state.db, &a, Utc::now()).await.or_fail()?;
    Ok((a, scope, unit))
}
