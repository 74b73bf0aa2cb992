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
