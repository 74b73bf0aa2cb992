//! Webinar sessions, their participants and the figures of the live board.

use super::claims::Holder;
use super::entities::{attempt, employee, webinar_participant, webinar_session};
use crate::model::assurance::Assurance;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, Set, Statement,
};

pub async fn insert(
    db: &impl ConnectionTrait,
    session: webinar_session::ActiveModel,
) -> Result<webinar_session::Model, DbErr> {
    session.insert(db).await
}

pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<webinar_session::Model>, DbErr> {
    webinar_session::Entity::find()
        .filter(webinar_session::Column::Code.eq(code))
        .one(db)
        .await
}

pub async fn by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<webinar_session::Model>, DbErr> {
    webinar_session::Entity::find_by_id(id).one(db).await
}

/// Sessions of one host (all sessions when `host` is `None`), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    host: Option<i64>,
) -> Result<Vec<webinar_session::Model>, DbErr> {
    let mut q = webinar_session::Entity::find();
    if let Some(host) = host {
        q = q.filter(webinar_session::Column::HostAccountId.eq(host));
    }
    q.order_by_desc(webinar_session::Column::StartsAt)
        .order_by_desc(webinar_session::Column::Id)
        .all(db)
        .await
}

/// Saves the window times of one session.
pub async fn set_windows(
    db: &impl ConnectionTrait,
    id: i64,
    pre: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    post: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
) -> Result<(), DbErr> {
    webinar_session::Entity::update_many()
        .col_expr(webinar_session::Column::PreOpensAt, Expr::value(pre.0))
        .col_expr(webinar_session::Column::PreClosesAt, Expr::value(pre.1))
        .col_expr(webinar_session::Column::PostOpensAt, Expr::value(post.0))
        .col_expr(webinar_session::Column::PostClosesAt, Expr::value(post.1))
        .filter(webinar_session::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Records that an employee joined (one participant per NIP: the first to join is recorded,
/// with their level); joining again changes nothing.
pub async fn join(
    db: &impl ConnectionTrait,
    session_id: i64,
    employee: &employee::Model,
    holder: Holder,
    assurance: Assurance,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = webinar_participant::ActiveModel {
        session_id: Set(session_id),
        employee_id: Set(employee.id),
        claim_id: Set(holder.claim_id),
        identity: Set(assurance.code().into()),
        instansi_at_time: Set(employee.instansi.clone()),
        unit_kerja_at_time: Set(employee.unit_kerja.clone()),
        joined_at: Set(now),
        ..Default::default()
    };
    webinar_participant::Entity::insert(row)
        .on_conflict_do_nothing_on([
            webinar_participant::Column::SessionId,
            webinar_participant::Column::EmployeeId,
        ])
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn participant(
    db: &impl ConnectionTrait,
    session_id: i64,
    employee_id: i64,
) -> Result<Option<webinar_participant::Model>, DbErr> {
    webinar_participant::Entity::find()
        .filter(webinar_participant::Column::SessionId.eq(session_id))
        .filter(webinar_participant::Column::EmployeeId.eq(employee_id))
        .one(db)
        .await
}

pub async fn participant_count(db: &impl ConnectionTrait, session_id: i64) -> Result<u64, DbErr> {
    webinar_participant::Entity::find()
        .filter(webinar_participant::Column::SessionId.eq(session_id))
        .count(db)
        .await
}

/// The attempts of one holder in one session, newest first.
pub async fn attempts_of(
    db: &impl ConnectionTrait,
    session_id: i64,
    holder: Holder,
) -> Result<Vec<attempt::Model>, DbErr> {
    attempt::Entity::find()
        .filter(attempt::Column::WebinarSessionId.eq(session_id))
        .filter(super::attempts::held_by(holder))
        .order_by_desc(attempt::Column::Id)
        .all(db)
        .await
}

/// The rows of a report query whose only parameter (`$1`) is the session id.
async fn per_session<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    sql: &str,
    session_id: i64,
) -> Result<Vec<T>, DbErr> {
    let statement =
        Statement::from_sql_and_values(db.get_database_backend(), sql, [session_id.into()]);
    T::find_by_statement(statement).all(db).await
}

/// One attendee's row for the results export and the figures.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AttendeeRow {
    pub employee_id: i64,
    pub nip: String,
    pub name: String,
    pub identity: String,
    pub instansi: String,
    pub unit_kerja: String,
    pub joined_at: DateTime<Utc>,
    pub pre_score: Option<i32>,
    pub post_score: Option<i32>,
    pub certificate: Option<String>,
}

/// Every participant with their submitted pre-test and post-test scores and certificate number.
pub async fn attendees(
    db: &impl ConnectionTrait,
    session_id: i64,
) -> Result<Vec<AttendeeRow>, DbErr> {
    let sql = "SELECT p.employee_id, e.nip, e.name, p.identity, p.instansi_at_time AS instansi, \
        p.unit_kerja_at_time AS unit_kerja, p.joined_at, \
        (SELECT a.score FROM attempts a WHERE a.webinar_session_id = p.session_id \
           AND a.employee_id = p.employee_id AND a.context = 'webinar_pre' \
           AND a.submitted_at IS NOT NULL) AS pre_score, \
        (SELECT a.score FROM attempts a WHERE a.webinar_session_id = p.session_id \
           AND a.employee_id = p.employee_id AND a.context = 'webinar_post' \
           AND a.submitted_at IS NOT NULL) AS post_score, \
        (SELECT c.number FROM certificates c WHERE c.webinar_session_id = p.session_id \
           AND c.employee_id = p.employee_id) AS certificate \
        FROM webinar_participants p JOIN employees e ON e.id = p.employee_id \
        WHERE p.session_id = $1 ORDER BY p.instansi_at_time, e.name, p.id";
    per_session(db, sql, session_id).await
}

/// Attendees alike for the live board: the same instansi and the same pre-test and post-test
/// scores. A board needs only these counts, not a row per attendee: with 50,000 attendees they
/// are a few hundred rows, recomputed every second.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ScoreGroup {
    pub instansi: String,
    pub pre_score: Option<i32>,
    pub post_score: Option<i32>,
    pub attendees: i64,
}

pub async fn score_groups(
    db: &impl ConnectionTrait,
    session_id: i64,
) -> Result<Vec<ScoreGroup>, DbErr> {
    // At most one submitted attempt per attendee and stage (`uq_attempts_webinar_done`), so
    // the joins do not multiply participants.
    let sql = "SELECT p.instansi_at_time AS instansi, pre.score AS pre_score, \
        post.score AS post_score, COUNT(*) AS attendees \
        FROM webinar_participants p \
        LEFT JOIN attempts pre ON pre.webinar_session_id = p.session_id \
           AND pre.context = 'webinar_pre' AND pre.employee_id = p.employee_id \
           AND pre.submitted_at IS NOT NULL \
        LEFT JOIN attempts post ON post.webinar_session_id = p.session_id \
           AND post.context = 'webinar_post' AND post.employee_id = p.employee_id \
           AND post.submitted_at IS NOT NULL \
        WHERE p.session_id = $1 \
        GROUP BY p.instansi_at_time, pre.score, post.score";
    per_session(db, sql, session_id).await
}
