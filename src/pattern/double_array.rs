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
    pub(super) fn new<S: AsRef<[u8]>>(
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
}
