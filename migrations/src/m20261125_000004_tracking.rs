//! BKPSDM tracking: the organisation tree of each agency (instansi -> OPD -> unit kerja, any
//! depth), roster details and unit history of employees, staged roster imports, module
//! assignments with deadlines and cycles, and a per-employee, per-module summary of results
//! that the dashboards read instead of scanning every attempt.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Deadlines are entered in the agency's local time.
        manager
            .alter_table(
                Table::alter()
                    .table(Agencies::Table)
                    .add_column(string_len(Agencies::TimeZone, 8).default("WIB"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(Units::Table)
                    .col(big_pk_auto(Units::Id))
                    .col(big_integer(Units::AgencyId))
                    .col(big_integer_null(Units::ParentId))
                    .col(string(Units::Name))
                    // BKN-style unit code, where the agency knows it.
                    .col(string_null(Units::Code))
                    // Ids from the root down to this unit, e.g. "/3/17/42/": a sub-tree is
                    // one indexed prefix match on both databases.
                    .col(string(Units::Path))
                    .col(integer(Units::Depth))
                    // Normalised names from the root, e.g. "dinas kesehatan/puskesmas depok":
                    // what a roster file names, unique per agency.
                    .col(string(Units::NameKey))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Units::Table, Units::AgencyId)
                            .to(Agencies::Table, Agencies::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Units::Table, Units::ParentId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .index(
                        Index::create()
                            .name("uq_units_agency_name_key")
                            .col(Units::AgencyId)
                            .col(Units::NameKey)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_units_path")
                    .table(Units::Table)
                    .col(Units::Path)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_units_parent")
                    .table(Units::Table)
                    .col(Units::ParentId)
                    .to_owned(),
            )
            .await?;

        for col in [
            big_integer_null(Employees::UnitId),
            string(Employees::Jabatan).default("").to_owned(),
            string_len(Employees::Golongan, 16).default("").to_owned(),
            // PNS | PPPK | "" (unknown, e.g. self-declared learners).
            string_len(Employees::Jenis, 8).default("").to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Employees::Table)
                        .add_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_employees_agency_unit")
                    .table(Employees::Table)
                    .col(Employees::AgencyId)
                    .col(Employees::UnitId)
                    .to_owned(),
            )
            .await?;

        // Where an employee worked when: a move closes one row and opens the next.
        manager
            .create_table(
                table_auto(UnitHistory::Table)
                    .col(big_pk_auto(UnitHistory::Id))
                    .col(big_integer(UnitHistory::EmployeeId))
                    .col(big_integer(UnitHistory::UnitId))
                    .col(timestamp_with_time_zone(UnitHistory::FromAt))
                    .col(timestamp_with_time_zone_null(UnitHistory::ToAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitHistory::Table, UnitHistory::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitHistory::Table, UnitHistory::UnitId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_unit_history_employee")
                    .table(UnitHistory::Table)
                    .col(UnitHistory::EmployeeId)
                    .to_owned(),
            )
            .await?;

        // A validated file waiting for the operator's confirmation.
        manager
            .create_table(
                table_auto(RosterImports::Table)
                    .col(big_pk_auto(RosterImports::Id))
                    .col(big_integer(RosterImports::AgencyId))
                    .col(big_integer(RosterImports::AccountId))
                    .col(string(RosterImports::FileName))
                    // JSON: the valid rows, ready to commit.
                    .col(text(RosterImports::Rows))
                    .col(timestamp_with_time_zone(RosterImports::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RosterImports::CommittedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RosterImports::Table, RosterImports::AgencyId)
                            .to(Agencies::Table, Agencies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table_auto(Assignments::Table)
                    .col(big_pk_auto(Assignments::Id))
                    .col(big_integer(Assignments::AgencyId))
                    .col(string(Assignments::ModuleSlug))
                    .col(timestamp_with_time_zone(Assignments::OpensAt))
                    .col(timestamp_with_time_zone(Assignments::DeadlineAt))
                    .col(string_len(Assignments::TimeZone, 8))
                    // whole agency, or the listed units (with their sub-units) and employees.
                    .col(boolean(Assignments::WholeAgency))
                    // A new cycle of an earlier assignment: passes before `opens_at` no
                    // longer count. NULL for a first cycle (any pass counts).
                    .col(big_integer_null(Assignments::PreviousId))
                    .col(boolean(Assignments::NewCycle).default(false))
                    .col(timestamp_with_time_zone_null(Assignments::SupersededAt))
                    .col(big_integer_null(Assignments::CreatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assignments::Table, Assignments::AgencyId)
                            .to(Agencies::Table, Agencies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_assignments_agency")
                    .table(Assignments::Table)
                    .col(Assignments::AgencyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssignmentTargets::Table)
                    .col(big_pk_auto(AssignmentTargets::Id))
                    .col(big_integer(AssignmentTargets::AssignmentId))
                    .col(big_integer_null(AssignmentTargets::UnitId))
                    .col(big_integer_null(AssignmentTargets::EmployeeId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssignmentTargets::Table, AssignmentTargets::AssignmentId)
                            .to(Assignments::Table, Assignments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_assignment_targets_assignment")
                    .table(AssignmentTargets::Table)
                    .col(AssignmentTargets::AssignmentId)
                    .to_owned(),
            )
            .await?;

        // One row per employee and module, kept up to date in the transaction that starts or
        // scores an attempt.
        manager
            .create_table(
                Table::create()
                    .table(ModuleResults::Table)
                    .col(big_pk_auto(ModuleResults::Id))
                    .col(big_integer(ModuleResults::EmployeeId))
                    .col(string(ModuleResults::ModuleSlug))
                    .col(integer(ModuleResults::Submitted).default(0))
                    .col(integer_null(ModuleResults::BestScore))
                    .col(timestamp_with_time_zone_null(ModuleResults::FirstPassedAt))
                    .col(timestamp_with_time_zone_null(ModuleResults::LastPassedAt))
                    .col(timestamp_with_time_zone_null(
                        ModuleResults::LastSubmittedAt,
                    ))
                    .col(timestamp_with_time_zone(ModuleResults::LastActivityAt))
                    // The employee's agency and current unit, copied so the dashboards group
                    // results without joining every employee (kept in step by the roster import).
                    .col(big_integer_null(ModuleResults::AgencyId))
                    .col(big_integer_null(ModuleResults::UnitId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ModuleResults::Table, ModuleResults::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("uq_module_results")
                            .col(ModuleResults::EmployeeId)
                            .col(ModuleResults::ModuleSlug)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        // One grouped, covering index range per (agency, module): the overview's only scan.
        manager
            .create_index(
                Index::create()
                    .name("ix_module_results_dashboard")
                    .table(ModuleResults::Table)
                    .col(ModuleResults::AgencyId)
                    .col(ModuleResults::ModuleSlug)
                    .col(ModuleResults::UnitId)
                    .col(ModuleResults::LastPassedAt)
                    .col(ModuleResults::LastSubmittedAt)
                    .col(ModuleResults::LastActivityAt)
                    .col(ModuleResults::Submitted)
                    .col(ModuleResults::BestScore)
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(BACKFILL_RESULTS).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ModuleResults::Table.into_iden(),
            AssignmentTargets::Table.into_iden(),
            Assignments::Table.into_iden(),
            RosterImports::Table.into_iden(),
            UnitHistory::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_employees_agency_unit")
                    .table(Employees::Table)
                    .to_owned(),
            )
            .await?;
        for col in [
            Employees::UnitId,
            Employees::Jabatan,
            Employees::Golongan,
            Employees::Jenis,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Employees::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Units::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Agencies::Table)
                    .drop_column(Agencies::TimeZone)
                    .to_owned(),
            )
            .await
    }
}

/// Summarises the attempts that existed before this migration.
pub const BACKFILL_RESULTS: &str = "INSERT INTO module_results (employee_id, module_slug, \
    submitted, best_score, first_passed_at, last_passed_at, last_submitted_at, last_activity_at, \
    agency_id, unit_id) \
    SELECT a.employee_id, a.module_slug, COUNT(a.submitted_at), MAX(a.score), \
    MIN(CASE WHEN a.passed THEN a.submitted_at END), \
    MAX(CASE WHEN a.passed THEN a.submitted_at END), MAX(a.submitted_at), \
    MAX(COALESCE(a.submitted_at, a.started_at)), MAX(e.agency_id), MAX(e.unit_id) \
    FROM attempts a JOIN employees e ON e.id = a.employee_id \
    GROUP BY a.employee_id, a.module_slug";

#[derive(DeriveIden)]
enum Agencies {
    Table,
    Id,
    TimeZone,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    AgencyId,
    ParentId,
    Name,
    Code,
    Path,
    Depth,
    NameKey,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
    AgencyId,
    UnitId,
    Jabatan,
    Golongan,
    Jenis,
}

#[derive(DeriveIden)]
enum UnitHistory {
    Table,
    Id,
    EmployeeId,
    UnitId,
    FromAt,
    ToAt,
}

#[derive(DeriveIden)]
enum RosterImports {
    Table,
    Id,
    AgencyId,
    AccountId,
    FileName,
    Rows,
    ExpiresAt,
    CommittedAt,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    Id,
    AgencyId,
    ModuleSlug,
    OpensAt,
    DeadlineAt,
    TimeZone,
    WholeAgency,
    PreviousId,
    NewCycle,
    SupersededAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum AssignmentTargets {
    Table,
    Id,
    AssignmentId,
    UnitId,
    EmployeeId,
}

#[derive(DeriveIden)]
enum ModuleResults {
    Table,
    Id,
    EmployeeId,
    ModuleSlug,
    Submitted,
    BestScore,
    FirstPassedAt,
    LastPassedAt,
    LastSubmittedAt,
    LastActivityAt,
    AgencyId,
    UnitId,
}
