//! Webinar sessions: creating them with a join code, opening and closing the test windows,
//! attendees joining and taking the tests, completion (JP and certificate), and the live
//! board's figures.

use super::certificates::{self, Award};
use super::db::{
    self, entities::account, entities::attempt, entities::certificate, entities::employee,
    entities::webinar_session,
};
use super::learner::Me;
use super::quiz::{self, learner_dto, Place, Resume};
use super::respond::{db_error, fail, OrFail};
use super::AppState;
use crate::error::{AppError, FieldError};
use crate::model::auth::{mask_nip, Role};
use crate::model::quiz::QuizState;
use crate::model::webinar::{
    AttendeeView, Bucket, CertificateLink, HostHome, HostSessionView, IssuedCertificate, LiveStats,
    MaterialLink, ModuleChoice, QuestionShare, SessionSummary, Stage, StageView, TeamRow, Window,
};
use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use rand::Rng;
use sea_orm::{Set, SqlErr};
use std::collections::{BTreeMap, HashMap};

/// Join codes use letters and digits that cannot be mistaken for one another when read from a
/// slide or typed on a phone: no O/0, I/1/L, and no U/V pair.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTWXYZ23456789";
pub const CODE_LEN: usize = 6;

/// A fresh random join code.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// A join code as typed: case, spaces and dashes do not matter. `None` when it cannot be one.
pub fn normalize_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// Indonesia's three time zones.
pub fn zone_offset(zone: &str) -> Option<FixedOffset> {
    let hours = match zone {
        "WIB" => 7,
        "WITA" => 8,
        "WIT" => 9,
        _ => return None,
    };
    FixedOffset::east_opt(hours * 3600)
}

/// "25-11-2026 09:00 WITA".
pub fn format_local(at: DateTime<Utc>, zone: &str) -> String {
    match zone_offset(zone) {
        Some(offset) => format!(
            "{} {zone}",
            at.with_timezone(&offset).format("%d-%m-%Y %H:%M")
        ),
        None => at.format("%d-%m-%Y %H:%M UTC").to_string(),
    }
}

/// Whether a window is open at `now`.
pub fn window(
    opens: Option<DateTime<Utc>>,
    closes: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    zone: &str,
) -> Window {
    let local = |t: DateTime<Utc>| format_local(t, zone);
    match (opens, closes) {
        (_, Some(c)) if now >= c => Window::Closed,
        (Some(o), c) if now >= o => Window::Open {
            closes: c.map(local),
        },
        (o, _) => Window::NotOpen {
            opens: o.map(local),
        },
    }
}

fn stage_window(session: &webinar_session::Model, stage: Stage, now: DateTime<Utc>) -> Window {
    let (opens, closes) = match stage {
        Stage::Pre => (session.pre_opens_at, session.pre_closes_at),
        Stage::Post => (session.post_opens_at, session.post_closes_at),
    };
    window(opens, closes, now, &session.time_zone)
}

fn stage_module(session: &webinar_session::Model, stage: Stage) -> Option<&str> {
    match stage {
        Stage::Pre => session.pre_module.as_deref(),
        Stage::Post => Some(&session.post_module),
    }
}

fn materials(session: &webinar_session::Model) -> Vec<String> {
    serde_json::from_str(&session.materials).unwrap_or_default()
}

/// What completing a session takes, in words.
pub fn rule_text(session: &webinar_session::Model) -> String {
    let mut parts = Vec::new();
    if session.requires_pre && session.pre_module.is_some() {
        parts.push("mengikuti pre-test".to_string());
    }
    if session.min_post_score > 0 {
        parts.push(format!(
            "nilai post-test minimal {}",
            session.min_post_score
        ));
    } else {
        parts.push("mengumpulkan post-test".to_string());
    }
    let what = if session.issues_certificates {
        format!("Sertifikat dan {} JP diberikan setelah", session.jp)
    } else {
        format!("{} JP diberikan setelah", session.jp)
    };
    format!("{what} {}.", parts.join(" dan "))
}

// ---------------------------------------------------------------------------------------------
// Hosts

/// Staff who may run webinars.
pub const HOST_ROLES: &[Role] = &[Role::Host, Role::Operator, Role::Admin];

/// The new-session form as submitted.
#[derive(Debug, Clone, Default)]
pub struct SessionForm {
    pub title: String,
    pub organiser: String,
    /// `YYYY-MM-DDTHH:MM` as given by `<input type="datetime-local">`, in `time_zone`.
    pub starts_at: String,
    pub time_zone: String,
    pub pre_module: String,
    pub post_module: String,
    pub materials: Vec<String>,
    pub jp: String,
    pub min_post_score: String,
    pub requires_pre: bool,
    pub issues_certificates: bool,
    pub signer_name: String,
    pub signer_nip: String,
    pub signer_position: String,
    /// Optional schedule, `YYYY-MM-DDTHH:MM` in `time_zone`: each window opens and closes by
    /// itself at these times (the host's one-click buttons still override them).
    pub pre_opens_at: String,
    pub pre_closes_at: String,
    pub post_opens_at: String,
    pub post_closes_at: String,
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks the form and reports every problem at once, in Indonesian.
pub fn validate(
    state: &AppState,
    form: &SessionForm,
) -> Result<webinar_session::ActiveModel, AppError> {
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &str, label: &str, required: bool, max: usize| {
        let value = clean(value);
        if required && value.chars().count() < 3 {
            errors.push(FieldError::new(field, format!("{label} wajib diisi.")));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(
                field,
                format!("{label} terlalu panjang (maksimal {max} karakter)."),
            ));
        }
        value
    };
    let title = text("title", &form.title, "Judul", true, 200);
    let organiser = text("organiser", &form.organiser, "Penyelenggara", true, 120);
    let signer = super::certificates::Signer::parse(
        &form.signer_name,
        &form.signer_nip,
        &form.signer_position,
        &mut errors,
    );
    let zone = form.time_zone.trim().to_ascii_uppercase();
    let offset = zone_offset(&zone);
    if offset.is_none() {
        errors.push(FieldError::new(
            "time_zone",
            "Pilih zona waktu: WIB, WITA atau WIT.",
        ));
    }
    let starts_at = NaiveDateTime::parse_from_str(form.starts_at.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .zip(offset)
        .and_then(|(local, offset)| offset.from_local_datetime(&local).single())
        .map(|t| t.with_timezone(&Utc));
    if starts_at.is_none() && offset.is_some() {
        errors.push(FieldError::new(
            "starts_at",
            "Isi tanggal dan jam mulai dengan benar.",
        ));
    }
    // The optional schedule: each time in the session's zone, each window closing after it opens.
    let mut scheduled = |field: &str, value: &str, label: &str| -> Option<DateTime<Utc>> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let at = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
            .ok()
            .zip(offset)
            .and_then(|(local, offset)| offset.from_local_datetime(&local).single())
            .map(|t| t.with_timezone(&Utc));
        if at.is_none() {
            errors.push(FieldError::new(
                field,
                format!("{label}: isi tanggal dan jam dengan benar."),
            ));
        }
        at
    };
    let pre_window = (
        scheduled("pre_opens_at", &form.pre_opens_at, "Pre-test dibuka"),
        scheduled("pre_closes_at", &form.pre_closes_at, "Pre-test ditutup"),
    );
    let post_window = (
        scheduled("post_opens_at", &form.post_opens_at, "Post-test dibuka"),
        scheduled("post_closes_at", &form.post_closes_at, "Post-test ditutup"),
    );
    for ((opens, closes), field, label) in [
        (pre_window, "pre_closes_at", "Pre-test"),
        (post_window, "post_closes_at", "Post-test"),
    ] {
        if let (Some(opens), Some(closes)) = (opens, closes) {
            if closes <= opens {
                errors.push(FieldError::new(
                    field,
                    format!("{label} harus ditutup setelah waktu dibuka."),
                ));
            }
        }
    }
    let module_ok = |slug: &str| {
        state
            .catalog
            .module(slug)
            .is_some_and(|m| !m.questions.is_empty())
    };
    let pre_module = form.pre_module.trim().to_string();
    if !pre_module.is_empty() && !module_ok(&pre_module) {
        errors.push(FieldError::new(
            "pre_module",
            "Modul pre-test tidak dikenal.",
        ));
    }
    let post_module = form.post_module.trim().to_string();
    if !module_ok(&post_module) {
        errors.push(FieldError::new(
            "post_module",
            "Pilih modul untuk post-test.",
        ));
    }
    let mut material_slugs = Vec::new();
    for slug in &form.materials {
        let slug = slug.trim();
        if slug.is_empty() || material_slugs.iter().any(|s: &String| s == slug) {
            continue;
        }
        if state.catalog.module(slug).is_none() {
            errors.push(FieldError::new(
                "materials",
                format!("Materi \"{slug}\" tidak dikenal."),
            ));
        } else {
            material_slugs.push(slug.to_string());
        }
    }
    let jp = match form.jp.trim().parse::<i32>() {
        Ok(jp) if (0..=40).contains(&jp) => jp,
        _ => {
            errors.push(FieldError::new(
                "jp",
                "JP harus bilangan bulat 0 sampai 40.",
            ));
            0
        }
    };
    let min_post_score = match form.min_post_score.trim() {
        "" => 0,
        s => match s.parse::<i32>() {
            Ok(v) if (0..=100).contains(&v) => v,
            _ => {
                errors.push(FieldError::new(
                    "min_post_score",
                    "Nilai minimal post-test harus 0 sampai 100.",
                ));
                0
            }
        },
    };
    if pre_module.is_empty() && (pre_window.0.is_some() || pre_window.1.is_some()) {
        errors.push(FieldError::new(
            "pre_opens_at",
            "Jadwal pre-test hanya bisa diisi bila modul pre-test dipilih.",
        ));
    }
    if form.requires_pre && pre_module.is_empty() {
        errors.push(FieldError::new(
            "requires_pre",
            "Syarat pre-test hanya bisa dipakai bila modul pre-test dipilih.",
        ));
    }
    let (Some(starts_at), true) = (starts_at, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    Ok(webinar_session::ActiveModel {
        title: Set(title),
        organiser: Set(organiser),
        starts_at: Set(starts_at),
        time_zone: Set(zone),
        pre_module: Set((!pre_module.is_empty()).then_some(pre_module)),
        post_module: Set(post_module),
        materials: Set(serde_json::to_string(&material_slugs).unwrap_or_else(|_| "[]".into())),
        jp: Set(jp),
        min_post_score: Set(min_post_score),
        requires_pre: Set(form.requires_pre),
        issues_certificates: Set(form.issues_certificates),
        signer_name: Set(signer.name),
        signer_nip: Set(signer.nip),
        signer_position: Set(signer.position),
        pre_opens_at: Set(pre_window.0),
        pre_closes_at: Set(pre_window.1),
        post_opens_at: Set(post_window.0),
        post_closes_at: Set(post_window.1),
        ..Default::default()
    })
}

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
                super::auth::audit(
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
            Err(e) => return Err(fail(super::respond::db_error(e))),
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

fn module_title(state: &AppState, slug: &str) -> String {
    state
        .catalog
        .module(slug)
        .map(|m| m.title.clone())
        .unwrap_or_else(|| slug.to_string())
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
                module_title(state, m),
                stage_window(session, Stage::Pre, now),
            )
        }),
        post: (
            module_title(state, &session.post_module),
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
    let action = if open {
        "webinar_open"
    } else {
        "webinar_close"
    };
    super::auth::audit(state, Some(account), action, &session.code, stage.segment()).await?;
    state.live.publish(&state.db, session.id).await;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Attendees

/// The session behind a join code, or "not found".
pub async fn by_code(state: &AppState, code: &str) -> Result<webinar_session::Model, AppError> {
    let code = normalize_code(code).ok_or(AppError::NotFound).or_fail()?;
    db::webinars::by_code(&state.db, &code)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .or_fail()
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
    db::webinars::by_code(&state.db, &code).await.or_fail()
}

/// `/w/{code}`: joins the identified attendee (once) and shows where they stand.
pub async fn attendee_view(
    state: &AppState,
    me: Option<&Me>,
    code: &str,
) -> Result<AttendeeView, AppError> {
    let session = by_code(state, code).await?;
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
            module_title: module_title(state, &session.post_module),
            window: stage_window(&session, Stage::Post, now),
            in_progress: false,
            score: None,
        },
        materials: materials(&session)
            .into_iter()
            .map(|slug| MaterialLink {
                title: module_title(state, &slug),
                slug,
            })
            .collect(),
        completed: false,
        certificate: None,
    };
    view.pre = session.pre_module.as_deref().map(|m| StageView {
        stage: Stage::Pre,
        module_title: module_title(state, m),
        window: stage_window(&session, Stage::Pre, now),
        in_progress: false,
        score: None,
    });
    let Some(me) = me else { return Ok(view) };
    join(state, &session, me).await?;
    view.learner = Some(learner_dto(me));
    let attempts = db::webinars::attempts_of(&state.db, session.id, me.id)
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
    view.certificate = db::certificates::for_session_holder(&state.db, session.id, me.id)
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
async fn join(state: &AppState, session: &webinar_session::Model, me: &Me) -> Result<(), AppError> {
    if db::webinars::participant(&state.db, session.id, me.id)
        .await
        .or_fail()?
        .is_some()
    {
        return Ok(());
    }
    db::webinars::join(&state.db, session.id, me, me.verified, Utc::now())
        .await
        .or_fail()?;
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
    let place = Place::Webinar {
        session_id: session.id,
        stage,
    };
    let attempts = db::webinars::attempts_of(&state.db, session.id, me.id)
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
    quiz::start(state, me, &module, place).await
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
    let place = Place::Webinar {
        session_id: session.id,
        stage,
    };
    match quiz::resume(state, me, module, place).await? {
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
    let reason = clean(reason);
    if reason.chars().count() < 5 || reason.chars().count() > 300 {
        return Err(fail(AppError::invalid(
            "reason",
            "Tulis alasan pencabutan (5 sampai 300 karakter); alasan ini tampil di halaman verifikasi.",
        )));
    }
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
    super::auth::audit(
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

fn stage_of(attempt: &attempt::Model) -> Option<Stage> {
    [Stage::Pre, Stage::Post]
        .into_iter()
        .find(|s| s.context() == attempt.context)
}

fn is_complete(session: &webinar_session::Model, attempts: &[attempt::Model]) -> bool {
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

/// After a webinar attempt is submitted: issue the certificate when the session is complete,
/// and tell the live board. Returns the session page to go back to. The submission is already
/// stored: a failure here is logged, and the certificate is issued on the attendee's next visit.
pub async fn after_submit(
    state: &AppState,
    session: &webinar_session::Model,
    holder: &employee::Model,
) -> String {
    if let Err(e) = award_if_complete(state, session, holder).await {
        tracing::error!(error = ?e, session = session.id, "certificate not issued yet");
    }
    state.live.publish(&state.db, session.id).await;
    format!("/w/{}", session.code)
}

/// Issues the session's certificate to a holder who completed it and has none yet.
async fn award_if_complete(
    state: &AppState,
    session: &webinar_session::Model,
    holder: &employee::Model,
) -> Result<(), AppError> {
    if !session.issues_certificates {
        return Ok(());
    }
    let attempts = db::webinars::attempts_of(&state.db, session.id, holder.id)
        .await
        .or_fail()?;
    if !is_complete(session, &attempts) {
        return Ok(());
    }
    if db::certificates::for_session_holder(&state.db, session.id, holder.id)
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
            holder,
            title: &session.title,
            organiser: &session.organiser,
            event_date: session.starts_at.with_timezone(&tz).date_naive(),
            jp: session.jp,
            session_id: Some(session.id),
            module_slug: None,
            assignment_id: None,
        },
        Utc::now(),
    )
    .await
    .map(|_| ())
}

/// For a webinar attempt: the session's join code, and whether the answer key is withheld
/// (while the test's window is still open).
pub async fn review_policy(
    state: &AppState,
    attempt: &attempt::Model,
) -> Result<(Option<String>, bool), AppError> {
    let Some(stage) = stage_of(attempt) else {
        return Ok((None, false));
    };
    let Some(session) = session_of(state, attempt).await? else {
        return Ok((None, false));
    };
    let withheld = stage_window(&session, stage, Utc::now()) != Window::Closed;
    Ok((Some(session.code), withheld))
}

// ---------------------------------------------------------------------------------------------
// Live board

/// Scores with how many attendees have each.
#[derive(Default)]
struct Tally(BTreeMap<i32, u64>);

impl Tally {
    fn add(&mut self, score: Option<i32>, attendees: u64) {
        if let Some(score) = score {
            *self.0.entry(score).or_default() += attendees;
        }
    }

    fn count(&self) -> u64 {
        self.0.values().sum()
    }

    fn average(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| {
            self.0
                .iter()
                .map(|(&score, &k)| f64::from(score) * k as f64)
                .sum::<f64>()
                / n as f64
        })
    }

    /// In ten buckets: 0-9, 10-19, ..., 90-100.
    fn distribution(&self) -> Vec<Bucket> {
        let mut counts = [0u64; 10];
        for (&score, &k) in &self.0 {
            counts[(score.clamp(0, 100) / 10).min(9) as usize] += k;
        }
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| Bucket {
                from: i as u32 * 10,
                to: if i == 9 { 100 } else { i as u32 * 10 + 9 },
                count,
            })
            .collect()
    }
}

/// Every figure of the live board, computed from the database (so every replica agrees).
pub async fn live_stats(
    state: &AppState,
    session: &webinar_session::Model,
) -> Result<LiveStats, AppError> {
    let groups = db::webinars::score_groups(&state.db, session.id)
        .await
        .or_fail()?;
    let (mut pre, mut post, mut gains) = (Tally::default(), Tally::default(), Tally::default());
    let (mut joined, mut completed) = (0, 0);
    let mut teams: BTreeMap<&str, (u64, Tally, Tally)> = BTreeMap::new();
    for g in &groups {
        let k = g.attendees.max(0) as u64;
        joined += k;
        pre.add(g.pre_score, k);
        post.add(g.post_score, k);
        gains.add(g.post_score.zip(g.pre_score).map(|(b, a)| b - a), k);
        let pre_ok = !session.requires_pre || g.pre_score.is_some();
        if pre_ok && g.post_score.is_some_and(|s| s >= session.min_post_score) {
            completed += k;
        }
        let team = teams.entry(g.instansi.as_str()).or_default();
        team.0 += k;
        team.1.add(g.pre_score, k);
        team.2.add(g.post_score, k);
    }
    let stems: HashMap<&str, &str> = [session.pre_module.as_deref(), Some(&session.post_module)]
        .into_iter()
        .flatten()
        .filter_map(|slug| state.catalog.module(slug))
        .flat_map(|m| m.questions.iter().map(|q| (q.id.as_str(), q.stem.as_str())))
        .collect();
    let mut questions: Vec<QuestionShare> = db::webinars::question_tallies(&state.db, session.id)
        .await
        .or_fail()?
        .into_iter()
        .filter_map(|t| {
            let stage = [Stage::Pre, Stage::Post]
                .into_iter()
                .find(|s| s.context() == t.context)?;
            Some(QuestionShare {
                stage,
                stem: stems
                    .get(t.question_id.as_str())
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                question_id: t.question_id,
                answered: t.answered.max(0) as u64,
                correct: t.correct.max(0) as u64,
            })
        })
        .collect();
    // The least understood rules first.
    questions.sort_by_key(|q| (q.stage == Stage::Pre, q.percent(), q.question_id.clone()));
    Ok(LiveStats {
        joined,
        pre_submitted: pre.count(),
        post_submitted: post.count(),
        pre_average: pre.average(),
        post_average: post.average(),
        paired: gains.count(),
        gain_average: gains.average(),
        pre_distribution: pre.distribution(),
        post_distribution: post.distribution(),
        questions,
        teams: teams
            .into_iter()
            .map(|(instansi, (participants, pre, post))| TeamRow {
                instansi: instansi.to_string(),
                participants,
                pre_average: pre.average(),
                post_average: post.average(),
            })
            .collect(),
        completed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_avoid_look_alikes() {
        for _ in 0..500 {
            let code = new_code();
            assert_eq!(code.len(), CODE_LEN);
            assert!(!code.contains(['O', '0', 'I', '1', 'L']), "{code}");
            assert_eq!(
                normalize_code(&code.to_lowercase()).as_deref(),
                Some(code.as_str())
            );
        }
        assert_eq!(normalize_code(" ab-c 234 ").as_deref(), Some("ABC234"));
        assert_eq!(normalize_code("ABCDE0"), None);
        assert_eq!(normalize_code("ABCDE"), None);
        assert_eq!(normalize_code("ABCDEFG"), None);
    }

    #[test]
    fn windows_follow_open_and_close_times() {
        let t = |h: u32| {
            Utc.with_ymd_and_hms(2026, 11, 25, h, 0, 0)
                .single()
                .expect("time")
        };
        assert_eq!(
            window(None, None, t(8), "WIB"),
            Window::NotOpen { opens: None }
        );
        assert!(matches!(
            window(Some(t(9)), None, t(8), "WIB"),
            Window::NotOpen { opens: Some(_) }
        ));
        assert!(window(Some(t(8)), None, t(8), "WIB").is_open());
        assert!(window(Some(t(8)), Some(t(10)), t(9), "WIB").is_open());
        assert_eq!(
            window(Some(t(8)), Some(t(10)), t(10), "WIB"),
            Window::Closed
        );
        assert_eq!(window(None, Some(t(7)), t(8), "WIB"), Window::Closed);
    }

    #[test]
    fn local_times_use_the_session_zone() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 25, 1, 30, 0)
            .single()
            .expect("time");
        assert_eq!(format_local(at, "WIB"), "25-11-2026 08:30 WIB");
        assert_eq!(format_local(at, "WITA"), "25-11-2026 09:30 WITA");
        assert_eq!(format_local(at, "WIT"), "25-11-2026 10:30 WIT");
    }

    #[test]
    fn distribution_has_ten_buckets_and_counts_every_score() {
        let mut t = Tally::default();
        for score in [0, 9, 10, 55, 99, 100] {
            t.add(Some(score), 1);
        }
        // Groups of attendees alike count with their size; no score counts nothing.
        t.add(Some(100), 2);
        t.add(None, 5);
        let d = t.distribution();
        assert_eq!(d.len(), 10);
        assert_eq!(d.iter().map(|b| b.count).sum::<u64>(), 8);
        assert_eq!(d[0].count, 2);
        assert_eq!(d[9].count, 4);
        assert_eq!((d[9].from, d[9].to), (90, 100));
        assert_eq!(t.count(), 8);
        assert_eq!(t.average(), Some((9 + 10 + 55 + 99 + 300) as f64 / 8.0));
        assert_eq!(Tally::default().average(), None);
    }
}
