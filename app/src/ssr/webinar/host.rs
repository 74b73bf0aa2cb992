//! Host actions: creating sessions, the host's home and session pages, opening and closing
//! the test windows.

use super::form::*;
use super::sessions::*;
use crate::error::AppError;
use crate::model::auth::{mask_nip, Role};
use crate::model::webinar::{
    HostHome, HostSessionView, IssuedCertificate, ModuleChoice, SessionSummary, Stage,
};
use crate::ssr::db::{self, entities::account, entities::webinar_session};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::time::format_local;
use crate::ssr::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{Set, SqlErr};

/// Creates a session with a fresh join code (retrying on the rare collision).
pub async fn create(
    state: &AppState,
    host: &account::Model,
    form: &SessionForm,
) -> Result<webinar_session::Model, AppError> {
    let base = validate(state, form).or_fail()?;
    for _ in 0..10 {
        let mut row = base.clone();
        row.code = Set(new_code());
        row.host_account_id = Set(host.id);
        match db::webinars::insert(&state.db, row).await {
            Ok(session) => {
                crate::ssr::accounts::sign_in::audit(
                    state,
                    Some(host),
                    "webinar_create",
                    &session.code,
                    &session.title,
                )
                .await?;
                return Ok(session);
            }
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => continue,
            Err(e) => return Err(fail(crate::ssr::respond::db_error(e))),
        }
    }
    Err(fail(AppError::Internal))
}

/// A session the account may manage: its own, or any for an admin. Others are "not found".
pub async fn managed(
    state: &AppState,
    account: &account::Model,
    id: i64,
) -> Result<webinar_session::Model, AppError> {
    let session = db::webinars::by_id(&state.db, id).await.or_fail()?;
    match session {
        Some(s) if s.host_account_id == account.id || account.role == Role::Admin.code() => Ok(s),
        _ => Err(fail(AppError::NotFound)),
    }
}

pub async fn host_home(state: &AppState, account: &account::Model) -> Result<HostHome, AppError> {
    let host = (account.role != Role::Admin.code()).then_some(account.id);
    let sessions = db::webinars::list(&state.db, host).await.or_fail()?;
    let mut summaries = Vec::with_capacity(sessions.len());
    for s in sessions {
        let participants = db::webinars::participant_count(&state.db, s.id)
            .await
            .or_fail()?;
        summaries.push(SessionSummary {
            id: s.id,
            starts: format_local(s.starts_at, &s.time_zone),
            code: s.code,
            title: s.title,
            participants,
        });
    }
    let mut modules: Vec<ModuleChoice> = state
        .catalog
        .modules()
        .iter()
        .filter(|m| !m.questions.is_empty())
        .map(|m| ModuleChoice {
            slug: m.slug.clone(),
            title: m.title.clone(),
            is_test: m.parallel_to.is_some() || m.lessons.is_empty(),
        })
        .collect();
    modules.sort_by_key(|m| !m.is_test);
    let default_organiser = match account.agency_id {
        Some(id) => db::accounts::agency(&state.db, id)
            .await
            .or_fail()?
            .map(|a| a.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(HostHome {
        sessions: summaries,
        modules,
        default_organiser,
    })
}

/// The public join address of a session.
pub fn join_url(state: &AppState, code: &str) -> String {
    state.public_url(&format!("/w/{code}"))
}

pub async fn host_view(
    state: &AppState,
    session: &webinar_session::Model,
) -> Result<HostSessionView, AppError> {
    let now = Utc::now();
    let participants = db::webinars::participant_count(&state.db, session.id)
        .await
        .or_fail()?;
    let certificates = db::certificates::of_session(&state.db, session.id)
        .await
        .or_fail()?
        .into_iter()
        .map(|c| IssuedCertificate {
            id: c.id,
            number: c.number,
            holder_name: c.holder_name,
            holder_nip_masked: mask_nip(&c.holder_nip),
            verify_code: c.verify_code,
            revoked_reason: c.revoked_at.map(|_| c.revoked_reason.unwrap_or_default()),
        })
        .collect();
    Ok(HostSessionView {
        id: session.id,
        code: session.code.clone(),
        join_url: join_url(state, &session.code),
        title: session.title.clone(),
        organiser: session.organiser.clone(),
        starts: format_local(session.starts_at, &session.time_zone),
        jp: session.jp.max(0) as u32,
        rule: rule_text(session),
        pre: session.pre_module.as_deref().map(|m| {
            (
                state.catalog.title_of(m),
                stage_window(session, Stage::Pre, now),
            )
        }),
        post: (
            state.catalog.title_of(&session.post_module),
            stage_window(session, Stage::Post, now),
        ),
        participants,
        certificates,
    })
}

/// Opens or closes a test window now. Opening clears an earlier close.
pub async fn set_window(
    state: &AppState,
    account: &account::Model,
    session: &webinar_session::Model,
    stage: Stage,
    open: bool,
) -> Result<(), AppError> {
    if stage == Stage::Pre && session.pre_module.is_none() {
        return Err(fail(AppError::Conflict(
            "Sesi ini tidak memakai pre-test.".into(),
        )));
    }
    let now = Utc::now();
    let change = |(opens, _): (Option<DateTime<Utc>>, Option<DateTime<Utc>>)| {
        if open {
            (Some(now), None)
        } else {
            (opens.or(Some(now)), Some(now))
        }
    };
    let mut pre = (session.pre_opens_at, session.pre_closes_at);
    let mut post = (session.post_opens_at, session.post_closes_at);
    match stage {
        Stage::Pre => pre = change(pre),
        Stage::Post => post = change(post),
    }
    db::webinars::set_windows(&state.db, session.id, pre, post)
        .await
        .or_fail()?;
    state.session_rows.forget(&session.code);
    let action = if open {
        "webinar_open"
    } else {
        "webinar_close"
    };
    crate::ssr::accounts::sign_in::audit(
        state,
        Some(account),
        action,
        &session.code,
        stage.segment(),
    )
    .await?;
    state.live.publish(&state.db, session.id).await;
    Ok(())
}
