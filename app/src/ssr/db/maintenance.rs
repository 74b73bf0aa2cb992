//! Housekeeping: rows that are no use once their time is past, deleted so that tables do not
//! grow without bound (expired sessions, roster previews never confirmed, unused expired codes).

use super::entities::{one_time_code, roster_import, sso_request};
use super::sessions::{self, Kind};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// How many rows one purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub previews: u64,
    pub codes: u64,
}

/// Deletes what expired before `now`: sessions of both kinds, roster previews that were never
/// confirmed (their staged rows can be large), and one-time codes never used. Confirmed imports
/// and used codes stay: they are part of the record.
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Purged, DbErr> {
    let mut purged = Purged::default();
    for kind in [Kind::Account, Kind::Learner] {
        purged.sessions += sessions::delete_expired(db, kind, now).await?;
    }
    purged.previews = roster_import::Entity::delete_many()
        .filter(roster_import::Column::CommittedAt.is_null())
        .filter(roster_import::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected;
    purged.codes = one_time_code::Entity::delete_many()
        .filter(one_time_code::Column::UsedAt.is_null())
        .filter(one_time_code::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected;
    // Sign-ins through SSO abandoned at the provider.
    purged.sessions += sso_request::Entity::delete_many()
        .filter(sso_request::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected;
    Ok(purged)
}
