//! seloste: a linter for website privacy notices.
//!
//! Data flows one way: [`source`] (bytes to text) → [`parse`] (one module per
//! format, all giving sections with spans) → [`normalize`] (NFC, soft hyphens,
//! whitespace, case; offset map kept) → [`schema`] (the canonical notice) →
//! [`engine`] (rule kinds; the catalogue is data in `rules/`) → [`report`].

pub mod accuracy;
pub mod baseline;
pub mod cli;
pub mod engine;
pub mod fetch;
pub mod lint;
pub mod lsp;
pub mod normalize;
pub mod parse;
pub mod pattern;
pub mod report;
pub mod schema;
pub mod site;
pub mod source;
pub mod source_http;
pub mod textmap;
