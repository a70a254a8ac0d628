//! The on-screen keyboard driven by touch only, through egui_kittest at 1024×768 and
//! 1280×800: every character reaches the fields by tapping the keyboard's keys ("Tecla
//! A"…), never through a physical key event. Login, the vehicle form (plate, numeric and
//! date layouts), the customer form with Ñ and accents, the ✕ of a search box, and the
//! Ajustes switch that turns the keyboard off (kept in `pantalla.json`).

use crate::fixtures::{PASSWORD, SIZES, item, kiosk, new_shop, options};
use crate::screen::{harness, has, press, wait_for};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::ScreenPrefs;
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{IdKind, Plate};
use std::path::Path;

pub(crate) fn key_shown(h: &Harness<'static, KioskApp>, name: &str) -> bool {
    h.query_by_label(name).is_some()
}

pub(crate) fn tap(h: &mut Harness<'static, KioskApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Touches the text field named `label` (not a column header or a button with the
/// same words), after finishing the field being typed in with Listo, as a cashier does
/// (the open keyboard may cover the next field).
pub(crate) fn tap_field(h: &mut Harness<'static, KioskApp>, label: &str) {
    if key_shown(h, "Tecla Listo") {
        tap(h, "Tecla Listo");
    }
    h.get_all_by_label(label)
        .find(|n| {
            matches!(
                n.accesskit_node().role(),
                egui::accesskit::Role::TextInput | egui::accesskit::Role::PasswordInput
            )
        })
        .unwrap_or_else(|| panic!("no field {label:?}"))
        .click();
    h.run();
}

/// Types `text` by tapping the on-screen keys, with Mayús for a capital the keyboard
/// shows in lower case.
pub(crate) fn type_on_keys(h: &mut Harness<'static, KioskApp>, text: &str) {
    for c in text.chars() {
        let name = if c == ' ' {
            "Tecla Espacio".to_string()
        } else {
            format!("Tecla {c}")
        };
        if !key_shown(h, &name) && c.is_uppercase() {
            tap(h, "Tecla Mayúsculas");
        }
        assert!(key_shown(h, &name), "no key for {c:?} on the keyboard");
        tap(h, &name);
    }
}

/// Touches the field (the keyboard opens for it) and types on the keys.
pub(crate) fn fill(h: &mut Harness<'static, KioskApp>, label: &str, text: &str) {
    tap_field(h, label);
    assert!(
        key_shown(h, "Tecla Listo"),
        "the keyboard did not open for {label}"
    );
    type_on_keys(h, text);
}

/// Flota's new-vehicle form, opened by touch on a new shop's kiosk at `size`.
pub(crate) fn new_vehicle_form(dir: &Path, size: (f32, f32)) -> Harness<'static, KioskApp> {
    let mut h = kiosk(dir, new_shop(dir), PanelId::Flota, size);
    h.run();
    tap(&mut h, "Nuevo vehículo");
    h
}

fn field_text(h: &Harness<'static, KioskApp>, label: &str) -> String {
    h.get_by_label(label).value().unwrap_or_default()
}

#[test]
fn login_is_typed_on_the_screen_keyboard() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        drop(new_shop(dir.path()));
        let mut h = harness(KioskApp::new(options(dir.path(), PanelId::Ventas)), size);
        h.run();
        assert!(!key_shown(&h, "Tecla a"), "keyboard open with no field");
        fill(&mut h, "Usuario", "admin");
        assert_eq!(field_text(&h, "Usuario"), "admin", "{size:?}");
        // A wrong letter and ⌫ fix it, as a cashier would.
        type_on_keys(&mut h, "x");
        tap(&mut h, "Tecla Borrar");
        assert_eq!(field_text(&h, "Usuario"), "admin");
        fill(&mut h, "Contraseña", PASSWORD);
        // Listo is Enter: it logs in.
        tap(&mut h, "Tecla Listo");
        wait_for(&mut h, "login", |h| h.state().store().is_some());
        assert_eq!(h.state().panel(), Some(PanelId::Ventas));
    }
}

#[test]
fn vehicle_form_gets_plate_numeric_and_date_keys() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = new_vehicle_form(dir.path(), size);
        tap_field(&mut h, "Placa");
        // The plate layout: capitals, digits and the dash, no Ñ and no Mayús.
        assert!(key_shown(&h, "Tecla -") && key_shown(&h, "Tecla X"));
        assert!(!key_shown(&h, "Tecla Ñ") && !key_shown(&h, "Tecla Mayúsculas"));
        type_on_keys(&mut h, "XYZ-789");
        fill(&mut h, "Marca", "Nissan");
        fill(&mut h, "Modelo", "Sentra");
        tap_field(&mut h, "Año");
        // Digits only for the year.
        assert!(key_shown(&h, "Tecla 7") && !key_shown(&h, "Tecla Q"));
        type_on_keys(&mut h, "2019");
        fill(&mut h, "Kilometraje inicial", "12000");
        tap_field(&mut h, "SOAT vence (dd/mm/aaaa)");
        assert!(key_shown(&h, "Tecla /") && !key_shown(&h, "Tecla Q"));
        type_on_keys(&mut h, "31/12/2027");
        // Done with the last field; the keyboard closes and the form's button shows.
        tap(&mut h, "Tecla Listo");
        assert!(
            !key_shown(&h, "Tecla Listo"),
            "{size:?}: keyboard still open"
        );
        tap(&mut h, "Guardar vehículo");
        let store = h.state().store().unwrap().clone();
        let plate = Plate::new("XYZ-789").unwrap();
        wait_for(&mut h, "vehicle saved", |_| {
            store.vehicle_by_plate(&plate).unwrap().is_some()
        });
        let v = store.vehicle_by_plate(&plate).unwrap().unwrap().data;
        assert_eq!((v.brand.as_str(), v.model.as_str()), ("Nissan", "Sentra"));
        assert_eq!(v.year, Some(2019), "{size:?}");
        assert_eq!(v.odometer_km, 12_000, "{size:?}");
        assert_eq!(
            v.soat_expires,
            chrono::NaiveDate::from_ymd_opt(2027, 12, 31),
            "{size:?}"
        );
    }
}

#[test]
fn customer_with_enye_and_accents_then_search_and_clear() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = new_shop(dir.path());
        let mut h = kiosk(dir.path(), store, PanelId::Clientes, size);
        h.run();
        // The new-customer form is open beside the list.
        tap_field(&mut h, "Número de documento");
        // A DNI gets the digit pad.
        assert!(key_shown(&h, "Tecla 4") && !key_shown(&h, "Tecla Q"));
        type_on_keys(&mut h, "70112233");
        fill(&mut h, "Nombre", "María Peña Núñez");
        fill(&mut h, "Teléfono", "987654321");
        tap(&mut h, "Tecla Listo");
        tap(&mut h, "Guardar cliente");
        let store = h.state().store().unwrap().clone();
        wait_for(&mut h, "customer saved", |_| {
            store
                .customer_by_doc(IdKind::Dni, "70112233")
                .unwrap()
                .is_some()
        });
        let c = store
            .customer_by_doc(IdKind::Dni, "70112233")
            .unwrap()
            .unwrap()
            .data;
        assert_eq!(c.name, "María Peña Núñez", "{size:?}");
        assert_eq!(c.phone, "987654321");

        // The search box: typed on the keys, emptied by its ✕.
        let search = "Buscar cliente (nombre o documento)";
        fill(&mut h, search, "peña");
        wait_for(&mut h, "search hit", |h| has(h, "María Peña Núñez"));
        assert_eq!(field_text(&h, search), "peña");
        tap(&mut h, &format!("Vaciar: {search}"));
        assert_eq!(field_text(&h, search), "");
    }
}

#[test]
fn ajustes_switches_the_keyboard_off_and_it_stays_off() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = new_shop(dir.path());
        let mut h = kiosk(dir.path(), store, PanelId::Ajustes, size);
        h.run();
        assert!(ScreenPrefs::load(dir.path()).touch_mode, "on by default");
        tap(&mut h, "Desactivado");
        assert!(!ScreenPrefs::load(dir.path()).touch_mode, "saved off");
        tap_field(&mut h, "Razón social");
        assert!(
            !key_shown(&h, "Tecla Listo"),
            "{size:?}: keyboard shown while off"
        );
        drop(h);
        // After a restart, at the login screen too.
        let mut h = harness(KioskApp::new(options(dir.path(), PanelId::Ventas)), size);
        h.run();
        tap_field(&mut h, "Usuario");
        assert!(!key_shown(&h, "Tecla Listo"));
    }
}

#[test]
fn credit_note_reason_is_typed_on_the_keys() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = new_shop(dir.path());
        store
            .save_product(item(
                "FIL-001",
                "Filtro de aceite",
                "Repuesto",
                motordesk_core::Unit::Unidad,
                rust_decimal_macros::dec!(28.00),
                true,
            ))
            .unwrap();
        let mut h = kiosk(dir.path(), store, PanelId::Ventas, size);
        wait_for(&mut h, "quick key", |h| has(h, "Filtro de aceite"));
        press(&mut h, "Filtro de aceite");
        tap(&mut h, "EMITIR");
        let store = h.state().store().unwrap().clone();
        wait_for(&mut h, "the boleta", |_| {
            store.count(motordesk_core::RecordKind::Invoice).unwrap() == 1
        });
        tap(&mut h, "Comprobantes");
        wait_for(&mut h, "documents list", |h| has(h, "B001-00000001"));
        tap(&mut h, "B001-00000001");
        wait_for(&mut h, "document detail", |h| has(h, "Nota de crédito"));
        tap(&mut h, "Nota de crédito");
        wait_for(&mut h, "credit note draft", |h| {
            has(h, "NOTA DE CRÉDITO de Boleta B001-00000001")
        });
        fill(&mut h, "Detalle del motivo", "Filtro devuelto sin uso");
        tap(&mut h, "Tecla Listo");
        tap(&mut h, "EMITIR");
        tap(&mut h, "Sí, emitir");
        wait_for(&mut h, "the credit note", |_| {
            store.count(motordesk_core::RecordKind::Invoice).unwrap() == 2
        });
        let note = store
            .list::<motordesk_core::Invoice>()
            .unwrap()
            .into_iter()
            .find_map(|i| i.data.modifies)
            .expect("a note");
        assert_eq!(note.note, "Filtro devuelto sin uso", "{size:?}");
    }
}
