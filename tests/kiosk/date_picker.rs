//! The touch calendar of the vehicle form's SOAT and revisión técnica fields, driven by
//! touch only at 1024×768 and 1280×800: it opens on this month with today marked, ◀ ▶
//! change the month, the year quick-pick jumps years, a day fills dd/mm/aaaa in the
//! field, "Sin fecha" empties it, and the dates chosen are the vehicle's once saved.

use crate::fixtures::SIZES;
use crate::screen::{click, wait_for};
use crate::touch_keyboard::{fill, key_shown, new_vehicle_form, tap};
use chrono::{Datelike, NaiveDate, Utc};
use egui_kittest::kittest::{NodeT, Queryable};
use motordesk::ui::KioskApp;
use motordesk_core::{Plate, lima_date};

const SOAT: &str = "SOAT vence (dd/mm/aaaa)";
const REVISION: &str = "Revisión técnica vence (dd/mm/aaaa)";
const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

fn field_text(h: &egui_kittest::Harness<'static, KioskApp>, label: &str) -> String {
    h.get_all_by_label(label)
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
        .and_then(|n| n.value())
        .unwrap_or_default()
}

/// A day cell's name; today's says so.
fn day_name(d: NaiveDate) -> String {
    let name = format!(
        "{} de {} de {}",
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    );
    if d == lima_date(Utc::now()) {
        format!("{name} (hoy)")
    } else {
        name
    }
}

#[test]
fn soat_and_revision_dates_are_chosen_on_the_calendar() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut h = new_vehicle_form(dir.path(), size);
        fill(&mut h, "Placa", "CAL-123");
        fill(&mut h, "Marca", "Kia");
        fill(&mut h, "Modelo", "Rio");
        tap(&mut h, "Tecla Listo");
        assert!(!key_shown(&h, "Tecla Listo"), "{size:?}");

        // An empty field opens on this month, today marked once. (`click` scrolls the
        // button into view first, as a finger drags the form.)
        click(&mut h, &format!("Calendario: {SOAT}"));
        let today = lima_date(Utc::now());
        assert_eq!(
            h.query_all_by_label_contains("(hoy)").count(),
            1,
            "{size:?}: today not marked once"
        );
        assert!(h.query_by_label(&day_name(today)).is_some(), "{size:?}");
        // ▶ twice, ◀ once: next month.
        tap(&mut h, "Mes siguiente");
        tap(&mut h, "Mes siguiente");
        tap(&mut h, "Mes anterior");
        let (y, m) = if today.month() == 12 {
            (today.year() + 1, 1)
        } else {
            (today.year(), today.month() + 1)
        };
        // The year quick-pick: two years on, same month.
        tap(
            &mut h,
            &format!("Elegir año: {} {y}", MONTHS[(m - 1) as usize]),
        );
        tap(&mut h, &format!("Año {}", y + 2));
        let soat = NaiveDate::from_ymd_opt(y + 2, m, 15).unwrap();
        tap(&mut h, &day_name(soat));
        assert_eq!(
            field_text(&h, SOAT),
            soat.format("%d/%m/%Y").to_string(),
            "{size:?}"
        );
        assert!(
            h.query_by_label("Mes siguiente").is_none(),
            "{size:?}: calendar still open"
        );

        // Reopened on the date in the field: the 28th of that month, then cleared.
        click(&mut h, &format!("Calendario: {REVISION}"));
        let rev = NaiveDate::from_ymd_opt(today.year(), today.month(), 28).unwrap();
        tap(&mut h, &day_name(rev));
        assert_eq!(field_text(&h, REVISION), rev.format("%d/%m/%Y").to_string());
        click(&mut h, &format!("Calendario: {REVISION}"));
        assert!(h.query_by_label(&day_name(rev)).is_some(), "{size:?}");
        tap(&mut h, "Sin fecha");
        assert_eq!(field_text(&h, REVISION), "", "{size:?}");
        // The SOAT calendar opens on the SOAT date's month.
        click(&mut h, &format!("Calendario: {SOAT}"));
        assert!(
            h.query_by_label(&format!(
                "Elegir año: {} {}",
                MONTHS[soat.month0() as usize],
                soat.year()
            ))
            .is_some(),
            "{size:?}"
        );
        tap(&mut h, "Cerrar calendario");
        assert_eq!(field_text(&h, SOAT), soat.format("%d/%m/%Y").to_string());

        click(&mut h, "Guardar vehículo");
        let store = h.state().store().unwrap().clone();
        let plate = Plate::new("CAL-123").unwrap();
        wait_for(&mut h, "vehicle saved", |_| {
            store.vehicle_by_plate(&plate).unwrap().is_some()
        });
        let v = store.vehicle_by_plate(&plate).unwrap().unwrap().data;
        assert_eq!(v.soat_expires, Some(soat), "{size:?}");
        assert_eq!(v.revision_tecnica_expires, None, "{size:?}");
    }
}
