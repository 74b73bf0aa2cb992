//! Self-declared claims and whose history a query touches ([`Holder`]).
//!
//! Every use of the identification form is a claim of its own. Attempts, lessons read and
//! webinar certificates made under a claim carry its id; the employee's own record is claim 0.
//! Confirming a claim moves its history into the record (see [`merge`]).

use super::dashboards::Sql;
use super::entities::learner_claim;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

/// Whose history: an employee's own record (`claim_id` 0) or one self-declared claim on their
/// NIP. Every query over attempts, lessons read and certificates filters on both columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Holder {
    pub employee_id: i64,
    pub claim_id: i64,
}

impl Holder {
    /// The employee's own record: signed in, or a confirmed claim.
    pub fn record(employee_id: i64) -> Holder {
        Holder {
            employee_id,
            claim_id: 0,
        }
    }

    /// One open claim's own history.
    pub fn claim(employee_id: i64, claim_id: i64) -> Holder {
        Holder {
            employee_id,
            claim_id,
        }
    }

    pub fn is_record(self) -> bool {
        self.claim_id == 0
    }
}

/// What a claim's status column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStatus {
    Open,
    Confirmed,
    Rejected,
}

impl ClaimStatus {
    pub fn code(self) -> &'static str {
        match self {
            ClaimStatus::Open => "open",
            ClaimStatus::Confirmed => "confirmed",
            ClaimStatus::Rejected => "rejected",
        }
    }

    pub fn of(claim: &learner_claim::Model) -> ClaimStatus {
        match claim.status.as_str() {
            "confirmed" => ClaimStatus::Confirmed,
            "rejected" => ClaimStatus::Rejected,
            _ => ClaimStatus::Open,
        }
    }
}

/// The identity typed on the form.
pub struct Typed<'a> {
    pub name: &'a str,
    pub instansi: &'a str,
    pub unit_kerja: &'a str,
}

pub async fn create(
    db: &impl ConnectionTrait,
    employee_id: i64,
    typed: Typed<'_>,
    now: DateTime<Utc>,
) -> Result<learner_claim::Model, DbErr> {
    learner_claim::ActiveModel {
        employee_id: Set(employee_id),
        name: Set(typed.name.to_string()),
        instansi: Set(typed.instansi.to_string()),
        unit_kerja: Set(typed.unit_kerja.to_string()),
        claimed_at: Set(now),
        status: Set(ClaimStatus::Open.code().to_string()),
        reason: Set(String::new()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<learner_claim::Model>, DbErr> {
    learner_claim::Entity::find_by_id(id).one(db).await
}

/// A claim with its employee, in one query (every request of a self-declared learner asks).
pub async fn with_employee(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(learner_claim::Model, super::entities::employee::Model)>, DbErr> {
    Ok(learner_claim::Entity::find_by_id(id)
        .find_also_related(super::entities::employee::Entity)
        .one(db)
        .await?
        .and_then(|(claim, employee)| employee.map(|e| (claim, e))))
}

/// The open claims on an employee's NIP, oldest first.
pub async fn open_of(
    db: &impl ConnectionTrait,
    employee_id: i64,
) -> Result<Vec<learner_claim::Model>, DbErr> {
    learner_claim::Entity::find()
        .filter(learner_claim::Column::EmployeeId.eq(employee_id))
        .filter(learner_claim::Column::Status.eq(ClaimStatus::Open.code()))
        .order_by_asc(learner_claim::Column::Id)
        .all(db)
        .await
}

/// Settles an open claim. Returns false when it was no longer open (decided concurrently).
pub async fn decide(
    db: &impl ConnectionTrait,
    id: i64,
    status: ClaimStatus,
    by: Option<i64>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::Expr;
    let res = learner_claim::Entity::update_many()
        .col_expr(learner_claim::Column::Status, Expr::value(status.code()))
        .col_expr(learner_claim::Column::DecidedAt, Expr::value(now))
        .col_expr(learner_claim::Column::DecidedBy, Expr::value(by))
        .col_expr(learner_claim::Column::Reason, Expr::value(reason))
        .filter(learner_claim::Column::Id.eq(id))
        .filter(learner_claim::Column::Status.eq(ClaimStatus::Open.code()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// How much history each claim holds: `(claim id, attempts submitted, passes)`.
pub async fn history_counts(
    db: &impl ConnectionTrait,
    employee_id: i64,
) -> Result<Vec<(i64, i64, i64)>, DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT claim_id, COUNT(submitted_at) AS submitted, \
         SUM(CASE WHEN passed THEN 1 ELSE 0 END) AS passes FROM attempts WHERE employee_id = ",
    )
    .bind(employee_id)
    .push(" AND claim_id <> 0 GROUP BY claim_id");
    let rows = db.query_all_raw(sql.statement()).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("", "claim_id")?,
                r.try_get("", "submitted")?,
                r.try_get::<Option<i64>>("", "passes")?.unwrap_or(0),
            ))
        })
        .collect()
}

/// Moves a confirmed claim's history into the employee's record, on the caller's transaction.
/// What the record already has at the same place (an unfinished attempt of the same test, the
/// same webinar test submitted, a certificate of the same session) stays with the claim, so no
/// unique rule is broken and nothing is lost.
pub async fn merge(db: &impl ConnectionTrait, claim: &learner_claim::Model) -> Result<(), DbErr> {
    // `UPDATE <table> SET claim_id = 0 WHERE claim_id = <the claim><unless>`.
    let run = |table: &str, unless: &str| {
        let mut sql = Sql::new(db.get_database_backend());
        sql.push(&format!(
            "UPDATE {table} SET claim_id = 0 WHERE claim_id = "
        ))
        .bind(claim.id)
        .push(unless);
        async move { db.execute_raw(sql.statement()).await.map(|_| ()) }
    };
    run(
        "attempts",
        " AND NOT EXISTS (\
         SELECT 1 FROM attempts r WHERE r.employee_id = attempts.employee_id AND r.claim_id = 0 \
         AND r.module_slug = attempts.module_slug AND r.context = attempts.context \
         AND COALESCE(r.webinar_session_id, 0) = COALESCE(attempts.webinar_session_id, 0) \
         AND ((r.submitted_at IS NULL AND attempts.submitted_at IS NULL) \
         OR (r.webinar_session_id IS NOT NULL AND r.submitted_at IS NOT NULL \
         AND attempts.submitted_at IS NOT NULL)))",
    )
    .await?;
    run(
        "certificates",
        " AND NOT EXISTS (\
         SELECT 1 FROM certificates r WHERE r.employee_id = certificates.employee_id \
         AND r.claim_id = 0 AND r.webinar_session_id = certificates.webinar_session_id)",
    )
    .await?;
    run(
        "lessons_read",
        " AND NOT EXISTS (\
         SELECT 1 FROM lessons_read r WHERE r.employee_id = lessons_read.employee_id \
         AND r.claim_id = 0 AND r.module_slug = lessons_read.module_slug \
         AND r.lesson_slug = lessons_read.lesson_slug)",
    )
    .await?;
    run("webinar_participants", "").await
}
