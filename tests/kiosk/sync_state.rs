//! Sync status outside the sealed record (schema 2): marking a batch SYNCING or SYNCED
//! keeps every status the screens and the merge read; a store written by the schema-1
//! build (`fixtures/store-v1.redb`, made by the build before this change: one customer
//! SYNCING, one vehicle SYNCED, three notas de venta FAILED / rejected / PENDING) opens,
//! migrates and keeps its state.

use crate::fixtures::service_line;
use crate::fixtures::{PASSWORD, temp_shop};
use crate::sync_support::customer_status;
use chrono::{Duration, Utc};
use motordesk::store::{SCHEMA_VERSION, Store, schema_version};
use motordesk_core::{Customer, DocumentKind, IdKind, Invoice, InvoiceDraft};
use motordesk_core::{RecordKind, SyncStatus, Vehicle};
use rust_decimal::Decimal;
use uuid::Uuid;

fn nota(store: &Store, i: i64) -> Invoice {
    let mut d = InvoiceDraft::new(DocumentKind::NotaDeVenta);
    d.lines.push(service_line(
        "SRV-001",
        "Lavado",
        Decimal::new(3_000 + i, 2),
    ));
    store.issue_invoice(d).unwrap()
}

/// The outbox entries waiting to be pushed, by sequence number.
fn pending_seqs(store: &Store) -> Vec<u64> {
    store
        .outbox_with_status(SyncStatus::Pending, 10)
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect()
}

fn summary_status(store: &Store, id: Uuid) -> SyncStatus {
    store
        .invoice_summaries()
        .unwrap()
        .into_iter()
        .find(|s| s.id == id)
        .unwrap()
        .status
}

#[test]
fn a_batch_marked_syncing_then_synced_keeps_every_status_across_a_restart() {
    let (_dir, path, store) = temp_shop();
    let a = nota(&store, 1);
    let b = nota(&store, 2);
    let c = store
        .save_customer(
            Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Rosa", "", "", "").unwrap(),
        )
        .unwrap();
    let seqs = pending_seqs(&store);
    assert_eq!(seqs.len(), 3);

    store.mark_syncing(&seqs).unwrap();
    assert_eq!(store.sync_counts().unwrap().syncing, 3);
    let e = store.outbox_entry(seqs[0]).unwrap().unwrap();
    assert_eq!((e.status, e.attempts), (SyncStatus::Syncing, 1));
    assert_eq!(
        store.get::<Invoice>(a.id).unwrap().unwrap().meta.status,
        SyncStatus::Syncing
    );
    assert_eq!(customer_status(&store, c.data.id), SyncStatus::Syncing);

    // The customer is edited while its version 1 is in flight: version 2 stays PENDING
    // when version 1's ack arrives.
    let mut edited = c.data.clone();
    edited.name = "Rosa Quispe".into();
    store.save_customer(edited).unwrap();
    let at = Utc::now();
    store.mark_synced(&seqs, at).unwrap();
    drop(store);

    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    for id in [a.id, b.id] {
        let inv = store.get::<Invoice>(id).unwrap().unwrap();
        assert_eq!(inv.meta.status, SyncStatus::Synced);
        assert_eq!(inv.meta.synced_at, Some(at));
        assert_eq!(summary_status(&store, id), SyncStatus::Synced);
    }
    let cust = store.get::<Customer>(c.data.id).unwrap().unwrap();
    assert_eq!(
        (cust.meta.version, cust.meta.status),
        (2, SyncStatus::Pending)
    );
    let counts = store.sync_counts().unwrap();
    assert_eq!((counts.pending, counts.syncing, counts.failed), (1, 0, 0));

    // A failure shows on the list row too, and a retry brings it back.
    let seq = store.outbox_with_status(SyncStatus::Pending, 10).unwrap()[0].seq;
    store.mark_syncing(&[seq]).unwrap();
    store
        .mark_failed(seq, "sin conexión", Utc::now() + Duration::minutes(1))
        .unwrap();
    let e = store.outbox_entry(seq).unwrap().unwrap();
    assert_eq!((e.status, e.attempts), (SyncStatus::Failed, 1));
    assert_eq!(e.last_error.as_deref(), Some("sin conexión"));
    assert_eq!(customer_status(&store, c.data.id), SyncStatus::Failed);
    store.retry_now(&[seq]).unwrap();
    assert_eq!(customer_status(&store, c.data.id), SyncStatus::Pending);
    assert_eq!(
        store.outbox_entry(seq).unwrap().unwrap().status,
        SyncStatus::Pending
    );
}

#[test]
fn a_schema_1_store_opens_migrated_with_its_sync_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("motordesk.redb");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/kiosk/fixtures/store-v1.redb"
        ),
        &path,
    )
    .unwrap();
    let store = Store::unlock(&path, "admin", "clave-segura").unwrap();
    assert_eq!(schema_version(&store).unwrap(), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 2);

    let counts = store.sync_counts().unwrap();
    assert_eq!((counts.pending, counts.syncing, counts.failed), (1, 1, 2));
    let failed = store.outbox_with_status(SyncStatus::Failed, 10).unwrap();
    let retried = failed.iter().find(|e| !e.rejected).unwrap();
    assert_eq!(retried.attempts, 1);
    assert_eq!(retried.last_error.as_deref(), Some("connection refused"));
    assert!(retried.next_attempt_at.is_some());
    let rejected = failed.iter().find(|e| e.rejected).unwrap();
    assert_eq!(rejected.next_attempt_at, None);
    let syncing = &store.outbox_with_status(SyncStatus::Syncing, 10).unwrap()[0];
    assert_eq!((syncing.kind, syncing.attempts), (RecordKind::Customer, 1));

    let rosa = store.search_customers("nunez", 10).unwrap();
    assert_eq!(rosa.len(), 1);
    assert_eq!(rosa[0].meta.status, SyncStatus::Syncing);
    let yaris = store.search_vehicles("abc123", 10).unwrap();
    assert_eq!(yaris[0].meta.status, SyncStatus::Synced);
    assert!(yaris[0].meta.synced_at.is_some());

    // The kiosk's start puts SYNCING back to PENDING, then everything can be pushed.
    assert_eq!(store.reset_syncing().unwrap(), 1);
    store.retry_now(&[retried.seq, rejected.seq]).unwrap();
    let all = pending_seqs(&store);
    assert_eq!(all.len(), 4);
    store.mark_syncing(&all).unwrap();
    store.mark_synced(&all, Utc::now()).unwrap();
    assert_eq!(store.sync_counts().unwrap().unsynced(), 0);
    for s in store.invoice_summaries().unwrap() {
        assert_eq!(s.status, SyncStatus::Synced, "{}", s.number);
        let inv = store.get::<Invoice>(s.id).unwrap().unwrap();
        assert_eq!(inv.meta.status, SyncStatus::Synced);
    }
    assert_eq!(
        store.list::<Vehicle>().unwrap()[0].meta.status,
        SyncStatus::Synced
    );
    drop(store);
    // Opened again: already schema 2, nothing to migrate, state kept.
    let store = Store::unlock(&path, "admin", "clave-segura").unwrap();
    assert_eq!(store.sync_counts().unwrap().unsynced(), 0);
}
