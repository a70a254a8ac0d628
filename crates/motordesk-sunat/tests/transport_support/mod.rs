//! Test harness: builds and starts the real `motordesk-sunat-standin` binary on an ephemeral
//! loopback port, and makes signed fixture documents with `openssl` and `xmlsec1`. Missing
//! tools fail the tests with the command that installs them; nothing is skipped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use motordesk_sunat::{ClientConfig, Credentials, Endpoints, SunatClient};

/// `shared/`: the first ancestor of the package holding `shared/sunat`.
pub fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared"))
        .find(|s| s.join("sunat").is_dir())
        .expect("no ancestor of CARGO_MANIFEST_DIR contains shared/sunat")
}

/// Fails with an install hint when `program` cannot run.
pub fn require_tool(program: &str, args: &[&str], install: &str) {
    let ok = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "`{program}` is required by these tests: {install}");
}

/// A fresh scratch folder under cargo's per-target temp dir.
pub fn scratch_dir(label: &str) -> PathBuf {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "motordesk-client-test-{}-{label}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// The stand-in binary: `MOTORDESK_STANDIN_BIN` if set, else built once with cargo from the
/// workspace's `crates/motordesk-sunat-standin` (found from whichever package includes this
/// module: the sunat crate or the kiosk), same target dir when CARGO_TARGET_DIR is set.
pub fn standin_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("MOTORDESK_STANDIN_BIN") {
            return PathBuf::from(bin);
        }
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|d| d.join("crates/motordesk-sunat-standin/Cargo.toml"))
            .find(|m| m.is_file())
            .expect("the workspace holds crates/motordesk-sunat-standin");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let out = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "--message-format=json",
                "--manifest-path",
            ])
            .arg(&manifest)
            .stderr(Stdio::inherit())
            .output()
            .expect("run cargo build for the stand-in");
        assert!(out.status.success(), "building the stand-in failed");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["reason"] == "compiler-artifact")
            .filter_map(|v| v["executable"].as_str().map(PathBuf::from))
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("motordesk-sunat-standin"))
            })
            .expect("cargo reported no motordesk-sunat-standin executable")
    })
}

/// A running stand-in, killed on drop.
pub struct Standin {
    child: Child,
    pub base_url: String,
    pub dir: PathBuf,
    pub log: PathBuf,
    keep: bool,
}

impl Standin {
    /// Starts the stand-in with a state file in a fresh folder and `extra` flags.
    pub fn start(extra: &[&str]) -> Standin {
        let dir = scratch_dir("standin");
        Standin::start_in(dir, extra)
    }

    /// Starts the stand-in using `dir/state.json` (kept across restarts).
    pub fn start_in(dir: PathBuf, extra: &[&str]) -> Standin {
        let state = dir.join("state.json");
        Standin::launch(dir, Some(state), extra)
    }

    /// Starts the stand-in with its state in memory only (no file rewritten per
    /// document: what a throughput benchmark wants).
    pub fn start_in_memory(extra: &[&str]) -> Standin {
        Standin::launch(scratch_dir("standin"), None, extra)
    }

    fn launch(dir: PathBuf, state: Option<PathBuf>, extra: &[&str]) -> Standin {
        require_tool(
            "xmllint",
            &["--version"],
            "apt-get install -y libxml2-utils",
        );
        require_tool("xmlsec1", &["--version"], "apt-get install -y xmlsec1");
        let log = dir.join("standin.log");
        let mut child = Command::new(standin_binary())
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--shared")
            .arg(shared_dir())
            .args(
                state
                    .iter()
                    .flat_map(|s| [std::ffi::OsStr::new("--state"), s.as_os_str()]),
            )
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("spawn the stand-in");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the stand-in's first line");
        let Some(base_url) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the stand-in did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Standin {
            base_url: base_url.to_owned(),
            child,
            dir,
            log,
            keep: false,
        }
    }

    pub fn bill_url(&self) -> String {
        format!("{}/ol-ti-itcpfegem-beta/billService", self.base_url)
    }

    pub fn consult_url(&self) -> String {
        format!("{}/ol-it-wsconscpegem/billConsultService", self.base_url)
    }

    /// A client with beta credentials and the given timeout.
    pub fn client_with(&self, credentials: Credentials, timeout: Duration) -> SunatClient {
        SunatClient::new(ClientConfig::new(
            Endpoints::custom(self.bill_url(), self.consult_url()),
            credentials,
            timeout,
        ))
    }

    pub fn client(&self) -> SunatClient {
        self.client_with(Credentials::sunat_beta(), Duration::from_secs(30))
    }

    /// `POST /admin/fault?mode=...`.
    pub fn set_fault(&self, mode: &str) {
        let response = ureq::post(format!("{}/admin/fault?mode={mode}", self.base_url))
            .send_empty()
            .expect("admin endpoint");
        assert_eq!(response.status(), 200);
    }

    /// `GET /admin/sends`: per document (`RUC-TT-SERIE-NUMERO`), how many sendBill calls
    /// it got and how many of them came after the stand-in had registered the number.
    pub fn sends(&self) -> std::collections::BTreeMap<String, (u32, u32)> {
        let mut response = ureq::get(format!("{}/admin/sends", self.base_url))
            .call()
            .expect("admin endpoint");
        let text = response.body_mut().read_to_string().expect("sends body");
        text.lines()
            .map(|l| {
                let f: Vec<&str> = l.split(' ').collect();
                let n = |i: usize| f[i].parse::<u32>().expect("a count");
                (f[0].to_owned(), (n(1), n(2)))
            })
            .collect()
    }

    /// Stops the process and keeps its folder (state file) for a restart.
    pub fn stop(mut self) -> PathBuf {
        self.keep = true;
        self.dir.clone()
    }
}

impl Drop for Standin {
    /// Kills the process; removes its folder unless kept or the test is failing (the log
    /// `standin.log` is then left for reading).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.keep && !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A key and self-signed certificate made once per test process.
fn signing_key() -> &'static (PathBuf, PathBuf) {
    static KEY: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    KEY.get_or_init(|| {
        require_tool("openssl", &["version"], "apt-get install -y openssl");
        let dir = scratch_dir("key");
        let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
        let status = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
            ])
            .args(["-subj", "/CN=MotorDesk Test/O=20000000001"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run openssl");
        assert!(status.success(), "openssl req failed");
        (key, cert)
    })
}

/// Signs an XML template with `xmlsec1 --sign`.
pub fn sign(xml: &str) -> Vec<u8> {
    require_tool("xmlsec1", &["--version"], "apt-get install -y xmlsec1");
    let (key, cert) = signing_key();
    let dir = scratch_dir("sign");
    let (input, output) = (dir.join("in.xml"), dir.join("out.xml"));
    std::fs::write(&input, xml).expect("write template");
    let out = Command::new("xmlsec1")
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(format!("{},{}", key.display(), cert.display()))
        .arg("--output")
        .arg(&output)
        .arg(&input)
        .output()
        .expect("run xmlsec1");
    assert!(
        out.status.success(),
        "xmlsec1 --sign failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = std::fs::read(&output).expect("read signed XML");
    let _ = std::fs::remove_dir_all(&dir);
    signed
}

/// Knobs of the factura fixture.
#[derive(Debug, Clone)]
pub struct Factura {
    pub series: &'static str,
    pub number: u32,
    pub payable: &'static str,
    pub description: &'static str,
    pub customer_scheme_name: &'static str,
}

impl Factura {
    /// A valid factura F001-`number` of S/ 177.00.
    pub fn valid(number: u32) -> Factura {
        Factura {
            series: "F001",
            number,
            payable: "177.00",
            description: "CAMBIO DE ACEITE Y FILTRO",
            customer_scheme_name: "Documento de Identidad",
        }
    }

    /// `20000000001-01-F001-N`.
    pub fn name(&self) -> String {
        format!("20000000001-01-{}-{}", self.series, self.number)
    }

    /// The signed XML.
    pub fn signed(&self) -> Vec<u8> {
        let template = include_str!("../fixtures/factura-template.xml");
        sign(
            &template
                .replace("{{SERIES}}", self.series)
                .replace("{{NUMBER}}", &self.number.to_string())
                .replace("{{PAYABLE}}", self.payable)
                .replace("{{DESCRIPTION}}", self.description)
                .replace("{{CUSTOMER_SCHEME_NAME}}", self.customer_scheme_name),
        )
    }
}

/// A signed resumen diario `RC-<date>-<number>`; returns (name, xml).
pub fn signed_summary(date: &str, number: u32) -> (String, Vec<u8>) {
    let template = include_str!("../fixtures/resumen-template.xml");
    let xml = sign(
        &template
            .replace("{{DATE}}", date)
            .replace("{{NUMBER}}", &number.to_string()),
    );
    (format!("20000000001-RC-{date}-{number}"), xml)
}
