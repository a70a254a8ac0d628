//! The Comprobantes list is paged (issue 13): the first screen opens one page of rows,
//! scrolling opens the pages it reaches, and a sale opens the page on screen again, never
//! the whole list. The store counts the list rows it opens (`Store::summaries_opened`),
//! so the tests assert work done, not time. The pages themselves must be the full list's
//! rows in the full list's order, for every query and kind (archived documents leaving
//! the pages: `archive.rs`).

use crate::screen::{click, harness, has, press, wait_for};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use motordesk::store::{DB_FILE, DOCUMENT_PAGE, InvoiceSummary, Shelf, Store};
use motordesk::ui::{AppOptions, KioskApp, PanelId};
use motordesk_core::{DocumentKind, RecordKind};
use std::collections::HashSet;
use std::path::Path;

const SIZES: [(f32, f32); 2] = [(1024.0, 768.0), (1280.0, 800.0)];
const PAGE: u64 = DOCUMENT_PAGE as u64;

fn app(dir: &Path, store: Store, size: (f32, f32)) -> Harness<'static, KioskApp> {
    let mut opts = AppOptions::new(dir.to_path_buf());
    opts.start_panel = PanelId::Comprobantes;
    opts.print = false;
    harness(KioskApp::with_store(opts, store), size)
}

fn store_of(h: &Harness<'static, KioskApp>) -> std::sync::Arc<Store> {
    h.state().store().unwrap().clone()
}

fn demo_store(dir: &Path, documents: usize, seed: u64) -> Store {
    let store = Store::create(&dir.join(DB_FILE), "admin", "secreto123", "Ana").unwrap();
    motordesk::demo::generate(&store, documents, seed).unwrap();
    store
}

/// Every page of the list, `step` rows at a time, laid end to end.
fn paged(
    store: &Store,
    query: &str,
    kind: Option<DocumentKind>,
    step: usize,
) -> Vec<InvoiceSummary> {
    let mut rows = Vec::new();
    loop {
        let page = store.document_page(query, kind, rows.len(), step).unwrap();
        assert_eq!(page.offset, rows.len());
        let n = page.rows.len();
        rows.extend(page.rows);
        if n < step {
            assert_eq!(page.total, rows.len(), "{query:?} {kind:?}: the count");
            return rows;
        }
    }
}

/// What the list must show: the full read, filtered here.
fn expected(store: &Store, query: &str, kind: Option<DocumentKind>) -> Vec<InvoiceSummary> {
    let hits: Option<HashSet<_>> = (!query.is_empty()).then(|| {
        store
            .matching_ids(Shelf::Documents, query)
            .unwrap()
            .into_iter()
            .collect()
    });
    store
        .invoice_summaries()
        .unwrap()
        .into_iter()
        .filter(|s| kind.is_none_or(|k| k == s.kind))
        .filter(|s| hits.as_ref().is_none_or(|h| h.contains(&s.id)))
        .collect()
}

#[test]
fn the_first_screen_opens_one_page_and_scrolling_opens_the_rest_once() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = demo_store(dir.path(), 300, 3);
        let oldest = store.invoice_summaries().unwrap().pop().unwrap();
        let base = store.summaries_opened();
        let mut h = app(dir.path(), store, size);
        wait_for(&mut h, "the first page", |h| {
            has(h, "300 de 300 comprobantes")
        });
        let store = store_of(&h);
        let first = store.summaries_opened() - base;
        assert!(
            (1..=PAGE).contains(&first),
            "{size:?}: the first screen opened {first} rows"
        );
        let oldest = oldest.number.to_string();
        assert!(!has(&h, &oldest), "{size:?}: the end is not loaded yet");

        scroll_to(&mut h, &oldest);
        let all = store.summaries_opened() - base;
        assert!(
            (300..=300 + PAGE).contains(&all),
            "{size:?}: scrolling to the end opened {all} rows (each page once)"
        );
    }
}

/// Scroll to the oldest document on whatever row is on screen.
fn scroll_to(h: &mut Harness<'static, KioskApp>, number: &str) {
    for _ in 0..600 {
        if has(h, number) {
            break;
        }
        h.get_all_by_label_contains("-00000")
            .last()
            .expect("a row on screen")
            .scroll_down();
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    wait_for(h, "the oldest row", |h| has(h, number));
}

#[test]
fn another_kind_starts_at_its_newest_document_not_where_the_list_was() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path(), 300, 3);
    let oldest = store.invoice_summaries().unwrap().pop().unwrap();
    let newest_boleta = store
        .document_page("", Some(DocumentKind::Boleta), 0, 1)
        .unwrap()
        .rows
        .remove(0);
    let mut h = app(dir.path(), store, (1280.0, 800.0));
    wait_for(&mut h, "the list", |h| has(h, "300 de 300 comprobantes"));
    scroll_to(&mut h, &oldest.number.to_string());
    click(&mut h, "Boletas");
    wait_for(&mut h, "the newest boleta at the top", |h| {
        has(h, &newest_boleta.number.to_string())
    });
}

#[test]
fn a_sale_opens_the_page_on_screen_again_not_the_list() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = app(dir.path(), demo_store(dir.path(), 300, 3), size);
        wait_for(&mut h, "the list", |h| has(h, "300 de 300 comprobantes"));
        let store = store_of(&h);
        let loaded = store.summaries_opened();

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
        let again = store.summaries_opened() - loaded;
        assert!(
            (1..=PAGE).contains(&again),
            "{size:?}: the sale opened {again} rows, not one page"
        );
        // The new document is the top row (the table lays out only the rows on screen).
        let newest = store.document_page("", None, 0, 1).unwrap().rows.remove(0);
        assert!(
            has(&h, &newest.number.to_string()),
            "{size:?}: {}",
            newest.number
        );
    }
}

#[test]
fn pages_are_the_full_list_for_every_query_and_kind() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path(), 250, 4);
    let some = store.invoice_summaries().unwrap();
    let buyer = some
        .iter()
        .find(|s| s.kind == DocumentKind::Factura)
        .unwrap();
    let plate = some.iter().find_map(|s| s.plate.clone()).unwrap();
    let queries = [
        "",
        "b001",
        buyer.buyer_name.as_str(),
        plate.as_str(),
        "no existe",
    ];
    let kinds = [
        None,
        Some(DocumentKind::Boleta),
        Some(DocumentKind::Factura),
        Some(DocumentKind::NotaDeCredito),
    ];
    for q in queries {
        for k in kinds {
            let want = expected(&store, q, k);
            // 7: pages that end inside the kinds' runs, not on round numbers.
            assert_eq!(paged(&store, q, k, 7), want, "{q:?} {k:?}");
            let page = store.document_page(q, k, 0, 7).unwrap();
            assert_eq!((page.total, page.all), (want.len(), 250), "{q:?} {k:?}");
        }
    }
    assert!(store.archived_matches("", None).unwrap().is_empty());
}
