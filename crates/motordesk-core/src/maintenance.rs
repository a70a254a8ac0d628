//! Maintenance alerts: service due by km or by date, SOAT and revisión técnica expiry.

use crate::vehicle::Vehicle;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// "Due soon" starts this many km before the service km.
pub const SOON_KM: u32 = 500;
/// ... or this many days before a date.
pub const SOON_DAYS: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Urgency {
    DueSoon,
    Overdue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertKind {
    ServiceByKm { due_km: u32 },
    ServiceByDate { due: NaiveDate },
    Soat { expires: NaiveDate },
    RevisionTecnica { expires: NaiveDate },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub urgency: Urgency,
}

impl Alert {
    /// Spanish text for the fleet panel ("revisión técnica" is feminine: "vencida").
    pub fn texto(&self) -> String {
        let feminine = matches!(self.kind, AlertKind::RevisionTecnica { .. });
        let when = match (self.urgency, feminine) {
            (Urgency::Overdue, false) => "vencido",
            (Urgency::Overdue, true) => "vencida",
            (Urgency::DueSoon, false) => "próximo",
            (Urgency::DueSoon, true) => "próxima",
        };
        match &self.kind {
            AlertKind::ServiceByKm { due_km } => {
                // Written like every km on screen: 45,000.
                format!("Mantenimiento {when} ({} km)", crate::thousands(*due_km))
            }
            AlertKind::ServiceByDate { due } => {
                format!("Mantenimiento {when} ({})", due.format("%d/%m/%Y"))
            }
            AlertKind::Soat { expires } => format!("SOAT {when} ({})", expires.format("%d/%m/%Y")),
            AlertKind::RevisionTecnica { expires } => {
                format!("Revisión técnica {when} ({})", expires.format("%d/%m/%Y"))
            }
        }
    }
}

fn by_date(due: NaiveDate, today: NaiveDate) -> Option<Urgency> {
    let days = (due - today).num_days();
    if days < 0 {
        Some(Urgency::Overdue)
    } else if days <= SOON_DAYS {
        Some(Urgency::DueSoon)
    } else {
        None
    }
}

/// All alerts for a vehicle on `today` (Peru date), most urgent first.
pub fn alerts(v: &Vehicle, today: NaiveDate) -> Vec<Alert> {
    let mut out = Vec::new();
    if v.service_interval_km > 0 {
        let due_km = v.last_service_km.unwrap_or(0) + v.service_interval_km;
        let urgency = if v.odometer_km >= due_km {
            Some(Urgency::Overdue)
        } else if v.odometer_km + SOON_KM >= due_km {
            Some(Urgency::DueSoon)
        } else {
            None
        };
        if let Some(urgency) = urgency {
            out.push(Alert {
                kind: AlertKind::ServiceByKm { due_km },
                urgency,
            });
        }
    }
    if let (Some(last), true) = (v.last_service_date, v.service_interval_months > 0)
        && let Some(due) = last.checked_add_months(Months::new(v.service_interval_months))
        && let Some(urgency) = by_date(due, today)
    {
        out.push(Alert {
            kind: AlertKind::ServiceByDate { due },
            urgency,
        });
    }
    if let Some(expires) = v.soat_expires
        && let Some(urgency) = by_date(expires, today)
    {
        out.push(Alert {
            kind: AlertKind::Soat { expires },
            urgency,
        });
    }
    if let Some(expires) = v.revision_tecnica_expires
        && let Some(urgency) = by_date(expires, today)
    {
        out.push(Alert {
            kind: AlertKind::RevisionTecnica { expires },
            urgency,
        });
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.urgency));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn car() -> Vehicle {
        let mut v = Vehicle::new(Uuid::now_v7(), "ABC-123", "Toyota", "Hilux").unwrap();
        v.service_interval_km = 5_000;
        v.last_service_km = Some(40_000);
        v
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn service_by_km() {
        let mut v = car();
        v.odometer_km = 44_000;
        assert!(alerts(&v, d("2026-11-25")).is_empty());
        v.odometer_km = 44_600;
        assert_eq!(alerts(&v, d("2026-11-25"))[0].urgency, Urgency::DueSoon);
        v.odometer_km = 45_000;
        let a = &alerts(&v, d("2026-11-25"))[0];
        assert_eq!(a.urgency, Urgency::Overdue);
        assert_eq!(a.texto(), "Mantenimiento vencido (45,000 km)");
    }

    #[test]
    fn soat_and_revision_by_date() {
        let mut v = car();
        v.odometer_km = 41_000;
        v.soat_expires = Some(d("2026-11-30"));
        v.revision_tecnica_expires = Some(d("2026-11-01"));
        let a = alerts(&v, d("2026-11-25"));
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].urgency, Urgency::Overdue, "overdue first");
        assert!(a[0].texto().starts_with("Revisión técnica vencida"));
        assert!(a[1].texto().starts_with("SOAT próximo"));
    }

    #[test]
    fn service_by_date_after_interval() {
        let mut v = car();
        v.odometer_km = 41_000;
        v.last_service_date = Some(d("2026-05-20"));
        v.service_interval_months = 6;
        let a = alerts(&v, d("2026-11-25"));
        assert_eq!(
            a[0].kind,
            AlertKind::ServiceByDate {
                due: d("2026-11-20")
            }
        );
        assert_eq!(a[0].urgency, Urgency::Overdue);
    }
}
