//! Question-bank interoperability: GIFT and Moodle XML in, Moodle XML and GIFT out.
//!
//! Both formats are parsed into [`BankQuestion`], the shape of one `[[question]]` table of a
//! Netra `questions.toml`, plus a report line per question (imported, skipped and why, warnings).
//! What Netra cannot represent is skipped and reported, never silently dropped.

mod bank;
pub mod gift;
pub mod moodle_xml;
mod text;

pub use bank::*;
pub use text::html_to_text;
