//! RUC/DNI lookup proxy: `GET /v1/lookup/ruc/{11 digits}` and `/v1/lookup/dni/{8 digits}`
//! for registered kiosks (device token). The server holds the one provider's token
//! (never sent to a kiosk, never logged), checks the number before any call (RUC check
//! digit, DNI 8 digits), asks the provider with a 5 s budget and a 64 KiB answer limit,
//! maps its JSON into `motordesk_core::LookupResult`, and keeps answers in a bounded
//! in-memory cache (found 24 h, not found 1 h). The provider's failures become statuses
//! a kiosk can act on (`error.rs`). The data is the public padrón, so one cache serves
//! every shop of the server.

mod cache;
mod error;
mod flags;
mod provider;

pub use cache::Cached;
pub use error::{LookupError, MISCONFIGURED};
pub use flags::{LookupFlags, USAGE};
pub use provider::ProviderKind;

use crate::request::{Shared, authenticate};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Json;
use axum::routing::get;
use motordesk_core::{LOOKUP_PREFIX, LookupKind, LookupResult, MAX_LOOKUP_BODY, lookup_number};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The provider and how the server treats its answers.
#[derive(Clone)]
pub struct LookupSettings {
    pub provider: ProviderKind,
    /// e.g. `https://api.apis.net.pe/v2` (no trailing slash).
    pub base_url: String,
    /// The bearer token; `Debug` hides it.
    pub token: String,
    /// Whole-call budget of one provider call (connect included).
    pub timeout: Duration,
    /// Most numbers kept in the cache.
    pub cache_entries: usize,
    /// How long a found number is kept (estado and condición can change: a day).
    pub found_ttl: Duration,
    /// How long "no such number" is kept (a new RUC appears within hours).
    pub missing_ttl: Duration,
}

impl LookupSettings {
    /// The figures `docs/deployment.md` gives, for a provider and token filled in later.
    pub fn defaults() -> LookupSettings {
        LookupSettings {
            provider: ProviderKind::ApisNetV2,
            base_url: ProviderKind::ApisNetV2.default_url().to_string(),
            token: String::new(),
            timeout: Duration::from_secs(5),
            cache_entries: 10_000,
            found_ttl: Duration::from_secs(24 * 3600),
            missing_ttl: Duration::from_secs(3600),
        }
    }
}

impl std::fmt::Debug for LookupSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookupSettings")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("token", &"***")
            .field("timeout", &self.timeout)
            .field("cache_entries", &self.cache_entries)
            .field("found_ttl", &self.found_ttl)
            .field("missing_ttl", &self.missing_ttl)
            .finish()
    }
}

/// The running lookup: one HTTP agent, the cache, and the provider's rate-limit pause.
pub struct Lookup {
    settings: LookupSettings,
    agent: ureq::Agent,
    cache: cache::Cache,
    /// After a 429 the provider is not asked again before this instant.
    paused_until: Mutex<Option<Instant>>,
}

impl Lookup {
    pub fn new(settings: LookupSettings) -> Lookup {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(settings.timeout))
            .timeout_connect(Some(settings.timeout.min(Duration::from_secs(3))))
            // A redirect could carry the token elsewhere; providers do not redirect.
            .max_redirects(0)
            .user_agent("motordesk-server")
            .build();
        Lookup {
            agent: ureq::Agent::new_with_config(config),
            cache: cache::Cache::new(
                settings.cache_entries,
                settings.found_ttl,
                settings.missing_ttl,
            ),
            paused_until: Mutex::new(None),
            settings,
        }
    }

    pub fn settings(&self) -> &LookupSettings {
        &self.settings
    }

    /// Numbers in the cache now.
    pub fn cached(&self) -> usize {
        self.cache.len()
    }

    /// The answer for a checked number: from the cache, or from the provider (blocking:
    /// call it off the async workers).
    pub fn find(&self, kind: LookupKind, number: &str) -> Result<LookupResult, LookupError> {
        let now = Instant::now();
        match self.cache.get(kind, number, now) {
            Some(Cached::Found(r)) => return Ok(*r),
            Some(Cached::NotFound) => return Err(LookupError::NotFound),
            None => {}
        }
        {
            let mut paused = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
            match *paused {
                Some(until) if until > now => {
                    return Err(LookupError::RateLimited(
                        (until - now).as_secs_f64().ceil() as u64
                    ));
                }
                Some(_) => *paused = None,
                None => {}
            }
        }
        let answer = self.ask(kind, number);
        match &answer {
            Ok(r) => self.cache.put(
                kind,
                number,
                Cached::Found(Box::new(r.clone())),
                Instant::now(),
            ),
            Err(LookupError::NotFound) => {
                self.cache
                    .put(kind, number, Cached::NotFound, Instant::now())
            }
            Err(LookupError::RateLimited(secs)) => {
                log::warn!(
                    "{} is rate limiting: no lookups for {secs} s",
                    self.settings.provider.name()
                );
                *self.paused_until.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(Instant::now() + Duration::from_secs(*secs));
            }
            Err(e @ LookupError::Credentials(_)) => log::error!(
                "{} refused the server's lookup token ({e}): check --lookup-token-file",
                self.settings.provider.name()
            ),
            Err(e) => log::warn!("lookup at {}: {e}", self.settings.provider.name()),
        }
        answer
    }

    /// One provider call.
    fn ask(&self, kind: LookupKind, number: &str) -> Result<LookupResult, LookupError> {
        let s = &self.settings;
        let url = s.provider.url(&s.base_url, kind, number);
        let mut resp = self
            .agent
            .get(&url)
            .header("Authorization", format!("Bearer {}", s.token))
            .header("Accept", "application/json")
            .call()
            .map_err(transport)?;
        match resp.status().as_u16() {
            200 => {}
            401 | 403 => return Err(LookupError::Credentials(resp.status().as_u16())),
            404 => return Err(LookupError::NotFound),
            422 => return Err(LookupError::RefusedNumber),
            429 => {
                let secs = resp
                    .headers()
                    .get("Retry-After")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(60)
                    .clamp(1, 3600);
                return Err(LookupError::RateLimited(secs));
            }
            other => return Err(LookupError::ProviderStatus(other)),
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_LOOKUP_BODY as u64)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => LookupError::TooLarge(MAX_LOOKUP_BODY),
                other => transport(other),
            })?;
        let json: serde_json::Value =
            serde_json::from_slice(&body).map_err(LookupError::NotJson)?;
        match provider::map(s.provider, kind, number, &json, chrono::Utc::now()) {
            Ok(r) => Ok(r),
            // A 200 without a name is how some providers say "no such number".
            Err(provider::MapError::NoName) => Err(LookupError::NotFound),
            Err(e) => Err(LookupError::Unusable(e)),
        }
    }
}

fn transport(e: ureq::Error) -> LookupError {
    let timed_out = match &e {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::TimedOut,
        _ => false,
    };
    if timed_out {
        LookupError::Timeout
    } else {
        LookupError::Unreachable(e)
    }
}

pub fn routes() -> Router<Shared> {
    Router::new().route(&format!("{LOOKUP_PREFIX}/{{kind}}/{{number}}"), get(lookup))
}

/// The last three digits only: DNIs are personal data, logs are not the place.
fn masked(number: &str) -> String {
    let tail: String = number
        .chars()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

async fn lookup(
    State(state): State<Shared>,
    Path((kind, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<LookupResult>, LookupError> {
    let kiosk = authenticate(&state, &headers).await?;
    let kind = match kind.as_str() {
        "ruc" => LookupKind::Ruc,
        "dni" => LookupKind::Dni,
        _ => return Err(LookupError::UnknownKind),
    };
    let number = lookup_number(kind, &number).map_err(LookupError::InvalidNumber)?;
    let Some(service) = state.lookup.clone() else {
        return Err(LookupError::NotConfigured);
    };
    let shown = masked(&number);
    let answer = tokio::task::spawn_blocking(move || service.find(kind, &number)).await?;
    log::info!(
        "lookup {} {shown} for kiosk {}: {}",
        kind.slug(),
        kiosk.device.kiosk_number,
        match &answer {
            Ok(_) => "found".to_string(),
            Err(e) => e.status().to_string(),
        }
    );
    Ok(Json(answer?))
}
