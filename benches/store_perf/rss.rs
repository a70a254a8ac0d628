//! The store's resident memory (issue 13: "RSS at login / with the 100k list: 111 / 191
//! MiB; report and reduce"). Each measurement runs in its own child process (this bench
//! binary again, `MD_RSS_CHILD` set), since memory a process once held is not reliably
//! given back: the child opens a store and reports `VmRSS` and `VmHWM` from
//! `/proc/self/status` after each stage:
//!
//! - start: the bench binary before opening anything;
//! - login: `Store::unlock` and the search index built behind it (as the kiosk does);
//! - Flota: its first page (`fleet_page`);
//! - list: Comprobantes scrolled from the newest document to the oldest, page by page,
//!   holding the last seven pages as the panel does at most (`ui/paged.rs`).
//!
//! The anchor is an empty store, in the same run; and the same stages with redb's own
//! page cache size (1 GiB) instead of the store's (`CACHE_BYTES_DEFAULT`).
//! Linux only (the figures come from `/proc`). Not the kiosk window: no fonts, no GPU.

use super::demo_cache::{PASSWORD, demo_store};
use super::env_usize;
use motordesk::store::{CACHE_BYTES_DEFAULT, DOCUMENT_PAGE, FLEET_PAGE, Store};
use std::path::Path;
use std::process::Command;

const CHILD: &str = "MD_RSS_CHILD";
const CACHE: &str = "MD_RSS_CACHE";

/// (VmRSS, VmHWM) in KiB.
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn report(stage: &str) {
    let (now, peak) = rss();
    println!("RSS {stage} {now} {peak}");
}

/// In the child: the stages, on the store at `path`.
pub fn child() -> bool {
    let Ok(path) = std::env::var(CHILD) else {
        return false;
    };
    if let Some(bytes) = std::env::var(CACHE).ok().and_then(|v| v.parse().ok()) {
        motordesk::store::set_cache_bytes(bytes);
    }
    report("start");
    let store = Store::unlock(Path::new(&path), "admin", PASSWORD).expect("unlock");
    let stats = store.search_stats();
    report("login");
    let today = (chrono::Utc::now() - chrono::Duration::hours(5)).date_naive();
    let page = store
        .fleet_page("", false, today, 0, FLEET_PAGE)
        .expect("fleet page");
    report("flota");
    // Scrolled to the end: every page opened once, the last seven held.
    let mut held = std::collections::VecDeque::new();
    let mut seen = 0;
    loop {
        let p = store
            .document_page("", None, seen, DOCUMENT_PAGE)
            .expect("list page");
        seen += p.rows.len();
        let last = p.rows.len() < DOCUMENT_PAGE;
        held.push_back(p.rows);
        if held.len() > 7 {
            held.pop_front();
        }
        if last {
            break;
        }
    }
    report("list");
    println!(
        "ROWS {} {} {} {}",
        seen, page.total, stats.bytes, stats.documents
    );
    true
}

struct Stages {
    rows: Vec<(String, u64, u64)>,
    docs: usize,
    index_bytes: usize,
}

fn run_child(path: &Path, cache: Option<usize>) -> Stages {
    let exe = std::env::current_exe().expect("bench binary");
    let mut cmd = Command::new(exe);
    cmd.env(CHILD, path).env("MD_BENCH_PARTS", "none");
    if let Some(c) = cache {
        cmd.env(CACHE, c.to_string());
    }
    let out = cmd.output().expect("child");
    assert!(
        out.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut stages = Stages {
        rows: Vec::new(),
        docs: 0,
        index_bytes: 0,
    };
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["RSS", stage, now, peak] => stages.rows.push((
                stage.to_string(),
                now.parse().unwrap_or(0),
                peak.parse().unwrap_or(0),
            )),
            ["ROWS", rows, _, bytes, _] => {
                stages.docs = rows.parse().unwrap_or(0);
                stages.index_bytes = bytes.parse().unwrap_or(0);
            }
            _ => {}
        }
    }
    stages
}

pub fn rss_bench(dir: &Path) {
    if !Path::new("/proc/self/status").exists() {
        println!("\n## RSS: not measured (no /proc)\n");
        return;
    }
    let docs = env_usize("MD_BENCH_LIST_DOCS", 20_000);
    let empty = dir.join("rss-empty.redb");
    drop(Store::create(&empty, "admin", PASSWORD, "Admin").expect("empty store"));
    let (full, how) = demo_store(dir, docs);
    let runs = [
        ("anchor: empty store", run_child(&empty, None)),
        (
            "demo store, redb's default cache (1 GiB; before)",
            run_child(&full, Some(1 << 30)),
        ),
        ("demo store, the store's cache", run_child(&full, None)),
    ];
    println!(
        "\n## RSS, {docs} documents (store {how}); page cache {} MiB; each row its own process\n",
        CACHE_BYTES_DEFAULT >> 20
    );
    println!(
        "| store | start | at login (index built) | + Flota first page | + Comprobantes scrolled to the end | peak (VmHWM) | list rows | index |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mib = |k: u64| format!("{:.0} MiB", k as f64 / 1024.0);
    for (what, s) in &runs {
        let at = |stage: &str| {
            s.rows
                .iter()
                .find(|r| r.0 == stage)
                .map_or("n/a".to_string(), |r| mib(r.1))
        };
        let peak = s.rows.iter().map(|r| r.2).max().unwrap_or(0);
        println!(
            "| {what} | {} | {} | {} | {} | {} | {} | {:.1} MiB |",
            at("start"),
            at("login"),
            at("flota"),
            at("list"),
            mib(peak),
            s.docs,
            s.index_bytes as f64 / 1_048_576.0
        );
    }
}
