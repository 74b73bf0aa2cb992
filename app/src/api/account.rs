//! Signing in, activating an account with a one-time code, and who is signed in.

use crate::error::AppError;
use crate::model::auth::AccountView;
use leptos::prelude::*;

/// The signed-in account, if any.
#[server(client = crate::api::client::Netra, endpoint = "account")]
pub async fn current_account() -> Result<Option<AccountView>, AppError> {
    use crate::ssr::{accounts::session, accounts::sign_in, AppState};
    let state = AppState::current()?;
    match session::current(&state).await? {
        Some(account) => sign_in::view(&state, &account).await.map(Some),
        None => Ok(None),
    }
}

/// Who is using this browser: the signed-in account and the identified learner, in one call
/// (the header needs both on every page).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Visitor {
    pub account: Option<AccountView>,
    pub learner: Option<crate::model::catalog::Learner>,
}

#[server(client = crate::api::client::Netra, endpoint = "whoami")]
pub async fn whoami() -> Result<Visitor, AppError> {
    use crate::ssr::{
        accounts::learner, accounts::session, accounts::sign_in, learning::results::learner_dto,
        AppState,
    };
    let state = AppState::current()?;
    let account = match session::current(&state).await? {
        Some(account) => Some(sign_in::view(&state, &account).await?),
        None => None,
    };
    let learner = learner::current(&state).await?.as_ref().map(learner_dto);
    Ok(Visitor { account, learner })
}

/// Email, username or NIP plus password. Goes on to `next`, or to the role's home page.
#[server(client = crate::api::client::Netra, endpoint = "sign_in")]
pub async fn sign_in(
    login: String,
    password: String,
    #[server(default)] next: String,
) -> Result<AccountView, AppError> {
    use crate::api::learner::safe_next;
    use crate::ssr::{accounts::sign_in, AppState};
    let state = AppState::current()?;
    let account = sign_in::sign_in(&state, &login, &password).await?;
    let view = sign_in::view(&state, &account).await?;
    let target = if next.is_empty() {
        view.role.home().to_string()
    } else {
        safe_next(&next)
    };
    leptos_axum::redirect(&target);
    Ok(view)
}

/// First password (or a reset) with the one-time code from an operator or admin.
#[server(client = crate::api::client::Netra, endpoint = "activate")]
pub async fn activate(
    login: String,
    code: String,
    password: String,
    confirm: String,
) -> Result<AccountView, AppError> {
    use crate::ssr::{accounts::sign_in, AppState};
    let state = AppState::current()?;
    let account = sign_in::activate(&state, &login, &code, &password, &confirm).await?;
    let view = sign_in::view(&state, &account).await?;
    leptos_axum::redirect(view.role.home());
    Ok(view)
}

/// The name of the agency's single sign-on (for the sign-in button), when one is configured.
#[server(client = crate::api::client::Netra, endpoint = "sso_info")]
pub async fn sso_info() -> Result<Option<String>, AppError> {
    use crate::ssr::AppState;
    let state = AppState::current()?;
    Ok(state.sso.as_ref().map(|s| s.settings.label.clone()))
}

/// Starts a sign-in through SSO: the provider's authorization address to go to.
#[server(client = crate::api::client::Netra, endpoint = "sso_begin")]
pub async fn sso_begin(#[server(default)] next: String) -> Result<String, AppError> {
    use crate::api::learner::safe_next;
    use crate::ssr::{accounts::sso, AppState};
    let state = AppState::current()?;
    let next = if next.is_empty() {
        "/saya".to_string()
    } else {
        safe_next(&next)
    };
    sso::begin(&state, &next).await
}

/// The provider's answer: signs the employee in and says where to go next.
#[server(client = crate::api::client::Netra, endpoint = "sso_finish")]
pub async fn sso_finish(
    #[server(default)] code: String,
    #[server(default)] state: String,
    #[server(default)] error: String,
) -> Result<String, AppError> {
    use crate::api::learner::safe_next;
    use crate::ssr::{accounts::sso, AppState};
    let app = AppState::current()?;
    let next = sso::finish(&app, sso::Callback { code, state, error }).await?;
    Ok(safe_next(&next))
}

/// The provider's end-session address, to sign out there too (when it has one).
#[server(client = crate::api::client::Netra, endpoint = "sso_end_session")]
pub async fn sso_end_session() -> Result<Option<String>, AppError> {
    use crate::ssr::AppState;
    let state = AppState::current()?;
    match &state.sso {
        Some(sso) => Ok(sso.end_session_url(&state.public_url("/")).await),
        None => Ok(None),
    }
}
