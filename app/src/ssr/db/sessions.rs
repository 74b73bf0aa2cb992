//! Server-side sessions, for accounts and for self-declared learners alike: the cookie holds a
//! random token, the table holds its hash. The two tables differ only in their name and the
//! column naming the owner, so one set of queries serves both.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr};

/// Whose sessions: each kind has its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Signed-in accounts (`account_sessions.account_id`).
    Account,
    /// Learners who identified themselves on the form (`learner_sessions.claim_id`).
    Learner,
}

impl Kind {
    fn table(self) -> Alias {
        Alias::new(match self {
            Kind::Account => "account_sessions",
            Kind::Learner => "learner_sessions",
        })
    }

    fn owner(self) -> Alias {
        Alias::new(match self {
            Kind::Account => "account_id",
            Kind::Learner => "claim_id",
        })
    }
}

/// A session that has not expired.
#[derive(Debug, Clone)]
pub struct Live {
    pub id: i64,
    /// The account or claim it belongs to.
    pub owner_id: i64,
    /// How an account signed in (`account` or `sso`); `None` for learner sessions.
    pub assurance: Option<String>,
    pub last_seen_at: DateTime<Utc>,
    /// The absolute end, however much the session is used (none for sessions older than it).
    pub ends_at: Option<DateTime<Utc>>,
}

fn col(name: &str) -> Alias {
    Alias::new(name)
}

/// Who a new session belongs to.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// An account, signed in at this level (`account` or `sso`).
    Account { id: i64, assurance: &'a str },
    /// A self-declared claim on an employee's NIP.
    Claim { id: i64, employee_id: i64 },
}

impl Owner<'_> {
    fn kind(self) -> Kind {
        match self {
            Owner::Account { .. } => Kind::Account,
            Owner::Claim { .. } => Kind::Learner,
        }
    }
}

pub async fn create(
    db: &impl ConnectionTrait,
    owner: Owner<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let kind = owner.kind();
    let (owner_id, extra_column, extra) = match owner {
        Owner::Account { id, assurance } => (id, "assurance", assurance.into()),
        Owner::Claim { id, employee_id } => (id, "employee_id", employee_id.into()),
    };
    let insert = Query::insert()
        .into_table(kind.table())
        .columns([
            col("token_hash"),
            kind.owner(),
            col(extra_column),
            col("last_seen_at"),
            col("expires_at"),
            col("ends_at"),
        ])
        .values([
            token_hash.into(),
            owner_id.into(),
            extra,
            now.into(),
            std::cmp::min(expires_at, ends_at).into(),
            ends_at.into(),
        ])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .to_owned();
    db.execute(&insert).await.map(|_| ())
}

/// The live session for a token hash, if any.
pub async fn find_live(
    db: &impl ConnectionTrait,
    kind: Kind,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Live>, DbErr> {
    let mut select = Query::select()
        .column(col("id"))
        .expr_as(Expr::col(kind.owner()), col("owner_id"))
        .column(col("last_seen_at"))
        .column(col("ends_at"))
        .from(kind.table())
        .and_where(Expr::col(col("token_hash")).eq(token_hash))
        .and_where(Expr::col(col("expires_at")).gt(now))
        .to_owned();
    if kind == Kind::Account {
        select.column(col("assurance"));
    }
    let Some(row) = db.query_one(&select).await? else {
        return Ok(None);
    };
    // Learner sessions from before claims existed have no owner: they are not live.
    let Some(owner_id) = row.try_get::<Option<i64>>("", "owner_id")? else {
        return Ok(None);
    };
    Ok(Some(Live {
        id: row.try_get("", "id")?,
        owner_id,
        assurance: match kind {
            Kind::Account => Some(row.try_get("", "assurance")?),
            Kind::Learner => None,
        },
        last_seen_at: row.try_get("", "last_seen_at")?,
        ends_at: row.try_get("", "ends_at")?,
    }))
}

/// Slides the expiry forward.
pub async fn touch(
    db: &impl ConnectionTrait,
    kind: Kind,
    id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let update = Query::update()
        .table(kind.table())
        .value(col("last_seen_at"), now)
        .value(col("expires_at"), expires_at)
        .and_where(Expr::col(col("id")).eq(id))
        .to_owned();
    db.execute(&update).await.map(|_| ())
}

/// Ends one session.
pub async fn delete(db: &impl ConnectionTrait, kind: Kind, token_hash: &str) -> Result<(), DbErr> {
    let delete = Query::delete()
        .from_table(kind.table())
        .and_where(Expr::col(col("token_hash")).eq(token_hash))
        .to_owned();
    db.execute(&delete).await.map(|_| ())
}

/// Ends every self-declared session on an employee's NIP, whatever the claim (activation, a
/// new code, a sign-in through SSO).
pub async fn delete_learner_sessions_of_employee(
    db: &impl ConnectionTrait,
    employee_id: i64,
) -> Result<u64, DbErr> {
    let delete = Query::delete()
        .from_table(Kind::Learner.table())
        .and_where(Expr::col(col("employee_id")).eq(employee_id))
        .to_owned();
    Ok(db.execute(&delete).await?.rows_affected())
}

/// Ends every session of an owner (password change, reset, deletion).
pub async fn delete_all_of(
    db: &impl ConnectionTrait,
    kind: Kind,
    owner_id: i64,
) -> Result<(), DbErr> {
    let delete = Query::delete()
        .from_table(kind.table())
        .and_where(Expr::col(kind.owner()).eq(owner_id))
        .to_owned();
    db.execute(&delete).await.map(|_| ())
}

/// Deletes the sessions of a kind that expired before `now`; returns how many.
pub async fn delete_expired(
    db: &impl ConnectionTrait,
    kind: Kind,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let delete = Query::delete()
        .from_table(kind.table())
        .and_where(Expr::col(col("expires_at")).lt(now))
        .to_owned();
    Ok(db.execute(&delete).await?.rows_affected())
}
