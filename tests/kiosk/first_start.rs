//! The first start is atomic: a store is built under `motordesk.redb.creating` and
//! renamed into place, so a kill during `Store::create` never leaves a file the next start
//! refuses. What an older build's interrupted creation left is recreated only when it
//! provably holds nothing; a file that may hold data is refused and never touched.

use motordesk::store::{DB_FILE, Damage, Store, StoreError};
use motordesk_core::{Customer, IdKind};
use std::error::Error as _;
use std::path::{Path, PathBuf};
use uuid::Uuid;

fn creating(p: &Path) -> PathBuf {
    p.with_file_name(format!("{DB_FILE}.creating"))
}

/// The next start on `p` shows the first-run screen, creates the store and logs in.
fn next_start_creates(p: &Path) {
    assert!(
        !Store::is_initialized(p).unwrap(),
        "first run again, not the login"
    );
    assert!(!creating(p).exists(), "leftover temporary file removed");
    let store = Store::create(p, "admin", "clave-segura", "Admin").unwrap();
    assert_eq!(store.path(), p);
    drop(store);
    assert!(!creating(p).exists());
    assert!(Store::is_initialized(p).unwrap());
    Store::unlock(p, "admin", "clave-segura").unwrap();
}

/// The first page of a real redb file with the magic number zeroed and nothing after it:
/// what redb leaves when it is stopped between sizing a new file and writing its magic
/// number last.
fn redb_header_without_magic(dir: &Path) -> Vec<u8> {
    let scratch = dir.join("scratch.redb");
    drop(redb::Database::create(&scratch).unwrap());
    let real = std::fs::read(&scratch).unwrap();
    std::fs::remove_file(&scratch).unwrap();
    let mut bytes = vec![0u8; real.len()];
    bytes[9..320].copy_from_slice(&real[9..320]);
    bytes
}

#[test]
fn a_leftover_temporary_file_is_removed_and_creation_works() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(DB_FILE);
    std::fs::write(creating(&p), b"half a store from a killed first start").unwrap();
    next_start_creates(&p);
}

#[test]
fn a_file_redb_never_finished_initialising_is_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let header = redb_header_without_magic(dir.path());
    let cases: [(&str, Vec<u8>); 4] = [
        ("empty", Vec::new()),
        ("sized, all zeros", vec![0; header.len()]),
        ("a few zeros", vec![0; 5]),
        ("header without magic", header),
    ];
    for (what, bytes) in cases {
        let p = dir.path().join(DB_FILE);
        std::fs::write(&p, &bytes).unwrap();
        if !bytes.is_empty() {
            // What the kiosk met before this fix, at every start.
            let e = redb::Database::create(&p).unwrap_err();
            assert!(e.to_string().contains("magic number"), "{what}: {e}");
        }
        next_start_creates(&p);
        std::fs::remove_file(&p).unwrap();
    }
}

#[test]
fn a_store_file_without_accounts_or_rows_is_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(DB_FILE);
    {
        // An older build's create stopped after redb made the file and its meta table.
        let db = redb::Database::create(&p).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(redb::TableDefinition::<&str, &[u8]>::new("meta"))
            .unwrap()
            .insert("schema_version", 1u32.to_be_bytes().as_slice())
            .unwrap();
        txn.open_table(redb::TableDefinition::<&str, &[u8]>::new("key_slots"))
            .unwrap();
        txn.commit().unwrap();
    }
    next_start_creates(&p);
}

/// The start (`is_initialized`), the first-run screen (`create`) and the login
/// (`unlock`) all refuse; nothing is created beside it.
fn refused(p: &Path) -> Damage {
    let e = Store::is_initialized(p).unwrap_err();
    assert!(
        matches!(
            Store::create(p, "admin", "x", "A"),
            Err(StoreError::Damaged { .. })
        ),
        "create refuses"
    );
    assert!(Store::unlock(p, "admin", "clave-segura").is_err());
    assert!(p.exists());
    assert!(!creating(p).exists());
    let m = e.mensaje();
    assert!(m.contains("dañado") && m.contains("sin borrar nada"), "{m}");
    assert!(m.contains(&p.display().to_string()), "names the file: {m}");
    match e {
        StoreError::Damaged { path, damage } => {
            assert_eq!(path, p);
            damage
        }
        other => panic!("not Damaged: {other:?}"),
    }
}

#[test]
fn a_file_that_may_hold_data_is_refused_and_never_removed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(DB_FILE);

    // A store with customers whose header lost its magic number (a damaged disk).
    let store = Store::create(&p, "admin", "clave-segura", "Admin").unwrap();
    for i in 0..20 {
        let c = Customer::new(
            Uuid::now_v7(),
            IdKind::Dni,
            &format!("4567{i:04}"),
            "Gladys Huamán",
            "",
            "",
            "",
        )
        .unwrap();
        store.save_customer(c).unwrap();
    }
    drop(store);
    let mut bytes = std::fs::read(&p).unwrap();
    bytes[..9].fill(0);
    std::fs::write(&p, &bytes).unwrap();
    let damage = refused(&p);
    assert_eq!(std::fs::read(&p).unwrap(), bytes, "the file is untouched");
    assert!(matches!(damage, Damage::Unreadable(_)), "{damage:?}");
    // The cause is kept: redb's own error under ours.
    let redb_error = damage.source().expect("redb's error kept");
    assert!(
        redb_error.to_string().contains("magic number"),
        "{redb_error}"
    );

    // Not a redb file at all (something else saved under the store's name).
    let noise: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
        .collect();
    std::fs::write(&p, &noise).unwrap();
    assert!(matches!(refused(&p), Damage::Unreadable(_)));
    assert_eq!(std::fs::read(&p).unwrap(), noise, "the file is untouched");

    // A redb file with rows and no account that could open them.
    std::fs::remove_file(&p).unwrap();
    {
        let db = redb::Database::create(&p).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(redb::TableDefinition::<u128, &[u8]>::new("customers"))
            .unwrap()
            .insert(1, b"sealed bytes".as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    assert!(matches!(refused(&p), Damage::NoAccounts { rows: 1 }));
    let db = redb::Database::open(&p).unwrap();
    let r = redb::ReadableDatabase::begin_read(&db).unwrap();
    let t = r
        .open_table(redb::TableDefinition::<u128, &[u8]>::new("customers"))
        .unwrap();
    assert!(t.get(1).unwrap().is_some(), "the row is still there");
}

/// Run as a child process by the kill test below; a no-op in an ordinary test run.
#[test]
fn child_process_creating_a_store() {
    if let Some(p) = std::env::var_os(CHILD_ENV) {
        Store::create(Path::new(&p), "admin", "clave-segura", "Admin").unwrap();
    }
}

const CHILD_ENV: &str = "MOTORDESK_TEST_CREATE_AT";

#[cfg(unix)]
#[test]
fn a_kill_during_creation_never_leaves_a_file_the_next_start_refuses() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let exe = std::env::current_exe().unwrap();
    let spawn = |p: &Path| {
        Command::new(&exe)
            .args([
                "--exact",
                "first_start::child_process_creating_a_store",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, p)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a whole creation takes here, the child's start included.
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    assert!(spawn(&dir.path().join(DB_FILE)).wait().unwrap().success());
    let full = started.elapsed();
    assert!(Store::is_initialized(&dir.path().join(DB_FILE)).unwrap());

    let (mut interrupted, mut finished) = (0, 0);
    for i in 0..24u32 {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(DB_FILE);
        let mut child = spawn(&p);
        let delay = full * i / 20;
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL: no destructor, no flush
        child.wait().unwrap();
        match Store::is_initialized(&p) {
            Ok(true) => {
                Store::unlock(&p, "admin", "clave-segura").unwrap();
                finished += 1;
            }
            Ok(false) => {
                next_start_creates(&p);
                interrupted += 1;
            }
            Err(e) => panic!("killed after {delay:?}: the next start refuses: {e}"),
        }
    }
    eprintln!(
        "creation {:.0} ms: {interrupted} kills interrupted it, {finished} came after",
        full.as_secs_f64() * 1000.0
    );
    assert!(interrupted > 0, "no kill landed during a creation");
    assert!(full < Duration::from_secs(60));
}
