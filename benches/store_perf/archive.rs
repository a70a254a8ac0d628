//! Part 4 of store_perf: archiving old documents (issue 13). A demo store of
//! `MD_BENCH_ARCHIVE_DOCS` documents (default 10,500 over two years, SUNAT accepted) moves
//! everything older than a month (about 10,000 documents) into an archive file, then
//! compacts. Printed beside its anchor, measured in the same run: copying the archive
//! file's bytes to a new file with fsync (the least any archive of that size costs).

use motordesk::store::{ARCHIVE_DIR, DB_FILE, Shelf, Store, SunatOutcome};
use motordesk_core::FiscalState;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

fn mib(b: u64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

pub fn archive_bench(dir: &Path) {
    let docs = super::env_usize("MD_BENCH_ARCHIVE_DOCS", 10_500);
    let dir = dir.join("archive");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(DB_FILE);
    let store = Store::create(&path, "admin", "bench-password", "Bench").expect("store");
    let t = Instant::now();
    motordesk::demo::generate(&store, docs, 11).expect("demo");
    let now = chrono::Utc::now();
    for s in store.invoice_summaries().expect("summaries") {
        if store.fiscal_state(s.id).expect("fiscal").is_none() {
            continue;
        }
        let outcome = SunatOutcome {
            state: FiscalState::Aceptado,
            code: Some(0),
            description: "aceptado".into(),
            observations: vec![],
            cdr_zip: None,
            outcome_unknown: false,
            attempted: true,
            at: now,
        };
        store
            .record_sunat_outcome(s.id, outcome)
            .expect("outcome")
            .expect("accepted");
    }
    println!(
        "\n## archive ({docs} documents made and accepted in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let movable = store.archivable(1, chrono::Utc::now()).expect("count");
    let t = Instant::now();
    let report = store
        .archive_older_than(1, chrono::Utc::now())
        .expect("archive");
    let took = t.elapsed();
    let c = report.compaction.expect("compacted");
    let file = dir
        .join(ARCHIVE_DIR)
        .join(report.file.as_deref().expect("a file"));
    // Anchor: the same bytes copied to a new file and fsynced.
    let bytes = std::fs::read(&file).expect("archive bytes");
    let t = Instant::now();
    {
        let mut f = std::fs::File::create(dir.join("copy.bin")).expect("copy");
        f.write_all(&bytes).expect("write");
        f.sync_all().expect("fsync");
    }
    let copy = t.elapsed();
    println!(
        "archive {} documents (of {movable} movable): {:.0} ms = {:.1}x copying its {:.1} MiB with fsync ({:.0} ms)",
        report.documents,
        super::ms(took),
        took.as_secs_f64() / copy.as_secs_f64().max(1e-9),
        mib(report.file_bytes),
        super::ms(copy)
    );
    println!(
        "store file: {:.1} MiB before -> {:.1} MiB after compaction ({:.0} %); archive file {:.1} MiB",
        mib(c.before),
        mib(c.after),
        100.0 * c.after as f64 / c.before.max(1) as f64,
        mib(report.file_bytes)
    );
    // After a new unlock: the archive's index read, then opening one archived document.
    drop(store);
    let store = Store::unlock(&path, "admin", "bench-password").expect("unlock");
    let t = Instant::now();
    let o = store.archive_overview();
    let index = t.elapsed();
    let ids = store.matching_ids(Shelf::Documents, "").expect("search");
    let hits = store.archived_hits(&ids).expect("hits");
    let mut open = super::Samples::new();
    for h in hits.iter().step_by((hits.len() / 100).max(1)).take(100) {
        open.time(|| store.archived_document(h.id).expect("open").expect("found"));
    }
    println!(
        "after unlock: archive index of {} documents ready {:.1} ms after unlock returned; opening one archived document {:.2} ms median, {:.2} ms max",
        o.documents,
        super::ms(index),
        super::ms(open.median()),
        super::ms(open.max())
    );
}
