//! BKPSDM tracking pages: `/operator/impor` (roster import with preview), `/operator/penugasan`
//! (assignments and cycles), `/operator/dasbor` (completion per OPD) and
//! `/operator/dasbor/{assignment}/unit/{unit}` (a unit's employees). Operators only.

mod assignments;
mod dashboard;
mod difficulty;
mod import;
mod ledger;
mod unit;

pub use assignments::AssignmentsPageView;
pub use dashboard::DashboardPage;
pub use difficulty::DifficultyPage;
pub use import::RosterImportPage;
pub use ledger::JpLedgerPage;
pub use unit::UnitStatusPage;

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::A;

/// The operator's section links.
#[component]
pub fn OperatorNav() -> impl IntoView {
    view! {
        <nav class="subnav" aria-label="Menu operator">
            <A href="/operator" exact=true>"Roster"</A>
            <A href="/operator/impor">"Impor roster"</A>
            <A href="/operator/penugasan">"Penugasan"</A>
            <A href="/operator/dasbor">"Dasbor"</A>
            <A href="/operator/jp">"JP"</A>
        </nav>
    }
}

pub(super) fn field_error(error: Option<AppError>, name: &str) -> Option<String> {
    error.and_then(|e| e.field_message(name))
}
