//! Shared by the integration tests: the demo shop, line and document fixtures computed the
//! way the kiosk computes them, and the real external checkers (xmllint, SUNAT's
//! validate.py, xmlsec1). A missing tool fails the test with the command to install it.

#![allow(dead_code)]

use chrono::{NaiveDate, NaiveTime};
use motordesk_sunat::{
    Affectation, Buyer, BuyerDocType, Certificate, Comprobante, DocumentKind, DocumentType,
    FiscalAddress, Issuer, Line, Totals, build, file_name_of, qr_text, sign,
};
use rust_decimal::{Decimal, RoundingStrategy};
use rust_decimal_macros::dec;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const DEMO_RUC: &str = "20000000001";

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

pub fn issuer() -> Issuer {
    let mut i = Issuer::new(
        DEMO_RUC,
        "TALLER MOTORDESK DEMO S.A.C.",
        FiscalAddress {
            ubigeo: "150131".into(),
            department: "LIMA".into(),
            province: "LIMA".into(),
            district: "SAN ISIDRO".into(),
            line: "AV. LOS MECÁNICOS 123".into(),
        },
    );
    i.trade_name = Some("MotorDesk Servicio & Lubricentro".into());
    i
}

pub fn buyer_ruc() -> Buyer {
    Buyer {
        doc_type: BuyerDocType::Ruc,
        doc_number: "20100070970".into(),
        name: "TRANSPORTES PEÑA & HIJOS S.A.C.".into(),
        address: Some("JR. ÑAÑA 456, ATE".into()),
    }
}

pub fn buyer_dni() -> Buyer {
    Buyer {
        doc_type: BuyerDocType::Dni,
        doc_number: "45678912".into(),
        name: "JOSÉ O'HIGGINS \"PEPE\" <NÚÑEZ> & CÍA".into(),
        address: None,
    }
}

pub fn buyer_carne() -> Buyer {
    Buyer {
        doc_type: BuyerDocType::CarneExtranjeria,
        doc_number: "001234567".into(),
        name: "MARÍA GONZÁLEZ".into(),
        address: None,
    }
}

/// A line as the kiosk computes it: gross = round2(q × p), total = round2((gross −
/// round2(discount)) × (1 − global%)), base = round2(total/1.18) if gravado, igv = total − base.
pub fn line(
    (code, description, unit): (&str, &str, &str),
    quantity: Decimal,
    unit_price: Decimal,
    discount: Decimal,
    global_pct: Decimal,
    affectation: Affectation,
) -> Line {
    let gross = round2(quantity * unit_price);
    let keep = Decimal::ONE - global_pct / dec!(100);
    let total = round2((gross - round2(discount)) * keep);
    let (base, igv) = match affectation {
        Affectation::Gravado => {
            let base = round2(total / dec!(1.18));
            (base, total - base)
        }
        _ => (total, Decimal::ZERO),
    };
    Line {
        code: code.into(),
        description: description.into(),
        unit_code: unit.into(),
        quantity,
        unit_price,
        gross,
        discount: gross - total,
        total,
        base,
        igv,
        affectation,
    }
}

pub fn gravado(code: &str, desc: &str, unit: &str, q: Decimal, p: Decimal) -> Line {
    line(
        (code, desc, unit),
        q,
        p,
        Decimal::ZERO,
        Decimal::ZERO,
        Affectation::Gravado,
    )
}

pub fn totals(lines: &[Line]) -> Totals {
    let mut t = Totals::default();
    for l in lines {
        match l.affectation {
            Affectation::Gravado => t.gravada += l.base,
            Affectation::Exonerado => t.exonerada += l.base,
            Affectation::Inafecto => t.inafecta += l.base,
        }
        t.igv += l.igv;
        t.total += l.total;
    }
    t
}

pub fn issue_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

pub fn comprobante(
    kind: DocumentKind,
    series: &str,
    number: u32,
    buyer: Buyer,
    lines: Vec<Line>,
) -> Comprobante {
    let totals = totals(&lines);
    let words = format!(
        "SON {} CON {:02}/100 SOLES",
        totals.total.trunc(),
        ((totals.total - totals.total.trunc()) * dec!(100)).trunc()
    );
    Comprobante {
        issuer: issuer(),
        buyer,
        kind,
        series: series.into(),
        number,
        issue_date: issue_date(),
        issue_time: NaiveTime::from_hms_opt(10, 30, 5).unwrap(),
        currency: "PEN".into(),
        lines,
        totals,
        amount_in_words: words,
    }
}

/// `/work/shared` here: the first ancestor of the crate holding `shared/sunat`.
pub fn shared_dir() -> PathBuf {
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    loop {
        if dir.join("shared/sunat").is_dir() {
            return dir.join("shared");
        }
        dir = dir.parent().unwrap_or_else(|| {
            panic!(
                "no ancestor of {} contains shared/sunat (SUNAT schemas and rules)",
                env!("CARGO_MANIFEST_DIR")
            )
        });
    }
}

pub fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sunat-docs");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs a tool; a missing tool is a failure with the install hint, never a skip.
pub fn run(program: &str, args: &[&str], install: &str) -> Output {
    match Command::new(program).args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("required tool `{program}` is not installed: {install}")
        }
        Err(e) => panic!("could not run {program}: {e}"),
    }
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn xmllint_schema(kind: &str, file: &Path) -> Output {
    let xsd = shared_dir().join(format!("sunat/xsd/2.1/maindoc/UBL-{kind}-2.1.xsd"));
    run(
        "xmllint",
        &[
            "--noout",
            "--schema",
            xsd.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        "apt-get install -y libxml2-utils",
    )
}

/// A Python 3 that has lxml: `$SUNAT_PYTHON`, else `python3` on PATH, else the system one
/// (a pyenv shim on PATH may lack the Debian `python3-lxml`).
fn python_with_lxml() -> String {
    let candidates: Vec<String> = std::env::var("SUNAT_PYTHON")
        .into_iter()
        .chain(["python3".to_string(), "/usr/bin/python3".to_string()])
        .collect();
    for p in &candidates {
        let ok = Command::new(p)
            .args(["-c", "import lxml"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return p.clone();
        }
    }
    panic!(
        "no Python 3 with lxml found (tried {candidates:?}): apt-get install -y python3-lxml \
         or pip install lxml, or set SUNAT_PYTHON"
    )
}

pub fn validate_py(file: &Path, name: &str) -> Output {
    let script = shared_dir().join("sunat/validate.py");
    let python = python_with_lxml();
    run(
        &python,
        &[
            script.to_str().unwrap(),
            file.to_str().unwrap(),
            "--name",
            name,
        ],
        "apt-get install -y python3 python3-lxml",
    )
}

pub fn xmlsec_verify(cert_pem: &Path, file: &Path) -> Output {
    run(
        "xmlsec1",
        &[
            "--verify",
            "--pubkey-cert-pem",
            cert_pem.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        "apt-get install -y xmlsec1",
    )
}

pub fn certificate() -> &'static (Certificate, PathBuf) {
    static CERT: OnceLock<(Certificate, PathBuf)> = OnceLock::new();
    CERT.get_or_init(|| {
        let cert = Certificate::self_signed(DEMO_RUC, "TALLER MOTORDESK DEMO S.A.C.", 365)
            .expect("self-signed certificate");
        let pem = out_dir().join("demo-cert.pem");
        std::fs::write(&pem, cert.certificate_pem()).unwrap();
        (cert, pem)
    })
}

/// Builds, signs and runs the three checks; returns the OBS lines validate.py printed.
pub fn check(c: &Comprobante) -> Vec<String> {
    let (cert, pem) = certificate();
    let unsigned = build(c).unwrap_or_else(|e| panic!("build failed: {e}"));
    let signed = sign(&unsigned, cert).expect("sign");
    let name = file_name_of(c);
    let file = out_dir().join(format!("{name}.xml"));
    std::fs::write(&file, &signed.xml).unwrap();

    let kind = match c.kind.document_type() {
        DocumentType::Factura | DocumentType::Boleta => "Invoice",
        DocumentType::NotaCredito => "CreditNote",
        DocumentType::NotaDebito => "DebitNote",
    };
    let o = xmllint_schema(kind, &file);
    assert!(o.status.success(), "{name}: schema invalid:\n{}", text(&o));

    let o = validate_py(&file, &format!("{name}.xml"));
    let out = text(&o);
    assert!(
        o.status.code() == Some(0) && !out.contains("ERROR"),
        "{name}: SUNAT rules failed (exit {:?}):\n{out}",
        o.status.code()
    );
    let obs: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("OBS"))
        .map(str::to_string)
        .collect();
    std::fs::write(out_dir().join(format!("{name}.obs.txt")), obs.join("\n")).unwrap();
    for l in &obs {
        println!("{name}: {l}");
    }

    let o = xmlsec_verify(pem, &file);
    assert!(
        o.status.success(),
        "{name}: signature invalid:\n{}",
        text(&o)
    );

    // One changed byte in a signed amount must break the signature.
    assert_one_byte_breaks(
        &signed.xml,
        "<cbc:PayableAmount currencyID=\"PEN\">",
        &name,
        pem,
    );

    let qr = qr_text(c, &signed.digest_value);
    assert!(qr.ends_with(&format!("|{}|", signed.digest_value)));
    obs
}

/// Changes the byte right after `after` in a signed document and checks that xmlsec1 no
/// longer verifies it (`name` labels the file and the failure).
pub fn assert_one_byte_breaks(signed: &[u8], after: &str, name: &str, pem: &Path) {
    let xml = std::str::from_utf8(signed).unwrap();
    let at = xml.find(after).expect("tamper point") + after.len();
    let mut bytes = signed.to_vec();
    bytes[at] = if bytes[at] == b'9' {
        b'8'
    } else {
        bytes[at] + 1
    };
    let tampered = out_dir().join(format!("{name}.tampered.xml"));
    std::fs::write(&tampered, &bytes).unwrap();
    let o = xmlsec_verify(pem, &tampered);
    assert!(
        !o.status.success(),
        "{name}: tampered document still verifies:\n{}",
        text(&o)
    );
}
