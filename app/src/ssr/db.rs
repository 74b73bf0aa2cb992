//! Database access: connecting, and one module of queries per aggregate. Queries are free
//! functions over `&impl ConnectionTrait` so they run on the pool or inside a transaction.

pub mod accounts;
pub mod attempts;
pub mod certificates;
pub mod claims;
pub mod connect;
pub mod dashboards;
pub mod employees;
pub mod entities;
pub mod item_stats;
pub mod maintenance;
pub mod modules;
pub mod progress;
pub mod results;
pub mod sessions;
pub mod tallies;
pub mod webinars;
pub mod writer;

pub use connect::{
    begin_write, connect, connect_with, connect_writer, parse_synchronous, ping, SqliteSynchronous,
};
pub use writer::Writer;
