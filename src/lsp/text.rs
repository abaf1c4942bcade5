//! An open document's text, and conversion between seloste's byte offsets and
//! LSP positions in the negotiated encoding.
//!
//! LSP lines end at `\n`, `\r\n` or a lone `\r`; a position's `character` is
//! counted in UTF-16 code units unless the client and server agreed on UTF-8
//! (bytes). A position past the end of its line means the end of the line; a
//! position inside a character (between the halves of a surrogate pair, or
//! inside a UTF-8 sequence) snaps back to the character's start.

use std::ops::Range;

use gen_lsp_types as lsp;

/// The position encoding agreed at `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 if the client offers it (no conversion needed), else UTF-16,
    /// the protocol's default and the only one every client has.
    pub fn negotiate(offered: &[String]) -> Encoding {
        if offered.iter().any(|e| e == "utf-8") {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> lsp::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }
    }
}

/// Text with the byte offset of every line start.
#[derive(Debug, Clone, Default)]
pub struct Text {
    text: String,
    line_starts: Vec<usize>,
}

impl Text {
    pub fn new(text: String) -> Text {
        let mut t = Text {
            text,
            line_starts: Vec::new(),
        };
        t.reindex();
        t
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn reindex(&mut self) {
        self.line_starts.clear();
        self.line_starts.push(0);
        let b = self.text.as_bytes();
        for i in memchr::memchr2_iter(b'\n', b'\r', b) {
            // `\r\n` is one line end: count it at the `\n`.
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                continue;
            }
            self.line_starts.push(i + 1);
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 0-based `line` starts (text length past the end).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Byte offset where `line`'s content ends (before its line break).
    pub fn line_end(&self, line: usize) -> usize {
        match self.line_starts.get(line + 1) {
            Some(&next) => {
                if self.text[..next].ends_with("\r\n") {
                    next - 2
                } else {
                    next - 1
                }
            }
            None => self.text.len(),
        }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// The line break this document mostly uses (for inserted lines).
    pub fn line_break(&self) -> &'static str {
        match self.line_starts.get(1) {
            Some(&s) if self.text[..s].ends_with("\r\n") => "\r\n",
            Some(&s) if self.text[..s].ends_with('\r') => "\r",
            _ => "\n",
        }
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, offset: usize, enc: Encoding) -> lsp::Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let before = &self.text[start..offset];
        let character = match enc {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 if before.is_ascii() => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        lsp::Position {
            line: line as u32,
            character: character as u32,
        }
    }

    pub fn range(&self, span: &Range<usize>, enc: Encoding) -> lsp::Range {
        lsp::Range {
            start: self.position(span.start, enc),
            end: self.position(span.end.max(span.start), enc),
        }
    }

    /// The byte offset of an LSP position (clamped into the document).
    pub fn offset(&self, pos: lsp::Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return self.text.len();
        }
        let start = self.line_starts[line];
        let end = self.line_end(line);
        let want = pos.character as usize;
        match enc {
            Encoding::Utf8 => floor_char_boundary(&self.text, start + want.min(end - start)),
            Encoding::Utf16 => {
                let mut units = 0;
                for (i, c) in self.text[start..end].char_indices() {
                    if units + c.len_utf16() > want {
                        return start + i;
                    }
                    units += c.len_utf16();
                }
                end
            }
        }
    }

    pub fn offsets(&self, r: lsp::Range, enc: Encoding) -> Range<usize> {
        let a = self.offset(r.start, enc);
        let b = self.offset(r.end, enc);
        a.min(b)..a.max(b)
    }

    /// Applies one `didChange` content change: a ranged edit, or the whole
    /// text when `range` is `None`.
    pub fn apply(&mut self, range: Option<lsp::Range>, new_text: &str, enc: Encoding) {
        match range {
            Some(r) => {
                let span = self.offsets(r, enc);
                self.text.replace_range(span, new_text);
            }
            None => {
                self.text.clear();
                self.text.push_str(new_text);
            }
        }
        self.reindex();
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> lsp::Position {
        lsp::Position { line, character }
    }

    const LINE: &str = "Hänen ääntään 😀 henkilötietolain mukaisesti";

    #[test]
    fn multibyte_columns_in_both_encodings() {
        let t = Text::new(format!("otsikko\n{LINE}\n"));
        let at = t.as_str().find("henkilö").unwrap();
        // 16 characters before it, the emoji two UTF-16 units, 24 bytes.
        assert_eq!(t.position(at, Encoding::Utf16), pos(1, 17));
        assert_eq!(t.position(at, Encoding::Utf8), pos(1, 24));
        assert_eq!(t.offset(pos(1, 17), Encoding::Utf16), at);
        assert_eq!(t.offset(pos(1, 24), Encoding::Utf8), at);
        // Between the surrogate halves: back to the emoji's start.
        let emoji = t.as_str().find('😀').unwrap();
        assert_eq!(t.offset(pos(1, 15), Encoding::Utf16), emoji);
        // Inside a UTF-8 sequence: back to the character's start.
        assert_eq!(t.offset(pos(1, 2), Encoding::Utf8), 8 + 1);
    }

    #[test]
    fn soft_hyphen_is_one_unit_and_two_bytes() {
        let t = Text::new("henkilö\u{ad}tietolain x".into());
        let x = t.as_str().find('x').unwrap();
        assert_eq!(t.position(x, Encoding::Utf16), pos(0, 18));
        assert_eq!(t.position(x, Encoding::Utf8), pos(0, 20));
        assert_eq!(t.offset(pos(0, 18), Encoding::Utf16), x);
    }

    #[test]
    fn line_ends_and_clamping() {
        let t = Text::new("a\r\nbb\rccc\nd".into());
        assert_eq!(t.line_count(), 4);
        assert_eq!(t.line_start(1), 3);
        assert_eq!(t.line_start(2), 6);
        assert_eq!(t.line_end(0), 1);
        assert_eq!(t.line_end(1), 5);
        // Past the line's end: the end of the line, not the next line.
        assert_eq!(t.offset(pos(0, 99), Encoding::Utf16), 1);
        assert_eq!(t.offset(pos(1, 99), Encoding::Utf8), 5);
        // Past the last line: the end of the text.
        assert_eq!(t.offset(pos(9, 0), Encoding::Utf16), t.as_str().len());
        assert_eq!(t.position(t.as_str().len(), Encoding::Utf16), pos(3, 1));
        assert_eq!(t.line_break(), "\r\n");
    }

    #[test]
    fn incremental_edits_compose() {
        let mut t = Text::new(format!("{LINE}\nrivi 2\n"));
        let e = Encoding::Utf16;
        // Replace "henkilötietolain" (UTF-16 17..33) with "lain".
        t.apply(
            Some(lsp::Range {
                start: pos(0, 17),
                end: pos(0, 33),
            }),
            "lain",
            e,
        );
        assert_eq!(t.as_str(), "Hänen ääntään 😀 lain mukaisesti\nrivi 2\n");
        // Insert a line, then edit the line that moved down.
        t.apply(
            Some(lsp::Range {
                start: pos(0, 0),
                end: pos(0, 0),
            }),
            "ö\n",
            e,
        );
        t.apply(
            Some(lsp::Range {
                start: pos(2, 5),
                end: pos(2, 6),
            }),
            "kaksi",
            e,
        );
        assert_eq!(
            t.as_str(),
            "ö\nHänen ääntään 😀 lain mukaisesti\nrivi kaksi\n"
        );
        assert_eq!(t.line_count(), 4);
        t.apply(None, "uusi", e);
        assert_eq!((t.as_str(), t.line_count()), ("uusi", 1));
    }
}
