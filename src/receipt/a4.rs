//! The blocks of an A4 receipt (15 mm margins): header with the boxed RUC, customer,
//! table header, one block per line, and the closing totals with the QR. `paginate.rs`
//! puts them on pages.

use crate::receipt::block::Block;
use crate::receipt::content::{Content, PREVIEW_BANNER, qty};
use crate::receipt::layout::{Align, Item};
use crate::receipt::text::{ascent, label_width, line_height, st};
use motordesk_core::lima_display;
use motordesk_core::{plain, soles};

pub(super) const A4_X0: f32 = 15.0;
pub(super) const A4_X1: f32 = 195.0;

// Table columns.
const COL_QTY_R: f32 = 32.0;
const COL_UNIT_L: f32 = 35.0;
const COL_DESC_L: f32 = 50.0;
const COL_DESC_R: f32 = 143.0;
const COL_PRICE_R: f32 = 168.0;
const COL_AMOUNT_R: f32 = A4_X1;

/// Issuer on the left, the boxed RUC, title and number on the right; every page.
pub(super) fn a4_header(c: &Content<'_>) -> Block {
    let iss = &c.s.issuer;
    let mut left = Block::default();
    let name = if iss.nombre_comercial.trim().is_empty() {
        &iss.razon_social
    } else {
        &iss.nombre_comercial
    };
    left.gap(1.0);
    left.para(name, A4_X0, 122.0, st(15.0, true), Align::Left);
    left.gap(0.8);
    if name != &iss.razon_social {
        left.para(&iss.razon_social, A4_X0, 122.0, st(9.0, true), Align::Left);
    }
    if !iss.address.trim().is_empty() {
        left.para(&iss.address, A4_X0, 122.0, st(8.5, false), Align::Left);
    }
    if !iss.phone.trim().is_empty() {
        left.para(
            &format!("Telf.: {}", iss.phone),
            A4_X0,
            122.0,
            st(8.5, false),
            Align::Left,
        );
    }

    let (bx0, bx1) = (128.0, A4_X1);
    let mut right = Block::default();
    right.gap(3.5);
    right.para(
        &format!("R.U.C. N° {}", iss.ruc),
        bx0 + 2.0,
        bx1 - 2.0,
        st(11.0, true),
        Align::Center,
    );
    right.gap(1.2);
    right.para(
        c.inv.kind.title(),
        bx0 + 2.0,
        bx1 - 2.0,
        st(10.5, true),
        Align::Center,
    );
    right.gap(1.2);
    right.para(
        &c.number,
        bx0 + 2.0,
        bx1 - 2.0,
        st(11.0, true),
        Align::Center,
    );
    right.gap(3.0);
    right.items.push(Item::Frame {
        x: bx0,
        y: 0.0,
        w: bx1 - bx0,
        h: right.h,
        thickness: 0.5,
    });

    let mut b = Block::beside(left, right);
    if c.preview {
        b.gap(2.0);
        b.para(PREVIEW_BANNER, A4_X0, A4_X1, st(11.0, true), Align::Center);
    }
    b.gap(4.0);
    b
}

/// Buyer, date, currency, vehicle and the document a credit note modifies; page 1.
pub(super) fn a4_customer(c: &Content<'_>) -> Block {
    let s = st(8.5, false);
    let mut left = Block::default();
    let mut rows = c.buyer_rows();
    if let Some(first) = rows.first_mut() {
        first.0 = "Señor(es):".into();
    }
    let modifies = c.modifies_rows();
    let mut all = rows.clone();
    all.extend(modifies.iter().cloned());
    let left_w = label_width(&all, s);
    left.labeled_rows(&rows, A4_X0, left_w, 124.0, s);
    let mut right = Block::default();
    let mut info = vec![
        (
            "Fecha de emisión:".to_string(),
            lima_display(c.inv.issued_at),
        ),
        ("Moneda:".to_string(), "SOLES".to_string()),
    ];
    info.extend(c.visit_rows());
    right.labeled_rows(&info, 128.0, 0.0, A4_X1, s);
    let mut b = Block::default();
    b.rule(A4_X0, A4_X1);
    b.append(Block::beside(left, right));
    b.labeled_rows(&modifies, A4_X0, left_w, A4_X1, s);
    b.gap(3.0);
    b
}

/// CANT. UNID. DESCRIPCIÓN P. UNIT. IMPORTE between rules; every page with rows.
pub(super) fn a4_table_header() -> Block {
    let s = st(8.0, true);
    let mut b = Block::default();
    b.rule(A4_X0, A4_X1);
    let base = b.h + ascent(s);
    b.text_at("CANT.", COL_QTY_R, base, s, Align::Right);
    b.text_at("UNID.", COL_UNIT_L, base, s, Align::Left);
    b.text_at("DESCRIPCIÓN", COL_DESC_L, base, s, Align::Left);
    b.text_at("P. UNIT.", COL_PRICE_R, base, s, Align::Right);
    b.text_at("IMPORTE", COL_AMOUNT_R, base, s, Align::Right);
    b.gap(line_height(s));
    b.rule(A4_X0, A4_X1);
    b
}

/// One invoice line; its description wraps inside the column.
pub(super) fn a4_row(c: &Content<'_>, i: usize) -> Block {
    let s = st(8.5, false);
    let l = &c.inv.lines[i];
    let mut b = Block::default();
    b.gap(0.6);
    let base = b.para(
        &c.line_description(i),
        COL_DESC_L,
        COL_DESC_R,
        s,
        Align::Left,
    );
    b.text_at(qty(l.quantity), COL_QTY_R, base, s, Align::Right);
    b.text_at(l.unit.short(), COL_UNIT_L, base, s, Align::Left);
    b.text_at(plain(l.unit_price), COL_PRICE_R, base, s, Align::Right);
    b.text_at(plain(c.line_gross(i)), COL_AMOUNT_R, base, s, Align::Right);
    b.gap(0.6);
    b
}

/// Amount in words, payment, totals, then the QR beside the footer; last page.
pub(super) fn a4_closing(c: &Content<'_>) -> Block {
    let s = st(8.5, false);
    let mut left = Block::default();
    left.gap(1.0);
    left.para(&c.words(), A4_X0, 122.0, st(9.0, true), Align::Left);
    left.gap(2.0);
    let mut rows = c.payment_rows();
    rows.extend(c.other_rows());
    left.labeled_rows(&rows, A4_X0, 0.0, 122.0, s);
    let mut right = Block::default();
    right.gap(1.0);
    for (l, v) in c.totals_rows() {
        right.pair(&l, &v, 130.0, A4_X1, st(9.0, false));
        right.gap(0.4);
    }
    right.rule(130.0, A4_X1);
    right.pair(
        "TOTAL",
        &soles(c.inv.totals.total),
        130.0,
        A4_X1,
        st(11.0, true),
    );

    let mut b = Block::default();
    b.rule(A4_X0, A4_X1);
    b.append(Block::beside(left, right));
    b.gap(5.0);

    let mut qr = Block::default();
    let size = qr.qr(c, A4_X0, 0.8);
    let text_x0 = if size > 0.0 {
        A4_X0 + size + 6.0
    } else {
        A4_X0
    };
    let mut notes = Block::default();
    notes.gap(if size > 0.0 {
        (size / 2.0 - 6.0).max(0.0)
    } else {
        0.0
    });
    for (text, bold) in c.footer_lines() {
        notes.para(&text, text_x0, A4_X1, st(9.0, bold), Align::Left);
        notes.gap(1.0);
    }
    b.append(Block::beside(qr, notes));
    b
}
