//! `GET /metrics` in the Prometheus text format: requests and latencies by route, method and
//! status; database pool connections; open and submitted attempts.
//!
//! Answered to loopback clients only (a Prometheus agent on the same host, or an SSH tunnel),
//! unless `--metrics-token` (`NETRA_METRICS_TOKEN`) is set: then to whoever sends `Authorization: Bearer <token>`,
//! and to nobody else.

use app::ssr::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Latency bucket bounds, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    /// Cumulative counts per bucket bound.
    buckets: [u64; BUCKETS.len()],
}

/// Request counters of this process, keyed by (route, method, status).
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    fn observe(&self, route: String, method: String, status: u16, seconds: f64) {
        let Ok(mut map) = self.requests.lock() else {
            return;
        };
        let series = map.entry((route, method, status)).or_default();
        series.count += 1;
        series.sum += seconds;
        for (bound, n) in BUCKETS.iter().zip(series.buckets.iter_mut()) {
            if seconds <= *bound {
                *n += 1;
            }
        }
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
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    metrics.observe(
        route,
        method,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

fn allowed(token: Option<&str>, peer: SocketAddr, headers: &HeaderMap) -> bool {
    match token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| given.as_bytes() == token.as_bytes()),
        None => peer.ip().is_loopback(),
    }
}

fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

async fn count(state: &AppState, sql: &str) -> Option<i64> {
    let db = &state.db;
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .ok()
        .flatten()
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
}

/// The exposition.
pub async fn render(
    State((state, metrics)): State<(AppState, Arc<Metrics>)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !allowed(state.settings.metrics_token.as_deref(), peer, &headers) {
        return (
            StatusCode::FORBIDDEN,
            "Metrik hanya untuk pemantauan internal.",
        )
            .into_response();
    }
    let mut out = String::new();
    let series: Vec<((String, String, u16), Series)> = match metrics.requests.lock() {
        Ok(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Err(_) => Vec::new(),
    };
    let _ = writeln!(
        out,
        "# HELP netra_http_requests_total HTTP requests by route pattern, method and status."
    );
    let _ = writeln!(out, "# TYPE netra_http_requests_total counter");
    for ((route, method, status), s) in &series {
        let _ = writeln!(
            out,
            "netra_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {}",
            label(route),
            s.count
        );
    }
    let _ = writeln!(
        out,
        "# HELP netra_http_request_duration_seconds Time to the response head."
    );
    let _ = writeln!(out, "# TYPE netra_http_request_duration_seconds histogram");
    for ((route, method, status), s) in &series {
        let labels = format!(
            "route=\"{}\",method=\"{method}\",status=\"{status}\"",
            label(route)
        );
        for (bound, n) in BUCKETS.iter().zip(s.buckets) {
            let _ = writeln!(
                out,
                "netra_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "netra_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            s.count
        );
        let _ = writeln!(
            out,
            "netra_http_request_duration_seconds_sum{{{labels}}} {}",
            s.sum
        );
        let _ = writeln!(
            out,
            "netra_http_request_duration_seconds_count{{{labels}}} {}",
            s.count
        );
    }
    let (size, idle) = pool_usage(&state);
    let _ = writeln!(
        out,
        "# HELP netra_db_pool_connections Database pool connections of this process."
    );
    let _ = writeln!(out, "# TYPE netra_db_pool_connections gauge");
    let _ = writeln!(out, "netra_db_pool_connections{{state=\"idle\"}} {idle}");
    let _ = writeln!(
        out,
        "netra_db_pool_connections{{state=\"in_use\"}} {}",
        size.saturating_sub(idle)
    );
    // Shared by every replica: read from the database at scrape time.
    if let Some(open) = count(
        &state,
        "SELECT COUNT(*) FROM attempts WHERE submitted_at IS NULL",
    )
    .await
    {
        let _ = writeln!(
            out,
            "# HELP netra_attempts_open Quiz attempts started and not yet submitted."
        );
        let _ = writeln!(out, "# TYPE netra_attempts_open gauge");
        let _ = writeln!(out, "netra_attempts_open {open}");
    }
    if let Some(done) = count(
        &state,
        "SELECT COUNT(*) FROM attempts WHERE submitted_at IS NOT NULL",
    )
    .await
    {
        let _ = writeln!(
            out,
            "# HELP netra_attempts_submitted_total Quiz attempts submitted (all replicas)."
        );
        let _ = writeln!(out, "# TYPE netra_attempts_submitted_total counter");
        let _ = writeln!(out, "netra_attempts_submitted_total {done}");
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
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
