//! End-to-end tests of the client against the real stand-in binary: every SUNAT outcome, every
//! simulated failure, recovery of a lost answer through the consult service, duplicates,
//! summaries with ticket polling, persistence across a restart and the size limits.

mod transport_support;

use std::process::Command;
use std::time::Duration;

use motordesk_sunat::{
    ClientConfig, Credentials, Endpoints, Limits, SendError, SunatClient, TicketStatus, Verdict,
};
use transport_support::{Factura, Standin, shared_dir, signed_summary};

fn fault_code(err: &SendError) -> Option<u32> {
    match err {
        SendError::Fault(f) => f.code(),
        _ => None,
    }
}

#[test]
fn accepted_factura_returns_cdr_that_is_valid_ubl() {
    let standin = Standin::start(&[]);
    let f = Factura::valid(1);
    let cdr = standin
        .client()
        .send_bill(&f.name(), &f.signed())
        .expect("accepted");
    assert_eq!(cdr.response_code, 0);
    assert_eq!(cdr.verdict(), Verdict::Accepted);
    assert_eq!(cdr.reference_id, "F001-1");
    assert_eq!(cdr.document_id.as_deref(), Some("F001-1"));
    assert!(cdr.description.contains("aceptada"), "{}", cdr.description);
    assert!(cdr.notes.is_empty());
    assert_eq!(cdr.xml_file_name, "R-20000000001-01-F001-1.xml");
    assert!(cdr.zip.starts_with(b"PK"));

    // The CDR the stand-in writes is schema-valid UBL 2.1 ApplicationResponse.
    let dir = transport_support::scratch_dir("cdr");
    let file = dir.join(&cdr.xml_file_name);
    std::fs::write(&file, &cdr.xml).unwrap();
    let xsd = shared_dir().join("sunat/xsd/2.1/maindoc/UBL-ApplicationResponse-2.1.xsd");
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg(&file)
        .output()
        .expect("xmllint");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn observation_from_sunat_rules_is_accepted_with_observations() {
    let standin = Standin::start(&[]);
    let f = Factura {
        customer_scheme_name: "Doc Identidad",
        ..Factura::valid(2)
    };
    let cdr = standin
        .client()
        .send_bill(&f.name(), &f.signed())
        .expect("accepted");
    assert_eq!(cdr.response_code, 0);
    assert_eq!(cdr.verdict(), Verdict::AcceptedWithObservations);
    assert_eq!(cdr.observation_codes(), vec![4255]);
}

#[test]
fn rejection_from_sunat_rules_consumes_the_number() {
    let standin = Standin::start(&[]);
    let client = standin.client();
    let bad = Factura {
        payable: "190.00",
        ..Factura::valid(3)
    };
    let cdr = client.send_bill(&bad.name(), &bad.signed()).expect("a CDR");
    assert_eq!(cdr.response_code, 3280);
    assert_eq!(cdr.verdict(), Verdict::Rejected);
    assert!(cdr.verdict().number_consumed());
    // Fixing it and resending the same number is refused: 1032, read as rejected.
    let good = Factura::valid(3);
    let err = client.send_bill(&good.name(), &good.signed()).unwrap_err();
    assert_eq!(fault_code(&err), Some(1032));
    assert_eq!(err.verdict(), Some(Verdict::Rejected));
    assert!(!err.is_retryable());
}

#[test]
fn exception_from_sunat_rules_then_same_number_accepted() {
    let standin = Standin::start(&[]);
    let client = standin.client();
    let f = Factura::valid(4);
    // Content says F001-4, file name says F001-5: validate.py gives ERROR 1036, an exception.
    let err = client
        .send_bill("20000000001-01-F001-5", &f.signed())
        .unwrap_err();
    assert_eq!(fault_code(&err), Some(1036), "{err:?}");
    assert_eq!(err.verdict(), Some(Verdict::Exception));
    assert!(err.is_retryable());
    assert!(!err.outcome_unknown());
    let consult = client
        .get_status_cdr("20000000001", "01", "F001", 5)
        .unwrap();
    assert!(
        consult.cdr.is_none(),
        "nothing registered after an exception"
    );
    let f5 = Factura::valid(5);
    let cdr = client
        .send_bill(&f5.name(), &f5.signed())
        .expect("accepted");
    assert_eq!(cdr.verdict(), Verdict::Accepted);
}

#[test]
fn bad_credentials_are_fault_0102() {
    let standin = Standin::start(&[]);
    let client = standin.client_with(
        Credentials::new("20000000001", "MODDATOS", "wrong"),
        Duration::from_secs(30),
    );
    let f = Factura::valid(6);
    let err = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert_eq!(fault_code(&err), Some(102));
    assert_eq!(err.verdict(), Some(Verdict::Exception));
    assert!(err.mensaje().contains("0102"), "{}", err.mensaje());
}

#[test]
fn altered_document_is_rejected_2335() {
    let standin = Standin::start(&[]);
    let f = Factura::valid(7);
    let signed = String::from_utf8(f.signed()).unwrap();
    let tampered = signed.replace("CAMBIO DE ACEITE Y FILTRO", "CAMBIO DE ACEITE Y FILTRO X");
    assert_ne!(signed, tampered);
    let cdr = standin
        .client()
        .send_bill(&f.name(), tampered.as_bytes())
        .expect("a CDR");
    assert_eq!(cdr.response_code, 2335);
    assert_eq!(cdr.verdict(), Verdict::Rejected);
}

#[test]
fn forced_reject_exception_and_observe_modes() {
    let standin = Standin::start(&[]);
    let client = standin.client();

    standin.set_fault("reject");
    let f = Factura::valid(10);
    let cdr = client.send_bill(&f.name(), &f.signed()).unwrap();
    assert_eq!(
        (cdr.response_code, cdr.verdict()),
        (2329, Verdict::Rejected)
    );

    standin.set_fault("exception");
    let f = Factura::valid(11);
    let err = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert_eq!(fault_code(&err), Some(109));
    assert_eq!(err.verdict(), Some(Verdict::Exception));
    assert!(err.is_retryable());

    standin.set_fault("observe");
    let cdr = client.send_bill(&f.name(), &f.signed()).unwrap();
    assert_eq!(cdr.verdict(), Verdict::AcceptedWithObservations);
    assert_eq!(cdr.observation_codes(), vec![4252]);
}

#[test]
fn fault_mode_from_the_command_line() {
    let standin = Standin::start(&["--fault", "reject"]);
    let f = Factura::valid(12);
    let cdr = standin.client().send_bill(&f.name(), &f.signed()).unwrap();
    assert_eq!(cdr.verdict(), Verdict::Rejected);
}

/// The caller's recovery rule: on an unknown outcome, consult before resending.
fn recover(client: &SunatClient, f: &Factura, err: &SendError) -> Verdict {
    assert!(err.outcome_unknown(), "{err:?}");
    let consult = client
        .get_status_cdr("20000000001", "01", f.series, f.number)
        .expect("consult");
    match consult.cdr {
        Some(cdr) => cdr.verdict(),
        None => client
            .send_bill(&f.name(), &f.signed())
            .expect("resend")
            .verdict(),
    }
}

#[test]
fn delay_past_the_timeout_then_consult_finds_the_cdr() {
    let standin = Standin::start(&["--delay-ms", "4000"]);
    let client = standin.client_with(Credentials::sunat_beta(), Duration::from_millis(1500));
    standin.set_fault("delay");
    let f = Factura::valid(20);
    let err = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert!(matches!(err, SendError::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
    let consult = client
        .get_status_cdr("20000000001", "01", "F001", 20)
        .unwrap();
    assert_eq!(consult.status_code, "0004");
    assert_eq!(
        consult.cdr.expect("stored CDR").verdict(),
        Verdict::Accepted
    );
}

#[test]
fn lost_answer_is_recovered_without_resending() {
    let standin = Standin::start(&[]);
    let client = standin.client();
    standin.set_fault("lose-answer");
    let f = Factura::valid(21);
    let err = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert!(matches!(err, SendError::Transport { .. }), "{err:?}");
    // Still losing answers on billService; the consult service answers.
    assert_eq!(recover(&client, &f, &err), Verdict::Accepted);
    // A blind resend would have been refused.
    standin.set_fault("none");
    let again = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert!(again.already_registered(), "{again:?}");
    assert!(again.outcome_unknown());
    assert!(!again.is_retryable());
}

#[test]
fn soap_fault_without_code_is_unknown_and_nothing_stored() {
    let standin = Standin::start(&[]);
    let client = standin.client();
    standin.set_fault("soap-fault");
    let f = Factura::valid(22);
    let err = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert!(
        matches!(err, SendError::Fault(ref fault) if fault.code().is_none()),
        "{err:?}"
    );
    assert_eq!(err.verdict(), None);
    standin.set_fault("none");
    // Consult says not found, so the same number is sent again and accepted.
    let consult = client
        .get_status_cdr("20000000001", "01", "F001", 22)
        .unwrap();
    assert_eq!(consult.status_code, "0011");
    assert_eq!(recover(&client, &f, &err), Verdict::Accepted);
}

#[test]
fn http_500_is_a_transport_error() {
    let standin = Standin::start(&[]);
    standin.set_fault("http-500");
    let f = Factura::valid(23);
    let err = standin
        .client()
        .send_bill(&f.name(), &f.signed())
        .unwrap_err();
    assert!(
        matches!(err, SendError::HttpStatus { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert!(err.is_retryable());
}

#[test]
fn bad_cdr_zip_is_unknown_and_consult_has_the_real_cdr() {
    let standin = Standin::start(&[]);
    let client = standin.client();
    standin.set_fault("bad-zip");
    let f = Factura::valid(24);
    let err = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert!(matches!(err, SendError::Cdr(_)), "{err:?}");
    assert_eq!(recover(&client, &f, &err), Verdict::Accepted);
}

#[test]
fn same_number_with_other_content_is_refused() {
    let standin = Standin::start(&[]);
    let client = standin.client();
    let first = Factura::valid(30);
    let original = client.send_bill(&first.name(), &first.signed()).unwrap();
    let other = Factura {
        description: "ALINEAMIENTO Y BALANCEO",
        ..Factura::valid(30)
    };
    let err = client
        .send_bill(&other.name(), &other.signed())
        .unwrap_err();
    assert_eq!(fault_code(&err), Some(1033));
    assert!(err.already_registered());
    // What SUNAT holds is the first document's CDR.
    let consult = client
        .get_status_cdr("20000000001", "01", "F001", 30)
        .unwrap();
    assert_eq!(consult.cdr.unwrap().zip, original.zip);
}

#[test]
fn idempotent_policy_returns_the_stored_cdr_for_the_same_content() {
    let standin = Standin::start(&["--duplicates", "idempotent"]);
    let client = standin.client();
    let f = Factura::valid(31);
    let xml = f.signed();
    let first = client.send_bill(&f.name(), &xml).unwrap();
    let second = client.send_bill(&f.name(), &xml).unwrap();
    assert_eq!(first.zip, second.zip);
    let other = Factura {
        description: "OTRO SERVICIO",
        ..Factura::valid(31)
    };
    let err = client
        .send_bill(&other.name(), &other.signed())
        .unwrap_err();
    assert_eq!(fault_code(&err), Some(1033));
}

#[test]
fn registered_numbers_survive_a_restart() {
    let standin = Standin::start(&[]);
    let f = Factura::valid(40);
    standin.client().send_bill(&f.name(), &f.signed()).unwrap();
    let dir = standin.stop();
    let restarted = Standin::start_in(dir, &[]);
    let client = restarted.client();
    let consult = client
        .get_status_cdr("20000000001", "01", "F001", 40)
        .unwrap();
    assert_eq!(
        consult.cdr.expect("CDR after restart").reference_id,
        "F001-40"
    );
    let err = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert!(err.already_registered());
}

#[test]
fn summary_ticket_is_in_process_then_done() {
    let standin = Standin::start(&[]);
    let client = standin.client();
    let (name, xml) = signed_summary("20261125", 1);
    let ticket = client.send_summary(&name, &xml).expect("ticket");
    assert!(!ticket.is_empty());
    assert_eq!(client.get_status(&ticket).unwrap(), TicketStatus::InProcess);
    match client.get_status(&ticket).unwrap() {
        TicketStatus::Done(cdr) => {
            assert_eq!(cdr.verdict(), Verdict::Accepted);
            assert_eq!(cdr.reference_id, "RC-20261125-1");
        }
        other => panic!("{other:?}"),
    }
    let err = client.get_status("999").unwrap_err();
    assert_eq!(fault_code(&err), Some(127));
    let again = client.send_summary(&name, &xml).unwrap_err();
    assert_eq!(fault_code(&again), Some(2223));
    // A summary through sendBill is refused.
    let err = client.send_bill(&name, &xml).unwrap_err();
    assert_eq!(fault_code(&err), Some(152));
}

#[test]
fn oversized_request_is_refused_by_the_standin() {
    let standin = Standin::start(&["--max-body-bytes", "2000"]);
    let f = Factura::valid(50);
    let err = standin
        .client()
        .send_bill(&f.name(), &f.signed())
        .unwrap_err();
    assert!(
        matches!(err, SendError::HttpStatus { status: 413, .. }),
        "{err:?}"
    );
}

#[test]
fn oversized_answer_is_refused_by_the_client() {
    let standin = Standin::start(&[]);
    let mut config = ClientConfig::new(
        Endpoints::custom(standin.bill_url(), standin.consult_url()),
        Credentials::sunat_beta(),
        Duration::from_secs(30),
    );
    config.limits = Limits {
        max_response_bytes: 200,
        ..Limits::default()
    };
    let client = SunatClient::new(config);
    let f = Factura::valid(51);
    let err = client.send_bill(&f.name(), &f.signed()).unwrap_err();
    assert!(
        matches!(err, SendError::ResponseTooLarge { limit: 200, .. }),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
}

#[test]
fn connection_refused_is_a_transport_error() {
    // Bind and drop a listener to get a port with nobody behind it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = SunatClient::new(ClientConfig::new(
        Endpoints::custom(
            format!("http://127.0.0.1:{port}/billService"),
            format!("http://127.0.0.1:{port}/billConsultService"),
        ),
        Credentials::sunat_beta(),
        Duration::from_secs(5),
    ));
    let err = client
        .send_bill("20000000001-01-F001-1", b"<Invoice/>")
        .unwrap_err();
    assert!(matches!(err, SendError::Transport { .. }), "{err:?}");
    assert!(err.outcome_unknown());
    let bad_name = client.send_bill("F001-1", b"<Invoice/>").unwrap_err();
    assert!(matches!(bad_name, SendError::Name(_)));
    assert!(!bad_name.outcome_unknown());
}

#[test]
fn standin_without_python_lxml_fails_with_a_clear_message() {
    let out = Command::new(transport_support::standin_binary())
        .args([
            "--listen",
            "127.0.0.1:0",
            "--python",
            "/nonexistent/python3",
            "--shared",
        ])
        .arg(shared_dir())
        .output()
        .expect("run the stand-in");
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("python3-lxml"), "{stderr}");
}
