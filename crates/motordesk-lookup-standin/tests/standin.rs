//! The stand-in as the server's tests rely on it: both providers' shapes for the fixture
//! numbers, each fault number failing the way it says, the bearer token checked, the
//! request counter counting, and the binary printing its address first.

use motordesk_lookup_standin::{Options, Running};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build(),
    )
}

fn get(url: &str, token: &str) -> (u16, String, Option<String>) {
    let mut r = agent()
        .get(url)
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    let retry = r
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = r
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
        .unwrap();
    (r.status().as_u16(), body, retry)
}

#[test]
fn both_shapes_faults_token_and_counts() {
    let s = Running::start(Options {
        slow: Duration::from_millis(300),
        ..Options::default()
    })
    .unwrap();
    let v2 = s.apisnet_url();
    let v1 = s.decolecta_url();
    let tok = "standin-token";

    let (st, body, _) = get(&format!("{v2}/sunat/ruc?numero=20601111111"), tok);
    assert_eq!(st, 200);
    let j: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(j["razonSocial"], "FERRETERIA LOS ANDES S.A.C.");
    assert_eq!(j["estado"], "BAJA DE OFICIO");
    assert_eq!(j["numeroDocumento"], "20601111111");

    let (st, body, _) = get(&format!("{v1}/sunat/ruc?numero=20602222226"), tok);
    assert_eq!(st, 200);
    let j: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(j["razon_social"], "TRANSPORTES RAPIDOS DEL SUR E.I.R.L.");
    assert_eq!(j["condicion"], "NO HABIDO");

    let (st, body, _) = get(&format!("{v2}/reniec/dni?numero=45678912"), tok);
    assert_eq!(st, 200);
    assert!(body.contains("\"apellidoPaterno\":\"PEREZ\""), "{body}");
    let (st, body, _) = get(&format!("{v1}/reniec/dni?numero=45678912"), tok);
    assert_eq!(st, 200);
    assert!(body.contains("\"first_last_name\":\"PEREZ\""), "{body}");

    assert_eq!(
        get(&format!("{v2}/reniec/dni?numero=45678912"), "wrong").0,
        401
    );
    assert_eq!(get(&format!("{v2}/reniec/dni?numero=11111111"), tok).0, 404);
    assert_eq!(get(&format!("{v2}/reniec/dni?numero=1234"), tok).0, 422);
    assert_eq!(get(&format!("{v2}/reniec/dni?numero=42200000"), tok).0, 422);
    assert_eq!(get(&format!("{v2}/reniec/dni?numero=40300000"), tok).0, 403);
    let (st, _, retry) = get(&format!("{v2}/reniec/dni?numero=42900000"), tok);
    assert_eq!((st, retry.as_deref()), (429, Some("30")));
    assert_eq!(get(&format!("{v2}/reniec/dni?numero=50000000"), tok).0, 500);
    let (st, body, _) = get(&format!("{v2}/reniec/dni?numero=77700000"), tok);
    assert_eq!(st, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err());
    let (st, body, _) = get(&format!("{v2}/reniec/dni?numero=88800000"), tok);
    assert_eq!(st, 200);
    assert!(body.len() > 100 * 1024);
    // Slow: answers only after its delay (300 ms here), so a 100 ms client gives up.
    let quick = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_millis(100)))
            .build(),
    );
    assert!(
        quick
            .get(format!("{v2}/reniec/dni?numero=50400000"))
            .header("Authorization", format!("Bearer {tok}"))
            .call()
            .is_err()
    );

    // A forced fault covers every number until cleared.
    s.state
        .set_fault(Some(motordesk_lookup_standin::Fault::RateLimited));
    assert_eq!(
        get(&format!("{v2}/sunat/ruc?numero=20131312955"), tok).0,
        429
    );
    s.state.set_fault(None);
    assert_eq!(
        get(&format!("{v2}/sunat/ruc?numero=20131312955"), tok).0,
        200
    );

    assert_eq!(s.state.requests_for("dni", "45678912"), 3);
    assert_eq!(s.state.requests_for("ruc", "20131312955"), 2);
    assert_eq!(s.state.total_requests(), 16);
    let (_, body, _) = get(&format!("http://{}/admin/requests", s.addr), tok);
    assert!(body.contains("\"total\":16"), "{body}");
}

#[test]
fn the_binary_prints_its_address_and_answers() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motordesk-lookup-standin"))
        .args(["--listen", "127.0.0.1:0", "--token", "t0ken"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let (st, body, _) = get(&format!("{base}/v2/sunat/ruc?numero=20131312955"), "t0ken");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("SUNAT"));
}
