//! ESC/POS for 80 mm and 58 mm thermal printers (Epson TM-T20 family, "POS-80" clones):
//! the same receipt layout the PDF is made from, drawn as a 1-bit raster at the printer's
//! 203 dpi (576 dots across 72 mm of printable width, 384 for 58 mm paper), so ñ, accents
//! and the QR come out exactly as on screen whatever code page the printer has; then a
//! feed and a paper cut.
//!
//! The job is `ESC @` (reset), the raster in `GS v 0` bands of at most `BAND_ROWS` rows
//! (cheap printers choke on one huge image), and `GS V 66 n` (feed n and cut).

use crate::receipt::fonts::{BOLD_TTF, MM_PER_PT, REGULAR_TTF};
use crate::receipt::layout::{Item, ReceiptLayout, TextRun};
use crate::store::Paper;
use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

/// Dots across the printable width of an 80 mm roll (72 mm at 203 dpi).
pub const DOTS_80MM: u32 = 576;
/// Dots across a 58 mm roll (48 mm at 203 dpi).
pub const DOTS_58MM: u32 = 384;
/// The printer's dots across for a layout on `paper`: 384 for the 58 mm ticket, 576 for
/// the 80 mm one (and for an A4 sheet sent to a thermal printer, shrunk to the roll).
pub fn dots_for(paper: Paper) -> u32 {
    match paper {
        Paper::Ticket58 => DOTS_58MM,
        Paper::Ticket80 | Paper::A4 => DOTS_80MM,
    }
}

/// Rows per `GS v 0` band.
pub const BAND_ROWS: u32 = 256;
/// Blank rows fed before the cut, so the last line clears the cutter.
const FEED_BEFORE_CUT: u8 = 96;

/// A 1-bit image: `width` dots (a multiple of 8), `height` rows, rows packed MSB first,
/// 1 = black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub bits: Vec<u8>,
}

impl Raster {
    fn new(width: u32, height: u32) -> Raster {
        let width = width.div_ceil(8) * 8;
        Raster {
            width,
            height,
            bits: vec![0; (width / 8 * height) as usize],
        }
    }

    pub fn row_bytes(&self) -> u32 {
        self.width / 8
    }

    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width
            && y < self.height
            && self.bits[(y * self.row_bytes() + x / 8) as usize] & (0x80 >> (x % 8)) != 0
    }

    fn set(&mut self, x: i64, y: i64) {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return;
        }
        let (x, y) = (x as u32, y as u32);
        let i = (y * self.row_bytes() + x / 8) as usize;
        self.bits[i] |= 0x80 >> (x % 8);
    }

    fn fill(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        let (xa, xb) = (x0.round() as i64, x1.round().max(x0.round() + 1.0) as i64);
        let (ya, yb) = (y0.round() as i64, y1.round().max(y0.round() + 1.0) as i64);
        for y in ya..yb {
            for x in xa..xb {
                self.set(x, y);
            }
        }
    }
}

/// Draws every page of `layout` one under the other, `dots` wide (the page width maps to
/// the printable width).
pub fn rasterize(layout: &ReceiptLayout, dots: u32) -> Raster {
    let Some(first) = layout.pages.first() else {
        return Raster::new(dots, 0);
    };
    let dots_per_mm = dots as f32 / first.width_mm;
    let height: f32 = layout.pages.iter().map(|p| p.height_mm).sum();
    let mut r = Raster::new(dots, (height * dots_per_mm).ceil() as u32);
    let regular = FontRef::try_from_slice(REGULAR_TTF).expect("embedded DejaVu Sans");
    let bold = FontRef::try_from_slice(BOLD_TTF).expect("embedded DejaVu Sans Bold");
    let mut top = 0.0f32;
    for page in &layout.pages {
        let px = |mm: f32| mm * dots_per_mm;
        for item in &page.items {
            match item {
                Item::Text(t) => {
                    let font = if t.bold { &bold } else { &regular };
                    draw_text(&mut r, font, t, dots_per_mm, top);
                }
                Item::Rule {
                    x1,
                    x2,
                    y,
                    thickness,
                } => {
                    let t = px(*thickness).max(1.0);
                    r.fill(
                        px(*x1),
                        px(top + *y) - t / 2.0,
                        px(*x2),
                        px(top + *y) + t / 2.0,
                    );
                }
                Item::Frame {
                    x,
                    y,
                    w,
                    h,
                    thickness,
                } => {
                    let t = px(*thickness).max(1.0);
                    let (x0, y0, x1, y1) = (px(*x), px(top + *y), px(x + w), px(top + y + h));
                    r.fill(x0, y0, x1, y0 + t);
                    r.fill(x0, y1 - t, x1, y1);
                    r.fill(x0, y0, x0 + t, y1);
                    r.fill(x1 - t, y0, x1, y1);
                }
                Item::Qr {
                    x,
                    y,
                    module,
                    matrix,
                } => {
                    for (row, col, len) in matrix.dark_runs() {
                        let x0 = px(x + col as f32 * module);
                        let y0 = px(top + y + row as f32 * module);
                        r.fill(
                            x0,
                            y0,
                            px(x + (col + len) as f32 * module),
                            px(top + y + (row + 1) as f32 * module),
                        );
                    }
                }
            }
        }
        top += page.height_mm;
    }
    r
}

/// Text at its baseline, glyph coverage above one half as black.
fn draw_text(r: &mut Raster, font: &FontRef<'_>, t: &TextRun, dots_per_mm: f32, top: f32) {
    // Point size → pixel height of the em square.
    let scale = PxScale::from(t.size_pt * MM_PER_PT * dots_per_mm);
    let scaled = font.as_scaled(scale);
    let mut x = t.left() * dots_per_mm;
    let baseline = (top + t.baseline) * dots_per_mm;
    let mut previous = None;
    for c in t.text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(scale, point(x, baseline));
        if let Some(outlined) = font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, coverage| {
                if coverage > 0.5 {
                    r.set(b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64);
                }
            });
        }
        x += scaled.h_advance(id);
        previous = Some(id);
    }
}

/// The printer job for `raster`: reset, raster bands, feed and cut.
pub fn job(raster: &Raster) -> Vec<u8> {
    let mut out = vec![0x1b, b'@'];
    let row_bytes = raster.row_bytes();
    let mut y = 0;
    while y < raster.height {
        let rows = BAND_ROWS.min(raster.height - y);
        out.extend([0x1d, b'v', b'0', 0]);
        out.extend((row_bytes as u16).to_le_bytes());
        out.extend((rows as u16).to_le_bytes());
        let start = (y * row_bytes) as usize;
        out.extend(&raster.bits[start..start + (rows * row_bytes) as usize]);
        y += rows;
    }
    out.extend([0x1d, b'V', 66, FEED_BEFORE_CUT]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_at_most_band_rows_and_carry_every_row() {
        let mut r = Raster::new(DOTS_58MM, BAND_ROWS * 2 + 5);
        r.fill(0.0, 0.0, 8.0, (BAND_ROWS * 2 + 5) as f32);
        let j = job(&r);
        assert_eq!(&j[..2], &[0x1b, b'@']);
        assert_eq!(&j[j.len() - 4..], &[0x1d, b'V', 66, FEED_BEFORE_CUT]);
        let bands = j.windows(4).filter(|w| w == &[0x1d, b'v', b'0', 0]).count();
        assert_eq!(bands, 3);
        assert_eq!(j.len(), 2 + 3 * 8 + (r.bits.len()) + 4);
    }
}
