//! A customer's page in Clientes, by touch at 1024×768 and 1280×800: found by typing on
//! the on-screen keys, it shows their vehicles, their documents newest first (50, then
//! "Ver más") and what they spent (sales minus credit notes). The store finds them
//! through the customer's own index rows: it opens exactly their list rows, none of the
//! shop's other documents.

use crate::fixtures::{SIZES, kiosk, new_shop, service_line};
use crate::screen::{click, has, press, wait_for};
use crate::touch_keyboard::{fill, tap};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::{HISTORY_PAGE, Store};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{
    Buyer, Customer, DocumentKind, IdDocument, IdKind, Invoice, InvoiceDraft, Modifies, NoteReason,
    SaleLine, Vehicle, soles,
};

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::path::Path;
use uuid::Uuid;

/// What a node says: a button's label, or a text label's value (egui puts a label's
/// text there).
fn text_of(n: &egui_kittest::Node<'_>) -> Option<String> {
    let a = n.accesskit_node();
    a.label().or_else(|| a.value())
}

/// Juan's documents: 2 boletas, 52 notas de venta, 1 credit note.
const JUANS: usize = 55;
/// Everybody else's.
const OTHERS: usize = 40;

fn line(price: Decimal) -> SaleLine {
    service_line("SRV", "Cambio de aceite", price)
}

fn sale(store: &Store, kind: DocumentKind, buyer: &Buyer, price: Decimal) -> Invoice {
    let mut d = InvoiceDraft::new(kind);
    d.buyer = buyer.clone();
    d.lines = vec![line(price)];
    store.issue_invoice(d).unwrap()
}

struct Shop {
    store: Store,
    juan: Uuid,
    /// Juan's documents in the order issued.
    docs: Vec<Invoice>,
    spent: Decimal,
}

fn shop(dir: &Path) -> Shop {
    let store = new_shop(dir);
    let c = Customer::new(
        Uuid::now_v7(),
        IdKind::Dni,
        "45678912",
        "Juan Pérez",
        "Av. Arequipa 100",
        "987654321",
        "",
    )
    .unwrap();
    let juan = store.save_customer(c).unwrap().data;
    for (plate, model) in [("ABC-123", "Hilux"), ("XYZ-789", "Corolla")] {
        let mut v = Vehicle::new(Uuid::now_v7(), plate, "Toyota", model).unwrap();
        v.owner_id = Some(juan.id);
        v.odometer_km = 45_000;
        store.save_vehicle(v).unwrap();
    }
    let buyer = Buyer {
        customer_id: Some(juan.id),
        id: juan.doc.clone(),
        name: juan.name.clone(),
        address: juan.address.clone(),
    };
    let other = Buyer {
        customer_id: None,
        id: IdDocument::new(IdKind::Dni, "41234567").unwrap(),
        name: "Rosa Quispe".into(),
        address: String::new(),
    };
    let mut docs = Vec::new();
    docs.push(sale(&store, DocumentKind::Boleta, &buyer, dec!(118.00)));
    for i in 0..52 {
        docs.push(sale(&store, DocumentKind::NotaDeVenta, &buyer, dec!(10.00)));
        if i % 2 == 0 && i / 2 < OTHERS {
            sale(&store, DocumentKind::NotaDeVenta, &other, dec!(99.00));
        }
    }
    for _ in 26..OTHERS {
        sale(&store, DocumentKind::NotaDeVenta, &other, dec!(99.00));
    }
    let returned = sale(&store, DocumentKind::Boleta, &buyer, dec!(59.00));
    docs.push(returned.clone());
    let mut note = InvoiceDraft::new(DocumentKind::NotaDeCredito);
    note.buyer = buyer.clone();
    note.lines = vec![line(dec!(59.00))];
    note.modifies = Some(Modifies::of(
        &returned,
        NoteReason::DevolucionTotal,
        "Aceite devuelto",
    ));
    docs.push(store.issue_invoice(note).unwrap());
    assert_eq!(docs.len(), JUANS);
    let spent = docs
        .iter()
        .map(|d| match d.kind {
            DocumentKind::NotaDeCredito => -d.totals.total,
            _ => d.totals.total,
        })
        .sum();
    Shop {
        store,
        juan: juan.id,
        docs,
        spent,
    }
}

#[test]
fn the_history_opens_only_the_customers_own_rows() {
    let dir = tempfile::tempdir().unwrap();
    let s = shop(dir.path());
    assert_eq!(s.store.invoice_summaries().unwrap().len(), JUANS + OTHERS);
    let before = s.store.summaries_opened();
    let h = s.store.customer_history(s.juan, HISTORY_PAGE).unwrap();
    assert_eq!(
        s.store.summaries_opened() - before,
        JUANS as u64,
        "only Juan's rows were opened, none of the other {OTHERS}"
    );
    assert_eq!(h.document_count, JUANS);
    assert_eq!(h.documents.len(), HISTORY_PAGE);
    assert_eq!(h.spent, s.spent);
    assert_eq!(
        h.spent,
        dec!(118.00) + dec!(520.00),
        "the returned boleta nets to 0"
    );
    // Newest first: the credit note, then the boleta it returned.
    assert_eq!(h.documents[0].id, s.docs[JUANS - 1].id);
    assert_eq!(h.documents[1].id, s.docs[JUANS - 2].id);
    assert!(h.documents[1].fully_credited());
    let plates: Vec<String> = h.vehicles.iter().map(|v| v.plate.display()).collect();
    assert_eq!(plates, ["ABC-123", "XYZ-789"]);
    // Somebody with nothing: an empty history, not an error.
    let none = s
        .store
        .customer_history(Uuid::now_v7(), HISTORY_PAGE)
        .unwrap();
    assert_eq!((none.document_count, none.spent), (0, Decimal::ZERO));
}

fn clientes(dir: &Path, store: Store, size: (f32, f32)) -> Harness<'static, KioskApp> {
    kiosk(dir, store, PanelId::Clientes, size)
}

#[test]
fn a_customers_page_shows_vehicles_documents_and_total_spent() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let s = shop(dir.path());
        let (spent, docs) = (s.spent, s.docs.clone());
        let mut h = clientes(dir.path(), s.store, size);
        fill(&mut h, "Buscar cliente (nombre o documento)", "perez");
        tap(&mut h, "Tecla Listo");
        wait_for(&mut h, "Juan found", |h| has(h, "45678912 · Juan Pérez"));
        press(&mut h, "45678912 · Juan Pérez");
        let summary = format!(
            "2 vehículos · {JUANS} comprobantes · Total gastado: {}",
            soles(spent)
        );
        wait_for(&mut h, "the summary", |h| has(h, &summary));
        // Above the form: on screen without scrolling.
        let top = h.get_by_label(&summary).rect();
        assert!(top.bottom() < size.1 / 2.0, "{size:?}: summary at the top");
        // The form first, as before; the history one touch away.
        assert!(has(&h, "Guardar cliente"), "{size:?}");
        assert!(!has(&h, "Historial del cliente"), "{size:?}");
        click(&mut h, "Historial");
        assert!(
            !has(&h, "Guardar cliente"),
            "{size:?}: the tab replaces the form"
        );

        assert!(has(&h, "ABC-123 · Toyota Hilux · 45,000 km"), "{size:?}");
        assert!(has(&h, "XYZ-789 · Toyota Corolla"), "{size:?}");
        let number = |i: usize| docs[i].number.to_string();
        // The credit note first, with a minus; the boleta it returned says so.
        let nc = format!(
            "Nota de crédito {} · −\u{a0}{}",
            number(JUANS - 1),
            soles(dec!(59.00)).replace(' ', "\u{a0}")
        );
        assert!(has(&h, &nc), "{size:?}: {nc}");
        let rows: Vec<String> = h
            .query_all_by_label_contains(&number(JUANS - 2))
            .filter_map(|n| text_of(&n))
            .collect();
        let credited = rows
            .iter()
            .find(|l| l.starts_with(char::is_numeric))
            .unwrap_or_else(|| panic!("no row of {} among {rows:?}", number(JUANS - 2)));
        assert!(credited.ends_with("con nota de crédito"), "{credited}");
        // 50 shown; the 5 oldest wait behind Ver más.
        let shown =
            |h: &Harness<'static, KioskApp>, i: usize| has(h, &format!(" {} · ", number(i)));
        assert!(shown(&h, JUANS - HISTORY_PAGE), "{size:?}: the 50th newest");
        assert!(
            !shown(&h, 0),
            "{size:?}: the oldest is not on the first page"
        );
        click(&mut h, "Ver más (5 anteriores)");
        wait_for(&mut h, "the older ones", |h| shown(h, 0));
        assert!(!has(&h, "Ver más"), "{size:?}: nothing more to see");
        click(&mut h, "Datos del cliente");
        assert!(has(&h, "Guardar cliente"), "{size:?}: back to the form");
    }
}
