//! The Resumen (manager's dashboard) on the 100k demo store: the aggregation on its
//! worker, and the frame time of the panel beside the Ventas panel's in the same run.
//!
//! - **Aggregation** (`Store::dashboard`, what the panel's worker runs): the first look
//!   (the demo backdates its two years, so all 100k ids fall in the window's key range:
//!   every list row is read for its date, the documents of the window opened in full), a
//!   second look with nothing new (tags compared only), and a look after one sale.
//! - **Frames**: the kiosk in an egui_kittest harness at 1280x800 (CPU side: layout,
//!   tessellation, accessibility tree; no GPU), logged in as the administrator. While the
//!   first aggregation runs the panel says "Calculando…": the frames drawn meanwhile are
//!   counted, and their slowest. Then 300 frames of the Resumen with a pointer moving
//!   over its charts, and 300 of Ventas (the anchor) the same way; mean and p99.
//!
//! The demo store takes minutes to generate (every document is signed), so it is kept
//! between runs in `<target>/<profile>/bench-cache/`, named by its size and the day it
//! was made (its dates are relative to that day); each run works on a copy.
//!
//!     cargo bench --bench dashboard_frame            (MD_BENCH_DASHBOARD_DOCS=100000)

use egui::{Event, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use motordesk::store::{DB_FILE, RecentSales, Store};
use motordesk::ui::{AppOptions, KioskApp, PanelId};
use motordesk_core::{DocumentKind, InvoiceDraft, Product, lima_date};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const FRAMES: usize = 300;
const PASSWORD: &str = "bench-pass";

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `<target>/<profile>/bench-cache`, beside the bench binary's `deps/`.
fn cache_root() -> PathBuf {
    let exe = std::env::current_exe().expect("bench path");
    exe.parent()
        .and_then(Path::parent)
        .map(|p| p.join("bench-cache"))
        .unwrap_or_else(|| std::env::temp_dir().join("motordesk-bench-cache"))
}

/// The demo store of `docs` documents made today, generated once per day and size.
fn cached_store(docs: usize) -> (PathBuf, Option<Duration>) {
    let today = lima_date(chrono::Utc::now());
    let dir = cache_root().join(format!("dashboard-{docs}-{today}"));
    let file = dir.join(DB_FILE);
    if file.exists() {
        return (file, None);
    }
    let building = dir.with_extension("building");
    let _ = std::fs::remove_dir_all(&building);
    std::fs::create_dir_all(&building).expect("cache dir");
    let t = Instant::now();
    let mut store =
        Store::create(&building.join(DB_FILE), "admin", PASSWORD, "Bench").expect("store");
    motordesk::demo::generate(&store, docs, 42).expect("demo data");
    store.compact().expect("compact");
    let took = t.elapsed();
    drop(store);
    std::fs::rename(&building, &dir).expect("cache in place");
    (file, Some(took))
}

fn mean_p99(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    let mean = v.iter().sum::<Duration>() / v.len().max(1) as u32;
    let p99 = v[(v.len() * 99 / 100).min(v.len() - 1)];
    (mean, p99)
}

/// `FRAMES` frames, each after the pointer moved (so hover and tooltips are worked out).
fn frames(h: &mut Harness<'_, KioskApp>) -> Vec<Duration> {
    let mut out = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        let x = 300.0 + (i % 60) as f32 * 15.0;
        h.event(Event::PointerMoved(pos2(x, 330.0)));
        let t = Instant::now();
        h.step();
        out.push(t.elapsed());
    }
    out
}

fn main() {
    let docs: usize = std::env::var("MD_BENCH_DASHBOARD_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let (cached, generated) = cached_store(docs);
    let work = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    std::fs::copy(&cached, work.path().join(DB_FILE)).expect("copy of the demo store");
    let copied = t.elapsed();
    let path = work.path().join(DB_FILE);
    let today = lima_date(chrono::Utc::now());

    // The aggregation alone, as the worker runs it.
    let store = Store::unlock(&path, "admin", PASSWORD).expect("unlock");
    let mut recent = RecentSales::default();
    let t = Instant::now();
    let cold_count = store
        .refresh_recent_sales(&mut recent, today)
        .expect("first look");
    let first = store.dashboard(&mut recent, today).expect("figures");
    let cold = t.elapsed();
    let t = Instant::now();
    let walk = store
        .refresh_recent_sales(&mut recent, today)
        .expect("again");
    let warm = t.elapsed();
    let product = store
        .list::<Product>()
        .expect("products")
        .into_iter()
        .find(|p| p.data.quick_key)
        .expect("a quick key")
        .data;
    let mut sale = InvoiceDraft::new(DocumentKind::Boleta);
    sale.lines = vec![product.line(Decimal::ONE)];
    store.issue_invoice(sale).expect("sale");
    let t = Instant::now();
    let after = store
        .refresh_recent_sales(&mut recent, today)
        .expect("after");
    let _ = store.dashboard(&mut recent, today).expect("figures");
    let after_sale = t.elapsed();
    let in_window = recent.documents();
    drop(recent);
    drop(store);

    // The panel: first frames while the worker adds up, then steady frames.
    let store = Store::unlock(&path, "admin", PASSWORD).expect("unlock");
    let mut opts = AppOptions::new(work.path().to_path_buf());
    opts.start_panel = PanelId::Resumen;
    opts.print = false;
    let app = KioskApp::with_store(opts, store);
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut KioskApp| app.ui(ui), app);
    let t = Instant::now();
    h.step();
    let first_frame = t.elapsed();
    assert!(
        h.query_by_label("Calculando…").is_some(),
        "the first frame says the figures are on their way"
    );
    let mut waiting = Vec::new();
    let t = Instant::now();
    while h.query_by_label("Ventas de hoy por hora").is_none() {
        let f = Instant::now();
        h.step();
        waiting.push(f.elapsed());
        assert!(t.elapsed() < Duration::from_secs(600), "figures never came");
        std::thread::sleep(Duration::from_millis(5));
    }
    let shown_after = t.elapsed();
    let slowest_waiting = waiting.iter().copied().max().unwrap_or_default();
    h.run_ok();
    let (resumen_mean, resumen_p99) = mean_p99(frames(&mut h));
    h.get_by_label("Ventas").click();
    h.run_ok();
    let (ventas_mean, ventas_p99) = mean_p99(frames(&mut h));

    println!();
    println!(
        "Resumen on the demo store of {docs} documents ({} in the 30-day window; {}; copy {:.1} s)",
        first.month.documents,
        match generated {
            Some(d) => format!("generated in {:.0} s and cached", d.as_secs_f64()),
            None => "from the cache".into(),
        },
        copied.as_secs_f64()
    );
    println!("| aggregation (worker) | time | rows walked | list rows read | documents opened |");
    println!("|---|---:|---:|---:|---:|");
    for (what, time, c) in [
        ("first look (refresh + sums)", cold, cold_count),
        ("again, nothing new (refresh)", warm, walk),
        ("after one sale (refresh + sums)", after_sale, after),
    ] {
        println!(
            "| {what} | {:.1} ms | {} | {} | {} |",
            ms(time),
            c.walked,
            c.skimmed,
            c.opened
        );
    }
    println!("(documents held for the window: {in_window})");
    println!();
    println!(
        "Frames at 1280x800, egui_kittest (CPU only), {FRAMES} frames each with the pointer moving"
    );
    println!("| frame | mean (ms) | p99 (ms) |");
    println!("|---|---:|---:|");
    println!(
        "| Resumen | {:.2} | {:.2} |",
        ms(resumen_mean),
        ms(resumen_p99)
    );
    println!(
        "| anchor: Ventas, same run | {:.2} | {:.2} |",
        ms(ventas_mean),
        ms(ventas_p99)
    );
    println!(
        "| first frame (\"Calculando…\") | {:.2} | |",
        ms(first_frame)
    );
    println!(
        "| frames while the worker adds up: {} in {:.1} s, slowest | {:.2} | |",
        waiting.len(),
        shown_after.as_secs_f64(),
        ms(slowest_waiting)
    );
}
