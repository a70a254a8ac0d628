//! Receipts at rest: the PDF kept for reprinting names the customer, so it is saved
//! sealed with the store's key; the data dir is 0700 and its files 0600; plaintext PDFs
//! an older version saved are sealed and deleted at login; a reprint still reads.

use crate::fixtures::{kiosk, login_screen};
use crate::receipt_common;
use crate::screen::{has, open_document, reprint, wait_for};
use egui_kittest::kittest::Queryable;
use motordesk::receipt::{
    ReceiptLayout, open_receipt, receipts_dir, render_pdf, save_receipt, saved_receipt_path,
};
use motordesk::store::Paper;
use motordesk::ui::PanelId;
use receipt_common::*;
use std::path::{Path, PathBuf};

/// What a receipt of `boleta` or `factura` shows about its customer.
const CUSTOMER: [&str; 6] = [
    "María Peña Núñez",
    "45678912",
    "Huallaga",
    "Transportes Rímac",
    "20131312955",
    "Av. Argentina",
];

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// No file under `dir` is a PDF or holds a customer's name, number or address in the clear,
/// neither as bytes nor as text a PDF reader gets out of it (a PDF's text is glyph ids in
/// compressed streams, so the bytes alone would not show the name: `pdftotext` does).
fn assert_nothing_readable(dir: &Path) {
    let files = files_under(dir);
    assert!(!files.is_empty());
    for f in files {
        let read = std::process::Command::new("pdftotext")
            .arg(&f)
            .arg("-")
            .output()
            .expect("poppler-utils installed (scripts/setup-debian.sh)");
        let text = String::from_utf8_lossy(&read.stdout);
        for needle in CUSTOMER {
            assert!(
                !text.contains(needle),
                "a PDF reader finds {needle:?} in {}",
                f.display()
            );
        }
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !contains(&bytes, b"%PDF"),
            "{} holds a plaintext PDF",
            f.display()
        );
        for needle in CUSTOMER {
            assert!(
                !contains(&bytes, needle.as_bytes()),
                "{} holds {needle:?} in the clear",
                f.display()
            );
        }
    }
}

fn pdf(shop: &Shop, inv: &motordesk_core::Invoice, paper: Paper) -> Vec<u8> {
    let hash = shop.hash(inv);
    render_pdf(&ReceiptLayout::build(
        inv,
        &shop.settings,
        paper,
        hash.as_deref(),
    ))
}

#[test]
fn saved_receipts_leave_nothing_readable_and_still_reprint() {
    let shop = shop();
    let data_dir = shop.dir.path();
    let (b, f) = (boleta(&shop), factura(&shop));
    let dir = receipts_dir(data_dir);
    let (pb, pf) = (pdf(&shop, &b, Paper::Ticket80), pdf(&shop, &f, Paper::A4));
    let saved_b = save_receipt(&shop.store, &dir, &b, &pb).unwrap();
    save_receipt(&shop.store, &dir, &f, &pf).unwrap();
    assert_nothing_readable(data_dir);

    // A reprint opens the sealed copy: the very PDF, customer and all.
    let opened = open_receipt(&shop.store, &saved_b).unwrap();
    assert_eq!(opened, pb);
    let look = tempfile::tempdir().unwrap();
    let plain = look.path().join("reprint.pdf");
    std::fs::write(&plain, &opened).unwrap();
    let text = squash(&pdftotext(&plain));
    assert!(text.contains("María Peña Núñez"), "{text}");
    assert!(text.contains("B001-00000001"), "{text}");
}

#[test]
fn the_kiosk_saves_the_receipt_sealed() {
    let shop = shop();
    let inv = boleta(&shop);
    let Shop { dir, store, .. } = shop;
    let mut h = kiosk(dir.path(), store, PanelId::Comprobantes, (1280.0, 800.0));
    open_document(&mut h, "B001-00000001");
    reprint(&mut h);
    wait_for(&mut h, "the saved receipt", |h| {
        has(h, "PDF guardado cifrado")
    });
    let saved = saved_receipt_path(&receipts_dir(dir.path()), inv.id);
    assert!(saved.is_file(), "saved under the invoice id");
    assert_nothing_readable(dir.path());
    let store = h.state().store().unwrap().clone();
    let text = String::from_utf8_lossy(&open_receipt(&store, &saved).unwrap()).into_owned();
    assert!(text.starts_with("%PDF"));
}

#[test]
fn plaintext_receipts_of_an_older_version_are_sealed_at_login() {
    let shop = shop();
    let inv = boleta(&shop);
    let old = pdf(&shop, &inv, Paper::Ticket80);
    let Shop { dir, store, .. } = shop;
    let receipts = receipts_dir(dir.path());
    std::fs::create_dir_all(&receipts).unwrap();
    // What older builds left: the PDF under its number, a half-written one, a preview.
    std::fs::write(receipts.join("B001-00000001.pdf"), &old).unwrap();
    std::fs::write(receipts.join("B001-00000002.pdf.tmp"), &old[..100]).unwrap();
    std::fs::write(receipts.join("B001-vista-previa.pdf"), &old).unwrap();
    drop(store);

    // Log in through the login screen, as the cashier does.
    let mut h = login_screen(dir.path(), (1280.0, 800.0));
    h.run();
    for (field, text) in [("Usuario", "admin"), ("Contraseña", "pw")] {
        h.get_by_label(field).click();
        h.run();
        h.get_by_label(field).type_text(text);
        h.run();
    }
    h.get_by_label("Ingresar").click();
    wait_for(&mut h, "logged in", |h| h.state().panel().is_some());
    assert_nothing_readable(dir.path());
    let names: Vec<String> = std::fs::read_dir(&receipts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "both PDFs sealed, the half one gone: {names:?}"
    );
    assert!(
        names.iter().all(|n| n.ends_with(".pdf.sealed")),
        "{names:?}"
    );
    let store = h.state().store().unwrap().clone();
    let sealed = saved_receipt_path(&receipts, inv.id);
    assert_eq!(
        open_receipt(&store, &sealed).unwrap(),
        old,
        "under its invoice id"
    );
}

#[cfg(unix)]
#[test]
fn the_data_dir_is_owner_only_and_so_are_its_files() {
    use motordesk::store::Store;
    use motordesk_core::{DocumentKind, InvoiceDraft};
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let root = tempfile::tempdir().unwrap();

    // A new data dir.
    let data = root.path().join("motordesk");
    let db = data.join(motordesk::store::DB_FILE);
    let store = Store::create(&db, "admin", "pw", "Admin").unwrap();
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&db), 0o600);
    let mut d = InvoiceDraft::new(DocumentKind::NotaDeVenta);
    d.lines = service_lines();
    let inv = store.issue_invoice(d).unwrap();
    let saved = save_receipt(&store, &receipts_dir(&data), &inv, b"%PDF-1.7").unwrap();
    assert_eq!(mode(&receipts_dir(&data)), 0o700);
    assert_eq!(mode(&saved), 0o600);
    drop(store);

    // One an older build made 0755 with a 0644 store: tightened at the next start.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(Store::is_initialized(&db).unwrap());
    drop(Store::unlock(&db, "admin", "pw").unwrap());
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&db), 0o600);
}
