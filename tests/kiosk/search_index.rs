//! The in-memory search index on a real store file: folded matching over names,
//! documents, plates and phones; current after edits, refused saves, merged pulls and a
//! restart; the same answers as the scan it replaced; nothing of it in the data dir.

use crate::fixtures::{PASSWORD, service_line, temp_shop};
use chrono::Utc;
use motordesk::store::{Shelf, Store, StoreError};
use motordesk_core::Vehicle;
use motordesk_core::protocol::Change;
use motordesk_core::{Buyer, Customer, DocumentKind, IdKind, InvoiceDraft};
use motordesk_core::{Hlc, RecordKind, RecordMeta, ServicedVehicle, Stored, SyncStatus};
use rust_decimal::Decimal;
use std::path::Path;
use uuid::Uuid;

fn dni(number: &str, name: &str, phone: &str) -> Customer {
    Customer::new(Uuid::now_v7(), IdKind::Dni, number, name, "", phone, "").unwrap()
}

fn names(found: &[Stored<Customer>]) -> Vec<&str> {
    found.iter().map(|c| c.data.name.as_str()).collect()
}

fn ids(store: &Store, shelf: Shelf, q: &str) -> Vec<Uuid> {
    store
        .search_ids(shelf, q, usize::MAX)
        .unwrap()
        .expect("the index was built")
}

fn plates(store: &Store, q: &str) -> Vec<String> {
    store
        .search_vehicles(q, 100)
        .unwrap()
        .iter()
        .map(|v| v.data.plate.display())
        .collect()
}

fn sell(store: &Store, buyer: &Stored<Customer>, vehicle: &Stored<Vehicle>) -> String {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines.push(service_line(
        "SRV-001",
        "Cambio de aceite",
        Decimal::new(8_000, 2),
    ));
    d.buyer = Buyer {
        customer_id: Some(buyer.data.id),
        id: buyer.data.doc.clone(),
        name: buyer.data.name.clone(),
        address: String::new(),
    };
    d.vehicle = Some(ServicedVehicle {
        vehicle_id: vehicle.data.id,
        plate: vehicle.data.plate.display(),
        odometer_km: None,
    });
    store.issue_invoice(d).unwrap().number.to_string()
}

#[test]
fn folded_prefix_and_substring_over_names_documents_plates_and_phones() {
    let (_d, _p, store) = temp_shop();
    let rosa = store
        .save_customer(dni("45678912", "Rosa Núñez Ñahui", "987 654 321"))
        .unwrap();
    store
        .save_customer(dni("12345678", "José Peña Quispe", "912345678"))
        .unwrap();
    store
        .save_customer(dni("87654321", "Ángel Quispe Mamani", "999000111"))
        .unwrap();

    assert_eq!(
        names(&store.search_customers("nunez", 10).unwrap()),
        ["Rosa Núñez Ñahui"]
    );
    assert_eq!(
        names(&store.search_customers("ÑAHUI ro", 10).unwrap()),
        ["Rosa Núñez Ñahui"]
    );
    assert_eq!(
        names(&store.search_customers("penA", 10).unwrap()),
        ["José Peña Quispe"]
    );
    // Substring of the document and of the phone.
    assert_eq!(
        names(&store.search_customers("6789", 10).unwrap()),
        ["Rosa Núñez Ñahui"]
    );
    assert_eq!(
        names(&store.search_customers("000111", 10).unwrap()),
        ["Ángel Quispe Mamani"]
    );
    // Ordered by name, folded: Ángel before José.
    assert_eq!(
        names(&store.search_customers("quispe", 10).unwrap()),
        ["Ángel Quispe Mamani", "José Peña Quispe"]
    );
    assert_eq!(store.search_customers("quispe", 1).unwrap().len(), 1);
    assert!(
        store
            .search_customers("quispe rosa", 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.search_customers("", 10).unwrap().len(), 3);

    let mut v = Vehicle::new(Uuid::now_v7(), "abc-123", "Toyota", "Hilux").unwrap();
    v.owner_id = Some(rosa.data.id);
    let hilux = store.save_vehicle(v).unwrap();
    store
        .save_vehicle(Vehicle::new(Uuid::now_v7(), "B7X-901", "Kia", "Río").unwrap())
        .unwrap();
    assert_eq!(plates(&store, "ABC123"), ["ABC-123"]);
    assert_eq!(plates(&store, "c-12"), ["ABC-123"]);
    assert_eq!(plates(&store, "rio"), ["B7X-901"]);
    assert_eq!(plates(&store, "núñez"), ["ABC-123"], "by the owner's name");
    assert_eq!(plates(&store, ""), ["ABC-123", "B7X-901"]);

    let number = sell(&store, &rosa, &hilux);
    let doc = ids(&store, Shelf::Documents, &number);
    assert_eq!(doc.len(), 1);
    assert_eq!(ids(&store, Shelf::Documents, "b001 1"), doc);
    assert_eq!(ids(&store, Shelf::Documents, "nahui abc123"), doc);
    assert!(ids(&store, Shelf::Documents, "quispe").is_empty());
}

#[test]
fn follows_edits_and_ignores_refused_saves() {
    let (_d, _p, store) = temp_shop();
    let c = store
        .save_customer(dni("45678912", "Rosa Quispe", ""))
        .unwrap();
    let mut v = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Yaris").unwrap();
    v.owner_id = Some(c.data.id);
    let v = store.save_vehicle(v).unwrap();
    assert_eq!(store.search_customers("quispe", 10).unwrap().len(), 1);

    // Rename and a new document: the old words are gone, the new ones found.
    let mut renamed = c.data.clone();
    renamed.name = "Rosa Huamán".into();
    renamed.doc = motordesk_core::IdDocument::new(IdKind::Dni, "11112222").unwrap();
    store.save_customer(renamed).unwrap();
    assert!(store.search_customers("quispe", 10).unwrap().is_empty());
    assert!(store.search_customers("45678912", 10).unwrap().is_empty());
    assert_eq!(
        names(&store.search_customers("huaman 1111", 10).unwrap()),
        ["Rosa Huamán"]
    );
    // The owner's vehicle is found by the new name, no longer by the old.
    assert_eq!(plates(&store, "huaman"), ["ABC-123"]);
    assert!(plates(&store, "quispe").is_empty());

    // A new plate replaces the old one.
    let mut moved = v.data.clone();
    moved.plate = motordesk_core::Plate::new("XYZ-789").unwrap();
    store.save_vehicle(moved).unwrap();
    assert!(plates(&store, "abc").is_empty());
    assert_eq!(plates(&store, "xyz789"), ["XYZ-789"]);
    assert_eq!(store.search_stats().vehicles, 1);

    // A refused save (the document belongs to Rosa) never reaches the index.
    let dup = dni("11112222", "Impostor Duplicado", "");
    assert!(matches!(
        store.save_customer(dup),
        Err(StoreError::DuplicateDocument { .. })
    ));
    assert!(store.search_customers("impostor", 10).unwrap().is_empty());
    assert_eq!(store.search_stats().customers, 1);
}

fn remote(c: &Customer, version: u64, wall_ms: i64) -> Change {
    let other = Uuid::now_v7();
    let hlc = Hlc {
        wall_ms,
        counter: 0,
        device: other,
    };
    let now = Utc::now();
    let stored = Stored {
        meta: RecordMeta {
            created_at: now,
            modified_at: now,
            synced_at: None,
            status: SyncStatus::Synced,
            hlc,
            version,
            account: "otra-caja".into(),
        },
        data: c.clone(),
    };
    Change {
        seq: version,
        origin_device: other,
        kind: RecordKind::Customer,
        record_id: c.id,
        hlc,
        payload: serde_json::to_value(&stored).unwrap(),
    }
}

#[test]
fn follows_merged_pulls() {
    let (_d, _p, store) = temp_shop();
    let mine = store
        .save_customer(dni("45678912", "Rosa Quispe", ""))
        .unwrap();
    assert_eq!(store.search_customers("rosa", 10).unwrap().len(), 1);

    // Another kiosk created Luis and renamed Rosa later than our edit.
    let luis = dni("12345678", "Luis Cárdenas", "");
    let mut rosa = mine.data.clone();
    rosa.name = "Rosa Quispe de Torres".into();
    let later = Utc::now().timestamp_millis() + 1_000;
    let report = store
        .merge_remote(&[remote(&luis, 1, later), remote(&rosa, 2, later)], "2")
        .unwrap();
    // Rosa's rename wins over our unsynced edit (kept as a conflict for review).
    assert_eq!((report.inserted, report.conflicts), (1, 1), "{report:?}");
    assert_eq!(
        names(&store.search_customers("cardenas", 10).unwrap()),
        ["Luis Cárdenas"]
    );
    assert_eq!(
        names(&store.search_customers("torres", 10).unwrap()),
        ["Rosa Quispe de Torres"]
    );
    assert_eq!(store.search_stats().customers, 2);
}

/// Every byte under `dir`, for checking that a folded name is nowhere on disk.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_bytes(&p));
        } else {
            out.extend(std::fs::read(&p).unwrap());
        }
    }
    out
}

#[test]
fn rebuilt_after_a_restart_and_never_written_to_disk() {
    let (dir, path, store) = temp_shop();
    store
        .save_customer(dni("45678912", "Zoila Yupanqui", ""))
        .unwrap();
    store
        .save_vehicle(Vehicle::new(Uuid::now_v7(), "QWE-456", "Nissan", "Sentra").unwrap())
        .unwrap();
    assert_eq!(store.search_customers("yupanqui", 10).unwrap().len(), 1);
    drop(store);

    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    assert_eq!(
        names(&store.search_customers("zoila", 10).unwrap()),
        ["Zoila Yupanqui"]
    );
    assert_eq!(plates(&store, "qwe4"), ["QWE-456"]);
    let stats = store.search_stats();
    assert_eq!((stats.customers, stats.vehicles), (1, 1));
    assert!(stats.bytes > 0);
    drop(store);

    let disk = all_bytes(dir.path());
    for needle in [&b"yupanqui"[..], b"Yupanqui", b"qwe456", b"45678912"] {
        assert!(
            memchr::memmem::find(&disk, needle).is_none(),
            "{} is readable on disk",
            String::from_utf8_lossy(needle)
        );
    }
}

#[test]
fn answers_like_the_scan_it_replaced() {
    let (_d, _p, store) = temp_shop();
    let first = ["Rosa", "José", "Ángel", "Iñigo", "Begoña", "Raúl", "Inés"];
    let last = [
        "Quispe",
        "Núñez",
        "Peña",
        "Ñahui",
        "Gutiérrez",
        "Mamani",
        "Ccori",
    ];
    let customers: Vec<Customer> = (0..400)
        .map(|i| {
            let name = format!(
                "{} {} {}",
                first[i % 7],
                last[(i / 7) % 7],
                last[(i / 3) % 7]
            );
            dni(&format!("{:08}", 20_000_000 + i * 37), &name, "")
        })
        .collect();
    assert_eq!(store.import_customers(customers).unwrap(), 400);
    for q in [
        "q",
        "quispe",
        "NUÑEZ ro",
        "inigo pena",
        "2000",
        "000 ccori",
        "zz",
        "",
        "e a",
    ] {
        let mut a: Vec<Uuid> = ids(&store, Shelf::Customers, q);
        let mut b: Vec<Uuid> = store
            .scan_customers(q, usize::MAX)
            .unwrap()
            .iter()
            .map(|c| c.data.id)
            .collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "query {q:?}");
    }
}

#[test]
fn saves_from_another_thread_while_searching_all_end_up_found() {
    let (_d, _p, store) = temp_shop();
    let store = std::sync::Arc::new(store);
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            for i in 0..60 {
                store
                    .save_customer(dni(
                        &format!("{:08}", 30_000_000 + i),
                        &format!("Carrera {i}"),
                        "",
                    ))
                    .unwrap();
            }
        })
    };
    while !writer.is_finished() {
        store.search_customers("carrera", 100).unwrap();
    }
    writer.join().unwrap();
    assert_eq!(store.search_customers("carrera", 100).unwrap().len(), 60);
}

/// A store dropped while its index is still being built is closed when the drop returns:
/// the same file unlocks again at once (a logout, a restore). Before, the build thread
/// held the file until its chunk ended, and the unlock failed with `DatabaseAlreadyOpen`.
#[test]
fn a_store_dropped_while_its_index_builds_can_be_opened_again_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(motordesk::store::DB_FILE);
    let store = Store::create(&path, "admin", PASSWORD, "Ana").unwrap();
    motordesk::demo::generate(&store, 1_500, 5).unwrap();
    drop(store);
    for round in 0..20 {
        // Unlock starts the build on its own thread; the drop comes while it reads
        // (somewhere in its first 100 ms).
        let store = Store::unlock(&path, "admin", PASSWORD)
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        std::thread::sleep(std::time::Duration::from_millis(5 * round));
        drop(store);
    }
    let store = Store::unlock(&path, "admin", PASSWORD).unwrap();
    assert!(
        store.search_stats().documents >= 1_500,
        "the index builds again"
    );
}
