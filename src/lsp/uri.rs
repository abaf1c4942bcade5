//! `file://` URIs to paths and back (the only scheme that has a folder to
//! look for `seloste.toml` in; `untitled:` buffers have none).

use std::path::{Path, PathBuf};

/// The local path of a `file://` URI, percent-decoded.
pub fn to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri
        .strip_prefix("file://")
        .or_else(|| uri.strip_prefix("FILE://"))?;
    // `file://localhost/x` and `file:///x` are the same file.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let bytes = percent_decode(rest);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        let s = String::from_utf8_lossy(&bytes).into_owned();
        // `/C:/x` → `C:/x`
        let s = match s.as_bytes() {
            [b'/', d, b':', ..] if d.is_ascii_alphabetic() => s[1..].to_string(),
            _ => s,
        };
        Some(PathBuf::from(s))
    }
}

/// A `file://` URI for a path (percent-encoding all but unreserved bytes).
pub fn from_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// The last path segment of a URI (the name seloste detects the format from).
pub fn file_name(uri: &str) -> String {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let last = path.rsplit('/').next().unwrap_or(path);
    String::from_utf8_lossy(&percent_decode(last)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_non_ascii() {
        let p = Path::new("/tmp/säännöt ja/tietosuoja%.md");
        let u = from_path(p);
        assert_eq!(
            u,
            "file:///tmp/s%C3%A4%C3%A4nn%C3%B6t%20ja/tietosuoja%25.md"
        );
        assert_eq!(to_path(&u).unwrap(), p);
        assert_eq!(file_name(&u), "tietosuoja%.md");
        assert_eq!(to_path("untitled:Untitled-1"), None);
        assert_eq!(
            to_path("file://localhost/a/b.txt").unwrap(),
            Path::new("/a/b.txt")
        );
        assert_eq!(to_path("file:///a/b%2").unwrap(), Path::new("/a/b%2"));
    }
}
