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

/// SQLite has one writer at a time. This process's write transactions take turns here, in
/// arrival order, before asking SQLite for its lock: a writer that found the lock taken would
/// otherwise sleep in SQLite's busy handler (1, 2, 5, 10 ms and longer) on a pooled connection,
/// and the lock would sit free while it slept. In a webinar's rush, where every arrival commits,
/// that sleeping, not the CPU, capped the arrivals a second. (A second process on the same file
/// still meets the busy handler.) PostgreSQL's writers need no turn.
static SQLITE_WRITERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A write transaction's turn (see [`begin_write`]): keep it until the transaction ends.
#[must_use = "the turn must be held until the transaction commits or rolls back"]
pub struct WriteTurn(#[allow(dead_code)] Option<tokio::sync::MutexGuard<'static, ()>>);

/// Begins a transaction that will write, with its turn. On SQLite it waits for this process's
/// turn (no pooled connection is held while waiting), then takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails with
/// "database is locked" when another writer got in between, instead of waiting its turn.
pub async fn begin_write(
    db: &DatabaseConnection,
) -> Result<(sea_orm::DatabaseTransaction, WriteTurn), DbErr> {
    use sea_orm::{DbBackend, SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let turn = WriteTurn(match db.get_database_backend() {
        DbBackend::Sqlite => Some(SQLITE_WRITERS.lock().await),
        _ => None,
    });
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok((txn, turn))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writers waiting for their turn hold no connection: a reader still gets one at once, and
    /// every writer gets in when the one before it commits.
    #[tokio::test]
    async fn waiting_writers_leave_the_pool_to_readers() {
        let dir = std::env::temp_dir().join(format!("netra-turns-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let url = format!("sqlite://{}?mode=rwc", dir.join("turns.db").display());
        let db = connect(&url).await.expect("open");
        db.execute_unprepared("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
            .await
            .expect("table");
        let (first, turn) = begin_write(&db).await.expect("first writer");
        let writers: Vec<_> = (0..20)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move {
                    let (txn, _turn) = begin_write(&db).await?;
                    txn.execute_unprepared(&format!("INSERT INTO t VALUES ({n})"))
                        .await?;
                    txn.commit().await
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        // More writers wait than the pool has connections; a read is not among them.
        let read = tokio::time::timeout(std::time::Duration::from_secs(1), ping(&db)).await;
        assert!(
            matches!(read, Ok(Ok(()))),
            "a reader waited behind the writers: {read:?}"
        );
        first.commit().await.expect("first commit");
        drop(turn);
        for writer in writers {
            writer.await.expect("task").expect("writer");
        }
        let n = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT COUNT(*) FROM t",
            ))
            .await
            .expect("count")
            .and_then(|row| row.try_get_by_index::<i64>(0).ok());
        assert_eq!(n, Some(20));
        db.close().await.expect("close");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
