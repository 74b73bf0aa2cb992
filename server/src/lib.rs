//! The `netra` server: configuration, start-up and the axum router around the Leptos app.
//! A library so integration tests can start the exact same app in-process.

#![recursion_limit = "256"]

pub mod backup;
pub mod cli;
pub mod metrics;
pub mod middleware;
pub mod page_cache;
pub mod questions;
pub mod roster;
pub mod run;
pub mod startup;
pub mod telemetry;
pub mod users;
