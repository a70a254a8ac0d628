//! Sync push benchmark: prints a table. `cargo bench --bench sync_push [-- N ...]`
//! (default 1,000, 10,000 and 50,000). N pending invoices in a real kiosk store are pushed
//! to a real local `motordesk-server` process, batched (500 per request, the default, and
//! 200); for N ≤ 1,000 also one request per item. Each run starts from an identical copy of the store and a
//! fresh server. Beside the wall time it prints the CPU time the kiosk side and the server
//! process spent in the same run (from `/proc`, Linux), the issue's anchor. Then where
//! the kiosk's side goes: the store's steps of a push (due entries, payloads, marking
//! SYNCING, marking SYNCED) timed alone on another copy, no server, with the outbox rows
//! they walked and the sealed entries they opened per item (flat in N: no step walks past
//! entries already synced).

#[path = "../tests/kiosk/sync_support/mod.rs"]
mod sync_support;

use motordesk::store::{OutboxReads, Store};
use motordesk::sync::{Client, SyncOptions, sync_once_with};
use std::path::Path;
use std::time::{Duration, Instant};
use sync_support::{ENROLLMENT, Server, issue_boleta};

struct Run {
    n: usize,
    label: String,
    wall: Duration,
    requests: usize,
    items: usize,
    kiosk_cpu: Option<Duration>,
    server_cpu: Option<Duration>,
}

/// User + system CPU time of a process so far, from `/proc/<pid>/stat` (fields 14 and 15,
/// in clock ticks). None off Linux.
fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: count fields after its closing ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / clock_ticks()))
}

fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn push_everything(path: &Path, server: &Server, batch_size: usize) -> Run {
    let store = Store::unlock(path, "admin", "clave-segura-1").expect("unlock");
    let reg = motordesk::sync::register(&server.url, ENROLLMENT, &store).expect("register");
    assert_eq!(reg.kiosk_number, 1, "a fresh server gives the same series");
    let settings = store.settings().expect("settings");
    let client = Client::new(
        &settings.server_url,
        settings.device_token,
        Duration::from_secs(60),
    );
    let opts = SyncOptions {
        batch_size,
        ..SyncOptions::default()
    };
    let (mut requests, mut items) = (0, 0);
    let server_pid = server.pid().map(|p| p.to_string());
    let server_cpu0 = server_pid.as_deref().and_then(cpu_time);
    let kiosk_cpu0 = cpu_time("self");
    let t = Instant::now();
    loop {
        let report = sync_once_with(&store, &client, &opts).expect("sync");
        requests += report.requests;
        items += report.applied + report.duplicates;
        if report.remaining == 0 {
            break;
        }
    }
    let wall = t.elapsed();
    let kiosk_cpu = cpu_time("self").zip(kiosk_cpu0).map(|(b, a)| b - a);
    let server_cpu = server_pid
        .as_deref()
        .and_then(cpu_time)
        .zip(server_cpu0)
        .map(|(b, a)| b - a);
    assert_eq!(store.sync_counts().expect("counts").unsynced(), 0);
    Run {
        n: 0,
        label: format!("{batch_size} per request"),
        wall,
        requests,
        items,
        kiosk_cpu,
        server_cpu,
    }
}

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 50_000];
    }
    let mut runs = Vec::new();
    let mut issuing = Vec::new();
    let mut steps = Vec::new();
    for &n in &sizes {
        let (issue_time, mut r, s) = bench_size(n);
        issuing.push((n, issue_time));
        runs.append(&mut r);
        steps.push((n, s));
    }

    println!();
    println!("sync push: N pending invoices, real server process on loopback");
    for (n, t) in &issuing {
        println!(
            "issuing {n} one by one (own durable transaction each) took {:.1} s",
            t.as_secs_f64()
        );
    }
    println!();
    println!(
        "| N      | mode              | wall (s) | requests | items/s | kiosk CPU (s) | server CPU (s) | kiosk/server |"
    );
    println!(
        "|-------:|-------------------|---------:|---------:|--------:|--------------:|---------------:|-------------:|"
    );
    let secs = |d: Option<Duration>| d.map_or("n/a".into(), |d| format!("{:.2}", d.as_secs_f64()));
    for r in &runs {
        let ratio = match (r.kiosk_cpu, r.server_cpu) {
            (Some(k), Some(s)) if !s.is_zero() => {
                format!("{:.2}", k.as_secs_f64() / s.as_secs_f64())
            }
            _ => "n/a".into(),
        };
        println!(
            "| {:>6} | {:<17} | {:>8.2} | {:>8} | {:>7.0} | {:>13} | {:>14} | {:>12} |",
            r.n,
            r.label,
            r.wall.as_secs_f64(),
            r.requests,
            r.items as f64 / r.wall.as_secs_f64(),
            secs(r.kiosk_cpu),
            secs(r.server_cpu),
            ratio
        );
    }
    println!();
    println!(
        "the store's steps of a push, alone ({} per batch, no server), per item:",
        SyncOptions::default().batch_size
    );
    println!();
    println!(
        "| N | due entries | payloads | mark SYNCING | mark SYNCED | sum | outbox rows walked / entries opened per item |"
    );
    println!("|--:|--:|--:|--:|--:|--:|--:|");
    for (n, (s, reads)) in &steps {
        let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6 / *n as f64);
        println!(
            "| {n} | {} | {} | {} | {} | {} | {:.2} / {:.2} |",
            us(s[0]),
            us(s[1]),
            us(s[2]),
            us(s[3]),
            us(s.iter().sum()),
            reads.walked as f64 / *n as f64,
            reads.opened as f64 / *n as f64
        );
    }
}

/// The store's part of pushing everything in `path`, step by step, with no server: the
/// acks are assumed. [due, payloads, mark SYNCING, mark SYNCED (+ the one flush)], and
/// what finding the batches read of the outbox.
fn store_steps(path: &Path) -> ([Duration; 4], OutboxReads) {
    let store = Store::unlock(path, "admin", "clave-segura-1").expect("unlock");
    let reads0 = store.outbox_reads();
    let mut t = [Duration::ZERO; 4];
    loop {
        let now = chrono::Utc::now();
        let a = Instant::now();
        let due = store
            .outbox_due(now, SyncOptions::default().batch_size)
            .expect("due");
        t[0] += a.elapsed();
        if due.is_empty() {
            break;
        }
        let a = Instant::now();
        let payloads = store.outbox_payloads(&due).expect("payloads");
        t[1] += a.elapsed();
        assert!(payloads.iter().all(Result::is_ok));
        let seqs: Vec<u64> = due.iter().map(|e| e.seq).collect();
        let a = Instant::now();
        store.mark_syncing(&seqs).expect("syncing");
        t[2] += a.elapsed();
        let a = Instant::now();
        store.mark_synced_unflushed(&seqs, now).expect("synced");
        t[3] += a.elapsed();
    }
    let a = Instant::now();
    store.flush_acks().expect("flush");
    t[3] += a.elapsed();
    assert_eq!(store.sync_counts().expect("counts").unsynced(), 0);
    let reads = store.outbox_reads();
    (
        t,
        OutboxReads {
            walked: reads.walked - reads0.walked,
            opened: reads.opened - reads0.opened,
        },
    )
}

/// One kiosk store with `n` pending invoices (each issued in its own durable transaction,
/// as at the counter), registered as kiosk 1 so the series match; then pushed from
/// identical copies to fresh servers.
fn bench_size(n: usize) -> (Duration, Vec<Run>, ([Duration; 4], OutboxReads)) {
    let dir = tempfile::tempdir().expect("tempdir");
    let setup_server = Server::start();
    let original = dir.path().join("kiosk.redb");
    let store = Store::create(&original, "admin", "clave-segura-1", "Admin").expect("create");
    motordesk::demo::configure_shop(&store).unwrap();
    motordesk::sync::register(&setup_server.url, ENROLLMENT, &store).expect("register");
    let t = Instant::now();
    for i in 0..n {
        issue_boleta(&store, i);
    }
    let issue_time = t.elapsed();
    drop(store);
    drop(setup_server);

    // The default batch, the 200 it was before; one request per item only where it
    // finishes in reasonable time (≈5 ms per item).
    let default = SyncOptions::default().batch_size;
    let batches: &[usize] = if n <= 1_000 {
        &[default, 200, 1]
    } else {
        &[default, 200]
    };
    let mut runs = Vec::new();
    for &batch in batches {
        let copy = dir.path().join(format!("kiosk-{batch}.redb"));
        std::fs::copy(&original, &copy).expect("copy store");
        let server = Server::start();
        let mut run = push_everything(&copy, &server, batch);
        run.n = n;
        let on_server = server.invoices().len();
        assert_eq!(on_server, n, "server holds every invoice once");
        runs.push(run);
    }
    let copy = dir.path().join("kiosk-steps.redb");
    std::fs::copy(&original, &copy).expect("copy store");
    let steps = store_steps(&copy);
    (issue_time, runs, steps)
}
