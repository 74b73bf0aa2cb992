//! The operator's tracking work: roster import (preview, then confirm), the import template,
//! and (in [`crate::ssr::tracking::assignments`]) assignments and dashboards. Every query is scoped to the
//! operator's own agency.

use crate::error::AppError;
use crate::model::roster::{RosterChanges, RosterPreview, RosterRow};
use crate::ssr::db::{
    self,
    entities::{account, agency, roster_import, unit},
};
use crate::ssr::files::{Column, Format, TableWriter};
use crate::ssr::http::Upload;
use crate::ssr::respond::{db_error, fail, OrFail};
use crate::ssr::tracking::roster::{self, ReadRows};
use crate::ssr::AppState;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

/// A preview older than this must be uploaded again.
const PREVIEW_LIFETIME: Duration = Duration::hours(24);

pub use crate::ssr::accounts::learner::today;

/// The operator's agency (an operator without one is refused).
pub async fn agency_of(
    state: &AppState,
    actor: &account::Model,
) -> Result<agency::Model, AppError> {
    let id = crate::ssr::accounts::session::agency_of(actor)?;
    db::accounts::agency(&state.db, id)
        .await
        .or_fail()?
        .ok_or(AppError::Forbidden)
        .map_err(fail)
}

/// A unit of `agency`; another agency's (or no) unit is "not found".
pub async fn unit_of_agency(
    state: &AppState,
    agency: &agency::Model,
    unit_id: i64,
) -> Result<unit::Model, AppError> {
    unit::Entity::find_by_id(unit_id)
        .one(&state.db)
        .await
        .or_fail()?
        .filter(|u| u.agency_id == agency.id)
        .ok_or(AppError::NotFound)
        .map_err(fail)
}

/// Reads and checks a file; nothing is imported until [`confirm_import`].
pub async fn preview_import(
    state: &AppState,
    actor: &account::Model,
    upload: Upload,
) -> Result<RosterPreview, AppError> {
    let agency = agency_of(state, actor).await?;
    if upload.bytes.is_empty() {
        return Err(fail(AppError::invalid(
            "file",
            "Pilih berkas roster (.xlsx atau .csv) terlebih dahulu.",
        )));
    }
    let file_name = upload.file_name.clone();
    // Parsing a large workbook is CPU work: off the async workers, one upload per core.
    let mut read = crate::ssr::cpu::FILES
        .run(move || -> Result<ReadRows, AppError> {
            let table = roster::read_table(&upload.file_name, &upload.bytes)?;
            roster::read_rows(table, today())
        })
        .await
        .or_fail()?
        .map_err(fail)?;
    let changes = roster::plan(&state.db, agency.id, &mut read)
        .await
        .or_fail()?;
    let rows_json = serde_json::to_string(&read.rows)
        .map_err(|e| AppError::internal("encoding the staged roster rows", e))
        .or_fail()?;
    let staged = roster_import::ActiveModel {
        agency_id: Set(agency.id),
        account_id: Set(actor.id),
        file_name: Set(file_name.clone()),
        rows: Set(rows_json),
        expires_at: Set(Utc::now() + PREVIEW_LIFETIME),
        committed_at: Set(None),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .or_fail()?;
    Ok(RosterPreview {
        import_id: staged.id,
        file_name,
        rows: read.total,
        valid: read.rows.len(),
        problems: read.problems,
        changes,
    })
}

/// Commits a previewed file: every valid row in one transaction, exactly once.
pub async fn confirm_import(
    state: &AppState,
    actor: &account::Model,
    import_id: i64,
) -> Result<RosterChanges, AppError> {
    let agency = agency_of(state, actor).await?;
    let (agency, actor_id) = (agency.clone(), actor.id);
    let (changes, file_name) = state
        .writer
        .run(move |txn| async move {
            let staged = roster_import::Entity::find_by_id(import_id)
                .one(&txn)
                .await
                .map_err(db_error)?
                .filter(|s| s.agency_id == agency.id && s.account_id == actor_id)
                .ok_or(AppError::NotFound)?;
            if staged.committed_at.is_some() {
                return Err(AppError::Conflict(
                    "Berkas ini sudah diimpor. Unggah lagi bila ada perubahan.".into(),
                ));
            }
            let now = Utc::now();
            if staged.expires_at < now {
                return Err(AppError::Conflict(
                    "Pratinjau ini sudah kedaluwarsa. Unggah berkasnya lagi.".into(),
                ));
            }
            let rows: Vec<RosterRow> = serde_json::from_str(&staged.rows)
                .map_err(|e| AppError::internal("staged roster rows are not valid JSON", e))?;
            let total = rows.len();
            let read = ReadRows {
                rows,
                problems: Vec::new(),
                total,
            };
            let (changes, _) = roster::commit(
                &txn,
                agency.id,
                &agency.name,
                read,
                now,
                Some(actor_id),
                |_, _| {},
            )
            .await
            .map_err(db_error)?;
            let file_name = staged.file_name.clone();
            let mut done: roster_import::ActiveModel = staged.into();
            done.committed_at = Set(Some(now));
            done.rows = Set("[]".into());
            done.update(&txn).await.map_err(db_error)?;
            txn.commit().await.map_err(db_error)?;
            Ok((changes, file_name))
        })
        .await
        .or_fail()?;
    crate::ssr::accounts::sign_in::audit(
        state,
        Some(actor),
        "roster_import",
        &file_name,
        &format!(
            "{} baru, {} diperbarui, {} pindah unit, {} tetap, {} menunggu persetujuan pindah instansi",
            changes.added, changes.updated, changes.moved, changes.unchanged, changes.transfers
        ),
    )
    .await?;
    Ok(changes)
}

/// The template: the header row, with the NIP column formatted as text in XLSX so Excel keeps
/// all 18 digits.
pub fn template(format: Format) -> Result<Vec<u8>, crate::ssr::files::ExportError> {
    const COLUMNS: [Column; 8] = [
        Column::text(roster::TEMPLATE_HEADER[0], 22.0),
        Column::text(roster::TEMPLATE_HEADER[1], 30.0),
        Column::text(roster::TEMPLATE_HEADER[2], 30.0),
        Column::text(roster::TEMPLATE_HEADER[3], 10.0),
        Column::text(roster::TEMPLATE_HEADER[4], 8.0),
        Column::text(roster::TEMPLATE_HEADER[5], 34.0),
        Column::text(roster::TEMPLATE_HEADER[6], 34.0),
        Column::text(roster::TEMPLATE_HEADER[7], 14.0),
    ];
    TableWriter::new(format, "Roster", &COLUMNS, crate::ssr::time::wib())?.finish()
}
