//! Finger drag scrolling on a touch panel that reports mouse events only, at 1024×768
//! and 1280×800: in touch mode the kiosk tells egui it is on a touch screen
//! (`KioskApp::prepare_input`, eframe's raw input hook), so a press-move-release with the
//! mouse button scrolls the fleet list; with touch mode off the same drag does not.

use crate::fixtures::{SIZES, kiosk, new_shop};
use egui::{Pos2, RawInput};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use motordesk::store::{ScreenPrefs, Store};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::Vehicle;
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

/// A store with 60 vehicles, AAA-100 … AAA-159: several screens of rows.
fn fleet(dir: &Path) -> Store {
    let store = new_shop(dir);
    for i in 0..60 {
        let v = Vehicle::new(
            Uuid::now_v7(),
            &format!("AAA-{}", 100 + i),
            "Toyota",
            "Yaris",
        )
        .unwrap();
        store.save_vehicle(v).unwrap();
    }
    store
}

/// What eframe does before every frame: the app's raw input hook, then egui.
fn hooked_input(h: &mut Harness<'static, KioskApp>) {
    let mut raw = RawInput::default();
    h.state_mut().prepare_input(&mut raw);
    for e in raw.events {
        h.event(e);
    }
}

fn row_top(h: &Harness<'static, KioskApp>, plate: &str) -> Option<f32> {
    h.query_all_by_label_contains(plate)
        .next()
        .map(|n| n.rect().top())
}

/// A mouse press on the list, a 300 px move up in steps, a release: what a finger on a
/// mouse-mode touch panel sends.
fn drag_list_up(h: &mut Harness<'static, KioskApp>) {
    let start = h
        .query_all_by_label_contains("AAA-105")
        .next()
        .expect("row AAA-105 on screen")
        .rect()
        .center();
    h.hover_at(start);
    h.step();
    h.drag_at(start);
    h.step();
    for step in 1..=10 {
        h.hover_at(Pos2::new(start.x, start.y - 30.0 * step as f32));
        h.step();
    }
    h.drop_at(Pos2::new(start.x, start.y - 300.0));
    h.run();
}

fn wait_rows(h: &mut Harness<'static, KioskApp>) {
    for _ in 0..1500 {
        h.step();
        if row_top(h, "AAA-105").is_some() {
            h.run();
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("fleet list never loaded");
}

#[test]
fn a_mouse_drag_scrolls_the_fleet_list_in_touch_mode_only() {
    for size in SIZES {
        for touch in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let store = fleet(dir.path());
            ScreenPrefs {
                touch_mode: touch,
                ..ScreenPrefs::default()
            }
            .save(dir.path())
            .unwrap();
            let mut h = kiosk(dir.path(), store, PanelId::Flota, size);
            hooked_input(&mut h);
            wait_rows(&mut h);
            let before = row_top(&h, "AAA-105").unwrap();
            drag_list_up(&mut h);
            let after = row_top(&h, "AAA-105");
            if touch {
                // Moved up with the finger (or scrolled out of the list entirely).
                assert!(
                    after.is_none_or(|y| y < before - 200.0),
                    "{size:?}: row stayed at {after:?} (was {before})"
                );
            } else {
                assert_eq!(
                    after,
                    Some(before),
                    "{size:?}: scrolled with touch mode off"
                );
            }
        }
    }
}
