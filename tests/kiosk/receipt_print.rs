//! Saving and printing: the sealed PDF is always on disk, whatever the printer does,
//! and opens only under its own name with its store's key.

use crate::receipt_common;

use motordesk::receipt::{
    ArchiveError, ReceiptLayout, list_printers, open_receipt, print_document, render_pdf,
    save_receipt, saved_receipt_path,
};
use motordesk::store::{Paper, SEALED_FILE_TAG, Store, StoreError};
use receipt_common::*;

#[test]
fn pdf_is_saved_sealed_under_its_id_and_survives_a_failed_print() {
    let shop = shop();
    let inv = boleta(&shop);
    let layout = ReceiptLayout::build(&inv, &shop.settings, Paper::Ticket80, None);
    let pdf = render_pdf(&layout);
    let dir = shop.dir.path().join("receipts");
    let path = save_receipt(&shop.store, &dir, &inv, &pdf).unwrap();
    assert_eq!(path, saved_receipt_path(&dir, inv.id));
    let on_disk = std::fs::read(&path).unwrap();
    assert!(on_disk.starts_with(SEALED_FILE_TAG), "sealed, not a PDF");
    assert_ne!(on_disk, pdf);
    assert_eq!(open_receipt(&shop.store, &path).unwrap(), pdf);

    let err = print_document(&layout, &pdf, Some("motordesk-no-such-printer")).unwrap_err();
    let msg = err.mensaje();
    assert!(
        msg.contains("impresora") || msg.contains("impresión"),
        "not a Spanish message: {msg}"
    );
    assert!(msg.contains("PDF"), "should say the PDF is kept: {msg}");
    assert!(!err.to_string().is_empty());
    // Nothing lost: the receipt is still there to reprint, and so is the sale.
    assert_eq!(open_receipt(&shop.store, &path).unwrap(), pdf);
    assert!(shop.store.invoice_by_number(&inv.number).unwrap().is_some());
}

#[test]
fn saving_again_replaces_the_file() {
    let shop = shop();
    let inv = boleta(&shop);
    let dir = shop.dir.path().join("receipts");
    save_receipt(&shop.store, &dir, &inv, b"%PDF-old").unwrap();
    let path = save_receipt(&shop.store, &dir, &inv, b"%PDF-new").unwrap();
    assert_eq!(open_receipt(&shop.store, &path).unwrap(), b"%PDF-new");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
}

#[test]
fn a_saved_receipt_opens_only_under_its_own_name_and_key() {
    let shop = shop();
    let (a, b) = (boleta(&shop), nota_de_venta(&shop));
    let dir = shop.dir.path().join("receipts");
    let pa = save_receipt(&shop.store, &dir, &a, b"%PDF-a").unwrap();
    let pb = saved_receipt_path(&dir, b.id);
    // One receipt copied over another's name does not open as the other.
    std::fs::copy(&pa, &pb).unwrap();
    let e = open_receipt(&shop.store, &pb).unwrap_err();
    assert!(
        matches!(e, ArchiveError::Store(StoreError::Tampered(_))),
        "{e:?}"
    );
    assert!(e.mensaje().contains("dañados"), "{}", e.mensaje());
    // Another store's key does not open it either.
    let other_dir = tempfile::tempdir().unwrap();
    let other = Store::create(&other_dir.path().join("o.redb"), "admin", "pw", "A").unwrap();
    assert!(open_receipt(&other, &pa).is_err());
    // Not a saved receipt's name at all.
    assert!(matches!(
        open_receipt(&shop.store, &dir.join("B001-00000001.pdf")),
        Err(ArchiveError::NotAReceipt(_))
    ));
}

#[test]
fn listing_printers_never_fails() {
    // On a machine without printers (CI) this is empty; it must not panic or hang.
    let printers = list_printers();
    assert!(printers.iter().all(|p| !p.trim().is_empty()));
}
