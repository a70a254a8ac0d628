//! Sync errors: English `Display` for logs, Spanish `mensaje()` for the screen.
//!
//! A network failure keeps the `ureq::Error` and a local failure keeps the `StoreError`
//! as `source()`, so the real cause (refused, timed out, TLS, disk full) is never lost.

use crate::store::StoreError;
use uuid::Uuid;

/// Why a sync call (health, registration, push, pull, login) failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No server URL or no device token in the settings.
    #[error("sync not configured")]
    NotConfigured,
    /// The server URL is not an http(s) address.
    #[error("bad server url {0:?}")]
    BadUrl(String),
    /// Network down, refused, timed out, TLS refused, or an answer that could not be read.
    #[error("transport error: {0}")]
    Transport(#[source] ureq::Error),
    /// The registration answer names another device than the one that asked.
    #[error("transport error: server answered for another device ({answered}, asked {asked})")]
    WrongDevice {
        /// This kiosk's device id.
        asked: Uuid,
        /// The device id in the server's answer.
        answered: Uuid,
    },
    /// The login answer carries an escrow key that is not 64 hex characters.
    #[error("transport error: bad escrow key")]
    BadEscrowKey,
    /// 5xx: the server is in trouble; retry later.
    #[error("server error {status}: {message}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The server's `ErrorBody` text (or `HTTP <status>`).
        message: String,
    },
    /// 401: the device token is wrong or revoked.
    #[error("401 unauthorized: device token refused")]
    Unauthorized,
    /// 403 on registration: wrong enrollment code.
    #[error("403: wrong enrollment code")]
    EnrollmentRefused,
    /// 429: too many failed attempts (login, enrollment code); wait this many seconds.
    #[error("429: too many failed attempts, retry in {0} s")]
    TooManyAttempts(u64),
    /// 409 on registration: this device is registered and the request lacked its token.
    #[error("409: device already registered")]
    AlreadyRegistered,
    /// Any other 4xx: the server refused the request as such.
    #[error("refused {status}: {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The server's `ErrorBody` text (or `HTTP <status>`).
        message: String,
    },
    /// The local store failed while syncing.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    /// Worth retrying later with backoff.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Transport(_)
                | SyncError::WrongDevice { .. }
                | SyncError::BadEscrowKey
                | SyncError::Server { .. }
        )
    }

    /// What the cashier reads on screen (Spanish).
    pub fn mensaje(&self) -> String {
        match self {
            SyncError::NotConfigured => {
                "Falta configurar el servidor de sincronización (URL y registro del equipo).".into()
            }
            SyncError::BadUrl(u) => {
                format!("La dirección del servidor «{u}» no es válida; debe empezar con http:// o https://.")
            }
            SyncError::Transport(_) | SyncError::WrongDevice { .. } | SyncError::BadEscrowKey => {
                "No se pudo conectar con el servidor. Lo guardado queda en cola y se enviará al volver la conexión.".into()
            }
            SyncError::Server { status, .. } => format!(
                "El servidor tuvo un problema (código {status}). Se reintentará automáticamente."
            ),
            SyncError::Unauthorized => {
                "El servidor no reconoce este equipo. Vuelva a registrarlo en Configuración.".into()
            }
            SyncError::EnrollmentRefused => {
                "El código de inscripción no es correcto o ya fue usado: pida uno nuevo al administrador del servidor.".into()
            }
            SyncError::TooManyAttempts(secs) => {
                format!("Demasiados intentos fallidos. Espere {secs} s antes de intentar de nuevo.")
            }
            SyncError::AlreadyRegistered => {
                "Este equipo ya está registrado en el servidor y no se pudo comprobar su registro actual. El administrador del servidor debe liberarlo.".into()
            }
            SyncError::Refused { message, .. } => format!("El servidor rechazó la solicitud: {message}"),
            SyncError::Store(e) => e.mensaje(),
        }
    }
}

pub type SyncResult<T> = Result<T, SyncError>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::client::Client;
    use std::error::Error as _;
    use std::time::Duration;

    #[test]
    fn an_unreachable_server_keeps_the_ureq_error() {
        // Port 9 (discard) is closed on test machines: the connection is refused.
        let client = Client::new("http://127.0.0.1:9", None, Duration::from_secs(2));
        let e = client.health().unwrap_err();
        assert!(matches!(e, SyncError::Transport(_)), "{e:?}");
        assert!(e.is_transient());
        let cause = e.source().expect("cause kept");
        assert!(cause.downcast_ref::<ureq::Error>().is_some(), "{cause:?}");
        assert!(e.mensaje().starts_with("No se pudo conectar"));
    }

    #[test]
    fn a_store_failure_keeps_the_store_error() {
        let e = SyncError::from(StoreError::NotFound("registro"));
        let cause = e.source().expect("cause kept");
        assert!(matches!(
            cause.downcast_ref::<StoreError>(),
            Some(StoreError::NotFound("registro"))
        ));
        assert!(!e.is_transient());
        assert_eq!(e.to_string(), "store: registro not found");
    }
}
