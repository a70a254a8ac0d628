//! Command-line flags of the stand-in, parsed by hand to keep the binary's dependencies small.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::faults::FaultMode;

/// How a second send of an already registered number is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicatePolicy {
    /// As SUNAT: SOAP fault 1033 ("registrado previamente con otros datos") whatever the
    /// content, 1032 when the number was rejected. The sender must use the consult service.
    Sunat,
    /// Friendlier: the same content gets the stored CDR again; other content gets fault 1033.
    Idempotent,
}

/// Which of SUNAT's checks a sendBill runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Schema (xmllint), signature (xmlsec1) and SUNAT's rules (validate.py): as SUNAT.
    Full,
    /// The signature only: for throughput benchmarks of a sender, where validate.py's
    /// ~0.2 s per document would measure Python instead.
    Signature,
}

/// Parsed flags.
#[derive(Debug, Clone)]
pub struct Args {
    pub listen: SocketAddr,
    pub shared: Option<PathBuf>,
    pub state: Option<PathBuf>,
    pub fault: FaultMode,
    pub user: String,
    pub password: String,
    pub delay: Duration,
    pub duplicates: DuplicatePolicy,
    pub python: Option<String>,
    pub max_body_bytes: usize,
    pub checks: Checks,
}

pub const USAGE: &str = "\
usage: motordesk-sunat-standin --listen 127.0.0.1:PORT [options]
  --listen ADDR        address to bind (port 0 = any free port; the bound address is printed)
  --shared DIR         folder holding sunat/xsd and sunat/validate.py (default: nearest
                       ancestor of the current directory with shared/sunat)
  --state FILE         JSON file remembering accepted numbers and tickets (default: memory only)
  --fault MODE         none|delay|lose-answer|soap-fault|http-500|bad-zip|reject|exception|observe
  --user NAME          WS-Security user, RUC+SOL user (default 20000000001MODDATOS)
  --password PASS      WS-Security password (default moddatos)
  --delay-ms N         how long the delay fault sleeps (default 5000)
  --duplicates POLICY  sunat (fault 1033 for any resend, default) | idempotent
  --python PATH        python3 with lxml for validate.py (default: first of python3,
                       /usr/bin/python3 that imports lxml)
  --max-body-bytes N   largest request accepted (default 10485760)
  --checks WHICH       full (schema, signature, SUNAT rules; default) | signature (benchmarks)";

impl Args {
    /// Parses `std::env::args()`.
    pub fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut args = Args {
            listen: "127.0.0.1:0".parse().expect("literal address"),
            shared: None,
            state: None,
            fault: FaultMode::None,
            user: "20000000001MODDATOS".to_owned(),
            password: "moddatos".to_owned(),
            delay: Duration::from_millis(5000),
            duplicates: DuplicatePolicy::Sunat,
            python: None,
            max_body_bytes: 10 * 1024 * 1024,
            checks: Checks::Full,
        };
        let mut listen_given = false;
        while let Some(flag) = it.next() {
            if flag == "--help" || flag == "-h" {
                return Err(USAGE.to_owned());
            }
            let value = it
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            match flag.as_str() {
                "--listen" => {
                    args.listen = value
                        .parse()
                        .map_err(|e| format!("--listen {value}: {e}"))?;
                    listen_given = true;
                }
                "--shared" => args.shared = Some(PathBuf::from(value)),
                "--state" => args.state = Some(PathBuf::from(value)),
                "--fault" => args.fault = FaultMode::parse(&value)?,
                "--user" => args.user = value,
                "--password" => args.password = value,
                "--delay-ms" => {
                    args.delay = Duration::from_millis(
                        value
                            .parse()
                            .map_err(|e| format!("--delay-ms {value}: {e}"))?,
                    )
                }
                "--duplicates" => {
                    args.duplicates = match value.as_str() {
                        "sunat" => DuplicatePolicy::Sunat,
                        "idempotent" => DuplicatePolicy::Idempotent,
                        other => return Err(format!("--duplicates {other}: use sunat|idempotent")),
                    }
                }
                "--python" => args.python = Some(value),
                "--checks" => {
                    args.checks = match value.as_str() {
                        "full" => Checks::Full,
                        "signature" => Checks::Signature,
                        other => return Err(format!("--checks {other}: use full|signature")),
                    }
                }
                "--max-body-bytes" => {
                    args.max_body_bytes = value
                        .parse()
                        .map_err(|e| format!("--max-body-bytes {value}: {e}"))?
                }
                other => return Err(format!("unknown flag {other}\n{USAGE}")),
            }
        }
        if !listen_given {
            return Err(format!("--listen is required\n{USAGE}"));
        }
        Ok(args)
    }
}
