//! Input the kiosk must refuse with a typed error instead of writing a document SUNAT
//! would reject (or silently truncating it), and bytes `sign` must not touch.

mod common;

use common::*;
use motordesk_sunat::{
    BuildError, Buyer, DocumentKind, PaymentTerms, SignError, UnsignedXml, build,
};
use rust_decimal_macros::dec;

fn boleta() -> motordesk_sunat::Comprobante {
    comprobante(
        DocumentKind::Boleta,
        "B001",
        1,
        Buyer::clientes_varios(),
        vec![gravado("A1", "Lavado", "ZZ", dec!(1), dec!(35))],
    )
}

#[test]
fn over_long_legal_name_is_refused_not_truncated() {
    let mut c = boleta();
    c.issuer.legal_name = "T".repeat(101);
    let e = build(&c).unwrap_err();
    assert_eq!(
        e,
        BuildError::TooLong {
            field: "issuer.legal_name",
            len: 101,
            max: 100
        }
    );
    assert!(e.mensaje().contains("Razón social"), "{}", e.mensaje());
    c.issuer.legal_name = "Ñ".repeat(100); // 100 characters (200 bytes) is fine
    build(&c).unwrap();
}

#[test]
fn over_long_description_is_refused() {
    let mut c = boleta();
    c.lines[0].description = "x".repeat(501);
    assert!(matches!(
        build(&c),
        Err(BuildError::TooLong {
            field: "line.description",
            ..
        })
    ));
}

#[test]
fn control_characters_and_line_breaks_in_names_are_refused() {
    let mut c = boleta();
    c.lines[0].description = "Lavado\u{1}".into();
    assert!(matches!(
        build(&c),
        Err(BuildError::InvalidCharacter { .. })
    ));
    let mut c = boleta();
    c.buyer = buyer_dni();
    c.buyer.name = "JUAN\nPÉREZ".into();
    assert!(matches!(
        build(&c),
        Err(BuildError::InvalidCharacter {
            field: "buyer.name"
        })
    ));
}

#[test]
fn factura_needs_ruc_and_boleta_above_700_needs_buyer() {
    let mut c = boleta();
    c.kind = DocumentKind::Factura {
        payment: PaymentTerms::Contado,
        detraccion: None,
    };
    c.series = "F001".into();
    assert_eq!(build(&c).unwrap_err(), BuildError::FacturaNeedsRuc);

    let lines = vec![gravado("M1", "Motor", "ZZ", dec!(1), dec!(700.01))];
    let c = comprobante(
        DocumentKind::Boleta,
        "B001",
        1,
        Buyer::clientes_varios(),
        lines,
    );
    assert_eq!(build(&c).unwrap_err(), BuildError::BoletaNeedsBuyer);
    let lines = vec![gravado("M1", "Motor", "ZZ", dec!(1), dec!(700.00))];
    build(&comprobante(
        DocumentKind::Boleta,
        "B001",
        1,
        Buyer::clientes_varios(),
        lines,
    ))
    .unwrap();
}

#[test]
fn figures_that_do_not_add_up_are_refused() {
    let mut c = boleta();
    c.lines[0].igv += dec!(0.01);
    assert!(matches!(
        build(&c),
        Err(BuildError::LineFigures { line: 1, .. })
    ));
    let mut c = boleta();
    c.totals.total += dec!(0.01);
    assert!(matches!(build(&c), Err(BuildError::TotalsFigures(_))));
    let mut c = boleta();
    c.series = "F001".into();
    assert!(matches!(
        build(&c),
        Err(BuildError::InvalidFormat {
            field: "series",
            ..
        })
    ));
}

#[test]
fn sign_only_accepts_our_unsigned_bytes() {
    let xml = build(&boleta()).unwrap().into_bytes();
    assert!(UnsignedXml::from_bytes(xml.clone()).is_ok());
    let mut foreign = String::from_utf8(xml).unwrap();
    foreign = foreign.replace(
        "<cbc:UBLVersionID>2.1</cbc:UBLVersionID>",
        "<cbc:UBLVersionID>2.1</cbc:UBLVersionID><!-- x -->",
    );
    let e = UnsignedXml::from_bytes(foreign.into_bytes()).unwrap_err();
    assert!(matches!(e, SignError::NotUnsigned(_)));
    assert!(!e.mensaje().is_empty());
    assert!(UnsignedXml::from_bytes(b"<Invoice/>".to_vec()).is_err());
}
