//! The comprobante electrónico as the kiosk makes it: no fiscal document before the shop
//! is set up, XML made and signed in the issuing transaction, documents "sin firmar" until
//! a PKCS#12 certificate is imported, credit notes capped by what is left, and the
//! accountant's `export-xml` — every exported file checked by xmllint, SUNAT's rules and
//! xmlsec1.

use crate::fixtures::shop_pfx;
use crate::sunat_checks;
use crate::sunat_support::line;
use motordesk::store::{DB_FILE, SUNAT_TEST_RUC, Store, StoreError};
use motordesk_core::{
    Buyer, DocumentKind, DomainError, IdDocument, IdKind, Invoice, InvoiceDraft, Modifies,
    NoteReason,
};

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::path::{Path, PathBuf};
use std::process::Command;
use sunat_checks::{text, validate_py, xmllint_schema, xmlsec_verify};

fn new_store(dir: &Path) -> Store {
    Store::create(&dir.join(DB_FILE), "admin", "clave-admin", "Admin").unwrap()
}

fn boleta(price: Decimal) -> InvoiceDraft {
    let mut d = InvoiceDraft::new(DocumentKind::Boleta);
    d.lines = vec![line("Cambio de aceite", price)];
    d
}

/// The root element's schema name and the file name SUNAT expects.
fn kind_of(xml: &str) -> &'static str {
    if xml.contains("<CreditNote") {
        "CreditNote"
    } else if xml.contains("<DebitNote") {
        "DebitNote"
    } else {
        "Invoice"
    }
}

/// The certificate embedded in a signed document, as PEM (what xmlsec1 checks against).
fn embedded_cert(xml: &str, out: &Path) -> PathBuf {
    let b64 = xml
        .split("<ds:X509Certificate>")
        .nth(1)
        .and_then(|s| s.split("</ds:X509Certificate>").next())
        .expect("embedded certificate");
    let pem = out.join("cert.pem");
    std::fs::write(
        &pem,
        format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n"),
    )
    .unwrap();
    pem
}

/// xmllint, SUNAT's rules (no ERROR) and xmlsec1 on one file.
fn check_file(file: &Path, scratch: &Path) {
    let xml = std::fs::read_to_string(file).unwrap();
    let name = file.file_name().unwrap().to_str().unwrap();
    let o = xmllint_schema(kind_of(&xml), file);
    assert!(o.status.success(), "{name}: schema: {}", text(&o));
    let o = validate_py(file, name);
    let out = text(&o);
    assert!(
        o.status.success() && !out.contains("ERROR"),
        "{name}: SUNAT rules: {out}"
    );
    let o = xmlsec_verify(&embedded_cert(&xml, scratch), file);
    assert!(o.status.success(), "{name}: signature: {}", text(&o));
}

#[test]
fn no_comprobante_before_the_shop_is_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path());
    let refused = store.issue_invoice(boleta(dec!(50))).unwrap_err();
    assert!(
        matches!(
            refused,
            StoreError::Domain(DomainError::IssuerNotConfigured)
        ),
        "{refused:?}"
    );
    assert!(refused.mensaje().contains("Ajustes"));
    // The internal nota de venta needs no RUC.
    let mut nv = boleta(dec!(50));
    nv.kind = DocumentKind::NotaDeVenta;
    store.issue_invoice(nv).unwrap();

    // SUNAT's test RUC is a placeholder outside test mode.
    let mut s = motordesk::demo::shop_settings(store.settings().unwrap());
    s.test_mode = false;
    store.save_settings(&s).unwrap();
    assert!(store.issue_invoice(boleta(dec!(50))).is_err());
    s.issuer.ruc = "20131312955".into();
    store.save_settings(&s).unwrap();
    let inv = store.issue_invoice(boleta(dec!(50))).unwrap();
    let xml = store.comprobante_xml(inv.id).unwrap().expect("xml stored");
    assert!(xml.xml.contains("20131312955"));
    assert_eq!(xml.file_name, "20131312955-03-B001-1");

    // Ajustes refuses a series of the wrong letter.
    s.series.boleta = motordesk_core::Series::new("F009").unwrap();
    assert!(store.save_settings(&s).is_err());
}

#[test]
fn documents_wait_unsigned_until_the_certificate_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path());
    motordesk::demo::configure_shop(&store).unwrap();
    let first = store.issue_invoice(boleta(dec!(80))).unwrap();
    let second = store.issue_invoice(boleta(dec!(120))).unwrap();
    assert_eq!(store.unsigned_count().unwrap(), 2);
    let before = store.comprobante_xml(first.id).unwrap().unwrap();
    assert!(before.digest.is_none() && !before.xml.contains("<ds:Signature"));

    // The shop's certificate, as a CA or SUNAT hands it over: a password-protected .pfx.
    let pfx = shop_pfx(
        dir.path(),
        "/CN=TALLER MOTORDESK DEMO/serialNumber=20000000001",
        365,
        "clave-del-pfx",
    );
    let pfx = std::fs::read(pfx).unwrap();
    let wrong = store.import_certificate(&pfx, "otra").unwrap_err();
    assert!(matches!(wrong, StoreError::Certificate(_)), "{wrong:?}");
    assert!(!wrong.mensaje().is_empty());
    assert_eq!(
        store.unsigned_count().unwrap(),
        2,
        "nothing signed with a refused file"
    );

    let (info, signed) = store.import_certificate(&pfx, "clave-del-pfx").unwrap();
    assert_eq!(signed, 2);
    assert!(
        info.subject.contains("TALLER MOTORDESK DEMO"),
        "{}",
        info.subject
    );
    assert!(info.days_left(chrono::Utc::now()) > 300);
    assert!(!info.needs_attention(chrono::Utc::now()));
    assert_eq!(store.unsigned_count().unwrap(), 0);
    let third = store.issue_invoice(boleta(dec!(35))).unwrap();

    let out = dir.path().join("xml");
    std::fs::create_dir_all(&out).unwrap();
    for inv in [&first, &second, &third] {
        let x = store.comprobante_xml(inv.id).unwrap().unwrap();
        let digest = x.digest.clone().expect("signed");
        assert!(x.xml.contains(&digest));
        let file = out.join(format!("{}.xml", x.file_name));
        std::fs::write(&file, &x.xml).unwrap();
        check_file(&file, dir.path());
        // xmlsec1 with the shop's own certificate, not only the embedded copy.
        let o = xmlsec_verify(&dir.path().join("cert.pem"), &file);
        assert!(o.status.success(), "{}", text(&o));
    }
    // Signing later changed nothing but the signature: same figures as issued.
    let after = store.comprobante_xml(first.id).unwrap().unwrap();
    let body = |x: &str| {
        let a = x.find("<cbc:UBLVersionID>").unwrap();
        x[a..].to_string()
    };
    assert_eq!(body(&before.xml), body(&after.xml));
}

#[test]
fn credit_notes_never_exceed_the_document_and_debit_notes_work() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path());
    motordesk::demo::configure_shop(&store).unwrap();
    let mut d = boleta(dec!(220.50));
    d.buyer = Buyer {
        customer_id: None,
        id: IdDocument::new(IdKind::Dni, "45678912").unwrap(),
        name: "Rosa Quispe".into(),
        address: String::new(),
    };
    let orig: Invoice = store.issue_invoice(d.clone()).unwrap();
    let note = |kind: DocumentKind, price: Decimal, reason: NoteReason| {
        let mut n = InvoiceDraft::new(kind);
        n.buyer = orig.buyer.clone();
        n.lines = vec![line("Devolución parcial", price)];
        n.modifies = Some(Modifies::of(&orig, reason, ""));
        n
    };
    let nc = store
        .issue_invoice(note(
            DocumentKind::NotaDeCredito,
            dec!(200),
            NoteReason::DevolucionPorItem,
        ))
        .unwrap();
    assert_eq!(nc.number.to_string(), "BC01-00000001");
    let refused = store
        .issue_invoice(note(
            DocumentKind::NotaDeCredito,
            dec!(30),
            NoteReason::DevolucionPorItem,
        ))
        .unwrap_err();
    assert!(
        matches!(
            refused,
            StoreError::Domain(DomainError::CreditNotesExceedOriginal { room }) if room == dec!(20.50)
        ),
        "{refused:?}"
    );
    store
        .issue_invoice(note(
            DocumentKind::NotaDeCredito,
            dec!(20.50),
            NoteReason::DevolucionPorItem,
        ))
        .unwrap();
    // A credit reason on a debit note is refused; a debit note takes its own series.
    assert!(
        store
            .issue_invoice(note(
                DocumentKind::NotaDeDebito,
                dec!(10),
                NoteReason::DevolucionPorItem
            ))
            .is_err()
    );
    let nd = store
        .issue_invoice(note(
            DocumentKind::NotaDeDebito,
            dec!(10),
            NoteReason::Penalidades,
        ))
        .unwrap();
    assert_eq!(nd.number.to_string(), "BD01-00000001");
    assert_eq!(store.notes_of(orig.id).unwrap().len(), 3);
    // Cash short of the total is refused by the store itself, not only by the screen.
    let mut short = boleta(dec!(50));
    short.payment.received = Some(dec!(40));
    assert!(matches!(
        store.issue_invoice(short).unwrap_err(),
        StoreError::Domain(DomainError::CashShort { .. })
    ));
}

fn export(data_dir: &Path, password: &str, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_motordesk"))
        .arg("export-xml")
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--user", "admin", "--password", password, "--out"])
        .arg(out)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[test]
fn every_demo_document_exports_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let fiscal = {
        let store = new_store(&data);
        motordesk::demo::generate(&store, 40, 7).unwrap();
        store
            .invoice_summaries()
            .unwrap()
            .iter()
            .filter(|s| s.kind.is_fiscal())
            .count()
    };
    assert!(fiscal >= 30, "demo made {fiscal} fiscal documents");

    let out = dir.path().join("export");
    let o = export(&data, "clave-admin", &out);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!("{fiscal} comprobantes")),
        "{}",
        text(&o)
    );
    let files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    assert_eq!(files.len(), fiscal);
    // The demo never sent anything: every line of the state list says so, and no CDR.
    let csv = std::fs::read_to_string(out.join("estado-sunat.csv")).unwrap();
    assert_eq!(csv.lines().count(), fiscal + 1, "{csv}");
    assert!(
        csv.lines().skip(1).all(|l| l.contains(",POR ENVIAR,")),
        "{csv}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), fiscal + 1);
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(&format!("{SUNAT_TEST_RUC}-")), "{name}");
        check_file(f, dir.path());
    }

    // Bad credentials and a missing store: a clear message and a non-zero exit.
    let o = export(&data, "mala", dir.path().join("x").as_path());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("export-xml:"));
    let o = export(&dir.path().join("nada"), "clave-admin", &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no MotorDesk store"));
    let o = Command::new(env!("CARGO_BIN_EXE_motordesk"))
        .args(["export-xml", "--data-dir"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// The text between `open` (the first occurrence) and the next `<`.
fn xml_value<'a>(xml: &'a str, open: &str) -> &'a str {
    let at = xml.find(open).unwrap_or_else(|| panic!("{open} missing")) + open.len();
    &xml[at..at + xml[at..].find('<').unwrap()]
}

#[test]
fn every_receipt_prints_the_figures_of_its_xml() {
    use motordesk::receipt::{ReceiptLayout, render_pdf};
    use motordesk::store::Paper;
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path());
    motordesk::demo::generate(&store, 24, 11).unwrap();
    let settings = store.settings().unwrap();
    let mut checked = 0;
    for (inv, xml) in store.comprobantes_between(None, None).unwrap() {
        let x = &xml.xml;
        let payable: Decimal = xml_value(x, "<cbc:PayableAmount currencyID=\"PEN\">")
            .parse()
            .unwrap();
        let igv: Decimal = xml_value(x, "<cac:TaxTotal><cbc:TaxAmount currencyID=\"PEN\">")
            .parse()
            .unwrap();
        let digest = xml_value(x, "<ds:DigestValue>");
        assert_eq!(Some(digest), xml.digest.as_deref());
        for paper in Paper::ALL {
            let pdf = dir.path().join(format!("{}-{paper:?}.pdf", xml.file_name));
            let layout = ReceiptLayout::build(&inv, &settings, paper, xml.digest.as_deref());
            std::fs::write(&pdf, render_pdf(&layout)).unwrap();
            let o = Command::new("pdftotext")
                .arg("-layout")
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("poppler-utils installed");
            let flat = String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let total = motordesk_core::soles(payable);
            assert!(
                flat.contains(&format!("TOTAL {total}")),
                "{}: XML total {payable} not on the {paper:?} receipt:\n{flat}",
                xml.file_name
            );
            assert!(
                flat.contains(&format!("IGV 18% {}", motordesk_core::soles(igv))),
                "{}: XML IGV {igv} not on the receipt:\n{flat}",
                xml.file_name
            );
            let joined: String = flat.split(' ').collect();
            assert!(
                joined.contains(digest),
                "{}: hash not printed",
                xml.file_name
            );
        }
        checked += 1;
    }
    assert!(checked >= 18, "{checked} documents");
}
