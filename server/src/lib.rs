//! The `netra` server: configuration, start-up and the axum router around the Leptos app.
//! A library so integration tests can start the exact same app in-process.

#![recursion_limit = "256"]

pub mod cli;
pub mod http;
pub mod startup;
