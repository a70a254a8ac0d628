//! Parked tickets (one open ticket per car in the bay), by touch at 1024×768 and
//! 1280×800: two tickets parked (one named by its plate, typed on the on-screen keys, one
//! "Ticket 1"), switched between, one issued, the kiosk restarted on the same store and the
//! other still parked. And at the store: the sealed `parked_tickets` table round-trips
//! across a reopen, refuses a 13th ticket, and loses a ticket with its invoice's issue.

use crate::fixtures::{PASSWORD, SIZES, item, kiosk, new_shop, reopen};
use crate::screen::{click, has, press, wait_for};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use motordesk::store::{DB_FILE, MAX_PARKED, ParkError, ParkedTicket, Store};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{DocumentKind, Invoice, InvoiceDraft, Product, RecordKind, Unit, Vehicle};
use rust_decimal_macros::dec;
use std::path::Path;
use uuid::Uuid;

fn product(code: &str, name: &str, price: rust_decimal::Decimal) -> Product {
    item(code, name, "Servicio", Unit::Servicio, price, true)
}

/// A set-up shop with two quick keys and the vehicle ABC-123.
fn shop(dir: &Path) -> (Store, Product, Vehicle) {
    let store = new_shop(dir);
    let oil = store
        .save_product(product("SRV-001", "Cambio de aceite", dec!(35.00)))
        .unwrap()
        .data;
    store
        .save_product(product("FIL-001", "Filtro de aire", dec!(28.00)))
        .unwrap();
    let v = store
        .save_vehicle(Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Hilux").unwrap())
        .unwrap()
        .data;
    (store, oil, v)
}

fn ventas(dir: &Path, store: Store, size: (f32, f32)) -> Harness<'static, KioskApp> {
    kiosk(dir, store, PanelId::Ventas, size)
}

/// Types on the on-screen keys (no physical key events), capitals through Mayús.
fn type_on_keys(h: &mut Harness<'static, KioskApp>, text: &str) {
    for c in text.chars() {
        let name = format!("Tecla {c}");
        if h.query_by_label(&name).is_none() && c.is_uppercase() {
            h.get_by_label("Tecla Mayúsculas").click();
            h.run();
        }
        h.get_by_label(&name).click();
        h.run();
    }
    h.get_by_label("Tecla Listo").click();
    h.run();
}

fn tab_selected(h: &Harness<'static, KioskApp>, name: &str) -> bool {
    use egui::accesskit::Toggled;
    use egui_kittest::kittest::NodeT;
    h.get_all_by_label(name)
        .any(|n| n.accesskit_node().toggled() == Some(Toggled::True))
}

#[test]
fn park_two_switch_issue_one_and_the_other_survives_a_restart() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let (store, _, _) = shop(dir.path());
        let mut h = ventas(dir.path(), store, size);
        wait_for(&mut h, "quick keys", |h| has(h, "Cambio de aceite"));
        assert!(tab_selected(&h, "Ticket 1"), "{size:?}: the first ticket");

        // Car 1: plate typed on the keys, an oil change.
        h.get_by_label("Placa").click();
        h.run();
        type_on_keys(&mut h, "ABC123");
        wait_for(&mut h, "vehicle found", |h| has(h, "Toyota Hilux"));
        press(&mut h, "Cambio de aceite");
        assert!(tab_selected(&h, "ABC-123"), "{size:?}: named by its plate");
        press(&mut h, "+ Nuevo ticket");
        // Car 2: no vehicle, an air filter.
        assert!(tab_selected(&h, "Ticket 1"), "{size:?}: a new ticket");
        assert!(has(&h, "ABC-123"), "{size:?}: the first one parked");
        press(&mut h, "Filtro de aire");
        press(&mut h, "+ Nuevo ticket");
        assert!(tab_selected(&h, "Ticket 2"), "{size:?}: a third, empty");
        let store = h.state().store().unwrap().clone();
        let parked = store.parked_tickets().unwrap();
        let names: Vec<&str> = parked.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["ABC-123", "Ticket 1"], "{size:?}");

        // Back to the car with the plate: its line, plate and vehicle come back.
        press(&mut h, "ABC-123");
        assert!(tab_selected(&h, "ABC-123"));
        assert!(has(&h, "Toyota Hilux"), "{size:?}: vehicle restored");
        assert!(!has(&h, "Ticket 2"), "{size:?}: the empty ticket closed");
        press(&mut h, "EMITIR");
        wait_for(&mut h, "issued", |h| has(h, "Emitido: "));
        assert_eq!(store.count(RecordKind::Invoice).unwrap(), 1);
        let inv: Invoice = store.list::<Invoice>().unwrap().remove(0).data;
        assert_eq!(inv.totals.total, dec!(35.00));
        assert_eq!(inv.vehicle.as_ref().unwrap().plate, "ABC-123");
        let left = store.parked_tickets().unwrap();
        assert_eq!(left.len(), 1, "{size:?}: the issued ticket left");
        assert_eq!(left[0].name, "Ticket 1");
        assert!(!has(&h, "ABC-123"), "{size:?}: no tab for the issued one");

        // Restart: a new kiosk over the same data dir.
        drop(store);
        drop(h);
        let store = reopen(&dir.path().join(DB_FILE), "admin", PASSWORD);
        let mut h = ventas(dir.path(), store, size);
        wait_for(&mut h, "parked tab", |h| has(h, "Ticket 1"));
        assert!(
            !has(&h, "Filtro de aire ·"),
            "{size:?}: a fresh ticket on screen"
        );
        press(&mut h, "Ticket 1");
        assert!(tab_selected(&h, "Ticket 1"), "{size:?}");
        assert!(
            h.query_all_by_label("Filtro de aire").count() >= 1,
            "{size:?}: its line back"
        );
        assert!(has(&h, "28.00"), "{size:?}: the line's amount");
    }
}

fn ticket(store: &Store, name: &str, v: Option<&Vehicle>, p: &Product) -> ParkedTicket {
    let mut draft = InvoiceDraft::new(DocumentKind::Boleta);
    draft.lines.push(p.line(dec!(1)));
    let _ = store;
    ParkedTicket {
        id: Uuid::now_v7(),
        name: name.into(),
        draft,
        vehicle: v.cloned(),
        km: v.map(|_| 123_456),
        parked_at: chrono::Utc::now(),
    }
}

#[test]
fn parked_table_round_trips_sealed_refuses_a_thirteenth_and_loses_the_issued() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let (store, oil, car) = shop(dir.path());
    let a = ticket(&store, "ABC-123", Some(&car), &oil);
    let b = ticket(&store, "Ticket 1", None, &oil);
    assert_eq!(store.park_ticket(&a).unwrap(), 1);
    assert_eq!(store.park_ticket(&b).unwrap(), 2);
    // Parking again updates in place.
    let mut a2 = a.clone();
    a2.draft.lines[0].quantity = dec!(2);
    assert_eq!(store.park_ticket(&a2).unwrap(), 2);
    drop(store);

    // Sealed: neither the plate nor the line's text is readable in the file.
    let raw = std::fs::read(&path).unwrap();
    for needle in [&b"ABC123"[..], b"Ticket 1", b"Cambio de aceite"] {
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle),
            "{:?} in plain text",
            String::from_utf8_lossy(needle)
        );
    }

    // Round trip across a reopen, oldest first.
    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    assert_eq!(store.parked_tickets().unwrap(), vec![a2.clone(), b.clone()]);

    // The limit: a 13th new ticket is refused, in Spanish; an update still goes in.
    for i in 2..MAX_PARKED {
        store
            .park_ticket(&ticket(&store, &format!("Ticket {i}"), None, &oil))
            .unwrap();
    }
    let err = store
        .park_ticket(&ticket(&store, "Ticket 13", None, &oil))
        .unwrap_err();
    assert!(matches!(err, ParkError::Full(12)), "{err:?}");
    assert!(err.mensaje().contains("máximo"), "{}", err.mensaje());
    assert_eq!(store.park_ticket(&b).unwrap(), MAX_PARKED);

    // Issuing a ticket removes it with the invoice; a refused issue leaves it parked.
    let mut bad = a2.draft.clone();
    bad.lines.clear();
    assert!(store.issue_ticket(bad, a2.id, None).is_err());
    assert_eq!(store.parked_tickets().unwrap().len(), MAX_PARKED);
    let inv = store.issue_ticket(a2.draft.clone(), a2.id, None).unwrap();
    assert_eq!(inv.totals.total, dec!(70.00));
    let left = store.parked_tickets().unwrap();
    assert_eq!(left.len(), MAX_PARKED - 1);
    assert!(left.iter().all(|t| t.id != a2.id));
    // Dropping an emptied ticket.
    assert!(store.discard_parked(b.id).unwrap());
    assert!(!store.discard_parked(b.id).unwrap());
    assert_eq!(store.parked_tickets().unwrap().len(), MAX_PARKED - 2);
}

#[test]
fn a_thirteenth_open_ticket_is_refused_on_screen() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let (store, oil, _) = shop(dir.path());
        for i in 1..MAX_PARKED {
            store
                .park_ticket(&ticket(&store, &format!("Ticket {i}"), None, &oil))
                .unwrap();
        }
        let mut h = ventas(dir.path(), store, size);
        wait_for(&mut h, "quick keys", |h| has(h, "Cambio de aceite"));
        assert!(
            tab_selected(&h, "Ticket 12"),
            "{size:?}: the 12th, on screen"
        );
        press(&mut h, "Cambio de aceite");
        press(&mut h, "+ Nuevo ticket");
        assert!(has(&h, "el máximo"), "{size:?}: refused in Spanish");
        assert!(tab_selected(&h, "Ticket 12"), "{size:?}: still on it");
        let store = h.state().store().unwrap().clone();
        assert_eq!(store.parked_tickets().unwrap().len(), MAX_PARKED - 1);
        // Emptied by Nueva venta, a ticket frees its place.
        // Beyond the two rows the tab strip shows: scrolled to, then touched.
        click(&mut h, "Ticket 3");
        press(&mut h, "Nueva venta");
        // Ticket 12 was parked on the way; Ticket 3 left the store.
        let left = store.parked_tickets().unwrap();
        assert_eq!(left.len(), MAX_PARKED - 1, "{size:?}");
        assert!(left.iter().any(|t| t.name == "Ticket 12"));
        assert!(
            !left.iter().any(|t| t.name == "Ticket 3"),
            "{size:?}: closed"
        );
    }
}
