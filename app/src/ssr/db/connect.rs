//! Opening the pool (SQLite or PostgreSQL, each with its settings), the readiness ping and
//! write transactions that take SQLite's lock up front.

use super::Writer;
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
    let mut opts = options(url, synchronous);
    if url.starts_with("sqlite:") {
        opts.max_connections(8).min_connections(1);
    } else {
        opts.max_connections(20)
            .min_connections(0)
            .test_before_acquire(true);
    }
    Database::connect(opts).await
}

/// Where write transactions run ([`Writer`]), beside the pool `db` opened on `url`.
///
/// On SQLite it is one connection of its own, with a thread of its own. SQLite has one writer
/// at a time: writers that each took a pooled connection and then waited for the write lock
/// slept in SQLite's busy handler (1, 2, 5, 10 ms and longer) while the lock sat free, and kept
/// those connections from readers. With one writer connection, writers queue for it in order
/// and readers keep the pool. On PostgreSQL writers share `db`, in the caller's task.
pub async fn connect_writer(
    db: &DatabaseConnection,
    url: &str,
    synchronous: SqliteSynchronous,
) -> Result<Writer, DbErr> {
    if !url.starts_with("sqlite:") {
        return Ok(Writer::inline(db.clone()));
    }
    let mut opts = options(url, synchronous);
    // Writers wait in line for the one connection, as long as they waited for SQLite's lock.
    opts.max_connections(1)
        .min_connections(1)
        .acquire_timeout(WRITE_WAIT);
    let conn = Database::connect(opts).await?;
    Writer::on_own_thread(conn)
        .map_err(|e| DbErr::Custom(format!("starting the writer's thread: {e}")))
}

/// How long a writer waits for SQLite's lock (the busy timeout), or for the writer connection.
const WRITE_WAIT: Duration = Duration::from_secs(5);

/// Options shared by every pool on `url`.
fn options(url: &str, synchronous: SqliteSynchronous) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        // Fail fast when the database is down so pages answer 503 instead of hanging.
        .acquire_timeout(Duration::from_secs(3))
        .connect_timeout(Duration::from_secs(3));
    if url.starts_with("sqlite:") {
        opts.map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(synchronous)
                .busy_timeout(WRITE_WAIT)
                .foreign_keys(true)
                // Pages are read from the mapped file instead of being copied into each
                // connection's cache, which WAL empties whenever another connection wrote.
                .pragma("mmap_size", MMAP_BYTES.to_string())
        });
    }
    opts
}

/// A cheap round trip, for `/readyz`.
pub async fn ping(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Begins a transaction that will write on `db`: the writer connection (through [`Writer::run`])
/// or a command's own connection. On SQLite it takes the write lock up front
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Writers waiting for the writer connection hold none of the readers': a read still gets
    /// a connection at once, and every writer gets in when the one before it commits.
    #[tokio::test]
    async fn waiting_writers_leave_the_pool_to_readers() {
        let dir = std::env::temp_dir().join(format!("netra-writer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let url = format!("sqlite://{}?mode=rwc", dir.join("writer.db").display());
        let db = connect(&url).await.expect("open");
        let writer = connect_writer(&db, &url, SqliteSynchronous::Full)
            .await
            .expect("writer");
        db.execute_unprepared("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
            .await
            .expect("table");
        let first = begin_write(writer.connection())
            .await
            .expect("first writer");
        let writers: Vec<_> = (0..20)
            .map(|n| {
                let writer = writer.clone();
                tokio::spawn(async move {
                    let txn = begin_write(writer.connection()).await?;
                    txn.execute_unprepared(&format!("INSERT INTO t VALUES ({n})"))
                        .await?;
                    txn.commit().await
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(200)).await;
        // More writers wait than the pool has connections; a read is not among them.
        let read = tokio::time::timeout(Duration::from_secs(1), ping(&db)).await;
        assert!(
            matches!(read, Ok(Ok(()))),
            "a reader waited behind the writers: {read:?}"
        );
        first.commit().await.expect("first commit");
        for task in writers {
            task.await.expect("task").expect("writer");
        }
        let rows = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT COUNT(*) FROM t",
            ))
            .await
            .expect("count")
            .and_then(|row| row.try_get_by_index::<i64>(0).ok());
        assert_eq!(rows, Some(20));
        writer
            .connection()
            .clone()
            .close()
            .await
            .expect("close writer");
        db.close().await.expect("close");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
