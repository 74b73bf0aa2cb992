//! Webinar sessions (join code, pre-test/post-test windows, certificate rule), their
//! participants, and e-certificates with a public verification code. Attempts taken in a
//! session point at it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_auto(WebinarSessions::Table)
                    .col(big_pk_auto(WebinarSessions::Id))
                    // 6 characters from an alphabet without look-alikes (no O/0, I/1/L).
                    .col(string_len_uniq(WebinarSessions::Code, 8))
                    .col(string(WebinarSessions::Title))
                    .col(string(WebinarSessions::Organiser))
                    .col(big_integer(WebinarSessions::HostAccountId))
                    .col(timestamp_with_time_zone(WebinarSessions::StartsAt))
                    // WIB | WITA | WIT: how times are shown; everything is stored in UTC.
                    .col(string_len(WebinarSessions::TimeZone, 8))
                    .col(string_null(WebinarSessions::PreModule))
                    .col(string(WebinarSessions::PostModule))
                    // JSON array of module slugs to read between the tests.
                    .col(text(WebinarSessions::Materials))
                    .col(integer(WebinarSessions::Jp))
                    // Completion rule (credits JP, issues the certificate when enabled).
                    .col(integer(WebinarSessions::MinPostScore).default(0))
                    .col(boolean(WebinarSessions::RequiresPre).default(false))
                    .col(boolean(WebinarSessions::IssuesCertificates).default(true))
                    // A window is open from `opens_at` until `closes_at` (either may be unset).
                    .col(timestamp_with_time_zone_null(WebinarSessions::PreOpensAt))
                    .col(timestamp_with_time_zone_null(WebinarSessions::PreClosesAt))
                    .col(timestamp_with_time_zone_null(WebinarSessions::PostOpensAt))
                    .col(timestamp_with_time_zone_null(WebinarSessions::PostClosesAt))
                    .col(string(WebinarSessions::SignerName).default(""))
                    .col(string(WebinarSessions::SignerNip).default(""))
                    .col(string(WebinarSessions::SignerPosition).default(""))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebinarSessions::Table, WebinarSessions::HostAccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(WebinarParticipants::Table)
                    .col(big_pk_auto(WebinarParticipants::Id))
                    .col(big_integer(WebinarParticipants::SessionId))
                    .col(big_integer(WebinarParticipants::EmployeeId))
                    .col(string_len(WebinarParticipants::Identity, 16))
                    .col(string(WebinarParticipants::InstansiAtTime))
                    .col(string(WebinarParticipants::UnitKerjaAtTime))
                    .col(timestamp_with_time_zone(WebinarParticipants::JoinedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebinarParticipants::Table, WebinarParticipants::SessionId)
                            .to(WebinarSessions::Table, WebinarSessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebinarParticipants::Table, WebinarParticipants::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // Joining twice (reload, second device) never duplicates a participant.
                    .index(
                        Index::create()
                            .name("uq_webinar_participants")
                            .col(WebinarParticipants::SessionId)
                            .col(WebinarParticipants::EmployeeId)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webinar_participants_employee")
                    .table(WebinarParticipants::Table)
                    .col(WebinarParticipants::EmployeeId)
                    .to_owned(),
            )
            .await?;

        // Attempts taken in a session. No foreign key: SQLite cannot add one to an existing table.
        manager
            .alter_table(
                Table::alter()
                    .table(Attempts::Table)
                    .add_column(big_integer_null(Attempts::WebinarSessionId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_attempts_webinar")
                    .table(Attempts::Table)
                    .col(Attempts::WebinarSessionId)
                    .col(Attempts::Context)
                    .to_owned(),
            )
            .await?;
        // One unfinished attempt per learner, module and place: a webinar's post-test may be the
        // same module a learner has open on their own.
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX uq_attempts_one_open")
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_attempts_open_per_place ON attempts \
             (employee_id, module_slug, context, COALESCE(webinar_session_id, 0)) \
             WHERE submitted_at IS NULL",
        )
        .await?;
        // One submitted attempt per participant and test in a session.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_attempts_webinar_done ON attempts \
             (webinar_session_id, context, employee_id) \
             WHERE submitted_at IS NOT NULL AND webinar_session_id IS NOT NULL",
        )
        .await?;

        manager
            .create_table(
                table_auto(Certificates::Table)
                    .col(big_pk_auto(Certificates::Id))
                    // Printed number, e.g. "00012/BKPSDM-SLEMAN/NETRA/2026".
                    .col(string_uniq(Certificates::Number))
                    // Numbering runs per organiser and calendar year.
                    .col(string(Certificates::OrganiserKey))
                    .col(integer(Certificates::Year))
                    .col(integer(Certificates::Seq))
                    // 16 base-32 characters: 80 random bits, the key of the public page.
                    .col(string_len_uniq(Certificates::VerifyCode, 32))
                    .col(big_integer(Certificates::EmployeeId))
                    // What was printed, kept even if the employee record changes later.
                    .col(string(Certificates::HolderName))
                    .col(string_len(Certificates::HolderNip, 18))
                    .col(string(Certificates::Instansi))
                    .col(string(Certificates::Title))
                    .col(string(Certificates::Organiser))
                    .col(date(Certificates::EventDate))
                    .col(integer(Certificates::Jp))
                    // session | module
                    .col(string_len(Certificates::Source, 16))
                    .col(big_integer_null(Certificates::WebinarSessionId))
                    .col(string_null(Certificates::ModuleSlug))
                    .col(timestamp_with_time_zone(Certificates::IssuedAt))
                    .col(timestamp_with_time_zone_null(Certificates::RevokedAt))
                    .col(string_null(Certificates::RevokedReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .index(
                        Index::create()
                            .name("uq_certificates_seq")
                            .col(Certificates::OrganiserKey)
                            .col(Certificates::Year)
                            .col(Certificates::Seq)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_certificates_session_holder ON certificates \
             (webinar_session_id, employee_id) WHERE webinar_session_id IS NOT NULL",
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_certificates_employee")
                    .table(Certificates::Table)
                    .col(Certificates::EmployeeId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        manager
            .drop_table(Table::drop().table(Certificates::Table).to_owned())
            .await?;
        db.execute_unprepared("DROP INDEX uq_attempts_webinar_done")
            .await?;
        db.execute_unprepared("DROP INDEX uq_attempts_open_per_place")
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_attempts_one_open ON attempts (employee_id, module_slug) \
             WHERE submitted_at IS NULL",
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_attempts_webinar")
                    .table(Attempts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Attempts::Table)
                    .drop_column(Attempts::WebinarSessionId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(WebinarParticipants::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(WebinarSessions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum WebinarSessions {
    Table,
    Id,
    Code,
    Title,
    Organiser,
    HostAccountId,
    StartsAt,
    TimeZone,
    PreModule,
    PostModule,
    Materials,
    Jp,
    MinPostScore,
    RequiresPre,
    IssuesCertificates,
    PreOpensAt,
    PreClosesAt,
    PostOpensAt,
    PostClosesAt,
    SignerName,
    SignerNip,
    SignerPosition,
}

#[derive(DeriveIden)]
enum WebinarParticipants {
    Table,
    Id,
    SessionId,
    EmployeeId,
    Identity,
    InstansiAtTime,
    UnitKerjaAtTime,
    JoinedAt,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
    Number,
    OrganiserKey,
    Year,
    Seq,
    VerifyCode,
    EmployeeId,
    HolderName,
    HolderNip,
    Instansi,
    Title,
    Organiser,
    EventDate,
    Jp,
    Source,
    WebinarSessionId,
    ModuleSlug,
    IssuedAt,
    RevokedAt,
    RevokedReason,
}

#[derive(DeriveIden)]
enum Attempts {
    Table,
    WebinarSessionId,
    Context,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
}
