//! DTOs and pure domain logic shared by the server and the browser (wasm-safe, no database types).

pub mod assurance;
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

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`): the set to encode
/// for a URI component, a `data:` URL body or an RFC 5987 `filename*` value.
pub const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but RFC 3986's unreserved characters (for query values and
/// `data:` URLs). Non-ASCII text is encoded as its UTF-8 bytes, with upper-case hex digits.
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, URI_COMPONENT).to_string()
}
