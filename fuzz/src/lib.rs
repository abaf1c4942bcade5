//! Shared pieces of the fuzz targets: the invariants (also used by
//! `tests/properties.rs`) and the built-in linter, compiled once.

pub mod invariants;

use std::sync::OnceLock;

use seloste::lint::Linter;
use seloste::schema::HeadingTable;

pub fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(Linter::builtin)
}

pub fn headings() -> &'static HeadingTable {
    &linter().headings
}

/// Fuzz input as text: valid UTF-8 as is, anything else decoded lossily so
/// that every input reaches the parsers.
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}
