//! Whole sites: `seloste check public/` lints the privacy-notice pages of a
//! built static site and says which it chose (tests/fixtures/site: a notice
//! at tietosuojaseloste/index.html, one under the non-obvious name
//! asiakkaille/ehdot.html that its title gives away, one found by its
//! headings, and an index, a blog post about GDPR, a product page, a tag
//! listing named "tietosuoja" and robots.txt that must be skipped).

use std::path::{Path, PathBuf};
use std::process::Command;

fn seloste() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_seloste"));
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    c
}

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = seloste().args(args).output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    });
    (out.status.code(), v, String::from_utf8(out.stderr).unwrap())
}

fn paths(v: &serde_json::Value) -> Vec<(String, String)> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["chosen"]["by"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_site_folder_lints_only_its_notice_pages() {
    let (code, v, _) = json(&["check", "--format", "json", "site"]);
    assert_eq!(code, Some(1), "the notices have findings");
    assert_eq!(
        paths(&v),
        vec![
            ("site/asiakkaille/ehdot.html".into(), "title".into()),
            ("site/info/kanta-asiakkaat.html".into(), "headings".into()),
            ("site/tietosuojaseloste/index.html".into(), "name".into()),
        ]
    );
    assert_eq!(
        v["files"][0]["chosen"]["detail"],
        "title \"Rekisteri- ja tietosuojaseloste | Kahvila Kuura Oy\""
    );
    assert_eq!(
        v["skipped"],
        serde_json::json!([
            "site/blogi/uusi-tietosuoja-asetus/index.html",
            "site/index.html",
            "site/robots.txt",
            "site/tags/tietosuoja/index.html",
            "site/tuotteet/kahvinkeitin.html",
        ])
    );
    assert_eq!(v["summary"]["files"], 3);
    assert_eq!(v["summary"]["skipped"], 5);
    // The notices' own findings are there: the entity-written old law and
    // the empty cookie section of the notice found by its folder name.
    let rules: Vec<&str> = v["files"][2]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"repealed-personal-data-act"), "{rules:?}");
    assert!(rules.contains(&"empty-section"), "{rules:?}");
}

#[test]
fn human_mode_says_which_pages_it_chose() {
    let out = seloste().args(["check", "site"]).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim_end(),
        "site: linting 3 of 8 pages found in folders as privacy notices (--all lints every page): \
         site/asiakkaille/ehdot.html (title \"Rekisteri- ja tietosuojaseloste | Kahvila Kuura Oy\"), \
         site/info/kanta-asiakkaat.html (headings cover 5 GDPR elements), \
         site/tietosuojaseloste/index.html (file name)"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("site/tietosuojaseloste/index.html:15:60"),
        "{stdout}"
    );
    assert!(!stdout.contains("kahvinkeitin"), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("3 tiedosto(a) tarkistettu"),
        "{stdout}"
    );
}

#[test]
fn all_lints_every_page() {
    let (_, v, err) = json(&["check", "--format", "json", "--all", "site"]);
    let p = paths(&v);
    assert_eq!(p.len(), 8, "{p:?}");
    assert!(p.iter().all(|(_, by)| by == "all"));
    assert_eq!(v["skipped"], serde_json::json!([]));
    assert!(!err.contains("site:"), "{err}");
}

#[test]
fn named_files_are_always_linted() {
    let (code, v, _) = json(&[
        "check",
        "--format",
        "json",
        "site/tuotteet/kahvinkeitin.html",
        "site/index.html",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        paths(&v),
        vec![
            ("site/tuotteet/kahvinkeitin.html".into(), "named".into()),
            ("site/index.html".into(), "named".into()),
        ]
    );
}

#[test]
fn the_folder_name_counts_for_its_index_page() {
    let (_, v, _) = json(&["check", "--format", "json", "site/tietosuojaseloste"]);
    assert_eq!(
        paths(&v),
        vec![("site/tietosuojaseloste/index.html".into(), "name".into())]
    );
    let (_, v, _) = json(&["check", "--format", "json", "site/tietosuojaseloste/"]);
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
}

#[test]
fn a_folder_without_notices_is_an_error() {
    let out = seloste()
        .args(["check", "--format", "concise", "site/tuotteet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: site/tuotteet: none of the 1 pages found here looks like a privacy notice \
         (by file name, title or headings); name the notice files, or lint every page with --all\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_copied_site_with_a_notice_under_several_names() {
    // The same notice under the names web agencies use, in a scratch copy.
    let dir = std::env::temp_dir().join(format!("seloste-site-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let notice = std::fs::read(src.join("tietosuojaseloste/index.html")).unwrap();
    let other = std::fs::read(src.join("tuotteet/kahvinkeitin.html")).unwrap();
    let names = [
        "fi/rekisteriseloste.html",
        "en/privacy-policy/index.html",
        "sv/dataskyddsbeskrivning.htm",
        "sv/integritetspolicy.html",
        "evasteet.html",
        "cookie-policy.html",
        "asiakasrekisteriseloste.html",
    ];
    for n in names {
        let p: PathBuf = dir.join(n);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &notice).unwrap();
    }
    std::fs::write(dir.join("yhteystiedot.html"), &other).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_seloste"))
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let chosen: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            Path::new(p)
                .strip_prefix(&dir)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(chosen, want);
    assert_eq!(v["summary"]["skipped"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}
