//! The comunicación de baja (RA) and the resumen diario (RC): there is no XSD for these
//! SUNAT documents in `shared/sunat`, so each one is checked for well-formed XML
//! (roxmltree), the element order of the reference implementations (below), an
//! independent signature check (`xmlsec1 --verify`, and a changed byte must fail it), and
//! the refusals.
//!
//! Reference order: thegreenter/greenter `packages/xml/src/Xml/Templates/voided.xml.twig`
//! and `summary.xml.twig`; project-openubl/xhandler-rust samples
//! `xbuilder/tests/resources/e2e/renderer/voideddocument/VoidedDocumentsTest/voidedDocument.xml`
//! and `xbuilder/tests/resources/e2e/renderer/summarydocuments/SummaryDocumentsTest/summaryDocuments.xml`
//! (which has a boleta and a credit note with its BillingReference). `REFERENCE_ORDER` is
//! the child order of every element in those samples, written out by hand.

mod common;
mod transport_support;

use chrono::NaiveDate;
use common::*;
use motordesk_sunat::{
    BajaLine, BuildError, BuyerDocType, ComunicacionBaja, DocumentName, DocumentType,
    ReferencedDocument, ResumenDiario, ResumenLine, ResumenStatus, SignedXml, SummaryError,
    SummaryKind, TicketStatus, Totals, UnsignedXml, Verdict, build_baja, build_resumen, sign,
    summary_file_name,
};
use rust_decimal_macros::dec;
use std::collections::HashMap;

const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// Parent → its children in the order of the reference samples (prefix:local names; the
/// root is written without prefix).
const REFERENCE_ORDER: &[(&str, &[&str])] = &[
    (
        "VoidedDocuments",
        &[
            "ext:UBLExtensions",
            "cbc:UBLVersionID",
            "cbc:CustomizationID",
            "cbc:ID",
            "cbc:ReferenceDate",
            "cbc:IssueDate",
            "cac:Signature",
            "cac:AccountingSupplierParty",
            "sac:VoidedDocumentsLine",
        ],
    ),
    (
        "SummaryDocuments",
        &[
            "ext:UBLExtensions",
            "cbc:UBLVersionID",
            "cbc:CustomizationID",
            "cbc:ID",
            "cbc:ReferenceDate",
            "cbc:IssueDate",
            "cac:Signature",
            "cac:AccountingSupplierParty",
            "sac:SummaryDocumentsLine",
        ],
    ),
    ("ext:UBLExtensions", &["ext:UBLExtension"]),
    ("ext:UBLExtension", &["ext:ExtensionContent"]),
    // Empty in the references (unsigned); `ds:Signature` once signed. Its inside is
    // XMLDSig's, checked by xmlsec1.
    ("ext:ExtensionContent", &["ds:Signature"]),
    (
        "cac:Signature",
        &[
            "cbc:ID",
            "cac:SignatoryParty",
            "cac:DigitalSignatureAttachment",
        ],
    ),
    (
        "cac:SignatoryParty",
        &["cac:PartyIdentification", "cac:PartyName"],
    ),
    ("cac:PartyIdentification", &["cbc:ID"]),
    ("cac:PartyName", &["cbc:Name"]),
    ("cac:DigitalSignatureAttachment", &["cac:ExternalReference"]),
    ("cac:ExternalReference", &["cbc:URI"]),
    (
        "cac:AccountingSupplierParty",
        &[
            "cbc:CustomerAssignedAccountID",
            "cbc:AdditionalAccountID",
            "cac:Party",
        ],
    ),
    ("cac:Party", &["cac:PartyLegalEntity"]),
    ("cac:PartyLegalEntity", &["cbc:RegistrationName"]),
    (
        "sac:VoidedDocumentsLine",
        &[
            "cbc:LineID",
            "cbc:DocumentTypeCode",
            "sac:DocumentSerialID",
            "sac:DocumentNumberID",
            "sac:VoidReasonDescription",
        ],
    ),
    (
        "sac:SummaryDocumentsLine",
        &[
            "cbc:LineID",
            "cbc:DocumentTypeCode",
            "cbc:ID",
            "cac:AccountingCustomerParty",
            "cac:BillingReference",
            "cac:Status",
            "sac:TotalAmount",
            "sac:BillingPayment",
            "cac:TaxTotal",
        ],
    ),
    (
        "cac:AccountingCustomerParty",
        &["cbc:CustomerAssignedAccountID", "cbc:AdditionalAccountID"],
    ),
    ("cac:BillingReference", &["cac:InvoiceDocumentReference"]),
    (
        "cac:InvoiceDocumentReference",
        &["cbc:ID", "cbc:DocumentTypeCode"],
    ),
    ("cac:Status", &["cbc:ConditionCode"]),
    (
        "sac:BillingPayment",
        &["cbc:PaidAmount", "cbc:InstructionID"],
    ),
    ("cac:TaxTotal", &["cbc:TaxAmount", "cac:TaxSubtotal"]),
    ("cac:TaxSubtotal", &["cbc:TaxAmount", "cac:TaxCategory"]),
    ("cac:TaxCategory", &["cac:TaxScheme"]),
    ("cac:TaxScheme", &["cbc:ID", "cbc:Name", "cbc:TaxTypeCode"]),
];

fn prefix_of(ns: Option<&str>) -> &'static str {
    match ns {
        Some("urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2") => "cac:",
        Some(NS_CBC) => "cbc:",
        Some("urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2") => "ext:",
        Some("urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1") => {
            "sac:"
        }
        Some(NS_DS) => "ds:",
        Some("urn:sunat:names:specification:ubl:peru:schema:xsd:VoidedDocuments-1")
        | Some("urn:sunat:names:specification:ubl:peru:schema:xsd:SummaryDocuments-1") => "",
        other => panic!("unexpected namespace {other:?}"),
    }
}

fn qname(n: roxmltree::Node) -> String {
    format!(
        "{}{}",
        prefix_of(n.tag_name().namespace()),
        n.tag_name().name()
    )
}

/// Every element's children appear in the reference order (optional ones may be absent,
/// repeated ones repeat in place), and no element is unknown to the reference.
fn assert_reference_order(xml: &str) {
    let order: HashMap<&str, &[&str]> = REFERENCE_ORDER.iter().copied().collect();
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let children: Vec<String> = node
            .children()
            .filter(|c| c.is_element())
            .map(qname)
            .collect();
        if children.is_empty() || node.tag_name().namespace() == Some(NS_DS) {
            continue;
        }
        let name = qname(node);
        let expected = order
            .get(name.as_str())
            .unwrap_or_else(|| panic!("{name} has children but is not in the reference"));
        let mut last = 0;
        for c in &children {
            let at = expected
                .iter()
                .position(|e| e == c)
                .unwrap_or_else(|| panic!("{c} is not a child of {name} in the reference"));
            assert!(at >= last, "{name}: {c} out of order in {children:?}");
            last = at;
        }
    }
}

fn text_of<'a>(doc: &'a roxmltree::Document, parent: &str, child: &str) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.is_element() && qname(*n) == parent)
        .flat_map(|p| {
            p.children()
                .filter(|c| c.is_element() && qname(*c) == child)
                .map(|c| c.text().unwrap_or(""))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn baja() -> ComunicacionBaja {
    ComunicacionBaja {
        issuer: issuer(),
        issue_date: day(27),
        correlative: 1,
        lines: vec![
            BajaLine {
                doc_type: DocumentType::Factura,
                series: "F001".into(),
                number: 123,
                issue_date: day(25),
                reason: "Error en el RUC del cliente: «PEÑA & HIJOS» <no corresponde>".into(),
            },
            BajaLine {
                doc_type: DocumentType::NotaCredito,
                series: "FC01".into(),
                number: 7,
                issue_date: day(25),
                reason: "Anulación de la operación".into(),
            },
        ],
    }
}

fn totals(gravada: rust_decimal::Decimal, exonerada: rust_decimal::Decimal) -> Totals {
    let igv = (gravada * dec!(0.18)).round_dp(2);
    Totals {
        gravada,
        exonerada,
        igv,
        total: gravada + exonerada + igv,
        ..Totals::default()
    }
}

fn boleta_line(number: u32, status: ResumenStatus) -> ResumenLine {
    ResumenLine {
        doc_type: DocumentType::Boleta,
        series: "B001".into(),
        number,
        issue_date: day(25),
        buyer_doc_type: BuyerDocType::Dni,
        buyer_doc_number: "45678912".into(),
        reference: None,
        status,
        totals: totals(dec!(100), dec!(0)),
    }
}

fn resumen() -> ResumenDiario {
    let anonymous = ResumenLine {
        buyer_doc_type: BuyerDocType::SinDocumento,
        buyer_doc_number: "-".into(),
        totals: totals(dec!(50), dec!(20)),
        ..boleta_line(2, ResumenStatus::Adicionar)
    };
    let exonerada = ResumenLine {
        totals: totals(dec!(0), dec!(35.5)),
        ..boleta_line(3, ResumenStatus::Modificar)
    };
    let credit_note = ResumenLine {
        doc_type: DocumentType::NotaCredito,
        series: "BC01".into(),
        number: 1,
        reference: Some(ReferencedDocument {
            doc_type: DocumentType::Boleta,
            series: "B001".into(),
            number: 1,
        }),
        totals: totals(dec!(10), dec!(0)),
        ..boleta_line(1, ResumenStatus::Adicionar)
    };
    ResumenDiario {
        issuer: issuer(),
        issue_date: day(26),
        correlative: 3,
        lines: vec![
            boleta_line(1, ResumenStatus::Adicionar),
            anonymous,
            exonerada,
            credit_note,
            boleta_line(4, ResumenStatus::Anular),
        ],
    }
}

/// Signs, writes `name.xml`, checks it with xmlsec1, and checks that one changed byte in
/// `tamper_after` breaks the signature.
fn sign_and_verify(unsigned: &UnsignedXml, name: &str, tamper_after: &str) -> SignedXml {
    let (cert, pem) = certificate();
    let signed = sign(unsigned, cert).expect("sign");
    let file = out_dir().join(format!("{name}.xml"));
    std::fs::write(&file, &signed.xml).unwrap();
    let o = xmlsec_verify(pem, &file);
    assert!(
        o.status.success(),
        "{name}: signature invalid:\n{}",
        text(&o)
    );

    assert_one_byte_breaks(&signed.xml, tamper_after, name, pem);
    signed
}

#[test]
fn comunicacion_de_baja_is_ordered_signed_and_verifiable() {
    let b = baja();
    assert_eq!(b.id(), "RA-20261127-1");
    let name = b.file_name();
    assert_eq!(name, "20000000001-RA-20261127-1");
    let unsigned = build_baja(&b).unwrap();
    assert_reference_order(unsigned.as_str());

    let signed = sign_and_verify(&unsigned, &name, "<sac:DocumentNumberID>");
    let xml = std::str::from_utf8(&signed.xml).unwrap();
    assert_reference_order(xml);
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "VoidedDocuments");
    assert_eq!(
        root.tag_name().namespace(),
        Some("urn:sunat:names:specification:ubl:peru:schema:xsd:VoidedDocuments-1")
    );
    let top: Vec<String> = root
        .children()
        .filter(|n| n.is_element())
        .map(qname)
        .collect();
    assert_eq!(
        top,
        [
            "ext:UBLExtensions",
            "cbc:UBLVersionID",
            "cbc:CustomizationID",
            "cbc:ID",
            "cbc:ReferenceDate",
            "cbc:IssueDate",
            "cac:Signature",
            "cac:AccountingSupplierParty",
            "sac:VoidedDocumentsLine",
            "sac:VoidedDocumentsLine",
        ]
    );
    let header = |c| text_of(&doc, "VoidedDocuments", c);
    assert_eq!(header("cbc:UBLVersionID"), ["2.0"]);
    assert_eq!(header("cbc:CustomizationID"), ["1.0"]);
    assert_eq!(header("cbc:ID"), ["RA-20261127-1"]);
    assert_eq!(header("cbc:ReferenceDate"), ["2026-11-25"]);
    assert_eq!(header("cbc:IssueDate"), ["2026-11-27"]);
    let line = |c| text_of(&doc, "sac:VoidedDocumentsLine", c);
    assert_eq!(line("cbc:LineID"), ["1", "2"]);
    assert_eq!(line("cbc:DocumentTypeCode"), ["01", "07"]);
    assert_eq!(line("sac:DocumentSerialID"), ["F001", "FC01"]);
    assert_eq!(line("sac:DocumentNumberID"), ["123", "7"]);
    assert_eq!(
        line("sac:VoidReasonDescription")[0],
        "Error en el RUC del cliente: «PEÑA & HIJOS» <no corresponde>"
    );
    assert_eq!(
        text_of(
            &doc,
            "cac:AccountingSupplierParty",
            "cbc:AdditionalAccountID"
        ),
        ["6"]
    );
    assert_eq!(
        text_of(&doc, "cac:ExternalReference", "cbc:URI"),
        ["#SignatureSP"]
    );
    assert!(xml.contains("<ds:Signature Id=\"SignatureSP\">"));
}

#[test]
fn resumen_diario_is_ordered_signed_and_verifiable() {
    let r = resumen();
    assert_eq!(r.id(), "RC-20261126-3");
    let name = r.file_name();
    let unsigned = build_resumen(&r).unwrap();
    assert_reference_order(unsigned.as_str());
    let signed = sign_and_verify(&unsigned, &name, "<sac:TotalAmount currencyID=\"PEN\">");
    let xml = std::str::from_utf8(&signed.xml).unwrap();
    assert_reference_order(xml);
    let doc = roxmltree::Document::parse(xml).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "SummaryDocuments");
    let header = |c| text_of(&doc, "SummaryDocuments", c);
    assert_eq!(header("cbc:UBLVersionID"), ["2.0"]);
    assert_eq!(header("cbc:CustomizationID"), ["1.1"]);
    assert_eq!(header("cbc:ID"), ["RC-20261126-3"]);
    assert_eq!(header("cbc:ReferenceDate"), ["2026-11-25"]);
    assert_eq!(header("cbc:IssueDate"), ["2026-11-26"]);

    let line = |c| text_of(&doc, "sac:SummaryDocumentsLine", c);
    assert_eq!(line("cbc:LineID"), ["1", "2", "3", "4", "5"]);
    assert_eq!(line("cbc:DocumentTypeCode"), ["03", "03", "03", "07", "03"]);
    assert_eq!(
        line("cbc:ID"),
        ["B001-1", "B001-2", "B001-3", "BC01-1", "B001-4"]
    );
    assert_eq!(
        line("sac:TotalAmount"),
        ["118.00", "79.00", "35.50", "11.80", "118.00"]
    );
    assert_eq!(
        text_of(&doc, "cac:Status", "cbc:ConditionCode"),
        ["1", "1", "2", "1", "3"]
    );
    assert_eq!(
        text_of(
            &doc,
            "cac:AccountingCustomerParty",
            "cbc:CustomerAssignedAccountID"
        ),
        ["45678912", "-", "45678912", "45678912", "45678912"]
    );
    assert_eq!(
        text_of(
            &doc,
            "cac:AccountingCustomerParty",
            "cbc:AdditionalAccountID"
        ),
        ["1", "0", "1", "1", "1"]
    );
    // Only the note names a document: B001-1, a boleta.
    assert_eq!(
        text_of(&doc, "cac:InvoiceDocumentReference", "cbc:ID"),
        ["B001-1"]
    );
    assert_eq!(
        text_of(&doc, "cac:InvoiceDocumentReference", "cbc:DocumentTypeCode"),
        ["03"]
    );
    // BillingPayment per non-zero base: 01 gravada, 02 exonerada.
    assert_eq!(
        text_of(&doc, "sac:BillingPayment", "cbc:InstructionID"),
        ["01", "01", "02", "02", "01", "01"]
    );
    assert_eq!(
        text_of(&doc, "sac:BillingPayment", "cbc:PaidAmount"),
        ["100.00", "50.00", "20.00", "35.50", "10.00", "100.00"]
    );
    // One IGV TaxTotal per line, 0.00 on the all-exonerada boleta.
    assert_eq!(
        text_of(&doc, "cac:TaxTotal", "cbc:TaxAmount"),
        ["18.00", "9.00", "0.00", "1.80", "18.00"]
    );
    assert_eq!(text_of(&doc, "cac:TaxScheme", "cbc:ID"), ["1000"; 5]);
}

#[test]
fn summaries_can_be_stored_unsigned_and_signed_later() {
    let (cert, _) = certificate();
    for unsigned in [
        build_baja(&baja()).unwrap(),
        build_resumen(&resumen()).unwrap(),
    ] {
        let now = sign(&unsigned, cert).unwrap();
        let back = UnsignedXml::from_bytes(unsigned.clone().into_bytes()).unwrap();
        assert_eq!(back, unsigned);
        let later = sign(&back, cert).unwrap();
        assert_eq!(later.digest_value, now.digest_value);
        assert_eq!(later.xml, now.xml, "RSA PKCS#1 v1.5 is deterministic");
        assert!(UnsignedXml::from_bytes(now.xml).is_err(), "already signed");
    }
}

#[test]
fn file_names_are_sunat_document_names() {
    let name = summary_file_name(
        DEMO_RUC,
        SummaryKind::ComunicacionBaja,
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        99_999,
    );
    assert_eq!(name, "20000000001-RA-20261231-99999");
    DocumentName::parse(&format!("{name}.zip")).unwrap();
    DocumentName::parse(&resumen().file_name()).unwrap();
    assert_eq!(resumen().file_name(), "20000000001-RC-20261126-3");
}

#[test]
fn empty_summaries_are_refused() {
    let mut b = baja();
    b.lines.clear();
    let e = build_baja(&b).unwrap_err();
    assert_eq!(e, SummaryError::NoLines(SummaryKind::ComunicacionBaja));
    assert_eq!(
        e.mensaje(),
        "La comunicación de baja no tiene comprobantes."
    );
    let mut r = resumen();
    r.lines.clear();
    let e = build_resumen(&r).unwrap_err();
    assert_eq!(e, SummaryError::NoLines(SummaryKind::ResumenDiario));
    assert_eq!(e.to_string(), "the resumen diario has no lines");
}

#[test]
fn void_reason_is_refused_above_100_characters_never_truncated() {
    let mut b = baja();
    b.lines[1].reason = "Ñ".repeat(100);
    build_baja(&b).unwrap();
    b.lines[1].reason = "Ñ".repeat(101);
    let e = build_baja(&b).unwrap_err();
    assert_eq!(
        e,
        SummaryError::Line {
            line: 2,
            source: BuildError::TooLong {
                field: "baja.reason",
                len: 101,
                max: 100
            }
        }
    );
    assert!(std::error::Error::source(&e).is_some(), "cause kept");
    assert!(e.mensaje().starts_with("Línea 2: "), "{}", e.mensaje());
    for bad in ["", "   ", "dos\nlíneas", "control \u{1}"] {
        b.lines[1].reason = bad.into();
        assert!(
            matches!(build_baja(&b), Err(SummaryError::Line { line: 2, .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn facturas_never_go_in_a_resumen_diario() {
    let mut r = resumen();
    r.lines[1].doc_type = DocumentType::Factura;
    r.lines[1].series = "F001".into();
    let e = build_resumen(&r).unwrap_err();
    assert_eq!(e, SummaryError::FacturaInResumen { line: 2 });
    assert!(e.mensaje().contains("facturas"), "{}", e.mensaje());

    // A note of a factura either.
    let mut r = resumen();
    let note = &mut r.lines[3];
    note.series = "FC01".into();
    note.reference = Some(ReferencedDocument {
        doc_type: DocumentType::Factura,
        series: "F001".into(),
        number: 1,
    });
    assert_eq!(
        build_resumen(&r).unwrap_err(),
        SummaryError::FacturaInResumen { line: 4 }
    );
    // A boleta type with a factura series.
    let mut r = resumen();
    r.lines[0].series = "F001".into();
    assert_eq!(
        build_resumen(&r).unwrap_err(),
        SummaryError::FacturaInResumen { line: 1 }
    );
}

#[test]
fn boletas_are_not_voided_by_comunicacion_de_baja() {
    let mut b = baja();
    b.lines[0].doc_type = DocumentType::Boleta;
    b.lines[0].series = "B001".into();
    assert_eq!(
        build_baja(&b).unwrap_err(),
        SummaryError::BoletaInBaja { line: 1 }
    );
    let mut b = baja();
    b.lines[1].series = "BC01".into();
    let e = build_baja(&b).unwrap_err();
    assert_eq!(e, SummaryError::BoletaInBaja { line: 2 });
    assert!(e.mensaje().contains("resumen diario"));
}

#[test]
fn mixed_reference_dates_are_refused() {
    let mut b = baja();
    b.lines[1].issue_date = day(24);
    let e = build_baja(&b).unwrap_err();
    assert_eq!(
        e,
        SummaryError::MixedReferenceDates {
            line: 2,
            first: day(25),
            found: day(24)
        }
    );
    assert_eq!(
        e.mensaje(),
        "La línea 2 es del 24/11/2026 y la primera del 25/11/2026: cada resumen o baja lleva comprobantes de un solo día."
    );
    let mut r = resumen();
    r.lines[4].issue_date = day(26);
    assert!(matches!(
        build_resumen(&r),
        Err(SummaryError::MixedReferenceDates { line: 5, .. })
    ));
}

#[test]
fn header_refusals() {
    let mut b = baja();
    b.issue_date = day(24);
    assert_eq!(
        build_baja(&b).unwrap_err(),
        SummaryError::IssuedBeforeDocuments {
            issue_date: day(24),
            reference_date: day(25)
        }
    );
    // Same day is fine.
    b.issue_date = day(25);
    build_baja(&b).unwrap();

    for n in [0, 100_000] {
        let mut r = resumen();
        r.correlative = n;
        assert_eq!(build_resumen(&r).unwrap_err(), SummaryError::Correlative(n));
    }
    let mut r = resumen();
    r.issuer.legal_name = "T".repeat(101);
    let e = build_resumen(&r).unwrap_err();
    assert!(matches!(
        e,
        SummaryError::Header(BuildError::TooLong { len: 101, .. })
    ));
    assert!(e.mensaje().contains("Razón social"), "{}", e.mensaje());
    let mut b = baja();
    b.issuer.ruc = "2000000000".into();
    assert!(matches!(build_baja(&b), Err(SummaryError::Header(_))));
}

#[test]
fn line_refusals() {
    // A note without the boleta it modifies; a boleta that names one.
    let mut r = resumen();
    r.lines[3].reference = None;
    assert!(matches!(
        build_resumen(&r),
        Err(SummaryError::Reference { line: 4, .. })
    ));
    let mut r = resumen();
    r.lines[0].reference = r.lines[3].reference.clone();
    assert!(matches!(
        build_resumen(&r),
        Err(SummaryError::Reference { line: 1, .. })
    ));
    // The same document twice.
    let mut r = resumen();
    r.lines[4].number = 1;
    let e = build_resumen(&r).unwrap_err();
    assert_eq!(
        e,
        SummaryError::Duplicate {
            line: 5,
            first: 1,
            id: "B001-1".into()
        }
    );
    let mut b = baja();
    b.lines.push(b.lines[0].clone());
    assert!(matches!(
        build_baja(&b),
        Err(SummaryError::Duplicate {
            line: 3,
            first: 1,
            ..
        })
    ));
    // Amounts that do not add up, or negative.
    let mut r = resumen();
    r.lines[2].totals.total += dec!(0.01);
    assert_eq!(
        build_resumen(&r).unwrap_err(),
        SummaryError::Amounts { line: 3 }
    );
    let mut r = resumen();
    r.lines[2].totals.exonerada = dec!(-1);
    r.lines[2].totals.total = r.lines[2].totals.exonerada;
    assert_eq!(
        build_resumen(&r).unwrap_err(),
        SummaryError::Amounts { line: 3 }
    );
    // Customer documents and numbers of the wrong shape.
    let mut r = resumen();
    r.lines[0].buyer_doc_number = "4567891".into();
    assert!(matches!(
        build_resumen(&r),
        Err(SummaryError::Line {
            line: 1,
            source: BuildError::InvalidFormat { .. }
        })
    ));
    let mut r = resumen();
    r.lines[0].number = 0;
    assert!(matches!(
        build_resumen(&r),
        Err(SummaryError::Line { line: 1, .. })
    ));
    let mut b = baja();
    b.lines[0].series = "F0001".into();
    assert!(matches!(
        build_baja(&b),
        Err(SummaryError::Line { line: 1, .. })
    ));
}

#[test]
fn the_order_check_catches_a_swap() {
    let xml = build_baja(&baja()).unwrap().as_str().to_owned();
    let swapped = xml.replace(
        "<cbc:ReferenceDate>2026-11-25</cbc:ReferenceDate><cbc:IssueDate>2026-11-27</cbc:IssueDate>",
        "<cbc:IssueDate>2026-11-27</cbc:IssueDate><cbc:ReferenceDate>2026-11-25</cbc:ReferenceDate>",
    );
    assert_ne!(swapped, xml);
    assert!(std::panic::catch_unwind(|| assert_reference_order(&swapped)).is_err());
    let unknown = xml.replace(
        "<cbc:LineID>1</cbc:LineID>",
        "<cbc:LineID>1</cbc:LineID><cbc:Note>x</cbc:Note>",
    );
    assert!(std::panic::catch_unwind(|| assert_reference_order(&unknown)).is_err());
}

#[test]
fn the_standin_accepts_both_summaries_through_send_summary() {
    // The stand-in checks the file name, the root, `cbc:ID` against the name and the
    // signature (xmlsec1), then answers with a ticket: what the dispatcher will do.
    let standin = transport_support::Standin::start(&[]);
    let client = standin.client();
    let (cert, _) = certificate();
    let b = baja();
    let r = resumen();
    let documents = [
        (
            b.file_name(),
            b.id(),
            sign(&build_baja(&b).unwrap(), cert).unwrap(),
        ),
        (
            r.file_name(),
            r.id(),
            sign(&build_resumen(&r).unwrap(), cert).unwrap(),
        ),
    ];
    for (name, id, signed) in documents {
        let ticket = client.send_summary(&name, &signed.xml).expect("ticket");
        // 98 (in process) on the first poll, then the CDR.
        let mut status = client.get_status(&ticket).unwrap();
        for _ in 0..5 {
            if status != TicketStatus::InProcess {
                break;
            }
            status = client.get_status(&ticket).unwrap();
        }
        match status {
            TicketStatus::Done(cdr) => {
                assert_eq!(cdr.verdict(), Verdict::Accepted, "{name}");
                assert_eq!(cdr.reference_id, id);
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}
