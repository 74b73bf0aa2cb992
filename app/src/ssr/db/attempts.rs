//! Quiz attempts and their answers.

use super::claims::Holder;
use super::entities::{answer, attempt};
use crate::model::assurance::Assurance;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

/// What is needed to open a new attempt.
pub struct NewAttempt<'a> {
    pub holder: Holder,
    pub content_module_id: i64,
    pub module_slug: &'a str,
    pub instansi: &'a str,
    pub unit_kerja: &'a str,
    pub draw_json: String,
    pub question_count: i32,
    pub started_at: DateTime<Utc>,
    pub deadline_at: Option<DateTime<Utc>>,
    /// How sure the record is of who takes it.
    pub assurance: Assurance,
    /// `self`, `webinar_pre` or `webinar_post`.
    pub context: &'a str,
    pub webinar_session_id: Option<i64>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewAttempt<'_>,
) -> Result<attempt::Model, DbErr> {
    // The dashboards summarise the employee's own record only; a claim's attempts join it when
    // the claim is confirmed.
    if new.holder.is_record() {
        super::results::started(db, new.holder.employee_id, new.module_slug, new.started_at)
            .await?;
    }
    attempt::ActiveModel {
        employee_id: Set(new.holder.employee_id),
        claim_id: Set(new.holder.claim_id),
        content_module_id: Set(new.content_module_id),
        module_slug: Set(new.module_slug.to_string()),
        context: Set(new.context.to_string()),
        webinar_session_id: Set(new.webinar_session_id),
        identity: Set(new.assurance.code().into()),
        instansi_at_time: Set(new.instansi.to_string()),
        unit_kerja_at_time: Set(new.unit_kerja.to_string()),
        draw: Set(new.draw_json),
        started_at: Set(new.started_at),
        deadline_at: Set(new.deadline_at),
        question_count: Set(new.question_count),
        late: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<attempt::Model>, DbErr> {
    attempt::Entity::find_by_id(id).one(db).await
}

/// The unfinished attempt of a learner in a module at one place (context and webinar
/// session), if any: at most one exists.
pub async fn find_open(
    db: &impl ConnectionTrait,
    holder: Holder,
    module: &str,
    context: &str,
    webinar_session_id: Option<i64>,
) -> Result<Option<attempt::Model>, DbErr> {
    let session = match webinar_session_id {
        Some(id) => attempt::Column::WebinarSessionId.eq(id),
        None => attempt::Column::WebinarSessionId.is_null(),
    };
    attempt::Entity::find()
        .filter(held_by(holder))
        .filter(attempt::Column::ModuleSlug.eq(module))
        .filter(attempt::Column::Context.eq(context))
        .filter(session)
        .filter(attempt::Column::SubmittedAt.is_null())
        .one(db)
        .await
}

/// The attempts of one holder.
pub fn held_by(holder: Holder) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(attempt::Column::EmployeeId.eq(holder.employee_id))
        .add(attempt::Column::ClaimId.eq(holder.claim_id))
}

/// Attempts used in a module on the learner's own (finished or not) since `since` (the start of
/// the current cycle, if any): what the attempt limit counts. Webinar tests do not use up the
/// module's attempts.
pub async fn count_for(
    db: &impl ConnectionTrait,
    holder: Holder,
    module: &str,
    since: Option<DateTime<Utc>>,
) -> Result<u64, DbErr> {
    let mut query = attempt::Entity::find()
        .filter(held_by(holder))
        .filter(attempt::Column::ModuleSlug.eq(module))
        .filter(attempt::Column::Context.eq("self"));
    if let Some(since) = since {
        query = query.filter(attempt::Column::StartedAt.gte(since));
    }
    query.count(db).await
}

/// All attempts (every replica's), as (open, submitted), for the metrics.
pub async fn totals(db: &impl ConnectionTrait) -> Result<(u64, u64), DbErr> {
    let open = attempt::Entity::find()
        .filter(attempt::Column::SubmittedAt.is_null())
        .count(db)
        .await?;
    let submitted = attempt::Entity::find()
        .filter(attempt::Column::SubmittedAt.is_not_null())
        .count(db)
        .await?;
    Ok((open, submitted))
}

/// Every attempt of a holder, newest first.
pub async fn list_for(
    db: &impl ConnectionTrait,
    holder: Holder,
) -> Result<Vec<attempt::Model>, DbErr> {
    attempt::Entity::find()
        .filter(held_by(holder))
        .order_by_desc(attempt::Column::StartedAt)
        .order_by_desc(attempt::Column::Id)
        .all(db)
        .await
}

/// Takes a row lock on an unfinished attempt (a no-op update). Returns false when the
/// attempt is already submitted, so a late autosave can never touch a scored attempt.
pub async fn lock_open(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let res = attempt::Entity::update_many()
        .col_expr(attempt::Column::Late, Expr::col(attempt::Column::Late))
        .filter(attempt::Column::Id.eq(id))
        .filter(attempt::Column::SubmittedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The final figures of an attempt.
pub struct Outcome {
    pub submitted_at: DateTime<Utc>,
    pub score: i32,
    pub correct_count: i32,
    pub passed: bool,
    pub late: bool,
}

/// Marks an attempt submitted, only if it was not already. Returns false when another
/// request got there first: the caller then rolls back and shows the stored result.
pub async fn claim_submission(
    db: &impl ConnectionTrait,
    id: i64,
    outcome: &Outcome,
) -> Result<bool, DbErr> {
    let res = attempt::Entity::update_many()
        .col_expr(
            attempt::Column::SubmittedAt,
            Expr::value(outcome.submitted_at),
        )
        .col_expr(attempt::Column::Score, Expr::value(outcome.score))
        .col_expr(
            attempt::Column::CorrectCount,
            Expr::value(outcome.correct_count),
        )
        .col_expr(attempt::Column::Passed, Expr::value(outcome.passed))
        .col_expr(attempt::Column::Late, Expr::value(outcome.late))
        .filter(attempt::Column::Id.eq(id))
        .filter(attempt::Column::SubmittedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// An answer row is unique per attempt and question: a later write replaces the earlier one.
fn replace_answer() -> OnConflict {
    OnConflict::columns([answer::Column::AttemptId, answer::Column::QuestionId])
        .update_columns([answer::Column::Chosen, answer::Column::Correct])
        .to_owned()
}

/// Inserts or replaces the answer to one question.
pub async fn save_answer(
    db: &impl ConnectionTrait,
    attempt_id: i64,
    question_id: &str,
    chosen_json: String,
    correct: Option<bool>,
) -> Result<(), DbErr> {
    answer::Entity::insert(answer::ActiveModel {
        attempt_id: Set(attempt_id),
        question_id: Set(question_id.to_string()),
        chosen: Set(chosen_json),
        correct: Set(correct),
        ..Default::default()
    })
    .on_conflict(replace_answer())
    .exec(db)
    .await
    .map(|_| ())
}

/// Writes the final answers of an attempt in one statement.
pub async fn save_final_answers(
    db: &impl ConnectionTrait,
    attempt_id: i64,
    graded: impl IntoIterator<Item = (String, String, bool)>,
) -> Result<(), DbErr> {
    let rows: Vec<answer::ActiveModel> = graded
        .into_iter()
        .map(|(question_id, chosen_json, correct)| answer::ActiveModel {
            attempt_id: Set(attempt_id),
            question_id: Set(question_id),
            chosen: Set(chosen_json),
            correct: Set(Some(correct)),
            ..Default::default()
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    answer::Entity::insert_many(rows)
        .on_conflict(replace_answer())
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn answers_of(
    db: &impl ConnectionTrait,
    attempt_id: i64,
) -> Result<Vec<answer::Model>, DbErr> {
    answer::Entity::find()
        .filter(answer::Column::AttemptId.eq(attempt_id))
        .order_by_asc(answer::Column::Id)
        .all(db)
        .await
}
