//! `POST /w/{code}`: a webinar attendee's identification form answered with their session page in
//! one response. Tens of thousands of attendees send that form within a minute; the plain
//! server-function post would answer with a redirect and the browser would ask again for the
//! page, one more round trip on a slow phone and one more request for the server.
//!
//! The handler runs the identification server function and then renders the session page, both
//! through the app's own router (the same validation, throttling, cookies and rendering as the
//! two requests it replaces): on success the page comes with the new session cookie; on a
//! refusal the page shows the form with the errors (as Leptos shows a form posted without
//! JavaScript) under the refusal's status (422, 429 with `Retry-After`).

use super::middleware::BODY_LIMIT;
use app::api::learner::Identify;
use app::components::identify_form::Typed;
use app::error::AppError;
use app::ssr::accounts::session::HandOver;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos::server_fn::error::{FromServerFnError, ServerFnUrlError};
use leptos::server_fn::ServerFn;
use tower::ServiceExt;

/// Identifies (the form's fields, `next` set to this session) and answers with the page.
pub async fn identify_and_show(
    State(app): State<Router>,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    // Join codes are letters and digits; anything else is no session (and must not reach the
    // form or the path built below).
    if code.is_empty() || code.len() > 64 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let page_path = format!("/w/{code}");
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let mut identify = Request::new(Body::from(form_with_next(&form, &page_path)));
    *identify.method_mut() = Method::POST;
    *identify.uri_mut() = match Identify::PATH.parse() {
        Ok(uri) => uri,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    *identify.headers_mut() = parts.headers.clone();
    identify.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    // JSON, not the browser's redirect: the answer is read here.
    identify
        .headers_mut()
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    identify.headers_mut().remove(header::CONTENT_LENGTH);
    *identify.extensions_mut() = parts.extensions.clone();
    // The identification hands the page who it identified: no second lookup of the session.
    let hand_over = HandOver::default();
    identify.extensions_mut().insert(hand_over.clone());
    let Ok(answer) = app.clone().oneshot(identify).await;

    let (status, answer_headers, error) = if answer.status().is_success() {
        (StatusCode::OK, answer.headers().clone(), None)
    } else {
        let status = answer.status();
        let headers = answer.headers().clone();
        let body = axum::body::to_bytes(answer.into_body(), BODY_LIMIT)
            .await
            .unwrap_or_default();
        (status, headers, Some(AppError::de(body)))
    };
    let refused = error.is_some();
    let target = match error {
        None => Some(page_path),
        Some(error) => with_error(&page_path, error),
    };
    let Some(target) = target.and_then(|t| t.parse().ok()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut page = Request::new(Body::empty());
    *page.uri_mut() = target;
    *page.headers_mut() = page_headers(&parts.headers, &answer_headers);
    *page.extensions_mut() = parts.extensions;
    if refused {
        // The form comes back with what was typed.
        page.extensions_mut().insert(typed(&form));
    } else if let Some(resolved) = hand_over.take() {
        page.extensions_mut().insert(resolved);
    }
    let Ok(mut res) = app.oneshot(page).await;
    for cookie in answer_headers.get_all(header::SET_COOKIE) {
        res.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    if refused && res.status() == StatusCode::OK {
        *res.status_mut() = status;
        if let Some(retry) = answer_headers.get(header::RETRY_AFTER) {
            res.headers_mut().insert(header::RETRY_AFTER, retry.clone());
        }
    }
    res
}

/// The posted form with `next` set to the session's page (whatever the form said).
fn form_with_next(form: &[(String, String)], page_path: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form.iter().filter(|(name, _)| name != "next") {
        out.append_pair(name, value);
    }
    out.append_pair("next", page_path);
    out.finish()
}

/// The identity fields of the posted form, to show again with a refusal.
fn typed(form: &[(String, String)]) -> Typed {
    let field = |wanted: &str| {
        form.iter()
            .find(|(name, _)| name == wanted)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    Typed {
        nip: field("nip"),
        name: field("name"),
        instansi: field("instansi"),
        unit_kerja: field("unit_kerja"),
    }
}

/// `page_path` with a refusal in its query, as Leptos carries a no-JavaScript form's error.
fn with_error(page_path: &str, error: AppError) -> Option<String> {
    let url = ServerFnUrlError::new(Identify::PATH, error)
        .to_url(&format!("http://netra.invalid{page_path}"))
        .ok()?;
    Some(match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    })
}

/// The request's headers for the page, as the browser would send them after the redirect: no
/// body, and the cookies the identification just set added to those it had.
fn page_headers(request: &HeaderMap, answer: &HeaderMap) -> HeaderMap {
    let mut headers = request.clone();
    for name in [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
    ] {
        headers.remove(name);
    }
    let mut cookies: Vec<String> = request
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect();
    for set in answer.get_all(header::SET_COOKIE) {
        if let Some(pair) = set.to_str().ok().and_then(|s| s.split(';').next()) {
            cookies.push(pair.trim().to_string());
        }
    }
    headers.remove(header::COOKIE);
    if let Ok(value) = HeaderValue::from_str(&cookies.join("; ")) {
        if !cookies.is_empty() {
            headers.insert(header::COOKIE, value);
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(body: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn the_form_goes_to_the_session_it_was_posted_to() {
        let form = parsed("nip=1986&next=%2Felsewhere&name=Budi+S%26Co&next=%2Fx&");
        assert_eq!(
            form_with_next(&form, "/w/ABC123"),
            "nip=1986&name=Budi+S%26Co&next=%2Fw%2FABC123"
        );
    }

    #[test]
    fn what_was_typed_is_kept_for_the_form_shown_again() {
        let form = parsed("nip=1986+09&name=Sri+%C3%84&instansi=Pemkab&next=%2Fw%2FX");
        assert_eq!(
            typed(&form),
            Typed {
                nip: "1986 09".into(),
                name: "Sri Ä".into(),
                instansi: "Pemkab".into(),
                unit_kerja: String::new(),
            }
        );
    }

    #[test]
    fn the_page_request_carries_the_new_session_cookie() {
        let mut request = HeaderMap::new();
        request.insert(header::COOKIE, HeaderValue::from_static("a=1"));
        request.insert(header::CONTENT_TYPE, HeaderValue::from_static("x"));
        let mut answer = HeaderMap::new();
        answer.insert(
            header::SET_COOKIE,
            HeaderValue::from_static("netra_sesi=t0k; Path=/; HttpOnly"),
        );
        let headers = page_headers(&request, &answer);
        assert_eq!(
            headers.get(header::COOKIE).map(|v| v.as_bytes()),
            Some(&b"a=1; netra_sesi=t0k"[..])
        );
        assert!(headers.get(header::CONTENT_TYPE).is_none());
    }

    #[test]
    fn a_refusal_travels_in_the_query_as_leptos_reads_it() {
        let target = with_error("/w/ABC123", AppError::NotFound).unwrap_or_default();
        assert!(target.starts_with("/w/ABC123?"), "{target}");
        assert!(target.contains("__path=%2Fapi%2Fidentify"), "{target}");
        assert!(target.contains("__err="), "{target}");
    }
}
