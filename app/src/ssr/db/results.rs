//! The per-employee, per-module summary (`module_results`) that the BKPSDM dashboards read. It
//! is written in the same transaction that starts or scores an attempt, so it never disagrees
//! with the attempts it summarises.

use super::entities::employee;
use super::entities::module_result::{self, Column};
use crate::model::assurance::Assurance;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

/// A fresh row, placed in the employee's agency and unit as they are now.
async fn row(
    db: &impl ConnectionTrait,
    employee_id: i64,
    slug: &str,
    at: DateTime<Utc>,
) -> Result<module_result::ActiveModel, DbErr> {
    let placed = employee::Entity::find_by_id(employee_id).one(db).await?;
    Ok(module_result::ActiveModel {
        employee_id: Set(employee_id),
        agency_id: Set(placed.as_ref().and_then(|e| e.agency_id)),
        unit_id: Set(placed.as_ref().and_then(|e| e.unit_id)),
        module_slug: Set(slug.to_string()),
        submitted: Set(0),
        best_score: Set(None),
        first_passed_at: Set(None),
        last_passed_at: Set(None),
        last_submitted_at: Set(None),
        last_activity_at: Set(at),
        ..Default::default()
    })
}

/// The employee moved (or joined an agency's roster): their results follow them.
pub async fn placed(
    db: &impl ConnectionTrait,
    employee_id: i64,
    agency_id: Option<i64>,
    unit_id: Option<i64>,
) -> Result<(), DbErr> {
    module_result::Entity::update_many()
        .col_expr(Column::AgencyId, Expr::value(agency_id))
        .col_expr(Column::UnitId, Expr::value(unit_id))
        .filter(Column::EmployeeId.eq(employee_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// An attempt was started.
pub async fn started(
    db: &impl ConnectionTrait,
    employee_id: i64,
    slug: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    module_result::Entity::insert(row(db, employee_id, slug, at).await?)
        .on_conflict(
            OnConflict::columns([Column::EmployeeId, Column::ModuleSlug])
                .update_columns([Column::LastActivityAt, Column::AgencyId, Column::UnitId])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// An attempt of the employee's own record was scored, at this assurance level.
pub async fn submitted(
    db: &impl ConnectionTrait,
    employee_id: i64,
    slug: &str,
    at: DateTime<Utc>,
    score: i32,
    passed: bool,
    assurance: Assurance,
) -> Result<(), DbErr> {
    let mut new = row(db, employee_id, slug, at).await?;
    new.submitted = Set(1);
    new.best_score = Set(Some(score));
    new.last_submitted_at = Set(Some(at));
    if passed {
        new.first_passed_at = Set(Some(at));
        new.last_passed_at = Set(Some(at));
        if assurance.meets(Assurance::Account) {
            new.account_passed_at = Set(Some(at));
        }
        if assurance.meets(Assurance::Sso) {
            new.sso_passed_at = Set(Some(at));
        }
    }
    // The same SQL on SQLite and PostgreSQL (no MAX/GREATEST, whose NULL rules differ).
    module_result::Entity::insert(new)
        .on_conflict(
            OnConflict::columns([Column::EmployeeId, Column::ModuleSlug])
                .value(
                    Column::Submitted,
                    Expr::cust("module_results.submitted + 1"),
                )
                .value(
                    Column::BestScore,
                    Expr::cust(
                        "CASE WHEN module_results.best_score IS NULL \
                         OR excluded.best_score > module_results.best_score \
                         THEN excluded.best_score ELSE module_results.best_score END",
                    ),
                )
                .value(
                    Column::FirstPassedAt,
                    Expr::cust(
                        "COALESCE(module_results.first_passed_at, excluded.first_passed_at)",
                    ),
                )
                .value(
                    Column::LastPassedAt,
                    Expr::cust("COALESCE(excluded.last_passed_at, module_results.last_passed_at)"),
                )
                .value(
                    Column::AccountPassedAt,
                    Expr::cust(
                        "COALESCE(excluded.account_passed_at, module_results.account_passed_at)",
                    ),
                )
                .value(
                    Column::SsoPassedAt,
                    Expr::cust("COALESCE(excluded.sso_passed_at, module_results.sso_passed_at)"),
                )
                .update_columns([
                    Column::LastSubmittedAt,
                    Column::LastActivityAt,
                    Column::AgencyId,
                    Column::UnitId,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Rebuilds an employee's summaries from their record's attempts (after a claim joined it).
pub async fn recompute(db: &impl ConnectionTrait, employee_id: i64) -> Result<(), DbErr> {
    module_result::Entity::delete_many()
        .filter(Column::EmployeeId.eq(employee_id))
        .exec(db)
        .await?;
    use super::dashboards::{levels_meeting, Sql};
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(&format!(
        "INSERT INTO module_results (employee_id, module_slug, submitted, best_score, \
         first_passed_at, last_passed_at, account_passed_at, sso_passed_at, last_submitted_at, \
         last_activity_at, agency_id, unit_id) \
         SELECT a.employee_id, a.module_slug, COUNT(a.submitted_at), MAX(a.score), \
         MIN(CASE WHEN a.passed THEN a.submitted_at END), \
         MAX(CASE WHEN a.passed THEN a.submitted_at END), \
         MAX(CASE WHEN a.passed AND a.identity IN ({}) THEN a.submitted_at END), \
         MAX(CASE WHEN a.passed AND a.identity IN ({}) THEN a.submitted_at END), \
         MAX(a.submitted_at), MAX(COALESCE(a.submitted_at, a.started_at)), \
         MAX(e.agency_id), MAX(e.unit_id) \
         FROM attempts a JOIN employees e ON e.id = a.employee_id WHERE a.employee_id = ",
        levels_meeting(Assurance::Account),
        levels_meeting(Assurance::Sso),
    ))
    .bind(employee_id)
    .push(" AND a.claim_id = 0 GROUP BY a.employee_id, a.module_slug");
    db.execute_raw(sql.statement()).await.map(|_| ())
}
