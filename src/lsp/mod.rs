//! `seloste lsp`: the linter as a language server (in progress).

pub mod text;
pub mod uri;
