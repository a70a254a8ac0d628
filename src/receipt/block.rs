//! Blocks: a run of layout items placed from y = 0 with a known height, stacked,
//! set side by side, and only then put on a page. The ticket and A4 layouts are built
//! from these; pagination moves whole blocks.

use crate::receipt::content::Content;
use crate::receipt::fonts::text_width_mm;
use crate::receipt::layout::{Align, Item, TextRun};
use crate::receipt::text::{Style, ascent, label_width, line_height, st, wrap};

#[derive(Debug, Default)]
pub(super) struct Block {
    pub(super) items: Vec<Item>,
    /// Height so far; the next item goes here.
    pub(super) h: f32,
}

impl Block {
    pub(super) fn gap(&mut self, mm: f32) {
        self.h += mm;
    }

    pub(super) fn text_at(
        &mut self,
        text: impl Into<String>,
        x: f32,
        baseline: f32,
        s: Style,
        align: Align,
    ) {
        self.items.push(Item::Text(TextRun {
            x,
            baseline,
            size_pt: s.size,
            bold: s.bold,
            align,
            text: text.into(),
        }));
    }

    /// Wrapped text between `x0` and `x1`; returns the first baseline.
    pub(super) fn para(&mut self, text: &str, x0: f32, x1: f32, s: Style, align: Align) -> f32 {
        let first = self.h + ascent(s);
        let x = match align {
            Align::Left => x0,
            Align::Center => (x0 + x1) / 2.0,
            Align::Right => x1,
        };
        for line in wrap(text, x1 - x0, s) {
            if !line.is_empty() {
                let base = self.h + ascent(s);
                self.text_at(line, x, base, s, align);
            }
            self.h += line_height(s);
        }
        first
    }

    /// Label on the left, value right-aligned at `x1` on the label's first line.
    pub(super) fn pair(&mut self, label: &str, value: &str, x0: f32, x1: f32, s: Style) {
        let room = x1 - x0 - text_width_mm(value, s.size, s.bold) - 2.0;
        let base = self.para(label, x0, x0 + room.max(10.0), s, Align::Left);
        self.text_at(value, x1, base, s, Align::Right);
    }

    /// Bold label at `x0`, value wrapped between `x0 + label_w` and `x1`.
    pub(super) fn labeled(
        &mut self,
        label: &str,
        value: &str,
        x0: f32,
        label_w: f32,
        x1: f32,
        s: Style,
    ) {
        let label_w = label_w.max(text_width_mm(label, s.size, true) + 1.5);
        let base = self.para(value, x0 + label_w, x1, s, Align::Left);
        self.text_at(label, x0, base, st(s.size, true), Align::Left);
    }

    /// A group of labeled rows whose values all start in the same column.
    pub(super) fn labeled_rows(
        &mut self,
        rows: &[(String, String)],
        x0: f32,
        min_w: f32,
        x1: f32,
        s: Style,
    ) {
        let w = label_width(rows, s).max(min_w);
        for (l, v) in rows {
            self.labeled(l, v, x0, w, x1, s);
        }
    }

    pub(super) fn rule(&mut self, x0: f32, x1: f32) {
        self.gap(1.0);
        self.items.push(Item::Rule {
            x1: x0,
            x2: x1,
            y: self.h,
            thickness: 0.25,
        });
        self.gap(1.2);
    }

    /// Appends `other` below what is already here.
    pub(super) fn append(&mut self, other: Block) {
        let dy = self.h;
        self.items.extend(other.items.into_iter().map(|mut i| {
            i.shift(dy);
            i
        }));
        self.h += other.h;
    }

    /// Two blocks side by side, both starting at the top.
    pub(super) fn beside(mut a: Block, b: Block) -> Block {
        a.items.extend(b.items);
        a.h = a.h.max(b.h);
        a
    }

    pub(super) fn qr(&mut self, c: &Content<'_>, x: f32, module: f32) -> f32 {
        let Some(m) = &c.qr else { return 0.0 };
        let size = m.width as f32 * module;
        if c.preview {
            // Not issued yet: no number to encode. Keep the space, say why.
            self.items.push(Item::Frame {
                x,
                y: self.h,
                w: size,
                h: size,
                thickness: 0.3,
            });
            let s = st(7.0, false);
            let mid = self.h + size / 2.0;
            self.text_at("Código QR", x + size / 2.0, mid - 0.5, s, Align::Center);
            self.text_at("al emitir", x + size / 2.0, mid + 3.0, s, Align::Center);
        } else {
            self.items.push(Item::Qr {
                x,
                y: self.h,
                module,
                matrix: m.clone(),
            });
        }
        self.h += size;
        size
    }
}
