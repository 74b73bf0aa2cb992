//! HTTP plumbing shared by the features: reading an uploaded file from a multipart
//! server-function request (with a size limit and Indonesian messages for what people actually
//! do wrong), and the plain HTTP answers of endpoints that are files, not pages.

use crate::error::AppError;
use crate::ssr::accounts::session::Resolved;
use crate::ssr::db::entities::account;
use crate::ssr::files::Format;
use axum::extract::Extension;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::server_fn::codec::MultipartData;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::HashMap;

/// The largest file accepted by an upload form (the HTTP layer allows a little more for the
/// multipart framing; see `UPLOAD_BODY_LIMIT`).
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Request-body limit for the upload endpoints in [`UPLOAD_PATHS`].
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;
/// The server functions that take files; every other request keeps the small default limit.
pub const UPLOAD_PATHS: &[&str] = &["/api/convert_bank", "/api/preview_roster"];

/// One uploaded file and the form's other (text) fields.
#[derive(Debug, Default)]
pub struct Upload {
    /// The file's name as the browser sent it (may be empty when text was pasted instead).
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub fields: HashMap<String, String>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Reads every part: the part named `file_field` is the file, the others are short text fields.
pub async fn read(data: MultipartData, file_field: &str) -> Result<Upload, AppError> {
    let too_big = || {
        AppError::invalid(
            file_field,
            format!(
                "Berkas terlalu besar: paling besar {} MB.",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        tracing::info!("unreadable upload: {e}");
        AppError::invalid(
            file_field,
            "Berkas tidak terbaca utuh. Periksa koneksi Anda lalu unggah lagi.",
        )
    };
    let Some(mut multipart) = data.into_inner() else {
        return Err(AppError::Internal);
    };
    let mut upload = Upload::default();
    while let Some(mut part) = multipart.next_field().await.map_err(|e| unreadable(&e))? {
        let name = part.name().unwrap_or_default().to_string();
        if name == file_field {
            let file_name = part.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|e| unreadable(&e))? {
                if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                    return Err(too_big());
                }
                bytes.extend_from_slice(&chunk);
            }
            // An empty file input still sends a part; keep a file that was actually chosen.
            if !bytes.is_empty() || upload.bytes.is_empty() {
                upload.file_name = file_name;
                upload.bytes = bytes;
            }
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|e| unreadable(&e))? {
                if value.len() + chunk.len() > MAX_FILE_BYTES {
                    return Err(too_big());
                }
                value.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(value)
                .map_err(|_| AppError::invalid(&name, "Isian bukan teks UTF-8 yang sah."))?;
            upload.fields.insert(name, value);
        }
    }
    Ok(upload)
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP answers

/// An `AppError` as a plain-text HTTP answer (these endpoints are not pages).
pub(crate) struct Failure(pub AppError);

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.0.to_string(),
        )
            .into_response()
    }
}

pub(crate) type Answer = Result<Response, Failure>;

pub(crate) fn account_of(resolved: &Option<Extension<Resolved>>) -> Option<account::Model> {
    resolved
        .as_ref()
        .and_then(|r| r.0.account.as_ref())
        .map(|s| s.account.clone())
}

/// A file download: its type, `Content-Disposition`, and no caching by anyone in between.
pub(crate) fn attachment(
    content_type: &'static str,
    disposition: &str,
    body: impl Into<axum::body::Body>,
) -> Response {
    let mut res = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body.into(),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// A CSV or XLSX table as a download named `<stem>.<ext>`.
pub(crate) fn table_file(format: Format, stem: &str, body: Vec<u8>) -> Response {
    attachment(
        format.content_type(),
        &content_disposition(stem, format),
        body,
    )
}

/// Builds a safe `Content-Disposition` value for a download:
/// `attachment; filename="<ascii>.<ext>"; filename*=UTF-8''<percent-encoded>.<ext>`.
///
/// The plain `filename` keeps only ASCII letters, digits, `-`, `_` and `.`
/// (anything else becomes `_`), so it can never break out of the quotes or
/// name a path; the RFC 5987 `filename*` keeps the original (Unicode) stem for
/// browsers that support it. An empty stem becomes `export`. The result is
/// always visible ASCII, valid as an HTTP header value.
#[must_use]
pub fn content_disposition(filename_stem: &str, format: Format) -> String {
    const MAX_STEM_CHARS: usize = 100;
    let ext = format.extension();

    let mut ascii = String::with_capacity(filename_stem.len().min(MAX_STEM_CHARS));
    for c in filename_stem.chars() {
        let mapped = if c.is_ascii_alphanumeric() || matches!(c, '-' | '.') {
            c
        } else {
            '_'
        };
        // Collapse runs of '_' so "Laporan — Webinar" stays readable.
        if !(mapped == '_' && ascii.ends_with('_')) {
            ascii.push(mapped);
        }
    }
    let ascii: String = ascii
        .trim_matches(|c| matches!(c, '_' | '.' | '-'))
        .chars()
        .take(MAX_STEM_CHARS)
        .collect();
    let ascii = if ascii.is_empty() {
        "export".to_owned()
    } else {
        ascii
    };

    let unicode: String = filename_stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
        .take(MAX_STEM_CHARS)
        .collect();
    let unicode = unicode.trim();
    let unicode = if unicode.is_empty() {
        ascii.as_str()
    } else {
        unicode
    };

    format!(
        "attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{}.{ext}",
        utf8_percent_encode(unicode, ATTR_CHAR_ESCAPED)
    )
}

/// RFC 5987 `attr-char`: letters, digits and `!#$&+-.^_`|~` stay; every other byte is encoded.
const ATTR_CHAR_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

// ---------------------------------------------------------------------------------------------
// The client's address

/// The address of the client a request came from: the socket peer, or, when the peer is a
/// trusted reverse proxy, the address the proxies recorded. Set once per request by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

/// The client behind `peer`. Only a peer inside `trusted` is believed: then the addresses in
/// `X-Forwarded-For` (or, without it, the `for=` of `Forwarded`) are read from the right, and
/// the first one that is not itself a trusted proxy is the client. Anything unreadable, or a
/// header sent by an untrusted peer, leaves the peer as the client (a visitor cannot choose its
/// own address by sending the header).
pub fn client_addr(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    use std::net::IpAddr;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let text = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .collect()
    };
    let mut hops: Vec<String> = text("x-forwarded-for");
    if hops.is_empty() {
        hops = text("forwarded")
            .into_iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for")
                        .then(|| value.trim_matches('"').to_string())
                })
            })
            .collect();
    }
    let parse = |hop: &str| -> Option<IpAddr> {
        let hop = hop.trim();
        // "[2001:db8::1]:4711", "192.0.2.60:8080" or a bare address.
        if let Some(inner) = hop.strip_prefix('[') {
            return inner.split(']').next()?.parse().ok();
        }
        hop.parse()
            .ok()
            .or_else(|| hop.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok()))
    };
    let mut client = peer;
    for hop in hops.iter().rev() {
        match parse(hop) {
            Some(ip) if is_trusted(&ip) => client = ip,
            Some(ip) => return ip,
            // An unreadable hop ends what can be believed.
            None => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_is_safe() {
        assert_eq!(
            content_disposition("laporan-webinar_2024", Format::Csv),
            "attachment; filename=\"laporan-webinar_2024.csv\"; filename*=UTF-8''laporan-webinar_2024.csv"
        );
        assert_eq!(
            content_disposition("Kehadiran Webinar — Bapak Ñoño", Format::Xlsx),
            "attachment; filename=\"Kehadiran_Webinar_Bapak_o_o.xlsx\"; \
             filename*=UTF-8''Kehadiran%20Webinar%20%E2%80%94%20Bapak%20%C3%91o%C3%B1o.xlsx"
        );
        let hostile = content_disposition("../../etc/passwd\"; x=\r\n", Format::Csv);
        assert!(hostile.starts_with("attachment; filename=\"etc_passwd_x.csv\"; filename*=UTF-8''"));
        assert!(
            hostile.bytes().all(|b| (0x20..0x7F).contains(&b)),
            "{hostile}"
        );
        assert!(content_disposition("", Format::Xlsx).contains("filename=\"export.xlsx\""));
        assert!(content_disposition("ééé", Format::Xlsx).contains("filename=\"export.xlsx\""));
    }

    fn proxied(peer: &str, forwarded_for: &str) -> String {
        let trusted: Vec<ipnet::IpNet> = vec![
            "10.0.0.0/8".parse().expect("net"),
            "::1/128".parse().expect("net"),
        ];
        let mut headers = axum::http::HeaderMap::new();
        if !forwarded_for.is_empty() {
            headers.insert("x-forwarded-for", forwarded_for.parse().expect("value"));
        }
        client_addr(peer.parse().expect("ip"), &headers, &trusted).to_string()
    }

    #[test]
    fn the_client_address_is_believed_only_from_trusted_proxies() {
        // Directly connected visitors cannot choose their address.
        assert_eq!(proxied("203.0.113.7", "198.51.100.1"), "203.0.113.7");
        // Behind one trusted proxy.
        assert_eq!(proxied("10.0.0.2", "198.51.100.1"), "198.51.100.1");
        // A visitor's forged first hop is skipped: the rightmost untrusted hop is the client.
        assert_eq!(
            proxied("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.5"),
            "198.51.100.1"
        );
        // Proxy without the header, or with garbage: the proxy itself.
        assert_eq!(proxied("10.0.0.2", ""), "10.0.0.2");
        assert_eq!(proxied("10.0.0.2", "unknown"), "10.0.0.2");
        assert_eq!(proxied("::1", "[2001:db8::1]:4711"), "2001:db8::1");
    }

    #[test]
    fn the_forwarded_header_is_read_without_x_forwarded_for() {
        let trusted: Vec<ipnet::IpNet> = vec!["127.0.0.1/32".parse().expect("net")];
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            "forwarded",
            "for=192.0.2.60;proto=https;by=203.0.113.43"
                .parse()
                .expect("value"),
        );
        let ip = client_addr("127.0.0.1".parse().expect("ip"), &headers, &trusted);
        assert_eq!(ip.to_string(), "192.0.2.60");
    }
}
