//! The router: probes, static assets, the Leptos app and server functions, and the layers
//! around them.

//! Start-up: load and validate content, connect and migrate the database, build the router.

use super::{join, metrics, middleware, page_cache};
use app::ssr::{db, AppState};
use app::{shell, App};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

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
        // `netra-<hash>.*` and the staff bundle's `netra-<hash>-staff.*`.
        .map(|(name, _)| name.strip_suffix("-staff").unwrap_or(name))
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
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

/// The router's own routes (probes and metrics), for the test that keeps docs/routes.md true.
pub const PATHS: &[&str] = &["/healthz", "/readyz", "/metrics"];

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
    let app: Router<AppState> = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(
            "/metrics",
            get(metrics::render).with_state((state.clone(), metrics.clone())),
        )
        .nest_service("/pkg", pkg)
        .merge(app::ssr::webinar::downloads::routes())
        .merge(app::ssr::tracking::downloads::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), render)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_visitor,
        ));
    // A webinar session's identification form posts to the session's page, which identifies and
    // answers with the page itself (`join.rs`) through the routes above, without the layers
    // below (they see the one request the browser made).
    let inner = app.clone().with_state(state.clone());
    app.route("/w/{code}", post(join::identify_and_show).with_state(inner))
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
        // Only behind configured proxies is there an address to work out; otherwise the socket
        // peer is the client and this layer is left out.
        .layer(tower::util::option_layer(
            (!state.settings.trusted_proxies.is_empty()).then(|| {
                axum::middleware::from_fn_with_state(
                    Arc::new(state.settings.trusted_proxies.clone()),
                    middleware::client_address,
                )
            }),
        ))
        .layer(TraceLayer::new_for_http())
        // Outermost: the id is set before anything logs.
        .layer(axum::middleware::from_fn(middleware::request_id))
        .with_state(state)
}
