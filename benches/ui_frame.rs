//! Frame time of the documents list while scrolling, at 1k and 100k issued documents.
//!
//! A real store (demo data, generated once and cached beside the bench binary like
//! store_perf's: `store_perf/demo_cache.rs`) copied to a temp dir, the kiosk in an
//! egui_kittest harness (CPU side only: layout, tessellation and the accessibility tree;
//! no GPU), the Comprobantes panel open, then 300 frames each with one mouse-wheel step,
//! then a search typed a key per frame. Prints mean / p95 / max of `harness.step()`. The
//! list is paged (`Store::document_page` on a worker): a frame never opens a row.
//!
//!     cargo bench --bench ui_frame            (UI_BENCH_SIZES=1000,100000 by default)

use egui::{Event, Modifiers, MouseWheelUnit, TouchPhase, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::{DB_FILE, Store};
use motordesk::ui::{AppOptions, KioskApp, PanelId};
use motordesk_core::thousands;
use std::time::{Duration, Instant};

#[path = "store_perf/demo_cache.rs"]
mod demo_cache;

const FRAMES: usize = 300;

struct Row {
    invoices: usize,
    generate: Duration,
    load: Duration,
    mean: Duration,
    p95: Duration,
    max: Duration,
    first_before: String,
    first_after: String,
    /// Frames while typing a search (each key asks the index for a page, on a worker).
    type_mean: Duration,
    type_max: Duration,
    matches: String,
    /// From the last key to the list showing the matches.
    answer: Duration,
}

/// The document number in the top visible row.
fn first_number(h: &Harness<'_, KioskApp>) -> String {
    let mut best: Option<(f64, String)> = None;
    for n in h.query_all_by(|n| {
        n.value().is_some_and(|v| {
            v.len() == 13 && v.as_bytes()[4] == b'-' && v[5..].bytes().all(|b| b.is_ascii_digit())
        })
    }) {
        let y = n.accesskit_node().raw_bounds().map_or(f64::MAX, |b| b.y0);
        let v = n.accesskit_node().value().unwrap_or_default();
        if best.as_ref().is_none_or(|(by, _)| y < *by) {
            best = Some((y, v));
        }
    }
    best.map(|b| b.1).unwrap_or_default()
}

fn run(invoices: usize) -> Row {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let (copy, _) = demo_cache::demo_store(dir.path(), invoices);
    let generate = t.elapsed();
    std::fs::rename(&copy, dir.path().join(DB_FILE)).expect("the store in place");
    let store =
        Store::unlock(&dir.path().join(DB_FILE), "admin", demo_cache::PASSWORD).expect("unlock");

    let mut opts = AppOptions::new(dir.path().to_path_buf());
    opts.start_panel = PanelId::Comprobantes;
    opts.print = false;
    let app = KioskApp::with_store(opts, store);
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut KioskApp| app.ui(ui), app);

    let t = Instant::now();
    let n = thousands(invoices as u64);
    let loaded = format!("{n} de {n} comprobantes");
    loop {
        h.step();
        if h.query_by_label(&loaded).is_some() {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(300),
            "documents never loaded"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let load = t.elapsed();
    // The search index builds behind the login (0.65 s at 100k); a cashier scrolls a
    // second later. Measured with it built, so its thread does not share the 2 cores.
    let store = h.state().store().expect("unlocked").clone();
    store.search_stats();
    h.run_ok();
    let first_before = first_number(&h);

    let over_table = pos2(700.0, 500.0);
    let mut times = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        h.event(Event::PointerMoved(over_table));
        h.event(Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: vec2(0.0, -90.0),
            phase: TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
    }
    // The page at the new place comes from a worker.
    let t = Instant::now();
    let first_after = loop {
        h.step();
        let top = first_number(&h);
        if !top.is_empty() || t.elapsed() > Duration::from_secs(30) {
            break top;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    times.sort();
    let mean = times.iter().sum::<Duration>() / FRAMES as u32;

    // Search as you type: one frame per key; the page of matches comes from a worker.
    h.get_by_label("Buscar (número, cliente, placa)").click();
    h.run_ok();
    let mut typing = Vec::new();
    for c in "rojas".chars() {
        h.event(Event::Text(c.to_string()));
        let t = Instant::now();
        h.step();
        typing.push(t.elapsed());
    }
    // The answer comes from a worker; it is the list of "rojas" once its count shows.
    let t = Instant::now();
    let want = format!(
        "{} de {n} comprobantes",
        thousands(
            store
                .document_page("rojas", None, 0, 1)
                .expect("page")
                .total as u64
        )
    );
    let count = |h: &Harness<'_, KioskApp>| {
        h.query_all_by(|n| n.value().is_some_and(|v| v.ends_with(" comprobantes")))
            .filter_map(|n| n.accesskit_node().value())
            .next()
            .unwrap_or_default()
    };
    let matches = loop {
        h.step();
        let now = count(&h);
        if now == want || t.elapsed() > Duration::from_secs(60) {
            break now;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let answer = t.elapsed();
    let type_mean = typing.iter().sum::<Duration>() / typing.len() as u32;
    let type_max = typing.iter().copied().max().unwrap_or_default();
    let p95 = times[(FRAMES * 95 / 100).min(FRAMES - 1)];
    let max = *times.last().expect("frames");
    Row {
        invoices,
        generate,
        load,
        mean,
        p95,
        max,
        first_before,
        first_after,
        type_mean,
        type_max,
        matches,
        answer,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("UI_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let rows: Vec<Row> = sizes.into_iter().map(run).collect();
    println!();
    println!(
        "Documents list, {FRAMES} frames of mouse-wheel scrolling, 1280x800, egui_kittest (CPU only)"
    );
    println!(
        "| documents | demo store: generated or copied from the cache (s) | list load (ms) | frame mean (ms) | frame p95 (ms) | frame max (ms) | top row before → after | typing frame mean / max (ms) | \"rojas\" | its answer after (ms) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---|---:|---|---:|");
    for r in &rows {
        println!(
            "| {} | {:.1} | {} | {} | {} | {} | {} → {} | {} / {} | {} | {} |",
            r.invoices,
            r.generate.as_secs_f64(),
            ms(r.load),
            ms(r.mean),
            ms(r.p95),
            ms(r.max),
            r.first_before,
            r.first_after,
            ms(r.type_mean),
            ms(r.type_max),
            r.matches,
            ms(r.answer)
        );
    }
}
