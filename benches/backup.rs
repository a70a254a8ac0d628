//! Backup benchmark: prints a table. `cargo bench --bench backup [-- N]` (default 20,000
//! documents of demo history). Measures a kiosk snapshot (every table copied in one read
//! transaction into a fresh redb file, then sealed) and its restore onto a new data dir
//! (opened with the escrow key, written, verified), each beside its anchor measured in
//! the same run: a plain byte copy of the store file (not consistent while the kiosk
//! writes, so not a backup; the floor any copy pays).

use motordesk::store::{Store, restore_snapshot};
use std::time::Instant;

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn main() {
    let n: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("motordesk.redb");
    let mut store = Store::create(&path, "admin", "bench", "Bench").expect("create");
    motordesk::demo::configure_shop(&store).unwrap();
    motordesk::demo::generate(&store, n, 42).expect("demo");
    store.compact().expect("compact");
    let (escrow, _) = store
        .create_server_slot("http://127.0.0.1:9")
        .expect("server slot");
    let file = std::fs::metadata(&path).unwrap().len();

    let rounds = 3;
    let mut copy_t = std::time::Duration::ZERO;
    let mut snap_t = std::time::Duration::ZERO;
    let mut restore_t = std::time::Duration::ZERO;
    let mut sealed = 0;
    for i in 0..rounds {
        // Interleaved, so disk and CPU noise hit all three alike.
        let t = Instant::now();
        std::fs::copy(&path, dir.path().join(format!("copy-{i}.redb"))).unwrap();
        copy_t += t.elapsed();
        let t = Instant::now();
        let snap = store.snapshot(usize::MAX).expect("snapshot");
        snap_t += t.elapsed();
        sealed = snap.bytes.len() as u64;
        let to = dir.path().join(format!("new-{i}/motordesk.redb"));
        let t = Instant::now();
        restore_snapshot(&to, &snap.bytes, &escrow, store.device_id()).expect("restore");
        restore_t += t.elapsed();
    }
    let ms = |d: std::time::Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0 / rounds as f64);
    println!("backup bench: {n} documents, store file {}", mb(file));
    println!("| what | time | size |");
    println!("|---|---|---|");
    println!(
        "| anchor: byte copy of the store file (fs::copy) | {} | {} |",
        ms(copy_t),
        mb(file)
    );
    println!(
        "| snapshot: tables copied in one read txn + sealed | {} | {} |",
        ms(snap_t),
        mb(sealed)
    );
    println!(
        "| restore: opened with E, written, verified | {} | {} |",
        ms(restore_t),
        mb(sealed)
    );
    println!(
        "snapshot / copy: {:.1}x; restore / copy: {:.1}x",
        snap_t.as_secs_f64() / copy_t.as_secs_f64(),
        restore_t.as_secs_f64() / copy_t.as_secs_f64()
    );
}
