//! The library's front door: bytes in, a canonical notice and its findings
//! out. The CLI and the language server both call [`Linter::lint_bytes`].

use std::path::Path;

use crate::engine::{Engine, LintResult, Options};
use crate::parse::{self, Format};
use crate::schema::{self, HeadingTable, Notice};
use crate::source::{SourceError, SourceText};

/// Everything needed to lint: the catalogue, the heading tables and options.
#[derive(Debug, Clone)]
pub struct Linter {
    pub engine: Engine,
    pub headings: HeadingTable,
    pub options: Options,
}

/// One linted file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub format: Format,
    pub language: &'static str,
    pub source: SourceText,
    pub notice: Notice,
    pub result: LintResult,
}

impl Default for Linter {
    fn default() -> Self {
        Linter::builtin()
    }
}

impl Linter {
    pub fn builtin() -> Linter {
        Linter {
            engine: Engine::builtin(),
            headings: HeadingTable::builtin(),
            options: Options::default(),
        }
    }

    /// Picks the format from the name's extension, else from the content.
    pub fn detect_format(name: &str, text: &str) -> Format {
        let by_ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension);
        match by_ext {
            // A .txt file that is really a Markdown table or HTML page.
            Some(Format::Text) | None => Format::sniff(text),
            Some(f) => f,
        }
    }

    /// Parses decoded text into the canonical notice.
    pub fn notice(&self, text: &str, format: Format) -> Notice {
        let raw = parse::parse(text, format, &self.headings);
        schema::build(raw, format, &self.headings)
    }

    /// Decodes, parses and lints one file's bytes.
    pub fn lint_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        format: Option<Format>,
    ) -> Result<FileReport, SourceError> {
        let source = SourceText::decode(bytes)?;
        Ok(self.lint_source(name, source, format))
    }

    pub fn lint_source(
        &self,
        name: &str,
        source: SourceText,
        format: Option<Format>,
    ) -> FileReport {
        let format = format.unwrap_or_else(|| Linter::detect_format(name, &source.text));
        let notice = self.notice(&source.text, format);
        let result = self.engine.lint(&notice, &source.text, &self.options);
        let language = detect_language(&notice);
        FileReport {
            path: name.to_string(),
            format,
            language,
            source,
            notice,
            result,
        }
    }
}

/// The notice's main language, by counting common function words (among the
/// first 3,000 words of each text).
pub fn detect_language(n: &Notice) -> &'static str {
    // [fi, sv, en]
    let mut counts = [0u32; 3];
    for (_, t) in n.texts() {
        count_function_words(&t.text, &mut counts);
    }
    let [fi, sv, en] = counts;
    if sv > fi && sv >= en {
        "sv"
    } else if en > fi && en > sv {
        "en"
    } else {
        "fi"
    }
}

/// Adds the function words among the first 3,000 pieces of
/// `text.split(|c: char| !c.is_alphanumeric())` to `counts`.
///
/// Bytes that cannot end a word are skipped in one tight loop: ASCII
/// letters and digits, the lead byte 0xC3 (U+00C0..U+00FF: letters but ×
/// and ÷) and continuation bytes but 0x97 and 0xB7 (the second bytes of ×
/// and ÷). The loop stops only at ASCII separators, at × and ÷ (seen at
/// their second byte), and at other lead bytes, whose character is decoded
/// (a continuation byte is never reached otherwise: each decoded character
/// is stepped over whole). The byte-at-a-time loop with a branch for 0xC3
/// spent ~95 instructions per word.
fn count_function_words(text: &str, counts: &mut [u32; 3]) {
    let b = text.as_bytes();
    // Each piece but the last ends at a separator of at least one byte:
    // under 3,000 bytes the limit cannot bind.
    #[cfg(target_arch = "x86_64")]
    if b.len() < 3000 {
        return count_function_words_sse2(text, counts);
    }
    let (mut pieces, mut start, mut i) = (0, 0, 0);
    loop {
        while i < b.len() && IN_WORD[b[i] as usize] {
            i += 1;
        }
        let Some(&x) = b.get(i) else {
            break;
        };
        let (at, len) = match stop_at(text, i, x) {
            Stop::Separator { at, len } => (at, len),
            Stop::Letter { len } => {
                i += len;
                continue;
            }
        };
        if let Some(lang) = function_word(&b[start..at]) {
            counts[lang] += 1;
        }
        pieces += 1;
        if pieces == 3000 {
            return;
        }
        start = at + len;
        i = start;
    }
    if let Some(lang) = function_word(&b[start..]) {
        counts[lang] += 1;
    }
}

/// What the byte `x` at `i` of `text`, one that [`IN_WORD`] does not step
/// over, stands for.
enum Stop {
    /// A character that ends a word: where it starts, and its length.
    Separator { at: usize, len: usize },
    /// A letter or digit beyond à..ÿ, `len` bytes long.
    Letter { len: usize },
}

#[inline]
fn stop_at(text: &str, i: usize, x: u8) -> Stop {
    if x < 0x80 {
        Stop::Separator { at: i, len: 1 }
    } else if x == 0x97 || x == 0xb7 {
        // × or ÷, seen at their second byte: the lead byte 0xC3 is just
        // before (valid UTF-8).
        Stop::Separator { at: i - 1, len: 2 }
    } else {
        let c = text[i..].chars().next().unwrap_or(' ');
        if is_alphanumeric(c) {
            Stop::Letter { len: c.len_utf8() }
        } else {
            Stop::Separator {
                at: i,
                len: c.len_utf8(),
            }
        }
    }
}

/// [`count_function_words`] for a text under 3,000 bytes, 16 bytes at a
/// time: SSE2 (part of every x86-64 CPU) marks the bytes outside
/// [`IN_WORD`] and only those are looked at, where the table loop spent
/// ~7.6 instructions on every byte.
#[cfg(target_arch = "x86_64")]
fn count_function_words_sse2(text: &str, counts: &mut [u32; 3]) {
    let b = text.as_bytes();
    // `start`: where the current piece starts; `resume`: bytes before it
    // belong to characters already dealt with.
    let (mut start, mut resume) = (0, 0);
    let mut i = 0;
    while i < b.len() {
        let mut stops = match b.get(i..i + 16) {
            // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target
            // enables it); the function reads only its argument.
            Some(chunk) => unsafe { stops16(chunk.try_into().expect("16 bytes")) },
            None => {
                // The last bytes: the same bits from the table.
                let mut m = 0;
                for (k, &x) in b[i..].iter().enumerate() {
                    m |= u32::from(!IN_WORD[x as usize]) << k;
                }
                m
            }
        };
        while stops != 0 {
            let p = i + stops.trailing_zeros() as usize;
            stops &= stops - 1;
            if p < resume {
                continue;
            }
            // (Any lead byte other than 0xC3 was a stop itself and moved
            // `resume` past its bytes.)
            let (at, len) = match stop_at(text, p, b[p]) {
                Stop::Separator { at, len } => (at, len),
                Stop::Letter { len } => {
                    resume = p + len;
                    continue;
                }
            };
            // Function words have 2 to 7 bytes.
            if (2..=7).contains(&(at - start)) {
                if let Some(lang) = function_word(&b[start..at]) {
                    counts[lang] += 1;
                }
            }
            start = at + len;
            resume = start;
        }
        i += 16;
    }
    if let Some(lang) = function_word(&b[start..]) {
        counts[lang] += 1;
    }
}

/// Bit `k` set: byte `k` of the 16 is not in [`IN_WORD`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn stops16(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    let lo = i64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
    let hi = i64::from_le_bytes(chunk[8..].try_into().expect("8 bytes"));
    let v = _mm_set_epi64x(hi, lo);
    let mask = |m| _mm_movemask_epi8(m) as u32;
    // Capitals folded onto small letters by setting bit 5 (which brings no
    // other byte into a..z); bytes from 0x80 are negative as i8.
    let u = _mm_or_si128(v, _mm_set1_epi8(0x20));
    let letter = _mm_and_si128(
        _mm_cmpgt_epi8(u, _mm_set1_epi8(b'a' as i8 - 1)),
        _mm_cmplt_epi8(u, _mm_set1_epi8(b'z' as i8 + 1)),
    );
    let digit = _mm_and_si128(
        _mm_cmpgt_epi8(v, _mm_set1_epi8(b'0' as i8 - 1)),
        _mm_cmplt_epi8(v, _mm_set1_epi8(b'9' as i8 + 1)),
    );
    // 0x80..=0xBF: continuation bytes (below -64 as i8).
    let cont = mask(_mm_cmplt_epi8(v, _mm_set1_epi8(0xc0_u8 as i8)));
    let times = mask(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x97_u8 as i8)));
    let divide = mask(_mm_cmpeq_epi8(v, _mm_set1_epi8(0xb7_u8 as i8)));
    let c3 = mask(_mm_cmpeq_epi8(v, _mm_set1_epi8(0xc3_u8 as i8)));
    let good = mask(_mm_or_si128(letter, digit)) | c3 | (cont & !times & !divide);
    !good & 0xffff
}

/// The bytes [`count_function_words`] steps over inside a word.
static IN_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let x = i as u8;
        t[i] = x.is_ascii_alphanumeric()
            || x == 0xc3
            || (x >= 0x80 && x < 0xc0 && x != 0x97 && x != 0xb7);
        i += 1;
    }
    t
};

/// `u8::is_ascii_alphanumeric` as a table.
static ASCII_ALNUM: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    t
};

/// `char::is_alphanumeric`, with Latin-1 and general punctuation (what
/// notices have besides ASCII) answered without the Unicode tables.
fn is_alphanumeric(c: char) -> bool {
    match c as u32 {
        0..=0x7f => ASCII_ALNUM[c as usize],
        // ª ² ³ µ ¹ º ¼ ½ ¾, and the letters but × and ÷.
        0x80..=0xbf => matches!(
            c as u32,
            0xaa | 0xb2 | 0xb3 | 0xb5 | 0xb9 | 0xba | 0xbc | 0xbd | 0xbe
        ),
        0xc0..=0xff => c != '\u{d7}' && c != '\u{f7}',
        0x2000..=0x206f => false,
        _ => c.is_alphanumeric(),
    }
}

/// Which language's function word `w` is (0 fi, 1 sv, 2 en). Byte patterns
/// compile to a decision tree on length and bytes, where the string match
/// compared `w` with each word in turn.
fn function_word(w: &[u8]) -> Option<usize> {
    Some(match w {
        b"ja" | b"tai" | b"on" | b"ei" | b"tietoja" | b"tiedot" | b"sek\xc3\xa4" | b"voi"
        | b"jos" => 0,
        b"och" | b"eller" | b"\xc3\xa4r" | b"att" | b"som" | b"f\xc3\xb6r" | b"av" | b"inte" => 1,
        b"and" | b"or" | b"the" | b"is" | b"of" | b"to" | b"we" | b"your" | b"not" => 2,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    /// The byte-wise splitting counts the same words as `str::split`.
    #[test]
    fn language_split_matches_str_split() {
        fn reference(n: &crate::schema::Notice) -> &'static str {
            let (mut fi, mut sv, mut en) = (0, 0, 0);
            for (_, t) in n.texts() {
                for w in t.text.split(|c: char| !c.is_alphanumeric()).take(3000) {
                    match w {
                        "ja" | "tai" | "on" | "ei" | "tietoja" | "tiedot" | "sekä" | "voi"
                        | "jos" => fi += 1,
                        "och" | "eller" | "är" | "att" | "som" | "för" | "av" | "inte" => sv += 1,
                        "and" | "or" | "the" | "is" | "of" | "to" | "we" | "your" | "not" => {
                            en += 1
                        }
                        _ => {}
                    }
                }
            }
            if sv > fi && sv >= en {
                "sv"
            } else if en > fi && en > sv {
                "en"
            } else {
                "fi"
            }
        }
        let linter = super::Linter::builtin();
        let mut cases = vec![
            "och och ja".to_string(),
            "the and – ja, och·är".to_string(),
            "and ".repeat(3100) + &"ja ".repeat(10),
            "x".repeat(2999) + " och och och och",
            "och–the the".to_string(),
            "ja tai\u{a0}on ei och är¹ för".to_string(),
            format!("{}och och", ",".repeat(2998)),
            format!("{}och och", ",".repeat(2999)),
            "och×och ÷ och ja äja jaä ÿja".to_string(),
        ];
        cases.push(
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/languages/dataskyddsbeskrivning.md"
            ))
            .unwrap_or_default(),
        );
        // Fixture and corpus text, 40 lines a notice.
        for chunk in crate::sample_file_lines().chunks(40) {
            cases.push(chunk.join("\n"));
        }
        for c in &cases {
            let n = linter.notice(c, crate::parse::Format::Text);
            assert_eq!(super::detect_language(&n), reference(&n), "{c:.60}");
        }
    }

    /// The SSE2 counting agrees with `str::split` on random strings over
    /// the characters its branches care about, and on corpus lines.
    #[test]
    fn counting_agrees_with_split() {
        fn reference(t: &str) -> [u32; 3] {
            let mut counts = [0; 3];
            for w in t.split(|c: char| !c.is_alphanumeric()).take(3000) {
                if let Some(l) = super::function_word(w.as_bytes()) {
                    counts[l] += 1;
                }
            }
            counts
        }
        const ALPHABET: &[&str] = &[
            "ja",
            "och",
            "and",
            "är",
            "för",
            "sekä",
            "a",
            "Z",
            "7",
            " ",
            " ",
            ",",
            "-",
            "×",
            "÷",
            "ä",
            "Ö",
            "\u{2017}",
            "\u{2037}",
            "’",
            "–",
            "š",
            "ª",
            "²",
            "\u{a0}",
            "\u{2003}",
            "\u{3042}",
            "ﬁ",
            "\u{1f600}",
            "\n",
        ];
        let mut next = crate::xorshift(0x2545_f491_4f6c_dd1d);
        let mut texts: Vec<String> = (0..20_000)
            .map(|_| {
                let len = (next() % 40) as usize;
                (0..len)
                    .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                    .collect()
            })
            .collect();
        texts.extend(crate::sample_file_lines());
        texts.push("och ".repeat(800));
        texts.push(format!("{}och och", ",".repeat(2990)));
        for t in &texts {
            let mut got = [0; 3];
            super::count_function_words(t, &mut got);
            assert_eq!(got, reference(t), "{t:?}");
        }
    }

    #[test]
    fn fast_alphanumeric_agrees_with_unicode() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(super::is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn function_words_are_the_listed_ones() {
        let words = [
            ("ja", Some(0)),
            ("sekä", Some(0)),
            ("tietoja", Some(0)),
            ("är", Some(1)),
            ("för", Some(1)),
            ("inte", Some(1)),
            ("your", Some(2)),
            ("not", Some(2)),
            ("sek", None),
            ("j", None),
            ("", None),
            ("tietojaa", None),
        ];
        for (w, lang) in words {
            assert_eq!(super::function_word(w.as_bytes()), lang, "{w}");
        }
    }
}
