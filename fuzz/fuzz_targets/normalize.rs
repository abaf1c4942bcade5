//! The normalizer's offset map, over text with entities and tags (atomic
//! segments) and verbatim runs, and over a slice of it (shifted map).
#![no_main]
use libfuzzer_sys::fuzz_target;
use seloste::normalize::normalize;
use seloste::parse::inline::strip_inline_html;
use seloste::textmap::MappedText;
use seloste_fuzz::invariants::{check_mapped, check_norm};

fuzz_target!(|data: &[u8]| {
    let src = seloste_fuzz::text(data);
    let src = src.as_ref();
    // Entities decoded and tags dropped: mixed verbatim and atomic runs.
    let m = strip_inline_html(src, 0..src.len());
    check_mapped("stripped", &m, src);
    let t = m.trimmed();
    check_mapped("trimmed", &t, src);
    check_norm("normalized", &normalize(m.clone()), src);
    check_norm("normalized trimmed", &normalize(t), src);
    // A verbatim copy at an offset, as a parser's piece of a bigger file.
    let mut shifted = MappedText::new();
    let pad = "<p>x</p>";
    let whole = format!("{pad}{src}");
    shifted.push_verbatim(src, pad.len());
    let n = normalize(shifted);
    check_norm("shifted", &n, &whole);
    // Normalizing is idempotent on its own output's text.
    let mut again = MappedText::new();
    again.push_verbatim(&n.text, 0);
    let n2 = normalize(again);
    check_norm("renormalized", &n2, &n.text);
});
