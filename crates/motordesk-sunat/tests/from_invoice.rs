//! The kiosk's own documents, made by `motordesk_core` exactly as the store issues them,
//! through `comprobante` + `build` + `sign`, checked by xmllint, SUNAT's rules and xmlsec1:
//! every kind and case a service bay issues.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::{check, issuer};
use motordesk_core::{
    Buyer, Cuota, DocumentKind, DocumentNumber, IdDocument, IdKind, Invoice, InvoiceDraft,
    Modifies, NoteReason, PaymentTerms, SaleLine, TaxAffectation, Unit,
};
use motordesk_sunat::comprobante;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

fn at() -> DateTime<Utc> {
    // 2026-11-20 10:30 in Lima.
    Utc.with_ymd_and_hms(2026, 11, 20, 15, 30, 0).unwrap()
}

fn line(code: &str, desc: &str, unit: Unit, q: Decimal, price: Decimal) -> SaleLine {
    SaleLine {
        product_id: None,
        code: code.into(),
        description: desc.into(),
        unit,
        quantity: q,
        unit_price: price,
        discount: Decimal::ZERO,
        affectation: TaxAffectation::Gravado,
    }
}

fn buyer(kind: IdKind, number: &str, name: &str) -> Buyer {
    Buyer {
        customer_id: Some(Uuid::now_v7()),
        id: IdDocument::new(kind, number).unwrap(),
        name: name.into(),
        address: "Av. Argentina 1234, Lima".into(),
    }
}

fn issue(d: InvoiceDraft, number: &str, when: DateTime<Utc>) -> Invoice {
    Invoice::from_draft(
        d,
        Uuid::now_v7(),
        DocumentNumber::parse(number).unwrap(),
        when,
        Uuid::now_v7(),
        "caja1",
    )
    .unwrap()
}

fn verify(inv: &Invoice) {
    inv.verify().unwrap();
    let c = comprobante(inv, &issuer()).unwrap();
    let obs = check(&c);
    assert!(obs.is_empty(), "{}: observations {obs:?}", inv.number);
}

fn oil_change_boleta() -> InvoiceDraft {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines = vec![
        line(
            "ACE-5W30",
            "Aceite 5W-30 sintético",
            Unit::Litro,
            dec!(4.5),
            dec!(42.90),
        ),
        line(
            "FIL-ACE",
            "Filtro de aceite",
            Unit::Unidad,
            dec!(1),
            dec!(35),
        ),
        line(
            "SRV-CAMB",
            "Mano de obra cambio de aceite",
            Unit::Servicio,
            dec!(1),
            dec!(30),
        ),
    ];
    d
}

fn factura_draft() -> InvoiceDraft {
    let mut d = InvoiceDraft::new(DocumentKind::Factura);
    d.buyer = buyer(IdKind::Ruc, "20100070970", "Transportes Rímac S.A.C.");
    d.lines = oil_change_boleta().lines;
    d
}

#[test]
fn boleta_clientes_varios_gravado() {
    verify(&issue(oil_change_boleta(), "B001-1", at()));
}

#[test]
fn a_typed_line_without_product_code() {
    let mut d = oil_change_boleta();
    d.lines.push(line(
        "",
        "  Lavado de salón (a pedido)",
        Unit::Servicio,
        dec!(1),
        dec!(25),
    ));
    verify(&issue(d, "B001-9", at()));
}

#[test]
fn boleta_with_dni_carne_and_exonerado_inafecto_mix() {
    let mut d = oil_change_boleta();
    d.buyer = buyer(IdKind::Dni, "45678912", "Rosa Quispe Mamani");
    d.lines[1].affectation = TaxAffectation::Exonerado;
    d.lines.push(SaleLine {
        affectation: TaxAffectation::Inafecto,
        ..line(
            "SOAT",
            "Trámite de SOAT",
            Unit::Servicio,
            dec!(1),
            dec!(12.50),
        )
    });
    verify(&issue(d.clone(), "B001-2", at()));
    d.buyer = buyer(
        IdKind::CarnetExtranjeria,
        "001234567",
        "John O'Neil & Sons <Perú>",
    );
    verify(&issue(d, "B001-3", at()));
}

#[test]
fn factura_with_line_and_global_discounts() {
    let mut d = factura_draft();
    d.lines[0].discount = dec!(10);
    d.lines.push(line(
        "GLL-REF",
        "Refrigerante",
        Unit::Galon,
        dec!(0.25),
        dec!(89.90),
    ));
    d.global_discount_pct = dec!(10);
    verify(&issue(d, "F001-1", at()));
}

#[test]
fn factura_on_credit_in_two_cuotas() {
    let mut d = factura_draft();
    let total = d.totals().unwrap().total;
    let first = (total / dec!(2)).round_dp(2);
    d.terms = PaymentTerms::Credito {
        cuotas: vec![
            Cuota {
                amount: first,
                due: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
            },
            Cuota {
                amount: total - first,
                due: NaiveDate::from_ymd_opt(2027, 1, 20).unwrap(),
            },
        ],
    };
    verify(&issue(d, "F001-2", at()));
}

#[test]
fn factura_for_a_repair_above_700_carries_detraccion() {
    let mut d = factura_draft();
    d.lines.push(line(
        "SRV-MOT",
        "Reparación de motor",
        Unit::Servicio,
        dec!(1),
        dec!(1500),
    ));
    d.detraccion_account = "00-000-123456".into();
    let inv = issue(d.clone(), "F001-3", at());
    let det = inv.detraccion.as_ref().expect("detracción applies");
    assert_eq!(det.amount, (inv.totals.total * dec!(0.12)).round());
    verify(&inv);

    // On credit, the cuotas add up to the total minus the detracción.
    let net = inv.totals.total - det.amount;
    d.terms = PaymentTerms::Credito {
        cuotas: vec![Cuota {
            amount: net,
            due: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
        }],
    };
    verify(&issue(d, "F001-4", at()));
}

#[test]
fn credit_and_debit_notes_on_factura_and_boleta() {
    let f = issue(factura_draft(), "F001-5", at());
    let b = issue(oil_change_boleta(), "B001-4", at());
    let later = at() + Duration::days(1);

    let mut nc = InvoiceDraft::new(DocumentKind::NotaDeCredito);
    nc.buyer = f.buyer.clone();
    nc.lines = vec![f.lines[1].clone()];
    nc.modifies = Some(Modifies::of(
        &f,
        NoteReason::DevolucionPorItem,
        "Filtro devuelto",
    ));
    verify(&issue(nc, "FC01-1", later));

    let mut nc = InvoiceDraft::new(DocumentKind::NotaDeCredito);
    nc.lines = b.lines.clone();
    nc.modifies = Some(Modifies::of(&b, NoteReason::AnulacionDeLaOperacion, ""));
    verify(&issue(nc, "BC01-1", later));

    let mut nd = InvoiceDraft::new(DocumentKind::NotaDeDebito);
    nd.buyer = f.buyer.clone();
    nd.lines = vec![line(
        "INT",
        "Intereses por pago tardío",
        Unit::Servicio,
        dec!(1),
        dec!(25),
    )];
    nd.modifies = Some(Modifies::of(&f, NoteReason::InteresesPorMora, ""));
    verify(&issue(nd, "FD01-1", later));

    let mut nd = InvoiceDraft::new(DocumentKind::NotaDeDebito);
    nd.lines = vec![line(
        "AJU",
        "Ajuste de precio del filtro",
        Unit::Unidad,
        dec!(1),
        dec!(5),
    )];
    nd.modifies = Some(Modifies::of(
        &b,
        NoteReason::AumentoEnElValor,
        "Precio corregido",
    ));
    verify(&issue(nd, "BD01-1", later));
}

#[test]
fn a_nota_de_venta_has_no_xml() {
    let mut d = oil_change_boleta();
    d.kind = DocumentKind::NotaDeVenta;
    let inv = issue(d, "NV01-1", at());
    assert!(comprobante(&inv, &issuer()).is_err());
}
