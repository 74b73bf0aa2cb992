//! Change notifications for live boards. A process keeps one broadcast channel of session ids.
//! With PostgreSQL, changes go out as `NOTIFY netra_live` and every process (including the
//! sender) forwards what it hears to its own channel, so a board served by one replica sees
//! submissions handled by another. With SQLite there is one process and the channel is enough.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tokio::sync::broadcast;

/// PostgreSQL channel name.
const CHANNEL: &str = "netra_live";

pub struct LiveHub {
    tx: broadcast::Sender<i64>,
}

impl Default for LiveHub {
    fn default() -> Self {
        // Boards that fall behind only miss "something changed" hints; they recompute anyway.
        let (tx, _) = broadcast::channel(1024);
        Self { tx }
    }
}

impl LiveHub {
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }

    /// Tells every board of a session that its figures changed. Never fails the caller: a lost
    /// hint only delays a board until the next one.
    pub async fn publish(&self, db: &DatabaseConnection, session_id: i64) {
        match db.get_database_backend() {
            DbBackend::Postgres => {
                let sql = Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CHANNEL.into(), session_id.to_string().into()],
                );
                if let Err(e) = db.execute_raw(sql).await {
                    tracing::warn!(error = %e, "live notification not sent");
                }
            }
            _ => {
                let _ = self.tx.send(session_id);
            }
        }
    }

    /// Forwards PostgreSQL notifications to this process's channel, reconnecting after a
    /// database outage. Does nothing on SQLite.
    pub fn listen(self: &std::sync::Arc<Self>, db: &DatabaseConnection) {
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
