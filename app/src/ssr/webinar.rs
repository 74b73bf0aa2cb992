//! Webinars: sessions with a join code and test windows, the attendee's flow, completion and
//! certificates, the live board and the host's downloads.

pub mod attendee;
pub mod board;
pub mod downloads;
pub mod form;
pub mod host;
pub mod sessions;
