//! Certificates as a shop really brings them: PKCS#12 files made by the `openssl` CLI
//! (OpenSSL 3 defaults: PBES2/AES-256-CBC; `-legacy`: RC2-40 + 3DES; explicit 3DES), with
//! the right and wrong password, plus the typed refusals and the DER round trip.

mod common;

use chrono::{Duration, Utc};
use common::*;
use motordesk_sunat::{Certificate, CertificateError, build, sign};
use std::path::{Path, PathBuf};

const PASSWORD: &str = "Clave-Taller_2026";

fn openssl(args: &[&str]) {
    let o = run("openssl", args, "apt-get install -y openssl");
    assert!(o.status.success(), "openssl {args:?} failed:\n{}", text(&o));
}

/// A fresh directory with an RSA key and a self-signed certificate made by openssl.
fn key_and_cert(name: &str, days: &str) -> PathBuf {
    let dir = out_dir().join(format!("p12-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("key.pem");
    let cert = dir.join("cert.pem");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        s(&key),
        "-out",
        s(&cert),
        "-days",
        days,
        "-subj",
        "/C=PE/O=TALLER DEMO/CN=TALLER DEMO 20000000001",
    ]);
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn export(dir: &Path, file: &str, extra: &[&str]) -> Vec<u8> {
    let out = dir.join(file);
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let pass = format!("pass:{PASSWORD}");
    let mut args = vec![
        "pkcs12",
        "-export",
        "-inkey",
        s(&key),
        "-in",
        s(&cert),
        "-out",
        s(&out),
        "-passout",
        &pass,
    ];
    args.extend_from_slice(extra);
    openssl(&args);
    std::fs::read(out).unwrap()
}

fn loads_and_signs(p12: &[u8]) {
    let cert = Certificate::from_pkcs12(p12, PASSWORD).expect("right password");
    assert!(cert.subject().contains("TALLER DEMO"), "{}", cert.subject());
    assert!(!cert.serial().is_empty());
    assert!(cert.not_before() < Utc::now() && Utc::now() < cert.not_after());
    assert!(!cert.expires_within(5, Utc::now()));
    assert!(cert.expires_within(40, Utc::now()));

    match Certificate::from_pkcs12(p12, "otra-clave") {
        Err(CertificateError::WrongPassword) => {}
        other => panic!("wrong password gave {other:?}"),
    }

    // The loaded key really signs: xmlsec1 verifies against the file's certificate.
    let unsigned = build(&comprobante(
        motordesk_sunat::DocumentKind::Boleta,
        "B001",
        99,
        motordesk_sunat::Buyer::clientes_varios(),
        vec![gravado("X", "Prueba", "NIU", 1.into(), 10.into())],
    ))
    .unwrap();
    let signed = sign(&unsigned, &cert).unwrap();
    let dir = out_dir();
    let file = dir.join(format!("p12-signed-{}.xml", cert.serial()));
    let pem = dir.join(format!("p12-cert-{}.pem", cert.serial()));
    std::fs::write(&file, &signed.xml).unwrap();
    std::fs::write(&pem, cert.certificate_pem()).unwrap();
    let o = xmlsec_verify(&pem, &file);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn openssl3_default_pbes2_aes() {
    let dir = key_and_cert("modern", "30");
    loads_and_signs(&export(&dir, "modern.p12", &[]));
}

#[test]
fn openssl_legacy_rc2_and_3des() {
    let dir = key_and_cert("legacy", "30");
    loads_and_signs(&export(&dir, "legacy.p12", &["-legacy"]));
}

#[test]
fn explicit_3des_with_sha1_mac() {
    let dir = key_and_cert("3des", "30");
    let p12 = export(
        &dir,
        "3des.p12",
        &[
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
    );
    loads_and_signs(&p12);
}

#[test]
fn expired_and_not_yet_valid_are_refused() {
    let dir = key_and_cert("expiry", "30");
    let p12 = export(&dir, "expiry.p12", &[]);
    let later = Utc::now() + Duration::days(60);
    match Certificate::from_pkcs12_at(&p12, PASSWORD, later) {
        Err(e @ CertificateError::Expired { .. }) => {
            assert!(e.mensaje().contains("venció"), "{}", e.mensaje());
            assert!(e.to_string().contains("expired"));
        }
        other => panic!("expected Expired, got {other:?}"),
    }
    let earlier = Utc::now() - Duration::days(60);
    assert!(matches!(
        Certificate::from_pkcs12_at(&p12, PASSWORD, earlier),
        Err(CertificateError::NotYetValid { .. })
    ));
}

#[test]
fn ec_key_is_not_rsa() {
    let dir = out_dir().join("p12-ec");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        s(&dir.join("key.pem")),
        "-out",
        s(&dir.join("cert.pem")),
        "-days",
        "30",
        "-subj",
        "/CN=EC",
    ]);
    let p12 = export(&dir, "ec.p12", &[]);
    match Certificate::from_pkcs12(&p12, PASSWORD) {
        Err(e @ CertificateError::NotRsa) => assert!(!e.mensaje().is_empty()),
        other => panic!("expected NotRsa, got {other:?}"),
    }
}

#[test]
fn certificate_without_key_is_refused() {
    let dir = key_and_cert("nokey", "30");
    let p12 = export(&dir, "nokey.p12", &["-nokeys"]);
    assert!(matches!(
        Certificate::from_pkcs12(&p12, PASSWORD),
        Err(CertificateError::NoPrivateKey)
    ));
}

#[test]
fn garbage_is_unreadable() {
    let e = Certificate::from_pkcs12(b"not a pfx", PASSWORD).unwrap_err();
    assert!(matches!(e, CertificateError::Unreadable(_)), "{e:?}");
    assert!(std::error::Error::source(&e).is_some());
}

#[test]
fn self_signed_demo_round_trip() {
    let cert = Certificate::self_signed(DEMO_RUC, "TALLER MOTORDESK DEMO S.A.C.", 365).unwrap();
    assert!(
        cert.subject().contains("RUC 20000000001"),
        "{}",
        cert.subject()
    );
    assert!(cert.days_left(Utc::now()) >= 363);
    let again = Certificate::from_der(cert.private_key_der(), cert.certificate_der()).unwrap();
    assert_eq!(again.subject(), cert.subject());
    assert_eq!(again.serial(), cert.serial());
    assert_eq!(again.not_after(), cert.not_after());
    assert_eq!(again.certificate_der(), cert.certificate_der());
    assert_eq!(again.private_key_der(), cert.private_key_der());

    // A certificate with someone else's key is refused.
    let other = Certificate::self_signed(DEMO_RUC, "OTRO", 30).unwrap();
    assert!(matches!(
        Certificate::from_der(other.private_key_der(), cert.certificate_der()),
        Err(CertificateError::KeyMismatch)
    ));
}
