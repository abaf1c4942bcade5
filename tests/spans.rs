//! For every section of every fixture, the heading's source slice is the
//! heading as written (entities and inline tags included), and the body span
//! lies inside the file on character boundaries.

use seloste::accuracy::quote_key;
use seloste::lint::Linter;

fn fixtures() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x != "json" && x != "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn heading_spans_are_the_headings_as_written() {
    let linter = Linter::builtin();
    let files = fixtures();
    assert!(files.len() >= 5);
    let mut checked = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(r) = linter.lint_bytes(&path.display().to_string(), &bytes, None) else {
            continue;
        };
        let src = &r.source.text;
        for s in &r.notice.sections {
            let slice = &src[s.heading_span.clone()];
            assert_eq!(
                slice.trim(),
                slice,
                "{}: heading span has outer whitespace",
                path.display()
            );
            assert_eq!(
                quote_key(slice),
                quote_key(&s.heading_text),
                "{}: heading span {:?} is {:?}",
                path.display(),
                s.heading_span,
                slice
            );
            if let Some(b) = &s.body_span {
                assert!(
                    b.end <= src.len()
                        && src.is_char_boundary(b.start)
                        && src.is_char_boundary(b.end)
                );
                assert!(b.start >= s.heading_span.end || r.format != seloste::parse::Format::Text);
            }
            checked += 1;
        }
        // Every finding's text is exactly the source under its span.
        for d in &r.result.diagnostics {
            assert_eq!(&src[d.span.clone()], d.text);
        }
    }
    assert!(checked > 50, "only {checked} sections checked");
}
