//! E-certificates for mandatory modules: a certificate belongs to the assignment (cycle) it was
//! earned in, at most one per employee and assignment; each agency configures the official who
//! signs its module certificates.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Certificates::Table)
                    .add_column(big_integer_null(Certificates::AssignmentId))
                    .to_owned(),
            )
            .await?;
        // One certificate per employee and cycle, however many requests race to issue it.
        manager
            .create_index(
                Index::create()
                    .name("uq_certificates_assignment_holder")
                    .table(Certificates::Table)
                    .col(Certificates::AssignmentId)
                    .col(Certificates::EmployeeId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per statement.
        for col in [
            Agencies::SignerName,
            Agencies::SignerNip,
            Agencies::SignerPosition,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Agencies::Table)
                        .add_column(string(col).default(""))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            Agencies::SignerName,
            Agencies::SignerNip,
            Agencies::SignerPosition,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Agencies::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("uq_certificates_assignment_holder")
                    .table(Certificates::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Certificates::Table)
                    .drop_column(Certificates::AssignmentId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    AssignmentId,
    EmployeeId,
}

#[derive(DeriveIden)]
enum Agencies {
    Table,
    SignerName,
    SignerNip,
    SignerPosition,
}
