//! Everything that runs only on the server: state, database access, content loading, identity.

pub mod admin;
pub mod auth;
pub mod content;
pub mod db;
pub mod interop;
pub mod learner;
pub mod operator;
pub mod quiz;
pub mod respond;
pub mod state;

pub use state::{AppState, Settings};
