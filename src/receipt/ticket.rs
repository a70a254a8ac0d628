//! The 80 mm ticket: 72 mm printable (4 mm margins), 7.5 pt body, one page as long
//! as the content. Each line prints its description, then "qty UNIT x price" and the
//! amount on the right.

use crate::receipt::block::Block;
use crate::receipt::content::{Content, PREVIEW_BANNER, qty};
use crate::receipt::layout::{Align, Item, Page};
use crate::receipt::text::st;
use motordesk_core::lima_display;
use motordesk_core::{plain, soles};

/// The whole ticket: one page as tall as its content.
pub(super) fn page(c: &Content<'_>) -> Page {
    const W: f32 = 80.0;
    const X0: f32 = 4.0;
    const X1: f32 = 76.0;
    const MID: f32 = (X0 + X1) / 2.0;
    let body = st(7.5, false);
    let inv = c.inv;
    let iss = &c.s.issuer;
    let mut b = Block::default();
    b.gap(4.0);

    if !iss.nombre_comercial.trim().is_empty() && iss.nombre_comercial != iss.razon_social {
        b.para(&iss.nombre_comercial, X0, X1, st(11.0, true), Align::Center);
        b.gap(0.6);
    }
    b.para(&iss.razon_social, X0, X1, st(8.0, true), Align::Center);
    b.para(
        &format!("RUC {}", iss.ruc),
        X0,
        X1,
        st(8.0, false),
        Align::Center,
    );
    if !iss.address.trim().is_empty() {
        b.para(&iss.address, X0, X1, body, Align::Center);
    }
    if !iss.phone.trim().is_empty() {
        b.para(
            &format!("Telf.: {}", iss.phone),
            X0,
            X1,
            body,
            Align::Center,
        );
    }
    b.rule(X0, X1);
    b.para(inv.kind.title(), X0, X1, st(9.0, true), Align::Center);
    b.para(&c.number, X0, X1, st(10.5, true), Align::Center);
    if c.preview {
        b.gap(1.0);
        let top = b.h;
        b.gap(1.0);
        b.para(PREVIEW_BANNER, X0, X1, st(9.0, true), Align::Center);
        b.gap(0.6);
        b.items.push(Item::Frame {
            x: X0 + 6.0,
            y: top,
            w: X1 - X0 - 12.0,
            h: b.h - top,
            thickness: 0.4,
        });
    }
    b.rule(X0, X1);

    let mut rows = vec![("Fecha:".to_string(), lima_display(inv.issued_at))];
    rows.extend(c.buyer_rows());
    rows.extend(c.visit_rows());
    b.labeled_rows(&rows, X0, 0.0, X1, body);
    let modifies = c.modifies_rows();
    if !modifies.is_empty() {
        b.gap(1.0);
        b.labeled_rows(&modifies, X0, 0.0, X1, body);
    }
    b.rule(X0, X1);

    let head = st(7.0, true);
    let base = b.para("DESCRIPCIÓN", X0, X1 - 20.0, head, Align::Left);
    b.text_at("IMPORTE", X1, base, head, Align::Right);
    b.para(
        "CANT. UNID. x P. UNIT.",
        X0,
        X1,
        st(7.0, false),
        Align::Left,
    );
    b.rule(X0, X1);
    for (i, l) in inv.lines.iter().enumerate() {
        b.para(&c.line_description(i), X0, X1, body, Align::Left);
        let detail = format!(
            "{} {} x {}",
            qty(l.quantity),
            l.unit.short(),
            plain(l.unit_price)
        );
        b.pair(&detail, &plain(c.line_gross(i)), X0 + 3.0, X1, body);
        b.gap(0.8);
    }
    b.rule(X0, X1);

    let tot = st(8.0, false);
    for (l, v) in c.totals_rows() {
        b.pair(&l, &v, X0 + 18.0, X1, tot);
    }
    b.gap(0.8);
    b.pair(
        "TOTAL",
        &soles(inv.totals.total),
        X0 + 18.0,
        X1,
        st(10.5, true),
    );
    b.gap(1.0);
    b.para(&c.words(), X0, X1, st(7.5, true), Align::Left);
    b.rule(X0, X1);

    let mut rows = c.payment_rows();
    rows.extend(c.other_rows());
    b.labeled_rows(&rows, X0, 0.0, X1, body);

    if c.qr.is_some() {
        b.gap(3.0);
        let module = 0.75;
        let size = c.qr.as_ref().map_or(0.0, |m| m.width as f32 * module);
        b.qr(c, MID - size / 2.0, module);
    }
    b.gap(3.0);
    for (text, bold) in c.footer_lines() {
        b.para(&text, X0, X1, st(7.5, bold), Align::Center);
        b.gap(0.8);
    }
    b.gap(6.0);
    Page {
        width_mm: W,
        height_mm: b.h,
        items: b.items,
    }
}
