//! Operator downloads that are files, not pages: the roster template and an assignment's
//! status export (the whole roster, a unit, or one status such as the overdue list).
//! Operators only, scoped to their agency exactly as the server functions are.

use super::certify::unit_certificates;
use super::dashboard::{export_batch, export_scope};
use crate::error::AppError;
use crate::model::auth::Role;
use crate::model::tracking::EmployeeStatus;
use crate::ssr::accounts::{session::Resolved, sign_in};
use crate::ssr::db::dashboards::StatusFilter;
use crate::ssr::db::entities::account;
use crate::ssr::files::{Column, Format, TableWriter};
use crate::ssr::http::{account_of, attachment, table_file, Answer};
use crate::ssr::time::{wib, zone_offset};
use crate::ssr::tracking::import::template;
use crate::ssr::AppState;
use axum::extract::{Extension, Path, Query, State};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/operator/templat-roster.xlsx", get(template_xlsx))
        .route("/operator/templat-roster.csv", get(template_csv))
        .route("/operator/penugasan/{id}/status.xlsx", get(status_xlsx))
        .route("/operator/penugasan/{id}/status.csv", get(status_csv))
        .route("/operator/penugasan/{id}/soal.xlsx", get(item_stats_xlsx))
        .route("/operator/jp.xlsx", get(ledger_xlsx))
        .route("/operator/jp.csv", get(ledger_csv))
        .route(
            "/operator/penugasan/{id}/unit/{unit}/sertifikat.zip",
            get(unit_certificates_zip),
        )
}

/// Paths of these routes, for the access-matrix test (`{id}` stands for a number).
pub const PATHS: &[&str] = &[
    "/operator/templat-roster.xlsx",
    "/operator/templat-roster.csv",
    "/operator/penugasan/{id}/status.xlsx",
    "/operator/penugasan/{id}/status.csv",
    "/operator/penugasan/{id}/soal.xlsx",
    "/operator/jp.xlsx",
    "/operator/jp.csv",
    "/operator/penugasan/{id}/unit/{unit}/sertifikat.zip",
];

/// The certificates of a mandatory module earned in one OPD or unit (with its sub-units), as one
/// ZIP of PDFs. Certificates due but not yet issued are issued first.
async fn unit_certificates_zip(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path((id, unit)): Path<(i64, i64)>,
) -> Answer {
    let account = operator(&resolved)?;
    let (label, certs) = unit_certificates(&state, &account, id, unit).await?;
    sign_in::audit(
        &state,
        Some(&account),
        "certificates_zip",
        &label,
        &format!("{} sertifikat", certs.len()),
    )
    .await?;
    let body = crate::ssr::learning::certificates::zip_stream(&state, certs).await?;
    let name: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok(attachment(
        "application/zip",
        &format!("attachment; filename=\"sertifikat-{name}.zip\""),
        body,
    ))
}

/// Rows fetched from the database per round trip while exporting.
const BATCH: u64 = 5_000;

fn operator(resolved: &Option<Extension<Resolved>>) -> Result<account::Model, AppError> {
    let account = account_of(resolved).ok_or(AppError::Unauthorized)?;
    match Role::from_code(&account.role) {
        Some(Role::Operator) => Ok(account),
        _ => Err(AppError::Forbidden),
    }
}

async fn template_file(resolved: Option<Extension<Resolved>>, format: Format) -> Answer {
    operator(&resolved)?;
    let body = template(format).map_err(|e| {
        tracing::error!(error = %e, "template failed");
        AppError::Internal
    })?;
    Ok(table_file(format, "templat-roster", body))
}

async fn template_xlsx(resolved: Option<Extension<Resolved>>) -> Answer {
    template_file(resolved, Format::Xlsx).await
}

async fn template_csv(resolved: Option<Extension<Resolved>>) -> Answer {
    template_file(resolved, Format::Csv).await
}

#[derive(Debug, Default, Deserialize)]
struct ExportQuery {
    /// Only this unit and its sub-units.
    unit: Option<i64>,
    /// Only this status (`terlambat` gives the overdue list).
    status: Option<String>,
}

const STATUS_COLUMNS: &[Column] = &[
    Column::text("NIP", 22.0),
    Column::text("Nama", 30.0),
    Column::text("Unit kerja", 40.0),
    Column::text("Status", 18.0),
    Column::bool("Lulus terlambat", 10.0),
    Column::int("Nilai terbaik", 10.0),
    Column::date_time("Aktivitas terakhir", 18.0),
    Column::text("Tingkat kepastian identitas lulus", 22.0),
    Column::bool("Akun aktif", 10.0),
];

async fn status_export(
    state: AppState,
    resolved: Option<Extension<Resolved>>,
    id: i64,
    query: ExportQuery,
    format: Format,
) -> Answer {
    let account = operator(&resolved)?;
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => Some(
            StatusFilter::from_code(code)
                .ok_or_else(|| AppError::invalid("status", "Status tidak dikenal."))?,
        ),
        None => None,
    };
    let (assignment, scope, unit) = export_scope(&state, &account, id, query.unit).await?;
    sign_in::audit(
        &state,
        Some(&account),
        "assignment_export",
        &assignment.module_slug,
        &format!(
            "{}{}",
            unit.as_ref()
                .map(|u| u.name.as_str())
                .unwrap_or("seluruh instansi"),
            status
                .map(|s| format!(", {}", s.code()))
                .unwrap_or_default()
        ),
    )
    .await?;
    let tz = zone_offset(&assignment.time_zone).unwrap_or_else(wib);
    // The writer runs on a blocking thread and receives the rows a batch at a time, so memory
    // holds one batch plus the file being built, however large the agency.
    let (tx, mut rx) =
        tokio::sync::mpsc::channel::<Vec<(EmployeeStatus, Option<DateTime<Utc>>)>>(2);
    let writer = crate::ssr::files::build_off_thread(move || {
        let mut table = TableWriter::new(format, "Status", STATUS_COLUMNS, tz)?;
        while let Some(batch) = rx.blocking_recv() {
            for (e, activity) in batch {
                table.push_row(&[
                    e.nip.into(),
                    e.name.into(),
                    e.unit.into(),
                    e.status.label().into(),
                    e.late.into(),
                    e.best_score.into(),
                    activity.into(),
                    e.pass_level.map(|l| l.label()).unwrap_or("").into(),
                    e.signs_in.into(),
                ])?;
            }
        }
        table.finish()
    });
    // Ends (dropping `tx`, which lets the writer finish) after the last batch or an error.
    let feeder = async move {
        let mut after = 0;
        loop {
            let batch = export_batch(
                &state,
                &scope,
                unit.as_ref().map(|u| u.path.as_str()),
                status,
                after,
                BATCH,
                &assignment.time_zone,
            )
            .await?;
            let last = batch.last().map(|(e, _)| e.id);
            let full = batch.len() as u64 == BATCH;
            if !batch.is_empty() && tx.send(batch).await.is_err() {
                break; // the writer failed; its error is reported below
            }
            match last {
                Some(id) if full => after = id,
                _ => break,
            }
        }
        Ok::<_, AppError>(assignment)
    };
    let (body, fed) = tokio::join!(writer, feeder);
    let assignment = fed?;
    let body = body?;
    let stem = format!(
        "status-{}{}",
        assignment.module_slug,
        status.map(|s| format!("-{}", s.code())).unwrap_or_default()
    );
    Ok(table_file(format, &stem, body))
}

async fn status_xlsx(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
    Query(query): Query<ExportQuery>,
) -> Answer {
    status_export(state, resolved, id, query, Format::Xlsx).await
}

async fn status_csv(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
    Query(query): Query<ExportQuery>,
) -> Answer {
    status_export(state, resolved, id, query, Format::Csv).await
}

/// Item statistics of an assignment's questions (facility, discrimination, option spread), in
/// the order of its statistics page.
async fn item_stats_xlsx(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Path(id): Path<i64>,
) -> Answer {
    let account = operator(&resolved)?;
    let d = crate::ssr::tracking::ledger::difficulty(&state, &account, id).await?;
    sign_in::audit(
        &state,
        Some(&account),
        "item_stats_export",
        &d.assignment.module_slug,
        "",
    )
    .await?;
    let stem = format!("statistik-soal-{}", d.assignment.module_slug);
    let questions = d.questions;
    let body = crate::ssr::files::build_off_thread(move || {
        crate::ssr::learning::item_stats::table(questions, Format::Xlsx)
    })
    .await?;
    Ok(table_file(Format::Xlsx, &stem, body))
}

#[derive(Debug, Default, Deserialize)]
struct LedgerParams {
    tahun: Option<i32>,
    unit: Option<i64>,
    /// `1`: only employees below the target.
    bawah: Option<u8>,
}

const LEDGER_COLUMNS: &[Column] = &[
    Column::text("NIP", 22.0),
    Column::text("Nama", 30.0),
    Column::text("Unit kerja", 40.0),
    Column::int("JP dari modul Netra", 12.0),
    Column::bool("Di bawah 20 JP", 10.0),
    Column::text("Modul selesai", 60.0),
];

async fn ledger_export(
    state: AppState,
    resolved: Option<Extension<Resolved>>,
    params: LedgerParams,
    format: Format,
) -> Answer {
    use chrono::Datelike;
    let account = operator(&resolved)?;
    let query = crate::ssr::tracking::ledger::LedgerQuery {
        year: params.tahun.unwrap_or_else(|| Utc::now().year()),
        unit_id: params.unit,
        only_below: params.bawah == Some(1),
        page: 1,
    };
    let (rows, _, _) = crate::ssr::tracking::ledger::ledger_rows(&state, &account, &query).await?;
    sign_in::audit(
        &state,
        Some(&account),
        "jp_export",
        &query.year.to_string(),
        &format!("{} pegawai", rows.len()),
    )
    .await?;
    let target = crate::model::tracking::JP_TARGET;
    let body = crate::ssr::files::build_off_thread(move || {
        let mut table = TableWriter::new(format, "JP", LEDGER_COLUMNS, wib())?;
        for r in rows {
            table.push_row(&[
                r.nip.into(),
                r.name.into(),
                r.unit.into(),
                r.jp.into(),
                (r.jp < target).into(),
                r.modules.join("; ").into(),
            ])?;
        }
        table.finish()
    })
    .await?;
    Ok(table_file(format, &format!("jp-{}", query.year), body))
}

async fn ledger_xlsx(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Query(params): Query<LedgerParams>,
) -> Answer {
    ledger_export(state, resolved, params, Format::Xlsx).await
}

async fn ledger_csv(
    State(state): State<AppState>,
    resolved: Option<Extension<Resolved>>,
    Query(params): Query<LedgerParams>,
) -> Answer {
    ledger_export(state, resolved, params, Format::Csv).await
}
