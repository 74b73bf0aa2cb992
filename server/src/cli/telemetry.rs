//! Structured logging with `tracing`. `RUST_LOG` filters; `--log-format json` emits JSON lines.

use super::LogFormat;
use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber (a second call, as in tests, keeps the first).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    let json = format == LogFormat::Json;
    let builder = fmt().with_env_filter(filter).with_target(false);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
