//! Plain HTTP endpoints of webinars, for what is not a page: the live board's event stream,
//! result exports, the join QR code, certificate PDFs and the ZIP of a session's certificates.
//! Access is checked here exactly as in the server functions.

use super::{attendee, board, host, sessions::HOST_ROLES};
use crate::error::AppError;
use crate::model::auth::Role;
use crate::model::webinar::Stage;
use crate::ssr::accounts::session::Resolved;
use crate::ssr::db;
use crate::ssr::db::entities::{account, webinar_session};
use crate::ssr::files::{qr_png, qr_svg};
use crate::ssr::files::{Cell, Column, Format, TableWriter};
use crate::ssr::http::{account_of, attachment, table_file, Answer};
use crate::ssr::time::{wib, zone_offset};
use crate::ssr::AppState;
use axum::extract::{Extension, Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::time::{Duration, Instant};

/// The routes, merged into the server's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/host/sesi/{id}/events", get(events))
        .route("/host/sesi/{id}/qr.svg", get(qr_as_svg))
        .route("/host/sesi/{id}/qr.png", get(qr_as_png))
        .route("/host/sesi/{id}/hasil.csv", get(export_csv))
        .route("/host/sesi/{id}/hasil.xlsx", get(export_xlsx))
        .route("/host/sesi/{id}/soal.xlsx", get(item_stats_xlsx))
        .route("/host/sesi/{id}/sertifikat.zip", get(certificates_zip))
        .route("/sertifikat/{id}/unduh", get(certificate_pdf))
}

/// Paths of these routes, for the access-matrix test (`{id}` stands for a number).
pub const PATHS: &[&str] = &[
    "/host/sesi/{id}/events",
    "/host/sesi/{id}/qr.svg",
    "/host/sesi/{id}/qr.png",
    "/host/sesi/{id}/hasil.csv",
    "/host/sesi/{id}/hasil.xlsx",
    "/host/sesi/{id}/soal.xlsx",
    "/host/sesi/{id}/sertifikat.zip",
    "/sertifikat/{id}/unduh",
];

/// The session, when the signed-in account may manage it.
async fn managed_session(
    state: &AppState,
    resolved: &Option<Extension<Resolved>>,
    id: i64,
) -> Result<(account::Model, webinar_session::Model), AppError> {
    let account = account_of(resolved).ok_or(AppError::Unauthorized)?;
    match Role::from_code(&account.role) {
        Some(role) if HOST_ROLES.contains(&role) => {}
        _ => return Err(AppError::Forbidden),
    }
    let session = host::managed(state, &account, id).await?;
    Ok((account, session))
}

/// Server-sent events: a `stats` event with the whole board whenever something changed,
/// at most once a second, plus keep-alives so proxies keep the connection open.
async fn events(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
) -> Answer {
    let (_, session) = managed_session(&state, &resolved, id).await?;
    let mut changes = state.live.subscribe();
    let stream = async_stream::stream! {
        // The first event brings a board opened long ago up to date at once.
        let mut dirty = true;
        loop {
            if dirty {
                let computing = Instant::now();
                match board::live_stats(&state, &session).await {
                    Ok(stats) => match serde_json::to_string(&stats) {
                        Ok(json) => yield Ok::<Event, Infallible>(Event::default().event("stats").data(json)),
                        Err(e) => tracing::error!(error = %e, "live stats not serialisable"),
                    },
                    // The database is briefly away: try again on the next change.
                    Err(e) => tracing::warn!(error = %e, "live stats unavailable"),
                }
                // Coalesce a burst of submissions into one update per second; a board so
                // large that computing it takes long spends at most a fifth of its time on it.
                tokio::time::sleep(Duration::from_secs(1).max(computing.elapsed() * 4)).await;
            }
            match changes.recv().await {
                Ok(changed) => dirty = changed == session.id,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => dirty = true,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
            // Drain what queued up meanwhile.
            while let Ok(changed) = changes.try_recv() {
                dirty |= changed == session.id;
            }
        }
    };
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

async fn qr_as_svg(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
) -> Answer {
    let (_, session) = managed_session(&state, &resolved, id).await?;
    let svg = qr_svg(&host::join_url(&state, &session.code)).map_err(|e| {
        tracing::error!(error = %e, "QR code failed");
        AppError::Internal
    })?;
    Ok(attachment(
        "image/svg+xml",
        &format!("inline; filename=\"qr-{}.svg\"", session.code),
        svg.into_bytes(),
    ))
}

async fn qr_as_png(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
) -> Answer {
    let (_, session) = managed_session(&state, &resolved, id).await?;
    // 20 px per module: about 800 px square, sharp on a projected slide.
    let png = qr_png(&host::join_url(&state, &session.code), 20).map_err(|e| {
        tracing::error!(error = %e, "QR code failed");
        AppError::Internal
    })?;
    Ok(attachment(
        "image/png",
        &format!("attachment; filename=\"qr-{}.png\"", session.code),
        png,
    ))
}

const RESULT_COLUMNS: &[Column] = &[
    Column::text("NIP", 22.0),
    Column::text("Nama", 30.0),
    Column::text("Identitas", 16.0),
    Column::text("Instansi", 30.0),
    Column::text("Unit kerja", 30.0),
    Column::date_time("Bergabung", 18.0),
    Column::int("Nilai pre-test", 12.0),
    Column::int("Nilai post-test", 12.0),
    Column::int("Peningkatan", 12.0),
    Column::text("Nomor sertifikat", 34.0),
];

#[derive(Debug, Default, serde::Deserialize)]
struct StageQuery {
    /// `pre-test` or `post-test` (the default).
    tahap: Option<String>,
}

/// Item statistics of the session's pre-test or post-test as XLSX.
async fn item_stats_xlsx(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
    axum::extract::Query(query): axum::extract::Query<StageQuery>,
) -> Answer {
    let (account, session) = managed_session(&state, &resolved, id).await?;
    let stage = match query.tahap.as_deref().filter(|s| !s.is_empty()) {
        None => Stage::Post,
        Some(code) => Stage::from_segment(code)
            .ok_or_else(|| AppError::invalid("tahap", "Tahap harus pre-test atau post-test."))?,
    };
    let stats = board::item_stats(&state, &session, stage).await?;
    crate::ssr::accounts::sign_in::audit(
        &state,
        Some(&account),
        "webinar_item_stats_export",
        &session.code,
        stage.segment(),
    )
    .await?;
    let stem = format!("statistik-soal-{}-{}", session.code, stage.segment());
    let body = crate::ssr::files::build_off_thread(move || {
        crate::ssr::learning::item_stats::table(stats, Format::Xlsx)
    })
    .await?;
    Ok(table_file(Format::Xlsx, &stem, body))
}

async fn export(
    state: AppState,
    resolved: Option<Extension<Resolved>>,
    id: i64,
    format: Format,
) -> Answer {
    let (account, session) = managed_session(&state, &resolved, id).await?;
    let rows = db::webinars::attendees(&state.db, session.id)
        .await
        .map_err(crate::ssr::respond::db_error)?;
    crate::ssr::accounts::sign_in::audit(
        &state,
        Some(&account),
        "webinar_export",
        &session.code,
        format.extension(),
    )
    .await?;
    let tz = zone_offset(&session.time_zone).unwrap_or_else(wib);
    let stem = format!("hasil-{}", session.code);
    let body = crate::ssr::files::build_off_thread(move || {
        let mut table = TableWriter::new(format, "Hasil", RESULT_COLUMNS, tz)?;
        for r in rows {
            let identity = if r.identity == "verified" {
                "terverifikasi"
            } else {
                "diisi sendiri"
            };
            let gain = r.post_score.zip(r.pre_score).map(|(post, pre)| post - pre);
            table.push_row(&[
                r.nip.into(),
                r.name.into(),
                identity.into(),
                r.instansi.into(),
                r.unit_kerja.into(),
                r.joined_at.into(),
                r.pre_score.into(),
                r.post_score.into(),
                gain.into(),
                r.certificate.map(Cell::from).unwrap_or(Cell::Empty),
            ])?;
        }
        table.finish()
    })
    .await?;
    Ok(table_file(format, &stem, body))
}

async fn export_csv(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
) -> Answer {
    export(state, resolved, id, Format::Csv).await
}

async fn export_xlsx(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
) -> Answer {
    export(state, resolved, id, Format::Xlsx).await
}

/// Every certificate of a session as one ZIP of PDFs (revoked ones left out).
async fn certificates_zip(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
) -> Answer {
    let (_, session) = managed_session(&state, &resolved, id).await?;
    let certs = db::certificates::of_session(&state.db, session.id)
        .await
        .map_err(crate::ssr::respond::db_error)?;
    let body = crate::ssr::learning::certificates::zip_stream(&state, certs).await?;
    Ok(attachment(
        "application/zip",
        &format!("attachment; filename=\"sertifikat-{}.zip\"", session.code),
        body,
    ))
}

/// A certificate's PDF: for its holder, the host of its session (or an admin), or an operator
/// of the holder's agency. Anyone else gets "not found".
async fn certificate_pdf(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
) -> Answer {
    let cert = db::certificates::by_id(&state.db, id)
        .await
        .map_err(crate::ssr::respond::db_error)?
        .ok_or(AppError::NotFound)?;
    let learner = resolved.as_ref().and_then(|r| r.0.learner.as_ref());
    let account = account_of(&resolved);
    let holder = learner.is_some_and(|me| me.id == cert.employee_id);
    let staff = match &account {
        Some(a) => attendee::may_manage_certificate(&state, a, &cert).await?,
        None => false,
    };
    if !(holder || staff) {
        return Err(if learner.is_none() && account.is_none() {
            AppError::Unauthorized
        } else {
            AppError::NotFound
        }
        .into());
    }
    if cert.revoked_at.is_some() {
        return Err(AppError::Conflict("Sertifikat ini telah dicabut.".into()).into());
    }
    let pdf = crate::ssr::learning::certificates::pdf(&state, &cert).await?;
    Ok(attachment(
        "application/pdf",
        &format!(
            "attachment; filename=\"{}\"",
            crate::ssr::learning::certificates::file_name(&cert)
        ),
        pdf,
    ))
}
