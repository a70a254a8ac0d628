//! Store errors: English `Display` for logs, Spanish `mensaje()` for the screen.

use motordesk_core::DomainError;
use std::fmt;

#[derive(Debug)]
pub enum StoreError {
    Domain(DomainError),
    DuplicateDocument {
        number: String,
        name: String,
    },
    DuplicatePlate {
        plate: String,
    },
    NotFound(&'static str),
    InvoiceImmutable,
    WrongPassword,
    UnknownUser(String),
    UserExists(String),
    /// A sealed value failed authentication: tampered or wrong key.
    Tampered(&'static str),
    DiskFull,
    Locked,
    ShiftRefused(crate::store::shift::ShiftRefusal),
    Db(String),
}

impl StoreError {
    pub fn mensaje(&self) -> String {
        match self {
            StoreError::Domain(e) => e.mensaje(),
            StoreError::DuplicateDocument { number, name } => {
                format!("Ya existe un cliente con el documento {number}: {name}.")
            }
            StoreError::DuplicatePlate { plate } => {
                format!("Ya existe un vehículo con la placa {plate}.")
            }
            StoreError::NotFound(what) => format!("No se encontró {what}."),
            StoreError::InvoiceImmutable => {
                "Un comprobante emitido no se puede modificar; emita una nota de crédito.".into()
            }
            StoreError::WrongPassword => "Usuario o contraseña incorrectos.".into(),
            StoreError::UnknownUser(_) => "Usuario o contraseña incorrectos.".into(),
            StoreError::UserExists(u) => format!("El usuario «{u}» ya existe."),
            StoreError::Tampered(_) => {
                "Los datos guardados están dañados o fueron alterados. Avise al administrador; no se perdió nada más.".into()
            }
            StoreError::DiskFull => {
                "El disco está lleno: no se pudo guardar. Libere espacio y vuelva a intentar; lo ya guardado está a salvo.".into()
            }
            StoreError::Locked => {
                "La base de datos está abierta en otro programa MotorDesk.".into()
            }
            StoreError::ShiftRefused(r) => r.mensaje(),
            StoreError::Db(_) => {
                "Error al guardar en la base de datos local; lo ya guardado está a salvo.".into()
            }
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Domain(e) => write!(f, "{e}"),
            StoreError::DuplicateDocument { number, .. } => {
                write!(f, "a customer with document {number} already exists")
            }
            StoreError::DuplicatePlate { plate } => write!(f, "plate {plate} already exists"),
            StoreError::NotFound(what) => write!(f, "{what} not found"),
            StoreError::InvoiceImmutable => write!(f, "issued invoices are immutable"),
            StoreError::WrongPassword => write!(f, "wrong password"),
            StoreError::UnknownUser(u) => write!(f, "unknown user {u:?}"),
            StoreError::UserExists(u) => write!(f, "user {u:?} already exists"),
            StoreError::Tampered(what) => write!(f, "authentication failed on sealed {what}"),
            StoreError::DiskFull => write!(f, "disk full"),
            StoreError::Locked => write!(f, "database is locked by another process"),
            StoreError::ShiftRefused(r) => write!(f, "shift close refused: {r:?}"),
            StoreError::Db(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<DomainError> for StoreError {
    fn from(e: DomainError) -> Self {
        StoreError::Domain(e)
    }
}

fn is_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

impl From<redb::Error> for StoreError {
    fn from(e: redb::Error) -> Self {
        match e {
            redb::Error::Io(io) if is_disk_full(&io) => StoreError::DiskFull,
            redb::Error::DatabaseAlreadyOpen => StoreError::Locked,
            other => StoreError::Db(other.to_string()),
        }
    }
}

macro_rules! via_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::from(redb::Error::from(e))
            }
        }
    )*};
}
via_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Db(format!("codec: {e}"))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
