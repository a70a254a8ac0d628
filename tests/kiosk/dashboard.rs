//! The manager's Resumen, at 1024×768 and 1280×800: after three documents (a cash
//! boleta, a boleta paid part in cash and part by Yape, a credit note on it) the bars and
//! rows say the right amounts per hour, per method and per service and product, today's
//! total is the Caja's (Z report) for the same documents, and a cashier never sees the
//! panel. Also: a sale after the first look opens one document, not all of them again.

use crate::fixtures::{SIZES, cashier_logs_in, hire_cashier, item, kiosk, new_shop};
use crate::screen::{click, has, wait_for};
use chrono::Timelike;
use egui_kittest::kittest::Queryable;
use motordesk::store::{DB_FILE, RecentSales, Store};
use motordesk::ui::PanelId;
use motordesk_core::{
    DocumentKind, Invoice, InvoiceDraft, Modifies, NoteReason, Payment, PaymentMethod, Product,
    Unit, lima_date, soles, to_lima,
};

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn product(name: &str, unit: Unit, price: Decimal) -> Product {
    let code: String = name.chars().take(6).collect();
    item(&code, name, "Taller", unit, price, false)
}

/// A boleta of `lines`, paid by `parts` (one part: the whole total by that method).
fn sell(store: &Store, lines: &[(&Product, u32)], parts: &[(PaymentMethod, Decimal)]) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines = lines
        .iter()
        .map(|(p, q)| p.line(Decimal::from(*q)))
        .collect();
    d.payment = if parts.len() == 1 {
        Payment {
            method: parts[0].0,
            ..Default::default()
        }
    } else {
        let mut p = Payment::default();
        for (m, a) in parts {
            p.add_part(*m, *a).unwrap();
        }
        p
    };
    store.issue_invoice(d).unwrap()
}

/// Three documents: S/ 180.50 cash (oil change + oil), S/ 205.50 split S/ 50 cash +
/// S/ 155.50 Yape (oil + two filters), and a credit note giving one filter back in cash
/// (S/ 30). Returns the documents.
fn three_documents(store: &Store) -> Vec<Invoice> {
    let service = product("Cambio de aceite", Unit::Servicio, dec!(35.00));
    let oil = product("Aceite 20W-50 galón", Unit::Unidad, dec!(145.50));
    let filter = product("Filtro de aceite", Unit::Unidad, dec!(30.00));
    for p in [&service, &oil, &filter] {
        store.save_product(p.clone()).unwrap();
    }
    let cash = sell(
        store,
        &[(&service, 1), (&oil, 1)],
        &[(PaymentMethod::Efectivo, dec!(180.50))],
    );
    let split = sell(
        store,
        &[(&oil, 1), (&filter, 2)],
        &[
            (PaymentMethod::Efectivo, dec!(50)),
            (PaymentMethod::Yape, dec!(155.50)),
        ],
    );
    let mut note = InvoiceDraft::new(DocumentKind::NotaDeCredito);
    note.buyer = split.buyer.clone();
    note.lines = vec![filter.line(Decimal::ONE)];
    note.modifies = Some(Modifies::of(
        &split,
        NoteReason::DevolucionPorItem,
        "Filtro devuelto",
    ));
    let nc = store.issue_invoice(note).unwrap();
    vec![cash, split, nc]
}

#[test]
fn a_manager_sees_today_by_hour_method_service_and_product_as_the_caja_adds_them() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = new_shop(dir.path());
        let docs = three_documents(&store);
        // The Z report of the same shift: the Resumen must say the same.
        let z = store.shift_so_far().unwrap();
        assert_eq!(z.total, dec!(356.00));
        let mut recent = RecentSales::default();
        let today = lima_date(chrono::Utc::now());
        let figures = store.dashboard(&mut recent, today).unwrap();
        assert_eq!(figures.today.total, z.total, "{size:?}: the day's total");
        assert_eq!(figures.today.tally, z.tally, "{size:?}: per method");
        assert_eq!(figures.today.documents, z.documents);

        let mut h = kiosk(dir.path(), store, PanelId::Ventas, size);
        wait_for(&mut h, "the navigation", |h| has(h, "Resumen"));
        click(&mut h, "Resumen");
        wait_for(&mut h, "the figures", |h| has(h, "Ventas de hoy por hora"));
        assert!(!has(&h, "Calculando…"), "{size:?}");
        assert!(
            has(&h, &soles(z.total)),
            "{size:?}: today's total, the Caja's"
        );
        assert!(has(&h, "3 comprobantes"), "{size:?}");
        // Each document at its own hour (a test run across an hour's end splits them).
        let mut by_hour = std::collections::BTreeMap::<u32, Decimal>::new();
        for d in &docs {
            let sign = if d.kind == DocumentKind::NotaDeCredito {
                -Decimal::ONE
            } else {
                Decimal::ONE
            };
            *by_hour.entry(to_lima(d.issued_at).hour()).or_default() += sign * d.totals.total;
        }
        for (hour, total) in by_hour {
            let bar = format!("{hour:02}:00 a {hour:02}:59: {}", soles(total));
            assert!(h.query_by_label(&bar).is_some(), "{size:?}: bar {bar:?}");
        }
        // Today's bar in the 30 days.
        let day = format!(": {} (3 comprobantes)", soles(dec!(356.00)));
        assert!(has(&h, &day), "{size:?}: today's bar among the 30 days");
        // The split counts per part; the credit note gives cash back.
        for row in [
            "Efectivo: S/ 200.50 (56 %)",
            "Yape: S/ 155.50 (44 %)",
            "Cambio de aceite: S/ 35.00 × 1",
            "Aceite 20W-50 galón: S/ 291.00 × 2",
            "Filtro de aceite: S/ 30.00 × 1",
        ] {
            assert!(h.query_by_label(row).is_some(), "{size:?}: row {row:?}");
        }
        assert!(!has(&h, "Tarjeta:"), "{size:?}: no card money today");
        // Ranked by quantity, the filters (1) come after the oil (2) too.
        click(&mut h, "Por cantidad");
        assert!(
            h.query_by_label("Aceite 20W-50 galón: S/ 291.00 × 2")
                .is_some()
        );
        click(&mut h, "30 días");
        assert!(h.query_by_label("Efectivo: S/ 200.50 (56 %)").is_some());
    }
}

#[test]
fn a_cashier_does_not_see_the_resumen() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let admin = new_shop(dir.path());
        three_documents(&admin);
        hire_cashier(&admin);
        drop(admin);
        let cajera = cashier_logs_in(dir.path());
        // Even asked to start there, the kiosk opens Ventas.
        let mut h = kiosk(dir.path(), cajera, PanelId::Resumen, size);
        wait_for(&mut h, "the navigation", |h| has(h, "Comprobantes"));
        h.run();
        assert!(
            h.query_by_label("Resumen").is_none(),
            "{size:?}: no Resumen button, no Resumen heading"
        );
        assert!(!has(&h, "Ventas de hoy por hora"), "{size:?}");
        assert!(!has(&h, "Medios de pago"), "{size:?}");
        assert_eq!(h.state().panel(), Some(PanelId::Ventas), "{size:?}");
    }
}

#[test]
fn after_the_first_look_a_sale_opens_one_document_not_all_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_shop(dir.path());
    three_documents(&store);
    let today = lima_date(chrono::Utc::now());
    let mut recent = RecentSales::default();
    let first = store.refresh_recent_sales(&mut recent, today).unwrap();
    assert_eq!((first.walked, first.opened), (3, 3));
    let again = store.refresh_recent_sales(&mut recent, today).unwrap();
    assert_eq!(
        (again.walked, again.opened),
        (3, 0),
        "nothing new, nothing opened"
    );
    let extra = product("Lavado", Unit::Servicio, dec!(25.00));
    store.save_product(extra.clone()).unwrap();
    sell(&store, &[(&extra, 1)], &[(PaymentMethod::Plin, dec!(25))]);
    let after = store.refresh_recent_sales(&mut recent, today).unwrap();
    assert_eq!((after.walked, after.opened), (4, 1));
    let d = store.dashboard(&mut recent, today).unwrap();
    assert_eq!(d.today.total, dec!(381.00));
    assert_eq!(recent.documents(), 4);
    // Thirty days on, none of them is in the window any more.
    let later = today + chrono::Days::new(30);
    let d = store.dashboard(&mut recent, later).unwrap();
    assert_eq!(d.month.total, Decimal::ZERO);
    assert_eq!(recent.documents(), 0);
}

#[test]
fn history_from_before_the_window_is_read_from_its_list_row_and_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join(DB_FILE), "admin", "secreto123", "Ana").unwrap();
    // Two years of demo history, backdated: every id is from today, so every row is in
    // the key range the Resumen walks.
    motordesk::demo::generate(&store, 60, 7).unwrap();
    let today = lima_date(chrono::Utc::now());
    let mut recent = RecentSales::default();
    let c = store.refresh_recent_sales(&mut recent, today).unwrap();
    assert_eq!((c.walked, c.skimmed), (60, 60));
    let in_window = store
        .list::<Invoice>()
        .unwrap()
        .iter()
        .filter(|i| i.data.issued_at >= motordesk_core::window_start_utc(today))
        .count() as u64;
    assert!(
        in_window < 60,
        "the demo spreads 60 documents over two years"
    );
    assert_eq!(
        c.opened, in_window,
        "only the window's documents are opened"
    );
    assert_eq!(recent.documents() as u64, in_window);
}
