//! How many attempts an employee has at an assigned module: counted per assignment cycle (a
//! re-opened cycle gives new attempts), plus extra attempts an operator granted, each with a
//! reason in the audit log. The quiz engine enforces the limit with the [`Allowance`] given here.

use crate::error::AppError;
use crate::ssr::accounts::learner::Me;
use crate::ssr::accounts::session;
use crate::ssr::accounts::sign_in;
use crate::ssr::db::dashboards::{scope_of, Sql};
use crate::ssr::db::{
    self,
    entities::{account, assignment, attempt_grant},
};
use crate::ssr::learning::quiz::Allowance;
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

/// Extra attempts one employee may hold in one cycle of a module, however many are granted.
const MAX_EXTRA_PER_CYCLE: u32 = 10;

/// The allowance of a learner in a module: from the opening of the newest re-opened cycle of a
/// current assignment that covers them (none: attempts count over their whole record), plus the
/// extra attempts granted since then. A self-declared claim has its own attempts and no grants.
pub async fn allowance(state: &AppState, me: &Me, slug: &str) -> Result<Allowance, AppError> {
    let (Some(agency_id), true) = (me.employee.agency_id, me.holder.is_record()) else {
        return Ok(Allowance::default());
    };
    let counts_from = cycle_start(&state.db, agency_id, me.employee.id, slug)
        .await
        .or_fail()?;
    let extra = granted_since(&state.db, me.employee.id, slug, counts_from)
        .await
        .or_fail()?;
    Ok(Allowance { counts_from, extra })
}

/// When the current cycle of `slug` began for this employee, if a re-opened cycle covers them.
async fn cycle_start(
    db: &impl ConnectionTrait,
    agency_id: i64,
    employee_id: i64,
    slug: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let now = Utc::now();
    let cycles = assignment::Entity::find()
        .filter(assignment::Column::AgencyId.eq(agency_id))
        .filter(assignment::Column::ModuleSlug.eq(slug))
        .filter(assignment::Column::SupersededAt.is_null())
        .filter(assignment::Column::NewCycle.eq(true))
        .all(db)
        .await?;
    let mut start = None;
    for a in cycles {
        if start.is_some_and(|s| s >= a.opens_at) {
            continue;
        }
        if covers(db, &a, employee_id, now).await? {
            start = Some(a.opens_at);
        }
    }
    Ok(start)
}

/// Whether an assignment covers an employee (the same rule as its dashboard).
async fn covers(
    db: &impl ConnectionTrait,
    a: &assignment::Model,
    employee_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let scope = scope_of(db, a, now).await?;
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT COUNT(*) AS n FROM employees e WHERE e.id = ")
        .bind(employee_id)
        .push(" AND");
    scope.employee_filter(&mut sql);
    let n: i64 = match db.query_one_raw(sql.statement()).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(n > 0)
}

async fn granted_since(
    db: &impl ConnectionTrait,
    employee_id: i64,
    slug: &str,
    since: Option<DateTime<Utc>>,
) -> Result<u32, DbErr> {
    let mut query = attempt_grant::Entity::find()
        .filter(attempt_grant::Column::EmployeeId.eq(employee_id))
        .filter(attempt_grant::Column::ModuleSlug.eq(slug));
    if let Some(since) = since {
        query = query.filter(attempt_grant::Column::GrantedAt.gte(since));
    }
    let total: i64 = query
        .all(db)
        .await?
        .iter()
        .map(|g| i64::from(g.extra.max(0)))
        .sum();
    Ok(u32::try_from(total).unwrap_or(u32::MAX))
}

/// An operator grants one extra attempt at a module to an employee of their agency, with a
/// reason kept in the audit log.
pub async fn grant_extra(
    state: &AppState,
    actor: &account::Model,
    employee_id: i64,
    slug: &str,
    reason: &str,
) -> Result<(), AppError> {
    let agency_id = session::agency_of(actor)?;
    let employee = db::accounts::employee_in(&state.db, agency_id, employee_id)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    let module = state
        .catalog
        .module(slug)
        .filter(|m| m.attempt_limit.is_some())
        .ok_or_else(|| AppError::invalid("module", "Pilih modul yang memiliki batas percobaan."))
        .map_err(fail)?;
    let reason = sign_in::audit_reason(
        reason,
        5,
        "Tulis alasan pemberian percobaan tambahan (5 sampai 300 karakter).",
    )?;
    let counts_from = cycle_start(&state.db, agency_id, employee.id, &module.slug)
        .await
        .or_fail()?;
    let already = granted_since(&state.db, employee.id, &module.slug, counts_from)
        .await
        .or_fail()?;
    if already >= MAX_EXTRA_PER_CYCLE {
        return Err(fail(AppError::Conflict(format!(
            "Pegawai ini sudah mendapat {MAX_EXTRA_PER_CYCLE} percobaan tambahan pada siklus ini."
        ))));
    }
    attempt_grant::ActiveModel {
        employee_id: Set(employee.id),
        module_slug: Set(module.slug.clone()),
        extra: Set(1),
        granted_by: Set(Some(actor.id)),
        granted_at: Set(Utc::now()),
        reason: Set(reason.clone()),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .or_fail()?;
    sign_in::audit(
        state,
        Some(actor),
        "grant_attempt",
        &employee.nip,
        &format!("{}: {reason}", module.slug),
    )
    .await
}
