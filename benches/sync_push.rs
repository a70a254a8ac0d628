//! Sync push benchmark: prints a table. `cargo bench --bench sync_push [-- N]`
//! (default 10,000). N pending invoices in a real kiosk store are pushed to a real local
//! `motordesk-server` process, batched (200 per request) and one request per item; each
//! run starts from an identical copy of the store and a fresh server.

#[path = "../tests/kiosk/sync_support/mod.rs"]
mod sync_support;

use motordesk::store::Store;
use motordesk::sync::{Client, SyncOptions, sync_once_with};
use std::path::Path;
use std::time::{Duration, Instant};
use sync_support::{ENROLLMENT, Server, issue_boleta};

struct Run {
    label: String,
    wall: Duration,
    requests: usize,
    items: usize,
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
    assert_eq!(store.sync_counts().expect("counts").unsynced(), 0);
    Run {
        label: format!("{batch_size} per request"),
        wall,
        requests,
        items,
    }
}

fn main() {
    let n: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");

    // One kiosk store with N pending invoices (each issued in its own durable
    // transaction, as at the counter), registered as kiosk 1 so the series match.
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
    let unsynced = store.sync_counts().expect("counts").unsynced() as usize;
    drop(store);
    drop(setup_server);

    let mut runs = Vec::new();
    for batch in [200, 1] {
        let copy = dir.path().join(format!("kiosk-{batch}.redb"));
        std::fs::copy(&original, &copy).expect("copy store");
        let server = Server::start();
        let run = push_everything(&copy, &server, batch);
        let on_server = server.invoices().len();
        assert_eq!(on_server, n, "server holds every invoice once");
        runs.push(run);
    }

    println!();
    println!("sync push: {n} invoices ({unsynced} outbox entries), real server on loopback");
    println!(
        "issuing them one by one took {:.1} s",
        issue_time.as_secs_f64()
    );
    println!();
    println!("| mode              | wall (s) | requests | items  | items/s |");
    println!("|-------------------|---------:|---------:|-------:|--------:|");
    for r in &runs {
        println!(
            "| {:<17} | {:>8.2} | {:>8} | {:>6} | {:>7.0} |",
            r.label,
            r.wall.as_secs_f64(),
            r.requests,
            r.items,
            r.items as f64 / r.wall.as_secs_f64()
        );
    }
    let ratio = runs[1].wall.as_secs_f64() / runs[0].wall.as_secs_f64();
    println!();
    println!("batched is {ratio:.1}x faster than one request per item");
}
