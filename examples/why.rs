//! Shows why an element got its status: the section keyed for it and the
//! first present/partial/demote matches (a debugging aid for rule authors).
//!
//!     cargo run --release --example why -- FILE ELEMENT
use seloste::engine::Kind;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("FILE");
    let element = args.next().expect("ELEMENT");
    let bytes = std::fs::read(&path).expect("read");
    let linter = seloste::lint::Linter::builtin();
    let r = linter.lint_bytes(&path, &bytes, None).expect("decode");
    let key = seloste::schema::Key::from_name(&element).expect("element key");
    println!("status: {:?}", r.result.elements[&key]);
    for (i, s) in r.notice.sections.iter().enumerate() {
        if s.has_key(key) {
            println!(
                "keyed section {i}: {:?} body {:?}",
                s.heading_text,
                s.body.text.chars().take(100).collect::<String>()
            );
        }
    }
    for rule in &linter.engine.rules {
        if let Kind::RequireElement {
            element: e,
            present,
            partial,
            demote,
            demote_regex,
            ..
        } = &rule.kind
        {
            if *e != key {
                continue;
            }
            for (name, set) in [
                ("present", present),
                ("partial", partial),
                ("demote", demote),
                ("demote_regex", demote_regex),
            ] {
                for (tr, t) in r.notice.texts() {
                    if let Some(m) = set.find(&t.text) {
                        let a = seloste::parse::floor_char_boundary(
                            &t.text,
                            m.start.saturating_sub(40),
                        );
                        let b = seloste::parse::floor_char_boundary(
                            &t.text,
                            (m.end + 40).min(t.text.len()),
                        );
                        println!(
                            "{name} in {tr:?}: [{}] ...{}...",
                            &t.text[m.clone()],
                            &t.text[a..b]
                        );
                        break;
                    }
                }
            }
        }
    }
}
