//! The thermal ticket, 80 mm (4 mm margins) or 58 mm (3.5 mm margins) wide: 7.5 pt body,
//! one page as long as the content. Each line prints its description, then "qty UNIT x
//! price" and the amount on the right. The same code makes both widths: text wraps to
//! the width and the columns are placed from the margins, so a 58 mm printer gets a
//! receipt at full type size instead of the 80 mm one shrunk to 60 %.

use crate::receipt::block::Block;
use crate::receipt::content::{Content, PREVIEW_BANNER, qty};
use crate::receipt::layout::{Align, Item, Page};
use crate::receipt::text::st;
use motordesk_core::lima_display;
use motordesk_core::{plain, soles};

/// The whole ticket `width_mm` wide (80 or 58): one page as tall as its content.
pub(super) fn page(c: &Content<'_>, width_mm: f32) -> Page {
    let w = width_mm;
    let x0 = if w < 70.0 { 3.5 } else { 4.0 };
    let x1 = w - x0;
    let mid = (x0 + x1) / 2.0;
    // Totals are indented 18 mm on 80 mm paper; 58 mm has no width to spare (TOTAL and
    // a four-digit amount at 10.5 pt bold need ~40 mm).
    let totals_x = if w < 70.0 { x0 } else { x0 + 18.0 };
    let body = st(7.5, false);
    let inv = c.inv;
    let iss = &c.s.issuer;
    let mut b = Block::default();
    b.gap(4.0);

    if !iss.nombre_comercial.trim().is_empty() && iss.nombre_comercial != iss.razon_social {
        b.para(&iss.nombre_comercial, x0, x1, st(11.0, true), Align::Center);
        b.gap(0.6);
    }
    b.para(&iss.razon_social, x0, x1, st(8.0, true), Align::Center);
    b.para(
        &format!("RUC {}", iss.ruc),
        x0,
        x1,
        st(8.0, false),
        Align::Center,
    );
    if !iss.address.trim().is_empty() {
        b.para(&iss.address, x0, x1, body, Align::Center);
    }
    if !iss.phone.trim().is_empty() {
        b.para(
            &format!("Telf.: {}", iss.phone),
            x0,
            x1,
            body,
            Align::Center,
        );
    }
    b.rule(x0, x1);
    b.para(inv.kind.title(), x0, x1, st(9.0, true), Align::Center);
    b.para(&c.number, x0, x1, st(10.5, true), Align::Center);
    if c.preview {
        b.gap(1.0);
        let top = b.h;
        b.gap(1.0);
        b.para(PREVIEW_BANNER, x0, x1, st(9.0, true), Align::Center);
        b.gap(0.6);
        b.items.push(Item::Frame {
            x: x0 + 6.0,
            y: top,
            w: x1 - x0 - 12.0,
            h: b.h - top,
            thickness: 0.4,
        });
    }
    b.rule(x0, x1);

    let mut rows = vec![("Fecha:".to_string(), lima_display(inv.issued_at))];
    rows.extend(c.buyer_rows());
    rows.extend(c.visit_rows());
    b.labeled_rows(&rows, x0, 0.0, x1, body);
    let modifies = c.modifies_rows();
    if !modifies.is_empty() {
        b.gap(1.0);
        b.labeled_rows(&modifies, x0, 0.0, x1, body);
    }
    b.rule(x0, x1);

    let head = st(7.0, true);
    let base = b.para("DESCRIPCIÓN", x0, x1 - 20.0, head, Align::Left);
    b.text_at("IMPORTE", x1, base, head, Align::Right);
    b.para(
        "CANT. UNID. x P. UNIT.",
        x0,
        x1,
        st(7.0, false),
        Align::Left,
    );
    b.rule(x0, x1);
    for (i, l) in inv.lines.iter().enumerate() {
        b.para(&c.line_description(i), x0, x1, body, Align::Left);
        let detail = format!(
            "{} {} x {}",
            qty(l.quantity),
            l.unit.short(),
            plain(l.unit_price)
        );
        b.pair(&detail, &plain(c.line_gross(i)), x0 + 3.0, x1, body);
        b.gap(0.8);
    }
    b.rule(x0, x1);

    let tot = st(8.0, false);
    for (l, v) in c.totals_rows() {
        b.pair(&l, &v, totals_x, x1, tot);
    }
    b.gap(0.8);
    b.pair(
        "TOTAL",
        &soles(inv.totals.total),
        totals_x,
        x1,
        st(10.5, true),
    );
    b.gap(1.0);
    b.para(&c.words(), x0, x1, st(7.5, true), Align::Left);
    b.rule(x0, x1);

    let mut rows = c.payment_rows();
    rows.extend(c.other_rows());
    b.labeled_rows(&rows, x0, 0.0, x1, body);

    if c.qr.is_some() {
        b.gap(3.0);
        let module = 0.75;
        let size = c.qr.as_ref().map_or(0.0, |m| m.width as f32 * module);
        b.qr(c, mid - size / 2.0, module);
    }
    b.gap(3.0);
    for (text, bold) in c.footer_lines() {
        b.para(&text, x0, x1, st(7.5, bold), Align::Center);
        b.gap(0.8);
    }
    b.gap(6.0);
    Page {
        width_mm: w,
        height_mm: b.h,
        items: b.items,
    }
}
