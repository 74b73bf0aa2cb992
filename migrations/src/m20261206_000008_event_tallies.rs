//! Running per-question tallies of the answers submitted in an event (a webinar session's
//! pre-test or post-test), kept up to date by each submission: the live board reads a few rows
//! instead of scanning every answer of the session. A submission adds to one of several shard
//! rows per question (chosen by its attempt id), so concurrent submissions on PostgreSQL do not
//! queue on one row. Backfilled from the answers already submitted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventQuestionTallies::Table)
                    .col(big_integer(EventQuestionTallies::WebinarSessionId))
                    .col(string_len(EventQuestionTallies::Context, 32))
                    .col(string(EventQuestionTallies::QuestionId))
                    .col(integer(EventQuestionTallies::Shard))
                    .col(big_integer(EventQuestionTallies::Answered).default(0))
                    .col(big_integer(EventQuestionTallies::Correct).default(0))
                    .primary_key(
                        Index::create()
                            .col(EventQuestionTallies::WebinarSessionId)
                            .col(EventQuestionTallies::Context)
                            .col(EventQuestionTallies::QuestionId)
                            .col(EventQuestionTallies::Shard),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                EventQuestionTallies::Table,
                                EventQuestionTallies::WebinarSessionId,
                            )
                            .to(WebinarSessions::Table, WebinarSessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO event_question_tallies \
                 (webinar_session_id, context, question_id, shard, answered, correct) \
                 SELECT a.webinar_session_id, a.context, s.question_id, 0, COUNT(*), \
                 SUM(CASE WHEN s.correct THEN 1 ELSE 0 END) \
                 FROM answers s JOIN attempts a ON a.id = s.attempt_id \
                 WHERE a.webinar_session_id IS NOT NULL AND a.submitted_at IS NOT NULL \
                 GROUP BY a.webinar_session_id, a.context, s.question_id",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventQuestionTallies::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum EventQuestionTallies {
    Table,
    WebinarSessionId,
    Context,
    QuestionId,
    Shard,
    Answered,
    Correct,
}

#[derive(DeriveIden)]
enum WebinarSessions {
    Table,
    Id,
}
