//! Recordatorios by touch at 1024×768 and 1280×800: this week's due vehicles with their
//! owner, the WhatsApp text and its wa.me link (the text decodes back, the QR on screen
//! decodes to the link), a landline flagged instead of linked and fixed in Clientes on
//! the on-screen keys, and "Marcar contactado" hiding the vehicle for that due date —
//! written on the vehicle record (queued for sync), still hidden after a restart, and
//! back when the next due date comes.

use crate::fixtures::{PASSWORD, SIZES, kiosk, new_shop, reopen};
use crate::screen::{has, press, wait_for};
use crate::touch_keyboard::{fill, tap, tap_field};
use chrono::{Days, NaiveDate, Utc};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::store::{DB_FILE, Store};
use motordesk::ui::{KioskApp, PanelId};
use motordesk_core::{AlertKind, Customer, IdKind, SyncStatus, Vehicle, lima_date};
use std::path::Path;
use uuid::Uuid;

/// What a node says: a button's label, or a text label's value (egui puts a label's
/// text there).
fn text_of(n: &egui_kittest::Node<'_>) -> Option<String> {
    let a = n.accesskit_node();
    a.label().or_else(|| a.value())
}

fn today() -> NaiveDate {
    lima_date(Utc::now())
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn owner(store: &Store, dni: &str, name: &str, phone: &str) -> Uuid {
    let c = Customer::new(Uuid::now_v7(), IdKind::Dni, dni, name, "", phone, "").unwrap();
    store.save_customer(c).unwrap().data.id
}

fn vehicle(store: &Store, plate: &str, owner: Option<Uuid>, f: impl FnOnce(&mut Vehicle)) -> Uuid {
    let mut v = Vehicle::new(Uuid::now_v7(), plate, "Toyota", "Yaris").unwrap();
    v.owner_id = owner;
    v.odometer_km = 20_000;
    v.service_interval_km = 5_000;
    v.last_service_km = Some(18_000);
    f(&mut v);
    store.save_vehicle(v).unwrap().data.id
}

/// ABC-123: SOAT in 3 days, owner with a mobile. DEF-456: revisión técnica 2 days
/// overdue, owner with a Lima landline. JKL-012: oil change by km overdue, no owner.
/// GHI-789: SOAT in 10 days (Flota's "próximo", not this week's call).
fn shop(dir: &Path) -> (Store, Uuid) {
    let store = new_shop(dir);
    let juan = owner(&store, "45678912", "Juan Pérez", "987 654 321");
    let rosa = owner(&store, "41234567", "Rosa Quispe", "01 4567890");
    let t = today();
    let abc = vehicle(&store, "ABC-123", Some(juan), |v| {
        v.soat_expires = t.checked_add_days(Days::new(3));
        v.revision_tecnica_expires = t.checked_add_days(Days::new(60));
    });
    vehicle(&store, "DEF-456", Some(rosa), |v| {
        v.revision_tecnica_expires = t.checked_sub_days(Days::new(2));
    });
    vehicle(&store, "JKL-012", None, |v| v.odometer_km = 23_100);
    vehicle(&store, "GHI-789", Some(juan), |v| {
        v.soat_expires = t.checked_add_days(Days::new(10));
    });
    (store, abc)
}

fn open(dir: &Path, store: Store, size: (f32, f32)) -> Harness<'static, KioskApp> {
    kiosk(dir, store, PanelId::Recordatorios, size)
}

/// The list row of `plate` (a button that starts with it).
fn row(h: &Harness<'static, KioskApp>, plate: &str) -> bool {
    h.query_all_by_label_contains(plate).any(|n| {
        n.accesskit_node().role() == egui::accesskit::Role::Button
            && text_of(&n).is_some_and(|l| l.starts_with(plate))
    })
}

fn touch_row(h: &mut Harness<'static, KioskApp>, plate: &str) {
    h.get_all_by_label_contains(plate)
        .find(|n| {
            n.accesskit_node().role() == egui::accesskit::Role::Button
                && text_of(n).is_some_and(|l| l.starts_with(plate))
        })
        .unwrap_or_else(|| panic!("no row {plate}"))
        .click();
    h.run();
}

/// The text of the one label that starts with `prefix`.
fn text_starting(h: &Harness<'static, KioskApp>, prefix: &str) -> String {
    let first_word = prefix.split(' ').next().unwrap_or(prefix);
    let labels: Vec<String> = h
        .query_all_by_label_contains(first_word)
        .filter_map(|n| text_of(&n))
        .collect();
    labels
        .iter()
        .find(|l| l.starts_with(prefix))
        .cloned()
        .unwrap_or_else(|| panic!("no text starting {prefix:?} among {labels:?}"))
}

/// Percent-decoding as a phone's browser does it, written out so the test does not
/// share the encoder's crate.
fn decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Draws the QR the screen draws for `link` (same encoder) at 4 px a module and reads it
/// back with a real decoder.
fn qr_reads(link: &str) -> String {
    let m = motordesk::receipt::screen_qr(link).expect("the link fits a QR");
    let (scale, quiet) = (4u32, 4u32);
    let side = (m.width as u32 + 2 * quiet) * scale;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let dark =
            mx >= quiet && my >= quiet && m.is_dark((mx - quiet) as usize, (my - quiet) as usize);
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR");
    grids[0].decode().unwrap().1
}

#[test]
fn this_weeks_calls_with_message_link_qr_and_contacted_mark() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let (store, abc) = shop(dir.path());
        let mut h = open(dir.path(), store, size);
        wait_for(&mut h, "reminders", |h| row(h, "ABC-123"));
        for plate in ["ABC-123", "DEF-456", "JKL-012"] {
            assert!(row(&h, plate), "{size:?}: {plate} is due this week");
        }
        assert!(
            !row(&h, "GHI-789"),
            "{size:?}: SOAT in 10 days is not this week"
        );
        assert!(has(&h, "3 vehículos"), "{size:?}");
        // Overdue first.
        let y = |h: &Harness<'static, KioskApp>, p: &str| {
            h.get_all_by_label_contains(p)
                .find(|n| text_of(n).is_some_and(|l| l.starts_with(p)))
                .unwrap()
                .rect()
                .top()
        };
        assert!(
            y(&h, "DEF-456") < y(&h, "ABC-123"),
            "{size:?}: overdue on top"
        );

        touch_row(&mut h, "ABC-123");
        let soat = dmy(today().checked_add_days(Days::new(3)).unwrap());
        assert!(has(&h, "WhatsApp: +51 987 654 321"), "{size:?}");
        let message = text_starting(&h, "Hola, Juan Pérez.");
        for part in [
            "MotorDesk Lubricentro",
            "placa ABC-123",
            &format!("SOAT: vence el {soat}"),
        ] {
            assert!(message.contains(part), "{size:?}: {part:?} in {message:?}");
        }
        let link = text_starting(&h, "https://wa.me/");
        let (to, text) = link.split_once("?text=").unwrap();
        assert_eq!(to, "https://wa.me/51987654321", "{size:?}");
        assert!(!text.contains(' ') && !text.contains('\n') && text.contains("%C3%A9"));
        assert_eq!(
            decode(text),
            message,
            "{size:?}: the link carries the message"
        );
        assert!(has(&h, "Código QR del enlace de WhatsApp"), "{size:?}");
        assert_eq!(qr_reads(&link), link, "{size:?}: the QR opens the link");
        for b in ["Marcar contactado", "Copiar enlace", "Copiar mensaje"] {
            let n = h.get_by_label(b);
            assert!(n.rect().bottom() <= size.1, "{size:?}: {b} on screen");
        }
        press(&mut h, "Copiar enlace");
        assert!(has(&h, "Enlace de WhatsApp copiado"), "{size:?}");

        // A landline cannot get WhatsApp: said, and no link or QR offered.
        touch_row(&mut h, "DEF-456");
        assert!(has(&h, "es un teléfono fijo"), "{size:?}");
        assert!(!has(&h, "Código QR del enlace"), "{size:?}");
        assert!(!has(&h, "Copiar enlace"), "{size:?}");
        assert!(
            has(&h, "Copiar mensaje"),
            "{size:?}: the text can still be copied"
        );
        touch_row(&mut h, "JKL-012");
        assert!(has(&h, "Sin propietario"), "{size:?}");
        assert!(has(&h, "Cambio de aceite: a los 23,000 km"), "{size:?}");

        // Contacted: gone from the list, kept on the vehicle and queued for sync.
        touch_row(&mut h, "ABC-123");
        crate::screen::tap(&mut h, "Marcar contactado");
        wait_for(&mut h, "ABC-123 hidden", |h| !row(h, "ABC-123"));
        assert!(has(&h, "marcado como contactado"), "{size:?}");
        assert!(has(&h, "2 vehículos"), "{size:?}");
        let store = h.state().store().unwrap().clone();
        let v = store.get::<Vehicle>(abc).unwrap().unwrap();
        assert_eq!(v.data.contacted.len(), 1, "{size:?}");
        assert_eq!(v.data.contacted[0].by, "admin");
        assert_eq!(
            v.data.contacted[0].due,
            AlertKind::Soat {
                expires: today().checked_add_days(Days::new(3)).unwrap()
            }
        );
        assert_eq!(
            v.meta.status,
            SyncStatus::Pending,
            "{size:?}: syncs like any edit"
        );
        drop(store);
        // Who and when, on the vehicle's page in Flota.
        crate::screen::click(&mut h, "Flota");
        wait_for(&mut h, "Flota's list", |h| row(h, "ABC-123"));
        touch_row(&mut h, "ABC-123");
        let said = format!("por admin: SOAT: vence el {soat}");
        wait_for(&mut h, "the mark in Flota", |h| has(h, &said));
        assert!(has(&h, "Avisado por WhatsApp el "), "{size:?}");
        drop(h);

        // After a restart it stays hidden; the next SOAT date brings it back.
        let store = reopen(&dir.path().join(DB_FILE), "admin", PASSWORD);
        let mut h = open(dir.path(), store, size);
        wait_for(&mut h, "list after restart", |h| row(h, "DEF-456"));
        assert!(
            !row(&h, "ABC-123"),
            "{size:?}: still contacted after a restart"
        );
        let store = h.state().store().unwrap().clone();
        let mut v = store.get::<Vehicle>(abc).unwrap().unwrap().data;
        v.soat_expires = today().checked_add_days(Days::new(5));
        store.save_vehicle(v).unwrap();
        drop(store);
        drop(h);
        let store = reopen(&dir.path().join(DB_FILE), "admin", PASSWORD);
        let mut h = open(dir.path(), store, size);
        wait_for(&mut h, "ABC-123 back", |h| row(h, "ABC-123"));
    }
}

#[test]
fn a_landline_fixed_on_the_screen_keys_gets_its_whatsapp_link() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = shop(dir.path());
        let mut h = open(dir.path(), store, size);
        wait_for(&mut h, "reminders", |h| row(h, "DEF-456"));
        touch_row(&mut h, "DEF-456");
        assert!(has(&h, "es un teléfono fijo"), "{size:?}");

        // Clientes: find Rosa by typing on the keys, give her a mobile.
        crate::screen::click(&mut h, "Clientes");
        fill(&mut h, "Buscar cliente (nombre o documento)", "quispe");
        tap(&mut h, "Tecla Listo");
        wait_for(&mut h, "Rosa found", |h| has(h, "41234567 · Rosa Quispe"));
        press(&mut h, "41234567 · Rosa Quispe");
        // Below the fold at 1024×768: scrolled to, as a finger would.
        h.get_all_by_label("Teléfono")
            .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
            .unwrap()
            .scroll_to_me();
        h.run();
        tap_field(&mut h, "Teléfono");
        tap(&mut h, "Tecla Limpiar");
        crate::touch_keyboard::type_on_keys(&mut h, "912345678");
        tap(&mut h, "Tecla Listo");
        crate::screen::click(&mut h, "Guardar cliente");
        wait_for(&mut h, "saved", |h| has(h, "Cliente guardado: Rosa Quispe"));

        crate::screen::click(&mut h, "Recordatorios");
        wait_for(&mut h, "list", |h| row(h, "DEF-456"));
        touch_row(&mut h, "DEF-456");
        wait_for(&mut h, "the new phone", |h| {
            has(h, "WhatsApp: +51 912 345 678")
        });
        let link = text_starting(&h, "https://wa.me/");
        assert!(link.starts_with("https://wa.me/51912345678?text=Hola%2C%20Rosa%20Quispe."));
        assert!(has(&h, "Código QR del enlace de WhatsApp"), "{size:?}");
    }
}

/// Two kiosks of one shop and a real server: the mark made on one travels with the
/// vehicle record, and the other kiosk stops listing the vehicle for that due date.
#[test]
fn a_contact_mark_syncs_to_the_shops_other_kiosk() {
    use crate::sync_support::{Kiosk, Server};
    let sync = |k: &Kiosk| {
        let report = motordesk::sync::sync_once(&k.store, &k.client()).unwrap();
        assert_eq!(report.rejected, 0, "{report:?}");
    };
    let server = Server::start();
    let a = Kiosk::registered(&server);
    let b = Kiosk::registered(&server);
    let juan = a.customer("45678912", "Juan Pérez");
    let soat = today().checked_add_days(Days::new(3)).unwrap();
    let mut v = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Yaris").unwrap();
    v.owner_id = Some(juan.id);
    v.soat_expires = Some(soat);
    let v = a.store.save_vehicle(v).unwrap().data;
    sync(&a);
    sync(&b);
    let on_b = b.store.due_reminders(today()).unwrap();
    assert_eq!(on_b.len(), 1, "B lists it too");
    assert_eq!(on_b[0].owner.as_ref().unwrap().0, "Juan Pérez");

    a.store
        .mark_contacted(v.id, &[AlertKind::Soat { expires: soat }], "caja1")
        .unwrap();
    assert!(a.store.due_reminders(today()).unwrap().is_empty());
    sync(&a);
    sync(&b);
    assert!(
        b.store.due_reminders(today()).unwrap().is_empty(),
        "B no longer lists what A's cashier already called about"
    );
    let on_b = b.store.get::<Vehicle>(v.id).unwrap().unwrap();
    assert_eq!(on_b.data.contacted.len(), 1);
    assert_eq!(on_b.data.contacted[0].by, "caja1");
    assert_eq!(on_b.meta.status, SyncStatus::Synced);
    assert_eq!(a.store.sync_counts().unwrap().unsynced(), 0);
}
