//! VISTA PREVIA: a draft laid out before it is issued, and drawn by egui.

use crate::receipt_common;

use chrono::Utc;
use eframe::egui;
use motordesk::receipt::{Item, ReceiptLayout, preview_invoice, show_preview};
use motordesk::store::Paper;
use motordesk_core::DocumentKind;
use motordesk_core::InvoiceDraft;
use receipt_common::*;
use rust_decimal_macros::dec;
use uuid::Uuid;

fn draft() -> InvoiceDraft {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.buyer = dni_buyer();
    d.lines = service_lines();
    d
}

fn has_qr(layout: &ReceiptLayout) -> bool {
    layout
        .pages
        .iter()
        .any(|p| p.items.iter().any(|i| matches!(i, Item::Qr { .. })))
}

#[test]
fn preview_is_marked_and_has_no_number_or_qr() {
    let shop = shop();
    let inv = preview_invoice(
        &draft(),
        &shop.settings,
        Utc::now(),
        Uuid::now_v7(),
        "caja1",
    )
    .unwrap();
    assert_eq!(inv.number.correlative, 0);
    assert_eq!(inv.totals.total, dec!(220.50));
    for paper in Paper::ALL {
        let layout = ReceiptLayout::build(&inv, &shop.settings, paper, None);
        assert!(layout.preview);
        assert_eq!(layout.number, "B001-????????");
        assert_eq!(layout.qr_payload, None);
        assert!(!has_qr(&layout));
        let text = layout.plain_text();
        assert!(text.contains("VISTA PREVIA — sin valor"), "{text}");
        assert!(text.contains("B001-????????"), "{text}");
        assert!(text.contains("S/ 220.50"), "{text}");
        let out = tempfile::tempdir().unwrap();
        let pdf = write_pdf(
            out.path(),
            &format!("preview-{paper:?}"),
            &inv,
            &shop,
            paper,
        );
        let printed = squash(&pdftotext(&pdf));
        assert!(printed.contains("VISTA PREVIA — sin valor"), "{printed}");
        let png = render_png(&pdf, 1, &out.path().join("preview"));
        assert!(decode_qrs(&png).is_empty(), "a preview must not carry a QR");
    }
    // The issued document prints the same content, with its number and QR.
    let issued = shop.store.issue_invoice(draft()).unwrap();
    let layout = ReceiptLayout::build(&issued, &shop.settings, Paper::Ticket80, None);
    assert!(!layout.preview && has_qr(&layout));
    assert!(!layout.plain_text().contains("VISTA PREVIA"));
}

#[test]
fn preview_refuses_what_issuing_would_refuse() {
    let shop = shop();
    let mut d = draft();
    d.buyer = motordesk_core::Buyer::varios();
    d.lines[0].quantity = dec!(10);
    let err = preview_invoice(&d, &shop.settings, Utc::now(), Uuid::now_v7(), "caja1").unwrap_err();
    assert!(err.mensaje().contains("700"), "{}", err.mensaje());
}

#[test]
fn egui_draws_the_layout_with_the_receipt_fonts() {
    let shop = shop();
    let inv = boleta(&shop);
    for paper in Paper::ALL {
        let layout = ReceiptLayout::build(&inv, &shop.settings, paper, None);
        let mut harness = egui_kittest::Harness::new_ui(|ui| show_preview(ui, &layout));
        harness.run();
        let families = harness.ctx.fonts(|f| f.families());
        assert!(
            families.contains(&egui::FontFamily::Name("motordesk-receipt".into())),
            "{families:?}"
        );
    }
}
