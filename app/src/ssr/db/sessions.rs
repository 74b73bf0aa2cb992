//! Server-side learner sessions: the cookie holds a random token, the table holds its hash.

use super::entities::learner_session;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

pub async fn create(
    db: &impl ConnectionTrait,
    token_hash: &str,
    employee_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    learner_session::ActiveModel {
        token_hash: Set(token_hash.to_string()),
        employee_id: Set(employee_id),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// The live session for a token hash, if any.
pub async fn find_live(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<learner_session::Model>, DbErr> {
    learner_session::Entity::find()
        .filter(learner_session::Column::TokenHash.eq(token_hash))
        .filter(learner_session::Column::ExpiresAt.gt(now))
        .one(db)
        .await
}

/// Slides the expiry forward.
pub async fn touch(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    learner_session::Entity::update_many()
        .col_expr(learner_session::Column::LastSeenAt, now.into())
        .col_expr(learner_session::Column::ExpiresAt, expires_at.into())
        .filter(learner_session::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), DbErr> {
    learner_session::Entity::delete_many()
        .filter(learner_session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await
        .map(|_| ())
}
