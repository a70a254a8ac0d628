//! How long each text a record carries may be. Every input from a person, a file or the
//! network has a limit: the kiosk's forms stop at it, and the server refuses anything
//! longer, so one oversized record can never make every kiosk's pull fail. SUNAT's own
//! limits where it has them (razón social 100 in practice for the SOL padrón, line
//! description 500, observations 500); generous ones elsewhere.

use crate::customer::Customer;
use crate::error::DomainError;
use crate::invoice::Invoice;
use crate::product::Product;
use crate::vehicle::Vehicle;

/// Customer or buyer name / razón social.
pub const MAX_NAME: usize = 100;
pub const MAX_ADDRESS: usize = 200;
pub const MAX_PHONE: usize = 30;
pub const MAX_EMAIL: usize = 100;
/// Line description (SUNAT `cbc:Description`, 500).
pub const MAX_DESCRIPTION: usize = 500;
/// Product or line code.
pub const MAX_CODE: usize = 30;
/// Observations, notes, a note's reason text.
pub const MAX_NOTES: usize = 500;
/// Brand, model, category, cashier, plate as printed.
pub const MAX_SHORT: usize = 60;
/// Lines per document.
pub const MAX_LINES: usize = 500;

/// `value` has at most `max` characters.
pub fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), DomainError> {
    if value.chars().count() > max {
        Err(DomainError::TextTooLong { field, max })
    } else {
        Ok(())
    }
}

impl Customer {
    pub fn check_limits(&self) -> Result<(), DomainError> {
        check_len("nombre", &self.name, MAX_NAME)?;
        check_len("dirección", &self.address, MAX_ADDRESS)?;
        check_len("teléfono", &self.phone, MAX_PHONE)?;
        check_len("correo", &self.email, MAX_EMAIL)?;
        // A pushed customer carries the lookup's status too: bounded like the rest.
        if let Some(t) = &self.sunat {
            check_len("estado", &t.estado, crate::MAX_STATUS)?;
            check_len("condición", &t.condicion, crate::MAX_STATUS)?;
        }
        Ok(())
    }
}

impl Vehicle {
    pub fn check_limits(&self) -> Result<(), DomainError> {
        check_len("marca", &self.brand, MAX_SHORT)?;
        check_len("modelo", &self.model, MAX_SHORT)?;
        check_len("notas", &self.notes, MAX_NOTES)?;
        // `mark_contacted` keeps one per kind; more came from somewhere else.
        if self.contacted.len() > crate::MAX_CONTACT_MARKS {
            return Err(DomainError::TooManyContactMarks {
                max: crate::MAX_CONTACT_MARKS,
            });
        }
        for m in &self.contacted {
            check_len("contactado por", &m.by, MAX_SHORT)?;
        }
        Ok(())
    }
}

impl Product {
    pub fn check_limits(&self) -> Result<(), DomainError> {
        check_len("código", &self.code, MAX_CODE)?;
        check_len("nombre", &self.name, MAX_DESCRIPTION)?;
        check_len("categoría", &self.category, MAX_SHORT)
    }
}

impl Invoice {
    pub fn check_limits(&self) -> Result<(), DomainError> {
        check_len("cliente", &self.buyer.name, MAX_NAME)?;
        check_len("dirección del cliente", &self.buyer.address, MAX_ADDRESS)?;
        check_len("observaciones", &self.observations, MAX_NOTES)?;
        check_len("cajero", &self.cashier, MAX_SHORT)?;
        if let Some(a) = &self.approved_by {
            check_len("aprobado por", a, MAX_SHORT)?;
        }
        if let Some(v) = &self.vehicle {
            check_len("placa", &v.plate, MAX_SHORT)?;
        }
        if let Some(m) = &self.modifies {
            check_len("motivo", &m.note, MAX_NOTES)?;
        }
        if self.lines.len() > MAX_LINES {
            return Err(DomainError::TooManyLines { max: MAX_LINES });
        }
        for l in &self.lines {
            check_len("código", &l.code, MAX_CODE)?;
            check_len("descripción", &l.description, MAX_DESCRIPTION)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::IdKind;
    use uuid::Uuid;

    #[test]
    fn counts_characters_not_bytes_and_refuses_one_past_the_limit() {
        let name = "Ñ".repeat(MAX_NAME);
        let mut c = Customer::new(Uuid::nil(), IdKind::Dni, "45678912", &name, "", "", "").unwrap();
        assert_eq!(c.check_limits(), Ok(()));
        c.name.push('a');
        assert_eq!(
            c.check_limits(),
            Err(DomainError::TextTooLong {
                field: "nombre",
                max: MAX_NAME
            })
        );
        assert!(
            DomainError::TextTooLong {
                field: "nombre",
                max: 100
            }
            .mensaje()
            .contains("100")
        );
    }

    #[test]
    fn a_customer_s_lookup_status_is_bounded_too() {
        let mut c =
            Customer::new(Uuid::nil(), IdKind::Ruc, "20131312955", "SUNAT", "", "", "").unwrap();
        c.sunat = Some(crate::TaxpayerStatus {
            estado: "ACTIVO".into(),
            condicion: "H".repeat(crate::MAX_STATUS + 1),
            checked_at: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        });
        assert_eq!(
            c.check_limits(),
            Err(DomainError::TextTooLong {
                field: "condición",
                max: crate::MAX_STATUS
            })
        );
    }
}
