//! Store performance against its anchors, each measured in the same run:
//!
//! 1. A durable sale (5-line boleta; and with customer, vehicle and km) against the fsync
//!    floor (append 2 KiB + `sync_data`) and SQLite (WAL, synchronous=FULL and NORMAL)
//!    writing the same invoice rows, interleaved round by round so disk noise hits all;
//!    and the same sale without redb's quick repair, the price of a fast start after a
//!    power cut (see benches/crash_start.rs for the other side).
//! 2. Customer search per keystroke at 1k/10k/100k customers: the in-memory index, the
//!    same with the hits opened, the old scan (opens every customer), and SQLite FTS5
//!    over the same names; index build time and memory.
//! 3. The Comprobantes list, paged: the first screen, the page on screen after a sale and a
//!    search's keystrokes, beside the full reload of every row the list did before.
//! 4. Archiving ~10k old documents, beside copying the archive's bytes with fsync, and the
//!    store file before and after (`store_perf/archive.rs`; `MD_BENCH_ARCHIVE_DOCS`).
//!
//! `cargo bench --bench store_perf`. Sizes by env var, for a quick run:
//! `MD_BENCH_CUSTOMERS=1000,10000` (default 1000,10000,100000), `MD_BENCH_SALES=200`
//! (default 300 rounds), `MD_BENCH_DOCS=2000` (sales already in the store, default 2000),
//! `MD_BENCH_SCAN_MAX=20000` (largest size the old scan is timed at, default 100000),
//! `MD_BENCH_LIST_DOCS=20000` (documents behind the list, default 20000),
//! `MD_BENCH_PARTS=list` (only some parts: search, sale, list, fleet, rss, archive).
//! 5. Flota's first screen: a page from the index beside the old load of everything
//!    (`store_perf/fleet.rs`), on the list's demo store.
//! 6. Resident memory at login, with Flota and with Comprobantes scrolled through, each in its own
//!    process, beside an empty store (`store_perf/rss.rs`).
//!
//! The list, fleet and rss parts share one demo store of `MD_BENCH_LIST_DOCS` documents,
//! generated once and cached beside the bench binary (`store_perf/demo_cache.rs`).

#[path = "store_perf/archive.rs"]
mod archive;
#[path = "store_perf/demo_cache.rs"]
mod demo_cache;
#[path = "store_perf/fleet.rs"]
mod fleet;
#[path = "store_perf/rss.rs"]
mod rss;

use motordesk::store::{DOCUMENT_PAGE, Shelf, Store};
use motordesk_core::{
    Buyer, Customer, DocumentKind, IdKind, InvoiceDraft, Product, ServicedVehicle, Vehicle,
};
use rusqlite::{Connection, params};
use rust_decimal::Decimal;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Mean and max of a set of samples.
struct Samples(Vec<Duration>);

impl Samples {
    fn new() -> Samples {
        Samples(Vec::new())
    }
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.0.push(t.elapsed());
        out
    }
    fn mean(&self) -> Duration {
        self.0.iter().sum::<Duration>() / self.0.len().max(1) as u32
    }
    fn max(&self) -> Duration {
        self.0.iter().copied().max().unwrap_or_default()
    }
    fn median(&self) -> Duration {
        let mut v = self.0.clone();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    }
}

// ---- 1. a durable sale --------------------------------------------------------------

struct Sqlite {
    conn: Connection,
    next: u32,
}

impl Sqlite {
    fn open(path: &Path, synchronous: &str) -> Sqlite {
        let conn = Connection::open(path).expect("sqlite open");
        conn.pragma_update(None, "journal_mode", "WAL")
            .expect("wal");
        conn.pragma_update(None, "synchronous", synchronous)
            .expect("synchronous");
        conn.execute_batch(
            "CREATE TABLE invoice (id BLOB PRIMARY KEY, series TEXT, correlative INTEGER,
                 issued_at TEXT, buyer_doc TEXT, buyer_name TEXT, plate TEXT, km INTEGER,
                 total TEXT, status INTEGER, json BLOB);
             CREATE TABLE line (invoice BLOB, n INTEGER, code TEXT, description TEXT,
                 quantity TEXT, unit_price TEXT, PRIMARY KEY (invoice, n));
             CREATE TABLE correlative (series TEXT PRIMARY KEY, last INTEGER);
             CREATE TABLE outbox (seq INTEGER PRIMARY KEY, kind INTEGER, record BLOB,
                 version INTEGER, idempotency_key BLOB, status INTEGER, created_at TEXT);
             CREATE INDEX outbox_status ON outbox (status, seq);
             INSERT INTO correlative VALUES ('B001', 0);",
        )
        .expect("schema");
        Sqlite { conn, next: 0 }
    }

    /// The same rows a MotorDesk sale writes: the invoice (with its JSON, as the store
    /// keeps it), its lines, the correlative, one outbox row; one transaction.
    fn sale(&mut self, json: &[u8], lines: &[(String, String)]) {
        self.next += 1;
        let id = Uuid::now_v7();
        let tx = self.conn.transaction().expect("tx");
        tx.execute(
            "UPDATE correlative SET last = last + 1 WHERE series = 'B001'",
            [],
        )
        .expect("correlative");
        tx.execute(
            "INSERT INTO invoice VALUES (?1, 'B001', ?2, '2026-12-06T19:00:00Z', '45678912',
                 'ROSA QUISPE MAMANI', 'ABC123', 45210, '118.00', 0, ?3)",
            params![id.as_bytes().as_slice(), self.next, json],
        )
        .expect("invoice");
        for (n, (code, desc)) in lines.iter().enumerate() {
            tx.execute(
                "INSERT INTO line VALUES (?1, ?2, ?3, ?4, '1', '25.00')",
                params![id.as_bytes().as_slice(), n as i64, code, desc],
            )
            .expect("line");
        }
        tx.execute(
            "INSERT INTO outbox (kind, record, version, idempotency_key, status, created_at)
             VALUES (5, ?1, 1, ?2, 0, '2026-12-06T19:00:00Z')",
            params![
                id.as_bytes().as_slice(),
                Uuid::now_v7().as_bytes().as_slice()
            ],
        )
        .expect("outbox");
        tx.commit().expect("commit");
    }
}

fn sale_bench(dir: &Path) {
    let rounds = env_usize("MD_BENCH_SALES", 300);
    let docs = env_usize("MD_BENCH_DOCS", 2_000);
    println!(
        "\n## A durable sale ({rounds} rounds, interleaved; store already holding {docs} sales)\n"
    );

    // The shop without a certificate (the sale measured is the store's own work, not
    // the RSA signature), its catalogue, one customer with a vehicle, then `docs`
    // earlier sales so the trees are not empty.
    let store = Store::create(&dir.join("sale.redb"), "admin", "bench", "Bench").expect("create");
    motordesk::demo::configure_shop(&store).expect("shop");
    let products: Vec<Product> = (0..8)
        .map(|i| {
            let p = Product {
                id: Uuid::now_v7(),
                code: format!("PRD-{i:03}"),
                name: format!("Producto de prueba {i}"),
                category: "Repuestos".into(),
                unit: motordesk_core::Unit::Unidad,
                price: Decimal::new(2500 + i * 100, 2),
                affectation: motordesk_core::TaxAffectation::Gravado,
                quick_key: false,
                // One oil with an interval: the vehicle sale also resets its service.
                change_every_km: (i == 7).then_some(5_000),
                active: true,
            };
            store.save_product(p.clone()).expect("product");
            p
        })
        .collect();
    let customer = store
        .save_customer(customers(1).remove(0))
        .expect("customer");
    let mut v = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Yaris").expect("vehicle");
    v.owner_id = Some(customer.data.id);
    let vehicle = store.save_vehicle(v).expect("vehicle");
    let t = Instant::now();
    let mut km = 10_000;

    let draft = |with_vehicle: bool, km: u32| {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        for p in products.iter().skip(3) {
            d.lines.push(p.line(Decimal::ONE));
        }
        if with_vehicle {
            d.buyer = Buyer {
                customer_id: Some(customer.data.id),
                id: customer.data.doc.clone(),
                name: customer.data.name.clone(),
                address: customer.data.address.clone(),
            };
            d.vehicle = Some(ServicedVehicle {
                vehicle_id: vehicle.data.id,
                plate: vehicle.data.plate.display(),
                odometer_km: Some(km),
            });
        }
        d
    };
    for _ in 0..docs {
        km += 10;
        store.issue_invoice(draft(true, km)).expect("history");
    }
    let demo_time = t.elapsed();
    let sample = store.issue_invoice(draft(false, 0)).expect("issue");
    let json = serde_json::to_vec(&sample).expect("json");
    let lines: Vec<(String, String)> = sample
        .lines
        .iter()
        .map(|l| (l.code.clone(), l.description.clone()))
        .collect();

    let mut floor_file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("floor.log"))
        .expect("floor file");
    let block = vec![0x5au8; 2048];
    let mut full = Sqlite::open(&dir.join("full.sqlite"), "FULL");
    let mut normal = Sqlite::open(&dir.join("normal.sqlite"), "NORMAL");
    let (mut s_floor, mut s_full, mut s_normal, mut s_sale, mut s_vehicle, mut s_plain) = (
        Samples::new(),
        Samples::new(),
        Samples::new(),
        Samples::new(),
        Samples::new(),
        Samples::new(),
    );
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    for _ in 0..rounds {
        s_floor.time(|| {
            floor_file.write_all(&block).expect("append");
            floor_file.sync_data().expect("sync");
        });
        s_full.time(|| full.sale(&json, &lines));
        s_normal.time(|| normal.sale(&json, &lines));
        s_sale.time(|| store.issue_invoice(draft(false, 0)).expect("issue"));
        // The same sale without redb's quick repair (one fsync less, a whole-file repair
        // after a power cut): its price, in the same rounds.
        motordesk::store::set_quick_repair(false);
        s_plain.time(|| store.issue_invoice(draft(false, 0)).expect("issue"));
        motordesk::store::set_quick_repair(true);
        km += 100;
        s_vehicle.time(|| {
            store
                .issue_invoice(draft(true, km))
                .expect("issue with vehicle")
        });
    }
    let floor = s_floor.mean();
    let row = |what: &str, s: &Samples| {
        println!(
            "| {what} | {:.3} ms | {:.3} ms | {:.2}× |",
            ms(s.mean()),
            ms(s.median()),
            s.mean().as_secs_f64() / floor.as_secs_f64()
        );
    };
    println!(
        "store filled: {docs} sales in {:.1} s\n",
        demo_time.as_secs_f64()
    );
    println!("| what | mean | median | × floor |");
    println!("|---|---|---|---|");
    row("anchor: fsync floor (append 2 KiB + sync_data)", &s_floor);
    row("anchor: SQLite WAL synchronous=FULL, same rows", &s_full);
    row(
        "anchor: SQLite WAL synchronous=NORMAL, same rows",
        &s_normal,
    );
    row("MotorDesk: 5-line boleta, one durable transaction", &s_sale);
    row("MotorDesk: same with customer, vehicle and km", &s_vehicle);
    row(
        "MotorDesk: 5-line boleta without quick repair (anchor)",
        &s_plain,
    );
    println!(
        "\nSQLite FULL file + WAL after {rounds} sales: {:.0} KiB",
        (size(&dir.join("full.sqlite")) + size(&dir.join("full.sqlite-wal"))) as f64 / 1024.0
    );
}

// ---- 2. search ----------------------------------------------------------------------

const FIRST: &[&str] = &[
    "Rosa", "José", "María", "Luis", "Carmen", "Jesús", "Ángel", "Néstor", "Iñigo", "Begoña",
    "Juan", "Ana", "Víctor", "Raúl", "Sofía", "Martín", "Lucía", "Héctor", "Inés", "Óscar",
];
const LAST: &[&str] = &[
    "Quispe",
    "Mamani",
    "Huamán",
    "Flores",
    "Núñez",
    "Peña",
    "Castañeda",
    "Gutiérrez",
    "Rodríguez",
    "Sánchez",
    "Chávez",
    "Ramírez",
    "Torres",
    "Vásquez",
    "Rojas",
    "Mendoza",
    "Ccori",
    "Condori",
    "Yupanqui",
    "Ibáñez",
    "Muñoz",
    "Cárdenas",
    "Ñahui",
    "Salazar",
];

/// `n` customers with accented names and distinct DNIs (deterministic).
fn customers(n: usize) -> Vec<Customer> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|i| {
            let r = next();
            let name = format!(
                "{} {} {}",
                FIRST[(r % 20) as usize],
                LAST[((r >> 8) % 24) as usize],
                LAST[((r >> 16) % 24) as usize]
            );
            let dni = format!("{:08}", 10_000_000 + i * 7 + (r % 7) as usize);
            let phone = format!("9{:08}", (r >> 24) % 100_000_000);
            Customer::new(
                Uuid::now_v7(),
                IdKind::Dni,
                &dni,
                &name,
                "Av. Arequipa 123",
                &phone,
                "",
            )
            .expect("customer")
        })
        .collect()
}

/// What a cashier types, one keystroke at a time.
const TYPED: &[&str] = &["quispe", "nunez rosa", "1000", "castaneda m"];

fn keystrokes() -> Vec<String> {
    let mut out = Vec::new();
    for word in TYPED {
        for end in 1..=word.len() {
            out.push(word[..end].to_string());
        }
    }
    out
}

fn fts5(path: &Path, cs: &[Customer]) -> (Connection, Duration) {
    let conn = Connection::open(path).expect("fts open");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    let t = Instant::now();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE customer USING fts5(name, doc, phone,
             tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');",
    )
    .expect("fts5 table");
    let tx = conn.unchecked_transaction().expect("tx");
    {
        let mut ins = tx
            .prepare("INSERT INTO customer (name, doc, phone) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        for c in cs {
            ins.execute(params![c.name, c.doc.number, c.phone])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    (conn, t.elapsed())
}

/// FTS5 has no substring match: every word is a token prefix ("quis*"), the closest it
/// offers to what the index does.
fn fts5_query(conn: &Connection, q: &str, limit: usize) -> usize {
    let expr: Vec<String> = q
        .split_whitespace()
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    let mut st = conn
        .prepare_cached(
            "SELECT rowid, name FROM customer WHERE customer MATCH ?1 ORDER BY name LIMIT ?2",
        )
        .expect("prepare");
    let rows = st
        .query_map(params![expr.join(" "), limit as i64], |r| {
            r.get::<_, i64>(0)
        })
        .expect("query");
    rows.count()
}

fn search_bench(dir: &Path) {
    let sizes: Vec<usize> = std::env::var("MD_BENCH_CUSTOMERS")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect();
    let scan_max = env_usize("MD_BENCH_SCAN_MAX", 100_000);
    let typed = keystrokes();
    println!(
        "\n## Customer search per keystroke ({} keystrokes: {:?}, 50 hits shown)\n",
        typed.len(),
        TYPED
    );
    println!(
        "| customers | index build | index memory | index: ids mean / max | index + open 50 hits: mean / max | anchor: SQLite FTS5 prefix, mean / max | old scan (opens all): mean / max |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &n in &sizes {
        let path = dir.join(format!("search-{n}.redb"));
        let cs = customers(n);
        {
            let store = Store::create(&path, "admin", "bench", "Bench").expect("create");
            store.import_customers(cs.clone()).expect("import");
        }
        let t = Instant::now();
        let store = Store::unlock(&path, "admin", "bench").expect("unlock");
        let unlock = t.elapsed();
        let stats = store.search_stats();
        let build = t.elapsed() - unlock;
        let (conn, _fts_build) = fts5(&dir.join(format!("fts-{n}.sqlite")), &cs);

        let (mut ids, mut full, mut fts, mut scan) = (
            Samples::new(),
            Samples::new(),
            Samples::new(),
            Samples::new(),
        );
        let mut agree = 0;
        for _ in 0..3 {
            for q in &typed {
                let a = ids.time(|| {
                    store
                        .search_ids(Shelf::Customers, q, 50)
                        .expect("search")
                        .expect("index")
                });
                let b = full.time(|| store.search_customers(q, 50).expect("search"));
                assert_eq!(a.len(), b.len());
                fts.time(|| fts5_query(&conn, q, 50));
                agree += a.len();
            }
        }
        if n <= scan_max {
            // The old way opens every customer per keystroke: one pass of the words.
            for q in TYPED {
                scan.time(|| store.scan_customers(q, 50).expect("scan"));
                // Every customer the scan found (name or document) the index finds too;
                // it also matches phones, which the scan never looked at.
                let old: Vec<Uuid> = store
                    .scan_customers(q, usize::MAX)
                    .expect("scan")
                    .iter()
                    .map(|c| c.data.id)
                    .collect();
                let new: std::collections::HashSet<Uuid> = store
                    .search_ids(Shelf::Customers, q, usize::MAX)
                    .expect("search")
                    .expect("index")
                    .into_iter()
                    .collect();
                assert!(
                    old.iter().all(|id| new.contains(id)),
                    "the index misses customers the scan finds for {q:?}"
                );
            }
        }
        let pair = |s: &Samples| {
            if s.0.is_empty() {
                "not run".to_string()
            } else {
                format!("{:.3} / {:.3} ms", ms(s.mean()), ms(s.max()))
            }
        };
        println!(
            "| {} | {:.0} ms (unlock {:.0} ms, not delayed) | {:.1} MiB ({} B/customer) | {} | {} | {} | {} |",
            stats.customers,
            ms(build),
            ms(unlock),
            stats.bytes as f64 / 1_048_576.0,
            stats.bytes / stats.customers.max(1),
            pair(&ids),
            pair(&full),
            pair(&fts),
            pair(&scan)
        );
        let _ = agree;
    }
}

/// The demo store's first quick-key product: what the list parts sell between rounds.
fn quick_key_product(store: &Store) -> Product {
    store
        .list::<Product>()
        .expect("products")
        .into_iter()
        .find(|p| p.data.quick_key)
        .expect("a quick key")
        .data
}

/// One boleta of one `product`, issued as the kiosk issues it.
fn sell_one(store: &Store, product: &Product) {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines = vec![product.line(Decimal::ONE)];
    store.issue_invoice(d).expect("sale");
}

/// 3. The Comprobantes list, paged (`Store::document_page`): the first screen, the page
///    on screen again after a sale, a search typed letter by letter, beside the full
///    reload the list did before paging (every row opened), interleaved round by round.
fn list_bench(dir: &Path) {
    let docs = env_usize("MD_BENCH_LIST_DOCS", 20_000);
    let rounds = env_usize("MD_BENCH_LIST_ROUNDS", 20);
    let (path, how) = demo_cache::demo_store(dir, docs);
    let store = Store::unlock(&path, "admin", demo_cache::PASSWORD).expect("unlock");
    // Right after login the index is still building: the plain list reads the table.
    let t = Instant::now();
    let page = store
        .document_page("", None, 0, DOCUMENT_PAGE)
        .expect("first page");
    let before_index = t.elapsed();
    assert_eq!(page.total, docs);
    store.search_stats();
    println!(
        "\n## Comprobantes, {docs} documents (store {how}), {rounds} rounds, paged by {DOCUMENT_PAGE}\n"
    );
    let product = quick_key_product(&store);
    let mut first = Samples::new();
    for _ in 0..rounds {
        first.time(|| {
            store
                .document_page("", None, 0, DOCUMENT_PAGE)
                .expect("page")
        });
    }
    // A buyer's name typed a letter at a time, each keystroke a page of what matches.
    let name = page.rows[0].buyer_name.to_lowercase();
    let mut typing = Samples::new();
    let (mut after, mut full) = (Samples::new(), Samples::new());
    let mut opened = 0;
    for _ in 0..rounds {
        sell_one(&store, &product);
        let before = store.summaries_opened();
        after.time(|| {
            store
                .document_page("", None, 0, DOCUMENT_PAGE)
                .expect("page")
        });
        opened += store.summaries_opened() - before;
        full.time(|| store.invoice_summaries().expect("full"));
        for end in name.char_indices().map(|(i, c)| i + c.len_utf8()).take(6) {
            typing.time(|| {
                store
                    .document_page(&name[..end], None, 0, DOCUMENT_PAGE)
                    .expect("query")
            });
        }
    }
    println!("| what | mean | max | rows opened |");
    println!("|---|---|---|---|");
    println!(
        "| first screen right after login (index building: read from the table) | {:.2} ms | | {} |",
        ms(before_index),
        page.rows.len()
    );
    println!(
        "| first screen: newest page from the index | {:.2} ms | {:.2} ms | {DOCUMENT_PAGE} |",
        ms(first.mean()),
        ms(first.max())
    );
    println!(
        "| after a sale: the page on screen again | {:.2} ms | {:.2} ms | {:.0} |",
        ms(after.mean()),
        ms(after.max()),
        opened as f64 / rounds as f64
    );
    println!(
        "| a keystroke of a search (\"{}\" letter by letter), on a worker | {:.2} ms | {:.2} ms | ≤ {DOCUMENT_PAGE} |",
        name.chars().take(6).collect::<String>(),
        ms(typing.mean()),
        ms(typing.max())
    );
    println!(
        "| anchor: the full reload of every row (the list before) | {:.2} ms | {:.2} ms | {} |",
        ms(full.mean()),
        ms(full.max()),
        docs + rounds
    );
}

/// 3b. The same "after a sale" with the store's page cache and with redb's default (1 GiB),
///     each on its own copy of the demo store, interleaved: what the smaller cache costs.
fn list_cache_bench(dir: &Path) {
    let docs = env_usize("MD_BENCH_LIST_DOCS", 20_000);
    let rounds = env_usize("MD_BENCH_LIST_ROUNDS", 20);
    let caches = [motordesk::store::CACHE_BYTES_DEFAULT, 1 << 30];
    let mut lists = Vec::new();
    for cache in caches {
        motordesk::store::set_cache_bytes(cache);
        let (path, _) = demo_cache::demo_store(dir, docs);
        let store = Store::unlock(&path, "admin", demo_cache::PASSWORD).expect("unlock");
        store.search_stats();
        lists.push((cache, store, Samples::new()));
    }
    motordesk::store::set_cache_bytes(motordesk::store::CACHE_BYTES_DEFAULT);
    let product = quick_key_product(&lists[0].1);
    for _ in 0..rounds {
        for (_, store, samples) in lists.iter_mut() {
            sell_one(store, &product);
            samples.time(|| {
                store
                    .document_page("", None, 0, DOCUMENT_PAGE)
                    .expect("page")
            });
        }
    }
    println!(
        "\n## Comprobantes after a sale by page cache, {docs} documents, {rounds} rounds, interleaved\n"
    );
    println!("| page cache | after a sale: mean | max |");
    println!("|---|---|---|");
    for (cache, _, s) in &lists {
        println!(
            "| {} MiB | {:.2} ms | {:.2} ms |",
            cache >> 20,
            ms(s.mean()),
            ms(s.max())
        );
    }
}

fn main() {
    if rss::child() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    println!("# store_perf (release, figures beside their anchors, same run)");
    // `MD_BENCH_PARTS=list` runs one part (default: all of them).
    let parts = std::env::var("MD_BENCH_PARTS")
        .unwrap_or_else(|_| "search,sale,list,cache,fleet,rss,archive".into());
    if parts.contains("search") {
        search_bench(dir.path());
    }
    if parts.contains("sale") {
        sale_bench(dir.path());
    }
    if parts.contains("list") {
        list_bench(dir.path());
    }
    if parts.contains("cache") {
        list_cache_bench(dir.path());
    }
    if parts.contains("fleet") {
        fleet::fleet_bench(dir.path());
    }
    if parts.contains("rss") {
        rss::rss_bench(dir.path());
    }
    if parts.contains("archive") {
        archive::archive_bench(dir.path());
    }
}
