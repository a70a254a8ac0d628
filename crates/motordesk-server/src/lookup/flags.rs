//! The lookup's command-line flags (also `name = value` lines of `--config`):
//! `--lookup-provider apisnet|decolecta --lookup-token-file FILE [--lookup-url URL]
//! [--lookup-timeout-ms MS]`. The token comes from a file only the server's account can
//! read, so it never shows in `ps`, shell history or the log.

use super::{LookupSettings, ProviderKind};
use std::path::PathBuf;
use std::time::Duration;

/// For the server's usage line.
pub const USAGE: &str = "[--lookup-provider apisnet|decolecta --lookup-token-file FILE [--lookup-url URL] [--lookup-timeout-ms MS]]";

/// Largest token file read (a provider token is under 200 bytes).
const MAX_TOKEN_FILE: u64 = 4 * 1024;

#[derive(Debug, Default)]
pub struct LookupFlags {
    provider: Option<String>,
    url: Option<String>,
    token_file: Option<PathBuf>,
    timeout_ms: Option<u64>,
}

impl LookupFlags {
    /// Whether `flag` is one of these.
    pub fn takes(flag: &str) -> bool {
        matches!(
            flag,
            "--lookup-provider" | "--lookup-url" | "--lookup-token-file" | "--lookup-timeout-ms"
        )
    }

    pub fn set(&mut self, flag: &str, value: String) -> Result<(), String> {
        match flag {
            "--lookup-provider" => self.provider = Some(value),
            "--lookup-url" => self.url = Some(value),
            "--lookup-token-file" => self.token_file = Some(PathBuf::from(value)),
            "--lookup-timeout-ms" => {
                let ms: u64 = value
                    .trim()
                    .parse()
                    .map_err(|_| "--lookup-timeout-ms wants milliseconds".to_string())?;
                if !(100..=30_000).contains(&ms) {
                    return Err("--lookup-timeout-ms must be between 100 and 30000".into());
                }
                self.timeout_ms = Some(ms);
            }
            other => return Err(format!("unknown flag {other}")),
        }
        Ok(())
    }

    /// Provider and token file together, or no lookup at all (the others need them).
    pub fn settings(self) -> Result<Option<LookupSettings>, String> {
        let (provider, token_file) = match (self.provider, self.token_file) {
            (None, None) => {
                if self.url.is_some() || self.timeout_ms.is_some() {
                    return Err("--lookup-url and --lookup-timeout-ms need --lookup-provider and --lookup-token-file".into());
                }
                return Ok(None);
            }
            (Some(p), Some(f)) => (p, f),
            (None, Some(_)) => return Err("--lookup-token-file needs --lookup-provider".into()),
            (Some(_), None) => return Err("--lookup-provider needs --lookup-token-file".into()),
        };
        let provider = ProviderKind::parse(&provider).ok_or(format!(
            "--lookup-provider must be apisnet or decolecta, not {provider:?}"
        ))?;
        let base_url = self
            .url
            .unwrap_or_else(|| provider.default_url().to_string())
            .trim()
            .trim_end_matches('/')
            .to_string();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(format!(
                "--lookup-url must be an http(s) URL, not {base_url:?}"
            ));
        }
        let token = read_token(&token_file)?;
        Ok(Some(LookupSettings {
            provider,
            base_url,
            token,
            timeout: Duration::from_millis(self.timeout_ms.unwrap_or(5_000)),
            ..LookupSettings::defaults()
        }))
    }
}

fn read_token(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let shown = path.display();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| format!("cannot read lookup token file {shown}: {e}"))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "lookup token file {shown} can be read by other users (mode {:o}); chmod 600 it",
                mode & 0o777
            ));
        }
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TOKEN_FILE + 1).read_to_string(&mut text))
        .map_err(|e| format!("cannot read lookup token file {shown}: {e}"))?;
    if text.len() as u64 > MAX_TOKEN_FILE {
        return Err(format!(
            "lookup token file {shown} is larger than {MAX_TOKEN_FILE} bytes"
        ));
    }
    let token = text.trim().to_string();
    if token.is_empty() || token.chars().any(|c| c.is_control() || c == ' ') {
        return Err(format!(
            "lookup token file {shown} must hold one token on one line"
        ));
    }
    Ok(token)
}
