//! A push sends each record's JSON as the store holds it (`Store::outbox_payloads`, no
//! rebuild through `serde_json::Value`) and commits each batch's acks without an fsync,
//! flushing once at the end (`mark_synced_unflushed`, `flush_acks`; issue 13). After the
//! push the acks are on disk like any commit, and the server holds exactly what was sent.

use crate::sync_support::{
    Kiosk, Server, assert_server_has_exactly, issue_boleta, registered_store,
};

use motordesk::store::Store;
use motordesk::sync::{Client, SyncOptions, sync_once, sync_once_with};
use motordesk_core::{Customer, IdKind, Invoice, SyncStatus};
use std::time::Duration;
use uuid::Uuid;

#[test]
fn a_push_in_many_batches_is_synced_after_a_restart_and_each_record_arrives_as_held() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("motordesk.redb");
    let store = registered_store(&path, "clave-segura-1", "Admin", &server);
    let issued: Vec<String> = (0..23)
        .map(|i| issue_boleta(&store, i).number.to_string())
        .collect();
    // A name with every kind of character JSON escapes or encodes.
    let name = "Rosa \"la Ñusta\" Núñez\\Peña";
    let customer = store
        .save_customer(
            Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", name, "", "", "").unwrap(),
        )
        .unwrap()
        .data;

    let s = store.settings().unwrap();
    let client = Client::new(&s.server_url, s.device_token, Duration::from_secs(20));
    let opts = SyncOptions {
        batch_size: 5,
        ..SyncOptions::default()
    };
    let report = sync_once_with(&store, &client, &opts).unwrap();
    assert_eq!(report.requests, 5, "24 entries in batches of 5");
    assert_eq!((report.applied, report.remaining), (24, 0));
    assert_server_has_exactly(&server, &issued);
    drop(store);

    // The acks were committed unflushed, batch by batch, then flushed: all of them are in
    // the file opened again (a crash before the flush would push them again, as
    // `sync_faults::syncing_left_by_a_crash_is_pushed_again_and_deduplicated` checks).
    let store = Store::unlock(&path, "admin", "clave-segura-1").unwrap();
    assert_eq!(store.sync_counts().unwrap().unsynced(), 0);
    for inv in store.list::<Invoice>().unwrap() {
        assert_eq!(inv.meta.status, SyncStatus::Synced, "{}", inv.data.number);
        assert!(inv.meta.synced_at.is_some(), "{}", inv.data.number);
    }
    let c = store.get::<Customer>(customer.id).unwrap().unwrap();
    assert_eq!(c.meta.status, SyncStatus::Synced);
    // Nothing is pushed again.
    let again = sync_once(&store, &client).unwrap();
    assert_eq!((again.requests, again.applied), (0, 0));

    // Another kiosk of the shop pulls the customer exactly as it was held.
    let other = Kiosk::registered(&server);
    sync_once(&other.store, &other.client()).unwrap();
    let pulled = other.store.get::<Customer>(customer.id).unwrap().unwrap();
    assert_eq!(pulled.data, customer);
}
