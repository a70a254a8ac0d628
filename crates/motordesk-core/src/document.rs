//! Document kinds and their numbering: series (4 chars) + correlative (1..=99,999,999),
//! printed as `B001-00000042`. Each kiosk owns its own series, so numbers never collide.

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum DocumentKind {
    /// 01 — business buyer with RUC.
    Factura,
    /// 03 — final consumer.
    Boleta,
    /// Internal sales receipt, not a SUNAT document: never consumes F/B numbering.
    NotaDeVenta,
    /// 07 — corrects a factura or boleta downwards.
    NotaDeCredito,
    /// 08 — adds to a factura or boleta (interest, a price increase, penalties).
    NotaDeDebito,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Boleta,
        DocumentKind::Factura,
        DocumentKind::NotaDeVenta,
        DocumentKind::NotaDeCredito,
        DocumentKind::NotaDeDebito,
    ];

    /// SUNAT Catálogo 01 code; `None` for the non-fiscal nota de venta.
    pub fn sunat_code(self) -> Option<&'static str> {
        match self {
            DocumentKind::Factura => Some("01"),
            DocumentKind::Boleta => Some("03"),
            DocumentKind::NotaDeCredito => Some("07"),
            DocumentKind::NotaDeDebito => Some("08"),
            DocumentKind::NotaDeVenta => None,
        }
    }

    /// Title printed on the receipt.
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::Factura => "FACTURA ELECTRÓNICA",
            DocumentKind::Boleta => "BOLETA DE VENTA ELECTRÓNICA",
            DocumentKind::NotaDeVenta => "NOTA DE VENTA",
            DocumentKind::NotaDeCredito => "NOTA DE CRÉDITO ELECTRÓNICA",
            DocumentKind::NotaDeDebito => "NOTA DE DÉBITO ELECTRÓNICA",
        }
    }

    /// Short name for lists and buttons.
    pub fn short(self) -> &'static str {
        match self {
            DocumentKind::Factura => "Factura",
            DocumentKind::Boleta => "Boleta",
            DocumentKind::NotaDeVenta => "Nota de venta",
            DocumentKind::NotaDeCredito => "Nota de crédito",
            DocumentKind::NotaDeDebito => "Nota de débito",
        }
    }

    pub fn is_fiscal(self) -> bool {
        self != DocumentKind::NotaDeVenta
    }

    /// Credit and debit notes modify another document and must name it.
    pub fn is_note(self) -> bool {
        matches!(
            self,
            DocumentKind::NotaDeCredito | DocumentKind::NotaDeDebito
        )
    }
}

/// A series such as `B001`, `F001`, `NV01`, `BC01`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Series(String);

impl Series {
    /// Checks the SUNAT shape: 4 upper-case alphanumerics starting with a letter.
    /// (All-digit series are physical contingency documents, which the kiosk never issues.)
    pub fn new(s: &str) -> Result<Self, DomainError> {
        let s = s.trim().to_uppercase();
        let ok = s.len() == 4
            && s.chars().all(|c| c.is_ascii_alphanumeric())
            && s.starts_with(|c: char| c.is_ascii_alphabetic());
        if ok {
            Ok(Series(s))
        } else {
            Err(DomainError::SeriesFormat(s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Factura series start with F, boleta series with B, credit notes with the letter of
    /// the document they modify; nota de venta series are anything but F/B so they can
    /// never be confused with fiscal numbering.
    pub fn check_for(
        &self,
        kind: DocumentKind,
        modifies: Option<DocumentKind>,
    ) -> Result<(), DomainError> {
        let first = self.0.as_bytes()[0];
        let ok = match kind {
            DocumentKind::Factura => first == b'F',
            DocumentKind::Boleta => first == b'B',
            DocumentKind::NotaDeVenta => first != b'F' && first != b'B',
            DocumentKind::NotaDeCredito | DocumentKind::NotaDeDebito => match modifies {
                Some(DocumentKind::Factura) => first == b'F',
                Some(DocumentKind::Boleta) => first == b'B',
                _ => first == b'F' || first == b'B',
            },
        };
        if ok {
            Ok(())
        } else {
            Err(DomainError::SeriesKindMismatch {
                series: self.0.clone(),
                kind: kind.short(),
            })
        }
    }
}

impl fmt::Display for Series {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const MAX_CORRELATIVE: u32 = 99_999_999;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct DocumentNumber {
    pub series: Series,
    pub correlative: u32,
}

impl DocumentNumber {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::DocumentNumberFormat(s.to_string());
        let (series, num) = s.trim().split_once('-').ok_or_else(bad)?;
        let series = Series::new(series).map_err(|_| bad())?;
        if num.is_empty() || num.len() > 8 || !num.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let correlative: u32 = num.parse().map_err(|_| bad())?;
        if correlative == 0 {
            return Err(bad());
        }
        Ok(DocumentNumber {
            series,
            correlative,
        })
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:08}", self.series, self.correlative)
    }
}

/// The series one kiosk owns for each kind of document. The server assigns them at
/// registration; before that, the defaults below are used on a single kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesSet {
    pub factura: Series,
    pub boleta: Series,
    pub nota_de_venta: Series,
    pub credito_factura: Series,
    pub credito_boleta: Series,
}

impl SeriesSet {
    /// Series for kiosk number `n` (1-based): F00n, B00n, NV0n, FC0n, BC0n.
    pub fn for_kiosk(n: u16) -> Result<Self, DomainError> {
        let n = n.clamp(1, 99);
        Ok(SeriesSet {
            factura: Series::new(&format!("F{n:03}"))?,
            boleta: Series::new(&format!("B{n:03}"))?,
            nota_de_venta: Series::new(&format!("NV{n:02}"))?,
            credito_factura: Series::new(&format!("FC{n:02}"))?,
            credito_boleta: Series::new(&format!("BC{n:02}"))?,
        })
    }

    pub fn series_for(&self, kind: DocumentKind, modifies: Option<DocumentKind>) -> Series {
        match kind {
            DocumentKind::Factura => self.factura.clone(),
            DocumentKind::Boleta => self.boleta.clone(),
            DocumentKind::NotaDeVenta => self.nota_de_venta.clone(),
            DocumentKind::NotaDeCredito => match modifies {
                Some(DocumentKind::Factura) => self.credito_factura.clone(),
                _ => self.credito_boleta.clone(),
            },
            DocumentKind::NotaDeDebito => match modifies {
                Some(DocumentKind::Factura) => debit_of(&self.credito_factura),
                _ => debit_of(&self.credito_boleta),
            },
        }
    }

    /// Every series this kiosk may issue under (the server checks pushes against it).
    pub fn all(&self) -> [Series; 7] {
        [
            self.factura.clone(),
            self.boleta.clone(),
            self.nota_de_venta.clone(),
            self.credito_factura.clone(),
            self.credito_boleta.clone(),
            debit_of(&self.credito_factura),
            debit_of(&self.credito_boleta),
        ]
    }

    pub fn owns(&self, series: &Series) -> bool {
        self.all().contains(series)
    }
}

/// Debit-note series follow the kiosk's credit-note series with D in second place
/// (`FC01` → `FD01`), so stores and registrations made before debit notes existed need
/// no new field, and two kiosks still never share a series.
fn debit_of(credit: &Series) -> Series {
    let mut s = credit.0.clone();
    s.replace_range(1..2, "D");
    Series(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debit_notes_get_their_own_series_per_kiosk() {
        let set = SeriesSet::for_kiosk(2).unwrap();
        let fd = set.series_for(DocumentKind::NotaDeDebito, Some(DocumentKind::Factura));
        let bd = set.series_for(DocumentKind::NotaDeDebito, Some(DocumentKind::Boleta));
        assert_eq!((fd.as_str(), bd.as_str()), ("FD02", "BD02"));
        assert!(set.owns(&fd) && set.owns(&bd));
        assert!(!SeriesSet::for_kiosk(1).unwrap().owns(&fd));
        fd.check_for(DocumentKind::NotaDeDebito, Some(DocumentKind::Factura))
            .unwrap();
        assert!(
            bd.check_for(DocumentKind::NotaDeDebito, Some(DocumentKind::Factura))
                .is_err()
        );
    }

    #[test]
    fn prints_and_parses_numbers() {
        let n = DocumentNumber {
            series: Series::new("b001").unwrap(),
            correlative: 42,
        };
        assert_eq!(n.to_string(), "B001-00000042");
        assert_eq!(DocumentNumber::parse("B001-00000042").unwrap(), n);
        assert_eq!(DocumentNumber::parse("B001-42").unwrap(), n);
        assert!(DocumentNumber::parse("B001-000000042").is_err());
        assert!(DocumentNumber::parse("B01-1").is_err());
        assert!(DocumentNumber::parse("B001-0").is_err());
    }

    #[test]
    fn series_match_their_kind() {
        let set = SeriesSet::for_kiosk(2).unwrap();
        for kind in DocumentKind::ALL {
            for modifies in [Some(DocumentKind::Factura), Some(DocumentKind::Boleta)] {
                let s = set.series_for(kind, modifies);
                assert!(s.check_for(kind, modifies).is_ok(), "{kind:?} {s}");
            }
        }
        assert_eq!(set.boleta.as_str(), "B002");
        assert!(
            Series::new("F001")
                .unwrap()
                .check_for(DocumentKind::Boleta, None)
                .is_err()
        );
        assert!(
            Series::new("0001").is_err(),
            "contingency series are not for the kiosk"
        );
    }
}
