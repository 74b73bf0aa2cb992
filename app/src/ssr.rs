//! Everything that runs only on the server: state, database access, content loading, identity.

pub mod admin;
pub mod assignments;
pub mod auth;
pub mod certificate_render;
pub mod certificates;
pub mod content;
pub mod db;
pub mod export;
pub mod interop;
pub mod learner;
pub mod ledger;
pub mod live;
pub mod operator;
pub mod quiz;
pub mod respond;
pub mod roster;
pub mod state;
pub mod tracking;
pub mod tracking_http;
pub mod upload;
pub mod webinar;
pub mod webinar_http;

pub use state::{AppState, Settings};
