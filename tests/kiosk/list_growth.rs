//! The Comprobantes list grows instead of reloading (issue 13): the first screen comes
//! from the newest rows, the rest arrives behind it, and after a sale only the new row is
//! opened (decrypted) and put at the top. The store counts the list rows it opens
//! (`Store::summaries_opened`), so the test asserts work done, not time.

use crate::screen::{click, harness, has, press, wait_for};
use egui_kittest::Harness;
use motordesk::store::{DB_FILE, Store};
use motordesk::ui::{AppOptions, KioskApp, PanelId};
use motordesk_core::RecordKind;
use std::path::Path;

const SIZES: [(f32, f32); 2] = [(1024.0, 768.0), (1280.0, 800.0)];

fn app(dir: &Path, store: Store, size: (f32, f32)) -> Harness<'static, KioskApp> {
    let mut opts = AppOptions::new(dir.to_path_buf());
    opts.start_panel = PanelId::Comprobantes;
    opts.print = false;
    harness(KioskApp::with_store(opts, store), size)
}

fn store_of(h: &Harness<'static, KioskApp>) -> std::sync::Arc<Store> {
    h.state().store().unwrap().clone()
}

#[test]
fn a_sale_adds_one_row_at_the_top_without_opening_the_others_again() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join(DB_FILE), "admin", "secreto123", "Ana").unwrap();
        motordesk::demo::generate(&store, 300, 3).unwrap();
        let mut h = app(dir.path(), store, size);
        wait_for(&mut h, "the whole list", |h| {
            has(h, "300 de 300 comprobantes")
        });
        let store = store_of(&h);
        let loaded = store.summaries_opened();
        // The first page (100) and the full read (300); never a second full read.
        assert!(
            (300..=400).contains(&loaded),
            "{size:?}: {loaded} rows opened"
        );

        click(&mut h, "Ventas");
        wait_for(&mut h, "quick key", |h| has(h, "Lavado de motor"));
        press(&mut h, "Lavado de motor");
        press(&mut h, "EMITIR");
        wait_for(&mut h, "the sale", |h| {
            store_of(h).count(RecordKind::Invoice).unwrap() == 301
        });
        click(&mut h, "Comprobantes");
        wait_for(&mut h, "the grown list", |h| {
            has(h, "301 de 301 comprobantes")
        });
        assert_eq!(
            store.summaries_opened() - loaded,
            1,
            "{size:?}: only the new row was opened"
        );
        // The new document is the top row (the table lays out only the rows on screen).
        let newest = store.newest_invoice_summaries(1).unwrap().remove(0);
        assert!(
            has(&h, &newest.number.to_string()),
            "{size:?}: {}",
            newest.number
        );
    }
}

#[test]
fn the_first_screen_is_the_newest_page_and_the_rest_follows() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join(DB_FILE), "admin", "secreto123", "Ana").unwrap();
    motordesk::demo::generate(&store, 250, 4).unwrap();
    let newest = store.newest_invoice_summaries(1).unwrap().remove(0);
    let mut h = app(dir.path(), store, (1280.0, 800.0));
    wait_for(&mut h, "the first rows", |h| {
        has(h, &newest.number.to_string())
    });
    wait_for(&mut h, "the whole list", |h| {
        has(h, "250 de 250 comprobantes")
    });
    // The same rows in the same order as a full read gives.
    let store = store_of(&h);
    let mut marks = motordesk::store::SummaryMarks::default();
    let all = store.invoice_summaries_changed(&mut marks).unwrap().changed;
    assert_eq!(all, store.invoice_summaries().unwrap());
    assert_eq!(marks.len(), 250);
    // Nothing changed: a second look opens nothing.
    let before = store.summaries_opened();
    let again = store.invoice_summaries_changed(&mut marks).unwrap();
    assert!(again.changed.is_empty() && again.removed.is_empty());
    assert_eq!(store.summaries_opened(), before);
}
