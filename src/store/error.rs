//! Store errors: English `Display` for logs, Spanish `mensaje()` for the screen.
//!
//! Every variant that comes from a lower layer keeps that error as its `source()`, so a
//! log or a test can see the real redb, I/O, JSON or Argon2 failure, not a string of it.

use motordesk_core::{DomainError, Series};
use std::path::PathBuf;

/// Why the store refused or failed a command.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A business rule of `motordesk-core` refused the command (totals, RUC/DNI, ...).
    #[error("{0}")]
    Domain(#[from] DomainError),
    /// Another customer already has this identity document.
    #[error("a customer with document {number} already exists")]
    DuplicateDocument {
        /// The document number that is taken.
        number: String,
        /// The name of the customer who holds it.
        name: String,
    },
    /// Another vehicle already has this plate.
    #[error("plate {plate} already exists")]
    DuplicatePlate {
        /// The plate as displayed.
        plate: String,
    },
    /// The record asked for does not exist (the text is Spanish, with its article).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An issued invoice cannot be changed; a credit note is the only way.
    #[error("issued invoices are immutable")]
    InvoiceImmutable,
    /// The password does not open the user's key slot (or the user is disabled).
    #[error("wrong password")]
    WrongPassword,
    /// Too many wrong passwords in a row: attempts are refused, without checking the
    /// password, until the wait has passed (`docs/store.md`).
    #[error("too many failed logins; retry in {wait_secs} s")]
    TooManyAttempts {
        /// Seconds until the next attempt is taken.
        wait_secs: u64,
    },
    /// No key slot for this user name.
    #[error("unknown user {0:?}")]
    UnknownUser(String),
    /// The user name is already taken.
    #[error("user {0:?} already exists")]
    UserExists(String),
    /// A sealed value failed authentication: tampered or wrong key.
    #[error("authentication failed on sealed {0}")]
    Tampered(&'static str),
    /// The disk is full: nothing was written by the failed transaction. It also failed
    /// the open database, which the store reopens at the next call (`store/reopen.rs`).
    #[error("disk full")]
    DiskFull(#[source] std::io::Error),
    /// Reading or writing the store file failed during a transaction (not a full disk):
    /// nothing was written, and the store reopens the file at the next call.
    #[error("disk I/O error: {0}")]
    DiskIo(#[source] std::io::Error),
    /// redb refused because an earlier I/O error failed this open database
    /// (`PreviousIo`), or the store closed it under a read to reopen it
    /// (`DatabaseClosed`): nothing was written; the next call reopens the file.
    #[error("database failed after an earlier I/O error; reopening it: {0}")]
    Reopening(#[source] redb::Error),
    /// Another process (another MotorDesk) has the database file open.
    #[error("database is locked by another process")]
    Locked,
    /// The shift cannot be closed yet (see `ShiftRefusal`).
    #[error("shift close refused: {0:?}")]
    ShiftRefused(#[source] ShiftRefusal),
    /// A manager approval or PIN change was refused (see `ApprovalRefusal`).
    #[error("approval refused: {0}")]
    Approval(#[from] crate::store::ApprovalRefusal),
    /// The local redb database failed.
    #[error("database error: {0}")]
    Db(#[source] redb::Error),
    /// The store file cannot be used and may hold data: it is left as it is for a
    /// technician (never removed, never replaced by a new store).
    #[error("database error: {} cannot be used: {damage}", path.display())]
    Damaged {
        /// The store file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        damage: Damage,
    },
    /// Giving freed pages back to the file system failed.
    #[error("database error: compact: {0}")]
    Compact(#[source] redb::CompactionError),
    /// The data directory could not be created or read.
    #[error("database error: {0}")]
    Io(#[source] std::io::Error),
    /// A stored value could not be encoded or decoded as JSON.
    #[error("database error: codec: {0}")]
    Codec(#[source] serde_json::Error),
    /// Argon2id could not derive a key from a password (bad parameters in a key slot).
    #[error("database error: argon2: {0}")]
    KeyDerivation(#[source] argon2::Error),
    /// The series has used its last correlative (99 999 999); a new series is needed.
    #[error("database error: series {0} exhausted")]
    SeriesExhausted(Series),
    /// The file was written by a newer MotorDesk with a schema this build cannot read.
    #[error(
        "database error: database schema {found} is newer than this program ({supported}); update MotorDesk"
    )]
    SchemaTooNew {
        /// The schema version in the file.
        found: u32,
        /// The newest schema this build knows.
        supported: u32,
    },
    /// The comprobante's UBL XML could not be made from the document (a SUNAT limit).
    #[error("comprobante XML: {0}")]
    Comprobante(#[from] motordesk_sunat::BuildError),
    /// Signing the comprobante failed.
    #[error("signing the comprobante: {0}")]
    Signature(#[from] motordesk_sunat::SignError),
    /// The shop's certificate could not be read (password, format, dates).
    #[error("certificate: {0}")]
    Certificate(#[from] motordesk_sunat::CertificateError),
    /// A backup snapshot could not be made or restored (`store/backup.rs`).
    #[error("backup: {0}")]
    Backup(#[from] crate::store::BackupError),
}

/// What is wrong with a store file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Damage {
    /// redb cannot read it (not a redb file, or a damaged header).
    #[error("redb cannot read it: {0}")]
    Unreadable(#[source] redb::DatabaseError),
    /// It opens, but holds rows and no account that could open them.
    #[error("it holds {rows} rows but no account")]
    NoAccounts {
        /// Rows in its tables besides the plain metadata.
        rows: u64,
    },
}

/// Why a shift close was refused.
#[derive(Debug, thiserror::Error)]
pub enum ShiftRefusal {
    /// Sales still unsynced; only an administrator may close, with a reason.
    #[error("{0} records are not synced yet")]
    Unsynced(u64),
    /// An administrator closing with unsynced records must write the reason.
    #[error("a reason is required to close with unsynced records")]
    ReasonRequired,
    /// Nothing happened since the last close: no document, no float, no movement.
    #[error("nothing to close since the last close")]
    Empty,
}

impl ShiftRefusal {
    /// What the cashier reads on screen (Spanish).
    pub fn mensaje(&self) -> String {
        match self {
            ShiftRefusal::Unsynced(n) => format!(
                "No se puede cerrar el turno: hay {n} {} sin sincronizar. Espere a que se sincronicen o pida a un administrador que cierre indicando el motivo.",
                if *n == 1 { "registro" } else { "registros" }
            ),
            ShiftRefusal::ReasonRequired => {
                "Para cerrar con registros sin sincronizar, escriba el motivo.".into()
            }
            ShiftRefusal::Empty => {
                "No hay nada que cerrar: el turno no tiene ventas, notas, fondo inicial ni movimientos desde el último cierre.".into()
            }
        }
    }
}

impl StoreError {
    /// What the cashier reads on screen (Spanish).
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
            StoreError::TooManyAttempts { wait_secs } => {
                format!("Demasiados intentos fallidos. Espere {wait_secs} s.")
            }
            StoreError::Damaged { path, .. } => format!(
                "El archivo de datos {} está dañado o incompleto y no se puede abrir. Se dejó tal como está, sin borrar nada. Llame al soporte técnico; no cree otra cuenta en este equipo.",
                path.display()
            ),
            StoreError::UserExists(u) => format!("El usuario «{u}» ya existe."),
            StoreError::Tampered(_) => {
                "Los datos guardados están dañados o fueron alterados. Avise al administrador; no se perdió nada más.".into()
            }
            StoreError::DiskFull(_) => {
                "El disco está lleno: lo que acaba de hacer (la venta o el cambio) no se guardó. Libere espacio en el disco (o avise al técnico) y vuelva a intentar: MotorDesk reabre el archivo de datos solo, sin reiniciar ni volver a ingresar. Lo ya guardado está a salvo.".into()
            }
            StoreError::DiskIo(_) => {
                "El disco dio un error al leer o escribir los datos: lo que acaba de hacer no se guardó. MotorDesk reabre el archivo de datos solo; vuelva a intentar. Si se repite, avise al soporte técnico: el disco puede estar fallando. Lo ya guardado está a salvo.".into()
            }
            StoreError::Reopening(_) => {
                "El archivo de datos falló por un error del disco (por ejemplo, disco lleno) y MotorDesk lo está reabriendo solo: lo que acaba de hacer no se guardó. Si el disco está lleno, libere espacio; luego vuelva a intentar. Lo ya guardado está a salvo.".into()
            }
            StoreError::Locked => {
                "La base de datos está abierta en otro programa MotorDesk.".into()
            }
            StoreError::ShiftRefused(r) => r.mensaje(),
            StoreError::Approval(r) => r.mensaje(),
            StoreError::Comprobante(e) => e.mensaje(),
            StoreError::Signature(e) => e.mensaje(),
            StoreError::Certificate(e) => e.mensaje(),
            StoreError::Backup(e) => e.mensaje(),
            StoreError::Db(_)
            | StoreError::Compact(_)
            | StoreError::Io(_)
            | StoreError::Codec(_)
            | StoreError::KeyDerivation(_)
            | StoreError::SeriesExhausted(_)
            | StoreError::SchemaTooNew { .. } => {
                "Error al guardar en la base de datos local; lo ya guardado está a salvo.".into()
            }
        }
    }
}

fn is_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

/// A redb failure as the store reports it. `in_transaction`: the error came from a
/// transaction, where an I/O error has failed the open database (redb answers
/// `PreviousIo` from then on, until the store reopens it).
fn classify(e: redb::Error, in_transaction: bool) -> StoreError {
    match e {
        redb::Error::Io(io) if is_disk_full(&io) => StoreError::DiskFull(io),
        redb::Error::Io(io) if in_transaction => StoreError::DiskIo(io),
        redb::Error::PreviousIo | redb::Error::DatabaseClosed => StoreError::Reopening(e),
        redb::Error::DatabaseAlreadyOpen => StoreError::Locked,
        other => StoreError::Db(other),
    }
}

impl From<redb::Error> for StoreError {
    fn from(e: redb::Error) -> Self {
        classify(e, false)
    }
}

macro_rules! via_redb {
    ($in_transaction:literal: $($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                classify(redb::Error::from(e), $in_transaction)
            }
        }
    )*};
}
via_redb!(false: redb::DatabaseError);
via_redb!(
    true: redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<redb::CompactionError> for StoreError {
    fn from(e: redb::CompactionError) -> Self {
        match e {
            redb::CompactionError::Storage(redb::StorageError::Io(io)) if is_disk_full(&io) => {
                StoreError::DiskFull(io)
            }
            other => StoreError::Compact(other),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        if is_disk_full(&e) {
            StoreError::DiskFull(e)
        } else {
            StoreError::Io(e)
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Codec(e)
    }
}

impl From<argon2::Error> for StoreError {
    fn from(e: argon2::Error) -> Self {
        StoreError::KeyDerivation(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    fn source_of<E: std::error::Error + 'static>(e: &StoreError) -> &E {
        e.source()
            .unwrap_or_else(|| panic!("{e} lost its cause"))
            .downcast_ref::<E>()
            .unwrap_or_else(|| panic!("{e}: cause is not a {}", std::any::type_name::<E>()))
    }

    #[test]
    fn a_real_redb_failure_is_kept_as_the_source() {
        // A directory is not a database file: redb fails with an I/O error.
        let dir = tempfile::tempdir().unwrap();
        let e = StoreError::from(redb::Database::create(dir.path()).unwrap_err());
        assert!(matches!(e, StoreError::Db(_)), "{e:?}");
        assert!(matches!(source_of::<redb::Error>(&e), redb::Error::Io(_)));
        assert!(e.to_string().starts_with("database error: "), "{e}");
        assert_eq!(
            e.mensaje(),
            "Error al guardar en la base de datos local; lo ya guardado está a salvo."
        );
    }

    #[test]
    fn io_json_and_argon2_failures_are_kept_as_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let io = std::fs::create_dir_all(file.join("sub")).unwrap_err();
        let e = StoreError::from(io);
        assert!(matches!(e, StoreError::Io(_)), "{e:?}");
        source_of::<std::io::Error>(&e);

        let e = StoreError::from(serde_json::from_slice::<u32>(b"{").unwrap_err());
        assert!(matches!(e, StoreError::Codec(_)));
        source_of::<serde_json::Error>(&e);

        let e = StoreError::from(argon2::Params::new(0, 0, 0, None).unwrap_err());
        assert!(matches!(e, StoreError::KeyDerivation(_)));
        source_of::<argon2::Error>(&e);
    }

    #[test]
    fn disk_full_and_lock_keep_their_meaning() {
        let full = std::io::Error::from_raw_os_error(28);
        let e = StoreError::from(redb::Error::Io(full));
        assert!(matches!(e, StoreError::DiskFull(_)), "{e:?}");
        assert_eq!(source_of::<std::io::Error>(&e).raw_os_error(), Some(28));
        assert!(e.mensaje().starts_with("El disco está lleno"));
        let e = StoreError::from(redb::Error::DatabaseAlreadyOpen);
        assert!(matches!(e, StoreError::Locked));
    }

    #[test]
    fn io_failures_in_a_transaction_say_what_happened_and_what_to_do() {
        use redb::{CommitError, DatabaseError, StorageError, TransactionError};
        let io = |code| std::io::Error::from_raw_os_error(code);

        let e = StoreError::from(CommitError::Storage(StorageError::Io(io(28))));
        assert!(matches!(e, StoreError::DiskFull(_)), "{e:?}");
        let m = e.mensaje();
        assert!(
            m.contains("no se guardó") && m.contains("Libere espacio"),
            "{m}"
        );
        assert!(m.contains("reabre el archivo de datos solo"), "{m}");

        // What redb answers after that, until the database is opened again.
        let e = StoreError::from(TransactionError::Storage(StorageError::PreviousIo));
        assert!(matches!(e, StoreError::Reopening(_)), "{e:?}");
        assert!(matches!(
            source_of::<redb::Error>(&e),
            redb::Error::PreviousIo
        ));
        assert!(e.mensaje().contains("lo está reabriendo solo"));
        let e = StoreError::from(redb::TableError::Storage(StorageError::DatabaseClosed));
        assert!(matches!(e, StoreError::Reopening(_)), "{e:?}");

        // EIO in a transaction failed the database too; at open it is only an error.
        let e = StoreError::from(StorageError::Io(io(5)));
        assert!(matches!(e, StoreError::DiskIo(_)), "{e:?}");
        assert_eq!(source_of::<std::io::Error>(&e).raw_os_error(), Some(5));
        assert!(e.mensaje().contains("avise al soporte técnico"));
        let e = StoreError::from(DatabaseError::Storage(StorageError::Io(io(5))));
        assert!(matches!(e, StoreError::Db(_)), "{e:?}");
    }

    #[test]
    fn a_refused_shift_close_is_the_source() {
        let e = StoreError::ShiftRefused(ShiftRefusal::Unsynced(3));
        assert!(matches!(
            source_of::<ShiftRefusal>(&e),
            ShiftRefusal::Unsynced(3)
        ));
        assert_eq!(e.to_string(), "shift close refused: Unsynced(3)");
        assert!(e.mensaje().contains("hay 3 registros sin sincronizar"));
    }
}
