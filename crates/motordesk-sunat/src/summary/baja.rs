//! The comunicación de baja (`VoidedDocuments`, file `RUC-RA-YYYYMMDD-N`): voids accepted
//! facturas and their notes, all issued on one day (`cbc:ReferenceDate`), each with its
//! reason (≤ 100 characters, greenter `VoidedDetailLoader.php`). Boletas and their notes
//! are voided in the resumen diario instead (peru-billing.md §2.14).

use super::{Header, SummaryError, SummaryKind};
use crate::model::{DocumentType, Issuer};
use crate::ubl::UnsignedXml;
use crate::ubl::check;
use crate::ubl::xml::Xml;
use chrono::NaiveDate;
use std::collections::HashMap;

/// SUNAT's limit for `sac:VoidReasonDescription`.
pub const MAX_VOID_REASON: usize = 100;

/// One voided document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BajaLine {
    /// Factura, or a note of a factura.
    pub doc_type: DocumentType,
    /// Its series (F…, FC…, FD…).
    pub series: String,
    /// Its correlative.
    pub number: u32,
    /// Its issue date (the same for every line: the `cbc:ReferenceDate`).
    pub issue_date: NaiveDate,
    /// Why it is voided (1–100 characters, one line).
    pub reason: String,
}

/// A comunicación de baja.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComunicacionBaja {
    /// The shop (only its RUC and razón social are written).
    pub issuer: Issuer,
    /// The day the communication is made (`cbc:IssueDate`, and the date in its id).
    pub issue_date: NaiveDate,
    /// `N` of `RA-YYYYMMDD-N`: 1 for the first baja of that day, and so on.
    pub correlative: u32,
    /// The documents voided.
    pub lines: Vec<BajaLine>,
}

impl ComunicacionBaja {
    /// `RA-20261125-1`.
    pub fn id(&self) -> String {
        super::summary_id(
            SummaryKind::ComunicacionBaja,
            self.issue_date,
            self.correlative,
        )
    }

    /// `20000000001-RA-20261125-1`.
    pub fn file_name(&self) -> String {
        super::summary_file_name(
            &self.issuer.ruc,
            SummaryKind::ComunicacionBaja,
            self.issue_date,
            self.correlative,
        )
    }
}

/// Writes the comunicación de baja, after checking it (see [`SummaryError`]).
pub fn build_baja(b: &ComunicacionBaja) -> Result<UnsignedXml, SummaryError> {
    let header = Header {
        kind: SummaryKind::ComunicacionBaja,
        issuer: &b.issuer,
        issue_date: b.issue_date,
        correlative: b.correlative,
    };
    let reference_date = header.check(b.lines.iter().map(|l| l.issue_date))?;
    let mut seen: HashMap<(&'static str, &str, u32), usize> = HashMap::new();
    for (i, l) in b.lines.iter().enumerate() {
        let n = i + 1;
        let at = |source| SummaryError::Line { line: n, source };
        if l.doc_type == DocumentType::Boleta || l.series.starts_with('B') {
            return Err(SummaryError::BoletaInBaja { line: n });
        }
        check::series(&l.series, DocumentType::Factura, "series").map_err(at)?;
        check::number(l.number, "number").map_err(at)?;
        check::one_line_text("baja.reason", &l.reason, 1, MAX_VOID_REASON).map_err(at)?;
        if let Some(first) = seen.insert((l.doc_type.code(), &l.series, l.number), n) {
            return Err(SummaryError::Duplicate {
                line: n,
                first,
                id: format!("{}-{}", l.series, l.number),
            });
        }
    }

    let mut x = Xml::with_capacity(2048 + 400 * b.lines.len());
    header.write(&mut x, "1.0", reference_date);
    for (i, l) in b.lines.iter().enumerate() {
        x.raw("<sac:VoidedDocumentsLine>");
        x.el("cbc:LineID", &(i + 1).to_string());
        x.el("cbc:DocumentTypeCode", l.doc_type.code());
        x.el("sac:DocumentSerialID", &l.series);
        x.el("sac:DocumentNumberID", &l.number.to_string());
        x.el("sac:VoidReasonDescription", &l.reason);
        x.raw("</sac:VoidedDocumentsLine>");
    }
    Ok(header.finish(x))
}
