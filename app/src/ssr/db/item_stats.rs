//! Item statistics in SQL: per question of a group of submitted attempts, how many answered and
//! how many were right, in all and within the top and bottom 27% of attempts by score (for the
//! discrimination index), and how often each answer was given. One grouped query each, so the
//! figures for a province-size cycle come from the database, not from rows in memory.

use super::dashboards::{Scope, Sql};
use sea_orm::{ConnectionTrait, DbErr};

/// Which submitted attempts the figures are over.
pub(crate) enum Population<'a> {
    /// An assignment's cycle: the module's attempts by the employees it covers, since the
    /// cycle began.
    Assignment { scope: &'a Scope },
    /// A webinar session's pre-test or post-test (`context` as the attempts record it).
    Session { session_id: i64, context: &'a str },
}

impl Population<'_> {
    /// `SELECT a.id AS id, a.score AS score FROM ...` for the population's attempts.
    fn push_attempts(&self, sql: &mut Sql) {
        match self {
            Population::Assignment { scope } => {
                sql.push(
                    "SELECT a.id AS id, a.score AS score FROM attempts a \
                     JOIN employees e ON e.id = a.employee_id WHERE a.claim_id = 0 \
                     AND a.module_slug = ",
                )
                .bind(scope.module_slug.clone())
                .push(" AND a.submitted_at IS NOT NULL");
                if let Some(from) = scope.counts_from {
                    sql.push(" AND a.submitted_at >= ").bind(from);
                }
                sql.push(" AND");
                scope.employee_filter(sql);
            }
            Population::Session {
                session_id,
                context,
            } => {
                sql.push("SELECT a.id AS id, a.score AS score FROM attempts a WHERE a.webinar_session_id = ")
                    .bind(*session_id)
                    .push(" AND a.context = ")
                    .bind(context.to_string())
                    .push(" AND a.submitted_at IS NOT NULL");
            }
        }
    }
}

/// One question's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemCounts {
    pub question_id: String,
    pub answered: u64,
    pub correct: u64,
    /// (answered, right) within the top 27% of attempts by score.
    pub upper: (u64, u64),
    /// (answered, right) within the bottom 27%.
    pub lower: (u64, u64),
}

/// How many answers to a question were exactly this choice (a JSON array of option keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceCount {
    pub question_id: String,
    pub chosen: String,
    pub count: u64,
}

fn count(row: &sea_orm::QueryResult, column: &str) -> Result<u64, DbErr> {
    let n: Option<i64> = row.try_get("", column)?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// Counts per question. Attempts are ranked by score (ties by id, so the split is stable); the
/// top and bottom groups each hold ceil(27% of the attempts).
pub(crate) async fn item_counts(
    db: &impl ConnectionTrait,
    population: &Population<'_>,
) -> Result<Vec<ItemCounts>, DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("WITH scoped AS (");
    population.push_attempts(&mut sql);
    sql.push(
        "), ranked AS (SELECT id, ROW_NUMBER() OVER (ORDER BY score DESC, id) AS rn, \
         COUNT(*) OVER () AS n FROM scoped), \
         banded AS (SELECT id, CASE WHEN rn <= (n * 27 + 99) / 100 THEN 1 \
         WHEN rn > n - (n * 27 + 99) / 100 THEN -1 ELSE 0 END AS band FROM ranked) \
         SELECT an.question_id AS question_id, COUNT(*) AS answered, \
         SUM(CASE WHEN an.correct THEN 1 ELSE 0 END) AS ok, \
         SUM(CASE WHEN b.band = 1 THEN 1 ELSE 0 END) AS up_n, \
         SUM(CASE WHEN b.band = 1 AND an.correct THEN 1 ELSE 0 END) AS up_ok, \
         SUM(CASE WHEN b.band = -1 THEN 1 ELSE 0 END) AS low_n, \
         SUM(CASE WHEN b.band = -1 AND an.correct THEN 1 ELSE 0 END) AS low_ok \
         FROM answers an JOIN banded b ON b.id = an.attempt_id GROUP BY an.question_id",
    );
    db.query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| {
            Ok(ItemCounts {
                question_id: r.try_get("", "question_id")?,
                answered: count(r, "answered")?,
                correct: count(r, "ok")?,
                upper: (count(r, "up_n")?, count(r, "up_ok")?),
                lower: (count(r, "low_n")?, count(r, "low_ok")?),
            })
        })
        .collect()
}

/// Answers per question and exact choice.
pub(crate) async fn choice_counts(
    db: &impl ConnectionTrait,
    population: &Population<'_>,
) -> Result<Vec<ChoiceCount>, DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("WITH scoped AS (");
    population.push_attempts(&mut sql);
    sql.push(
        ") SELECT an.question_id AS question_id, an.chosen AS chosen, COUNT(*) AS n \
         FROM answers an JOIN scoped s ON s.id = an.attempt_id \
         GROUP BY an.question_id, an.chosen",
    );
    db.query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| {
            Ok(ChoiceCount {
                question_id: r.try_get("", "question_id")?,
                chosen: r.try_get("", "chosen")?,
                count: count(r, "n")?,
            })
        })
        .collect()
}
