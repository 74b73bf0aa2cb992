//! Reusable view pieces.

pub mod connection;
pub mod countdown;
pub mod error_notice;
pub mod field;
pub mod header;
pub mod hydrated;
pub mod identify_form;
pub mod issued_code;
pub mod join_form;
pub mod progress_bar;
pub mod sign_in_form;
