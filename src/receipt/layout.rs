//! The receipt layout model: pages of positioned items in millimetres (origin at the top
//! left of the page, y growing downwards, text placed by its baseline). The PDF renderer
//! and the on-screen preview both draw exactly this, nothing else; `build.rs` makes it.

use crate::receipt::fonts::text_width_mm;
use crate::receipt::qr::QrMatrix;
use crate::store::Paper;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One line of text. `x` is the left edge, the centre or the right edge depending on
/// `align`; `baseline` is the y of the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub x: f32,
    pub baseline: f32,
    pub size_pt: f32,
    pub bold: bool,
    pub align: Align,
    pub text: String,
}

impl TextRun {
    pub fn width_mm(&self) -> f32 {
        text_width_mm(&self.text, self.size_pt, self.bold)
    }

    /// Left edge of the text once aligned.
    pub fn left(&self) -> f32 {
        match self.align {
            Align::Left => self.x,
            Align::Center => self.x - self.width_mm() / 2.0,
            Align::Right => self.x - self.width_mm(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    /// Horizontal line.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        thickness: f32,
    },
    /// Rectangle outline (top-left corner, size).
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        thickness: f32,
    },
    /// QR symbol: top-left corner and module size.
    Qr {
        x: f32,
        y: f32,
        module: f32,
        matrix: QrMatrix,
    },
}

impl Item {
    /// Moves the item down by `dy` mm (placing a block on a page).
    pub(super) fn shift(&mut self, dy: f32) {
        match self {
            Item::Text(t) => t.baseline += dy,
            Item::Rule { y, .. } | Item::Frame { y, .. } | Item::Qr { y, .. } => *y += dy,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width_mm: f32,
    pub height_mm: f32,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptLayout {
    pub paper: Paper,
    pub pages: Vec<Page>,
    /// e.g. "BOLETA DE VENTA ELECTRÓNICA B001-00000042" (PDF title, window title).
    pub title: String,
    /// Printed number, `B001-????????` on a preview.
    pub number: String,
    /// Built from a draft that is not issued yet.
    pub preview: bool,
    /// What the QR encodes; `None` for a nota de venta or a preview.
    pub qr_payload: Option<String>,
    /// Issue time (PDF creation date).
    pub issued_at: DateTime<Utc>,
    /// Razón social of the issuer (PDF author).
    pub issuer: String,
}

impl ReceiptLayout {
    /// Every text run, one per line, page after page (tests, accessibility).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for p in &self.pages {
            for item in &p.items {
                if let Item::Text(t) = item {
                    out.push_str(&t.text);
                    out.push('\n');
                }
            }
        }
        out
    }
}
