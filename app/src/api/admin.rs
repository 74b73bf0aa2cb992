//! Administration: agencies, staff accounts and the audit log. Admins only.

use crate::error::AppError;
use crate::model::auth::{AdminOverview, AuditView, IssuedCode};
use leptos::prelude::*;

/// Agencies and staff accounts.
#[server(client = crate::api::client::Netra, endpoint = "admin_overview")]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    use crate::model::auth::{AgencyView, Role};
    use crate::ssr::{accounts::session, accounts::sign_in, db, respond::OrFail, AppState};
    let state = AppState::current()?;
    session::require(&state, &[Role::Admin]).await?;
    let agencies = db::accounts::agencies(&state.db).await.or_fail()?;
    let mut staff = Vec::new();
    for account in db::accounts::staff(&state.db).await.or_fail()? {
        staff.push(sign_in::view(&state, &account).await?);
    }
    Ok(AdminOverview {
        agencies: agencies
            .into_iter()
            .map(|a| AgencyView {
                id: a.id,
                code: a.code,
                name: a.name,
            })
            .collect(),
        staff,
        transfers: crate::ssr::tracking::transfers::waiting(&state).await?,
    })
}

/// Approves a request to move an employee onto another agency's roster.
#[server(client = crate::api::client::Netra, endpoint = "approve_transfer")]
pub async fn approve_transfer(transfer_id: i64) -> Result<(), AppError> {
    use crate::model::auth::Role;
    use crate::ssr::{accounts::session, tracking::transfers, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[Role::Admin]).await?;
    transfers::approve_by_admin(&state, &actor, transfer_id).await
}

/// A new agency (instansi) with its short code.
#[server(client = crate::api::client::Netra, endpoint = "create_agency")]
pub async fn create_agency(code: String, name: String) -> Result<(), AppError> {
    use crate::model::auth::Role;
    use crate::ssr::{accounts::admin, accounts::session, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[Role::Admin]).await?;
    admin::create_agency(&state, &actor, &code, &name).await
}

/// A new staff account (operator of an agency, host or admin) with a one-time activation code.
#[server(client = crate::api::client::Netra, endpoint = "create_staff")]
pub async fn create_staff(
    role: String,
    login: String,
    display_name: String,
    #[server(default)] agency_code: String,
) -> Result<IssuedCode, AppError> {
    use crate::model::auth::Role;
    use crate::ssr::{accounts::admin, accounts::session, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[Role::Admin]).await?;
    admin::create_staff(&state, &actor, &role, &login, &display_name, &agency_code).await
}

/// A new one-time code for a staff account (forgotten password or lock-out).
#[server(client = crate::api::client::Netra, endpoint = "reset_staff")]
pub async fn reset_staff(account_id: i64) -> Result<IssuedCode, AppError> {
    use crate::model::auth::Role;
    use crate::ssr::{accounts::admin, accounts::session, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[Role::Admin]).await?;
    admin::reset_staff(&state, &actor, account_id).await
}

/// The newest audit entries.
#[server(client = crate::api::client::Netra, endpoint = "audit_log")]
pub async fn audit_log() -> Result<Vec<AuditView>, AppError> {
    use crate::model::auth::Role;
    use crate::ssr::{accounts::session, db, respond::OrFail, time::format_wib, AppState};
    let state = AppState::current()?;
    session::require(&state, &[Role::Admin]).await?;
    Ok(db::accounts::audit_log(&state.db, 500)
        .await
        .or_fail()?
        .into_iter()
        .map(|e| AuditView {
            at: format_wib(e.at),
            actor: e.actor,
            action: e.action,
            target: e.target,
            ip: e.ip,
            detail: e.detail,
        })
        .collect())
}
