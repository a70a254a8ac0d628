//! Why a comunicación de baja or a resumen diario could not be written: English `Display`
//! for logs, Spanish `mensaje()` for the screen; a field error keeps its [`BuildError`].

use super::SummaryKind;
use crate::error::BuildError;
use chrono::NaiveDate;
use thiserror::Error;

/// Why a summary document was refused. Nothing is truncated or dropped silently.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SummaryError {
    /// A summary needs at least one document.
    #[error("the {} has no lines", kind_en(*.0))]
    NoLines(SummaryKind),
    /// The issuer's RUC or razón social is not usable.
    #[error("issuer: {0}")]
    Header(#[source] BuildError),
    /// A field of one line (series, number, reason, customer...) is not usable.
    #[error("line {line}: {source}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// The field and what is wrong with it.
        #[source]
        source: BuildError,
    },
    /// `N` of `RA-YYYYMMDD-N` must be 1..=99999.
    #[error("summary correlative {0} is outside 1..=99999")]
    Correlative(u32),
    /// Every document of one summary must have the same issue date (`cbc:ReferenceDate`).
    #[error("line {line} was issued on {found}, line 1 on {first}: one summary per issue date")]
    MixedReferenceDates {
        /// 1-based line number of the first different date.
        line: usize,
        /// Issue date of line 1.
        first: NaiveDate,
        /// The different date.
        found: NaiveDate,
    },
    /// The summary cannot be dated before the documents it lists.
    #[error("summary dated {issue_date}, before its documents ({reference_date})")]
    IssuedBeforeDocuments {
        /// The summary's date.
        issue_date: NaiveDate,
        /// The documents' date.
        reference_date: NaiveDate,
    },
    /// Facturas (and their notes) are sent one by one with `sendBill`, never in a resumen.
    #[error("line {line}: facturas and their notes do not go in a resumen diario")]
    FacturaInResumen {
        /// 1-based line number.
        line: usize,
    },
    /// Boletas and their notes are voided with a resumen diario line (estado 3), not a
    /// comunicación de baja.
    #[error(
        "line {line}: boletas and their notes are voided in a resumen diario, not a comunicación de baja"
    )]
    BoletaInBaja {
        /// 1-based line number.
        line: usize,
    },
    /// A note must name the boleta it modifies; a boleta must not name any.
    #[error("line {line}: {what}")]
    Reference {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// The same document twice in one summary.
    #[error("line {line}: {id} is already on line {first}")]
    Duplicate {
        /// 1-based line number of the repeat.
        line: usize,
        /// 1-based line number of the first occurrence.
        first: usize,
        /// `SERIE-NUMERO`.
        id: String,
    },
    /// The line's amounts are negative or do not add up (gravada + exonerada + inafecta +
    /// IGV = total).
    #[error("line {line}: amounts do not add up")]
    Amounts {
        /// 1-based line number.
        line: usize,
    },
}

fn kind_en(k: SummaryKind) -> &'static str {
    match k {
        SummaryKind::ComunicacionBaja => "comunicación de baja",
        SummaryKind::ResumenDiario => "resumen diario",
    }
}

impl SummaryError {
    /// The message for the kiosk screen, in Spanish.
    pub fn mensaje(&self) -> String {
        match self {
            SummaryError::NoLines(SummaryKind::ComunicacionBaja) => {
                "La comunicación de baja no tiene comprobantes.".into()
            }
            SummaryError::NoLines(SummaryKind::ResumenDiario) => {
                "El resumen diario no tiene comprobantes.".into()
            }
            SummaryError::Header(e) => e.mensaje(),
            SummaryError::Line { line, source } => {
                format!("Línea {line}: {}", source.mensaje())
            }
            SummaryError::Correlative(n) => {
                format!("Número de resumen {n} fuera de rango (1 a 99 999).")
            }
            SummaryError::MixedReferenceDates { line, first, found } => format!(
                "La línea {line} es del {} y la primera del {}: cada resumen o baja lleva comprobantes de un solo día.",
                found.format("%d/%m/%Y"),
                first.format("%d/%m/%Y")
            ),
            SummaryError::IssuedBeforeDocuments {
                issue_date,
                reference_date,
            } => format!(
                "La fecha del envío ({}) no puede ser anterior a la de los comprobantes ({}).",
                issue_date.format("%d/%m/%Y"),
                reference_date.format("%d/%m/%Y")
            ),
            SummaryError::FacturaInResumen { line } => format!(
                "Línea {line}: las facturas y sus notas se envían una por una, no en el resumen diario."
            ),
            SummaryError::BoletaInBaja { line } => format!(
                "Línea {line}: las boletas y sus notas se anulan en el resumen diario, no con comunicación de baja."
            ),
            SummaryError::Reference { line, .. } => format!(
                "Línea {line}: la nota debe indicar la boleta que modifica (y una boleta no cita ningún comprobante)."
            ),
            SummaryError::Duplicate { line, first, id } => {
                format!("Línea {line}: el comprobante {id} ya está en la línea {first}.")
            }
            SummaryError::Amounts { line } => {
                format!("Línea {line}: los importes no cuadran.")
            }
        }
    }
}
