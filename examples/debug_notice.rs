//! Prints the canonical notice of a file with its preamble (a debugging aid).
fn main() {
    let path = std::env::args().nth(1).expect("usage: debug_notice FILE");
    let bytes = std::fs::read(&path).expect("read");
    let linter = seloste::lint::Linter::builtin();
    let r = linter.lint_bytes(&path, &bytes, None).expect("decode");
    println!(
        "format={:?} title={:?}",
        r.format,
        r.notice.title.as_ref().map(|t| &t.text)
    );
    println!("preamble={:?}", r.notice.preamble.text);
    if let Some(f) = r.notice.page_footer(&r.source.text) {
        println!("page footer={:?}", f.text);
    }
    for s in &r.notice.sections {
        println!(
            "[{}] {:?} -> {:?}",
            s.level,
            s.heading.text,
            s.body.text.chars().take(80).collect::<String>()
        );
    }
    for (k, v) in &r.result.elements {
        println!("{:<24} {:?}", k.name(), v.status);
    }
}
