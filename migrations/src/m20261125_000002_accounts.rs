//! Accounts and access: agencies (instansi), staff and learner accounts, their sessions, one-time
//! activation/reset codes, and the audit log. Employees gain the agency whose roster lists them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table_auto(Agencies::Table)
                    .col(big_pk_auto(Agencies::Id))
                    // Short code used in URLs, CLI flags and file names, e.g. "pemkab-sleman".
                    .col(string_len_uniq(Agencies::Code, 64))
                    .col(string(Agencies::Name))
                    .to_owned(),
            )
            .await?;

        // Only rostered employees belong to an agency; self-declared learners have none.
        // No foreign key: SQLite cannot add one to an existing table. The index serves scoping.
        manager
            .alter_table(
                Table::alter()
                    .table(Employees::Table)
                    .add_column(big_integer_null(Employees::AgencyId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_employees_agency")
                    .table(Employees::Table)
                    .col(Employees::AgencyId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(Accounts::Table)
                    .col(big_pk_auto(Accounts::Id))
                    // admin | operator | host | learner
                    .col(string_len(Accounts::Role, 16))
                    // Lower-case email or username for staff; the NIP for learners.
                    .col(string_len_uniq(Accounts::Login, 254))
                    .col(string(Accounts::DisplayName))
                    // argon2id PHC string; NULL until the account is activated.
                    .col(string_null(Accounts::PasswordHash))
                    .col(big_integer_null(Accounts::AgencyId))
                    .col(big_integer_null(Accounts::EmployeeId).unique_key())
                    .col(integer(Accounts::FailedAttempts).default(0))
                    .col(timestamp_with_time_zone_null(Accounts::LockedUntil))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Accounts::Table, Accounts::AgencyId)
                            .to(Agencies::Table, Agencies::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Accounts::Table, Accounts::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(AccountSessions::Table)
                    .col(big_pk_auto(AccountSessions::Id))
                    // SHA-256 of the cookie token.
                    .col(string_len_uniq(AccountSessions::TokenHash, 64))
                    .col(big_integer(AccountSessions::AccountId))
                    .col(timestamp_with_time_zone(AccountSessions::LastSeenAt))
                    .col(timestamp_with_time_zone(AccountSessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountSessions::Table, AccountSessions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(OneTimeCodes::Table)
                    .col(big_pk_auto(OneTimeCodes::Id))
                    .col(big_integer(OneTimeCodes::AccountId))
                    // SHA-256 of the code: a leaked table does not activate anyone.
                    .col(string_len(OneTimeCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone(OneTimeCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(OneTimeCodes::UsedAt))
                    .col(big_integer_null(OneTimeCodes::CreatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OneTimeCodes::Table, OneTimeCodes::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_one_time_codes_account")
                    .table(OneTimeCodes::Table)
                    .col(OneTimeCodes::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    // Kept as text too, so the entry survives the actor's deletion.
                    .col(big_integer_null(AuditLog::ActorId))
                    .col(string(AuditLog::Actor))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string(AuditLog::Target))
                    .col(string_len(AuditLog::Ip, 64))
                    .col(text(AuditLog::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_log_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            OneTimeCodes::Table.into_iden(),
            AccountSessions::Table.into_iden(),
            Accounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_employees_agency")
                    .table(Employees::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Employees::Table)
                    .drop_column(Employees::AgencyId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Agencies::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Agencies {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
    AgencyId,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Role,
    Login,
    DisplayName,
    PasswordHash,
    AgencyId,
    EmployeeId,
    FailedAttempts,
    LockedUntil,
}

#[derive(DeriveIden)]
enum AccountSessions {
    Table,
    Id,
    TokenHash,
    AccountId,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum OneTimeCodes {
    Table,
    Id,
    AccountId,
    CodeHash,
    ExpiresAt,
    UsedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    Actor,
    Action,
    Target,
    Ip,
    Detail,
}
