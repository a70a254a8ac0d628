//! The vehicle at the counter, by touch at 1024×768 and 1280×800: the plate typed on the
//! on-screen keys in Ventas shows that vehicle's maintenance, SOAT and revisión técnica
//! alerts beside it (Flota's rules), a km typed for this visit brings an oil change due,
//! a vehicle with nothing due shows no alert, and neither the quick keys nor EMITIR move
//! off the screen for them.

use crate::fixtures::{SIZES, kiosk, new_shop, oil_change};
use crate::screen::{has, press, wait_for};
use crate::touch_keyboard::{tap, type_on_keys};
use chrono::{Days, Utc};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::Store;
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{Vehicle, lima_date};
use std::path::Path;
use uuid::Uuid;

/// A shop with an oil-change quick key and three vehicles: ABC-123 with everything due
/// (oil by km overdue, SOAT expired, revisión técnica in 5 days), DEF-456 with nothing
/// due, GHI-789 300 km short of the "due soon" window.
fn shop(dir: &Path) -> Store {
    let store = new_shop(dir);
    store.save_product(oil_change()).unwrap();
    let today = lima_date(Utc::now());
    let mut due = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Hilux").unwrap();
    due.odometer_km = 10_200;
    due.service_interval_km = 5_000;
    due.last_service_km = Some(5_000);
    due.soat_expires = today.checked_sub_days(Days::new(30));
    due.revision_tecnica_expires = today.checked_add_days(Days::new(5));
    store.save_vehicle(due).unwrap();
    let mut fine = Vehicle::new(Uuid::now_v7(), "DEF-456", "Kia", "Rio").unwrap();
    fine.odometer_km = 6_000;
    fine.service_interval_km = 5_000;
    fine.last_service_km = Some(5_000);
    fine.soat_expires = today.checked_add_days(Days::new(200));
    store.save_vehicle(fine).unwrap();
    let mut near = Vehicle::new(Uuid::now_v7(), "GHI-789", "Nissan", "Sentra").unwrap();
    near.odometer_km = 9_200;
    near.service_interval_km = 5_000;
    near.last_service_km = Some(5_000);
    store.save_vehicle(near).unwrap();
    store
}

fn ventas(dir: &Path, size: (f32, f32)) -> Harness<'static, KioskApp> {
    kiosk(dir, shop(dir), PanelId::Ventas, size)
}

/// Clears the plate field (Limpiar) and types `plate` on the keys, then Listo.
fn choose_plate(h: &mut Harness<'static, KioskApp>, plate: &str) {
    h.get_by_label("Placa").click();
    h.run();
    tap(h, "Tecla Limpiar");
    type_on_keys(h, plate);
    tap(h, "Tecla Listo");
}

/// A key of the number pad (drawn last, above the screen: the last button so named).
fn pad(h: &mut Harness<'static, KioskApp>, key: &str) {
    h.get_all_by_label(key)
        .rfind(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .unwrap_or_else(|| panic!("no pad key {key}"))
        .click();
    h.run();
}

fn bottom_of(h: &Harness<'static, KioskApp>, text: &str) -> f32 {
    h.query_all_by_label_contains(text)
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .unwrap_or_else(|| panic!("no button {text}"))
        .rect()
        .bottom()
}

#[test]
fn a_chosen_plate_shows_its_alerts_beside_it() {
    let today = lima_date(Utc::now());
    let soat = today.checked_sub_days(Days::new(30)).unwrap();
    let rt = today.checked_add_days(Days::new(5)).unwrap();
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = ventas(dir.path(), size);
        wait_for(&mut h, "quick keys", |h| has(h, "Cambio de aceite"));
        let emitir = bottom_of(&h, "EMITIR");
        let key_before = bottom_of(&h, "Cambio de aceite");

        choose_plate(&mut h, "ABC123");
        wait_for(&mut h, "vehicle found", |h| has(h, "Toyota Hilux"));
        for text in [
            "Mantenimiento vencido (10,000 km)".to_string(),
            format!("SOAT vencido ({})", soat.format("%d/%m/%Y")),
            format!("Revisión técnica próxima ({})", rt.format("%d/%m/%Y")),
        ] {
            assert!(has(&h, &text), "{size:?}: alert {text:?} beside the plate");
        }
        // The ticket did not move and the quick keys are still under the finger.
        assert_eq!(bottom_of(&h, "EMITIR"), emitir, "{size:?}");
        let key_after = bottom_of(&h, "Cambio de aceite");
        assert!(
            key_after <= size.1,
            "{size:?}: quick key pushed off the screen ({key_before} -> {key_after})"
        );

        // Another plate: its own (no) alerts, none of the first one's left behind.
        choose_plate(&mut h, "DEF456");
        wait_for(&mut h, "second vehicle", |h| has(h, "Kia Rio"));
        assert!(!has(&h, "vencido"), "{size:?}: an old alert left on screen");
        assert!(!has(&h, "próxima"), "{size:?}");

        // Nothing due at its last reading; the km typed for this visit brings it due.
        choose_plate(&mut h, "GHI789");
        wait_for(&mut h, "third vehicle", |h| has(h, "Nissan Sentra"));
        assert!(!has(&h, "Mantenimiento"), "{size:?}: not due at 9,200 km");
        press(&mut h, "Km actual");
        for k in ["1", "0", "1", "0", "0"] {
            pad(&mut h, k);
        }
        pad(&mut h, "Aceptar");
        assert!(has(&h, "Km actual: 10,100"), "{size:?}");
        assert!(
            has(&h, "Mantenimiento vencido (10,000 km)"),
            "{size:?}: the visit's km counts"
        );
    }
}
