//! Backups of the store: a consistent snapshot sealed as one file, and putting one back
//! on a new PC.
//!
//! A snapshot is every table copied inside one read transaction into a fresh redb file
//! (redb has no online copy of its own: a byte copy of a file being written is not
//! consistent). The file is then sealed with the store's data key K:
//!
//! ```text
//! "MDBACK1\n" ‖ u32 BE header length ‖ header JSON (plain) ‖ nonce ‖ ChaCha20-Poly1305(K, redb file, aad = header)
//! ```
//!
//! The header carries the device id, the time and the key slots (the `@server` slot and
//! each user's), all of which wrap K and reveal nothing without an escrow key or a
//! password: the server that keeps the file cannot read it, an administrator can.
//! Saved receipt PDFs are not in it: they are rendered again from the documents.

use crate::store::error::{StoreError, StoreResult};
use crate::store::keyslots::KeySlot;
use crate::store::seal::{DataKey, Sealer, open_with};
use crate::store::server_slot::SERVER_SLOT;
use crate::store::tables::*;
use crate::store::{Store, creation, files};
use chacha20poly1305::aead::{AeadCore, AeadInPlace, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key as AeadKey};
use chrono::{DateTime, Utc};
use redb::{
    Database, Key, MultimapTableHandle, ReadTransaction, ReadableDatabase, ReadableTable,
    TableDefinition, TableHandle, Value, WriteTransaction,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;
use uuid::Uuid;

/// What a sealed snapshot starts with.
pub const BACKUP_MAGIC: &[u8; 8] = b"MDBACK1\n";
/// ChaCha20-Poly1305's nonce and tag, around the sealed store (as `seal::seal_with`).
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Largest plain header read (key slots of a few dozen users fit in a few KiB).
const MAX_HEADER: usize = 256 * 1024;
/// A backup is due this long after the last successful upload.
pub const BACKUP_EVERY: chrono::Duration = chrono::Duration::hours(24);

/// A failed daily backup is tried again this long after.
pub const RETRY_AFTER_FAILURE: chrono::Duration = chrono::Duration::hours(1);

/// Why a backup could not be made, sent or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The snapshot is bigger than the configured maximum.
    #[error("snapshot of {bytes} bytes exceeds the maximum of {max}")]
    TooLarge {
        /// Size of the snapshot.
        bytes: u64,
        /// The configured maximum.
        max: u64,
    },
    /// The store has a table this build does not know how to copy (a newer build's).
    #[error("table {0:?} is not known to the backup")]
    UnknownTable(String),
    /// The file is not a MotorDesk backup, or its header is damaged.
    #[error("not a MotorDesk backup: {0}")]
    NotABackup(&'static str),
    /// The backup is of another kiosk than the one asked for.
    #[error("backup of device {found}, expected {expected}")]
    OtherDevice {
        /// The device the server says it restores.
        expected: Uuid,
        /// The device in the snapshot.
        found: Uuid,
    },
    /// The escrow key does not open the snapshot's `@server` slot, or the body failed
    /// its tag (tampered, or a truncated download).
    #[error("the key does not open the backup, or it was altered")]
    WrongKey,
    /// A store already exists where the backup would go: nothing is overwritten.
    #[error("a store already exists at {0}")]
    StoreExists(std::path::PathBuf),
}

impl BackupError {
    /// What the administrator reads on screen (Spanish).
    pub fn mensaje(&self) -> String {
        match self {
            BackupError::TooLarge { bytes, max } => format!(
                "El respaldo pesa {} MB y el máximo es {} MB: no se respaldó. Avise al soporte técnico.",
                bytes / (1024 * 1024),
                max / (1024 * 1024)
            ),
            BackupError::UnknownTable(t) => format!(
                "Este programa no sabe respaldar la tabla «{t}»; actualice MotorDesk."
            ),
            BackupError::NotABackup(_) => {
                "El archivo recibido no es un respaldo de MotorDesk o está dañado.".into()
            }
            BackupError::OtherDevice { .. } => {
                "El respaldo recibido es de otra caja; no se restauró nada.".into()
            }
            BackupError::WrongKey => {
                "La llave del servidor no abre este respaldo, o el respaldo fue alterado; no se restauró nada.".into()
            }
            BackupError::StoreExists(p) => format!(
                "Ya hay datos de MotorDesk en {}: no se reemplazan. Restaure en un equipo nuevo o en otra carpeta de datos.",
                p.display()
            ),
        }
    }
}

/// The plain part of a snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format: u32,
    device_id: Uuid,
    taken_at: DateTime<Utc>,
    /// Every key slot of the store, `@server` included: each wraps K.
    key_slots: BTreeMap<String, KeySlot>,
}

/// A sealed snapshot ready to upload.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub bytes: Vec<u8>,
    pub taken_at: DateTime<Utc>,
    pub device_id: Uuid,
}

/// The last backup as the store remembers it (plain metadata: a time and a size).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    /// When the last snapshot reached the server, and its size.
    pub last_ok: Option<(DateTime<Utc>, u64)>,
    /// The last failure since then: when, and why (Spanish, for the screen).
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// A backup was asked for (a shift close) and has not been made since.
    pub requested: Option<DateTime<Utc>>,
}

impl BackupStatus {
    /// Whether a daily backup is due at `now`: 24 h after the last good one, and not
    /// within an hour of a failed one (a store too big, a server refusing, must not be
    /// copied and sent again every sync cycle).
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        // Asked for after the last failure (or with none): now.
        if let Some(asked) = self.requested
            && self.last_error.as_ref().is_none_or(|(at, _)| *at < asked)
        {
            return true;
        }
        if self
            .last_error
            .as_ref()
            .is_some_and(|(at, _)| now - *at < RETRY_AFTER_FAILURE)
        {
            return false;
        }
        self.last_ok.is_none_or(|(at, _)| now - at >= BACKUP_EVERY)
    }
}

/// Tables not copied: login and PIN throttle counters belong to the PC, not the shop.
const SKIPPED: [&str; 2] = ["login_failures", "pin_failures"];

fn copy<K: Key + 'static, V: Value + 'static>(
    r: &ReadTransaction,
    w: &WriteTransaction,
    def: TableDefinition<K, V>,
    copied: &mut BTreeSet<String>,
) -> StoreResult<()> {
    copied.insert(def.name().to_string());
    let from = match r.open_table(def) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut to = w.open_table(def)?;
    for row in from.iter()? {
        let (k, v) = row?;
        to.insert(k.value(), v.value())?;
    }
    Ok(())
}

/// Copies every table of the store from `r` into `w`; refuses a table it does not know,
/// so a table added later cannot be left out of backups silently.
fn copy_all(r: &ReadTransaction, w: &WriteTransaction) -> StoreResult<()> {
    let mut done = BTreeSet::new();
    let c = &mut done;
    copy(r, w, META, c)?;
    copy(r, w, KEY_SLOTS, c)?;
    copy(r, w, USERS, c)?;
    copy(r, w, SETTINGS, c)?;
    for t in [CUSTOMERS, VEHICLES, PRODUCTS, ODOMETER, INVOICES] {
        copy(r, w, t, c)?;
    }
    copy(r, w, INVOICE_SUMMARIES, c)?;
    copy(r, w, OUTBOX, c)?;
    copy(r, w, OUTBOX_BY_STATUS, c)?;
    copy(r, w, OUTBOX_STATE, c)?;
    copy(r, w, RECORD_SYNC, c)?;
    copy(r, w, OUTBOX_BY_RECORD, c)?;
    for t in [CUSTOMER_BY_DOC, VEHICLE_BY_PLATE, INVOICE_BY_NUMBER] {
        copy(r, w, t, c)?;
    }
    for t in [
        INVOICES_BY_CUSTOMER,
        INVOICES_BY_VEHICLE,
        ODOMETER_BY_VEHICLE,
        VEHICLES_BY_OWNER,
        NOTES_BY_ORIGINAL,
    ] {
        copy(r, w, t, c)?;
    }
    copy(r, w, CORRELATIVES, c)?;
    copy(r, w, SUMMARY_CORRELATIVES, c)?;
    for t in [INVOICE_XML, FISCAL_STATE, CONFLICTS] {
        copy(r, w, t, c)?;
    }
    for t in [UNSIGNED_XML, FISCAL_SETTLED, VOIDS_PENDING] {
        copy(r, w, t, c)?;
    }
    copy(r, w, SECRETS, c)?;
    copy(r, w, crate::store::parked::PARKED, c)?;
    for t in r.list_tables()? {
        let name = t.name().to_string();
        if !done.contains(&name) && !SKIPPED.contains(&name.as_str()) {
            return Err(BackupError::UnknownTable(name).into());
        }
    }
    if let Some(t) = r.list_multimap_tables()?.next() {
        return Err(BackupError::UnknownTable(t.name().to_string()).into());
    }
    Ok(())
}

/// META row: when a backup was asked for (a shift close), until one is made.
const REQUESTED: &str = "backup_requested";

/// Asks for a backup at the next sync, inside the caller's transaction (a shift close
/// writes it with the close, so even a PC switched off right after uploads at its next
/// start).
pub(crate) fn request_in(txn: &WriteTransaction) -> StoreResult<()> {
    txn.open_table(META)?
        .insert(REQUESTED, serde_json::to_vec(&Utc::now())?.as_slice())?;
    Ok(())
}

/// META row: present while a restored store's pulls must include its own pushes.
const PULL_OWN: &str = "pull_own_changes";

fn backup_meta_key(ok: bool) -> &'static str {
    if ok {
        "backup_last_ok"
    } else {
        "backup_last_error"
    }
}

impl Store {
    /// A consistent snapshot of the whole store, sealed with its data key. Refuses with
    /// `BackupError::TooLarge` when the copy is bigger than `max_bytes`.
    pub fn snapshot(&self, max_bytes: usize) -> StoreResult<Snapshot> {
        let taken_at = Utc::now();
        let mut tmp_name = self.path().as_os_str().to_owned();
        tmp_name.push(".snapshot");
        let tmp = std::path::PathBuf::from(tmp_name);
        let _ = std::fs::remove_file(&tmp);
        let made = (|| -> StoreResult<(u64, BTreeMap<String, KeySlot>)> {
            files::create_new_private(&tmp)?;
            let mut out = Database::create(&tmp)?;
            let r = self.db().begin_read()?;
            let mut slots = BTreeMap::new();
            for row in r.open_table(KEY_SLOTS)?.iter()? {
                let (k, v) = row?;
                let slot: KeySlot = serde_json::from_slice(v.value())
                    .map_err(|_| StoreError::Tampered("key slot"))?;
                slots.insert(k.value().to_string(), slot);
            }
            let w = out.begin_write()?;
            copy_all(&r, &w)?;
            w.commit()?;
            drop(r);
            // One big write transaction leaves the new file with room it no longer
            // needs (twice the store at 20,000 documents): given back before sealing.
            out.compact()?;
            drop(out);
            let len = std::fs::metadata(&tmp)?.len();
            if len > max_bytes as u64 {
                return Err(BackupError::TooLarge {
                    bytes: len,
                    max: max_bytes as u64,
                }
                .into());
            }
            Ok((len, slots))
        })();
        let (len, key_slots) = match made {
            Ok(m) => m,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        if !key_slots.contains_key(SERVER_SLOT) {
            log::warn!("backup without an @server slot: only a local password opens it");
        }
        let header = Header {
            format: 1,
            device_id: self.device_id(),
            taken_at,
            key_slots,
        };
        let header = serde_json::to_vec(&header)?;
        // Sealed in place: the store is read once into the buffer that is uploaded, so
        // the peak is one copy of it, not three (a 200 MB store stays 200 MB in memory).
        let start = BACKUP_MAGIC.len() + 4 + header.len() + NONCE_LEN;
        let mut bytes = Vec::with_capacity(start + len as usize + TAG_LEN);
        bytes.extend_from_slice(BACKUP_MAGIC);
        bytes.extend_from_slice(&(header.len() as u32).to_be_bytes());
        bytes.extend_from_slice(&header);
        let cipher =
            ChaCha20Poly1305::new(AeadKey::from_slice(self.sealer().data_key().as_bytes()));
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        bytes.extend_from_slice(&nonce);
        let read = std::fs::File::open(&tmp).and_then(|mut f| f.read_to_end(&mut bytes));
        let _ = std::fs::remove_file(&tmp);
        read?;
        let tag = cipher
            .encrypt_in_place_detached(&nonce, &header, &mut bytes[start..])
            .map_err(|_| BackupError::TooLarge {
                bytes: len,
                max: max_bytes as u64,
            })?;
        bytes.extend_from_slice(&tag);
        if bytes.len() > max_bytes {
            return Err(BackupError::TooLarge {
                bytes: bytes.len() as u64,
                max: max_bytes as u64,
            }
            .into());
        }
        Ok(Snapshot {
            bytes,
            taken_at,
            device_id: self.device_id(),
        })
    }

    /// Remembers how the last backup went (plain: a time, a size, a reason).
    pub fn record_backup(&self, outcome: Result<u64, String>) -> StoreResult<()> {
        let now = Utc::now();
        let txn = self.db().begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            match outcome {
                Ok(bytes) => {
                    meta.insert(
                        backup_meta_key(true),
                        serde_json::to_vec(&(now, bytes))?.as_slice(),
                    )?;
                    meta.remove(backup_meta_key(false))?;
                    meta.remove(REQUESTED)?;
                }
                Err(why) => {
                    meta.insert(
                        backup_meta_key(false),
                        serde_json::to_vec(&(now, why))?.as_slice(),
                    )?;
                }
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// The last backup's time and size, and the last failure since.
    pub fn backup_status(&self) -> StoreResult<BackupStatus> {
        let r = self.db().begin_read()?;
        let meta = r.open_table(META)?;
        let ok = meta
            .get(backup_meta_key(true))?
            .and_then(|v| serde_json::from_slice(v.value()).ok());
        let error = meta
            .get(backup_meta_key(false))?
            .and_then(|v| serde_json::from_slice(v.value()).ok());
        let requested = meta
            .get(REQUESTED)?
            .and_then(|v| serde_json::from_slice(v.value()).ok());
        Ok(BackupStatus {
            last_ok: ok,
            last_error: error,
            requested,
        })
    }

    /// Whether pulls must include this kiosk's own pushes (a restore not yet caught up
    /// with the server's feed).
    pub fn pulling_own(&self) -> StoreResult<bool> {
        let r = self.db().begin_read()?;
        Ok(r.open_table(META)?.get(PULL_OWN)?.is_some())
    }

    /// Sets or clears `pulling_own` (cleared once a pull reached the feed's end).
    pub fn set_pulling_own(&self, on: bool) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            if on {
                meta.insert(PULL_OWN, &[1u8][..])?;
            } else {
                meta.remove(PULL_OWN)?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// This kiosk's fiscal documents with no XML here: after a restore, those the old PC
    /// issued and synced after its snapshot (their signed XML is on the server).
    pub fn own_documents_without_xml(&self) -> StoreResult<Vec<Uuid>> {
        let r = self.db().begin_read()?;
        let xml = r.open_table(INVOICE_XML)?;
        let mut out = Vec::new();
        for inv in self.list::<motordesk_core::Invoice>()? {
            let inv = inv.data;
            if inv.device_id == self.device_id()
                && inv.kind.is_fiscal()
                && xml.get(inv.id.as_u128())?.is_none()
            {
                out.push(inv.id);
            }
        }
        Ok(out)
    }

    /// Keeps the signed XML of one of this kiosk's documents, taken back from the server
    /// after a restore (never queued again: the server has it). False when the document
    /// is not this kiosk's, or already has an XML here (nothing is replaced).
    pub fn restore_signed_xml(
        &self,
        up: &motordesk_core::Stored<motordesk_core::protocol::ComprobanteUpload>,
    ) -> StoreResult<bool> {
        let id = up.data.invoice_id;
        let txn = self.db().begin_write()?;
        {
            let Some(inv) = self.read_in::<motordesk_core::Invoice>(&txn, id)? else {
                return Ok(false);
            };
            if inv.data.device_id != self.device_id() {
                return Ok(false);
            }
            let mut t = txn.open_table(INVOICE_XML)?;
            if t.get(id.as_u128())?.is_some() {
                return Ok(false);
            }
            let entry = crate::store::comprobante::ComprobanteXml {
                xml: up.data.xml.clone(),
                digest: Some(up.data.digest.clone()),
                signed_at: Some(up.meta.created_at),
                file_name: up.data.file_name.clone(),
            };
            let sealed = self.seal_json("invoice_xml", &id.as_u128().to_be_bytes(), &entry)?;
            t.insert(id.as_u128(), sealed.as_slice())?;
        }
        txn.commit()?;
        Ok(true)
    }

    /// Asks the sync thread for a backup at its next cycle (kept in the store).
    pub fn request_backup(&self) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        request_in(&txn)?;
        txn.commit()?;
        Ok(())
    }

    /// Raises each series' last correlative to at least `highest` (what the server holds
    /// of a restored kiosk): the next document continues after both, never repeating a
    /// number SUNAT may already have. Returns the series raised.
    pub fn raise_correlatives(&self, highest: &BTreeMap<String, u32>) -> StoreResult<usize> {
        let txn = self.db().begin_write()?;
        let mut raised = 0;
        {
            let mut t = txn.open_table(CORRELATIVES)?;
            for (series, &n) in highest {
                let local = t.get(series.as_str())?.map_or(0, |v| v.value());
                if n > local {
                    t.insert(series.as_str(), n)?;
                    raised += 1;
                    log::info!("series {series}: last number {local} raised to {n} (server)");
                }
            }
        }
        txn.commit()?;
        Ok(raised)
    }
}

/// Splits a sealed snapshot into its header and body.
fn parse(bytes: &[u8]) -> Result<(Header, &[u8], &[u8]), BackupError> {
    let rest = bytes
        .strip_prefix(BACKUP_MAGIC.as_slice())
        .ok_or(BackupError::NotABackup("magic"))?;
    if rest.len() < 4 {
        return Err(BackupError::NotABackup("short"));
    }
    let (len, rest) = rest.split_at(4);
    let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
    if len > MAX_HEADER || len > rest.len() {
        return Err(BackupError::NotABackup("header length"));
    }
    let (raw, body) = rest.split_at(len);
    let header: Header =
        serde_json::from_slice(raw).map_err(|_| BackupError::NotABackup("header"))?;
    if header.format != 1 {
        return Err(BackupError::NotABackup("format"));
    }
    Ok((header, raw, body))
}

/// The device id a sealed snapshot belongs to (plain header), without opening it.
pub fn backup_device(bytes: &[u8]) -> StoreResult<Uuid> {
    Ok(parse(bytes)?.0.device_id)
}

/// Writes the store of a sealed snapshot at `path`, opened with the kiosk's escrow key
/// (its `@server` slot), after checking it is `device` and that K opens its settings.
/// Refuses when a store is already there; on any failure nothing is left at `path`.
pub fn restore_snapshot(
    path: &Path,
    bytes: &[u8],
    escrow: &[u8; 32],
    device: Uuid,
) -> StoreResult<()> {
    if bytes.len() > motordesk_core::protocol::MAX_BACKUP_BYTES {
        return Err(BackupError::TooLarge {
            bytes: bytes.len() as u64,
            max: motordesk_core::protocol::MAX_BACKUP_BYTES as u64,
        }
        .into());
    }
    if Store::is_initialized(path)? || path.exists() {
        return Err(BackupError::StoreExists(path.to_path_buf()).into());
    }
    let (header, raw, body) = parse(bytes)?;
    if header.device_id != device {
        return Err(BackupError::OtherDevice {
            expected: device,
            found: header.device_id,
        }
        .into());
    }
    let slot = header
        .key_slots
        .get(SERVER_SLOT)
        .ok_or(BackupError::WrongKey)?;
    let key: [u8; 32] = open_with(escrow, SERVER_SLOT.as_bytes(), &slot.wrapped, "key slot")
        .map_err(|_| BackupError::WrongKey)?
        .try_into()
        .map_err(|_| BackupError::WrongKey)?;
    let plain = open_with(&key, raw, body, "backup").map_err(|_| BackupError::WrongKey)?;
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        files::create_private_dir(dir)?;
    }
    let tmp = creation::creating_path(path);
    let _ = std::fs::remove_file(&tmp);
    let written = (|| -> StoreResult<()> {
        let mut f = files::create_new_private(&tmp)?;
        f.write_all(&plain)?;
        f.sync_all()?;
        drop(f);
        verify(&tmp, &DataKey::from_bytes(key), device)?;
        mark_restored(&tmp)?;
        creation::finish(&tmp, path)
    })();
    if let Err(e) = written {
        creation::abandon(&tmp);
        return Err(e);
    }
    log::info!(
        "restored the store of kiosk {device} (snapshot of {})",
        header.taken_at
    );
    Ok(())
}

/// Marks a restored file (before it is put in place) so its pulls take back the
/// kiosk's own pushes until the feed's end is reached once: what the dead PC pushed
/// after its snapshot is only on the server.
fn mark_restored(path: &Path) -> StoreResult<()> {
    let db = Database::open(path).map_err(|e| creation::open_error(path, e))?;
    let txn = db.begin_write()?;
    txn.open_table(META)?.insert(PULL_OWN, &[1u8][..])?;
    txn.commit()?;
    Ok(())
}

/// The restored file is a redb file of `device` whose settings open with `key`.
fn verify(path: &Path, key: &DataKey, device: Uuid) -> StoreResult<()> {
    let db = Database::open(path).map_err(|e| creation::open_error(path, e))?;
    let r = db.begin_read()?;
    let found = r
        .open_table(META)?
        .get("device_id")?
        .and_then(|v| Uuid::from_slice(v.value()).ok())
        .ok_or(BackupError::NotABackup("device id"))?;
    if found != device {
        return Err(BackupError::OtherDevice {
            expected: device,
            found,
        }
        .into());
    }
    let sealer = Sealer::new(key.clone());
    if let Some(v) = r.open_table(SETTINGS)?.get("shop")? {
        sealer.open("settings", b"shop", v.value())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_is_due_daily_when_asked_and_not_right_after_a_failure() {
        let now = Utc::now();
        let h = chrono::Duration::hours;
        let never = BackupStatus::default();
        assert!(never.due(now), "no backup yet");
        let fresh = BackupStatus {
            last_ok: Some((now - h(23), 1)),
            ..Default::default()
        };
        assert!(!fresh.due(now));
        let old = BackupStatus {
            last_ok: Some((now - h(25), 1)),
            ..Default::default()
        };
        assert!(old.due(now));
        let failed = BackupStatus {
            last_error: Some((now - chrono::Duration::minutes(10), "x".into())),
            ..old.clone()
        };
        assert!(!failed.due(now), "an hour after a failure");
        let asked = BackupStatus {
            requested: Some(now),
            ..failed.clone()
        };
        assert!(asked.due(now), "a shift close asks after the failure");
        let asked_before_failing = BackupStatus {
            requested: Some(now - h(1)),
            ..failed
        };
        assert!(!asked_before_failing.due(now));
        let asked_fresh = BackupStatus {
            requested: Some(now),
            ..fresh
        };
        assert!(asked_fresh.due(now));
    }
}
