//! Netra's database schema as reversible sea-orm migrations. Migrations are the source of truth.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_learning_records;
mod m20261125_000002_accounts;
mod m20261125_000003_webinars;
mod m20261125_000004_tracking;
mod m20261125_000005_module_certificates;
mod m20261205_000006_attempt_lookup;
mod m20261206_000007_session_end;
mod m20261206_000008_event_tallies;
mod m20261207_000009_assurance;

pub use m20261125_000004_tracking::BACKFILL_RESULTS;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_learning_records::Migration),
            Box::new(m20261125_000002_accounts::Migration),
            Box::new(m20261125_000003_webinars::Migration),
            Box::new(m20261125_000004_tracking::Migration),
            Box::new(m20261125_000005_module_certificates::Migration),
            Box::new(m20261205_000006_attempt_lookup::Migration),
            Box::new(m20261206_000007_session_end::Migration),
            Box::new(m20261206_000008_event_tallies::Migration),
            Box::new(m20261207_000009_assurance::Migration),
        ]
    }
}
