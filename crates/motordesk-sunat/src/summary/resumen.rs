//! The resumen diario (`SummaryDocuments`, file `RUC-RC-YYYYMMDD-N`): reports boletas and
//! their notes issued on one day (`cbc:ReferenceDate`), each with its status (catálogo 19:
//! 1 add, 2 modify, 3 void), customer, amounts and IGV; a note also names the boleta it
//! modifies. Facturas never go here: they are sent one by one.

use super::{Header, SummaryError, SummaryKind};
use crate::model::{BuyerDocType, DocumentType, Issuer, ReferencedDocument, Totals};
use crate::ubl::UnsignedXml;
use crate::ubl::amounts::money;
use crate::ubl::check;
use crate::ubl::codes::PEN;
use crate::ubl::xml::Xml;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Catálogo 19: what the line does with the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResumenStatus {
    /// "1": report a new document.
    Adicionar,
    /// "2": correct a document reported earlier.
    Modificar,
    /// "3": void a document reported earlier.
    Anular,
}

impl ResumenStatus {
    /// The `cbc:ConditionCode`.
    pub fn code(self) -> &'static str {
        match self {
            ResumenStatus::Adicionar => "1",
            ResumenStatus::Modificar => "2",
            ResumenStatus::Anular => "3",
        }
    }
}

/// One boleta or note of a boleta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumenLine {
    /// Boleta (03), nota de crédito (07) or nota de débito (08) of a boleta.
    pub doc_type: DocumentType,
    /// Series (B…, BC…, BD…).
    pub series: String,
    /// Correlative.
    pub number: u32,
    /// Its issue date (the same for every line: the `cbc:ReferenceDate`).
    pub issue_date: NaiveDate,
    /// Customer's document type (catálogo 06; `SinDocumento` for clientes varios).
    pub buyer_doc_type: BuyerDocType,
    /// Customer's document number ("-" for clientes varios).
    pub buyer_doc_number: String,
    /// For notes: the boleta modified. `None` for boletas.
    pub reference: Option<ReferencedDocument>,
    /// Add, modify or void.
    pub status: ResumenStatus,
    /// The document's totals, as on its XML.
    pub totals: Totals,
}

/// A resumen diario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumenDiario {
    /// The shop (only its RUC and razón social are written).
    pub issuer: Issuer,
    /// The day the resumen is made (`cbc:IssueDate`, and the date in its id).
    pub issue_date: NaiveDate,
    /// `N` of `RC-YYYYMMDD-N`: 1 for the first resumen of that day, and so on.
    pub correlative: u32,
    /// The documents reported.
    pub lines: Vec<ResumenLine>,
}

impl ResumenDiario {
    /// `RC-20261125-1`.
    pub fn id(&self) -> String {
        super::summary_id(
            SummaryKind::ResumenDiario,
            self.issue_date,
            self.correlative,
        )
    }

    /// `20000000001-RC-20261125-1`.
    pub fn file_name(&self) -> String {
        super::summary_file_name(
            &self.issuer.ruc,
            SummaryKind::ResumenDiario,
            self.issue_date,
            self.correlative,
        )
    }
}

/// Writes the resumen diario, after checking it (see [`SummaryError`]).
pub fn build_resumen(r: &ResumenDiario) -> Result<UnsignedXml, SummaryError> {
    let header = Header {
        kind: SummaryKind::ResumenDiario,
        issuer: &r.issuer,
        issue_date: r.issue_date,
        correlative: r.correlative,
    };
    let reference_date = header.check(r.lines.iter().map(|l| l.issue_date))?;
    let mut seen: HashMap<(&'static str, &str, u32), usize> = HashMap::new();
    for (i, l) in r.lines.iter().enumerate() {
        let n = i + 1;
        line(n, l)?;
        if let Some(first) = seen.insert((l.doc_type.code(), &l.series, l.number), n) {
            return Err(SummaryError::Duplicate {
                line: n,
                first,
                id: format!("{}-{}", l.series, l.number),
            });
        }
    }

    let mut x = Xml::with_capacity(2048 + 1200 * r.lines.len());
    header.write(&mut x, "1.1", reference_date);
    for (i, l) in r.lines.iter().enumerate() {
        write_line(&mut x, i + 1, l);
    }
    Ok(header.finish(x))
}

fn line(n: usize, l: &ResumenLine) -> Result<(), SummaryError> {
    let at = |source| SummaryError::Line { line: n, source };
    match (l.doc_type, &l.reference) {
        (DocumentType::Factura, _) => return Err(SummaryError::FacturaInResumen { line: n }),
        (DocumentType::Boleta, Some(_)) => {
            return Err(SummaryError::Reference {
                line: n,
                what: "a boleta does not reference another document",
            });
        }
        (DocumentType::Boleta, None) => {}
        (DocumentType::NotaCredito | DocumentType::NotaDebito, None) => {
            return Err(SummaryError::Reference {
                line: n,
                what: "a note needs the boleta it modifies",
            });
        }
        (DocumentType::NotaCredito | DocumentType::NotaDebito, Some(reference)) => {
            if reference.doc_type != DocumentType::Boleta {
                return Err(SummaryError::FacturaInResumen { line: n });
            }
            check::series(&reference.series, DocumentType::Boleta, "reference.series")
                .map_err(at)?;
            check::number(reference.number, "reference.number").map_err(at)?;
        }
    }
    if l.series.starts_with('F') {
        return Err(SummaryError::FacturaInResumen { line: n });
    }
    check::series(&l.series, DocumentType::Boleta, "series").map_err(at)?;
    check::number(l.number, "number").map_err(at)?;
    buyer(l).map_err(at)?;
    let t = &l.totals;
    let parts = [t.gravada, t.exonerada, t.inafecta, t.igv, t.total];
    if parts.iter().any(|d| d.is_sign_negative() && !d.is_zero())
        || t.gravada + t.exonerada + t.inafecta + t.igv != t.total
    {
        return Err(SummaryError::Amounts { line: n });
    }
    Ok(())
}

fn buyer(l: &ResumenLine) -> Result<(), crate::error::BuildError> {
    let field = "buyer.doc_number";
    let number = l.buyer_doc_number.as_str();
    match l.buyer_doc_type {
        BuyerDocType::Ruc => check::digits(field, number, 11),
        BuyerDocType::Dni => check::digits(field, number, 8),
        BuyerDocType::SinDocumento if number == "-" => Ok(()),
        _ => {
            check::one_line_text(field, number, 1, 15)?;
            if number
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                Ok(())
            } else {
                Err(crate::error::BuildError::InvalidFormat {
                    field,
                    value: number.to_string(),
                })
            }
        }
    }
}

fn write_line(x: &mut Xml, n: usize, l: &ResumenLine) {
    x.raw("<sac:SummaryDocumentsLine>");
    x.el("cbc:LineID", &n.to_string());
    x.el("cbc:DocumentTypeCode", l.doc_type.code());
    x.el("cbc:ID", &format!("{}-{}", l.series, l.number));
    x.raw("<cac:AccountingCustomerParty>");
    x.el("cbc:CustomerAssignedAccountID", &l.buyer_doc_number);
    x.el("cbc:AdditionalAccountID", l.buyer_doc_type.code());
    x.raw("</cac:AccountingCustomerParty>");
    if let Some(r) = &l.reference {
        x.raw("<cac:BillingReference><cac:InvoiceDocumentReference>");
        x.el("cbc:ID", &format!("{}-{}", r.series, r.number));
        x.el("cbc:DocumentTypeCode", r.doc_type.code());
        x.raw("</cac:InvoiceDocumentReference></cac:BillingReference>");
    }
    x.raw("<cac:Status>");
    x.el("cbc:ConditionCode", l.status.code());
    x.raw("</cac:Status>");
    let t = &l.totals;
    x.leaf("sac:TotalAmount", &PEN, &money(t.total));
    for (amount, instruction) in [(t.gravada, "01"), (t.exonerada, "02"), (t.inafecta, "03")] {
        if amount != Decimal::ZERO {
            x.raw("<sac:BillingPayment>");
            x.leaf("cbc:PaidAmount", &PEN, &money(amount));
            x.el("cbc:InstructionID", instruction);
            x.raw("</sac:BillingPayment>");
        }
    }
    // IGV is always declared, 0.00 on an all-exonerado boleta (greenter summary.xml.twig).
    let igv = money(t.igv);
    x.raw("<cac:TaxTotal>");
    x.leaf("cbc:TaxAmount", &PEN, &igv);
    x.raw("<cac:TaxSubtotal>");
    x.leaf("cbc:TaxAmount", &PEN, &igv);
    x.raw("<cac:TaxCategory><cac:TaxScheme>");
    x.el("cbc:ID", "1000");
    x.el("cbc:Name", "IGV");
    x.el("cbc:TaxTypeCode", "VAT");
    x.raw("</cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>");
    x.raw("</sac:SummaryDocumentsLine>");
}
