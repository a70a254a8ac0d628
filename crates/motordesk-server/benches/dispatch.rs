//! How fast the server's SUNAT dispatcher empties its queue against the real
//! `motordesk-sunat-standin` on loopback: signed boletas are pushed into a real redb
//! file as a kiosk would push them, then dispatcher passes run until every one is
//! ACEPTADO. Each document costs two write transactions here (the ENVIADO mark before it
//! leaves, the CDR after), so the anchors printed beside the figure, measured in the same
//! run, are the fsync floor (one empty redb commit) and the stand-in with all of SUNAT's
//! checks (schema, signature and validate.py, a Python process per document).
//! No criterion: `cargo bench -p motordesk-server --bench dispatch` prints the figures.
//! Target: at least 50 documents per second with the stand-in checking signatures.

#[path = "../../motordesk-sunat/tests/common/mod.rs"]
mod common;
#[path = "../tests/support/mod.rs"]
mod support;
#[path = "../../motordesk-sunat/tests/transport_support/mod.rs"]
mod transport_support;

use chrono::Utc;
use common::*;
use motordesk_core::protocol::{ComprobanteUpload, Mutation};
use motordesk_core::{FiscalState, RecordKind};
use motordesk_server::db::ServerDb;
use motordesk_server::dispatcher::{SunatSettings, pass};
use motordesk_sunat::{Certificate, DocumentKind, build, sign};
use rust_decimal_macros::dec;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::mutation;
use transport_support::Standin;
use uuid::Uuid;

/// Signed boletas `B001-1..=n` of the demo RUC.
fn documents(n: u32) -> Vec<ComprobanteUpload> {
    let cert = Certificate::self_signed(DEMO_RUC, "TALLER MOTORDESK DEMO S.A.C.", 365).unwrap();
    (1..=n)
        .map(|i| {
            let lines = vec![
                gravado("SRV-001", "Cambio de aceite", "ZZ", dec!(1), dec!(45.00)),
                gravado("FIL-01", "Filtro de aceite", "NIU", dec!(1), dec!(32.50)),
            ];
            let c = comprobante(DocumentKind::Boleta, "B001", i, buyer_dni(), lines);
            let signed = sign(&build(&c).unwrap(), &cert).unwrap();
            ComprobanteUpload {
                invoice_id: Uuid::now_v7(),
                file_name: format!("{DEMO_RUC}-03-B001-{i}"),
                xml: String::from_utf8(signed.xml).unwrap(),
                digest: signed.digest_value,
            }
        })
        .collect()
}

/// Pushes `docs` into a fresh server database, then runs dispatcher passes against a
/// stand-in started with `checks` until none is left; returns documents per second.
fn run(docs: &[ComprobanteUpload], checks: &str, workers: usize) -> f64 {
    let standin = Standin::start_in_memory(&["--checks", checks]);
    let dir = tempfile::tempdir().unwrap();
    let db = ServerDb::open(&dir.path().join("server.redb")).unwrap();
    let (device, _) = db.register(Uuid::now_v7(), "caja 1").unwrap();
    for (i, chunk) in docs.chunks(200).enumerate() {
        let muts: Vec<Mutation> = chunk
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let now = Utc::now().timestamp_millis();
                let mut m = mutation(
                    device.device_id,
                    RecordKind::Comprobante,
                    c.invoice_id,
                    c,
                    now,
                );
                m.device_seq = (i * 200 + j) as u64 + 1;
                m
            })
            .collect();
        db.apply(&device, &muts).unwrap();
    }
    let settings = SunatSettings {
        endpoint: standin.bill_url(),
        consult_endpoint: standin.consult_url(),
        user: "MODDATOS".into(),
        password: "moddatos".into(),
        timeout: Duration::from_secs(30),
        workers,
        sol_logins: Default::default(),
    };
    let mut clients = HashMap::new();
    let start = Instant::now();
    while db.fiscal_counts().unwrap().1 > 0 {
        pass(&db, &settings, &mut clients).unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "the dispatcher did not finish"
        );
    }
    let elapsed = start.elapsed();
    let (by_state, _) = db.fiscal_counts().unwrap();
    assert_eq!(
        by_state.get(&FiscalState::Aceptado).copied(),
        Some(docs.len()),
        "{by_state:?}"
    );
    let sends = standin.sends();
    assert!(
        sends
            .values()
            .all(|&(calls, repeats)| calls == 1 && repeats == 0)
    );
    docs.len() as f64 / elapsed.as_secs_f64()
}

/// Mean time of one empty committed redb write transaction (the fsync floor).
fn fsync_floor() -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let db = redb::Database::create(dir.path().join("floor.redb")).unwrap();
    let n = 50;
    let start = Instant::now();
    for _ in 0..n {
        db.begin_write().unwrap().commit().unwrap();
    }
    start.elapsed() / n
}

fn main() {
    let n: u32 = std::env::var("DISPATCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let docs = documents(n);
    let floor = fsync_floor();
    let rate_1 = run(&docs, "signature", 1);
    let rate_4 = run(&docs, "signature", 4);
    let full_docs = &docs[..20.min(docs.len())];
    let full = run(full_docs, "full", 4);
    let two_commits = 1.0 / (2.0 * floor.as_secs_f64());
    println!("dispatcher, {n} signed boletas, stand-in checking signatures (xmlsec1):");
    println!("  4 workers: {rate_4:>7.1} documents/s");
    println!("  1 worker:  {rate_1:>7.1} documents/s");
    println!(
        "anchor: fsync floor {floor:?} per commit → at most {two_commits:.0} documents/s for one worker's two commits each"
    );
    println!(
        "anchor: stand-in with all SUNAT checks (schema, signature, validate.py), {} documents, 4 workers: {full:.1} documents/s",
        full_docs.len()
    );
}
