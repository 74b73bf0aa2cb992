//! Running per-question tallies of an event's submitted answers (`event_question_tallies`):
//! each submission adds its answers in constant work, and the live board reads the sums.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement, Value};

/// Rows per question a submission may add to (chosen by attempt id): concurrent submissions on
/// PostgreSQL lock different rows instead of queueing on one.
pub const SHARDS: i64 = 16;

/// Adds one submitted attempt's answers (question id, whether correct) to its event's tallies.
pub async fn add(
    db: &impl ConnectionTrait,
    session_id: i64,
    context: &str,
    attempt_id: i64,
    answers: &[(String, bool)],
) -> Result<(), DbErr> {
    if answers.is_empty() {
        return Ok(());
    }
    let shard = attempt_id.rem_euclid(SHARDS);
    // Rows in one order for every submission: an attempt's questions come in its own drawn order,
    // and two submissions locking the same shard's rows in different orders can deadlock on
    // PostgreSQL.
    let mut answers: Vec<&(String, bool)> = answers.iter().collect();
    answers.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut values: Vec<Value> = Vec::with_capacity(answers.len() * 5);
    let mut rows = Vec::with_capacity(answers.len());
    for (i, (question_id, correct)) in answers.into_iter().enumerate() {
        let at = i * 5;
        rows.push(format!(
            "(${}, ${}, ${}, ${}, 1, ${})",
            at + 1,
            at + 2,
            at + 3,
            at + 4,
            at + 5
        ));
        values.extend([
            session_id.into(),
            context.into(),
            question_id.as_str().into(),
            shard.into(),
            i64::from(*correct).into(),
        ]);
    }
    let sql = format!(
        "INSERT INTO event_question_tallies \
         (webinar_session_id, context, question_id, shard, answered, correct) VALUES {} \
         ON CONFLICT (webinar_session_id, context, question_id, shard) DO UPDATE SET \
         answered = event_question_tallies.answered + excluded.answered, \
         correct = event_question_tallies.correct + excluded.correct",
        rows.join(", ")
    );
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        values,
    ))
    .await
    .map(|_| ())
}

/// Answers submitted and answered correctly, per test and question, in an event.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct QuestionTally {
    pub context: String,
    pub question_id: String,
    pub answered: i64,
    pub correct: i64,
}

/// The tallies of a session: a few rows per question, however many attendees.
pub async fn of_session(
    db: &impl ConnectionTrait,
    session_id: i64,
) -> Result<Vec<QuestionTally>, DbErr> {
    let sql = "SELECT context, question_id, \
        CAST(SUM(answered) AS BIGINT) AS answered, CAST(SUM(correct) AS BIGINT) AS correct \
        FROM event_question_tallies WHERE webinar_session_id = $1 \
        GROUP BY context, question_id ORDER BY context, question_id";
    QuestionTally::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [session_id.into()],
    ))
    .all(db)
    .await
}
