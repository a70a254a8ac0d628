//! The store on a real redb file in a temp dir: records and outbox together, sync
//! status transitions, indexes, numbering, immutability, reopen, migrations.

use crate::fixtures::{PASSWORD, temp_shop};
use crate::sync_support::customer_status;
use chrono::Utc;
use motordesk::store::{Store, StoreError};
use motordesk_core::Customer;
use motordesk_core::DocumentKind;
use motordesk_core::DomainError;
use motordesk_core::IdKind;
use motordesk_core::Product;
use motordesk_core::TaxAffectation;
use motordesk_core::{Buyer, InvoiceDraft, Modifies, NoteReason, ServicedVehicle, Unit};
use motordesk_core::{OdometerCheck, Plate, Vehicle};
use motordesk_core::{RecordKind, SyncStatus};
use rust_decimal_macros::dec;
use uuid::Uuid;

fn customer(doc: &str, name: &str) -> Customer {
    let kind = if doc.len() == 11 {
        IdKind::Ruc
    } else {
        IdKind::Dni
    };
    Customer::new(
        Uuid::now_v7(),
        kind,
        doc,
        name,
        "Av. Argentina 1234",
        "987654321",
        "",
    )
    .unwrap()
}

fn oil(store: &Store) -> Product {
    let p = Product {
        id: Uuid::now_v7(),
        code: "ACE-001".into(),
        name: "Aceite 10W-40 (1 gl)".into(),
        category: "Aceites".into(),
        unit: Unit::Galon,
        price: dec!(125.00),
        affectation: TaxAffectation::Gravado,
        quick_key: true,
        change_every_km: Some(5_000),
        active: true,
    };
    store.save_product(p.clone()).unwrap();
    p
}

#[test]
fn a_save_writes_record_and_outbox_entry_together() {
    let (_d, _p, store) = temp_shop();
    let c = store
        .save_customer(customer("45678912", "Rosa Quispe"))
        .unwrap();
    assert_eq!(c.meta.status, SyncStatus::Pending);
    assert_eq!(c.meta.version, 1);
    assert_eq!(c.meta.account, "admin");
    let due = store.outbox_due(Utc::now(), 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, RecordKind::Customer);
    assert_eq!(due[0].record_id, c.data.id);
    assert_eq!(store.sync_counts().unwrap().pending, 1);
    // A second edit before sync is the same mutation, brought up to date.
    let mut edited = c.data.clone();
    edited.phone = "912345678".into();
    let c2 = store.save_customer(edited).unwrap();
    assert_eq!(c2.meta.version, 2);
    let due = store.outbox_due(Utc::now(), 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].version, 2);
    assert_eq!(c2.meta.created_at, c.meta.created_at);
}

#[test]
fn sync_status_goes_pending_syncing_synced_with_synced_at() {
    let (_d, _p, store) = temp_shop();
    let c = store
        .save_customer(customer("45678912", "Rosa Quispe"))
        .unwrap();
    let seq = store.outbox_due(Utc::now(), 10).unwrap()[0].seq;
    store.mark_syncing(&[seq]).unwrap();
    assert_eq!(customer_status(&store, c.data.id), SyncStatus::Syncing);
    assert_eq!(store.sync_counts().unwrap().syncing, 1);
    let at = Utc::now();
    store.mark_synced(&[seq], at).unwrap();
    let rec = store.get::<Customer>(c.data.id).unwrap().unwrap();
    assert_eq!(rec.meta.status, SyncStatus::Synced);
    assert_eq!(rec.meta.synced_at, Some(at));
    assert_eq!(store.sync_counts().unwrap().unsynced(), 0);
    assert!(store.outbox_entry(seq).unwrap().is_none());
}

#[test]
fn an_edit_while_in_flight_queues_a_new_mutation() {
    let (_d, _p, store) = temp_shop();
    let c = store
        .save_customer(customer("45678912", "Rosa Quispe"))
        .unwrap();
    let first = store.outbox_due(Utc::now(), 10).unwrap()[0].clone();
    store.mark_syncing(&[first.seq]).unwrap();
    let mut edited = c.data.clone();
    edited.name = "Rosa Quispe Mamani".into();
    store.save_customer(edited).unwrap();
    // The ack of the old version must not mark the newer one synced.
    store.mark_synced(&[first.seq], Utc::now()).unwrap();
    let rec = store.get::<Customer>(c.data.id).unwrap().unwrap();
    assert_eq!(rec.meta.status, SyncStatus::Pending);
    let due = store.outbox_due(Utc::now(), 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_ne!(due[0].idempotency_key, first.idempotency_key);
    assert_eq!(due[0].version, 2);
}

#[test]
fn failed_items_back_off_rejected_ones_wait_for_a_person() {
    let (_d, _p, store) = temp_shop();
    store
        .save_customer(customer("45678912", "Rosa Quispe"))
        .unwrap();
    store
        .save_customer(customer("20131312955", "Transportes Rímac S.A.C."))
        .unwrap();
    let due = store.outbox_due(Utc::now(), 10).unwrap();
    let (a, b) = (due[0].seq, due[1].seq);
    store.mark_syncing(&[a, b]).unwrap();
    let later = Utc::now() + chrono::Duration::seconds(30);
    store.mark_failed(a, "connection refused", later).unwrap();
    store.mark_rejected(b, "RUC inválido").unwrap();
    assert_eq!(store.sync_counts().unwrap().failed, 2);
    assert!(store.outbox_due(Utc::now(), 10).unwrap().is_empty());
    let after = store.outbox_due(later, 10).unwrap();
    assert_eq!(
        after.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![a],
        "rejected is not retried by itself"
    );
    assert_eq!(store.next_retry_at().unwrap(), Some(later));
    store.retry_now(&[b]).unwrap();
    let now_due: Vec<u64> = store
        .outbox_due(Utc::now(), 10)
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(now_due, vec![b]);
}

#[test]
fn syncing_left_by_a_crash_is_pending_again_after_reopen() {
    let (_d, path, store) = temp_shop();
    store
        .save_customer(customer("45678912", "Rosa Quispe"))
        .unwrap();
    let seq = store.outbox_due(Utc::now(), 10).unwrap()[0].seq;
    store.mark_syncing(&[seq]).unwrap();
    drop(store);
    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    assert_eq!(store.reset_syncing().unwrap(), 1);
    let e = store.outbox_entry(seq).unwrap().unwrap();
    assert_eq!(e.status, SyncStatus::Pending);
    assert_eq!(e.attempts, 1);
}

#[test]
fn everything_is_there_after_reopen() {
    let (_d, path, store) = temp_shop();
    let p = oil(&store);
    let c = store
        .save_customer(customer("20131312955", "Transportes Rímac S.A.C."))
        .unwrap()
        .data;
    let v = Vehicle::new(Uuid::now_v7(), "abc 123", "Toyota", "Hilux").unwrap();
    store.save_vehicle(v.clone()).unwrap();
    let mut d = InvoiceDraft::new(DocumentKind::Factura);
    d.buyer = Buyer {
        customer_id: Some(c.id),
        id: c.doc.clone(),
        name: c.name.clone(),
        address: c.address.clone(),
    };
    d.lines.push(p.line(dec!(2)));
    let inv = store.issue_invoice(d).unwrap();
    drop(store);

    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    assert_eq!(store.get::<Customer>(c.id).unwrap().unwrap().data, c);
    assert_eq!(
        store
            .vehicle_by_plate(&Plate::new("ABC-123").unwrap())
            .unwrap()
            .unwrap()
            .data
            .id,
        v.id
    );
    assert_eq!(
        store
            .customer_by_doc(IdKind::Ruc, "20131312955")
            .unwrap()
            .unwrap()
            .data
            .id,
        c.id
    );
    let again = store.invoice_by_number(&inv.number).unwrap().unwrap().data;
    assert_eq!(again, inv);
    assert_eq!(again.number.to_string(), "F001-00000001");
    assert_eq!(again.totals.total, dec!(250.00));
    assert_eq!(store.invoices_of_customer(c.id).unwrap().len(), 1);
    assert_eq!(store.invoice_summaries().unwrap()[0].number, inv.number);
    assert_eq!(store.sync_counts().unwrap().pending, 4);
}

#[test]
fn numbering_is_gap_free_per_series_and_credit_notes_use_their_own() {
    let (_d, _p, store) = temp_shop();
    let p = oil(&store);
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        d.lines.push(p.line(dec!(1)));
        numbers.push(store.issue_invoice(d).unwrap());
    }
    let shown: Vec<String> = numbers.iter().map(|i| i.number.to_string()).collect();
    assert_eq!(shown, ["B001-00000001", "B001-00000002", "B001-00000003"]);

    let mut nv = InvoiceDraft::new(DocumentKind::NotaDeVenta);
    nv.lines.push(p.line(dec!(1)));
    assert_eq!(
        store.issue_invoice(nv).unwrap().number.to_string(),
        "NV01-00000001"
    );

    let orig = &numbers[1];
    let mut nc = InvoiceDraft::new(DocumentKind::NotaDeCredito);
    nc.lines.push(p.line(dec!(1)));
    nc.modifies = Some(Modifies::of(
        orig,
        NoteReason::DevolucionTotal,
        "Cliente devolvió el aceite",
    ));
    let credit = store.issue_invoice(nc).unwrap();
    assert_eq!(credit.number.to_string(), "BC01-00000001");

    // A refused document does not consume a number.
    let mut bad = InvoiceDraft::new(DocumentKind::Factura);
    bad.lines.push(p.line(dec!(1)));
    assert!(matches!(
        store.issue_invoice(bad),
        Err(StoreError::Domain(DomainError::FacturaNeedsRuc))
    ));
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines.push(p.line(dec!(1)));
    assert_eq!(
        store.issue_invoice(d).unwrap().number.to_string(),
        "B001-00000004"
    );
}

#[test]
fn bad_input_is_refused_with_a_spanish_message_and_nothing_is_saved() {
    let (_d, _p, store) = temp_shop();
    let p = oil(&store);
    // Negative quantity.
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines.push(p.line(dec!(-1)));
    let e = store.issue_invoice(d).unwrap_err();
    assert!(matches!(
        e,
        StoreError::Domain(DomainError::NegativeQuantity)
    ));
    assert_eq!(e.mensaje(), "La cantidad no puede ser negativa.");
    // Boleta over S/ 700 without a buyer.
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines.push(p.line(dec!(6)));
    let e = store.issue_invoice(d).unwrap_err();
    assert!(e.mensaje().contains("700"), "{}", e.mensaje());
    // Duplicate customer document.
    store
        .save_customer(customer("45678912", "Rosa Quispe"))
        .unwrap();
    let e = store
        .save_customer(customer("45678912", "Otra Persona"))
        .unwrap_err();
    assert!(matches!(e, StoreError::DuplicateDocument { .. }));
    assert!(e.mensaje().contains("Rosa Quispe"));
    // Duplicate plate, whatever its spelling.
    store
        .save_vehicle(Vehicle::new(Uuid::now_v7(), "ABC-123", "Kia", "Rio").unwrap())
        .unwrap();
    let e = store
        .save_vehicle(Vehicle::new(Uuid::now_v7(), "abc123", "Kia", "Rio").unwrap())
        .unwrap_err();
    assert_eq!(e.mensaje(), "Ya existe un vehículo con la placa ABC-123.");
    assert_eq!(store.count(RecordKind::Invoice).unwrap(), 0);
    assert_eq!(store.count(RecordKind::Customer).unwrap(), 1);
    assert_eq!(store.count(RecordKind::Vehicle).unwrap(), 1);
}

#[test]
fn a_new_vehicle_and_its_first_km_are_saved_together() {
    let (_d, _p, store) = temp_shop();
    let v = Vehicle::new(Uuid::now_v7(), "XYZ-789", "Nissan", "Sentra").unwrap();
    let saved = store.save_vehicle_with_km(v.clone(), Some(12_000)).unwrap();
    assert_eq!(saved.data.odometer_km, 12_000, "the answer carries the km");
    let stored = store.get::<Vehicle>(v.id).unwrap().unwrap();
    assert_eq!(stored.data.odometer_km, 12_000);
    let history = store.odometer_history(v.id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].data.km, 12_000);
    // A km below the last one refuses the whole save: the edit is not half kept.
    let mut edited = stored.data.clone();
    edited.model = "Sentra B17".into();
    assert!(store.save_vehicle_with_km(edited, Some(11_000)).is_err());
    let after = store.get::<Vehicle>(v.id).unwrap().unwrap();
    assert_eq!(after.data.model, "Sentra");
    assert_eq!(after.data.odometer_km, 12_000);
}

#[test]
fn odometer_below_last_is_refused_and_a_sale_with_it_is_not_issued() {
    let (_d, _p, store) = temp_shop();
    let p = oil(&store);
    let v = Vehicle::new(Uuid::now_v7(), "A1B-234", "Hyundai", "Accent").unwrap();
    store.save_vehicle(v.clone()).unwrap();
    assert_eq!(
        store.update_odometer(v.id, 45_000).unwrap(),
        OdometerCheck::Ok
    );
    let e = store.update_odometer(v.id, 44_000).unwrap_err();
    assert!(matches!(
        e,
        StoreError::Domain(DomainError::OdometerBelowLast {
            last_km: 45_000,
            new_km: 44_000
        })
    ));
    assert!(e.mensaje().contains("menor que la última lectura"));
    assert_eq!(
        store.update_odometer(v.id, 120_000).unwrap(),
        OdometerCheck::ImplausibleJump { delta_km: 75_000 }
    );
    // An invoice whose km is below the last reading is refused whole.
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines.push(p.line(dec!(1)));
    d.vehicle = Some(ServicedVehicle {
        vehicle_id: v.id,
        plate: "A1B-234".into(),
        odometer_km: Some(100_000),
    });
    let before = store.sync_counts().unwrap();
    assert!(store.issue_invoice(d.clone()).is_err());
    assert_eq!(store.count(RecordKind::Invoice).unwrap(), 0);
    assert_eq!(store.sync_counts().unwrap(), before);
    // With a good km the sale records the reading and resets the oil-change counter.
    d.vehicle.as_mut().unwrap().odometer_km = Some(121_000);
    let inv = store.issue_invoice(d).unwrap();
    assert_eq!(
        inv.number.to_string(),
        "B001-00000001",
        "the refused sale consumed no number"
    );
    let km: Vec<u32> = store
        .odometer_history(v.id)
        .unwrap()
        .iter()
        .map(|r| r.data.km)
        .collect();
    assert_eq!(km, [45_000, 120_000, 121_000]);
    let veh = store.get::<Vehicle>(v.id).unwrap().unwrap().data;
    assert_eq!(veh.odometer_km, 121_000);
    assert_eq!(veh.last_service_km, Some(121_000));
    assert_eq!(store.invoices_of_vehicle(v.id).unwrap()[0].data.id, inv.id);
    // Editing the vehicle cannot lower its odometer.
    let mut edit = veh.clone();
    edit.odometer_km = 10;
    edit.brand = "Hyundai Motor".into();
    assert_eq!(store.save_vehicle(edit).unwrap().data.odometer_km, 121_000);
}

#[test]
fn customer_search_ignores_case_and_accents() {
    let (_d, _p, store) = temp_shop();
    store
        .save_customer(customer("45678912", "José Núñez Paredes"))
        .unwrap();
    store
        .save_customer(customer("20131312955", "Transportes Rímac S.A.C."))
        .unwrap();
    let hits = |q: &str| -> Vec<String> {
        store
            .search_customers(q, 10)
            .unwrap()
            .into_iter()
            .map(|c| c.data.name)
            .collect()
    };
    assert_eq!(hits("nunez"), ["José Núñez Paredes"]);
    assert_eq!(hits("RIMAC trans"), ["Transportes Rímac S.A.C."]);
    assert_eq!(hits("2013131"), ["Transportes Rímac S.A.C."]);
    assert!(hits("zzz").is_empty());
}

#[test]
fn demo_data_is_valid_and_mostly_synced_history() {
    let (_d, _p, store) = temp_shop();
    let r = motordesk::demo::generate(&store, 300, 7).unwrap();
    assert_eq!(r.invoices, 300);
    assert!(r.customers >= 20 && r.vehicles >= r.customers);
    assert_eq!(store.count(RecordKind::Invoice).unwrap(), 300);
    for inv in store.list::<motordesk_core::Invoice>().unwrap() {
        inv.data
            .verify()
            .unwrap_or_else(|e| panic!("{}: {e}", inv.data.number));
    }
    for c in store.list::<Customer>().unwrap() {
        motordesk_core::IdDocument::new(c.data.doc.kind, &c.data.doc.number).unwrap();
    }
    let counts = store.sync_counts().unwrap();
    // The newest 12 documents with their odometer readings, vehicles and signed XML.
    assert!(counts.pending >= 24 && counts.pending <= 48, "{counts:?}");
    assert_eq!(store.invoice_summaries().unwrap().len(), 300);
}

#[test]
fn migrations_run_once_in_order_and_a_newer_file_is_refused() {
    use motordesk::store::{
        MigrationStep, SCHEMA_VERSION, StoreResult, run_migrations, schema_version,
    };
    let (_d, path, store) = temp_shop();
    assert_eq!(schema_version(&store).unwrap(), SCHEMA_VERSION);
    store
        .save_customer(customer("45678912", "Rosa Quispe"))
        .unwrap();
    // Empty steps stand in for a schema change past this build's: what is tested is the
    // hook (the store is already at SCHEMA_VERSION, so only the last step runs).
    fn next(_s: &Store, _t: &redb::WriteTransaction) -> StoreResult<()> {
        Ok(())
    }
    let steps = vec![next as MigrationStep; SCHEMA_VERSION as usize];
    run_migrations(&store, &steps).unwrap();
    assert_eq!(schema_version(&store).unwrap(), SCHEMA_VERSION + 1);
    run_migrations(&store, &steps).unwrap();
    assert_eq!(
        schema_version(&store).unwrap(),
        SCHEMA_VERSION + 1,
        "no step runs twice"
    );
    drop(store);
    // This build does not know that schema: it refuses the file instead of misreading it.
    let e = Store::unlock(&path, "admin", PASSWORD).unwrap_err();
    assert!(e.to_string().contains("newer than this program"), "{e}");
}

#[test]
fn texts_past_their_limit_are_refused_on_save_and_never_queued() {
    let (_d, _p, store) = temp_shop();
    let before = store.sync_counts().unwrap().pending;
    let long = "x".repeat(motordesk_core::MAX_SHORT + 1);
    let v = Vehicle::new(Uuid::now_v7(), "ABC-123", &long, "Rio").unwrap();
    let err = store.save_vehicle(v).unwrap_err();
    assert!(err.mensaje().contains("hasta 60"), "{}", err.mensaje());
    assert_eq!(
        store.sync_counts().unwrap().pending,
        before,
        "nothing queued"
    );
    let mut p = oil(&store);
    let before = store.sync_counts().unwrap().pending;
    p.name = "y".repeat(motordesk_core::MAX_DESCRIPTION + 1);
    assert!(store.save_product(p).is_err());
    assert_eq!(
        store.sync_counts().unwrap().pending,
        before,
        "nothing queued"
    );
}
