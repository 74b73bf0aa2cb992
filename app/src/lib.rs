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
