//! The server attacked the way issue 12 found it open, as a real process over HTTP:
//! taking over another kiosk's registration, guessing enrollment codes and passwords,
//! oversized bodies and fields, stamps from the future, readings for vehicles that do not
//! exist, and what the database file shows at rest. Each test failed before its fix.
//! Every test runs on both backends: the redb file and PostgreSQL (`support::postgres`).

mod support;

use chrono::Utc;
use motordesk_core::protocol::*;
use motordesk_core::{Customer, IdKind, OdometerReading, RecordKind};
#[cfg(unix)]
use std::path::Path;
use std::process::{Child, Command};
use std::rc::Rc;
use std::time::Duration;
use support::mutation;
use support::postgres::{Backend, Store};
use uuid::Uuid;

const DEMO_CODE: &str = "codigo-de-prueba-1";

struct Server {
    child: Child,
    url: String,
    store: Rc<Store>,
}

impl Server {
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A fresh server with its own database on `backend`.
fn start(backend: Backend, extra: &[&str]) -> Server {
    spawn(Rc::new(Store::new(backend)), extra)
}

/// A server on an existing store.
fn restart_on(store: Rc<Store>) -> Server {
    spawn(store, &[])
}

fn spawn(store: Rc<Store>, extra: &[&str]) -> Server {
    let mut args = store.flags();
    args.extend(extra.iter().map(|a| a.to_string()));
    let (child, url) = support::start_server(&args, "warn");
    Server { child, url, store }
}

/// `#[test] fn name()` running `name_on(backend)` for each backend.
macro_rules! on_both_backends {
    ($($name:ident => $body:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            for b in Backend::all() {
                eprintln!("{} on {b:?}", stringify!($name));
                $body(b);
            }
        }
    )*};
}

on_both_backends!(
    a_device_id_alone_does_not_take_over_a_kiosk => device_id_alone_on,
    without_a_code_nobody_registers_and_generated_codes_work_once => codes_on,
    guessing_codes_and_passwords_is_throttled_and_locked => guessing_on,
    bodies_are_capped_before_they_are_read => bodies_on,
    oversized_fields_future_stamps_and_orphan_readings_are_refused => oversized_on,
    files_are_private_and_escrow_keys_are_sealed_at_rest => at_rest_on,
    invoices_with_impossible_numbers_dates_or_texts_are_refused => impossible_invoices_on,
);

fn agent() -> ureq::Agent {
    support::agent(Duration::from_secs(60))
}

/// POSTs `body` with optional headers; returns the status and the body text.
fn post(url: &str, body: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = agent().post(url).header("Content-Type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    match req.send(body) {
        Ok(mut r) => (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        ),
        // The server may close the connection while a huge body is still being sent.
        Err(e) => (0, e.to_string()),
    }
}

fn register(s: &Server, device: Uuid, code: &str, token: Option<&str>) -> (u16, String) {
    let body = serde_json::to_string(&RegisterRequest {
        enrollment_code: code.into(),
        device_id: device,
        name: "Caja".into(),
    })
    .unwrap();
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .as_deref()
        .map(|b| vec![("Authorization", b)])
        .unwrap_or_default();
    post(&format!("{}{REGISTER}", s.url), &body, &headers)
}

fn registered(s: &Server) -> (Uuid, RegisterResponse) {
    let id = Uuid::now_v7();
    let (status, body) = register(s, id, DEMO_CODE, None);
    assert_eq!(status, 200, "{body}");
    (id, serde_json::from_str(&body).unwrap())
}

fn push(s: &Server, token: &str, mutations: Vec<Mutation>) -> (u16, String) {
    let body = serde_json::to_string(&PushRequest { mutations }).unwrap();
    post(
        &format!("{}{PUSH}", s.url),
        &body,
        &[("Authorization", &format!("Bearer {token}"))],
    )
}

fn outcome(body: &str) -> Outcome {
    let r: PushResponse = serde_json::from_str(body).unwrap();
    r.results.into_iter().next().unwrap().outcome
}

fn device_id_alone_on(backend: Backend) {
    let s = start(backend, &["--enrollment-code", DEMO_CODE]);
    let (id, first) = registered(&s);
    // Anyone who saw the id in the change feed tries to register it again.
    let (status, body) = register(&s, id, DEMO_CODE, None);
    assert_eq!(status, 409, "{body}");
    let (status, _) = register(&s, id, DEMO_CODE, Some(&"f".repeat(64)));
    assert_eq!(status, 409);
    // The real kiosk still works, and may re-register itself with its token.
    assert_eq!(push(&s, &first.token, vec![]).0, 200);
    let (status, body) = register(&s, id, "", Some(&first.token));
    assert_eq!(status, 200, "{body}");
    let again: RegisterResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (again.kiosk_number, again.series),
        (first.kiosk_number, first.series)
    );
}

fn codes_on(backend: Backend) {
    let s = start(backend, &[]);
    let (status, _) = register(&s, Uuid::now_v7(), "motordesk-demo", None);
    assert_eq!(status, 403, "the old public default is gone");
    // The administrator makes a code on the same database (a second process may not
    // open it while the server runs, so this server is stopped first).
    let store = s.store.clone();
    drop(s);
    let out = Command::new(env!("CARGO_BIN_EXE_motordesk-server"))
        .args(store.flags())
        .arg("--new-enrollment-code")
        .output()
        .unwrap();
    assert!(out.status.success());
    let code = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(code.len(), 29, "{code}");
    let s = restart_on(store);
    assert_eq!(register(&s, Uuid::now_v7(), &code, None).0, 200);
    assert_eq!(
        register(&s, Uuid::now_v7(), &code, None).0,
        403,
        "single use"
    );
}

fn guessing_on(backend: Backend) {
    let s = start(
        backend,
        &[
            "--enrollment-code",
            DEMO_CODE,
            "--add-user",
            "lucia:clave-correcta:cajero",
        ],
    );
    // A registered kiosk with its login key.
    let (id, reg) = registered(&s);
    // Enrollment codes: after three free misses every guess must wait.
    let statuses: Vec<u16> = (0..20)
        .map(|i| register(&s, Uuid::now_v7(), &format!("adivina-{i}"), None).0)
        .collect();
    assert_eq!(statuses[..3], [403, 403, 403]);
    assert!(statuses[4..].iter().all(|&c| c == 429), "{statuses:?}");

    let login_key = "ab".repeat(32);
    let escrow = serde_json::to_string(&EscrowRequest {
        escrow_key: "cd".repeat(32),
        login_key: Some(login_key.clone()),
    })
    .unwrap();
    let (st, _) = post(
        &format!("{}{ESCROW}", s.url),
        &escrow,
        &[("Authorization", &format!("Bearer {}", reg.token))],
    );
    assert_eq!(st, 200);
    let login = |password: &str, key: &str| {
        let body = serde_json::to_string(&LoginRequest {
            device_id: id,
            username: "lucia".into(),
            password: password.into(),
        })
        .unwrap();
        post(
            &format!("{}{LOGIN}", s.url),
            &body,
            &[(DEVICE_LOGIN_KEY_HEADER, key)],
        )
        .0
    };
    // Without the kiosk's login key the password is not even looked at.
    assert_eq!(login("clave-correcta", "00"), 401);
    // 100 guesses: the first few are answered, then 429 without checking. A slow
    // machine may outlast a wait (1 s, then 2, 4 … s), and each wait outlasted lets one
    // more guess through; never more than that.
    let started = std::time::Instant::now();
    let answered = (0..100)
        .map(|i| login(&format!("mala-{i}"), &login_key))
        .filter(|&c| c == 401)
        .count();
    let secs = started.elapsed().as_secs();
    let waits_outlasted = (0..16u32)
        .take_while(|k| (1u64 << (k + 1)) - 1 <= secs)
        .count();
    assert!(
        answered <= 3 + waits_outlasted,
        "{answered} guesses were checked in {secs} s"
    );
    assert_eq!(
        login("clave-correcta", &login_key),
        429,
        "the right password waits too"
    );
}

fn bodies_on(backend: Backend) {
    let s = start(backend, &["--enrollment-code", DEMO_CODE]);
    // Unauthenticated: 16 KiB.
    let big = format!(r#"{{"enrollment_code":"{}"}}"#, "x".repeat(64 * 1024));
    let (st, _) = post(&format!("{}{REGISTER}", s.url), &big, &[]);
    assert!(st == 413 || st == 0, "{st}");
    // A push without a token is refused before its 40 MB body is read.
    let huge = "x".repeat(40 * 1024 * 1024);
    let (st, _) = post(&format!("{}{PUSH}", s.url), &huge, &[]);
    assert!(st == 401 || st == 0, "{st}");
    // With a token: up to MAX_PUSH_BYTES, then 413.
    let (_, reg) = registered(&s);
    let (st, _) = post(
        &format!("{}{PUSH}", s.url),
        &huge,
        &[("Authorization", &format!("Bearer {}", reg.token))],
    );
    assert!(st == 413 || st == 0, "{st}");
    assert_eq!(push(&s, &reg.token, vec![]).0, 200, "the server is fine");
}

fn oversized_on(backend: Backend) {
    let s = start(backend, &["--enrollment-code", DEMO_CODE]);
    let (id, reg) = registered(&s);
    let now = Utc::now().timestamp_millis();
    let mut c = Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Ana", "", "", "").unwrap();
    c.name = "A".repeat(5_000);
    let (st, body) = push(
        &s,
        &reg.token,
        vec![mutation(id, RecordKind::Customer, c.id, &c, now)],
    );
    assert_eq!(st, 200);
    assert!(
        matches!(outcome(&body), Outcome::Rejected { reason } if reason.contains("hasta 100")),
        "{body}"
    );

    let c = Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Ana", "", "", "").unwrap();
    let (_, body) = push(
        &s,
        &reg.token,
        vec![mutation(
            id,
            RecordKind::Customer,
            c.id,
            &c,
            9_000_000_000_000_000_000,
        )],
    );
    assert!(
        matches!(outcome(&body), Outcome::Rejected { reason } if reason.contains("futuro")),
        "{body}"
    );
    let (_, body) = push(
        &s,
        &reg.token,
        vec![mutation(id, RecordKind::Customer, c.id, &c, now)],
    );
    assert_eq!(outcome(&body), Outcome::Applied);

    let r = OdometerReading {
        id: Uuid::now_v7(),
        vehicle_id: Uuid::now_v7(),
        km: 1_000,
        read_at: Utc::now(),
        invoice_id: None,
    };
    let (_, body) = push(
        &s,
        &reg.token,
        vec![mutation(id, RecordKind::Odometer, r.id, &r, now)],
    );
    assert!(
        matches!(outcome(&body), Outcome::Rejected { reason } if reason.contains("vehículo")),
        "{body}"
    );
}

fn at_rest_on(backend: Backend) {
    let mut s = start(backend, &["--enrollment-code", DEMO_CODE]);
    let (_, reg) = registered(&s);
    let escrow_key = [0x5au8; 32];
    let body = serde_json::to_string(&EscrowRequest {
        escrow_key: to_hex(&escrow_key),
        login_key: None,
    })
    .unwrap();
    let (st, _) = post(
        &format!("{}{ESCROW}", s.url),
        &body,
        &[("Authorization", &format!("Bearer {}", reg.token))],
    );
    assert_eq!(st, 200);
    s.stop();
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;
    #[cfg(unix)]
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    match backend {
        Backend::Redb => {
            let db = s.store.redb_path();
            let bytes = std::fs::read(&db).unwrap();
            assert!(
                !bytes.windows(32).any(|w| w == escrow_key),
                "the escrow key is not in the database file in the clear"
            );
            #[cfg(unix)]
            {
                assert_eq!(mode(&db), 0o600);
                assert_eq!(
                    mode(&motordesk_server::sealing::Sealer::key_path(&db)),
                    0o600
                );
                assert_eq!(mode(db.parent().unwrap()), 0o700);
            }
        }
        Backend::Postgres => {
            let rows = s
                .store
                .client()
                .query("SELECT sealed FROM escrows", &[])
                .unwrap();
            assert_eq!(rows.len(), 1);
            let sealed: Vec<u8> = rows[0].get(0);
            assert!(
                !sealed.windows(32).any(|w| w == escrow_key),
                "the escrow key is not in the database in the clear"
            );
            #[cfg(unix)]
            {
                let key = s.store.key_path();
                assert_eq!(mode(&key), 0o600);
                assert_eq!(mode(key.parent().unwrap()), 0o700);
            }
        }
    }
}

/// What issue 12 found accepted: correlative 0 and u32::MAX, a document issued in 2199,
/// a 5 MB cashier, 2.8 MB of HTML in the observations. Each is refused, and a clean one
/// of the same kiosk still goes through.
fn impossible_invoices_on(backend: Backend) {
    use motordesk_core::{
        DocumentKind, DocumentNumber, Invoice, InvoiceDraft, SaleLine, TaxAffectation, Unit,
    };
    let s = start(backend, &["--enrollment-code", DEMO_CODE]);
    let (id, reg) = registered(&s);
    let boleta = |correlative: u32| {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        d.lines.push(SaleLine {
            product_id: None,
            code: "SRV-001".into(),
            description: "Cambio de aceite".into(),
            unit: Unit::Servicio,
            quantity: rust_decimal::Decimal::ONE,
            unit_price: rust_decimal::Decimal::new(3500, 2),
            discount: rust_decimal::Decimal::ZERO,
            affectation: TaxAffectation::Gravado,
        });
        Invoice::from_draft(
            d,
            Uuid::now_v7(),
            DocumentNumber {
                series: reg.series.boleta.clone(),
                correlative,
            },
            Utc::now(),
            id,
            "caja",
        )
        .unwrap()
    };
    let now = Utc::now().timestamp_millis();
    let refused = |inv: Invoice, why: &str| {
        let (st, body) = push(
            &s,
            &reg.token,
            vec![mutation(id, RecordKind::Invoice, inv.id, &inv, now)],
        );
        assert_eq!(st, 200);
        assert!(
            matches!(outcome(&body), Outcome::Rejected { .. }),
            "{why} was accepted: {body}"
        );
    };
    let mut zero = boleta(1);
    zero.number.correlative = 0;
    refused(zero, "correlative 0");
    let mut max = boleta(2);
    max.number.correlative = u32::MAX;
    refused(max, "correlative u32::MAX");
    let mut future = boleta(3);
    future.issued_at = "2199-01-01T00:00:00Z".parse().unwrap();
    refused(future, "issued in 2199");
    let mut cashier = boleta(4);
    cashier.cashier = "c".repeat(5_000_000);
    let body = serde_json::to_string(&PushRequest {
        mutations: vec![mutation(id, RecordKind::Invoice, cashier.id, &cashier, now)],
    })
    .unwrap();
    let (st, body) = post(
        &format!("{}{PUSH}", s.url),
        &body,
        &[("Authorization", &format!("Bearer {}", reg.token))],
    );
    assert_eq!(st, 200);
    assert!(
        matches!(outcome(&body), Outcome::Rejected { .. }),
        "5 MB cashier"
    );
    let mut html = boleta(5);
    html.observations = "<b>".repeat(930_000);
    refused(html, "2.8 MB observations");
    let ok = boleta(6);
    let (_, body) = push(
        &s,
        &reg.token,
        vec![mutation(id, RecordKind::Invoice, ok.id, &ok, now)],
    );
    assert_eq!(outcome(&body), Outcome::Applied);
}
