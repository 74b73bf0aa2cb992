//! The command line: arguments (clap, each with an environment fallback) and one module per
//! command that is not `serve`.

mod args;
pub mod backup;
pub mod questions;
pub mod roster;
pub mod run;
pub mod telemetry;
pub mod users;

pub use args::*;
