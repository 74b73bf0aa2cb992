//! Identifying the learner in this browser.

use crate::error::AppError;
use crate::model::catalog::Learner;
use leptos::prelude::*;

/// Who is identified in this browser, if anyone.
#[server(client = crate::api::client::Netra, endpoint = "me")]
pub async fn current_learner() -> Result<Option<Learner>, AppError> {
    use crate::ssr::{accounts::learner, learning::results::learner_dto, AppState};
    let state = AppState::current()?;
    Ok(learner::current(&state).await?.as_ref().map(learner_dto))
}

/// Self-declared identification: NIP, full name, agency and unit. On success the learner is
/// sent on to `next` (a path on this site).
#[server(client = crate::api::client::Netra, endpoint = "identify")]
pub async fn identify(
    nip: String,
    name: String,
    instansi: String,
    unit_kerja: String,
    #[server(default)] next: String,
) -> Result<Learner, AppError> {
    use crate::ssr::{
        accounts::learner, learning::results::learner_dto, respond::OrFail, webinar::attendee,
        AppState,
    };
    let state = AppState::current()?;
    learner::throttle_address(&state)?;
    let identity = learner::validate(&nip, &name, &instansi, &unit_kerja).or_fail()?;
    let joining = attendee::session_to_join(&state, &next).await?;
    let me = learner::identify(&state, &identity, joining.as_ref())
        .await
        .or_fail()?;
    if let Some(session) = &joining {
        state.live.publish(&state.db, session.id).await;
    }
    leptos_axum::redirect(&safe_next(&next));
    Ok(learner_dto(&me))
}

/// Ends this browser's identification and signs out of any account, on the server.
#[server(client = crate::api::client::Netra, endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{accounts::session, accounts::sign_in, AppState};
    let state = AppState::current()?;
    if let Some(account) = session::current(&state).await? {
        sign_in::audit(&state, Some(&account), "sign_out", &account.login, "").await?;
    }
    // Signed in through the agency's SSO: the page after offers signing out there too.
    let through_sso = crate::ssr::accounts::sso::signed_in_through_sso(&state).await;
    session::ACCOUNTS.close(&state).await?;
    session::LEARNERS.close(&state).await?;
    leptos_axum::redirect(if through_sso { "/keluar" } else { "/" });
    Ok(())
}

/// The signed-in employee's answer to a self-declared claim on their NIP: `ya` (it was me: its
/// history joins my record) or `bukan` (it was not me: it is closed).
#[server(client = crate::api::client::Netra, endpoint = "decide_claim")]
pub async fn decide_claim(claim_id: i64, answer: String) -> Result<(), AppError> {
    use crate::ssr::{accounts::claims, accounts::learner, AppState};
    let state = AppState::current()?;
    let me = learner::require(&state).await?;
    let accept = yes_or_no(&answer, "Pilih \"Ini saya\" atau \"Bukan saya\".")?;
    claims::decide_own(&state, &me, claim_id, accept).await?;
    leptos_axum::redirect("/saya");
    Ok(())
}

/// The signed-in employee's answer to an agency asking to put them on its roster: `ya` (move,
/// with my record) or `bukan` (decline).
#[server(client = crate::api::client::Netra, endpoint = "decide_transfer")]
pub async fn decide_transfer(transfer_id: i64, answer: String) -> Result<(), AppError> {
    use crate::ssr::{accounts::learner, tracking::transfers, AppState};
    let state = AppState::current()?;
    let me = learner::require(&state).await?;
    let accept = yes_or_no(&answer, "Pilih \"Setuju\" atau \"Tolak\".")?;
    transfers::decide_by_employee(&state, &me, transfer_id, accept).await?;
    leptos_axum::redirect("/saya");
    Ok(())
}

/// An `answer` of `ya` or `bukan`; anything else is refused with `message` on that field.
#[cfg(feature = "ssr")]
fn yes_or_no(answer: &str, message: &str) -> Result<bool, AppError> {
    match answer {
        "ya" => Ok(true),
        "bukan" => Ok(false),
        _ => Err(crate::ssr::respond::fail(AppError::invalid(
            "answer", message,
        ))),
    }
}

/// Only local paths are followed after identifying: no open redirect to another site.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok {
        next.to_string()
    } else {
        "/".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/modul/a/kuis"), "/modul/a/kuis");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
