//! Blocking HTTP client for the sync protocol (ureq). Runs on the sync thread only.

use crate::sync::error::{SyncError, SyncResult};
use motordesk_core::protocol::*;
use serde::de::DeserializeOwned;
use std::time::Duration;
use uuid::Uuid;

/// Default time a whole call may take before it counts as failed.
pub(super) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
}

/// Trims and drops a trailing slash so paths can be appended.
pub(super) fn normalize_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

impl Client {
    pub fn new(base_url: &str, token: Option<String>, timeout: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .tls_config(tls_config())
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(5))))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            base: normalize_url(base_url),
            token,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn token(&self) -> Option<&String> {
        self.token.as_ref()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn bearer(&self) -> SyncResult<String> {
        match &self.token {
            Some(t) => Ok(format!("Bearer {t}")),
            None => Err(SyncError::NotConfigured),
        }
    }

    /// `GET /v1/health`: is the server reachable and answering?
    /// Checks the server answers; returns its clock (Unix ms) when it sends one.
    pub fn health(&self) -> SyncResult<Option<i64>> {
        let mut resp = self.agent.get(self.url(HEALTH)).call().map_err(transport)?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(status_error(status, resp));
        }
        let body: serde_json::Value = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_json()
            .unwrap_or_default();
        Ok(body["time_ms"].as_i64())
    }

    pub fn register(
        &self,
        enrollment_code: &str,
        device_id: Uuid,
        name: &str,
    ) -> SyncResult<RegisterResponse> {
        let req = RegisterRequest {
            enrollment_code: enrollment_code.trim().to_string(),
            device_id,
            name: name.to_string(),
        };
        // A kiosk registered before shows its token: only it may register its id again.
        let resp = self
            .authed(self.agent.post(self.url(REGISTER)), None)
            .send_json(&req)
            .map_err(transport)?;
        match resp.status().as_u16() {
            403 => Err(SyncError::EnrollmentRefused),
            409 => Err(SyncError::AlreadyRegistered),
            _ => read(resp),
        }
    }

    pub fn push(&self, req: &PushRequest) -> SyncResult<PushResponse> {
        let resp = self
            .agent
            .post(self.url(PUSH))
            .header("Authorization", self.bearer()?)
            .send_json(req)
            .map_err(transport)?;
        read(resp)
    }

    /// `push` with the request already written as JSON (`PushBody`): the records' JSON
    /// goes in as the store holds it, never rebuilt as a `serde_json::Value`.
    pub(super) fn push_json(&self, body: &[u8]) -> SyncResult<PushResponse> {
        let resp = self
            .agent
            .post(self.url(PUSH))
            .header("Authorization", self.bearer()?)
            .header("Content-Type", "application/json")
            .send(body)
            .map_err(transport)?;
        read(resp)
    }

    /// POST a JSON body; the device token is sent when there is one, a user session
    /// token when given.
    pub fn post_json<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        user_token: Option<&str>,
    ) -> SyncResult<T> {
        let req = self.authed(self.agent.post(self.url(path)), user_token);
        read(req.send_json(body).map_err(transport)?)
    }

    /// POST a JSON body with extra headers (and the device token when there is one).
    pub fn post_json_with<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        headers: &[(&str, &str)],
    ) -> SyncResult<T> {
        let mut req = self.authed(self.agent.post(self.url(path)), None);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        read(req.send_json(body).map_err(transport)?)
    }

    pub fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        user_token: Option<&str>,
    ) -> SyncResult<T> {
        let req = self.authed(self.agent.get(self.url(path)), user_token);
        read(req.call().map_err(transport)?)
    }

    /// Adds the device token (when there is one) and a user session token (when given).
    fn authed<B>(
        &self,
        mut req: ureq::RequestBuilder<B>,
        user_token: Option<&str>,
    ) -> ureq::RequestBuilder<B> {
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(u) = user_token {
            req = req.header(motordesk_core::protocol::USER_TOKEN_HEADER, u);
        }
        req
    }

    /// PUT raw bytes with the device token (a backup snapshot); answers the JSON body.
    pub fn put_bytes<T: DeserializeOwned>(&self, path: &str, bytes: &[u8]) -> SyncResult<T> {
        let resp = self
            .agent
            .put(self.url(path))
            .header("Authorization", self.bearer()?)
            .header("Content-Type", "application/octet-stream")
            .send(bytes)
            .map_err(transport)?;
        read(resp)
    }

    /// GET raw bytes with the device token, at most `limit` of them.
    pub fn get_bytes(&self, path: &str, limit: usize) -> SyncResult<Vec<u8>> {
        let mut resp = self
            .agent
            .get(self.url(path))
            .header("Authorization", self.bearer()?)
            .call()
            .map_err(transport)?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(status_error(status, resp));
        }
        resp.body_mut()
            .with_config()
            .limit(limit as u64)
            .read_to_vec()
            .map_err(transport)
    }

    pub fn changes(&self, cursor: &str, limit: usize) -> SyncResult<ChangesResponse> {
        self.changes_with_own(cursor, limit, false)
    }

    /// A pull page; with `own`, this kiosk's own pushes are in it too (the first pulls
    /// after a restore take back what was pushed after the snapshot).
    pub fn changes_with_own(
        &self,
        cursor: &str,
        limit: usize,
        own: bool,
    ) -> SyncResult<ChangesResponse> {
        let mut req = self
            .agent
            .get(self.url(CHANGES))
            .header("Authorization", self.bearer()?)
            .query("cursor", cursor)
            .query("limit", limit.to_string());
        if own {
            req = req.query("own", "1");
        }
        let resp = req.call().map_err(transport)?;
        read(resp)
    }
}

/// Env var naming a PEM file of extra trusted certificates, for a shop server with its
/// own (self-signed) certificate. Without it the bundled web roots are used.
pub const CA_CERT_ENV: &str = "MOTORDESK_CA_CERT";

fn tls_config() -> ureq::tls::TlsConfig {
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let Some(path) = std::env::var_os(CA_CERT_ENV) else {
        return TlsConfig::default();
    };
    let certs: Vec<Certificate<'static>> = match std::fs::read(&path) {
        Ok(pem) => ureq::tls::parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect(),
        Err(e) => {
            log::warn!("{CA_CERT_ENV}: cannot read {}: {e}", path.to_string_lossy());
            Vec::new()
        }
    };
    if certs.is_empty() {
        return TlsConfig::default();
    }
    TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&certs))
        .build()
}

fn transport(e: ureq::Error) -> SyncError {
    SyncError::Transport(e)
}

fn read<T: DeserializeOwned>(mut resp: ureq::http::Response<ureq::Body>) -> SyncResult<T> {
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(status_error(status, resp));
    }
    // A 2xx whose body cannot be read (cut connection, garbage) is a transport failure:
    // the outcome is unknown, so the entries are retried and deduplicated by key.
    resp.body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_json::<T>()
        .map_err(transport)
}

fn status_error(status: u16, mut resp: ureq::http::Response<ureq::Body>) -> SyncError {
    if status == 429 {
        let secs = resp
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(60);
        return SyncError::TooManyAttempts(secs);
    }
    let message = resp
        .body_mut()
        .read_json::<ErrorBody>()
        .map(|b| b.error)
        .unwrap_or_else(|_| format!("HTTP {status}"));
    match status {
        401 => SyncError::Unauthorized,
        400..=499 => SyncError::Refused { status, message },
        _ => SyncError::Server { status, message },
    }
}
