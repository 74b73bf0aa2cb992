//! Netra: e-learning and quizzes on the political neutrality of Indonesian civil servants (ASN).
//!
//! The same crate builds the server-rendered app (`ssr`) and the browser bundles of its islands:
//! `hydrate` for every page but the staff pages, `hydrate` + `staff` for those.

#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

#[cfg(feature = "ssr")]
pub use app::{shell, App};

/// Entry point of the wasm bundle, called once per page load before the page's islands are
/// hydrated (Leptos islands: everything else is server-rendered HTML and plain forms).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::*;
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // A form posted before its island was hydrated comes back with the error in the URL, which
    // the server rendered into the island: the island must see it too, or hydration would differ.
    if let Some(error) = window()
        .location()
        .search()
        .ok()
        .and_then(|search| posted_error(&search))
    {
        provide_context(error);
    }
    // A server function that answers with a redirect (a quiz submitted, say) moves to that page;
    // without a client-side router, as a plain navigation.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = window().location().set_href(location);
    });
    // The islands are hydrated right after this returns, in the same task; the flag is set in the
    // next one, so tests and CSS that wait for it find every island live.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The `__path` and `__err` of a URL's query (Leptos's answer to a form posted without
/// JavaScript), as the server action of that path reads them.
#[cfg(feature = "hydrate")]
fn posted_error(search: &str) -> Option<leptos::server::ServerActionError> {
    let value = |key: &str| {
        search.trim_start_matches('?').split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == key).then(|| {
                percent_encoding::percent_decode_str(&v.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    };
    Some(leptos::server::ServerActionError::new(
        &value("__path")?,
        &value("__err")?,
    ))
}
