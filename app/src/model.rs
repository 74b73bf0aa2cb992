//! DTOs and pure domain logic shared by the server and the browser (wasm-safe, no database types).

pub mod auth;
pub mod bank;
pub mod catalog;
pub mod nip;
pub mod quiz;
pub mod roster;
pub mod selfcheck;
pub mod tracking;
pub mod violations;
pub mod webinar;

/// Percent-encodes everything but RFC 3986's unreserved characters (for query values and
/// `data:` URLs).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
