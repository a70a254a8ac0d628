//! SUNAT's checks run by the real tools, not re-implemented: `xmllint` against the OASIS UBL
//! 2.1 XSD, `xmlsec1` against the certificate embedded in the document, and SUNAT's own XSL
//! rules through `shared/sunat/validate.py`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::process::Command;

/// What `validate.py` found.
#[derive(Debug, Default)]
pub struct RulesOutcome {
    /// The first ERROR (code, SUNAT text), if any.
    pub error: Option<(u32, String)>,
    /// OBS lines (code, SUNAT text).
    pub observations: Vec<(u32, String)>,
}

/// Locations of the tools and reference files.
#[derive(Debug, Clone)]
pub struct Tools {
    shared: PathBuf,
    python: String,
}

/// A scratch folder removed when dropped.
pub struct WorkDir(PathBuf);

impl WorkDir {
    pub fn new() -> std::io::Result<WorkDir> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "motordesk-standin-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(WorkDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn runs(program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl Tools {
    /// Finds the shared folder and checks that xmllint, xmlsec1 and python3 with lxml are
    /// there; the error says what to install.
    pub fn locate(shared: Option<PathBuf>, python: Option<String>) -> Result<Tools, String> {
        let shared = match shared {
            Some(dir) => dir,
            None => {
                let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
                cwd.ancestors()
                    .map(|a| a.join("shared"))
                    .find(|s| s.join("sunat").is_dir())
                    .ok_or("no --shared given and no ancestor of the current directory has shared/sunat")?
            }
        };
        if !shared.join("sunat/validate.py").is_file()
            || !shared.join("sunat/xsd/2.1/maindoc").is_dir()
        {
            return Err(format!(
                "{} has no sunat/validate.py or sunat/xsd/2.1/maindoc",
                shared.display()
            ));
        }
        if !runs("xmllint", &["--version"]) {
            return Err("xmllint not found: apt-get install -y libxml2-utils".to_owned());
        }
        if !runs("xmlsec1", &["--version"]) {
            return Err("xmlsec1 not found: apt-get install -y xmlsec1".to_owned());
        }
        let candidates = match python {
            Some(p) => vec![p],
            None => vec!["python3".to_owned(), "/usr/bin/python3".to_owned()],
        };
        let python = candidates
            .into_iter()
            .find(|p| runs(p, &["-c", "import lxml"]))
            .ok_or(
                "no python3 with lxml found: apt-get install -y python3-lxml (or --python PATH)",
            )?;
        Ok(Tools { shared, python })
    }

    /// `xmllint --noout --schema UBL-<kind>-2.1.xsd file`; the error is xmllint's output.
    pub async fn schema(&self, file: &Path, kind: &str) -> Result<(), String> {
        let xsd = self
            .shared
            .join(format!("sunat/xsd/2.1/maindoc/UBL-{kind}-2.1.xsd"));
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--nonet")
            .arg("--schema")
            .arg(&xsd)
            .arg(file)
            .output()
            .await
            .map_err(|e| format!("xmllint: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// `xmlsec1 --verify --pubkey-cert-pem cert file`: true when the signature holds.
    pub async fn signature(&self, file: &Path, cert_pem: &Path) -> Result<bool, String> {
        let out = Command::new("xmlsec1")
            .arg("--verify")
            .arg("--insecure")
            .arg("--pubkey-cert-pem")
            .arg(cert_pem)
            .arg(file)
            .output()
            .await
            .map_err(|e| format!("xmlsec1: {e}"))?;
        Ok(out.status.success())
    }

    /// `python3 validate.py file --name name_xml`.
    pub async fn rules(&self, file: &Path, name_xml: &str) -> Result<RulesOutcome, String> {
        let out = Command::new(&self.python)
            .arg(self.shared.join("sunat/validate.py"))
            .arg(file)
            .arg("--name")
            .arg(name_xml)
            .output()
            .await
            .map_err(|e| format!("validate.py: {e}"))?;
        if out.status.code() == Some(2) || out.status.code().is_none() {
            return Err(format!(
                "validate.py could not run: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let mut outcome = RulesOutcome::default();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let mut parts = line.splitn(3, ' ');
            let (Some(kind), Some(code), text) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            let Ok(code) = code.parse::<u32>() else {
                continue;
            };
            let text = text
                .unwrap_or("")
                .split(" [")
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            match kind {
                "ERROR" if outcome.error.is_none() => outcome.error = Some((code, text)),
                "OBS" => outcome.observations.push((code, text)),
                _ => {}
            }
        }
        if out.status.code() == Some(1) && outcome.error.is_none() {
            return Err("validate.py exited 1 without an ERROR line".to_owned());
        }
        Ok(outcome)
    }
}

/// PEM of the first `ds:X509Certificate` of the document.
pub fn embedded_certificate(doc: &roxmltree::Document<'_>) -> Option<String> {
    let b64: String = doc
        .descendants()
        .find(|n| {
            n.is_element()
                && n.has_tag_name(("http://www.w3.org/2000/09/xmldsig#", "X509Certificate"))
        })?
        .text()?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if b64.is_empty() {
        return None;
    }
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).ok()?);
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    Some(pem)
}
