//! The short ticket "Imprimir prueba" in Ajustes sends: the shop's name, the printer it
//! went to, the time, and a line with every accented letter and ñ, so the person setting
//! up the printer sees at once that the width, the characters and the cut are right. It
//! is an ordinary 80 mm layout, so it goes down exactly the path a receipt does.

use super::layout::{Align, Item, Page, ReceiptLayout, TextRun};
use crate::store::Paper;
use chrono::{DateTime, Utc};

const W: f32 = 80.0;
const X0: f32 = 4.0;
const X1: f32 = 76.0;

/// The test ticket for `shop` printed on `printer` at `now` (shown in local time `local`).
pub fn test_ticket(shop: &str, printer: &str, now: DateTime<Utc>, local: &str) -> ReceiptLayout {
    let mut items = Vec::new();
    let mut y = 6.0;
    let mut line = |text: &str, size_pt: f32, bold: bool, align: Align| {
        y += size_pt * 0.45;
        let x = match align {
            Align::Left => X0,
            Align::Center => W / 2.0,
            Align::Right => X1,
        };
        items.push(Item::Text(TextRun {
            x,
            baseline: y,
            size_pt,
            bold,
            align,
            text: text.to_string(),
        }));
        y
    };
    line("PRUEBA DE IMPRESIÓN", 12.0, true, Align::Center);
    line(shop, 9.0, false, Align::Center);
    let rule_y = line("", 4.0, false, Align::Left);
    line(&format!("Impresora: {printer}"), 8.0, false, Align::Left);
    line(&format!("Fecha: {local}"), 8.0, false, Align::Left);
    line("Acentos: á é í ó ú Á É Í Ó Ú ü", 8.0, false, Align::Left);
    line("Eñes: ñ Ñ  Señor Muñoz, año 2026", 8.0, false, Align::Left);
    line("", 4.0, false, Align::Left);
    let total_y = line("Importe S/ 1,234.50", 10.0, true, Align::Right);
    line("", 6.0, false, Align::Left);
    line(
        "Si lee esto completo, la impresora",
        8.0,
        false,
        Align::Center,
    );
    let end = line("está lista para MotorDesk.", 8.0, false, Align::Center);
    items.push(Item::Rule {
        x1: X0,
        x2: X1,
        y: rule_y,
        thickness: 0.3,
    });
    items.push(Item::Frame {
        x: X0,
        y: total_y - 5.2,
        w: X1 - X0,
        h: 7.2,
        thickness: 0.3,
    });
    ReceiptLayout {
        paper: Paper::Ticket80,
        pages: vec![Page {
            width_mm: W,
            height_mm: end + 6.0,
            items,
        }],
        title: "Prueba de impresión".to_string(),
        number: String::new(),
        preview: false,
        qr_payload: None,
        issued_at: now,
        issuer: shop.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{DOTS_80MM, escpos_job, rasterize};

    #[test]
    fn the_test_ticket_is_a_full_width_raster_that_ends_in_a_cut() {
        let t = test_ticket("MI TALLER S.A.C.", "POS-80", Utc::now(), "06/12/2026 20:15");
        assert!(t.plain_text().contains("Eñes: ñ Ñ"));
        assert!(t.plain_text().contains("Impresora: POS-80"));
        let r = rasterize(&t, DOTS_80MM);
        assert_eq!(r.width, DOTS_80MM);
        // Ink in the left and right thirds (the frame spans the printable width).
        let inked = |x0: u32, x1: u32| (0..r.height).any(|y| (x0..x1).any(|x| r.get(x, y)));
        assert!(inked(0, 100) && inked(476, 576));
        let job = escpos_job(&r);
        // GS V 66 n: feed and cut.
        assert_eq!(&job[job.len() - 4..job.len() - 1], &[0x1d, 0x56, 66]);
    }
}
