//! Snapshot of `seloste sections --format json` (the canonical notice) for
//! every fixture: a change in parsing shows up as a reviewable diff.
//! Update with `INSTA_UPDATE=always cargo test --release --test snapshots`
//! and review the `.snap` changes before committing.

use seloste::lint::Linter;

#[test]
fn canonical_notice_of_every_fixture() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut stack = vec![root.join("fixtures")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x != "json" && x != "toml") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "{} fixtures", files.len());
    let linter = Linter::builtin();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(&path).unwrap();
        let Ok(src) = seloste::source::SourceText::decode(&bytes) else {
            continue;
        };
        let format = Linter::detect_format(&rel, &src.text);
        let notice = linter.notice(&src.text, format);
        let lang = seloste::lint::detect_language(&notice);
        let v = seloste::report::json::notice(&rel, &src, &notice, lang);
        let name = rel.replace(['/', '.'], "_");
        insta::assert_json_snapshot!(name, v);
    }
}
