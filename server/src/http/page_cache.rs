//! The pages every anonymous visitor gets alike (the catalogue, module overviews, lessons, the
//! violations catalogue, a webinar's join page), kept rendered and compressed in memory.
//!
//! A webinar sends thousands of people to one link within a minute, and nearly all of them
//! arrive without a cookie. Content is loaded once at start-up and never changes while the
//! process runs, so the HTML of the content pages for a visitor without a session is the same
//! for everyone until the next restart: rendering it once per encoding is enough. A webinar's
//! join page (`/w/{code}`) shows the session as stored (title, organiser, time, rule, and the
//! windows in the page's data), which the host may change, so it is kept for one second only:
//! during a rush of arrivals it is rendered once a second instead of once per attendee, and a
//! change shows within a second, on every server process.
//!
//! Only what is certainly shared is cached: `GET` without a query string, without a cookie or
//! an `Authorization` header, on the routes above, answered 200 with HTML and no `Set-Cookie`.
//! Anything else passes through untouched. Hits carry `x-netra-cache: hit`.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Entries at most: every shared page in every encoding fits many times over, and a flood of
/// odd `Accept-Encoding` values cannot grow the cache without bound.
const MAX_ENTRIES: usize = 1_024;
/// A shared page larger than this is served but not kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// Longest `Accept-Encoding` value used as part of a key.
const MAX_ENCODING_KEY: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    path: String,
    accept_encoding: String,
}

struct Page {
    headers: HeaderMap,
    body: Bytes,
    /// `None`: until the process ends.
    expires: Option<Instant>,
}

impl Page {
    fn fresh(&self) -> bool {
        self.expires.is_none_or(|at| Instant::now() < at)
    }
}

/// How long an anonymous page of a route may be served from memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Content pages: they change only with a restart.
    UntilRestart,
    /// Pages that show the database's state to everyone alike.
    For(Duration),
}

/// How stale a webinar's join page may be.
const JOIN_PAGE_TTL: Duration = Duration::from_secs(1);

/// The shared pages of this process.
#[derive(Default)]
pub struct PageCache {
    pages: RwLock<HashMap<Key, Arc<Page>>>,
}

/// Pages whose anonymous rendering is the same for everyone, and for how long.
fn shared_route(path: &str) -> Option<Keep> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        [""] | ["pelanggaran"] | ["pelanggaran", _] | ["modul", _] => Some(Keep::UntilRestart),
        ["modul", _, _] if app::app::is_reading_page(path) => Some(Keep::UntilRestart),
        ["w", _] => Some(Keep::For(JOIN_PAGE_TTL)),
        _ => None,
    }
}

fn key_of(req: &Request) -> Option<(Key, Keep)> {
    let headers = req.headers();
    let anonymous =
        !headers.contains_key(header::COOKIE) && !headers.contains_key(header::AUTHORIZATION);
    if req.method() != Method::GET || !anonymous || req.uri().query().is_some() {
        return None;
    }
    let keep = shared_route(req.uri().path())?;
    let accept_encoding = headers
        .get(header::ACCEPT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?"))
        .unwrap_or("")
        .to_string();
    (accept_encoding.len() <= MAX_ENCODING_KEY).then(|| {
        let key = Key {
            path: req.uri().path().to_string(),
            accept_encoding,
        };
        (key, keep)
    })
}

fn shareable(res: &Response) -> bool {
    res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/html"))
}

fn hit(page: &Page) -> Response {
    let mut res = Response::new(Body::from(page.body.clone()));
    *res.headers_mut() = page.headers.clone();
    res.headers_mut()
        .insert("x-netra-cache", HeaderValue::from_static("hit"));
    res
}

/// Serves a shared page from memory, or renders it and keeps it for the next visitor.
pub async fn serve(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    let Some((key, keep)) = key_of(&req) else {
        return next.run(req).await;
    };
    let cached = cache
        .pages
        .read()
        .ok()
        .and_then(|pages| pages.get(&key).cloned())
        .filter(|page| page.fresh());
    if let Some(page) = cached {
        return hit(&page);
    }
    let res = next.run(req).await;
    if !shareable(&res) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, path = %key.path, "reading a rendered page failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = Arc::new(Page {
        headers: parts.headers.clone(),
        body: body.clone(),
        expires: match keep {
            Keep::UntilRestart => None,
            Keep::For(ttl) => Some(Instant::now() + ttl),
        },
    });
    if let Ok(mut pages) = cache.pages.write() {
        if pages.len() >= MAX_ENTRIES {
            // Join pages of past sessions go first; content pages stay.
            pages.retain(|_, page| page.expires.is_none());
        }
        if pages.len() < MAX_ENTRIES {
            pages.insert(key, page);
        }
    }
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::{shared_route, Keep, JOIN_PAGE_TTL};

    #[test]
    fn only_pages_alike_for_everyone_are_shared() {
        for path in [
            "/",
            "/modul/dasar-netralitas-asn",
            "/modul/dasar-netralitas-asn/arti-netral",
            "/pelanggaran",
            "/pelanggaran/status-anggota-partai",
        ] {
            assert_eq!(shared_route(path), Some(Keep::UntilRestart), "{path}");
        }
        for path in [
            "/modul/dasar-netralitas-asn/kuis",
            "/modul/dasar-netralitas-asn/hasil/12",
            "/identitas",
            "/saya",
            "/w/ABC234/post-test",
            "/operator",
            "/api/modules",
            "/pkg/netra.css",
        ] {
            assert_eq!(shared_route(path), None, "{path}");
        }
        assert_eq!(shared_route("/w/ABC234"), Some(Keep::For(JOIN_PAGE_TTL)));
    }
}
