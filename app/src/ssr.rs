//! Everything that runs only on the server, grouped by feature. Dependencies point one way
//! (see docs/architecture.md): `webinar`, `tracking` -> `learning`, `accounts` -> `db`,
//! `content`, `files` and the shared files beside them.

pub mod accounts;
pub mod content;
pub mod cpu;
pub mod db;
pub mod files;
pub mod http;
pub mod interop;
pub mod learning;
pub mod live;
pub mod respond;
pub mod state;
pub mod time;
pub mod tokens;
pub mod tracking;
pub mod webinar;

pub use state::{AppState, Settings};
