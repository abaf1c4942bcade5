//! The command line as a user runs it: exit codes, error lines, JSON.

use std::process::Command;

fn seloste() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seloste"))
}

fn tmp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("seloste-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

const GOOD: &str = "Tietosuojaseloste\n\nRekisterinpitäjä\tEsimerkki Oy, Y-tunnus 2077474-0, tietosuoja@esimerkki.fi\nTarkoitus\tAsiakassuhteen hoitaminen.\nEvästeet\t\n";

#[test]
fn json_output_follows_the_contract() {
    let p = tmp("notice.txt", GOOD.as_bytes());
    let out = seloste()
        .args(["check", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings at warning or above give exit 1"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["files"][0];
    assert_eq!(f["format"], "text");
    assert_eq!(f["language"], "fi");
    assert_eq!(f["elements"].as_object().unwrap().len(), 21);
    assert_eq!(f["elements"]["controller"]["status"], "present");
    assert_eq!(f["elements"]["controller"]["section"], 0);
    assert_eq!(f["elements"]["cookies"]["status"], "empty");
    assert_eq!(f["elements"]["retention"]["status"], "missing");
    let empty: Vec<_> = f["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "empty-section")
        .collect();
    assert_eq!(empty.len(), 1);
    let d = empty[0];
    assert_eq!(d["category"], "empty-section");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["text"], "Evästeet");
    assert_eq!(d["span"]["line"], 5);
    assert_eq!(d["span"]["column"], 1);
    let start = d["span"]["start"].as_u64().unwrap() as usize;
    assert_eq!(&GOOD[start..start + "Evästeet".len()], "Evästeet");
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn fail_on_controls_the_exit_code() {
    let p = tmp("failon.txt", GOOD.as_bytes());
    let code = |f: &str| {
        seloste()
            .args(["check", "--fail-on", f])
            .arg(&p)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code("never"), Some(0));
    assert_eq!(code("error"), Some(1));
    assert_eq!(code("warning"), Some(1));
}

#[test]
fn bad_inputs_get_one_line_errors_and_the_batch_goes_on() {
    let png = tmp("kuva.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let empty = tmp("tyhja.txt", b"");
    let good = tmp("ok.txt", GOOD.as_bytes());
    let missing = std::env::temp_dir().join("seloste-no-such-file.txt");
    let out = seloste()
        .args(["check", "--format", "concise"])
        .args([&png, &empty, &missing, &good])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "I/O errors give exit 2");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "error: {}: this is a binary file (PNG image)",
            png.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("error: {}: the file is empty", empty.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "error: {}: no such file or directory",
            missing.display()
        )),
        "{err}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("ok.txt:5:1: error[empty-section]"),
        "{stdout}"
    );
}

#[test]
fn stdin_with_a_file_name() {
    use std::io::Write;
    let mut child = seloste()
        .args([
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "seloste.txt",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(GOOD.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains(
            "seloste.txt:5:1: error[empty-section] Otsikon \"Evästeet\" alla ei ole tekstiä"
        ),
        "{s}"
    );
}

#[test]
fn broken_rule_file_points_at_its_line() {
    let dir = std::env::temp_dir().join(format!("seloste-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("oma.toml"),
        "[[rule]]\nid = \"oma\"\nkind = \"forbid-pattern\"\ncategory = \"other\"\nseverity = \"warning\"\nmessage.fi = \"x\"\nregex = ['(unclosed']\n",
    )
    .unwrap();
    let p = tmp("rules.txt", GOOD.as_bytes());
    let out = seloste()
        .args(["check", "--rules"])
        .arg(&dir)
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("oma.toml:7:10: invalid regex `(unclosed`"),
        "{err}"
    );
}

#[test]
fn explain_and_rules_list_the_catalogue() {
    let out = seloste()
        .args(["explain", "repealed-personal-data-act", "--lang", "en"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.starts_with("repealed-personal-data-act (repealed-law, forbid-pattern, error)"),
        "{s}"
    );
    assert!(s.contains("Legal reference: Henkilötietolaki 523/1999"));
    let out = seloste().args(["rules"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().lines().count() >= 30);
    let out = seloste()
        .args(["explain", "no-such-rule"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
