//! Webinar sessions: the attendee's side (`/w/{code}`), the host's side (`/host`), and the
//! public certificate check.

use crate::error::AppError;
use crate::model::quiz::CertificateCheck;
use crate::model::quiz::QuizState;
#[cfg(feature = "ssr")]
use crate::model::webinar::Stage;
use crate::model::webinar::{AttendeeView, HostHome, HostSessionView, LiveStats};
use leptos::prelude::*;

/// The session page for whoever is identified in this browser (joining them once).
#[server(client = crate::api::client::Netra, endpoint = "webinar")]
pub async fn webinar_page(code: String) -> Result<AttendeeView, AppError> {
    use crate::ssr::{accounts::learner, webinar::attendee, AppState};
    let state = AppState::current()?;
    let me = learner::current(&state).await?;
    attendee::attendee_view(&state, me.as_ref(), &code).await
}

/// The session a code typed on the join form leads to (its normalised code), or why not.
#[server(client = crate::api::client::Netra, endpoint = "find_webinar")]
pub async fn find_webinar(kode: String) -> Result<String, AppError> {
    use crate::ssr::{webinar::attendee, AppState};
    let state = AppState::current()?;
    attendee::find_typed(&state, &kode).await
}

/// Starts (or resumes) the pre-test or post-test and goes to it.
#[server(client = crate::api::client::Netra, endpoint = "webinar_start")]
pub async fn start_webinar_test(code: String, stage: String) -> Result<i64, AppError> {
    use crate::ssr::{accounts::learner, respond::fail, webinar::attendee, AppState};
    let state = AppState::current()?;
    let stage = Stage::from_segment(&stage).ok_or_else(|| fail(AppError::NotFound))?;
    let me = learner::require(&state).await?;
    let id = attendee::start_test(&state, &me, &code, stage).await?;
    leptos_axum::redirect(&format!("/w/{code}/{}", stage.segment()));
    Ok(id)
}

/// The test in progress at `/w/{code}/{stage}`; `Ready` when none is open (the page then sends
/// the attendee back to the session page).
#[server(client = crate::api::client::Netra, endpoint = "webinar_quiz")]
pub async fn webinar_quiz(code: String, stage: String) -> Result<QuizState, AppError> {
    use crate::ssr::{accounts::learner, respond::fail, webinar::attendee, AppState};
    let state = AppState::current()?;
    let stage = Stage::from_segment(&stage).ok_or_else(|| fail(AppError::NotFound))?;
    let me = learner::current(&state).await?;
    attendee::quiz_state(&state, me.as_ref(), &code, stage).await
}

/// The host's sessions and what a new one can use.
#[server(client = crate::api::client::Netra, endpoint = "host_home")]
pub async fn get_host_home() -> Result<HostHome, AppError> {
    use crate::ssr::{accounts::session, webinar::host, webinar::sessions, AppState};
    let state = AppState::current()?;
    let account = session::require(&state, sessions::HOST_ROLES).await?;
    host::host_home(&state, &account).await
}

/// Creates a session and opens its page.
#[server(client = crate::api::client::Netra, endpoint = "create_webinar")]
#[allow(clippy::too_many_arguments)]
pub async fn create_webinar(
    title: String,
    organiser: String,
    starts_at: String,
    time_zone: String,
    #[server(default)] pre_module: String,
    post_module: String,
    #[server(default)] materials: Vec<String>,
    jp: String,
    #[server(default)] min_post_score: String,
    #[server(default)] requires_pre: Option<String>,
    #[server(default)] issues_certificates: Option<String>,
    #[server(default)] signer_name: String,
    #[server(default)] signer_nip: String,
    #[server(default)] signer_position: String,
    #[server(default)] pre_opens_at: String,
    #[server(default)] pre_closes_at: String,
    #[server(default)] post_opens_at: String,
    #[server(default)] post_closes_at: String,
) -> Result<i64, AppError> {
    use crate::ssr::{
        accounts::session, webinar::form, webinar::host, webinar::sessions, AppState,
    };
    let state = AppState::current()?;
    let account = session::require(&state, sessions::HOST_ROLES).await?;
    let form = form::SessionForm {
        title,
        organiser,
        starts_at,
        time_zone,
        pre_module,
        post_module,
        materials,
        jp,
        min_post_score,
        requires_pre: requires_pre.is_some(),
        issues_certificates: issues_certificates.is_some(),
        signer_name,
        signer_nip,
        signer_position,
        pre_opens_at,
        pre_closes_at,
        post_opens_at,
        post_closes_at,
    };
    let session = host::create(&state, &account, &form).await?;
    leptos_axum::redirect(&format!("/host/sesi/{}", session.id));
    Ok(session.id)
}

/// One session as its host manages it.
#[server(client = crate::api::client::Netra, endpoint = "host_session")]
pub async fn host_session(id: i64) -> Result<HostSessionView, AppError> {
    use crate::ssr::{accounts::session, webinar::host, webinar::sessions, AppState};
    let state = AppState::current()?;
    let account = session::require(&state, sessions::HOST_ROLES).await?;
    let session = host::managed(&state, &account, id).await?;
    host::host_view(&state, &session).await
}

/// Opens (`open = "1"`) or closes a test window now.
#[server(client = crate::api::client::Netra, endpoint = "webinar_window")]
pub async fn set_webinar_window(id: i64, stage: String, open: String) -> Result<(), AppError> {
    use crate::ssr::{
        accounts::session, respond::fail, webinar::host, webinar::sessions, AppState,
    };
    let state = AppState::current()?;
    let account = session::require(&state, sessions::HOST_ROLES).await?;
    let stage = Stage::from_segment(&stage).ok_or_else(|| fail(AppError::NotFound))?;
    let session = host::managed(&state, &account, id).await?;
    host::set_window(&state, &account, &session, stage, open == "1").await?;
    leptos_axum::redirect(&format!("/host/sesi/{id}"));
    Ok(())
}

/// Revokes a certificate of one of the host's sessions, with a reason shown on the public page.
#[server(client = crate::api::client::Netra, endpoint = "revoke_certificate")]
pub async fn revoke_certificate(certificate_id: i64, reason: String) -> Result<(), AppError> {
    use crate::ssr::{accounts::session, webinar::attendee, webinar::sessions, AppState};
    let state = AppState::current()?;
    let account = session::require(&state, sessions::HOST_ROLES).await?;
    let session_id = attendee::revoke(&state, &account, certificate_id, &reason).await?;
    leptos_axum::redirect(&format!("/host/sesi/{session_id}"));
    Ok(())
}

/// The live board's figures (the page then follows the event stream).
#[server(client = crate::api::client::Netra, endpoint = "live_stats")]
pub async fn get_live_stats(id: i64) -> Result<LiveStats, AppError> {
    use crate::ssr::{
        accounts::session, webinar::board, webinar::host, webinar::sessions, AppState,
    };
    let state = AppState::current()?;
    let account = session::require(&state, sessions::HOST_ROLES).await?;
    let session = host::managed(&state, &account, id).await?;
    board::live_stats(&state, &session).await
}

/// What anyone may know about a certificate from its verification code.
#[server(client = crate::api::client::Netra, endpoint = "verify_certificate")]
pub async fn verify_certificate(code: String) -> Result<CertificateCheck, AppError> {
    use crate::ssr::{learning::certificates, AppState};
    let state = AppState::current()?;
    certificates::check(&state, &code).await
}
