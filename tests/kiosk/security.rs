//! Encryption at rest, accounts and key slots on a real redb file.

use crate::fixtures::{PASSWORD, temp_shop};
use motordesk::store::{ShiftClose, Store, StoreError};
use motordesk_core::Customer;
use motordesk_core::DocumentKind;
use motordesk_core::IdKind;
use motordesk_core::Product;
use motordesk_core::RecordKind;
use motordesk_core::Role;
use motordesk_core::TaxAffectation;
use motordesk_core::Vehicle;
use motordesk_core::{InvoiceDraft, Unit};
use rust_decimal_macros::dec;
use uuid::Uuid;

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn the_raw_file_holds_no_names_documents_or_plates() {
    let (_dir, path, store) = temp_shop();
    let secrets = [
        ("45678912", "Gladys Huamán Torres", "Jr. Huallaga 321"),
        (
            "20131312955",
            "Transportes Rímac S.A.C.",
            "Av. Argentina 1234",
        ),
    ];
    for (doc, name, addr) in secrets {
        let kind = if doc.len() == 11 {
            IdKind::Ruc
        } else {
            IdKind::Dni
        };
        let c = Customer::new(
            Uuid::now_v7(),
            kind,
            doc,
            name,
            addr,
            "987654321",
            "gladys@example.pe",
        )
        .unwrap();
        store.save_customer(c).unwrap();
    }
    let v = Vehicle::new(Uuid::now_v7(), "XYZ-987", "Toyota", "Hilux").unwrap();
    store.save_vehicle(v).unwrap();
    let p = Product {
        id: Uuid::now_v7(),
        code: "SRV-9".into(),
        name: "Afinamiento secreto".into(),
        category: "Servicio".into(),
        unit: Unit::Servicio,
        price: dec!(99),
        affectation: TaxAffectation::Gravado,
        quick_key: false,
        change_every_km: None,
        active: true,
    };
    store.save_product(p.clone()).unwrap();
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines.push(p.line(dec!(1)));
    store.issue_invoice(d).unwrap();
    drop(store);

    let raw = std::fs::read(&path).unwrap();
    assert!(raw.len() > 10_000);
    for needle in [
        "45678912",
        "20131312955",
        "Gladys",
        "Huam",
        "Rímac",
        "Rimac",
        "Huallaga",
        "987654321",
        "gladys@",
        "XYZ987",
        "XYZ-987",
        "Hilux",
        "Afinamiento",
    ] {
        assert!(
            !contains(&raw, needle),
            "{needle:?} is readable in the raw file"
        );
    }
    // Sanity check of the check itself: the table names are there in the clear.
    assert!(contains(&raw, "customers"));

    // And the data is all there for whoever has the password.
    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    assert_eq!(store.count(RecordKind::Customer).unwrap(), 2);
    assert_eq!(store.search_customers("gladys", 5).unwrap().len(), 1);
}

#[test]
fn wrong_password_and_unknown_user_are_refused_without_harm() {
    let (_dir, path, store) = temp_shop();
    store
        .save_customer(
            Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Rosa", "", "", "").unwrap(),
        )
        .unwrap();
    drop(store);
    let e = Store::unlock(&path, "admin", "clave-equivocada").unwrap_err();
    assert!(matches!(e, StoreError::WrongPassword));
    assert_eq!(e.mensaje(), "Usuario o contraseña incorrectos.");
    let e = Store::unlock(&path, "nadie", PASSWORD).unwrap_err();
    assert_eq!(
        e.mensaje(),
        "Usuario o contraseña incorrectos.",
        "no hint that the user exists"
    );
    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    assert_eq!(store.count(RecordKind::Customer).unwrap(), 1);
}

#[test]
fn every_user_opens_the_same_data_with_their_own_password() {
    let (_dir, path, store) = temp_shop();
    store
        .add_user("caja1", "turno-mañana", "Cajera Lucía", Role::Cajero)
        .unwrap();
    assert!(matches!(
        store.add_user("caja1", "x", "Otra", Role::Cajero),
        Err(StoreError::UserExists(_))
    ));
    store
        .save_customer(
            Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Rosa", "", "", "").unwrap(),
        )
        .unwrap();
    drop(store);
    let cajera = Store::unlock(&path, "caja1", "turno-mañana").unwrap();
    assert_eq!(cajera.account(), "caja1");
    assert_eq!(cajera.user("caja1").unwrap().unwrap().role, Role::Cajero);
    assert_eq!(cajera.count(RecordKind::Customer).unwrap(), 1);
    cajera.set_password("caja1", "turno-tarde").unwrap();
    drop(cajera);
    assert!(Store::unlock(&path, "caja1", "turno-mañana").is_err());
    assert!(Store::unlock(&path, "caja1", "turno-tarde").is_ok());
}

#[test]
fn tampered_ciphertext_is_reported_and_the_rest_still_opens() {
    let (_dir, path, store) = temp_shop();
    let a = Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Rosa", "", "", "").unwrap();
    let b = Customer::new(Uuid::now_v7(), IdKind::Dni, "45678913", "Luis", "", "", "").unwrap();
    store.save_customer(a.clone()).unwrap();
    store.save_customer(b.clone()).unwrap();
    drop(store);
    {
        // Flip one byte of Rosa's sealed record straight in the redb file.
        use redb::{ReadableDatabase, TableDefinition};
        const CUSTOMERS: TableDefinition<u128, &[u8]> = TableDefinition::new("customers");
        let db = redb::Database::create(&path).unwrap();
        let mut bytes = {
            let r = db.begin_read().unwrap();
            let t = r.open_table(CUSTOMERS).unwrap();
            t.get(a.id.as_u128()).unwrap().unwrap().value().to_vec()
        };
        let n = bytes.len();
        bytes[n / 2] ^= 0x40;
        let w = db.begin_write().unwrap();
        w.open_table(CUSTOMERS)
            .unwrap()
            .insert(a.id.as_u128(), bytes.as_slice())
            .unwrap();
        w.commit().unwrap();
    }
    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    let e = store.get::<Customer>(a.id).unwrap_err();
    assert!(matches!(e, StoreError::Tampered("customers")), "{e}");
    assert!(e.mensaje().contains("alterados"));
    assert_eq!(
        store.get::<Customer>(b.id).unwrap().unwrap().data.name,
        "Luis"
    );
}

#[test]
fn logout_keeps_pending_work_tied_to_its_account_and_shift_close_guards_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("motordesk.redb");
    let admin = Store::create(&path, "admin", "clave-segura", "Admin").unwrap();
    admin
        .add_user("caja1", "turno", "Cajera", Role::Cajero)
        .unwrap();
    drop(admin);

    let cajera = Store::unlock(&path, "caja1", "turno").unwrap();
    let c = Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Rosa", "", "", "").unwrap();
    cajera.save_customer(c.clone()).unwrap();
    // A cashier cannot close a shift with unsynced work: it takes a reason and a
    // manager's PIN, and no administrator has set one yet.
    cajera.set_opening_float(dec!(50)).unwrap();
    let e = cajera.close_shift(close(None, "1234")).unwrap_err();
    assert!(e.mensaje().contains("motivo"), "{}", e.mensaje());
    let e = cajera
        .close_shift(close(Some("me voy"), "1234"))
        .unwrap_err();
    assert!(e.mensaje().contains("PIN"), "{}", e.mensaje());
    drop(cajera); // logout

    let admin = Store::unlock(&path, "admin", "clave-segura").unwrap();
    let pending = admin.outbox_due(chrono::Utc::now(), 10).unwrap();
    assert_eq!(pending.len(), 1, "pending work survives logout");
    assert_eq!(pending[0].account, "caja1", "and stays tied to who made it");
    assert_eq!(
        admin.get::<Customer>(c.id).unwrap().unwrap().meta.account,
        "caja1"
    );
    // A manager approves with a PIN, and only with a reason, which is kept.
    admin.set_manager_pin("2468").unwrap();
    assert!(
        admin
            .close_shift(close(None, "2468"))
            .unwrap_err()
            .mensaje()
            .contains("motivo")
    );
    let report = admin
        .close_shift(close(Some("Sin internet todo el día"), "2468"))
        .unwrap();
    assert_eq!(report.approved_by.as_ref().unwrap().by, "admin");
    assert_eq!(report.unsynced, 1);
    assert_eq!(
        report.override_reason.as_deref(),
        Some("Sin internet todo el día")
    );
    assert_eq!(
        admin.sync_counts().unwrap().pending,
        1,
        "closing loses nothing"
    );
}

/// A close of a drawer counted empty, approved with `pin`.
fn close(reason: Option<&str>, pin: &str) -> ShiftClose {
    ShiftClose {
        counted: dec!(50),
        pin: pin.into(),
        override_reason: reason.map(str::to_string),
    }
}
