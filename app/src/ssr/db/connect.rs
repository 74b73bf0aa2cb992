//! Opening the pool (SQLite or PostgreSQL, each with its settings), the readiness ping and
//! write transactions that take SQLite's lock up front.

use sea_orm::{sqlx, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use std::time::Duration;

pub use sea_orm::sqlx::sqlite::SqliteSynchronous;

/// How hard SQLite works to make a commit durable (`PRAGMA synchronous`), from the
/// `--sqlite-synchronous` setting. `full` (the default) is the only level at which an
/// acknowledged answer survives a power cut; `normal` survives a crash of Netra but may lose the
/// last commits on power loss; `off` may corrupt the database on power loss. Figures per level
/// are in docs/performance.md.
pub fn parse_synchronous(value: &str) -> Result<SqliteSynchronous, String> {
    match value.to_ascii_lowercase().as_str() {
        "full" => Ok(SqliteSynchronous::Full),
        "extra" => Ok(SqliteSynchronous::Extra),
        "normal" => Ok(SqliteSynchronous::Normal),
        "off" => Ok(SqliteSynchronous::Off),
        other => Err(format!("{other}: expected full, extra, normal or off")),
    }
}

/// Up to this much of a SQLite database is read through a memory map.
const MMAP_BYTES: u64 = 256 * 1024 * 1024;

/// Opens a pool for a `sqlite://` or `postgres://` URL with settings suited to each.
///
/// SQLite: WAL (readers never block the writer, one writer at a time), `synchronous` `FULL` (an
/// acknowledged answer survives power loss, not just a crash), a 5 s busy timeout and foreign
/// keys on.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, SqliteSynchronous::Full).await
}

/// [`connect`] with SQLite's `synchronous` level chosen (see [`parse_synchronous`]; ignored for
/// PostgreSQL).
pub async fn connect_with(
    url: &str,
    synchronous: SqliteSynchronous,
) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        // Fail fast when the database is down so pages answer 503 instead of hanging.
        .acquire_timeout(Duration::from_secs(3))
        .connect_timeout(Duration::from_secs(3));
    if url.starts_with("sqlite:") {
        opts.max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(move |o| {
                o.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(synchronous)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    // Pages are read from the mapped file instead of being copied into each
                    // connection's cache, which WAL empties whenever another connection wrote.
                    .pragma("mmap_size", MMAP_BYTES.to_string())
            });
    } else {
        opts.max_connections(20)
            .min_connections(0)
            .test_before_acquire(true);
    }
    Database::connect(opts).await
}

/// A cheap round trip, for `/readyz`.
pub async fn ping(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Begins a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails with
/// "database is locked" when another writer got in between, instead of waiting its turn.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
