//! A4 pagination: stacks the A4 blocks top to bottom, opens a new page (header and
//! table header again) when a row would cross the limit, moves the totals to a page
//! of their own when they do not fit, and numbers the pages.

use crate::receipt::a4::{
    A4_X0, A4_X1, a4_closing, a4_customer, a4_header, a4_row, a4_table_header,
};
use crate::receipt::block::Block;
use crate::receipt::content::Content;
use crate::receipt::layout::{Align, Item, Page, TextRun};
use crate::receipt::text::st;
use crate::store::Paper;

const A4_HEIGHT: f32 = 297.0;
const A4_TOP: f32 = 12.0;
/// Content stops here; the page footer sits below.
const A4_LIMIT: f32 = 280.0;

/// A4 pages: header on every page, rows flowing, totals on the last page (or a new
/// one when they do not fit), "Página n de m" at the bottom of each.
pub(super) fn a4_pages(c: &Content<'_>) -> Vec<Page> {
    let header = || a4_header(c);
    let mut pages: Vec<Vec<Item>> = Vec::new();
    let mut y = 0.0;

    let place = |pages: &mut Vec<Vec<Item>>, y: &mut f32, block: Block| {
        let dy = *y;
        if let Some(p) = pages.last_mut() {
            p.extend(block.items.into_iter().map(|mut i| {
                i.shift(dy);
                i
            }));
        }
        *y += block.h;
    };
    let new_page = |pages: &mut Vec<Vec<Item>>, y: &mut f32, with_table: bool| {
        pages.push(Vec::new());
        *y = A4_TOP;
        place(pages, y, header());
        if with_table {
            place(pages, y, a4_table_header());
        }
    };

    new_page(&mut pages, &mut y, false);
    place(&mut pages, &mut y, a4_customer(c));
    place(&mut pages, &mut y, a4_table_header());
    for i in 0..c.inv.lines.len() {
        let row = a4_row(c, i);
        if y + row.h > A4_LIMIT {
            new_page(&mut pages, &mut y, true);
        }
        place(&mut pages, &mut y, row);
    }
    let closing = a4_closing(c);
    if y + closing.h > A4_LIMIT {
        new_page(&mut pages, &mut y, false);
    }
    place(&mut pages, &mut y, closing);

    let n = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(i, mut items)| {
            let s = st(8.0, false);
            let base = A4_HEIGHT - 9.0;
            items.push(Item::Rule {
                x1: A4_X0,
                x2: A4_X1,
                y: base - 4.0,
                thickness: 0.2,
            });
            items.push(Item::Text(TextRun {
                x: A4_X0,
                baseline: base,
                size_pt: s.size,
                bold: false,
                align: Align::Left,
                text: format!("{} {}", c.inv.kind.title(), c.number),
            }));
            items.push(Item::Text(TextRun {
                x: A4_X1,
                baseline: base,
                size_pt: s.size,
                bold: false,
                align: Align::Right,
                text: format!("Página {} de {}", i + 1, n),
            }));
            Page {
                width_mm: Paper::A4.width_mm(),
                height_mm: A4_HEIGHT,
                items,
            }
        })
        .collect()
}
