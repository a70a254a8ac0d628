//! The light high-contrast theme and the magnified 1920x1080 screen, through the kiosk's
//! window (egui_kittest): the theme is chosen by touch in Ajustes › Pantalla, applies at
//! once, is kept in `pantalla.json` and is the login screen's after a restart; a
//! 1920x1080 window draws body text larger than 1024x768 and still lays out every panel
//! at 1280x800-or-wider points; at 1024x768, 1280x800 and 1920x1080 a ticket line's unit
//! price, amount and Quitar do not overlap and the vehicle form keeps Año and
//! Kilometraje inicial whole.

use crate::fixtures::{PASSWORD, SIZES, item, kiosk, new_shop, options, reopen};
use crate::screen::{click, harness, harness_px};
use egui::Color32;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use motordesk::store::{DB_FILE, ScreenPrefs, ScreenTheme};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::Unit;
use rust_decimal_macros::dec;

fn panel_fill(h: &Harness<'static, KioskApp>) -> Color32 {
    h.ctx.global_style().visuals.panel_fill
}

/// Light enough to be the light theme's panel: every channel above 200 (the dark one
/// is 27).
fn is_light(c: Color32) -> bool {
    c.r() > 200 && c.g() > 200 && c.b() > 200
}

#[test]
fn ajustes_switches_to_light_high_contrast_at_once_and_after_a_restart() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = new_shop(dir.path());
        let mut h = kiosk(dir.path(), store, PanelId::Ajustes, size);
        h.run();
        let dark = panel_fill(&h);
        assert!(!is_light(dark), "{size:?}: dark by default, panel {dark:?}");
        assert_eq!(ScreenPrefs::load(dir.path()).theme, ScreenTheme::Dark);

        click(&mut h, "Claro alto contraste");
        h.run();
        let light = panel_fill(&h);
        assert!(is_light(light), "{size:?}: panel {light:?} after the tap");
        assert_eq!(h.ctx.theme(), egui::Theme::Light);
        // Text is drawn dark on it.
        let text = h.ctx.global_style().visuals.text_color();
        assert!(text.r() < 60, "{size:?}: text {text:?} on the light panel");
        assert_eq!(
            ScreenPrefs::load(dir.path()).theme,
            ScreenTheme::LightHighContrast,
            "kept in pantalla.json"
        );
        drop(h);

        // A restart: the login screen, before any store is open, is light too.
        let mut h = harness(KioskApp::new(options(dir.path(), PanelId::Ventas)), size);
        h.run();
        assert!(h.query_by_label("Usuario").is_some(), "at the login screen");
        assert_eq!(panel_fill(&h), light, "{size:?}: login after restart");
        drop(h);

        // And back to dark by touch.
        let store = reopen(&dir.path().join(DB_FILE), "admin", PASSWORD);
        let mut h = kiosk(dir.path(), store, PanelId::Ajustes, size);
        h.run();
        assert_eq!(panel_fill(&h), light);
        click(&mut h, "Oscuro");
        h.run();
        assert_eq!(panel_fill(&h), dark, "{size:?}: back to dark");
        assert_eq!(ScreenPrefs::load(dir.path()).theme, ScreenTheme::Dark);
    }
}

/// Height in screen pixels of the label `text` (not the field it names).
fn label_height_px(h: &Harness<'static, KioskApp>, text: &str) -> f64 {
    let node = h
        .get_all(by().label(text).include_labels())
        .find(|n| n.accesskit_node().role() == Role::Label)
        .unwrap_or_else(|| panic!("no label {text:?}"));
    node.accesskit_node()
        .bounding_box()
        .expect("a label has a rect")
        .height()
}

#[test]
fn a_1920x1080_screen_draws_larger_type_and_a_wider_layout() {
    let dir = tempfile::tempdir().unwrap();
    drop(new_shop(dir.path()));
    let mut small = harness(
        KioskApp::new(options(dir.path(), PanelId::Ventas)),
        (1024.0, 768.0),
    );
    small.run();
    let small_px = label_height_px(&small, "Usuario");
    assert_eq!(small.ctx.zoom_factor(), 1.0, "1024x768 keeps its sizes");
    drop(small);

    let big = harness_px(
        KioskApp::new(options(dir.path(), PanelId::Ventas)),
        (1920.0, 1080.0),
    );
    let big_px = label_height_px(&big, "Usuario");
    assert!(
        big_px > small_px * 1.25,
        "body text {big_px} px at 1920x1080 vs {small_px} px at 1024x768"
    );
    // Still the whole window, laid out at least as wide and tall as 1280x800.
    let points = big.ctx.content_rect().size();
    let ppp = big.ctx.pixels_per_point();
    assert!((points.x * ppp - 1920.0).abs() < 2.0, "{points:?} x {ppp}");
    assert!((points.y * ppp - 1080.0).abs() < 2.0, "{points:?} x {ppp}");
    assert!(points.x >= 1280.0 && points.y >= 800.0 - 1.0, "{points:?}");
}

/// The three screens of issue 14.
const SCREENS: [(f32, f32); 3] = [(1024.0, 768.0), (1280.0, 800.0), (1920.0, 1080.0)];

/// 1024x768 and 1280x800 as kittest sizes them; bigger as eframe does (magnified).
fn open(app: KioskApp, size: (f32, f32)) -> Harness<'static, KioskApp> {
    if size.0 > 1280.0 {
        harness_px(app, size)
    } else {
        harness(app, size)
    }
}

/// The rect (points) of the widget named `text` with `role`; for a label, the one on the
/// same row as `row` when given.
fn rect_of(
    h: &Harness<'static, KioskApp>,
    text: &str,
    role: Role,
    row: Option<egui::Rect>,
) -> egui::Rect {
    h.get_all(by().label(text).include_labels())
        .filter(|n| n.accesskit_node().role() == role)
        .map(|n| n.rect())
        .find(|r| row.is_none_or(|row| r.center().y > row.top() && r.center().y < row.bottom()))
        .unwrap_or_else(|| panic!("no {role:?} {text:?}"))
}

#[test]
fn a_ticket_line_keeps_price_amount_and_quitar_apart_on_every_screen() {
    for size in SCREENS {
        let dir = tempfile::tempdir().unwrap();
        let store = new_shop(dir.path());
        // The widest amounts a counter sees: five digits before the point.
        store
            .save_product(item(
                "ACE-099",
                "Aceite sintético 5W-30 caja de 12 galones",
                "Aceites",
                Unit::Unidad,
                dec!(19999.90),
                true,
            ))
            .unwrap();
        let mut h = open(
            KioskApp::with_store(options(dir.path(), PanelId::Ventas), store),
            size,
        );
        crate::screen::wait_for(&mut h, "quick key", |h| {
            crate::screen::has(h, "Aceite sintético")
        });
        crate::screen::press(&mut h, "Aceite sintético");
        let quitar = rect_of(&h, "Quitar", Role::Button, None);
        let amount = rect_of(&h, "19,999.90", Role::Label, Some(quitar));
        let price = rect_of(&h, "× 19,999.90", Role::Label, None);
        let name = "Aceite sintético 5W-30 caja de 12 galones";
        let description = rect_of(&h, name, Role::Label, Some(price));
        let screen = h.ctx.content_rect();
        let parts = [
            ("description", description),
            ("unit price", price),
            ("amount", amount),
            ("Quitar", quitar),
        ];
        for (i, (a, ra)) in parts.iter().enumerate() {
            assert!(ra.right() <= screen.right(), "{size:?}: {a} cut at {ra:?}");
            for (b, rb) in &parts[i + 1..] {
                assert!(
                    !ra.intersects(*rb),
                    "{size:?}: {a} {ra:?} and {b} {rb:?} overlap"
                );
            }
        }
    }
}

#[test]
fn the_vehicle_form_keeps_year_and_initial_km_whole_on_every_screen() {
    for size in SCREENS {
        let dir = tempfile::tempdir().unwrap();
        let store = new_shop(dir.path());
        let mut h = open(
            KioskApp::with_store(options(dir.path(), PanelId::Flota), store),
            size,
        );
        click(&mut h, "Nuevo vehículo");
        let screen = h.ctx.content_rect();
        let year = rect_of(&h, "Año", Role::TextInput, None);
        let km = rect_of(&h, "Kilometraje inicial", Role::TextInput, None);
        let model = rect_of(&h, "Modelo", Role::TextInput, None);
        for (name, r) in [("Año", year), ("Kilometraje inicial", km)] {
            // Wide enough for "2024" and "150,000" at 20 px.
            assert!(r.width() >= 80.0, "{size:?}: {name} is {r:?}");
            assert!(r.right() <= screen.right(), "{size:?}: {name} cut at {r:?}");
        }
        assert!(!year.intersects(km) && !year.intersects(model), "{size:?}");
    }
}
