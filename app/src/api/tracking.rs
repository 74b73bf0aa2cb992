//! BKPSDM tracking: roster import (preview, confirm), assignments and dashboards. Operators
//! only; every function is scoped to the operator's own agency.

use crate::error::AppError;
use crate::model::roster::{RosterChanges, RosterPreview};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// Checks a roster file (`file`: CSV or XLSX) and stores it for confirmation. Imports nothing.
#[server(client = crate::api::client::Netra, endpoint = "preview_roster", input = MultipartFormData)]
pub async fn preview_roster(data: MultipartData) -> Result<RosterPreview, AppError> {
    use crate::ssr::{accounts::session, http, respond::fail, tracking::import, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    let upload = http::read(data, "file").await.map_err(fail)?;
    import::preview_import(&state, &actor, upload).await
}

/// Imports every valid row of a previewed file in one transaction.
#[server(client = crate::api::client::Netra, endpoint = "confirm_roster")]
pub async fn confirm_roster(import_id: i64) -> Result<RosterChanges, AppError> {
    use crate::ssr::{accounts::session, tracking::import, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    import::confirm_import(&state, &actor, import_id).await
}

/// The agency's assignments and what a new one can use.
#[server(client = crate::api::client::Netra, endpoint = "assignments")]
pub async fn get_assignments() -> Result<crate::model::tracking::AssignmentsPage, AppError> {
    use crate::ssr::{accounts::session, tracking::assignments, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    assignments::page(&state, &actor).await
}

/// Assigns a module to the whole agency (`scope = "all"`), to units with their sub-units
/// (`scope = "units"`, `unit_ids[]`) or to listed employees (`scope = "list"`, `nips`), from a
/// day until a deadline in local time.
#[server(client = crate::api::client::Netra, endpoint = "create_assignment")]
pub async fn create_assignment(
    module_slug: String,
    scope: String,
    #[server(default)] unit_ids: Vec<i64>,
    #[server(default)] nips: String,
    opens_on: String,
    deadline: String,
    time_zone: String,
) -> Result<i64, AppError> {
    use crate::ssr::{accounts::session, tracking::assignments, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    assignments::create(
        &state,
        &actor,
        assignments::AssignmentForm {
            module_slug,
            scope,
            unit_ids,
            nips,
            opens_on,
            deadline,
            time_zone,
        },
    )
    .await
}

/// Sets the official who signs the agency's certificates for mandatory modules.
#[server(client = crate::api::client::Netra, endpoint = "certificate_signer")]
pub async fn set_certificate_signer(
    #[server(default)] signer_name: String,
    #[server(default)] signer_nip: String,
    #[server(default)] signer_position: String,
) -> Result<(), AppError> {
    use crate::ssr::{accounts::session, tracking::signer, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    signer::set_agency_signer(&state, &actor, &signer_name, &signer_nip, &signer_position).await
}

/// Sets the agency's assurance policy (`self_declared`, `account` or `sso`): operators for their
/// own agency, admins for the agency they name.
#[server(client = crate::api::client::Netra, endpoint = "set_assurance_policy")]
pub async fn set_assurance_policy(
    required_assurance: String,
    #[server(default)] agency_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::model::auth::Role;
    use crate::ssr::{accounts::session, tracking::signer, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[Role::Operator, Role::Admin]).await?;
    signer::set_policy(&state, &actor, agency_id, &required_assurance).await
}

/// Re-opens an assignment for a new election cycle.
#[server(client = crate::api::client::Netra, endpoint = "new_assignment_cycle")]
pub async fn new_assignment_cycle(
    assignment_id: i64,
    opens_on: String,
    deadline: String,
) -> Result<i64, AppError> {
    use crate::ssr::{accounts::session, tracking::assignments, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    assignments::new_cycle(&state, &actor, assignment_id, &opens_on, &deadline).await
}

/// The completion overview of one assignment (the latest when `assignment_id` is 0).
#[server(client = crate::api::client::Netra, endpoint = "dashboard")]
pub async fn get_dashboard(
    #[server(default)] assignment_id: i64,
) -> Result<Option<crate::model::tracking::Overview>, AppError> {
    use crate::ssr::{accounts::session, tracking::dashboard, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    dashboard::overview(&state, &actor, (assignment_id > 0).then_some(assignment_id)).await
}

/// A unit's sub-units and employees for one assignment: filter by `status` code, search `q`
/// (name or NIP), `sort` (nama | nip | status | nilai | aktivitas), `page` from 1.
#[server(client = crate::api::client::Netra, endpoint = "unit_status")]
pub async fn get_unit_status(
    assignment_id: i64,
    unit_id: i64,
    #[server(default)] status: String,
    #[server(default)] q: String,
    #[server(default)] sort: String,
    #[server(default)] page: u32,
) -> Result<crate::model::tracking::UnitDrillDown, AppError> {
    use crate::ssr::{accounts::session, db::dashboards as scope, tracking::dashboard, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    dashboard::drill_down(
        &state,
        &actor,
        assignment_id,
        unit_id,
        scope::DrillQuery {
            status: scope::StatusFilter::from_code(&status),
            q,
            sort,
            page,
        },
    )
    .await
}

/// The JP ledger for a calendar year (`year` 0 = this year), optionally for one unit with its
/// sub-units and only those below the 20 JP target.
#[server(client = crate::api::client::Netra, endpoint = "jp_ledger")]
pub async fn get_jp_ledger(
    #[server(default)] year: i32,
    #[server(default)] unit_id: i64,
    #[server(default)] only_below: bool,
    #[server(default)] page: u32,
) -> Result<crate::model::tracking::JpLedger, AppError> {
    use crate::ssr::{accounts::session, tracking::ledger, AppState};
    use chrono::Datelike;
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    let year = if year == 0 {
        chrono::Utc::now().year()
    } else {
        year
    };
    ledger::ledger(
        &state,
        &actor,
        ledger::LedgerQuery {
            year,
            unit_id: (unit_id > 0).then_some(unit_id),
            only_below,
            page,
        },
    )
    .await
}

/// Share correct per question of an assignment's module, hardest first.
#[server(client = crate::api::client::Netra, endpoint = "question_difficulty")]
pub async fn get_question_difficulty(
    assignment_id: i64,
) -> Result<crate::model::tracking::Difficulty, AppError> {
    use crate::ssr::{accounts::session, tracking::ledger, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    ledger::difficulty(&state, &actor, assignment_id).await
}
