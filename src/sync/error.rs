//! Sync errors: English `Display` for logs, Spanish `mensaje()` for the screen.

use crate::store::StoreError;
use std::fmt;

#[derive(Debug)]
pub enum SyncError {
    /// No server URL or no device token in the settings.
    NotConfigured,
    /// The server URL is not an http(s) address.
    BadUrl(String),
    /// Network down, refused, timed out, or an answer that could not be read.
    Transport(String),
    /// 5xx: the server is in trouble; retry later.
    Server {
        status: u16,
        message: String,
    },
    /// 401: the device token is wrong or revoked.
    Unauthorized,
    /// 403 on registration: wrong enrollment code.
    EnrollmentRefused,
    /// Any other 4xx: the server refused the request as such.
    Refused {
        status: u16,
        message: String,
    },
    Store(StoreError),
}

impl SyncError {
    /// Worth retrying later with backoff.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Transport(_) | SyncError::Server { .. })
    }

    pub fn mensaje(&self) -> String {
        match self {
            SyncError::NotConfigured => {
                "Falta configurar el servidor de sincronización (URL y registro del equipo).".into()
            }
            SyncError::BadUrl(u) => {
                format!("La dirección del servidor «{u}» no es válida; debe empezar con http:// o https://.")
            }
            SyncError::Transport(_) => {
                "No se pudo conectar con el servidor. Lo guardado queda en cola y se enviará al volver la conexión.".into()
            }
            SyncError::Server { status, .. } => format!(
                "El servidor tuvo un problema (código {status}). Se reintentará automáticamente."
            ),
            SyncError::Unauthorized => {
                "El servidor no reconoce este equipo. Vuelva a registrarlo en Configuración.".into()
            }
            SyncError::EnrollmentRefused => "El código de inscripción no es correcto.".into(),
            SyncError::Refused { message, .. } => format!("El servidor rechazó la solicitud: {message}"),
            SyncError::Store(e) => e.mensaje(),
        }
    }
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::NotConfigured => write!(f, "sync not configured"),
            SyncError::BadUrl(u) => write!(f, "bad server url {u:?}"),
            SyncError::Transport(e) => write!(f, "transport error: {e}"),
            SyncError::Server { status, message } => write!(f, "server error {status}: {message}"),
            SyncError::Unauthorized => write!(f, "401 unauthorized: device token refused"),
            SyncError::EnrollmentRefused => write!(f, "403: wrong enrollment code"),
            SyncError::Refused { status, message } => write!(f, "refused {status}: {message}"),
            SyncError::Store(e) => write!(f, "store: {e}"),
        }
    }
}

impl std::error::Error for SyncError {}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        SyncError::Store(e)
    }
}

pub type SyncResult<T> = Result<T, SyncError>;
