//! A barcode scanner is a keyboard: it types the code and Enter. In Ventas, with no text
//! field focused, a scan adds the product with that code (twice: quantity 2), an unknown
//! code says so; in the product search, Enter (here the on-screen keyboard's Listo) adds
//! the product whose code was typed. At 1024×768 and 1280×800.

use crate::fixtures::{SIZES, item, kiosk, new_shop};
use crate::screen::{has, wait_for_text};
use egui::{Event, Key};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{Product, Unit};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn product(code: &str, name: &str, price: Decimal, quick_key: bool) -> Product {
    item(code, name, "Repuesto", Unit::Unidad, price, quick_key)
}

fn ventas(size: (f32, f32)) -> (tempfile::TempDir, Harness<'static, KioskApp>) {
    let dir = tempfile::tempdir().unwrap();
    let store = new_shop(dir.path());
    store
        .save_product(product("SRV-001", "Cambio de aceite", dec!(35), true))
        .unwrap();
    store
        .save_product(product(
            "7751234567890",
            "Filtro de aceite",
            dec!(25),
            false,
        ))
        .unwrap();
    store
        .save_product(product("ACE-001", "Aceite 20W-50 galón", dec!(95), false))
        .unwrap();
    let h = kiosk(dir.path(), store, PanelId::Ventas, size);
    (dir, h)
}

/// What a keyboard-wedge scanner sends: the code's characters, then Enter.
fn scan(h: &mut Harness<'static, KioskApp>, code: &str) {
    h.event(Event::Text(code.into()));
    h.key_press(Key::Enter);
    h.run();
}

#[test]
fn a_scan_with_no_field_focused_adds_the_product() {
    for size in SIZES {
        let (_dir, mut h) = ventas(size);
        // The catalog is loaded once its quick key shows.
        wait_for_text(&mut h, "Cambio de aceite");
        assert!(!has(&h, "Filtro de aceite"));
        scan(&mut h, "7751234567890");
        assert!(has(&h, "Filtro de aceite"), "{size:?}: scan did not add");
        scan(&mut h, "7751234567890");
        // Two filters at S/ 25.00: the total shows S/ 50.00.
        assert!(
            has(&h, "50.00"),
            "{size:?}: second scan did not add one more"
        );
        scan(&mut h, "999999");
        assert!(has(&h, "Ningún producto activo tiene el código 999999"));
    }
}

#[test]
fn enter_in_the_product_search_adds_the_typed_code() {
    for size in SIZES {
        let (_dir, mut h) = ventas(size);
        wait_for_text(&mut h, "Cambio de aceite");
        let search = "Buscar producto o servicio";
        h.get_by_label(search).click();
        h.run();
        for c in "ace-001".chars() {
            h.get_by_label(&format!("Tecla {c}")).click();
            h.run();
        }
        assert!(has(&h, "Aceite 20W-50 galón"), "the search shows the match");
        h.get_by_label("Tecla Listo").click();
        h.run();
        h.run();
        assert_eq!(
            h.get_by_label(search).value().unwrap_or_default(),
            "",
            "{size:?}: the box empties for the next scan"
        );
        // On the ticket now (the search box is empty, so it is not a search hit).
        assert!(has(&h, "Aceite 20W-50 galón"), "{size:?}: not added");
        assert!(has(&h, "95.00"));
    }
}
