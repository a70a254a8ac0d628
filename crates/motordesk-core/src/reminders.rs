//! Service reminders: which vehicles to call this week (oil change, SOAT, revisión
//! técnica), the owner's WhatsApp number as Peru writes a mobile, and the ready-to-send
//! message with its `wa.me` link.
//!
//! The due rules are Flota's (`maintenance::alerts`), narrowed to a week for dates; a
//! "contacted" mark remembers the exact alert it answered (its `AlertKind`, which carries
//! the due date or km), so the vehicle comes back when the next due date does.

use crate::maintenance::{Alert, AlertKind, alerts};
use crate::vehicle::{Plate, Vehicle};
use chrono::{DateTime, NaiveDate, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// A date falls due "this week": at most this many days from today (overdue ones too).
pub const REMINDER_DAYS: i64 = 7;
/// One mark per kind of alert (oil by km, oil by date, SOAT, revisión técnica).
pub const MAX_CONTACT_MARKS: usize = 4;
/// Peru's country calling code.
pub const PERU_CODE: &str = "51";

/// Who told the owner about which due alert, and when. Kept on the vehicle record, so it
/// syncs with it to the shop's other kiosks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMark {
    /// The alert answered, with its date or km: a later due date is a new reminder.
    pub due: AlertKind,
    /// The user who marked it.
    pub by: String,
    pub at: DateTime<Utc>,
}

impl ContactMark {
    /// Spanish line for the vehicle's page: "Avisado por WhatsApp el 07/12/2026 10:15 por
    /// caja1: SOAT: vence el 10/12/2026" (the item worded as on the day it was sent).
    pub fn texto(&self) -> String {
        format!(
            "Avisado por WhatsApp el {} por {}: {}",
            crate::lima_display(self.at),
            self.by,
            due_line(&self.due, crate::lima_date(self.at))
        )
    }
}

fn within_week(due: NaiveDate, today: NaiveDate) -> bool {
    (due - today).num_days() <= REMINDER_DAYS
}

/// The alerts of `v` to remind its owner of on `today` (Peru date), most urgent first:
/// Flota's alerts whose date is at most `REMINDER_DAYS` away or past, and the oil change
/// by km as Flota says it (there is no date to a km, and no per-day mileage on record),
/// minus those already marked contacted.
pub fn reminders(v: &Vehicle, today: NaiveDate) -> Vec<Alert> {
    alerts(v, today)
        .into_iter()
        .filter(|a| match a.kind {
            AlertKind::ServiceByKm { .. } => true,
            AlertKind::ServiceByDate { due } => within_week(due, today),
            AlertKind::Soat { expires } | AlertKind::RevisionTecnica { expires } => {
                within_week(expires, today)
            }
        })
        .filter(|a| !v.contacted.iter().any(|m| m.due == a.kind))
        .collect()
}

/// Records that the owner was told about `due`: replaces the mark of the same kind (an
/// older due date), so a vehicle never holds more than `MAX_CONTACT_MARKS`.
pub fn mark_contacted(v: &mut Vehicle, due: AlertKind, by: &str, at: DateTime<Utc>) {
    v.contacted
        .retain(|m| std::mem::discriminant(&m.due) != std::mem::discriminant(&due));
    v.contacted.push(ContactMark {
        due,
        by: by.to_string(),
        at,
    });
}

/// Why a phone cannot receive a WhatsApp reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneProblem {
    /// No phone on record.
    Missing,
    /// A Peruvian landline (Lima 01 + 7 digits, provinces 0XX + 6 digits): no WhatsApp.
    Landline(String),
    /// Another country's number (+ followed by something other than 51).
    Foreign(String),
    /// Not a phone number: letters, or the wrong number of digits.
    Malformed(String),
}

impl std::fmt::Display for PhoneProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhoneProblem::Missing => write!(f, "no phone"),
            PhoneProblem::Landline(p) => write!(f, "landline, not a mobile: {p}"),
            PhoneProblem::Foreign(p) => write!(f, "not a Peruvian number: {p}"),
            PhoneProblem::Malformed(p) => write!(f, "not a phone number: {p}"),
        }
    }
}

impl std::error::Error for PhoneProblem {}

impl PhoneProblem {
    /// Spanish text for the screen.
    pub fn mensaje(&self) -> String {
        match self {
            PhoneProblem::Missing => "Sin teléfono registrado: agréguelo en Clientes.".into(),
            PhoneProblem::Landline(p) => {
                format!(
                    "{p} es un teléfono fijo: WhatsApp necesita un celular (9 dígitos, empieza con 9)."
                )
            }
            PhoneProblem::Foreign(p) => {
                format!("{p} no es un celular del Perú (+51): envíe el mensaje a mano.")
            }
            PhoneProblem::Malformed(p) => {
                format!("{p} no es un celular válido: debe tener 9 dígitos y empezar con 9.")
            }
        }
    }
}

/// A Peruvian mobile's 9 digits (`9XXXXXXXX`) from a phone as people write it: spaces,
/// dashes, dots and brackets are ignored; a leading +51, 0051 or 51 is the country code.
/// Landlines, other countries and anything else are refused with the reason.
pub fn peru_mobile(phone: &str) -> Result<String, PhoneProblem> {
    let shown = phone.trim();
    if shown.is_empty() {
        return Err(PhoneProblem::Missing);
    }
    let mut plus = false;
    let mut digits = String::new();
    for c in shown.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            // Only before the first digit: "(+51) 987…".
            '+' if digits.is_empty() && !plus => plus = true,
            _ => return Err(PhoneProblem::Malformed(shown.to_string())),
        }
    }
    let national = if plus {
        match digits.strip_prefix(PERU_CODE) {
            Some(rest) => rest,
            None => return Err(PhoneProblem::Foreign(shown.to_string())),
        }
    } else if let Some(rest) = digits.strip_prefix("00") {
        match rest.strip_prefix(PERU_CODE) {
            Some(rest) => rest,
            None => return Err(PhoneProblem::Foreign(shown.to_string())),
        }
    } else if digits.len() == 11 && digits.starts_with(PERU_CODE) {
        &digits[2..]
    } else {
        &digits
    };
    if national.len() == 9 && national.starts_with('9') {
        return Ok(national.to_string());
    }
    // Lima 01 + 7 digits, a province's 0XX + 6 digits; without the 0 after +51 (8
    // digits) or dialled inside the area (7 or 6 digits). Mobiles all start with 9.
    let landline = match national.len() {
        6..=8 => !national.starts_with('9'),
        9 => national.starts_with('0'),
        _ => false,
    };
    if landline {
        Err(PhoneProblem::Landline(shown.to_string()))
    } else {
        Err(PhoneProblem::Malformed(shown.to_string()))
    }
}

/// One line of the message for one due alert.
fn due_line(a: &AlertKind, today: NaiveDate) -> String {
    let when = |d: &NaiveDate, verb_past: &str, verb: &str| {
        let date = d.format("%d/%m/%Y");
        if *d < today {
            format!("{verb_past} el {date}")
        } else if *d == today {
            format!("{verb} hoy, {date}")
        } else {
            format!("{verb} el {date}")
        }
    };
    match a {
        AlertKind::ServiceByKm { due_km } => {
            format!("Cambio de aceite: a los {} km", crate::thousands(*due_km))
        }
        AlertKind::ServiceByDate { due } => {
            format!("Cambio de aceite: {}", when(due, "tocaba", "toca"))
        }
        AlertKind::Soat { expires } => format!("SOAT: {}", when(expires, "venció", "vence")),
        AlertKind::RevisionTecnica { expires } => {
            format!("Revisión técnica: {}", when(expires, "venció", "vence"))
        }
    }
}

/// The WhatsApp message, in Spanish: the owner, the shop, the plate and each due item
/// with its date (or km).
pub fn whatsapp_text(
    shop: &str,
    owner: &str,
    plate: &Plate,
    due: &[Alert],
    today: NaiveDate,
) -> String {
    let owner = owner.trim();
    let greeting = if owner.is_empty() {
        "Hola".to_string()
    } else {
        format!("Hola, {owner}")
    };
    let shop = shop.trim();
    let from = if shop.is_empty() {
        String::new()
    } else {
        format!(" Le saludamos de {shop}.")
    };
    // "… S.A.C." already ends the sentence.
    let stop = if greeting.ends_with('.') { "" } else { "." };
    let mut text = format!(
        "{greeting}{stop}{from} Le recordamos lo pendiente de su vehículo de placa {}:",
        plate.display()
    );
    for a in due {
        text.push_str("\n- ");
        text.push_str(&due_line(&a.kind, today));
    }
    text.push_str("\n¿Le reservamos un turno? Responda a este mensaje. ¡Gracias!");
    text
}

/// What stays as it is in a URL query value: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `https://wa.me/51XXXXXXXXX?text=…` for a mobile's 9 digits (`peru_mobile`), the text
/// percent-encoded as UTF-8 (spaces as %20, new lines as %0A, á as %C3%A1).
pub fn wa_me_link(mobile: &str, text: &str) -> String {
    format!(
        "https://wa.me/{PERU_CODE}{mobile}?text={}",
        utf8_percent_encode(text, QUERY_VALUE)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maintenance::Urgency;
    use chrono::Days;
    use percent_encoding::percent_decode_str;
    use uuid::Uuid;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn car() -> Vehicle {
        let mut v = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Hilux").unwrap();
        v.service_interval_km = 5_000;
        v.last_service_km = Some(40_000);
        v.odometer_km = 41_000;
        v
    }

    const TODAY: &str = "2026-12-07";

    #[test]
    fn dates_due_within_a_week_or_past_are_reminded() {
        let today = d(TODAY);
        for (days_ahead, reminded) in [(-400, true), (-1, true), (0, true), (7, true), (8, false)] {
            let mut v = car();
            v.soat_expires = Some(if days_ahead < 0 {
                today - Days::new(-days_ahead as u64)
            } else {
                today + Days::new(days_ahead as u64)
            });
            let r = reminders(&v, today);
            assert_eq!(r.len(), usize::from(reminded), "SOAT in {days_ahead} days");
        }
        // Day 8 is still "próximo" in Flota (15 days), but not this week's call.
        let mut v = car();
        v.revision_tecnica_expires = Some(today + Days::new(8));
        assert_eq!(alerts(&v, today).len(), 1);
        assert!(reminders(&v, today).is_empty());
    }

    #[test]
    fn oil_change_by_date_and_by_km_follow_flotas_rules() {
        let today = d(TODAY);
        let mut v = car();
        v.last_service_date = Some(d("2026-06-10"));
        v.service_interval_months = 6;
        // Due 10/12: three days away.
        let r = reminders(&v, today);
        assert_eq!(
            r[0].kind,
            AlertKind::ServiceByDate {
                due: d("2026-12-10")
            }
        );
        v.last_service_date = Some(d("2026-06-20"));
        assert!(reminders(&v, today).is_empty(), "due 20/12: not this week");
        // By km: Flota's 500 km window.
        v.odometer_km = 44_400;
        assert!(reminders(&v, today).is_empty());
        v.odometer_km = 44_500;
        let r = reminders(&v, today);
        assert_eq!(r[0].kind, AlertKind::ServiceByKm { due_km: 45_000 });
        assert_eq!(r[0].urgency, Urgency::DueSoon);
    }

    #[test]
    fn a_contact_mark_hides_only_that_due_date() {
        let today = d(TODAY);
        let mut v = car();
        v.soat_expires = Some(d("2026-12-10"));
        v.revision_tecnica_expires = Some(d("2026-12-01"));
        assert_eq!(reminders(&v, today).len(), 2);
        let at = "2026-12-07T15:00:00Z".parse().unwrap();
        mark_contacted(
            &mut v,
            AlertKind::Soat {
                expires: d("2026-12-10"),
            },
            "caja1",
            at,
        );
        let r = reminders(&v, today);
        assert_eq!(r.len(), 1);
        assert!(matches!(r[0].kind, AlertKind::RevisionTecnica { .. }));
        // Next year's SOAT, renewed late again: reminded again.
        v.soat_expires = Some(d("2026-12-12"));
        assert_eq!(reminders(&v, today).len(), 2);
        // A new mark of the same kind replaces the old one: never more than four.
        for day in 1..=30 {
            mark_contacted(
                &mut v,
                AlertKind::Soat {
                    expires: d("2026-12-01") + Days::new(day),
                },
                "caja1",
                at,
            );
        }
        mark_contacted(
            &mut v,
            AlertKind::ServiceByKm { due_km: 45_000 },
            "caja1",
            at,
        );
        assert_eq!(v.contacted.len(), 2);
        assert!(v.check_limits().is_ok());
        // 15:00 UTC is 10:00 in Lima.
        assert_eq!(
            v.contacted[0].texto(),
            "Avisado por WhatsApp el 07/12/2026 10:00 por caja1: SOAT: vence el 31/12/2026"
        );
        // A record pushed with more (by hand, or another program) is refused.
        let mark = v.contacted[0].clone();
        v.contacted = vec![mark; MAX_CONTACT_MARKS + 1];
        assert_eq!(
            v.check_limits(),
            Err(crate::DomainError::TooManyContactMarks {
                max: MAX_CONTACT_MARKS
            })
        );
    }

    #[test]
    fn mobiles_are_normalised_to_nine_digits() {
        for ok in [
            "987654321",
            "987 654 321",
            "987-654-321",
            "+51 987 654 321",
            "+51987654321",
            "0051 987654321",
            "51987654321",
            "(+51) 987.654.321",
        ] {
            assert_eq!(peru_mobile(ok), Ok("987654321".into()), "{ok}");
        }
    }

    #[test]
    fn landlines_foreign_and_garbage_are_refused_with_the_reason() {
        assert_eq!(peru_mobile("  "), Err(PhoneProblem::Missing));
        for landline in [
            "01 4567890",
            "(01) 456-7890",
            "4567890",
            "044 123456",
            "+51 1 4567890",
        ] {
            assert!(
                matches!(peru_mobile(landline), Err(PhoneProblem::Landline(_))),
                "{landline}: {:?}",
                peru_mobile(landline)
            );
        }
        for foreign in ["+1 415 555 0100", "0034 612345678", "+56 9 1234 5678"] {
            assert!(
                matches!(peru_mobile(foreign), Err(PhoneProblem::Foreign(_))),
                "{foreign}"
            );
        }
        for bad in ["98765432", "9876543210", "98765432a", "nueve", "987+654321"] {
            assert!(
                matches!(peru_mobile(bad), Err(PhoneProblem::Malformed(_))),
                "{bad}: {:?}",
                peru_mobile(bad)
            );
        }
        let m = peru_mobile("01 4567890").unwrap_err().mensaje();
        assert!(m.contains("fijo") && m.contains("celular"), "{m}");
    }

    #[test]
    fn the_message_names_plate_items_dates_and_shop() {
        let today = d(TODAY);
        let mut v = car();
        v.soat_expires = Some(d("2026-12-10"));
        v.revision_tecnica_expires = Some(d("2026-12-01"));
        v.odometer_km = 45_100;
        let due = reminders(&v, today);
        let t = whatsapp_text("Lubricentro El Rápido", "Juan Pérez", &v.plate, &due, today);
        assert_eq!(
            t,
            "Hola, Juan Pérez. Le saludamos de Lubricentro El Rápido. Le recordamos lo \
             pendiente de su vehículo de placa ABC-123:\n\
             - Cambio de aceite: a los 45,000 km\n\
             - Revisión técnica: venció el 01/12/2026\n\
             - SOAT: vence el 10/12/2026\n\
             ¿Le reservamos un turno? Responda a este mensaje. ¡Gracias!"
        );
        let t = whatsapp_text("", " ", &v.plate, &due[..1], today);
        assert!(t.starts_with("Hola. Le recordamos"), "{t}");
        let t = whatsapp_text("Taller", "Rímac S.A.C.", &v.plate, &due[..1], today);
        assert!(
            t.starts_with("Hola, Rímac S.A.C. Le saludamos de Taller."),
            "{t}"
        );
    }

    #[test]
    fn the_link_percent_encodes_the_text_as_utf8() {
        let link = wa_me_link("987654321", "Hola, José & Cía: ¿50% más?\n- SOAT #1 +ya");
        assert_eq!(
            link,
            "https://wa.me/51987654321?text=Hola%2C%20Jos%C3%A9%20%26%20C%C3%ADa%3A%20\
             %C2%BF50%25%20m%C3%A1s%3F%0A-%20SOAT%20%231%20%2Bya"
        );
        // Only unreserved characters are left in the query value.
        let (_, value) = link.split_once("?text=").unwrap();
        assert!(
            value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
            "{value}"
        );
    }

    #[test]
    fn every_message_decodes_back_to_itself() {
        let today = d(TODAY);
        let mut v = car();
        v.soat_expires = Some(today);
        v.odometer_km = 46_000;
        let due = reminders(&v, today);
        for owner in [
            "Ñusta Quispe Huamán",
            "Transportes \"El Ángel\" S.A.C.",
            "A/B?c=d&e",
        ] {
            let text = whatsapp_text("Taller Nº 1 – Surco", owner, &v.plate, &due, today);
            let link = wa_me_link("912345678", &text);
            let (_, value) = link.split_once("?text=").unwrap();
            assert_eq!(percent_decode_str(value).decode_utf8().unwrap(), text);
        }
    }
}
