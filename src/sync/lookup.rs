//! "Buscar en SUNAT/RENIEC": one call to the shop's server, which asks its provider
//! (`GET /v1/lookup/{ruc|dni}/{n}` with this kiosk's device token). Blocking, so it runs
//! on a UI worker. Every failure says in Spanish what the cashier can do; typing the data
//! by hand always stays possible.

use crate::store::ShopSettings;
use crate::sync::client::{Client, normalize_url};
use crate::sync::error::SyncError;
use motordesk_core::{DomainError, LookupKind, LookupResult, lookup_number};
use std::time::Duration;

/// Longer than the server's own 5 s budget with the provider, so its 504 arrives first.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// The start of the server's 502 message when its provider refused the server's token.
const MISCONFIGURED: &str = "lookup misconfigured";

/// Why a lookup brought nothing.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// Not 8 digits for a DNI, or a RUC with a bad check digit: checked here, never sent.
    #[error("invalid number: {0}")]
    Invalid(#[source] DomainError),
    /// This kiosk has no server (or is not registered with it).
    #[error("no server configured")]
    NoServer,
    /// The server could not be reached or did not answer (offline).
    #[error("server unreachable: {0}")]
    Offline(#[source] SyncError),
    /// The provider has no such number.
    #[error("{0:?} {1} not found")]
    NotFound(LookupKind, String),
    /// The provider refused the number as invalid (422, or the server's own 400).
    #[error("the provider refused {0}: {1}")]
    Refused(String, String),
    /// The server has no provider configured (503), or is too old to proxy lookups.
    #[error("lookup not offered by the server: {0}")]
    NotOffered(String),
    /// The server's provider token was refused (502 "lookup misconfigured").
    #[error("server misconfigured: {0}")]
    Misconfigured(String),
    /// The provider's rate limit; retry after this many seconds.
    #[error("rate limited, retry in {0} s")]
    RateLimited(u64),
    /// The provider did not answer within the server's budget (504).
    #[error("provider timeout")]
    Timeout,
    /// Any other failure of the server or its provider.
    #[error("lookup failed: {0}")]
    Failed(#[source] SyncError),
    /// The answer breaks the limits or is for another number.
    #[error("unusable answer: {0}")]
    BadAnswer(String),
}

impl LookupError {
    /// What the cashier reads next to the field (Spanish).
    pub fn mensaje(&self) -> String {
        const BY_HAND: &str = "Puede ingresar los datos a mano.";
        match self {
            LookupError::Invalid(e) => e.mensaje(),
            LookupError::NoServer => {
                format!("Este equipo no tiene servidor para consultar SUNAT/RENIEC. {BY_HAND}")
            }
            LookupError::Offline(_) => {
                format!(
                    "Sin conexión con el servidor: no se pudo consultar SUNAT/RENIEC. {BY_HAND}"
                )
            }
            LookupError::NotFound(kind, n) => format!(
                "{} no tiene registrado el {} {n}. Revise el número o ingrese los datos a mano.",
                kind.register(),
                kind.id_kind().label()
            ),
            LookupError::Refused(n, _) => {
                format!("El proveedor de consultas no acepta el número {n} como válido. {BY_HAND}")
            }
            LookupError::NotOffered(_) => {
                format!("El servidor no tiene configurada la consulta a SUNAT/RENIEC. {BY_HAND}")
            }
            LookupError::Misconfigured(_) => format!(
                "El servidor está mal configurado para consultar SUNAT/RENIEC (clave del proveedor rechazada): avise al administrador. {BY_HAND}"
            ),
            LookupError::RateLimited(secs) => format!(
                "Demasiadas consultas al proveedor: intente de nuevo en {secs} s. {BY_HAND}"
            ),
            LookupError::Timeout => {
                format!("SUNAT/RENIEC no respondió a tiempo: intente de nuevo. {BY_HAND}")
            }
            LookupError::Failed(e) => format!(
                "La consulta a SUNAT/RENIEC falló ({}). {BY_HAND}",
                match e {
                    SyncError::Server { status, .. } | SyncError::Refused { status, .. } => {
                        format!("código {status}")
                    }
                    other => other.mensaje(),
                }
            ),
            LookupError::BadAnswer(_) => {
                format!("El servidor devolvió datos que no se pueden usar. {BY_HAND}")
            }
        }
    }
}

/// Looks `typed` up as `kind` through the server in `settings`. Blocking (one HTTP call,
/// at most `LOOKUP_TIMEOUT`): call it from a worker.
pub fn lookup(
    settings: &ShopSettings,
    kind: LookupKind,
    typed: &str,
) -> Result<LookupResult, LookupError> {
    let number = lookup_number(kind, typed).map_err(LookupError::Invalid)?;
    let url = normalize_url(&settings.server_url);
    if url.is_empty() || settings.device_token.is_none() {
        return Err(LookupError::NoServer);
    }
    let client = Client::new(&url, settings.device_token.clone(), LOOKUP_TIMEOUT);
    let answer = client
        .get_json::<LookupResult>(&kind.path(&number), None)
        .map_err(|e| match e {
            SyncError::Transport(_) => LookupError::Offline(e),
            SyncError::NotConfigured => LookupError::NoServer,
            SyncError::TooManyAttempts(secs) => LookupError::RateLimited(secs),
            SyncError::Refused {
                status: 404,
                ref message,
            } if message == "not found" => LookupError::NotFound(kind, number.clone()),
            // A server from before lookups answers its plain 404 (no JSON body).
            SyncError::Refused {
                status: 404,
                ref message,
            } => LookupError::NotOffered(message.clone()),
            SyncError::Refused {
                status: 400 | 422,
                ref message,
            } => LookupError::Refused(number.clone(), message.clone()),
            SyncError::Server {
                status: 503,
                ref message,
            } => LookupError::NotOffered(message.clone()),
            SyncError::Server {
                status: 502,
                ref message,
            } if message.starts_with(MISCONFIGURED) => LookupError::Misconfigured(message.clone()),
            SyncError::Server { status: 504, .. } => LookupError::Timeout,
            other => LookupError::Failed(other),
        })?;
    if answer.kind != kind || answer.number != number {
        return Err(LookupError::BadAnswer(format!(
            "asked {} {number}, got {} {}",
            kind.slug(),
            answer.kind.slug(),
            answer.number
        )));
    }
    answer
        .check()
        .map_err(|e| LookupError::BadAnswer(e.to_string()))?;
    Ok(answer)
}
