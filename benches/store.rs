//! Store benchmark: prints a table. `cargo bench --bench store [-- N]` (default 100,000).
//! Measures demo generation (bulk issue in 500-document transactions), one-by-one issue
//! (one durable transaction each, as the kiosk does), the same with and without signing the
//! SUNAT XML, loading the document list, search.

use motordesk::demo;
use motordesk::store::Store;
use motordesk_core::DocumentKind;
use motordesk_core::InvoiceDraft;
use motordesk_core::Product;
use motordesk_core::RecordKind;
use rust_decimal::Decimal;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.redb");
    let t = Instant::now();
    let mut store = Store::create(&path, "admin", "bench", "Bench").expect("create");
    motordesk::demo::configure_shop(&store).unwrap();
    let create = t.elapsed();

    let t = Instant::now();
    let report = demo::generate(&store, n, 42).expect("demo");
    let gen_time = t.elapsed();
    let before = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let t = Instant::now();
    store.compact().expect("compact");
    let compact_time = t.elapsed();
    let after = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);

    let products = store.list::<Product>().expect("products");
    let single = 200;
    let t = Instant::now();
    for _ in 0..single {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        d.lines.push(products[0].data.line(Decimal::ONE));
        d.lines.push(products[6].data.line(Decimal::ONE));
        store.issue_invoice(d).expect("issue");
    }
    let issue_each = t.elapsed() / single;

    // Signing at issue, against the same issue without a certificate, interleaved in one
    // run on two fresh stores so disk and CPU noise hit both alike.
    let fresh = |name: &str, sign: bool| {
        let s = Store::create(&dir.path().join(name), "admin", "bench", "Bench").expect("create");
        if sign {
            demo::setup_shop(&s).expect("shop with certificate");
        } else {
            demo::configure_shop(&s).expect("shop");
        }
        s
    };
    let (unsigned_store, signed_store) = (fresh("u.redb", false), fresh("s.redb", true));
    let (mut unsigned_t, mut signed_t) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    for i in 0..single * 2 {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        for p in products.iter().take(5) {
            d.lines.push(p.data.line(Decimal::ONE));
        }
        let (s, acc) = if i % 2 == 0 {
            (&unsigned_store, &mut unsigned_t)
        } else {
            (&signed_store, &mut signed_t)
        };
        let t = Instant::now();
        s.issue_invoice(d).expect("issue");
        *acc += t.elapsed();
    }
    let (unsigned_each, signed_each) = (unsigned_t / single, signed_t / single);

    let t = Instant::now();
    let list = store.invoice_summaries().expect("summaries");
    let list_time = t.elapsed();

    let t = Instant::now();
    let hits = store.search_customers("quispe", 50).expect("search");
    let search_time = t.elapsed();

    let t = Instant::now();
    let counts = store.sync_counts().expect("counts");
    let counts_time = t.elapsed();

    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("| what | result |");
    println!("|---|---|");
    println!(
        "| create store (Argon2id key slot) | {:.1} ms |",
        create.as_secs_f64() * 1e3
    );
    println!(
        "| demo: {} documents, {} customers, {} vehicles | {:.2} s ({:.0} docs/s) |",
        report.invoices,
        report.customers,
        report.vehicles,
        gen_time.as_secs_f64(),
        report.invoices as f64 / gen_time.as_secs_f64()
    );
    println!(
        "| issue one document (own durable txn) | {:.2} ms |",
        issue_each.as_secs_f64() * 1e3
    );
    println!(
        "| issue a 5-line boleta, one durable txn: without certificate / with XML signing | {:.2} ms / {:.2} ms |",
        unsigned_each.as_secs_f64() * 1e3,
        signed_each.as_secs_f64() * 1e3
    );
    println!(
        "| load {} document summaries | {:.0} ms |",
        list.len(),
        list_time.as_secs_f64() * 1e3
    );
    println!(
        "| search customers 'quispe' over {} ({} hits) | {:.1} ms |",
        store.count(RecordKind::Customer).unwrap_or(0),
        hits.len(),
        search_time.as_secs_f64() * 1e3
    );
    println!(
        "| sync counts ({:?}) | {:.2} ms |",
        counts,
        counts_time.as_secs_f64() * 1e3
    );
    println!(
        "| compact after demo: {:.1} MiB -> {:.1} MiB | {:.2} s |",
        before as f64 / 1048576.0,
        after as f64 / 1048576.0,
        compact_time.as_secs_f64()
    );
    println!(
        "| file size at the end (after the durable single issues) | {:.1} MiB ({:.2} KiB/document) |",
        size as f64 / 1048576.0,
        size as f64 / 1024.0 / list.len().max(1) as f64
    );
}
