//! `netra backup FILE`: a consistent copy of a SQLite database taken while the server runs.
//!
//! `VACUUM INTO` reads the database inside one read transaction, so the copy is the state at one
//! instant (WAL mode lets the server keep writing meanwhile), and writes a compact file that is a
//! complete database on its own: restoring is copying it back while the server is stopped. The
//! copy is checked with `PRAGMA integrity_check` before the command reports success.
//! PostgreSQL has its own tool for this: `pg_dump` (see docs/operations.md).

use crate::cli::DatabaseArgs;
use anyhow::{bail, Context};
use sea_orm::{ConnectionTrait, Statement};
use std::path::Path;
use std::process::ExitCode;

pub async fn run(file: &Path, db: &DatabaseArgs) -> anyhow::Result<ExitCode> {
    if !db.database_url.starts_with("sqlite:") {
        eprintln!(
            "netra backup copies SQLite databases; for PostgreSQL use pg_dump \
             (for example: pg_dump --format=custom --file netra.dump \"$DATABASE_URL\")"
        );
        return Ok(ExitCode::FAILURE);
    }
    if file.exists() {
        bail!(
            "{} already exists: choose a new file name (a backup never overwrites)",
            file.display()
        );
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let target = file
        .to_str()
        .context("the backup path must be valid UTF-8")?
        .replace('\'', "''");
    let conn = app::ssr::db::connect_with(&db.database_url, db.sqlite_synchronous)
        .await
        .with_context(|| format!("connecting to {}", crate::startup::redact(&db.database_url)))?;
    conn.execute_unprepared(&format!("VACUUM INTO '{target}'"))
        .await
        .context("copying the database")?;
    conn.close().await?;

    // Read-only and without the server's pragmas (they would write the journal mode).
    let copy = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", file.display()))
        .await
        .context("opening the copy")?;
    let check = copy
        .query_one_raw(Statement::from_string(
            copy.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await?
        .context("integrity check")?;
    let verdict: String = check.try_get_by_index(0)?;
    copy.close().await?;
    if verdict != "ok" {
        bail!("the copy failed its integrity check: {verdict}");
    }
    let size = std::fs::metadata(file)?.len();
    println!(
        "backup written to {} ({:.1} MB, integrity ok)",
        file.display(),
        size as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}
