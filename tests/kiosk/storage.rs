//! Storage as the shop sees it (issue 13): Ajustes shows the data file's size, the disk's
//! free space and the documents held; Compactar gives free pages back while the kiosk
//! runs (sales meanwhile wait, none is lost); the top bar warns when the disk runs short,
//! long before a sale could fail. The nearly full disk is a real tmpfs this test mounts
//! (skipped with a message where mounting is not allowed).

use crate::fixtures::{PASSWORD, SIZES, kiosk, reopen};
use crate::screen::{click, has, press, wait_for};
use crate::tmpfs::Tmpfs;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::{DB_FILE, DiskLevel, Store, disk_level, disk_space};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{DocumentKind, InvoiceDraft, Product, RecordKind};
use rust_decimal_macros::dec;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A demo shop with `docs` documents of history (bulk-loaded, so the file has free pages).
fn demo_store(dir: &Path, docs: usize) -> Store {
    let store = Store::create(&dir.join(DB_FILE), "admin", PASSWORD, "Ana Admin").unwrap();
    motordesk::demo::generate(&store, docs, 5).unwrap();
    store
}

/// The demo catalog's item called `name`.
fn catalog_item(store: &Store, name: &str) -> Product {
    store
        .list::<Product>()
        .unwrap()
        .into_iter()
        .find(|p| p.data.name == name)
        .unwrap()
        .data
}

fn file_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join(DB_FILE)).unwrap().len()
}

fn documents(h: &Harness<'static, KioskApp>) -> u64 {
    h.state()
        .store()
        .unwrap()
        .count(RecordKind::Invoice)
        .unwrap()
}

/// A one-line boleta of a catalog item, through the Ventas screen's quick key and EMITIR.
fn sell_by_touch(h: &mut Harness<'static, KioskApp>) {
    let before = documents(h);
    click(h, "Ventas");
    wait_for(h, "quick key", |h| has(h, "Lavado de motor"));
    press(h, "Lavado de motor");
    press(h, "EMITIR");
    wait_for(h, "the sale saved", |h| documents(h) == before + 1);
}

#[test]
fn compactar_in_ajustes_shrinks_the_file_and_the_sale_right_after_is_saved() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = demo_store(dir.path(), 300);
        let mut h = kiosk(dir.path(), store, PanelId::Ajustes, size);
        wait_for(&mut h, "the storage figures", |h| {
            has(h, "300 comprobantes") && has(h, "Espacio libre en el disco:")
        });
        let before = file_len(dir.path());
        click(&mut h, "Compactar");
        wait_for(&mut h, "the compaction", |h| {
            has(h, "Compactado: el archivo pasó de")
        });
        let after = file_len(dir.path());
        assert!(after < before, "{size:?}: {before} -> {after} bytes");
        // The figure on screen is the file's new size, read again.
        let mb = format!("{:.1}", after as f64 / (1024.0 * 1024.0));
        wait_for(&mut h, "the new size", |h| {
            has(h, &format!("Archivo de datos: {mb}\u{a0}MB"))
        });
        sell_by_touch(&mut h);
        click(&mut h, "Ajustes");
        wait_for(&mut h, "the new count", |h| has(h, "301 comprobantes"));
        // Everything is still there after a fresh unlock of the compacted file.
        drop(h);
        // The kiosk's worker and sync threads let go of the file shortly after the window.
        let store = reopen(&dir.path().join(DB_FILE), "admin", PASSWORD);
        assert_eq!(store.count(RecordKind::Invoice).unwrap(), 301, "{size:?}");
    }
}

#[test]
fn a_cashier_sees_the_storage_but_cannot_compact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let admin = demo_store(dir.path(), 20);
        admin
            .add_user("cajera", "cajera123", "Carla", motordesk_core::Role::Cajero)
            .unwrap();
    }
    let store = Store::unlock(&path, "cajera", "cajera123").unwrap();
    let mut h = kiosk(dir.path(), store, PanelId::Ajustes, (1024.0, 768.0));
    wait_for(&mut h, "the storage figures", |h| has(h, "20 comprobantes"));
    h.get_by_label("Compactar").scroll_to_me();
    h.run_steps(4);
    assert!(h.get_by_label("Compactar").accesskit_node().is_disabled());
}

/// Sales on two threads while the store compacts twice: every sale is answered OK, none is
/// lost, the numbers have no gap, and the file ends smaller than the bulk load left it.
#[test]
fn sales_running_while_the_store_compacts_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(demo_store(dir.path(), 400));
    let product = catalog_item(&store, "Lavado de motor");
    let before_docs = store.count(RecordKind::Invoice).unwrap();
    let loaded = file_len(dir.path());
    let stop = Arc::new(AtomicBool::new(false));
    let sellers: Vec<_> = (0..2)
        .map(|_| {
            let (store, stop, product) = (store.clone(), stop.clone(), product.clone());
            std::thread::spawn(move || {
                let mut sold = Vec::new();
                while !stop.load(Ordering::SeqCst) || sold.len() < 5 {
                    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
                    d.lines = vec![product.line(dec!(1))];
                    sold.push(store.issue_invoice(d).expect("a sale during compaction"));
                }
                sold
            })
        })
        .collect();
    let first = store.compact_now().unwrap();
    let second = store.compact_now().unwrap();
    stop.store(true, Ordering::SeqCst);
    let sold: Vec<_> = sellers
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert!(first.after < loaded, "{loaded} -> {first:?}");
    assert!(second.before > 0);
    assert_eq!(
        store.count(RecordKind::Invoice).unwrap(),
        before_docs + sold.len() as u64
    );
    let mut numbers: Vec<u32> = sold.iter().map(|i| i.number.correlative).collect();
    numbers.sort();
    assert!(
        numbers.windows(2).all(|w| w[1] == w[0] + 1),
        "numbers without a gap: {numbers:?}"
    );
    for inv in &sold {
        assert!(
            store
                .get::<motordesk_core::Invoice>(inv.id)
                .unwrap()
                .is_some()
        );
    }
}

#[test]
fn a_disk_running_short_shows_the_warning_in_the_top_bar_and_in_ajustes() {
    for size in SIZES {
        let Some(mount) = Tmpfs::mount("400m") else {
            return;
        };
        let store = demo_store(mount.path(), 20);
        let mut h = kiosk(mount.path(), store, PanelId::Ajustes, size);
        wait_for(&mut h, "the storage figures", |h| has(h, "20 comprobantes"));
        h.run_steps(10);
        assert!(!has(&h, "DISCO"), "{size:?}: plenty of room, no warning");
        // The idle count gives way to the fiscal warning (SIN CERT.) already.
        assert!(!has(&h, "SINCRONIZANDO 0"), "{size:?}");
        assert!(!has(&h, "Queda poco espacio"));
        // Leave about 150 MiB: below the 256 MiB threshold, far from full.
        let free = disk_space(mount.path()).unwrap().free;
        fill(&mount.path().join("relleno"), free - 150 * 1024 * 1024);
        let free = disk_space(mount.path()).unwrap().free;
        assert_eq!(
            disk_level(file_len(mount.path()), free),
            DiskLevel::Low,
            "{free}"
        );
        // The next change (a sale) reads the disk again: the sale itself still works.
        sell_by_touch(&mut h);
        wait_for(&mut h, "the top bar warning", |h| {
            has(h, "⚠ DISCO") || has(h, "⚠ 2 AVISOS")
        });
        // Its room in the top bar comes from the idle "SINCRONIZANDO 0".
        assert!(!has(&h, "SINCRONIZANDO"), "{size:?}");
        // With the fiscal warning it is folded into "⚠ 2 AVISOS": its menu lists it.
        if has(&h, "AVISOS") {
            press(&mut h, "AVISOS");
        }
        press(&mut h, "⚠ DISCO");
        wait_for(&mut h, "Ajustes' advice", |h| {
            has(h, "Queda poco espacio en el disco")
        });
        drop(h);
    }
}

/// Writes `bytes` of zeros to `path` (tmpfs keeps them in memory, so they take room).
fn fill(path: &Path, bytes: u64) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        f.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    f.sync_all().unwrap();
}

/// The figures in docs/store.md: a demo store of `MOTORDESK_COMPACT_DOCS` documents (2,000
/// by default) compacted while a seller keeps selling: size before and after, how long the
/// compaction took and the longest a sale waited meanwhile (beside a sale without it).
/// `cargo test --test kiosk storage::compaction_figures -- --ignored --nocapture`
#[test]
#[ignore]
fn compaction_figures() {
    let docs = std::env::var("MOTORDESK_COMPACT_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(demo_store(dir.path(), docs));
    let product = catalog_item(&store, "Lavado de motor");
    let sell = |store: &Store| {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        d.lines = vec![product.line(dec!(1))];
        let t = std::time::Instant::now();
        store.issue_invoice(d).unwrap();
        t.elapsed()
    };
    let quiet: Vec<_> = (0..20).map(|_| sell(&store)).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let seller = {
        let (store, stop, product) = (store.clone(), stop.clone(), product.clone());
        std::thread::spawn(move || {
            let mut waits = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let mut d = InvoiceDraft::new(DocumentKind::Boleta);
                d.lines = vec![product.line(dec!(1))];
                let t = std::time::Instant::now();
                store.issue_invoice(d).unwrap();
                waits.push(t.elapsed());
            }
            waits
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    let t = std::time::Instant::now();
    let c = store.compact_now().unwrap();
    let took = t.elapsed();
    stop.store(true, Ordering::SeqCst);
    let waits = seller.join().unwrap();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "{docs} documents: {:.1} MiB -> {:.1} MiB, compaction {:.0} ms; sales meanwhile {} (longest {:.0} ms); a sale without compaction: max {:.1} ms",
        mib(c.before),
        mib(c.after),
        ms(took),
        waits.len(),
        ms(waits.iter().copied().max().unwrap_or_default()),
        ms(quiet.iter().copied().max().unwrap_or_default()),
    );
}
