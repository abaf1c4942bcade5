//! The markdown parser: every mapped range lands in the source, headings read as
//! their source slice; then the canonical notice built from it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seloste::parse::{self, Format};
use seloste_fuzz::invariants::{check_notice, check_raw};

fuzz_target!(|data: &[u8]| {
    let src = seloste_fuzz::text(data);
    let table = seloste_fuzz::headings();
    let doc = parse::parse(&src, Format::Markdown, table);
    check_raw(&src, &doc);
    let notice = seloste::schema::build(doc, Format::Markdown, table);
    check_notice(&src, &notice);
});
