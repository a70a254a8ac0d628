//! Voiding accepted comprobantes from a kiosk without a server, against the real
//! `motordesk-sunat-standin`: a factura (and a note of one) through a comunicación de baja
//! (RA), a boleta through a resumen diario line in estado 3 (RC), each with its ticket
//! polled until SUNAT confirms and the document reads ANULADO; the refusals (not accepted,
//! past SUNAT's limit, without reason) send nothing; the daily `N` never repeats.

use crate::sunat_support;
use chrono::NaiveDate;
use motordesk::store::{Store, VoidRefusal, VoidStatus};
use motordesk::sync::{VoidError, VoidOutcome, poll_voids, send_pending, void_document};
use motordesk_core::{DocumentKind, FiscalError, FiscalState, Invoice, InvoiceDraft, lima_date};
use motordesk_sunat::{Cdr, Limits, SunatClient};
use rust_decimal_macros::dec;
use std::path::Path;

use sunat_support::{boleta, factura, line, note, shop_with_standin, state};

fn today_of(inv: &Invoice) -> NaiveDate {
    lima_date(inv.issued_at)
}

fn accept_all(store: &Store, client: &SunatClient) {
    let report = send_pending(store, client, 50).unwrap();
    assert_eq!(report.accepted, report.documents, "{report:?}");
}

fn refusal(r: Result<VoidOutcome, VoidError>) -> VoidRefusal {
    match r {
        Err(VoidError::Refused(refusal)) => {
            assert!(!refusal.mensaje().is_empty());
            refusal
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Voids `inv` and polls until SUNAT confirms; returns the summary's file name.
fn void_until_confirmed(
    store: &Store,
    client: &SunatClient,
    inv: &Invoice,
    reason: &str,
) -> String {
    let first = void_document(store, client, inv.id, reason, today_of(inv)).unwrap();
    let VoidOutcome::Pending { file_name, .. } = &first else {
        panic!("the stand-in answers 98 on the first poll: {first:?}");
    };
    assert!(
        first.mensaje().contains("Anulación en proceso"),
        "{}",
        first.mensaje()
    );
    let record = store.fiscal_state(inv.id).unwrap().unwrap();
    assert!(record.void_pending(), "{record:?}");
    assert!(record.state.is_accepted(), "still accepted while pending");
    assert!(
        record.void.as_ref().unwrap().ticket.is_some(),
        "ticket kept"
    );
    assert_eq!(store.pending_voids().unwrap().len(), 1);

    let report = poll_voids(store, client).unwrap();
    assert_eq!(report.voided(), 1, "{report:?}");
    assert_eq!(
        report.outcomes,
        vec![(
            inv.id,
            VoidOutcome::Anulado {
                file_name: file_name.clone()
            }
        )]
    );
    assert!(store.pending_voids().unwrap().is_empty());
    let record = store.fiscal_state(inv.id).unwrap().unwrap();
    assert_eq!(record.state, FiscalState::Anulado);
    assert!(!record.void_pending());
    let void = record.void.unwrap();
    assert_eq!(void.status, VoidStatus::Confirmed);
    assert_eq!(void.code, Some(0));
    assert_eq!(void.reason, reason);
    let cdr = Cdr::from_zip(void.cdr_zip, &Limits::default()).expect("the void's CDR is kept");
    assert_eq!(cdr.response_code, 0);
    assert!(
        record.cdr_zip.starts_with(b"PK"),
        "the document's own CDR stays"
    );
    // Nothing more to poll, nothing more to send.
    assert!(poll_voids(store, client).unwrap().outcomes.is_empty());
    assert!(store.documents_to_send(50).unwrap().is_empty());
    file_name.clone()
}

#[test]
fn a_factura_is_voided_by_comunicacion_de_baja() {
    let (_dir, _standin, store, client) = shop_with_standin();
    let f = factura(&store, dec!(354));
    accept_all(&store, &client);
    let name = void_until_confirmed(&store, &client, &f, "Error en la descripción del servicio");
    let day = today_of(&f).format("%Y%m%d");
    assert_eq!(name, format!("20000000001-RA-{day}-1"));

    // ANULADO is final: a second void is refused, nothing is sent.
    let again = refusal(void_document(
        &store,
        &client,
        f.id,
        "otra vez",
        today_of(&f),
    ));
    assert_eq!(again, VoidRefusal::NotAccepted(FiscalState::Anulado));

    // A note of a factura goes the same way, with the next N of the day.
    let g = factura(&store, dec!(500));
    let nc = note(&store, DocumentKind::NotaDeCredito, &g, dec!(100));
    accept_all(&store, &client);
    let name = void_until_confirmed(&store, &client, &nc, "Nota emitida por error");
    assert_eq!(name, format!("20000000001-RA-{day}-2"));
    assert_eq!(
        state(&store, g.id),
        FiscalState::Aceptado,
        "the factura stays"
    );

    // Survives closing and reopening the store.
    let path = store.path().to_path_buf();
    drop(store);
    let store = Store::unlock(&path, "admin", "clave-admin").unwrap();
    assert_eq!(state(&store, f.id), FiscalState::Anulado);
    assert_eq!(state(&store, nc.id), FiscalState::Anulado);
}

#[test]
fn a_boleta_is_voided_in_the_resumen_diario_with_estado_3() {
    let (_dir, _standin, store, client) = shop_with_standin();
    let b = boleta(&store, dec!(80));
    accept_all(&store, &client);
    let name = void_until_confirmed(&store, &client, &b, "Venta anulada por el cliente");
    let day = today_of(&b).format("%Y%m%d");
    assert_eq!(name, format!("20000000001-RC-{day}-1"));
}

#[test]
fn the_summary_carries_the_document_and_estado_3() {
    let (_dir, _standin, store, client) = shop_with_standin();
    let b = boleta(&store, dec!(80));
    let f = factura(&store, dec!(354));
    accept_all(&store, &client);
    void_document(&store, &client, b.id, "Cobro duplicado", today_of(&b)).unwrap();
    void_document(&store, &client, f.id, "Cobro duplicado", today_of(&f)).unwrap();
    let rc = store.fiscal_state(b.id).unwrap().unwrap().void.unwrap();
    assert!(rc.xml.contains("<SummaryDocuments"), "{}", rc.xml);
    assert!(rc.xml.contains("<cbc:ConditionCode>3</cbc:ConditionCode>"));
    assert!(rc.xml.contains("<ds:Signature"));
    let ra = store.fiscal_state(f.id).unwrap().unwrap().void.unwrap();
    assert!(ra.xml.contains("<VoidedDocuments"), "{}", ra.xml);
    assert!(ra.xml.contains("Cobro duplicado"));
    assert!(ra.xml.contains("<ds:Signature"));
    let report = poll_voids(&store, &client).unwrap();
    assert_eq!(report.voided(), 2, "{report:?}");
}

#[test]
fn voiding_is_refused_before_acceptance_past_the_limit_and_without_reason() {
    let (_dir, _standin, store, client) = shop_with_standin();
    let f = factura(&store, dec!(354));
    let b = boleta(&store, dec!(80));
    let today = today_of(&f);

    // Not accepted yet (POR ENVIAR).
    assert_eq!(
        refusal(void_document(&store, &client, f.id, "Error", today)),
        VoidRefusal::NotAccepted(FiscalState::PorEnviar)
    );
    accept_all(&store, &client);

    // Past SUNAT's limit: 7 calendar days after issue.
    let late = today + chrono::Days::new(8);
    let r = refusal(void_document(&store, &client, f.id, "Error", late));
    let VoidRefusal::Fiscal(FiscalError::VoidPastDeadline { last_day, .. }) = &r else {
        panic!("{r:?}");
    };
    assert_eq!(*last_day, today + chrono::Days::new(7));
    assert!(
        r.mensaje().contains("ya no se puede anular"),
        "{}",
        r.mensaje()
    );
    let last = today + chrono::Days::new(7);
    assert!(
        matches!(
            store.begin_void(b.id, "   ", last).unwrap(),
            Err(VoidRefusal::ReasonRequired)
        ),
        "the last day is still inside the limit; only the reason is missing"
    );

    // Without reason, or too long.
    assert_eq!(
        refusal(void_document(&store, &client, b.id, "  ", today)),
        VoidRefusal::ReasonRequired
    );
    assert_eq!(
        refusal(void_document(
            &store,
            &client,
            b.id,
            &"x".repeat(101),
            today
        )),
        VoidRefusal::ReasonTooLong(101)
    );

    // A nota de venta is no SUNAT document.
    let mut nv = InvoiceDraft::new(DocumentKind::NotaDeVenta);
    nv.lines = vec![line("Lavado", dec!(20))];
    let nv = store.issue_invoice(nv).unwrap();
    assert!(matches!(
        refusal(void_document(&store, &client, nv.id, "Error", today)),
        VoidRefusal::Fiscal(FiscalError::NotFiscal)
    ));

    // Nothing was recorded nor numbered: the first real void of the day gets N = 1.
    assert!(store.pending_voids().unwrap().is_empty());
    assert_eq!(state(&store, f.id), FiscalState::Aceptado);
    assert_eq!(state(&store, b.id), FiscalState::Aceptado);
    let out = void_document(&store, &client, f.id, "Error en el RUC", today).unwrap();
    let VoidOutcome::Pending { file_name, .. } = out else {
        panic!("{out:?}");
    };
    assert!(file_name.ends_with(&format!("-RA-{}-1", today.format("%Y%m%d"))));
    // Already pending: refused, not sent twice.
    assert_eq!(
        refusal(void_document(&store, &client, f.id, "Error", today)),
        VoidRefusal::AlreadyPending
    );
}

#[test]
fn two_voids_on_one_day_get_different_numbers() {
    let (_dir, _standin, store, client) = shop_with_standin();
    let f1 = factura(&store, dec!(100));
    let f2 = factura(&store, dec!(200));
    let b1 = boleta(&store, dec!(30));
    let b2 = boleta(&store, dec!(40));
    accept_all(&store, &client);
    let day = today_of(&f1);
    let mut names = Vec::new();
    for d in [&f1, &f2, &b1, &b2] {
        match void_document(&store, &client, d.id, "Emitido por error", day).unwrap() {
            VoidOutcome::Pending { file_name, .. } => names.push(file_name),
            other => panic!("{other:?}"),
        }
    }
    let ymd = day.format("%Y%m%d");
    assert_eq!(
        names,
        vec![
            format!("20000000001-RA-{ymd}-1"),
            format!("20000000001-RA-{ymd}-2"),
            format!("20000000001-RC-{ymd}-1"),
            format!("20000000001-RC-{ymd}-2"),
        ]
    );
    // The stand-in refuses a summary file presented twice (2324/2223): all four were new.
    let report = poll_voids(&store, &client).unwrap();
    assert_eq!(report.voided(), 4, "{report:?}");
    for d in [&f1, &f2, &b1, &b2] {
        assert_eq!(state(&store, d.id), FiscalState::Anulado);
    }
    // Another day starts again at 1.
    let f3 = factura(&store, dec!(50));
    accept_all(&store, &client);
    let next = day + chrono::Days::new(1);
    match void_document(&store, &client, f3.id, "Emitido por error", next).unwrap() {
        VoidOutcome::Pending { file_name, .. } => {
            assert_eq!(
                file_name,
                format!("20000000001-RA-{}-1", next.format("%Y%m%d"))
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_summary_without_answer_is_sent_again_with_the_same_file() {
    let (_dir, standin, store, client) = shop_with_standin();
    let f = factura(&store, dec!(354));
    accept_all(&store, &client);
    standin.set_fault("soap-fault");
    let out = void_document(&store, &client, f.id, "Error", today_of(&f)).unwrap();
    let VoidOutcome::Pending { file_name, .. } = &out else {
        panic!("{out:?}");
    };
    let void = store.fiscal_state(f.id).unwrap().unwrap().void.unwrap();
    assert_eq!(void.ticket, None, "no ticket: to be sent again");
    standin.set_fault("none");
    let first = poll_voids(&store, &client).unwrap();
    assert_eq!(
        first.outcomes,
        vec![(
            f.id,
            VoidOutcome::Pending {
                file_name: file_name.clone(),
                detail: "SUNAT aún está procesando el envío".into()
            }
        )]
    );
    let second = poll_voids(&store, &client).unwrap();
    assert_eq!(second.voided(), 1, "{second:?}");
    assert_eq!(state(&store, f.id), FiscalState::Anulado);
}

#[test]
fn a_refused_void_keeps_the_document_accepted() {
    let (_dir, standin, store, client) = shop_with_standin();
    let f = factura(&store, dec!(354));
    accept_all(&store, &client);
    // SUNAT takes the file but the ticket is lost; the resend is refused with 2324.
    standin.set_fault("lose-answer");
    let out = void_document(&store, &client, f.id, "Error", today_of(&f)).unwrap();
    assert!(matches!(out, VoidOutcome::Pending { .. }), "{out:?}");
    standin.set_fault("none");
    let report = poll_voids(&store, &client).unwrap();
    assert_eq!(report.refused(), 1, "{report:?}");
    let (_, out) = &report.outcomes[0];
    assert!(out.mensaje().contains("no aceptó"), "{}", out.mensaje());
    assert!(
        out.mensaje().contains("Operaciones en Línea"),
        "{}",
        out.mensaje()
    );
    let record = store.fiscal_state(f.id).unwrap().unwrap();
    assert_eq!(record.state, FiscalState::Aceptado);
    let void = record.void.unwrap();
    assert_eq!((void.status, void.code), (VoidStatus::Refused, Some(2324)));
    assert!(store.pending_voids().unwrap().is_empty());
    // It may be asked again, with a new N.
    let again = void_document(&store, &client, f.id, "Error", today_of(&f)).unwrap();
    let VoidOutcome::Pending { file_name, .. } = again else {
        panic!("{again:?}");
    };
    assert!(file_name.ends_with("-2"), "{file_name}");
}

mod by_touch {
    use super::*;
    use crate::screen::{click, has, open_document, type_void_reason, wait_for};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use motordesk::ui::{KioskApp, PanelId};
    use motordesk_core::Role;

    fn kiosk(dir: &Path, store: Store) -> Harness<'static, KioskApp> {
        crate::fixtures::kiosk(dir, store, PanelId::Comprobantes, (1280.0, 800.0))
    }

    #[test]
    fn an_administrator_voids_a_boleta_and_sees_anulado() {
        let (dir, _standin, store, client) = shop_with_standin();
        let b = boleta(&store, dec!(35));
        accept_all(&store, &client);
        let mut h = kiosk(dir.path(), store);
        let s = h.state().store().unwrap().clone();
        open_document(&mut h, "B001-00000001");
        wait_for(&mut h, "the fiscal state", |h| has(h, "ACEPTADO"));
        click(&mut h, "Anular");
        wait_for(&mut h, "the reason field", |h| {
            has(h, "Motivo de la anulación")
        });
        // Without a reason SUNAT is not asked.
        click(&mut h, "Anular comprobante");
        click(&mut h, "Sí, anular");
        wait_for(&mut h, "the refusal", |h| {
            has(h, "Indique el motivo de la anulación")
        });
        assert!(s.pending_voids().unwrap().is_empty());
        type_void_reason(&mut h, "Venta registrada por error");
        assert!(has(&h, "26/100 caracteres"), "the reason was typed");
        click(&mut h, "Sí, anular");
        wait_for(&mut h, "the pending line", |h| {
            has(h, "ANULACIÓN EN PROCESO")
        });
        assert!(has(&h, "Anulación en proceso"));
        click(&mut h, "Consultar anulación");
        wait_for(&mut h, "the confirmation", |h| {
            has(h, "Comprobante ANULADO")
        });
        assert_eq!(state(&s, b.id), FiscalState::Anulado);
        assert!(h.query_by_label("Anular").is_none(), "nothing left to void");
    }

    #[test]
    fn a_cashier_voids_only_with_a_manager_pin() {
        let (dir, _standin, store, client) = shop_with_standin();
        store
            .add_user("caja1", "turno-mañana", "Cajera Lucía", Role::Cajero)
            .unwrap();
        store.set_manager_pin("2468").unwrap();
        boleta(&store, dec!(35));
        accept_all(&store, &client);
        let path = store.path().to_path_buf();
        drop(store);
        let store = Store::unlock(&path, "caja1", "turno-mañana").unwrap();
        let b = store.invoice_summaries().unwrap()[0].id;
        let today = lima_date(chrono::Utc::now());
        assert_eq!(
            refusal(void_document(&store, &client, b, "Error", today)),
            VoidRefusal::NotAdmin,
            "the store refuses too, not only the screen"
        );
        let mut h = kiosk(dir.path(), store);
        let s = h.state().store().unwrap().clone();
        open_document(&mut h, "B001-00000001");
        wait_for(&mut h, "the fiscal state", |h| has(h, "ACEPTADO"));
        click(&mut h, "Anular");
        type_void_reason(&mut h, "Venta registrada por error");
        click(&mut h, "Anular comprobante");
        click(&mut h, "Sí, anular");
        // The manager's PIN pad; a wrong PIN voids nothing.
        wait_for(&mut h, "the pin pad", |h| has(h, "PIN: Anulación"));
        for d in ["1", "1", "1", "1", "Aceptar"] {
            h.get_by_label(d).click();
            h.run();
        }
        wait_for(&mut h, "the refusal", |h| has(h, "PIN incorrecto."));
        assert!(s.pending_voids().unwrap().is_empty());
        click(&mut h, "Sí, anular");
        for d in ["2", "4", "6", "8", "Aceptar"] {
            h.get_by_label(d).click();
            h.run();
        }
        wait_for(&mut h, "the pending line", |h| {
            has(h, "ANULACIÓN EN PROCESO")
        });
        assert_eq!(s.pending_voids().unwrap().len(), 1);
    }
}
