//! Times what the kiosk does at the till for one 5-line factura — build the UBL XML, sign
//! it, take the bytes — and, as the anchor in the same run, one bare RSA-2048 PKCS#1 v1.5
//! signature (the floor: everything else should cost little beside it). No criterion:
//! `cargo bench --bench sign` prints the means. Target: under 5 ms per document in release.

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;
use motordesk_sunat::{Certificate, DocumentKind, PaymentTerms, build, sign};
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::pkcs8::DecodePrivateKey;
use rsa::rand_core::OsRng;
use rust_decimal_macros::dec;
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn mean(iterations: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..iterations / 10 + 1 {
        f(); // warm-up
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn main() {
    let cert = Certificate::self_signed(DEMO_RUC, "TALLER MOTORDESK DEMO S.A.C.", 365).unwrap();
    let lines = vec![
        gravado(
            "SRV-001",
            "Cambio de aceite y filtro",
            "ZZ",
            dec!(1),
            dec!(45.00),
        ),
        gravado("FIL-01", "Filtro de aceite", "NIU", dec!(1), dec!(32.50)),
        gravado(
            "ACE-5W30",
            "Aceite sintético 5W-30",
            "LTR",
            dec!(4.5),
            dec!(38.90),
        ),
        gravado(
            "REF-GL",
            "Refrigerante (galón)",
            "GLL",
            dec!(1),
            dec!(55.00),
        ),
        gravado(
            "KIT-FRN",
            "Kit de frenos delanteros",
            "KT",
            dec!(1),
            dec!(189.90),
        ),
    ];
    let c = comprobante(
        DocumentKind::Factura {
            payment: PaymentTerms::Contado,
            detraccion: None,
        },
        "F001",
        1,
        buyer_ruc(),
        lines,
    );
    let iterations = 200;

    let document = mean(iterations, || {
        let unsigned = build(black_box(&c)).unwrap();
        let signed = sign(&unsigned, &cert).unwrap();
        black_box(signed.xml.len());
    });

    let key = rsa::RsaPrivateKey::from_pkcs8_der(cert.private_key_der()).unwrap();
    let hash = Sha256::digest(b"anchor");
    let bare = mean(iterations, || {
        let s = key
            .sign_with_rng(&mut OsRng, Pkcs1v15Sign::new::<Sha256>(), black_box(&hash))
            .unwrap();
        black_box(s);
    });

    let build_only = mean(iterations * 10, || {
        black_box(build(black_box(&c)).unwrap());
    });

    println!("5-line factura, build + sign + bytes: {document:?} mean over {iterations}");
    println!(
        "  of which build (UBL XML only):       {build_only:?} mean over {}",
        iterations * 10
    );
    println!("anchor: one bare RSA-2048 signature:   {bare:?} mean over {iterations}");
    println!(
        "overhead beyond the RSA signature:     {:?}",
        document.saturating_sub(bare)
    );
}
