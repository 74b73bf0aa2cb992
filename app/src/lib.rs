//! Netra: e-learning and quizzes on the political neutrality of Indonesian civil servants (ASN).
//!
//! The same crate builds the server-rendered app (`ssr`) and the browser bundle (`hydrate`).

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use app::{shell, App};

/// Entry point of the wasm bundle: attaches to the server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
