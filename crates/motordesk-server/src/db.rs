//! The server's own redb file: devices, records (current version per record), the
//! change feed, applied idempotency keys and the invoice-number registry. A push batch
//! is one write transaction: mutations and their idempotency keys land together.

use crate::device::Device;
use crate::validate;
use blake2::{Blake2s256, Digest};
use chrono::Utc;
use motordesk_core::Hlc;
use motordesk_core::RecordKind;
use motordesk_core::SeriesSet;
use motordesk_core::protocol::*;
use motordesk_core::{DocumentKind, DomainError, Invoice, Stored, check_credit_room, lima_date};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};
use std::path::Path;
use uuid::Uuid;

/// name → u64 counters ("next_kiosk", "change_seq").
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// device id → JSON `Device`.
const DEVICES: TableDefinition<u128, &[u8]> = TableDefinition::new("devices");
/// hex(blake2s(token)) → device id. Tokens themselves are never stored.
const TOKENS: TableDefinition<&str, u128> = TableDefinition::new("tokens");
/// idempotency key → JSON `AppliedKey`.
const APPLIED: TableDefinition<u128, &[u8]> = TableDefinition::new("applied_keys");
/// (kind, record id) → JSON `ServerRecord`: the current version.
const RECORDS: TableDefinition<(u8, u128), &[u8]> = TableDefinition::new("records");
/// change seq → JSON `Change`.
const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("changes");
/// "B001-00000042" → invoice id: each number exists once.
const INVOICE_NUMBERS: TableDefinition<&str, u128> = TableDefinition::new("invoice_numbers");
/// (modified invoice, note) → (): the credit and debit notes of each document.
const NOTES_BY_ORIGINAL: TableDefinition<(u128, u128), ()> =
    TableDefinition::new("notes_by_original");

/// Most kiosks one shop can register: series are `B001`..`B099`.
pub const MAX_KIOSKS: u64 = 99;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct AppliedKey {
    device: Uuid,
    device_seq: u64,
    kind: RecordKind,
    record_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ServerRecord {
    hlc: Hlc,
    origin: Uuid,
    payload: serde_json::Value,
}

/// Why a database operation of the server failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The redb file failed (I/O, corruption, already open by another server, ...).
    #[error("database: {0}")]
    Db(#[source] redb::Error),
    /// The data directory could not be created.
    #[error("database: {0}")]
    Io(#[source] std::io::Error),
    /// A stored row could not be encoded or decoded as JSON.
    #[error("database: {0}")]
    Codec(#[source] serde_json::Error),
    /// A password could not be hashed.
    #[error("database: argon2: {0}")]
    PasswordHash(#[source] argon2::password_hash::Error),
    /// The series of a new kiosk number could not be built.
    #[error("database: {0}")]
    KioskSeries(#[source] motordesk_core::DomainError),
    /// Every kiosk number (and so every series) is taken.
    #[error("no series left: {MAX_KIOSKS} kiosks registered")]
    TooManyKiosks,
    /// The server key could not be read or made, or a sealed value did not open.
    #[error("server key: {0}")]
    Seal(#[source] crate::sealing::SealError),
}

macro_rules! via_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for DbError {
            fn from(e: $t) -> Self {
                DbError::Db(e.into())
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

impl From<redb::Error> for DbError {
    fn from(e: redb::Error) -> Self {
        DbError::Db(e)
    }
}

impl From<std::io::Error> for DbError {
    fn from(e: std::io::Error) -> Self {
        DbError::Io(e)
    }
}

impl From<serde_json::Error> for DbError {
    fn from(e: serde_json::Error) -> Self {
        DbError::Codec(e)
    }
}

pub type DbResult<T> = Result<T, DbError>;

pub struct ServerDb {
    db: Database,
    sealer: crate::sealing::Sealer,
}

pub(crate) fn token_hash(token: &str) -> String {
    Blake2s256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn new_token() -> String {
    use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn next(txn: &WriteTransaction, name: &str) -> DbResult<u64> {
    let mut meta = txn.open_table(META)?;
    let n = meta.get(name)?.map_or(0, |v| v.value()) + 1;
    meta.insert(name, n)?;
    Ok(n)
}

impl ServerDb {
    pub(crate) fn database(&self) -> &Database {
        &self.db
    }

    pub(crate) fn sealer(&self) -> &crate::sealing::Sealer {
        &self.sealer
    }

    /// Opens (or creates) the database at `path` and its key file beside it. A folder it
    /// creates is 0700, the files 0600 (Unix): the data is the shop's customers.
    pub fn open(path: &Path) -> DbResult<ServerDb> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            std::fs::create_dir_all(dir)?;
            crate::files::owner_only(dir)?;
        }
        let db = Database::create(path)?;
        crate::files::owner_only(path)?;
        let sealer = crate::sealing::Sealer::for_database(path).map_err(DbError::Seal)?;
        let txn = db.begin_write()?;
        {
            txn.open_table(META)?;
            txn.open_table(DEVICES)?;
            txn.open_table(TOKENS)?;
            txn.open_table(APPLIED)?;
            txn.open_table(RECORDS)?;
            txn.open_table(CHANGES)?;
            txn.open_table(INVOICE_NUMBERS)?;
            txn.open_table(NOTES_BY_ORIGINAL)?;
            txn.open_table(crate::fiscal::FISCAL)?;
            txn.open_table(crate::fiscal::FISCAL_DUE)?;
            txn.open_table(crate::fiscal::VOIDS_DUE)?;
        }
        txn.commit()?;
        Ok(ServerDb { db, sealer })
    }

    /// Registers a device (or re-registers it: same kiosk number and series, new token,
    /// the old token stops working).
    pub fn register(&self, device_id: Uuid, name: &str) -> DbResult<(Device, String)> {
        let token = new_token();
        let hash = token_hash(&token);
        let txn = self.db.begin_write()?;
        let existing: Option<Device> = {
            let t = txn.open_table(DEVICES)?;
            match t.get(device_id.as_u128())? {
                Some(v) => Some(serde_json::from_slice(v.value())?),
                None => None,
            }
        };
        let device = match existing {
            Some(mut d) => {
                txn.open_table(TOKENS)?.remove(d.token_hash.as_str())?;
                d.token_hash = hash.clone();
                d.name = name.to_string();
                d
            }
            None => {
                let n = next(&txn, "next_kiosk")?;
                if n > MAX_KIOSKS {
                    return Err(DbError::TooManyKiosks);
                }
                let series = SeriesSet::for_kiosk(n as u16).map_err(DbError::KioskSeries)?;
                Device {
                    device_id,
                    kiosk_number: n as u16,
                    series,
                    name: name.to_string(),
                    token_hash: hash.clone(),
                    registered_at: Utc::now(),
                    login_key_hash: None,
                }
            }
        };
        txn.open_table(DEVICES)?
            .insert(device_id.as_u128(), serde_json::to_vec(&device)?.as_slice())?;
        txn.open_table(TOKENS)?
            .insert(hash.as_str(), device_id.as_u128())?;
        txn.commit()?;
        Ok((device, token))
    }

    /// The registered device with this id, if any.
    pub fn device(&self, device_id: Uuid) -> DbResult<Option<Device>> {
        let r = self.db.begin_read()?;
        let t = r.open_table(DEVICES)?;
        let v = t.get(device_id.as_u128())?;
        match v {
            Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
            None => Ok(None),
        }
    }

    /// Stores the hash of the key device `device_id` will show at login.
    pub fn set_login_key(&self, device_id: Uuid, login_key: &str) -> DbResult<()> {
        let txn = self.db.begin_write()?;
        let device: Option<Device> = {
            let t = txn.open_table(DEVICES)?;
            let v = t.get(device_id.as_u128())?;
            match v {
                Some(v) => Some(serde_json::from_slice(v.value())?),
                None => None,
            }
        };
        if let Some(mut d) = device {
            d.login_key_hash = Some(token_hash(login_key));
            txn.open_table(DEVICES)?
                .insert(device_id.as_u128(), serde_json::to_vec(&d)?.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// The device a bearer token belongs to.
    pub fn authenticate(&self, token: &str) -> DbResult<Option<Device>> {
        let r = self.db.begin_read()?;
        let Some(id) = r
            .open_table(TOKENS)?
            .get(token_hash(token).as_str())?
            .map(|v| v.value())
        else {
            return Ok(None);
        };
        match r.open_table(DEVICES)?.get(id)? {
            Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
            None => Ok(None),
        }
    }

    /// Applies a batch in one write transaction and answers per item.
    pub fn apply(&self, device: &Device, mutations: &[Mutation]) -> DbResult<Vec<PushResult>> {
        let txn = self.db.begin_write()?;
        let mut out = Vec::with_capacity(mutations.len());
        for m in mutations {
            let outcome = apply_one(&txn, device, m)?;
            out.push(PushResult {
                idempotency_key: m.idempotency_key,
                device_seq: m.device_seq,
                outcome,
            });
        }
        txn.commit()?;
        Ok(out)
    }

    /// Changes after `cursor` made by other devices, at most `limit`.
    pub fn changes(&self, device: Uuid, cursor: u64, limit: usize) -> DbResult<ChangesResponse> {
        let r = self.db.begin_read()?;
        let t = r.open_table(CHANGES)?;
        let mut changes = Vec::new();
        let mut last = cursor;
        let mut more = false;
        let mut bytes = 0usize;
        for row in t.range(cursor.saturating_add(1)..)? {
            let (k, v) = row?;
            // A page ends at `limit` changes or past MAX_PULL_BYTES (never empty).
            if changes.len() >= limit || (bytes >= MAX_PULL_BYTES && !changes.is_empty()) {
                more = true;
                break;
            }
            last = k.value();
            let c: Change = serde_json::from_slice(v.value())?;
            if c.origin_device != device {
                bytes += v.value().len();
                changes.push(c);
            }
        }
        Ok(ChangesResponse {
            changes,
            cursor: last.to_string(),
            more,
        })
    }

    /// The stored payload of one record (`Stored<T>` JSON as pushed), in `r`.
    pub(crate) fn record_payload(
        &self,
        r: &redb::ReadTransaction,
        kind: RecordKind,
        id: Uuid,
    ) -> DbResult<Option<serde_json::Value>> {
        let t = r.open_table(RECORDS)?;
        let v = t.get((kind.code(), id.as_u128()))?;
        match v {
            Some(v) => Ok(Some(
                serde_json::from_slice::<ServerRecord>(v.value())?.payload,
            )),
            None => Ok(None),
        }
    }

    /// Every invoice the server holds (test endpoint).
    pub fn invoices(&self) -> DbResult<Vec<ServerInvoice>> {
        let r = self.db.begin_read()?;
        let t = r.open_table(RECORDS)?;
        let code = RecordKind::Invoice.code();
        let mut out = Vec::new();
        for row in t.range((code, 0)..=(code, u128::MAX))? {
            let (_, v) = row?;
            let rec: ServerRecord = serde_json::from_slice(v.value())?;
            let data = &rec.payload["data"];
            let inv: motordesk_core::Invoice = serde_json::from_value(data.clone())?;
            out.push(ServerInvoice {
                id: inv.id,
                number: inv.number.to_string(),
                device_id: inv.device_id,
            });
        }
        Ok(out)
    }
}

fn read_record(
    txn: &WriteTransaction,
    kind: RecordKind,
    id: Uuid,
) -> DbResult<Option<ServerRecord>> {
    let t = txn.open_table(RECORDS)?;
    let key = (kind.code(), id.as_u128());
    match t.get(key)? {
        Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
        None => Ok(None),
    }
}

/// Makes `m` the current version of its record and appends it to the change feed; a
/// signed XML is kept for the dispatcher only (no kiosk needs another kiosk's XML).
fn write_current(txn: &WriteTransaction, device: &Device, m: &Mutation) -> DbResult<()> {
    let rec = ServerRecord {
        hlc: m.hlc,
        origin: device.device_id,
        payload: m.payload.clone(),
    };
    let key = (m.kind.code(), m.record_id.as_u128());
    txn.open_table(RECORDS)?
        .insert(key, serde_json::to_vec(&rec)?.as_slice())?;
    // Signed XML (documents, voidings) stays here: kiosks get their states, not the files.
    if !matches!(m.kind, RecordKind::Comprobante | RecordKind::VoidRequest) {
        append_change(
            txn,
            device.device_id,
            m.kind,
            m.record_id,
            m.hlc,
            m.payload.clone(),
        )?;
    }
    Ok(())
}

/// Appends one change to the feed (`origin` nil: made by the server itself).
pub(crate) fn append_change(
    txn: &WriteTransaction,
    origin: Uuid,
    kind: RecordKind,
    record_id: Uuid,
    hlc: Hlc,
    payload: serde_json::Value,
) -> DbResult<()> {
    let seq = next(txn, "change_seq")?;
    let change = Change {
        seq,
        origin_device: origin,
        kind,
        record_id,
        hlc,
        payload,
    };
    txn.open_table(CHANGES)?
        .insert(seq, serde_json::to_vec(&change)?.as_slice())?;
    Ok(())
}

fn remember_key(txn: &WriteTransaction, device: &Device, m: &Mutation) -> DbResult<()> {
    let k = AppliedKey {
        device: device.device_id,
        device_seq: m.device_seq,
        kind: m.kind,
        record_id: m.record_id,
    };
    txn.open_table(APPLIED)?.insert(
        m.idempotency_key.as_u128(),
        serde_json::to_vec(&k)?.as_slice(),
    )?;
    Ok(())
}

/// A note must modify a document this server holds, with the same number, kind and total,
/// issued no later than the note; credit notes never add up to more than the document.
/// Returns the refusal, if any (Spanish: the kiosk shows it in its review queue).
fn check_note(txn: &WriteTransaction, inv: &Invoice) -> DbResult<Option<String>> {
    let Some(m) = &inv.modifies else {
        return Ok(None);
    };
    let Some(orig) = read_record(txn, RecordKind::Invoice, m.invoice_id)? else {
        return Ok(Some(format!(
            "{} {}: el comprobante que modifica ({}) no está en el servidor.",
            inv.kind.short(),
            inv.number,
            m.number
        )));
    };
    let orig: Stored<Invoice> = serde_json::from_value(orig.payload)?;
    let orig = orig.data;
    if orig.number != m.number || orig.kind != m.kind || orig.totals.total != m.total {
        return Ok(Some(format!(
            "{} {}: los datos del comprobante {} no coinciden con los del servidor.",
            inv.kind.short(),
            inv.number,
            m.number
        )));
    }
    if lima_date(orig.issued_at) > lima_date(inv.issued_at) {
        return Ok(Some(
            DomainError::NoteBeforeReference {
                number: m.number.to_string(),
            }
            .mensaje(),
        ));
    }
    let key = m.invoice_id.as_u128();
    let mut credited = Vec::new();
    if inv.kind == DocumentKind::NotaDeCredito {
        let notes = txn.open_table(NOTES_BY_ORIGINAL)?;
        for e in notes.range((key, 0)..=(key, u128::MAX))? {
            let id = Uuid::from_u128(e?.0.value().1);
            if let Some(n) = read_record(txn, RecordKind::Invoice, id)? {
                let n: Stored<Invoice> = serde_json::from_value(n.payload)?;
                if n.data.kind == DocumentKind::NotaDeCredito {
                    credited.push(n.data.totals.total);
                }
            }
        }
        if let Err(e) = check_credit_room(orig.totals.total, &credited, inv.totals.total) {
            return Ok(Some(e.mensaje()));
        }
    }
    Ok(None)
}

fn rejected(reason: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        reason: reason.into(),
    }
}

fn apply_one(txn: &WriteTransaction, device: &Device, m: &Mutation) -> DbResult<Outcome> {
    let seen: Option<AppliedKey> = {
        let t = txn.open_table(APPLIED)?;
        match t.get(m.idempotency_key.as_u128())? {
            Some(v) => Some(serde_json::from_slice(v.value())?),
            None => None,
        }
    };
    if let Some(k) = seen {
        if k.device == device.device_id && k.record_id == m.record_id {
            return Ok(Outcome::Duplicate);
        }
        return Ok(rejected(
            "Clave de idempotencia ya usada por otro registro.",
        ));
    }
    if let Err(reason) = validate::check(device, m) {
        return Ok(rejected(reason));
    }
    let current = read_record(txn, m.kind, m.record_id)?;
    match m.kind {
        RecordKind::Comprobante => {
            if let Some(cur) = current {
                // A signed document never changes: the same bytes again are a duplicate.
                if validate::same_data(m.kind, &cur.payload, &m.payload) {
                    remember_key(txn, device, m)?;
                    return Ok(Outcome::Duplicate);
                }
                return Ok(rejected(
                    "XML firmado ya registrado con otro contenido: un comprobante firmado no se modifica.",
                ));
            }
            let (upload, _) = match validate::comprobante(device, m) {
                Ok(c) => c,
                Err(reason) => return Ok(rejected(reason)),
            };
            crate::fiscal::queue(txn, &upload, Utc::now())?;
        }
        RecordKind::VoidRequest => {
            let upload = match validate::void_request(m) {
                Ok(v) => v,
                Err(reason) => return Ok(rejected(reason)),
            };
            if current.is_some_and(|cur| validate::same_data(m.kind, &cur.payload, &m.payload)) {
                remember_key(txn, device, m)?;
                return Ok(Outcome::Duplicate);
            }
            if let Err(reason) = crate::fiscal::queue_void(txn, &upload, Utc::now())? {
                return Ok(rejected(reason));
            }
        }
        RecordKind::FiscalStatus => {
            return Ok(rejected(
                "Solo el servidor publica el estado SUNAT de un comprobante.",
            ));
        }
        RecordKind::Invoice | RecordKind::Odometer => {
            if let Some(cur) = current {
                // Immutable: the same document again is a duplicate, anything else is
                // an attempt to change an issued document.
                if validate::same_data(m.kind, &cur.payload, &m.payload) {
                    remember_key(txn, device, m)?;
                    return Ok(Outcome::Duplicate);
                }
                return Ok(rejected(format!(
                    "{} ya registrado con otro contenido: un comprobante emitido no se modifica.",
                    m.kind.label()
                )));
            }
            if m.kind == RecordKind::Odometer {
                let vehicle = m.payload["data"]["vehicle_id"]
                    .as_str()
                    .and_then(|s| Uuid::parse_str(s).ok());
                let known = match vehicle {
                    Some(v) => read_record(txn, RecordKind::Vehicle, v)?.is_some(),
                    None => false,
                };
                if !known {
                    return Ok(rejected(
                        "Kilometraje de un vehículo que el servidor no tiene.",
                    ));
                }
            }
            if m.kind == RecordKind::Invoice {
                // `check` passed above, so this only decodes the invoice again.
                let inv = match validate::invoice(device, m) {
                    Ok(inv) => inv,
                    Err(reason) => return Ok(rejected(reason)),
                };
                if let Some(reason) = check_note(txn, &inv)? {
                    return Ok(rejected(reason));
                }
                let number = inv.number.to_string();
                let mut numbers = txn.open_table(INVOICE_NUMBERS)?;
                let taken = numbers.get(number.as_str())?.map(|v| v.value());
                if let Some(other) = taken.filter(|o| *o != inv.id.as_u128()) {
                    return Ok(rejected(format!(
                        "El número {number} ya pertenece a otro comprobante ({}).",
                        Uuid::from_u128(other)
                    )));
                }
                numbers.insert(number.as_str(), inv.id.as_u128())?;
                if let Some(m) = &inv.modifies {
                    txn.open_table(NOTES_BY_ORIGINAL)?
                        .insert((m.invoice_id.as_u128(), inv.id.as_u128()), ())?;
                }
            }
        }
        RecordKind::Customer | RecordKind::Vehicle | RecordKind::Product => {
            if current.is_some_and(|c| c.hlc >= m.hlc) {
                // Last writer wins: an older stamp is accepted but does not replace
                // the newer version (the device gets it on its next pull).
                remember_key(txn, device, m)?;
                return Ok(Outcome::Applied);
            }
        }
    }
    write_current(txn, device, m)?;
    remember_key(txn, device, m)?;
    Ok(Outcome::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motordesk_core::Customer;
    use motordesk_core::IdKind;
    use motordesk_core::{RecordMeta, Stored, SyncStatus};

    fn customer_mutation(device: Uuid, c: &Customer, wall_ms: i64) -> Mutation {
        let hlc = Hlc {
            wall_ms,
            counter: 0,
            device,
        };
        let rec = Stored {
            meta: RecordMeta {
                created_at: Utc::now(),
                modified_at: Utc::now(),
                synced_at: None,
                status: SyncStatus::Pending,
                hlc,
                version: 1,
                account: "caja".into(),
            },
            data: c.clone(),
        };
        Mutation {
            idempotency_key: Uuid::now_v7(),
            device_seq: 1,
            kind: RecordKind::Customer,
            record_id: c.id,
            version: 1,
            hlc,
            payload: serde_json::to_value(rec).unwrap(),
        }
    }

    #[test]
    fn last_writer_wins_and_the_feed_skips_the_asking_device() {
        let dir = tempfile::tempdir().unwrap();
        let db = ServerDb::open(&dir.path().join("s.redb")).unwrap();
        let (a, _) = db.register(Uuid::now_v7(), "a").unwrap();
        let (b, _) = db.register(Uuid::now_v7(), "b").unwrap();
        assert_eq!((a.kiosk_number, b.kiosk_number), (1, 2));
        let c = Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Ana", "", "", "").unwrap();
        let newer = customer_mutation(
            a.device_id,
            &Customer {
                phone: "1".into(),
                ..c.clone()
            },
            2_000,
        );
        let older = customer_mutation(
            b.device_id,
            &Customer {
                phone: "2".into(),
                ..c.clone()
            },
            1_000,
        );
        assert_eq!(
            db.apply(&a, std::slice::from_ref(&newer)).unwrap()[0].outcome,
            Outcome::Applied
        );
        assert_eq!(
            db.apply(&b, std::slice::from_ref(&older)).unwrap()[0].outcome,
            Outcome::Applied
        );
        assert_eq!(
            db.apply(&b, &[older]).unwrap()[0].outcome,
            Outcome::Duplicate
        );

        // B sees A's (winning) version; A sees nothing, since B's older stamp lost.
        let for_b = db.changes(b.device_id, 0, 10).unwrap();
        assert_eq!(for_b.changes.len(), 1);
        assert_eq!(for_b.changes[0].payload["data"]["phone"], "1");
        assert!(db.changes(a.device_id, 0, 10).unwrap().changes.is_empty());
        let after = db
            .changes(b.device_id, for_b.cursor.parse().unwrap(), 10)
            .unwrap();
        assert!(after.changes.is_empty() && !after.more);
    }

    #[test]
    fn a_pull_page_stops_growing_past_its_byte_budget() {
        let dir = tempfile::tempdir().unwrap();
        let db = ServerDb::open(&dir.path().join("s.redb")).unwrap();
        let (a, _) = db.register(Uuid::now_v7(), "a").unwrap();
        let (b, _) = db.register(Uuid::now_v7(), "b").unwrap();
        let big = serde_json::json!({ "blob": "x".repeat(1024 * 1024) });
        let txn = db.db.begin_write().unwrap();
        for _ in 0..10 {
            let hlc = Hlc {
                wall_ms: 1,
                counter: 0,
                device: a.device_id,
            };
            append_change(
                &txn,
                a.device_id,
                RecordKind::Customer,
                Uuid::now_v7(),
                hlc,
                big.clone(),
            )
            .unwrap();
        }
        txn.commit().unwrap();
        let page = db.changes(b.device_id, 0, 1_000).unwrap();
        assert!(page.more);
        assert_eq!(page.changes.len(), MAX_PULL_BYTES / (1024 * 1024));
        // Never an empty page, however big one change is.
        let tiny_budget = db
            .changes(b.device_id, page.cursor.parse().unwrap(), 1)
            .unwrap();
        assert_eq!(tiny_budget.changes.len(), 1);
    }

    #[test]
    fn re_registering_keeps_the_series_and_revokes_the_old_token() {
        let dir = tempfile::tempdir().unwrap();
        let db = ServerDb::open(&dir.path().join("s.redb")).unwrap();
        let id = Uuid::now_v7();
        let (first, old_token) = db.register(id, "caja").unwrap();
        let (again, new_token) = db.register(id, "caja").unwrap();
        assert_eq!(first.series, again.series);
        assert!(db.authenticate(&old_token).unwrap().is_none());
        assert_eq!(db.authenticate(&new_token).unwrap().unwrap().device_id, id);
    }

    #[test]
    fn a_database_failure_keeps_its_cause() {
        use std::error::Error as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.redb");
        let _held = ServerDb::open(&path).unwrap();
        let Err(e) = ServerDb::open(&path) else {
            panic!("a second server opened a held database");
        };
        assert!(matches!(
            e.source().and_then(|c| c.downcast_ref::<redb::Error>()),
            Some(redb::Error::DatabaseAlreadyOpen)
        ));
        assert!(e.to_string().starts_with("database: "), "{e}");

        let e = DbError::from(serde_json::from_slice::<Device>(b"[").unwrap_err());
        assert!(matches!(e, DbError::Codec(_)));
        assert!(
            e.source()
                .is_some_and(|c| c.downcast_ref::<serde_json::Error>().is_some())
        );
    }
}
