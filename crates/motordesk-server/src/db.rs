//! The server's own redb file: devices, records (current version per record), the
//! change feed, applied idempotency keys and the invoice-number registry. A push batch
//! is one write transaction: mutations and their idempotency keys land together.

use crate::device::Device;
use crate::shops::{Shop, ShopId};
use crate::storage::{AppliedKey, Backend, NewChange, ServerRecord, Txn};
use crate::validate;
use blake2::{Blake2s256, Digest};
use chrono::Utc;
use motordesk_core::RecordKind;
use motordesk_core::SeriesSet;
use motordesk_core::protocol::*;
use motordesk_core::{DocumentKind, DomainError, Invoice, Stored, check_credit_room, lima_date};
use redb::Database;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// Most kiosks one shop can register: series are `B001`..`B099`.
pub const MAX_KIOSKS: u64 = 99;

/// Why a database operation of the server failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The redb file failed (I/O, corruption, already open by another server, ...).
    #[error("database: {0}")]
    Db(#[source] redb::Error),
    /// PostgreSQL refused or failed a statement, or the connection broke.
    #[error("database: postgres: {0}")]
    Postgres(#[source] postgres::Error),
    /// No PostgreSQL connection could be had from the pool in time.
    #[error("database: connection pool: {0}")]
    Pool(#[source] r2d2::Error),
    /// The `--database` URL could not be understood.
    #[error("database: bad PostgreSQL URL: {0}")]
    BadUrl(String),
    /// A schema migration failed (nothing of it was applied).
    #[error("database: migration {version:04} failed: {source}")]
    Migration {
        version: i32,
        #[source]
        source: postgres::Error,
    },
    /// The database was migrated by a newer server than this one.
    #[error("database: schema version {database} is newer than this server's ({binary})")]
    SchemaTooNew { database: i32, binary: i32 },
    /// A write was attempted in a read transaction (a bug in the server).
    #[error("database: write in a read-only transaction")]
    ReadOnly,
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
    /// A credential or command named a shop that is not registered.
    #[error("no shop {0} on this server")]
    NoSuchShop(crate::shops::ShopId),
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

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        DbError::Postgres(e)
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

/// One shop's data, in redb or PostgreSQL, and the key that seals escrow keys. The
/// default shop's also holds the registry of the others (`shops`).
pub struct ServerDb {
    backend: Backend,
    sealer: crate::sealing::Sealer,
    /// Which shop this is: its tokens carry it, and a token of another shop is unknown here.
    shop_id: ShopId,
    /// A registered shop's RUC: the only RUC its signed documents may be in.
    ruc: Option<String>,
    /// The redb file (tenant stores go under its folder); `None` on PostgreSQL.
    path: Option<PathBuf>,
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

impl ServerDb {
    pub(crate) fn sealer(&self) -> &crate::sealing::Sealer {
        &self.sealer
    }

    /// Which shop's store this is (0: the default shop).
    pub fn shop_id(&self) -> ShopId {
        self.shop_id
    }

    /// Opens (creating when new) the store of a registered shop: a redb file under
    /// `shops/<id>/` beside this one, or the schema `shop_<id>` of this PostgreSQL
    /// database (migrated), sharing this one's pool and server key.
    pub(crate) fn open_shop(&self, shop: &Shop) -> DbResult<ServerDb> {
        let mut db = match (&self.backend, &self.path) {
            (Backend::Postgres(pg), _) => ServerDb {
                backend: Backend::Postgres(pg.for_shop(shop.id)?),
                sealer: self.sealer.clone(),
                shop_id: shop.id,
                ruc: None,
                path: None,
            },
            (Backend::Redb(_), Some(path)) => {
                let dir = path
                    .parent()
                    .unwrap_or(Path::new("."))
                    .join(crate::shops::SHOPS_DIR);
                if !dir.exists() {
                    std::fs::create_dir_all(&dir)?;
                    crate::files::owner_only(&dir)?;
                }
                ServerDb::open(&dir.join(shop.id.to_string()).join("server.redb"))?
            }
            (Backend::Redb(_), None) => return Err(DbError::NoSuchShop(shop.id)),
        };
        db.shop_id = shop.id;
        db.ruc = Some(shop.ruc.clone());
        Ok(db)
    }

    /// The redb database, when this store is one (`snapshot`).
    pub(crate) fn redb(&self) -> Option<&redb::Database> {
        match &self.backend {
            Backend::Redb(db) => Some(db),
            Backend::Postgres(_) => None,
        }
    }

    pub(crate) fn pg(&self) -> Option<&crate::pg::Pg> {
        match &self.backend {
            Backend::Postgres(pg) => Some(pg),
            Backend::Redb(_) => None,
        }
    }

    /// Whether several server instances may share this database (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Runs `f` in one write transaction, committed when it returns `Ok`. On PostgreSQL
    /// `f` may run more than once (a lost race runs it again): no effects outside it.
    pub(crate) fn write<T>(&self, mut f: impl FnMut(&mut dyn Txn) -> DbResult<T>) -> DbResult<T> {
        match &self.backend {
            Backend::Redb(db) => {
                let mut t = crate::redb_store::RedbTxn::write(db)?;
                let v = f(&mut t)?;
                t.finish()?;
                Ok(v)
            }
            Backend::Postgres(pg) => pg.write(f),
        }
    }

    /// Runs `f` on a consistent snapshot.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&mut dyn Txn) -> DbResult<T>) -> DbResult<T> {
        match &self.backend {
            Backend::Redb(db) => {
                let mut t = crate::redb_store::RedbTxn::read(db)?;
                f(&mut t)
            }
            Backend::Postgres(pg) => pg.read(f),
        }
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
        crate::redb_store::create_tables(&db)?;
        Ok(ServerDb {
            backend: Backend::Redb(db),
            sealer,
            shop_id: ShopId::DEFAULT,
            ruc: None,
            path: Some(path.to_path_buf()),
        })
    }

    /// Connects to PostgreSQL at `url` and brings its schema up to date; the server key
    /// is `key_file` (made when missing). Every instance sharing the database must be
    /// given a copy of the same key file.
    pub fn open_postgres(url: &str, key_file: &Path) -> DbResult<ServerDb> {
        if let Some(dir) = key_file.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            std::fs::create_dir_all(dir)?;
            crate::files::owner_only(dir)?;
        }
        let sealer = crate::sealing::Sealer::from_key_file(key_file).map_err(DbError::Seal)?;
        Ok(ServerDb {
            backend: Backend::Postgres(crate::pg::Pg::connect(url)?),
            sealer,
            shop_id: ShopId::DEFAULT,
            ruc: None,
            path: None,
        })
    }

    /// Registers a device (or re-registers it: same kiosk number and series, new token,
    /// the old token stops working).
    pub fn register(&self, device_id: Uuid, name: &str) -> DbResult<(Device, String)> {
        self.register_inner(device_id, name, None)
    }

    /// Registers a new device with the kiosk number the registry gave it (a tenant shop:
    /// numbers are chain-wide), or re-registers it keeping its own.
    pub(crate) fn register_numbered(
        &self,
        device_id: Uuid,
        name: &str,
        number: u64,
    ) -> DbResult<(Device, String)> {
        self.register_inner(device_id, name, Some(number))
    }

    fn register_inner(
        &self,
        device_id: Uuid,
        name: &str,
        number: Option<u64>,
    ) -> DbResult<(Device, String)> {
        let token = self.shop_id.tag(new_token());
        let hash = token_hash(&token);
        let device = self.write(|t| {
            let (device, old) = match t.device(device_id)? {
                Some(mut d) => {
                    let old = std::mem::replace(&mut d.token_hash, hash.clone());
                    d.name = name.to_string();
                    (d, Some(old))
                }
                None => {
                    let n = match number {
                        Some(n) => n,
                        None => t.next_kiosk_number(ShopId::DEFAULT, device_id)?,
                    };
                    if n > MAX_KIOSKS {
                        return Err(DbError::TooManyKiosks);
                    }
                    let series = SeriesSet::for_kiosk(n as u16).map_err(DbError::KioskSeries)?;
                    let d = Device {
                        device_id,
                        kiosk_number: n as u16,
                        series,
                        name: name.to_string(),
                        token_hash: hash.clone(),
                        registered_at: Utc::now(),
                        login_key_hash: None,
                    };
                    (d, None)
                }
            };
            t.put_device(&device, old.as_deref())?;
            Ok(device)
        })?;
        Ok((device, token))
    }

    /// The registered device with this id, if any.
    pub fn device(&self, device_id: Uuid) -> DbResult<Option<Device>> {
        self.read(|t| t.device(device_id))
    }

    /// Stores the hash of the key device `device_id` will show at login.
    pub fn set_login_key(&self, device_id: Uuid, login_key: &str) -> DbResult<()> {
        self.write(|t| {
            if let Some(mut d) = t.device(device_id)? {
                d.login_key_hash = Some(token_hash(login_key));
                t.put_device(&d, None)?;
            }
            Ok(())
        })
    }

    /// The device a bearer token belongs to.
    pub fn authenticate(&self, token: &str) -> DbResult<Option<Device>> {
        if ShopId::of_token(token) != Some(self.shop_id) {
            return Ok(None);
        }
        let hash = token_hash(token);
        self.read(|t| t.device_by_token(&hash))
    }

    /// Applies a batch in one write transaction and answers per item.
    pub fn apply(&self, device: &Device, mutations: &[Mutation]) -> DbResult<Vec<PushResult>> {
        self.write(|t| {
            let mut out = Vec::with_capacity(mutations.len());
            for m in mutations {
                let outcome = apply_one(t, device, self.ruc.as_deref(), m)?;
                out.push(PushResult {
                    idempotency_key: m.idempotency_key,
                    device_seq: m.device_seq,
                    outcome,
                });
            }
            Ok(out)
        })
    }

    /// Changes after `cursor` made by other devices, at most `limit`.
    pub fn changes(&self, device: Uuid, cursor: u64, limit: usize) -> DbResult<ChangesResponse> {
        let page = self.read(|t| t.feed_page(device, cursor, limit, MAX_PULL_BYTES))?;
        Ok(ChangesResponse {
            changes: page.changes,
            cursor: page.last.to_string(),
            more: page.more,
        })
    }

    /// Every invoice the server holds (test endpoint).
    pub fn invoices(&self) -> DbResult<Vec<ServerInvoice>> {
        let records = self.read(|t| t.records_of(RecordKind::Invoice))?;
        let mut out = Vec::with_capacity(records.len());
        for rec in records {
            let inv: motordesk_core::Invoice = serde_json::from_value(rec.payload["data"].clone())?;
            out.push(ServerInvoice {
                id: inv.id,
                number: inv.number.to_string(),
                device_id: inv.device_id,
            });
        }
        Ok(out)
    }
}

/// Makes `m` the current version of its record and appends it to the change feed; a
/// signed XML is kept for the dispatcher only (no kiosk needs another kiosk's XML).
fn write_current(t: &mut dyn Txn, device: &Device, m: &Mutation, new: bool) -> DbResult<()> {
    let rec = ServerRecord {
        hlc: m.hlc,
        origin: device.device_id,
        payload: m.payload.clone(),
    };
    t.put_record(m.kind, m.record_id, &rec, new)?;
    // Signed XML (documents, voidings) stays here: kiosks get their states, not the files.
    if !matches!(m.kind, RecordKind::Comprobante | RecordKind::VoidRequest) {
        t.append_change(NewChange {
            origin: device.device_id,
            kind: m.kind,
            record_id: m.record_id,
            hlc: m.hlc,
            payload: m.payload.clone(),
        })?;
    }
    Ok(())
}

fn remember_key(t: &mut dyn Txn, device: &Device, m: &Mutation) -> DbResult<()> {
    let k = AppliedKey {
        device: device.device_id,
        device_seq: m.device_seq,
        kind: m.kind,
        record_id: m.record_id,
    };
    t.remember(m.idempotency_key, &k)
}

/// A note must modify a document this server holds, with the same number, kind and total,
/// issued no later than the note; credit notes never add up to more than the document.
/// Returns the refusal, if any (Spanish: the kiosk shows it in its review queue).
fn check_note(t: &mut dyn Txn, inv: &Invoice) -> DbResult<Option<String>> {
    let Some(m) = &inv.modifies else {
        return Ok(None);
    };
    // Read (and on PostgreSQL locked) first: two notes of one document wait in turn.
    let Some(orig) = t.record(RecordKind::Invoice, m.invoice_id)? else {
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
    let mut credited = Vec::new();
    if inv.kind == DocumentKind::NotaDeCredito {
        for id in t.notes_of(m.invoice_id)? {
            if let Some(n) = t.record(RecordKind::Invoice, id)? {
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

/// A shop of the chain sends SUNAT documents of its own RUC only: the dispatcher signs
/// in with that RUC's Clave SOL, and a kiosk must not file in another shop's name.
fn other_ruc(ruc: Option<&str>, file_name: &str) -> Option<String> {
    let ruc = ruc?;
    (file_name.get(..11) != Some(ruc))
        .then(|| format!("El documento {file_name} no es del RUC de esta tienda ({ruc})."))
}

fn rejected(reason: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        reason: reason.into(),
    }
}

fn apply_one(
    t: &mut dyn Txn,
    device: &Device,
    ruc: Option<&str>,
    m: &Mutation,
) -> DbResult<Outcome> {
    if let Some(k) = t.applied(m.idempotency_key)? {
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
    let current = t.record(m.kind, m.record_id)?;
    let new = current.is_none();
    match m.kind {
        RecordKind::Comprobante => {
            if let Some(cur) = current {
                // A signed document never changes: the same bytes again are a duplicate.
                if validate::same_data(m.kind, &cur.payload, &m.payload) {
                    remember_key(t, device, m)?;
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
            if let Some(reason) = other_ruc(ruc, &upload.file_name) {
                return Ok(rejected(reason));
            }
            crate::fiscal::queue(t, &upload, Utc::now())?;
        }
        RecordKind::VoidRequest => {
            let upload = match validate::void_request(m) {
                Ok(v) => v,
                Err(reason) => return Ok(rejected(reason)),
            };
            if let Some(reason) = other_ruc(ruc, &upload.file_name) {
                return Ok(rejected(reason));
            }
            if current.is_some_and(|cur| validate::same_data(m.kind, &cur.payload, &m.payload)) {
                remember_key(t, device, m)?;
                return Ok(Outcome::Duplicate);
            }
            if let Err(reason) = crate::fiscal::queue_void(t, &upload, Utc::now())? {
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
                    remember_key(t, device, m)?;
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
                    Some(v) => t.record(RecordKind::Vehicle, v)?.is_some(),
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
                if let Some(reason) = check_note(t, &inv)? {
                    return Ok(rejected(reason));
                }
                let number = inv.number.to_string();
                let taken = t.number_owner(&number)?;
                if let Some(other) = taken.filter(|o| *o != inv.id) {
                    return Ok(rejected(format!(
                        "El número {number} ya pertenece a otro comprobante ({other})."
                    )));
                }
                if taken.is_none() {
                    t.put_number(
                        &number,
                        &inv.number.series.to_string(),
                        device.device_id,
                        inv.id,
                    )?;
                }
                if let Some(m) = &inv.modifies {
                    t.put_note(m.invoice_id, inv.id)?;
                }
            }
        }
        RecordKind::Customer | RecordKind::Vehicle | RecordKind::Product => {
            if current.is_some_and(|c| c.hlc >= m.hlc) {
                // Last writer wins: an older stamp is accepted but does not replace
                // the newer version (the device gets it on its next pull).
                remember_key(t, device, m)?;
                return Ok(Outcome::Applied);
            }
        }
    }
    write_current(t, device, m, new)?;
    remember_key(t, device, m)?;
    Ok(Outcome::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motordesk_core::Customer;
    use motordesk_core::Hlc;
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
        db.write(|t| {
            for _ in 0..10 {
                let hlc = Hlc {
                    wall_ms: 1,
                    counter: 0,
                    device: a.device_id,
                };
                t.append_change(NewChange {
                    origin: a.device_id,
                    kind: RecordKind::Customer,
                    record_id: Uuid::now_v7(),
                    hlc,
                    payload: big.clone(),
                })?;
            }
            Ok(())
        })
        .unwrap();
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
