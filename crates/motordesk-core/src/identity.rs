//! Buyer identity documents (SUNAT Catálogo 06) and their checks: RUC mod-11, DNI 8 digits.

use crate::DomainError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdKind {
    /// "0" — no document ("CLIENTES VARIOS", small boletas).
    SinDocumento,
    /// "1"
    Dni,
    /// "4"
    CarnetExtranjeria,
    /// "6"
    Ruc,
    /// "7"
    Pasaporte,
}

impl IdKind {
    pub const ALL: [IdKind; 5] = [
        IdKind::Dni,
        IdKind::Ruc,
        IdKind::CarnetExtranjeria,
        IdKind::Pasaporte,
        IdKind::SinDocumento,
    ];

    /// SUNAT Catálogo 06 code.
    pub fn code(self) -> &'static str {
        match self {
            IdKind::SinDocumento => "0",
            IdKind::Dni => "1",
            IdKind::CarnetExtranjeria => "4",
            IdKind::Ruc => "6",
            IdKind::Pasaporte => "7",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IdKind::SinDocumento => "Sin documento",
            IdKind::Dni => "DNI",
            IdKind::CarnetExtranjeria => "Carné de extranjería",
            IdKind::Ruc => "RUC",
            IdKind::Pasaporte => "Pasaporte",
        }
    }
}

/// A checked identity document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdDocument {
    pub kind: IdKind,
    pub number: String,
}

impl IdDocument {
    /// Validates and normalises (trims, upper-cases) a document number of the given kind.
    pub fn new(kind: IdKind, number: &str) -> Result<Self, DomainError> {
        let n: String = number.trim().to_uppercase();
        match kind {
            IdKind::Ruc => validate_ruc(&n)?,
            IdKind::Dni => validate_dni(&n)?,
            IdKind::SinDocumento => {
                return Ok(IdDocument {
                    kind,
                    number: "00000000".into(),
                });
            }
            IdKind::CarnetExtranjeria | IdKind::Pasaporte => {
                if n.is_empty() || n.len() > 15 || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(DomainError::OtherIdFormat);
                }
            }
        }
        Ok(IdDocument { kind, number: n })
    }

    /// "Clientes varios": the anonymous buyer of a small boleta.
    pub fn none() -> Self {
        IdDocument {
            kind: IdKind::SinDocumento,
            number: "00000000".into(),
        }
    }

    pub fn identifies_buyer(&self) -> bool {
        self.kind != IdKind::SinDocumento
    }
}

const RUC_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// The RUC check digit for the first ten digits: dv = (11 - sum mod 11) mod 10.
pub fn ruc_check_digit(first_ten: &[u8; 10]) -> u8 {
    let sum: u32 = first_ten
        .iter()
        .zip(RUC_WEIGHTS)
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    ((11 - sum % 11) % 10) as u8
}

pub fn validate_ruc(ruc: &str) -> Result<(), DomainError> {
    if !ruc.chars().all(|c| c.is_ascii_digit()) {
        return Err(DomainError::RucNotDigits);
    }
    if ruc.len() != 11 {
        return Err(DomainError::RucLength);
    }
    let prefix = &ruc[..2];
    if !matches!(prefix, "10" | "15" | "16" | "17" | "20") {
        return Err(DomainError::RucPrefix(prefix.to_string()));
    }
    let digits: Vec<u8> = ruc.bytes().map(|b| b - b'0').collect();
    let mut first = [0u8; 10];
    first.copy_from_slice(&digits[..10]);
    let dv = ruc_check_digit(&first);
    if dv != digits[10] {
        return Err(DomainError::RucCheckDigit {
            expected: char::from(b'0' + dv),
        });
    }
    Ok(())
}

pub fn validate_dni(dni: &str) -> Result<(), DomainError> {
    if dni.len() == 8 && dni.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(DomainError::DniFormat)
    }
}

/// The RUC of a natural person with a DNI: "10" + DNI + check digit.
pub fn ruc_from_dni(dni: &str) -> Result<String, DomainError> {
    validate_dni(dni)?;
    let mut first = [0u8; 10];
    first[0] = 1;
    for (i, b) in dni.bytes().enumerate() {
        first[2 + i] = b - b'0';
    }
    Ok(format!("10{dni}{}", ruc_check_digit(&first)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_rucs_pass() {
        for ruc in [
            "20131312955", // SUNAT
            "20100070970", // remainder 1 -> 0
            "20000000001", // SUNAT beta, remainder 10 -> 1
            "20600695771", // Nubefact example
            "20100000131", // remainder 0 -> 1
            "10054148289", // stdnum doctest
            "20512333797", // stdnum doctest
        ] {
            assert_eq!(validate_ruc(ruc), Ok(()), "{ruc}");
        }
    }

    #[test]
    fn bad_rucs_fail_with_reason() {
        let table: [(&str, DomainError); 6] = [
            ("20512333798", DomainError::RucCheckDigit { expected: '7' }),
            ("20555555551", DomainError::RucCheckDigit { expected: '6' }),
            ("20987654321", DomainError::RucCheckDigit { expected: '6' }),
            ("2051233379", DomainError::RucLength),
            ("2051233379X", DomainError::RucNotDigits),
            ("30512333797", DomainError::RucPrefix("30".into())),
        ];
        for (ruc, err) in table {
            assert_eq!(validate_ruc(ruc), Err(err), "{ruc}");
        }
    }

    #[test]
    fn wrong_check_digit_message_is_spanish() {
        let e = IdDocument::new(IdKind::Ruc, "20512333798").unwrap_err();
        assert!(
            e.mensaje().contains("dígito verificador"),
            "{}",
            e.mensaje()
        );
    }

    #[test]
    fn dni_is_eight_digits() {
        assert!(IdDocument::new(IdKind::Dni, " 45678912 ").is_ok());
        assert_eq!(
            IdDocument::new(IdKind::Dni, "4567891"),
            Err(DomainError::DniFormat)
        );
        assert_eq!(
            IdDocument::new(IdKind::Dni, "4567891A"),
            Err(DomainError::DniFormat)
        );
    }

    #[test]
    fn ruc_from_dni_is_valid() {
        let ruc = ruc_from_dni("05414828").unwrap();
        assert_eq!(ruc, "10054148289");
        assert!(validate_ruc(&ruc).is_ok());
    }
}
