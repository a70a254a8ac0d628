//! Writing a [`Comprobante`] as SUNAT UBL 2.1 (customization 2.0): `Invoice` for facturas
//! and boletas, `CreditNote` and `DebitNote` for the notes.
//!
//! The result is an [`UnsignedXml`]: complete except for the signature, with an empty
//! `ext:ExtensionContent` slot, written directly in Canonical XML form (see `xml.rs`). The
//! kiosk can store it and sign it later, when a certificate is imported, with
//! [`crate::sign`]; the bytes digested then are exactly the bytes written now.

pub(crate) mod amounts;
pub(crate) mod check;
pub(crate) mod codes;
mod lines;
mod parties;
mod payment;
mod taxes;
pub(crate) mod xml;

use crate::error::{BuildError, SignError};
use crate::model::{Comprobante, DocumentKind, DocumentType};
use codes::*;
use xml::Xml;

/// SUNAT's aggregate components (`sac:`), used by the resumen diario and the comunicación
/// de baja.
pub(crate) const NS_SAC: &str =
    "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1";

/// The XML declaration every document starts with (not part of the canonical form).
pub(crate) const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
/// The empty slot the signature goes into.
pub(crate) const SIGNATURE_SLOT: &str = "<ext:ExtensionContent></ext:ExtensionContent>";

/// The start every SUNAT document shares: declaration, root element with its namespace
/// declarations, and the empty extension the signature goes into.
pub(crate) fn open_document(x: &mut Xml, root: Root) {
    x.raw(DECLARATION);
    x.raw(&format!(
        "<{}{}>",
        root.name(),
        root.namespace_declarations()
    ));
    x.raw("<ext:UBLExtensions><ext:UBLExtension>");
    x.raw(SIGNATURE_SLOT);
    x.raw("</ext:UBLExtension></ext:UBLExtensions>");
}

/// The UBL root element of a document kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    Invoice,
    CreditNote,
    DebitNote,
    /// Comunicación de baja (RA), written by `crate::summary`.
    VoidedDocuments,
    /// Resumen diario (RC), written by `crate::summary`.
    SummaryDocuments,
}

impl Root {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Root::Invoice => "Invoice",
            Root::CreditNote => "CreditNote",
            Root::DebitNote => "DebitNote",
            Root::VoidedDocuments => "VoidedDocuments",
            Root::SummaryDocuments => "SummaryDocuments",
        }
    }

    fn namespace(self) -> &'static str {
        match self {
            Root::Invoice => "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
            Root::CreditNote => "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
            Root::DebitNote => "urn:oasis:names:specification:ubl:schema:xsd:DebitNote-2",
            Root::VoidedDocuments => {
                "urn:sunat:names:specification:ubl:peru:schema:xsd:VoidedDocuments-1"
            }
            Root::SummaryDocuments => {
                "urn:sunat:names:specification:ubl:peru:schema:xsd:SummaryDocuments-1"
            }
        }
    }

    /// The namespace declarations of the root, in C14N order (default first, then by
    /// prefix). They are the only ones in the document, so they are also exactly what
    /// inclusive C14N puts on `ds:SignedInfo`. The two SUNAT summaries add `sac`
    /// (sorted last).
    pub(crate) fn namespace_declarations(self) -> String {
        let sac = match self {
            Root::VoidedDocuments | Root::SummaryDocuments => {
                format!(" xmlns:sac=\"{NS_SAC}\"")
            }
            Root::Invoice | Root::CreditNote | Root::DebitNote => String::new(),
        };
        format!(
            " xmlns=\"{}\" xmlns:cac=\"{NS_CAC}\" xmlns:cbc=\"{NS_CBC}\" xmlns:ds=\"{NS_DS}\" xmlns:ext=\"{NS_EXT}\"{sac}",
            self.namespace()
        )
    }

    pub(crate) fn from_name(name: &str) -> Option<Root> {
        match name {
            "Invoice" => Some(Root::Invoice),
            "CreditNote" => Some(Root::CreditNote),
            "DebitNote" => Some(Root::DebitNote),
            "VoidedDocuments" => Some(Root::VoidedDocuments),
            "SummaryDocuments" => Some(Root::SummaryDocuments),
            _ => None,
        }
    }

    /// Element names of a line, its quantity and the header monetary total.
    pub(crate) fn line_names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Root::Invoice => (
                "cac:InvoiceLine",
                "cbc:InvoicedQuantity",
                "cac:LegalMonetaryTotal",
            ),
            Root::CreditNote => (
                "cac:CreditNoteLine",
                "cbc:CreditedQuantity",
                "cac:LegalMonetaryTotal",
            ),
            Root::DebitNote => (
                "cac:DebitNoteLine",
                "cbc:DebitedQuantity",
                "cac:RequestedMonetaryTotal",
            ),
            // `build` only writes the three UBL documents; summaries have their own lines.
            Root::VoidedDocuments | Root::SummaryDocuments => {
                unreachable!("summaries are written by crate::summary")
            }
        }
    }
}

/// A complete UBL document without its signature, in canonical form, ready to be signed
/// now or later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedXml {
    xml: String,
    root: Root,
}

impl UnsignedXml {
    /// The XML text (UTF-8), e.g. to store until a certificate is available.
    pub fn as_str(&self) -> &str {
        &self.xml
    }

    /// The XML bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.xml.as_bytes()
    }

    /// Takes the XML bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.xml.into_bytes()
    }

    /// Takes back bytes produced by [`build`] (for example read from the kiosk's store).
    ///
    /// Only documents written by this crate are accepted: signing relies on their bytes
    /// already being canonical, which arbitrary XML is not.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, SignError> {
        let xml = String::from_utf8(bytes).map_err(|_| SignError::NotUnsigned("not UTF-8"))?;
        let body = xml
            .strip_prefix(DECLARATION)
            .ok_or(SignError::NotUnsigned("missing the XML declaration"))?;
        let name_end = body
            .find(' ')
            .ok_or(SignError::NotUnsigned("no root element"))?;
        let root = body
            .strip_prefix('<')
            .and_then(|_| Root::from_name(&body[1..name_end]))
            .ok_or(SignError::NotUnsigned(
                "root is not Invoice, CreditNote, DebitNote, VoidedDocuments or SummaryDocuments",
            ))?;
        let start = format!("<{}{}>", root.name(), root.namespace_declarations());
        if !body.starts_with(&start) {
            return Err(SignError::NotUnsigned("unexpected root namespaces"));
        }
        if !body.ends_with(&format!("</{}>", root.name())) {
            return Err(SignError::NotUnsigned("text after the root element"));
        }
        if body.matches(SIGNATURE_SLOT).count() != 1 {
            return Err(SignError::NotUnsigned(
                "no empty ext:ExtensionContent slot (already signed?)",
            ));
        }
        // Markers of non-canonical text this crate never writes.
        if [
            "/>",
            "\r",
            "<!--",
            "<![CDATA[",
            "<!DOCTYPE",
            "<?",
            "<ds:Signature",
        ]
        .iter()
        .any(|m| body.contains(m))
        {
            return Err(SignError::NotUnsigned(
                "not in the canonical form this crate writes",
            ));
        }
        Ok(UnsignedXml { xml, root })
    }

    pub(crate) fn root(&self) -> Root {
        self.root
    }

    /// Wraps a document written elsewhere in this crate (`crate::summary`) in the same
    /// canonical form as [`build`]'s: the declaration, `root` with
    /// [`Root::namespace_declarations`] and one empty signature slot.
    pub(crate) fn from_parts(xml: String, root: Root) -> Self {
        debug_assert!(xml.starts_with(&format!(
            "{DECLARATION}<{}{}>",
            root.name(),
            root.namespace_declarations()
        )));
        debug_assert_eq!(xml.matches(SIGNATURE_SLOT).count(), 1);
        UnsignedXml { xml, root }
    }
}

/// Writes a comprobante as UBL 2.1 XML, after checking it (see [`BuildError`]).
pub fn build(c: &Comprobante) -> Result<UnsignedXml, BuildError> {
    check::comprobante(c)?;
    let root = match c.kind.document_type() {
        DocumentType::Factura | DocumentType::Boleta => Root::Invoice,
        DocumentType::NotaCredito => Root::CreditNote,
        DocumentType::NotaDebito => Root::DebitNote,
    };
    let mut x = Xml::with_capacity(4096 + 2048 * c.lines.len());
    open_document(&mut x, root);
    x.el("cbc:UBLVersionID", "2.1");
    x.leaf("cbc:CustomizationID", &[("schemeAgencyName", SUNAT)], "2.0");

    let operation = operation_type(c);
    if root == Root::Invoice {
        x.leaf(
            "cbc:ProfileID",
            &[
                ("schemeAgencyName", SUNAT),
                ("schemeName", "Tipo de Operacion"),
                ("schemeURI", CAT51),
            ],
            operation,
        );
    }
    x.el("cbc:ID", &c.series_number());
    x.el(
        "cbc:IssueDate",
        &c.issue_date.format("%Y-%m-%d").to_string(),
    );
    x.el(
        "cbc:IssueTime",
        &c.issue_time.format("%H:%M:%S").to_string(),
    );
    if root == Root::Invoice {
        x.leaf(
            "cbc:InvoiceTypeCode",
            &[
                ("listAgencyName", SUNAT),
                ("listID", operation),
                ("listName", "Tipo de Documento"),
                ("listSchemeURI", CAT51),
                ("listURI", CAT01),
                ("name", "Tipo de Operacion"),
            ],
            c.kind.document_type().code(),
        );
    }
    x.leaf(
        "cbc:Note",
        &[("languageLocaleID", "1000")],
        &c.amount_in_words,
    );
    if let DocumentKind::Factura {
        detraccion: Some(_),
        ..
    } = &c.kind
    {
        x.leaf(
            "cbc:Note",
            &[("languageLocaleID", "2006")],
            "Operación sujeta a detracción",
        );
    }
    x.leaf(
        "cbc:DocumentCurrencyCode",
        &[
            ("listAgencyName", UNECE),
            ("listID", "ISO 4217 Alpha"),
            ("listName", "Currency"),
        ],
        &c.currency,
    );
    if let DocumentKind::NotaCredito { reference, reason }
    | DocumentKind::NotaDebito { reference, reason } = &c.kind
    {
        let (list_name, uri) = if root == Root::CreditNote {
            ("Tipo de nota de credito", CAT09)
        } else {
            ("Tipo de nota de debito", CAT10)
        };
        let reference_id = format!("{}-{}", reference.series, reference.number);
        x.raw("<cac:DiscrepancyResponse>");
        x.el("cbc:ReferenceID", &reference_id);
        x.leaf(
            "cbc:ResponseCode",
            &[
                ("listAgencyName", SUNAT),
                ("listName", list_name),
                ("listURI", uri),
            ],
            &reason.code,
        );
        x.el("cbc:Description", &reason.description);
        x.raw("</cac:DiscrepancyResponse>");
        x.raw("<cac:BillingReference><cac:InvoiceDocumentReference>");
        x.el("cbc:ID", &reference_id);
        x.leaf(
            "cbc:DocumentTypeCode",
            &[
                ("listAgencyName", SUNAT),
                ("listName", "Tipo de Documento"),
                ("listURI", CAT01),
            ],
            reference.doc_type.code(),
        );
        x.raw("</cac:InvoiceDocumentReference></cac:BillingReference>");
    }
    parties::signature_reference(&mut x, c);
    parties::supplier(&mut x, c);
    parties::customer(&mut x, c);
    if let DocumentKind::Factura {
        payment,
        detraccion,
    } = &c.kind
    {
        payment::factura(&mut x, payment, detraccion.as_ref());
    }
    taxes::header(&mut x, c, root);
    lines::all(&mut x, c, root);
    x.close(root.name());
    Ok(UnsignedXml {
        xml: x.into_string(),
        root,
    })
}

/// Catálogo 51: 1001 (operación sujeta a detracción) or 0101 (venta interna).
fn operation_type(c: &Comprobante) -> &'static str {
    match &c.kind {
        DocumentKind::Factura {
            detraccion: Some(_),
            ..
        } => "1001",
        _ => "0101",
    }
}
