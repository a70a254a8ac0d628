//! Refusals next to their cause, by touch at 1024×768 and 1280×800 (text typed on the
//! on-screen keys): an invalid RUC, a missing name, a plate, a year, a date, an owner
//! nobody has, a km below the last reading, a factura without a RUC customer and a
//! plate not registered each show on the line under the field (or the row of fields)
//! that caused it — found by its layout rect — and the fields and buttons below stay
//! where they were, because that line is kept whether or not it holds a message.

use crate::fixtures::{self, SIZES, new_shop, oil_change};
use crate::screen::{click, has, press, wait_for};
use crate::touch_keyboard::{tap, tap_field, type_on_keys};
use egui::Rect;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::Store;
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::Vehicle;
use std::path::Path;
use uuid::Uuid;

/// A shop with the oil change on its quick keys and ABC-123 (Toyota Hilux) at 6,000 km.
fn shop(dir: &Path) -> Store {
    let store = new_shop(dir);
    store.save_product(oil_change()).unwrap();
    let mut v = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Hilux").unwrap();
    v.odometer_km = 6_000;
    store.save_vehicle(v).unwrap();
    store
}

fn kiosk(dir: &Path, panel: PanelId, size: (f32, f32)) -> Harness<'static, KioskApp> {
    fixtures::kiosk(dir, shop(dir), panel, size)
}

/// The rect of the widget labelled exactly `label` with `role`.
fn rect(h: &Harness<'static, KioskApp>, label: &str, role: Role) -> Rect {
    h.get_all_by_label(label)
        .find(|n| n.accesskit_node().role() == role)
        .unwrap_or_else(|| panic!("no {role:?} {label:?}"))
        .rect()
}

/// The rect of the text containing `text`.
fn text_rect(h: &Harness<'static, KioskApp>, text: &str) -> Rect {
    h.get_all_by_label_contains(text)
        .next()
        .unwrap_or_else(|| panic!("no text {text:?}"))
        .rect()
}

/// `msg` is the line right under `field` (within 12 px) and runs under it.
fn under(msg: Rect, field: Rect, what: &str) {
    let gap = msg.top() - field.bottom();
    assert!(
        (-1.0..=12.0).contains(&gap),
        "{what}: {gap} px between the field ({field:?}) and its message ({msg:?})"
    );
    assert!(
        // (An inline field's label is on its left: the line starts under the label and
        // runs under the field.)
        msg.left() < field.right() && msg.right() > field.left() + 20.0,
        "{what}: the message ({msg:?}) is not in the field's column ({field:?})"
    );
}

/// The refusal containing `msg` is the line right under the text field `field`.
fn refusal_under(h: &Harness<'static, KioskApp>, msg: &str, field: &str, what: &str) {
    under(text_rect(h, msg), rect(h, field, Role::TextInput), what);
}

/// Scrolls the button `label` into view, as a cashier would before touching it.
fn in_view(h: &mut Harness<'static, KioskApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run_steps(4);
}

/// Scrolls the text field `label` into view (a tall form at 768 px scrolls) and
/// touches it: the keyboard opens for it.
fn touch_field(h: &mut Harness<'static, KioskApp>, label: &str) {
    if h.query_by_label("Tecla Listo").is_some() {
        tap(h, "Tecla Listo");
    }
    h.get_all_by_label(label)
        .find(|n| n.accesskit_node().role() == Role::TextInput)
        .unwrap_or_else(|| panic!("no field {label:?}"))
        .scroll_to_me();
    h.run_steps(4);
    tap_field(h, label);
}

/// Empties the text field `label` (Limpiar) and types `text` on the keys.
fn retype(h: &mut Harness<'static, KioskApp>, label: &str, text: &str) {
    touch_field(h, label);
    tap(h, "Tecla Limpiar");
    type_on_keys(h, text);
}

fn same_place(before: Rect, after: Rect, what: &str) {
    assert!(
        (before.top() - after.top()).abs() < 0.5,
        "{what} moved: {before:?} -> {after:?}"
    );
}

#[test]
fn clientes_refusals_sit_under_their_fields() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = kiosk(dir.path(), PanelId::Clientes, size);
        wait_for(&mut h, "form", |h| has(h, "Número de documento"));
        press(&mut h, "RUC");
        // The form as the cashier sees it with its button on screen.
        in_view(&mut h, "Guardar cliente");
        tap_field(&mut h, "Número de documento");
        type_on_keys(&mut h, "2060111111");
        tap(&mut h, "Tecla Listo");
        in_view(&mut h, "Guardar cliente");
        let number = rect(&h, "Número de documento", Role::TextInput);
        under(
            text_rect(&h, "El RUC debe tener 11 dígitos."),
            number,
            &format!("{size:?} RUC length"),
        );
        let name_refused = rect(&h, "Razón social", Role::TextInput);

        // Eleven digits: valid, on the same line; then Guardar without a name.
        tap_field(&mut h, "Número de documento");
        tap(&mut h, "Tecla Limpiar");
        type_on_keys(&mut h, "20601111111");
        tap(&mut h, "Tecla Listo");
        assert!(has(&h, "RUC válido: 20601111111"), "{size:?}");
        // (A complete number brings the SUNAT lookup's row: that one moves the form.)
        in_view(&mut h, "Guardar cliente");
        let save_before = rect(&h, "Guardar cliente", Role::Button);
        let name_before = rect(&h, "Razón social", Role::TextInput);
        // The refusal and the valid note take the same one line.
        same_place(name_refused, name_before, "Razón social");
        click(&mut h, "Guardar cliente");
        let name = rect(&h, "Razón social", Role::TextInput);
        same_place(name_before, name, "Razón social");
        under(
            text_rect(&h, "Ingrese el nombre o razón social."),
            name,
            &format!("{size:?} name"),
        );
        same_place(
            save_before,
            rect(&h, "Guardar cliente", Role::Button),
            "Guardar",
        );
        let store = h.state().store().unwrap().clone();
        assert!(store.list::<motordesk_core::Customer>().unwrap().is_empty());

        // Typing the name takes the refusal away.
        tap_field(&mut h, "Razón social");
        type_on_keys(&mut h, "Sol");
        tap(&mut h, "Tecla Listo");
        assert!(
            !has(&h, "Ingrese el nombre"),
            "{size:?}: refusal gone once fixed"
        );
    }
}

#[test]
fn flota_refusals_sit_under_their_field() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = kiosk(dir.path(), PanelId::Flota, size);
        wait_for(&mut h, "fleet", |h| has(h, "Nuevo vehículo"));
        press(&mut h, "Nuevo vehículo");

        touch_field(&mut h, "Placa");
        type_on_keys(&mut h, "ABC12");
        tap(&mut h, "Tecla Listo");
        click(&mut h, "Guardar vehículo");
        let save_before = rect(&h, "Guardar vehículo", Role::Button);
        refusal_under(
            &h,
            "Placa «ABC12» inválida",
            "Placa",
            &format!("{size:?} plate"),
        );
        same_place(
            save_before,
            rect(&h, "Guardar vehículo", Role::Button),
            "Guardar",
        );

        retype(&mut h, "Placa", "ABC124");
        touch_field(&mut h, "Año");
        type_on_keys(&mut h, "19");
        tap(&mut h, "Tecla Listo");
        click(&mut h, "Guardar vehículo");
        refusal_under(&h, "Año inválido", "Año", &format!("{size:?} year"));

        retype(&mut h, "Año", "2019");
        touch_field(&mut h, "DNI/RUC del propietario");
        type_on_keys(&mut h, "45678912");
        tap(&mut h, "Tecla Listo");
        click(&mut h, "Guardar vehículo");
        wait_for(&mut h, "owner refused", |h| {
            has(h, "regístrelo en Clientes")
        });
        refusal_under(
            &h,
            "Ningún cliente con ese DNI/RUC",
            "DNI/RUC del propietario",
            &format!("{size:?} owner"),
        );
        same_place(
            save_before,
            rect(&h, "Guardar vehículo", Role::Button),
            "Guardar",
        );
        let store = h.state().store().unwrap().clone();
        assert_eq!(
            store.list::<Vehicle>().unwrap().len(),
            1,
            "{size:?}: nothing saved"
        );

        // A km below the last reading, under the km field.
        press(&mut h, "Cancelar");
        press(&mut h, "ABC-123  Toyota");
        touch_field(&mut h, "Nuevo kilometraje");
        type_on_keys(&mut h, "5000");
        tap(&mut h, "Tecla Listo");
        click(&mut h, "Guardar kilometraje");
        wait_for(&mut h, "km refused", |h| {
            has(h, "5,000 km es menor que la última lectura (6,000 km).")
        });
        refusal_under(
            &h,
            "es menor que la última lectura",
            "Nuevo kilometraje",
            &format!("{size:?} km"),
        );
    }
}

#[test]
fn ventas_refusals_sit_under_the_customer_and_the_plate() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = kiosk(dir.path(), PanelId::Ventas, size);
        wait_for(&mut h, "quick keys", |h| has(h, "Cambio de aceite"));
        let key_before = text_rect(&h, "Cambio de aceite");
        let search_before = rect(&h, "Buscar cliente (nombre, DNI o RUC)", Role::TextInput);

        // A factura with nobody chosen: said on the Cliente row, in the place of
        // CLIENTES VARIOS; nothing below moves.
        press(&mut h, "Factura");
        let msg = text_rect(&h, "Factura: elija un cliente con RUC.");
        let cliente = text_rect(&h, "Cliente:");
        assert!(
            (msg.center().y - cliente.center().y).abs() < 6.0 && msg.left() > cliente.right(),
            "{size:?}: beside Cliente ({msg:?}, {cliente:?})"
        );
        assert!(!has(&h, "CLIENTES VARIOS"), "{size:?}: in its place");
        same_place(
            search_before,
            rect(&h, "Buscar cliente (nombre, DNI o RUC)", Role::TextInput),
            "customer search",
        );
        same_place(key_before, text_rect(&h, "Cambio de aceite"), "quick key");
        assert!(
            !has(&h, "Las facturas exigen"),
            "{size:?}: not repeated in the footer"
        );
        press(&mut h, "Boleta");
        assert!(!has(&h, "Factura: elija"), "{size:?}: gone with the boleta");

        // A plate nobody registered, under the plate.
        touch_field(&mut h, "Placa");
        type_on_keys(&mut h, "ZZZ999");
        tap(&mut h, "Tecla Listo");
        wait_for(&mut h, "not registered", |h| {
            has(h, "La placa ZZZ-999 no está registrada en Flota.")
        });
        refusal_under(
            &h,
            "La placa ZZZ-999 no está registrada",
            "Placa",
            &format!("{size:?} plate"),
        );

        // A km below the last reading, on the same line.
        retype(&mut h, "Placa", "ABC123");
        tap(&mut h, "Tecla Listo");
        wait_for(&mut h, "vehicle", |h| has(h, "Toyota Hilux"));
        press(&mut h, "Km actual");
        for k in ["5", "0", "0", "0", "Aceptar"] {
            // The pad is drawn last, above the screen: the last button so named.
            h.get_all_by_label(k)
                .rfind(|n| n.accesskit_node().role() == Role::Button)
                .unwrap()
                .click();
            h.run();
        }
        refusal_under(
            &h,
            "Km menor que la última lectura (6,000 km).",
            "Placa",
            &format!("{size:?} km"),
        );
    }
}
