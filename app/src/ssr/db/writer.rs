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

    /// Begins a write transaction on the writer connection (see [`super::begin_write`]) and
    /// runs `job` with it on the writer's thread; the job commits or rolls back. It runs to its
    /// end even when the caller stops waiting (a browser that went away): what it commits stays
    /// committed, and nobody was told it was saved before it was.
    ///
    /// The job runs without the request's context: it reports errors as values (`db_error`, not
    /// `or_fail`), and the caller adds the request to them.
    pub async fn run<T, E, F, Fut>(&self, job: F) -> Result<T, E>
    where
        F: FnOnce(DatabaseTransaction) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, E>> + Send,
        T: Send + 'static,
        E: From<JobError> + Send + 'static,
    {
        let conn = self.conn.clone();
        let work = async move {
            let txn = super::begin_write(&conn)
                .await
                .map_err(|e| E::from(JobError::Begin(e)))?;
            job(txn).await
        };
        match &self.lane {
            None => work.await,
            Some(lane) => lane
                .handle
                .spawn(work)
                .await
                .map_err(|e| E::from(JobError::Lost(e.to_string())))?,
        }
    }
}

/// A write job that did not run: its transaction could not begin, or it did not run to its end
/// (it panicked, or the writer's thread had stopped; what it wrote was rolled back).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("beginning a write transaction: {0}")]
    Begin(DbErr),
    #[error("a write job on the writer's thread did not finish: {0}")]
    Lost(String),
}

impl From<JobError> for DbErr {
    fn from(err: JobError) -> DbErr {
        match err {
            JobError::Begin(e) => e,
            lost @ JobError::Lost(_) => DbErr::Custom(lost.to_string()),
        }
    }
}

impl From<JobError> for AppError {
    fn from(err: JobError) -> AppError {
        match err {
            JobError::Begin(e) => crate::ssr::respond::db_error(e),
            lost @ JobError::Lost(_) => AppError::internal("writing", lost),
        }
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
            .run(|_txn| async { Ok::<_, DbErr>(std::thread::current().name().map(str::to_string)) })
            .await
            .expect("job");
        assert_eq!(thread.as_deref(), Some("netra-writer"));

        // The caller goes away while its job waits inside the transaction; the job commits.
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let caller = tokio::spawn({
            let writer = writer.clone();
            async move {
                writer
                    .run(move |txn| async move {
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
        let lost = writer
            .run(|txn| async move {
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
        writer
            .run(|txn| async move {
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
