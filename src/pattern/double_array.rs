//! The layout of a byte trie as a double array, shared by the index's
//! trie ([`super::index`]) and a word matcher's [`super::words::StemIds`]:
//! the child of the node in cell `s` by byte class `c` is cell
//! `base(s) + c`, when that cell's parent is `s`. Each user packs the
//! layout's cells into its own word (16 or 32 bits of base).

/// A cell's parent when the cell belongs to no node (the root's too).
pub(super) const NO_PARENT: u32 = u32::MAX;

/// One cell of a [`Layout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cell {
    /// The parent's cell; [`NO_PARENT`] for a free cell and the root.
    pub parent: u32,
    /// Where the node's children start (0 for a node without children).
    pub base: u32,
    /// Whether some stem ends at this node.
    pub ends: bool,
}

/// [`Layout::packed16`]'s parent of a free cell (and of the root): the
/// low 15 bits all set.
pub(super) const PACKED_FREE: u32 = 0x7FFF;
/// [`Layout::packed16`]'s bit of a cell where some stem ends.
pub(super) const PACKED_ENDS: u32 = 0x8000;
/// The largest base [`Layout::packed16`] holds.
pub(super) const PACKED_MAX_BASE: usize = 0xFFFF;

const FREE: Cell = Cell {
    parent: NO_PARENT,
    base: 0,
    ends: false,
};

/// Stems laid out as a double array, with, for each cell where stems
/// end, the ids of every stem that ends on the way from the root to it,
/// ascending and each once (so a walk's outcome is one list: the deepest
/// such cell's).
#[derive(Debug)]
pub(super) struct Layout {
    /// Class 0: a byte of no stem (no cell is a child by it).
    pub class: Box<[u8; 256]>,
    pub cells: Vec<Cell>,
    /// Per cell: its range (from, length) in `path_ids`; empty where no
    /// stem ends.
    pub paths: Vec<(u32, u32)>,
    pub path_ids: Vec<u32>,
}

impl Layout {
    /// `None` when a cell would lie at `max_cell` or beyond, or a base
    /// would pass `max_base` (what the user's packing can hold).
    ///
    /// The trie's nodes are runs of the entries (a node: those whose stems
    /// start with its path), each run sorted by its next byte's class as
    /// the breadth-first walk reaches it (a radix sort, node by node). The
    /// plain trie this replaced kept a `Vec` of children and one of ids per
    /// node and cloned the ids above each node for each child: the index's
    /// tries took 6.4 M instructions of a start-up's 27.3 M, a third of it
    /// in allocating and copying. The cells are the same, and each cell's
    /// ids; the ids' lists lie in breadth-first order, made as the walk
    /// goes, not by a second walk, depth first (the test compares it with
    /// that plain build's).
    #[inline(never)]
    pub(super) fn new<S: AsRef<[u8]>>(
        entries: &[(S, u32)],
        max_cell: usize,
        max_base: usize,
    ) -> Option<Layout> {
        let class = classes(entries);
        let stem = |e: u32| entries[e as usize].0.as_ref();
        // Class 0 (no byte of a stem has it) where the stem ends: those
        // entries sort first in their node's run.
        let key = |e: u32, depth: usize| stem(e).get(depth).map_or(0, |&b| class[b as usize]);
        let mut order: Vec<u32> = (0..entries.len() as u32).collect();
        // The nodes still to lay out, breadth first: a queue (the widest
        // level, not every node).
        let mut queue = std::collections::VecDeque::from([Node {
            from: 0,
            to: entries.len() as u32,
            depth: 0,
            cell: 0,
            above: (0, 0),
        }]);
        // Cells: each node's children go to the first free cells that fit
        // their classes, so the near-root states that every walk visits sit
        // together. (A trie has at most one node per byte of its stems, and
        // the root.)
        let bytes: usize = entries.iter().map(|(s, _)| s.as_ref().len()).sum();
        let mut cells: Vec<Cell> = Vec::with_capacity(bytes + 257);
        cells.push(FREE);
        let mut paths: Vec<(u32, u32)> = Vec::with_capacity(bytes + 257);
        paths.push((0, 0));
        let mut path_ids = Vec::new();
        let mut first_free = 1usize;
        // Per node: (key << 32 | entry) of its run, sorted; its children
        // (class, from, to); the ids of its path.
        let mut keyed: Vec<u64> = Vec::new();
        let mut kids: Vec<(u8, u32, u32)> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        while let Some(node) = queue.pop_front() {
            let (from, to, depth, cell) = (
                node.from as usize,
                node.to as usize,
                node.depth as usize,
                node.cell as usize,
            );
            kids.clear();
            let mut ends = 0usize;
            if to - from == 1 {
                // Most nodes are on one stem's own tail: nothing to sort.
                match key(order[from], depth) {
                    0 => ends = 1,
                    c => kids.push((c, from as u32, to as u32)),
                }
            } else {
                keyed.clear();
                keyed.extend(
                    order[from..to]
                        .iter()
                        .map(|&e| u64::from(key(e, depth)) << 32 | u64::from(e)),
                );
                keyed.sort_unstable();
                for (j, &k) in keyed.iter().enumerate() {
                    order[from + j] = k as u32;
                    let (c, at) = ((k >> 32) as u8, (from + j) as u32);
                    match kids.last_mut() {
                        _ if c == 0 => ends += 1,
                        Some(last) if last.0 == c => last.2 = at + 1,
                        _ => kids.push((c, at, at + 1)),
                    }
                }
            }
            // Where stems end, the ids of those and of the ends above
            // (the deepest one's list, which the node's children carry).
            let mut above = node.above;
            if ends > 0 {
                let (a, n) = (above.0 as usize, above.1 as usize);
                ids.clear();
                ids.extend_from_slice(&path_ids[a..a + n]);
                ids.extend(
                    order[from..from + ends]
                        .iter()
                        .map(|&e| entries[e as usize].1),
                );
                ids.sort_unstable();
                ids.dedup();
                above = (path_ids.len() as u32, ids.len() as u32);
                cells[cell].ends = true;
                paths[cell] = above;
                path_ids.extend_from_slice(&ids);
            }
            if kids.is_empty() {
                continue;
            }
            let low = kids[0].0 as usize;
            let mut p = first_free.max(low);
            let base = loop {
                let base = p - low;
                let fits = (kids.iter())
                    .all(|&(c, ..)| cells.get(base + c as usize).is_none_or(|&v| v.is_free()));
                if fits {
                    break base;
                }
                p += 1;
            };
            let top = base + kids.last().expect("not empty").0 as usize;
            if top >= max_cell || base > max_base {
                return None;
            }
            if cells.len() <= top {
                cells.resize(top + 1, FREE);
                paths.resize(top + 1, (0, 0));
            }
            cells[cell].base = base as u32;
            for &(c, from, to) in kids.iter() {
                let t = base + c as usize;
                cells[t].parent = cell as u32;
                queue.push_back(Node {
                    from,
                    to,
                    depth: depth as u32 + 1,
                    cell: t as u32,
                    above,
                });
            }
            while cells.get(first_free).is_some_and(|&v| !v.is_free()) {
                first_free += 1;
            }
        }
        Some(Layout {
            class,
            cells,
            paths,
            path_ids,
        })
    }
}

impl Layout {
    /// The cells packed in 32 bits each, as the index's trie keeps them
    /// (for a layout made with cells under [`PACKED_FREE`] and bases up to
    /// [`PACKED_MAX_BASE`]): the parent ([`PACKED_FREE`] for none) in the
    /// low 15 bits, [`PACKED_ENDS`] where a stem ends, the base in the high
    /// 16; then free cells past every base by a class's reach, so that a
    /// step's cell is always in bounds. (build.rs packs the built-in
    /// catalogue's cells with this too.)
    pub(super) fn packed16(&self) -> Vec<u32> {
        let mut cells = (self.cells.iter())
            .map(|c| {
                let check = if c.parent == NO_PARENT {
                    PACKED_FREE
                } else {
                    c.parent
                };
                let ends = if c.ends { PACKED_ENDS } else { 0 };
                check | ends | (c.base << 16)
            })
            .collect::<Vec<u32>>();
        let reach = (self.cells.iter())
            .map(|c| c.base as usize)
            .max()
            .unwrap_or(0)
            + 256;
        if cells.len() < reach {
            cells.resize(reach, PACKED_FREE);
        }
        cells
    }
}

/// A node of the trie that [`Layout::new`] lays out.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Its run in the entries' order: those whose stems start with its
    /// path (once the node is reached, those that end here first).
    from: u32,
    to: u32,
    depth: u32,
    cell: u32,
    /// The ids of the ends above it: a range in `path_ids`.
    above: (u32, u32),
}

impl Cell {
    /// Whether no node has the cell: it has no parent. (The root has none
    /// either, but no child is ever laid out at cell 0.) Where stems end is
    /// marked as the walk goes, on cells with a parent or the root.
    fn is_free(self) -> bool {
        self.parent == NO_PARENT
    }
}

/// The byte classes of `entries`' stems: 1, 2… by first occurrence, 0 for
/// a byte of no stem.
fn classes<S: AsRef<[u8]>>(entries: &[(S, u32)]) -> Box<[u8; 256]> {
    let mut class = Box::new([0u8; 256]);
    let mut n_classes = 1usize;
    for (stem, _) in entries {
        for &b in stem.as_ref() {
            if class[b as usize] == 0 {
                // (Stems are UTF-8: never all 256 bytes.)
                assert!(n_classes < 256, "at most 255 distinct bytes in stems");
                class[b as usize] = n_classes as u8;
                n_classes += 1;
            }
        }
    }
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks `text` in the layout: the cell where it stops, each step a
    /// child by its byte's class.
    fn walk(l: &Layout, text: &[u8]) -> Option<usize> {
        let mut cell = 0usize;
        for &b in text {
            let next = l.cells[cell].base as usize + l.class[b as usize] as usize;
            match l.cells.get(next) {
                Some(c) if c.parent as usize == cell && l.class[b as usize] != 0 => cell = next,
                _ => return None,
            }
        }
        Some(cell)
    }

    #[test]
    fn every_stem_walks_to_a_cell_listing_it_and_those_it_starts_with() {
        let stems = [
            "tieto",
            "tietosuoja",
            "tietoja",
            "rekisteri",
            "rek",
            "ä",
            "äidin",
            "tieto",
        ];
        let entries: Vec<(&str, u32)> = stems
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i as u32))
            .collect();
        let l = Layout::new(&entries, usize::MAX, usize::MAX).expect("fits");
        for (stem, _) in &entries {
            let cell = walk(&l, stem.as_bytes()).expect("a stem's path exists");
            assert!(l.cells[cell].ends, "{stem}");
            let (from, len) = l.paths[cell];
            let ids = &l.path_ids[from as usize..(from + len) as usize];
            // The ids of every stem that `stem` starts with, ascending, once.
            let mut want: Vec<u32> = (entries.iter())
                .filter(|(s, _)| stem.starts_with(s))
                .map(|&(_, id)| id)
                .collect();
            want.sort_unstable();
            assert_eq!(ids, want, "{stem}");
        }
        assert_eq!(walk(&l, b"tiex"), None);
        assert_eq!(walk(&l, b"x"), None);
        assert!(!l.cells[walk(&l, b"tiet").expect("a prefix")].ends);
        // Too small a double array is refused, not cut.
        assert!(Layout::new(&entries, 4, usize::MAX).is_none());
    }

    /// The plain build that [`Layout::new`] replaced: a trie of nodes with
    /// `Vec`s of children and ids, the ids above each node cloned for each
    /// child.
    fn plain<S: AsRef<[u8]>>(
        entries: &[(S, u32)],
        max_cell: usize,
        max_base: usize,
    ) -> Option<Layout> {
        let mut class = Box::new([0u8; 256]);
        let mut n_classes = 1usize;
        for (stem, _) in entries {
            for &b in stem.as_ref() {
                if class[b as usize] == 0 {
                    // (Stems are UTF-8: never all 256 bytes.)
                    assert!(n_classes < 256, "at most 255 distinct bytes in stems");
                    class[b as usize] = n_classes as u8;
                    n_classes += 1;
                }
            }
        }
        // A plain trie first: per node, its children (class, node) and the
        // ids of the stems that end there.
        let mut kids: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut node_ids: Vec<Vec<u32>> = vec![Vec::new()];
        for (stem, id) in entries {
            let mut node = 0usize;
            for &b in stem.as_ref() {
                let c = class[b as usize];
                node = match kids[node].iter().find(|&&(k, _)| k == c) {
                    Some(&(_, n)) => n as usize,
                    None => {
                        let n = kids.len();
                        kids[node].push((c, n as u32));
                        kids.push(Vec::new());
                        node_ids.push(Vec::new());
                        n
                    }
                };
            }
            node_ids[node].push(*id);
        }
        // Then cells, breadth first: each node's children go to the first
        // free cells that fit their classes, so the near-root states that
        // every walk visits sit together.
        let mut cells: Vec<Cell> = vec![FREE];
        let mut cell_of = vec![0u32; kids.len()];
        let mut first_free = 1usize;
        let mut queue = std::collections::VecDeque::from([0usize]);
        while let Some(node) = queue.pop_front() {
            let cell = cell_of[node] as usize;
            let children = &mut kids[node];
            if children.is_empty() {
                continue;
            }
            children.sort_unstable();
            let low = children[0].0 as usize;
            let mut p = first_free.max(low);
            let base = loop {
                let base = p - low;
                let fits = (children.iter())
                    .all(|&(c, _)| cells.get(base + c as usize).is_none_or(|&v| v == FREE));
                if fits {
                    break base;
                }
                p += 1;
            };
            let top = base + children.last().expect("not empty").0 as usize;
            if top >= max_cell || base > max_base {
                return None;
            }
            if cells.len() <= top {
                cells.resize(top + 1, FREE);
            }
            cells[cell].base = base as u32;
            for &(c, child) in children.iter() {
                let t = base + c as usize;
                cells[t].parent = cell as u32;
                cell_of[child as usize] = t as u32;
                queue.push_back(child as usize);
            }
            while cells.get(first_free).is_some_and(|&v| v != FREE) {
                first_free += 1;
            }
        }
        // Each end's ids with those of the ends above it, depth first.
        let mut paths = vec![(0u32, 0u32); cells.len()];
        let mut path_ids = Vec::new();
        let mut stack = vec![(0usize, Vec::<u32>::new())];
        while let Some((node, mut above)) = stack.pop() {
            if !node_ids[node].is_empty() {
                above.extend_from_slice(&node_ids[node]);
                above.sort_unstable();
                above.dedup();
                let cell = cell_of[node] as usize;
                cells[cell].ends = true;
                paths[cell] = (path_ids.len() as u32, above.len() as u32);
                path_ids.extend_from_slice(&above);
            }
            for &(_, child) in &kids[node] {
                stack.push((child as usize, above.clone()));
            }
        }
        Some(Layout {
            class,
            cells,
            paths,
            path_ids,
        })
    }

    /// The same classes and cells, and at each cell the same ids (their
    /// lists may lie elsewhere in `path_ids`: breadth first, where the
    /// plain build went depth first).
    fn same(a: &Layout, b: &Layout) -> bool {
        let list = |l: &Layout, cell: usize| {
            let (from, len) = l.paths[cell];
            l.path_ids[from as usize..(from + len) as usize].to_vec()
        };
        a.class == b.class
            && a.cells == b.cells
            && a.paths.len() == b.paths.len()
            && a.path_ids.len() == b.path_ids.len()
            && (0..a.cells.len()).all(|c| list(a, c) == list(b, c))
    }

    #[test]
    fn the_layout_is_the_plain_builds_cell_for_cell() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        // Few letters (long shared prefixes), multibyte ones, punctuation.
        let alphabet = ["a", "b", "t", "ä", "ö", "å", "-", " ", "1", "€", "k", "e"];
        for round in 0..300 {
            let n = match round % 5 {
                0 => (next() % 4) as usize,
                1 => (next() % 30) as usize,
                _ => (next() % 400) as usize,
            };
            let letters = 1 + (next() % alphabet.len() as u64) as usize;
            let mut entries: Vec<(String, u32)> = Vec::new();
            for _ in 0..n {
                let len = match next() % 8 {
                    0 => 0,
                    1 => 20 + (next() % 30) as usize,
                    _ => 1 + (next() % 6) as usize,
                };
                let stem: String = (0..len)
                    .map(|_| alphabet[(next() % letters as u64) as usize])
                    .collect();
                // Ids repeat (a list's many stems) and stems repeat.
                let id = (next() % (1 + n as u64 / 3)) as u32;
                entries.push((stem, id));
                if next() % 10 == 0 {
                    entries.push(entries[(next() % entries.len() as u64) as usize].clone());
                }
            }
            let want = plain(&entries, usize::MAX, usize::MAX).expect("fits");
            let got = Layout::new(&entries, usize::MAX, usize::MAX).expect("fits");
            assert!(same(&got, &want), "{entries:?}");
            // The same limits refused, at the cell or at the base.
            let cells = want.cells.len();
            let max_base = want
                .cells
                .iter()
                .map(|c| c.base as usize)
                .max()
                .unwrap_or(0);
            for (max_cell, max_base) in [
                (cells, usize::MAX),
                (cells - 1, usize::MAX),
                (usize::MAX, max_base),
                (usize::MAX, max_base.saturating_sub(1)),
            ] {
                let got = Layout::new(&entries, max_cell, max_base);
                let want = plain(&entries, max_cell, max_base);
                assert_eq!(got.is_some(), want.is_some(), "{entries:?}");
                if let (Some(got), Some(want)) = (got, want) {
                    assert!(same(&got, &want));
                }
            }
        }
        // No stems at all: the root alone.
        let empty: [(&str, u32); 0] = [];
        assert!(same(
            &Layout::new(&empty, 1, 0).expect("fits"),
            &plain(&empty, 1, 0).expect("fits")
        ));
    }
}
