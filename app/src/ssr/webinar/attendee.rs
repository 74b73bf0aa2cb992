//! The attendee's flow: joining by code, the session page, taking the pre- and post-test,
//! completion (JP and certificate) and what a submitted test shows.

use super::sessions::*;
use crate::error::AppError;
use crate::model::auth::Role;
use crate::model::quiz::QuizState;
use crate::model::webinar::{
    AttendeeView, CertificateLink, MaterialLink, Stage, StageView, Window,
};
use crate::ssr::accounts::learner::Me;
use crate::ssr::db::{
    self, entities::account, entities::attempt, entities::certificate, entities::webinar_session,
};
use crate::ssr::learning::certificates::{self, Award};
use crate::ssr::learning::quiz::{self, Place, Resume};
use crate::ssr::learning::results::{learner_dto, Review};
use crate::ssr::respond::{db_error, fail, OrFail};
use crate::ssr::time::{format_local, zone_offset};
use crate::ssr::AppState;
use chrono::{DateTime, Duration, Offset, Utc};
use std::collections::BTreeMap;

/// The session behind a join code, or "not found".
pub async fn by_code(state: &AppState, code: &str) -> Result<webinar_session::Model, AppError> {
    let code = normalize_code(code).ok_or(AppError::NotFound).or_fail()?;
    db::webinars::by_code(&state.db, &code)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .or_fail()
}

/// Where a code typed on the join form leads: the session's code, or why not (an error on the
/// `kode` field, in words an attendee can act on).
pub async fn find_typed(state: &AppState, typed: &str) -> Result<String, AppError> {
    let shown: String = typed.trim().chars().take(20).collect();
    let Some(code) = normalize_code(typed) else {
        return Err(fail(AppError::invalid(
            "kode",
            format!(
                "\"{shown}\" bukan kode sesi: kode terdiri atas {CODE_LEN} huruf dan angka. \
                 Periksa lagi kode dari penyelenggara."
            ),
        )));
    };
    let Some(session) = db::webinars::by_code(&state.db, &code).await.or_fail()? else {
        return Err(fail(AppError::invalid(
            "kode",
            crate::model::webinar::unknown_code_reason(&code),
        )));
    };
    if session
        .post_closes_at
        .is_some_and(|closes| closes <= Utc::now())
    {
        return Err(fail(AppError::invalid(
            "kode",
            format!(
                "Sesi \"{}\" (kode {code}) sudah ditutup oleh penyelenggara; peserta baru tidak \
                 dapat bergabung lagi.",
                session.title
            ),
        )));
    }
    Ok(code)
}

/// The session whose page an identification form leads to (`next` is `/w/{code}`), if any:
/// identifying there joins it.
pub async fn session_to_join(
    state: &AppState,
    next: &str,
) -> Result<Option<webinar_session::Model>, AppError> {
    let Some(code) = next.strip_prefix("/w/").and_then(normalize_code) else {
        return Ok(None);
    };
    state.session_rows.by_code(&state.db, &code).await.or_fail()
}

/// `/w/{code}`: joins the identified attendee (once) and shows where they stand.
pub async fn attendee_view(
    state: &AppState,
    me: Option<&Me>,
    code: &str,
) -> Result<AttendeeView, AppError> {
    let code = normalize_code(code).ok_or(AppError::NotFound).or_fail()?;
    let session = state
        .session_rows
        .by_code(&state.db, &code)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .or_fail()?;
    let now = Utc::now();
    let mut view = AttendeeView {
        code: session.code.clone(),
        title: session.title.clone(),
        organiser: session.organiser.clone(),
        starts: format_local(session.starts_at, &session.time_zone),
        jp: session.jp.max(0) as u32,
        rule: rule_text(&session),
        learner: None,
        pre: None,
        post: StageView {
            stage: Stage::Post,
            module_title: state.catalog.title_of(&session.post_module),
            window: stage_window(&session, Stage::Post, now),
            in_progress: false,
            score: None,
        },
        materials: materials(&session)
            .into_iter()
            .map(|slug| MaterialLink {
                title: state.catalog.title_of(&slug),
                slug,
            })
            .collect(),
        completed: false,
        certificate: None,
    };
    view.pre = session.pre_module.as_deref().map(|m| StageView {
        stage: Stage::Pre,
        module_title: state.catalog.title_of(m),
        window: stage_window(&session, Stage::Pre, now),
        in_progress: false,
        score: None,
    });
    let Some(me) = me else { return Ok(view) };
    join(state, &session, me).await?;
    view.learner = Some(learner_dto(me));
    let attempts = db::webinars::attempts_of(&state.db, session.id, me.holder)
        .await
        .or_fail()?;
    let fill = |stage_view: &mut StageView| {
        let context = stage_view.stage.context();
        for a in attempts.iter().filter(|a| a.context == context) {
            match a.score {
                Some(score) if a.submitted_at.is_some() => {
                    stage_view.score = Some(score.max(0) as u32)
                }
                _ => stage_view.in_progress = true,
            }
        }
    };
    if let Some(pre) = view.pre.as_mut() {
        fill(pre);
    }
    fill(&mut view.post);
    view.completed = is_complete(&session, &attempts);
    if view.completed {
        // Normally issued at submission; this catches one that failed then.
        award_if_complete(state, &session, me).await.or_fail()?;
    }
    // A session's certificate is only issued on a submitted test of it (`award_if_complete`):
    // without one there is none to look up (every attendee's first page, at the rush).
    if !attempts.iter().any(|a| a.submitted_at.is_some()) {
        return Ok(view);
    }
    view.certificate = db::certificates::for_session_holder(&state.db, session.id, me.holder)
        .await
        .or_fail()?
        .map(|c| CertificateLink {
            id: c.id,
            number: c.number,
            verify_code: c.verify_code,
            revoked: c.revoked_at.is_some(),
        });
    Ok(view)
}

/// Records the attendee as a participant (idempotent) and tells the live board.
pub(crate) async fn join(
    state: &AppState,
    session: &webinar_session::Model,
    me: &Me,
) -> Result<(), AppError> {
    if state.session_rows.known_joined(session.id, me.id) {
        return Ok(());
    }
    if db::webinars::participant(&state.db, session.id, me.id)
        .await
        .or_fail()?
        .is_some()
    {
        state.session_rows.joined(session.id, me.id);
        return Ok(());
    }
    db::webinars::join(
        &state.db,
        session.id,
        me,
        me.holder,
        me.assurance,
        Utc::now(),
    )
    .await
    .or_fail()?;
    state.session_rows.joined(session.id, me.id);
    state.live.publish(&state.db, session.id).await;
    Ok(())
}

/// Starts (or resumes) the attendee's attempt at a test whose window is open.
pub async fn start_test(
    state: &AppState,
    me: &Me,
    code: &str,
    stage: Stage,
) -> Result<i64, AppError> {
    let session = by_code(state, code).await?;
    let module = stage_module(&session, stage)
        .ok_or(AppError::NotFound)
        .or_fail()?
        .to_string();
    join(state, &session, me).await?;
    let place = Place::Event {
        session_id: session.id,
        context: stage.context(),
    };
    let attempts = db::webinars::attempts_of(&state.db, session.id, me.holder)
        .await
        .or_fail()?;
    let context = stage.context();
    if let Some(open) = attempts
        .iter()
        .find(|a| a.context == context && a.submitted_at.is_none())
    {
        return Ok(open.id);
    }
    if attempts
        .iter()
        .any(|a| a.context == context && a.submitted_at.is_some())
    {
        return Err(fail(AppError::Conflict(format!(
            "Anda sudah mengerjakan {} sesi ini.",
            stage.label().to_lowercase()
        ))));
    }
    match stage_window(&session, stage, Utc::now()) {
        Window::Open { .. } => {}
        Window::NotOpen { .. } => {
            return Err(fail(AppError::Conflict(format!(
                "{} belum dibuka oleh penyelenggara. Tunggu aba-aba pembawa acara, lalu muat ulang halaman ini.",
                stage.label()
            ))))
        }
        Window::Closed => {
            return Err(fail(AppError::Conflict(format!(
                "{} sudah ditutup oleh penyelenggara.",
                stage.label()
            ))))
        }
    }
    // A webinar's tests use none of the module's own attempts.
    quiz::start(state, me, &module, place, quiz::Allowance::default()).await
}

/// `/w/{code}/{stage}`: the attendee's test in progress. Without one the page goes back to the
/// session page (`Ready`).
pub async fn quiz_state(
    state: &AppState,
    me: Option<&Me>,
    code: &str,
    stage: Stage,
) -> Result<QuizState, AppError> {
    let session = by_code(state, code).await?;
    let module = stage_module(&session, stage)
        .ok_or(AppError::NotFound)
        .or_fail()?;
    let Some(me) = me else {
        return Ok(QuizState::NeedsIdentity {
            module_title: session.title.clone(),
        });
    };
    let place = Place::Event {
        session_id: session.id,
        context: stage.context(),
    };
    match quiz::resume(state, me.holder, module, place).await? {
        Resume::InProgress(view) => Ok(QuizState::InProgress(view)),
        Resume::Finalized(_) => {
            after_submit(state, &session, me).await;
            Err(fail(AppError::Conflict(
                "Waktu pengerjaan sudah habis; jawaban yang tersimpan sudah dinilai.".into(),
            )))
        }
        Resume::Nothing => Err(fail(AppError::Conflict(format!(
            "Belum ada {} yang sedang dikerjakan. Kembali ke halaman sesi untuk memulai.",
            stage.label().to_lowercase()
        )))),
    }
}

/// Whether a staff account may see and revoke a certificate: an admin, the host of its session,
/// or an operator of the holder's agency. (A plain check: it sets no HTTP status.)
pub async fn may_manage_certificate(
    state: &AppState,
    account: &account::Model,
    cert: &certificate::Model,
) -> Result<bool, AppError> {
    if account.role == Role::Admin.code() {
        return Ok(true);
    }
    if let Some(id) = cert.webinar_session_id {
        let session = db::webinars::by_id(&state.db, id).await.map_err(db_error)?;
        if session.is_some_and(|s| s.host_account_id == account.id) {
            return Ok(true);
        }
    }
    match account.agency_id {
        Some(agency) if account.role == Role::Operator.code() => {
            let holder = db::employees::find(&state.db, cert.employee_id)
                .await
                .map_err(db_error)?;
            Ok(holder.is_some_and(|e| e.agency_id == Some(agency)))
        }
        _ => Ok(false),
    }
}

/// Revokes a certificate: by the host of its session (or an admin), or by an operator of the
/// holder's agency. Returns the session id for the page to go back to (0 without a session).
pub async fn revoke(
    state: &AppState,
    account: &account::Model,
    certificate_id: i64,
    reason: &str,
) -> Result<i64, AppError> {
    let reason = crate::ssr::accounts::sign_in::audit_reason(
        reason,
        5,
        "Tulis alasan pencabutan (5 sampai 300 karakter); alasan ini tampil di halaman verifikasi.",
    )?;
    let cert = db::certificates::by_id(&state.db, certificate_id)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .or_fail()?;
    if !may_manage_certificate(state, account, &cert).await? {
        return Err(fail(AppError::NotFound));
    }
    if !db::certificates::revoke(&state.db, cert.id, &reason, Utc::now())
        .await
        .or_fail()?
    {
        return Err(fail(AppError::Conflict(
            "Sertifikat ini sudah dicabut.".into(),
        )));
    }
    crate::ssr::accounts::sign_in::audit(
        state,
        Some(account),
        "certificate_revoke",
        &cert.number,
        &reason,
    )
    .await?;
    Ok(cert.webinar_session_id.unwrap_or(0))
}

/// The session a webinar attempt was taken in (`None` for the learner's own attempts).
pub async fn session_of(
    state: &AppState,
    attempt: &attempt::Model,
) -> Result<Option<webinar_session::Model>, AppError> {
    match attempt.webinar_session_id {
        Some(id) => db::webinars::by_id(&state.db, id).await.or_fail(),
        None => Ok(None),
    }
}

/// Checks a webinar attempt's submission against its window: accepted while the window is
/// open, or within the grace period after it closed for an attempt started before the close.
pub fn check_submission(
    state: &AppState,
    session: &webinar_session::Model,
    attempt: &attempt::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(stage) = stage_of(attempt) else {
        return Ok(());
    };
    let closes = match stage {
        Stage::Pre => session.pre_closes_at,
        Stage::Post => session.post_closes_at,
    };
    match closes {
        Some(c) if now >= c => {
            let grace = Duration::seconds(state.settings.grace_seconds);
            if attempt.started_at < c && now <= c + grace {
                Ok(())
            } else {
                Err(fail(AppError::Conflict(format!(
                    "{} sudah ditutup oleh penyelenggara, jadi jawaban tidak dapat dikumpulkan lagi. \
                     Jawaban yang tersimpan otomatis tetap tercatat; hubungi penyelenggara bila ada kendala.",
                    stage.label()
                ))))
            }
        }
        _ => Ok(()),
    }
}

pub(crate) fn stage_of(attempt: &attempt::Model) -> Option<Stage> {
    [Stage::Pre, Stage::Post]
        .into_iter()
        .find(|s| s.context() == attempt.context)
}

pub(crate) fn is_complete(session: &webinar_session::Model, attempts: &[attempt::Model]) -> bool {
    let submitted = |stage: Stage| {
        attempts
            .iter()
            .find(|a| a.context == stage.context() && a.submitted_at.is_some())
    };
    let pre_ok = !session.requires_pre || submitted(Stage::Pre).is_some();
    let post_ok = submitted(Stage::Post)
        .and_then(|a| a.score)
        .is_some_and(|s| s >= session.min_post_score);
    pre_ok && post_ok
}

/// Submits a webinar test: checked against its window, scored by the quiz engine (a pass here
/// earns nothing by itself: completion of the session does), then the session's certificate
/// if the attendee has completed it, and the live board is told. Returns the session's page.
pub async fn submit_test(
    state: &AppState,
    session: &webinar_session::Model,
    me: &Me,
    attempt: &attempt::Model,
    answers: BTreeMap<String, Vec<String>>,
) -> Result<String, AppError> {
    if attempt.submitted_at.is_none() {
        let now = Utc::now();
        check_submission(state, session, attempt, now)?;
        quiz::submit(state, me, attempt, answers, now, &()).await?;
    }
    Ok(after_submit(state, session, me).await)
}

/// After a webinar attempt is submitted: issue the certificate when the session is complete,
/// and tell the live board. Returns the session page to go back to. The submission is already
/// stored: a failure here is logged, and the certificate is issued on the attendee's next visit.
pub async fn after_submit(state: &AppState, session: &webinar_session::Model, me: &Me) -> String {
    if let Err(e) = award_if_complete(state, session, me).await {
        tracing::error!(error = ?e, session = session.id, "certificate not issued yet");
    }
    state.live.publish(&state.db, session.id).await;
    format!("/w/{}", session.code)
}

/// Issues the session's certificate to a holder who completed it and has none yet.
pub(crate) async fn award_if_complete(
    state: &AppState,
    session: &webinar_session::Model,
    me: &Me,
) -> Result<(), AppError> {
    if !session.issues_certificates {
        return Ok(());
    }
    let attempts = db::webinars::attempts_of(&state.db, session.id, me.holder)
        .await
        .or_fail()?;
    if !is_complete(session, &attempts) {
        return Ok(());
    }
    if db::certificates::for_session_holder(&state.db, session.id, me.holder)
        .await
        .or_fail()?
        .is_some()
    {
        return Ok(());
    }
    let tz = zone_offset(&session.time_zone).unwrap_or_else(|| Utc.fix());
    certificates::issue(
        state,
        Award {
            holder: &me.employee,
            title: &session.title,
            organiser: &session.organiser,
            event_date: session.starts_at.with_timezone(&tz).date_naive(),
            jp: session.jp,
            session_id: Some(session.id),
            module_slug: None,
            assignment_id: None,
            claim_id: me.holder.claim_id,
            assurance: me.assurance,
        },
        Utc::now(),
    )
    .await
    .map(|_| ())
}

/// For a webinar attempt: the session's join code, and whether the answer key is withheld.
/// Keys and explanations of both tests stay hidden until the post-test window has closed, so
/// early finishers cannot pass the key around while others are still answering.
pub async fn review_policy(state: &AppState, attempt: &attempt::Model) -> Result<Review, AppError> {
    if stage_of(attempt).is_none() {
        return Ok(Review::default());
    }
    let Some(session) = session_of(state, attempt).await? else {
        return Ok(Review::default());
    };
    Ok(Review {
        withheld: stage_window(&session, Stage::Post, Utc::now()) != Window::Closed,
        webinar_code: Some(session.code),
    })
}
