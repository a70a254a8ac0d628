//! Every document case a service bay issues, built, signed and checked by the real tools:
//! the UBL 2.1 schema (xmllint), SUNAT's own XSL rules (validate.py) and an independent
//! XMLDSig verifier (xmlsec1), which must also reject the document after one changed byte.

mod common;

use chrono::NaiveDate;
use common::*;
use motordesk_sunat::{
    Affectation, Buyer, Certificate, Comprobante, Cuota, Detraccion, DocumentKind, DocumentType,
    NoteReason, PaymentTerms, ReferencedDocument, UnsignedXml, build, sign,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn factura(payment: PaymentTerms) -> DocumentKind {
    DocumentKind::Factura {
        payment,
        detraccion: None,
    }
}

fn service_lines() -> Vec<motordesk_sunat::Line> {
    vec![
        gravado(
            "SRV-001",
            "Cambio de aceite y filtro",
            "ZZ",
            dec!(1),
            dec!(45.00),
        ),
        gravado(
            "FIL-ACE-01",
            "Filtro de aceite Bosch 0 986 452 041",
            "NIU",
            dec!(1),
            dec!(32.50),
        ),
        gravado(
            "ACE-5W30",
            "Aceite sintético 5W-30 (litro)",
            "LTR",
            dec!(4.5),
            dec!(38.90),
        ),
    ]
}

fn mixed_lines() -> Vec<motordesk_sunat::Line> {
    let g = dec!(10); // global discount %, spread into every line
    vec![
        line(
            ("ACE-20W50", "Aceite mineral 20W-50 a granel", "LTR"),
            dec!(4.5),
            dec!(30.00),
            dec!(5),
            g,
            Affectation::Gravado,
        ),
        line(
            ("REF-GL", "Refrigerante verde (galón)", "GLL"),
            dec!(1),
            dec!(55.00),
            Decimal::ZERO,
            g,
            Affectation::Gravado,
        ),
        line(
            ("KIT-FRN", "Kit de frenos delanteros", "KT"),
            dec!(1),
            dec!(189.90),
            dec!(20),
            g,
            Affectation::Gravado,
        ),
        line(
            ("LIB-MAN", "Manual del conductor (libro, exonerado)", "NIU"),
            dec!(1),
            dec!(50.00),
            Decimal::ZERO,
            g,
            Affectation::Exonerado,
        ),
        line(
            ("SEG-SOAT", "Trámite SOAT (inafecto)", "ZZ"),
            dec!(2),
            dec!(12.50),
            dec!(1),
            g,
            Affectation::Inafecto,
        ),
    ]
}

fn factura_gravado() -> Comprobante {
    comprobante(
        factura(PaymentTerms::Contado),
        "F001",
        1,
        buyer_ruc(),
        service_lines(),
    )
}

fn boleta_exonerado() -> Comprobante {
    let lines = vec![line(
        ("LIB-01", "Libro de mantenimiento", "NIU"),
        dec!(2),
        dec!(25.00),
        Decimal::ZERO,
        Decimal::ZERO,
        Affectation::Exonerado,
    )];
    comprobante(DocumentKind::Boleta, "B001", 1, buyer_dni(), lines)
}

fn reference(doc_type: DocumentType, series: &str, number: u32) -> ReferencedDocument {
    ReferencedDocument {
        doc_type,
        series: series.into(),
        number,
    }
}

fn credit(r: ReferencedDocument, code: &str, why: &str) -> DocumentKind {
    DocumentKind::NotaCredito {
        reference: r,
        reason: NoteReason {
            code: code.into(),
            description: why.into(),
        },
    }
}

fn debit(r: ReferencedDocument, code: &str, why: &str) -> DocumentKind {
    DocumentKind::NotaDebito {
        reference: r,
        reason: NoteReason {
            code: code.into(),
            description: why.into(),
        },
    }
}

#[test]
fn factura_gravado_ruc_contado() {
    check(&factura_gravado());
}

#[test]
fn boleta_exonerado_dni() {
    check(&boleta_exonerado());
}

#[test]
fn boleta_inafecto_carne() {
    let lines = vec![line(
        ("TRM-01", "Trámite de revisión técnica", "ZZ"),
        dec!(1),
        dec!(80.00),
        Decimal::ZERO,
        Decimal::ZERO,
        Affectation::Inafecto,
    )];
    check(&comprobante(
        DocumentKind::Boleta,
        "B001",
        2,
        buyer_carne(),
        lines,
    ));
}

#[test]
fn factura_mixed_with_line_and_global_discounts() {
    check(&comprobante(
        factura(PaymentTerms::Contado),
        "F001",
        2,
        buyer_ruc(),
        mixed_lines(),
    ));
}

#[test]
fn boleta_clientes_varios_with_awkward_text() {
    let lines = vec![
        gravado(
            "A&B<1>",
            "Lavado \"premium\" & encerado <rápido> — O'Neill, ñandú, acentuación áéíóú\r\nsegunda línea",
            "ZZ",
            dec!(1),
            dec!(35.00),
        ),
        gravado(
            "ACE-1/4",
            "Aceite 2T ¼ de galón",
            "GLL",
            dec!(0.25),
            dec!(80.00),
        ),
    ];
    check(&comprobante(
        DocumentKind::Boleta,
        "B001",
        3,
        Buyer::clientes_varios(),
        lines,
    ));
}

#[test]
fn factura_credito_two_cuotas() {
    let lines = service_lines();
    let total = totals(&lines).total;
    let first = (total / dec!(2)).round_dp(2);
    let cuotas = vec![
        Cuota {
            amount: first,
            due_date: NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
        },
        Cuota {
            amount: total - first,
            due_date: NaiveDate::from_ymd_opt(2027, 1, 25).unwrap(),
        },
    ];
    check(&comprobante(
        factura(PaymentTerms::Credito(cuotas)),
        "F001",
        3,
        buyer_ruc(),
        lines,
    ));
}

#[test]
fn factura_detraccion_service_above_700() {
    let lines = vec![gravado(
        "SRV-MOTOR",
        "Reparación de motor (mano de obra)",
        "ZZ",
        dec!(1),
        dec!(1200.00),
    )];
    let total = totals(&lines).total;
    let kind = DocumentKind::Factura {
        payment: PaymentTerms::Contado,
        detraccion: Some(Detraccion {
            code: "020".into(),
            percent: dec!(12),
            amount: (total * dec!(0.12)).round_dp(2),
            account: "00-000-123456".into(),
        }),
    };
    check(&comprobante(kind, "F001", 4, buyer_ruc(), lines));
}

#[test]
fn credit_note_01_on_factura() {
    let kind = credit(
        reference(DocumentType::Factura, "F001", 1),
        "01",
        "Anulación de la operación",
    );
    check(&comprobante(kind, "FC01", 1, buyer_ruc(), service_lines()));
}

#[test]
fn credit_note_07_on_factura() {
    let lines = vec![mixed_lines().remove(2)];
    let kind = credit(
        reference(DocumentType::Factura, "F001", 2),
        "07",
        "Devolución del kit de frenos",
    );
    check(&comprobante(kind, "FC01", 2, buyer_ruc(), lines));
}

#[test]
fn debit_note_02_on_factura() {
    let lines = vec![gravado(
        "SRV-ADIC",
        "Ajuste por repuesto adicional",
        "ZZ",
        dec!(1),
        dec!(20.00),
    )];
    let kind = debit(
        reference(DocumentType::Factura, "F001", 1),
        "02",
        "Aumento en el valor",
    );
    check(&comprobante(kind, "FD01", 1, buyer_ruc(), lines));
}

#[test]
fn credit_note_01_on_boleta() {
    let b = boleta_exonerado();
    let kind = credit(
        reference(DocumentType::Boleta, "B001", 1),
        "01",
        "Anulación de la operación",
    );
    check(&comprobante(kind, "BC01", 1, b.buyer, b.lines));
}

#[test]
fn credit_note_07_on_boleta() {
    let lines = vec![line(
        ("TRM-01", "Trámite de revisión técnica", "ZZ"),
        dec!(1),
        dec!(80.00),
        Decimal::ZERO,
        Decimal::ZERO,
        Affectation::Inafecto,
    )];
    let kind = credit(
        reference(DocumentType::Boleta, "B001", 2),
        "07",
        "Devolución por ítem",
    );
    check(&comprobante(kind, "BC01", 2, buyer_carne(), lines));
}

#[test]
fn debit_note_02_on_boleta() {
    let lines = vec![gravado(
        "SRV-ADIC",
        "Mano de obra adicional",
        "ZZ",
        dec!(1),
        dec!(15.00),
    )];
    let kind = debit(
        reference(DocumentType::Boleta, "B001", 3),
        "02",
        "Aumento en el valor",
    );
    check(&comprobante(kind, "BD01", 1, buyer_dni(), lines));
}

#[test]
fn sign_later_from_stored_bytes() {
    let (cert, pem) = certificate();
    let c = factura_gravado();
    let stored = build(&c).unwrap().into_bytes();
    // ... the kiosk keeps `stored` until a certificate is imported ...
    let reloaded = Certificate::from_der(cert.private_key_der(), cert.certificate_der()).unwrap();
    let unsigned = UnsignedXml::from_bytes(stored).unwrap();
    let signed = sign(&unsigned, &reloaded).unwrap();
    let file = out_dir().join("sign-later.xml");
    std::fs::write(&file, &signed.xml).unwrap();
    let o = xmlsec_verify(pem, &file);
    assert!(o.status.success(), "{}", text(&o));
    // A signed document cannot be signed again.
    assert!(UnsignedXml::from_bytes(signed.xml).is_err());
    // Digest is deterministic: same document, same hash.
    let again = sign(&build(&c).unwrap(), cert).unwrap();
    assert_eq!(again.digest_value, signed.digest_value);
}

#[test]
#[should_panic(expected = "required tool `xmlsec1-that-does-not-exist` is not installed")]
fn a_missing_tool_fails_instead_of_skipping() {
    run(
        "xmlsec1-that-does-not-exist",
        &["--version"],
        "apt-get install -y xmlsec1",
    );
}
