//! Start-up: load and validate content, connect and migrate the database, build the router.

use crate::{metrics, middleware, page_cache};
use anyhow::Context;
use app::ssr::{content, db, AppState, Settings};
use app::{shell, App};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use migrations::{Migrator, MigratorTrait};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What the server needs to start, independent of where it came from (CLI or tests).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    pub database_url: String,
    pub content_dir: PathBuf,
    pub site_root: PathBuf,
    pub public_url: Option<String>,
}

impl From<crate::cli::ServeArgs> for ServerConfig {
    fn from(a: crate::cli::ServeArgs) -> Self {
        Self {
            addr: a.addr,
            database_url: a.db.database_url,
            content_dir: a.content_dir,
            site_root: a.site_root,
            public_url: a.public_url,
        }
    }
}

/// Creates the folder of a SQLite database file so `?mode=rwc` can create the file itself.
pub fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    if let Some(rest) = url.strip_prefix("sqlite://") {
        let path = Path::new(rest.split('?').next().unwrap_or(rest));
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
    }
    Ok(())
}

/// Connects to the database and applies pending migrations.
pub async fn connect_and_migrate(url: &str) -> anyhow::Result<sea_orm::DatabaseConnection> {
    ensure_sqlite_dir(url)?;
    let conn = db::connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    Migrator::up(&conn, None)
        .await
        .context("applying migrations")?;
    Ok(conn)
}

/// Hides a password in a database URL for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Loads content (refusing to start on any error), prepares the database, builds the state.
pub async fn prepare(config: &ServerConfig) -> anyhow::Result<AppState> {
    let catalog = content::load_catalog(&config.content_dir).map_err(|errors| {
        anyhow::anyhow!(
            "content in {} is invalid:\n{errors}",
            config.content_dir.display()
        )
    })?;
    tracing::info!(
        modules = catalog.modules().len(),
        lessons = catalog.lesson_count(),
        questions = catalog.question_count(),
        "content loaded"
    );
    let conn = connect_and_migrate(&config.database_url).await?;
    let module_ids = db::modules::sync(&conn, &catalog)
        .await
        .context("recording content versions")?;
    let leptos_options = LeptosOptions::builder()
        .output_name(asset_name(&config.site_root))
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let settings = Settings {
        secure_cookies: config
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://")),
        public_url: config.public_url.clone(),
        ..Settings::default()
    };
    let live = Arc::new(app::ssr::live::LiveHub::default());
    live.listen(&conn);
    Ok(AppState {
        leptos_options,
        db: conn,
        catalog: Arc::new(catalog),
        module_ids: Arc::new(module_ids),
        settings: Arc::new(settings),
        limiter: Arc::default(),
        live,
    })
}

async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(Duration::from_secs(2), db::ping(&state.db)).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ok", "database": "ok" })),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": "error" })),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable", "database": "timeout" })),
        ),
    }
}

/// The content-hashed base name of the wasm, JS and CSS (`netra-<hash>`), written by
/// `.ci/build-site.sh` into `asset-name`; plain `netra` for a site built some other way.
pub fn asset_name(site_root: &Path) -> String {
    std::fs::read_to_string(site_root.join("asset-name"))
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .unwrap_or_else(|| "netra".to_string())
}

/// `Cache-Control` for a file under `/pkg/`: content-hashed names never change, so browsers may
/// keep them a year without asking; anything else is revalidated (a cheap 304).
async fn pkg_cache_control(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let hashed = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .and_then(|file| file.strip_prefix("netra-"))
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(hash, _)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// The whole HTTP surface: probes, static assets, the Leptos app and server functions.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let site_root = PathBuf::from(state.leptos_options.site_root.as_ref());
    // wasm/JS/CSS are served precompressed when .br/.gz siblings exist.
    let pkg = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn(pkg_cache_control))
        .service(
            ServeDir::new(site_root.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
        }
    };
    let render = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let metrics = Arc::new(metrics::Metrics::default());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(
            "/metrics",
            get(metrics::render).with_state((state.clone(), metrics.clone())),
        )
        .nest_service("/pkg", pkg)
        .merge(app::ssr::webinar_http::routes())
        .merge(app::ssr::tracking_http::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), render)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_visitor,
        ))
        .layer(axum::middleware::from_fn_with_state(
            middleware::AllowedOrigin::new(state.settings.public_url.as_deref()),
            middleware::same_origin,
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        // Browsers remember to use HTTPS only once the site is configured as served over it.
        .layer(tower::util::option_layer(
            state.settings.secure_cookies.then(|| {
                SetResponseHeaderLayer::if_not_present(
                    header::STRICT_TRANSPORT_SECURITY,
                    HeaderValue::from_static("max-age=31536000; includeSubDomains"),
                )
            }),
        ))
        .layer(CompressionLayer::new())
        // Outside compression, so a shared page is kept compressed, once per encoding.
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(page_cache::PageCache::default()),
            page_cache::serve,
        ))
        .layer(axum::middleware::from_fn(middleware::body_limit))
        .layer(axum::middleware::from_fn(middleware::size_limits))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::record,
        ))
        .layer(TraceLayer::new_for_http())
        // Outermost: the id is set before anything logs.
        .layer(axum::middleware::from_fn(middleware::request_id))
        .with_state(state)
}

/// A client must send its request line and headers within this time, or its connection is
/// closed: slow or stalled clients (slowloris) cannot hold connections open. It also closes
/// idle keep-alive connections. Reading a body is covered by the 30 s request timeout.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// hyper's hard cap on a request head; [`middleware::size_limits`] answers politely below it.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Serves HTTP/1.1 and HTTP/2 until `shutdown` resolves, then finishes in-flight requests.
///
/// A hand-written accept loop instead of `axum::serve`, which sets no timer and so no
/// header-read timeout: a client trickling header bytes could hold a connection for ever.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;
    use tower::ServiceExt;

    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(MAX_HEAD_BYTES as u32);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(req)
            });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Errors here are the client's (reset, timed out, malformed): nothing to report.
            let _ = connection.await;
        });
    }
    drop(listener);
    // In-flight requests finish; idle connections close. Bounded so a stuck client cannot
    // hold up a restart.
    if tokio::time::timeout(Duration::from_secs(30), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections were still open 30 s after shutdown began");
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_in_logged_urls() {
        assert_eq!(
            redact("postgres://netra:secret@db/netra"),
            "postgres://netra:***@db/netra"
        );
        assert_eq!(
            redact("sqlite://data/netra.db?mode=rwc"),
            "sqlite://data/netra.db?mode=rwc"
        );
    }
}
