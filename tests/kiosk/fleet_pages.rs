//! Flota's list comes a page at a time from the search index (issue 13): opening Flota
//! opens (decrypts) one page of vehicles, not the fleet and its owners; scrolling loads
//! the next pages; "Solo con alertas" counts from the index; an edit shows in its row.
//! The store counts the vehicles the list opens (`Store::fleet_rows_opened`), so the tests
//! assert work done, not time.

use crate::screen::{click, harness, has, press, wait_for};
use chrono::{Duration, Utc};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use motordesk::store::{DB_FILE, FLEET_PAGE, Store};
use motordesk::ui::{AppOptions, KioskApp, PanelId};
use motordesk_core::Vehicle;
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;

const SIZES: [(f32, f32); 2] = [(1024.0, 768.0), (1280.0, 800.0)];
/// Vehicles in the test fleet: five pages.
const FLEET: usize = 200;

/// FLT-100 … FLT-299; every fifth one's SOAT expired ten days ago (40 with alerts).
fn fleet(dir: &Path) -> Store {
    let store = Store::create(&dir.join(DB_FILE), "admin", "secreto123", "Ana Admin").unwrap();
    motordesk::demo::configure_shop(&store).unwrap();
    let today = (Utc::now() - Duration::hours(5)).date_naive();
    for i in 0..FLEET {
        let mut v = Vehicle::new(
            Uuid::now_v7(),
            &format!("FLT-{}", 100 + i),
            "Toyota",
            "Yaris",
        )
        .unwrap();
        v.soat_expires = Some(if i % 5 == 0 {
            today - Duration::days(10)
        } else {
            today + Duration::days(300)
        });
        store.save_vehicle(v).unwrap();
    }
    store
}

fn app(dir: &Path, store: Store, size: (f32, f32)) -> Harness<'static, KioskApp> {
    let mut opts = AppOptions::new(dir.to_path_buf());
    opts.start_panel = PanelId::Flota;
    opts.print = false;
    harness(KioskApp::with_store(opts, store), size)
}

fn store_of(h: &Harness<'static, KioskApp>) -> Arc<Store> {
    h.state().store().unwrap().clone()
}

fn type_into(h: &mut Harness<'static, KioskApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

#[test]
fn the_first_screen_opens_one_page_and_scrolling_loads_the_rest() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = app(dir.path(), fleet(dir.path()), size);
        wait_for(&mut h, "the first page", |h| {
            has(h, "200 vehículos") && has(h, "FLT-100")
        });
        let store = store_of(&h);
        let first = store.fleet_rows_opened();
        assert!(
            (1..=FLEET_PAGE as u64).contains(&first),
            "{size:?}: the first screen opened {first} vehicles"
        );
        assert!(!has(&h, "FLT-299"), "{size:?}: the end is not loaded yet");

        // Scroll to the end, 100 px at a time, on whatever row is on screen.
        for _ in 0..400 {
            if has(&h, "FLT-299") {
                break;
            }
            h.get_all_by_label_contains("FLT-")
                .last()
                .expect("a row on screen")
                .scroll_down();
            h.step();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        wait_for(&mut h, "the last row", |h| has(h, "FLT-299"));
        let all = store.fleet_rows_opened();
        assert!(
            (FLEET as u64..=(FLEET + FLEET_PAGE) as u64).contains(&all),
            "{size:?}: scrolling to the end opened {all} vehicles (each page once)"
        );
        assert!(!has(&h, "FLT-100"), "{size:?}: the top scrolled away");
    }
}

#[test]
fn only_alerts_counts_from_the_index_and_opens_one_page() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = app(dir.path(), fleet(dir.path()), size);
        wait_for(&mut h, "the first page", |h| has(h, "200 vehículos"));
        let store = store_of(&h);
        let before = store.fleet_rows_opened();
        click(&mut h, "Solo con alertas");
        wait_for(&mut h, "the vehicles with alerts", |h| {
            has(h, "40 vehículos") && has(h, "FLT-105")
        });
        // FLT-100, 105, 110 … have an expired SOAT; FLT-101 has none.
        assert!(has(&h, "FLT-100"), "{size:?}");
        assert!(!has(&h, "FLT-101"), "{size:?}: a vehicle without alerts");
        let opened = store.fleet_rows_opened() - before;
        assert!(
            (1..=FLEET_PAGE as u64).contains(&opened),
            "{size:?}: the filter opened {opened} vehicles"
        );

        // A query narrows it further, still from the index.
        type_into(&mut h, "Buscar placa, marca o propietario", "flt-12");
        wait_for(&mut h, "FLT-120 and FLT-125", |h| has(h, "2 vehículos"));
        assert!(has(&h, "FLT-120") && has(&h, "FLT-125"), "{size:?}");
        assert!(!has(&h, "FLT-100"), "{size:?}");
    }
}

#[test]
fn editing_a_vehicle_updates_its_row_opening_only_the_page_again() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = app(dir.path(), fleet(dir.path()), size);
        wait_for(&mut h, "the first page", |h| has(h, "FLT-103"));
        let store = store_of(&h);
        h.get_by_label_contains("FLT-103").click();
        h.run();
        assert!(has(&h, "FLT-103"), "{size:?}: the detail shows the plate");
        let before = store.fleet_rows_opened();

        press(&mut h, "Editar vehículo");
        type_into(&mut h, "Marca", "Nissan");
        type_into(&mut h, "Modelo", "Sentra");
        press(&mut h, "Guardar vehículo");
        wait_for(&mut h, "the saved message", |h| {
            has(h, "Vehículo FLT-103 guardado.")
        });
        // The row's text: "FLT-103  Nissan Sentra · 0 km".
        wait_for(&mut h, "the row with the new brand", |h| {
            has(h, "FLT-103  Nissan Sentra")
        });
        let opened = store.fleet_rows_opened() - before;
        assert!(
            (1..=FLEET_PAGE as u64).contains(&opened),
            "{size:?}: the edit reloaded {opened} vehicles"
        );
        assert_eq!(store.search_stats().vehicles, FLEET, "{size:?}");
    }
}
