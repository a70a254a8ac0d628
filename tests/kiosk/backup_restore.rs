//! Kiosk backups against a real server process: a kiosk with documents, customers,
//! vehicles and records still in its outbox uploads its sealed snapshot; an
//! administrator restores it onto a fresh data dir, which holds the same data and outbox
//! and continues numbering after the highest number anyone has (no repeat). And the
//! refusals: a backup over the limit, a kiosk asking for another's, a cashier restoring.

use crate::fixtures::login_screen;
use crate::screen::{click, harness, has, tap, type_into, wait_for, wait_for_text};
use crate::sync_support::{
    ENROLLMENT, Kiosk, Server, add_two_shops, assert_server_has_exactly, enrollment_codes,
    listening_address, registered_store, server_exe,
};

use egui_kittest::kittest::Queryable;
use motordesk::store::{BackupError, Store, StoreError};
use motordesk::sync::{
    SyncError, restore_from_server, restore_list, restore_login, restore_login_in, restore_mensaje,
    restore_needs_shop, sync_once, upload_backup,
};
use motordesk::ui::{AppOptions, KioskApp};
use motordesk_core::protocol::{DEVICE_BACKUP, DEVICE_COMPROBANTE, MAX_BACKUP_BYTES};
use motordesk_core::{Customer, Invoice, SyncStatus, Vehicle};
use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use uuid::Uuid;

const ADMIN: &str = "jefe:clave-jefe-1:admin";
const CASHIER: &str = "caja:clave-caja-1:cajero";

/// What must survive a restore, read from a store.
#[derive(Debug, PartialEq, Eq)]
struct Contents {
    customers: BTreeSet<(Uuid, String, u64)>,
    vehicles: BTreeSet<(Uuid, String)>,
    documents: BTreeSet<(String, String)>,
    /// (seq, record id, status) of every outbox entry not yet synced.
    outbox: BTreeSet<(u64, Uuid, String)>,
}

fn contents(store: &Store) -> Contents {
    use motordesk_core::SyncStatus::*;
    let mut outbox = BTreeSet::new();
    for s in [Pending, Syncing, Failed] {
        for e in store.outbox_with_status(s, usize::MAX).unwrap() {
            outbox.insert((e.seq, e.record_id, format!("{:?}", e.status)));
        }
    }
    Contents {
        customers: store
            .list::<Customer>()
            .unwrap()
            .into_iter()
            .map(|c| (c.data.id, c.data.name.clone(), c.meta.version))
            .collect(),
        vehicles: store
            .list::<Vehicle>()
            .unwrap()
            .into_iter()
            .map(|v| (v.data.id, v.data.plate.to_string()))
            .collect(),
        documents: store
            .list::<Invoice>()
            .unwrap()
            .into_iter()
            .map(|i| (i.data.number.to_string(), i.data.totals.total.to_string()))
            .collect(),
        outbox,
    }
}

/// Restores `backup` into a new store at `path` as the chain's administrator "jefe"
/// (whose password the restored store keeps), with the session `token`.
fn restore_as_jefe(
    server: &Server,
    token: &str,
    backup: &motordesk_core::protocol::BackupInfo,
    path: &std::path::Path,
) -> motordesk::sync::SyncResult<Store> {
    restore_from_server(&server.url, token, backup, path, "jefe", "clave-jefe-1")
}

#[test]
fn a_restored_kiosk_has_the_same_data_and_outbox_and_never_repeats_a_number() {
    let server = Server::start_with(&["--add-user", ADMIN, "--add-user", CASHIER]);
    let kiosk = Kiosk::registered(&server);
    // Signed documents: their XML goes to the server (and comes back after a restore).
    motordesk::demo::setup_shop(&kiosk.store).unwrap();
    let client = kiosk.client();
    // Synced history: two customers, a vehicle, three documents.
    let ana = kiosk.customer("45678912", "Ana Quispe");
    kiosk.customer("40000001", "Luis Rojas");
    let mut car = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Yaris").unwrap();
    car.owner_id = Some(ana.id);
    kiosk.store.save_vehicle_with_km(car, Some(42_000)).unwrap();
    let mut issued = kiosk.issue(3);
    sync_once(&kiosk.store, &client).unwrap();
    kiosk.assert_all_synced();
    // Still in the outbox when the backup is taken: two documents, a new customer, an
    // edited one, a vehicle.
    issued.extend(kiosk.issue(2));
    kiosk.customer("40000002", "Rosa Huamán");
    let mut edited = ana.clone();
    edited.name = "Ana Quispe Mamani".into();
    kiosk.store.save_customer(edited).unwrap();
    kiosk
        .store
        .save_vehicle(Vehicle::new(Uuid::now_v7(), "XYZ-987", "Kia", "Rio").unwrap())
        .unwrap();
    let before = contents(&kiosk.store);
    assert_eq!(before.documents.len(), 5);
    assert!(before.outbox.len() >= 5, "{:?}", before.outbox);

    let bytes = upload_backup(&kiosk.store, &client, MAX_BACKUP_BYTES).unwrap();
    let status = kiosk.store.backup_status().unwrap();
    assert_eq!(status.last_ok.map(|(_, b)| b), Some(bytes));
    assert!(!status.due(chrono::Utc::now()), "a backup was just made");
    // The snapshot is sealed: no name, plate or number of the shop in it.
    let sealed = std::fs::read(
        server
            .db
            .with_file_name("backups")
            .join(kiosk.store.device_id().to_string())
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap();
    assert_eq!(sealed.len() as u64, bytes);
    for secret in ["Quispe", "ABC123", "XYZ987", "B001-00000001", "Rosa"] {
        assert!(
            !sealed.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} readable in the backup"
        );
    }

    // After the backup the old PC sold once more and pushed it (with the two pending
    // documents) before it died: the server has numbers the snapshot does not.
    let after_backup = kiosk.issue(1);
    issued.extend(after_backup.clone());
    sync_once(&kiosk.store, &client).unwrap();
    assert_server_has_exactly(&server, &issued);
    // What the restored kiosk must hold: every document the old PC had (the one sold
    // after the backup comes back from the server, synced), the snapshot's outbox.
    let mut expected = contents(&kiosk.store);
    expected.outbox = before.outbox.clone();
    assert_eq!(expected.documents.len(), 6);

    // The new PC: an administrator of the server restores the kiosk.
    let session = restore_login(&server.url, "jefe", "clave-jefe-1").unwrap();
    let list = restore_list(&server.url, &session.token).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].device_id, kiosk.store.device_id());
    assert_eq!(list[0].bytes, bytes);
    let new_pc = tempfile::tempdir().unwrap();
    let path = new_pc.path().join("motordesk.redb");
    let restored = restore_as_jefe(&server, &session.token, &list[0], &path).unwrap();
    assert_eq!(restored.device_id(), kiosk.store.device_id());
    assert_eq!(
        contents(&restored),
        expected,
        "same documents, customers, vehicles and outbox"
    );
    assert!(!restored.pulling_own().unwrap(), "caught up with the feed");
    // The document sold after the backup: once, SYNCED, and it prints again.
    let sold_after: Vec<_> = restored
        .list::<Invoice>()
        .unwrap()
        .into_iter()
        .filter(|i| i.data.number.to_string() == after_backup[0])
        .collect();
    assert_eq!(sold_after.len(), 1, "{after_backup:?} once");
    assert_eq!(sold_after[0].meta.status, SyncStatus::Synced);
    // Its signed XML came back too: the reprint carries the same hash as the original.
    let id = sold_after[0].data.id;
    let xml = restored
        .comprobante_xml(id)
        .unwrap()
        .expect("signed XML taken back");
    let original = kiosk.store.comprobante_xml(id).unwrap().unwrap();
    assert_eq!(xml.xml, original.xml);
    assert!(xml.digest.is_some());
    assert_eq!(xml.digest, original.digest);
    let layout = motordesk::receipt::ReceiptLayout::build(
        &sold_after[0].data,
        &restored.settings().unwrap(),
        motordesk::store::Paper::Ticket80,
        xml.digest.as_deref(),
    );
    let text = layout.plain_text();
    assert!(text.contains(&after_backup[0]), "{text}");
    let hash = original.digest.as_deref().unwrap();
    // A long line wraps wherever it must: compare without the line breaks.
    assert!(
        text.replace('\n', "").contains(hash),
        "the hash is printed: {text}"
    );
    assert!(
        layout
            .qr_payload
            .as_deref()
            .is_some_and(|q| q.contains(hash)),
        "and is in the QR"
    );
    assert!(!motordesk::receipt::render_pdf(&layout).is_empty());
    // Another kiosk of the shop cannot fetch that XML; a bad id is refused.
    let other = Kiosk::registered(&server);
    let theirs = other
        .client()
        .get_json::<serde_json::Value>(&format!("{DEVICE_COMPROBANTE}?id={id}"), None);
    assert!(
        matches!(theirs, Err(SyncError::Refused { status: 404, .. })),
        "{theirs:?}"
    );
    let bad = other
        .client()
        .get_json::<serde_json::Value>(&format!("{DEVICE_COMPROBANTE}?id=x"), None);
    assert!(
        matches!(bad, Err(SyncError::Refused { status: 400, .. })),
        "{bad:?}"
    );
    // The running shift (no close yet) counts it, as the old PC's Z report would have.
    let old_shift = kiosk.store.shift_so_far().unwrap();
    let shift = restored.shift_so_far().unwrap();
    assert_eq!(shift.documents, 6);
    assert_eq!(
        (shift.documents, shift.total),
        (old_shift.documents, old_shift.total)
    );
    // The dead PC's token no longer works; the restored one syncs.
    assert!(matches!(
        sync_once(&kiosk.store, &client),
        Err(SyncError::Unauthorized)
    ));
    // The administrator can log in again offline, and so can the kiosk's own users.
    drop(restored);
    let restored = Store::unlock(&path, "jefe", "clave-jefe-1").unwrap();
    drop(restored);
    let restored = Store::unlock(&path, "admin", "clave-segura-1").unwrap();

    // The next sale continues after the server's highest number (6), not the
    // snapshot's (5): B001-00000006 is never issued twice.
    let next = crate::sync_support::issue_boleta(&restored, 7);
    assert_eq!(next.number.to_string(), "B001-00000007");
    issued.push(next.number.to_string());
    let s = restored.settings().unwrap();
    let new_client = motordesk::sync::Client::new(
        &s.server_url,
        s.device_token.clone(),
        std::time::Duration::from_secs(20),
    );
    sync_once(&restored, &new_client).unwrap();
    assert_eq!(restored.sync_counts().unwrap().unsynced(), 0);
    for inv in restored.list::<Invoice>().unwrap() {
        assert_eq!(inv.meta.status, SyncStatus::Synced, "{}", inv.data.number);
    }
    assert_server_has_exactly(&server, &issued);

    // Restoring again onto a data dir that has a store overwrites nothing.
    let kept = contents(&restored);
    drop(restored);
    let session = restore_login(&server.url, "jefe", "clave-jefe-1").unwrap();
    let again = restore_as_jefe(&server, &session.token, &list[0], &path).unwrap_err();
    assert!(
        matches!(
            &again,
            SyncError::Store(StoreError::Backup(BackupError::StoreExists(_)))
        ),
        "{again:?}"
    );
    assert!(restore_mensaje(&again).contains("no se reemplazan"));
    let restored = Store::unlock(&path, "admin", "clave-segura-1").unwrap();
    assert!(contents(&restored) == kept, "the store there is untouched");
}

/// A server on its own temp database with the kiosk backup limit set to `max_mb`.
fn server_with_limit(max_mb: u32) -> (Child, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(server_exe())
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("server.redb"))
        .args(["--enrollment-code", ENROLLMENT, "--test-faults"])
        .args(["--add-user", ADMIN, "--add-user", CASHIER])
        .env("MOTORDESK_BACKUP_MAX_MB", max_mb.to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = listening_address(&mut child);
    (child, format!("http://{addr}"), dir)
}

#[test]
fn oversized_backups_other_kiosks_backups_and_cashiers_are_refused() {
    let (mut child, url, _dir) = server_with_limit(1);
    let server_url = url.clone();
    let register = || {
        let k = Kiosk::new();
        motordesk::sync::register(&server_url, ENROLLMENT, &k.store).unwrap();
        k
    };
    let (a, b) = (register(), register());
    // The kiosk's own limit: a snapshot bigger than configured is never sent.
    let small = a.store.snapshot(4096).unwrap_err();
    assert!(
        matches!(
            small,
            StoreError::Backup(BackupError::TooLarge { max: 4096, .. })
        ),
        "{small:?}"
    );
    assert!(small.mensaje().contains("máximo"), "{}", small.mensaje());
    upload_backup(&a.store, &a.client(), MAX_BACKUP_BYTES).unwrap();

    // The server's limit (1 MB here): a 2 MB upload is refused and nothing is kept.
    let mut big = b"MDBACK1\n".to_vec();
    big.resize(2 * 1024 * 1024, 7);
    let refused = b
        .client()
        .put_bytes::<serde_json::Value>(DEVICE_BACKUP, &big);
    assert!(
        matches!(refused, Err(SyncError::Refused { status: 413, .. })),
        "{refused:?}"
    );
    // Not a backup at all: refused too.
    let junk = b
        .client()
        .put_bytes::<serde_json::Value>(DEVICE_BACKUP, b"hello world");
    assert!(
        matches!(junk, Err(SyncError::Refused { status: 400, .. })),
        "{junk:?}"
    );
    let session = restore_login(&url, "jefe", "clave-jefe-1").unwrap();
    let list = restore_list(&url, &session.token).unwrap();
    assert_eq!(
        list.iter().map(|i| i.device_id).collect::<Vec<_>>(),
        vec![a.store.device_id()],
        "only A's backup is kept"
    );

    // B cannot fetch A's backup, neither by its id nor as "the newest".
    let by_id = b
        .client()
        .get_bytes(&format!("{DEVICE_BACKUP}?id={}", list[0].id), 1 << 30);
    assert!(
        matches!(by_id, Err(SyncError::Refused { status: 404, .. })),
        "{by_id:?}"
    );
    let newest = b.client().get_bytes(DEVICE_BACKUP, 1 << 30);
    assert!(
        matches!(newest, Err(SyncError::Refused { status: 404, .. })),
        "{newest:?}"
    );
    // A gets its own, byte for byte what it uploaded (its size at least).
    let own = a.client().get_bytes(DEVICE_BACKUP, 1 << 30).unwrap();
    assert_eq!(own.len() as u64, list[0].bytes);

    // Only the last three of a kiosk are kept.
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(5));
        upload_backup(&a.store, &a.client(), MAX_BACKUP_BYTES).unwrap();
    }
    let kept = restore_list(&url, &session.token).unwrap();
    assert_eq!(kept.len(), 3, "{kept:?}");
    assert!(
        kept.iter().all(|k| k.id != list[0].id),
        "the oldest went first"
    );

    // A cashier of the server cannot restore; a wrong password neither.
    let cashier = restore_login(&url, "caja", "clave-caja-1").unwrap_err();
    assert!(
        matches!(cashier, SyncError::Refused { status: 403, .. }),
        "{cashier:?}"
    );
    assert!(restore_mensaje(&cashier).contains("Solo un administrador"));
    let wrong = restore_login(&url, "jefe", "otra-clave").unwrap_err();
    assert!(matches!(wrong, SyncError::Unauthorized), "{wrong:?}");
    assert!(restore_mensaje(&wrong).contains("incorrectos"));
    // And a kiosk's device token is no administrator's session.
    let token = a.store.settings().unwrap().device_token.unwrap();
    let as_kiosk = restore_list(&url, &token).unwrap_err();
    assert!(matches!(as_kiosk, SyncError::Unauthorized), "{as_kiosk:?}");

    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn the_first_start_screen_restores_a_kiosk_and_ajustes_shows_its_backup() {
    let server = Server::start_with(&["--add-user", ADMIN, "--add-user", CASHIER]);
    let kiosk = Kiosk::registered(&server);
    kiosk.customer("45678912", "Ana Quispe");
    let issued = kiosk.issue(2);
    upload_backup(&kiosk.store, &kiosk.client(), MAX_BACKUP_BYTES).unwrap();

    for (w, hgt) in [(1024.0, 768.0), (1280.0, 800.0)] {
        let dir = tempfile::tempdir().unwrap();
        let mut h = login_screen(dir.path(), (w, hgt));
        h.run();
        click(&mut h, "Restaurar desde el servidor");
        assert!(has(&h, "reemplaza a una caja"));
        type_into(&mut h, "Dirección del servidor", &server.url);
        type_into(&mut h, "Usuario administrador", "jefe");
        type_into(&mut h, "Contraseña", "clave-jefe-1");
        tap(&mut h, "Ver respaldos");
        wait_for_text(&mut h, "Elija la caja");
        assert!(has(&h, "Caja 1"), "the kiosk's backup is listed");
        if w > 1100.0 {
            // Once is enough: restoring revokes the kiosk's token and makes a new one.
            tap(&mut h, "Restaurar esta caja");
            wait_for(&mut h, "main screen", |h| h.state().panel().is_some());
            let store = h.state().store().unwrap().clone();
            let numbers: Vec<String> = store
                .list::<Invoice>()
                .unwrap()
                .iter()
                .map(|i| i.data.number.to_string())
                .collect();
            for n in &issued {
                assert!(numbers.contains(n), "{n} restored");
            }
            assert_eq!(store.device_id(), kiosk.store.device_id());
            // The restored kiosk backs itself up (its first sync: none made from it yet),
            // and Ajustes says when and how big.
            h.get_by_label("Ajustes").click();
            h.run();
            wait_for_text(&mut h, "Último respaldo:");
            click(&mut h, "Respaldar ahora");
            let session = restore_login(&server.url, "jefe", "clave-jefe-1").unwrap();
            let kept = restore_list(&server.url, &session.token).unwrap();
            assert!(kept.len() >= 2, "{kept:?}");
        } else {
            h.get_by_label("Volver").click();
            h.run();
            assert!(has(&h, "Crear administrador"));
        }
    }
}

#[test]
fn a_caja_close_asks_for_a_backup_that_the_next_sync_uploads() {
    let server = Server::start_with(&[]);
    let kiosk = Kiosk::registered(&server);
    let client = kiosk.client();
    upload_backup(&kiosk.store, &client, MAX_BACKUP_BYTES).unwrap();
    assert!(!kiosk.store.backup_status().unwrap().due(chrono::Utc::now()));
    kiosk.issue(1);
    sync_once(&kiosk.store, &client).unwrap();
    kiosk.store.set_manager_pin("2468").unwrap();
    kiosk
        .store
        .close_shift(motordesk::store::ShiftClose {
            counted: rust_decimal::Decimal::ZERO,
            pin: "2468".into(),
            override_reason: None,
        })
        .unwrap();
    let status = kiosk.store.backup_status().unwrap();
    assert!(status.requested.is_some(), "the close asked for a backup");
    assert!(status.due(chrono::Utc::now()));
    // What the sync thread does after a good sync.
    assert!(motordesk::sync::backup_due(&kiosk.store));
    upload_backup(&kiosk.store, &client, MAX_BACKUP_BYTES).unwrap();
    let status = kiosk.store.backup_status().unwrap();
    assert!(status.requested.is_none() && !status.due(chrono::Utc::now()));
}

/// Adds `users` to shop `shop` of the server database `db` (the server adds them as it
/// starts; it is stopped once listening).
fn add_users(db: &std::path::Path, shop: &str, users: &[&str]) {
    let mut args = vec!["--shop", shop];
    for u in users {
        args.extend(["--add-user", u]);
    }
    let mut s = crate::sync_support::Server::start_on_with(db, &args);
    s.kill();
}

#[test]
fn a_chains_administrator_restores_from_the_screen_naming_the_shop_when_needed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.redb");
    add_two_shops(&db);
    // "jefe" is an administrator of both shops with one password; "norte" of one.
    add_users(
        &db,
        "1",
        &["jefe:clave-jefe-1:admin", "norte:clave-norte-1:admin"],
    );
    add_users(&db, "2", &["jefe:clave-jefe-1:admin"]);
    let codes = enrollment_codes(&db, &["1", "2"]);
    let server = Server::start_on(&db, "127.0.0.1:0");
    let kiosk = |code: &str| {
        let k = Kiosk::enrolled(&server.url, code);
        upload_backup(&k.store, &k.client(), MAX_BACKUP_BYTES).unwrap();
        k
    };
    let (norte, sur) = (kiosk(&codes[0]), kiosk(&codes[1]));

    // A user name of one shop: the server finds the shop.
    let session = restore_login(&server.url, "norte", "clave-norte-1").unwrap();
    let list = restore_list(&server.url, &session.token).unwrap();
    assert_eq!(
        list.iter().map(|b| b.device_id).collect::<Vec<_>>(),
        vec![norte.store.device_id()]
    );
    // An administrator of two shops must name one; the wrong password is still wrong.
    let both = restore_login(&server.url, "jefe", "clave-jefe-1").unwrap_err();
    assert!(restore_needs_shop(&both), "{both:?}");
    assert!(restore_mensaje(&both).contains("varias tiendas"));
    let wrong = restore_login(&server.url, "jefe", "otra-clave").unwrap_err();
    assert!(matches!(wrong, SyncError::Unauthorized), "{wrong:?}");
    let in_sur = restore_login_in(&server.url, "jefe", "clave-jefe-1", Some(2)).unwrap();
    let list = restore_list(&server.url, &in_sur.token).unwrap();
    assert_eq!(
        list.iter().map(|b| b.device_id).collect::<Vec<_>>(),
        vec![sur.store.device_id()]
    );
    let sur_caja = format!("Caja {}", list[0].kiosk_number);
    // "norte" is nobody in shop 2.
    let none = restore_login_in(&server.url, "norte", "clave-norte-1", Some(2)).unwrap_err();
    assert!(matches!(none, SyncError::Unauthorized), "{none:?}");

    // On the screen: the Tienda field appears after the server asks for it.
    let new_pc = tempfile::tempdir().unwrap();
    let mut h = login_screen(new_pc.path(), (1024.0, 768.0));
    h.run();
    click(&mut h, "Restaurar desde el servidor");
    assert!(
        !has(&h, "Tienda (número)"),
        "no shop asked before the server does"
    );
    type_into(&mut h, "Dirección del servidor", &server.url);
    type_into(&mut h, "Usuario administrador", "jefe");
    type_into(&mut h, "Contraseña", "clave-jefe-1");
    tap(&mut h, "Ver respaldos");
    wait_for_text(&mut h, "varias tiendas");
    type_into(&mut h, "Tienda (número)", "2");
    tap(&mut h, "Ver respaldos");
    wait_for_text(&mut h, "Elija la caja");
    assert!(has(&h, &sur_caja), "shop 2's kiosk is listed");
    tap(&mut h, "Restaurar esta caja");
    wait_for(&mut h, "main screen", |h| h.state().panel().is_some());
    let store = h.state().store().unwrap().clone();
    assert_eq!(store.device_id(), sur.store.device_id());
}

#[test]
fn a_failed_backup_shows_in_the_top_bar_until_one_succeeds() {
    let server = Server::start_with(&[]);
    let dir = tempfile::tempdir().unwrap();
    let store = registered_store(
        &dir.path().join("motordesk.redb"),
        "clave-admin",
        "Admin",
        &server,
    );
    // The server cannot store kiosk backups: a file stands where its folder goes.
    let shelf = server.db.with_file_name("backups");
    std::fs::write(&shelf, b"not a folder").unwrap();
    let mut opts = AppOptions::new(dir.path().to_path_buf());
    opts.print = false;
    let mut h = harness(KioskApp::with_store(opts, store), (1024.0, 768.0));
    h.run();
    // The first good sync makes the first backup, which the server refuses.
    // With the certificate warning beside it, both fold into "⚠ 2 AVISOS" (docs/ui.md).
    wait_for(&mut h, "the backup badge", |h| has(h, "⚠ 2 AVISOS"));
    assert!(has(&h, "FALLIDOS 0"), "the sync itself is fine");
    tap(&mut h, "⚠ 2 AVISOS");
    tap(&mut h, "⚠ RESPALDO");
    wait_for_text(&mut h, "Respaldo: El respaldo no se envió");
    // The server can store them again: "Respaldar ahora" in Ajustes clears the badge.
    std::fs::remove_file(&shelf).unwrap();
    h.get_by_label("Ajustes").click();
    h.run();
    click(&mut h, "Respaldar ahora");
    wait_for(&mut h, "the badge gone", |h| {
        !has(h, "AVISOS") && !has(h, "⚠ RESPALDO")
    });
}

/// Not a check: prepares `MOTORDESK_SHOT_DIR` for the screenshot of the top bar's backup
/// badge (`motordesk --demo --autologin --data-dir DIR`): a demo-password store whose
/// backup a real server refused. Run with `--ignored`.
#[test]
#[ignore]
fn shot_store_with_a_failed_backup() {
    let Ok(dir) = std::env::var("MOTORDESK_SHOT_DIR") else {
        return;
    };
    let server = Server::start_with(&[]);
    let store = registered_store(
        &std::path::Path::new(&dir).join("motordesk.redb"),
        "motordesk",
        "Administrador",
        &server,
    );
    std::fs::write(server.db.with_file_name("backups"), b"not a folder").unwrap();
    let client = motordesk::sync::Client::new(
        &server.url,
        store.settings().unwrap().device_token,
        std::time::Duration::from_secs(20),
    );
    upload_backup(&store, &client, MAX_BACKUP_BYTES).unwrap_err();
    assert!(store.backup_status().unwrap().last_error.is_some());
}
