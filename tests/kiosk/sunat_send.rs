//! A kiosk without a server sends its own signed comprobantes to SUNAT — here the real
//! `motordesk-sunat-standin` process, which checks each one with xmllint, SUNAT's rules and
//! xmlsec1 — and keeps each document's fiscal state and CDR in its store: every kind
//! accepted once, nothing sent twice, a lost answer recovered through the consult service,
//! a rejection that stays, an exception resent with the same number. And the same by touch:
//! an administrator sets the service in Ajustes, sends, and Comprobantes shows ACEPTADO.

use crate::fixtures::kiosk;
use crate::sunat_support;
use motordesk::store::{DB_FILE, Store, SunatOutcome};
use motordesk::sync::{SunatReport, send_pending};
use motordesk_core::{DocumentKind, FiscalError, FiscalState, InvoiceDraft};
use motordesk_sunat::{Cdr, Limits, SunatClient};
use rust_decimal_macros::dec;
use sunat_support::{boleta, factura, line, note, shop_with_standin, standin, state};
use uuid::Uuid;

/// The CDR kept in the store, read back.
fn stored_cdr(store: &Store, id: Uuid) -> Cdr {
    let zip = store.fiscal_state(id).unwrap().unwrap().cdr_zip;
    assert!(zip.starts_with(b"PK"), "a CDR zip is stored");
    Cdr::from_zip(zip, &Limits::default()).expect("the stored CDR reads")
}

fn send(store: &Store, client: &SunatClient) -> SunatReport {
    send_pending(store, client, 50).unwrap()
}

#[test]
fn every_kind_is_accepted_once_and_keeps_its_cdr() {
    let (_dir, _standin, store, client) = shop_with_standin();
    let b = boleta(&store, dec!(80));
    let f = factura(&store, dec!(354));
    let nc = note(&store, DocumentKind::NotaDeCredito, &f, dec!(54));
    let nd = note(&store, DocumentKind::NotaDeDebito, &b, dec!(10));
    let mut nv = InvoiceDraft::new(DocumentKind::NotaDeVenta);
    nv.lines = vec![line("Lavado", dec!(20))];
    let nv = store.issue_invoice(nv).unwrap();
    assert_eq!(
        store.fiscal_state(nv.id).unwrap(),
        None,
        "a nota de venta is not a SUNAT document"
    );
    let docs = [&b, &f, &nc, &nd];
    for d in docs {
        assert_eq!(state(&store, d.id), FiscalState::PorEnviar);
    }
    let pending: Vec<Uuid> = store
        .documents_to_send(50)
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(
        pending,
        docs.map(|d| d.id),
        "oldest first, no nota de venta"
    );
    assert_eq!(store.documents_to_send(2).unwrap().len(), 2, "limit");

    let report = send(&store, &client);
    assert_eq!(
        (
            report.documents,
            report.sent,
            report.accepted,
            report.consulted
        ),
        (4, 4, 4, 0),
        "{report:?}"
    );
    assert!(report.problems.is_empty(), "{report:?}");
    assert!(
        report.mensaje().contains("4 aceptados"),
        "{}",
        report.mensaje()
    );
    for d in docs {
        let r = store.fiscal_state(d.id).unwrap().unwrap();
        assert_eq!(r.state, FiscalState::Aceptado, "{}: {r:?}", d.number);
        assert_eq!(r.code, Some(0));
        assert!(r.description.contains("aceptad"), "{}", r.description);
        assert!(r.observations.is_empty());
        assert_eq!(r.attempts, 1);
        assert!(r.last_attempt_at.is_some() && !r.outcome_unknown);
        let cdr = stored_cdr(&store, d.id);
        assert_eq!(cdr.response_code, 0);
        let number = d.number.to_string();
        let (series, correlative) = number.split_once('-').unwrap();
        let correlative = correlative.trim_start_matches('0');
        assert_eq!(cdr.reference_id, format!("{series}-{correlative}"));
    }

    // Nothing is sent twice.
    let again = send(&store, &client);
    assert_eq!((again.documents, again.sent, again.consulted), (0, 0, 0));
    assert!(again.mensaje().contains("No hay comprobantes"));
    assert!(store.documents_to_send(50).unwrap().is_empty());

    // The fiscal record survives closing and reopening the store.
    let path = store.path().to_path_buf();
    drop(store);
    let store = Store::unlock(&path, "admin", "clave-admin").unwrap();
    for d in docs {
        assert_eq!(state(&store, d.id), FiscalState::Aceptado);
        assert!(store.fiscal_state(d.id).unwrap().unwrap().has_cdr());
    }
}

#[test]
fn a_lost_answer_is_consulted_and_never_sent_again() {
    let (_dir, standin, store, client) = shop_with_standin();
    let b = boleta(&store, dec!(45));

    standin.set_fault("lose-answer");
    let report = send(&store, &client);
    assert_eq!(
        (report.sent, report.unknown, report.accepted),
        (1, 1, 0),
        "{report:?}"
    );
    let r = store.fiscal_state(b.id).unwrap().unwrap();
    assert_eq!(r.state, FiscalState::Enviado);
    assert!(r.outcome_unknown && !r.has_cdr());
    assert_eq!(r.attempts, 1);
    assert!(!report.problems.is_empty());

    // The stand-in registered it; a second sendBill would get 1033. The kiosk asks first.
    standin.set_fault("none");
    let report = send(&store, &client);
    assert_eq!(
        (report.sent, report.consulted, report.accepted),
        (0, 1, 1),
        "{report:?}"
    );
    let r = store.fiscal_state(b.id).unwrap().unwrap();
    assert_eq!(r.state, FiscalState::Aceptado);
    assert_eq!(r.attempts, 1, "one sendBill in all");
    assert!(!r.outcome_unknown);
    assert_eq!(stored_cdr(&store, b.id).reference_id, "B001-1");
    assert_eq!(send(&store, &client).documents, 0);
}

#[test]
fn a_rejection_stays_rejected() {
    let (_dir, standin, store, client) = shop_with_standin();
    let f = factura(&store, dec!(118));

    standin.set_fault("reject");
    let report = send(&store, &client);
    assert_eq!((report.sent, report.rejected), (1, 1), "{report:?}");
    let r = store.fiscal_state(f.id).unwrap().unwrap();
    assert_eq!(r.state, FiscalState::Rechazado);
    assert_eq!(r.code, Some(2329));
    assert!(r.has_cdr() && !r.outcome_unknown);
    assert_eq!(stored_cdr(&store, f.id).response_code, 2329);

    standin.set_fault("none");
    let report = send(&store, &client);
    assert_eq!((report.documents, report.sent), (0, 0), "{report:?}");
    assert_eq!(state(&store, f.id), FiscalState::Rechazado);
    // The state machine itself refuses to turn it into an accepted document.
    let refused = store
        .record_sunat_outcome(
            f.id,
            SunatOutcome {
                state: FiscalState::Aceptado,
                code: Some(0),
                description: String::new(),
                observations: Vec::new(),
                cdr_zip: None,
                outcome_unknown: false,
                attempted: false,
                at: chrono::Utc::now(),
            },
        )
        .unwrap();
    assert_eq!(
        refused,
        Err(FiscalError::TransitionRefused {
            from: FiscalState::Rechazado,
            to: FiscalState::Aceptado
        })
    );
    assert_eq!(state(&store, f.id), FiscalState::Rechazado);
}

#[test]
fn an_exception_is_resent_with_the_same_number() {
    let (_dir, standin, store, client) = shop_with_standin();
    let b = boleta(&store, dec!(60));

    standin.set_fault("exception");
    let report = send(&store, &client);
    assert_eq!((report.sent, report.exceptions), (1, 1), "{report:?}");
    let r = store.fiscal_state(b.id).unwrap().unwrap();
    assert_eq!(r.state, FiscalState::Excepcion);
    assert_eq!(r.code, Some(109));
    assert!(!r.outcome_unknown && !r.has_cdr());
    assert_eq!(store.documents_to_send(50).unwrap().len(), 1);

    standin.set_fault("none");
    let report = send(&store, &client);
    assert_eq!(
        (report.sent, report.consulted, report.accepted),
        (1, 0, 1),
        "{report:?}"
    );
    let r = store.fiscal_state(b.id).unwrap().unwrap();
    assert_eq!(r.state, FiscalState::Aceptado);
    assert_eq!(r.attempts, 2);
    assert_eq!(stored_cdr(&store, b.id).reference_id, "B001-1");
}

#[test]
fn documents_sin_firmar_are_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join(DB_FILE), "admin", "clave-admin", "Admin").unwrap();
    motordesk::demo::configure_shop(&store).unwrap();
    let b = boleta(&store, dec!(30));
    assert_eq!(store.unsigned_count().unwrap(), 1);
    assert_eq!(state(&store, b.id), FiscalState::PorEnviar);
    assert!(store.documents_to_send(50).unwrap().is_empty());
}

mod by_touch {
    use super::*;
    use crate::screen::{click, has, open_document, wait_for};
    use egui::{Key, Modifiers};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use motordesk::ui::{KioskApp, PanelId};

    fn replace_text(h: &mut Harness<'static, KioskApp>, label: &str, text: &str) {
        click(h, label);
        h.key_press_modifiers(Modifiers::COMMAND, Key::A);
        h.run_steps(4);
        h.get_by_label(label).type_text(text);
        h.run_steps(4);
    }

    #[test]
    fn an_administrator_configures_sends_and_sees_the_fiscal_state() {
        let dir = tempfile::tempdir().unwrap();
        let standin = standin();
        let store =
            Store::create(&dir.path().join(DB_FILE), "admin", "clave-admin", "Admin").unwrap();
        motordesk::demo::setup_shop(&store).unwrap();
        let b = boleta(&store, dec!(35));
        let mut h = kiosk(dir.path(), store, PanelId::Ajustes, (1280.0, 800.0));
        wait_for(&mut h, "Ajustes", |h| {
            has(h, "Envío a SUNAT desde este equipo")
        });
        assert!(has(&h, "Envío a SUNAT no configurado"));

        click(&mut h, "SUNAT beta");
        let s = h.state().store().unwrap().clone();
        // The stand-in plays SUNAT beta: same contract, same public test credentials.
        replace_text(
            &mut h,
            "Dirección del servicio (billService)",
            &standin.bill_url(),
        );
        replace_text(
            &mut h,
            "Servicio de consulta (billConsultService; vacío = el de SUNAT)",
            &standin.consult_url(),
        );
        click(&mut h, "Guardar datos de envío");
        wait_for(&mut h, "the save", |h| {
            has(h, "Datos de envío a SUNAT guardados")
        });
        let settings = s.settings().unwrap();
        assert_eq!(settings.sunat_endpoint, standin.bill_url());
        assert_eq!(settings.sunat_consult_endpoint, standin.consult_url());
        assert_eq!(
            (
                settings.sunat_user.as_str(),
                settings.sunat_password.as_str()
            ),
            ("MODDATOS", "moddatos")
        );
        assert!(
            !format!("{settings:?}").contains("moddatos"),
            "no password in logs"
        );

        click(&mut h, "Enviar pendientes a SUNAT");
        wait_for(&mut h, "the result line", |h| has(h, "SUNAT: 1 aceptados"));
        assert_eq!(state(&s, b.id), FiscalState::Aceptado);

        h.get_by_label("Comprobantes").click();
        h.run_steps(4);
        open_document(&mut h, "B001-00000001");
        wait_for(&mut h, "the fiscal state", |h| has(h, "ACEPTADO"));
        assert!(
            has(&h, "ha sido aceptada"),
            "the CDR's description is shown"
        );
        assert!(has(&h, "Constancia (CDR) guardada"));
    }
}
