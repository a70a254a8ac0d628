//! Shared by the sync tests: a real `motordesk-server` process on an ephemeral loopback
//! port with its own redb file, and real kiosk stores in temp dirs.
#![allow(dead_code)]

use motordesk::store::Store;
use motordesk::sync::Client;
use motordesk_core::Customer;
use motordesk_core::IdKind;
use motordesk_core::Invoice;
use motordesk_core::protocol::{FaultPlan, ServerInvoice, TEST_FAULTS, TEST_INVOICES};
use motordesk_core::{DocumentKind, InvoiceDraft, SaleLine, TaxAffectation, Unit};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub const ENROLLMENT: &str = "taller-test-2024";

pub struct Server {
    child: Option<Child>,
    pub addr: String,
    pub url: String,
    pub db: PathBuf,
    /// Flags beyond the defaults, given again on `restart`.
    extra: Vec<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    /// A fresh server with its own temp database.
    pub fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.redb");
        let mut s = Server::start_on(&db, "127.0.0.1:0");
        s._dir = Some(dir);
        s
    }

    /// A fresh server started with extra flags (e.g. `--add-user`).
    pub fn start_with(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.redb");
        let (child, bound) =
            spawn_with(&db, "127.0.0.1:0", extra).expect("server printed its address");
        Server {
            child: Some(child),
            url: format!("http://{bound}"),
            addr: bound,
            db,
            extra: extra.iter().map(|s| s.to_string()).collect(),
            _dir: Some(dir),
        }
    }

    /// The server process id (benches read its CPU time from `/proc`).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// A server on `db` at `addr` (port 0 = any free port).
    pub fn start_on(db: &Path, addr: &str) -> Server {
        let (child, bound) = spawn(db, addr).expect("server printed its address");
        Server {
            child: Some(child),
            url: format!("http://{bound}"),
            addr: bound,
            db: db.to_path_buf(),
            extra: Vec::new(),
            _dir: None,
        }
    }

    /// `start_on` with extra arguments (`--shop N --add-user ...`).
    pub fn start_on_with(db: &Path, extra: &[&str]) -> Server {
        let (child, bound) =
            spawn_with(db, "127.0.0.1:0", extra).expect("server printed its address");
        Server {
            child: Some(child),
            url: format!("http://{bound}"),
            addr: bound,
            db: db.to_path_buf(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
            _dir: None,
        }
    }

    /// Kills the process (no graceful shutdown) and waits for it to be gone.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Kill, then start again on the same database and the same port.
    pub fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
            match spawn_with(&self.db, &self.addr, &extra) {
                Some((child, _)) => {
                    self.child = Some(child);
                    return;
                }
                // The port or the database file was not free yet.
                None => {
                    assert!(Instant::now() < deadline, "server did not come back");
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(30)))
                .build(),
        )
    }

    pub fn faults(&self, plan: FaultPlan) {
        let resp = Server::agent()
            .post(format!("{}{TEST_FAULTS}", self.url))
            .send_json(plan)
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }

    pub fn invoices(&self) -> Vec<ServerInvoice> {
        Server::agent()
            .get(format!("{}{TEST_INVOICES}", self.url))
            .call()
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap()
    }
}

/// The `motordesk-server` binary next to this test's own build (`target/<profile>/`).
/// It belongs to another package, so cargo gives no `CARGO_BIN_EXE_` for it; a
/// workspace `cargo test` builds it (the server crate has integration tests).
pub fn server_exe() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let server = dir.join(format!("motordesk-server{}", std::env::consts::EXE_SUFFIX));
    assert!(
        server.exists(),
        "{} is missing: run the whole workspace's tests (`cargo test`) or `cargo build -p motordesk-server` first",
        server.display()
    );
    server
}

/// The address a process started with piped stdout says it listens on: its first line,
/// `listening on ADDR` (the server, the lookup stand-in), read as it starts.
pub fn listening_address(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("no address line: {line:?}"))
        .to_string()
}

/// Starts a server process; returns it and its bound address once it printed
/// `listening on ADDR`, or `None` (process reaped) if it exited first.
fn spawn(db: &Path, addr: &str) -> Option<(Child, String)> {
    spawn_with(db, addr, &[])
}

fn spawn_with(db: &Path, addr: &str, extra: &[&str]) -> Option<(Child, String)> {
    let mut child = Command::new(server_exe())
        .args(["--addr", addr, "--db"])
        .arg(db)
        .args(["--enrollment-code", ENROLLMENT, "--test-faults"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start motordesk-server");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(line) if line.starts_with("listening on ") => {
            let bound = line.trim().trim_start_matches("listening on ").to_string();
            Some((child, bound))
        }
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub struct Kiosk {
    pub store: Arc<Store>,
    _dir: tempfile::TempDir,
}

impl Kiosk {
    pub fn new() -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(
            &dir.path().join("motordesk.redb"),
            "admin",
            "clave-segura-1",
            "Admin",
        )
        .unwrap();
        motordesk::demo::configure_shop(&store).unwrap();
        Kiosk {
            store: Arc::new(store),
            _dir: dir,
        }
    }

    /// A kiosk with the demo shop's catalog, enrolled with `code` (one of the shop's
    /// enrollment codes) into the server at `url`.
    pub fn enrolled(url: &str, code: &str) -> Kiosk {
        let k = Kiosk::new();
        motordesk::demo::setup_shop(&k.store).unwrap();
        motordesk::sync::register(url, code, &k.store).unwrap();
        k
    }

    /// A kiosk registered with `server`.
    pub fn registered(server: &Server) -> Kiosk {
        let k = Kiosk::new();
        motordesk::sync::register(&server.url, ENROLLMENT, &k.store).unwrap();
        k
    }

    pub fn client(&self) -> Client {
        self.client_with_timeout(Duration::from_secs(20))
    }

    pub fn client_with_timeout(&self, timeout: Duration) -> Client {
        let s = self.store.settings().unwrap();
        Client::new(&s.server_url, s.device_token, timeout)
    }

    /// Issues `n` boletas; returns their numbers.
    pub fn issue(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| self.issue_one(i).number.to_string())
            .collect()
    }

    pub fn issue_one(&self, i: usize) -> Invoice {
        issue_boleta(&self.store, i)
    }

    pub fn customer(&self, dni: &str, name: &str) -> Customer {
        let c = Customer::new(
            Uuid::now_v7(),
            IdKind::Dni,
            dni,
            name,
            "Av. Arequipa 100",
            "",
            "",
        )
        .unwrap();
        self.store.save_customer(c).unwrap().data
    }

    /// Every unsynced outbox seq (PENDING, SYNCING, FAILED).
    pub fn unsynced_seqs(&self) -> Vec<u64> {
        use motordesk_core::SyncStatus::*;
        let mut v = Vec::new();
        for s in [Pending, Syncing, Failed] {
            v.extend(
                self.store
                    .outbox_with_status(s, usize::MAX)
                    .unwrap()
                    .iter()
                    .map(|e| e.seq),
            );
        }
        v
    }

    /// Manual retry of everything (what "Reintentar todo" does).
    pub fn retry_all(&self) {
        self.store.retry_now(&self.unsynced_seqs()).unwrap();
    }

    /// Nothing unsynced, and every invoice is SYNCED with `synced_at`.
    pub fn assert_all_synced(&self) {
        let counts = self.store.sync_counts().unwrap();
        assert_eq!(counts.unsynced(), 0, "{counts:?}");
        for inv in self.store.list::<Invoice>().unwrap() {
            assert_eq!(
                inv.meta.status,
                motordesk_core::SyncStatus::Synced,
                "{}",
                inv.data.number
            );
            assert!(inv.meta.synced_at.is_some(), "{}", inv.data.number);
        }
    }
}

/// Issues one small boleta (the price varies with `i`).
pub fn issue_boleta(store: &Store, i: usize) -> Invoice {
    store.issue_invoice(small_boleta(i)).unwrap()
}

/// A new store at `path` (administrator `admin` with `password`, named `name`) with
/// the demo shop's settings, registered with `server` as a kiosk of its shop.
pub fn registered_store(path: &Path, password: &str, name: &str, server: &Server) -> Store {
    let store = Store::create(path, "admin", password, name).unwrap();
    motordesk::demo::configure_shop(&store).unwrap();
    motordesk::sync::register(&server.url, ENROLLMENT, &store).unwrap();
    store
}

/// Where the customer `id` stands with the sync (its record's status).
pub fn customer_status(store: &Store, id: Uuid) -> motordesk_core::SyncStatus {
    store.get::<Customer>(id).unwrap().unwrap().meta.status
}

/// Runs the server binary's administration command `args` on the database `db` (no
/// server running) and returns what it printed; a refusal fails the test with its words.
/// `--test-faults` so that under scripts/test-postgres.sh it reaches the same PostgreSQL
/// database as the server.
pub fn server_admin(db: &Path, args: &[&str]) -> String {
    let out = Command::new(server_exe())
        .args(args)
        .arg("--db")
        .arg(db)
        .arg("--test-faults")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A chain on the server database `db`: the demo RUC's establishments 0001 "Taller
/// Norte" (shop 1) and 0002 "Taller Sur" (shop 2); the kiosks sign with its certificate.
pub fn add_two_shops(db: &Path) {
    for (est, name) in [("0001", "Taller Norte"), ("0002", "Taller Sur")] {
        let add = [
            "shop",
            "add",
            "--ruc",
            "20000000001",
            "--establishment",
            est,
        ];
        server_admin(db, &[&add[..], &["--name", name]].concat());
    }
}

/// One new enrollment code for each shop in `shops` (a shop named twice gets two).
pub fn enrollment_codes(db: &Path, shops: &[&str]) -> Vec<String> {
    shops
        .iter()
        .map(|shop| server_admin(db, &["--new-enrollment-code", "--shop", shop]))
        .collect()
}

/// The server holds exactly `issued`: each number once, no other.
pub fn assert_server_has_exactly(server: &Server, issued: &[String]) {
    let on_server = server.invoices();
    let numbers: Vec<&str> = on_server.iter().map(|i| i.number.as_str()).collect();
    let unique: HashSet<&str> = numbers.iter().copied().collect();
    assert_eq!(
        numbers.len(),
        unique.len(),
        "a number appears twice: {numbers:?}"
    );
    let expected: HashSet<&str> = issued.iter().map(String::as_str).collect();
    assert_eq!(unique, expected);
}

/// Polls `f` until it returns `Some`, or panics after `secs`.
pub fn wait_for<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One unit of a taxed service typed on the ticket (no catalog item behind it). Here,
/// not in `fixtures`, because the TLS test and the push bench include this module
/// without the UI fixtures.
pub fn service_line(code: &str, description: &str, price: Decimal) -> SaleLine {
    SaleLine {
        product_id: None,
        code: code.into(),
        description: description.into(),
        unit: Unit::Servicio,
        quantity: Decimal::ONE,
        unit_price: price,
        discount: Decimal::ZERO,
        affectation: TaxAffectation::Gravado,
    }
}

/// A boleta of one oil change whose price varies with `i` (S/ 35.00
/// to S/ 39.99), so that many of them are not all alike.
pub fn small_boleta(i: usize) -> InvoiceDraft {
    let mut draft = InvoiceDraft::new(DocumentKind::Boleta);
    draft.lines.push(service_line(
        "SRV-001",
        "Cambio de aceite",
        Decimal::new(3500 + i as i64 % 500, 2),
    ));
    draft
}
