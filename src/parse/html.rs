//! HTML pages and site templates (placeholder until the span-exact parser lands).

use super::inline::strip_inline_html;
use super::{HeadingOracle, RawDocument};

pub fn parse(src: &str, _oracle: &dyn HeadingOracle) -> RawDocument {
    RawDocument {
        preamble: strip_inline_html(src, 0..src.len()).trimmed(),
        ..Default::default()
    }
}
