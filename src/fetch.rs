//! `seloste check https://example.fi/tietosuojaseloste`: fetching a notice
//! over HTTP(S) with ureq (rustls, webpki roots; behind the default `fetch`
//! feature). A timeout over the whole request, a size limit on the body
//! (after decompression), at most [`MAX_REDIRECTS`] redirects, http and https
//! only. Every failure is one line that says what to do.

use std::time::Duration;

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: u32 = 5;

/// Limits for one fetch.
#[derive(Debug, Clone, Copy)]
pub struct FetchOptions {
    pub timeout: Duration,
    pub max_size: u64,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(10),
            max_size: 10 * 1024 * 1024,
        }
    }
}

/// A fetched page.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub final_url: String,
    pub bytes: Vec<u8>,
    /// The MIME type of the Content-Type header, lowercased (`text/html`).
    pub mime_type: Option<String>,
    /// The header's `charset` parameter (an encoding_rs label).
    pub charset: Option<String>,
}

/// Whether a command-line argument is meant as a URL (`scheme://...`), so
/// that `ftp://...` gets "only http and https" rather than "no such file".
pub fn looks_like_url(arg: &str) -> bool {
    match arg.find("://") {
        Some(i) if i > 0 => arg[..i]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')),
        _ => false,
    }
}

/// Checks the scheme: http and https only.
pub fn check_scheme(url: &str) -> Result<(), String> {
    let scheme = url.split("://").next().unwrap_or("").to_ascii_lowercase();
    if scheme == "http" || scheme == "https" {
        Ok(())
    } else {
        Err(format!(
            "only http:// and https:// URLs can be fetched, not {scheme}://"
        ))
    }
}

/// Parses `--timeout`: seconds (`10`, `2.5`, `10s`) or milliseconds (`500ms`).
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        (t, 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() && v * scale <= 3600.0 => {
            Ok(Duration::from_secs_f64(v * scale))
        }
        _ => Err(format!(
            "`{s}` is not a timeout: give seconds (10, 2.5, 10s) or milliseconds (500ms), at most an hour"
        )),
    }
}

/// The `Format` a Content-Type names, when it names one.
pub fn format_for_mime(mime: &str) -> Option<crate::parse::Format> {
    use crate::parse::Format;
    match mime {
        "text/html" | "application/xhtml+xml" => Some(Format::Html),
        "text/markdown" | "text/x-markdown" => Some(Format::Markdown),
        "text/plain" => Some(Format::Text),
        _ => None,
    }
}

#[cfg(feature = "fetch")]
pub fn fetch(url: &str, opts: &FetchOptions) -> Result<Fetched, String> {
    use ureq::ResponseExt;

    check_scheme(url)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .user_agent(concat!(
            "seloste/",
            env!("CARGO_PKG_VERSION"),
            " (privacy notice linter)"
        ))
        .build()
        .into();
    let mut resp = agent
        .get(url)
        .header(
            "Accept",
            "text/html, text/plain;q=0.9, text/markdown;q=0.9, */*;q=0.1",
        )
        .call()
        .map_err(|e| describe(&e, opts))?;
    let status = resp.status();
    if !status.is_success() {
        let reason = status.canonical_reason().unwrap_or("");
        return Err(
            format!("the server answered HTTP {} {reason}", status.as_u16())
                .trim_end()
                .to_string(),
        );
    }
    let final_url = resp.get_uri().to_string();
    let body = resp.body_mut();
    let mime_type = body.mime_type().map(|m| m.to_ascii_lowercase());
    let charset = body.charset().map(|c| c.to_string());
    if let Some(m) = &mime_type {
        let textual = m.starts_with("text/")
            || m.ends_with("+xml")
            || m.ends_with("/xml")
            || m == "application/octet-stream";
        if !textual {
            return Err(format!(
                "the server sent {m}, not an HTML or text page{}",
                if m == "application/pdf" {
                    " (seloste reads HTML, Markdown and text notices; copy a PDF notice's text into a .txt file)"
                } else {
                    ""
                }
            ));
        }
    }
    if let Some(len) = body.content_length() {
        if len > opts.max_size {
            return Err(too_large(opts));
        }
    }
    let bytes = body
        .with_config()
        .limit(opts.max_size)
        .read_to_vec()
        .map_err(|e| describe(&e, opts))?;
    Ok(Fetched {
        final_url,
        bytes,
        mime_type,
        charset,
    })
}

#[cfg(not(feature = "fetch"))]
pub fn fetch(url: &str, _opts: &FetchOptions) -> Result<Fetched, String> {
    check_scheme(url)?;
    Err(
        "this seloste was built without the `fetch` feature; save the page and check the file"
            .into(),
    )
}

#[cfg(feature = "fetch")]
fn too_large(opts: &FetchOptions) -> String {
    format!(
        "the page is over the limit of {} bytes (raise it with --max-fetch-size)",
        opts.max_size
    )
}

#[cfg(feature = "fetch")]
fn describe(e: &ureq::Error, opts: &FetchOptions) -> String {
    use ureq::Error as E;
    match e {
        E::Timeout(_) => format!(
            "no complete answer within {} (raise it with --timeout)",
            human_duration(opts.timeout)
        ),
        E::BodyExceedsLimit(_) => too_large(opts),
        E::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        E::HostNotFound => "the host name could not be resolved".into(),
        E::BadUri(u) => format!("not a valid URL: {u}"),
        E::RequireHttpsOnly(_) => "only http:// and https:// URLs can be fetched".into(),
        E::ConnectionFailed => "could not connect to the server".into(),
        E::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "the server refused the connection".into(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => format!(
                "no complete answer within {} (raise it with --timeout)",
                human_duration(opts.timeout)
            ),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof => {
                "the server closed the connection before the page was complete".into()
            }
            _ => format!("network error: {io}"),
        },
        E::Tls(m) => format!("TLS error: {m}"),
        E::Rustls(r) => format!("TLS error: {r}"),
        E::LargeResponseHeader(_, _) => "the server's response headers are too large".into(),
        E::Decompress(_, io) => format!("the compressed page could not be read: {io}"),
        other => {
            // One line, whatever the library says.
            other.to_string().lines().next().unwrap_or("").to_string()
        }
    }
}

#[cfg(feature = "fetch")]
fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_detection_and_schemes() {
        assert!(looks_like_url("https://example.fi/tietosuoja"));
        assert!(looks_like_url("ftp://example.fi/x"));
        assert!(!looks_like_url("public/tietosuoja.html"));
        assert!(!looks_like_url("C:\\x"));
        assert!(check_scheme("HTTPS://example.fi").is_ok());
        assert_eq!(
            check_scheme("ftp://example.fi/a").unwrap_err(),
            "only http:// and https:// URLs can be fetched, not ftp://"
        );
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_timeout("2.5s").unwrap(), Duration::from_millis(2500));
        assert_eq!(parse_timeout("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("kymmenen").is_err());
    }
}
