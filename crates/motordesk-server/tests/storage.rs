//! The storage rules that must hold on both backends (redb and PostgreSQL), driven
//! in-process through `ServerDb`, with real concurrency: the change feed stays gap-free
//! and in commit order while many writers push; a pull that runs meanwhile misses
//! nothing. On PostgreSQL also what only a shared database has: two server instances
//! racing on one idempotency key or one document number, two dispatchers claiming work,
//! and the constraints refusing bad rows written past the server's own checks.

mod support;

use chrono::Utc;
use motordesk_core::RecordKind;
use motordesk_core::protocol::{ComprobanteUpload, Mutation, Outcome};
use motordesk_server::db::ServerDb;
use motordesk_server::device::Device;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::postgres::{Backend, Store};
use support::{customer, mutation};
use uuid::Uuid;

/// Every change of the feed from the start, pulled page by page as `device`.
fn pull_all(db: &ServerDb, device: Uuid) -> Vec<motordesk_core::protocol::Change> {
    let mut cursor = 0u64;
    let mut out = Vec::new();
    loop {
        let page = db.changes(device, cursor, 500).unwrap();
        out.extend(page.changes);
        cursor = page.cursor.parse().unwrap();
        if !page.more {
            return out;
        }
    }
}

/// 8 kiosks push 40 batches of 5 customers each at the same time while a ninth pulls
/// without pause. Afterwards the feed is 1..=1600 without a hole, and the puller, which
/// only ever asked for "after my cursor", saw every change exactly once: no number was
/// committed after a later one it had already passed.
fn concurrent_feed_on(backend: Backend) {
    const KIOSKS: usize = 8;
    const BATCHES: usize = 40;
    const PER_BATCH: usize = 5;
    let store = Store::new(backend);
    let db = Arc::new(store.open());
    let kiosks: Vec<Device> = (0..KIOSKS)
        .map(|i| db.register(Uuid::now_v7(), &format!("caja {i}")).unwrap().0)
        .collect();
    let (reader, _) = db.register(Uuid::now_v7(), "lector").unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let puller = {
        let (db, done) = (db.clone(), done.clone());
        std::thread::spawn(move || {
            let mut cursor = 0u64;
            let mut seen = Vec::new();
            loop {
                let finished = done.load(Ordering::SeqCst);
                let page = db.changes(reader.device_id, cursor, 50).unwrap();
                seen.extend(page.changes.into_iter().map(|c| (c.seq, c.record_id)));
                cursor = page.cursor.parse().unwrap();
                if finished && !page.more {
                    return seen;
                }
            }
        })
    };
    let pushers: Vec<_> = kiosks
        .iter()
        .cloned()
        .map(|k| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                for b in 0..BATCHES {
                    let batch: Vec<Mutation> = (0..PER_BATCH)
                        .map(|i| customer(k.device_id, b * PER_BATCH + i))
                        .collect();
                    ids.extend(batch.iter().map(|m| m.record_id));
                    let results = db.apply(&k, &batch).unwrap();
                    assert!(results.iter().all(|r| r.outcome == Outcome::Applied));
                }
                ids
            })
        })
        .collect();
    let pushed: HashSet<Uuid> = pushers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    done.store(true, Ordering::SeqCst);
    let seen = puller.join().unwrap();

    let total = KIOSKS * BATCHES * PER_BATCH;
    assert_eq!(pushed.len(), total);
    let feed = pull_all(&db, reader.device_id);
    let seqs: Vec<u64> = feed.iter().map(|c| c.seq).collect();
    let first_wrong = seqs.iter().zip(1u64..).find(|(seq, want)| **seq != *want);
    assert!(
        first_wrong.is_none() && seqs.len() == total,
        "{backend:?}: the feed has a hole or a repeat: {} changes, first wrong (got, want) {first_wrong:?}",
        seqs.len()
    );
    let seen_ids: Vec<Uuid> = seen.iter().map(|s| s.1).collect();
    let unique: HashSet<Uuid> = seen_ids.iter().copied().collect();
    assert_eq!(
        seen_ids.len(),
        unique.len(),
        "{backend:?}: a change came twice"
    );
    assert_eq!(
        unique, pushed,
        "{backend:?}: the concurrent puller missed changes"
    );
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "{backend:?}: pulled out of order"
    );
}

#[test]
fn the_feed_is_gap_free_and_in_commit_order_under_concurrent_writers() {
    for b in Backend::all() {
        concurrent_feed_on(b);
    }
}

/// A signed-document push the server accepts (the signature itself is SUNAT's to check).
fn comprobante(device: &Device, correlative: u32) -> Mutation {
    let series = device.series.boleta.to_string();
    let c = ComprobanteUpload {
        invoice_id: Uuid::now_v7(),
        file_name: format!("20000000001-03-{series}-{correlative}"),
        xml: format!(
            "<Invoice><cbc:ID>{series}-{correlative}</cbc:ID><ds:DigestValue>ZGlnZXN0</ds:DigestValue></Invoice>"
        ),
        digest: "ZGlnZXN0".into(),
    };
    mutation(
        device.device_id,
        RecordKind::Comprobante,
        c.invoice_id,
        &c,
        Utc::now().timestamp_millis(),
    )
}

/// Two instances on one database push the same batch at the same moment, 20 times:
/// each key is applied once (the other instance answers duplicate), and the feed holds
/// each change once.
#[test]
fn two_instances_racing_on_one_key_apply_it_once() {
    if support::postgres::skip_postgres() {
        return;
    }
    let store = Store::new(Backend::Postgres);
    let a = Arc::new(store.open());
    let b = Arc::new(store.open());
    let (kiosk, _) = a.register(Uuid::now_v7(), "caja").unwrap();
    let (reader, _) = a.register(Uuid::now_v7(), "lector").unwrap();
    for round in 0..20 {
        let batch: Vec<Mutation> = (0..5).map(|i| customer(kiosk.device_id, i)).collect();
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let run = |db: Arc<ServerDb>| {
            let (batch, kiosk, barrier) = (batch.clone(), kiosk.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                db.apply(&kiosk, &batch).unwrap()
            })
        };
        let (ra, rb) = (run(a.clone()), run(b.clone()));
        let (ra, rb) = (ra.join().unwrap(), rb.join().unwrap());
        for (x, y) in ra.iter().zip(&rb) {
            let outcomes = [&x.outcome, &y.outcome];
            assert!(
                outcomes.contains(&&Outcome::Applied) && outcomes.contains(&&Outcome::Duplicate),
                "round {round}: {outcomes:?}"
            );
        }
    }
    let feed = pull_all(&b, reader.device_id);
    assert_eq!(feed.len(), 100);
    let ids: HashSet<Uuid> = feed.iter().map(|c| c.record_id).collect();
    assert_eq!(ids.len(), 100);
}

/// Two dispatchers (two instances) take due documents at the same time, each holding
/// what it took as a pass does: no document is handed to both, every one to one of them.
/// When the passes end (as when an instance dies: its connection closes) the documents
/// are free again at once, still due since nothing was recorded.
#[test]
fn two_dispatchers_never_take_the_same_document() {
    if support::postgres::skip_postgres() {
        return;
    }
    let store = Store::new(Backend::Postgres);
    let a = Arc::new(store.open());
    let b = Arc::new(store.open());
    let (kiosk, _) = a.register(Uuid::now_v7(), "caja").unwrap();
    let docs: Vec<Mutation> = (1..=60).map(|i| comprobante(&kiosk, i)).collect();
    let results = a.apply(&kiosk, &docs).unwrap();
    assert!(
        results.iter().all(|r| r.outcome == Outcome::Applied),
        "{results:?}"
    );
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let take = |db: Arc<ServerDb>| {
        let barrier = barrier.clone();
        std::thread::spawn(move || {
            let mut claims = db.claims().unwrap();
            let mut got = Vec::new();
            loop {
                let due = db.fiscal_due(Utc::now(), 4, &mut claims).unwrap();
                if due.is_empty() {
                    break;
                }
                got.extend(due.into_iter().map(|d| d.invoice_id));
            }
            // Both hold their claims until both are done.
            barrier.wait();
            got
        })
    };
    let (ta, tb) = (take(a.clone()), take(b.clone()));
    let (got_a, got_b) = (ta.join().unwrap(), tb.join().unwrap());
    let set_a: BTreeSet<Uuid> = got_a.iter().copied().collect();
    let set_b: BTreeSet<Uuid> = got_b.iter().copied().collect();
    assert!(
        set_a.is_disjoint(&set_b),
        "both instances took {:?}",
        set_a.intersection(&set_b).collect::<Vec<_>>()
    );
    assert_eq!(set_a.len() + set_b.len(), 60);
    let mut again = a.claims().unwrap();
    assert_eq!(
        a.fiscal_due(Utc::now(), 100, &mut again).unwrap().len(),
        60,
        "released with the passes, still due"
    );
    let mut other = b.claims().unwrap();
    assert!(
        b.fiscal_due(Utc::now(), 100, &mut other)
            .unwrap()
            .is_empty(),
        "held by the first pass"
    );
}

/// What the server checks in code is also refused by the database itself: a second
/// use of a number, a number for a series another kiosk owns, a number that is not of
/// its series, a repeated idempotency key, a second kiosk with the same number.
#[test]
fn postgres_constraints_refuse_what_the_rules_refuse() {
    if support::postgres::skip_postgres() {
        return;
    }
    let store = Store::new(Backend::Postgres);
    let db = store.open();
    let (k1, _) = db.register(Uuid::now_v7(), "caja 1").unwrap();
    let (k2, _) = db.register(Uuid::now_v7(), "caja 2").unwrap();
    let mut c = store.client();
    let insert_number = |c: &mut postgres::Client, number: &str, series: &str, device: Uuid| {
        c.execute(
            "INSERT INTO invoice_numbers (number, series, device_id, invoice_id) VALUES ($1, $2, $3, $4)",
            &[&number, &series, &device, &Uuid::now_v7()],
        )
    };
    let code = |r: Result<u64, postgres::Error>| {
        r.expect_err("the database accepted it")
            .code()
            .map(|c| c.code().to_string())
    };
    insert_number(&mut c, "B001-00000001", "B001", k1.device_id).unwrap();
    assert_eq!(
        code(insert_number(&mut c, "B001-00000001", "B001", k1.device_id)).as_deref(),
        Some("23505"),
        "a number twice"
    );
    assert_eq!(
        code(insert_number(&mut c, "B001-00000002", "B001", k2.device_id)).as_deref(),
        Some("23503"),
        "kiosk 2 storing a number of kiosk 1's series"
    );
    assert_eq!(
        code(insert_number(&mut c, "B002-00000001", "B001", k1.device_id)).as_deref(),
        Some("23514"),
        "a number of another series"
    );
    let key = Uuid::now_v7();
    let applied = |c: &mut postgres::Client| {
        c.execute(
            "INSERT INTO applied_keys (idempotency_key, device_id, body) VALUES ($1, $2, '\\x7b7d')",
            &[&key, &k1.device_id],
        )
    };
    applied(&mut c).unwrap();
    assert_eq!(code(applied(&mut c)).as_deref(), Some("23505"));
    assert_eq!(
        code(c.execute(
            "INSERT INTO devices (device_id, kiosk_number, token_hash, body) VALUES ($1, 1, 'x', '\\x7b7d')",
            &[&Uuid::now_v7()],
        ))
        .as_deref(),
        Some("23505"),
        "a second kiosk 1"
    );
}

/// A newer server migrated the database: an older one refuses to use it.
#[test]
fn a_database_from_a_newer_server_is_refused() {
    if support::postgres::skip_postgres() {
        return;
    }
    let store = Store::new(Backend::Postgres);
    drop(store.open());
    store
        .client()
        .execute(
            "INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')",
            &[],
        )
        .unwrap();
    let url = store.url.clone().unwrap();
    let Err(e) = ServerDb::open_postgres(&url, &store.key_path()) else {
        panic!("opened a database of a newer schema");
    };
    assert!(
        e.to_string().contains("schema version 9999 is newer"),
        "{e}"
    );
}
