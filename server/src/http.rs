//! HTTP around the Leptos app: the router, its middleware, metrics, the shared-page cache and
//! the accept loop.

pub mod join;
pub mod metrics;
pub mod middleware;
pub mod page_cache;
pub mod router;
pub mod serve;

pub use router::router;
pub use serve::{serve, shutdown_signal, HEADER_READ_TIMEOUT};
