//! The load test of issue 16, bounded and on loopback only: 50 simulated kiosks push
//! 2,000 boletas each (batches of 50) at the same time into real `motordesk-server`
//! processes: redb with one process, PostgreSQL with one and with two processes (each
//! kiosk alternating between them, as behind a reverse proxy). Afterwards every invoice
//! must be stored once, the feed gap-free, and a kiosk's pull complete.
//!
//! Printed per configuration: invoices per second and push latency (p50, p99), beside
//! the anchor measured in the same run: an empty push (HTTP + token check, no write).
//! The PostgreSQL cluster runs with fsync on, like redb's commits.
//!
//! `cargo bench -p motordesk-server --bench scale`; SCALE_KIOSKS and SCALE_INVOICES
//! change the 50 × 2,000.

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::Utc;
use motordesk_core::protocol::*;
use motordesk_core::{
    DocumentKind, DocumentNumber, Invoice, InvoiceDraft, RecordKind, SaleLine, TaxAffectation, Unit,
};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::mutation;
use support::postgres::{Backend, Cluster, Store};
use uuid::Uuid;

const CODE: &str = "codigo-de-carga-1";
const BATCH: usize = 50;

struct Instance {
    child: Child,
    url: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(flags: &[String]) -> Instance {
    let mut args = vec!["--enrollment-code".to_string(), CODE.to_string()];
    args.extend_from_slice(flags);
    let (child, url) = support::start_server(&args, "error");
    Instance { child, url }
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build(),
    )
}

fn post(agent: &ureq::Agent, url: &str, body: &str, token: Option<&str>) -> (u16, String) {
    let mut req = agent.post(url).header("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut r = req.send(body).unwrap();
    (
        r.status().as_u16(),
        r.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn register(url: &str) -> RegisterResponse {
    let body = serde_json::to_string(&RegisterRequest {
        enrollment_code: CODE.into(),
        device_id: Uuid::now_v7(),
        name: "Caja".into(),
    })
    .unwrap();
    let (st, body) = post(&agent(), &format!("{url}{REGISTER}"), &body, None);
    assert_eq!(st, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn boleta(k: &RegisterResponse, correlative: u32) -> Mutation {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines.push(SaleLine {
        product_id: None,
        code: "SRV-001".into(),
        description: "Cambio de aceite".into(),
        unit: Unit::Servicio,
        quantity: Decimal::ONE,
        unit_price: Decimal::new(3500, 2),
        discount: Decimal::ZERO,
        affectation: TaxAffectation::Gravado,
    });
    let inv = Invoice::from_draft(
        d,
        Uuid::now_v7(),
        DocumentNumber {
            series: k.series.boleta.clone(),
            correlative,
        },
        Utc::now(),
        k.device_id,
        "caja",
    )
    .unwrap();
    let mut m = mutation(
        k.device_id,
        RecordKind::Invoice,
        inv.id,
        &inv,
        Utc::now().timestamp_millis(),
    );
    m.device_seq = u64::from(correlative);
    m
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

struct Figures {
    rate: f64,
    p50: Duration,
    p99: Duration,
    anchor_p50: Duration,
    anchor_p99: Duration,
}

/// Runs the load against `urls` (one or two instances of one store).
fn load(urls: &[String], kiosks: usize, invoices: u32) -> Figures {
    let regs: Vec<RegisterResponse> = (0..kiosks)
        .map(|i| register(&urls[i % urls.len()]))
        .collect();
    let reader = register(&urls[0]);
    // Anchor: empty pushes, same HTTP and token check, nothing to write.
    let mut anchor = Vec::new();
    let a = agent();
    for i in 0..200 {
        let url = &urls[i % urls.len()];
        let t = Instant::now();
        let (st, _) = post(
            &a,
            &format!("{url}{PUSH}"),
            r#"{"mutations":[]}"#,
            Some(&reader.token),
        );
        assert_eq!(st, 200);
        anchor.push(t.elapsed());
    }
    anchor.sort();
    // Build every batch first: the clock measures the server, not invoice building.
    let batches: Vec<Vec<String>> = regs
        .iter()
        .map(|k| {
            (1..=invoices)
                .collect::<Vec<u32>>()
                .chunks(BATCH)
                .map(|c| {
                    let mutations: Vec<Mutation> = c.iter().map(|&n| boleta(k, n)).collect();
                    serde_json::to_string(&PushRequest { mutations }).unwrap()
                })
                .collect()
        })
        .collect();
    let urls: Arc<Vec<String>> = Arc::new(urls.to_vec());
    let start = Instant::now();
    let threads: Vec<_> = regs
        .iter()
        .zip(batches)
        .enumerate()
        .map(|(i, (k, batches))| {
            let (urls, token) = (urls.clone(), k.token.clone());
            std::thread::spawn(move || {
                let a = agent();
                let mut lat = Vec::with_capacity(batches.len());
                for (j, body) in batches.iter().enumerate() {
                    let url = &urls[(i + j) % urls.len()];
                    let t = Instant::now();
                    let (st, answer) = post(&a, &format!("{url}{PUSH}"), body, Some(&token));
                    lat.push(t.elapsed());
                    assert_eq!(st, 200, "{answer}");
                    let r: PushResponse = serde_json::from_str(&answer).unwrap();
                    assert!(
                        r.results.iter().all(|x| x.outcome == Outcome::Applied),
                        "{answer}"
                    );
                }
                lat
            })
        })
        .collect();
    let mut lat: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = start.elapsed();
    lat.sort();
    let total = kiosks * invoices as usize;

    // Every invoice once, the feed gap-free, the pull complete.
    let mut cursor = String::new();
    let mut seqs = Vec::with_capacity(total);
    let mut ids = HashSet::with_capacity(total);
    let a = agent();
    loop {
        let text = a
            .get(format!("{}{CHANGES}?cursor={cursor}&limit=1000", urls[0]))
            .header("Authorization", format!("Bearer {}", reader.token))
            .call()
            .unwrap()
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .unwrap();
        let page: ChangesResponse = serde_json::from_str(&text).unwrap();
        for c in page.changes {
            seqs.push(c.seq);
            ids.insert(c.record_id);
        }
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(ids.len(), total, "every invoice in the pull, once");
    assert_eq!(
        seqs,
        (1..=total as u64).collect::<Vec<_>>(),
        "the feed is gap-free"
    );
    Figures {
        rate: total as f64 / elapsed.as_secs_f64(),
        p50: percentile(&lat, 0.50),
        p99: percentile(&lat, 0.99),
        anchor_p50: percentile(&anchor, 0.50),
        anchor_p99: percentile(&anchor, 0.99),
    }
}

fn report(name: &str, f: &Figures) {
    println!(
        "{name:<28} {:>8.0} invoices/s   push of {BATCH}: p50 {:>6.1} ms  p99 {:>7.1} ms   anchor (empty push): p50 {:.2} ms  p99 {:.2} ms",
        f.rate,
        f.p50.as_secs_f64() * 1e3,
        f.p99.as_secs_f64() * 1e3,
        f.anchor_p50.as_secs_f64() * 1e3,
        f.anchor_p99.as_secs_f64() * 1e3,
    );
}

fn main() {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let kiosks = env("SCALE_KIOSKS", 50);
    let invoices = env("SCALE_INVOICES", 2_000) as u32;
    println!(
        "{kiosks} kiosks × {invoices} boletas, batches of {BATCH}, loopback, {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    {
        let store = Store::new(Backend::Redb);
        let one = spawn(&store.flags());
        report(
            "redb, 1 process",
            &load(std::slice::from_ref(&one.url), kiosks, invoices),
        );
    }
    // A durable cluster of its own (fsync on), not the tests' shared one.
    let cluster = Cluster::start(true);
    for processes in [1, 2] {
        let url = cluster.fresh_database();
        let dir = tempfile::tempdir().unwrap();
        let flags = vec![
            "--db".to_string(),
            dir.path().join("unused.redb").display().to_string(),
            "--database".into(),
            format!("{url}?pool_size=16"),
            "--server-key".into(),
            dir.path().join("server.key").display().to_string(),
        ];
        let instances: Vec<Instance> = (0..processes).map(|_| spawn(&flags)).collect();
        let urls: Vec<String> = instances.iter().map(|i| i.url.clone()).collect();
        report(
            &format!("PostgreSQL, {processes} process(es)"),
            &load(&urls, kiosks, invoices),
        );
    }
}
