//! cable-archive: turn archives of US diplomatic cables into one normalized SQLite database.
//!
//! The pipeline is the layout: [`discover`] (walk) → [`decode`] (bytes → text, by format) →
//! [`parse`] (text → [`model::Cable`]) → [`store`] (model → rows), driven by [`ingest`].

pub mod cli;
pub mod datasette;
pub mod dates;
pub mod decode;
pub mod discover;
pub mod ingest;
pub mod interrupt;
pub mod model;
pub mod parse;
pub mod query;
pub mod read;
pub mod search;
pub mod show;
pub mod stats;
pub mod store;
pub mod term;
