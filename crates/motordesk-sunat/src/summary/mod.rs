//! SUNAT's two daily "summary" documents, sent with `sendSummary` (asynchronous, a ticket):
//! the comunicación de baja (`VoidedDocuments`, RA) that voids accepted facturas and their
//! notes, and the resumen diario (`SummaryDocuments`, RC) that reports, modifies or voids
//! boletas and their notes. They exist as their own module because they are not UBL 2.1
//! comprobantes: UBL 2.0 / SUNAT customization, SUNAT's own root namespaces and the `sac:`
//! components, no XSD in `shared/sunat`.
//!
//! They are written with the same canonical writer (`crate::ubl::xml`) and signed with the
//! same [`crate::sign`] as facturas: [`build_baja`] and [`build_resumen`] return an
//! [`UnsignedXml`] with the empty signature slot.
//!
//! Element order, taken from (reference only, nothing copied):
//! - thegreenter/greenter `packages/xml/src/Xml/Templates/voided.xml.twig` and
//!   `packages/xml/src/Xml/Templates/summary.xml.twig`;
//! - project-openubl/xhandler-rust `xbuilder/resources/templates/renderer/voidedDocuments.xml`,
//!   `xbuilder/resources/templates/renderer/summaryDocuments.xml`, and the samples
//!   `xbuilder/tests/resources/e2e/renderer/voideddocument/VoidedDocumentsTest/voidedDocument.xml`,
//!   `xbuilder/tests/resources/e2e/renderer/summarydocuments/SummaryDocumentsTest/summaryDocuments.xml`,
//!   `xbuilder/tests/resources/e2e/homologacion/Group13Test/resumenDiarioDeBoletas.xml`,
//!   `xbuilder/tests/resources/e2e/homologacion/Group14Test/comunicacionDeBaja.xml`.

mod baja;
mod error;
mod resumen;

pub use baja::{BajaLine, ComunicacionBaja, build_baja};
pub use error::SummaryError;
pub use resumen::{ResumenDiario, ResumenLine, ResumenStatus, build_resumen};

use crate::model::Issuer;
use crate::ubl::check;
use crate::ubl::codes::SIGNATURE_ID;
use crate::ubl::xml::Xml;
use crate::ubl::{Root, UnsignedXml, open_document};
use chrono::NaiveDate;

/// The largest `N` in `RA-YYYYMMDD-N` / `RC-YYYYMMDD-N` (SUNAT allows 1 to 5 digits).
pub const MAX_SUMMARY_CORRELATIVE: u32 = 99_999;

/// Which summary document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryKind {
    /// Comunicación de baja, "RA".
    ComunicacionBaja,
    /// Resumen diario, "RC".
    ResumenDiario,
}

impl SummaryKind {
    /// "RA" or "RC": the type part of the id and of the file name.
    pub fn code(self) -> &'static str {
        match self {
            SummaryKind::ComunicacionBaja => "RA",
            SummaryKind::ResumenDiario => "RC",
        }
    }

    fn root(self) -> Root {
        match self {
            SummaryKind::ComunicacionBaja => Root::VoidedDocuments,
            SummaryKind::ResumenDiario => Root::SummaryDocuments,
        }
    }
}

/// `RA-20261125-1`: the document's `cbc:ID` (date = the summary's own issue date).
pub fn summary_id(kind: SummaryKind, issue_date: NaiveDate, correlative: u32) -> String {
    format!(
        "{}-{}-{correlative}",
        kind.code(),
        issue_date.format("%Y%m%d")
    )
}

/// `20000000001-RA-20261125-1` (add ".xml" or ".zip"), the summary counterpart of
/// [`crate::file_name`].
pub fn summary_file_name(
    ruc: &str,
    kind: SummaryKind,
    issue_date: NaiveDate,
    correlative: u32,
) -> String {
    format!("{ruc}-{}", summary_id(kind, issue_date, correlative))
}

/// What both summaries share in their header.
struct Header<'a> {
    kind: SummaryKind,
    issuer: &'a Issuer,
    issue_date: NaiveDate,
    correlative: u32,
}

impl Header<'_> {
    /// The issuer, the correlative and the dates; returns the reference date (the one
    /// issue date of every line, given by `dates`).
    fn check(&self, dates: impl Iterator<Item = NaiveDate>) -> Result<NaiveDate, SummaryError> {
        check::digits("issuer.ruc", &self.issuer.ruc, 11).map_err(SummaryError::Header)?;
        check::one_line_text("issuer.legal_name", &self.issuer.legal_name, 1, 100)
            .map_err(SummaryError::Header)?;
        if !(1..=MAX_SUMMARY_CORRELATIVE).contains(&self.correlative) {
            return Err(SummaryError::Correlative(self.correlative));
        }
        let mut reference: Option<NaiveDate> = None;
        for (i, date) in dates.enumerate() {
            match reference {
                None => reference = Some(date),
                Some(first) if first != date => {
                    return Err(SummaryError::MixedReferenceDates {
                        line: i + 1,
                        first,
                        found: date,
                    });
                }
                Some(_) => {}
            }
        }
        let reference = reference.ok_or(SummaryError::NoLines(self.kind))?;
        if self.issue_date < reference {
            return Err(SummaryError::IssuedBeforeDocuments {
                issue_date: self.issue_date,
                reference_date: reference,
            });
        }
        Ok(reference)
    }

    /// Declaration, root, signature slot, versions, id, dates, `cac:Signature` and
    /// `cac:AccountingSupplierParty`, in the order of the references above.
    fn write(&self, x: &mut Xml, customization: &str, reference_date: NaiveDate) {
        open_document(x, self.kind.root());
        x.el("cbc:UBLVersionID", "2.0");
        x.el("cbc:CustomizationID", customization);
        x.el(
            "cbc:ID",
            &summary_id(self.kind, self.issue_date, self.correlative),
        );
        x.el(
            "cbc:ReferenceDate",
            &reference_date.format("%Y-%m-%d").to_string(),
        );
        x.el(
            "cbc:IssueDate",
            &self.issue_date.format("%Y-%m-%d").to_string(),
        );
        let ruc = &self.issuer.ruc;
        let name = &self.issuer.legal_name;
        x.raw("<cac:Signature>");
        x.el("cbc:ID", ruc);
        x.raw("<cac:SignatoryParty><cac:PartyIdentification>");
        x.el("cbc:ID", ruc);
        x.raw("</cac:PartyIdentification><cac:PartyName>");
        x.el("cbc:Name", name);
        x.raw("</cac:PartyName></cac:SignatoryParty>");
        x.raw("<cac:DigitalSignatureAttachment><cac:ExternalReference>");
        x.el("cbc:URI", &format!("#{SIGNATURE_ID}"));
        x.raw("</cac:ExternalReference></cac:DigitalSignatureAttachment></cac:Signature>");
        x.raw("<cac:AccountingSupplierParty>");
        x.el("cbc:CustomerAssignedAccountID", ruc);
        x.el("cbc:AdditionalAccountID", "6");
        x.raw("<cac:Party><cac:PartyLegalEntity>");
        x.el("cbc:RegistrationName", name);
        x.raw("</cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>");
    }

    fn finish(&self, mut x: Xml) -> UnsignedXml {
        let root = self.kind.root();
        x.close(root.name());
        UnsignedXml::from_parts(x.into_string(), root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_file_names() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(
            summary_id(SummaryKind::ComunicacionBaja, day, 1),
            "RA-20260105-1"
        );
        assert_eq!(
            summary_file_name("20000000001", SummaryKind::ResumenDiario, day, 12),
            "20000000001-RC-20260105-12"
        );
    }
}
