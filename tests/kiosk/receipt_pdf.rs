//! Real documents issued from a real store, rendered to PDF on both papers, read back
//! with poppler and the QR decoded from the rendered page.

use crate::receipt_common;

use motordesk::store::Paper;
use motordesk_core::Invoice;
use motordesk_core::amount_in_words;
use motordesk_core::plain;
use motordesk_sunat::sunat_qr_payload;
use receipt_common::*;
use rust_decimal_macros::dec;

fn check_common(text: &str, inv: &Invoice) {
    let flat = squash(text);
    assert!(
        flat.contains(&inv.number.to_string()),
        "number missing:\n{text}"
    );
    assert!(flat.contains(inv.kind.title()), "title missing:\n{text}");
    assert!(
        flat.contains(&format!("S/ {}", plain(inv.totals.total))),
        "total missing:\n{text}"
    );
    assert!(
        flat.contains(&format!("IGV 18% S/ {}", plain(inv.totals.igv))),
        "IGV missing:\n{text}"
    );
    let words = amount_in_words(inv.totals.total).unwrap();
    // The words may wrap over two lines; every word must be there, in order.
    assert!(
        flat.contains(&words) || in_order(&flat, &words),
        "words missing: {words}\n{text}"
    );
    assert!(
        flat.contains("LUBRICENTRO EL ÑANDÚ S.A.C."),
        "issuer missing:\n{text}"
    );
    assert!(flat.contains("20000000001"), "issuer RUC missing:\n{text}");
}

fn in_order(haystack: &str, words: &str) -> bool {
    let mut rest = haystack;
    for w in words.split_whitespace() {
        match rest.find(w) {
            Some(i) => rest = &rest[i + w.len()..],
            None => return false,
        }
    }
    true
}

fn check_qr(dir: &std::path::Path, pdf: &std::path::Path, expected: &str) {
    let png = render_png(pdf, 1, &dir.join(pdf.file_stem().unwrap()));
    let found = decode_qrs(&png);
    assert_eq!(found, vec![expected.to_string()], "QR on {}", png.display());
}

#[test]
fn boleta_on_both_papers() {
    let shop = shop();
    let inv = boleta(&shop);
    assert_eq!(inv.totals.total, dec!(220.50));
    let out = tempfile::tempdir().unwrap();
    let payload =
        sunat_qr_payload(&inv, &shop.settings.issuer.ruc, shop.hash(&inv).as_deref()).unwrap();
    assert!(
        payload.starts_with("20000000001|03|B001|1|33.64|220.50|"),
        "{payload}"
    );
    // The tenth field is the signed XML's DigestValue, printed on the receipt as well.
    let hash = shop.hash(&inv).expect("signed at issue");
    assert!(
        payload.ends_with(&format!("|1|45678912|{hash}|")),
        "{payload}"
    );
    for paper in Paper::ALL {
        let pdf = write_pdf(out.path(), &format!("boleta-{paper:?}"), &inv, &shop, paper);
        let text = pdftotext(&pdf);
        check_common(&text, &inv);
        let flat = squash(&text);
        assert!(flat.contains("45678912"), "DNI missing:\n{text}");
        assert!(
            flat.contains("María Peña Núñez"),
            "customer missing:\n{text}"
        );
        assert!(flat.contains("ABC-123"), "plate missing:\n{text}");
        let no_space: String = text.split_whitespace().collect();
        assert!(
            no_space.contains(&format!("Resumen(hash):{hash}")),
            "hash missing:\n{text}"
        );
        assert!(
            flat.contains("Consulte su comprobante en https://e-consulta.sunat.gob.pe"),
            "consult line missing:\n{text}"
        );
        assert!(flat.contains("45,120 km"), "odometer missing:\n{text}");
        assert!(
            flat.contains("Recibido: S/ 300.00"),
            "received missing:\n{text}"
        );
        assert!(flat.contains("Vuelto: S/ 79.50"), "change missing:\n{text}");
        assert!(
            flat.contains("Representación impresa de la BOLETA DE VENTA ELECTRÓNICA"),
            "footer missing:\n{text}"
        );
        assert!(
            flat.contains("¡Gracias por confiar"),
            "shop footer missing:\n{text}"
        );
        check_qr(out.path(), &pdf, &payload);
    }
}

#[test]
fn factura_for_a_ruc_customer() {
    let shop = shop();
    let inv = factura(&shop);
    let out = tempfile::tempdir().unwrap();
    let payload =
        sunat_qr_payload(&inv, &shop.settings.issuer.ruc, shop.hash(&inv).as_deref()).unwrap();
    assert!(payload.starts_with("20000000001|01|F001|1|"), "{payload}");
    let hash = shop.hash(&inv).expect("signed at issue");
    assert!(
        payload.ends_with(&format!("|6|20131312955|{hash}|")),
        "{payload}"
    );
    for paper in Paper::ALL {
        let pdf = write_pdf(
            out.path(),
            &format!("factura-{paper:?}"),
            &inv,
            &shop,
            paper,
        );
        let text = pdftotext(&pdf);
        check_common(&text, &inv);
        let flat = squash(&text);
        assert!(
            flat.contains("RUC: 20131312955"),
            "customer RUC missing:\n{text}"
        );
        assert!(
            flat.contains("Transportes Rímac S.A.C."),
            "customer missing:\n{text}"
        );
        assert!(
            flat.contains(&format!("DESCUENTOS -S/ {}", plain(inv.totals.discount))),
            "discount missing:\n{text}"
        );
        assert!(flat.contains(&format!("OP. GRAVADA S/ {}", plain(inv.totals.gravada))));
        assert!(flat.contains("Tarjeta"), "payment method missing:\n{text}");
        check_qr(out.path(), &pdf, &payload);
    }
}

#[test]
fn nota_de_venta_has_no_qr_and_says_it_is_not_fiscal() {
    let shop = shop();
    let inv = nota_de_venta(&shop);
    assert_eq!(sunat_qr_payload(&inv, "20000000001", None), None);
    let out = tempfile::tempdir().unwrap();
    for paper in Paper::ALL {
        let pdf = write_pdf(out.path(), &format!("nv-{paper:?}"), &inv, &shop, paper);
        let text = pdftotext(&pdf);
        let flat = squash(&text);
        assert!(flat.contains("NOTA DE VENTA"), "{text}");
        assert!(flat.contains(&inv.number.to_string()), "{text}");
        assert!(flat.contains("NO ES UN COMPROBANTE DE PAGO"), "{text}");
        assert!(flat.contains("sin valor tributario"), "{text}");
        assert!(!flat.contains("Representación impresa"), "{text}");
        let png = render_png(&pdf, 1, &out.path().join(format!("nv-{paper:?}")));
        assert!(
            decode_qrs(&png).is_empty(),
            "a nota de venta must not carry a QR"
        );
    }
}

#[test]
fn credit_note_names_the_boleta_it_corrects() {
    let shop = shop();
    let original = boleta(&shop);
    let inv = credit_note(&shop, &original);
    assert_eq!(inv.number.to_string(), "BC01-00000001");
    let out = tempfile::tempdir().unwrap();
    let payload =
        sunat_qr_payload(&inv, &shop.settings.issuer.ruc, shop.hash(&inv).as_deref()).unwrap();
    assert!(
        payload.starts_with("20000000001|07|BC01|1|5.42|35.50|"),
        "{payload}"
    );
    for paper in Paper::ALL {
        let pdf = write_pdf(out.path(), &format!("nc-{paper:?}"), &inv, &shop, paper);
        let text = pdftotext(&pdf);
        check_common(&text, &inv);
        let flat = squash(&text);
        assert!(flat.contains("NOTA DE CRÉDITO ELECTRÓNICA"), "{text}");
        assert!(
            in_order(&flat, "BOLETA DE VENTA ELECTRÓNICA B001-00000001"),
            "referenced document missing:\n{text}"
        );
        assert!(
            flat.contains("07 Devolución por ítem"),
            "reason missing:\n{text}"
        );
        assert!(flat.contains("Filtro devuelto sin uso"), "{text}");
        assert!(
            !flat.contains("Vuelto"),
            "a credit note has no change:\n{text}"
        );
        check_qr(out.path(), &pdf, &payload);
    }
}

#[test]
fn pdf_is_dated_when_issued() {
    let shop = shop();
    let inv = boleta(&shop);
    let out = tempfile::tempdir().unwrap();
    let pdf = write_pdf(out.path(), "dated", &inv, &shop, Paper::A4);
    let info = String::from_utf8(
        std::process::Command::new("pdfinfo")
            .arg(&pdf)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let year = inv.issued_at.format("%Y").to_string();
    let created = info
        .lines()
        .find(|l| l.starts_with("CreationDate:"))
        .unwrap_or_default();
    assert!(created.contains(&year), "{info}");
    assert!(
        info.contains("LUBRICENTRO EL ÑANDÚ S.A.C."),
        "author missing:\n{info}"
    );
}

#[test]
fn layout_is_pure() {
    use motordesk::receipt::ReceiptLayout;
    let shop = shop();
    let inv = boleta(&shop);
    for paper in Paper::ALL {
        // Same document, same layout: a reprint shows exactly what was first printed.
        let a = ReceiptLayout::build(&inv, &shop.settings, paper, None);
        assert_eq!(a, ReceiptLayout::build(&inv, &shop.settings, paper, None));
    }
}
