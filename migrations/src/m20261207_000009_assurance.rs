//! How sure a record is of who made it (issue 16).
//!
//! - `learner_claims`: every use of the self-declared form is a claim of its own. A claim's
//!   history (attempts, lessons read, webinar certificates) carries its id in `claim_id`; the
//!   employee's own record is `claim_id = 0`. A claim joins the record only when the employee
//!   (signed in) or an operator (with a reason) confirms it. Learner sessions belong to claims.
//! - Levels (`self_declared`, `account`, `sso`) on attempts (the old `verified` is `account`),
//!   webinar participants, certificates and account sessions; `module_results` keeps the last
//!   pass at each level so the dashboards can apply an assignment's required level.
//! - `agencies.required_assurance`: the agency's policy, the weakest level whose pass counts as
//!   completion, JP and a module certificate (default `account`); `accounts.sso_subject`.
//! - `agency_transfers`: an operator adding an employee another agency lists waits for the
//!   employee or an admin; `attempt_grants`: extra attempts an operator gave, with the reason.
//!
//! Learner sessions open at the time of the migration keep working: each gets a claim that is
//! already confirmed (what the old model had assumed), so nothing saved is hidden from anyone.

use chrono::Utc;
use sea_orm_migration::sea_orm::{DbBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns this migration adds, as `(table, column)`, in order.
fn added_columns() -> [(&'static str, ColumnDef); 10] {
    let c = Alias::new;
    [
        ("learner_sessions", big_integer_null(c("claim_id"))),
        ("attempts", big_integer(c("claim_id")).default(0).to_owned()),
        (
            "certificates",
            big_integer(c("claim_id")).default(0).to_owned(),
        ),
        ("certificates", level(c("assurance"), "self_declared")),
        (
            "webinar_participants",
            big_integer(c("claim_id")).default(0).to_owned(),
        ),
        (
            "module_results",
            timestamp_with_time_zone_null(c("account_passed_at")),
        ),
        (
            "module_results",
            timestamp_with_time_zone_null(c("sso_passed_at")),
        ),
        ("agencies", level(c("required_assurance"), "account")),
        ("account_sessions", level(c("assurance"), "account")),
        ("accounts", string_null(c("sso_subject"))),
    ]
}

/// A level column: `self_declared`, `account` or `sso`.
fn level(name: Alias, default: &str) -> ColumnDef {
    string_len(name, 16).default(default).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        manager
            .create_table(
                table_auto(LearnerClaims::Table)
                    .col(big_pk_auto(LearnerClaims::Id))
                    .col(big_integer(LearnerClaims::EmployeeId))
                    .col(string(LearnerClaims::Name))
                    .col(string(LearnerClaims::Instansi))
                    .col(string(LearnerClaims::UnitKerja))
                    .col(timestamp_with_time_zone(LearnerClaims::ClaimedAt))
                    // open | confirmed | rejected
                    .col(string_len(LearnerClaims::Status, 16).default("open"))
                    .col(timestamp_with_time_zone_null(LearnerClaims::DecidedAt))
                    .col(big_integer_null(LearnerClaims::DecidedBy))
                    .col(text(LearnerClaims::Reason).default(""))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LearnerClaims::Table, LearnerClaims::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_learner_claims_employee")
                    .table(LearnerClaims::Table)
                    .col(LearnerClaims::EmployeeId)
                    .col(LearnerClaims::Status)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds no more.
        for (table, mut column) in added_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }

        // Sessions open now: one confirmed claim per employee, as the old model assumed.
        let now = Utc::now();
        let backend = manager.get_database_backend();
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "INSERT INTO learner_claims (employee_id, name, instansi, unit_kerja, claimed_at, \
                 status, decided_at, reason) \
                 SELECT e.id, e.name, e.instansi, e.unit_kerja, ?, 'confirmed', ?, \
                 'Sesi yang sudah berjalan sebelum klaim dipisahkan' FROM employees e \
                 WHERE e.id IN (SELECT employee_id FROM learner_sessions)",
            ),
            [now.into(), now.into()],
        ))
        .await?;
        db.execute_unprepared(
            "UPDATE learner_sessions SET claim_id = (SELECT MIN(c.id) FROM learner_claims c \
             WHERE c.employee_id = learner_sessions.employee_id)",
        )
        .await?;

        for table in ["attempts", "webinar_participants"] {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET identity = 'account' WHERE identity = 'verified'"
            ))
            .await?;
        }
        // A certificate's level is that of what earned it: the participant's for a webinar, the
        // last pass in the module for a mandatory module.
        db.execute_unprepared(
            "UPDATE certificates SET assurance = COALESCE((SELECT p.identity FROM \
             webinar_participants p WHERE p.session_id = certificates.webinar_session_id \
             AND p.employee_id = certificates.employee_id), 'self_declared') \
             WHERE webinar_session_id IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE certificates SET assurance = COALESCE((SELECT a.identity FROM attempts a \
             WHERE a.employee_id = certificates.employee_id \
             AND a.module_slug = certificates.module_slug AND a.passed \
             ORDER BY a.submitted_at DESC LIMIT 1), 'self_declared') \
             WHERE module_slug IS NOT NULL AND webinar_session_id IS NULL",
        )
        .await?;
        for (column, levels) in [
            ("account_passed_at", "'account', 'sso'"),
            ("sso_passed_at", "'sso'"),
        ] {
            db.execute_unprepared(&format!(
                "UPDATE module_results SET {column} = (SELECT MAX(a.submitted_at) FROM attempts a \
                 WHERE a.employee_id = module_results.employee_id \
                 AND a.module_slug = module_results.module_slug AND a.passed \
                 AND a.identity IN ({levels}))"
            ))
            .await?;
        }

        // The unique rules that name a learner now name the claim as well.
        for ((old_name, _), (new_name, new)) in UNIQUE_INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {old_name}"))
                .await?;
            db.execute_unprepared(&format!("CREATE UNIQUE INDEX {new_name} {new}"))
                .await?;
        }

        // Lessons read: the old table's unique rule cannot be changed on SQLite, so the rows move
        // to a table with the claim in its key.
        create_lessons_table(manager, LessonsRead::Table, true).await?;
        db.execute_unprepared(
            "INSERT INTO lessons_read (employee_id, claim_id, module_slug, lesson_slug) \
             SELECT employee_id, 0, module_slug, lesson_slug FROM lesson_progress",
        )
        .await?;
        manager
            .drop_table(Table::drop().table(LessonsRead::OldTable).to_owned())
            .await?;

        manager
            .create_table(
                table_auto(AgencyTransfers::Table)
                    .col(big_pk_auto(AgencyTransfers::Id))
                    .col(big_integer(AgencyTransfers::EmployeeId))
                    .col(big_integer(AgencyTransfers::FromAgencyId))
                    .col(big_integer(AgencyTransfers::ToAgencyId))
                    // The roster row to apply once accepted (JSON).
                    .col(text(AgencyTransfers::RosterRow))
                    .col(big_integer_null(AgencyTransfers::RequestedBy))
                    .col(timestamp_with_time_zone(AgencyTransfers::RequestedAt))
                    // pending | accepted | approved | rejected
                    .col(string_len(AgencyTransfers::Status, 16).default("pending"))
                    .col(timestamp_with_time_zone_null(AgencyTransfers::DecidedAt))
                    .col(big_integer_null(AgencyTransfers::DecidedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgencyTransfers::Table, AgencyTransfers::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_agency_transfers_employee")
                    .table(AgencyTransfers::Table)
                    .col(AgencyTransfers::EmployeeId)
                    .col(AgencyTransfers::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_agency_transfers_to")
                    .table(AgencyTransfers::Table)
                    .col(AgencyTransfers::ToAgencyId)
                    .col(AgencyTransfers::Status)
                    .to_owned(),
            )
            .await?;
        // Sign-ins through SSO under way: the state, PKCE verifier and nonce of each, used once.
        manager
            .create_table(
                table_auto(SsoRequests::Table)
                    .col(big_pk_auto(SsoRequests::Id))
                    .col(string_len(SsoRequests::StateHash, 64).unique_key())
                    .col(string(SsoRequests::Verifier))
                    .col(string(SsoRequests::Nonce))
                    .col(string(SsoRequests::NextPath))
                    .col(timestamp_with_time_zone(SsoRequests::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                table_auto(AttemptGrants::Table)
                    .col(big_pk_auto(AttemptGrants::Id))
                    .col(big_integer(AttemptGrants::EmployeeId))
                    .col(string(AttemptGrants::ModuleSlug))
                    .col(integer(AttemptGrants::Extra))
                    .col(big_integer_null(AttemptGrants::GrantedBy))
                    .col(timestamp_with_time_zone(AttemptGrants::GrantedAt))
                    .col(text(AttemptGrants::Reason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AttemptGrants::Table, AttemptGrants::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_attempt_grants_employee")
                    .table(AttemptGrants::Table)
                    .col(AttemptGrants::EmployeeId)
                    .col(AttemptGrants::ModuleSlug)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in [
            AttemptGrants::Table.into_iden(),
            SsoRequests::Table.into_iden(),
            AgencyTransfers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        // Lessons read by claims that were never confirmed go with the claims.
        create_lessons_table(manager, LessonsRead::OldTable, false).await?;
        db.execute_unprepared(
            "INSERT INTO lesson_progress (employee_id, module_slug, lesson_slug) \
             SELECT employee_id, module_slug, lesson_slug FROM lessons_read WHERE claim_id = 0",
        )
        .await?;
        manager
            .drop_table(Table::drop().table(LessonsRead::Table).to_owned())
            .await?;
        for ((old_name, old), (new_name, _)) in UNIQUE_INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {new_name}"))
                .await?;
            db.execute_unprepared(&format!("CREATE UNIQUE INDEX {old_name} {old}"))
                .await?;
        }
        for table in ["attempts", "webinar_participants"] {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET identity = 'verified' WHERE identity IN ('account', 'sso')"
            ))
            .await?;
        }
        for (table, column) in added_columns().into_iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new(column.get_column_name()))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(LearnerClaims::Table).to_owned())
            .await
    }
}

/// `((name, definition) before, (name, definition) after)`: the unique indexes that now include
/// the claim (under new names: SQLite refused to re-create a dropped name in one migration).
type Pair = (&'static str, &'static str);
const UNIQUE_INDEXES: [(Pair, Pair); 3] = [
    (
        (
            "uq_attempts_open_per_place",
            "ON attempts (employee_id, module_slug, context, COALESCE(webinar_session_id, 0)) \
             WHERE submitted_at IS NULL",
        ),
        (
            "uq_attempts_open_per_holder",
            "ON attempts (employee_id, claim_id, module_slug, context, \
             COALESCE(webinar_session_id, 0)) WHERE submitted_at IS NULL",
        ),
    ),
    (
        (
            "uq_attempts_webinar_done",
            "ON attempts (webinar_session_id, context, employee_id) \
             WHERE submitted_at IS NOT NULL AND webinar_session_id IS NOT NULL",
        ),
        (
            "uq_attempts_webinar_done_holder",
            "ON attempts (webinar_session_id, context, employee_id, claim_id) \
             WHERE submitted_at IS NOT NULL AND webinar_session_id IS NOT NULL",
        ),
    ),
    (
        (
            "uq_certificates_session_holder",
            "ON certificates (webinar_session_id, employee_id) WHERE webinar_session_id IS NOT NULL",
        ),
        (
            "uq_certificates_session_claim",
            "ON certificates (webinar_session_id, employee_id, claim_id) \
             WHERE webinar_session_id IS NOT NULL",
        ),
    ),
];

/// Which lessons a learner opened: `lessons_read` (with the claim) or the old `lesson_progress`.
async fn create_lessons_table(
    manager: &SchemaManager<'_>,
    table: LessonsRead,
    with_claim: bool,
) -> Result<(), DbErr> {
    let name = if with_claim {
        "lessons_read"
    } else {
        "lesson_progress"
    };
    let mut create = table_auto(table);
    create
        .col(big_pk_auto(LessonsRead::Id))
        .col(big_integer(LessonsRead::EmployeeId));
    if with_claim {
        create.col(big_integer(LessonsRead::ClaimId).default(0));
    }
    create
        .col(string(LessonsRead::ModuleSlug))
        .col(string(LessonsRead::LessonSlug))
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{name}_employee"))
                .from(table, LessonsRead::EmployeeId)
                .to(Employees::Table, Employees::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    manager.create_table(create.to_owned()).await?;
    let key = if with_claim {
        "employee_id, claim_id, module_slug, lesson_slug"
    } else {
        "employee_id, module_slug, lesson_slug"
    };
    let index = if with_claim {
        "uq_lessons_read"
    } else {
        "uq_lesson_progress"
    };
    manager
        .get_connection()
        .execute_unprepared(&format!("CREATE UNIQUE INDEX {index} ON {name} ({key})"))
        .await
        .map(|_| ())
}

/// `?` placeholders as the backend writes them.
fn placeholders(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    out.push_str(&format!("${n}"));
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => sql.to_string(),
    }
}

#[derive(DeriveIden)]
enum LearnerClaims {
    Table,
    Id,
    EmployeeId,
    Name,
    Instansi,
    UnitKerja,
    ClaimedAt,
    Status,
    DecidedAt,
    DecidedBy,
    Reason,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum LessonsRead {
    Table,
    #[sea_orm(iden = "lesson_progress")]
    OldTable,
    Id,
    EmployeeId,
    ClaimId,
    ModuleSlug,
    LessonSlug,
}

#[derive(DeriveIden)]
enum AgencyTransfers {
    Table,
    Id,
    EmployeeId,
    FromAgencyId,
    ToAgencyId,
    RosterRow,
    RequestedBy,
    RequestedAt,
    Status,
    DecidedAt,
    DecidedBy,
}

#[derive(DeriveIden)]
enum AttemptGrants {
    Table,
    Id,
    EmployeeId,
    ModuleSlug,
    Extra,
    GrantedBy,
    GrantedAt,
    Reason,
}

#[derive(DeriveIden)]
enum SsoRequests {
    Table,
    Id,
    StateHash,
    Verifier,
    Nonce,
    NextPath,
    ExpiresAt,
}
