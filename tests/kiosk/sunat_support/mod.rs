//! Shared by the tests that talk to SUNAT from a kiosk (sending, voiding): the real
//! stand-in process, the demo shop pointed at it, documents to issue, and the few steps
//! the touch flows need. One copy, so both suites set the shop up the same way.
#![allow(dead_code)]

#[path = "../../../crates/motordesk-sunat/tests/transport_support/mod.rs"]
pub mod transport_support;

use motordesk::store::{DB_FILE, Store};
use motordesk::sync::sunat_client;
use motordesk_core::{
    Buyer, DocumentKind, FiscalState, IdDocument, IdKind, Invoice, InvoiceDraft, Modifies,
    NoteReason, SaleLine,
};

use motordesk_sunat::SunatClient;
use rust_decimal::Decimal;
use std::path::Path;
use transport_support::Standin;
use uuid::Uuid;

pub fn standin() -> Standin {
    Standin::start(&[])
}

/// A shop in a temp dir of its own, pointed at a stand-in of its own (`shop`): (the dir,
/// the stand-in process — both must outlive the test —, the store, its SUNAT client).
pub fn shop_with_standin() -> (tempfile::TempDir, Standin, Store, SunatClient) {
    let dir = tempfile::tempdir().unwrap();
    let standin = standin();
    let (store, client) = shop(dir.path(), &standin);
    (dir, standin, store, client)
}

/// Points the shop's sending at `standin` with SUNAT's beta credentials (MODDATOS), as
/// an administrator would set it in Ajustes.
pub fn point_at(store: &Store, standin: &Standin) {
    let mut s = store.settings().unwrap();
    s.sunat_endpoint = standin.bill_url();
    s.sunat_consult_endpoint = standin.consult_url();
    s.sunat_user = "MODDATOS".into();
    s.sunat_password = "moddatos".into();
    store.save_settings(&s).unwrap();
}

/// The demo shop (SUNAT's test RUC, self-signed certificate), pointed at `standin` with
/// the beta credentials, as an administrator would set it in Ajustes.
pub fn shop(dir: &Path, standin: &Standin) -> (Store, SunatClient) {
    let store = Store::create(&dir.join(DB_FILE), "admin", "clave-admin", "Admin").unwrap();
    motordesk::demo::setup_shop(&store).unwrap();
    assert!(
        sunat_client(&store.settings().unwrap()).is_none(),
        "no client while no endpoint is set"
    );
    point_at(&store, standin);
    let client = sunat_client(&store.settings().unwrap()).expect("configured");
    (store, client)
}

/// A credit or debit note of `of` for `price`.
pub fn note(store: &Store, kind: DocumentKind, of: &Invoice, price: Decimal) -> Invoice {
    let reason = match kind {
        DocumentKind::NotaDeCredito => NoteReason::DevolucionPorItem,
        _ => NoteReason::Penalidades,
    };
    let mut n = InvoiceDraft::new(kind);
    n.buyer = of.buyer.clone();
    n.lines = vec![line("Ajuste del servicio", price)];
    n.modifies = Some(Modifies::of(of, reason, ""));
    store.issue_invoice(n).unwrap()
}

/// One unit of a service (code SRV) at `price`.
pub fn line(desc: &str, price: Decimal) -> SaleLine {
    crate::fixtures::service_line("SRV", desc, price)
}

pub fn boleta(store: &Store, price: Decimal) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines = vec![line("Cambio de aceite", price)];
    store.issue_invoice(d).unwrap()
}

pub fn factura(store: &Store, price: Decimal) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::Factura);
    d.buyer = Buyer {
        customer_id: None,
        id: IdDocument::new(IdKind::Ruc, "20131312955").unwrap(),
        name: "TRANSPORTES ANDINOS S.A.C.".into(),
        address: "AV. ARGENTINA 2450, LIMA".into(),
    };
    d.lines = vec![line("Mantenimiento preventivo", price)];
    store.issue_invoice(d).unwrap()
}

pub fn state(store: &Store, id: Uuid) -> FiscalState {
    store
        .fiscal_state(id)
        .unwrap()
        .expect("a SUNAT document")
        .state
}
