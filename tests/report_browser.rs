//! The audit report in a real browser: headless Chromium renders it, dumps
//! the DOM and prints it to PDF. Checks that the expected headings and matrix
//! are there, that a hostile notice's injected script did not run, and that
//! the print styles give a PDF with each notice on its own page.
//!
//! Needs Debian's `chromium` (`/usr/bin/chromium`, or `SELOSTE_CHROMIUM`).
//! Without it the test is skipped with a message, unless `CI` is set: CI
//! installs chromium (`.ci/run`), so there a missing browser is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seloste::lint::Linter;
use seloste::report::audit::{self, Lang};

/// Headings that try to inject script (as in tests/report.rs; not a file
/// under fixtures/, whose headings tests/spans.rs checks through a tag
/// stripper).
const HOSTILE_HEADINGS: &str = "<!DOCTYPE html>
<html lang=\"fi\"><head><meta charset=\"utf-8\"><title>Tietosuojaseloste &lt;script&gt;document.title=/PWNED/.source&lt;/script&gt;</title></head><body>
<h2>Rekisterinpitäjä &lt;b onmouseover=alert(1)&gt;</h2>
<p>Esimerkki Oy, tietosuoja@esimerkki.fi</p>
<h2>Evästeet &lt;img src=x onerror=document.body.setAttribute(/data-pwned/.source,1)&gt;</h2>
<h2>Säilytysaika</h2>
<p>Kaksi vuotta asiakassuhteen päättymisestä.</p>
</body></html>
";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `SELOSTE_CHROMIUM` when set (the only candidate then), else Debian's.
fn chromium() -> Option<PathBuf> {
    match std::env::var_os("SELOSTE_CHROMIUM") {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![
            PathBuf::from("/usr/bin/chromium"),
            PathBuf::from("/usr/bin/chromium-browser"),
        ],
    }
    .into_iter()
    .find(|p| p.is_file())
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Runs chromium headless on `url` with `extra` flags; stdout goes to
/// `stdout_to`. Killed after 90 s so a hung browser fails the test instead
/// of hanging it.
fn run_chromium(bin: &Path, dir: &Path, extra: &[String], url: &str, stdout_to: &Path) {
    let profile = dir.join(format!("profile-{}", extra.len()));
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(stdout_to).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {extra:?} exited with {status}");
            return;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {extra:?} did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn dump_dom(bin: &Path, dir: &Path, page: &Path) -> String {
    let out = dir.join(format!(
        "{}.dom",
        page.file_name().unwrap().to_string_lossy()
    ));
    run_chromium(
        bin,
        dir,
        &["--dump-dom".into()],
        &format!("file://{}", page.display()),
        &out,
    );
    std::fs::read_to_string(&out).unwrap()
}

/// The `<body ...>` start tag: where the injected handler would set
/// `data-pwned`.
fn body_tag(dom: &str) -> &str {
    let i = dom.find("<body").expect("a <body> in the DOM");
    &dom[i..i + dom[i..].find('>').unwrap() + 1]
}

fn title_of(dom: &str) -> &str {
    let i = dom.find("<title>").expect("a <title> in the DOM") + "<title>".len();
    let j = dom[i..].find("</title>").unwrap();
    &dom[i..i + j]
}

#[test]
fn report_renders_prints_and_runs_no_injected_script() {
    let Some(bin) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromium is missing but CI is set: .ci/run installs it (apt-get install chromium)"
            );
        }
        eprintln!(
            "SKIPPED report_browser: no chromium (/usr/bin/chromium); install it with \
             `apt-get install chromium` or set SELOSTE_CHROMIUM. With CI set this fails instead."
        );
        return;
    };
    let started = Instant::now();
    let dir = std::env::temp_dir().join(format!("seloste-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    // The report: the five seeds plus the two hostile notices.
    let linter = Linter::builtin();
    let mut files = Vec::new();
    for id in [
        "000_db6dfb59f197885c",
        "001_975a0f54e2969c65",
        "002_2e28cd0d57624660",
        "003_5a1dbcb573b01dc9",
        "004_c97a99f74d0b68e2",
    ] {
        let name = format!("fixtures/seeds/{id}.txt");
        let bytes = std::fs::read(root().join(&name)).unwrap();
        files.push(linter.lint_bytes(&name, &bytes, None).unwrap());
    }
    let name = "fixtures/report/hostile.html";
    let bytes = std::fs::read(root().join(name)).unwrap();
    files.push(linter.lint_bytes(name, &bytes, None).unwrap());
    files.push(
        linter
            .lint_bytes("headings.html", HOSTILE_HEADINGS.as_bytes(), None)
            .unwrap(),
    );
    let report = dir.join("report.html");
    std::fs::write(&report, audit::html(&files, &[], &linter.engine, Lang::Fi)).unwrap();

    // Controls: this browser does run inline script in a plain page, so the
    // checks below mean something; and our CSP alone stops an inline script.
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><title>x</title></head><body><p>x</p>\
         <script>document.title='RAN';document.body.setAttribute('data-pwned','1')</script></body></html>",
    )
    .unwrap();
    let dom = dump_dom(&bin, &dir, &control);
    assert_eq!(
        title_of(&dom),
        "RAN",
        "the control page's script must run: {dom}"
    );
    assert!(body_tag(&dom).contains("data-pwned"), "{dom}");
    let csp_only = dir.join("csp.html");
    std::fs::write(
        &csp_only,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>x</title></head><body><p>x</p>\
         <script>document.title='PWNED'</script><img src=x onerror=\"document.body.setAttribute('data-pwned',1)\"></body></html>",
    )
    .unwrap();
    let dom = dump_dom(&bin, &dir, &csp_only);
    assert_eq!(title_of(&dom), "x", "the CSP must block inline script");
    assert_eq!(
        body_tag(&dom),
        "<body>",
        "the CSP must block event handlers: {dom}"
    );

    // The report's DOM: headings, matrix, and no trace of the payload running.
    let dom = dump_dom(&bin, &dir, &report);
    assert_eq!(title_of(&dom), "Tietosuojaselosteiden arviointiraportti");
    assert_eq!(body_tag(&dom), "<body>", "an injected handler ran");
    assert!(!dom.contains("PWNED</title>"));
    for h in [
        "<h1>Tietosuojaselosteiden arviointiraportti</h1>",
        "<h2>Yhteenveto</h2>",
        "<h2>Kattavuusmatriisi</h2>",
        "<h2>Yleisimmät puutteet</h2>",
        "<h2>Pisteytys</h2>",
        "<h2>1. Asiakasrekisteri - tietosuojaseloste</h2>",
        "<h3>Tarkistuslista</h3>",
    ] {
        assert!(dom.contains(h), "{h} missing from the rendered DOM");
    }
    // The payload is text in the DOM, not elements.
    assert!(dom.contains(
        "<h2>6. Tietosuojaseloste &lt;script&gt;document.title='PWNED'&lt;/script&gt;</h2>"
    ));
    assert!(dom.contains(
        "<h2>7. Tietosuojaseloste &lt;script&gt;document.title=/PWNED/.source&lt;/script&gt;</h2>"
    ));
    assert!(dom.contains(
        "Evästeet &lt;img src=x onerror=document.body.setAttribute(/data-pwned/.source,1)&gt;"
    ));
    assert!(!dom.contains("<script"));
    assert!(!dom.contains("<b "));
    assert!(!dom.contains("<img"));
    // The matrix: 21 element rows plus the score row, a cell per notice.
    let i = dom.find("<table class=\"matrix\">").expect("matrix table");
    let m = &dom[i..i + dom[i..].find("</table>").unwrap()];
    assert_eq!(m.matches("<tr data-element=").count(), 21);
    assert_eq!(m.matches("<td class=\"c st-").count(), 21 * 7);
    let i = m.find("<tr data-element=\"cookies\">").unwrap();
    let row = &m[i..i + m[i..].find("</tr>").unwrap()];
    let symbols: Vec<&str> = row
        .split("</td>")
        .filter_map(|c| c.rsplit('>').next())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(symbols, ["✓", "∅", "✓", "∅", "✓", "∅", "∅", "4"], "{row}");

    // Print to PDF.
    let pdf = dir.join("report.pdf");
    run_chromium(
        &bin,
        &dir,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
        &format!("file://{}", report.display()),
        &dir.join("pdf.out"),
    );
    let bytes = std::fs::read(&pdf).expect("chromium wrote no PDF");
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    assert!(bytes.len() > 10_000);

    if have("pdftotext") {
        let out = Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let pages: Vec<&str> = text.split('\u{c}').collect();
        for h in [
            "Tietosuojaselosteiden arviointiraportti",
            "Kattavuusmatriisi",
            "Yleisimmät puutteet",
            "Tarkistuslista",
            "Ongelmat tekstissä",
            "henkilötietolain",
        ] {
            assert!(text.contains(h), "{h} missing from the PDF text");
        }
        assert!(text.contains("<script>document.title='PWNED'</script>"));
        assert!(text.contains("<script>document.title=/PWNED/.source</script>"));
        // Each notice starts a page; the matrix has a page of its own.
        for n in 1..=7 {
            let head = format!("{n}. ");
            assert!(
                pages
                    .iter()
                    .any(|p| p.trim_start().starts_with(&head) && p.contains("Tarkistuslista")),
                "notice {n} does not start a page"
            );
        }
        assert!(pages
            .iter()
            .any(|p| p.trim_start().starts_with("Kattavuusmatriisi")));
        if have("pdfinfo") {
            // The matrix page is landscape, the rest portrait.
            let out = Command::new("pdfinfo")
                .args(["-f", "1", "-l", "3"])
                .arg(&pdf)
                .output()
                .unwrap();
            let info = String::from_utf8_lossy(&out.stdout);
            let sizes: Vec<&str> = info.lines().filter(|l| l.contains(" size:")).collect();
            assert!(sizes[0].contains("594.96 x 841.92"), "{info}");
            assert!(sizes[1].contains("841.92 x 594.96"), "{info}");
        }
    } else {
        eprintln!("pdftotext (poppler-utils) not found: PDF text not checked");
    }

    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "report_browser: chromium checks took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
