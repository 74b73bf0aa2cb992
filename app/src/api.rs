//! Server functions: thin wrappers that find out who is asking, validate, call `ssr`, and
//! return DTOs from `model`. Stable endpoints so forms, tests and other clients can rely on them.

pub mod account;
pub mod admin;
pub mod bank;
pub mod catalog;
pub mod client;
pub mod learner;
pub mod operator;
pub mod quiz;
pub mod tracking;
pub mod violations;
pub mod webinar;
