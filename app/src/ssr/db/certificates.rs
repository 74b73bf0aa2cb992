//! E-certificates: numbering, lookup by verification code, revocation.

use super::claims::Holder;
use super::entities::certificate;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};

/// Serialises numbering for one organiser until the transaction ends. On PostgreSQL a
/// transaction-scoped advisory lock; on SQLite the write transaction is already exclusive.
pub async fn lock_numbering(db: &impl ConnectionTrait, organiser_key: &str) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            [organiser_key.into()],
        ))
        .await?;
    }
    Ok(())
}

/// The highest number used so far for an organiser in a year (0 when none).
pub async fn last_seq(
    db: &impl ConnectionTrait,
    organiser_key: &str,
    year: i32,
) -> Result<i32, DbErr> {
    // The last entry of `uq_certificates_seq` (organiser, year, seq), read backwards: one index
    // entry on any database. `MAX(seq)` let PostgreSQL, with statistics from when the table was
    // empty, read every number of the year under the numbering lock (100 ms at 38,000).
    let last: Option<i32> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Seq)
        .filter(certificate::Column::OrganiserKey.eq(organiser_key))
        .filter(certificate::Column::Year.eq(year))
        .order_by_desc(certificate::Column::Seq)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.unwrap_or(0))
}

pub async fn insert(
    db: &impl ConnectionTrait,
    row: certificate::ActiveModel,
) -> Result<certificate::Model, DbErr> {
    row.insert(db).await
}

pub async fn by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find_by_id(id).one(db).await
}

pub async fn by_verify_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::VerifyCode.eq(code))
        .one(db)
        .await
}

pub async fn for_session_holder(
    db: &impl ConnectionTrait,
    session_id: i64,
    holder: Holder,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::WebinarSessionId.eq(session_id))
        .filter(certificate::Column::EmployeeId.eq(holder.employee_id))
        .filter(certificate::Column::ClaimId.eq(holder.claim_id))
        .one(db)
        .await
}

pub async fn for_assignment_holder(
    db: &impl ConnectionTrait,
    assignment_id: i64,
    employee_id: i64,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::AssignmentId.eq(assignment_id))
        .filter(certificate::Column::EmployeeId.eq(employee_id))
        .one(db)
        .await
}

/// Certificates earned in one assignment (cycle), in number order.
pub async fn of_assignment(
    db: &impl ConnectionTrait,
    assignment_id: i64,
) -> Result<Vec<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::AssignmentId.eq(assignment_id))
        .order_by_asc(certificate::Column::Seq)
        .all(db)
        .await
}

/// Certificates of a session in number order.
pub async fn of_session(
    db: &impl ConnectionTrait,
    session_id: i64,
) -> Result<Vec<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::WebinarSessionId.eq(session_id))
        .order_by_asc(certificate::Column::Seq)
        .all(db)
        .await
}

/// Certificates held by one holder, newest first.
pub async fn of_holder(
    db: &impl ConnectionTrait,
    holder: Holder,
) -> Result<Vec<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::EmployeeId.eq(holder.employee_id))
        .filter(certificate::Column::ClaimId.eq(holder.claim_id))
        .order_by_desc(certificate::Column::IssuedAt)
        .all(db)
        .await
}

/// Revokes a certificate that is not revoked yet. Returns false when it already was.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: i64,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = certificate::Entity::update_many()
        .col_expr(certificate::Column::RevokedAt, Expr::value(at))
        .col_expr(certificate::Column::RevokedReason, Expr::value(reason))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Removes a holder's name and NIP from their certificates (personal data deletion); each is
/// revoked with that reason so the public page no longer vouches for a person.
pub async fn anonymise_holder(
    db: &impl ConnectionTrait,
    employee_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    certificate::Entity::update_many()
        .col_expr(certificate::Column::RevokedAt, Expr::value(at))
        .filter(certificate::Column::EmployeeId.eq(employee_id))
        .filter(certificate::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    certificate::Entity::update_many()
        .col_expr(
            certificate::Column::HolderName,
            Expr::value("(data dihapus)"),
        )
        .col_expr(
            certificate::Column::HolderNip,
            Expr::value("000000000000000000"),
        )
        .col_expr(
            certificate::Column::RevokedReason,
            Expr::value("Data pemegang dihapus atas permintaan."),
        )
        .filter(certificate::Column::EmployeeId.eq(employee_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Who signs a certificate, as (name, NIP, position): its webinar session's official or, for a
/// mandatory module, the official its agency configured. Empty parts when none is set.
pub async fn signer_of(
    db: &impl ConnectionTrait,
    cert: &certificate::Model,
) -> Result<(String, String, String), DbErr> {
    use super::entities::{agency, assignment, webinar_session};
    if let Some(id) = cert.webinar_session_id {
        return Ok(webinar_session::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|s| (s.signer_name, s.signer_nip, s.signer_position))
            .unwrap_or_default());
    }
    let Some(assignment_id) = cert.assignment_id else {
        return Ok(Default::default());
    };
    let Some(a) = assignment::Entity::find_by_id(assignment_id)
        .one(db)
        .await?
    else {
        return Ok(Default::default());
    };
    Ok(agency::Entity::find_by_id(a.agency_id)
        .one(db)
        .await?
        .map(|a| (a.signer_name, a.signer_nip, a.signer_position))
        .unwrap_or_default())
}
