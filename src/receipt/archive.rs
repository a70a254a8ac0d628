//! Saved receipts, sealed at rest. A receipt names the customer, their RUC or DNI and
//! address, so the copy kept for reprinting is sealed with the store's data key
//! (`Store::seal_file`) and only opened to print or look at it, after a login.
//!
//! `<data dir>/comprobantes/<invoice id>.pdf.sealed`, 0600 in a 0700 directory. The name
//! is the invoice's id (not its number) and is bound to the content, so a file renamed
//! onto another receipt fails to open. Plaintext PDFs saved by older builds are sealed
//! and deleted at login (`seal_plain_receipts`).

use crate::store::{Store, StoreError, create_private_dir};
use motordesk_core::{DocumentNumber, Invoice};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The receipts folder inside the data dir.
pub const RECEIPTS_DIR: &str = "comprobantes";
const SEALED_SUFFIX: &str = ".pdf.sealed";

/// Why a saved receipt could not be written, read or migrated.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The receipts folder or file could not be written or read.
    #[error("saved receipt I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The file did not open with this store's key (damaged, or from another store).
    #[error("saved receipt: {0}")]
    Store(#[from] StoreError),
    /// Not a saved receipt's file name.
    #[error("not a saved receipt: {}", .0.display())]
    NotAReceipt(PathBuf),
}

impl ArchiveError {
    /// What the cashier reads on screen (Spanish).
    pub fn mensaje(&self) -> String {
        match self {
            ArchiveError::Io(e) => format!("No se pudo guardar ni leer el comprobante ({e})."),
            ArchiveError::Store(e) => e.mensaje(),
            ArchiveError::NotAReceipt(p) => {
                format!("{} no es un comprobante guardado.", p.display())
            }
        }
    }
}

/// `<data dir>/comprobantes`.
pub fn receipts_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(RECEIPTS_DIR)
}

/// Where the sealed receipt of the invoice `id` lives in `dir`.
pub fn saved_receipt_path(dir: &Path, id: Uuid) -> PathBuf {
    dir.join(format!("{id}{SEALED_SUFFIX}"))
}

/// Seals `pdf` and writes it as `inv`'s saved receipt (replacing an older copy), through
/// a temporary file and a rename. Returns its path.
pub fn save_receipt(
    store: &Store,
    dir: &Path,
    inv: &Invoice,
    pdf: &[u8],
) -> Result<PathBuf, ArchiveError> {
    create_private_dir(dir)?;
    let path = saved_receipt_path(dir, inv.id);
    write_sealed(store, &path, pdf)?;
    Ok(path)
}

/// Seals `pdf` as the saved copy of another printed report (a Z report) named by `id`.
pub fn save_report(
    store: &Store,
    dir: &Path,
    id: Uuid,
    pdf: &[u8],
) -> Result<PathBuf, ArchiveError> {
    create_private_dir(dir)?;
    let path = saved_receipt_path(dir, id);
    write_sealed(store, &path, pdf)?;
    Ok(path)
}

/// The PDF of a saved receipt, opened for printing or viewing.
pub fn open_receipt(store: &Store, path: &Path) -> Result<Vec<u8>, ArchiveError> {
    let name = sealed_name(path).ok_or_else(|| ArchiveError::NotAReceipt(path.into()))?;
    let bytes = std::fs::read(path)?;
    Ok(store.open_file(name, &bytes)?)
}

fn sealed_name(path: &Path) -> Option<&str> {
    path.file_name()?
        .to_str()
        .filter(|n| n.ends_with(SEALED_SUFFIX))
}

fn write_sealed(store: &Store, path: &Path, pdf: &[u8]) -> Result<(), ArchiveError> {
    let name = sealed_name(path).ok_or_else(|| ArchiveError::NotAReceipt(path.into()))?;
    crate::store::write_private(path, &store.seal_file(name, pdf))?;
    Ok(())
}

/// Seals the plaintext PDFs older builds saved in `dir` (`B001-00000042.pdf`) and deletes
/// them, and removes their half-written `.pdf.tmp` files. Each is sealed under its
/// invoice's id when the store knows its number, else under a new id. Returns how many
/// were sealed. Deleting does not scrub the disk blocks (`docs/receipts.md`).
pub fn seal_plain_receipts(store: &Store, dir: &Path) -> Result<usize, ArchiveError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    create_private_dir(dir)?;
    let mut sealed = 0;
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.ends_with(".pdf.tmp") {
            std::fs::remove_file(&path)?;
        } else if let Some(stem) = name.strip_suffix(".pdf") {
            let id = DocumentNumber::parse(stem)
                .ok()
                .and_then(|n| store.invoice_by_number(&n).ok().flatten())
                .map_or_else(Uuid::now_v7, |inv| inv.data.id);
            let pdf = std::fs::read(&path)?;
            write_sealed(store, &saved_receipt_path(dir, id), &pdf)?;
            std::fs::remove_file(&path)?;
            sealed += 1;
        }
    }
    if sealed > 0 {
        crate::store::sync_dir(dir)?;
        log::info!(
            "sealed {sealed} plaintext receipt PDFs left by an older version in {}",
            dir.display()
        );
    }
    Ok(sealed)
}
