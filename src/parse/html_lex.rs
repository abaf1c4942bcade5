//! A single-pass tokenizer over the bytes of an HTML page or a site template.
//!
//! It yields start tags, end tags and text runs with byte spans (text is not
//! decoded here; the builder decodes entities while keeping the map), and
//! collects every comment. Besides HTML it understands just enough of the
//! languages pages are written in to take text only from the markup:
//!
//! * template tags are skipped: `<?php ?>`, `<% %>`, `{{ }}`, `{% %}`,
//!   `{# #}`, `${ }`, FreeMarker `<#…>`/`<@…>`, Smarty-style `{$x}`/`{/if}`;
//! * JavaScript/TypeScript (React components): code is skipped and JSX
//!   elements are found where an expression may start; inside JSX, `{…}`
//!   expressions are code again (which may hold more JSX), `{"text"}` is text
//!   and `{/* … */}` is a comment;
//! * Vue/Svelte/Astro: markup whose `{…}` are expressions, `---` front matter.
//!
//! Every search that may fail is either done once (it consumes the rest of
//! the input) or remembered, so the whole pass is linear in the input; there
//! is no recursion.

use memchr::{memchr, memchr2, memchr3, memmem};

use super::Comment;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Start,
    End,
    /// Text with character references to decode.
    Text,
    /// Raw text (script, style, xmp): no references.
    RawText,
    /// The inside of a JavaScript string literal shown as JSX text.
    JsText,
}

/// Element names the parser treats specially; the rest are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    /// Unknown (custom elements, JSX components).
    Other,
    /// Known phrasing elements (a, span, code, ...).
    Inline,
    /// `em` and `i`: italic, which marks sub-headings in some notices.
    Em,
    /// Known void elements without a role here (meta, link, img, ...).
    Void,
    /// Known block elements without a role here (address, pre, ...).
    Block,
    /// applet, marquee: scope boundaries.
    Scope,
    /// canvas, video, audio, map, picture: no readable text.
    Media,
    P,
    Div,
    Br,
    Hr,
    H(u8),
    Li,
    Ul,
    Ol,
    Dl,
    Dt,
    Dd,
    Table,
    Caption,
    TSect,
    Tr,
    Td,
    Th,
    Main,
    Article,
    Section,
    Aside,
    Nav,
    Header,
    Footer,
    Body,
    Html,
    Head,
    Title,
    Script,
    Style,
    Noscript,
    Template,
    Textarea,
    Xmp,
    Iframe,
    Noembed,
    Noframes,
    Plaintext,
    Svg,
    Math,
    Form,
    Button,
    Select,
    Option,
    Datalist,
    Object,
    Dialog,
    B,
    Strong,
    Summary,
    Details,
}

impl Tag {
    /// The variant's place in the declaration (under 64), for sets of
    /// tags as bit masks ([`tag_set`]): a `matches!` over a few
    /// variants of this enum (which has a payload) compiled to a jump
    /// table, which mispredicted as the tags changed. This `match` is
    /// the discriminant itself.
    #[inline(always)]
    pub(super) const fn ord(self) -> u32 {
        match self {
            Tag::Other => 0,
            Tag::Inline => 1,
            Tag::Em => 2,
            Tag::Void => 3,
            Tag::Block => 4,
            Tag::Scope => 5,
            Tag::Media => 6,
            Tag::P => 7,
            Tag::Div => 8,
            Tag::Br => 9,
            Tag::Hr => 10,
            Tag::H(_) => 11,
            Tag::Li => 12,
            Tag::Ul => 13,
            Tag::Ol => 14,
            Tag::Dl => 15,
            Tag::Dt => 16,
            Tag::Dd => 17,
            Tag::Table => 18,
            Tag::Caption => 19,
            Tag::TSect => 20,
            Tag::Tr => 21,
            Tag::Td => 22,
            Tag::Th => 23,
            Tag::Main => 24,
            Tag::Article => 25,
            Tag::Section => 26,
            Tag::Aside => 27,
            Tag::Nav => 28,
            Tag::Header => 29,
            Tag::Footer => 30,
            Tag::Body => 31,
            Tag::Html => 32,
            Tag::Head => 33,
            Tag::Title => 34,
            Tag::Script => 35,
            Tag::Style => 36,
            Tag::Noscript => 37,
            Tag::Template => 38,
            Tag::Textarea => 39,
            Tag::Xmp => 40,
            Tag::Iframe => 41,
            Tag::Noembed => 42,
            Tag::Noframes => 43,
            Tag::Plaintext => 44,
            Tag::Svg => 45,
            Tag::Math => 46,
            Tag::Form => 47,
            Tag::Button => 48,
            Tag::Select => 49,
            Tag::Option => 50,
            Tag::Datalist => 51,
            Tag::Object => 52,
            Tag::Dialog => 53,
            Tag::B => 54,
            Tag::Strong => 55,
            Tag::Summary => 56,
            Tag::Details => 57,
        }
    }

    /// The tags by [`Self::ord`] (a heading of level 1).
    pub(super) const BY_ORD: [Tag; 58] = [
        Tag::Other,
        Tag::Inline,
        Tag::Em,
        Tag::Void,
        Tag::Block,
        Tag::Scope,
        Tag::Media,
        Tag::P,
        Tag::Div,
        Tag::Br,
        Tag::Hr,
        Tag::H(1),
        Tag::Li,
        Tag::Ul,
        Tag::Ol,
        Tag::Dl,
        Tag::Dt,
        Tag::Dd,
        Tag::Table,
        Tag::Caption,
        Tag::TSect,
        Tag::Tr,
        Tag::Td,
        Tag::Th,
        Tag::Main,
        Tag::Article,
        Tag::Section,
        Tag::Aside,
        Tag::Nav,
        Tag::Header,
        Tag::Footer,
        Tag::Body,
        Tag::Html,
        Tag::Head,
        Tag::Title,
        Tag::Script,
        Tag::Style,
        Tag::Noscript,
        Tag::Template,
        Tag::Textarea,
        Tag::Xmp,
        Tag::Iframe,
        Tag::Noembed,
        Tag::Noframes,
        Tag::Plaintext,
        Tag::Svg,
        Tag::Math,
        Tag::Form,
        Tag::Button,
        Tag::Select,
        Tag::Option,
        Tag::Datalist,
        Tag::Object,
        Tag::Dialog,
        Tag::B,
        Tag::Strong,
        Tag::Summary,
        Tag::Details,
    ];

    /// Whether the tag is in `set` ([`tag_set`]).
    #[inline(always)]
    pub(super) const fn is_in(self, set: u64) -> bool {
        set >> self.ord() & 1 != 0
    }

    /// The element for a tag name (any case).
    #[inline]
    pub(super) fn of(name: &[u8]) -> Tag {
        if name.is_empty() {
            return Tag::Other;
        }
        if name.len() > 8 {
            return if name.eq_ignore_ascii_case(b"blockquote")
                || name.eq_ignore_ascii_case(b"figcaption")
            {
                Tag::Block
            } else if name.eq_ignore_ascii_case(b"plaintext") {
                Tag::Plaintext
            } else {
                Tag::Other
            };
        }
        // Byte by byte: a copy into a buffer was a `memcpy` call and a
        // stalled load of the buffer.
        let mut x = 0u64;
        for (i, &c) in name.iter().enumerate() {
            x |= u64::from(c) << (8 * i);
        }
        Tag::of_key(x)
    }

    /// [`Self::of`] for a name of up to 8 bytes read as a number (byte `i`
    /// in bits `8i..8i+8`, zero past the name).
    #[inline]
    fn of_key(x: u64) -> Tag {
        // ASCII `A..=Z` to lowercase in all eight bytes at once (as
        // `to_ascii_lowercase`): a byte's high bit after adding 0x3f / 0x25
        // to its low seven bits says it is at least `A` / above `Z`.
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let low7 = x & LOW7;
        let upper = (low7 + 0x3f3f_3f3f_3f3f_3f3f) & !(low7 + 0x2525_2525_2525_2525) & !x & HIGH;
        let k = x | (upper >> 2);
        // A perfect hash instead of a binary search (whose unpredictable
        // branches made this 4 % of parsing an HTML page).
        match TAG_SLOTS[tag_slot(k)] {
            0 => Tag::Other,
            i => {
                let (key, tag) = TAGS[i as usize - 1];
                if key == k {
                    tag
                } else {
                    Tag::Other
                }
            }
        }
    }

    /// Whether end tags must compare names (the tag stands for many names).
    pub(super) fn is_generic(self) -> bool {
        const GENERIC: u64 = tag_set(&[
            Tag::Other,
            Tag::Inline,
            Tag::Em,
            Tag::Void,
            Tag::Block,
            Tag::Scope,
            Tag::Media,
        ]);
        self.is_in(GENERIC)
    }

    pub(super) fn is_void(self) -> bool {
        const VOID: u64 = tag_set(&[Tag::Void, Tag::Br, Tag::Hr]);
        self.is_in(VOID)
    }

    /// Elements whose content the HTML tokenizer reads as raw text.
    fn raw_text(self) -> bool {
        matches!(
            self,
            Tag::Script
                | Tag::Style
                | Tag::Textarea
                | Tag::Title
                | Tag::Xmp
                | Tag::Iframe
                | Tag::Noembed
                | Tag::Noframes
                | Tag::Noscript
                | Tag::Plaintext
        )
    }
}

/// The bit mask of `tags` for [`Tag::is_in`].
pub(super) const fn tag_set(tags: &[Tag]) -> u64 {
    let mut m = 0;
    let mut i = 0;
    while i < tags.len() {
        m |= 1 << tags[i].ord();
        i += 1;
    }
    m
}

/// A tag name of up to 8 bytes as a number (byte `i` in bits `8i..8i+8`).
const fn key(s: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < s.len() {
        k |= (s[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

const fn sorted<const N: usize>(mut a: [(u64, Tag); N]) -> [(u64, Tag); N] {
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && a[j - 1].0 > a[j].0 {
            let t = a[j - 1];
            a[j - 1] = a[j];
            a[j] = t;
            j -= 1;
        }
        i += 1;
    }
    a
}

/// Multiplier of a perfect hash of the keys of [`TAGS`] into the 1024 slots
/// of [`TAG_SLOTS`] (found by a search; building the table fails to compile
/// if two keys ever share a slot: then search for another odd number).
const TAG_HASH: u64 = 0x709b_5618_1f05_849b;

const fn tag_slot(k: u64) -> usize {
    (k.wrapping_mul(TAG_HASH) >> 54) as usize
}

/// By [`tag_slot`]: 1 + the index in [`TAGS`] of the name hashed there, or 0.
static TAG_SLOTS: [u8; 1024] = {
    let mut t = [0u8; 1024];
    let mut i = 0;
    while i < TAG_LIST.len() {
        let s = tag_slot(TAG_LIST[i].0);
        assert!(t[s] == 0, "two tag names share a slot of TAG_SLOTS");
        t[s] = (i + 1) as u8;
        i += 1;
    }
    t
};

static TAGS: [(u64, Tag); 130] = TAG_LIST;

/// The known names of up to 8 bytes, sorted by [`key`] (a chain of string
/// comparisons was 6% of the parse, a binary search 4 %).
const TAG_LIST: [(u64, Tag); 130] = sorted([
    (key(b"p"), Tag::P),
    (key(b"div"), Tag::Div),
    (key(b"br"), Tag::Br),
    (key(b"hr"), Tag::Hr),
    (key(b"h1"), Tag::H(1)),
    (key(b"h2"), Tag::H(2)),
    (key(b"h3"), Tag::H(3)),
    (key(b"h4"), Tag::H(4)),
    (key(b"h5"), Tag::H(5)),
    (key(b"h6"), Tag::H(6)),
    (key(b"li"), Tag::Li),
    (key(b"ul"), Tag::Ul),
    (key(b"ol"), Tag::Ol),
    (key(b"dl"), Tag::Dl),
    (key(b"dt"), Tag::Dt),
    (key(b"dd"), Tag::Dd),
    (key(b"table"), Tag::Table),
    (key(b"caption"), Tag::Caption),
    (key(b"thead"), Tag::TSect),
    (key(b"tbody"), Tag::TSect),
    (key(b"tfoot"), Tag::TSect),
    (key(b"tr"), Tag::Tr),
    (key(b"td"), Tag::Td),
    (key(b"th"), Tag::Th),
    (key(b"main"), Tag::Main),
    (key(b"article"), Tag::Article),
    (key(b"section"), Tag::Section),
    (key(b"aside"), Tag::Aside),
    (key(b"nav"), Tag::Nav),
    (key(b"header"), Tag::Header),
    (key(b"footer"), Tag::Footer),
    (key(b"body"), Tag::Body),
    (key(b"html"), Tag::Html),
    (key(b"head"), Tag::Head),
    (key(b"title"), Tag::Title),
    (key(b"script"), Tag::Script),
    (key(b"style"), Tag::Style),
    (key(b"noscript"), Tag::Noscript),
    (key(b"template"), Tag::Template),
    (key(b"textarea"), Tag::Textarea),
    (key(b"xmp"), Tag::Xmp),
    (key(b"iframe"), Tag::Iframe),
    (key(b"noembed"), Tag::Noembed),
    (key(b"noframes"), Tag::Noframes),
    (key(b"svg"), Tag::Svg),
    (key(b"math"), Tag::Math),
    (key(b"form"), Tag::Form),
    (key(b"button"), Tag::Button),
    (key(b"select"), Tag::Select),
    (key(b"option"), Tag::Option),
    (key(b"optgroup"), Tag::Option),
    (key(b"datalist"), Tag::Datalist),
    (key(b"object"), Tag::Object),
    (key(b"dialog"), Tag::Dialog),
    (key(b"b"), Tag::B),
    (key(b"strong"), Tag::Strong),
    (key(b"summary"), Tag::Summary),
    (key(b"details"), Tag::Details),
    (key(b"applet"), Tag::Scope),
    (key(b"marquee"), Tag::Scope),
    (key(b"canvas"), Tag::Media),
    (key(b"video"), Tag::Media),
    (key(b"audio"), Tag::Media),
    (key(b"map"), Tag::Media),
    (key(b"picture"), Tag::Media),
    (key(b"address"), Tag::Block),
    (key(b"center"), Tag::Block),
    (key(b"dir"), Tag::Block),
    (key(b"fieldset"), Tag::Block),
    (key(b"figure"), Tag::Block),
    (key(b"hgroup"), Tag::Block),
    (key(b"legend"), Tag::Block),
    (key(b"listing"), Tag::Block),
    (key(b"menu"), Tag::Block),
    (key(b"pre"), Tag::Block),
    (key(b"search"), Tag::Block),
    (key(b"area"), Tag::Void),
    (key(b"base"), Tag::Void),
    (key(b"col"), Tag::Void),
    (key(b"embed"), Tag::Void),
    (key(b"img"), Tag::Void),
    (key(b"input"), Tag::Void),
    (key(b"keygen"), Tag::Void),
    (key(b"link"), Tag::Void),
    (key(b"meta"), Tag::Void),
    (key(b"param"), Tag::Void),
    (key(b"source"), Tag::Void),
    (key(b"track"), Tag::Void),
    (key(b"wbr"), Tag::Void),
    (key(b"basefont"), Tag::Void),
    (key(b"bgsound"), Tag::Void),
    (key(b"frame"), Tag::Void),
    (key(b"image"), Tag::Void),
    (key(b"a"), Tag::Inline),
    (key(b"abbr"), Tag::Inline),
    (key(b"bdi"), Tag::Inline),
    (key(b"bdo"), Tag::Inline),
    (key(b"big"), Tag::Inline),
    (key(b"cite"), Tag::Inline),
    (key(b"code"), Tag::Inline),
    (key(b"data"), Tag::Inline),
    (key(b"del"), Tag::Inline),
    (key(b"dfn"), Tag::Inline),
    (key(b"em"), Tag::Em),
    (key(b"font"), Tag::Inline),
    (key(b"i"), Tag::Em),
    (key(b"ins"), Tag::Inline),
    (key(b"kbd"), Tag::Inline),
    (key(b"label"), Tag::Inline),
    (key(b"mark"), Tag::Inline),
    (key(b"nobr"), Tag::Inline),
    (key(b"q"), Tag::Inline),
    (key(b"rp"), Tag::Inline),
    (key(b"rt"), Tag::Inline),
    (key(b"ruby"), Tag::Inline),
    (key(b"s"), Tag::Inline),
    (key(b"samp"), Tag::Inline),
    (key(b"small"), Tag::Inline),
    (key(b"span"), Tag::Inline),
    (key(b"strike"), Tag::Inline),
    (key(b"sub"), Tag::Inline),
    (key(b"sup"), Tag::Inline),
    (key(b"time"), Tag::Inline),
    (key(b"tt"), Tag::Inline),
    (key(b"u"), Tag::Inline),
    (key(b"var"), Tag::Inline),
    (key(b"output"), Tag::Inline),
    (key(b"meter"), Tag::Inline),
    (key(b"progress"), Tag::Inline),
    (key(b"colgroup"), Tag::Inline),
]);

/// Token flags.
pub(super) const SELF_CLOSING: u8 = 1;
/// Bold by default (b, strong) or by style/class.
pub(super) const BOLD: u8 = 2;
/// Explicitly not bold (`<b style="font-weight:normal">`).
pub(super) const NOT_BOLD: u8 = 4;
/// Italic (em, i): a line of it is a heading only if the oracle knows it.
pub(super) const ITALIC: u8 = 64;
/// Site chrome by attributes: a cookie banner, `role="navigation"`, ...
pub(super) const CHROME: u8 = 8;
/// `role="main"`.
pub(super) const MAIN: u8 = 16;
/// A tag of a JSX tree (explicitly closed; no HTML implied end tags), or
/// JSX text (whitespace with a line break in it is no space).
pub(super) const JSX: u8 = 32;
/// A text token of ASCII whitespace only (indentation between tags).
pub(super) const BLANK: u8 = 128;

/// One token. For tags, `start..end` is the whole tag and the name is
/// `start + 1 (+1 for an end tag)..name_end`; for text it is the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token {
    pub start: u32,
    pub end: u32,
    pub name_end: u32,
    pub kind: Kind,
    pub tag: Tag,
    pub flags: u8,
    /// Heading level given by attributes (`component="h2"`, `role="heading"`).
    pub level: u8,
    /// For a tag: the bytes of indentation right before it
    /// (`start - ws..start`, ASCII whitespace only, as a [`BLANK`] text).
    /// A quarter of a page's tokens were such texts, each a token of its
    /// own for the structure pass and the builder to step over.
    pub ws: u16,
}

impl Token {
    /// Where the indentation before this tag starts ([`Self::ws`]).
    pub(super) fn ws_start(&self) -> usize {
        (self.start - u32::from(self.ws)) as usize
    }
}

impl Token {
    pub(super) fn name<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        let off = if self.kind == Kind::End { 2 } else { 1 };
        src.get(self.start as usize + off..self.name_end as usize)
            .unwrap_or(&[])
    }
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Markup. `braces`: `{…}` in text is an expression; `raw`: script,
    /// style etc. hold raw text; `nested`: JSX inside code, which ends when
    /// `depth` (open elements) returns to 0.
    Markup {
        braces: bool,
        raw: bool,
        nested: bool,
        depth: u32,
    },
    /// JavaScript. `expr`: pushed for a `{…}` expression, ends at its `}`;
    /// `operand_next`: an expression may start here (so `<` opens JSX and
    /// `/` a regular expression).
    Code {
        depth: u32,
        expr: bool,
        operand_next: bool,
    },
    /// Inside a template literal.
    TemplateLit,
}

/// Closing delimiters whose failed searches are remembered.
#[derive(Clone, Copy)]
enum Needle {
    CommentEnd,
    PhpEnd,
    AspEnd,
    Mustache,
    Mustache3,
    JinjaBlock,
    JinjaComment,
    Bang,
    Brace,
    Gt,
    CdataEnd,
    StarSlash,
    StarBrace,
}

const NEEDLES: usize = 13;

impl Needle {
    fn bytes(self) -> &'static [u8] {
        match self {
            Needle::CommentEnd => b"-->",
            Needle::PhpEnd => b"?>",
            Needle::AspEnd => b"%>",
            Needle::Mustache => b"}}",
            Needle::Mustache3 => b"}}}",
            Needle::JinjaBlock => b"%}",
            Needle::JinjaComment => b"#}",
            Needle::Bang => b"!!}",
            Needle::Brace => b"}",
            Needle::Gt => b">",
            Needle::CdataEnd => b"]]>",
            Needle::StarSlash => b"*/",
            Needle::StarBrace => b"*}",
        }
    }
}

/// The kind of source, guessed from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    /// HTML or a template that is mostly HTML (PHP, Twig, ERB, ...).
    Markup,
    /// Markup whose `{…}` are expressions (Svelte, Astro, Vue).
    BraceMarkup,
    /// JavaScript/TypeScript with JSX.
    Script,
}

/// Guesses the flavor and where reading starts (after front matter).
pub(super) fn sniff(src: &str) -> (Flavor, usize) {
    let b = src.as_bytes();
    let mut i = 0;
    if b.starts_with("\u{feff}".as_bytes()) {
        i = 3;
    }
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let rest = &b[i..];
    // Front matter (Astro, Markdown-ish templates): skip to the closing `---`.
    if rest.starts_with(b"---")
        && rest[3..]
            .iter()
            .take_while(|c| **c != b'\n')
            .all(|c| c.is_ascii_whitespace())
    {
        let mut line = i + 3 + memchr(b'\n', &b[i + 3..]).unwrap_or(b.len() - i - 3);
        while line < b.len() {
            let start = line + 1;
            let end = memchr(b'\n', &b[start.min(b.len())..]).map_or(b.len(), |o| start + o);
            if b.get(start..end).is_some_and(|l| l.trim_ascii() == b"---") {
                return (Flavor::BraceMarkup, end);
            }
            line = end;
        }
        return (Flavor::BraceMarkup, i);
    }
    let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    let word = |w: &[u8]| {
        rest.starts_with(w)
            && rest
                .get(w.len())
                .is_some_and(|c| !c.is_ascii_alphanumeric() && *c != b'_')
    };
    let js = word(b"import")
        || word(b"export")
        || word(b"const")
        || word(b"let")
        || word(b"var")
        || word(b"function")
        || word(b"class")
        || word(b"async")
        || word(b"type")
        || word(b"interface")
        || word(b"declare")
        || word(b"module")
        || word(b"require")
        || starts(b"'use ")
        || starts(b"\"use ")
        || starts(b"//")
        || starts(b"/*")
        || starts(b"#!");
    if js {
        return (Flavor::Script, i);
    }
    // A page says so near its top; components and templates do not.
    let head = &b[i..b.len().min(i + 4096)];
    let page = memchr::memchr_iter(b'<', head).any(|k| {
        [&b"<html"[..], b"<!doctype", b"<head", b"<body"]
            .iter()
            .any(|p| head.len() >= k + p.len() && head[k..k + p.len()].eq_ignore_ascii_case(p))
    });
    if page {
        return (Flavor::Markup, i);
    }
    let finder = |p: &[u8]| memmem::find(b, p).is_some();
    // Svelte blocks `{#if}`, `{:else}`, `{@html}` (not Handlebars `{{#if}}`).
    let svelte = memchr::memchr_iter(b'{', b).any(|k| {
        matches!(b.get(k + 1), Some(b'#' | b':' | b'@'))
            && b.get(k + 2).is_some_and(u8::is_ascii_alphabetic)
            && (k == 0 || b[k - 1] != b'{')
    });
    let component = (finder(b"<script") || finder(b"<template"))
        && !finder(b"<?")
        && !finder(b"<%")
        && !finder(b"{%");
    if svelte || component {
        (Flavor::BraceMarkup, i)
    } else {
        (Flavor::Markup, i)
    }
}

thread_local! {
    /// See [`give_back_tokens`].
    static SPARE_TOKENS: std::cell::RefCell<Vec<Token>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Gives a token list's buffer to the next [`tokenize`] on this thread: a
/// page's list is the largest allocation of a notice (~10 KB), and freeing
/// it made glibc sort the notice's other freed chunks at the next one.
pub(super) fn give_back_tokens(mut toks: Vec<Token>) {
    toks.clear();
    if toks.capacity() <= 1 << 16 {
        SPARE_TOKENS.with(|s| *s.borrow_mut() = toks);
    }
}

/// Runs the tokenizer over `src` from `start` (see [`sniff`]).
#[cfg(test)]
pub(super) fn tokenize(src: &str, flavor: Flavor, start: usize) -> (Vec<Token>, Vec<Comment>) {
    let masks = ByteMasks::of(src.as_bytes());
    let out = tokenize_with(src, &masks, flavor, start);
    masks.give_back();
    out
}

/// [`tokenize`] with the page's [`ByteMasks`], which the builder reads too.
pub(super) fn tokenize_with(
    src: &str,
    masks: &ByteMasks,
    flavor: Flavor,
    start: usize,
) -> (Vec<Token>, Vec<Comment>) {
    let mut toks = SPARE_TOKENS.with(|s| std::mem::take(&mut *s.borrow_mut()));
    toks.reserve(src.len() / 24 + 16);
    let mut lx = Lexer {
        b: src.as_bytes(),
        src,
        stops: &masks.stops,
        pos: start,
        toks,
        comments: Vec::new(),
        modes: Vec::with_capacity(8),
        failed: [usize::MAX; NEEDLES],
        jsx_failed: false,
        attrs: Attrs::default(),
        brace_failed: false,
        blank_text: false,
        ws: 0,
        scratch: Vec::new(),
        avx2: attr_avx2(),
    };
    lx.modes.push(match flavor {
        Flavor::Script => Mode::Code {
            depth: 0,
            expr: false,
            operand_next: true,
        },
        Flavor::Markup => Mode::Markup {
            braces: false,
            raw: true,
            nested: false,
            depth: 0,
        },
        Flavor::BraceMarkup => Mode::Markup {
            braces: true,
            raw: true,
            nested: false,
            depth: 0,
        },
    });
    lx.run();
    (lx.toks, lx.comments)
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    /// [`ByteMasks::stops`] of `b`.
    stops: &'a [u64],
    pos: usize,
    toks: Vec<Token>,
    comments: Vec<Comment>,
    modes: Vec<Mode>,
    /// `failed[n] = p`: searching for needle `n` from `p` found nothing, so
    /// neither will any search from a later position.
    failed: [usize; NEEDLES],
    /// A JSX element ran into the end of the input; don't try again.
    jsx_failed: bool,
    /// Attributes of the tag being read.
    attrs: Attrs,
    /// A `{` in Svelte/Astro/Vue markup was never closed: braces are text.
    brace_failed: bool,
    /// The next text pushed is ASCII whitespace only (see [`BLANK`]).
    blank_text: bool,
    /// Indentation before the tag being read, for its [`Token::ws`].
    ws: u16,
    scratch: Vec<u8>,
    /// The CPU has AVX2 ([`Self::parse_attrs`]).
    avx2: bool,
}

#[inline]
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The first index at or after `from` whose byte is not [`is_ws`], or the
/// end. Indentation before a tag (a line feed and a few spaces, every
/// fourth text between tags) is read eight bytes at a time: the byte loop
/// cost 6 instructions a byte and mispredicted where the run ended.
#[inline(always)]
fn skip_ws(b: &[u8], from: usize) -> usize {
    match b.get(from) {
        Some(&c) if is_ws(c) => {}
        _ => return from,
    }
    let mut i = from;
    while let Some(word) = b.get(i..i + 8) {
        let other = not_ws_bytes(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

/// 0x80 in each byte of `x` that is not [`is_ws`], 0 in the others (exact
/// in every byte: no sum below carries into the next byte).
#[inline(always)]
fn not_ws_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // 0x80 in each byte equal to `c` (as in `first_stop`).
    let equal = |c: u8| {
        let y = x ^ (ONES * u64::from(c));
        !(((y & LOW7) + LOW7) | y | LOW7)
    };
    // The high bit of each byte whose low seven bits are at least `n`.
    let low = x & LOW7;
    let at_least = |n: u8| low + ONES * u64::from(0x80 - n);
    // Tab, line feed, vertical tab, form feed, carriage return.
    let controls = at_least(0x09) & !at_least(0x0e) & !x & HIGH;
    let ws = equal(b' ') | (controls & !equal(0x0b));
    !ws & HIGH
}

/// [`is_ws`] by [`TAG_BYTES`], for `parse_tag`: there the `match` merged
/// with the `match` on the byte after the whitespace into one jump table,
/// whose indirect branch mispredicted at every attribute. (Elsewhere the
/// `match` is a bit test, and quicker.)
#[inline]
fn is_ws_by_class(c: u8) -> bool {
    TAG_BYTES[c as usize] & WS != 0
}

/// Bytes that end a tag name: whitespace, `/` and `>`.
const END_NAME: u8 = 1;
/// Bytes that end an attribute name: those and `=`.
const END_ATTR: u8 = 2;
/// Bytes that end an unquoted value: whitespace and `>`.
const END_VALUE: u8 = 4;
/// ASCII whitespace ([`is_ws`]).
const WS: u8 = 8;

/// [`END_NAME`], [`END_ATTR`], [`END_VALUE`], [`WS`] by byte: one lookup per byte
/// of a tag instead of five comparisons.
static TAG_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let ws = [b' ', b'\t', b'\n', b'\r', b'\x0c'];
    let mut i = 0;
    while i < ws.len() {
        t[ws[i] as usize] = END_NAME | END_ATTR | END_VALUE | WS;
        i += 1;
    }
    t[b'/' as usize] = END_NAME | END_ATTR;
    t[b'>' as usize] = END_NAME | END_ATTR | END_VALUE;
    t[b'=' as usize] = END_ATTR;
    t
};

/// The first index at or after `from` whose byte is in `class` of
/// [`TAG_BYTES`], or the end. (A slice search: the indexed loop it replaces
/// kept several counters and cost 14 instructions a byte.)
#[inline]
fn skip_to_class(b: &[u8], from: usize, class: u8) -> usize {
    let Some(rest) = b.get(from..) else {
        return from;
    };
    rest.iter()
        .position(|&c| TAG_BYTES[c as usize] & class != 0)
        .map_or(b.len(), |p| from + p)
}

/// A tag name of 1 to 7 bytes from `from`: where it ends (at its first
/// [`END_NAME`] byte) and the name as a number (byte `i` in bits
/// `8i..8i+8`); `None` for a longer name, fewer than 8 bytes left, or a
/// control byte in the name (then the byte loop decides).
#[inline(always)]
fn short_name(b: &[u8], from: usize) -> Option<(usize, u64)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = b.get(from..from + 8)?;
    let x = u64::from_le_bytes(word.try_into().expect("8 bytes"));
    // The high bit of each byte below `n` (exact up to the first such
    // byte: a borrow only runs into the bytes after it).
    let below = |y: u64, n: u8| y.wrapping_sub(ONES * u64::from(n)) & !y & HIGH;
    // Whitespace is below 0x21; so are the other control bytes, which
    // the table check below sends to the byte loop.
    let ends = below(x, 0x21)
        | below(x ^ (ONES * u64::from(b'/')), 1)
        | below(x ^ (ONES * u64::from(b'>')), 1);
    let len = (ends.trailing_zeros() / 8) as usize;
    if len >= 8 || TAG_BYTES[word[len] as usize] & END_NAME == 0 {
        return None;
    }
    Some((from + len, x & ((1u64 << (8 * len)) - 1)))
}

/// The first index of `q`, `<` or `{` in `s`: eight bytes at a time (a
/// byte loop with three comparisons cost 10 instructions a byte of every
/// quoted attribute value).
#[inline]
fn first_stop(s: &[u8], q: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // 0x80 in each byte of `w` equal to `c`, 0 elsewhere (exact: the sum
    // of a byte's low seven bits and 0x7f never carries into the next).
    let equal = |w: u64, c: u8| {
        let y = w ^ (ONES * u64::from(c));
        !(((y & LOW7) + LOW7) | y | LOW7)
    };
    let mut words = s.chunks_exact(8);
    for (k, word) in words.by_ref().enumerate() {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let m = equal(w, q) | equal(w, b'<') | equal(w, b'{');
        if m != 0 {
            return Some(k * 8 + (m.trailing_zeros() / 8) as usize);
        }
    }
    let done = s.len() - words.remainder().len();
    words
        .remainder()
        .iter()
        .position(|&c| c == q || c == b'<' || c == b'{')
        .map(|p| done + p)
}

thread_local! {
    /// See [`ByteMasks::give_back`].
    static SPARE_MASKS: std::cell::RefCell<ByteMasks> =
        const { std::cell::RefCell::new(ByteMasks { stops: Vec::new(), amps: Vec::new(), amps_end: 0 }) };
}

/// Where a page's `<`, `{`, `$` and `&` are, as bit masks made in one
/// vector pass (bit `k` of word `w`: byte `64 * w + k`; the bits past the
/// end are clear). Markup's text ends at the next of the first three
/// ([`Lexer::markup`]), and text is decoded at each `&`: one `memchr3`
/// a text and one `memchr` a text and a reference, whose set-up cost more
/// than the few bytes each searched.
#[derive(Default)]
pub(super) struct ByteMasks {
    /// `<`, `{` and `$`.
    pub(super) stops: Vec<u64>,
    /// `&`.
    pub(super) amps: Vec<u64>,
    /// One past the last `&` (0: none), so that a text after it is not
    /// searched at all (half the generated pages have no `&`).
    pub(super) amps_end: usize,
}

impl ByteMasks {
    /// The masks of `src`, in the buffers last given back on this thread.
    pub(super) fn of(src: &[u8]) -> ByteMasks {
        let mut m = SPARE_MASKS.with(|s| std::mem::take(&mut *s.borrow_mut()));
        m.stops.clear();
        m.amps.clear();
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2 (checked just above); the
                // function reads only `src`.
                unsafe { fill_masks_avx2(src, &mut m) }
            } else {
                // SAFETY: SSE2 is part of x86-64 itself (every x86_64
                // target enables it); the function reads only `src`.
                unsafe { fill_masks_sse2(src, &mut m) }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        fill_masks(src, &mut m, block_masks_bytewise);
        m.amps_end = m
            .amps
            .iter()
            .rposition(|&w| w != 0)
            .map_or(0, |k| 64 * k + 64 - m.amps[k].leading_zeros() as usize);
        m
    }

    /// Gives the buffers to the next [`Self::of`] on this thread.
    pub(super) fn give_back(self) {
        if self.stops.capacity() <= 1 << 12 {
            SPARE_MASKS.with(|s| *s.borrow_mut() = self);
        }
    }
}

/// The first set bit of `words` at or after bit `from`.
#[inline]
pub(super) fn next_bit(words: &[u64], from: usize) -> Option<usize> {
    let mut w = from / 64;
    let mut m = *words.get(w)? & (u64::MAX << (from % 64));
    while m == 0 {
        w += 1;
        m = *words.get(w)?;
    }
    Some(w * 64 + m.trailing_zeros() as usize)
}

/// The first set bit of `words` in `from..end` (`end` at most the bits
/// `words` has): the reference for the builder's `Amps`.
#[cfg(test)]
pub(super) fn next_bit_in(words: &[u64], from: usize, end: usize) -> Option<usize> {
    if from >= end {
        return None;
    }
    let last = (end - 1) / 64;
    let mut w = from / 64;
    let mut m = *words.get(w)? & (u64::MAX << (from % 64));
    while m == 0 {
        if w >= last {
            return None;
        }
        w += 1;
        m = *words.get(w)?;
    }
    let k = w * 64 + m.trailing_zeros() as usize;
    (k < end).then_some(k)
}

/// [`ByteMasks`] of `src`, a block of 64 bytes at a time by `block` (the
/// last one padded with zero bytes, none of them marked). The words are
/// written in place: with a push (and its call to grow the list) in the
/// loop, the compiler kept each mask as 32 separate bits.
#[inline(always)]
fn fill_masks(src: &[u8], m: &mut ByteMasks, block: impl Fn(&[u8; 64]) -> (u64, u64)) {
    let words = src.len().div_ceil(64);
    m.stops.resize(words, 0);
    m.amps.resize(words, 0);
    let mut blocks = src.chunks_exact(64);
    for ((b, stops), amps) in blocks
        .by_ref()
        .zip(m.stops.iter_mut())
        .zip(m.amps.iter_mut())
    {
        (*stops, *amps) = block(b.try_into().expect("64 bytes"));
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 64];
        last[..rest.len()].copy_from_slice(rest);
        (m.stops[words - 1], m.amps[words - 1]) = block(&last);
    }
}

/// The masks of one block a byte at a time: the reference for the vector
/// versions (and their stand-in off x86-64).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn block_masks_bytewise(block: &[u8; 64]) -> (u64, u64) {
    let (mut stops, mut amps) = (0u64, 0u64);
    for (k, &c) in block.iter().enumerate() {
        stops |= u64::from(matches!(c, b'<' | b'{' | b'$')) << k;
        amps |= u64::from(c == b'&') << k;
    }
    (stops, amps)
}

/// The masks of one block with SSE2, 16 bytes at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn block_masks_sse2(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    let (lt, brace, dollar, amp) = (
        _mm_set1_epi8(b'<' as i8),
        _mm_set1_epi8(b'{' as i8),
        _mm_set1_epi8(b'$' as i8),
        _mm_set1_epi8(b'&' as i8),
    );
    let (mut stops, mut amps) = (0u64, 0u64);
    for k in 0..4 {
        let lo = i64::from_le_bytes(block[16 * k..16 * k + 8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(block[16 * k + 8..16 * k + 16].try_into().expect("8 bytes"));
        let v = _mm_set_epi64x(hi, lo);
        let s = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, brace)),
            _mm_cmpeq_epi8(v, dollar),
        );
        stops |= u64::from(_mm_movemask_epi8(s) as u16) << (16 * k);
        amps |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, amp)) as u16) << (16 * k);
    }
    (stops, amps)
}

/// [`block_masks_sse2`] with AVX2, 32 bytes at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn block_masks_avx2(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
        _mm256_setr_epi64x,
    };
    let (lt, brace, dollar, amp) = (
        _mm256_set1_epi8(b'<' as i8),
        _mm256_set1_epi8(b'{' as i8),
        _mm256_set1_epi8(b'$' as i8),
        _mm256_set1_epi8(b'&' as i8),
    );
    let (mut stops, mut amps) = (0u64, 0u64);
    for k in 0..2 {
        let word = |w: usize| {
            let at = 32 * k + 8 * w;
            i64::from_le_bytes(block[at..at + 8].try_into().expect("8 bytes"))
        };
        // In memory order: one load (given highest first, LLVM made four
        // loads and three shuffles; see normalize's `load32`).
        let v = _mm256_setr_epi64x(word(0), word(1), word(2), word(3));
        let s = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, lt), _mm256_cmpeq_epi8(v, brace)),
            _mm256_cmpeq_epi8(v, dollar),
        );
        stops |= u64::from(_mm256_movemask_epi8(s) as u32) << (32 * k);
        amps |= u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, amp)) as u32) << (32 * k);
    }
    (stops, amps)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn fill_masks_sse2(src: &[u8], m: &mut ByteMasks) {
    fill_masks(src, m, |block| block_masks_sse2(block));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn fill_masks_avx2(src: &[u8], m: &mut ByteMasks) {
    fill_masks(src, m, |block| block_masks_avx2(block));
}

/// The bytes of `w` (32 of a tag) that end an attribute name
/// ([`END_ATTR`]) and the other bytes up to 0x20 (control bytes, which the
/// byte loop then steps over): bit `i` is byte `i`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn name_ends(w: &[u8; 32]) -> u32 {
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables
    // it); the function reads only `w`.
    unsafe { name_ends_sse2(w) }
}

/// The bytes of `w` that are `q`, `<` or `{` (`Lexer::quoted`'s stops).
/// A second call rather than more masks from [`name_ends`]: with four
/// masks made at once, LLVM took them apart into 32 single bits each.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn value_stops(w: &[u8; 32], q: u8) -> u32 {
    // SAFETY: as in `name_ends`.
    unsafe { value_stops_sse2(w, q) }
}

/// One 16-byte half of `w` (`h` is 0 or 1).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn load_half(w: &[u8; 32], h: usize) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128};
    assert!(h < 2);
    // SAFETY: bytes `16 * h..16 * h + 16` of `w` (32 bytes, `h` < 2) are
    // in bounds; `loadu` needs no alignment. (Built from two `u64`s, the
    // halves were put together a byte at a time.)
    unsafe { _mm_loadu_si128(w.as_ptr().add(16 * h).cast::<__m128i>()) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn name_ends_sse2(w: &[u8; 32]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut out = 0u32;
    for h in 0..2 {
        let v = load_half(w, h);
        let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
        // Bytes up to 0x20: the minimum with 0x20 is the byte itself.
        let low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v);
        let ends = _mm_or_si128(
            _mm_or_si128(low, eq(b'/')),
            _mm_or_si128(eq(b'>'), eq(b'=')),
        );
        out |= u32::from(_mm_movemask_epi8(ends) as u16) << (16 * h);
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn value_stops_sse2(w: &[u8; 32], q: u8) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let mut out = 0u32;
    for h in 0..2 {
        let v = load_half(w, h);
        let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
        let stops = _mm_or_si128(eq(q), _mm_or_si128(eq(b'<'), eq(b'{')));
        out |= u32::from(_mm_movemask_epi8(stops) as u16) << (16 * h);
    }
    out
}

/// [`name_ends_sse2`] with AVX2: the 32 bytes in one compare each (the
/// SSE2 masks cost ~45 instructions an attribute, two halves and their
/// constants).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn name_ends_avx2(w: &[u8; 32]) -> u32 {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_min_epu8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let v = load32(w);
    let eq = |c: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8));
    // Bytes up to 0x20: the minimum with 0x20 is the byte itself.
    let low = _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x20)), v);
    let ends = _mm256_or_si256(
        _mm256_or_si256(low, eq(b'/')),
        _mm256_or_si256(eq(b'>'), eq(b'=')),
    );
    _mm256_movemask_epi8(ends) as u32
}

/// [`value_stops_sse2`] with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn value_stops_avx2(w: &[u8; 32], q: u8) -> u32 {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let v = load32(w);
    let eq = |c: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8));
    let stops = _mm256_or_si256(eq(q), _mm256_or_si256(eq(b'<'), eq(b'{')));
    _mm256_movemask_epi8(stops) as u32
}

/// The 32 bytes of `w` as one vector.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn load32(w: &[u8; 32]) -> std::arch::x86_64::__m256i {
    use std::arch::x86_64::{__m256i, _mm256_loadu_si256};
    // SAFETY: `w` is 32 bytes, the vector's size; `loadu` needs no
    // alignment.
    unsafe { _mm256_loadu_si256(w.as_ptr().cast::<__m256i>()) }
}

#[cfg(not(target_arch = "x86_64"))]
fn name_ends(w: &[u8; 32]) -> u32 {
    name_ends_bytewise(w)
}

#[cfg(not(target_arch = "x86_64"))]
fn value_stops(w: &[u8; 32], q: u8) -> u32 {
    value_stops_bytewise(w, q)
}

/// A mask of the bytes of `w` for which `f` holds.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn mask_bytewise(w: &[u8; 32], f: impl Fn(u8) -> bool) -> u32 {
    w.iter()
        .enumerate()
        .fold(0u32, |m, (i, &c)| m | u32::from(f(c)) << i)
}

/// [`name_ends`] a byte at a time: its reference.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn name_ends_bytewise(w: &[u8; 32]) -> u32 {
    mask_bytewise(w, |c| c <= 0x20 || matches!(c, b'/' | b'>' | b'='))
}

/// [`value_stops`] a byte at a time: its reference.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn value_stops_bytewise(w: &[u8; 32], q: u8) -> u32 {
    mask_bytewise(w, |c| c == q || matches!(c, b'<' | b'{'))
}

#[cfg(test)]
thread_local! {
    /// Tests turn [`Lexer::parse_attrs`]' mask path off to compare it
    /// with the byte loops.
    static NO_ATTR_FAST_PATH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Tests turn [`Lexer::parse_attrs`]' AVX2 masks off to compare them
    /// with the SSE2 ones.
    static NO_ATTR_AVX2: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether [`Lexer::parse_attrs`] makes its masks with AVX2.
fn attr_avx2() -> bool {
    #[cfg(test)]
    if NO_ATTR_AVX2.with(std::cell::Cell::get) {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[inline(always)]
fn attr_fast_path() -> bool {
    #[cfg(test)]
    {
        !NO_ATTR_FAST_PATH.with(std::cell::Cell::get)
    }
    #[cfg(not(test))]
    {
        true
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

/// A value range in the source (`0..0`: absent).
type Val = (u32, u32);

/// Attributes the builder cares about (value ranges) of the tag being read.
#[derive(Default, Clone, Copy)]
struct Attrs {
    /// By [`ID`], [`CLASS`], [`ROLE`], ... (an array: with a field each,
    /// `parse_attrs` worked out the eight fields' addresses for
    /// `note_attr` at every call, ~20 instructions a tag with attributes).
    vals: [Val; 8],
    /// Any of the above is present (most tags have none of them; only
    /// those [`Lexer::classify`] reads for the tag are noted, see
    /// [`attrs_read`]).
    any: bool,
}

/// [`Attrs::vals`] of `id`.
const ID: usize = 0;
/// `class`, `className`.
const CLASS: usize = 1;
const ROLE: usize = 2;
const ARIA_LEVEL: usize = 3;
const COMPONENT: usize = 4;
const VARIANT: usize = 5;
const AS: usize = 6;
const STYLE: usize = 7;

/// A parsed tag.
struct TagEnd {
    end: usize,
    name_end: usize,
    self_closing: bool,
}

impl<'a> Lexer<'a> {
    fn run(&mut self) {
        while self.pos < self.b.len() {
            match *self.modes.last().expect("the root mode is never popped") {
                Mode::Markup {
                    braces,
                    raw,
                    nested,
                    ..
                } => self.markup(braces, raw, nested),
                Mode::Code { .. } => self.code(),
                Mode::TemplateLit => self.template_lit(),
            }
        }
    }

    /// Finds `needle` at or after `from`, remembering failures.
    fn find(&mut self, needle: Needle, from: usize) -> Option<usize> {
        let k = needle as usize;
        if from >= self.failed[k] || from > self.b.len() {
            return None;
        }
        let n = needle.bytes();
        let hit = if n.len() == 1 {
            memchr(n[0], &self.b[from..])
        } else {
            memmem::find(&self.b[from..], n)
        };
        match hit {
            Some(o) => Some(from + o),
            None => {
                self.failed[k] = from;
                None
            }
        }
    }

    fn push_text(&mut self, kind: Kind, a: usize, b: usize) {
        // `blank_text` is about the first text pushed after it was set,
        // empty or not (a title's text must not inherit it).
        let blank = kind == Kind::Text && std::mem::take(&mut self.blank_text);
        let jsx = kind == Kind::Text
            && matches!(self.modes.last(), Some(Mode::Markup { nested: true, .. }));
        self.push_text_as(kind, a, b, blank, jsx);
    }

    /// [`Self::push_text`] told whether the text is blank ([`BLANK`]) and
    /// JSX text.
    #[inline(always)]
    fn push_text_as(&mut self, kind: Kind, a: usize, b: usize, blank: bool, jsx: bool) {
        if b > a {
            self.toks.push(Token {
                start: a as u32,
                end: b as u32,
                name_end: a as u32,
                kind,
                tag: Tag::Other,
                flags: if jsx { JSX } else { 0 } | if blank { BLANK } else { 0 },
                level: 0,
                ws: 0,
            });
        }
    }

    /// The text before a tag at `j`: indentation goes into the tag's
    /// [`Token::ws`] ([`Self::emit_tag`]), other text is a token. `blank`:
    /// the text is ASCII whitespace only; `nested`: it is JSX text. (Told
    /// by [`Self::markup`] rather than set in `blank_text` and cleared
    /// again around every tag.)
    #[inline(always)]
    fn text_before_tag(&mut self, a: usize, j: usize, blank: bool, nested: bool) {
        if blank && j > a && j - a <= usize::from(u16::MAX) {
            self.ws = (j - a) as u16;
        } else {
            self.push_text_as(Kind::Text, a, j, blank, nested);
        }
    }

    /// A tag that was not read after all: its indentation is a text again.
    #[cold]
    #[inline(never)]
    fn unfold_ws(&mut self, j: usize) {
        let ws = std::mem::take(&mut self.ws);
        if ws > 0 {
            self.blank_text = true;
            self.push_text(Kind::Text, j - usize::from(ws), j);
        }
    }

    fn push_comment(&mut self, span: (usize, usize), text: (usize, usize)) {
        let text = self.src.get(text.0..text.1).unwrap_or("").to_string();
        self.comments.push(Comment {
            text,
            span: span.0..span.1,
        });
    }

    fn set_depth(&mut self, d: u32) {
        if let Some(Mode::Markup { depth, .. }) = self.modes.last_mut() {
            *depth = d;
        }
    }

    fn depth(&self) -> u32 {
        match self.modes.last() {
            Some(Mode::Markup { depth, .. }) => *depth,
            _ => 0,
        }
    }

    // ---------------------------------------------------------------- markup

    /// Reads text up to the next construct and handles that construct.
    /// (In line in [`Self::run`], as it was before tags took their
    /// indentation: out of line it cost 80 instructions more a call.)
    /// In plain markup (no `{…}` expressions, not JSX) no construct changes
    /// the mode, so it goes on with the next text and construct here
    /// instead of going back through [`Self::run`]'s mode dispatch after
    /// every tag.
    #[inline(always)]
    fn markup(&mut self, braces: bool, raw: bool, nested: bool) {
        let b = self.b;
        let mut text_start = self.pos;
        let mut i = self.pos;
        loop {
            // Between tags a page's text is mostly indentation, or nothing
            // (`</a></li>`): a tag right after it is found without the
            // vector search, whose set-up cost more than these few bytes.
            let w = skip_ws(b, i);
            let tag_after_blank = b.get(w) == Some(&b'<');
            let hit = if tag_after_blank {
                Some(w - i)
            } else if braces {
                memchr2(b'<', b'{', &b[i..])
            } else {
                next_bit(self.stops, i).map(|j| j - i)
            };
            let Some(off) = hit else {
                self.push_text(Kind::Text, text_start, b.len());
                self.pos = b.len();
                return;
            };
            let j = i + off;
            // The text before the construct, if any, is pushed first.
            let blank = tag_after_blank && i == text_start;
            let done = self.construct(j, text_start, blank, braces, raw, nested);
            if done {
                if braces || nested || self.pos >= b.len() {
                    return;
                }
                text_start = self.pos;
                i = self.pos;
                continue;
            }
            i = j + 1;
        }
    }

    /// If a construct starts at `j`, emits the text before it, handles it,
    /// sets `pos` and returns true; otherwise the byte is text. `blank`: the
    /// text before it is ASCII whitespace only (see [`BLANK`]).
    #[inline(always)]
    fn construct(
        &mut self,
        j: usize,
        text_start: usize,
        blank: bool,
        braces: bool,
        raw: bool,
        nested: bool,
    ) -> bool {
        let b = self.b;
        let c1 = b.get(j + 1).copied();
        // Start and end tags, nearly every construct, take `blank` as it is;
        // the rest read it from `blank_text`.
        if b[j] == b'<' {
            match c1 {
                Some(c) if c.is_ascii_alphabetic() => {
                    self.text_before_tag(text_start, j, blank, nested);
                    self.start_tag(j, braces, raw, nested);
                    return true;
                }
                Some(b'/') if b.get(j + 2).is_some_and(u8::is_ascii_alphabetic) => {
                    self.text_before_tag(text_start, j, blank, nested);
                    self.end_tag(j, braces, nested);
                    return true;
                }
                _ => {}
            }
        }
        self.blank_text = blank;
        let done = self.other_construct(j, text_start, c1, braces, nested);
        self.blank_text = false;
        done
    }

    /// [`Self::construct`] for all but start and end tags.
    fn other_construct(
        &mut self,
        j: usize,
        text_start: usize,
        c1: Option<u8>,
        braces: bool,
        nested: bool,
    ) -> bool {
        let b = self.b;
        match b[j] {
            b'<' => match c1 {
                Some(b'!') => {
                    self.push_text(Kind::Text, text_start, j);
                    self.markup_decl(j);
                    true
                }
                Some(b'?') => {
                    // PHP may leave its last block unclosed.
                    let end = self.find(Needle::PhpEnd, j + 2).map_or(b.len(), |e| e + 2);
                    self.push_text(Kind::Text, text_start, j);
                    self.pos = end;
                    true
                }
                Some(b'%') => match self.find(Needle::AspEnd, j + 2) {
                    Some(e) => {
                        self.push_text(Kind::Text, text_start, j);
                        self.pos = e + 2;
                        true
                    }
                    None => false,
                },
                Some(b'#' | b'@') => self.freemarker(j, j + 1, text_start),
                Some(b'/') => match b.get(j + 2).copied() {
                    Some(b'#' | b'@') => self.freemarker(j, j + 2, text_start),
                    Some(b'>') => {
                        self.push_text(Kind::Text, text_start, j);
                        self.pos = j + 3;
                        if nested {
                            self.close_nested();
                        }
                        true
                    }
                    None => false,
                    Some(_) => {
                        // A bogus comment up to `>`.
                        self.push_text(Kind::Text, text_start, j);
                        self.pos = self.find(Needle::Gt, j + 2).map_or(b.len(), |e| e + 1);
                        true
                    }
                },
                Some(b'>') if nested => {
                    // A JSX fragment.
                    self.push_text(Kind::Text, text_start, j);
                    let d = self.depth();
                    self.set_depth(d + 1);
                    self.pos = j + 2;
                    true
                }
                _ => false,
            },
            b'{' if braces => self.brace_expr(j, text_start, nested),
            b'{' => {
                let end = match c1 {
                    Some(b'{') if b.get(j + 2) == Some(&b'{') => {
                        self.find(Needle::Mustache3, j + 3).map(|e| e + 3)
                    }
                    Some(b'{') => self.find(Needle::Mustache, j + 2).map(|e| e + 2),
                    Some(b'%') => self.find(Needle::JinjaBlock, j + 2).map(|e| e + 2),
                    Some(b'#') => self.find(Needle::JinjaComment, j + 2).map(|e| e + 2),
                    Some(b'!') if b.get(j + 2) == Some(&b'!') => {
                        self.find(Needle::Bang, j + 3).map(|e| e + 3)
                    }
                    Some(b'*') => self.find(Needle::StarBrace, j + 2).map(|e| e + 2),
                    Some(b'$' | b'/' | b':' | b'@') => self.short_brace(j),
                    Some(b'a'..=b'z') if smarty_keyword(&b[j + 1..]) => self.short_brace(j),
                    _ => None,
                };
                match end {
                    Some(e) => {
                        self.push_text(Kind::Text, text_start, j);
                        self.pos = e;
                        true
                    }
                    None => false,
                }
            }
            b'$' if c1 == Some(b'{') => match self.find(Needle::Brace, j + 2) {
                Some(e) => {
                    self.push_text(Kind::Text, text_start, j);
                    self.pos = e + 1;
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// `{$x}`, `{/if}`: a template tag if a `}` closes it on the same line,
    /// not far away.
    fn short_brace(&mut self, j: usize) -> Option<usize> {
        let e = self.find(Needle::Brace, j + 1)?;
        if e - j > 200 || memchr2(b'\n', b'{', &self.b[j + 1..e]).is_some() {
            return None;
        }
        Some(e + 1)
    }

    /// FreeMarker `<#if …>`, `</#if>`, `<@macro/>`, `<#-- … -->`.
    fn freemarker(&mut self, j: usize, after: usize, text_start: usize) -> bool {
        let b = self.b;
        if b[after..].starts_with(b"#--") {
            let end = self
                .find(Needle::CommentEnd, after + 3)
                .map_or(b.len(), |e| e + 3);
            self.push_text(Kind::Text, text_start, j);
            self.pos = end;
            return true;
        }
        if !b.get(after + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        match self.find(Needle::Gt, after + 1) {
            Some(e) => {
                self.push_text(Kind::Text, text_start, j);
                self.pos = e + 1;
                true
            }
            None => false,
        }
    }

    /// `<!-- -->`, `<!DOCTYPE>`, `<![CDATA[ ]]>`, other `<!…>`.
    fn markup_decl(&mut self, j: usize) {
        let b = self.b;
        if b[j..].starts_with(b"<!--") {
            // `<!-->` and `<!--->` are empty comments.
            let (text_end, end) = if b[j + 4..].starts_with(b">") {
                (j + 4, j + 5)
            } else if b[j + 4..].starts_with(b"->") {
                (j + 4, j + 6)
            } else {
                match self.find(Needle::CommentEnd, j + 4) {
                    Some(e) => (e, e + 3),
                    None => (b.len(), b.len()),
                }
            };
            self.push_comment((j, end), (j + 4, text_end.max(j + 4)));
            self.pos = end;
        } else if b[j..].starts_with(b"<![CDATA[") {
            self.pos = self
                .find(Needle::CdataEnd, j + 9)
                .map_or(b.len(), |e| e + 3);
        } else {
            self.pos = self.find(Needle::Gt, j + 2).map_or(b.len(), |e| e + 1);
        }
    }

    /// The tag from `<` at `j` and its element; `None` if the input ends
    /// inside it. A name of under 8 bytes (nearly all) is found in one
    /// 8-byte word, which is also its key for [`Tag::of_key`]: reading it
    /// byte by byte twice (to its end, then into the key) mispredicted at
    /// the end of most names.
    #[inline(always)]
    fn read_tag(&mut self, j: usize, is_end: bool, braces: bool) -> Option<(TagEnd, Tag)> {
        let b = self.b;
        let name_start = j + 1 + usize::from(is_end);
        if let Some((name_end, key)) = short_name(b, name_start) {
            let tag = Tag::of_key(key);
            let t = if b[name_end] == b'>' {
                // As in `plain_tag`.
                self.attrs.any = false;
                TagEnd {
                    end: name_end + 1,
                    name_end,
                    self_closing: false,
                }
            } else {
                self.parse_attrs(name_end, braces, attrs_read(tag, is_end))?
            };
            return Some((t, tag));
        }
        let t = self
            .plain_tag(j, is_end)
            .or_else(|| self.parse_tag(j, is_end, braces))?;
        let tag = Tag::of(&b[name_start..t.name_end]);
        Some((t, tag))
    }

    fn start_tag(&mut self, j: usize, braces: bool, raw: bool, nested: bool) {
        let Some((t, tag)) = self.read_tag(j, false, braces) else {
            // The input ends inside the tag: HTML drops it.
            self.unfold_ws(j);
            self.pos = self.b.len();
            return;
        };
        let honour_slash =
            braces || nested || tag == Tag::Other || tag == Tag::Svg || tag == Tag::Math;
        let self_closing = t.self_closing && honour_slash;
        self.emit_tag(Kind::Start, j, &t, tag, self_closing, nested);
        self.pos = t.end;
        if nested && !self_closing && !tag.is_void() {
            let d = self.depth();
            self.set_depth(d + 1);
        }
        if raw && !self_closing && tag.raw_text() {
            self.raw_text(tag, j + 1, t.name_end);
        }
    }

    fn end_tag(&mut self, j: usize, braces: bool, nested: bool) {
        let Some((t, tag)) = self.read_tag(j, true, braces) else {
            self.unfold_ws(j);
            self.pos = self.b.len();
            return;
        };
        self.emit_tag(Kind::End, j, &t, tag, false, nested);
        self.pos = t.end;
        if nested && !tag.is_void() {
            self.close_nested();
        }
    }

    /// One element of a JSX tree closed; leave the tree when it was the root.
    fn close_nested(&mut self) {
        let d = self.depth().saturating_sub(1);
        self.set_depth(d);
        if d == 0 && self.modes.len() > 1 {
            self.modes.pop();
            if let Some(Mode::Code { operand_next, .. }) = self.modes.last_mut() {
                *operand_next = false;
            }
        }
    }

    #[inline(always)]
    fn emit_tag(
        &mut self,
        kind: Kind,
        j: usize,
        t: &TagEnd,
        tag: Tag,
        self_closing: bool,
        jsx: bool,
    ) {
        let (mut flags, level) = if kind == Kind::Start {
            if self.attrs.any {
                self.classify(tag)
            } else {
                (tag_flags(tag), 0)
            }
        } else {
            (0, 0)
        };
        if jsx {
            flags |= JSX;
        }
        self.toks.push(Token {
            start: j as u32,
            end: t.end as u32,
            name_end: t.name_end as u32,
            kind,
            tag,
            flags: flags | if self_closing { SELF_CLOSING } else { 0 },
            level,
            ws: std::mem::take(&mut self.ws),
        });
    }

    /// Content of script, style, title, ... up to the matching end tag.
    fn raw_text(&mut self, tag: Tag, name_start: usize, name_end: usize) {
        let b = self.b;
        let name_len = name_end - name_start;
        let start = self.pos;
        let mut i = start;
        let end = if tag == Tag::Plaintext {
            b.len()
        } else {
            loop {
                let Some(o) = memchr(b'<', &b[i..]) else {
                    break b.len();
                };
                let k = i + o;
                if b.get(k + 1) == Some(&b'/')
                    && b.len() >= k + 2 + name_len
                    && b[k + 2..k + 2 + name_len].eq_ignore_ascii_case(&b[name_start..name_end])
                    && b.get(k + 2 + name_len)
                        .is_none_or(|c| is_ws(*c) || *c == b'/' || *c == b'>')
                {
                    break k;
                }
                i = k + 1;
            }
        };
        match tag {
            Tag::Title | Tag::Textarea => self.rcdata(start, end),
            _ => self.push_text(Kind::RawText, start, end),
        }
        self.pos = end;
    }

    /// Title text, with template tags (`<?php echo … ?>`, `{{ … }}`) left out.
    fn rcdata(&mut self, start: usize, end: usize) {
        let b = self.b;
        let mut run = start;
        let mut i = start;
        let mut missing = [false; 5];
        while let Some(o) = memchr3(b'<', b'{', b'$', &b[i..end]) {
            let k = i + o;
            let close: Option<(usize, &[u8])> = match (b[k], b.get(k + 1)) {
                (b'<', Some(b'?')) => Some((0, b"?>")),
                (b'<', Some(b'%')) => Some((1, b"%>")),
                (b'{', Some(b'{')) => Some((2, b"}}")),
                (b'{', Some(b'%')) => Some((3, b"%}")),
                (b'$', Some(b'{')) => Some((4, b"}")),
                _ => None,
            };
            // A closer missing before `end` stays missing: don't look again.
            let skip_to = close.filter(|(m, _)| !missing[*m]).and_then(|(m, n)| {
                let hit = memmem::find(&b[k + 2..end], n).map(|e| k + 2 + e + n.len());
                missing[m] = hit.is_none();
                hit
            });
            match skip_to {
                Some(e) => {
                    self.push_text(Kind::Text, run, k);
                    run = e;
                    i = e;
                }
                None => i = k + 1,
            }
        }
        self.push_text(Kind::Text, run, end);
    }

    /// [`Self::parse_tag`] for a tag without attributes (`<p>`, `</li>`),
    /// most of a page's tags, in line; `None` for any other tag.
    #[inline(always)]
    fn plain_tag(&mut self, j: usize, is_end: bool) -> Option<TagEnd> {
        let b = self.b;
        let name_end = skip_to_class(b, j + 1 + usize::from(is_end), END_NAME);
        if b.get(name_end) != Some(&b'>') {
            return None;
        }
        // The last tag's attribute values stay, unread while `any` is
        // false; `parse_tag` clears them before reading a tag's attributes.
        self.attrs.any = false;
        Some(TagEnd {
            end: name_end + 1,
            name_end,
            self_closing: false,
        })
    }

    /// Parses a tag from `<` at `j`; `None` if the input ends inside it.
    fn parse_tag(&mut self, j: usize, is_end: bool, braces: bool) -> Option<TagEnd> {
        let b = self.b;
        let n = b.len();
        let mut k = j + 1 + usize::from(is_end);
        while k < n && TAG_BYTES[b[k] as usize] & END_NAME == 0 {
            k += 1;
        }
        self.parse_attrs(k, braces, ATTRS_ALL)
    }

    /// [`Self::parse_tag`] from the end of the tag's name.
    /// `read`: the attributes noted ([`attrs_read`]).
    #[inline(always)]
    fn parse_attrs(&mut self, name_end: usize, braces: bool, read: u8) -> Option<TagEnd> {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is set only when the CPU has AVX2
            // (`tokenize_with`).
            return unsafe { self.parse_attrs_avx2(name_end, braces, read) };
        }
        self.parse_attrs_plain(name_end, braces, read)
    }

    /// [`Self::parse_attrs`] with the attribute masks by AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline(never)]
    fn parse_attrs_avx2(&mut self, name_end: usize, braces: bool, read: u8) -> Option<TagEnd> {
        self.parse_attrs_with(
            name_end,
            braces,
            read,
            |w| name_ends_avx2(w),
            |w, q| value_stops_avx2(w, q),
        )
    }

    /// [`Self::parse_attrs`] with the attribute masks by SSE2 (or bytes).
    #[inline(never)]
    fn parse_attrs_plain(&mut self, name_end: usize, braces: bool, read: u8) -> Option<TagEnd> {
        self.parse_attrs_with(name_end, braces, read, name_ends, value_stops)
    }

    /// [`Self::parse_attrs`] with `ends` for [`name_ends`] and `stops` for
    /// [`value_stops`].
    #[inline(always)]
    fn parse_attrs_with(
        &mut self,
        name_end: usize,
        braces: bool,
        read: u8,
        ends: impl Fn(&[u8; 32]) -> u32,
        stops: impl Fn(&[u8; 32], u8) -> u32,
    ) -> Option<TagEnd> {
        let b = self.b;
        let n = b.len();
        let mut k = name_end;
        self.attrs = Attrs::default();
        loop {
            while k < n && is_ws_by_class(b[k]) {
                k += 1;
            }
            if k >= n {
                return None;
            }
            match b[k] {
                b'>' => {
                    return Some(TagEnd {
                        end: k + 1,
                        name_end,
                        self_closing: false,
                    })
                }
                b'/' => {
                    if b.get(k + 1) == Some(&b'>') {
                        return Some(TagEnd {
                            end: k + 2,
                            name_end,
                            self_closing: true,
                        });
                    }
                    k += 1;
                }
                b'{' if braces => k = self.skip_js(k + 1)?,
                b'<' if matches!(b.get(k + 1), Some(b'?' | b'%')) => {
                    k = self.skip_template_in_tag(k)?
                }
                b'{' if matches!(b.get(k + 1), Some(b'{' | b'%')) => {
                    k = self.skip_template_in_tag(k)?
                }
                _ => {
                    let an = k;
                    // The name's end, and for `name="value"` (nearly every
                    // attribute) the value's, from one set of masks over
                    // the 32 bytes after the name's first: the byte loops
                    // and the value's word-at-a-time search cost ~250
                    // instructions an attribute.
                    match b.get(k + 1..k + 33).filter(|_| attr_fast_path()) {
                        Some(w) => {
                            let w: &[u8; 32] = w.try_into().expect("32 bytes");
                            let ends = ends(w);
                            if ends == 0 {
                                k = skip_to_class(b, k + 33, END_ATTR);
                            } else {
                                let p = ends.trailing_zeros() as usize;
                                k += 1 + p;
                                match w[p] {
                                    b'=' if p < 30 && matches!(w[p + 1], b'"' | b'\'') => {
                                        let q = w[p + 1];
                                        let from = p + 2;
                                        // The first quote, `<` or `{` after
                                        // the opening quote (`quoted`'s stops).
                                        let stops = stops(w, q) >> from;
                                        let e = if stops != 0
                                            && w[from + stops.trailing_zeros() as usize] == q
                                        {
                                            an + 1 + from + stops.trailing_zeros() as usize
                                        } else {
                                            self.quoted(an + 1 + from, q)?
                                        };
                                        let word = u64::from_le_bytes(
                                            b[an..an + 8].try_into().expect("8 bytes"),
                                        );
                                        note_attr_word(
                                            &mut self.attrs,
                                            &b[an..k],
                                            word,
                                            (an + 1 + from, e),
                                            read,
                                        );
                                        k = e + 1;
                                        continue;
                                    }
                                    // A control byte that is not whitespace.
                                    c if TAG_BYTES[c as usize] & END_ATTR == 0 => {
                                        k = skip_to_class(b, k + 1, END_ATTR);
                                    }
                                    _ => {}
                                }
                            }
                        }
                        None => k = skip_to_class(b, k + 1, END_ATTR),
                    }
                    let an_end = k;
                    let mut v = k;
                    while v < n && is_ws_by_class(b[v]) {
                        v += 1;
                    }
                    if v < n && b[v] == b'=' {
                        v += 1;
                        while v < n && is_ws_by_class(b[v]) {
                            v += 1;
                        }
                        if v >= n {
                            return None;
                        }
                        let value = match b[v] {
                            q @ (b'"' | b'\'') => {
                                let e = self.quoted(v + 1, q)?;
                                k = e + 1;
                                Some((v + 1, e))
                            }
                            b'{' if braces => {
                                let e = self.skip_js(v + 1)?;
                                k = e;
                                // `variant={"h2"}`: a string literal.
                                let inner = b[v + 1..e - 1].trim_ascii();
                                if inner.len() >= 2
                                    && matches!(inner[0], b'"' | b'\'')
                                    && inner[inner.len() - 1] == inner[0]
                                {
                                    let s = v
                                        + 1
                                        + (inner.as_ptr() as usize - b[v + 1..].as_ptr() as usize);
                                    Some((s + 1, s + inner.len() - 1))
                                } else {
                                    None
                                }
                            }
                            _ => {
                                let s = v;
                                v = skip_to_class(b, v, END_VALUE);
                                k = v;
                                Some((s, v))
                            }
                        };
                        if let Some(value) = value {
                            note_attr(&mut self.attrs, &b[an..an_end], value, read);
                        }
                    }
                }
            }
        }
    }

    /// A quoted attribute value from `from` to the closing quote (index of
    /// the quote), stepping over template tags that may hold quotes.
    fn quoted(&mut self, from: usize, q: u8) -> Option<usize> {
        let b = self.b;
        // Most values are short: look at them directly before a vector search.
        let window = &b[from.min(b.len())..(from + 24).min(b.len())];
        if let Some(p) = first_stop(window, q) {
            if window[p] == q {
                return Some(from + p);
            }
        }
        let mut i = from;
        loop {
            let o = memchr3(q, b'<', b'{', &b[i..])?;
            let k = i + o;
            if b[k] == q {
                return Some(k);
            }
            let tpl = match (b[k], b.get(k + 1)) {
                (b'<', Some(b'?' | b'%')) | (b'{', Some(b'{' | b'%')) => {
                    self.skip_template_in_tag(k)
                }
                _ => None,
            };
            i = tpl.unwrap_or(k + 1);
        }
    }

    /// `<?php … ?>`, `<% … %>`, `{{ … }}`, `{% … %}` inside a tag.
    fn skip_template_in_tag(&mut self, k: usize) -> Option<usize> {
        let (needle, len) = match (self.b[k], self.b.get(k + 1)) {
            (b'<', Some(b'?')) => (Needle::PhpEnd, 2),
            (b'<', _) => (Needle::AspEnd, 2),
            (b'{', Some(b'{')) => (Needle::Mustache, 2),
            _ => (Needle::JinjaBlock, 2),
        };
        self.find(needle, k + 2).map(|e| e + len)
    }

    /// Skips a balanced JavaScript expression whose `{` is just before
    /// `from`; returns the index after its `}`.
    fn skip_js(&mut self, from: usize) -> Option<usize> {
        let b = self.b;
        let n = b.len();
        let mut st = std::mem::take(&mut self.scratch);
        st.clear();
        st.push(b'{');
        let mut i = from;
        let mut result = None;
        while i < n {
            let c = b[i];
            if st.last() == Some(&b'`') {
                match c {
                    b'\\' => i += 1,
                    b'`' => {
                        st.pop();
                    }
                    b'$' if b.get(i + 1) == Some(&b'{') => {
                        st.push(b'{');
                        i += 1;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            match c {
                b'{' => st.push(b'{'),
                b'}' => {
                    st.pop();
                    if st.is_empty() {
                        result = Some(i + 1);
                        break;
                    }
                }
                b'"' | b'\'' => i = skip_string(b, i + 1, c).saturating_sub(1),
                b'`' => st.push(b'`'),
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    i = memchr(b'\n', &b[i..]).map_or(n, |o| i + o);
                }
                b'/' if b.get(i + 1) == Some(&b'*') => match self.find(Needle::StarSlash, i + 2) {
                    Some(e) => i = e + 1,
                    None => break,
                },
                _ => {}
            }
            i += 1;
        }
        self.scratch = st;
        result
    }

    /// `{` in markup whose braces are expressions. Outside JSX (Svelte,
    /// Astro, Vue) a `{` that nothing closes is text, checked once.
    fn brace_expr(&mut self, j: usize, text_start: usize, nested: bool) -> bool {
        let b = self.b;
        let n = b.len();
        if !nested {
            if self.brace_failed {
                return false;
            }
            if self.skip_js(j + 1).is_none() {
                self.brace_failed = true;
                return false;
            }
        }
        self.push_text(Kind::Text, text_start, j);
        let mut k = j + 1;
        while k < n && is_ws(b[k]) {
            k += 1;
        }
        let close_after = |mut e: usize| {
            while e < n && is_ws(b[e]) {
                e += 1;
            }
            (e < n && b[e] == b'}').then_some(e + 1)
        };
        match b.get(k) {
            // `{/* comment */}`
            Some(b'/') if b.get(k + 1) == Some(&b'*') => {
                if let Some(e) = self.find(Needle::StarSlash, k + 2) {
                    if let Some(end) = close_after(e + 2) {
                        self.push_comment((j, end), (k + 2, e));
                        self.pos = end;
                        return true;
                    }
                }
            }
            // `{" "}`, `{"text"}`, `{'text'}`, `` {`text`} ``
            Some(&q @ (b'"' | b'\'' | b'`')) => {
                let e = if q == b'`' {
                    let e = memchr(b'`', &b[k + 1..]).map(|o| k + 1 + o);
                    e.filter(|e| memmem::find(&b[k + 1..*e], b"${").is_none())
                } else {
                    string_end(b, k + 1, q)
                };
                if let Some(e) = e {
                    if let Some(end) = close_after(e + 1) {
                        self.push_text(Kind::JsText, k + 1, e);
                        self.pos = end;
                        return true;
                    }
                }
            }
            // Svelte blocks `{#if x}`, `{:else}`, `{/if}`, `{@html x}`.
            Some(b'#' | b':' | b'/' | b'@') => {
                self.pos = self.skip_js(j + 1).unwrap_or(n);
                return true;
            }
            _ => {}
        }
        self.modes.push(Mode::Code {
            depth: 0,
            expr: true,
            operand_next: true,
        });
        self.pos = j + 1;
        true
    }

    // ------------------------------------------------------------------ code

    fn code(&mut self) {
        let Some(Mode::Code {
            mut depth,
            expr,
            mut operand_next,
        }) = self.modes.last().copied()
        else {
            return;
        };
        let b = self.b;
        let n = b.len();
        let mut i = self.pos;
        macro_rules! save {
            () => {
                if let Some(Mode::Code {
                    depth: d,
                    operand_next: o,
                    ..
                }) = self.modes.last_mut()
                {
                    *d = depth;
                    *o = operand_next;
                }
            };
        }
        while i < n {
            let c = b[i];
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => i += 1,
                b'/' => match b.get(i + 1) {
                    Some(b'/') => i = memchr(b'\n', &b[i..]).map_or(n, |o| i + o),
                    Some(b'*') => i = self.find(Needle::StarSlash, i + 2).map_or(n, |e| e + 2),
                    _ if operand_next => {
                        i = skip_regex(b, i + 1);
                        operand_next = false;
                    }
                    _ => i += 1,
                },
                b'"' | b'\'' => {
                    i = skip_string(b, i + 1, c);
                    operand_next = false;
                }
                b'`' => {
                    operand_next = false;
                    save!();
                    self.modes.push(Mode::TemplateLit);
                    self.pos = i + 1;
                    return;
                }
                b'{' => {
                    depth += 1;
                    operand_next = true;
                    i += 1;
                }
                b'}' => {
                    if depth == 0 {
                        if expr {
                            self.modes.pop();
                            self.pos = i + 1;
                            return;
                        }
                    } else {
                        depth -= 1;
                    }
                    operand_next = true;
                    i += 1;
                }
                b')' | b']' => {
                    operand_next = false;
                    i += 1;
                }
                b'<' => {
                    if operand_next
                        && !self.jsx_failed
                        && b.get(i + 1)
                            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'>')
                        && !ts_generic(b, i + 1)
                    {
                        operand_next = false;
                        save!();
                        if self.jsx_root(i) {
                            return;
                        }
                        // Not JSX after all: a comparison.
                    }
                    operand_next = true;
                    i += 1;
                }
                b'.' => {
                    // `x.default`: a property name is never a keyword.
                    i += 1;
                    while i < n && is_ws(b[i]) {
                        i += 1;
                    }
                    while i < n && is_ident(b[i]) {
                        i += 1;
                    }
                    operand_next = i > 0 && !is_ident(b[i - 1]);
                }
                c if is_ident_start(c) => {
                    let s = i;
                    while i < n && is_ident(b[i]) {
                        i += 1;
                    }
                    operand_next = matches!(
                        &b[s..i],
                        b"return"
                            | b"yield"
                            | b"await"
                            | b"case"
                            | b"default"
                            | b"else"
                            | b"do"
                            | b"typeof"
                            | b"void"
                            | b"delete"
                            | b"in"
                            | b"of"
                            | b"throw"
                            | b"new"
                            | b"instanceof"
                    );
                }
                b'0'..=b'9' => {
                    while i < n && (is_ident(b[i]) || b[i] == b'.') {
                        i += 1;
                    }
                    operand_next = false;
                }
                _ => {
                    operand_next = true;
                    i += 1;
                }
            }
        }
        save!();
        self.pos = n;
    }

    /// A JSX element starting at `i` in code: emits its start tag and enters
    /// markup. Returns false (and changes nothing) if it is not one.
    fn jsx_root(&mut self, i: usize) -> bool {
        if self.b.get(i + 1) == Some(&b'>') {
            self.modes.push(Mode::Markup {
                braces: true,
                raw: false,
                nested: true,
                depth: 1,
            });
            self.pos = i + 2;
            return true;
        }
        let Some(t) = self.parse_tag(i, false, true) else {
            self.jsx_failed = true;
            return false;
        };
        let tag = Tag::of(&self.b[i + 1..t.name_end]);
        self.emit_tag(Kind::Start, i, &t, tag, t.self_closing, true);
        self.pos = t.end;
        if !t.self_closing {
            self.modes.push(Mode::Markup {
                braces: true,
                raw: false,
                nested: true,
                depth: 1,
            });
        }
        true
    }

    fn template_lit(&mut self) {
        let b = self.b;
        let mut i = self.pos;
        while let Some(o) = memchr3(b'`', b'$', b'\\', &b[i..]) {
            let k = i + o;
            match b[k] {
                b'\\' => i = k + 2,
                b'`' => {
                    self.modes.pop();
                    self.pos = k + 1;
                    return;
                }
                _ if b.get(k + 1) == Some(&b'{') => {
                    self.modes.push(Mode::Code {
                        depth: 0,
                        expr: true,
                        operand_next: true,
                    });
                    self.pos = k + 2;
                    return;
                }
                _ => i = k + 1,
            }
            if i >= b.len() {
                break;
            }
        }
        self.pos = b.len();
    }

    // ------------------------------------------------------------ attributes

    /// Flags and heading level from the attributes of a start tag.
    #[inline(never)]
    fn classify(&mut self, tag: Tag) -> (u8, u8) {
        let b = self.b;
        let a = self.attrs;
        let val = |r: Val| (r.1 > 0).then(|| &b[r.0 as usize..r.1 as usize]);
        let mut flags = tag_flags(tag);
        let mut level = 0u8;
        if !a.any {
            // Everything below reads attributes.
            return (flags, 0);
        }
        if let Some(style) = val(a.vals[STYLE]) {
            match font_weight(style) {
                Some(true) => flags |= BOLD,
                Some(false) => flags = (flags & !BOLD) | NOT_BOLD,
                None => {}
            }
        }
        let (container, text) = tag_reads(tag);
        if container && a.vals[ID].1 > 0 && scan_names_in(b, a.vals[ID]).0 {
            flags |= CHROME;
        }
        if (container || text) && a.vals[CLASS].1 > 0 {
            let (consent, bold) = scan_names_in(b, a.vals[CLASS]);
            if consent && container {
                flags |= CHROME;
            }
            if bold && text {
                flags |= BOLD;
            }
        }
        if let Some(role) = val(a.vals[ROLE]) {
            let role = role.trim_ascii();
            let is = |w: &[u8]| role.eq_ignore_ascii_case(w);
            if is(b"main") {
                flags |= MAIN;
            } else if is(b"heading") {
                level = val(a.vals[ARIA_LEVEL])
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .and_then(|v| v.trim().parse::<u8>().ok())
                    .unwrap_or(2)
                    .clamp(1, 6);
            } else if is(b"navigation")
                || is(b"banner")
                || is(b"contentinfo")
                || is(b"complementary")
                || is(b"search")
                || is(b"dialog")
                || is(b"alertdialog")
                || is(b"menubar")
                || is(b"toolbar")
            {
                flags |= CHROME;
            }
        }
        if level == 0 {
            level = [a.vals[COMPONENT], a.vals[AS], a.vals[VARIANT]]
                .into_iter()
                .find_map(|r| heading_name(val(r)?))
                .unwrap_or(0);
        }
        (flags, level)
    }
}

/// The flags a start tag has by its element alone.
#[inline]
fn tag_flags(tag: Tag) -> u8 {
    match tag {
        Tag::B | Tag::Strong => BOLD,
        Tag::Em => ITALIC,
        _ => 0,
    }
}

/// `h1`..`h6` (any case) → 1..6.
fn heading_name(v: &[u8]) -> Option<u8> {
    match v.trim_ascii() {
        [h, d @ b'1'..=b'6'] if h.eq_ignore_ascii_case(&b'h') => Some(d - b'0'),
        _ => None,
    }
}

/// [`Attrs`] noted by [`Lexer::parse_attrs`]: `id`.
const ATTRS_ID: u8 = 1;
/// `class`, `className`.
const ATTRS_CLASS: u8 = 2;
/// The rest (`role`, `style`, `component`, ...).
const ATTRS_OTHER: u8 = 4;
const ATTRS_ALL: u8 = ATTRS_ID | ATTRS_CLASS | ATTRS_OTHER;

/// The attributes [`Lexer::classify`] reads for a tag: `id` on containers
/// only, `class` on containers and text elements, none on an end tag.
/// Most tags with attributes have only unread ones (a heading's `id`, a
/// link's `href`): noting nothing leaves `classify` out (it ran for 18,600
/// tags of 500 pages, half of them `<h2 id="...">`).
#[inline]
fn attrs_read(tag: Tag, is_end: bool) -> u8 {
    if is_end {
        return 0;
    }
    let (container, text) = tag_reads(tag);
    ATTRS_OTHER
        | if container { ATTRS_ID | ATTRS_CLASS } else { 0 }
        | if text { ATTRS_CLASS } else { 0 }
}

/// Whether [`Lexer::classify`] reads a tag's `id` and `class` as a
/// container (a banner) and its `class` as text (bold).
#[inline]
fn tag_reads(tag: Tag) -> (bool, bool) {
    // Banners are containers; bold classes matter on text elements.
    let container = matches!(
        tag,
        Tag::Div
            | Tag::Section
            | Tag::Aside
            | Tag::Dialog
            | Tag::Other
            | Tag::Block
            | Tag::Form
            | Tag::Main
            | Tag::P
            | Tag::Ul
            | Tag::Ol
    );
    let text = matches!(
        tag,
        Tag::P | Tag::Div | Tag::Inline | Tag::Em | Tag::Other | Tag::Dt | Tag::Td | Tag::Th
    );
    (container, text)
}

/// [`note_attr`] for a name whose first 8 bytes (and maybe more) are
/// `word`, as [`Lexer::parse_attrs`]' mask path has them: a name of up to
/// 8 bytes is compared as one number (the call and the slice comparisons
/// cost ~32 instructions an attribute).
#[inline(always)]
fn note_attr_word(a: &mut Attrs, name: &[u8], word: u64, value: (usize, usize), read: u8) {
    let len = name.len();
    if len > 8 || len == 0 {
        note_attr(a, name, value, read);
        return;
    }
    // Lowercase by setting 0x20 in every byte: exact against the letters
    // of the keys (only `X` and `x` become `x`; no other byte becomes a
    // letter). The bytes past the name are cleared, and no byte of a key
    // is 0, so a shorter or longer name never equals a key.
    const LOW: u64 = 0x2020_2020_2020_2020;
    let lower = (word | LOW) & (u64::MAX >> (64 - 8 * len));
    const K_ID: u64 = key(b"id");
    const K_AS: u64 = key(b"as");
    const K_ROLE: u64 = key(b"role");
    const K_CLASS: u64 = key(b"class");
    const K_STYLE: u64 = key(b"style");
    const K_VARIANT: u64 = key(b"variant");
    let (slot, kind) = match lower {
        K_ID => (ID, ATTRS_ID),
        K_AS => (AS, ATTRS_OTHER),
        K_ROLE => (ROLE, ATTRS_OTHER),
        K_CLASS => (CLASS, ATTRS_CLASS),
        K_STYLE => (STYLE, ATTRS_OTHER),
        K_VARIANT => (VARIANT, ATTRS_OTHER),
        _ => return,
    };
    put_attr(a, slot, kind, (value.0 as u32, value.1 as u32), read);
}

fn note_attr(a: &mut Attrs, name: &[u8], value: (usize, usize), read: u8) {
    let value = (value.0 as u32, value.1 as u32);
    if name.len() > 10 {
        return;
    }
    // By length first: most attributes (href, src, alt, rel, lang, ...)
    // are none of these and fail with one comparison.
    let is = |w: &[u8]| name.eq_ignore_ascii_case(w);
    let (slot, kind) = match name.len() {
        2 if is(b"id") => (ID, ATTRS_ID),
        2 if is(b"as") => (AS, ATTRS_OTHER),
        4 if is(b"role") => (ROLE, ATTRS_OTHER),
        5 if is(b"class") => (CLASS, ATTRS_CLASS),
        5 if is(b"style") => (STYLE, ATTRS_OTHER),
        7 if is(b"variant") => (VARIANT, ATTRS_OTHER),
        9 if is(b"classname") => (CLASS, ATTRS_CLASS),
        9 if is(b"component") => (COMPONENT, ATTRS_OTHER),
        10 if is(b"aria-level") => (ARIA_LEVEL, ATTRS_OTHER),
        _ => return,
    };
    put_attr(a, slot, kind, value, read);
}

/// Keeps an attribute's value in its slot when the classifier reads that
/// kind (`read`), the first of a repeated attribute winning.
#[inline(always)]
fn put_attr(a: &mut Attrs, slot: usize, kind: u8, value: (u32, u32), read: u8) {
    if read & kind == 0 {
        return;
    }
    let slot = &mut a.vals[slot];
    if slot.1 == 0 {
        *slot = value;
        a.any = true;
    }
}

/// `Some(true)` for a bold `font-weight` in a style attribute, `Some(false)`
/// for a normal one.
fn font_weight(style: &[u8]) -> Option<bool> {
    let at = (0..style.len().saturating_sub(10))
        .find(|&i| style[i..i + 11].eq_ignore_ascii_case(b"font-weight"))?;
    let rest = style[at + 11..]
        .trim_ascii_start()
        .strip_prefix(b":")?
        .trim_ascii_start();
    let n = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let mut word = [0u8; 8];
    if n > word.len() {
        return None;
    }
    word[..n].copy_from_slice(&rest[..n]);
    word[..n].make_ascii_lowercase();
    match &word[..n] {
        b"bold" | b"bolder" | b"600" | b"700" | b"800" | b"900" => Some(true),
        b"normal" | b"lighter" | b"100" | b"200" | b"300" | b"400" | b"500" => Some(false),
        _ => None,
    }
}

/// [`scan_names`] of the value `b[r.0..r.1]`: where the page has a byte
/// after the value's last 16-byte piece, the places where a name may start
/// are found by the two letters it starts with, 16 at a time (the byte
/// loop's `match` on each pair compiled to a jump table that mispredicted
/// about three times a value, and cost ~20 instructions a byte).
fn scan_names_in(b: &[u8], r: Val) -> (bool, bool) {
    let (a, e) = (r.0 as usize, r.1 as usize);
    #[cfg(target_arch = "x86_64")]
    if a + (e - a).next_multiple_of(16) < b.len() && scan_pairs_enabled() {
        return scan_names_by_pairs(b, a, e);
    }
    scan_names(&b[a..e])
}

#[cfg(test)]
thread_local! {
    /// Tests turn [`scan_names_in`]'s pair masks off to compare them with
    /// the byte loop.
    static NO_SCAN_PAIRS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[inline(always)]
fn scan_pairs_enabled() -> bool {
    #[cfg(test)]
    {
        !NO_SCAN_PAIRS.with(std::cell::Cell::get)
    }
    #[cfg(not(test))]
    {
        true
    }
}

/// [`scan_names`] of `b[a..e]`, given `b[a..a + 16k + 1]` in bounds for
/// the value's pieces `k` ([`scan_names_in`]).
#[cfg(target_arch = "x86_64")]
fn scan_names_by_pairs(b: &[u8], a: usize, e: usize) -> (bool, bool) {
    let v = &b[a..e];
    let mut found = Names::default();
    let mut o = 0;
    while o < v.len() {
        let piece: &[u8; 17] = b[a + o..a + o + 17].try_into().expect("17 bytes");
        // Pairs that start at the value's last byte or past it are no
        // pairs of the value.
        let valid = if v.len() - o >= 17 {
            u16::MAX
        } else {
            ((1u32 << (v.len() - o - 1)) - 1) as u16
        };
        let mut m = name_pairs(piece) & valid;
        while m != 0 {
            found.note_pair(v, o + m.trailing_zeros() as usize);
            m &= m - 1;
        }
        o += 16;
    }
    consent_parts(v, found)
}

/// What [`scan_names`] found in a value so far.
#[derive(Default)]
struct Names {
    cookie: bool,
    brand: bool,
    bold: bool,
}

impl Names {
    /// Looks at the names that may start at `v[i]`, by its pair `v[i..i + 2]`.
    #[inline(always)]
    fn note_pair(&mut self, v: &[u8], i: usize) {
        let at = |w: &[u8]| v.len() >= i + w.len() && v[i..i + w.len()].eq_ignore_ascii_case(w);
        // Two letters first: most class names have many c, o, d and f.
        match [v[i] | 0x20, v[i + 1] | 0x20] {
            [b'c', b'o'] => self.cookie |= at(b"cookie"),
            [b'c', b'c'] => self.brand |= at(b"cc-window") || at(b"cc-banner"),
            [b'c', b'k'] => self.brand |= at(b"cky-consent"),
            [b'g', b'd'] => self.cookie |= at(b"gdpr"),
            [b'o', b'n'] => self.brand |= at(b"onetrust"),
            [b'd', b'i'] => self.brand |= at(b"didomi"),
            [b'u', b's'] => self.brand |= at(b"usercentrics"),
            [b'q', b'c'] => self.brand |= at(b"qc-cmp"),
            // Breadcrumbs ("Etusivu › Tietosuoja") are navigation too.
            [b'c', b'r'] => self.brand |= at(b"crumb"),
            [b'f', b'o'] => self.bold |= at(b"font-bold") || at(b"font-semibold"),
            [b'f', b'w'] => self.bold |= at(b"fw-bold"),
            _ => {}
        }
    }
}

/// Where in `p` (any case) a pair starts that [`Names::note_pair`] looks
/// further at (`co`, `cc`, `ck`, `gd`, `on`, `di`, `us`, `qc`, `cr`, `fo`,
/// `fw`), bit `i` for the pair `p[i..i + 2]`.
#[cfg(target_arch = "x86_64")]
#[inline]
fn name_pairs(p: &[u8; 17]) -> u16 {
    // SAFETY: SSE2 is part of x86-64 itself (every x86_64 target enables
    // it); the function reads only `p`.
    unsafe { name_pairs_sse2(p) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn name_pairs_sse2(p: &[u8; 17]) -> u16 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: bytes 0..16 and 1..17 of `p` (17 bytes) are in bounds;
    // `loadu` needs no alignment.
    let (first, second) = unsafe {
        (
            _mm_loadu_si128(p.as_ptr().cast::<__m128i>()),
            _mm_loadu_si128(p.as_ptr().add(1).cast::<__m128i>()),
        )
    };
    // Lowercase as `note_pair` does (`| 0x20`).
    let low = _mm_set1_epi8(0x20);
    let (first, second) = (_mm_or_si128(first, low), _mm_or_si128(second, low));
    let f = |c: u8| _mm_cmpeq_epi8(first, _mm_set1_epi8(c as i8));
    let s = |c: u8| _mm_cmpeq_epi8(second, _mm_set1_epi8(c as i8));
    let or = _mm_or_si128;
    let pairs = or(
        or(
            _mm_and_si128(f(b'c'), or(or(s(b'o'), s(b'c')), or(s(b'k'), s(b'r')))),
            _mm_and_si128(f(b'o'), s(b'n')),
        ),
        or(
            or(
                _mm_and_si128(f(b'g'), s(b'd')),
                _mm_and_si128(f(b'd'), s(b'i')),
            ),
            or(
                or(
                    _mm_and_si128(f(b'u'), s(b's')),
                    _mm_and_si128(f(b'q'), s(b'c')),
                ),
                _mm_and_si128(f(b'f'), or(s(b'o'), s(b'w'))),
            ),
        ),
    );
    _mm_movemask_epi8(pairs) as u16
}

/// Looks through an id or class value (any case) for a cookie/consent
/// banner and for a bold utility class. One pass over the bytes: this runs
/// for every element with a class. (The reference of
/// [`scan_names_by_pairs`], and where the page ends right after the value.)
fn scan_names(v: &[u8]) -> (bool, bool) {
    let mut found = Names::default();
    for i in 0..v.len().saturating_sub(1) {
        found.note_pair(v, i);
    }
    consent_parts(v, found)
}

/// [`scan_names`]' answer from what its pass found: a value that names
/// cookies (and no known banner) is a banner if it also names a part of one.
fn consent_parts(v: &[u8], found: Names) -> (bool, bool) {
    let Names {
        cookie,
        mut brand,
        bold,
    } = found;
    if cookie && !brand {
        const PARTS: [&[u8]; 17] = [
            b"banner",
            b"consent",
            b"notice",
            b"bar",
            b"popup",
            b"pop-up",
            b"modal",
            b"dialog",
            b"overlay",
            b"notification",
            b"law",
            b"box",
            b"message",
            b"prompt",
            b"wall",
            b"layer",
            b"alert",
        ];
        // In place, any case, by first byte (a lowercase copy and a
        // `memmem` searcher built for each part cost ~370 instructions a
        // value). The parts are lowercase ASCII letters and `-`, which
        // `| 0x20` leaves as they are.
        brand = PARTS.iter().any(|p| {
            v.windows(p.len())
                .any(|w| w[0] | 0x20 == p[0] && w.eq_ignore_ascii_case(p))
        });
    }
    (brand, bold)
}

/// After a JS string's opening quote at `from - 1`: the index of its
/// closing quote, if it closes on the same line.
fn string_end(b: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            c if c == q => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// After a JS string's opening quote at `from - 1`: the index after its
/// closing quote (or the end of the line).
fn skip_string(b: &[u8], from: usize, q: u8) -> usize {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// After a regular expression's `/` at `from - 1`: the index after it.
fn skip_regex(b: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'\n' => return i,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// `{if $x}`, `{include file='a.tpl'}`, `{else}`: Smarty tags that start
/// with a word.
fn smarty_keyword(s: &[u8]) -> bool {
    let n = s
        .iter()
        .take(12)
        .take_while(|c| c.is_ascii_lowercase() || **c == b'_')
        .count();
    matches!(s.get(n), Some(b' ' | b'}'))
        && matches!(
            &s[..n],
            b"if"
                | b"else"
                | b"elseif"
                | b"foreach"
                | b"foreachelse"
                | b"include"
                | b"assign"
                | b"section"
                | b"sectionelse"
                | b"capture"
                | b"literal"
                | b"block"
                | b"extends"
                | b"function"
                | b"strip"
                | b"while"
                | b"for"
                | b"ldelim"
                | b"rdelim"
                | b"nocache"
                | b"config_load"
                | b"insert"
                | b"append"
                | b"call"
                | b"php"
        )
}

/// `<T,>` or `<T extends U>`: TypeScript type parameters, not JSX.
fn ts_generic(b: &[u8], from: usize) -> bool {
    let mut i = from;
    while i < b.len() && is_ident(b[i]) {
        i += 1;
    }
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    b.get(i) == Some(&b',') || b[i.min(b.len())..].starts_with(b"extends ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector masks of the attribute path are the byte loop's, on
    /// random bytes heavy in the ones they mark.
    #[test]
    fn attr_masks_are_the_bytewise_masks() {
        let mut next = crate::xorshift(0x6174_7472_6d61);
        let pieces: Vec<u8> =
            b"a=\"'<{>/ \t\n\r\x0c\x0b\x00\x1f\x20\x21\x7f\x80\xa0\xffZ-".to_vec();
        for _ in 0..20_000 {
            let mut w = [0u8; 32];
            for c in &mut w {
                *c = if next().is_multiple_of(4) {
                    next() as u8
                } else {
                    pieces[(next() % pieces.len() as u64) as usize]
                };
            }
            assert_eq!(name_ends(&w), name_ends_bytewise(&w), "{w:?}");
            for q in [b'"', b'\'', b'<', 0] {
                assert_eq!(value_stops(&w, q), value_stops_bytewise(&w, q), "{w:?}");
            }
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2 (checked just above).
                let ends = unsafe { name_ends_avx2(&w) };
                assert_eq!(ends, name_ends_bytewise(&w), "{w:?}");
                for q in [b'"', b'\'', b'<', 0] {
                    // SAFETY: as above.
                    let stops = unsafe { value_stops_avx2(&w, q) };
                    assert_eq!(stops, value_stops_bytewise(&w, q), "{w:?}");
                }
            }
        }
    }

    /// The pair masks of `scan_names_in` find what the byte loop finds, on
    /// random values of the names' pieces in every case, at every length
    /// and place in the page (up to its end).
    #[test]
    fn scan_pairs_are_the_byte_loop() {
        let mut next = crate::xorshift(0x7363_616e_6e6d);
        let pieces = [
            "cookie",
            "COOKIE",
            "Cookie",
            "gdpr",
            "GDPR",
            "cc-window",
            "cc-banner",
            "CC-Banner",
            "cky-consent",
            "onetrust",
            "OneTrust",
            "didomi",
            "usercentrics",
            "qc-cmp",
            "crumb",
            "Crumbs",
            "font-bold",
            "font-semibold",
            "FW-bold",
            "fw-bold",
            "banner",
            "consent",
            "notice",
            "bar",
            "modal",
            "law",
            "box",
            "wall",
            "alert",
            "co",
            "cc",
            "ck",
            "cr",
            "gd",
            "on",
            "di",
            "us",
            "qc",
            "fo",
            "fw",
            "c",
            "o",
            "g",
            "d",
            "f",
            "w",
            "-",
            " ",
            "_",
            "x",
            "site-header",
            "content",
            "\u{e4}",
            "C\u{f6}",
            "\x00",
            "\x03",
            "\x0f",
            "\x43",
        ];
        let mut seen = [0usize; 2];
        for round in 0..20_000 {
            let n = (next() % 12) as usize;
            let value = crate::random_text(&mut next, &pieces, n);
            let before = (next() % 20) as usize;
            let after = (next() % 20) as usize;
            let page = format!("{}{value}{}", "<".repeat(before), ">".repeat(after));
            let r = (before as u32, (before + value.len()) as u32);
            NO_SCAN_PAIRS.with(|f| f.set(true));
            let slow = scan_names_in(page.as_bytes(), r);
            NO_SCAN_PAIRS.with(|f| f.set(false));
            let fast = scan_names_in(page.as_bytes(), r);
            assert_eq!(slow, fast, "{round}: {value:?}");
            seen[0] += usize::from(fast.0);
            seen[1] += usize::from(fast.1);
        }
        assert!(seen[0] > 1000 && seen[1] > 1000, "{seen:?}");
    }

    /// A name compared as one number notes what the slice comparisons
    /// note, for names of every case and of bytes near the keys'.
    #[test]
    fn note_attr_word_is_note_attr() {
        let mut next = crate::xorshift(0x6e6f_7465_6174);
        let names = [
            "id",
            "ID",
            "Id",
            "as",
            "aS",
            "role",
            "ROLE",
            "class",
            "Class",
            "style",
            "variant",
            "VARIANT",
            "classname",
            "className",
            "component",
            "aria-level",
            "aria-label",
            "i",
            "idd",
            "rolex",
            "clas",
            "h",
            "href",
            "src",
            "ic",
            "kd",
            "iD",
            "\u{c9}d",
            "\x09d",
        ];
        let bytes = b"idIDasASroleclsyvntCLSYVNT\x00\x09\x49\x69\x44\x64\xc9\xe9@`[{-";
        for round in 0..20_000u32 {
            let name: Vec<u8> = if round.is_multiple_of(2) {
                names[(next() % names.len() as u64) as usize]
                    .as_bytes()
                    .to_vec()
            } else {
                let n = 1 + (next() % 9) as usize;
                (0..n)
                    .map(|_| bytes[(next() % bytes.len() as u64) as usize])
                    .collect()
            };
            let mut padded = name.clone();
            padded.extend((0..8).map(|_| next() as u8));
            let word = u64::from_le_bytes(padded[..8].try_into().unwrap());
            let read = (next() % 8) as u8;
            let (mut a, mut b) = (Attrs::default(), Attrs::default());
            if next().is_multiple_of(2) {
                a.vals[CLASS] = (3, 4);
                b.vals[CLASS] = (3, 4);
            }
            note_attr(&mut a, &name, (5, 9), read);
            note_attr_word(&mut b, &name, word, (5, 9), read);
            assert_eq!((a.vals, a.any), (b.vals, b.any), "{name:?}");
        }
    }

    /// Tags read by the attribute masks give the tokens the byte loops
    /// give, on random tags of random attributes (quotes, templates,
    /// `>` in values, control bytes, names and values of every length,
    /// inputs that end inside a tag).
    #[test]
    fn attr_mask_path_is_the_byte_loops() {
        let mut next = crate::xorshift(0x6174_7472_7061);
        let pieces = [
            "<div",
            "<p",
            "<a",
            "<h2",
            "<x-widget",
            "<span",
            "</div",
            "</a",
            " ",
            "  ",
            "\n",
            "\t",
            "\x0b",
            "\x01",
            "=",
            "\"",
            "'",
            ">",
            "/>",
            "/",
            "id",
            "class",
            "role",
            "style",
            "aria-level",
            "component",
            "variant",
            "as",
            "href",
            "data-some-very-long-attribute-name",
            "\"main\"",
            "\"heading\"",
            "\"h3\"",
            "\"font-weight:bold\"",
            "\"cookie-banner\"",
            "'navigation'",
            "\"2\"",
            "x",
            "ä",
            "<?php echo 1 ?>",
            "{{ x }}",
            "{% y %}",
            "<",
            "{",
            "}",
            "text ",
            "\"a>b\"",
            "\"/assets/img/some-long-path/logo.svg\"",
        ];
        for round in 0..3_000 {
            let n = 1 + (next() % 60) as usize;
            let src = crate::random_text(&mut next, &pieces, n);
            for flavor in [Flavor::Markup, Flavor::BraceMarkup] {
                NO_ATTR_FAST_PATH.with(|f| f.set(true));
                let (slow, slow_c) = tokenize(&src, flavor, 0);
                NO_ATTR_FAST_PATH.with(|f| f.set(false));
                let spans = |c: &[Comment]| c.iter().map(|c| c.span.clone()).collect::<Vec<_>>();
                // The masks by AVX2 (where the CPU has it), then by SSE2.
                for no_avx2 in [false, true] {
                    NO_ATTR_AVX2.with(|f| f.set(no_avx2));
                    let (fast, fast_c) = tokenize(&src, flavor, 0);
                    NO_ATTR_AVX2.with(|f| f.set(false));
                    assert_eq!(slow, fast, "{round} {no_avx2}: {src:?}");
                    assert_eq!(spans(&slow_c), spans(&fast_c), "{round} {no_avx2}: {src:?}");
                }
            }
        }
    }

    fn tok(src: &str) -> (Vec<Token>, Vec<Comment>) {
        let (f, start) = sniff(src);
        tokenize(src, f, start)
    }

    fn texts(src: &str) -> Vec<String> {
        let (toks, _) = tok(src);
        toks.iter()
            .filter(|t| matches!(t.kind, Kind::Text | Kind::JsText))
            .map(|t| src[t.start as usize..t.end as usize].to_string())
            .filter(|s| !s.trim().is_empty())
            .collect()
    }

    #[test]
    fn html_text_and_raw_text() {
        let src = "<p class=\"a>b\">Yksi</p><script>if (a<b) document.write('<h2>x</h2>')</script><p>Kaksi &amp; <b>kolme</b></p>";
        assert_eq!(texts(src), ["Yksi", "Kaksi &amp; ", "kolme"]);
        let (toks, _) = tok(src);
        assert!(toks.iter().any(|t| t.kind == Kind::RawText));
        assert!(!toks.iter().any(|t| t.tag == Tag::H(2)));
    }

    #[test]
    fn templates_are_skipped() {
        let src = "<h2><?php echo $t; ?>Otsikko</h2>{{ x }}<p>{% if a %}Teksti{# c #}${y}</p><a href=\"<?php echo \"x\" ?>\">Linkki</a><#if z>FM</#if>";
        assert_eq!(texts(src), ["Otsikko", "Teksti", "Linkki", "FM"]);
    }

    #[test]
    fn jsx_in_code() {
        let src = "import x from 'y';\nconst a = b < c;\nexport default function P() {\n  const r = /<h2>/g;\n  return (\n    <div className={s.x}>\n      <h2>Otsikko</h2>\n      {cond && <p>Ehdollinen</p>}\n      <p>Teksti{\" \"}<a href={url}>linkki</a>{/* seloste-disable-next-line X -- syy */}</p>\n      {items.map((i) => <li key={i}>{i.name}</li>)}\n    </div>\n  );\n}\n";
        assert_eq!(texts(src), ["Otsikko", "Ehdollinen", "Teksti", "linkki"]);
        let (_, comments) = tok(src);
        assert_eq!(comments.len(), 1);
        assert_eq!(
            comments[0].text.trim(),
            "seloste-disable-next-line X -- syy"
        );
    }

    /// [`Tag::of`] for names of up to 8 bytes as it was: lowercased byte by
    /// byte and looked up by a binary search.
    fn tag_by_search(name: &[u8]) -> Tag {
        if name.is_empty() {
            return Tag::Other;
        }
        let mut k = 0u64;
        for (i, c) in name.iter().enumerate() {
            k |= u64::from(c.to_ascii_lowercase()) << (8 * i);
        }
        match TAGS.binary_search_by_key(&k, |e| e.0) {
            Ok(i) => TAGS[i].1,
            Err(_) => Tag::Other,
        }
    }

    #[test]
    fn tag_hash_is_the_search() {
        // Every name of one or two bytes.
        for a in 0..=255u8 {
            assert_eq!(Tag::of(&[a]), tag_by_search(&[a]), "{a}");
            for b in 0..=255u8 {
                assert_eq!(Tag::of(&[a, b]), tag_by_search(&[a, b]), "{a} {b}");
            }
        }
        // The known names in mixed case, one byte changed, and pseudo-random
        // names from letters, digits, `-` and bytes above ASCII.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for &(k, tag) in TAGS.iter() {
            let name: Vec<u8> = k
                .to_le_bytes()
                .into_iter()
                .take_while(|&c| c != 0)
                .collect();
            for _ in 0..64 {
                let r = next();
                let mixed: Vec<u8> = name
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| {
                        if r >> i & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                assert_eq!(Tag::of(&mixed), tag);
                let mut changed = mixed.clone();
                let at = (r >> 32) as usize % changed.len();
                changed[at] = (r >> 40) as u8;
                assert_eq!(Tag::of(&changed), tag_by_search(&changed), "{changed:?}");
            }
        }
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzHTMLDIV0123456789-_:\x80\xc3\xff@[`{";
        for _ in 0..200_000 {
            let r = next();
            let len = 1 + (r % 8) as usize;
            let name: Vec<u8> = (0..len)
                .map(|i| ALPHABET[(r >> (8 + 6 * i)) as usize % ALPHABET.len()])
                .collect();
            assert_eq!(Tag::of(&name), tag_by_search(&name), "{name:?}");
        }
    }

    #[test]
    fn tag_byte_classes() {
        for c in 0..=255u8 {
            let t = TAG_BYTES[c as usize];
            assert_eq!(t & WS != 0, is_ws(c));
            assert_eq!(is_ws_by_class(c), is_ws(c));
            assert_eq!(t & END_NAME != 0, is_ws(c) || c == b'/' || c == b'>');
            assert_eq!(
                t & END_ATTR != 0,
                is_ws(c) || matches!(c, b'/' | b'>' | b'=')
            );
            assert_eq!(t & END_VALUE != 0, is_ws(c) || c == b'>');
        }
    }

    /// `first_stop` against a byte search, on random bytes around the stops.
    #[test]
    fn first_stop_is_the_byte_search() {
        let mut next = crate::xorshift(0xa77_5709);
        let alphabet = b"ab\"'<{= \xc3\xa4\x80\x22\x27";
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let s: Vec<u8> = (0..len)
                .map(|_| match next() % 3 {
                    // Any byte (high bits, neighbours of the stops) or a stop.
                    0 => next() as u8,
                    _ => alphabet[(next() % alphabet.len() as u64) as usize],
                })
                .collect();
            for q in [b'"', b'\''] {
                let want = s.iter().position(|&c| c == q || c == b'<' || c == b'{');
                assert_eq!(first_stop(&s, q), want, "{s:?} {q}");
            }
        }
    }

    /// The page masks (bytewise, SSE2, AVX2 when the CPU has it) and the
    /// bit searches over them against byte searches, on random bytes heavy
    /// in the marked ones, of lengths around the 64-byte blocks.
    #[test]
    fn byte_masks_are_the_byte_search() {
        let alphabet = b"<{$&ab \n\xc3\xa4";
        let mut next = crate::xorshift(0x6d61_736b_7321);
        for _ in 0..3_000 {
            let len = (next() % 300) as usize;
            let b: Vec<u8> = (0..len)
                .map(|_| match next() % 4 {
                    0 => next() as u8,
                    _ => alphabet[(next() % alphabet.len() as u64) as usize],
                })
                .collect();
            let masks = ByteMasks::of(&b);
            let mut bytewise = ByteMasks::default();
            fill_masks(&b, &mut bytewise, block_masks_bytewise);
            assert_eq!(masks.stops, bytewise.stops, "{b:?}");
            assert_eq!(masks.amps, bytewise.amps, "{b:?}");
            #[cfg(target_arch = "x86_64")]
            {
                let mut sse2 = ByteMasks::default();
                // SAFETY: SSE2 is part of x86-64 itself.
                unsafe { fill_masks_sse2(&b, &mut sse2) };
                assert_eq!(sse2.stops, bytewise.stops, "{b:?}");
                assert_eq!(sse2.amps, bytewise.amps, "{b:?}");
            }
            for from in 0..=len {
                let stop = b[from..]
                    .iter()
                    .position(|c| matches!(c, b'<' | b'{' | b'$'))
                    .map(|p| from + p);
                assert_eq!(next_bit(&masks.stops, from), stop, "{b:?} {from}");
                let end = from + (next() % 130) as usize;
                let end = end.min(len);
                let amp = b[from..end]
                    .iter()
                    .position(|&c| c == b'&')
                    .map(|p| from + p);
                assert_eq!(
                    next_bit_in(&masks.amps, from, end),
                    amp,
                    "{b:?} {from}..{end}"
                );
            }
            masks.give_back();
        }
    }

    /// `skip_ws` against the byte loop, on random bytes heavy in whitespace
    /// (every byte value occurs), from every start.
    #[test]
    fn skip_ws_is_the_byte_loop() {
        let alphabet = b" \n\t\r\x0c\x0b<a";
        let mut next = crate::xorshift(0x736b_6970_7773);
        for _ in 0..5_000 {
            let len = (next() % 40) as usize;
            let b: Vec<u8> = (0..len)
                .map(|_| match next() % 5 {
                    0 => next() as u8,
                    _ => alphabet[(next() % alphabet.len() as u64) as usize],
                })
                .collect();
            for from in 0..=len {
                let mut want = from;
                while want < len && is_ws(b[want]) {
                    want += 1;
                }
                assert_eq!(skip_ws(&b, from), want, "{b:?} {from}");
            }
        }
        for c in 0..=255u8 {
            let x = u64::from_le_bytes([c, b' ', c, b'\n', c, b'a', c, c]);
            let want = [c, b' ', c, b'\n', c, b'a', c, c]
                .iter()
                .enumerate()
                .fold(0u64, |m, (k, &d)| m | u64::from(!is_ws(d)) << (8 * k + 7));
            assert_eq!(not_ws_bytes(x), want, "{c}");
        }
    }

    /// `short_name` and `Tag::of_key` against the byte loop and `Tag::of`,
    /// on random names (known ones in any case, control and non-ASCII
    /// bytes, every end byte) with random bytes after them.
    #[test]
    fn short_name_is_the_byte_loop() {
        let known = [
            &b"p"[..],
            b"div",
            b"LI",
            b"span",
            b"H2",
            b"strong",
            b"script",
            b"article",
            b"a",
            b"noscript",
            b"section",
            b"my-tag",
            b"x",
        ];
        let alphabet = b"aZ-1 \t\n\r\x0c\x0b\x00/>=\"\xc3\xa4";
        let mut next = crate::xorshift(0x7a67_6e61_6d65);
        for _ in 0..50_000 {
            let mut b = Vec::new();
            if next().is_multiple_of(2) {
                let k = known[(next() % known.len() as u64) as usize];
                b.extend(k.iter().map(|c| {
                    if next().is_multiple_of(3) {
                        c.to_ascii_uppercase()
                    } else {
                        *c
                    }
                }));
            }
            let len = (next() % 12) as usize;
            b.extend((0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]));
            if b.is_empty() {
                continue;
            }
            let mut k = 0;
            while k < b.len() && TAG_BYTES[b[k] as usize] & END_NAME == 0 {
                k += 1;
            }
            if let Some((end, key)) = short_name(&b, 0) {
                assert_eq!(end, k, "{b:?}");
                assert_eq!(Tag::of_key(key), Tag::of(&b[..k]), "{b:?}");
            } else {
                // Only a long name, a short input or a control byte in the
                // name is left to the loop.
                assert!(
                    k >= 8 || b.len() < 8 || b[..k].iter().any(|&c| c < 0x21),
                    "{b:?}"
                );
            }
        }
    }

    /// `skip_to_class` against the indexed loop it replaced, on random
    /// bytes heavy in tag syntax, from every start (past the end too).
    #[test]
    fn skip_to_class_is_the_loop() {
        let alphabet = b" \t\n/>=\"'<{ab";
        let mut next = crate::xorshift(0x5bd1_e995_3c6e_f372);
        for _ in 0..2_000 {
            let len = (next() % 40) as usize;
            let b: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            for class in [END_NAME, END_ATTR, END_VALUE] {
                for from in 0..=len + 1 {
                    let mut k = from;
                    while k < b.len() && TAG_BYTES[b[k] as usize] & class == 0 {
                        k += 1;
                    }
                    assert_eq!(skip_to_class(&b, from, class), k, "{b:?} {from}");
                }
            }
        }
    }

    #[test]
    fn tag_names() {
        assert_eq!(Tag::of(b"H2"), Tag::H(2));
        assert_eq!(Tag::of(b"dIv"), Tag::Div);
        assert_eq!(Tag::of(b"Section"), Tag::Section);
        assert_eq!(Tag::of(b"BLOCKQUOTE"), Tag::Block);
        assert_eq!(Tag::of(b"plaintext"), Tag::Plaintext);
        assert_eq!(Tag::of(b"Typography"), Tag::Other);
        assert_eq!(Tag::of(b"h7"), Tag::Other);
        assert_eq!(Tag::of(b"\0"), Tag::Other);
        assert_eq!(Tag::of(b"p\0"), Tag::P);
        assert_eq!(Tag::of(b""), Tag::Other);
        assert!(
            TAGS.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no duplicates"
        );
    }

    #[test]
    fn entities_in_the_table() {
        use super::super::html_entities::{char_ref, CharRef};
        assert_eq!(char_ref(b"auml;x"), Some((CharRef::Named("ä"), 5)));
        assert_eq!(char_ref(b"auml x"), Some((CharRef::Named("ä"), 4)));
        assert_eq!(char_ref(b"notit;"), Some((CharRef::Named("¬"), 3)));
        assert_eq!(char_ref(b"#228;"), Some((CharRef::Char('ä'), 5)));
        assert_eq!(char_ref(b"#xE4"), Some((CharRef::Char('ä'), 4)));
        assert_eq!(char_ref(b"#150;"), Some((CharRef::Char('–'), 5)));
        assert_eq!(char_ref(b"#;"), None);
        assert_eq!(char_ref(b"bogus;"), None);
        assert_eq!(
            char_ref(b"CounterClockwiseContourIntegral;"),
            Some((CharRef::Named("\u{2233}"), 32))
        );
    }
}
