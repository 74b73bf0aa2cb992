//! `netra roster import FILE --instansi CODE [--dry-run]`: the web import's checks and report
//! on the command line, with progress on standard error.

use crate::cli::RosterCommand;
use crate::startup;
use anyhow::{bail, Context};
use app::ssr::tracking::roster;
use migrations::{Migrator, MigratorTrait};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub async fn run(cmd: RosterCommand) -> anyhow::Result<ExitCode> {
    let RosterCommand::Import {
        file,
        instansi,
        dry_run,
        db,
    } = cmd;
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.to_string_lossy().to_string();
    let table = match roster::read_table(&name, &bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {}", file.display(), message(&e));
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut read = match roster::read_rows(table, app::ssr::tracking::import::today()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {}", file.display(), message(&e));
            return Ok(ExitCode::FAILURE);
        }
    };
    startup::ensure_sqlite_dir(&db.database_url)?;
    let conn = app::ssr::db::connect_with(&db.database_url, db.sqlite_synchronous)
        .await
        .with_context(|| format!("connecting to {}", startup::redact(&db.database_url)))?;
    Migrator::up(&conn, None).await?;
    let Some(agency) =
        app::ssr::db::accounts::agency_by_code(&conn, &instansi.to_lowercase()).await?
    else {
        bail!("no agency with code `{instansi}`: create it on /admin first");
    };
    let changes = roster::plan(&conn, agency.id, &mut read).await?;
    for p in &read.problems {
        eprintln!(
            "{}:{}: NIP {:?}: {}",
            file.display(),
            p.line,
            p.nip,
            p.reason
        );
    }
    eprintln!(
        "{} baris data: {} sah, {} bermasalah; {} baru, {} diperbarui, {} pindah unit, {} tetap; {} unit baru",
        read.total,
        read.rows.len(),
        read.problems.len(),
        changes.added,
        changes.updated,
        changes.moved,
        changes.unchanged,
        changes.new_units.len()
    );
    for unit in &changes.new_units {
        eprintln!("  unit baru: {unit}");
    }
    if dry_run {
        eprintln!("--dry-run: tidak ada yang diubah");
        return Ok(ExitCode::SUCCESS);
    }
    let interactive = std::io::stderr().is_terminal();
    let txn = app::ssr::db::begin_write(&conn).await?;
    let (done, _) = roster::commit(
        &txn,
        agency.id,
        &agency.name,
        read,
        chrono::Utc::now(),
        None,
        |i, total| progress(interactive, i, total),
    )
    .await?;
    txn.commit().await?;
    eprintln!(
        "diimpor ke {}: {} baru, {} diperbarui, {} pindah unit, {} tetap",
        agency.name, done.added, done.updated, done.moved, done.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

fn message(e: &app::error::AppError) -> String {
    e.field_message("file").unwrap_or_else(|| e.to_string())
}

/// A progress bar on a terminal; a line per 10% otherwise (logs stay readable).
fn progress(interactive: bool, i: usize, total: usize) {
    let total = total.max(1);
    let percent = i * 100 / total;
    let mut err = std::io::stderr();
    if interactive {
        let filled = percent / 5;
        let _ = write!(
            err,
            "\r[{}{}] {i}/{total}",
            "#".repeat(filled),
            " ".repeat(20 - filled)
        );
        if i >= total {
            let _ = writeln!(err);
        }
    } else if i == total || (i * 10 / total) != ((i.saturating_sub(1000)) * 10 / total) {
        let _ = writeln!(err, "{i}/{total} baris ({percent}%)");
    }
}
