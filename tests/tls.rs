//! The server over TLS with a shop's own certificate: a kiosk that trusts it registers,
//! logs a user in and syncs; plain HTTP and an untrusting client are refused.

#[path = "kiosk/sync_support/mod.rs"]
mod sync_support;

use motordesk::store::Store;
use motordesk::sync::{CA_CERT_ENV, Client, SyncError, sync_once};
use motordesk_core::protocol::{ServerInvoice, TEST_INVOICES};
use std::time::Duration;
use sync_support::{ENROLLMENT, Server, issue_boleta, wait_for};

#[test]
fn kiosk_syncs_over_tls_with_the_shop_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let ck =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .unwrap();
    let (cert, key) = (dir.path().join("server.pem"), dir.path().join("server.key"));
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    let server = Server::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--add-user",
        "lucia:turno:cajero",
    ]);
    let https = format!("https://{}", server.addr);

    // Plain HTTP to the TLS port gets no answer a client can use.
    let plain = Client::new(&server.url, None, Duration::from_secs(5));
    assert!(matches!(plain.health(), Err(SyncError::Transport(_))));

    // A client that does not trust the shop certificate refuses the server.
    let untrusting = Client::new(&https, None, Duration::from_secs(5));
    assert!(matches!(untrusting.health(), Err(SyncError::Transport(_))));

    // SAFETY: this test binary has a single test, so no other thread reads the
    // environment while it changes.
    unsafe { std::env::set_var(CA_CERT_ENV, &cert) };
    let path = dir.path().join("motordesk.redb");
    let store = Store::create(&path, "admin", "clave-admin", "Admin").unwrap();
    motordesk::demo::configure_shop(&store).unwrap();
    motordesk::sync::register(&https, ENROLLMENT, &store).unwrap();
    let numbers: Vec<String> = (0..5)
        .map(|i| issue_boleta(&store, i).number.to_string())
        .collect();
    let settings = store.settings().unwrap();
    let client = Client::new(
        &settings.server_url,
        settings.device_token.clone(),
        Duration::from_secs(20),
    );
    wait_for(30, "sync over TLS", || {
        sync_once(&store, &client).ok()?;
        (store.sync_counts().unwrap().unsynced() == 0).then_some(())
    });
    let on_server: Vec<ServerInvoice> = Client::new(&https, None, Duration::from_secs(20))
        .get_json(TEST_INVOICES, None)
        .unwrap();
    let mut got: Vec<String> = on_server.into_iter().map(|i| i.number).collect();
    got.sort();
    assert_eq!(got, numbers, "each sale exactly once, over TLS");
    drop(store);

    // A server user's first login on this kiosk also goes over TLS.
    let (store, session) = motordesk::sync::login(&path, "lucia", "turno").unwrap();
    assert_eq!(store.account(), "lucia");
    assert!(session.is_some());
}
