//! Integration tests: the whole app over HTTP, on SQLite and on PostgreSQL, plus the browser journey.

mod accounts;
mod architecture;
mod assurance;
mod browser;
mod catalog;
mod crash;
mod curriculum;
mod fuzz;
mod hostile;
mod identity;
mod limits;
mod ops;
mod platform;
mod question_upload;
mod quiz;
mod self_check;
mod sso;
mod tracking;
mod violations;
mod webinar;

/// Runs an `async fn(Backend) -> anyhow::Result<()>` once per database backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() -> anyhow::Result<()> {
                    super::$name(tests::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() -> anyhow::Result<()> {
                    super::$name(tests::Backend::Postgres).await
                }
            }
        )*
    };
}
