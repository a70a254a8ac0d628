//! A shop with a server: kiosks sell (offline too), sync, and the server's SUNAT
//! dispatcher sends every signed document to the real `motordesk-sunat-standin`; each
//! state change and CDR comes back through the change feed, so the kiosk's store shows
//! ACEPTADO (or why not). Faults are the stand-in's own: a lost answer, a rejection, an
//! exception, and a kill -9 of the server in the middle of a send. The stand-in counts
//! every sendBill per document, so "never sent twice" is checked, not assumed.

use crate::sunat_support;
use crate::sync_support;
use motordesk::export::{ExportOptions, export_xml};
use motordesk::store::{DB_FILE, Store};
use motordesk::sync::sync_once;
use motordesk_core::{DocumentKind, FiscalState, Invoice};
use motordesk_sunat::{Cdr, Limits};
use rust_decimal_macros::dec;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use sunat_support::transport_support::Standin;
use sunat_support::{boleta, factura, note};
use sync_support::{ENROLLMENT, Server, server_exe};
use uuid::Uuid;

const RUC: &str = "20000000001";

/// The SOL password in a file only its owner reads, as the server demands.
fn password_file(dir: &Path) -> String {
    let path = dir.join("sol-password");
    std::fs::write(&path, "moddatos\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path.to_string_lossy().into_owned()
}

/// A server whose dispatcher sends to `standin` with the beta credentials.
fn server_for(standin: &Standin, dir: &Path) -> Server {
    let password = password_file(dir);
    Server::start_with(&[
        "--sunat-endpoint",
        &standin.bill_url(),
        "--sunat-consult-endpoint",
        &standin.consult_url(),
        "--sunat-user",
        "MODDATOS",
        "--sunat-password-file",
        &password,
    ])
}

/// The demo shop (SUNAT's test RUC, self-signed certificate) registered with `server`;
/// it has no SUNAT credentials of its own.
fn kiosk(dir: &Path, server: &Server) -> Store {
    let store = Store::create(&dir.join(DB_FILE), "admin", "clave-admin", "Admin").unwrap();
    motordesk::demo::setup_shop(&store).unwrap();
    motordesk::sync::register(&server.url, ENROLLMENT, &store).unwrap();
    assert!(store.settings().unwrap().sunat_endpoint.is_empty());
    store
}

fn subdir(dir: &Path, name: &str) -> std::path::PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn client(store: &Store) -> motordesk::sync::Client {
    let s = store.settings().unwrap();
    motordesk::sync::Client::new(&s.server_url, s.device_token, Duration::from_secs(20))
}

fn file_name(inv: &Invoice) -> String {
    let tt = match inv.kind {
        DocumentKind::Factura => "01",
        DocumentKind::Boleta => "03",
        DocumentKind::NotaDeCredito => "07",
        DocumentKind::NotaDeDebito => "08",
        DocumentKind::NotaDeVenta => unreachable!("not a SUNAT document"),
    };
    format!(
        "{RUC}-{tt}-{}-{}",
        inv.number.series, inv.number.correlative
    )
}

/// Syncs `store` until `done` holds for what it reads, or fails after `secs`.
fn sync_until(store: &Store, secs: u64, what: &str, mut done: impl FnMut(&Store) -> bool) {
    let c = client(store);
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let _ = sync_once(store, &c);
        if done(store) {
            return;
        }
        if Instant::now() >= deadline {
            let queue = store
                .outbox_with_status(motordesk_core::SyncStatus::Failed, 20)
                .unwrap();
            panic!("timed out waiting for {what}; failed pushes: {queue:#?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn state(store: &Store, id: Uuid) -> Option<FiscalState> {
    store.fiscal_state(id).unwrap().map(|r| r.state)
}

fn all_in(store: &Store, ids: &[Uuid], wanted: FiscalState) -> bool {
    ids.iter().all(|id| state(store, *id) == Some(wanted))
}

#[test]
fn every_kind_sold_offline_reaches_sunat_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(&[]);
    let mut server = server_for(&standin, dir.path());
    let caja1 = kiosk(&subdir(dir.path(), "caja1"), &server);
    let caja2 = kiosk(&subdir(dir.path(), "caja2"), &server);

    // The network goes down; the cashier keeps selling.
    server.kill();
    let f = factura(&caja1, dec!(590));
    let b = boleta(&caja1, dec!(118));
    let nc = note(&caja1, DocumentKind::NotaDeCredito, &f, dec!(59));
    let nd = note(&caja1, DocumentKind::NotaDeDebito, &b, dec!(11.80));
    let docs = [&f, &b, &nc, &nd];
    let ids: Vec<Uuid> = docs.iter().map(|d| d.id).collect();
    assert!(sync_once(&caja1, &client(&caja1)).is_err(), "offline");
    assert!(all_in(&caja1, &ids, FiscalState::PorEnviar));

    server.restart();
    sync_until(&caja1, 90, "every document ACEPTADO on the kiosk", |s| {
        all_in(s, &ids, FiscalState::Aceptado)
    });
    for d in docs {
        let r = caja1.fiscal_state(d.id).unwrap().unwrap();
        assert_eq!(r.code, Some(0), "{}", d.number);
        assert!(!r.outcome_unknown);
        let cdr = Cdr::from_zip(r.cdr_zip.clone(), &Limits::default()).expect("the CDR reads");
        assert_eq!(
            cdr.reference_id,
            format!("{}-{}", d.number.series, d.number.correlative)
        );
    }
    let sends = standin.sends();
    for d in docs {
        assert_eq!(sends.get(&file_name(d)), Some(&(1, 0)), "{sends:?}");
    }
    assert_eq!(sends.len(), 4, "nothing else was sent: {sends:?}");

    // Every kiosk of the shop shows it, not only the one that issued it.
    sync_until(&caja2, 30, "the other kiosk sees the states", |s| {
        all_in(s, &ids, FiscalState::Aceptado)
    });
    // And nothing is pending: the kiosk has no SUNAT work left.
    let today = motordesk_core::lima_date(chrono::Utc::now());
    assert_eq!(caja1.awaiting_sunat(today).unwrap().len(), 0);

    // The accountant's export carries each CDR byte for byte, and the state list.
    let stored: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| caja1.fiscal_state(d.id).unwrap().unwrap().cdr_zip)
        .collect();
    drop(caja1);
    let out = dir.path().join("export");
    let report = export_xml(&ExportOptions {
        data_dir: subdir(dir.path(), "caja1"),
        user: "admin".into(),
        password: "clave-admin".into(),
        out: out.clone(),
        from: None,
        to: None,
    })
    .unwrap();
    assert_eq!((report.written, report.cdrs), (4, 4));
    for (d, cdr) in docs.iter().zip(&stored) {
        let written = std::fs::read(out.join(format!("R-{}.zip", file_name(d)))).unwrap();
        assert_eq!(&written, cdr);
    }
    let csv = std::fs::read_to_string(out.join("estado-sunat.csv")).unwrap();
    assert_eq!(csv.matches(",ACEPTADO,0,").count(), 4, "{csv}");
}

/// Waits until the kiosk sees the send of `id` ended without an answer (not just the
/// mark the dispatcher writes before each send).
fn wait_for_lost_answer(store: &Store, id: Uuid) {
    sync_until(store, 60, "the lost answer on the kiosk", |s| {
        s.fiscal_state(id).unwrap().is_some_and(|r| {
            r.state == FiscalState::Enviado
                && r.outcome_unknown
                && !r.description.starts_with("Enviado a SUNAT")
        })
    });
}

#[test]
fn a_lost_answer_is_consulted_and_never_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(&[]);
    let server = server_for(&standin, dir.path());
    let caja = kiosk(dir.path(), &server);
    let b = boleta(&caja, dec!(45));

    standin.set_fault("lose-answer");
    wait_for_lost_answer(&caja, b.id);
    standin.set_fault("none");
    sync_until(&caja, 60, "ACEPTADO after the consult", |s| {
        state(s, b.id) == Some(FiscalState::Aceptado)
    });
    assert_eq!(
        standin.sends().get(&file_name(&b)),
        Some(&(1, 0)),
        "one sendBill; the consult service told the rest"
    );
    drop(server);
}

#[test]
fn a_rejection_stays_rejected_and_asks_for_a_new_document() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(&[]);
    let server = server_for(&standin, dir.path());
    let caja = kiosk(dir.path(), &server);
    standin.set_fault("reject");
    let f = factura(&caja, dec!(100));
    sync_until(&caja, 60, "RECHAZADO on the kiosk", |s| {
        state(s, f.id) == Some(FiscalState::Rechazado)
    });
    let r = caja.fiscal_state(f.id).unwrap().unwrap();
    assert_eq!(r.code, Some(2329));
    assert!(r.has_cdr(), "a rejection comes with its CDR");
    // The dispatcher does not try again: the number is used.
    standin.set_fault("none");
    std::thread::sleep(Duration::from_secs(4));
    sync_until(&caja, 10, "still RECHAZADO", |s| {
        state(s, f.id) == Some(FiscalState::Rechazado)
    });
    assert_eq!(standin.sends().get(&file_name(&f)), Some(&(1, 0)));
    // Nothing waits for SUNAT any more: the cashier issues a new document instead.
    let today = motordesk_core::lima_date(chrono::Utc::now());
    assert!(caja.awaiting_sunat(today).unwrap().is_empty());
    drop(server);
}

#[test]
fn an_exception_is_resent_with_the_same_number() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(&[]);
    let server = server_for(&standin, dir.path());
    let caja = kiosk(dir.path(), &server);
    standin.set_fault("exception");
    let b = boleta(&caja, dec!(80));
    sync_until(&caja, 60, "EXCEPCIÓN on the kiosk", |s| {
        state(s, b.id) == Some(FiscalState::Excepcion)
    });
    standin.set_fault("none");
    sync_until(&caja, 60, "ACEPTADO after the resend", |s| {
        state(s, b.id) == Some(FiscalState::Aceptado)
    });
    let sends = standin.sends();
    let (calls, repeats) = sends.get(&file_name(&b)).copied().unwrap_or_default();
    assert!(calls >= 2, "sent again with the same number: {sends:?}");
    assert_eq!(repeats, 0, "never after SUNAT registered it: {sends:?}");
    assert_eq!(sends.len(), 1, "no other number was used: {sends:?}");
    drop(server);
}

#[test]
fn the_dispatcher_survives_kill_9_mid_send_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    // The stand-in registers each document, then holds the answer for 4 s.
    let standin = Standin::start(&["--delay-ms", "4000"]);
    standin.set_fault("delay");
    let mut server = server_for(&standin, dir.path());
    let caja = kiosk(dir.path(), &server);
    let docs: Vec<Invoice> = [dec!(10), dec!(11), dec!(12)]
        .into_iter()
        .map(|price| boleta(&caja, price))
        .collect();
    let ids: Vec<Uuid> = docs.iter().map(|d| d.id).collect();
    sync_once(&caja, &client(&caja)).unwrap();
    // Wait until the stand-in registered all three (it logs each, then holds the answer).
    let deadline = Instant::now() + Duration::from_secs(60);
    while registered(&standin) < docs.len() {
        assert!(Instant::now() < deadline, "the dispatcher never sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    // kill -9 while SUNAT holds the answers.
    server.kill();
    standin.set_fault("none");
    server.restart();
    sync_until(
        &caja,
        90,
        "every document ACEPTADO after the restart",
        |s| all_in(s, &ids, FiscalState::Aceptado),
    );
    let sends = standin.sends();
    for d in &docs {
        assert_eq!(
            sends.get(&file_name(d)),
            Some(&(1, 0)),
            "registered before the kill, so consulted after it, never resent: {sends:?}"
        );
    }
}

/// How many documents the stand-in registered (its log has one line each).
fn registered(standin: &Standin) -> usize {
    std::fs::read_to_string(&standin.log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("sendBill ") && l.contains(": code "))
        .count()
}

#[test]
fn a_partial_sunat_configuration_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(server_exe())
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("s.redb"))
        .args(["--sunat-endpoint", "http://127.0.0.1:9/billService"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--sunat-user") && err.contains("--sunat-password-file"),
        "{err}"
    );

    // A password file others can read is refused too.
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "moddatos").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = Command::new(server_exe())
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("s.redb"))
            .args(["--sunat-endpoint", "http://127.0.0.1:9/billService"])
            .args(["--sunat-user", "MODDATOS", "--sunat-password-file"])
            .arg(&pw)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("chmod 600"));
    }

    // The same settings from a config file, with the password file made private: starts.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let config = dir.path().join("server.conf");
    std::fs::write(
        &config,
        format!(
            "# MotorDesk server\nsunat-endpoint = http://127.0.0.1:9/billService\nsunat-user = MODDATOS\nsunat-password-file = {}\n",
            pw.display()
        ),
    )
    .unwrap();
    let mut child = Command::new(server_exe())
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("s.redb"))
        .arg("--config")
        .arg(&config)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.starts_with("listening on "), "{line}");
}

#[test]
fn a_factura_and_a_boleta_are_voided_through_the_server() {
    use motordesk::store::VoidStatus;
    use motordesk::sync::{VoidOutcome, request_void};
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(&[]);
    let server = server_for(&standin, dir.path());
    let caja1 = kiosk(&subdir(dir.path(), "caja1"), &server);
    let caja2 = kiosk(&subdir(dir.path(), "caja2"), &server);
    let f = factura(&caja1, dec!(236));
    let b = boleta(&caja1, dec!(59));
    let ids = [f.id, b.id];
    sync_until(&caja1, 60, "both ACEPTADO", |s| {
        all_in(s, &ids, FiscalState::Aceptado)
    });

    // The kiosk signs the summaries (it holds the certificate); the server sends them.
    let today = motordesk_core::lima_date(f.issued_at);
    let ymd = today.format("%Y%m%d");
    let names: Vec<String> = ids
        .iter()
        .map(
            |id| match request_void(&caja1, *id, "Datos del cliente errados", today) {
                Ok(VoidOutcome::Pending { file_name, .. }) => file_name,
                other => panic!("{other:?}"),
            },
        )
        .collect();
    // Kiosk 1 numbers its summaries from 1001, so two kiosks never sign the same one.
    assert_eq!(
        names,
        [
            format!("{RUC}-RA-{ymd}-1001"),
            format!("{RUC}-RC-{ymd}-1001")
        ]
    );
    sync_until(&caja1, 90, "both ANULADO on the kiosk", |s| {
        all_in(s, &ids, FiscalState::Anulado)
    });
    for id in ids {
        let r = caja1.fiscal_state(id).unwrap().unwrap();
        let v = r.void.expect("the voiding is kept");
        assert_eq!(v.status, VoidStatus::Confirmed);
        assert!(v.ticket.is_some() && v.cdr_zip.starts_with(b"PK"));
        assert!(!v.xml.is_empty(), "the signed summary stays on the kiosk");
    }
    assert!(caja1.pending_voids().unwrap().is_empty());
    sync_until(&caja2, 30, "the other kiosk sees ANULADO", |s| {
        all_in(s, &ids, FiscalState::Anulado)
    });

    // A second voiding of an ANULADO document is refused on the kiosk, before any push.
    assert!(request_void(&caja1, f.id, "otra vez", today).is_err());
    drop(server);
}

#[test]
fn a_voiding_the_server_refuses_says_so_on_the_document() {
    use motordesk::store::VoidStatus;
    use motordesk::sync::request_void;
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(&[]);
    // A server that does not send to SUNAT, and a kiosk that sent on its own before.
    let server = Server::start();
    let caja = kiosk(dir.path(), &server);
    sunat_support::point_at(&caja, &standin);
    let f = factura(&caja, dec!(100));
    let direct = motordesk::sync::sunat_client(&caja.settings().unwrap()).unwrap();
    motordesk::sync::send_pending(&caja, &direct, 10).unwrap();
    assert_eq!(state(&caja, f.id), Some(FiscalState::Aceptado));

    let today = motordesk_core::lima_date(f.issued_at);
    request_void(&caja, f.id, "Error de digitación", today).unwrap();
    // The server holds the document as POR ENVIAR, so it refuses to void it.
    sync_until(&caja, 30, "the refusal on the document", |s| {
        s.fiscal_state(f.id)
            .unwrap()
            .and_then(|r| r.void)
            .is_some_and(|v| v.status == VoidStatus::Refused)
    });
    let v = caja.fiscal_state(f.id).unwrap().unwrap().void.unwrap();
    assert!(
        v.description.contains("no aceptó la anulación"),
        "{}",
        v.description
    );
    assert!(
        caja.pending_voids().unwrap().is_empty(),
        "not pending for ever"
    );
    assert_eq!(state(&caja, f.id), Some(FiscalState::Aceptado));
}

/// The same voiding by touch, on a kiosk that has no Clave SOL of its own: the
/// administrator never sees a "configure SUNAT" refusal, and the document turns ANULADO
/// on screen when the server's answer comes back through sync.
mod by_touch {
    use super::*;
    use crate::screen::{click, has, open_document, type_void_reason, wait_for};
    use motordesk::ui::PanelId;

    #[test]
    fn an_administrator_voids_through_the_server_and_sees_anulado() {
        let dir = tempfile::tempdir().unwrap();
        let standin = Standin::start(&[]);
        let server = server_for(&standin, dir.path());
        let caja = kiosk(dir.path(), &server);
        let b = boleta(&caja, dec!(35));
        sync_until(&caja, 60, "ACEPTADO", |s| {
            state(s, b.id) == Some(FiscalState::Aceptado)
        });
        let mut h =
            crate::fixtures::kiosk(dir.path(), caja, PanelId::Comprobantes, (1280.0, 800.0));
        open_document(&mut h, "B001-00000001");
        wait_for(&mut h, "the fiscal state", |h| has(h, "ACEPTADO"));
        click(&mut h, "Anular");
        wait_for(&mut h, "the reason field", |h| {
            has(h, "Motivo de la anulación")
        });
        type_void_reason(&mut h, "Venta registrada por error");
        click(&mut h, "Anular comprobante");
        click(&mut h, "Sí, anular");
        wait_for(&mut h, "the hand-over to the server", |h| {
            has(h, "enviada al servidor de la tienda")
        });
        assert!(!has(&h, "Configure el envío a SUNAT"));
        // The server sends it; sync brings ANULADO back and the open document reloads.
        let deadline = Instant::now() + Duration::from_secs(90);
        while !has(&h, "ANULADO") {
            assert!(Instant::now() < deadline, "ANULADO never came back");
            h.step();
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            standin.sends().len(),
            1,
            "the boleta was sent once; the voiding went by sendSummary"
        );
        drop(server);
    }
}
