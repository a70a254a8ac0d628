//! Kiosks of a chain: real kiosk stores, registered with codes of two shops (two
//! establishments of one RUC) on one server, sync through the kiosk's own sync code —
//! each into its shop, pulling its shop's changes only. The server's side of the
//! isolation (forged tokens, foreign keys, ids and series, owners, both backends) is
//! `crates/motordesk-server/tests/tenants.rs`; this checks the kiosk protocol is unchanged
//! over it (tokens stay opaque to the kiosk).

use crate::sync_support::*;
use motordesk::sync::sync_once;
use motordesk_core::{Customer, Invoice};

fn names(k: &Kiosk) -> Vec<String> {
    let mut v: Vec<String> = k
        .store
        .list::<Customer>()
        .unwrap()
        .into_iter()
        .map(|c| c.data.name)
        .collect();
    v.sort();
    v
}

fn numbers(k: &Kiosk) -> Vec<String> {
    let mut v: Vec<String> = k
        .store
        .list::<Invoice>()
        .unwrap()
        .into_iter()
        .map(|i| i.data.number.to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn kiosks_of_two_shops_sync_each_into_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.redb");
    add_two_shops(&db);
    let codes = enrollment_codes(&db, &["1", "1", "2"]);
    let server = Server::start_on(&db, "127.0.0.1:0");
    let kiosk = |code: &str| Kiosk::enrolled(&server.url, code);
    let (norte, norte_2, sur) = (kiosk(&codes[0]), kiosk(&codes[1]), kiosk(&codes[2]));
    let series: Vec<String> = [&norte, &norte_2, &sur]
        .iter()
        .map(|k| k.store.settings().unwrap().series.boleta.to_string())
        .collect();
    assert_eq!(series, ["B001", "B002", "B003"], "series are the chain's");

    let mut sold = norte.issue(3);
    norte.customer("45678912", "Cliente del Norte");
    sur.issue(2);
    sur.customer("41234567", "Cliente del Sur");
    for k in [&norte, &sur] {
        sync_once(&k.store, &k.client()).unwrap();
        k.assert_all_synced();
    }

    // The other kiosk of Taller Norte gets Norte's sales and customer, nothing of Sur.
    sync_once(&norte_2.store, &norte_2.client()).unwrap();
    assert_eq!(names(&norte_2), ["Cliente del Norte"]);
    sold.sort();
    assert_eq!(numbers(&norte_2), sold);
    // Sur's kiosk pulled nothing of Norte's.
    sync_once(&sur.store, &sur.client()).unwrap();
    assert_eq!(names(&sur), ["Cliente del Sur"]);
    assert!(numbers(&sur).iter().all(|n| n.starts_with("B003-")));
    // And the default shop holds none of it.
    assert!(server.invoices().is_empty());
}
