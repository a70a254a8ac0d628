//! Two real kiosks and a real server: the pull feed, last-writer-wins on HLC, and
//! conflicts recorded for review.

use crate::sync_support;

use motordesk::store::{Resolution, Side};
use motordesk::sync::sync_once;
use motordesk_core::Customer;
use motordesk_core::IdKind;
use motordesk_core::Invoice;
use motordesk_core::SyncStatus;
use motordesk_core::{Plate, Vehicle};
use sync_support::*;
use uuid::Uuid;

fn sync(k: &Kiosk) {
    let report = sync_once(&k.store, &k.client()).unwrap();
    assert_eq!(report.rejected, 0, "{report:?}");
}

fn current(k: &Kiosk, id: Uuid) -> motordesk_core::Stored<Customer> {
    k.store.get::<Customer>(id).unwrap().unwrap()
}

/// Saves `edit` on `k` until its stamp orders after `other` (same-millisecond ties are
/// broken by device id, so the order is forced rather than hoped for).
fn edit_after(
    k: &Kiosk,
    edit: Customer,
    other: &motordesk_core::Stored<Customer>,
) -> motordesk_core::Stored<Customer> {
    loop {
        let rec = k.store.save_customer(edit.clone()).unwrap();
        if rec.meta.hlc > other.meta.hlc {
            return rec;
        }
    }
}

/// A creates a customer and both kiosks have it, SYNCED.
fn shared_customer(server: &Server) -> (Kiosk, Kiosk, Customer) {
    let a = Kiosk::registered(server);
    let b = Kiosk::registered(server);
    let c = a.customer("45678912", "Juan Pérez Quispe");
    sync(&a);
    sync(&b);
    let on_b = b
        .store
        .customer_by_doc(IdKind::Dni, "45678912")
        .unwrap()
        .unwrap();
    assert_eq!(on_b.data, c);
    assert_eq!(on_b.meta.status, SyncStatus::Synced);
    assert_eq!(
        b.store.sync_counts().unwrap().unsynced(),
        0,
        "pulled records are not queued"
    );
    (a, b, c)
}

fn assert_converged(a: &Kiosk, b: &Kiosk, id: Uuid, expected: &Customer) {
    let (ra, rb) = (current(a, id), current(b, id));
    assert_eq!(&ra.data, expected);
    assert_eq!(&rb.data, expected);
    assert_eq!(ra.meta.hlc, rb.meta.hlc, "same winner stamp on both");
    for k in [a, b] {
        assert_eq!(current(k, id).meta.status, SyncStatus::Synced);
        k.assert_all_synced();
    }
}

#[test]
fn concurrent_edit_remote_newer_wins_and_the_local_edit_is_kept_for_review() {
    let server = Server::start();
    let (a, b, c) = shared_customer(&server);

    // Both offline: B edits first, A edits later (newer stamp).
    let b_edit = Customer {
        address: "Jr. Huallaga 200, Cercado".into(),
        ..c.clone()
    };
    let b_rec = b.store.save_customer(b_edit.clone()).unwrap();
    let a_edit = Customer {
        phone: "999111222".into(),
        ..c.clone()
    };
    edit_after(&a, a_edit.clone(), &b_rec);

    sync(&a);
    let report = sync_once(&b.store, &b.client()).unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    sync(&a);
    sync(&b);
    assert_converged(&a, &b, c.id, &a_edit);

    // The losing edit was not dropped silently: B keeps it for review.
    assert!(a.store.conflicts().unwrap().is_empty());
    let conflicts = b.store.conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    let k = &conflicts[0];
    assert_eq!((k.record_id, k.winner), (c.id, Side::Remote));
    assert_eq!(k.local["data"]["address"], "Jr. Huallaga 200, Cercado");
    assert_eq!(k.remote["data"]["phone"], "999111222");
    assert_eq!(b.store.conflict_count().unwrap(), 1);

    // The reviewer keeps B's version: it becomes current everywhere.
    b.store
        .resolve_conflict(k.id, Resolution::KeepLocal)
        .unwrap();
    assert!(b.store.conflicts().unwrap().is_empty());
    sync(&b);
    sync(&a);
    assert_converged(&a, &b, c.id, &b_edit);
}

#[test]
fn concurrent_edit_local_newer_wins_everywhere_and_is_still_recorded() {
    let server = Server::start();
    let (a, b, c) = shared_customer(&server);

    let a_edit = Customer {
        phone: "988000111".into(),
        ..c.clone()
    };
    let a_rec = a.store.save_customer(a_edit.clone()).unwrap();
    let b_edit = Customer {
        name: "Juan Pérez Quispe de la Cruz".into(),
        ..c.clone()
    };
    edit_after(&b, b_edit.clone(), &a_rec);

    sync(&a);
    let report = sync_once(&b.store, &b.client()).unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    sync(&a);
    assert_converged(&a, &b, c.id, &b_edit);

    let conflicts = b.store.conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].winner, Side::Local);
    assert_eq!(conflicts[0].remote["data"]["phone"], "988000111");

    // Taking the other version re-saves it with a newer stamp.
    b.store
        .resolve_conflict(conflicts[0].id, Resolution::TakeRemote)
        .unwrap();
    sync(&b);
    sync(&a);
    assert_converged(&a, &b, c.id, &a_edit);
    assert_eq!(b.store.conflict_count().unwrap(), 0);
}

#[test]
fn other_kiosks_invoices_and_vehicles_are_pulled_indexed_and_not_requeued() {
    let server = Server::start();
    let a = Kiosk::registered(&server);
    let b = Kiosk::registered(&server);
    let (sa, sb) = (a.store.settings().unwrap(), b.store.settings().unwrap());
    assert_ne!(
        sa.series.boleta, sb.series.boleta,
        "the server gives each kiosk its own series"
    );

    let owner = a.customer("10203040", "Rosa Huamán");
    let mut v = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Corolla").unwrap();
    v.owner_id = Some(owner.id);
    a.store.save_vehicle(v.clone()).unwrap();
    let from_a = a.issue(3);
    let from_b = b.issue(2);
    sync(&a);
    sync(&b);
    sync(&a);

    for k in [&a, &b] {
        k.assert_all_synced();
        assert_eq!(k.store.list::<Invoice>().unwrap().len(), 5);
        assert_eq!(k.store.invoice_summaries().unwrap().len(), 5);
        for n in from_a.iter().chain(&from_b) {
            let number = motordesk_core::DocumentNumber::parse(n).unwrap();
            let inv = k.store.invoice_by_number(&number).unwrap().expect(n);
            assert_eq!(inv.meta.status, SyncStatus::Synced);
        }
    }
    let on_b = b
        .store
        .vehicle_by_plate(&Plate::new("ABC123").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(on_b.data, v);
    assert_eq!(b.store.vehicles_of_owner(owner.id).unwrap().len(), 1);
    let all: Vec<String> = from_a.into_iter().chain(from_b).collect();
    assert_server_has_exactly(&server, &all);

    // A later local edit on B orders after everything B has seen from A.
    let edited = b
        .store
        .save_vehicle(Vehicle {
            notes: "Frenos revisados".into(),
            ..v
        })
        .unwrap();
    assert!(edited.meta.hlc > on_b.meta.hlc);
    sync(&b);
    sync(&a);
    assert_eq!(
        a.store
            .get::<Vehicle>(edited.data.id)
            .unwrap()
            .unwrap()
            .data
            .notes,
        "Frenos revisados"
    );
}

/// A stamp from a clock set to the far future (or forged) is merged as data but never
/// drags this kiosk's own clock along: its next edit carries a sane stamp.
#[test]
fn a_pulled_stamp_from_the_future_is_not_adopted() {
    let k = Kiosk::new();
    let other = Uuid::now_v7();
    let c = Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Ana", "", "", "").unwrap();
    let far = motordesk_core::Hlc {
        wall_ms: 9_000_000_000_000_000_000,
        counter: 0,
        device: other,
    };
    let now = chrono::Utc::now();
    let stored = motordesk_core::Stored {
        meta: motordesk_core::RecordMeta {
            created_at: now,
            modified_at: now,
            synced_at: None,
            status: SyncStatus::Synced,
            hlc: far,
            version: 1,
            account: "otro".into(),
        },
        data: c.clone(),
    };
    let change = motordesk_core::protocol::Change {
        seq: 1,
        origin_device: other,
        kind: motordesk_core::RecordKind::Customer,
        record_id: c.id,
        hlc: far,
        payload: serde_json::to_value(&stored).unwrap(),
    };
    k.store.merge_remote(&[change], "1").unwrap();
    let mine = Customer::new(Uuid::now_v7(), IdKind::Dni, "10203040", "Beto", "", "", "").unwrap();
    let saved = k.store.save_customer(mine).unwrap();
    let limit = chrono::Utc::now().timestamp_millis() + 5 * 60 * 1000;
    assert!(saved.meta.hlc.wall_ms < limit, "{:?}", saved.meta.hlc);
}
