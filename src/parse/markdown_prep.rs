//! Pre-pass for Markdown: finds what is not Markdown text — front matter,
//! Hugo shortcodes, Liquid/Jinja tags, MDX `import`/`export` lines and
//! `{/* */}` comments, admonition fences (`:::note`), kramdown attribute
//! lines — and masks it so that pulldown-cmark never sees it, while every
//! byte offset stays the same (the masked copy has the same length).
//!
//! A mask that covers whole lines becomes spaces (blank lines, so it also
//! separates blocks, as a shortcode on its own line does when rendered). A
//! mask inside a line becomes `x` bytes: plain text to the Markdown parser,
//! which cannot turn leading spaces into an indented code block; the
//! builder drops masked bytes when it copies text.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use memchr::memmem;

use crate::textmap::MappedText;

pub(crate) struct Prepared<'a> {
    /// The source with masked ranges overwritten (same length, same line
    /// breaks, valid UTF-8).
    pub text: Cow<'a, str>,
    /// Masked ranges, sorted and disjoint.
    pub masks: Vec<Range<usize>>,
    /// The front-matter `title`, quotes excluded.
    pub title: Option<MappedText>,
    /// More than 0 when the one mask is front matter at the very top, in
    /// whole lines without a `\r`: `text` is then the source itself, not
    /// yet masked, and the masked text its lines before `blank_to` as
    /// blank lines (see [`Self::mask_front_matter`]).
    pub blank_to: usize,
}

thread_local! {
    /// See [`Prepared::give_back`].
    static SPARE_MASKED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

impl<'a> Prepared<'a> {
    /// Makes `text` the masked copy if [`prepare`] left it the source
    /// ([`Self::blank_to`]): a reader that can start at `blank_to` (the
    /// Markdown fast way) needs no copy of the whole text (one per
    /// notice: nearly every Markdown notice has front matter).
    pub fn mask_front_matter(&mut self, src: &'a str) {
        if self.blank_to > 0 {
            self.text = Cow::Owned(copy_masked(src, &self.masks));
            self.blank_to = 0;
        }
    }

    /// Gives the masked copy's buffer (about the size of the source) to the
    /// next [`prepare`] on this thread, instead of a large chunk freed and
    /// allocated again per document.
    pub fn give_back(self) {
        if let Cow::Owned(mut text) = self.text {
            text.clear();
            if text.capacity() <= 1 << 20 {
                SPARE_MASKED.with(|s| *s.borrow_mut() = text);
            }
        }
    }
}

pub(crate) fn prepare(src: &str) -> Prepared<'_> {
    let mut masks: Vec<Range<usize>> = Vec::new();
    let mut title = None;
    let mut pos = 0;
    if let Some((fm, t)) = front_matter(src) {
        pos = fm.end;
        title = t;
        masks.push(fm);
    }
    scan_body(src, pos, &mut masks);
    if masks.is_empty() {
        return Prepared {
            text: Cow::Borrowed(src),
            masks,
            title,
            blank_to: 0,
        };
    }
    // Built piece by piece: text between masks copied, masked bytes pushed
    // as ASCII, so the result is a String without validating the whole copy
    // again. That needs sorted, disjoint masks on character boundaries (a
    // masked range starts and ends at an ASCII byte); anything else takes
    // the byte-by-byte way.
    let simple = masks.windows(2).all(|w| w[0].end <= w[1].start)
        && masks.iter().all(|m| {
            m.start <= m.end && src.is_char_boundary(m.start) && src.is_char_boundary(m.end)
        });
    if !simple {
        return mask_bytes(src, masks, title);
    }
    // Front matter alone, from the first byte to a line start: masked as
    // spaces when the line after it is blank too (see `copy_masked`), so
    // its lines are blank lines, unless a `\r` stays in one.
    if let [m] = masks.as_slice() {
        if m.start == 0
            && pos == m.end
            && src[m.end..line_end(src, m.end)].trim().is_empty()
            && memchr::memchr(b'\r', &src.as_bytes()[..m.end]).is_none()
        {
            return Prepared {
                text: Cow::Borrowed(src),
                blank_to: m.end,
                masks,
                title,
            };
        }
    }
    Prepared {
        text: Cow::Owned(copy_masked(src, &masks)),
        masks,
        title,
        blank_to: 0,
    }
}

/// [`prepare`] of a text in which its body scan finds nothing to mask, or
/// `None` when its front matter alone would not leave the source as the
/// text ([`Prepared::blank_to`]). The body is not scanned: the Markdown
/// fast way declines every line that holds one of the scan's constructs
/// (their first bytes, `{` and a line that starts with `:` are outside its
/// shape, and it declines `import `/`export ` lines and `:::` after
/// Unicode whitespace), so a text it takes has no mask past its front
/// matter. (Three vector searches of each body cost ~9,000 instructions a
/// notice.)
pub(crate) fn prepare_plain(src: &str) -> Option<Prepared<'_>> {
    let Some((fm, title)) = front_matter(src) else {
        return Some(Prepared {
            text: Cow::Borrowed(src),
            masks: Vec::new(),
            title: None,
            blank_to: 0,
        });
    };
    // As `prepare` for front matter alone.
    let plain = fm.start == 0
        && src[fm.end..line_end(src, fm.end)].trim().is_empty()
        && memchr::memchr(b'\r', &src.as_bytes()[..fm.end]).is_none();
    plain.then(|| Prepared {
        text: Cow::Borrowed(src),
        blank_to: fm.end,
        masks: vec![fm],
        title,
    })
}

/// `src` with `masks` (sorted, disjoint, on character boundaries)
/// overwritten: spaces for masks of whole lines, `x` bytes for the others;
/// line breaks kept. In the buffer the last notice gave back.
fn copy_masked(src: &str, masks: &[Range<usize>]) -> String {
    let mut text = SPARE_MASKED.with(|s| std::mem::take(&mut *s.borrow_mut()));
    text.clear();
    text.reserve(src.len());
    let mut copied = 0;
    for m in masks {
        let whole_lines = src[line_start(src, m.start)..m.start].trim().is_empty()
            && src[m.end..line_end(src, m.end)].trim().is_empty();
        let fill = if whole_lines { ' ' } else { 'x' };
        text.push_str(&src[copied..m.start]);
        for &b in &src.as_bytes()[m.clone()] {
            text.push(if b == b'\n' || b == b'\r' {
                b as char
            } else {
                fill
            });
        }
        copied = m.end;
    }
    text.push_str(&src[copied..]);
    text
}

/// [`prepare`]'s masking for any masks: overwrite a copy's bytes, then
/// check it is still UTF-8.
fn mask_bytes(src: &str, masks: Vec<Range<usize>>, title: Option<MappedText>) -> Prepared<'_> {
    let mut bytes = src.as_bytes().to_vec();
    for m in &masks {
        let whole_lines = src[line_start(src, m.start)..m.start].trim().is_empty()
            && src[m.end..line_end(src, m.end)].trim().is_empty();
        let fill = if whole_lines { b' ' } else { b'x' };
        for b in &mut bytes[m.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = fill;
            }
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Prepared {
            text: Cow::Owned(text),
            masks,
            title,
            blank_to: 0,
        },
        // Cannot happen (see above); never shift offsets if it did.
        Err(_) => Prepared {
            text: Cow::Borrowed(src),
            masks: Vec::new(),
            title,
            blank_to: 0,
        },
    }
}

fn line_start(src: &str, pos: usize) -> usize {
    memchr::memrchr(b'\n', &src.as_bytes()[..pos]).map_or(0, |p| p + 1)
}

fn line_end(src: &str, pos: usize) -> usize {
    memchr::memchr(b'\n', &src.as_bytes()[pos..]).map_or(src.len(), |p| pos + p)
}

/// Lines of `src[from..]`: (start, end without `\r\n`, next line start).
fn lines_from(src: &str, from: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= src.len() {
            return None;
        }
        let start = pos;
        let nl = memchr::memchr(b'\n', &src.as_bytes()[start..]).map(|p| start + p);
        let next = nl.map_or(src.len(), |p| p + 1);
        let mut end = nl.unwrap_or(src.len());
        if end > start && src.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        pos = next;
        Some((start, end, next))
    })
}

/// YAML (`---` … `---`/`...`) or TOML (`+++` … `+++`) front matter at the
/// very top. Returns its whole range (closing line included) and its title.
fn front_matter(src: &str) -> Option<(Range<usize>, Option<MappedText>)> {
    let start = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut it = lines_from(src, start);
    let (s0, e0, _) = it.next()?;
    let first = src[s0..e0].trim_end();
    let toml = match first {
        "---" => false,
        "+++" => true,
        _ => return None,
    };
    let mut title = None;
    for (s, e, next) in it {
        let line = &src[s..e];
        let t = line.trim_end();
        let closes = if toml {
            t == "+++"
        } else {
            t == "---" || t == "..."
        };
        if closes {
            return Some((start..next, title));
        }
        if toml && line.starts_with('[') {
            // Past the top-level keys.
            continue;
        }
        if title.is_none() {
            title = title_value(src, s, e, toml);
        }
    }
    None
}

/// The value of a top-level `title:` (YAML) or `title =` (TOML) line.
fn title_value(src: &str, s: usize, e: usize, toml: bool) -> Option<MappedText> {
    let line = &src[s..e];
    let rest = line.strip_prefix("title")?;
    let rest_trim = rest.trim_start_matches([' ', '\t']);
    let sep = if toml { '=' } else { ':' };
    let after = rest_trim.strip_prefix(sep)?;
    let lead = after.len() - after.trim_start().len();
    let vstart = e - after.len() + lead;
    let v = &src[vstart..e];
    let (a, b) = match v.as_bytes().first()? {
        q @ (b'"' | b'\'') => {
            let q = *q;
            let bytes = v.as_bytes();
            let mut j = 1;
            let mut close = None;
            while j < bytes.len() {
                if bytes[j] == b'\\' && q == b'"' {
                    j += 2;
                    continue;
                }
                if bytes[j] == q {
                    close = Some(j);
                    break;
                }
                j += 1;
            }
            (1, close?)
        }
        // Block scalars and flow collections are not titles we can map.
        b'|' | b'>' | b'[' | b'{' => return None,
        _ if toml => return None,
        _ => {
            let mut end = v.len();
            if let Some(c) = v.find(" #") {
                end = c;
            }
            let t = v[..end].trim_end();
            (0, t.len())
        }
    };
    let value = &v[a..b];
    let lead = value.len() - value.trim_start().len();
    let value_t = value.trim();
    if value_t.is_empty() {
        return None;
    }
    let mut m = MappedText::new();
    m.push_verbatim(value_t, vstart + a + lead);
    Some(m)
}

/// The ASCII bytes a line that [`scan_body`] acts on may start with: the
/// whitespace `str::trim_start` takes (before an indented construct), a
/// fence's `` ` `` or `~`, the `i` and `e` of `import` and `export`, the `:`
/// of `:::` and the `{` of `{:`. (Bytes from 0x80 up may begin Unicode
/// whitespace and take the general way.)
const STARTS_CONSTRUCT: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = matches!(
            b as u8,
            b' ' | b'\t'..=b'\r' | b'`' | b'~' | b'i' | b'e' | b':' | b'{'
        );
        b += 1;
    }
    t
};

/// Whether `b` may hold a line construct of [`scan_body`]: the first
/// byte of a code fence (`` ` ``, `~`) or of a kramdown attribute list
/// (`{`), an admonition marker (`:::`), or the middle of `import ` and
/// `export ` (an MDX statement). Most texts have none, and three vector
/// searches cost less than finding every line end (about 100 instructions
/// a line).
fn may_have_line_constructs(b: &[u8]) -> bool {
    static FINDERS: OnceLock<[memmem::Finder<'static>; 2]> = OnceLock::new();
    let [colons, port] =
        FINDERS.get_or_init(|| [memmem::Finder::new(":::"), memmem::Finder::new("port ")]);
    memchr::memchr3(b'`', b'~', b'{', b).is_some()
        || colons.find(b).is_some()
        || port.find(b).is_some()
}

/// Masks template tags and MDX syntax in `src[from..]`.
fn scan_body(src: &str, from: usize, masks: &mut Vec<Range<usize>>) {
    scan_body_with(src, from, masks, true)
}

/// [`scan_body`]; `skip_plain_lines`: pass over the lines whose first byte
/// starts none of its constructs without looking further (off only in the
/// test that compares both ways).
fn scan_body_with(src: &str, from: usize, masks: &mut Vec<Range<usize>>, skip_plain_lines: bool) {
    let b = src.as_bytes();
    // Whole-line constructs first, line by line.
    let mut line_masks: Vec<Range<usize>> = Vec::new();
    // Regions the inline scan skips: masked lines and fenced code.
    let mut skips: Vec<Range<usize>> = Vec::new();
    let mut skip_until = 0;
    let mut fence: Option<(u8, usize, usize)> = None;
    let mut mdx = false;
    // A text without any line construct's opening needs no line read.
    let lines_at = if skip_plain_lines && !may_have_line_constructs(&b[from..]) {
        src.len()
    } else {
        from
    };
    for (s, e, next) in lines_from(src, lines_at) {
        if s < skip_until {
            continue;
        }
        let line = &src[s..e];
        // Most lines start with a letter, `#`, `-` or a digit: none of the
        // constructs below, and no indentation to measure.
        if skip_plain_lines
            && line
                .as_bytes()
                .first()
                .is_none_or(|&c| c.is_ascii() && !STARTS_CONSTRUCT[usize::from(c)])
        {
            continue;
        }
        let t = line.trim_start();
        // Code fences: nothing inside them is template syntax.
        let indent = line.len() - t.len();
        if indent < 4 {
            let tb = t.as_bytes();
            let c = tb.first().copied().unwrap_or(0);
            if c == b'`' || c == b'~' {
                let n = tb.iter().take_while(|&&x| x == c).count();
                if n >= 3 {
                    match fence {
                        None => {
                            fence = Some((c, n, s));
                            continue;
                        }
                        Some((fc, fnum, fs))
                            if fc == c && n >= fnum && t[n..].trim().is_empty() =>
                        {
                            skips.push(fs..next);
                            fence = None;
                            continue;
                        }
                        _ => {}
                    }
                }
            }
        }
        if fence.is_some() {
            continue;
        }
        if indent == 0 && is_mdx_statement(t) {
            mdx = true;
            let end = statement_end(src, s);
            line_masks.push(s..end);
            skips.push(s..end);
            skip_until = end;
            continue;
        }
        if indent < 4 && t.starts_with(":::") {
            // Admonition / fenced div marker: `:::note`, `:::tip[Otsikko]`,
            // `::: {.x}`, `:::`. The marker and its kind are syntax; a title
            // after it stays text.
            let tb = t.as_bytes();
            let mut j = tb.iter().take_while(|&&x| x == b':').count();
            while j < tb.len() && (tb[j].is_ascii_alphanumeric() || tb[j] == b'-' || tb[j] == b'_')
            {
                j += 1;
            }
            let rest = t[j..].trim();
            let mut mend = s + indent + j;
            if rest.starts_with('{') && rest.ends_with('}') {
                mend = e;
            }
            line_masks.push(s + indent..mend);
            skips.push(s..next);
            continue;
        }
        if indent < 4 && t.starts_with("{:") && t.trim_end().ends_with('}') {
            // kramdown attribute list / `{:toc}`
            line_masks.push(s + indent..e);
            skips.push(s..next);
            continue;
        }
    }
    if let Some((_, _, fs)) = fence {
        // An unclosed fence runs to the end of the document.
        skips.push(fs..src.len());
    }
    let tag_masks = if lines_at == src.len() && from < src.len() {
        // No `{` after `from` (`may_have_line_constructs` looked): no tag.
        Vec::new()
    } else if mdx {
        jsx_expressions(b, from, &skips)
    } else {
        template_tags(src, from, &skips)
    };
    merge_into(masks, line_masks, tag_masks);
}

/// MDX `{expression}`s (balanced braces, not across a blank line) outside
/// the skipped regions.
fn jsx_expressions(b: &[u8], from: usize, skips: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut open = 0;
    let mut i = from;
    let mut si = 0;
    let mut nl_blank = false; // only whitespace since the last newline
    while i < b.len() {
        while si < skips.len() && skips[si].end <= i {
            si += 1;
        }
        if si < skips.len() && skips[si].start <= i {
            i = skips[si].end;
            depth = 0;
            continue;
        }
        match b[i] {
            b'{' => {
                if depth == 0 {
                    open = i;
                }
                depth += 1;
            }
            b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(open..i + 1);
                }
            }
            b'\n' => {
                if nl_blank {
                    depth = 0;
                }
                nl_blank = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        if !b[i].is_ascii_whitespace() {
            nl_blank = false;
        }
        i += 1;
    }
    out
}

/// Hugo shortcodes, Liquid/Jinja tags and `{/* */}` comments outside the
/// skipped regions.
fn template_tags(src: &str, from: usize, skips: &[Range<usize>]) -> Vec<Range<usize>> {
    let b = src.as_bytes();
    let mut tag_masks: Vec<Range<usize>> = Vec::new();
    let mut no_close_braces = false; // no `}}` left
    let mut no_close_pct = false; // no `%}` left
    let mut no_close_mdx = false; // no `*/}` left
    let mut i = from;
    let mut li = 0;
    while let Some(p) = memchr::memchr(b'{', &b[i..]).map(|p| i + p) {
        // Skip over masked lines and code fences.
        while li < skips.len() && skips[li].end <= p {
            li += 1;
        }
        if li < skips.len() && skips[li].start <= p {
            i = skips[li].end;
            continue;
        }
        let next = b.get(p + 1).copied();
        let found = match next {
            Some(b'{') if !no_close_braces => {
                let r = memmem::find(&b[p + 2..], b"}}").map(|q| p + 2 + q + 2);
                no_close_braces = r.is_none();
                r
            }
            Some(b'%') if !no_close_pct => {
                let r = memmem::find(&b[p + 2..], b"%}").map(|q| p + 2 + q + 2);
                no_close_pct = r.is_none();
                // `{% comment %}…{% endcomment %}` hides everything inside.
                match r {
                    Some(end) if src[p + 2..end - 2].trim() == "comment" => {
                        memmem::find(&b[end..], b"endcomment")
                            .and_then(|q| {
                                memmem::find(&b[end + q..], b"%}").map(|z| end + q + z + 2)
                            })
                            .or(Some(end))
                    }
                    other => other,
                }
            }
            Some(b'/') if !no_close_mdx && b.get(p + 2) == Some(&b'*') => {
                let r = memmem::find(&b[p + 3..], b"*/}").map(|q| p + 3 + q + 3);
                no_close_mdx = r.is_none();
                r
            }
            _ => None,
        };
        match found {
            Some(end) => {
                tag_masks.push(p..end);
                i = end;
            }
            None => i = p + 1,
        }
    }
    tag_masks
}

/// Merges two sorted lists of ranges into `masks` (which holds at most the
/// front matter, before both).
fn merge_into(masks: &mut Vec<Range<usize>>, a: Vec<Range<usize>>, b: Vec<Range<usize>>) {
    let mut all: Vec<Range<usize>> = a.into_iter().chain(b).filter(|r| !r.is_empty()).collect();
    all.sort_by_key(|r| r.start);
    for r in all {
        match masks.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => masks.push(r),
        }
    }
}

/// An MDX ESM line: `import X from 'y'`, `import 'y'`, `export const …`.
fn is_mdx_statement(t: &str) -> bool {
    if let Some(rest) = t.strip_prefix("import ") {
        let rest = rest.trim_start();
        return rest.starts_with('\'')
            || rest.starts_with('"')
            || rest.starts_with('{')
            || rest.contains(" from ")
            || rest.trim_end().ends_with(';');
    }
    if let Some(rest) = t.strip_prefix("export ") {
        let w = rest.trim_start();
        return [
            "const ",
            "let ",
            "var ",
            "default ",
            "function ",
            "async ",
            "class ",
            "{",
            "*",
        ]
        .iter()
        .any(|k| w.starts_with(k));
    }
    false
}

/// End (next line start) of an MDX statement starting at line `s`: the
/// first line end where brackets opened in the statement are all closed.
fn statement_end(src: &str, s: usize) -> usize {
    let b = src.as_bytes();
    let mut depth: i64 = 0;
    let mut quote = 0u8;
    let mut i = s;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == quote || (c == b'\n' && quote != b'`') {
                quote = 0;
            }
        } else {
            match c {
                b'"' | b'\'' | b'`' => quote = c,
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' => depth -= 1,
                b'\n' if depth <= 0 => return i + 1,
                b'\n' => {
                    // A blank line always ends the statement (MDX rule).
                    let rest = &b[i + 1..];
                    let blank = rest
                        .iter()
                        .take_while(|&&x| x != b'\n')
                        .all(|x| x.is_ascii_whitespace());
                    if blank {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_title_unquoted_and_quoted() {
        let src = "---\nlayout: page\ntitle: \"Tietosuojaseloste\"\n---\n\nTeksti\n";
        let mut p = prepare(src);
        // Left unmasked until asked (front matter alone).
        assert_eq!(p.text, src);
        assert_eq!(p.blank_to, src.find("\n\n").unwrap() + 1);
        p.mask_front_matter(src);
        let t = p.title.unwrap();
        assert_eq!(t.text, "Tietosuojaseloste");
        assert_eq!(&src[t.full_source_range().unwrap()], "Tietosuojaseloste");
        assert_eq!(p.text.len(), src.len());
        assert!(p.text.starts_with("   \n"));
        let src = "---\ntitle: Evästeet # kommentti\n---\n";
        assert_eq!(prepare(src).title.unwrap().text, "Evästeet");
    }

    #[test]
    fn toml_title_and_unclosed_front_matter() {
        let src = "+++\ntitle = 'Jäsenrekisteri'\n[params]\ntitle = \"x\"\n+++\nA";
        assert_eq!(prepare(src).title.unwrap().text, "Jäsenrekisteri");
        let src = "---\ntitle: x\nno end";
        let p = prepare(src);
        assert!(p.title.is_none());
        assert!(p.masks.is_empty());
    }

    #[test]
    fn shortcodes_are_masked_with_same_length() {
        let src = "Katso {{< ref \"ä.md\" >}} sivu.\n{{% notice %}}\n{% include x.html %}\n```\n{{ koodi }}\n```\n";
        let p = prepare(src);
        assert_eq!(p.text.len(), src.len());
        assert_eq!(p.masks.len(), 3);
        assert!(p.text.contains("Katso xxxx"));
        assert!(p.text.contains("\n              \n"));
        assert!(!p.text.contains("{{<"));
        // Code fences are left alone.
        assert!(p.text.contains("{{ koodi }}"));
    }

    #[test]
    fn jsx_expressions_in_mdx() {
        let src =
            "import X from './x';\n\nHei {props.nimi}, {/* k */} ja {a {b}} loppu.\n\n{\n\nei\n";
        let p = prepare(src);
        assert_eq!(p.text.len(), src.len());
        assert!(
            p.text
                .contains("Hei xxxxxxxxxxxx, xxxxxxxxx ja xxxxxxx loppu."),
            "{}",
            p.text
        );
        assert!(p.text.ends_with("{\n\nei\n"));
    }

    #[test]
    fn mdx_statements_and_admonitions() {
        let src = "import Tabs from '@theme/Tabs';\nexport const meta = {\n  a: 1,\n}\n\n:::note Huomio\nTeksti\n:::\n";
        let p = prepare(src);
        assert!(p.text.starts_with("                               \n"));
        assert!(p.text.contains("xxxxxxx Huomio"));
        assert!(p.text.contains("Teksti"));
        assert!(!p.text.contains("meta"));
    }

    /// The first-byte skip of `scan_body` against the line-by-line tests
    /// on random documents of the constructs it masks and lines around them.
    #[test]
    fn plain_lines_skip_matches_the_full_scan() {
        let pieces = [
            "Teksti ",
            "ä",
            "\n",
            "\n\n",
            "\r\n",
            " ",
            "  ",
            "    ",
            "\t",
            "\u{a0}",
            "\u{2003}",
            "```",
            "~~~",
            "`",
            "import X from 'y';",
            "import ",
            "export const a = {",
            "export ",
            "}",
            "{",
            ":::note",
            ":::",
            "{:toc}",
            "{: .x}",
            "{{< x >}}",
            "{% y %}",
            "{/* z */}",
            "{a}",
            "e",
            "i",
            ":",
            "# ",
            "- ",
            "1. ",
            "\u{b}",
            "\u{c}",
        ];
        let mut next = crate::xorshift(0x51ed_2703_c4a9_8e1b);
        for _ in 0..20_000 {
            let n = next() % 40;
            let src = crate::random_text(&mut next, &pieces, n as usize);
            let (mut fast, mut full) = (Vec::new(), Vec::new());
            scan_body_with(&src, 0, &mut fast, true);
            scan_body_with(&src, 0, &mut full, false);
            assert_eq!(fast, full, "{src:?}");
        }
    }

    #[test]
    fn unclosed_tags_do_not_go_quadratic() {
        let src = "{{ a ".repeat(200_000);
        let p = prepare(&src);
        assert!(p.masks.is_empty());
    }
}
