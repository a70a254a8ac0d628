//! A long list held a few pages at a time (Comprobantes, Flota): the screen draws `total`
//! places, the pages near it are loaded, the rest are not held at all. Memory stays a few
//! pages whatever the store holds (100k documents were +44 MiB held decrypted); what the
//! screen needs next is `wanted`, asked for on a worker by the panel.

use std::collections::BTreeMap;
use std::ops::Range;

/// Pages kept on each side of the screen before the farthest are dropped.
const KEEP_AROUND: usize = 3;

/// The loaded pages of one list, `PAGE` rows each (pages start at multiples of it).
#[derive(Debug)]
pub(super) struct Pages<T, const PAGE: usize> {
    total: usize,
    /// Page start → its rows.
    loaded: BTreeMap<usize, Vec<T>>,
}

impl<T, const PAGE: usize> Default for Pages<T, PAGE> {
    fn default() -> Self {
        Pages {
            total: 0,
            loaded: BTreeMap::new(),
        }
    }
}

impl<T, const PAGE: usize> Pages<T, PAGE> {
    /// Places in the list, loaded or not.
    pub(super) fn total(&self) -> usize {
        self.total
    }

    /// Row `i`, if its page is loaded.
    pub(super) fn get(&self, i: usize) -> Option<&T> {
        let start = self.start_of(i);
        self.loaded.get(&start)?.get(i - start)
    }

    /// The rows held now (a few pages).
    #[cfg(test)]
    fn held(&self) -> impl Iterator<Item = &T> {
        self.loaded.values().flatten()
    }

    /// Where the page starts that holds row `i`.
    pub(super) fn start_of(&self, i: usize) -> usize {
        i / PAGE * PAGE
    }

    /// The first page the screen (`visible`, and a quarter page past it) shows but is not
    /// loaded, if any.
    pub(super) fn wanted(&self, visible: &Range<usize>) -> Option<usize> {
        let end = (visible.end + PAGE / 4).min(self.total);
        let mut start = self.start_of(visible.start);
        while start < end {
            if !self.loaded.contains_key(&start) {
                return Some(start);
            }
            start += PAGE;
        }
        None
    }

    /// Where the page to ask for next starts, given the list on screen: while it is the
    /// list asked for (`same_key`), the first page the screen shows that is not loaded
    /// (`None`: nothing to ask); when the same list changed (`same_list`: a sale, an
    /// edit), the page on screen, again; for another list (a query, a filter), the top.
    pub(super) fn ask_from(
        &self,
        same_key: bool,
        same_list: bool,
        visible: &Range<usize>,
    ) -> Option<usize> {
        match (same_key, same_list) {
            (true, _) => self.wanted(visible),
            (false, true) => Some(self.start_of(visible.start)),
            (false, false) => Some(0),
        }
    }

    /// Lays in a page that arrived. `fresh`: the list changed (another query, or a sale
    /// moved every row), so every other page is dropped and loads again as it comes on
    /// screen. Pages far from `visible` are dropped too.
    pub(super) fn put(
        &mut self,
        total: usize,
        offset: usize,
        rows: Vec<T>,
        fresh: bool,
        visible: &Range<usize>,
    ) {
        if fresh || total != self.total {
            self.loaded.clear();
        }
        self.total = total;
        let start = self.start_of(offset);
        if start == offset && start < total {
            self.loaded.insert(start, rows);
        }
        let keep = KEEP_AROUND * PAGE;
        let (lo, hi) = (
            visible.start.saturating_sub(keep),
            visible.end.saturating_add(keep),
        );
        self.loaded
            .retain(|&s, rows| s + rows.len().max(1) > lo && s < hi);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: usize, offset: usize, n: usize) -> Vec<usize> {
        (offset..(offset + n).min(total)).collect()
    }

    #[test]
    fn rows_come_from_their_page_and_missing_ones_are_wanted() {
        let mut p = Pages::<usize, 10>::default();
        assert_eq!(p.wanted(&(0..5)), None, "nothing to want in an empty list");
        p.put(35, 0, page(35, 0, 10), true, &(0..5));
        assert_eq!(p.total(), 35);
        assert_eq!(p.get(7), Some(&7));
        assert_eq!(p.get(12), None);
        assert_eq!(p.wanted(&(0..5)), None);
        // Scrolled to 8..14: the second page (and a quarter page past: 16) is wanted.
        assert_eq!(p.wanted(&(8..14)), Some(10));
        p.put(35, 10, page(35, 10, 10), false, &(8..14));
        assert_eq!(p.get(12), Some(&12));
        assert_eq!(p.get(7), Some(&7), "the first page stays: it is near");
        p.put(35, 30, page(35, 30, 10), false, &(28..35));
        assert_eq!(p.get(34), Some(&34));
        assert_eq!(p.get(35), None, "past the end");
    }

    #[test]
    fn a_fresh_page_drops_the_rest_and_far_pages_are_not_held() {
        let mut p = Pages::<usize, 10>::default();
        for start in (0..100).step_by(10) {
            p.put(100, start, page(100, start, 10), false, &(start..start + 5));
        }
        // At 90..95 only the pages within three pages of the screen are held.
        assert_eq!(p.held().count(), 40);
        assert_eq!(p.get(5), None);
        assert_eq!(p.get(91), Some(&91));
        // A sale: the page on screen comes again and nothing else is kept.
        p.put(101, 90, page(101, 90, 10), true, &(90..95));
        assert_eq!(p.held().count(), 10);
        assert_eq!(p.get(85), None);
        assert_eq!(p.wanted(&(85..95)), Some(80));
    }

    #[test]
    fn the_next_page_asked_for_follows_what_changed() {
        let mut p = Pages::<usize, 10>::default();
        p.put(100, 40, page(100, 40, 10), true, &(42..48));
        assert_eq!(
            p.ask_from(true, true, &(42..48)),
            None,
            "all on screen is loaded"
        );
        assert_eq!(p.ask_from(true, true, &(45..55)), Some(50));
        assert_eq!(
            p.ask_from(false, true, &(42..48)),
            Some(40),
            "a sale: this page again"
        );
        assert_eq!(
            p.ask_from(false, false, &(42..48)),
            Some(0),
            "another list: the top"
        );
    }

    #[test]
    fn a_shorter_list_forgets_what_it_held() {
        let mut p = Pages::<usize, 10>::default();
        p.put(50, 0, page(50, 0, 10), false, &(0..5));
        p.put(3, 0, page(3, 0, 10), false, &(0..5));
        assert_eq!(p.total(), 3);
        assert_eq!(p.held().count(), 3);
        assert_eq!(p.get(3), None);
    }
}
