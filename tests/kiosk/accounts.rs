//! Accounts end to end with a real server process: first login through the server,
//! offline login with the cached credentials, wrong password, expired session, pending
//! work kept across logout and synced at the next online login.

use crate::sync_support;

use motordesk::store::{Store, StoreError};
use motordesk::sync::{Client, LoginError, login, sync_once, whoami};
use motordesk_core::Customer;
use motordesk_core::IdKind;
use motordesk_core::Role;
use std::time::Duration;
use sync_support::{ENROLLMENT, Server, wait_for};
use uuid::Uuid;

#[test]
fn a_server_user_logs_in_online_once_then_offline() {
    let mut server = Server::start_with(&[
        "--add-user",
        "lucia:turno-mañana:cajero",
        "--user-token-ttl",
        "3",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("motordesk.redb");
    {
        let admin = Store::create(&path, "admin", "clave-admin", "Admin").unwrap();
        motordesk::demo::configure_shop(&admin).unwrap();
        admin
            .save_customer(
                Customer::new(
                    Uuid::now_v7(),
                    IdKind::Dni,
                    "45678912",
                    "Rosa Quispe",
                    "",
                    "",
                    "",
                )
                .unwrap(),
            )
            .unwrap();
        motordesk::sync::register(&server.url, ENROLLMENT, &admin).unwrap();
    } // admin logs out

    // Wrong password: refused by the server, nothing opened, nothing cached.
    let e = login(&path, "lucia", "otra-clave").unwrap_err();
    assert!(matches!(e, LoginError::Sync(_)), "{e}");
    assert_eq!(e.mensaje(), "Usuario o contraseña incorrectos.");

    // First login: the server vouches for her and releases the kiosk's escrow key.
    let (store, session) = login(&path, "lucia", "turno-mañana").unwrap();
    let session = session.expect("went through the server");
    assert_eq!(store.account(), "lucia");
    assert_eq!(store.user("lucia").unwrap().unwrap().role, Role::Cajero);
    assert_eq!(
        store.search_customers("rosa", 5).unwrap().len(),
        1,
        "she sees the shop's data"
    );
    assert_eq!(
        whoami(&server.url, &session.token).unwrap().username,
        "lucia"
    );

    // She makes a sale-side change, then logs out with it still pending.
    let c = Customer::new(
        Uuid::now_v7(),
        IdKind::Dni,
        "45678913",
        "Luis Flores",
        "",
        "",
        "",
    )
    .unwrap();
    store.save_customer(c.clone()).unwrap();
    drop(store);

    // The session token expires on the server.
    wait_for(20, "session expiry", || {
        match whoami(&server.url, &session.token) {
            Err(LoginError::SessionExpired) => Some(()),
            _ => None,
        }
    });
    assert_eq!(
        LoginError::SessionExpired.mensaje(),
        "La sesión expiró; vuelva a ingresar."
    );

    // Server down: her cached credentials still open the kiosk; pending work is there,
    // tied to her account.
    server.kill();
    // An unknown user cannot get in offline, with a clear message.
    let e = login(&path, "pedro", "x").unwrap_err();
    assert!(e.mensaje().contains("no hay conexión"), "{}", e.mensaje());
    // A wrong password offline is just wrong.
    let e = login(&path, "lucia", "mal").unwrap_err();
    assert_eq!(e.mensaje(), "Usuario o contraseña incorrectos.");
    let (store, session) = login(&path, "lucia", "turno-mañana").unwrap();
    assert!(session.is_none(), "offline login uses the local key slot");
    let pending = store.outbox_due(chrono::Utc::now(), 10).unwrap();
    assert!(
        pending
            .iter()
            .any(|e| e.record_id == c.id && e.account == "lucia")
    );

    // Next online login: the pending work syncs.
    server.restart();
    let settings = store.settings().unwrap();
    let client = Client::new(
        &settings.server_url,
        settings.device_token.clone(),
        Duration::from_secs(20),
    );
    wait_for(30, "sync", || {
        sync_once(&store, &client).ok()?;
        (store.sync_counts().unwrap().unsynced() == 0).then_some(())
    });
    let synced = store.get::<Customer>(c.id).unwrap().unwrap();
    assert!(synced.meta.synced_at.is_some());
    assert_eq!(synced.meta.account, "lucia");
}

#[test]
fn without_registration_there_is_no_server_login() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("motordesk.redb");
    drop(Store::create(&path, "admin", "clave-admin", "Admin").unwrap());
    let e = login(&path, "lucia", "x").unwrap_err();
    assert!(matches!(e, LoginError::Store(StoreError::UnknownUser(_))));
    assert_eq!(e.mensaje(), "Usuario o contraseña incorrectos.");
    assert!(
        login(&path, "@server", "x").is_err(),
        "the escrow slot is not a user"
    );
}
