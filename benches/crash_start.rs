//! Start after a crash, measured in one run: what redb's repair at open costs as the store
//! grows, and what redb's quick repair (the allocator state saved with each commit, with
//! a two-phase commit) changes, against the anchors of the same file opened after a clean
//! close and a commit without quick repair.
//!
//! For each size a demo store is generated, then copied while it is open right after a
//! durable commit: the copy is exactly what a power cut leaves (redb marks an open file as
//! needing recovery and clears the mark on a clean close). Each copy is opened in a child
//! process (so peak RSS is the open's own) both as a bare redb `Database` and as the
//! kiosk's `Store::unlock` (which adds Argon2id and the schema checks).
//!
//! It also times a small commit on the big file with and without quick repair,
//! interleaved, and the file growth over those commits: quick repair's price per sale.
//!
//! `cargo bench --bench crash_start` (sizes by `MD_BENCH_DOCS=10000,100000`, the default).

use motordesk::store::Store;
use redb::{Builder, Database, ReadableDatabase, TableDefinition};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

const USER: &str = "admin";
const PASSWORD: &str = "clave-segura-1";
/// A scratch table in the benchmark's copies only: the bench's own commits go there.
const SCRATCH: TableDefinition<u64, &[u8]> = TableDefinition::new("bench_scratch");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--open-one") {
        open_one(&args[i + 1], &args[i + 2]);
        return;
    }
    let sizes: Vec<usize> = std::env::var("MD_BENCH_DOCS")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect();
    let mut rows = Vec::new();
    let mut commits = Vec::new();
    for n in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        let (files, size, commit) = prepare(dir.path(), n);
        for (label, path) in &files {
            let raw = child(path, "raw");
            let store = child(path, "store");
            rows.push((n, size, label.to_string(), raw, store));
        }
        commits.push((n, size, commit));
    }

    println!();
    println!("start after a crash (each open in its own process; RSS = that process's peak)");
    println!();
    println!(
        "| docs    | file (MiB) | file state                          | redb open (ms) | repaired | RSS (MiB) | Store::unlock (ms) | RSS (MiB) |"
    );
    println!(
        "|--------:|-----------:|-------------------------------------|---------------:|----------|----------:|-------------------:|----------:|"
    );
    for (n, size, label, raw, store) in &rows {
        println!(
            "| {n:>7} | {:>10.0} | {label:<35} | {:>14.1} | {:<8} | {:>9.0} | {:>18.1} | {:>9.0} |",
            *size as f64 / 1048576.0,
            raw.ms,
            if raw.repaired { "yes" } else { "no" },
            raw.rss_kib as f64 / 1024.0,
            store.ms,
            store.rss_kib as f64 / 1024.0
        );
    }
    println!();
    println!("price of quick repair per commit (one small durable write, interleaved rounds)");
    println!();
    println!(
        "| docs    | plain commit mean / median (ms) | quick-repair commit mean / median (ms) | ratio (mean) | file growth plain / quick (KiB) |"
    );
    println!(
        "|--------:|--------------------------------:|---------------------------------------:|-------------:|--------------------------------:|"
    );
    for (n, _, c) in &commits {
        println!(
            "| {n:>7} | {:>14.3} / {:<14.3} | {:>21.3} / {:<14.3} | {:>12.2} | {:>14} / {:<14} |",
            c.plain.mean(),
            c.plain.median(),
            c.quick.mean(),
            c.quick.median(),
            c.quick.mean() / c.plain.mean(),
            c.plain_growth / 1024,
            c.quick_growth / 1024
        );
    }
}

struct Opened {
    ms: f64,
    rss_kib: u64,
    repaired: bool,
}

struct Samples(Vec<Duration>);

impl Samples {
    fn mean(&self) -> f64 {
        self.0.iter().map(Duration::as_secs_f64).sum::<f64>() * 1e3 / self.0.len().max(1) as f64
    }
    fn median(&self) -> f64 {
        let mut v: Vec<f64> = self.0.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    }
}

struct CommitCost {
    plain: Samples,
    quick: Samples,
    plain_growth: u64,
    quick_growth: u64,
}

/// Generates an `n`-document demo store and the three files to open: closed cleanly,
/// crashed after a plain commit, crashed after a quick-repair commit. Also measures the
/// commit cost on the big file.
fn prepare(dir: &Path, n: usize) -> (Vec<(&'static str, PathBuf)>, u64, CommitCost) {
    let clean = dir.join("clean.redb");
    let t = Instant::now();
    {
        let store = Store::create(&clean, USER, PASSWORD, "Admin").expect("create");
        motordesk::demo::generate(&store, n, 7).expect("demo");
    }
    eprintln!("{n} docs generated in {:.0} s", t.elapsed().as_secs_f64());
    let size = std::fs::metadata(&clean).expect("size").len();

    let crashed = |name: &str, quick: bool| -> PathBuf {
        let work = dir.join(format!("work-{name}.redb"));
        std::fs::copy(&clean, &work).expect("copy");
        let db = Database::open(&work).expect("open copy");
        commit(&db, 0, quick);
        let out = dir.join(format!("{name}.redb"));
        // Copied while open, after a durable commit: what a power cut leaves.
        std::fs::copy(&work, &out).expect("copy while open");
        drop(db);
        std::fs::remove_file(&work).ok();
        out
    };
    let plain = crashed("crash-plain", false);
    let quick = crashed("crash-quick", true);

    let cost = {
        let work = dir.join("commits.redb");
        std::fs::copy(&clean, &work).expect("copy");
        let db = Database::open(&work).expect("open");
        let (mut p, mut q) = (Vec::new(), Vec::new());
        let (mut plain_growth, mut quick_growth) = (0, 0);
        for round in 0..200u64 {
            for quick in [false, true] {
                let before = std::fs::metadata(&work).unwrap().len();
                let t = Instant::now();
                commit(&db, round + 1, quick);
                let d = t.elapsed();
                let grew = std::fs::metadata(&work).unwrap().len() - before;
                if quick {
                    q.push(d);
                    quick_growth += grew;
                } else {
                    p.push(d);
                    plain_growth += grew;
                }
            }
        }
        CommitCost {
            plain: Samples(p),
            quick: Samples(q),
            plain_growth,
            quick_growth,
        }
    };
    (
        vec![
            ("closed cleanly", clean),
            ("crashed after a plain commit", plain),
            ("crashed after a quick-repair commit", quick),
        ],
        size,
        cost,
    )
}

/// One durable write of ~2 KiB, the size of a sealed sale.
fn commit(db: &Database, key: u64, quick: bool) {
    let mut txn = db.begin_write().expect("write");
    txn.set_quick_repair(quick);
    txn.open_table(SCRATCH)
        .expect("table")
        .insert(key, [7u8; 2048].as_slice())
        .expect("insert");
    txn.commit().expect("commit");
}

/// Opens a fresh copy of `path` in a child process: an open repairs the file in place.
fn child(path: &Path, how: &str) -> Opened {
    let copy = path.with_extension(format!("{how}.redb"));
    std::fs::copy(path, &copy).expect("copy for the child");
    let out = Command::new(std::env::current_exe().expect("exe"))
        .args(["--open-one", how])
        .arg(&copy)
        .output()
        .expect("run child");
    std::fs::remove_file(&copy).ok();
    assert!(
        out.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    Opened {
        ms: f[0].parse().expect("ms"),
        rss_kib: f[1].parse().expect("rss"),
        repaired: f[2] == "1",
    }
}

/// In the child: open once, print "ms rss_kib repaired".
fn open_one(how: &str, path: &str) {
    let t = Instant::now();
    let repaired = Rc::new(Cell::new(false));
    match how {
        "raw" => {
            let flag = repaired.clone();
            let db = Builder::new()
                .set_repair_callback(move |_| flag.set(true))
                .open(path)
                .expect("open");
            // Read something, as a start would.
            let r = db.begin_read().expect("read");
            let _ = r.list_tables().expect("tables").count();
        }
        _ => {
            let _store = Store::unlock(Path::new(path), USER, PASSWORD).expect("unlock");
        }
    }
    let ms = t.elapsed().as_secs_f64() * 1e3;
    println!("{ms:.1} {} {}", peak_rss_kib(), u8::from(repaired.get()));
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
