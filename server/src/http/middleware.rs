//! Cross-cutting HTTP protections: same-origin check on state changes and security headers.

use app::ssr::accounts::session::Resolved;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The site state-changing requests must come from: the host of `--public-url` when configured
/// (a reverse proxy may rewrite `Host`), else the request's own `Host`.
#[derive(Clone, Debug, Default)]
pub struct AllowedOrigin(Option<String>);

impl AllowedOrigin {
    pub fn new(public_url: Option<&str>) -> Self {
        Self(public_url.and_then(host_of).map(str::to_ascii_lowercase))
    }
}

/// `https://example.org:8443/path` -> `example.org:8443`.
fn host_of(url: &str) -> Option<&str> {
    url.split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
}

/// Whether a state-changing request may proceed, from its headers alone.
///
/// - `Sec-Fetch-Site: cross-site` or `same-site` (a sibling subdomain, which Lax cookies reach)
///   is refused: browsers send it on every request they make for a page.
/// - An `Origin` must name this site; `Origin: null` (a sandboxed frame, a page with
///   `Referrer-Policy: no-referrer`) or an unreadable one is refused.
/// - Without `Origin`, a `Referer` must name this site.
/// - A request with neither must carry the custom header the hydrated app sends with every
///   server function call ([`app::api::client::REQUEST_HEADER`]): a page of another site cannot
///   add one without a CORS preflight, which Netra never grants. Scripts and `curl` add it too.
fn origin_allowed(headers: &axum::http::HeaderMap, expected: Option<&str>) -> bool {
    let value = |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap_or(""));
    if let Some(site) = headers.get("sec-fetch-site") {
        if matches!(site.to_str(), Ok("cross-site") | Ok("same-site")) {
            return false;
        }
    }
    let names_this_site = |url: &str| match (host_of(url), expected) {
        (Some(host), Some(expected)) => host.eq_ignore_ascii_case(expected),
        // No Host header and no public URL: nothing to compare with (HTTP/1.0 clients).
        (Some(_), None) => true,
        (None, _) => false,
    };
    match (value(header::ORIGIN), value(header::REFERER)) {
        (Some(origin), _) => names_this_site(origin),
        (None, Some(referer)) => names_this_site(referer),
        (None, None) => headers.contains_key(app::api::client::REQUEST_HEADER),
    }
}

/// Refuses a state-changing request that a page of another site (or an opaque origin) sent.
/// Leptos has no CSRF protection of its own; SameSite=Lax cookies plus this check close the gap.
pub async fn same_origin(
    State(allowed): State<AllowedOrigin>,
    req: Request<Body>,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let expected = allowed.0.clone().or_else(|| {
        req.headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_ascii_lowercase)
    });
    if !origin_allowed(req.headers(), expected.as_deref()) {
        return (
            StatusCode::FORBIDDEN,
            "Permintaan ditolak: asal permintaan tidak sesuai.",
        )
            .into_response();
    }
    next.run(req).await
}

/// Records the client's address (see [`app::ssr::http::client_addr`]) for sign-in limits, the
/// audit log and the metrics' loopback check.
pub async fn client_address(
    State(trusted): State<Arc<Vec<ipnet::IpNet>>>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    if let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        let client = app::ssr::http::client_addr(peer, req.headers(), &trusted);
        req.extensions_mut()
            .insert(app::ssr::http::ClientAddr(client));
    }
    next.run(req).await
}

/// Resolves who sent the request (account and learner sessions) once, before rendering, and
/// hands it to the app in the request's extensions. Requests without a session cookie, and
/// static files, cost no database work. If the lookup fails (database down) nothing is stored
/// and the app's own lookups report the error.
pub async fn resolve_visitor(
    State(state): State<app::ssr::AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let has_cookie = req.headers().get(header::COOKIE).is_some();
    // Already resolved: a page rendered right after an identification in the same response
    // (`join.rs`) is handed who it identified.
    let handed_over = req.extensions().get::<Resolved>().is_some();
    if has_cookie
        && !handed_over
        && !path.starts_with("/pkg/")
        && path != "/healthz"
        && path != "/readyz"
    {
        if let Ok(resolved) = app::ssr::accounts::session::resolve(&state, req.headers()).await {
            req.extensions_mut().insert(resolved);
        }
    }
    next.run(req).await
}

/// Security headers on every response. The CSP allows the hydration script Leptos inlines
/// (`unsafe-inline` for scripts is needed by its bootstrap) and wasm compilation.
pub async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "same-origin");
    set(h, "x-frame-options", "DENY");
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    res
}

/// Largest request body accepted outside the upload endpoints: quiz forms are a few KB.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Longest request target (path and query) accepted; browsers and proxies stop near 8 KB too.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Most header bytes (names and values) accepted in one request.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Refuses an over-long address (414) or oversized headers (431) before any work is done, with
/// a message a person can act on. (Beyond 64 KB hyper itself closes the connection.)
pub async fn size_limits(req: Request<Body>, next: Next) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return (
            StatusCode::URI_TOO_LONG,
            "Alamat halaman terlalu panjang. Periksa kembali tautan yang Anda buka.",
        )
            .into_response();
    }
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Header permintaan terlalu besar. Hapus cookie situs ini lalu coba lagi.",
        )
            .into_response();
    }
    next.run(req).await
}

/// Caps every request body: [`BODY_LIMIT`] in general, a larger limit for the file-upload
/// server functions. A declared length over the limit is refused at once with 413; a body that
/// turns out longer while streaming fails its reader (the upload reports it in Indonesian).
pub async fn body_limit(req: Request<Body>, next: Next) -> Response {
    let limit = if app::ssr::http::UPLOAD_PATHS.contains(&req.uri().path()) {
        app::ssr::http::UPLOAD_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Permintaan terlalu besar untuk diproses.",
        )
            .into_response();
    }
    // The upload functions take multipart bodies only (their decoder would panic on others).
    if limit == app::ssr::http::UPLOAD_BODY_LIMIT && !is_multipart(&req) {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Kirim berkas melalui formulir unggah (multipart/form-data).",
        )
            .into_response();
    }
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

fn is_multipart(req: &Request<Body>) -> bool {
    // The same test the server-function decoder applies, so a body that passes never panics it.
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| multer::parse_boundary(ct).is_ok())
}

/// Gives every request an id: the caller's `x-request-id` when it is a sane token (a proxy's),
/// else 16 random hex digits. The id is on the request (for the app's error messages), on the
/// response, and on every log line of the request (its tracing span).
pub async fn request_id(mut req: Request<Body>, next: Next) -> Response {
    use tracing::Instrument;
    let name = app::ssr::respond::REQUEST_ID;
    let id = req
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (8..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:016x}", rand::random::<u64>()));
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"));
    req.headers_mut().insert(name, value.clone());
    let span = tracing::info_span!("request", id = %id);
    let mut res = next.run(req).instrument(span).await;
    res.headers_mut().insert(name, value);
    res
}

#[cfg(test)]
mod tests {
    use super::{host_of, origin_allowed, AllowedOrigin};
    use axum::http::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_pages_of_this_site_may_change_state() {
        let site = Some("netra.example.go.id");
        let allowed =
            |pairs: &[(&'static str, &'static str)]| origin_allowed(&headers(pairs), site);
        assert!(allowed(&[("origin", "https://netra.example.go.id")]));
        assert!(allowed(&[
            ("origin", "https://NETRA.example.go.id"),
            ("sec-fetch-site", "same-origin")
        ]));
        assert!(allowed(&[(
            "referer",
            "https://netra.example.go.id/modul/x"
        )]));
        assert!(
            !allowed(&[]),
            "neither Origin nor Referer: the custom header is required"
        );
        assert!(allowed(&[("x-netra-request", "1")]), "a script or the app");
        assert!(!allowed(&[("origin", "https://evil.example")]));
        assert!(!allowed(&[("origin", "null")]), "an opaque origin");
        assert!(!allowed(&[
            ("origin", "null"),
            ("referer", "https://netra.example.go.id/")
        ]));
        assert!(!allowed(&[("referer", "https://evil.example/")]));
        assert!(!allowed(&[("sec-fetch-site", "cross-site")]));
        assert!(
            !allowed(&[
                ("origin", "https://netra.example.go.id"),
                ("sec-fetch-site", "same-site")
            ]),
            "a sibling subdomain"
        );
    }

    #[test]
    fn hosts_are_taken_from_urls() {
        assert_eq!(
            host_of("https://netra.example.go.id/modul?x=1"),
            Some("netra.example.go.id")
        );
        assert_eq!(host_of("http://127.0.0.1:3000"), Some("127.0.0.1:3000"));
        assert_eq!(host_of("no-scheme"), None);
        assert_eq!(
            AllowedOrigin::new(Some("https://Netra.Example.go.id/"))
                .0
                .as_deref(),
            Some("netra.example.go.id")
        );
    }
}
