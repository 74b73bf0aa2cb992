//! Change notifications for live boards. A process keeps one broadcast channel of session ids.
//! With PostgreSQL, changes go out as `NOTIFY netra_live` and every process (including the
//! sender) forwards what it hears to its own channel, so a board served by one replica sees
//! submissions handled by another. With SQLite there is one process and the channel is enough.
//!
//! Boards redraw at most once a second, so a process sends at most one `NOTIFY` per session
//! every [`NOTIFY_EVERY`]: during a rush, hundreds of joins a second cost a handful of
//! notifications instead of a round trip (and a serialised commit) each.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// PostgreSQL channel name.
const CHANNEL: &str = "netra_live";
/// How long changes to one session are gathered into one `NOTIFY`.
pub const NOTIFY_EVERY: Duration = Duration::from_millis(200);

pub struct LiveHub {
    tx: broadcast::Sender<i64>,
    /// Sessions whose `NOTIFY` is on its way: changes meanwhile ride along with it.
    pending: Mutex<HashSet<i64>>,
}

impl Default for LiveHub {
    fn default() -> Self {
        // Boards that fall behind only miss "something changed" hints; they recompute anyway.
        let (tx, _) = broadcast::channel(1024);
        Self {
            tx,
            pending: Mutex::default(),
        }
    }
}

impl LiveHub {
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }

    /// Tells every board of a session that its figures changed. Never fails the caller: a lost
    /// hint only delays a board until the next one. With PostgreSQL the notification leaves
    /// within [`NOTIFY_EVERY`], together with any other change to the session meanwhile.
    pub async fn publish(self: &Arc<Self>, db: &DatabaseConnection, session_id: i64) {
        if db.get_database_backend() != DbBackend::Postgres {
            let _ = self.tx.send(session_id);
            return;
        }
        let first = match self.pending.lock() {
            Ok(mut pending) => pending.insert(session_id),
            // A panic elsewhere while holding the set: notify right away.
            Err(_) => true,
        };
        if !first {
            return;
        }
        let (hub, db) = (self.clone(), db.clone());
        tokio::spawn(async move {
            tokio::time::sleep(NOTIFY_EVERY).await;
            // Out of the set before sending: a change from now on schedules the next one.
            if let Ok(mut pending) = hub.pending.lock() {
                pending.remove(&session_id);
            }
            let sql = Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), session_id.to_string().into()],
            );
            if let Err(e) = db.execute_raw(sql).await {
                tracing::warn!(error = %e, "live notification not sent");
            }
        });
    }

    /// Forwards PostgreSQL notifications to this process's channel, reconnecting after a
    /// database outage. Does nothing on SQLite.
    pub fn listen(self: &Arc<Self>, db: &DatabaseConnection) {
        if db.get_database_backend() != DbBackend::Postgres {
            return;
        }
        let pool = db.get_postgres_connection_pool().clone();
        let hub = self.clone();
        tokio::spawn(async move {
            loop {
                match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(mut listener) => {
                        if let Err(e) = listener.listen(CHANNEL).await {
                            tracing::warn!(error = %e, "LISTEN failed");
                        } else {
                            // `recv` reconnects by itself after a lost connection.
                            loop {
                                match listener.recv().await {
                                    Ok(n) => {
                                        if let Ok(id) = n.payload().parse::<i64>() {
                                            let _ = hub.tx.send(id);
                                        }
                                    }
                                    Err(e) => {
                                        tracing::warn!(error = %e, "live listener lost");
                                        break;
                                    }
                                }
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "live listener cannot connect"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        });
    }
}
