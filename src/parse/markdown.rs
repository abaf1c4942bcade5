//! Markdown: headed sections with byte-exact source spans.
//!
//! Built on pulldown-cmark's offset iterator: it gives CommonMark block
//! structure (lazy continuation lines, list item content, the seven kinds
//! of HTML block, setext vs. thematic breaks, GFM tables) and every inline
//! event with its exact source range; entities come as separate events
//! whose range is the whole entity, so mapping stays exact.
//!
//! The pipeline is:
//! 1. `markdown_prep::prepare` masks front matter and
//!    template syntax (shortcodes, Liquid, MDX) without moving any offset;
//! 2. the events are collected and a planning pass decides which paragraphs,
//!    list items and tables are really headings (bold-only lines, numbered
//!    list items used as sections, the template's two-column table);
//! 3. the builder walks the events once, copying text out of the original
//!    source (masked bytes left out) into [`MappedText`]s.
//!
//! What counts as a heading besides ATX (`## x`) and setext headings:
//! - a top-level paragraph that is only bold text (`**Rekisterinpitäjä**`),
//!   short and not a sentence, when the document has no `##` headings of
//!   its own or the [`HeadingOracle`] knows the text; its level is one below
//!   the last real heading (3 when there is none). The same for a paragraph
//!   whose first line is all bold and the body follows on the next lines
//!   (`**Oikeus tarkastaa**` + line break + text), and for italic lines
//!   (`*Vastustamisoikeus*`) when the oracle knows them;
//! - the items of top-level ordered lists used as numbered headings
//!   (`1. Rekisterinpitäjä` + indented text, or one-item lists split by the
//!   paragraphs between them), in documents without `##` headings;
//! - `#Otsikko` without the space (kramdown reads it as a heading);
//! - the rows of a two-column table (`| heading | body |`, the 2018
//!   template's export) when the document has no `##` headings or the
//!   oracle knows at least half of the first cells; an empty heading cell
//!   continues the previous section, and nothing inside a cell starts one;
//! - `<h1>`–`<h6>` and `<p><strong>x</strong></p>` inside raw HTML blocks.
//!
//! Nothing here recurses on the input's nesting depth and every look-ahead
//! stays inside one block, so the whole parse is linear. Release timing on
//! this machine: ~24 µs for a 9 KB notice (seed 002), of which ~11 µs is
//! pulldown-cmark itself.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::inline::strip_inline_html;
use super::markdown_html::{
    is_block_tag, markup_at, push_unmasked, strip_fragment, HtmlItem, Markup,
};
use super::markdown_prep::{prepare, prepare_plain, Prepared};
use super::markdown_simple::{line_kinds, scan, simple_events, text_pieces, LineKind, Sink};
use super::text::{is_ascii_space, strip_numbering};
use super::{Comment, HeadingOracle, RawDocument, RawSection};
use crate::textmap::MappedText;

type Ev<'a> = (Event<'a>, Range<usize>);

thread_local! {
    /// The last Markdown notice's event list, emptied, for the next one on
    /// this thread: about 40 KB per notice that was allocated and freed
    /// each time (and a large free makes glibc sort its freed chunks at the
    /// next allocation).
    static SPARE_EVENTS: std::cell::RefCell<Vec<Ev<'static>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Most events kept between notices (a few MB of a huge document are not
/// worth holding on to).
const MAX_SPARE_EVENTS: usize = 1 << 15;

/// An empty event list for `'a`, in the allocation the last one left.
fn spare_events<'a>(want: usize) -> Vec<Ev<'a>> {
    let spare = SPARE_EVENTS.with(|s| std::mem::take(&mut *s.borrow_mut()));
    let mut events = relabel(spare);
    events.reserve(want);
    events
}

/// Gives an event list's allocation to the next [`spare_events`].
fn give_back_events(mut events: Vec<Ev<'_>>) {
    events.clear();
    if events.capacity() > MAX_SPARE_EVENTS {
        return;
    }
    let events = relabel(events);
    SPARE_EVENTS.with(|s| *s.borrow_mut() = events);
}

/// An empty event list with another lifetime, in the same allocation: the
/// standard library collects a `Vec`'s own iterator in place when the
/// element layouts match (here they are the same type), so this moves no
/// element (there are none) and needs no `unsafe`.
fn relabel<'a, 'b>(events: Vec<Ev<'a>>) -> Vec<Ev<'b>> {
    debug_assert!(events.is_empty());
    events
        .into_iter()
        .map(|_| unreachable!("the list is empty"))
        .collect()
}

/// What the planning pass decided about an event (indexed like the events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    None,
    /// A top-level paragraph that is only bold text and reads as a heading
    /// (or only italic text that the oracle knows).
    BoldHeading,
    /// A top-level paragraph whose first line is only bold or italic text
    /// that reads as a heading, with the body on the next lines
    /// (`**Oikeus tarkastaa tiedot**` + line break + text).
    BoldLineHeading,
    /// The first short line of a document that has no other title, right
    /// before a table or a heading.
    TitlePara,
    /// An item of a top-level ordered list whose items are the sections
    /// (`1. Rekisterinpitäjä` followed by indented paragraphs).
    HeadingItem,
    /// The first paragraph of such an item: the heading.
    HeadingItemPara,
    /// A two-column table whose rows are sections (heading | body).
    SectionTable,
    /// `#Otsikko`: (level, number of `#` bytes to skip).
    HashHeading(u8, u8),
}

/// Longest text (in chars) that a bold line or list item may have to be a
/// heading.
const MAX_HEADING_CHARS: usize = 120;

pub fn parse(src: &str, oracle: &dyn HeadingOracle) -> RawDocument {
    // The plainest texts (headings, paragraphs, `- ` lists, no inline
    // syntax) are built straight from their lines, with no event list and
    // no planning pass (see `LineBuilder`), and without the pre-pass's body
    // scan (see `prepare_plain`); with front matter alone masked, from the
    // source itself past it (the masked copy is the source there, and the
    // front matter blank lines). Only texts the fast way declines need the
    // pre-pass and the copy, and they are read from their start again.
    let plain = prepare_plain(src);
    if let Some(prep) = &plain {
        let from = prep.blank_to;
        let mut b = Builder::new(src, src, &prep.masks, oracle, false, prep.title.clone());
        let mut lines = LineBuilder {
            b: &mut b,
            text: src,
            from,
            have_title: prep.title.is_some(),
            content: false,
            sub_headings_known: false,
        };
        if scan(src, from, &mut lines) {
            return b.finish();
        }
        // Declined part way: the partial document is dropped.
    }
    let prep = prepare(src);
    // The line way read what `simple_events` would if the pre-pass masked
    // no more than front matter.
    let lines_tried = plain.is_some() && (prep.blank_to > 0 || prep.masks.is_empty());
    parse_events(src, prep, oracle, lines_tried)
}

/// [`parse`] by the events of pulldown-cmark or, for the plainest texts
/// (`lines_tried`: known not to be), of [`simple_events`].
fn parse_events<'a>(
    src: &'a str,
    mut prep: Prepared<'a>,
    oracle: &dyn HeadingOracle,
    lines_tried: bool,
) -> RawDocument {
    prep.mask_front_matter(src);
    let opts =
        Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Ev<'_>> = spare_events(src.len() / 12 + 16);
    let masked: &str = &prep.text;
    // A text the line way declined is declined by `simple_events` too (the
    // same lines, after blank ones), so only a masked copy that differs
    // from what that way read is tried.
    if lines_tried || !simple_events(masked, &mut events) {
        events.extend(Parser::new_ext(masked, opts).into_offset_iter());
    }
    let facts = Facts::of(&events);
    let roles = plan(&events, &facts, oracle, prep.title.is_some());
    let mut b = Builder::new(
        src,
        masked,
        &prep.masks,
        oracle,
        facts.sub_headings,
        prep.title.clone(),
    );
    // Taken by value: each event's payload is dropped where its kind is
    // known (see `Builder::event`), not by the list's `clear`.
    for (i, (ev, r)) in events.drain(..).enumerate() {
        b.event(ev, r, roles[i]);
    }
    let doc = b.finish();
    give_back_events(events);
    prep.give_back();
    doc
}

/// Builds the document from the lines of the plainest Markdown (see
/// [`markdown_simple::scan`]): the same calls on the [`Builder`] as the
/// events of those lines make, with the planning pass's one question for
/// such a text (is the first paragraph the title?) answered by reading
/// ahead. That way's other roles need emphasis, `#` without a space,
/// ordered lists or tables, none of which the fast way takes.
struct LineBuilder<'a, 'b> {
    b: &'b mut Builder<'a>,
    text: &'a str,
    /// Where the scan started (a line start after only blank lines).
    from: usize,
    have_title: bool,
    /// A block other than an HTML comment was read.
    content: bool,
    /// `Builder::sub_headings` was set (it is read only for HTML blocks).
    sub_headings_known: bool,
}

impl LineBuilder<'_, '_> {
    /// The text of `r` (see [`text_pieces`]), as `Builder::emit` copies
    /// such events: text that is its own source, without masks, item
    /// prefixes or skipped bytes.
    fn texts(&mut self, r: Range<usize>, brackets: bool) {
        let b = &mut *self.b;
        text_pieces(self.text, r, brackets, |p| b.put_verbatim(p.start, p.end));
    }

    /// Before the text of a body block that starts at `at` with an ASCII
    /// byte that is no whitespace (the builder's line empty, nothing held
    /// back): when the body it goes to has text, the body itself becomes
    /// the line, after the `\n` that `Builder::line_to_body` would put
    /// before the block (at the block's first byte, where the line's map
    /// would start). The block's text is then written once, not into the
    /// line and copied into the body (~5,000 copies in 250 notices); at
    /// the block's end `line_to_body` swaps the body back into its place,
    /// which holds the line's empty buffers meanwhile. The text and map
    /// are the same: a verbatim run after the atomic `\n` is not merged
    /// with it, and the line's tests (empty, whitespace at its ends) give
    /// what they gave on the block alone (the body starts with no
    /// whitespace; the block's first byte is none).
    fn write_in_body(&mut self, at: usize) {
        let b = &mut *self.b;
        if !self.text.as_bytes()[at].is_ascii() {
            return;
        }
        debug_assert!(b.line.is_empty() && matches!(b.pending, Pending::None));
        debug_assert!(b.capture == Capture::Body && !is_ascii_space(self.text.as_bytes()[at]));
        let target = match b.cur.as_mut() {
            Some(sec) => &mut sec.body,
            None => &mut b.doc.preamble,
        };
        if target.is_empty() || leading_ws(&target.text) > 0 {
            return;
        }
        std::mem::swap(target, &mut b.line);
        b.line.push_synthetic("\n", at);
    }

    /// Whether a line of `text[from..]` starts with `prefix`: a line that
    /// starts with `#` is an ATX heading in a text the fast way takes.
    fn any_line_starts_with(&self, prefix: &[u8]) -> bool {
        let rest = &self.text.as_bytes()[self.from..];
        if rest.starts_with(prefix) {
            return true;
        }
        let mut pat = [b'\n'; 3];
        pat[1..=prefix.len()].copy_from_slice(prefix);
        memchr::memmem::find(rest, &pat[..=prefix.len()]).is_some()
    }

    /// `plan`'s title test for the first content block, a paragraph at
    /// `line`: one line, heading-like, the next block that is no HTML
    /// comment a heading, and no `#` heading anywhere.
    fn is_title(&self, line: &Range<usize>, next: usize) -> bool {
        let text = &self.text[line.clone()];
        if !heading_like(text) || text.trim_end().ends_with(':') {
            return false;
        }
        let mut first = true;
        let mut heading_next = false;
        line_kinds(self.text, next, |kind| {
            let go_on = match kind {
                // A paragraph line right under it continues it.
                Some(LineKind::Para) if first => false,
                Some(LineKind::Blank | LineKind::Comment) => true,
                Some(LineKind::Heading) => {
                    heading_next = true;
                    false
                }
                _ => false,
            };
            first = false;
            go_on
        });
        heading_next && !self.any_line_starts_with(b"# ")
    }
}

impl<'a> Sink<'a> for LineBuilder<'a, '_> {
    fn para_start(&mut self, line: Range<usize>, next: usize, brackets: bool) -> bool {
        let title = !self.content && !self.have_title && self.is_title(&line, next);
        self.content = true;
        self.b.flush();
        if title {
            self.b.capture = Capture::Title;
        } else {
            self.write_in_body(line.start);
        }
        self.texts(line, brackets);
        true
    }

    fn text_line(&mut self, line: Range<usize>, _next: usize, brackets: bool, _in_list: bool) {
        self.b.brk(line.start - 1..line.start);
        self.texts(line, brackets);
    }

    fn para_end(&mut self) {
        self.b.finish_capture();
    }

    fn heading(&mut self, n: u8, line: Range<usize>, _next: usize, brackets: bool) {
        self.content = true;
        self.b.flush();
        self.b.capture = Capture::Heading {
            level: n,
            structural: true,
        };
        self.texts(line.start + n as usize + 1..line.end, brackets);
        self.b.finish_capture();
    }

    fn comment(&mut self, line: Range<usize>, next: usize) -> bool {
        if !self.sub_headings_known {
            self.sub_headings_known = true;
            self.b.sub_headings = self.any_line_starts_with(b"##");
        }
        self.b.flush();
        // The block's one range (its `Html` event's).
        self.b.html = Some(std::iter::once(line.start..next).collect());
        self.b.html_block();
        true
    }

    fn item(&mut self, line: Range<usize>, _next: usize, _brackets_: bool, _first: bool) {
        // `End(Item)`, `Start(List)` and `Start(Item)` each end the block
        // before them: one flush does it.
        self.content = true;
        self.b.flush();
        self.write_in_body(line.start + 2);
        self.texts(line.start + 2..line.end, _brackets_);
    }

    fn list_end(&mut self, _end: usize, _loose: bool) {
        // A loose list's paragraphs end where their items do.
        self.b.flush();
    }
}

// ---------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------

struct Facts {
    /// Any Markdown heading of level 2 or deeper: the author structured the
    /// notice with headings, so bold lines and tables are not sections
    /// unless the oracle knows their text.
    sub_headings: bool,
    has_h1: bool,
}

impl Facts {
    fn of(events: &[Ev<'_>]) -> Facts {
        let mut f = Facts {
            sub_headings: false,
            has_h1: false,
        };
        for (e, _) in events {
            if let Event::Start(Tag::Heading { level, .. }) = e {
                if *level == HeadingLevel::H1 {
                    f.has_h1 = true;
                } else {
                    f.sub_headings = true;
                }
            }
        }
        f
    }
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Index of the event that closes the tag opened at `start`.
fn matching_end(events: &[Ev<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// Plain text of the inline events in `events[a..b]` (images left out),
/// and whether there was a line break.
fn inline_text(events: &[Ev<'_>], a: usize, b: usize) -> (String, bool) {
    let mut s = String::new();
    let mut breaks = false;
    let mut image = 0u32;
    for (e, _) in &events[a..b] {
        match e {
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image = image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if image == 0 => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => {
                breaks = true;
                s.push(' ');
            }
            Event::InlineHtml(h) => {
                if let Some(Markup::Tag(t)) = markup_at(h) {
                    if is_block_tag(t.name) {
                        breaks = true;
                        s.push(' ');
                    }
                }
            }
            _ => {}
        }
    }
    (s, breaks)
}

/// Short, one line, not a sentence.
fn heading_like(text: &str) -> bool {
    let t = text.trim();
    let n = t.chars().count();
    n > 0
        && n <= MAX_HEADING_CHARS
        && t.chars().any(char::is_alphabetic)
        && !t.ends_with(['.', ',', ';'])
}

/// The text the oracle is asked about: numbering and a trailing colon off.
fn oracle_text(text: &str) -> &str {
    strip_numbering(text.trim())
        .trim_end_matches(':')
        .trim_end()
}

/// How a paragraph opens with emphasised text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Emphasised {
    text: String,
    /// `**x**` / `__x__` (else `*x*` / `_x_`).
    bold: bool,
    /// The emphasis is the whole first line and more lines follow it.
    first_line_only: bool,
}

/// If the paragraph starting at `p` (ending at `end`) begins with bold or
/// italic text that is either the whole paragraph or its whole first line.
fn emphasised(events: &[Ev<'_>], p: usize, end: usize) -> Option<Emphasised> {
    let bold = match events.get(p + 1) {
        Some((Event::Start(Tag::Strong), _)) => true,
        Some((Event::Start(Tag::Emphasis), _)) => false,
        _ => return None,
    };
    let em_end = matching_end(events, p + 1);
    let first_line_only = if em_end + 1 == end {
        false
    } else if matches!(
        events.get(em_end + 1),
        Some((Event::SoftBreak | Event::HardBreak, _))
    ) && em_end + 2 < end
    {
        true
    } else {
        return None;
    };
    let (text, breaks) = inline_text(events, p + 2, em_end);
    if breaks {
        return None;
    }
    Some(Emphasised {
        text,
        bold,
        first_line_only,
    })
}

fn plan(
    events: &[Ev<'_>],
    facts: &Facts,
    oracle: &dyn HeadingOracle,
    have_title: bool,
) -> Vec<Role> {
    let mut roles = vec![Role::None; events.len()];
    // Top-level blocks: (start index, end index).
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(_) => {
                let e = matching_end(events, i);
                blocks.push((i, e));
                i = e + 1;
            }
            _ => i += 1,
        }
    }
    // Bold-only paragraphs.
    let mut any_bold = false;
    for &(s, e) in &blocks {
        if !matches!(events[s].0, Event::Start(Tag::Paragraph)) {
            continue;
        }
        if let Some(em) = emphasised(events, s, e) {
            // Bold lines are the headings of a notice without `##` headings;
            // italic lines, and bold lines in a headed notice, only when the
            // oracle knows them (italic is also used for notes and quotes).
            let known = || oracle.is_heading(oracle_text(&em.text));
            // "_Päivitetty 5.5.2024. // Hallitus_" is a sentence.
            let sentence = oracle_text(&em.text).contains(". ");
            if heading_like(&em.text) && !sentence && ((em.bold && !facts.sub_headings) || known())
            {
                roles[s] = if em.first_line_only {
                    Role::BoldLineHeading
                } else {
                    Role::BoldHeading
                };
                any_bold = true;
            }
        }
    }
    // `#Otsikko` without the space.
    for &(s, e) in &blocks {
        if matches!(events[s].0, Event::Start(Tag::Paragraph)) && roles[s] == Role::None {
            if let Some((level, hashes)) = hash_heading(events, s, e) {
                roles[s] = Role::HashHeading(level, hashes as u8);
            }
        }
    }
    // Ordered lists whose items are the sections.
    if !facts.sub_headings && !any_bold {
        let mut items = Vec::new();
        for &(s, e) in &blocks {
            if matches!(events[s].0, Event::Start(Tag::List(Some(_)))) {
                if let Some(v) = heading_list_items(events, s, e) {
                    items.extend(v);
                }
            }
        }
        if items.len() >= 2 {
            for (item, para) in items {
                roles[item] = Role::HeadingItem;
                if let Some(p) = para {
                    roles[p] = Role::HeadingItemPara;
                }
            }
        }
    }
    // Two-column tables of `heading | body` rows.
    for &(s, e) in &blocks {
        if let Event::Start(Tag::Table(cols)) = &events[s].0 {
            if cols.len() == 2
                && (!facts.sub_headings || first_cells_are_headings(events, s, e, oracle))
            {
                roles[s] = Role::SectionTable;
            }
        }
    }
    // A first line before the table or the first heading is the title.
    if !have_title && !facts.has_h1 {
        let mut content = blocks
            .iter()
            .filter(|(s, _)| !matches!(events[*s].0, Event::Start(Tag::HtmlBlock)));
        if let (Some(&(s, e)), Some(&(n, _))) = (content.next(), content.next()) {
            let next_is_heading = matches!(events[n].0, Event::Start(Tag::Heading { .. }))
                || roles[n] == Role::SectionTable
                || matches!(roles[n], Role::BoldHeading | Role::BoldLineHeading);
            if roles[s] == Role::None
                && matches!(events[s].0, Event::Start(Tag::Paragraph))
                && next_is_heading
            {
                let (text, breaks) = inline_text(events, s + 1, e);
                if !breaks && heading_like(&text) && !text.trim_end().ends_with(':') {
                    roles[s] = Role::TitlePara;
                }
            }
        }
    }
    roles
}

/// The items of a top-level ordered list that can be section headings:
/// `(item index, first paragraph index if the item is loose)`, or `None`
/// when the list is an ordinary list. Every item must start with a short
/// heading-like line; either every item has more blocks under that line
/// (`1. Rekisterinpitäjä` + indented paragraphs) or the list has a single
/// item (`1. Rekisterinpitäjä`, then top-level paragraphs, then
/// `2. Rekisterin nimi` as a new list).
fn heading_list_items(
    events: &[Ev<'_>],
    s: usize,
    e: usize,
) -> Option<Vec<(usize, Option<usize>)>> {
    let mut items = Vec::new();
    let mut all_have_body = true;
    let mut i = s + 1;
    while i < e {
        if !matches!(events[i].0, Event::Start(Tag::Item)) {
            return None;
        }
        let item_end = matching_end(events, i);
        let (para, text_end, has_body) = match events.get(i + 1) {
            Some((Event::Start(Tag::Paragraph), _)) => {
                let p_end = matching_end(events, i + 1);
                (Some(i + 1), p_end, p_end + 1 < item_end)
            }
            _ => {
                // A tight item: inline events up to the first block.
                let mut j = i + 1;
                while j < item_end && !is_block_start(&events[j].0) {
                    j += 1;
                }
                (None, j, j < item_end)
            }
        };
        let from = para.map_or(i + 1, |p| p + 1);
        let (text, breaks) = inline_text(events, from, text_end);
        if breaks || !heading_like(&text) || text.trim_end().ends_with(':') {
            return None;
        }
        all_have_body &= has_body;
        items.push((i, para));
        i = item_end + 1;
    }
    (all_have_body || items.len() == 1).then_some(items)
}

fn is_block_start(e: &Event<'_>) -> bool {
    matches!(
        e,
        Event::Start(
            Tag::Paragraph
                | Tag::List(_)
                | Tag::Item
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
                | Tag::HtmlBlock
                | Tag::Table(_)
                | Tag::Heading { .. }
        ) | Event::Rule
    )
}

/// `#Otsikko`: a one-line paragraph that starts with 1–6 `#` and no space
/// (kramdown reads it as a heading; CommonMark does not). Returns the level
/// and the number of `#` bytes.
fn hash_heading(events: &[Ev<'_>], s: usize, e: usize) -> Option<(u8, usize)> {
    let (Event::Text(t), _) = events.get(s + 1)? else {
        return None;
    };
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes)
        || t[hashes..].starts_with(|c: char| c.is_whitespace() || c == '#')
    {
        return None;
    }
    // Only the first line is the heading; later lines are body text.
    let line_end = (s + 1..e)
        .find(|&j| matches!(events[j].0, Event::SoftBreak | Event::HardBreak))
        .unwrap_or(e);
    let (text, breaks) = inline_text(events, s + 1, line_end);
    let text = text.get(hashes..)?;
    (!breaks && heading_like(text) && !text.contains("://")).then_some((hashes as u8, hashes))
}

/// Whether the oracle knows at least half of the non-empty first cells
/// (and at least one) of the table `events[s..=e]`.
fn first_cells_are_headings(
    events: &[Ev<'_>],
    s: usize,
    e: usize,
    oracle: &dyn HeadingOracle,
) -> bool {
    let (mut known, mut total) = (0usize, 0usize);
    let mut i = s + 1;
    while i < e {
        if matches!(
            events[i].0,
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow)
        ) {
            let row_end = matching_end(events, i);
            if matches!(events.get(i + 1), Some((Event::Start(Tag::TableCell), _))) {
                let cell_end = matching_end(events, i + 1);
                let (text, _) = inline_text(events, i + 2, cell_end);
                if !text.trim().is_empty() {
                    total += 1;
                    if oracle.is_heading(oracle_text(&text)) {
                        known += 1;
                    }
                }
            }
            i = row_end + 1;
        } else {
            i += 1;
        }
    }
    known > 0 && known * 2 >= total
}

// ---------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------

/// Trims every line of a block and drops empty lines (what is left between
/// `</p> <p>`, or indentation inside raw HTML), keeping the map.
fn tidy_lines(m: MappedText) -> MappedText {
    let needs = m
        .text
        .split('\n')
        .any(|l| l.is_empty() || l.trim().len() != l.len());
    if !needs {
        return m;
    }
    let mut out = MappedText::with_capacity(m.len());
    let mut pos = 0;
    for line in m.text.split('\n') {
        let start = pos;
        pos += line.len() + 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        if !out.is_empty() {
            out.append_owned(m.slice(start - 1..start));
        }
        out.append_owned(m.slice(start + lead..start + lead + t.len()));
    }
    out
}

/// The length of `s.trim_start()`'s cut. Most texts start with an ASCII
/// letter or mark, which is no whitespace, without decoding a character.
fn leading_ws(s: &str) -> usize {
    match s.as_bytes().first() {
        Some(&b) if b.is_ascii() && !is_ascii_space(b) => 0,
        _ => s.len() - s.trim_start().len(),
    }
}

/// The length of `s.trim_end()`'s cut (see [`leading_ws`]).
fn trailing_ws(s: &str) -> usize {
    match s.as_bytes().last() {
        Some(&b) if b.is_ascii() && !is_ascii_space(b) => 0,
        _ => s.len() - s.trim_end().len(),
    }
}

/// Whitespace or a line break held back until more text follows.
#[derive(Debug, Clone)]
enum Pending {
    None,
    Ws(Range<usize>),
    Atom(String, Range<usize>),
    Break(&'static str, Range<usize>),
}

/// Where the inline text being collected in `Builder::line` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    Body,
    Heading { level: u8, structural: bool },
    Title,
}

struct TableState {
    sections: bool,
    /// Cells of the current row: text and the cell's source range.
    cells: Vec<(MappedText, Range<usize>)>,
}

struct Builder<'a> {
    src: &'a str,
    masked: &'a str,
    masks: &'a [Range<usize>],
    oracle: &'a dyn HeadingOracle,
    sub_headings: bool,
    doc: RawDocument,
    cur: Option<RawSection>,
    /// Text of the block being read (paragraph, heading, cell, code block).
    line: MappedText,
    pending: Pending,
    capture: Capture,
    /// Depth of images (their alt text is not page text).
    image: u32,
    h1_seen: bool,
    /// Level of the last Markdown/HTML heading (context for bold lines).
    last_level: Option<u8>,
    /// Start of a list item whose first paragraph is a heading: the marker
    /// (`3.`) is part of the heading as written.
    item_prefix: Option<Range<usize>>,
    /// Source bytes before this are not text (the `#` of `#Otsikko`).
    skip_to: usize,
    /// The heading being read ends at the first line break (`#Otsikko`).
    heading_ends_at_break: bool,
    table: Option<TableState>,
    /// Source ranges of the current raw HTML block.
    html: Option<Vec<Range<usize>>>,
}

/// Drops a start event's tag: only the tags that can hold a heap string or
/// list run the drop glue (a jump table on the tag); the others hold
/// nothing to free and are forgotten.
fn release_tag(tag: Tag<'_>) {
    // Every variant named: a new one must be sorted here.
    let owns = match &tag {
        Tag::Heading { .. }
        | Tag::CodeBlock(_)
        | Tag::FootnoteDefinition(_)
        | Tag::Table(_)
        | Tag::Link { .. }
        | Tag::Image { .. } => true,
        Tag::Paragraph
        | Tag::BlockQuote(_)
        | Tag::HtmlBlock
        | Tag::List(_)
        | Tag::Item
        | Tag::DefinitionList
        | Tag::DefinitionListTitle
        | Tag::DefinitionListDefinition
        | Tag::TableHead
        | Tag::TableRow
        | Tag::TableCell
        | Tag::Emphasis
        | Tag::Strong
        | Tag::Strikethrough
        | Tag::Superscript
        | Tag::Subscript
        | Tag::MetadataBlock(_) => false,
    };
    if owns {
        drop(tag);
    } else {
        // Nothing to free: no heap string or list in these variants.
        std::mem::forget(tag);
    }
}

impl<'a> Builder<'a> {
    fn new(
        src: &'a str,
        masked: &'a str,
        masks: &'a [Range<usize>],
        oracle: &'a dyn HeadingOracle,
        sub_headings: bool,
        title: Option<MappedText>,
    ) -> Self {
        Builder {
            src,
            masked,
            masks,
            oracle,
            sub_headings,
            doc: RawDocument {
                title,
                sections: super::spare_sections(),
                ..Default::default()
            },
            cur: None,
            line: MappedText::new(),
            pending: Pending::None,
            capture: Capture::Body,
            image: 0,
            h1_seen: false,
            last_level: None,
            item_prefix: None,
            skip_to: 0,
            heading_ends_at_break: false,
            table: None,
            html: None,
        }
    }
}

impl Builder<'_> {
    /// Takes the event by value and drops its payload in its own arm: the
    /// list's `clear` dropped each event by a jump table on its kind, which
    /// changes from event to event (59 K of the 60 K events of 250 notices
    /// mispredicted in callgrind), besides the one of this `match`.
    fn event(&mut self, ev: Event<'_>, r: Range<usize>, role: Role) {
        match ev {
            Event::End(tag) => self.end(tag, r),
            Event::Text(t) | Event::Code(t) => {
                if self.image == 0 {
                    self.emit(&t, r);
                }
            }
            Event::Start(tag) => {
                self.start(&tag, r, role);
                release_tag(tag);
            }
            ev => self.other_event(ev, r),
        }
    }

    /// [`Self::event`] for the rarer kinds.
    fn other_event(&mut self, ev: Event<'_>, r: Range<usize>) {
        match ev {
            Event::InlineHtml(_) => self.inline_html(r),
            Event::Html(_) => match self.html.as_mut() {
                Some(v) => v.push(r),
                None => self.inline_html(r),
            },
            Event::SoftBreak | Event::HardBreak if self.heading_ends_at_break => {
                self.heading_ends_at_break = false;
                self.finish_capture();
            }
            Event::SoftBreak | Event::HardBreak if self.image == 0 => self.brk(r),
            Event::Rule => self.flush(),
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag<'_>, r: Range<usize>, role: Role) {
        match tag {
            Tag::Paragraph if role == Role::HeadingItemPara => {}
            Tag::Paragraph => {
                self.flush();
                match role {
                    Role::BoldHeading | Role::BoldLineHeading => {
                        let level = (self.last_level.unwrap_or(2) + 1).clamp(2, 6);
                        self.capture = Capture::Heading {
                            level,
                            structural: false,
                        };
                        // The rest of the paragraph is the body.
                        self.heading_ends_at_break = role == Role::BoldLineHeading;
                    }
                    Role::TitlePara => self.capture = Capture::Title,
                    Role::HashHeading(level, hashes) => {
                        self.capture = Capture::Heading {
                            level,
                            structural: true,
                        };
                        self.skip_to = r.start + hashes as usize;
                        self.heading_ends_at_break = true;
                    }
                    _ => {}
                }
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.capture = Capture::Heading {
                    level: level_num(*level),
                    structural: true,
                };
            }
            Tag::Table(_) => {
                self.flush();
                self.table = Some(TableState {
                    sections: role == Role::SectionTable,
                    cells: Vec::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.cells.clear();
                }
            }
            Tag::TableCell => {
                self.pending = Pending::None;
                self.line.truncate(0);
            }
            Tag::Image { .. } => self.image += 1,
            Tag::HtmlBlock => {
                self.flush();
                self.html = Some(Vec::new());
            }
            Tag::Item => {
                self.flush();
                if role == Role::HeadingItem {
                    self.capture = Capture::Heading {
                        level: 2,
                        structural: false,
                    };
                    // The marker (`3.`) is part of the heading as written.
                    let b = self.src.as_bytes();
                    let mut m = r.start;
                    while m < r.end && b[m].is_ascii_digit() {
                        m += 1;
                    }
                    if m > r.start && m < r.end && (b[m] == b'.' || b[m] == b')') {
                        m += 1;
                        while m < r.end && (b[m] == b' ' || b[m] == b'\t') {
                            m += 1;
                        }
                        self.item_prefix = Some(r.start..m);
                    }
                }
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. } => {}
            _ => self.flush(),
        }
    }

    fn end(&mut self, tag: TagEnd, r: Range<usize>) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) => self.finish_capture(),
            TagEnd::TableCell => {
                let cell = self.take_line();
                if let Some(t) = self.table.as_mut() {
                    t.cells.push((cell, r));
                }
            }
            TagEnd::TableHead => self.row_done(r, true),
            TagEnd::TableRow => self.row_done(r, false),
            TagEnd::Table => self.table = None,
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            TagEnd::HtmlBlock => self.html_block(),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link => {}
            _ => self.flush(),
        }
    }

    /// Copies the text of an event. Text equal to its source is copied
    /// verbatim (masked bytes left out); text that differs (an entity, a
    /// NUL) stands for its whole range.
    fn emit(&mut self, text: &str, mut r: Range<usize>) {
        if text.is_empty() || r.end > self.masked.len() {
            return;
        }
        if let Some(p) = self.item_prefix.take() {
            // Only when the heading text follows the marker directly.
            if p.end == r.start {
                self.put_verbatim(p.start, p.end);
            }
        }
        let mut text = text;
        if r.start < self.skip_to {
            let cut = self.skip_to.min(r.end) - r.start;
            if self.masked[r.clone()] != *text || !text.is_char_boundary(cut) {
                return;
            }
            text = &text[cut..];
            r.start += cut;
            if text.is_empty() {
                return;
            }
        }
        let m = &self.masked[r.clone()];
        // Text that is its own source is mostly the very same slice of
        // `masked` (pulldown-cmark and `simple_events` borrow it): then no
        // byte needs comparing.
        let start = if std::ptr::eq(m, text) || m == text {
            Some(r.start)
        } else {
            m.find(text).map(|k| r.start + k)
        };
        match start {
            Some(a) => self.put_verbatim(a, a + text.len()),
            None => {
                // pulldown-cmark's range of an entity that ends a heading
                // can take in the whitespace after it (`## &ouml;\t`).
                let ws = m.len() - m.trim_end().len();
                if ws < m.len() && !text.ends_with(char::is_whitespace) {
                    r.end -= ws;
                }
                if !self.is_masked(&r) {
                    self.put_atomic(text, r);
                }
            }
        }
    }

    /// Appends `src[a..b]` to the line. Whitespace at either end is held
    /// back until more text follows, so lines never start or end with it.
    fn put_verbatim(&mut self, a: usize, b: usize) {
        let s = &self.src[a..b];
        let lead = leading_ws(s);
        if lead == s.len() {
            if !self.line.is_empty() && matches!(self.pending, Pending::None) {
                self.pending = Pending::Ws(a..b);
            }
            return;
        }
        let trail = trailing_ws(s);
        if lead > 0 && !self.line.is_empty() && matches!(self.pending, Pending::None) {
            self.pending = Pending::Ws(a..a + lead);
        }
        self.put_pending();
        let r = a + lead..b - trail;
        if self.masks.last().is_none_or(|m| m.end <= r.start) {
            // No mask at or after the text (in the line way only front
            // matter is masked): `push_unmasked`'s search would find none.
            self.line.push_verbatim(&self.src[r.clone()], r.start);
        } else {
            push_unmasked(&mut self.line, self.src, 0, r, self.masks);
        }
        if trail > 0 {
            self.pending = Pending::Ws(b - trail..b);
        }
    }

    /// Appends text that stands for the whole of `r` (an entity).
    fn put_atomic(&mut self, text: &str, r: Range<usize>) {
        if text.trim().is_empty() {
            if !self.line.is_empty() && matches!(self.pending, Pending::None) {
                self.pending = Pending::Atom(text.to_string(), r);
            }
            return;
        }
        self.put_pending();
        self.line.push_atomic(text, r);
    }

    /// A line break (soft/hard break, `<br>`, `<p>`): a newline in a body,
    /// a space in a heading; never at the start of a line or twice.
    fn brk(&mut self, r: Range<usize>) {
        if self.line.is_empty() || matches!(self.pending, Pending::Break(..)) {
            return;
        }
        let sep = if self.capture == Capture::Body {
            "\n"
        } else {
            " "
        };
        self.pending = Pending::Break(sep, r);
    }

    /// Puts what is held back, if anything: inlined for the common case of
    /// nothing (an out-of-line call and the enum moved for each text).
    #[inline]
    fn put_pending(&mut self) {
        if !matches!(self.pending, Pending::None) {
            self.put_held();
        }
    }

    fn put_held(&mut self) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Ws(r) => push_unmasked(&mut self.line, self.src, 0, r, self.masks),
            Pending::Atom(t, r) => self.line.push_atomic(&t, r),
            Pending::Break(s, r) => self.line.push_atomic(s, r),
        }
    }

    /// Takes the finished line (held-back whitespace dropped): a copy at
    /// its size, leaving the line's buffer (cleared) for the next one.
    /// (Only masked template syntax can leave whitespace at an end; `trimmed`
    /// gives the same text and map as `into_trimmed`.)
    fn take_line(&mut self) -> MappedText {
        self.pending = Pending::None;
        let t = self.line.trimmed();
        self.line.truncate(0);
        t
    }

    /// [`Self::append_block`] of [`Self::take_line`], without the copy when
    /// the line needs no trimming: appended from the line's buffer.
    fn line_to_body(&mut self) {
        let line = &self.line.text;
        // (By the end bytes: most lines start and end with ASCII text.)
        if leading_ws(line) > 0 || trailing_ws(line) > 0 {
            let t = self.take_line();
            self.append_block(t);
            return;
        }
        self.pending = Pending::None;
        if self.line.is_empty() {
            return;
        }
        let target = match self.cur.as_mut() {
            Some(sec) => &mut sec.body,
            None => &mut self.doc.preamble,
        };
        if target.is_empty() {
            // The first block of a body: the line's buffers become the
            // body's, and the body's empty ones (a `spare` buffer from
            // `open_section`) the next line's, instead of a copy.
            std::mem::swap(target, &mut self.line);
            return;
        }
        let at = self.line.full_source_range().map_or(0, |r| r.start);
        target.push_synthetic("\n", at);
        target.append(&self.line);
        self.line.truncate(0);
    }

    fn is_masked(&self, r: &Range<usize>) -> bool {
        let k = self.masks.partition_point(|m| m.end <= r.start);
        self.masks
            .get(k)
            .is_some_and(|m| m.start <= r.start && r.end <= m.end)
    }

    /// An inline tag: block tags break the line, comments are collected.
    fn inline_html(&mut self, r: Range<usize>) {
        let s = &self.masked[r.clone()];
        match markup_at(s) {
            Some(Markup::Comment { len, closed }) => {
                let end = r.start + len;
                let inner_end = if closed { end - 3 } else { end };
                self.doc.comments.push(Comment {
                    text: self
                        .src
                        .get(r.start + 4..inner_end.max(r.start + 4))
                        .unwrap_or("")
                        .to_string(),
                    span: r.start..end,
                });
            }
            Some(Markup::Tag(t)) if is_block_tag(t.name) => self.brk(r),
            _ => {}
        }
    }

    /// Ends the current block: its text goes to the current body.
    fn flush(&mut self) {
        if self.capture != Capture::Body {
            // A block ended inside a heading capture (malformed input):
            // close the capture first.
            self.finish_capture();
            return;
        }
        self.line_to_body();
    }

    fn append_block(&mut self, t: MappedText) {
        if t.is_empty() {
            return;
        }
        let at = t.full_source_range().map_or(0, |r| r.start);
        let target = match self.cur.as_mut() {
            Some(sec) => &mut sec.body,
            None => &mut self.doc.preamble,
        };
        if !target.is_empty() {
            target.push_synthetic("\n", at);
        }
        target.append_owned(t);
    }

    fn finish_capture(&mut self) {
        self.heading_ends_at_break = false;
        let capture = std::mem::replace(&mut self.capture, Capture::Body);
        match capture {
            Capture::Body => self.line_to_body(),
            Capture::Title => {
                let t = self.take_line();
                if t.is_empty() {
                } else if self.doc.title.is_none() {
                    self.doc.title = Some(t);
                } else {
                    self.append_block(t);
                }
            }
            Capture::Heading { level, structural } => {
                let line = &self.line.text;
                if line.is_empty() {
                    // `open_section` takes no empty heading.
                    self.pending = Pending::None;
                    return;
                }
                let t = if leading_ws(line) > 0 || trailing_ws(line) > 0 {
                    self.take_line()
                } else {
                    // Nothing to trim: the heading moves out with the
                    // line's buffers and the line takes a spare one, instead
                    // of a trimmed copy (~250 instructions a heading).
                    self.pending = Pending::None;
                    std::mem::replace(&mut self.line, MappedText::spare(512))
                };
                self.open_section(t, level, structural)
            }
        }
    }

    fn open_section(&mut self, heading: MappedText, level: u8, structural: bool) {
        if heading.is_empty() {
            return;
        }
        if structural {
            if level == 1 && !self.h1_seen {
                self.h1_seen = true;
                if self.doc.title.is_none() {
                    self.doc.title = Some(heading.spare_copy());
                }
            }
            self.last_level = Some(level);
        }
        if let Some(sec) = self.cur.take() {
            self.doc.sections.push(sec);
        }
        self.cur = Some(RawSection {
            heading,
            // Room for a typical body, which grows block by block.
            body: MappedText::spare(512),
            level,
        });
    }

    /// A table row is complete.
    fn row_done(&mut self, row: Range<usize>, head: bool) {
        let Some(table) = self.table.as_mut() else {
            return;
        };
        let sections = table.sections;
        let mut cells = std::mem::take(&mut table.cells);
        self.recover_excess_cells(&mut cells, &row);
        if !sections {
            self.row_as_line(&cells);
            return;
        }
        let heading = cells.first().map(|c| c.0.clone()).unwrap_or_default();
        let mut body = MappedText::new();
        for (c, _) in cells.iter().skip(1) {
            if c.is_empty() {
                continue;
            }
            if !body.is_empty() {
                let at = c.full_source_range().map_or(0, |r| r.start);
                body.push_synthetic("\n", at);
            }
            body.append(c);
        }
        if head {
            if heading.is_empty() && body.is_empty() {
                return;
            }
            // A header row of column labels (`| Kohta | Kuvaus |`) is not a
            // section; the template's first row sometimes is.
            let labels = !heading.is_empty()
                && !self.oracle.is_heading(oracle_text(&heading.text))
                && !body.text.chars().any(|c| c.is_ascii_digit())
                && body.text.chars().count() <= 40;
            if labels {
                self.row_as_line(&cells);
                return;
            }
        }
        if heading.is_empty() {
            // An empty heading cell: the row continues the previous section
            // (a page break split the table in the original).
            self.append_block(body);
        } else {
            self.open_section(heading, 2, false);
            self.append_block(body);
        }
    }

    /// Cells beyond the header's column count are dropped by the table
    /// parser; their text is appended to the last cell.
    fn recover_excess_cells(&self, cells: &mut [(MappedText, Range<usize>)], row: &Range<usize>) {
        let Some((last, lr)) = cells.last_mut() else {
            return;
        };
        if lr.end >= row.end || lr.start >= lr.end {
            return;
        }
        let rest = &self.masked[lr.end..row.end];
        let lead = rest.len()
            - rest
                .trim_start_matches(|c: char| c == '|' || c.is_whitespace())
                .len();
        let body = rest.trim_end_matches(|c: char| c == '|' || c.is_whitespace());
        if body.len() <= lead {
            return;
        }
        let a = lr.end + lead;
        let b = lr.end + body.len();
        let extra = strip_inline_html(self.src, a..b).into_trimmed();
        if extra.is_empty() {
            return;
        }
        if !last.is_empty() {
            last.push_atomic(" | ", lr.end..lr.end + 1);
        }
        last.append(&extra);
    }

    /// A row of an ordinary table: one body line, cells joined by ` | `
    /// (each separator maps to the `|` before its cell).
    fn row_as_line(&mut self, cells: &[(MappedText, Range<usize>)]) {
        let mut line = MappedText::new();
        for (c, r) in cells {
            if c.is_empty() {
                continue;
            }
            if !line.is_empty() {
                let pipe = r.start.saturating_sub(1);
                if self.src.as_bytes().get(pipe) == Some(&b'|') {
                    line.push_atomic(" | ", pipe..pipe + 1);
                } else {
                    line.push_synthetic(" | ", r.start);
                }
            }
            line.append(c);
        }
        self.append_block(line);
    }

    /// A raw HTML block is complete: strip it into blocks, headings and
    /// comments.
    fn html_block(&mut self) {
        let Some(ranges) = self.html.take() else {
            return;
        };
        let (Some(first), Some(last)) = (ranges.first(), ranges.last()) else {
            return;
        };
        let contiguous = ranges.windows(2).all(|w| w[0].end == w[1].start);
        let (items, raw) = if contiguous {
            let whole = first.start..last.end;
            let items = strip_fragment(
                &self.masked[whole.clone()],
                &self.src[whole.clone()],
                whole.start,
                self.masks,
            );
            (items, None)
        } else {
            // Inside a block quote or list: the lines come without their
            // container prefix. Strip the joined lines, then map back.
            let mut raw = MappedText::new();
            let mut structure = String::new();
            let mut masks = Vec::new();
            for r in &ranges {
                let off = raw.len();
                raw.push_verbatim(&self.src[r.clone()], r.start);
                structure.push_str(&self.masked[r.clone()]);
                let k = self.masks.partition_point(|m| m.end <= r.start);
                for m in self.masks[k..].iter().take_while(|m| m.start < r.end) {
                    let a = m.start.max(r.start) - r.start + off;
                    let b = m.end.min(r.end) - r.start + off;
                    masks.push(a..b);
                }
            }
            let items = strip_fragment(&structure, &raw.text, 0, &masks);
            (items, Some(raw))
        };
        let map = |t: MappedText| match &raw {
            Some(raw) => raw.compose(&t),
            None => t,
        };
        for item in items {
            match item {
                HtmlItem::Block { text, strong_only } => {
                    let text = tidy_lines(map(text));
                    let is_heading = strong_only
                        && heading_like(&text.text)
                        && (!self.sub_headings || self.oracle.is_heading(oracle_text(&text.text)));
                    if is_heading {
                        let level = (self.last_level.unwrap_or(2) + 1).clamp(2, 6);
                        self.open_section(text, level, false);
                    } else {
                        self.append_block(text);
                    }
                }
                HtmlItem::Heading { level, text } => self.open_section(map(text), level, true),
                HtmlItem::Comment(mut c) => {
                    if let Some(raw) = &raw {
                        c.span = raw.source_range(c.span.clone());
                    }
                    self.doc.comments.push(c);
                }
            }
        }
    }

    fn finish(mut self) -> RawDocument {
        if self.html.is_some() {
            self.html_block();
        }
        self.flush();
        if let Some(sec) = self.cur.take() {
            self.doc.sections.push(sec);
        }
        self.doc.comments.sort_by_key(|c| c.span.start);
        self.doc
    }
}

#[cfg(test)]
mod tests {
    use super::super::markdown_simple::simple_events_from;
    use super::super::NoOracle;
    use super::*;

    /// `leading_ws` and `trailing_ws` against the trims they stand for.
    #[test]
    fn whitespace_cuts_match_trim() {
        let pieces = [
            "a", "Ä", "ö", " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{a0}", "\u{2003}",
            "\u{3000}", "\u{85}", ".", "€", "𝄞", "x y",
        ];
        let mut next = crate::xorshift(0x3b1f_66a2_90cd_4e07);
        for _ in 0..20_000 {
            let n = next() % 8;
            let s = crate::random_text(&mut next, &pieces, n as usize);
            assert_eq!(leading_ws(&s), s.len() - s.trim_start().len(), "{s:?}");
            assert_eq!(trailing_ws(&s), s.len() - s.trim_end().len(), "{s:?}");
        }
    }

    /// The fast way from past the front matter, on the source, gives the
    /// events of the masked copy: on front matter of LF and CR LF lines,
    /// with a blank or a text line after it, before the fixtures' texts.
    #[test]
    fn front_matter_needs_no_masked_copy() {
        let mut bodies: Vec<String> = crate::sample_file_lines();
        bodies.push("# Otsikko\n\nTeksti.\n\n- a\n- b\n".to_string());
        bodies.push(String::new());
        let heads = [
            "---\ntitle: \"Seloste\"\n---\n\n",
            "---\ntitle: Seloste\n---\n",
            "---\r\ntitle: x\r\n---\r\n\r\n",
            "+++\ntitle = \"x\"\n+++\n\n",
            "---\n\n---\n   \n",
            "\u{feff}---\ntitle: x\n---\n\n",
        ];
        let mut fast_ones = 0;
        for body in &bodies {
            for head in heads {
                let src = format!("{head}{body}");
                let mut prep = prepare(&src);
                let mut fast = Vec::new();
                let took = prep.blank_to > 0 && simple_events_from(&src, prep.blank_to, &mut fast);
                prep.mask_front_matter(&src);
                let mut slow = Vec::new();
                let slow_ok = simple_events(&prep.text, &mut slow);
                if took {
                    fast_ones += 1;
                    assert!(slow_ok, "{src:?}");
                    assert_eq!(fast, slow, "{src:?}");
                }
            }
        }
        assert!(fast_ones > 3);
    }

    /// Both ways of [`parse`] on `src`: built from its lines (when the
    /// fast way takes it) and from its events. True when the line way took it.
    fn lines_match_events(src: &str, oracle: &dyn HeadingOracle) -> bool {
        let took = prepare_plain(src).is_some_and(|prep| {
            let mut events = Vec::new();
            simple_events_from(src, prep.blank_to, &mut events)
        });
        let got = format!("{:?}", parse(src, oracle));
        let want = format!("{:?}", parse_events(src, prepare(src), oracle, false));
        assert_eq!(got, want, "{src:?}");
        took
    }

    /// The document built from the lines of the plainest texts is the one
    /// built from their events (planning included): random texts of lines
    /// of that shape and of the syntax around it (bold lines, tables,
    /// ordered lists, comments with markup, CR LF), with and without front
    /// matter and title, with either oracle; and every fixture and corpus
    /// Markdown file.
    #[test]
    fn lines_build_what_events_build() {
        let mut next = crate::xorshift(0x6a09_e667_f3bc_c908);
        let lines = [
            "",
            "",
            "",
            " ",
            "  ",
            "# Tietosuojaseloste",
            "# Rekisterinpitäjä",
            "#Otsikko",
            "## 1. Rekisterinpitäjä",
            "## Evästeet",
            "### Oikeusperuste",
            "###### x",
            "Tietosuojaseloste",
            "Rekisterinpitäjä",
            "Oikeus tarkastaa tiedot",
            "Teksti tässä.",
            "Käsittelemme:",
            "Ä",
            "toinen rivi",
            "\u{a0}välilyönti\u{a0}",
            "Lisätietoja saat osoitteesta [sähköposti].",
            "a [b] c [d]e] [f [g] h",
            "x [ y ] z",
            "- nimi, a",
            "- Ä",
            "- x [y]",
            "- Evästeet",
            "1. Rekisterinpitäjä",
            "<!-- TODO: [x] y -->",
            "<!---->",
            "<!-- a --><strong>Evästeet</strong><!-- b -->",
            "<!-- a --><h2>Rekisterin nimi</h2><!-- b -->",
            "<!-- a --><p><strong>Otsikko</strong></p>-->",
            "**Rekisterinpitäjä**",
            "*Vastustamisoikeus*",
            "| Rekisterinpitäjä | Esimerkki Oy |",
            "|---|---|",
            "x\r",
            "import Foo from './foo'",
            "import ei",
            "export const x = 1",
            "export default",
            "\u{a0}:::note",
            "\u{2003}:::",
            "Ä ::: x",
            ":::tip",
            "{{< figure >}}",
            "a {% if x %} b",
            "```",
            "~~~",
        ];
        let heads = [
            "",
            "",
            "---\ntitle: \"Seloste\"\n---\n\n",
            "---\nlayout: page\n---\n\n",
            "---\nlayout: page\n---\n",
            "+++\ntitle = \"x\"\n+++\n\n",
            "\u{feff}---\ntitle: x\n---\n\n",
            "---\r\ntitle: x\r\n---\r\n\r\n",
            "---\ntitle: x\n---\nTeksti\n",
        ];
        let mut took = 0;
        for round in 0..60_000u64 {
            let n = (next() % 14) as usize;
            let body: Vec<&str> = (0..n)
                .map(|_| lines[(next() % lines.len() as u64) as usize])
                .collect();
            let mut src = heads[(next() % heads.len() as u64) as usize].to_string();
            src.push_str(&body.join("\n"));
            if round % 2 == 0 {
                src.push('\n');
            }
            let oracle: &dyn HeadingOracle = if round % 3 == 0 { &Oracle } else { &NoOracle };
            if lines_match_events(&src, oracle) {
                took += 1;
            }
        }
        assert!(took > 5_000, "{took}");
        for f in crate::files_under("fixtures")
            .into_iter()
            .chain(crate::files_under("../shared/corpus"))
        {
            if f.extension().is_none_or(|e| e != "md" && e != "mdx") {
                continue;
            }
            if let Ok(src) = std::fs::read_to_string(&f) {
                lines_match_events(&src, &NoOracle);
                lines_match_events(&src, &Oracle);
            }
        }
    }

    #[test]
    fn event_list_allocation_is_reused() {
        let mut events = spare_events(1000);
        events.extend(Parser::new("# a\n\nb *c*\n").into_offset_iter());
        let (ptr, cap) = (events.as_ptr() as usize, events.capacity());
        give_back_events(events);
        let again: Vec<Ev<'_>> = spare_events(10);
        assert!(again.is_empty());
        assert_eq!((again.as_ptr() as usize, again.capacity()), (ptr, cap));
        give_back_events(again);
        // A parse after a parse reads the same.
        let md = "# Tietosuojaseloste\n\n## Rekisterinpitäjä\n\nEsimerkki Oy, *Katu 1*\n";
        let a = format!("{:?}", parse(md, &NoOracle));
        let b = format!("{:?}", parse(md, &NoOracle));
        assert_eq!(a, b);
    }

    /// Knows a few notice headings, as the real oracle would.
    struct Oracle;

    impl HeadingOracle for Oracle {
        fn is_heading(&self, text: &str) -> bool {
            const KNOWN: &[&str] = &[
                "rekisterinpitäjä",
                "evästeet",
                "rekisterin nimi",
                "tarkastusoikeus",
                "henkilötietojen käsittelyn tarkoitus",
                "oikeusperuste",
                "oikeus tarkastaa tiedot",
                "oikeus tietojen poistamiseen",
                "oikeus vaatia tiedon korjaamista",
                "vastustamisoikeus",
            ];
            let t = text.trim().to_lowercase();
            KNOWN.contains(&t.as_str())
        }
    }

    /// Every character of `m` maps back to the source characters it came
    /// from: itself, an entity, or (for separators) markup.
    fn check_map(src: &str, m: &MappedText) {
        for (i, ch) in m.text.char_indices() {
            let r = m.source_range(i..i + ch.len_utf8());
            let s = &src[r.clone()];
            let ok = s == ch.encode_utf8(&mut [0; 4])
                || s.starts_with('&')
                || (ch.is_whitespace()
                    && (s.trim().is_empty() || s.starts_with('<') || s.starts_with('\\')))
                || ((ch == '|' || ch == ' ') && s == "|")
                || (ch == '\u{fffd}' && s == "\0");
            assert!(
                ok,
                "char {ch:?} at {i} of {:?} maps to {s:?} ({r:?})",
                m.text
            );
        }
    }

    fn check_doc(src: &str, doc: &RawDocument) {
        if let Some(t) = &doc.title {
            check_map(src, t);
        }
        check_map(src, &doc.preamble);
        for s in &doc.sections {
            check_map(src, &s.heading);
            check_map(src, &s.body);
            let r = s.heading.full_source_range().expect("a heading has text");
            if !src[r.clone()].contains('&')
                && !src[r.clone()].contains('*')
                && !src[r.clone()].contains('<')
            {
                assert_eq!(&src[r], s.heading.text, "heading maps to itself");
            }
        }
        for c in &doc.comments {
            assert!(src[c.span.clone()].starts_with("<!--"));
        }
    }

    /// Source stretches with letters or digits that no text of the
    /// document maps to (front matter and comment spans count as covered).
    fn uncovered(src: &str, doc: &RawDocument) -> Vec<Range<usize>> {
        let mut covered = vec![false; src.len()];
        let mut mark = |m: &MappedText| {
            for (i, ch) in m.text.char_indices() {
                for c in &mut covered[m.source_range(i..i + ch.len_utf8())] {
                    *c = true;
                }
            }
        };
        if let Some(t) = &doc.title {
            mark(t);
        }
        mark(&doc.preamble);
        for s in &doc.sections {
            mark(&s.heading);
            mark(&s.body);
        }
        for c in &doc.comments {
            for b in &mut covered[c.span.clone()] {
                *b = true;
            }
        }
        for m in prepare(src).masks {
            for b in &mut covered[m] {
                *b = true;
            }
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < src.len() {
            if covered[i] || !src.is_char_boundary(i) {
                i += 1;
                continue;
            }
            let start = i;
            while i < src.len() && !covered[i] {
                i += 1;
            }
            let gap = &src[start..i];
            // Markup: tags, URLs in links, markers.
            let mut text = String::new();
            let mut in_tag = false;
            for ch in gap.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => text.push(ch),
                    _ => {}
                }
            }
            let meaningful = text
                .split(|c: char| c.is_whitespace() || "()[]".contains(c))
                .any(|w| {
                    w.chars().filter(|c| c.is_alphanumeric()).count() >= 2
                        && !w.contains("://")
                        && !w.starts_with("mailto:")
                        && !w.starts_with('#')
                        && !w.starts_with('{')
                        && !w.starts_with('/')
                });
            if meaningful {
                out.push(start..i);
            }
        }
        out
    }

    fn heads(doc: &RawDocument) -> Vec<(&str, u8)> {
        doc.sections
            .iter()
            .map(|s| (s.heading.text.as_str(), s.level))
            .collect()
    }

    fn src_of<'a>(src: &'a str, m: &MappedText) -> &'a str {
        &src[m.full_source_range().unwrap()]
    }

    #[test]
    fn atx_and_setext_headings_have_exact_spans() {
        let src = "# Tietosuojaseloste\n\nJohdanto.\n\n## 3. Rekisterin nimi ##\n\nAsiakasrekisteri\n\nEvästeet ja &auml;lylaitteet\n----------------------------\n\nTeksti  \nrivi kaksi\n\n### **Mitä tietoja kerätään**\n\n- nimi\n- osoite\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(
            heads(&doc),
            [
                ("Tietosuojaseloste", 1),
                ("3. Rekisterin nimi", 2),
                ("Evästeet ja älylaitteet", 2),
                ("Mitä tietoja kerätään", 3)
            ]
        );
        assert_eq!(doc.title.as_ref().unwrap().text, "Tietosuojaseloste");
        assert_eq!(src_of(src, &doc.sections[1].heading), "3. Rekisterin nimi");
        assert_eq!(
            src_of(src, &doc.sections[2].heading),
            "Evästeet ja &auml;lylaitteet"
        );
        assert_eq!(
            src_of(src, &doc.sections[3].heading),
            "Mitä tietoja kerätään"
        );
        let h = &doc.sections[2].heading;
        let a = h.text.find('ä').unwrap();
        let a = h.text[a + 2..].find('ä').unwrap() + a + 2;
        assert_eq!(&src[h.source_range(a..a + 2)], "&auml;");
        assert_eq!(doc.sections[0].body.text, "Johdanto.");
        assert_eq!(doc.sections[2].body.text, "Teksti\nrivi kaksi");
        assert_eq!(doc.sections[3].body.text, "nimi\nosoite");
        assert!(doc.preamble.is_empty());
    }

    #[test]
    fn bold_lines_are_headings() {
        let src = "Johdanto ennen otsikoita.\n\n**Rekisterinpitäjä**\n\nYhdistys ry\n\n__2. Rekisterin nimi__\n\nJäsenrekisteri\n\n**Huom.** tämä on lause.\n\n**Tämä on korostettu lause.**\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(
            heads(&doc),
            [("Rekisterinpitäjä", 3), ("2. Rekisterin nimi", 3)]
        );
        assert_eq!(src_of(src, &doc.sections[0].heading), "Rekisterinpitäjä");
        assert_eq!(src_of(src, &doc.sections[1].heading), "2. Rekisterin nimi");
        assert_eq!(
            doc.sections[1].body.text,
            "Jäsenrekisteri\nHuom. tämä on lause.\nTämä on korostettu lause."
        );
        assert_eq!(doc.preamble.text, "Johdanto ennen otsikoita.");
        // Under a `#` title the bold lines are the second level.
        let src = "# Seloste\n\n**Rekisterinpitäjä**\n\nOy Ab\n";
        assert_eq!(
            heads(&parse(src, &NoOracle)),
            [("Seloste", 1), ("Rekisterinpitäjä", 2)]
        );
    }

    #[test]
    fn hash_without_space_is_a_heading() {
        let src = "#Tietosuojaseloste\n\n##Rekisterinpitäjä\nYritys Oy\n\n#tietosuoja on tärkeä.\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(
            heads(&doc),
            [("Tietosuojaseloste", 1), ("Rekisterinpitäjä", 2)]
        );
        assert_eq!(src_of(src, &doc.sections[1].heading), "Rekisterinpitäjä");
        assert_eq!(
            doc.sections[1].body.text,
            "Yritys Oy\n#tietosuoja on tärkeä."
        );
    }

    #[test]
    fn bold_lines_in_a_headed_document_need_the_oracle() {
        let src = "## Tarkoitus\n\n**Oikeusperuste:**\n\nSopimus.\n\n**Käsittelyn tarkoitus:**\n\nAsiakassuhde.\n";
        let doc = parse(src, &Oracle);
        check_doc(src, &doc);
        assert_eq!(heads(&doc), [("Tarkoitus", 2), ("Oikeusperuste:", 3)]);
        assert_eq!(
            doc.sections[1].body.text,
            "Sopimus.\nKäsittelyn tarkoitus:\nAsiakassuhde."
        );
        let doc = parse(src, &NoOracle);
        assert_eq!(heads(&doc), [("Tarkoitus", 2)]);
    }

    #[test]
    fn two_column_table_with_continuation_rows() {
        let src = "Jäsenrekisteri - tietosuojaseloste\n\n| | |\n|---|---|\n| Rekisterinpitäjä | Yhdistys ry |\n| <p>Rekisterin tietosis&auml;lt&ouml;</p> | <p>Nimi ja osoite.</p> <p>Evästeet</p> <ul style=\"list-style-type: none\">- Puhelin- Sähköposti |\n\n| | |\n|--|---|\n| | <p>jatkuu sivulta.</p> |\n| Tarkastusoikeus | Saa tarkastaa. | ylimääräinen |\n";
        let doc = parse(src, &Oracle);
        check_doc(src, &doc);
        assert_eq!(
            doc.title.as_ref().unwrap().text,
            "Jäsenrekisteri - tietosuojaseloste"
        );
        assert_eq!(
            heads(&doc),
            [
                ("Rekisterinpitäjä", 2),
                ("Rekisterin tietosisältö", 2),
                ("Tarkastusoikeus", 2)
            ]
        );
        assert_eq!(
            src_of(src, &doc.sections[1].heading),
            "Rekisterin tietosis&auml;lt&ouml;"
        );
        assert_eq!(
            doc.sections[1].body.text,
            "Nimi ja osoite.\nEvästeet\n- Puhelin- Sähköposti\njatkuu sivulta."
        );
        let b = &doc.sections[1].body;
        let j = b.text.find("jatkuu").unwrap();
        assert_eq!(&src[b.source_range(j..j + 6)], "jatkuu");
        assert_eq!(doc.sections[2].body.text, "Saa tarkastaa. | ylimääräinen");
        assert!(doc.preamble.is_empty());
    }

    #[test]
    fn other_tables_are_body_lines() {
        let src = "## Evästeet\n\n| Eväste | Tarkoitus | Kesto |\n|---|---|---|\n| _ga | Analytiikka | 2 v |\n\n## Muut\n\n| Nimi | Kuvaus |\n|---|---|\n| _gid | Analytiikka |\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(heads(&doc), [("Evästeet", 2), ("Muut", 2)]);
        assert_eq!(
            doc.sections[0].body.text,
            "Eväste | Tarkoitus | Kesto\n_ga | Analytiikka | 2 v"
        );
        assert_eq!(
            doc.sections[1].body.text,
            "Nimi | Kuvaus\n_gid | Analytiikka"
        );
    }

    #[test]
    fn yaml_front_matter_title() {
        let src = "---\nlayout: page\ntitle: \"Tietosuojaseloste\"\npermalink: /tietosuoja/\n---\n\nJohdanto.\n\n## Rekisterinpitäjä\n\nOy Ab\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        let t = doc.title.as_ref().unwrap();
        assert_eq!(t.text, "Tietosuojaseloste");
        assert_eq!(src_of(src, t), "Tietosuojaseloste");
        assert_eq!(doc.preamble.text, "Johdanto.");
        assert!(!doc.preamble.text.contains("layout"));
        assert_eq!(heads(&doc), [("Rekisterinpitäjä", 2)]);
    }

    #[test]
    fn toml_front_matter_title_beats_h1() {
        let src = "+++\ntitle = \"Jäsenrekisterin seloste\"\ndate = 2020-01-01\n+++\n\n# Tietosuojaseloste\n\nTeksti.\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(
            src_of(src, doc.title.as_ref().unwrap()),
            "Jäsenrekisterin seloste"
        );
        assert_eq!(heads(&doc), [("Tietosuojaseloste", 1)]);
    }

    #[test]
    fn shortcodes_and_template_tags_are_skipped() {
        let src = "---\ntitle: Seloste\n---\n{{< toc >}}\n\n## Evästeet {#evasteet}\n\nKäytämme {{< abbr \"GA\" >}} evästeitä {% if x %}aina{% endif %}.\n\n{{% notice info %}}\nHuomio tähän.\n{{% /notice %}}\n\n{% comment %}\nPiilotettu teksti\n{% endcomment %}\n\n```\n{{ koodi }}\n```\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(heads(&doc), [("Evästeet", 2)]);
        assert_eq!(src_of(src, &doc.sections[0].heading), "Evästeet");
        let body = &doc.sections[0].body;
        assert_eq!(
            body.text,
            "Käytämme  evästeitä aina.\nHuomio tähän.\n{{ koodi }}"
        );
        let k = body.text.find("evästeitä").unwrap();
        assert_eq!(
            &src[body.source_range(k..k + "evästeitä".len())],
            "evästeitä"
        );
        assert!(doc.preamble.is_empty());
    }

    #[test]
    fn mdx_imports_and_jsx_comments_are_skipped() {
        let src = "import Tabs from '@theme/Tabs';\nexport const meta = {\n  title: 'x',\n};\n\n# Tietosuoja\n\n{/* piilossa */}\n\n:::note Huomio\n\nTeksti.\n\n:::\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(heads(&doc), [("Tietosuoja", 1)]);
        assert_eq!(doc.sections[0].body.text, "Huomio\nTeksti.");
        assert!(doc.preamble.is_empty());
    }

    #[test]
    fn comments_are_collected_not_body() {
        let src = "<!-- seloste-disable-next-line repealed-law -- vanha viittaus tarkoituksella -->\n## Oikeusperuste\n\nHenkilötietolaki <!-- inline --> mainitaan.\n\n| Evästeet | Teksti <!-- solu --> |\n|---|---|\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(doc.comments.len(), 3);
        assert_eq!(
            &src[doc.comments[0].span.clone()],
            "<!-- seloste-disable-next-line repealed-law -- vanha viittaus tarkoituksella -->"
        );
        assert_eq!(
            doc.comments[0].text,
            " seloste-disable-next-line repealed-law -- vanha viittaus tarkoituksella "
        );
        assert_eq!(doc.comments[1].text, " inline ");
        assert_eq!(doc.comments[2].text, " solu ");
        assert_eq!(heads(&doc), [("Oikeusperuste", 2)]);
        let body = &doc.sections[0].body.text;
        assert!(!body.contains("inline") && !body.contains("solu") && !body.contains("<!--"));
        assert!(doc.preamble.is_empty());
    }

    #[test]
    fn html_blocks_are_stripped_with_headings() {
        let src = "<div class=\"seloste\">\n<h2>Rekisterinpit&auml;j&auml;</h2>\n<p>Yritys Oy<br>Katu 1</p>\n<p><strong>Evästeet</strong></p>\n<p>Käytämme evästeitä.</p>\n<script>alert('x')</script>\n</div>\n\nMarkdown-kappale.\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(heads(&doc), [("Rekisterinpitäjä", 2), ("Evästeet", 3)]);
        assert_eq!(
            src_of(src, &doc.sections[0].heading),
            "Rekisterinpit&auml;j&auml;"
        );
        assert_eq!(doc.sections[0].body.text, "Yritys Oy\nKatu 1");
        assert_eq!(
            doc.sections[1].body.text,
            "Käytämme evästeitä.\nMarkdown-kappale."
        );
    }

    #[test]
    fn links_lists_code_and_images() {
        let src = "## Yhteystiedot\n\nLähetä [sähköpostia](mailto:a@b.fi) tai katso <https://esimerkki.fi> ja https://x.fi/y.\n\n1. yksi\n2. kaksi\n   - sisäkkäinen\n\nKomento `rm -rf` ja ![logo](logo.png) kuva.\n\n[viite]: https://ei-tekstiä.fi\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(
            doc.sections[0].body.text,
            "Lähetä sähköpostia tai katso https://esimerkki.fi ja https://x.fi/y.\nyksi\nkaksi\nsisäkkäinen\nKomento rm -rf ja kuva."
        );
        let b = &doc.sections[0].body;
        let k = b.text.find("rm -rf").unwrap();
        assert_eq!(&src[b.source_range(k..k + 6)], "rm -rf");
    }

    #[test]
    fn numbered_list_items_as_sections() {
        let src = "+++\ntitle = \"Seloste\"\n+++\n\n1. Rekisterinpitäjä\n\n    Yhdistys ry, Katu 1\n\n2.  Käsiteltävät tiedot\n\n    Rekisterissä on:\n\n    * nimi\n    * osoite\n\n3. Oikeudet\n\n    Saat tarkastaa tietosi.\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(
            heads(&doc),
            [
                ("1. Rekisterinpitäjä", 2),
                ("2.  Käsiteltävät tiedot", 2),
                ("3. Oikeudet", 2)
            ]
        );
        assert_eq!(doc.sections[1].body.text, "Rekisterissä on:\nnimi\nosoite");
        // Numbered lines split into one-item lists by the paragraphs
        // between them.
        let src = "Seloste\n\n1. Rekisterinpitäjä\n\nYritys Oy\n\n2) **Rekisterin nimi**\n\nAsiakkaat\n\n3. Oikeudet\n   - tarkastus\n   - oikaisu\n";
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(
            heads(&doc),
            [
                ("1. Rekisterinpitäjä", 2),
                ("Rekisterin nimi", 2),
                ("3. Oikeudet", 2)
            ]
        );
        assert_eq!(src_of(src, &doc.sections[0].heading), "1. Rekisterinpitäjä");
        assert_eq!(doc.sections[1].body.text, "Asiakkaat");
        assert_eq!(doc.sections[2].body.text, "tarkastus\noikaisu");
        // An ordinary list stays in the body.
        let src = "## Tiedot\n\n1. Nimi\n2. Osoite\n";
        let doc = parse(src, &NoOracle);
        assert_eq!(heads(&doc), [("Tiedot", 2)]);
        assert_eq!(doc.sections[0].body.text, "Nimi\nOsoite");
    }

    #[test]
    fn seed_002_table_export_sections() {
        let src = include_str!("../../fixtures/seeds/002_2e28cd0d57624660.txt");
        assert_eq!(
            super::super::Format::sniff(src),
            super::super::Format::Markdown
        );
        let doc = parse(src, &NoOracle);
        check_doc(src, &doc);
        assert_eq!(
            doc.title.as_ref().unwrap().text,
            "Asiakasrekisteri - tietosuojaseloste"
        );
        let hs: Vec<&str> = doc
            .sections
            .iter()
            .map(|s| s.heading.text.as_str())
            .collect();
        assert_eq!(
            hs,
            [
                "Laatimispäivä",
                "Rekisterinpitäjä",
                "Yhteyshenkilö rekisteriä koskevissa asioissa",
                "Rekisterin nimi",
                "Henkilötietojen käsittelyn tarkoitus",
                "Rekisterin tietosisältö",
                "Säännönmukaiset tietolähteet",
                "Tietojen säännönmukaiset luovutukset",
                "Tietojen siirto EU:n tai ETA:n ulkopuolelle",
                "Rekisterin suojauksen periaatteet A: Manuaalinen aineisto",
                "Rekisterin suojauksen periaatteet B: ATK:illa käsiteltävät toiminnot",
                "Evästeet",
                "Tarkastusoikeus",
                "Oikeus vaatia tiedon korjaamista",
                "Muut henkilötietojen käsittelyyn liittyvät oikeudet",
            ]
        );
        for s in &doc.sections {
            assert_eq!(s.level, 2);
            assert_eq!(src_of(src, &s.heading), s.heading.text);
        }
        let sec = |h: &str| doc.sections.iter().find(|s| s.heading.text == h).unwrap();
        // The continuation rows after the page breaks are merged in.
        let sources = &sec("Säännönmukaiset tietolähteet").body.text;
        assert!(sources.starts_with("Tietoja saadaan asiakkaan tekemistä ostoksista"));
        assert!(sources.contains("perintätoimet estä tietojen poistamista."));
        let cookies = &sec("Evästeet").body;
        assert!(cookies.text.contains("\nSinun oikeutesi\n"));
        assert!(cookies.text.contains("\nGOOGLE ANALYTICS\n"));
        assert!(cookies.text.contains("Google Analytics Demographics"));
        let g = cookies.text.find("GOOGLE ANALYTICS").unwrap();
        assert_eq!(&src[cookies.source_range(g..g + 16)], "GOOGLE ANALYTICS");
        assert_eq!(sec("Laatimispäivä").body.text, "04.01.2018");
        assert!(sec("Tarkastusoikeus")
            .body
            .text
            .starts_with("Rekisteröidyllä on oikeus tarkistaa"));
        assert!(doc.preamble.is_empty());
        assert!(uncovered(src, &doc).is_empty());
    }

    #[test]
    fn fixtures_parse_into_their_sections() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/markdown");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_none_or(|x| x != "md") {
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            let doc = parse(&src, &Oracle);
            check_doc(&src, &doc);
            assert!(
                uncovered(&src, &doc).is_empty(),
                "{}: text lost",
                p.display()
            );
            // The expected headings are listed in the fixture's first
            // comment: `<!-- expect: A | B | C -->`.
            let expect = doc
                .comments
                .iter()
                .find_map(|c| c.text.trim().strip_prefix("expect:"))
                .unwrap_or_else(|| panic!("{}: no expect comment", p.display()));
            let want: Vec<&str> = expect.split('|').map(str::trim).collect();
            let got: Vec<&str> = doc
                .sections
                .iter()
                .map(|s| s.heading.text.as_str())
                .collect();
            assert_eq!(got, want, "{}", p.display());
            // The same notice with Windows line ends parses the same way.
            let crlf = src.replace('\n', "\r\n");
            let doc2 = parse(&crlf, &Oracle);
            check_doc(&crlf, &doc2);
            assert!(
                uncovered(&crlf, &doc2).is_empty(),
                "{}: text lost (CRLF)",
                p.display()
            );
            let got2: Vec<&str> = doc2
                .sections
                .iter()
                .map(|s| s.heading.text.as_str())
                .collect();
            assert_eq!(got2, want, "{} (CRLF)", p.display());
            for (a, b) in doc.sections.iter().zip(&doc2.sections) {
                assert_eq!(
                    a.body.text,
                    b.body.text.replace('\r', ""),
                    "{} (CRLF)",
                    p.display()
                );
            }
            n += 1;
        }
        assert!(n >= 3);
    }

    #[test]
    fn pathological_inputs_do_not_panic_or_hang() {
        let mut inputs: Vec<String> = vec![
            String::new(),
            "```\nunclosed fence\n## not a heading".into(),
            "---\ntitle: x".into(),
            "+++".into(),
            "\0\0## \0\n| \0 | \0 |\n|---|---|\n".into(),
            "<!--".into(),
            "<div>\n<!-- unclosed".into(),
            "| | |\n|---|---|\n".into(),
            "**".into(),
            "1.\n\n    x".into(),
            "{{<".into(),
            "import".into(),
            "\u{feff}---\ntitle: 'a\n---\n".into(),
        ];
        inputs.push("a".repeat(10 << 20));
        inputs.push(format!("## {}", "ä&auml;<b>".repeat(300_000)));
        inputs.push("[".repeat(200_000));
        inputs.push("*a".repeat(200_000));
        inputs.push("<a \"".repeat(200_000));
        inputs.push(">".repeat(100_000) + " syvä");
        inputs.push("- ".repeat(50_000) + "x");
        inputs.push(
            (0..20_000)
                .map(|i| format!("{}- x\n", "  ".repeat(i % 200)))
                .collect(),
        );
        inputs.push(format!(
            "{}|\n{}|\n{}",
            "|a".repeat(5_000),
            "|-".repeat(5_000),
            "| x |\n".repeat(5_000)
        ));
        inputs.push("| a | b |\n|---|---|\n".to_string() + &"| | jatko |\n".repeat(100_000));
        inputs.push("<p><strong>x</strong></p>\n".repeat(50_000));
        inputs.push("{{ {{ {% {/* ".repeat(100_000));
        for src in &inputs {
            let t = std::time::Instant::now();
            let doc = parse(src, &Oracle);
            for s in &doc.sections {
                let _ = s.heading.full_source_range();
            }
            assert!(
                t.elapsed().as_secs() < 20,
                "slow on input of {} bytes",
                src.len()
            );
        }
    }

    #[test]
    #[ignore = "prints one file's full parse: SELOSTE_MD_FILE=path"]
    fn dump_file() {
        let Ok(f) = std::env::var("SELOSTE_MD_FILE") else {
            return;
        };
        let src = std::fs::read_to_string(f).unwrap();
        let doc = parse(&src, &Oracle);
        println!(
            "TITLE {:?}\nPREAMBLE\n{}\n",
            doc.title.map(|t| t.text),
            doc.preamble.text
        );
        for s in &doc.sections {
            println!("## [{}] {}\n{}\n", s.level, s.heading.text, s.body.text);
        }
        for c in &doc.comments {
            println!("COMMENT {:?} {:?}", c.span, c.text);
        }
    }

    #[test]
    #[ignore = "prints the corpus parse for eyeballing"]
    fn dump_corpus() {
        let dir = std::env::var("SELOSTE_MD_DIR").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/notices").to_string()
        });
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "md"));
        files.sort();
        files.push(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/seeds/002_2e28cd0d57624660.txt"
            )
            .into(),
        );
        if let Ok(d) = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/markdown"))
        {
            let mut more: Vec<_> = d.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            more.sort();
            files.extend(more);
        }
        for f in files {
            let src = std::fs::read_to_string(&f).unwrap();
            let doc = parse(&src, &Oracle);
            check_doc(&src, &doc);
            let lc = |pos: usize| {
                let line = src[..pos].matches('\n').count() + 1;
                let col = pos - src[..pos].rfind('\n').map_or(0, |p| p + 1) + 1;
                format!("{line}:{col}")
            };
            println!(
                "=== {} : {} sections, {} comments",
                f.display(),
                doc.sections.len(),
                doc.comments.len()
            );
            if let Some(t) = &doc.title {
                println!("  title {:?}", t.text);
            }
            let words = |m: &MappedText| {
                m.text
                    .split_whitespace()
                    .take(8)
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!(
                "  preamble ({} B): {}",
                doc.preamble.len(),
                words(&doc.preamble)
            );
            for s in &doc.sections {
                let r = s.heading.full_source_range().unwrap();
                println!(
                    "  [{}] {} {:?} ({} B): {}",
                    s.level,
                    lc(r.start),
                    s.heading.text,
                    s.body.len(),
                    words(&s.body)
                );
            }
            for gap in uncovered(&src, &doc) {
                println!("  NOT COVERED {}: {:?}", lc(gap.start), &src[gap]);
            }
        }
    }
}
