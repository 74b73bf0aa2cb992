//! `GET /metrics` in the OpenMetrics text format (`prometheus-client`): requests and latencies by
//! route, method and status; database pool connections; open and submitted attempts.
//!
//! Answered to loopback clients only (a Prometheus agent on the same host, or an SSH tunnel),
//! unless `--metrics-token` (`NETRA_METRICS_TOKEN`) is set: then to whoever sends
//! `Authorization: Bearer <token>`, and to nobody else.
//!
//! Labels stay few whatever clients send: the route is the router's pattern (`other` when
//! nothing matched) and a method outside the standard ones counts as `OTHER`, so no request can
//! add series without bound.

use app::ssr::http::ClientAddr;
use app::ssr::{db, AppState};
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, State};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

/// Latency bucket bounds, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// The labels of a request series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

/// The labels of a latency series: no status, so each route and method has one histogram
/// (eleven buckets) however many statuses it answers with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: &'static str,
}

/// Builds each route's histogram with [`BUCKETS`].
#[derive(Debug, Clone, Copy)]
struct Latency;

impl MetricConstructor<Histogram> for Latency {
    fn new_metric(&self) -> Histogram {
        Histogram::new(BUCKETS)
    }
}

/// Request counters and latencies of this process.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, Latency>,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Family::new_with_constructor(Latency);
        let mut registry = Registry::default();
        registry.register(
            "netra_http_requests",
            "HTTP requests by route pattern, method and status",
            requests.clone(),
        );
        registry.register(
            "netra_http_request_duration_seconds",
            "Time to the response head, by route pattern and method",
            durations.clone(),
        );
        Self {
            registry,
            requests,
            durations,
        }
    }
}

/// A method as a label: the standard ones by name, anything else as `OTHER`.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        "CONNECT" => "CONNECT",
        "TRACE" => "TRACE",
        _ => "OTHER",
    }
}

/// Times every request. The route is the router's pattern (`/modul/{slug}`), so labels stay few
/// whatever the URLs; unmatched requests (static files, 404s) share `other`.
pub async fn record(
    State(metrics): State<Arc<Metrics>>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "other".into());
    let method = method_label(req.method());
    let started = Instant::now();
    let res = next.run(req).await;
    let route = RouteLabels { route, method };
    metrics
        .durations
        .get_or_create(&route)
        .observe(started.elapsed().as_secs_f64());
    let labels = RequestLabels {
        route: route.route,
        method,
        status: res.status().as_u16(),
    };
    metrics.requests.get_or_create(&labels).inc();
    res
}

/// With a token, only the token; without one, loopback clients, and nobody at all once Netra is
/// published under a public URL (a proxy in front would make every visitor look local).
fn allowed(settings: &app::ssr::Settings, client: IpAddr, headers: &HeaderMap) -> bool {
    match settings.metrics_token.as_deref() {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| given.as_bytes() == token.as_bytes()),
        None => settings.public_url.is_none() && client.is_loopback(),
    }
}

/// The labels of the pool gauge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

/// What is read at scrape time: the pool of this process and, from the database (shared by
/// every replica), the attempts.
async fn snapshot(state: &AppState) -> Registry {
    let mut registry = Registry::default();
    let (size, idle) = pool_usage(state);
    let connections = Family::<PoolLabels, Gauge>::default();
    connections
        .get_or_create(&PoolLabels { state: "idle" })
        .set(i64::from(idle));
    connections
        .get_or_create(&PoolLabels { state: "in_use" })
        .set(i64::from(size.saturating_sub(idle)));
    registry.register(
        "netra_db_pool_connections",
        "Database pool connections of this process",
        connections,
    );
    match db::attempts::totals(&state.db).await {
        Ok((open, submitted)) => {
            registry.register(
                "netra_attempts_open",
                "Quiz attempts started and not yet submitted",
                ConstGauge::new(i64::try_from(open).unwrap_or(i64::MAX)),
            );
            registry.register(
                "netra_attempts_submitted",
                "Quiz attempts submitted (all replicas)",
                ConstCounter::new(submitted),
            );
        }
        // The scrape still answers with what this process knows.
        Err(e) => tracing::warn!(error = %e, "metrics: attempts not counted"),
    }
    registry
}

/// The exposition.
pub async fn render(
    State((state, metrics)): State<(AppState, Arc<Metrics>)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
) -> Response {
    let client = client.map_or(peer.ip(), |c| c.0 .0);
    if !allowed(&state.settings, client, &headers) {
        return (
            StatusCode::FORBIDDEN,
            "Metrik hanya untuk pemantauan internal.",
        )
            .into_response();
    }
    let scraped = snapshot(&state).await;
    let mut out = String::new();
    let encoded = encode_registry(&mut out, &metrics.registry)
        .and_then(|()| encode_registry(&mut out, &scraped))
        .and_then(|()| encode_eof(&mut out));
    if let Err(e) = encoded {
        tracing::error!(error = %e, "metrics could not be encoded");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

fn pool_usage(state: &AppState) -> (u32, u32) {
    let db = &state.db;
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle() as u32)
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle() as u32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::TRACE), "TRACE");
        let odd = Method::from_bytes(b"FROBNICATE").expect("a valid extension method");
        assert_eq!(method_label(&odd), "OTHER");
    }
}
