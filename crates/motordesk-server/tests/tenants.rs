//! A chain of two shops on one server, as a real process over HTTP, on both backends:
//! a kiosk of shop A reads and writes nothing of shop B — not by B's record ids,
//! idempotency keys, series, numbers, RUC or tokens — an enrollment code registers into
//! its own shop only, a user session of A is nobody in B, an owner reads both shops and
//! another owner neither. The shops are made with the real CLI (`shop add`, `owner add`,
//! `--new-enrollment-code --shop`), as an administrator would.

mod support;

use chrono::Utc;
use motordesk_core::protocol::*;
use motordesk_core::{
    Customer, DocumentKind, DocumentNumber, IdKind, Invoice, InvoiceDraft, RecordKind, SaleLine,
    TaxAffectation, Unit,
};
use std::process::{Child, Command};
use std::time::Duration;
use support::mutation;
use support::postgres::{Backend, Store};
use uuid::Uuid;

const RUC_A: &str = "20100070970";
const RUC_B: &str = "20131312955";
const DEMO_CODE: &str = "codigo-de-prueba-1";

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server binary run once on `store` with `args` (a CLI command); stdout, or the
/// exit code and stderr.
fn cli(store: &Store, args: &[&str]) -> Result<String, (i32, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_motordesk-server"))
        .args(args)
        .args(store.flags())
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err((
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    }
}

fn code_for(store: &Store, shop: &str) -> String {
    cli(store, &["--new-enrollment-code", "--shop", shop])
        .unwrap()
        .trim()
        .to_string()
}

fn agent() -> ureq::Agent {
    support::agent(Duration::from_secs(60))
}

fn post(url: &str, body: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = agent().post(url).header("Content-Type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut r = req.send(body).unwrap();
    (
        r.status().as_u16(),
        r.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn get(url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = agent().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut r = req.call().unwrap();
    (
        r.status().as_u16(),
        r.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A registered kiosk: its id and what the server answered.
struct Kiosk {
    id: Uuid,
    reg: RegisterResponse,
}

fn register(s: &Server, id: Uuid, code: &str, token: Option<&str>) -> (u16, String) {
    let body = serde_json::to_string(&RegisterRequest {
        enrollment_code: code.into(),
        device_id: id,
        name: "Caja".into(),
    })
    .unwrap();
    let auth = token.map(bearer);
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|b| vec![("Authorization", b)])
        .unwrap_or_default();
    post(&format!("{}{REGISTER}", s.url), &body, &headers)
}

fn kiosk(s: &Server, code: &str) -> Kiosk {
    let id = Uuid::now_v7();
    let (status, body) = register(s, id, code, None);
    assert_eq!(status, 200, "{body}");
    Kiosk {
        id,
        reg: serde_json::from_str(&body).unwrap(),
    }
}

fn push(s: &Server, token: &str, mutations: Vec<Mutation>) -> (u16, Vec<Outcome>) {
    let body = serde_json::to_string(&PushRequest { mutations }).unwrap();
    let (status, body) = post(
        &format!("{}{PUSH}", s.url),
        &body,
        &[("Authorization", &bearer(token))],
    );
    if status != 200 {
        return (status, Vec::new());
    }
    let r: PushResponse = serde_json::from_str(&body).unwrap();
    (200, r.results.into_iter().map(|r| r.outcome).collect())
}

/// Every change `token` may pull, from the start.
fn pull(s: &Server, token: &str) -> (u16, Vec<Change>) {
    let (status, body) = get(
        &format!("{}{CHANGES}?cursor=0&limit=1000", s.url),
        &[("Authorization", &bearer(token))],
    );
    if status != 200 {
        return (status, Vec::new());
    }
    let page: ChangesResponse = serde_json::from_str(&body).unwrap();
    assert!(!page.more);
    (200, page.changes)
}

fn customer_named(device: Uuid, id: Uuid, name: &str, wall_ms: i64) -> Mutation {
    let c = Customer::new(id, IdKind::Dni, "45678912", name, "", "", "").unwrap();
    mutation(device, RecordKind::Customer, id, &c, wall_ms)
}

fn boleta(k: &Kiosk, series: &motordesk_core::Series, correlative: u32, id: Uuid) -> Mutation {
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
    let inv = Invoice::from_draft(
        d,
        id,
        DocumentNumber {
            series: series.clone(),
            correlative,
        },
        Utc::now(),
        k.id,
        "caja",
    )
    .unwrap();
    mutation(
        k.id,
        RecordKind::Invoice,
        inv.id,
        &inv,
        Utc::now().timestamp_millis(),
    )
}

/// A signed-document push of `k`'s boleta series, filed under `ruc`.
fn comprobante(k: &Kiosk, ruc: &str, correlative: u32) -> Mutation {
    let series = k.reg.series.boleta.to_string();
    let c = ComprobanteUpload {
        invoice_id: Uuid::now_v7(),
        file_name: format!("{ruc}-03-{series}-{correlative}"),
        xml: format!(
            "<Invoice><cbc:ID>{series}-{correlative}</cbc:ID><ds:DigestValue>ZGlnZXN0</ds:DigestValue></Invoice>"
        ),
        digest: "ZGlnZXN0".into(),
    };
    mutation(
        k.id,
        RecordKind::Comprobante,
        c.invoice_id,
        &c,
        Utc::now().timestamp_millis(),
    )
}

/// The shop id a token carries: `shopN.` or none (the default shop).
fn shop_of(token: &str) -> &str {
    token.split_once('.').map_or("", |(p, _)| p)
}

fn with_shop(token: &str, prefix: &str) -> String {
    let secret = token.split_once('.').map_or(token, |(_, s)| s);
    format!("{prefix}.{secret}")
}

fn owner_login(s: &Server, name: &str, password: &str) -> (u16, String) {
    post(
        &format!("{}/v1/owner/login", s.url),
        &serde_json::json!({"username": name, "password": password}).to_string(),
        &[],
    )
}

fn owner_feed(s: &Server, token: &str, shop: &str) -> (u16, Vec<Change>) {
    let (status, body) = get(
        &format!(
            "{}/v1/owner/shops/{shop}/changes?cursor=0&limit=1000",
            s.url
        ),
        &[("Authorization", &bearer(token))],
    );
    if status != 200 {
        return (status, Vec::new());
    }
    let page: ChangesResponse = serde_json::from_str(&body).unwrap();
    (200, page.changes)
}

fn chain_on(backend: Backend) {
    let store = Store::new(backend);
    // The administrator's side: two shops, checked inputs, codes, owners.
    let a = cli(
        &store,
        &[
            "shop",
            "add",
            "--ruc",
            RUC_A,
            "--establishment",
            "0001",
            "--name",
            "Taller Norte",
        ],
    )
    .unwrap();
    assert!(a.starts_with("shop 1\t"), "{a}");
    let b = cli(
        &store,
        &[
            "shop",
            "add",
            "--ruc",
            RUC_B,
            "--establishment",
            "0001",
            "--name",
            "Taller Sur",
        ],
    )
    .unwrap();
    assert!(b.starts_with("shop 2\t"), "{b}");
    let again = cli(
        &store,
        &[
            "shop",
            "add",
            "--ruc",
            RUC_A,
            "--establishment",
            "0001",
            "--name",
            "Otra",
        ],
    );
    assert!(
        matches!(&again, Err((1, e)) if e.contains("is shop 1 already")),
        "{again:?}"
    );
    let bad_ruc = cli(
        &store,
        &[
            "shop",
            "add",
            "--ruc",
            "20100070971",
            "--establishment",
            "0002",
            "--name",
            "X",
        ],
    );
    assert!(
        matches!(&bad_ruc, Err((1, e)) if e.contains("RUC")),
        "{bad_ruc:?}"
    );
    let list = cli(&store, &["shop", "list"]).unwrap();
    assert!(
        list.contains("Taller Norte") && list.contains("Taller Sur"),
        "{list}"
    );
    assert!(
        cli(&store, &["--new-enrollment-code", "--shop", "9"]).is_err(),
        "a code for a shop that does not exist"
    );
    let (code_a1, code_a2, code_b1, code_b2) = (
        code_for(&store, "1"),
        code_for(&store, "1"),
        code_for(&store, "2"),
        code_for(&store, "2"),
    );
    let pw = store.dir.path().join("owner-password");
    std::fs::write(&pw, "clave-de-la-duena\n").unwrap();
    let pw = pw.to_str().unwrap();
    cli(
        &store,
        &[
            "owner",
            "add",
            "--name",
            "duena",
            "--password-file",
            pw,
            "--shops",
            "1,2",
        ],
    )
    .unwrap();
    cli(
        &store,
        &[
            "owner",
            "add",
            "--name",
            "otro",
            "--password-file",
            pw,
            "--shops",
            "0",
        ],
    )
    .unwrap();
    assert!(
        cli(
            &store,
            &[
                "owner",
                "add",
                "--name",
                "x",
                "--password-file",
                pw,
                "--shops",
                "7"
            ],
        )
        .is_err(),
        "an owner of a shop that does not exist"
    );

    let mut args = store.flags();
    args.extend(
        [
            "--enrollment-code",
            DEMO_CODE,
            "--shop",
            "1",
            "--add-user",
            "lucia:clave-de-lucia:cajero",
        ]
        .map(String::from),
    );
    let (child, url) = support::start_server(&args, "warn");
    let s = Server { child, url };

    // Enrollment codes register into their own shop, once; tokens name the shop.
    let a1 = kiosk(&s, &code_a1);
    let a2 = kiosk(&s, &code_a2);
    let b1 = kiosk(&s, &code_b1);
    let b2 = kiosk(&s, &code_b2);
    let home = kiosk(&s, DEMO_CODE);
    assert_eq!(shop_of(&a1.reg.token), "shop1");
    assert_eq!(shop_of(&a2.reg.token), "shop1");
    assert_eq!(shop_of(&b1.reg.token), "shop2");
    assert_eq!(
        shop_of(&home.reg.token),
        "",
        "the default shop's tokens as before"
    );
    assert_eq!(register(&s, Uuid::now_v7(), &code_a1, None).0, 403, "used");
    // Kiosk numbers, and so series, are the chain's: no two kiosks share one.
    let mut numbers: Vec<u16> = [&a1, &a2, &b1, &b2, &home]
        .iter()
        .map(|k| k.reg.kiosk_number)
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 5, "{numbers:?}");
    // A's device id cannot be taken into B with B's code, nor without a token.
    let code_b3 = {
        drop(s);
        code_for(&store, "2")
    };
    let (child, url) = support::start_server(&args, "warn");
    let s = Server { child, url };
    assert_eq!(register(&s, a1.id, &code_b3, None).0, 409);
    assert_eq!(register(&s, a1.id, "", Some(&b1.reg.token)).0, 409);
    let (status, body) = register(&s, a1.id, "", Some(&a1.reg.token));
    assert_eq!(status, 200, "{body}");
    let a1 = Kiosk {
        id: a1.id,
        reg: serde_json::from_str(&body).unwrap(),
    };
    assert_eq!(shop_of(&a1.reg.token), "shop1", "re-registered where it is");

    // Each shop writes its own data.
    let now = Utc::now().timestamp_millis();
    let b_customer = Uuid::now_v7();
    let b_push = customer_named(b1.id, b_customer, "Cliente de Sur", now);
    let b_key = b_push.idempotency_key;
    let b_invoice = Uuid::now_v7();
    let (st, out) = push(
        &s,
        &b1.reg.token,
        vec![
            b_push.clone(),
            boleta(&b1, &b1.reg.series.boleta, 1, b_invoice),
        ],
    );
    assert_eq!(
        (st, out.clone()),
        (200, vec![Outcome::Applied; 2]),
        "{out:?}"
    );
    let a_customer = customer_named(a1.id, Uuid::now_v7(), "Cliente de Norte", now);
    let (st, out) = push(&s, &a1.reg.token, vec![a_customer.clone()]);
    assert_eq!((st, out), (200, vec![Outcome::Applied]));

    // A kiosk of A pulls A's changes only.
    let (st, feed) = pull(&s, &a2.reg.token);
    assert_eq!(st, 200);
    let ids: Vec<Uuid> = feed.iter().map(|c| c.record_id).collect();
    assert_eq!(ids, vec![a_customer.record_id], "A's feed is A's alone");

    // B's record ids, idempotency keys, series and numbers, tried from A.
    let mut same_key = customer_named(a1.id, Uuid::now_v7(), "Clave ajena", now);
    same_key.idempotency_key = b_key;
    let (_, out) = push(&s, &a1.reg.token, vec![same_key]);
    assert_eq!(
        out,
        vec![Outcome::Applied],
        "B's idempotency key is unknown in A: nothing says it exists"
    );
    let (_, out) = push(
        &s,
        &a1.reg.token,
        vec![customer_named(
            a1.id,
            b_customer,
            "Pisado desde Norte",
            now + 60_000,
        )],
    );
    assert_eq!(out, vec![Outcome::Applied], "a record of A's own");
    let (_, out) = push(
        &s,
        &a1.reg.token,
        vec![boleta(&a1, &b1.reg.series.boleta, 2, Uuid::now_v7())],
    );
    assert!(
        matches!(&out[..], [Outcome::Rejected { reason }] if reason.contains("no pertenece")),
        "B's series from A: {out:?}"
    );
    let (_, out) = push(
        &s,
        &a1.reg.token,
        vec![boleta(&a1, &a1.reg.series.boleta, 1, b_invoice)],
    );
    assert_eq!(out, vec![Outcome::Applied], "B's invoice id is free in A");
    let (_, out) = push(&s, &a1.reg.token, vec![comprobante(&a1, RUC_B, 1)]);
    assert!(
        matches!(&out[..], [Outcome::Rejected { reason }] if reason.contains("RUC")),
        "a document in B's name from A: {out:?}"
    );
    let (_, out) = push(&s, &a1.reg.token, vec![comprobante(&a1, RUC_A, 1)]);
    assert_eq!(out, vec![Outcome::Applied]);

    // B saw none of it: its feed, its record and its key are as B left them.
    let (_, feed) = pull(&s, &b2.reg.token);
    assert_eq!(feed.len(), 2, "{feed:?}");
    let theirs = feed.iter().find(|c| c.record_id == b_customer).unwrap();
    assert_eq!(theirs.payload["data"]["name"], "Cliente de Sur");
    assert!(feed.iter().all(|c| c.origin_device == b1.id));
    let (_, out) = push(&s, &b1.reg.token, vec![b_push]);
    assert_eq!(out, vec![Outcome::Duplicate], "B's key is still B's");
    // Nor does the default shop see any of it.
    let (_, feed) = pull(&s, &home.reg.token);
    assert!(feed.is_empty(), "{feed:?}");

    // Tokens: A's secret under B's name, an unknown shop, a malformed prefix.
    for forged in [
        with_shop(&a1.reg.token, "shop2"),
        with_shop(&a1.reg.token, "shop77"),
        with_shop(&a1.reg.token, "shop01"),
        with_shop(&a1.reg.token, "owner"),
        a1.reg.token.split_once('.').unwrap().1.to_string(),
    ] {
        assert_eq!(pull(&s, &forged).0, 401, "{forged}");
        assert_eq!(push(&s, &forged, vec![]).0, 401, "{forged}");
    }

    // Users belong to a shop: Lucía of A logs in on A's kiosk, not on B's, and her
    // session is nobody in B.
    let login_key = "ab".repeat(32);
    for k in [&a1, &b1] {
        let escrow = serde_json::to_string(&EscrowRequest {
            escrow_key: "cd".repeat(32),
            login_key: Some(login_key.clone()),
        })
        .unwrap();
        let (st, body) = post(
            &format!("{}{ESCROW}", s.url),
            &escrow,
            &[("Authorization", &bearer(&k.reg.token))],
        );
        assert_eq!(st, 200, "{body}");
    }
    let login = |k: &Kiosk| {
        post(
            &format!("{}{LOGIN}", s.url),
            &serde_json::to_string(&LoginRequest {
                device_id: k.id,
                username: "lucia".into(),
                password: "clave-de-lucia".into(),
            })
            .unwrap(),
            &[(DEVICE_LOGIN_KEY_HEADER, &login_key)],
        )
    };
    let (st, body) = login(&a1);
    assert_eq!(st, 200, "{body}");
    let session: LoginResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(shop_of(&session.token), "shop1");
    assert_eq!(login(&b1).0, 401, "A's user on B's kiosk");
    let me = |token: &str| get(&format!("{}{ME}", s.url), &[(USER_TOKEN_HEADER, token)]).0;
    assert_eq!(me(&session.token), 200);
    assert_eq!(me(&with_shop(&session.token, "shop2")), 401);
    assert_eq!(pull(&s, &session.token).0, 401, "a session is no device");

    // The owner of both reads both; another owner reads neither; not-theirs and
    // not-there answer alike.
    let (st, body) = owner_login(&s, "duena", "clave-de-la-duena");
    assert_eq!(st, 200, "{body}");
    let duena: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = duena["token"].as_str().unwrap().to_string();
    let rucs: Vec<&str> = duena["shops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ruc"].as_str().unwrap())
        .collect();
    assert_eq!(rucs, vec![RUC_A, RUC_B]);
    let (st, feed_a) = owner_feed(&s, &token, "1");
    assert_eq!(st, 200);
    // A's kiosk's changes (and any SUNAT state the server published, origin nil).
    assert!(
        feed_a
            .iter()
            .all(|c| c.origin_device == a1.id || c.origin_device.is_nil())
    );
    assert!(feed_a.iter().any(|c| c.record_id == a_customer.record_id));
    let (st, feed_b) = owner_feed(&s, &token, "2");
    assert_eq!(st, 200);
    assert_eq!(feed_b.len(), 2);
    assert_eq!(owner_feed(&s, &token, "0").0, 404, "not hers");
    assert_eq!(owner_feed(&s, &token, "77").0, 404);
    assert_eq!(
        owner_feed(&s, &a1.reg.token, "1").0,
        401,
        "a device is no owner"
    );
    assert_eq!(
        owner_login(&s, "duena", "otra-clave").0,
        401,
        "wrong password"
    );
    let (st, body) = owner_login(&s, "otro", "clave-de-la-duena");
    assert_eq!(st, 200, "{body}");
    let otro: serde_json::Value = serde_json::from_str(&body).unwrap();
    let otro = otro["token"].as_str().unwrap().to_string();
    assert_eq!(owner_feed(&s, &otro, "1").0, 404);
    assert_eq!(owner_feed(&s, &otro, "2").0, 404);
    let (st, home_feed) = owner_feed(&s, &otro, "0");
    assert_eq!((st, home_feed.len()), (200, 0));
    assert_eq!(pull(&s, &otro).0, 401, "an owner is no device");
}

#[test]
fn a_kiosk_of_one_shop_reads_and_writes_nothing_of_another() {
    for b in Backend::all() {
        eprintln!("chain on {b:?}");
        chain_on(b);
    }
}

/// Two instances on one PostgreSQL database register 24 kiosks at the same moment into
/// the default shop and two tenant shops: every kiosk gets its own number (the series
/// are the chain's), whichever instance and shop it went through.
#[test]
fn kiosk_numbers_stay_unique_across_shops_and_instances() {
    use motordesk_server::shops::{ShopId, Shops, new_shop};
    use std::sync::{Arc, Barrier};
    if support::postgres::skip_postgres() {
        return;
    }
    let store = Store::new(Backend::Postgres);
    let first = Arc::new(Shops::new(Arc::new(store.open())));
    let registry = first.registry();
    for (ruc, est) in [(RUC_A, "0001"), (RUC_B, "0001")] {
        registry
            .add_shop(new_shop(ruc, est, "Local").unwrap())
            .unwrap();
    }
    let second = Arc::new(Shops::new(Arc::new(store.open())));
    let barrier = Arc::new(Barrier::new(24));
    let threads: Vec<_> = (0..24u32)
        .map(|i| {
            let shops = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let (device, token) = shops
                    .register(ShopId(i % 3), Uuid::now_v7(), "caja")
                    .unwrap();
                (device.kiosk_number, token)
            })
        })
        .collect();
    let mut numbers: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap().0).collect();
    numbers.sort();
    assert_eq!(numbers, (1..=24).collect::<Vec<u16>>());
}

/// A one-shop PostgreSQL database made before shops existed (schema version 1, three
/// kiosks) gains the registry at the next start without renumbering: the next kiosk, in
/// the default shop or a new one, is number 4.
#[test]
fn a_database_from_before_shops_keeps_its_kiosk_numbers() {
    use motordesk_server::shops::{ShopId, Shops, new_shop};
    use std::sync::Arc;
    if support::postgres::skip_postgres() {
        return;
    }
    let store = Store::new(Backend::Postgres);
    let mut c = store.client();
    c.batch_execute(include_str!("../migrations/0001_initial.sql"))
        .unwrap();
    c.batch_execute(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now());
         INSERT INTO schema_migrations (version, name) VALUES (1, 'initial');",
    )
    .unwrap();
    for n in 1..=3 {
        c.execute(
            "INSERT INTO devices (device_id, kiosk_number, token_hash, body) VALUES ($1, $2, $3, '\\x7b7d')",
            &[&Uuid::now_v7(), &n, &format!("t{n}")],
        )
        .unwrap();
    }
    let shops = Shops::new(Arc::new(store.open()));
    let shop = shops
        .registry()
        .add_shop(new_shop(RUC_A, "0001", "Local").unwrap())
        .unwrap();
    let (tenant, _) = shops.register(shop.id, Uuid::now_v7(), "caja").unwrap();
    let (home, _) = shops
        .register(ShopId::DEFAULT, Uuid::now_v7(), "caja")
        .unwrap();
    assert_eq!((tenant.kiosk_number, home.kiosk_number), (4, 5));
}
