//! Saving and printing: the PDF is always on disk, whatever the printer does.

mod receipt_common;

use motordesk::receipt::{
    PrintError, ReceiptLayout, list_printers, print_pdf, render_pdf, save_pdf,
};
use motordesk::store::Paper;
use receipt_common::*;

#[test]
fn pdf_is_saved_under_its_number_and_survives_a_failed_print() {
    let shop = shop();
    let inv = boleta(&shop);
    let pdf = render_pdf(&ReceiptLayout::build(
        &inv,
        &shop.settings,
        Paper::Ticket80,
        None,
    ));
    let dir = shop.dir.path().join("receipts");
    let path = save_pdf(&dir, &inv, &pdf).unwrap();
    assert_eq!(path, dir.join("B001-00000001.pdf"));
    assert_eq!(std::fs::read(&path).unwrap(), pdf);

    let err = print_pdf(&path, Some("motordesk-no-such-printer")).unwrap_err();
    let msg = err.mensaje();
    assert!(
        msg.contains("impresora") || msg.contains("impresión"),
        "not a Spanish message: {msg}"
    );
    assert!(msg.contains("PDF"), "should say the PDF is kept: {msg}");
    assert!(!err.to_string().is_empty());
    // Nothing lost: the receipt is still there to reprint, and so is the sale.
    assert_eq!(std::fs::read(&path).unwrap(), pdf);
    assert!(shop.store.invoice_by_number(&inv.number).unwrap().is_some());
}

#[test]
fn saving_again_replaces_the_file() {
    let shop = shop();
    let inv = boleta(&shop);
    let dir = shop.dir.path().join("receipts");
    save_pdf(&dir, &inv, b"%PDF-old").unwrap();
    let path = save_pdf(&dir, &inv, b"%PDF-new").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-new");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
}

#[test]
fn missing_file_is_reported_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let err = print_pdf(&dir.path().join("nope.pdf"), None).unwrap_err();
    assert!(matches!(err, PrintError::FileMissing(_)));
    assert!(err.mensaje().contains("No se encontró el PDF"));
}

#[test]
fn listing_printers_never_fails() {
    // On a machine without printers (CI) this is empty; it must not panic or hang.
    let printers = list_printers();
    assert!(printers.iter().all(|p| !p.trim().is_empty()));
}
