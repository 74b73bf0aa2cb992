//! Yearly reports for the operator: the JP ledger (credit hours from Netra's modules per
//! employee and calendar year, against the 20 JP target) and question difficulty per assignment.

use crate::error::AppError;
use crate::model::assurance::Assurance;
use crate::model::tracking::{Difficulty, JpLedger, JpRow, UnitOption, JP_TARGET};
use crate::ssr::db::dashboards::{levels_meeting, Sql};
use crate::ssr::db::entities::{account, unit};
use crate::ssr::db::item_stats::Population;
use crate::ssr::learning;
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::time::zone_offset;
use crate::ssr::tracking::import::agency_of;
use crate::ssr::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

const PAGE_SIZE: usize = 50;

/// What the ledger page and its export ask for.
#[derive(Debug, Clone, Default)]
pub struct LedgerQuery {
    pub year: i32,
    pub unit_id: Option<i64>,
    pub only_below: bool,
    pub page: u32,
}

/// 1 January 00:00 of `year` in the agency's zone, in UTC.
fn year_start(year: i32, zone: &str) -> Option<DateTime<Utc>> {
    crate::ssr::time::to_utc(
        NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?,
        zone_offset(zone)?,
    )
}

/// Every employee in scope with the JP their passed modules credit in the year, lowest first.
pub(crate) async fn ledger_rows(
    state: &AppState,
    actor: &account::Model,
    query: &LedgerQuery,
) -> Result<(Vec<JpRow>, Option<unit::Model>, Vec<unit::Model>), AppError> {
    let agency = agency_of(state, actor).await?;
    if !(2000..=2100).contains(&query.year) {
        return Err(fail(AppError::invalid("tahun", "Tahun tidak valid.")));
    }
    let (Some(from), Some(to)) = (
        year_start(query.year, &agency.time_zone),
        year_start(query.year + 1, &agency.time_zone),
    ) else {
        return Err(fail(AppError::Internal));
    };
    let opds = unit::Entity::find()
        .filter(unit::Column::AgencyId.eq(agency.id))
        .filter(unit::Column::ParentId.is_null())
        .all(&state.db)
        .await
        .or_fail()?;
    let chosen = match query.unit_id {
        Some(id) => Some(crate::ssr::tracking::import::unit_of_agency(state, &agency, id).await?),
        None => None,
    };
    // JP is credited for passes of the employee's own record at the agency's required level.
    let required = Assurance::from_code(&agency.required_assurance);
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push(&format!(
        "SELECT e.id AS id, e.nip AS nip, e.name AS name, e.unit_kerja AS unit_kerja, \
         x.module_slug AS module_slug FROM employees e LEFT JOIN (SELECT DISTINCT employee_id, \
         module_slug FROM attempts WHERE claim_id = 0 AND identity IN ({}) AND passed = ",
        levels_meeting(required)
    ))
    .bind(true)
    .push(" AND submitted_at >= ")
    .bind(from)
    .push(" AND submitted_at < ")
    .bind(to)
    .push(") x ON x.employee_id = e.id WHERE e.agency_id = ")
    .bind(agency.id);
    if let Some(u) = &chosen {
        sql.push(" AND e.unit_id IN (SELECT id FROM units WHERE path LIKE ")
            .bind(format!("{}%", u.path))
            .push(")");
    }
    sql.push(" ORDER BY e.id");
    let mut rows: Vec<JpRow> = Vec::new();
    for r in state.db.query_all_raw(sql.statement()).await.or_fail()? {
        let id: i64 = r.try_get("", "id").or_fail()?;
        if rows.last().is_none_or(|last| last.id != id) {
            rows.push(JpRow {
                id,
                nip: r.try_get("", "nip").or_fail()?,
                name: r.try_get("", "name").or_fail()?,
                unit: r.try_get("", "unit_kerja").or_fail()?,
                jp: 0,
                modules: Vec::new(),
            });
        }
        let slug: Option<String> = r.try_get("", "module_slug").or_fail()?;
        // Only modules of the curriculum credit JP (and only what they declare).
        if let (Some(m), Some(row)) = (
            slug.and_then(|s| state.catalog.module(&s).cloned()),
            rows.last_mut(),
        ) {
            row.jp += m.jp;
            row.modules.push(m.title.clone());
        }
    }
    if query.only_below {
        rows.retain(|r| r.jp < JP_TARGET);
    }
    rows.sort_by(|a, b| {
        (a.jp, a.name.to_lowercase(), a.id).cmp(&(b.jp, b.name.to_lowercase(), b.id))
    });
    Ok((rows, chosen, opds))
}

fn option(u: &unit::Model) -> UnitOption {
    UnitOption {
        id: u.id,
        name: u.name.clone(),
        depth: u.depth.max(1) as u32,
    }
}

/// `/operator/jp`.
pub async fn ledger(
    state: &AppState,
    actor: &account::Model,
    query: LedgerQuery,
) -> Result<JpLedger, AppError> {
    let (rows, unit, mut opds) = ledger_rows(state, actor, &query).await?;
    let required =
        crate::ssr::db::dashboards::policy_of(&state.db, agency_of(state, actor).await?.id)
            .await
            .or_fail()?;
    opds.sort_by(|a, b| a.name_key.cmp(&b.name_key));
    let below = rows.iter().filter(|r| r.jp < JP_TARGET).count() as u64;
    let pages = rows.len().div_ceil(PAGE_SIZE).max(1) as u32;
    let page = query.page.clamp(1, pages);
    Ok(JpLedger {
        year: query.year,
        target: JP_TARGET,
        unit: unit.as_ref().map(option),
        opds: opds.iter().map(option).collect(),
        only_below: query.only_below,
        employees: rows.len() as u64,
        below,
        page,
        pages,
        rows: rows
            .into_iter()
            .skip((page as usize - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect(),
        required,
    })
}

/// `/operator/dasbor/{assignment}/soal`: share correct per question among the assignment's
/// employees in this cycle, hardest first.
pub async fn difficulty(
    state: &AppState,
    actor: &account::Model,
    assignment_id: i64,
) -> Result<Difficulty, AppError> {
    let (a, scope, _) = super::dashboard::export_scope(state, actor, assignment_id, None).await?;
    let module = state
        .catalog
        .module(&a.module_slug)
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    let population = Population::Assignment { scope: &scope };
    let questions = learning::item_stats::hardest_first_over(&state.db, module, &population)
        .await
        .or_fail()?;
    let assignment = super::assignments::view_of(state, &a).await?;
    Ok(Difficulty {
        assignment,
        questions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_year_starts_at_local_midnight() {
        let wit = year_start(2026, "WIT").expect("valid");
        assert_eq!(wit.to_rfc3339(), "2025-12-31T15:00:00+00:00");
        let wib = year_start(2026, "WIB").expect("valid");
        assert_eq!(wib.to_rfc3339(), "2025-12-31T17:00:00+00:00");
    }
}
