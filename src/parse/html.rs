//! HTML pages and site templates/components (PHP, JSX/TSX/JS, Vue, Svelte,
//! Astro, ERB, Liquid, Nunjucks, Twig, FreeMarker, Smarty ...) into headed
//! sections whose text maps back to exact source spans.
//!
//! # Design
//!
//! Three passes, none recursive, all linear:
//!
//! 1. `html_lex` tokenizes the bytes once: tags (with the
//!    few attributes that matter turned into flags, and the indentation
//!    before them), text runs and comments, skipping template tags and, in
//!    JavaScript, everything but JSX.
//! 2. A structure pass runs a small HTML tree builder over the tokens (the
//!    implied end tags of `p`, `li`, `dt`/`dd`, table parts and headings,
//!    end tags matched within scope) and records, for every start tag, the
//!    token that closes it; plus which `main`/`article` holds the headings
//!    and, for each `dl` and table, whether it is a list of heading/body
//!    pairs (two columns; long bodies).
//! 3. The builder walks the chosen region, skips chrome subtrees by jumping to
//!    their closing token, and builds the sections: text is decoded (all
//!    2,231 HTML5 named references, numeric ones, legacy names without `;`)
//!    straight into [`MappedText`], so every character maps to its source.
//!
//! **Why a hand-written tokenizer and not html5gum.** html5gum 0.9 gives
//! spans and decoded text, but its decoded text has no per-character map (we
//! would re-align every text token against the source), it cannot skip
//! template syntax or read JSX, and it is slow for the budget. Measured here
//! on the 27 HTML pages of the corpus (avg 19 KB with site chrome), release
//! build, same run: html5gum alone (spans, naive state switching, every
//! token visited) ~177 µs per page; our tokenizer ~24 µs (7× faster); the
//! whole parser (tokenizer, structure pass, sections with maps) ~46 µs. For
//! the pages of 7–12 KB (avg 9.2 KB): **~24 µs per page** with the 2-core
//! machine loaded by other builds, and ~15 µs per 9 KB on a quiet machine
//! (31 µs for the 19 KB average page, ~620 MB/s); the budget is 40 µs.
//! `cargo test --release --lib bench_ -- --ignored --nocapture` (wall clock:
//! take the lowest of several runs). html5gum stays a dev-time reference:
//! tests check that its text and ours agree on the fixtures and that every
//! entity in our table decodes as it does.
//!
//! # What counts as a heading
//!
//! * `h1`–`h6` (any case, so JSX `<H2>` too); any element with
//!   `component`/`as`/`variant` = `h1`..`h6` (MUI `Typography`), or
//!   `role="heading"` (`aria-level`, default 2). These set the level.
//! * `summary` of a `details`.
//! * A line that is all bold (`b`, `strong`, `font-weight: bold`,
//!   `font-bold`; punctuation may be plain) when it fills a whole `p`/`div`
//!   and reads like a heading (≤ 100 characters, no sentence end), or when
//!   the oracle knows it (then also a line between `br`s). A line in
//!   italics (`em`, `i`) that fills a whole `p`/`div` when the oracle knows
//!   it and it is no sentence (`<p><em>Vastustamisoikeus</em></p>`).
//! * `dt`, and the first cell of each row of a two-column table without
//!   column headers, when no `h2`-or-deeper heading is in effect (the list is
//!   then the notice's structure), the bodies are long (≥ 80 bytes on
//!   average), the label is numbered ("3. Rekisterin nimi"), or the oracle
//!   knows it. Otherwise the pair is body text ("Puhelin" / "040 123").
//! * A `button` outside a heading (accordions) if numbered or known to the
//!   oracle; other button text is interface chrome and dropped.
//!
//! Derived headings get the level of the last markup heading + 1, or 3.
//!
//! # What is left out
//!
//! `script`, `style`, `noscript`, `template` (except in Vue components),
//! `svg`, `math`, `head` (its `title` becomes the document title), `nav`,
//! `aside`, `header`/`footer` outside `article`/`main`/`section`, forms
//! without headings, `select`/`textarea`/`iframe`/`dialog`, landmarks with
//! chrome roles, breadcrumbs, and cookie/consent banners (`cookie`/`gdpr` with
//! banner, notice, bar, popup, consent ... in the id or class; OneTrust,
//! Cookiebot, Didomi, Usercentrics, cookieconsent). If a `main` (or
//! `role="main"`) holds headings only it is read; else the `article`s, if
//! they hold at least half of the headings; else the whole page. An `h1`
//! outside the part read (a hero banner above the `article`) that names the
//! notice is still its title when `<title>` is missing or only the site name.

use std::cell::Cell;
use std::ops::Range;

use memchr::memchr;

use super::html_entities::char_ref;
#[cfg(test)]
use super::html_lex::tokenize;
use super::html_lex::{
    next_bit, sniff, tag_set, tokenize_with, ByteMasks, Flavor, Kind, Tag, Token, BLANK, BOLD,
    CHROME, ITALIC, JSX, MAIN, NOT_BOLD, SELF_CLOSING,
};
use super::{names_the_notice, HeadingOracle, RawDocument, RawSection};
use crate::textmap::MappedText;

/// Parses an HTML page or template.
pub fn parse(src: &str, oracle: &dyn HeadingOracle) -> RawDocument {
    let (flavor, start) = sniff(src);
    let masks = ByteMasks::of(src.as_bytes());
    let (toks, comments) = tokenize_with(src, &masks, flavor, start);
    let st = Structure::build(src.as_bytes(), &toks);
    let amps = &Amps::new(&masks);
    let mut b = Builder::new(src, amps, &toks, &st, oracle);
    let regions = st.regions(toks.len());
    for r in regions.iter().cloned() {
        b.walk(r);
    }
    let mut doc = b.finish();
    doc.title = st
        .title(src, amps, &toks)
        .or_else(|| front_matter_title(src, start));
    // The page's h1 may sit in a hero banner outside the `main`/`article`
    // that was read: it still names the notice better than a site name.
    // Whether the title does is asked only when there is such an h1
    // (`names_the_notice` lowercases and searches the title: ~2,000
    // instructions a page, and most pages have none).
    if st.outer_h1s(&toks, &regions).next().is_some()
        && !doc
            .title
            .as_ref()
            .is_some_and(|t| names_the_notice(&t.text))
    {
        if let Some(h1) = st.outer_h1(src, amps, &toks, &regions) {
            doc.title = Some(h1);
        }
    }
    doc.comments = comments;
    // Walked only when a rule asks for it ([`page_footer`]).
    doc.page_footer = page_footers(&toks, &st).next().map(|i| {
        let open = st.footer_open.iter().find(|f| f.0 as usize == i);
        match open {
            Some(&(_, Some(open))) if flavor == Flavor::Markup => FooterAt {
                from: toks[i].start,
                open,
                page: st.page,
            },
            _ => FooterAt::WHOLE,
        }
    });
    super::html_lex::give_back_tokens(toks);
    st.give_back();
    masks.give_back();
    doc
}

thread_local! {
    /// See [`Structure::give_back`].
    static SPARE_STRUCTURE: std::cell::RefCell<Option<Structure>> =
        const { std::cell::RefCell::new(None) };
}

/// The text of the page's own footers (`footer` outside any
/// `article`/`main`/`section`), which are chrome and not read as the notice:
/// small sites often give the company's name, business ID, address and
/// e-mail only there. `src`: an HTML page [`parse`] read (and found footers
/// in, [`RawDocument::page_footer`]).
///
/// The page is tokenized again: a rule asks for the footer only when the
/// notice lacks the controller or its contact details (a few pages in a
/// hundred), and walking every page's footers as it was parsed cost
/// ~10,000 instructions a page with one (most pages), normalizing the text
/// more. From the first footer on, where `at` says so ([`FooterAt`]).
pub fn page_footer(src: &str, at: FooterAt) -> Option<MappedText> {
    let masks = ByteMasks::of(src.as_bytes());
    let (toks, st) = if at == FooterAt::WHOLE {
        let (flavor, start) = sniff(src);
        let (toks, _) = tokenize_with(src, &masks, flavor, start);
        let st = Structure::build(src.as_bytes(), &toks);
        (toks, st)
    } else {
        let (mut toks, _) = tokenize_with(src, &masks, Flavor::Markup, at.from as usize);
        // The elements open at the footer, as the structure pass had them.
        let open = |code: u64| Token {
            start: at.from,
            end: at.from,
            name_end: at.from,
            kind: Kind::Start,
            tag: Tag::BY_ORD[code as usize - 1],
            flags: 0,
            level: 0,
            ws: 0,
        };
        let seeds = (0..8).rev().map(|k| (at.open >> (8 * k)) & 0xff);
        toks.splice(0..0, seeds.filter(|&c| c != 0).map(open));
        let mut st = Structure::build(src.as_bytes(), &toks);
        st.page = at.page;
        (toks, st)
    };
    let amps = &Amps::new(&masks);
    let mut out = MappedText::new();
    for i in page_footers(&toks, &st) {
        let mut b = Builder::new(src, amps, &toks, &st, &super::NoOracle);
        b.walk(i + 1..st.close[i] as usize);
        let d = b.finish();
        for part in std::iter::once(d.preamble)
            .chain(d.sections.into_iter().flat_map(|s| [s.heading, s.body]))
        {
            if part.is_empty() {
                continue;
            }
            if out.is_empty() {
                // The first part as it is: appending it to nothing copied it.
                out = part;
            } else {
                out.push_synthetic("\n", 0);
                out.append(&part);
            }
        }
    }
    super::html_lex::give_back_tokens(toks);
    st.give_back();
    masks.give_back();
    (!out.is_empty()).then_some(out)
}

/// Where [`page_footer`] reads a page again: [`parse`] notes it for the
/// first of the page's own footers ([`RawDocument::page_footer`]), and
/// reading from it costs what the footers cost rather than the page (the
/// 4 of the 27 real pages whose rules ask: 0.86 M instructions).
///
/// Reading from the footer's `<` gives the tokens the whole page gave from
/// there on when the page is plain HTML ([`Flavor::Markup`]: the lexer is
/// in its one mode between tokens, and what it remembers is only where
/// searches failed); the structure pass gives the same closing tokens when
/// it starts with the elements that were open at the footer (`html`,
/// `body`, wrapping `div`s), noted when there are at most 8 and none is a
/// `p`, `svg`, list or table (the pass's other state) or a heading or
/// generic tag (whose level or name the pass compares). Else the whole
/// page is read ([`Self::WHOLE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FooterAt {
    /// The first footer's start tag (0: the whole page).
    from: u32,
    /// The open elements below it, a byte each, the bottom one highest:
    /// [`Tag::ord`] + 1.
    open: u64,
    /// [`Structure::page`] of the whole page.
    page: bool,
}

impl FooterAt {
    /// Read the whole page.
    pub const WHOLE: FooterAt = FooterAt {
        from: 0,
        open: 0,
        page: false,
    };
}

/// The start tags of the page's own footers that hold something, in order.
fn page_footers<'a>(toks: &'a [Token], st: &'a Structure) -> impl Iterator<Item = usize> + 'a {
    // A footer inside content (article, main, section) is not the page's:
    // one started before it and closes after it. One pass over the list
    // the structure pass made: the furthest close of the content elements
    // so far.
    let mut content_end = 0;
    st.footers_and_content.iter().filter_map(move |&i| {
        let i = i as usize;
        match toks[i].tag {
            Tag::Article | Tag::Main | Tag::Section => {
                content_end = content_end.max(st.close[i] as usize);
                None
            }
            Tag::Footer => {
                let close = st.close[i] as usize;
                (close > i + 1 && content_end <= i).then_some(i)
            }
            _ => None,
        }
    })
}

const NONE: u32 = u32::MAX;
/// How far down the open elements an end tag or implied end looks.
const SEARCH_LIMIT: usize = 256;

/// The tags that are not [`is_special`].
const NOT_SPECIAL: u64 = tag_set(&[
    Tag::Other,
    Tag::Inline,
    Tag::Em,
    Tag::B,
    Tag::Strong,
    Tag::Media,
    Tag::Void,
]);

fn is_special(t: Tag) -> bool {
    !t.is_in(NOT_SPECIAL)
}

/// The tags that are [`is_scope`].
const SCOPE: u64 = tag_set(&[
    Tag::Html,
    Tag::Table,
    Tag::Td,
    Tag::Th,
    Tag::Caption,
    Tag::Template,
    Tag::Object,
    Tag::Scope,
    Tag::Svg,
    Tag::Math,
]);

fn is_scope(t: Tag) -> bool {
    t.is_in(SCOPE)
}

fn closes_p(t: Tag) -> bool {
    const SET: u64 = tag_set(&[
        Tag::P,
        Tag::Div,
        Tag::Block,
        Tag::H(1),
        Tag::Li,
        Tag::Dd,
        Tag::Dt,
        Tag::Ul,
        Tag::Ol,
        Tag::Dl,
        Tag::Table,
        Tag::Main,
        Tag::Article,
        Tag::Section,
        Tag::Aside,
        Tag::Nav,
        Tag::Header,
        Tag::Footer,
        Tag::Summary,
        Tag::Details,
        Tag::Form,
        Tag::Hr,
        Tag::Dialog,
        Tag::Plaintext,
        Tag::Xmp,
    ]);
    t.is_in(SET)
}

/// Tags that end a line of text.
fn is_block(t: Tag) -> bool {
    matches!(
        t,
        Tag::P
            | Tag::Div
            | Tag::Br
            | Tag::Hr
            | Tag::H(_)
            | Tag::Li
            | Tag::Ul
            | Tag::Ol
            | Tag::Dl
            | Tag::Dt
            | Tag::Dd
            | Tag::Table
            | Tag::Caption
            | Tag::TSect
            | Tag::Tr
            | Tag::Td
            | Tag::Th
            | Tag::Main
            | Tag::Article
            | Tag::Section
            | Tag::Aside
            | Tag::Nav
            | Tag::Header
            | Tag::Footer
            | Tag::Body
            | Tag::Html
            | Tag::Block
            | Tag::Summary
            | Tag::Details
            | Tag::Form
            | Tag::Dialog
            | Tag::Xmp
            | Tag::Plaintext
            | Tag::Template
    )
}

// ------------------------------------------------------------------ structure

/// A `dl` or a table seen as a list of label/body pairs.
#[derive(Debug, Default, Clone, Copy)]
struct PairsInfo {
    /// `dt`s, or table rows with exactly two cells.
    pairs: u32,
    /// Table rows with more than two cells, or with column headers.
    wider: u32,
    /// Bytes of text in the bodies (`dd`s, second cells).
    body: u32,
}

impl PairsInfo {
    /// Rows of a table are label/body pairs.
    fn two_col(&self) -> bool {
        self.pairs >= 2 && self.wider == 0
    }

    /// The bodies are paragraphs rather than values (an address, a name).
    fn long(&self) -> bool {
        self.pairs > 0 && self.body / self.pairs >= 80
    }
}

/// What the builder needs to know about the document before walking it.
struct Structure {
    /// For each start tag, the index of the token that closes it (itself for
    /// void elements, `len` if nothing does).
    close: Vec<u32>,
    /// Start tags of headings, in order.
    headings: Vec<u32>,
    mains: Vec<u32>,
    articles: Vec<u32>,
    /// `dl`s and tables by start token, in order.
    pairs: Vec<(u32, PairsInfo)>,
    /// Start tags of `footer`, `article`, `main` and `section`, in order,
    /// for [`page_footer`] (which read every token to find them).
    footers_and_content: Vec<u32>,
    /// For each `footer` start tag, the elements open at it
    /// ([`Pass1::open_code`]), for [`FooterAt`].
    footer_open: Vec<(u32, Option<u64>)>,
    title: Option<u32>,
    /// The document has `html`/`head`/`body` tags (a page, not a component).
    page: bool,
}

#[derive(Clone, Copy)]
struct Open {
    tok: u32,
    tag: Tag,
}

struct PairsTrack {
    info: usize,
    table: bool,
    /// Cells in the current row, or 1 after a `dt` and 2 after a `dd`.
    part: u32,
    row: bool,
}

struct Pass1<'a> {
    src: &'a [u8],
    toks: &'a [Token],
    stack: Vec<Open>,
    lists: Vec<PairsTrack>,
    open_p: u32,
    open_svg: u32,
    st: Structure,
}

impl Structure {
    /// An empty structure for `n` tokens, in the buffers
    /// [`Self::give_back`] last gave back on this thread if any.
    fn spare(n: usize) -> Structure {
        let mut st = SPARE_STRUCTURE
            .with(|s| s.borrow_mut().take())
            .unwrap_or(Structure {
                close: Vec::new(),
                headings: Vec::new(),
                mains: Vec::new(),
                articles: Vec::new(),
                pairs: Vec::new(),
                footers_and_content: Vec::new(),
                footer_open: Vec::new(),
                title: None,
                page: false,
            });
        st.close.clear();
        st.close.resize(n, NONE);
        st.headings.clear();
        st.mains.clear();
        st.articles.clear();
        st.pairs.clear();
        st.footers_and_content.clear();
        st.footer_open.clear();
        st.title = None;
        st.page = false;
        st
    }

    /// Gives the structure's lists (the close table has an entry per
    /// token) to the next page parsed on this thread, as
    /// [`super::html_lex::give_back_tokens`]; a page's lists grew from
    /// nothing and were freed again.
    fn give_back(self) {
        if self.close.capacity() <= 1 << 16 {
            SPARE_STRUCTURE.with(|s| *s.borrow_mut() = Some(self));
        }
    }

    fn build(src: &[u8], toks: &[Token]) -> Structure {
        Self::build_as::<false>(src, toks)
    }

    /// [`Self::build`]; `PLAIN`: with the end tags' searches as they were
    /// written before they were one ([`Pass1::end_plain`]), for a test.
    fn build_as<const PLAIN: bool>(src: &[u8], toks: &[Token]) -> Structure {
        let mut p = Pass1 {
            src,
            toks,
            stack: Vec::with_capacity(64),
            lists: Vec::new(),
            open_p: 0,
            open_svg: 0,
            st: Structure::spare(toks.len()),
        };
        for (i, t) in toks.iter().enumerate() {
            if let Some(l) = p.lists.last() {
                if l.part == 2 {
                    // A tag's indentation ([`Token::ws`]) is text before it.
                    p.st.pairs[l.info].1.body += match t.kind {
                        Kind::Start | Kind::End => u32::from(t.ws),
                        _ => t.end - t.start,
                    };
                }
            }
            match t.kind {
                Kind::Start => p.start(i, t),
                Kind::End if PLAIN => p.end_plain(i, t),
                Kind::End => p.end(i, t),
                _ => {}
            }
        }
        let n = toks.len();
        while !p.stack.is_empty() {
            p.pop(n);
        }
        p.st
    }

    fn headings_in(&self, a: usize, b: usize) -> usize {
        let lo = self.headings.partition_point(|&h| (h as usize) <= a);
        let hi = self.headings.partition_point(|&h| (h as usize) < b);
        hi.saturating_sub(lo)
    }

    /// The token ranges to read: the `main` elements that hold headings; else
    /// the `article`s that hold most of them; else everything.
    fn regions(&self, n: usize) -> Vec<Range<usize>> {
        let pick = |cands: &[u32]| {
            let mut out = Vec::new();
            let mut count = 0;
            let mut last_end = 0;
            for &s in cands {
                let s = s as usize;
                let e = self.close[s] as usize;
                if s < last_end || e <= s {
                    continue;
                }
                let h = self.headings_in(s, e);
                if h > 0 {
                    out.push(s..e);
                    count += h;
                    last_end = e;
                }
            }
            (out, count)
        };
        let (mains, _) = pick(&self.mains);
        if !mains.is_empty() {
            return mains;
        }
        let (articles, count) = pick(&self.articles);
        if !articles.is_empty() && count * 2 >= self.headings.len() {
            return articles;
        }
        std::iter::once(0..n).collect()
    }

    fn pairs(&self, tok: usize) -> PairsInfo {
        match self.pairs.binary_search_by_key(&(tok as u32), |t| t.0) {
            Ok(i) => self.pairs[i].1,
            Err(_) => PairsInfo::default(),
        }
    }

    fn title(&self, src: &str, amps: &Amps, toks: &[Token]) -> Option<MappedText> {
        self.text_of(src, amps, toks, self.title? as usize)
    }

    /// The decoded text inside the element that starts at token `s`.
    fn text_of(&self, src: &str, amps: &Amps, toks: &[Token], s: usize) -> Option<MappedText> {
        let e = (self.close[s] as usize).min(toks.len());
        let mut m = MappedText::new();
        // The indentation that a tag's token carries before the tag.
        let indentation = |m: &mut MappedText, t: &Token| {
            decode_into(m, src, amps, Kind::Text, t.ws_start(), t.start as usize);
        };
        for t in toks.get(s + 1..e)? {
            if matches!(t.kind, Kind::Text | Kind::RawText | Kind::JsText) {
                decode_into(&mut m, src, amps, t.kind, t.start as usize, t.end as usize);
            } else if t.ws > 0 {
                indentation(&mut m, t);
            }
        }
        // The indentation before the closing tag is inside too.
        if let Some(t) = toks.get(e).filter(|t| t.ws > 0) {
            indentation(&mut m, t);
        }
        let m = m.into_trimmed();
        (!m.is_empty()).then_some(m)
    }

    /// The first `h1` outside the regions read (when they are not the whole
    /// document) that names the notice, e.g. a hero banner's "Tietosuojaseloste"
    /// above the `article`.
    fn outer_h1(
        &self,
        src: &str,
        amps: &Amps,
        toks: &[Token],
        regions: &[Range<usize>],
    ) -> Option<MappedText> {
        self.outer_h1s(toks, regions)
            .filter_map(|h| self.text_of(src, amps, toks, h))
            .find(|m| m.text.len() <= 200 && names_the_notice(&m.text))
    }

    /// The start tokens of the `h1`s outside the regions read, in order
    /// (none when they are the whole document), for [`Self::outer_h1`].
    fn outer_h1s<'s>(
        &'s self,
        toks: &'s [Token],
        regions: &'s [Range<usize>],
    ) -> impl Iterator<Item = usize> + 's {
        let whole = regions.len() == 1 && regions[0] == (0..toks.len());
        let headings = if whole { &[][..] } else { &self.headings[..] };
        headings.iter().map(|&h| h as usize).filter(move |&h| {
            let t = &toks[h];
            let level = if let Tag::H(n) = t.tag { n } else { t.level };
            level == 1 && !regions.iter().any(|r| r.contains(&h))
        })
    }
}

impl Pass1<'_> {
    fn pop(&mut self, at: usize) {
        let Some(o) = self.stack.pop() else { return };
        self.st.close[o.tok as usize] = at as u32;
        // The counts without a branch, and one rarely taken for lists: a
        // `match` on the tag (and `==`, the derived comparison, too) was a
        // jump table that mispredicted at every other pop (28,000 of
        // 59,000 for 500 pages); see [`Tag::ord`].
        const LIST: u64 = tag_set(&[Tag::Table, Tag::Dl]);
        self.open_p -= u32::from(o.tag.ord() == Tag::P.ord());
        self.open_svg -= u32::from(o.tag.ord() == Tag::Svg.ord());
        if o.tag.is_in(LIST) {
            if let Some(t) = self.lists.pop() {
                if t.table {
                    finish_row(&mut self.st.pairs[t.info].1, t.part, t.row);
                }
            }
        }
    }

    fn pop_to(&mut self, k: usize, at: usize) {
        while self.stack.len() > k {
            self.pop(at);
        }
    }

    /// The deepest open element matching `target` above the first one that
    /// matches `stop` (looking at most [`SEARCH_LIMIT`] elements down).
    fn find(
        &self,
        target: impl Fn(&Open) -> bool,
        stop: impl Fn(&Open) -> bool,
        first: bool,
    ) -> Option<usize> {
        let lo = self.stack.len().saturating_sub(SEARCH_LIMIT);
        let mut found = None;
        for k in (lo..self.stack.len()).rev() {
            let o = &self.stack[k];
            if target(o) {
                found = Some(k);
                if first {
                    break;
                }
            } else if stop(o) {
                break;
            }
        }
        found
    }

    fn same_name(&self, o: &Open, t: &Token) -> bool {
        o.tag == t.tag
            && (!t.tag.is_generic()
                || self.toks[o.tok as usize]
                    .name(self.src)
                    .eq_ignore_ascii_case(t.name(self.src)))
    }

    fn close_p(&mut self, at: usize) {
        if self.open_p == 0 {
            return;
        }
        if let Some(k) = self.find(
            |o| o.tag == Tag::P,
            |o| is_scope(o.tag) || o.tag == Tag::Button,
            true,
        ) {
            self.pop_to(k, at);
        }
    }

    fn start(&mut self, i: usize, t: &Token) {
        let tag = t.tag;
        if t.flags & JSX == 0 {
            if closes_p(tag) {
                self.close_p(i);
            }
            let item_stop =
                |o: &Open| is_special(o.tag) && !matches!(o.tag, Tag::P | Tag::Div | Tag::Block);
            // Most start tags (`p`, `a`, `div`, `span`) imply no end: one
            // test of the tag's set before the `match`, whose jump table
            // mispredicted at 32,000 of 60,000 start tags (500 pages).
            const IMPLY_END: u64 = tag_set(&[
                Tag::H(1),
                Tag::Li,
                Tag::Dt,
                Tag::Dd,
                Tag::Tr,
                Tag::Td,
                Tag::Th,
                Tag::TSect,
                Tag::Caption,
                Tag::Option,
            ]);
            let found = if !tag.is_in(IMPLY_END) {
                None
            } else {
                match tag {
                    Tag::H(_) => self
                        .stack
                        .last()
                        .filter(|o| matches!(o.tag, Tag::H(_)))
                        .map(|_| self.stack.len() - 1),
                    Tag::Li => self.find(|o| o.tag == Tag::Li, item_stop, true),
                    Tag::Dt | Tag::Dd => {
                        self.find(|o| matches!(o.tag, Tag::Dt | Tag::Dd), item_stop, true)
                    }
                    Tag::Tr => self.find(
                        |o| matches!(o.tag, Tag::Tr | Tag::Td | Tag::Th),
                        |o| matches!(o.tag, Tag::Table | Tag::TSect),
                        false,
                    ),
                    Tag::Td | Tag::Th => self.find(
                        |o| matches!(o.tag, Tag::Td | Tag::Th),
                        |o| matches!(o.tag, Tag::Tr | Tag::Table | Tag::TSect),
                        false,
                    ),
                    Tag::TSect | Tag::Caption => self.find(
                        |o| {
                            matches!(
                                o.tag,
                                Tag::TSect | Tag::Tr | Tag::Td | Tag::Th | Tag::Caption
                            )
                        },
                        |o| o.tag == Tag::Table,
                        false,
                    ),
                    Tag::Option => self
                        .stack
                        .last()
                        .filter(|o| o.tag == Tag::Option)
                        .map(|_| self.stack.len() - 1),
                    _ => None,
                }
            };
            if let Some(k) = found {
                self.pop_to(k, i);
            }
        }
        if matches!(tag, Tag::H(_)) || t.level > 0 {
            self.st.headings.push(i as u32);
        }
        // As `IMPLY_END` above: the tags noted below are a few of a page's.
        const NOTED: u64 = tag_set(&[
            Tag::Main,
            Tag::Article,
            Tag::Section,
            Tag::Footer,
            Tag::Title,
            Tag::Html,
            Tag::Head,
            Tag::Body,
            Tag::Table,
            Tag::Dl,
            Tag::Tr,
            Tag::Td,
            Tag::Th,
            Tag::Dt,
            Tag::Dd,
        ]);
        if tag.is_in(NOTED) {
            self.note(i, t);
        }
        if t.flags & MAIN != 0 && tag != Tag::Main {
            self.st.mains.push(i as u32);
        }
        if t.flags & SELF_CLOSING != 0 || tag.is_void() {
            self.st.close[i] = i as u32;
        } else {
            // Without a branch, as in `pop`.
            self.open_p += u32::from(tag.ord() == Tag::P.ord());
            self.open_svg += u32::from(tag.ord() == Tag::Svg.ord());
            self.stack.push(Open { tok: i as u32, tag });
        }
    }

    /// The open elements as [`FooterAt::open`] has them, if it can.
    fn open_code(&self) -> Option<u64> {
        const NOT: u64 = NOT_SPECIAL
            | tag_set(&[
                Tag::Block,
                Tag::Scope,
                Tag::P,
                Tag::H(1),
                Tag::Svg,
                Tag::Table,
                Tag::Dl,
            ]);
        if self.stack.len() > 8 {
            return None;
        }
        let mut code = 0;
        for o in &self.stack {
            if o.tag.is_in(NOT) {
                return None;
            }
            code = (code << 8) | (u64::from(o.tag.ord()) + 1);
        }
        Some(code)
    }

    /// What [`Self::start`] notes of a start tag in `NOTED`.
    fn note(&mut self, i: usize, t: &Token) {
        let tag = t.tag;
        match tag {
            Tag::Main => {
                self.st.mains.push(i as u32);
                self.st.footers_and_content.push(i as u32);
            }
            Tag::Article => {
                self.st.articles.push(i as u32);
                self.st.footers_and_content.push(i as u32);
            }
            Tag::Section => self.st.footers_and_content.push(i as u32),
            Tag::Footer => {
                self.st.footers_and_content.push(i as u32);
                let open = self.open_code();
                self.st.footer_open.push((i as u32, open));
            }
            Tag::Title if self.st.title.is_none() && self.open_svg == 0 => {
                self.st.title = Some(i as u32)
            }
            Tag::Html | Tag::Head | Tag::Body => self.st.page = true,
            Tag::Table | Tag::Dl if t.flags & SELF_CLOSING == 0 => {
                self.st.pairs.push((i as u32, PairsInfo::default()));
                let info = self.st.pairs.len() - 1;
                self.lists.push(PairsTrack {
                    info,
                    table: tag == Tag::Table,
                    part: 0,
                    row: false,
                });
            }
            Tag::Tr => {
                if let Some(t) = self.lists.last_mut().filter(|t| t.table) {
                    finish_row(&mut self.st.pairs[t.info].1, t.part, t.row);
                    t.row = true;
                    t.part = 0;
                }
            }
            Tag::Td | Tag::Th => {
                if let Some(t) = self.lists.last_mut().filter(|t| t.table) {
                    t.row = true;
                    t.part += 1;
                    // A header cell past the first column: a data table with
                    // column headings, not a list of headed rows.
                    if tag == Tag::Th && t.part > 1 {
                        self.st.pairs[t.info].1.wider += 1;
                    }
                }
            }
            Tag::Dt | Tag::Dd => {
                if let Some(t) = self.lists.last_mut().filter(|t| !t.table) {
                    t.part = if tag == Tag::Dt { 1 } else { 2 };
                    if tag == Tag::Dt {
                        self.st.pairs[t.info].1.pairs += 1;
                    }
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, i: usize, t: &Token) {
        let tag = t.tag;
        // No early return for a void element's end tag (`</br>`, rare): no
        // open element has its tag (void start tags are never pushed), so
        // the search below finds nothing. The test's range check
        // mispredicted at every other end tag.
        let found = if t.flags & JSX != 0 {
            self.find(|o| self.same_name(o, t), |_| false, true)
        } else {
            // One search for every end tag, its element and where it stops
            // told by sets: the four searches (`p`: up to a scope or a
            // `button`; any heading for a heading; a phrasing element up to
            // a special one; the rest up to a scope) were a jump table that
            // mispredicted at 39,000 of 59,000 end tags (500 pages). The
            // same variant is the same element, for a heading any level;
            // names are compared only for the generic tags.
            let stop = if is_special(tag) {
                let button = tag_set(&[Tag::Button]);
                SCOPE | if tag.ord() == Tag::P.ord() { button } else { 0 }
            } else {
                !NOT_SPECIAL
            };
            let generic = tag.is_generic();
            self.find(
                |o| o.tag.ord() == tag.ord() && (!generic || self.same_name(o, t)),
                |o| o.tag.is_in(stop),
                true,
            )
        };
        if let Some(k) = found {
            self.pop_to(k, i);
        }
    }

    /// [`Self::end`] as four searches, the plain form its sets replaced
    /// (compared in a test).
    fn end_plain(&mut self, i: usize, t: &Token) {
        let tag = t.tag;
        let found = if t.flags & JSX != 0 {
            self.find(|o| self.same_name(o, t), |_| false, true)
        } else {
            match tag {
                Tag::P => self.find(
                    |o| o.tag == Tag::P,
                    |o| is_scope(o.tag) || o.tag == Tag::Button,
                    true,
                ),
                Tag::H(_) => self.find(|o| matches!(o.tag, Tag::H(_)), |o| is_scope(o.tag), true),
                _ if !is_special(tag) => {
                    self.find(|o| self.same_name(o, t), |o| is_special(o.tag), true)
                }
                _ => self.find(|o| self.same_name(o, t), |o| is_scope(o.tag), true),
            }
        };
        if let Some(k) = found {
            self.pop_to(k, i);
        }
    }
}

fn finish_row(info: &mut PairsInfo, cells: u32, row: bool) {
    if row {
        match cells {
            2 => info.pairs += 1,
            3.. => info.wider += 1,
            _ => {}
        }
    }
}

// -------------------------------------------------------------------- builder

/// The capacity asked for a section body's buffer.
const BODY_CAPACITY: usize = 1024;
/// The capacity asked for a heading capture's buffer.
const CAPTURE_CAPACITY: usize = 64;

/// Frame flags: what ending the element undoes.
const F_BOLD: u8 = 1;
const F_SECT: u8 = 2;
const F_CELL: u8 = 4;
const F_LIST: u8 = 8;
const F_BLOCK: u8 = 16;
const F_ITALIC: u8 = 32;

#[derive(Clone, Copy)]
struct Frame {
    tok: u32,
    close: u32,
    flags: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CapKind {
    /// h1–h6 and heading roles.
    Heading,
    Summary,
    Dt,
    /// The first cell of a two-column table row.
    Cell,
    /// A button outside a heading: an accordion heading if it reads like
    /// one, else interface text, dropped.
    Button,
}

struct Capture {
    kind: CapKind,
    owner: u32,
    level: u8,
    text: MappedText,
}

/// An open `dl` or table in the builder.
struct PairsState {
    table: bool,
    /// The first cell of each row is a heading candidate.
    headings: bool,
    /// Long bodies: the candidates are headings.
    long: bool,
    cell: u32,
}

struct Builder<'a> {
    src: &'a str,
    /// Where `src` has `&`.
    amps: &'a Amps<'a>,
    toks: &'a [Token],
    st: &'a Structure,
    oracle: &'a dyn HeadingOracle,
    stack: Vec<Frame>,
    sections: Vec<RawSection>,
    preamble: Option<MappedText>,
    heading: Option<(MappedText, u8)>,
    /// The current section's body, built here; the section takes it when it
    /// closes (see [`Builder::close_section`]).
    body: MappedText,
    /// The current line has text in `body`.
    line_open: bool,
    /// `body` length before the current line's separator.
    line_mark: usize,
    /// `body` offset of the current line's text.
    line_start: usize,
    /// The `p`/`div` whose start began the current line.
    line_owner: u32,
    /// Every word of the current line so far is bold.
    line_bold: bool,
    /// Every word of the current line so far is bold or italic.
    line_emph: bool,
    line_words: bool,
    /// Whitespace after the line's last text, written only if more follows.
    pending: Option<(Kind, usize, usize)>,
    bold: u32,
    /// Open italic elements (em, i).
    italic: u32,
    /// Open li/dd/dt/td/th: bold lines there are headings only by the oracle.
    cells: u32,
    /// Open article/main/section: their header and footer are content.
    sect: u32,
    /// Level of the last markup heading (0: none yet).
    ctx: u8,
    cap: Option<Capture>,
    lists: Vec<PairsState>,
}

impl<'a> Builder<'a> {
    fn new(
        src: &'a str,
        amps: &'a Amps<'a>,
        toks: &'a [Token],
        st: &'a Structure,
        oracle: &'a dyn HeadingOracle,
    ) -> Self {
        Builder {
            src,
            amps,
            toks,
            st,
            oracle,
            stack: Vec::with_capacity(64),
            sections: super::spare_sections(),
            preamble: None,
            heading: None,
            body: MappedText::spare(BODY_CAPACITY),
            line_open: false,
            line_mark: 0,
            line_start: 0,
            line_owner: NONE,
            line_bold: true,
            line_emph: true,
            line_words: false,
            pending: None,
            bold: 0,
            italic: 0,
            cells: 0,
            sect: 0,
            ctx: 0,
            cap: None,
            lists: Vec::new(),
        }
    }

    /// Builds from the tokens `r`. The indentation before the first one
    /// ([`Token::ws`]) is not read (at the start of a walk there is no line
    /// that it could be space in), the one before `r.end` is.
    fn walk(&mut self, r: Range<usize>) {
        let mut i = r.start;
        // Whether the indentation before token `i` is read: not when it is
        // inside the element skipped to `i`.
        let mut ws = false;
        while i < r.end {
            let t = self.toks[i];
            if ws && t.ws > 0 {
                self.end_elems_before(i);
                self.indentation(&t);
            }
            ws = true;
            while let Some(f) = self.stack.last().copied() {
                if f.close as usize > i {
                    break;
                }
                self.stack.pop();
                self.end_elem(f);
            }
            match t.kind {
                Kind::Start => {
                    let close = self.st.close[i] as usize;
                    if self.skipped(&t, i, close) {
                        if close > i {
                            i = close;
                            ws = false;
                        } else {
                            i += 1;
                        }
                        continue;
                    }
                    let flags = self.start_elem(&t, i);
                    let f = Frame {
                        tok: i as u32,
                        close: close as u32,
                        flags,
                    };
                    if close <= i {
                        self.end_elem(f);
                    } else {
                        self.stack.push(f);
                    }
                }
                Kind::End => {
                    if t.tag == Tag::Br {
                        self.boundary(t.start as usize..t.end as usize, NONE, NONE);
                    }
                }
                _ => self.text(&t),
            }
            i += 1;
        }
        if ws {
            if let Some(&t) = self.toks.get(i).filter(|t| t.ws > 0) {
                self.end_elems_before(i);
                self.indentation(&t);
            }
        }
        while let Some(f) = self.stack.pop() {
            self.end_elem(f);
        }
        self.boundary(0..0, NONE, NONE);
    }

    /// Ends the open elements closed by a token before `i` (the indentation
    /// before token `i` comes after them, as its own token did).
    fn end_elems_before(&mut self, i: usize) {
        while let Some(f) = self.stack.last().copied() {
            if f.close as usize >= i {
                break;
            }
            self.stack.pop();
            self.end_elem(f);
        }
    }

    fn finish(mut self) -> RawDocument {
        self.boundary(0..0, NONE, NONE);
        self.finish_capture();
        self.close_section();
        // The working buffers, for the next page's sections.
        std::mem::take(&mut self.body).give_back();
        RawDocument {
            title: None,
            preamble: self.preamble.unwrap_or_default(),
            sections: self.sections,
            comments: Vec::new(),
            page_footer: None,
            mail_links: Vec::new(),
        }
    }

    fn skipped(&self, t: &Token, i: usize, close: usize) -> bool {
        if t.flags & CHROME != 0 {
            return true;
        }
        match t.tag {
            Tag::Script
            | Tag::Style
            | Tag::Noscript
            | Tag::Svg
            | Tag::Math
            | Tag::Head
            | Tag::Nav
            | Tag::Aside
            | Tag::Select
            | Tag::Textarea
            | Tag::Option
            | Tag::Datalist
            | Tag::Iframe
            | Tag::Object
            | Tag::Media
            | Tag::Dialog
            | Tag::Noembed
            | Tag::Noframes
            | Tag::Title => true,
            Tag::Template => self.st.page,
            Tag::Header | Tag::Footer => self.sect == 0,
            Tag::Form => self.st.headings_in(i, close.max(i)) == 0,
            _ => false,
        }
    }

    fn derived_level(&self) -> u8 {
        if self.ctx == 0 {
            3
        } else {
            (self.ctx + 1).min(6)
        }
    }

    fn start_elem(&mut self, t: &Token, i: usize) -> u8 {
        let tag = t.tag;
        let span = t.start as usize..t.end as usize;
        let level = if let Tag::H(n) = tag { n } else { t.level };
        let mut f = 0;
        if level > 0 {
            self.begin_capture(CapKind::Heading, i, level, span);
        } else {
            match tag {
                Tag::Summary => self.begin_capture(CapKind::Summary, i, 0, span),
                Tag::Button => self.begin_capture(CapKind::Button, i, 0, span),
                Tag::Dt => self.begin_capture(CapKind::Dt, i, 0, span),
                Tag::Table | Tag::Dl => {
                    self.boundary(span, NONE, NONE);
                    let info = self.st.pairs(i);
                    let table = tag == Tag::Table;
                    let headings = self.cap.is_none() && (!table || info.two_col());
                    self.lists.push(PairsState {
                        table,
                        headings,
                        long: info.long(),
                        cell: 0,
                    });
                    f |= F_LIST;
                }
                Tag::Tr => {
                    self.boundary(span, NONE, NONE);
                    if let Some(ts) = self.lists.last_mut() {
                        ts.cell = 0;
                    }
                }
                Tag::Td | Tag::Th => {
                    let first = self.lists.last_mut().is_some_and(|ts| {
                        ts.cell += 1;
                        ts.table && ts.headings && ts.cell == 1
                    });
                    if first {
                        self.begin_capture(CapKind::Cell, i, 0, span);
                    } else {
                        self.boundary(span, NONE, NONE);
                    }
                }
                Tag::P | Tag::Div => self.boundary(span, NONE, i as u32),
                _ if is_block(tag) => self.boundary(span, NONE, NONE),
                _ => {}
            }
        }
        if is_block(tag) || level > 0 {
            f |= F_BLOCK;
        }
        if t.flags & BOLD != 0 && t.flags & NOT_BOLD == 0 {
            self.bold += 1;
            f |= F_BOLD;
        }
        if t.flags & ITALIC != 0 {
            self.italic += 1;
            f |= F_ITALIC;
        }
        if matches!(tag, Tag::Article | Tag::Main | Tag::Section) || t.flags & MAIN != 0 {
            self.sect += 1;
            f |= F_SECT;
        }
        if matches!(tag, Tag::Li | Tag::Dd | Tag::Dt | Tag::Td | Tag::Th) {
            self.cells += 1;
            f |= F_CELL;
        }
        f
    }

    fn end_elem(&mut self, f: Frame) {
        if f.flags & F_BOLD != 0 {
            self.bold -= 1;
        }
        if f.flags & F_ITALIC != 0 {
            self.italic -= 1;
        }
        if f.flags & F_SECT != 0 {
            self.sect -= 1;
        }
        if f.flags & F_CELL != 0 {
            self.cells -= 1;
        }
        if f.flags & F_LIST != 0 {
            self.lists.pop();
        }
        if self.cap.as_ref().is_some_and(|c| c.owner == f.tok) {
            self.finish_capture();
        } else if f.flags & F_BLOCK != 0 {
            let t = &self.toks[f.tok as usize];
            let at = t.end as usize;
            self.boundary(at..at, f.tok, NONE);
        }
    }

    /// A block boundary: ends the current line. `ended` is the element
    /// ending here, `owner` the `p`/`div` starting here.
    fn boundary(&mut self, span: Range<usize>, ended: u32, owner: u32) {
        if let Some(c) = &mut self.cap {
            if !c.text.is_empty() && !c.text.text.ends_with(' ') {
                c.text.push_atomic(" ", span);
            }
            return;
        }
        self.flush_line(ended);
        self.line_owner = owner;
    }

    fn flush_line(&mut self, ended: u32) {
        if self.line_open && self.line_emph && self.line_words {
            let whole = self.line_owner != NONE && self.line_owner == ended && self.cells == 0;
            let text = collapse(&self.body.text[self.line_start..]);
            // A line in italics (or partly) is a heading only when it fills
            // its paragraph, the oracle knows it and it is no sentence.
            let heading = if self.line_bold {
                self.heading_like(&text, whole)
            } else {
                whole && !strip_numbering(&text).contains(". ") && self.oracle_knows(&text)
            };
            if heading {
                let heading = self.body.slice(self.line_start..self.body.len());
                // The same text and map as `slice(0..line_mark)`, in place.
                self.body.truncate(self.line_mark);
                let level = self.derived_level();
                self.new_section(heading, level);
            }
        }
        self.line_open = false;
        self.line_owner = NONE;
        self.line_bold = true;
        self.line_emph = true;
        self.line_words = false;
        self.pending = None;
    }

    /// Whether an all-bold line is a heading: the oracle knows it, or it fills
    /// a whole paragraph and is short, with no sentence end.
    fn heading_like(&self, text: &str, whole: bool) -> bool {
        let chars = text.chars().count();
        if chars > 150 {
            return false;
        }
        if self.oracle_knows(text) {
            return true;
        }
        whole
            && chars <= 100
            && text.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !text.ends_with(['.', ',', ';'])
            && !has_sentence_break(text)
    }

    fn oracle_knows(&self, text: &str) -> bool {
        if self.oracle.is_heading(text) {
            return true;
        }
        let stripped = strip_numbering(text);
        stripped.len() != text.len() && !stripped.is_empty() && self.oracle.is_heading(stripped)
    }

    fn begin_capture(&mut self, kind: CapKind, i: usize, level: u8, span: Range<usize>) {
        if self.cap.is_some() {
            if kind != CapKind::Heading {
                return;
            }
            self.finish_capture();
        }
        self.boundary(span, NONE, NONE);
        self.cap = Some(Capture {
            kind,
            owner: i as u32,
            level,
            text: MappedText::spare(CAPTURE_CAPACITY),
        });
    }

    fn finish_capture(&mut self) {
        let Some(c) = self.cap.take() else {
            return;
        };
        // The captured text keeps its buffer, trimmed in place; the next
        // capture takes one from the thread's spares (a copy at its size
        // and clearing the segments cost more than that lookup).
        let text = trimmed(c.text);
        if text.is_empty() {
            return;
        }
        match c.kind {
            CapKind::Heading => {
                self.ctx = c.level;
                self.new_section(text, c.level);
            }
            CapKind::Summary => {
                let level = self.derived_level();
                self.new_section(text, level);
            }
            CapKind::Button => {
                let label = collapse(&text.text);
                if label.chars().count() <= 150 && (numbered(&label) || self.oracle_knows(&label)) {
                    let level = self.derived_level();
                    self.new_section(text, level);
                } else {
                    text.give_back();
                }
            }
            CapKind::Dt | CapKind::Cell => {
                let long = self.lists.last().is_some_and(|l| l.long);
                let label = collapse(&text.text);
                let short = label.chars().count() <= 150;
                if short && (self.ctx <= 1 || long || numbered(&label) || self.oracle_knows(&label))
                {
                    let level = self.derived_level();
                    self.new_section(text, level);
                } else {
                    if !self.body.is_empty() {
                        let at = text.source_range(0..0).start;
                        self.body.push_synthetic("\n", at);
                    }
                    // Copied: the body keeps its roomy buffer.
                    self.body.append(&text);
                    text.give_back();
                }
            }
        }
    }

    fn close_section(&mut self) {
        // The section takes the buffer, trimmed in place, and the next
        // section gets a roomy one from the thread's spares (where linted
        // notices give their bodies back): copying each body out at its size
        // and clearing the buffer's segments cost more than that lookup.
        let body = trimmed(std::mem::replace(
            &mut self.body,
            MappedText::spare(BODY_CAPACITY),
        ));
        match self.heading.take() {
            Some((heading, level)) => self.sections.push(RawSection {
                heading,
                body,
                level,
            }),
            None => {
                if self.preamble.is_none() {
                    self.preamble = Some(body);
                }
            }
        }
    }

    fn new_section(&mut self, heading: MappedText, level: u8) {
        self.close_section();
        self.heading = Some((heading, level));
        self.line_open = false;
        self.pending = None;
    }

    /// [`Self::text`] of the indentation before tag `t` ([`Token::ws`]):
    /// whitespace without references, so copied as it is.
    fn indentation(&mut self, t: &Token) {
        let (a, b) = (t.ws_start(), t.start as usize);
        if let Some(c) = &mut self.cap {
            c.text.push_verbatim(&self.src[a..b], a);
            return;
        }
        let jsx = t.flags & JSX != 0;
        if self.line_open
            && self.pending.is_none()
            && !(jsx && memchr(b'\n', &self.src.as_bytes()[a..b]).is_some())
        {
            self.pending = Some((Kind::Text, a, b));
        }
    }

    fn text(&mut self, t: &Token) {
        let (a, b) = (t.start as usize, t.end as usize);
        if let Some(c) = &mut self.cap {
            decode_into(&mut c.text, self.src, self.amps, t.kind, a, b);
            return;
        }
        let bytes = self.src.as_bytes();
        // Indentation between tags, half the text tokens of a page, is
        // known to trim to nothing.
        let (ca, cb) = if t.flags & BLANK != 0 {
            (b, b)
        } else {
            trim_ws(bytes, t.kind, a, b)
        };
        // JSX drops whitespace that holds a line break at either end of a text.
        let jsx = t.flags & JSX != 0;
        let space = |x: usize, y: usize| !(jsx && memchr(b'\n', &bytes[x..y]).is_some());
        if ca >= cb {
            if self.line_open && self.pending.is_none() && space(a, b) {
                self.pending = Some((t.kind, a, b));
            }
            return;
        }
        if !self.line_open {
            self.line_mark = self.body.len();
            if !self.body.is_empty() {
                self.body.push_synthetic("\n", ca);
            }
            self.line_start = self.body.len();
            self.line_open = true;
        } else if ca > a {
            if space(a, ca) {
                decode_into(&mut self.body, self.src, self.amps, t.kind, a, ca);
            }
        } else if let Some((k, pa, pb)) = self.pending {
            decode_into(&mut self.body, self.src, self.amps, k, pa, pb);
        }
        self.pending = None;
        let before = self.body.len();
        decode_into(&mut self.body, self.src, self.amps, t.kind, ca, cb);
        if (self.line_emph || !self.line_words)
            && self.body.text[before..].chars().any(char::is_alphanumeric)
        {
            self.line_words = true;
            if self.bold == 0 {
                self.line_bold = false;
                if self.italic == 0 {
                    self.line_emph = false;
                }
            }
        }
        if cb < b && space(cb, b) {
            self.pending = Some((t.kind, cb, b));
        }
    }
}

/// Where a page has `&` ([`ByteMasks::amps`]), with the answer to the last
/// question kept: texts are decoded in order, most have no `&`, and the
/// next `&` after one text is the next after the following ones too. A
/// search in the mask per text (a loop over its words, whose end the
/// branch predictor missed) cost more than the text's copy.
pub(super) struct Amps<'a> {
    words: &'a [u64],
    /// [`ByteMasks::amps_end`].
    end: usize,
    /// The first `&` at or after `from` is at `next` (none between them);
    /// `from > next` before the first search.
    from: Cell<usize>,
    next: Cell<usize>,
}

impl<'a> Amps<'a> {
    pub(super) fn new(masks: &'a ByteMasks) -> Self {
        Amps {
            words: &masks.amps,
            end: masks.amps_end,
            from: Cell::new(1),
            next: Cell::new(0),
        }
    }

    /// The first `&` in `a..b` (as `next_bit_in` over the mask).
    #[inline]
    fn first_in(&self, a: usize, b: usize) -> Option<usize> {
        if a >= self.end {
            return None;
        }
        let mut next = self.next.get();
        if !(self.from.get() <= a && a <= next) {
            // There is one at or after `a`: the last one, at `end - 1`.
            next = next_bit(self.words, a).unwrap_or(usize::MAX);
            self.from.set(a);
            self.next.set(next);
        }
        (next < b).then_some(next)
    }
}

/// Appends `src[a..b]` decoded: character references in HTML text, escapes
/// in JavaScript strings, nothing in raw text.
/// `amps` holds `src`'s `&`: a text's references are found there.
fn decode_into(out: &mut MappedText, src: &str, amps: &Amps, kind: Kind, a: usize, b: usize) {
    let bytes = src.as_bytes();
    let mut run = a;
    let mut i = a;
    match kind {
        Kind::Text => {
            let mut buf = [0u8; 4];
            while let Some(j) = amps.first_in(i, b) {
                // `&auml;` and `&ouml;` are nearly all the references of
                // pages that write ä and ö so; answered here without a call,
                // and written as the constants they are (the general path
                // copies a decoded string of unknown length with `memcpy`).
                let common = match bytes[j + 1..b].get(..5) {
                    Some(b"auml;") => Some("\u{e4}"),
                    Some(b"ouml;") => Some("\u{f6}"),
                    _ => None,
                };
                if let Some(c) = common {
                    out.push_verbatim(&src[run..j], run);
                    out.push_atomic(c, j..j + 6);
                    i = j + 6;
                    run = i;
                    continue;
                }
                match char_ref(&bytes[j + 1..b]) {
                    Some((r, len)) => {
                        out.push_verbatim(&src[run..j], run);
                        out.push_atomic(r.as_str(&mut buf), j..j + 1 + len);
                        i = j + 1 + len;
                        run = i;
                    }
                    None => i = j + 1,
                }
            }
        }
        Kind::JsText => {
            while let Some(o) = memchr(b'\\', &bytes[i..b]) {
                let j = i + o;
                let (c, len) = js_escape(&bytes[j + 1..b]);
                out.push_verbatim(&src[run..j], run);
                let mut buf = [0u8; 4];
                let end = (j + 1 + len).min(b);
                // A backslash before a multi-byte character: keep it whole.
                let end = (end..=b).find(|&e| src.is_char_boundary(e)).unwrap_or(b);
                out.push_atomic(c.map_or("", |c| c.encode_utf8(&mut buf)), j..end);
                i = end;
                run = i;
            }
        }
        _ => {}
    }
    out.push_verbatim(&src[run..b], run);
}

/// A JavaScript escape after its backslash: the character and the bytes used.
fn js_escape(s: &[u8]) -> (Option<char>, usize) {
    let hex = |h: &[u8]| {
        std::str::from_utf8(h)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
    };
    match s.first() {
        None => (None, 0),
        Some(b'n') => (Some('\n'), 1),
        Some(b't') => (Some('\t'), 1),
        Some(b'r') => (Some('\r'), 1),
        Some(b'\n') => (None, 1),
        Some(b'x') if s.len() >= 3 => (hex(&s[1..3]), 3),
        Some(b'u') if s.get(1) == Some(&b'{') => match memchr(b'}', s) {
            Some(e) if e < 10 => (hex(&s[2..e]), e + 1),
            _ => (Some('u'), 1),
        },
        Some(b'u') if s.len() >= 5 => (hex(&s[1..5]), 5),
        Some(&c) => (Some(c as char).filter(|c| c.is_ascii()), 1),
    }
}

/// The range of `src[a..b]` without leading and trailing whitespace
/// (ASCII, U+00A0 and `&nbsp;`-like references in HTML text).
fn trim_ws(s: &[u8], kind: Kind, mut a: usize, mut b: usize) -> (usize, usize) {
    const NBSP_REFS: [&[u8]; 4] = [b"&nbsp;", b"&#160;", b"&#xa0;", b"&nbsp"];
    let html = kind == Kind::Text;
    while a < b {
        if s[a].is_ascii_whitespace() {
            a += 1;
        } else if s[a..b].starts_with(b"\xc2\xa0") {
            a += 2;
        } else if let Some(r) = NBSP_REFS.iter().find(|r| {
            html && s[a] == b'&' && b - a >= r.len() && s[a..a + r.len()].eq_ignore_ascii_case(r)
        }) {
            if r.len() == 5 && s.get(a + 5).is_some_and(|c| c.is_ascii_alphanumeric()) {
                break;
            }
            a += r.len();
        } else {
            break;
        }
    }
    while b > a {
        if s[b - 1].is_ascii_whitespace() {
            b -= 1;
        } else if s[a..b].ends_with(b"\xc2\xa0") {
            b -= 2;
        } else if let Some(r) = NBSP_REFS[..3].iter().find(|r| {
            html && s[b - 1] == b';'
                && b - a >= r.len()
                && s[b - r.len()..b].eq_ignore_ascii_case(r)
        }) {
            b -= r.len();
        } else {
            break;
        }
    }
    (a, b)
}

/// [`MappedText::into_trimmed`], which is `m` itself when it starts and ends
/// with ASCII that is not whitespace, as nearly every heading and section
/// body does: told by its first and last byte here (the trims' character
/// loops and moving the text in and out cost ~100 instructions a text).
#[inline]
fn trimmed(m: MappedText) -> MappedText {
    // ASCII whitespace by `char::is_whitespace` (which `trim` uses): tab,
    // line feed, vertical tab, form feed, carriage return and space.
    let solid = |c: u8| c.is_ascii() && !matches!(c, b'\t'..=b'\r' | b' ');
    let b = m.text.as_bytes();
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) if solid(first) && solid(last) => m,
        _ => m.into_trimmed(),
    }
}

/// Whitespace runs folded to one space, soft hyphens dropped, trimmed.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().filter(|&c| c != '\u{ad}'));
    }
    out
}

/// `title:` in the front matter that ends at `end` (Jekyll, Hugo, Astro).
fn front_matter_title(src: &str, end: usize) -> Option<MappedText> {
    let fm = src.get(..end)?;
    if !fm
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("---")
    {
        return None;
    }
    let mut pos = 0;
    for line in fm.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let Some(v) = line.strip_prefix("title:") else {
            continue;
        };
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(v);
        if v.is_empty() {
            return None;
        }
        // `v` is a slice of `line`, so its offset is known exactly.
        let off = start + (v.as_ptr() as usize - line.as_ptr() as usize);
        let mut m = MappedText::new();
        m.push_verbatim(v, off);
        return Some(m);
    }
    None
}

/// "Tietoja ei luovuteta. Muuta": a lowercase letter, ". " and an uppercase
/// letter (so "1. Rekisterinpitäjä" and "esim. Google" are not).
fn has_sentence_break(s: &str) -> bool {
    s.match_indices(". ").any(|(i, _)| {
        s[..i].chars().next_back().is_some_and(|c| c.is_lowercase())
            && s[i + 2..].chars().next().is_some_and(|c| c.is_uppercase())
    })
}

/// "1. Rekisterinpitäjä", "2) Tietolähteet", "10.3 Oikeus": a section number
/// before a word.
fn numbered(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return false;
    }
    let after = &s[digits..];
    let rest = after.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')');
    after.starts_with(['.', ')'])
        && rest.starts_with(char::is_whitespace)
        && rest.trim_start().starts_with(char::is_alphabetic)
}

/// "1. Rekisterinpitäjä:" → "Rekisterinpitäjä".
fn strip_numbering(s: &str) -> &str {
    let t = s.trim_start_matches(|c: char| {
        c.is_ascii_digit() || c == '.' || c == ')' || c.is_whitespace()
    });
    t.trim_end_matches([':', ' '])
}

#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;
