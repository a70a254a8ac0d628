//! The server validates everything it is sent: tokens, JSON, invoice totals, series
//! ownership, immutability of issued documents, identity documents.

use crate::sync_support;

use motordesk::store::OutboxEntry;
use motordesk::sync::{Client, SyncError, sync_once};
use motordesk_core::SyncStatus;
use motordesk_core::protocol::{Mutation, Outcome, PUSH, PushRequest};
use std::time::Duration;
use sync_support::*;
use uuid::Uuid;

/// The mutation the kiosk would push for `entry`, with a fresh idempotency key.
fn mutation(k: &Kiosk, entry: &OutboxEntry) -> Mutation {
    let payload = k.store.outbox_payload(entry).unwrap();
    let meta: motordesk_core::RecordMeta = serde_json::from_value(payload["meta"].clone()).unwrap();
    Mutation {
        idempotency_key: Uuid::now_v7(),
        device_seq: entry.seq,
        kind: entry.kind,
        record_id: entry.record_id,
        version: meta.version,
        hlc: meta.hlc,
        payload,
    }
}

fn invoice_entry(k: &Kiosk) -> OutboxEntry {
    k.store
        .outbox_with_status(SyncStatus::Pending, usize::MAX)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == motordesk_core::RecordKind::Invoice)
        .unwrap()
}

fn push_one(client: &Client, m: Mutation) -> Outcome {
    let resp = client.push(&PushRequest { mutations: vec![m] }).unwrap();
    assert_eq!(resp.results.len(), 1);
    resp.results.into_iter().next().unwrap().outcome
}

fn raw_status(req: ureq::RequestBuilder<ureq::typestate::WithBody>, body: &str) -> u16 {
    req.header("Content-Type", "application/json")
        .send(body)
        .unwrap()
        .status()
        .as_u16()
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build(),
    )
}

#[test]
fn wrong_or_missing_token_is_401_and_malformed_json_is_400() {
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    kiosk.issue(1);

    let wrong = Client::new(&server.url, Some("f".repeat(64)), Duration::from_secs(10));
    let push = wrong.push(&PushRequest { mutations: vec![] });
    assert!(matches!(push, Err(SyncError::Unauthorized)), "{push:?}");
    assert!(matches!(
        wrong.changes("", 10),
        Err(SyncError::Unauthorized)
    ));
    let err = sync_once(&kiosk.store, &wrong).unwrap_err();
    assert!(matches!(err, SyncError::Unauthorized));
    assert!(err.mensaje().contains("registrarlo"), "{}", err.mensaje());

    let url = format!("{}{PUSH}", server.url);
    assert_eq!(raw_status(agent().post(&url), r#"{"mutations":[]}"#), 401);
    let token = kiosk.store.settings().unwrap().device_token.unwrap();
    let auth = || {
        agent()
            .post(&url)
            .header("Authorization", format!("Bearer {token}"))
    };
    assert_eq!(
        raw_status(auth(), r#"{"mutations":[{"kind":"Invoice"}]}"#),
        400
    );
    assert_eq!(raw_status(auth(), "not json at all"), 400);
    assert_eq!(raw_status(auth(), r#"{"mutations":[]}"#), 200);
    let register = format!("{}/v1/devices/register", server.url);
    assert_eq!(raw_status(agent().post(&register), "{"), 400);

    // The kiosk's own entries were not harmed by the wrong-token attempt.
    let report = sync_once(&kiosk.store, &kiosk.client()).unwrap();
    assert_eq!(report.remaining, 0);
    assert_eq!(server.invoices().len(), 1);
}

#[test]
fn wrong_enrollment_code_is_refused_in_spanish() {
    let server = Server::start();
    let kiosk = Kiosk::new();
    let err = motordesk::sync::register(&server.url, "adivinando", &kiosk.store).unwrap_err();
    assert!(matches!(err, SyncError::EnrollmentRefused));
    assert!(
        err.mensaje()
            .starts_with("El código de inscripción no es correcto"),
        "{}",
        err.mensaje()
    );
    assert_eq!(kiosk.store.settings().unwrap().device_token, None);
    let bad_url =
        motordesk::sync::register("servidor-local", ENROLLMENT, &kiosk.store).unwrap_err();
    assert!(bad_url.mensaje().contains("no es válida"));
    let down =
        motordesk::sync::register("http://127.0.0.1:9", ENROLLMENT, &kiosk.store).unwrap_err();
    assert!(matches!(down, SyncError::Transport(_)), "{down:?}");
}

#[test]
fn tampered_totals_are_rejected_and_the_real_invoice_is_applied() {
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    kiosk.issue(1);
    let client = kiosk.client();
    let entry = invoice_entry(&kiosk);

    let mut tampered = mutation(&kiosk, &entry);
    tampered.payload["data"]["totals"]["total"] = serde_json::json!("1.00");
    match push_one(&client, tampered) {
        Outcome::Rejected { reason } => assert!(reason.contains("Boleta"), "{reason}"),
        other => panic!("tampered totals accepted: {other:?}"),
    }
    assert!(server.invoices().is_empty());

    let real = mutation(&kiosk, &entry);
    assert_eq!(push_one(&client, real.clone()), Outcome::Applied);
    assert_eq!(
        push_one(&client, real.clone()),
        Outcome::Duplicate,
        "same key again"
    );

    // Same document under a new key: duplicate. Changed content: rejected (immutable).
    let same = Mutation {
        idempotency_key: Uuid::now_v7(),
        ..real.clone()
    };
    assert_eq!(push_one(&client, same), Outcome::Duplicate);
    let mut changed = Mutation {
        idempotency_key: Uuid::now_v7(),
        ..real
    };
    changed.payload["data"]["observations"] = serde_json::json!("editado después");
    assert!(matches!(
        push_one(&client, changed),
        Outcome::Rejected { .. }
    ));
    assert_eq!(server.invoices().len(), 1);
}

#[test]
fn series_belong_to_their_kiosk_and_identity_documents_are_rechecked() {
    let server = Server::start();
    let a = Kiosk::registered(&server);
    let b = Kiosk::registered(&server);
    a.issue(1);
    let stolen = mutation(&a, &invoice_entry(&a));
    // Kiosk B pushes an invoice numbered in kiosk A's series.
    match push_one(&b.client(), stolen) {
        Outcome::Rejected { reason } => assert!(reason.contains("B001"), "{reason}"),
        other => panic!("foreign series accepted: {other:?}"),
    }

    let c = motordesk_core::Customer::new(
        Uuid::now_v7(),
        motordesk_core::IdKind::Ruc,
        "20100070970",
        "Supermercados Peruanos S.A.",
        "",
        "",
        "",
    )
    .unwrap();
    a.store.save_customer(c.clone()).unwrap();
    let entry = a
        .store
        .outbox_with_status(SyncStatus::Pending, usize::MAX)
        .unwrap()
        .into_iter()
        .find(|e| e.record_id == c.id)
        .unwrap();
    let mut bad_ruc = mutation(&a, &entry);
    bad_ruc.payload["data"]["doc"] = serde_json::json!({"kind": "Ruc", "number": "20100070971"});
    match push_one(&a.client(), bad_ruc) {
        Outcome::Rejected { reason } => assert!(reason.contains("RUC"), "{reason}"),
        other => panic!("bad RUC accepted: {other:?}"),
    }
    assert_eq!(
        push_one(&a.client(), mutation(&a, &entry)),
        Outcome::Applied
    );
}

#[test]
fn rejected_items_wait_for_review_while_the_rest_of_the_queue_syncs() {
    let server = Server::start();
    let _first = Kiosk::registered(&server);
    // Sold before registering: numbered in the default series B001, which the server
    // gives to the first kiosk, not to this one.
    let kiosk = Kiosk::new();
    let early = kiosk.issue(2);
    let reg = motordesk::sync::register(&server.url, ENROLLMENT, &kiosk.store).unwrap();
    assert_eq!(reg.kiosk_number, 2);
    let later = kiosk.issue(3);
    assert!(later.iter().all(|n| n.starts_with("B002-")));

    let report = sync_once(&kiosk.store, &kiosk.client()).unwrap();
    assert_eq!(report.rejected, 2, "{report:?}");
    assert_eq!(report.applied, 3, "{report:?}");
    let failed = kiosk
        .store
        .outbox_with_status(SyncStatus::Failed, usize::MAX)
        .unwrap();
    assert_eq!(failed.len(), 2);
    for e in &failed {
        assert!(e.rejected);
        assert!(e.next_attempt_at.is_none(), "never retried by itself");
        assert!(e.last_error.as_deref().unwrap().contains("no pertenece"));
    }
    // Not due again: another cycle leaves them alone.
    let again = sync_once(&kiosk.store, &kiosk.client()).unwrap();
    assert_eq!(again.requests, 0);
    assert_server_has_exactly(&server, &later);
    for n in &early {
        let number = motordesk_core::DocumentNumber::parse(n).unwrap();
        let inv = kiosk.store.invoice_by_number(&number).unwrap().unwrap();
        assert_eq!(
            inv.meta.status,
            SyncStatus::Failed,
            "kept locally, nothing lost"
        );
    }
}

#[test]
fn notes_must_modify_a_document_the_server_holds_and_never_over_credit_it() {
    use motordesk_core::{DocumentKind, InvoiceDraft, Modifies, NoteReason, RecordKind};
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    let original = issue_boleta(&kiosk.store, 0);
    let mut nc = InvoiceDraft::new(DocumentKind::NotaDeCredito);
    nc.lines = original.lines.clone();
    nc.modifies = Some(Modifies::of(
        &original,
        NoteReason::AnulacionDeLaOperacion,
        "",
    ));
    let note = kiosk.store.issue_invoice(nc).unwrap();
    let client = kiosk.client();
    let entries = kiosk
        .store
        .outbox_with_status(SyncStatus::Pending, usize::MAX)
        .unwrap();
    let entry_of = |id: Uuid| {
        entries
            .iter()
            .find(|e| e.kind == RecordKind::Invoice && e.record_id == id)
            .unwrap()
    };
    let note_m = mutation(&kiosk, entry_of(note.id));

    // The note before its boleta: the server does not hold the boleta.
    match push_one(&client, note_m.clone()) {
        Outcome::Rejected { reason } => {
            assert!(reason.contains("no está en el servidor"), "{reason}")
        }
        other => panic!("note without its document accepted: {other:?}"),
    }
    assert_eq!(
        push_one(&client, mutation(&kiosk, entry_of(original.id))),
        Outcome::Applied
    );
    let again = Mutation {
        idempotency_key: Uuid::now_v7(),
        ..note_m.clone()
    };
    assert_eq!(push_one(&client, again), Outcome::Applied);

    // A second full credit note (forged: new id and number) would credit twice.
    let mut forged = note_m;
    let id = Uuid::now_v7();
    forged.idempotency_key = Uuid::now_v7();
    forged.record_id = id;
    forged.payload["data"]["id"] = serde_json::json!(id);
    forged.payload["data"]["number"]["correlative"] = serde_json::json!(2);
    match push_one(&client, forged) {
        Outcome::Rejected { reason } => assert!(reason.contains("superarían"), "{reason}"),
        other => panic!("over-credit accepted: {other:?}"),
    }
    assert_eq!(server.invoices().len(), 2);
}
