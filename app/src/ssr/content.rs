//! Training content loaded from `content/`: parsed and validated once at start-up into a `Catalog`.
//!
//! A module is a folder holding `module.toml` (the manifest), `lessons/NN-slug.md` (Markdown with
//! `+++` TOML front matter, ordered by file name) and `questions.toml` (the question bank).
//! Every problem is reported with the file and line it comes from.

mod catalog;
pub mod coverage;
pub mod lint;
mod markdown;
mod parse;
pub mod violations;

pub use catalog::*;
pub use parse::load_catalog;
