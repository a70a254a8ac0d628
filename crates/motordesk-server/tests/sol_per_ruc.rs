//! A shop of a chain sends its documents to SUNAT signed in with its own RUC's Clave SOL
//! (`--sunat-credentials-file`), not the server's default SOL user: the SUNAT stand-in
//! knows only the shop's user, checks the WS-Security login and the document's RUC, and
//! accepts the boleta only when the dispatcher signed in as that shop.

#[path = "../../motordesk-sunat/tests/common/mod.rs"]
mod common;
mod support;
#[path = "../../motordesk-sunat/tests/transport_support/mod.rs"]
mod transport_support;

use chrono::Utc;
use common::*;
use motordesk_core::protocol::{ComprobanteUpload, Outcome};
use motordesk_core::{FiscalState, RecordKind};
use motordesk_server::db::ServerDb;
use motordesk_server::dispatcher::{SunatSettings, pass};
use motordesk_server::shops::{Shops, new_shop};
use motordesk_server::sol_logins::SolLogins;
use motordesk_sunat::{Certificate, DocumentKind, build, sign};
use rust_decimal_macros::dec;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use support::mutation;
use transport_support::Standin;
use uuid::Uuid;

const RUC_NORTE: &str = "20100070970";

/// Pushes one signed boleta of RUC_NORTE into its shop of a fresh chain and runs one
/// dispatcher pass with `logins` as the credentials file (the default SOL user is
/// MODDATOS, which this stand-in does not know); returns the document's SUNAT state.
fn sent_with(logins: &str) -> FiscalState {
    let standin = Standin::start_in_memory(&[
        "--checks",
        "signature",
        "--user",
        "20100070970NORTE01",
        "--password",
        "clave del norte",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let shops = Shops::new(Arc::new(
        ServerDb::open(&dir.path().join("server.redb")).unwrap(),
    ));
    let shop = shops
        .registry()
        .add_shop(new_shop(RUC_NORTE, "0001", "Taller Norte").unwrap())
        .unwrap();
    let (device, _) = shops.register(shop.id, Uuid::now_v7(), "caja").unwrap();
    let db = shops.get(shop.id).unwrap().unwrap();

    let series = device.series.boleta.to_string();
    let cert = Certificate::self_signed(RUC_NORTE, "TALLER NORTE S.A.C.", 365).unwrap();
    let lines = vec![gravado(
        "SRV-001",
        "Cambio de aceite",
        "ZZ",
        dec!(1),
        dec!(45.00),
    )];
    let mut c = comprobante(DocumentKind::Boleta, &series, 1, buyer_dni(), lines);
    c.issuer.ruc = RUC_NORTE.into();
    let signed = sign(&build(&c).unwrap(), &cert).unwrap();
    let upload = ComprobanteUpload {
        invoice_id: Uuid::now_v7(),
        file_name: format!("{RUC_NORTE}-03-{series}-1"),
        xml: String::from_utf8(signed.xml).unwrap(),
        digest: signed.digest_value,
    };
    let m = mutation(
        device.device_id,
        RecordKind::Comprobante,
        upload.invoice_id,
        &upload,
        Utc::now().timestamp_millis(),
    );
    let results = db.apply(&device, &[m]).unwrap();
    assert_eq!(results[0].outcome, Outcome::Applied, "{results:?}");

    let settings = SunatSettings {
        endpoint: standin.bill_url(),
        consult_endpoint: standin.consult_url(),
        user: "MODDATOS".into(),
        password: "moddatos".into(),
        timeout: Duration::from_secs(30),
        workers: 1,
        sol_logins: SolLogins::parse(logins).unwrap(),
    };
    pass(&db, &settings, &mut HashMap::new()).unwrap();
    db.fiscal_state(upload.invoice_id)
        .unwrap()
        .expect("the document's SUNAT state")
        .state
}

#[test]
fn each_ruc_of_the_chain_signs_in_with_its_own_clave_sol() {
    assert_eq!(
        sent_with("20100070970 NORTE01 clave del norte\n"),
        FiscalState::Aceptado
    );
    let state = sent_with("");
    assert_ne!(
        state,
        FiscalState::Aceptado,
        "sent as the default SOL user, which SUNAT does not know for this RUC"
    );
}
