//! Agencies, accounts, their sessions and one-time codes, and the audit log.

use super::entities::{account, agency, audit_entry, employee, one_time_code};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

pub async fn agency(db: &impl ConnectionTrait, id: i64) -> Result<Option<agency::Model>, DbErr> {
    agency::Entity::find_by_id(id).one(db).await
}

pub async fn agency_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<agency::Model>, DbErr> {
    agency::Entity::find()
        .filter(agency::Column::Code.eq(code))
        .one(db)
        .await
}

pub async fn agencies(db: &impl ConnectionTrait) -> Result<Vec<agency::Model>, DbErr> {
    agency::Entity::find()
        .order_by_asc(agency::Column::Name)
        .all(db)
        .await
}

pub async fn create_agency(
    db: &impl ConnectionTrait,
    code: &str,
    name: &str,
) -> Result<agency::Model, DbErr> {
    agency::ActiveModel {
        code: Set(code.to_string()),
        name: Set(name.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn by_login(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::Login.eq(login))
        .one(db)
        .await
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find_by_id(id).one(db).await
}

pub async fn by_employee(
    db: &impl ConnectionTrait,
    employee_id: i64,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::EmployeeId.eq(employee_id))
        .one(db)
        .await
}

pub async fn staff(db: &impl ConnectionTrait) -> Result<Vec<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::Role.ne("learner"))
        .order_by_asc(account::Column::Login)
        .all(db)
        .await
}

pub struct NewAccount<'a> {
    pub role: &'a str,
    pub login: &'a str,
    pub display_name: &'a str,
    pub password_hash: Option<String>,
    pub agency_id: Option<i64>,
    pub employee_id: Option<i64>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    new: NewAccount<'_>,
) -> Result<account::Model, DbErr> {
    account::ActiveModel {
        role: Set(new.role.to_string()),
        login: Set(new.login.to_string()),
        display_name: Set(new.display_name.to_string()),
        password_hash: Set(new.password_hash),
        agency_id: Set(new.agency_id),
        employee_id: Set(new.employee_id),
        failed_attempts: Set(0),
        locked_until: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Counts a failed sign-in (shown to admins). One statement, so concurrent failures cannot lose
/// a count.
pub async fn record_failure(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    account::Entity::update_many()
        .col_expr(
            account::Column::FailedAttempts,
            Expr::col(account::Column::FailedAttempts).add(1),
        )
        .filter(account::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn clear_failures(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    account::Entity::update_many()
        .col_expr(account::Column::FailedAttempts, Expr::value(0))
        .col_expr(
            account::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(account::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn set_password(db: &impl ConnectionTrait, id: i64, hash: &str) -> Result<(), DbErr> {
    account::Entity::update_many()
        .col_expr(
            account::Column::PasswordHash,
            Expr::value(Some(hash.to_string())),
        )
        .filter(account::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn delete_account(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    account::Entity::delete_by_id(id).exec(db).await.map(|_| ())
}

// --- one-time codes ---

/// Stores a new code and retires every earlier unused one of the account.
pub async fn replace_code(
    db: &impl ConnectionTrait,
    account_id: i64,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    created_by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    one_time_code::Entity::update_many()
        .col_expr(one_time_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_code::Column::AccountId.eq(account_id))
        .filter(one_time_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    one_time_code::ActiveModel {
        account_id: Set(account_id),
        code_hash: Set(code_hash.to_string()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_by: Set(Some(created_by)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Marks a live code used. True only for the one request that claimed it, so a code works once
/// even when two requests race.
pub async fn claim_code(
    db: &impl ConnectionTrait,
    account_id: i64,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = one_time_code::Entity::update_many()
        .col_expr(one_time_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_code::Column::AccountId.eq(account_id))
        .filter(one_time_code::Column::CodeHash.eq(code_hash))
        .filter(one_time_code::Column::UsedAt.is_null())
        .filter(one_time_code::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

// --- roster (the minimum accounts need; the roster import comes with the tracking screens) ---

pub async fn roster(
    db: &impl ConnectionTrait,
    agency_id: i64,
    search: &str,
    limit: u64,
) -> Result<Vec<employee::Model>, DbErr> {
    let mut q = employee::Entity::find().filter(employee::Column::AgencyId.eq(agency_id));
    let search = search.trim();
    if !search.is_empty() {
        let like = format!("%{}%", search.replace(['%', '_'], ""));
        q = q.filter(
            employee::Column::Nip
                .like(like.clone())
                .or(employee::Column::Name.like(like)),
        );
    }
    q.order_by_asc(employee::Column::UnitKerja)
        .order_by_asc(employee::Column::Name)
        .limit(limit)
        .all(db)
        .await
}

pub async fn roster_count(db: &impl ConnectionTrait, agency_id: i64) -> Result<u64, DbErr> {
    employee::Entity::find()
        .filter(employee::Column::AgencyId.eq(agency_id))
        .count(db)
        .await
}

/// An employee of the agency, or None: ids of other agencies look exactly like missing ones.
pub async fn employee_in(
    db: &impl ConnectionTrait,
    agency_id: i64,
    employee_id: i64,
) -> Result<Option<employee::Model>, DbErr> {
    employee::Entity::find_by_id(employee_id)
        .filter(employee::Column::AgencyId.eq(agency_id))
        .one(db)
        .await
}

// --- audit log ---

pub struct AuditRecord<'a> {
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub ip: &'a str,
    pub detail: &'a str,
}

pub async fn audit(
    db: &impl ConnectionTrait,
    r: AuditRecord<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_entry::ActiveModel {
        at: Set(at),
        actor_id: Set(r.actor_id),
        actor: Set(r.actor.to_string()),
        action: Set(r.action.to_string()),
        target: Set(r.target.to_string()),
        ip: Set(r.ip.chars().take(64).collect()),
        detail: Set(r.detail.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

pub async fn audit_log(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<audit_entry::Model>, DbErr> {
    audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
