//! Cross-cutting HTTP protections: same-origin check on state changes and security headers.

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses a state-changing request whose `Origin` (or `Referer`) names another site.
/// Leptos has no CSRF protection of its own; SameSite=Lax cookies plus this check close the gap.
pub async fn same_origin(req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned);
    let source = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let (Some(host), Some(source)) = (host, source) {
        let source_host = source.split("://").nth(1).map(|rest| rest.split('/').next().unwrap_or(""));
        if source_host != Some(host.as_str()) {
            return (StatusCode::FORBIDDEN, "Permintaan ditolak: asal permintaan tidak sesuai.").into_response();
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
