//! Where write transactions run: the writer connection, and on SQLite a thread of its own that
//! carries them from statement to statement.
//!
//! SQLite lets one writer in at a time, so how fast identifications, quiz starts and
//! submissions get through depends on how long each write transaction holds the writer
//! connection. Each statement is handed to sqlx's worker thread, and its answer wakes the task
//! that waits for it. On the server's runtime that wake comes from outside the runtime and
//! queues behind every page being rendered, while the connection, and with it every other
//! writer, waits. On the writer's own thread nothing else is queued, so the transaction goes
//! on as soon as SQLite answers.

use crate::error::AppError;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};
use std::future::Future;
use std::sync::Arc;

/// The writer connection (see [`super::connect_writer`]), and on SQLite its thread.
#[derive(Clone)]
pub struct Writer {
    conn: DatabaseConnection,
    lane: Option<Arc<Lane>>,
}

/// A thread running a single-threaded runtime, for as long as a [`Writer`] holds it.
struct Lane {
    handle: tokio::runtime::Handle,
    /// Dropped with the last `Writer`, which ends the thread.
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Writer {
    /// Write jobs run in the caller's task: for PostgreSQL, which has as many writers as
    /// connections.
    pub fn inline(conn: DatabaseConnection) -> Writer {
        Writer { conn, lane: None }
    }

    /// Write jobs run on a thread of their own: for SQLite's one writer connection.
    pub fn on_own_thread(conn: DatabaseConnection) -> std::io::Result<Writer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("netra-writer".into())
            .spawn(move || {
                // Ends when every `Writer` is gone; jobs still running are dropped with the
                // runtime, and a dropped transaction rolls back.
                let _ = runtime.block_on(stopped);
            })?;
        Ok(Writer {
            conn,
            lane: Some(Arc::new(Lane {
                handle,
                _stop: stop,
            })),
        })
    }

    /// The writer connection itself.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Begins a write transaction (see [`super::begin_write`]), inside a job given to
    /// [`Writer::run`]: begun anywhere else, its steps would wait in the caller's runtime again.
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        super::begin_write(&self.conn).await
    }

    /// Runs `job` (which begins a transaction on `self.begin()`, writes and commits) on the
    /// writer's thread, and gives its result. The job runs to its end even when the caller
    /// stops waiting (a browser that went away): what it commits stays committed, and nobody
    /// was told it was saved before it was.
    ///
    /// The job runs without the request's context: it reports errors as values (`db_error`, not
    /// `or_fail`), and the caller adds the request to them.
    pub async fn run<T, E, F>(&self, job: F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<JobLost> + Send + 'static,
    {
        match &self.lane {
            None => job.await,
            Some(lane) => lane
                .handle
                .spawn(job)
                .await
                .map_err(|e| E::from(JobLost(e.to_string())))?,
        }
    }
}

/// A write job that did not run to its end: it panicked, or the writer's thread had stopped.
/// Whatever it wrote was rolled back with its transaction.
#[derive(Debug, thiserror::Error)]
#[error("a write job on the writer's thread did not finish: {0}")]
pub struct JobLost(String);

impl From<JobLost> for DbErr {
    fn from(lost: JobLost) -> DbErr {
        DbErr::Custom(lost.to_string())
    }
}

impl From<JobLost> for AppError {
    fn from(lost: JobLost) -> AppError {
        AppError::internal("writing", lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    use std::time::Duration;

    async fn sqlite_writer(name: &str) -> (Writer, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("netra-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let url = format!("sqlite://{}?mode=rwc", dir.join("w.db").display());
        let conn = Database::connect(&url).await.expect("open");
        conn.execute_unprepared("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
            .await
            .expect("table");
        (Writer::on_own_thread(conn).expect("writer thread"), dir)
    }

    async fn count(writer: &Writer) -> i64 {
        writer
            .connection()
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT COUNT(*) FROM t",
            ))
            .await
            .expect("count")
            .and_then(|row| row.try_get_by_index::<i64>(0).ok())
            .expect("a count")
    }

    #[tokio::test]
    async fn jobs_run_on_the_writers_thread_and_finish_without_their_caller() {
        let (writer, dir) = sqlite_writer("lane").await;
        let thread = writer
            .run(async { Ok::<_, DbErr>(std::thread::current().name().map(str::to_string)) })
            .await
            .expect("job");
        assert_eq!(thread.as_deref(), Some("netra-writer"));

        // The caller goes away while its job waits inside the transaction; the job commits.
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let caller = tokio::spawn({
            let writer = writer.clone();
            async move {
                let inner = writer.clone();
                writer
                    .run(async move {
                        let txn = inner.begin().await?;
                        txn.execute_unprepared("INSERT INTO t VALUES (1)").await?;
                        let _ = wait.await;
                        txn.commit().await
                    })
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        caller.abort();
        assert!(caller.await.is_err_and(|e| e.is_cancelled()));
        go.send(()).expect("the job still waits");
        let mut rows = 0;
        for _ in 0..100 {
            rows = count(&writer).await;
            if rows == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(rows, 1, "the abandoned job did not commit");
        drop(writer);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_job_that_panics_is_an_error_and_rolls_back() {
        let (writer, dir) = sqlite_writer("panic").await;
        let inner = writer.clone();
        let lost = writer
            .run(async move {
                let txn = inner.begin().await?;
                txn.execute_unprepared("INSERT INTO t VALUES (1)").await?;
                if txn.get_database_backend() == DbBackend::Sqlite {
                    panic!("a bug in a write job");
                }
                txn.commit().await
            })
            .await;
        assert!(
            matches!(&lost, Err(DbErr::Custom(m)) if m.contains("did not finish")),
            "{lost:?}"
        );
        // The writer connection is back, and the insert was rolled back.
        let inner = writer.clone();
        writer
            .run(async move {
                let txn = inner.begin().await?;
                txn.execute_unprepared("INSERT INTO t VALUES (2)").await?;
                txn.commit().await
            })
            .await
            .expect("the next job");
        assert_eq!(count(&writer).await, 1);
        drop(writer);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
