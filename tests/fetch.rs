//! `seloste check URL` against a tiny HTTP server that the test starts on
//! 127.0.0.1 (nothing leaves the machine): a 200 page in ISO-8859-1 named
//! by its Content-Type, a redirect, a redirect loop, a 404, a body over the
//! size limit (with and without Content-Length), a slow server that hits a
//! short --timeout, a PDF, and a closed port. Every loop here is bounded.

#![cfg(feature = "fetch")]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The notice in ISO-8859-1: "henkilötietolain" and an empty "Evästeet".
fn latin1_notice() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(
        b"<!DOCTYPE html><html><head><title>Tietosuojaseloste</title></head><body>\n\
<h1>Tietosuojaseloste</h1>\n<h2>Rekisterinpit\xe4j\xe4</h2>\n<p>Esimerkki Oy, tietosuoja@esimerkki.fi</p>\n\
<h2>Tarkoitus</h2>\n<p>Tietoja k\xe4sitell\xe4\xe4n henkil\xf6tietolain mukaisesti.</p>\n<h2>Ev\xe4steet</h2>\n</body></html>\n",
    );
    b
}

/// A server on 127.0.0.1:0 that answers until dropped (or for 60 s at
/// most); each connection gets its own thread.
struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !flag.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        std::thread::spawn(move || handle(stream));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server { addr, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn handle(mut stream: TcpStream) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers (at most 100 lines).
    for _ in 0..100 {
        let mut l = String::new();
        match reader.read_line(&mut l) {
            Ok(0) | Err(_) => break,
            Ok(_) if l == "\r\n" || l == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let head = |status: &str, headers: &str| {
        format!("HTTP/1.1 {status}\r\nConnection: close\r\n{headers}\r\n")
    };
    let (header, body): (String, Vec<u8>) = match path.as_str() {
        "/tietosuojaseloste" => {
            let body = latin1_notice();
            (
                head(
                    "200 OK",
                    &format!(
                        "Content-Type: text/html; charset=ISO-8859-1\r\nContent-Length: {}\r\n",
                        body.len()
                    ),
                ),
                body,
            )
        }
        "/vanha-osoite" => (
            head(
                "301 Moved Permanently",
                "Location: /tietosuojaseloste\r\nContent-Length: 0\r\n",
            ),
            Vec::new(),
        ),
        p if p.starts_with("/kierre/") => {
            let n: u32 = p[8..].parse().unwrap_or(0);
            (
                head(
                    "302 Found",
                    &format!("Location: /kierre/{}\r\nContent-Length: 0\r\n", n + 1),
                ),
                Vec::new(),
            )
        }
        "/iso" | "/iso-ilman-pituutta" => {
            let len = 2_000_000;
            let headers = if path == "/iso" {
                format!("Content-Type: text/html\r\nContent-Length: {len}\r\n")
            } else {
                "Content-Type: text/html\r\n".to_string()
            };
            let _ = stream.write_all(head("200 OK", &headers).as_bytes());
            let chunk = b"<p>Tietosuojaseloste, hyvin pitk\xc3\xa4 sivu.</p>\n".repeat(1000);
            let mut sent = 0;
            while sent < len {
                if stream.write_all(&chunk).is_err() {
                    return;
                }
                sent += chunk.len();
            }
            return;
        }
        "/hidas" => {
            std::thread::sleep(Duration::from_secs(3));
            let body = latin1_notice();
            (
                head(
                    "200 OK",
                    &format!(
                        "Content-Type: text/html\r\nContent-Length: {}\r\n",
                        body.len()
                    ),
                ),
                body,
            )
        }
        "/seloste.pdf" => (
            head(
                "200 OK",
                "Content-Type: application/pdf\r\nContent-Length: 9\r\n",
            ),
            b"%PDF-1.4\n".to_vec(),
        ),
        _ => (
            head(
                "404 Not Found",
                "Content-Type: text/plain\r\nContent-Length: 9\r\n",
            ),
            b"not found".to_vec(),
        ),
    };
    let _ = stream.write_all(header.as_bytes());
    let _ = stream.write_all(&body);
}

fn seloste(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_seloste"));
    // Loopback only: no proxy from the environment in between.
    for v in [
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ] {
        c.env_remove(v);
    }
    c.args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn a_page_is_fetched_decoded_with_the_header_charset_and_linted() {
    let s = Server::start();
    let url = s.url("/tietosuojaseloste");
    let out = seloste(&["check", "--format", "json", &url]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["path"], url.as_str());
    assert_eq!(f["format"], "html");
    assert_eq!(
        f["encoding"], "windows-1252",
        "ISO-8859-1 is read as its WHATWG superset"
    );
    assert_eq!(f["chosen"]["by"], "named");
    let found: Vec<(&str, &str)> = f["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["text"].as_str().unwrap()))
        .collect();
    assert!(
        found.contains(&("repealed-personal-data-act", "henkilötietolain")),
        "{found:?}"
    );
    assert!(found.contains(&("empty-section", "Evästeet")), "{found:?}");

    // SARIF takes the URL as the artifact URI; concise lines name it too.
    let out = seloste(&["check", "--format", "sarif", &url]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        url.as_str()
    );
    let out = seloste(&[
        "check",
        "--format",
        "concise",
        "--select",
        "repealed-law",
        &url,
    ]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{url}:6:24: error[repealed-personal-data-act] Viittaus kumottuun henkilötietolakiin (523/1999)\n")
    );
}

#[test]
fn a_redirect_is_followed_and_a_loop_is_cut() {
    let s = Server::start();
    let url = s.url("/vanha-osoite");
    let out = seloste(&["check", "--format", "json", &url]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["path"], url.as_str());
    assert_eq!(v["summary"]["files"], 1);

    let url = s.url("/kierre/0");
    let out = seloste(&["check", &url]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("error: {url}: more than 5 redirects\n")
    );
}

#[test]
fn a_404_is_a_one_line_error_and_the_rest_go_on() {
    let s = Server::start();
    let missing = s.url("/puuttuu");
    let good = s.url("/tietosuojaseloste");
    let out = seloste(&[
        "check",
        "--format",
        "concise",
        "--select",
        "empty-section",
        &missing,
        &good,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("error: {missing}: the server answered HTTP 404 Not Found\n")
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with(&format!("{good}:7:5: error[empty-section]")),);
}

#[test]
fn a_body_over_the_limit_is_refused() {
    let s = Server::start();
    for path in ["/iso", "/iso-ilman-pituutta"] {
        let url = s.url(path);
        let out = seloste(&["check", "--max-fetch-size", "100000", &url]);
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert_eq!(
            stderr(&out),
            format!("error: {url}: the page is over the limit of 100000 bytes (raise it with --max-fetch-size)\n"),
            "{path}"
        );
    }
}

#[test]
fn a_slow_server_hits_the_timeout() {
    let s = Server::start();
    let url = s.url("/hidas");
    let t = Instant::now();
    let out = seloste(&["check", "--timeout", "500ms", &url]);
    let took = t.elapsed();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("error: {url}: no complete answer within 500 ms (raise it with --timeout)\n")
    );
    assert!(took < Duration::from_millis(2500), "gave up after {took:?}");
}

#[test]
fn other_schemes_non_text_and_closed_ports() {
    let out = seloste(&["check", "ftp://127.0.0.1/tietosuoja.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: ftp://127.0.0.1/tietosuoja.html: only http:// and https:// URLs can be fetched, not ftp://\n"
    );

    let s = Server::start();
    let pdf = s.url("/seloste.pdf");
    let out = seloste(&["check", &pdf]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: {pdf}: the server sent application/pdf, not an HTML or text page"
        )),
        "{}",
        stderr(&out)
    );

    // A port nobody listens on (bound, then closed).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/tietosuoja");
    let out = seloste(&["check", "--timeout", "5", &url]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err == format!("error: {url}: the server refused the connection\n")
            || err == format!("error: {url}: could not connect to the server\n"),
        "{err}"
    );
}
