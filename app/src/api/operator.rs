//! The operator's roster: employees of their own agency, activation codes, export and deletion.
//! Every query is scoped to the operator's agency: another agency's employee is "not found".

use crate::error::AppError;
use crate::model::auth::IssuedCode;
use leptos::prelude::*;

pub use crate::model::auth::{Credit, EmployeeDetail, RosterPage};

/// The operator's roster, optionally searched by NIP or name.
#[server(client = crate::api::client::Netra, endpoint = "roster")]
pub async fn roster(#[server(default)] q: String) -> Result<RosterPage, AppError> {
    use crate::ssr::{accounts::session, tracking::employees, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    employees::roster(&state, &actor, &q).await
}

/// Adds an employee to the operator's roster (one at a time; files come with the roster import).
#[server(client = crate::api::client::Netra, endpoint = "add_employee")]
pub async fn add_employee(nip: String, name: String, unit_kerja: String) -> Result<(), AppError> {
    use crate::ssr::{accounts::session, tracking::employees, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    employees::add_employee(&state, &actor, &nip, &name, &unit_kerja).await
}

#[server(client = crate::api::client::Netra, endpoint = "employee_detail")]
pub async fn get_employee_detail(employee_id: i64) -> Result<EmployeeDetail, AppError> {
    use crate::ssr::{accounts::session, tracking::employees, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    employees::detail(&state, &actor, employee_id).await
}

/// A one-time activation (or reset) code for a rostered employee; creates their account.
#[server(client = crate::api::client::Netra, endpoint = "issue_learner_code")]
pub async fn issue_learner_code(employee_id: i64) -> Result<IssuedCode, AppError> {
    use crate::ssr::{accounts::session, tracking::employees, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    employees::issue_code(&state, &actor, employee_id).await
}

/// Activation codes for everyone in a unit who has no active account yet, to print and hand out.
#[server(client = crate::api::client::Netra, endpoint = "issue_unit_codes")]
pub async fn issue_unit_codes(unit_kerja: String) -> Result<Vec<IssuedCode>, AppError> {
    use crate::ssr::{accounts::session, tracking::employees, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    employees::issue_unit_codes(&state, &actor, &unit_kerja).await
}

/// Everything Netra holds about one employee, as JSON (their right of access).
#[server(client = crate::api::client::Netra, endpoint = "export_employee", input = leptos::server_fn::codec::GetUrl)]
pub async fn export_employee(employee_id: i64) -> Result<String, AppError> {
    use crate::ssr::{accounts::session, tracking::employees, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    employees::export(&state, &actor, employee_id).await
}

/// Deletes an employee's personal data; scores stay as anonymous aggregates.
#[server(client = crate::api::client::Netra, endpoint = "delete_employee")]
pub async fn delete_employee(
    employee_id: i64,
    #[server(default)] confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::{accounts::session, respond::OrFail, tracking::employees, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    if confirm != "hapus" {
        return Err(AppError::invalid(
            "confirm",
            "Centang konfirmasi untuk menghapus data pegawai ini.",
        ))
        .or_fail();
    }
    employees::delete(&state, &actor, employee_id).await?;
    leptos_axum::redirect("/operator");
    Ok(())
}

/// Confirms a self-declared claim on an employee's NIP (its history joins the record), with the
/// reason the operator is sure (kept in the audit log).
#[server(client = crate::api::client::Netra, endpoint = "confirm_claim")]
pub async fn confirm_claim(
    employee_id: i64,
    claim_id: i64,
    reason: String,
) -> Result<(), AppError> {
    use crate::ssr::{accounts::claims, accounts::session, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    claims::confirm_by_operator(&state, &actor, claim_id, &reason).await?;
    leptos_axum::redirect(&format!("/operator/pegawai/{employee_id}"));
    Ok(())
}

/// One extra attempt at a module for an employee of the operator's agency, with a reason.
#[server(client = crate::api::client::Netra, endpoint = "grant_attempt")]
pub async fn grant_attempt(
    employee_id: i64,
    module_slug: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::ssr::{accounts::session, tracking::attempts, AppState};
    let state = AppState::current()?;
    let actor = session::require(&state, &[crate::model::auth::Role::Operator]).await?;
    attempts::grant_extra(&state, &actor, employee_id, &module_slug, &reason).await?;
    leptos_axum::redirect(&format!("/operator/pegawai/{employee_id}"));
    Ok(())
}
