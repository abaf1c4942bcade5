//! The whole pipeline: decode, detect or force the format, parse, normalize,
//! lint, render every report. Linting twice must give the same output.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seloste::parse::Format;
use seloste_fuzz::invariants::check_lint;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let (name, format) = match mode % 5 {
        0 => ("notice", None),
        1 => ("notice.txt", None),
        2 => ("notice.html", Some(Format::Html)),
        3 => ("notice.md", Some(Format::Markdown)),
        _ => ("notice.txt", Some(Format::Text)),
    };
    let linter = seloste_fuzz::linter();
    seloste_fuzz::invariants::set_probes(256);
    if let Ok(r) = check_lint(linter, name, bytes, format) {
        if format.is_none() {
            assert_eq!(
                r.format,
                seloste::lint::Linter::detect_format(name, &r.source.text)
            );
        }
    }
});
