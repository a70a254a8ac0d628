//! The RUC/DNI lookup proxy end to end: the real server binary started with its
//! `--lookup-*` flags in front of the provider stand-in (in this process, counting every
//! request it gets), asked over HTTP as a kiosk asks. Every provider answer becomes the
//! status the kiosk acts on, numbers are checked before any call, answers are cached (a
//! second ask never reaches the provider), and the provider's token never leaves the
//! server.

mod support;

use motordesk_core::protocol::{REGISTER, RegisterRequest};
use motordesk_core::{LookupKind, LookupResult};
use motordesk_lookup_standin::{Options, Running};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use uuid::Uuid;

const CODE: &str = "codigo-de-prueba-1";
const TOKEN: &str = "standin-token";

struct Setup {
    standin: Running,
    server: Child,
    url: String,
    device_token: String,
    _dir: tempfile::TempDir,
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

fn token_file(dir: &std::path::Path, token: &str) -> std::path::PathBuf {
    let f = dir.join("lookup.token");
    std::fs::write(&f, format!("{token}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    f
}

fn agent() -> ureq::Agent {
    support::agent(Duration::from_secs(30))
}

/// A server with the lookup pointed at a fresh stand-in (`provider`: apisnet or
/// decolecta, `token`: what the server's token file holds), and one registered kiosk.
fn setup(provider: &str, token: &str) -> Setup {
    let standin = Running::start(Options {
        slow: Duration::from_secs(3),
        ..Options::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = match provider {
        "decolecta" => standin.decolecta_url(),
        _ => standin.apisnet_url(),
    };
    let db = dir.path().join("server.redb");
    let tf = token_file(dir.path(), token);
    let args: Vec<std::ffi::OsString> = vec![
        "--db".into(),
        db.into(),
        "--enrollment-code".into(),
        CODE.into(),
        "--lookup-provider".into(),
        provider.into(),
        "--lookup-token-file".into(),
        tf.into(),
        "--lookup-url".into(),
        base.into(),
        "--lookup-timeout-ms".into(),
        "1500".into(),
    ];
    let (server, url) = support::start_server(&args, "warn");
    let device_token = register(&url);
    Setup {
        standin,
        server,
        url,
        device_token,
        _dir: dir,
    }
}

fn register(url: &str) -> String {
    let req = RegisterRequest {
        enrollment_code: CODE.into(),
        device_id: Uuid::now_v7(),
        name: "Caja 1".into(),
    };
    let mut r = agent()
        .post(format!("{url}{REGISTER}"))
        .header("Content-Type", "application/json")
        .send(serde_json::to_string(&req).unwrap())
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// (status, body, Retry-After) of `GET /v1/lookup/{kind}/{number}`.
fn ask(s: &Setup, kind: &str, number: &str, token: Option<&str>) -> (u16, String, Option<String>) {
    let mut req = agent().get(format!("{}/v1/lookup/{kind}/{number}", s.url));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut r = req.call().unwrap();
    let retry = r
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = r.body_mut().read_to_string().unwrap();
    assert!(!body.contains(TOKEN), "the provider token leaked: {body}");
    (r.status().as_u16(), body, retry)
}

fn found(s: &Setup, kind: &str, number: &str) -> LookupResult {
    let (st, body, _) = ask(s, kind, number, Some(&s.device_token));
    assert_eq!(st, 200, "{kind} {number}: {body}");
    let r: LookupResult = serde_json::from_str(&body).unwrap();
    r.check().unwrap();
    r
}

fn status(s: &Setup, kind: &str, number: &str) -> (u16, String) {
    let (st, body, _) = ask(s, kind, number, Some(&s.device_token));
    let error = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_string))
        .unwrap_or(body);
    (st, error)
}

#[test]
fn every_provider_answer_becomes_a_status_the_kiosk_can_act_on() {
    let s = setup("apisnet", TOKEN);
    let seen = |kind: &str, n: &str| s.standin.state.requests_for(kind, n);

    // Refused before the provider: no device token, a bad check digit, 7 digits, a kind
    // that is neither.
    assert_eq!(ask(&s, "ruc", "20131312955", None).0, 401);
    assert_eq!(ask(&s, "ruc", "20131312955", Some("shop1.nope")).0, 401);
    let (st, e) = status(&s, "ruc", "20131312954");
    assert_eq!(st, 400, "{e}");
    assert!(e.contains("check digit"), "{e}");
    assert_eq!(status(&s, "dni", "4567891").0, 400);
    assert_eq!(status(&s, "dni", "4567891a").0, 400);
    assert_eq!(status(&s, "ce", "001234567").0, 404);
    assert_eq!(
        s.standin.state.total_requests(),
        0,
        "nothing reached the provider"
    );

    // The fixtures: ACTIVO/HABIDO with ubigeo, BAJA DE OFICIO, NO HABIDO, a person.
    let sunat = found(&s, "ruc", "20131312955");
    assert_eq!(sunat.kind, LookupKind::Ruc);
    assert!(
        sunat.name.starts_with("SUPERINTENDENCIA NACIONAL"),
        "{}",
        sunat.name
    );
    assert_eq!(
        sunat.address,
        "AV. GARCILASO DE LA VEGA NRO. 1472 - LIMA - LIMA - LIMA"
    );
    assert!(sunat.taxpayer.as_ref().unwrap().is_good());
    assert_eq!(sunat.ubigeo.as_ref().unwrap().code, "150101");
    let baja = found(&s, "ruc", "20601111111").taxpayer.unwrap();
    assert_eq!(baja.estado, "BAJA DE OFICIO");
    assert!(baja.factura_warning("20601111111").is_some());
    let no_habido = found(&s, "ruc", "20602222226").taxpayer.unwrap();
    assert_eq!(no_habido.condicion, "NO HABIDO");
    let juan = found(&s, "dni", "45678912");
    assert_eq!(juan.name, "PEREZ QUISPE JUAN CARLOS");
    assert!(juan.taxpayer.is_none());

    // Cached: asking again does not reach the provider, and keeps the first time.
    let again = found(&s, "ruc", "20131312955");
    assert_eq!(again, sunat, "same answer, same checked_at");
    found(&s, "dni", "45678912");
    assert_eq!(
        (seen("ruc", "20131312955"), seen("dni", "45678912")),
        (1, 1)
    );

    // Not found: 404, and cached too.
    assert_eq!(status(&s, "dni", "11111111"), (404, "not found".into()));
    assert_eq!(status(&s, "dni", "11111111").0, 404);
    assert_eq!(seen("dni", "11111111"), 1);

    // The provider's refusals and failures.
    assert_eq!(status(&s, "dni", "42200000").0, 422);
    for misconfigured in ["40100000", "40300000"] {
        let (st, e) = status(&s, "dni", misconfigured);
        assert_eq!(st, 502, "{misconfigured}");
        assert!(e.starts_with("lookup misconfigured"), "{e}");
    }
    let (st, e) = status(&s, "dni", "50000000");
    assert_eq!((st, e.as_str()), (502, "the provider answered 500"));
    assert_eq!(
        status(&s, "dni", "77700000"),
        (502, "the provider's answer is unusable".into())
    );
    let (st, e) = status(&s, "dni", "88800000");
    assert_eq!(st, 502);
    assert!(e.contains("larger than 65536"), "{e}");
    assert_eq!(
        status(&s, "ruc", "20604444447"),
        (502, "the provider's answer is unusable".into()),
        "an answer for another number is refused"
    );
    assert_eq!(
        status(&s, "dni", "50400000"),
        (504, "the provider did not answer in time".into())
    );
    // Failures are not cached: the next ask tries the provider again.
    status(&s, "dni", "50000000");
    assert_eq!(seen("dni", "50000000"), 2);

    // 429: Retry-After passed on; meanwhile the provider is not asked at all, but cached
    // answers are still served.
    let (st, _, retry) = ask(&s, "dni", "42900000", Some(&s.device_token));
    assert_eq!((st, retry.as_deref()), (429, Some("30")));
    let (st, _, retry) = ask(&s, "ruc", "20603333331", Some(&s.device_token));
    assert_eq!(st, 429);
    let secs: u64 = retry.unwrap().parse().unwrap();
    assert!((1..=30).contains(&secs), "{secs}");
    assert_eq!(
        seen("ruc", "20603333331"),
        0,
        "paused: the provider was not asked"
    );
    found(&s, "ruc", "20131312955");
    assert_eq!(seen("ruc", "20131312955"), 1);
}

#[test]
fn decolecta_maps_to_the_same_answer_and_a_bad_token_is_a_misconfigured_server() {
    let apisnet = setup("apisnet", TOKEN);
    let decolecta = setup("decolecta", TOKEN);
    for (kind, n) in [
        ("ruc", "20131312955"),
        ("ruc", "20602222226"),
        ("dni", "45678912"),
    ] {
        let mut a = found(&apisnet, kind, n);
        let b = found(&decolecta, kind, n);
        // Only the time of the answer differs.
        if let (Some(x), Some(y)) = (a.taxpayer.as_mut(), b.taxpayer.as_ref()) {
            x.checked_at = y.checked_at;
        }
        assert_eq!(a, b, "{kind} {n}");
    }
    let wrong = setup("decolecta", "revoked-token");
    let (st, e) = status(&wrong, "ruc", "20131312955");
    assert_eq!(st, 502);
    assert!(e.starts_with("lookup misconfigured"), "{e}");
    // Not cached: once the token is fixed the next ask goes through.
    status(&wrong, "ruc", "20131312955");
    assert_eq!(wrong.standin.state.requests_for("ruc", "20131312955"), 2);
}

#[test]
fn without_a_provider_lookups_are_503_and_bad_flags_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<std::ffi::OsString> = vec![
        "--db".into(),
        dir.path().join("s.redb").into(),
        "--enrollment-code".into(),
        CODE.into(),
    ];
    let (mut server, url) = support::start_server(&args, "warn");
    let token = register(&url);
    let get = |n: &str| {
        agent()
            .get(format!("{url}/v1/lookup/ruc/{n}"))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(get("20131312955"), 503);
    assert_eq!(get("20131312954"), 400);
    let _ = server.kill();
    let _ = server.wait();

    let readable = dir.path().join("open.token");
    std::fs::write(&readable, "abc").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&readable, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let good = token_file(dir.path(), "abc");
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (
            vec!["--lookup-provider".into(), "apisnet".into()],
            "needs --lookup-token-file",
        ),
        (
            vec![
                "--lookup-provider".into(),
                "sunat".into(),
                "--lookup-token-file".into(),
                good.clone().into(),
            ],
            "apisnet or decolecta",
        ),
        (
            vec![
                "--lookup-provider".into(),
                "apisnet".into(),
                "--lookup-token-file".into(),
                good.clone().into(),
                "--lookup-url".into(),
                "ftp://x".into(),
            ],
            "http(s) URL",
        ),
        (
            vec!["--lookup-timeout-ms".into(), "5".into()],
            "between 100 and 30000",
        ),
        #[cfg(unix)]
        (
            vec![
                "--lookup-provider".into(),
                "decolecta".into(),
                "--lookup-token-file".into(),
                readable.clone().into(),
            ],
            "chmod 600",
        ),
    ];
    for (extra, want) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_motordesk-server"))
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("s.redb"))
            .args(&extra)
            .stdout(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err}");
    }
}
