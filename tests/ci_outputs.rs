//! The machine outputs CI systems read: SARIF checked against the official
//! SARIF 2.1.0 schema, GitHub workflow commands and concise lines byte for
//! byte, stable order with many threads, exit codes for every `--fail-on`,
//! and `--baseline`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn seloste(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_seloste"));
    c.current_dir(dir);
    c
}

/// A scratch folder for one test, empty at the start.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("seloste-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// A text notice with a placeholder, the repealed law, and an empty section
/// whose heading has a `%` (escaped in workflow commands); its name has a
/// comma, a colon, a space and an ä.
const DRAFT_NAME: &str = "luonnos, v2: ä.txt";
const DRAFT: &str = "Tietosuojaseloste\n\nRekisterinpitäjä\tEsimerkki Oy, [sähköposti]\nTarkoitus\tHenkilötietolain 10 §:n mukainen\nasiakasrekisteri.\nEvästeet 100%\t\n";

/// An HTML notice whose repealed-law finding is suppressed with a reason.
const SUPPRESSED: &str = "<!DOCTYPE html><html><head><title>Tietosuojaseloste</title></head><body>\n<h1>Tietosuojaseloste</h1>\n<h2>Rekisterinpit&auml;j&auml;</h2>\n<p>Esimerkki Oy</p>\n<!-- seloste-disable-next-line repealed-law -- lainattu vuoden 2010 selosteesta -->\n<p>Henkil&ouml;tietolain mukainen rekisteri.</p>\n<h2>Ev&auml;steet</h2>\n</body></html>\n";

const SELECT: &str = "placeholder,repealed-law,empty-section";

fn draft_dir(name: &str) -> PathBuf {
    let d = scratch(name);
    std::fs::write(d.join(DRAFT_NAME), DRAFT).unwrap();
    std::fs::write(d.join("supp.html"), SUPPRESSED).unwrap();
    d
}

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the vendored SARIF schema compiles")
}

fn assert_valid_sarif(out: &Output) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    v
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let d = draft_dir("sarif");
    std::fs::write(d.join("kuva.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let out = seloste(&d)
        .args([
            "check",
            "--format",
            "sarif",
            "--select",
            SELECT,
            DRAFT_NAME,
            "supp.html",
            "kuva.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "the PNG is unreadable");
    let v = assert_valid_sarif(&out);
    let run = &v["runs"][0];
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        for field in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "helpUri",
            "defaultConfiguration",
        ] {
            assert!(!r[field].is_null(), "rule {} has no {field}", r["id"]);
        }
    }
    let results = run["results"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at the rule");
        assert!(r["partialFingerprints"]["selosteFinding/v1"].is_string());
    }
    // The file name is percent-encoded as a URI reference.
    let first = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        first["artifactLocation"]["uri"],
        "luonnos,%20v2%3A%20%C3%A4.txt"
    );
    // The schema check would catch the raw name (it did, before encoding).
    let mut raw = v.clone();
    raw["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        serde_json::json!(DRAFT_NAME);
    assert!(
        !sarif_validator().is_valid(&raw),
        "a URI with spaces must not validate"
    );
    assert_eq!(first["region"]["startLine"], 3);
    assert_eq!(first["region"]["startColumn"], 32);
    assert_eq!(first["region"]["snippet"]["text"], "[sähköposti]");
    // charOffset counts characters, like the columns: "[" is preceded by
    // "Tietosuojaseloste\n\nRekisterinpitäjä\tEsimerkki Oy, " (50 characters).
    assert_eq!(first["region"]["charOffset"], 50);
    assert_eq!(first["region"]["charLength"], 12);
    // The inline suppression's reason is the justification.
    let suppressed: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "repealed-personal-data-act");
    assert_eq!(
        suppressed[0]["suppressions"],
        serde_json::json!([{"kind": "inSource", "justification": "lainattu vuoden 2010 selosteesta"}])
    );
    // The unreadable file is a tool notification, and the run says so.
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(
        inv["toolExecutionNotifications"][0]["message"]["text"],
        "kuva.txt: this is a binary file (PNG image), not a text or HTML notice"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn sarif_over_every_fixture_and_with_no_results_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for args in [
        vec![
            "check",
            "--format",
            "sarif",
            "--all",
            "fixtures",
            "tests/fixtures/site",
        ],
        vec![
            "check",
            "--format",
            "sarif",
            "--lang",
            "en",
            "--all",
            "fixtures/html",
        ],
        vec![
            "check",
            "--format",
            "sarif",
            "--select",
            "invalid-business-id",
            "fixtures/seeds",
        ],
    ] {
        let out = seloste(root).args(&args).output().unwrap();
        // fixtures/hostile has inputs that cannot be read (exit 2); the log
        // must stay valid with them as tool notifications.
        let unreadable = args.contains(&"fixtures");
        assert!(
            matches!(out.status.code(), Some(0 | 1))
                || (unreadable && out.status.code() == Some(2)),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let v = assert_valid_sarif(&out);
        let n = v["runs"][0]["results"].as_array().unwrap().len();
        if args.contains(&"invalid-business-id") {
            assert_eq!(n, 0, "no invalid business ids in the seeds");
        } else {
            assert!(n > 20, "{args:?}: {n} results");
        }
    }
}

#[test]
fn github_annotation_lines_exactly() {
    let d = draft_dir("github");
    let out = seloste(&d)
        .args([
            "check",
            "--format",
            "github",
            "--select",
            SELECT,
            DRAFT_NAME,
            "supp.html",
            "puuttuu.html",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stdout),
        "::error file=luonnos%2C v2%3A ä.txt,line=3,endLine=3,col=32,endColumn=44,title=placeholder-text::Täyttämätön mallipohjan kohta\n\
         ::error file=luonnos%2C v2%3A ä.txt,line=4,endLine=4,col=11,endColumn=27,title=repealed-personal-data-act::Viittaus kumottuun henkilötietolakiin (523/1999)\n\
         ::error file=luonnos%2C v2%3A ä.txt,line=6,endLine=6,col=1,endColumn=14,title=empty-section::Otsikon \"Evästeet 100%25\" alla ei ole tekstiä\n\
         ::error file=supp.html,line=7,endLine=7,col=5,endColumn=18,title=empty-section::Otsikon \"Evästeet\" alla ei ole tekstiä\n\
         ::error file=puuttuu.html,title=seloste::no such file or directory\n"
    );
    // A finding over two lines gives endLine and no columns; warnings map
    // to ::warning.
    std::fs::write(
        d.join("kaksi.txt"),
        "Tietosuojaseloste\n\nRekisterinpitäjä\tEsimerkki Oy\nEvästeet\tKäytämme evästeitä.\nTarkoitus\tTietoja käsitellään\nhenkilötietolain mukaan.\n",
    )
    .unwrap();
    let out = seloste(&d)
        .args([
            "check",
            "--format",
            "github",
            "--select",
            "missing-cookies,missing-retention",
            "kaksi.txt",
        ])
        .output()
        .unwrap();
    let s = text(&out.stdout);
    assert!(
        s.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn concise_lines_exactly() {
    let d = draft_dir("concise");
    let out = seloste(&d)
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            SELECT,
            DRAFT_NAME,
            "supp.html",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "luonnos, v2: ä.txt:3:32: error[placeholder-text] Täyttämätön mallipohjan kohta\n\
         luonnos, v2: ä.txt:4:11: error[repealed-personal-data-act] Viittaus kumottuun henkilötietolakiin (523/1999)\n\
         luonnos, v2: ä.txt:6:1: error[empty-section] Otsikon \"Evästeet 100%\" alla ei ole tekstiä\n\
         supp.html:7:5: error[empty-section] Otsikon \"Evästeet\" alla ei ole tekstiä\n"
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(&d);
}

/// Many files of different sizes so that eight threads finish out of order.
fn many_files(name: &str) -> PathBuf {
    let d = scratch(name);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    for sub in [
        "fixtures/seeds",
        "fixtures/html",
        "fixtures/markdown",
        "fixtures/text",
        "fixtures/languages",
    ] {
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x != "json") {
                sources.push(p);
            }
        }
    }
    sources.sort();
    for i in 0..240 {
        let src = &sources[(i * 7) % sources.len()];
        let ext = src.extension().unwrap().to_str().unwrap();
        let sub = d.join(format!("osa{}", i % 5));
        std::fs::create_dir_all(&sub).unwrap();
        let mut bytes = std::fs::read(src).unwrap();
        // Some much larger files, so that their threads fall behind.
        if i % 37 == 0 && ext == "txt" {
            let once = bytes.clone();
            for _ in 0..40 {
                bytes.extend_from_slice(&once);
            }
        }
        std::fs::write(sub.join(format!("tietosuoja-{i:03}.{ext}")), bytes).unwrap();
    }
    d
}

#[test]
fn output_order_is_stable_with_many_threads() {
    let d = many_files("order");
    let run = |format: &str, threads: &str| {
        let out = seloste(&d)
            .args(["check", "--format", format, "--threads", threads, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        out.stdout
    };
    for format in ["concise", "json", "sarif", "github"] {
        let one = run(format, "1");
        assert!(one.len() > 10_000, "{format}: {} bytes", one.len());
        for _ in 0..3 {
            assert!(
                run(format, "8") == one,
                "{format}: --threads 8 differs from --threads 1"
            );
        }
    }
    // And the order is the sorted walk: files in path order.
    let concise = text(&run("concise", "8"));
    let mut files: Vec<&str> = concise
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    files.dedup();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert_eq!(files.len(), 240);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn exit_codes_for_every_fail_on() {
    let d = scratch("failon");
    std::fs::write(d.join("seloste.txt"), DRAFT).unwrap();
    std::fs::write(
        d.join("puhdas.txt"),
        "Tietosuojaseloste\n\nRekisterinpitäjä\tEsimerkki Oy, tietosuoja@esimerkki.fi\n",
    )
    .unwrap();
    // The placeholder finding at each severity in turn (the catalogue has
    // no info-level rules; a config sets it).
    for (severity, rank) in [("error", 3), ("warning", 2), ("info", 1)] {
        let cfg = d.join(format!("{severity}.toml"));
        std::fs::write(
            &cfg,
            format!(
                "select = [\"placeholder-text\"]\n[severity]\nplaceholder-text = \"{severity}\"\n"
            ),
        )
        .unwrap();
        for (fail_on, threshold) in [("error", 3), ("warning", 2), ("info", 1), ("never", 99)] {
            let code = |file: &str| {
                seloste(&d)
                    .args([
                        "check",
                        "--format",
                        "concise",
                        "--fail-on",
                        fail_on,
                        "--config",
                    ])
                    .arg(&cfg)
                    .arg(file)
                    .output()
                    .unwrap()
                    .status
                    .code()
            };
            let want = i32::from(rank >= threshold);
            assert_eq!(
                code("seloste.txt"),
                Some(want),
                "{severity} finding, --fail-on {fail_on}"
            );
            assert_eq!(
                code("puhdas.txt"),
                Some(0),
                "no findings, --fail-on {fail_on}"
            );
        }
    }
    // The default is warning; an unreadable input is 2 whatever --fail-on.
    let out = seloste(&d).args(["check", "seloste.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    for fail_on in ["error", "warning", "info", "never"] {
        let out = seloste(&d)
            .args(["check", "--fail-on", fail_on, "puhdas.txt", "ei-ole.txt"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--fail-on {fail_on}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn json_stays_valid_with_only_errors() {
    let d = scratch("jsonerr");
    let out = seloste(&d)
        .args(["check", "--format", "json", "ei-ole.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], serde_json::json!([]));
    assert_eq!(v["errors"][0]["path"], "ei-ole.txt");
    assert_eq!(v["summary"]["unreadable"], 1);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn baseline_hides_known_findings_and_survives_unrelated_edits() {
    let d = scratch("baseline");
    std::fs::write(d.join("seloste.txt"), DRAFT).unwrap();
    let run = |format: &str| {
        seloste(&d)
            .args([
                "check",
                "--format",
                format,
                "--select",
                SELECT,
                "--baseline",
                "seloste-baseline.json",
                "seloste.txt",
            ])
            .output()
            .unwrap()
    };
    // First run: writes today's three findings and passes.
    let out = run("concise");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stderr),
        "baseline: wrote 3 finding(s) to seloste-baseline.json; later runs report only new ones\n"
    );
    let written = std::fs::read_to_string(d.join("seloste-baseline.json")).unwrap();
    let b: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(b["version"], 1);
    assert_eq!(b["findings"].as_array().unwrap().len(), 3);
    assert_eq!(written.lines().count(), 5, "one finding a line:\n{written}");

    // Unchanged: nothing new.
    let out = run("concise");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "baseline: 3 known finding(s) hidden (seloste-baseline.json)\n"
    );

    // Lines added above move every finding down: still known. A second
    // placeholder is new and is the only one reported.
    let edited = DRAFT.replace(
        "Tietosuojaseloste\n\n",
        "Tietosuojaseloste\n\nLaatimispäivä\t1.2.2025\nRekisterin nimi\tAsiakasrekisteri\n",
    ) + "Yhteyshenkilö\t[puhelinnumero]\n";
    std::fs::write(d.join("seloste.txt"), edited).unwrap();
    let out = run("concise");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "seloste.txt:9:15: error[placeholder-text] Täyttämätön mallipohjan kohta\n"
    );
    assert_eq!(
        text(&out.stderr),
        "baseline: 3 known finding(s) hidden (seloste-baseline.json)\n"
    );
    let out = run("json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["baseline_hidden"], 3);
    assert_eq!(v["summary"]["errors"], 1);
    let out = run("human");
    assert!(
        text(&out.stdout)
            .trim_end()
            .ends_with(", 3 hidden by the baseline"),
        "{}",
        text(&out.stdout)
    );

    // A broken baseline is a usage error, not an empty one.
    std::fs::write(d.join("seloste-baseline.json"), "[1, 2").unwrap();
    let out = run("concise");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: seloste-baseline.json: not a seloste baseline"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// The benchmark's corpus generator, compiled into this test too.
#[allow(dead_code)]
#[path = "../benches/gen_corpus.rs"]
mod gen_corpus;

#[test]
fn the_benchmark_corpus_findings_are_all_reported() {
    // A small corpus (every format and language, every kind of injected
    // finding): what scripts/bench.sh verifies on 10,000 notices.
    let d = scratch("corpus");
    gen_corpus::generate(&d, 120, 1, 9000);
    let out = seloste(&d)
        .args(["check", "--format", "json", "--threads", "2"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json = std::env::temp_dir().join(format!("seloste-ci-corpus-{}.json", std::process::id()));
    std::fs::write(&json, &out.stdout).unwrap();
    assert!(gen_corpus::verify(&d, &json), "see the verify line above");
    let _ = std::fs::remove_file(&json);
    let _ = std::fs::remove_dir_all(&d);
}
