//! Selling to a vehicle from anywhere, by touch at 1024×768 and 1280×800 (plates typed on
//! the on-screen plate keys): "Vender a este vehículo" in Flota parks the ticket on
//! screen and opens one for that car with its owner as buyer and its alerts; the top
//! bar's plate search finds a plate by part of it from any panel and offers *Vender*
//! (a RUC owner gets a factura; a car whose ticket is open gets that ticket back, not a
//! second) and *Ver en Flota*; with three warnings the top bar keeps its field and
//! Salir on screen. The opening float is asked at the first EMITIR of a shift.

use crate::fixtures::{SIZES, kiosk, new_shop, oil_change, options};
use crate::screen::{harness, has, press, wait_for};
use crate::tmpfs::Tmpfs;
use crate::touch_keyboard::{key_shown, tap, tap_field, type_on_keys};
use chrono::{Days, Utc};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::{DB_FILE, Store};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{Customer, DocumentKind, IdKind, Invoice, Vehicle, lima_date};
use rust_decimal_macros::dec;
use std::path::Path;
use uuid::Uuid;

/// A shop with an oil-change quick key, ABC-123 (Toyota Hilux, SOAT expired) owned by
/// Juan Pérez (DNI) and XYZ-789 (Hyundai H1) owned by Transportes Sol SAC (RUC).
fn shop(dir: &Path) -> Store {
    let store = new_shop(dir);
    store.save_product(oil_change()).unwrap();
    let (person, company) = (Uuid::now_v7(), Uuid::now_v7());
    for c in [
        Customer::new(person, IdKind::Dni, "45678912", "Juan Pérez", "", "", "").unwrap(),
        Customer::new(
            company,
            IdKind::Ruc,
            "20601111111",
            "Transportes Sol SAC",
            "Av. Arequipa 100",
            "",
            "",
        )
        .unwrap(),
    ] {
        store.save_customer(c).unwrap();
    }
    let today = lima_date(Utc::now());
    let mut hilux = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Hilux").unwrap();
    hilux.owner_id = Some(person);
    hilux.odometer_km = 6_000;
    hilux.soat_expires = today.checked_sub_days(Days::new(10));
    store.save_vehicle(hilux).unwrap();
    let mut van = Vehicle::new(Uuid::now_v7(), "XYZ-789", "Hyundai", "H1").unwrap();
    van.owner_id = Some(company);
    van.odometer_km = 3_000;
    store.save_vehicle(van).unwrap();
    store
}

fn selected(h: &Harness<'static, KioskApp>, name: &str) -> bool {
    use egui::accesskit::Toggled;
    h.get_all_by_label(name)
        .any(|n| n.accesskit_node().toggled() == Some(Toggled::True))
}

/// The names of the tickets parked in the store, oldest first.
fn parked_names(store: &Store) -> Vec<String> {
    store
        .parked_tickets()
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect()
}

/// Types part of a plate into the top bar's search on the plate keys.
fn search_plate(h: &mut Harness<'static, KioskApp>, part: &str) {
    tap_field(h, "Buscar placa");
    assert!(key_shown(h, "Tecla A"), "letters on the plate keys");
    assert!(
        !key_shown(h, "Tecla Ñ") && !key_shown(h, "Tecla Mayúsculas"),
        "the plate layout, not the text keyboard"
    );
    type_on_keys(h, part);
    tap(h, "Tecla Listo");
}

/// The top bar's plate search and Flota's "Vender a este vehículo" both sell to the car:
/// the ticket on screen is parked, never lost; the owner is the buyer (boleta for a DNI,
/// factura for a RUC); its alerts show; an open ticket for the plate is taken up again.
#[test]
fn vender_from_flota_and_from_the_top_bar_parks_and_sells_to_the_owner() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = shop(dir.path());
        let mut h = kiosk(dir.path(), store, PanelId::Ventas, size);
        wait_for(&mut h, "quick keys", |h| has(h, "Cambio de aceite"));
        // A walk-in sale under way.
        press(&mut h, "Cambio de aceite");

        // Flota › ABC-123 › Vender a este vehículo.
        press(&mut h, "Flota");
        wait_for(&mut h, "fleet rows", |h| has(h, "ABC-123  Toyota"));
        press(&mut h, "ABC-123  Toyota");
        press(&mut h, "Vender a este vehículo");
        wait_for(&mut h, "the vehicle in Ventas", |h| {
            has(h, "Toyota Hilux") && has(h, "Juan Pérez")
        });
        assert_eq!(h.state().panel(), Some(PanelId::Ventas), "{size:?}");
        assert!(
            has(&h, "SOAT vencido"),
            "{size:?}: its alerts beside the plate"
        );
        assert!(
            selected(&h, "Boleta"),
            "{size:?}: a DNI owner gets a boleta"
        );
        assert!(
            selected(&h, "ABC-123"),
            "{size:?}: the ticket is named by the plate"
        );
        let store = h.state().store().unwrap().clone();
        let parked = store.parked_tickets().unwrap();
        assert_eq!(parked.len(), 1, "{size:?}: the walk-in sale parked");
        assert_eq!(parked[0].name, "Ticket 1");
        assert_eq!(parked[0].draft.lines.len(), 1, "{size:?}: with its line");
        assert!(has(&h, "Ticket 1"), "{size:?}: its tab");

        // From another panel, the top bar: part of a plate, on the plate keys.
        press(&mut h, "Clientes");
        search_plate(&mut h, "YZ7");
        wait_for(&mut h, "the van found", |h| has(h, "Vender XYZ-789"));
        assert!(has(&h, "Hyundai H1 · Transportes Sol SAC"), "{size:?}");
        assert!(
            !has(&h, "Vender ABC-123"),
            "{size:?}: only plates containing YZ7"
        );
        tap(&mut h, "Vender XYZ-789");
        wait_for(&mut h, "the van in Ventas", |h| {
            has(h, "Hyundai H1") && has(h, "Transportes Sol SAC")
        });
        assert!(
            selected(&h, "Factura"),
            "{size:?}: a RUC owner gets a factura"
        );
        let names = parked_names(&store);
        assert_eq!(
            names,
            ["Ticket 1", "ABC-123"],
            "{size:?}: the Hilux parked too"
        );

        // The Hilux again: its ticket comes back, no second one for the same car.
        search_plate(&mut h, "ABC");
        wait_for(&mut h, "the Hilux found", |h| has(h, "Vender ABC-123"));
        tap(&mut h, "Vender ABC-123");
        wait_for(&mut h, "the Hilux's ticket", |h| has(h, "Toyota Hilux"));
        assert!(selected(&h, "ABC-123"), "{size:?}");
        let names = parked_names(&store);
        assert_eq!(
            names.iter().filter(|n| *n == "ABC-123").count(),
            1,
            "{size:?}"
        );
        assert!(
            names.contains(&"XYZ-789".to_string()),
            "{size:?}: the van kept"
        );

        // Ver en Flota: the van's page.
        search_plate(&mut h, "789");
        wait_for(&mut h, "found", |h| has(h, "Ver en Flota XYZ-789"));
        tap(&mut h, "Ver en Flota XYZ-789");
        wait_for(&mut h, "Flota", |h| {
            has(h, "Propietario: Transportes Sol SAC")
        });
        assert_eq!(h.state().panel(), Some(PanelId::Flota), "{size:?}");

        // A plate nobody has.
        search_plate(&mut h, "QQ9");
        wait_for(&mut h, "not found", |h| {
            has(h, "Ninguna placa contiene «QQ9»")
        });
        tap(&mut h, "Vaciar: Buscar placa");
        assert!(!has(&h, "Ninguna placa"), "{size:?}: ✕ closes the results");
    }
}

/// The top bar with the disk, backup and fiscal warnings at once: they fold into one
/// "⚠ 3 AVISOS" button, the plate search and Salir stay inside the window, nothing
/// overlaps, and the menu lists each warning, which still leads to its panel.
#[test]
fn three_warnings_fold_into_one_button_and_the_bar_fits() {
    let Some(disk) = Tmpfs::mount("64m") else {
        return;
    };
    for size in SIZES {
        let dir = tempfile::tempdir_in(disk.path()).unwrap();
        // No shop data: the fiscal warning (CONFIGURE EL NEGOCIO).
        let store = Store::create(&dir.path().join(DB_FILE), "admin", "secreto123", "Ana").unwrap();
        store
            .record_backup(Err("el servidor no respondió".into()))
            .unwrap();
        let mut h = kiosk(dir.path(), store, PanelId::Ventas, size);
        wait_for(&mut h, "the three warnings", |h| has(h, "⚠ 3 AVISOS"));
        let bar = |h: &Harness<'static, KioskApp>, label: &str| {
            h.get_all_by_label_contains(label)
                .find(|n| {
                    matches!(
                        n.accesskit_node().role(),
                        egui::accesskit::Role::Button | egui::accesskit::Role::TextInput
                    )
                })
                .unwrap_or_else(|| panic!("{size:?}: no {label}"))
                .rect()
        };
        let field = bar(&h, "Buscar placa");
        let avisos = bar(&h, "⚠ 3 AVISOS");
        let salir = bar(&h, "Salir");
        assert!(
            salir.right() <= size.0,
            "{size:?}: Salir inside ({salir:?})"
        );
        assert!(
            field.right() < avisos.left(),
            "{size:?}: field before the warnings"
        );
        assert!(
            salir.left() - avisos.right() >= 100.0,
            "{size:?}: room left for the user's name ({avisos:?}, {salir:?})"
        );
        assert!(
            (field.center().y - salir.center().y).abs() < 4.0,
            "{size:?}: one row"
        );
        press(&mut h, "⚠ 3 AVISOS");
        assert!(has(&h, "⚠ RESPALDO"), "{size:?}");
        assert!(has(&h, "⚠ DISCO"), "{size:?}");
        assert!(
            has(&h, "CONFIGURE EL NEGOCIO"),
            "{size:?}: the long words in the menu"
        );
        press(&mut h, "⚠ RESPALDO");
        assert_eq!(h.state().panel(), Some(PanelId::Sincronizacion), "{size:?}");
    }
}

/// The first EMITIR of a shift asks the opening float on the keypad; an untouched
/// Aceptar asks again (zero must be typed), Cancelar issues nothing, 0 is accepted and
/// the sale goes on; the second sale is not asked.
#[test]
fn the_first_sale_asks_the_opening_float_then_goes_on() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let store = shop(dir.path());
        let mut opts = options(dir.path(), PanelId::Ventas);
        opts.ask_opening_float = true;
        let mut h = harness(KioskApp::with_store(opts, store), size);
        wait_for(&mut h, "quick keys", |h| has(h, "Cambio de aceite"));
        let store = h.state().store().unwrap().clone();
        press(&mut h, "Cambio de aceite");
        press(&mut h, "EMITIR");
        assert!(has(&h, "Fondo inicial de caja (S/)"), "{size:?}: asked");
        press(&mut h, "Cancelar");
        assert!(
            has(&h, "Venta no emitida: falta el fondo inicial"),
            "{size:?}"
        );
        assert!(store.list::<Invoice>().unwrap().is_empty(), "{size:?}");

        press(&mut h, "EMITIR");
        press(&mut h, "Aceptar");
        assert!(
            has(&h, "Escriba el fondo inicial (0 si"),
            "{size:?}: asked again"
        );
        assert!(store.list::<Invoice>().unwrap().is_empty(), "{size:?}");
        h.get_all_by_label("0")
            .rfind(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
            .unwrap()
            .click();
        h.run();
        press(&mut h, "Aceptar");
        wait_for(&mut h, "issued", |h| has(h, "Emitido: "));
        assert!(store.opening_float_entered().unwrap(), "{size:?}");
        assert_eq!(store.shift_so_far().unwrap().float, dec!(0), "{size:?}");

        // The next sale goes straight through. The screen resets to a new boleta after
        // a sale; touch only once it and the added line have settled (under load the
        // key was touched on the frame of the reset and the line never came).
        h.run_steps(4);
        press(&mut h, "Cambio de aceite");
        wait_for(&mut h, "the line", |h| has(h, "Quitar"));
        h.run_steps(4);
        // Under load a touch can land while the footer is still moving (1 run in 5 lost
        // it). Touch again only while the line is still on the ticket and nothing is
        // being issued, so a touch that did count is never repeated.
        for _ in 0..3 {
            press(&mut h, "EMITIR");
            assert!(
                !has(&h, "Fondo inicial de caja"),
                "{size:?}: asked once per shift"
            );
            for _ in 0..200 {
                h.step();
                if store.list::<Invoice>().unwrap().len() == 2 || !has(&h, "Quitar") {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            if !has(&h, "Quitar") || has(&h, "EMITIENDO") {
                break;
            }
        }
        wait_for(&mut h, "second sale", |_| {
            store.list::<Invoice>().unwrap().len() == 2
        });
        let kinds: Vec<DocumentKind> = store
            .list::<Invoice>()
            .unwrap()
            .into_iter()
            .map(|i| i.data.kind)
            .collect();
        assert_eq!(
            kinds,
            [DocumentKind::Boleta, DocumentKind::Boleta],
            "{size:?}"
        );
    }
}
