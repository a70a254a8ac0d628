//! A customer of the shop: a person (DNI) or a company (RUC).

use crate::DomainError;
use crate::identity::{IdDocument, IdKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: Uuid,
    pub doc: IdDocument,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// Estado and condición from the last RUC lookup (absent in older records and for
    /// customers typed by hand): a factura to a RUC not ACTIVO/HABIDO is warned about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunat: Option<crate::lookup::TaxpayerStatus>,
}

impl Customer {
    /// Checks and normalises what was typed into the customer form.
    pub fn new(
        id: Uuid,
        kind: IdKind,
        number: &str,
        name: &str,
        address: &str,
        phone: &str,
        email: &str,
    ) -> Result<Customer, DomainError> {
        let doc = IdDocument::new(kind, number)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(DomainError::NameRequired);
        }
        let c = Customer {
            id,
            doc,
            name: name.to_string(),
            address: address.trim().to_string(),
            phone: phone.trim().to_string(),
            email: email.trim().to_string(),
            sunat: None,
        };
        c.check_limits()?;
        Ok(c)
    }

    /// Lower-case, accent-free text for search-as-you-type.
    pub fn search_text(&self) -> String {
        fold(&format!("{} {}", self.name, self.doc.number))
    }
}

/// Folds text for matching: lower case, Spanish accents removed.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'Á' => 'a',
            'é' | 'É' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'Ó' => 'o',
            'ú' | 'Ú' | 'ü' | 'Ü' => 'u',
            'ñ' | 'Ñ' => 'n',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_ruc_is_refused_with_spanish_message() {
        let e =
            Customer::new(Uuid::now_v7(), IdKind::Ruc, "20512333798", "X", "", "", "").unwrap_err();
        assert!(matches!(e, DomainError::RucCheckDigit { .. }));
        assert!(e.mensaje().starts_with("RUC inválido"));
    }

    #[test]
    fn name_is_required() {
        assert_eq!(
            Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "  ", "", "", ""),
            Err(DomainError::NameRequired)
        );
    }

    #[test]
    fn search_ignores_accents() {
        let c = Customer::new(
            Uuid::now_v7(),
            IdKind::Dni,
            "45678912",
            "José Núñez",
            "",
            "",
            "",
        )
        .unwrap();
        assert!(c.search_text().contains("jose nunez"));
        assert!(c.search_text().contains(&fold("NÚÑEZ")));
    }
}
