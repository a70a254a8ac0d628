//! The short ticket "Imprimir prueba" in Ajustes sends: the shop's name, the printer it
//! went to, the time, and a line with every accented letter and ñ, so the person setting
//! up the printer sees at once that the width, the characters and the cut are right. It
//! is an ordinary ticket layout at the paper width chosen in Ajustes (80 or 58 mm), so it
//! goes down exactly the path a receipt does, at the same raster width.

use super::layout::{Align, Item, Page, ReceiptLayout, TextRun};
use crate::store::Paper;
use chrono::{DateTime, Utc};

/// The test ticket for `shop` printed on `printer` at `now` (shown in local time `local`),
/// as wide as `paper`'s roll (an A4 choice gets the 80 mm ticket: the test is about the
/// printer, not the sheet).
pub fn test_ticket(
    shop: &str,
    printer: &str,
    now: DateTime<Utc>,
    local: &str,
    paper: Paper,
) -> ReceiptLayout {
    let paper = match paper {
        Paper::Ticket58 => Paper::Ticket58,
        Paper::Ticket80 | Paper::A4 => Paper::Ticket80,
    };
    let w = paper.width_mm();
    let x0 = if paper == Paper::Ticket58 { 3.5 } else { 4.0 };
    let x1 = w - x0;
    let mut items = Vec::new();
    let mut y = 6.0;
    let mut line = |text: &str, size_pt: f32, bold: bool, align: Align| {
        y += size_pt * 0.45;
        let x = match align {
            Align::Left => x0,
            Align::Center => w / 2.0,
            Align::Right => x1,
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
    let title_pt = if paper == Paper::Ticket58 { 10.0 } else { 12.0 };
    line("PRUEBA DE IMPRESIÓN", title_pt, true, Align::Center);
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
        x1: x0,
        x2: x1,
        y: rule_y,
        thickness: 0.3,
    });
    items.push(Item::Frame {
        x: x0,
        y: total_y - 5.2,
        w: x1 - x0,
        h: 7.2,
        thickness: 0.3,
    });
    ReceiptLayout {
        paper,
        pages: vec![Page {
            width_mm: w,
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
    use crate::receipt::{DOTS_58MM, DOTS_80MM, escpos_dots, escpos_job, rasterize};

    #[test]
    fn every_line_fits_the_roll_at_both_widths() {
        for paper in [Paper::Ticket80, Paper::Ticket58] {
            let t = test_ticket(
                "MI TALLER S.A.C.",
                "POS-58",
                Utc::now(),
                "06/12/2026",
                paper,
            );
            assert_eq!(t.paper, paper);
            let page = &t.pages[0];
            assert_eq!(page.width_mm, paper.width_mm());
            for item in &page.items {
                if let Item::Text(r) = item {
                    let (l, rt) = (r.left(), r.left() + r.width_mm());
                    assert!(l >= 3.0 && rt <= page.width_mm - 3.0, "{paper:?}: {r:?}");
                }
            }
        }
        let a4 = test_ticket("X", "HP", Utc::now(), "06/12/2026", Paper::A4);
        assert_eq!(a4.paper, Paper::Ticket80, "the test is about the printer");
    }

    #[test]
    fn the_58_mm_test_ticket_is_a_384_dot_raster() {
        let t = test_ticket(
            "MI TALLER S.A.C.",
            "POS-58",
            Utc::now(),
            "06/12/2026",
            Paper::Ticket58,
        );
        let r = rasterize(&t, escpos_dots(t.paper));
        assert_eq!(r.width, DOTS_58MM);
        let inked = |x0: u32, x1: u32| (0..r.height).any(|y| (x0..x1).any(|x| r.get(x, y)));
        assert!(
            inked(0, 60) && inked(324, 384),
            "ink across the whole 384 dots"
        );
    }

    #[test]
    fn the_test_ticket_is_a_full_width_raster_that_ends_in_a_cut() {
        let t = test_ticket(
            "MI TALLER S.A.C.",
            "POS-80",
            Utc::now(),
            "06/12/2026 20:15",
            Paper::Ticket80,
        );
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
