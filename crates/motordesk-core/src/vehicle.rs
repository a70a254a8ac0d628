//! Vehicles in the fleet: plates, odometer readings, SOAT and revisión técnica.

use crate::DomainError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A jump bigger than this between two readings is probably a typo: warn, don't refuse.
pub const IMPLAUSIBLE_JUMP_KM: u32 = 50_000;

/// A normalised Peruvian plate: upper case, no spaces or dashes (`ABC123`), shown with a
/// dash before the last three digits (`ABC-123`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Plate(String);

impl Plate {
    pub fn new(text: &str) -> Result<Plate, DomainError> {
        let p: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let ok = (6..=7).contains(&p.len())
            && p.chars().all(|c| c.is_ascii_alphanumeric())
            && p.chars().any(|c| c.is_ascii_digit());
        if ok {
            Ok(Plate(p))
        } else {
            Err(DomainError::PlateFormat(text.trim().to_string()))
        }
    }

    /// Compact key form, `ABC123`.
    pub fn key(&self) -> &str {
        &self.0
    }

    /// Display form: `ABC-123` (6 chars: 3+3), `AB-1234` older form stays 3+3 too,
    /// 7-char motorcycle plates as `1234-AB`-style are shown as typed without dash.
    pub fn display(&self) -> String {
        if self.0.len() == 6 {
            format!("{}-{}", &self.0[..3], &self.0[3..])
        } else {
            self.0.clone()
        }
    }
}

impl std::fmt::Display for Plate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    pub id: Uuid,
    pub plate: Plate,
    pub brand: String,
    pub model: String,
    pub year: Option<u16>,
    pub owner_id: Option<Uuid>,
    pub driver_id: Option<Uuid>,
    /// Last odometer reading, km.
    pub odometer_km: u32,
    /// Km between services (oil change interval), e.g. 5 000.
    pub service_interval_km: u32,
    /// Km at the last service.
    pub last_service_km: Option<u32>,
    pub last_service_date: Option<NaiveDate>,
    /// Months between services by date.
    pub service_interval_months: u32,
    pub soat_expires: Option<NaiveDate>,
    pub revision_tecnica_expires: Option<NaiveDate>,
    pub notes: String,
    /// Service reminders the owner was told about (`reminders`); absent in older records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacted: Vec<crate::reminders::ContactMark>,
}

impl Vehicle {
    pub fn new(id: Uuid, plate: &str, brand: &str, model: &str) -> Result<Vehicle, DomainError> {
        Ok(Vehicle {
            id,
            plate: Plate::new(plate)?,
            brand: brand.trim().to_string(),
            model: model.trim().to_string(),
            year: None,
            owner_id: None,
            driver_id: None,
            odometer_km: 0,
            service_interval_km: 5_000,
            last_service_km: None,
            last_service_date: None,
            service_interval_months: 6,
            soat_expires: None,
            revision_tecnica_expires: None,
            notes: String::new(),
            contacted: Vec::new(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OdometerReading {
    pub id: Uuid,
    pub vehicle_id: Uuid,
    pub km: u32,
    pub read_at: DateTime<Utc>,
    /// The invoice at which it was read, if any.
    pub invoice_id: Option<Uuid>,
}

/// Outcome of checking a new reading against the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OdometerCheck {
    Ok,
    /// Accepted, but the jump is so big the cashier should double-check.
    ImplausibleJump {
        delta_km: u32,
    },
}

/// A reading below the last one is refused; an implausible jump is accepted with a warning.
pub fn check_odometer(last_km: u32, new_km: u32) -> Result<OdometerCheck, DomainError> {
    if new_km < last_km {
        return Err(DomainError::OdometerBelowLast { last_km, new_km });
    }
    let delta = new_km - last_km;
    if last_km > 0 && delta > IMPLAUSIBLE_JUMP_KM {
        Ok(OdometerCheck::ImplausibleJump { delta_km: delta })
    } else {
        Ok(OdometerCheck::Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_normalise() {
        assert_eq!(Plate::new(" abc-123 ").unwrap().key(), "ABC123");
        assert_eq!(Plate::new("a1b 234").unwrap().display(), "A1B-234");
        assert_eq!(Plate::new("1234AB").unwrap().key(), "1234AB");
        assert!(Plate::new("AB12").is_err());
        assert!(Plate::new("ABCDEF").is_err(), "a plate has digits");
        assert!(Plate::new("ABC-12#").is_err());
    }

    #[test]
    fn odometer_below_last_is_refused() {
        let e = check_odometer(45_000, 44_999).unwrap_err();
        assert_eq!(
            e,
            DomainError::OdometerBelowLast {
                last_km: 45_000,
                new_km: 44_999
            }
        );
        assert!(e.mensaje().contains("menor que la última lectura"));
        assert_eq!(check_odometer(45_000, 45_000), Ok(OdometerCheck::Ok));
        assert_eq!(
            check_odometer(45_000, 145_000),
            Ok(OdometerCheck::ImplausibleJump { delta_km: 100_000 })
        );
        assert_eq!(check_odometer(0, 145_000), Ok(OdometerCheck::Ok));
    }
}
