//! The learner's records: employees, browser sessions, content versions, lesson progress,
//! quiz attempts and their answers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_auto(Employees::Table)
                    .col(big_pk_auto(Employees::Id))
                    // Text, never a number: 18 digits would lose precision in spreadsheets and JSON.
                    .col(string_len_uniq(Employees::Nip, 18))
                    .col(string(Employees::Name))
                    .col(string(Employees::Instansi))
                    .col(string(Employees::UnitKerja))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(LearnerSessions::Table)
                    .col(big_pk_auto(LearnerSessions::Id))
                    // SHA-256 of the cookie token: a leaked database does not leak live sessions.
                    .col(string_len_uniq(LearnerSessions::TokenHash, 64))
                    .col(big_integer(LearnerSessions::EmployeeId))
                    .col(timestamp_with_time_zone(LearnerSessions::LastSeenAt))
                    .col(timestamp_with_time_zone(LearnerSessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LearnerSessions::Table, LearnerSessions::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(ContentModules::Table)
                    .col(big_pk_auto(ContentModules::Id))
                    .col(string(ContentModules::Slug))
                    .col(string(ContentModules::Version))
                    .col(string_len(ContentModules::ContentHash, 64))
                    .col(string(ContentModules::Title))
                    .index(
                        Index::create()
                            .name("uq_content_modules_slug_hash")
                            .col(ContentModules::Slug)
                            .col(ContentModules::ContentHash)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(LessonProgress::Table)
                    .col(big_pk_auto(LessonProgress::Id))
                    .col(big_integer(LessonProgress::EmployeeId))
                    .col(string(LessonProgress::ModuleSlug))
                    .col(string(LessonProgress::LessonSlug))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LessonProgress::Table, LessonProgress::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("uq_lesson_progress")
                            .col(LessonProgress::EmployeeId)
                            .col(LessonProgress::ModuleSlug)
                            .col(LessonProgress::LessonSlug)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(Attempts::Table)
                    .col(big_pk_auto(Attempts::Id))
                    .col(big_integer(Attempts::EmployeeId))
                    .col(big_integer(Attempts::ContentModuleId))
                    .col(string(Attempts::ModuleSlug))
                    // self | assignment | webinar: where the attempt was taken.
                    .col(string_len(Attempts::Context, 16).default("self"))
                    // self_declared | verified: how sure we are of who took it.
                    .col(string_len(Attempts::Identity, 16).default("self_declared"))
                    // The employee's agency and unit at the time (reorganisations happen).
                    .col(string(Attempts::InstansiAtTime))
                    .col(string(Attempts::UnitKerjaAtTime))
                    // JSON: the drawn question ids and each one's option order.
                    .col(text(Attempts::Draw))
                    .col(timestamp_with_time_zone(Attempts::StartedAt))
                    .col(timestamp_with_time_zone_null(Attempts::DeadlineAt))
                    .col(timestamp_with_time_zone_null(Attempts::SubmittedAt))
                    .col(integer_null(Attempts::Score))
                    .col(integer_null(Attempts::CorrectCount))
                    .col(integer(Attempts::QuestionCount))
                    .col(boolean_null(Attempts::Passed))
                    .col(boolean(Attempts::Late).default(false))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attempts::Table, Attempts::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attempts::Table, Attempts::ContentModuleId)
                            .to(ContentModules::Table, ContentModules::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attempts_employee_module")
                    .table(Attempts::Table)
                    .col(Attempts::EmployeeId)
                    .col(Attempts::ModuleSlug)
                    .to_owned(),
            )
            .await?;
        // At most one unfinished attempt per learner and module, even under concurrent starts.
        // Partial indexes have the same syntax on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_attempts_one_open ON attempts (employee_id, module_slug) \
                 WHERE submitted_at IS NULL",
            )
            .await?;

        manager
            .create_table(
                table_auto(Answers::Table)
                    .col(big_pk_auto(Answers::Id))
                    .col(big_integer(Answers::AttemptId))
                    .col(string(Answers::QuestionId))
                    // JSON array of chosen option keys.
                    .col(text(Answers::Chosen))
                    // Null until the attempt is scored.
                    .col(boolean_null(Answers::Correct))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Answers::Table, Answers::AttemptId)
                            .to(Attempts::Table, Attempts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("uq_answers_attempt_question")
                            .col(Answers::AttemptId)
                            .col(Answers::QuestionId)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Answers::Table.into_iden(),
            Attempts::Table.into_iden(),
            LessonProgress::Table.into_iden(),
            ContentModules::Table.into_iden(),
            LearnerSessions::Table.into_iden(),
            Employees::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
    Nip,
    Name,
    Instansi,
    UnitKerja,
}

#[derive(DeriveIden)]
enum LearnerSessions {
    Table,
    Id,
    TokenHash,
    EmployeeId,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ContentModules {
    Table,
    Id,
    Slug,
    Version,
    ContentHash,
    Title,
}

#[derive(DeriveIden)]
enum LessonProgress {
    Table,
    Id,
    EmployeeId,
    ModuleSlug,
    LessonSlug,
}

#[derive(DeriveIden)]
enum Attempts {
    Table,
    Id,
    EmployeeId,
    ContentModuleId,
    ModuleSlug,
    Context,
    Identity,
    InstansiAtTime,
    UnitKerjaAtTime,
    Draw,
    StartedAt,
    DeadlineAt,
    SubmittedAt,
    Score,
    CorrectCount,
    QuestionCount,
    Passed,
    Late,
}

#[derive(DeriveIden)]
enum Answers {
    Table,
    Id,
    AttemptId,
    QuestionId,
    Chosen,
    Correct,
}
