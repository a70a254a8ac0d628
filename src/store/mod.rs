//! The local store: one redb file, the single source of truth. Every save writes the
//! record and its outbox entry in one write transaction; every value is sealed. After an
//! I/O failure (a full disk) the store reopens its file by itself (`reopen`).

mod approval;
mod archive;
mod backup;
mod codec;
mod comprobante;
mod creation;
mod credits;
mod customer_history;
mod dashboard;
mod document_list;
mod error;
mod files;
mod fiscal;
mod fleet;
mod keyslots;
mod merge;
mod migrate;
mod outbox;
mod parked;
mod queries;
mod reminders;
mod reopen;
mod screen_prefs;
mod seal;
mod sealed_file;
mod search;
mod server_slot;
mod settings;
mod shift;
mod shop;
mod storage;
mod tables;
mod throttle;

pub use approval::{
    Approval, ApprovalAction, ApprovalRecord, ApprovalRefusal, ApprovalRequest, GRANT_SECS,
    PIN_MAX, PIN_MIN,
};
pub use archive::{
    ARCHIVE_DIR, ARCHIVE_MONTHS, ArchiveError, ArchiveFileError, ArchiveOverview, ArchiveReport,
    ArchiveStop, ArchivedDocument, MAX_PER_RUN, RefusedArchive,
};
pub use backup::{
    BACKUP_EVERY, BACKUP_MAGIC, BackupError, BackupStatus, Snapshot, backup_device,
    restore_snapshot,
};
pub use comprobante::CertificateInfo;
pub use customer_history::{CustomerHistory, HISTORY_PAGE};
pub use dashboard::{RecentSales, RefreshCount};
pub use document_list::{DOCUMENT_PAGE, DocumentPage};
pub use error::{Damage, StoreError, StoreResult};
pub use files::create_private_dir;
pub(crate) use files::{sync_dir, write_private};
pub use fiscal::{
    AwaitingDocument, AwaitingSummary, DocumentToSend, FiscalRecord, MAX_VOID_REASON, SunatOutcome,
    VoidRecord, VoidRefusal, VoidStatus,
};
pub use fleet::{FLEET_PAGE, FleetPage, FleetRow};
pub use merge::{Conflict, Resolution, Side};
pub use migrate::{MigrationStep, SCHEMA_VERSION, run_migrations, schema_version};
pub use outbox::{OutboxEntry, OutboxReads, PushPayload, SyncCounts};
pub use parked::{MAX_PARKED, ParkError, ParkedTicket};
pub use queries::InvoiceSummary;
pub use reminders::ReminderRow;
#[doc(hidden)]
pub use reopen::BackendWrap;
#[doc(hidden)]
pub use reopen::set_quick_repair;
#[doc(hidden)]
pub use reopen::{CACHE_BYTES_DEFAULT, set_cache_bytes};
pub use screen_prefs::{SCREEN_PREFS_FILE, ScreenPrefs, ScreenTheme};
pub use sealed_file::SEALED_FILE_TAG;
pub use search::{MAX_QUERY, SearchStats, Shelf};
pub use settings::{Issuer, Paper, SUNAT_TEST_RUC, ShopSettings};
pub use shift::{ShiftClose, ShiftReport};
pub use storage::{
    CRITICAL_FREE, Compaction, DiskLevel, DiskSpace, StorageInfo, WARN_FREE, disk_level,
    disk_space, file_and_disk,
};

use chrono::{DateTime, Utc};
use keyslots::KeySlot;
use motordesk_core::Hlc;
use motordesk_core::{Record, RecordKind, RecordMeta, Stored, SyncStatus};
use motordesk_core::{Role, User};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};
use reopen::Slot;
use seal::{DataKey, Sealer};
use search::SearchHandle;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tables::*;
use uuid::Uuid;

/// The file name inside the data dir.
pub const DB_FILE: &str = "motordesk.redb";

pub struct Store {
    /// Shared with the search index's build thread (as a `Weak`).
    db: Arc<Slot>,
    sealer: Sealer,
    /// In memory only; see `search`. Dropping it stops a running build from holding the
    /// file, so a dropped store is closed at once.
    search: SearchHandle,
    /// The archive files' indexes, read once per unlock (`archive`).
    archives: Arc<archive::Archives>,
    /// The shop settings as last read (every sale needs them), and a generation bumped by
    /// each save so a read racing a save never caches the old value.
    settings_cache: std::sync::Mutex<(u64, Option<ShopSettings>)>,
    /// Product id → its change interval (km), for the service counter of each sale;
    /// emptied by any product write, committed or not.
    product_intervals: std::sync::Mutex<std::collections::HashMap<Uuid, Option<u32>>>,
    /// Document list rows opened (decrypted) so far: the list's growth is tested by it.
    summaries_opened: std::sync::atomic::AtomicU64,
    device_id: Uuid,
    account: String,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("device_id", &self.device_id)
            .field("account", &self.account)
            .finish()
    }
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Lays a record's plain sync row (`record_sync`) over its sealed meta, when the row is
/// about the version the record has.
pub(crate) fn with_sync<T: Record>(
    sync: &impl ReadableTable<(u8, u128), (u8, u64, i64)>,
    rec: &mut Stored<T>,
) -> StoreResult<()> {
    if let Some(row) = sync.get((T::KIND.code(), rec.data.id().as_u128()))? {
        let (status, version, synced) = row.value();
        if version == rec.meta.version {
            rec.meta.status =
                outbox::status_from(status).ok_or(StoreError::Tampered("record_sync"))?;
            if let Some(at) = outbox::instant(synced) {
                rec.meta.synced_at = Some(at);
            }
        }
    }
    Ok(())
}

/// Opens an existing store file; one redb cannot read is `Damaged`, never re-created.
fn open_db(path: &Path, wrap: Option<BackendWrap>) -> StoreResult<Slot> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        files::create_private_dir(dir)?;
    }
    Slot::open(path, wrap)
}

impl Store {
    /// Whether a store with at least one account exists at `path`. Cleans up after a
    /// creation that was interrupted (see `creation`); `Damaged` when the file there
    /// cannot be used and may hold data.
    pub fn is_initialized(path: &Path) -> StoreResult<bool> {
        creation::settle(path)
    }

    /// Creates a new store with its first (administrator) account. Built under
    /// `<path>.creating` and renamed into place, so a crash never leaves a half store.
    pub fn create(
        path: &Path,
        admin: &str,
        password: &str,
        display_name: &str,
    ) -> StoreResult<Store> {
        if creation::settle(path)? {
            return Err(StoreError::UserExists(admin.to_string()));
        }
        let (tmp, db) = creation::begin(path)?;
        let built = Store::build(db, &tmp, admin, password, display_name);
        let Store {
            db,
            sealer,
            device_id,
            account,
            ..
        } = match built {
            Ok(store) => store,
            Err(e) => {
                creation::abandon(&tmp);
                return Err(e);
            }
        };
        drop(db);
        if let Err(e) = creation::finish(&tmp, path) {
            creation::abandon(&tmp);
            return Err(e);
        }
        let store = Store {
            db: Arc::new(open_db(path, None)?),
            sealer,
            search: SearchHandle::new(),
            archives: Default::default(),
            settings_cache: Default::default(),
            product_intervals: Default::default(),
            summaries_opened: Default::default(),
            device_id,
            account,
            path: path.to_path_buf(),
        };
        store.start_search_index();
        Ok(store)
    }

    /// Writes a new store's first account, its user and settings into `db` (the file
    /// being created).
    fn build(
        db: Database,
        path: &Path,
        admin: &str,
        password: &str,
        display_name: &str,
    ) -> StoreResult<Store> {
        let key = DataKey::generate();
        let slot = KeySlot::wrap(admin, password, &key)?;
        let device_id = Uuid::now_v7();
        let txn = db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert("schema_version", SCHEMA_VERSION.to_be_bytes().as_slice())?;
            meta.insert("device_id", device_id.as_bytes().as_slice())?;
            let mut slots = txn.open_table(KEY_SLOTS)?;
            slots.insert(admin, serde_json::to_vec(&slot)?.as_slice())?;
        }
        txn.commit()?;
        let store = Store {
            db: Arc::new(Slot::fixed(db, path)),
            sealer: Sealer::new(key),
            search: SearchHandle::new(),
            archives: Default::default(),
            settings_cache: Default::default(),
            product_intervals: Default::default(),
            summaries_opened: Default::default(),
            device_id,
            account: admin.to_string(),
            path: path.to_path_buf(),
        };
        store.init_tables()?;
        store.put_user(&User {
            username: admin.to_string(),
            display_name: display_name.to_string(),
            role: Role::Administrador,
            active: true,
            created_at: now(),
        })?;
        store.save_settings(&ShopSettings::default())?;
        Ok(store)
    }

    /// Opens the store as `username`: unwraps the data key from that user's key slot.
    /// While failed attempts require a wait (`throttle`), refuses at once with
    /// `TooManyAttempts` without looking at the password.
    pub fn unlock(path: &Path, username: &str, password: &str) -> StoreResult<Store> {
        Store::unlock_through(path, username, password, None)
    }

    /// `unlock`, with the store file reached through `wrap(its FileBackend)`: a seam for
    /// tests that inject I/O failures (a full disk). The kiosk never calls it.
    #[doc(hidden)]
    pub fn unlock_via(
        path: &Path,
        username: &str,
        password: &str,
        wrap: BackendWrap,
    ) -> StoreResult<Store> {
        Store::unlock_through(path, username, password, Some(wrap))
    }

    fn unlock_through(
        path: &Path,
        username: &str,
        password: &str,
        wrap: Option<BackendWrap>,
    ) -> StoreResult<Store> {
        if !path.exists() || username.starts_with('@') {
            return Err(StoreError::UnknownUser(username.to_string()));
        }
        let file = open_db(path, wrap)?;
        let db = file.get().get()?;
        throttle::check(&db, username, throttle::now_ms())?;
        let (slot, device_id) = {
            let r = db.begin_read()?;
            let found = match r.open_table(KEY_SLOTS) {
                Ok(slots) => slots.get(username)?.map(|v| v.value().to_vec()),
                Err(redb::TableError::TableDoesNotExist(_)) => None,
                Err(e) => return Err(e.into()),
            };
            let slot: KeySlot = match found {
                Some(v) => {
                    serde_json::from_slice(&v).map_err(|_| StoreError::Tampered("key slot"))?
                }
                None => {
                    throttle::record_failure(&db, None, throttle::now_ms())?;
                    return Err(StoreError::UnknownUser(username.to_string()));
                }
            };
            let meta = r.open_table(META)?;
            let device = meta
                .get("device_id")?
                .and_then(|v| Uuid::from_slice(v.value()).ok())
                .ok_or(StoreError::Tampered("device id"))?;
            (slot, device)
        };
        let key = match slot.unwrap(username, password) {
            Err(StoreError::WrongPassword) => {
                throttle::record_failure(&db, Some(username), throttle::now_ms())?;
                return Err(StoreError::WrongPassword);
            }
            other => other?,
        };
        drop(db);
        let store = Store::from_parts(file, key, device_id, username, path);
        migrate::run(&store)?;
        store.init_tables()?;
        if let Some(u) = store.user(username)?
            && !u.active
        {
            return Err(StoreError::WrongPassword);
        }
        let db = store.db().get()?;
        throttle::clear(&db, username)?;
        drop(db);
        store.start_search_index();
        Ok(store)
    }

    /// Seconds before `username` may try a password at `path` (0: now). Read without
    /// logging in, for the login screen.
    pub fn login_wait_at(path: &Path, username: &str) -> StoreResult<u64> {
        if !path.exists() {
            return Ok(0);
        }
        let db = open_db(path, None)?.get().get()?;
        throttle::remaining(&db, username, throttle::now_ms())
    }

    fn from_parts(db: Slot, key: DataKey, device_id: Uuid, account: &str, path: &Path) -> Store {
        Store {
            db: Arc::new(db),
            sealer: Sealer::new(key),
            search: SearchHandle::new(),
            archives: Default::default(),
            settings_cache: Default::default(),
            product_intervals: Default::default(),
            summaries_opened: Default::default(),
            device_id,
            account: account.to_string(),
            path: path.to_path_buf(),
        }
    }

    /// Opens with an already unwrapped data key (the server key slot path).
    pub(crate) fn open_with_key(path: &Path, key: DataKey, account: &str) -> StoreResult<Store> {
        let db = open_db(path, None)?;
        let device_id = {
            let r = db.get().begin_read()?;
            let meta = r.open_table(META)?;
            meta.get("device_id")?
                .and_then(|v| Uuid::from_slice(v.value()).ok())
                .ok_or(StoreError::Tampered("device id"))?
        };
        let store = Store::from_parts(db, key, device_id, account, path);
        migrate::run(&store)?;
        store.init_tables()?;
        // The server vouched for this password: the local count starts again.
        let db = store.db().get()?;
        throttle::clear(&db, account)?;
        drop(db);
        store.start_search_index();
        Ok(store)
    }

    /// Creates every table so read transactions never meet a missing one.
    fn init_tables(&self) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        {
            txn.open_table(META)?;
            txn.open_table(KEY_SLOTS)?;
            txn.open_table(LOGIN_FAILURES)?;
            txn.open_table(USERS)?;
            txn.open_table(SETTINGS)?;
            for kind in RecordKind::ALL {
                txn.open_table(records(kind))?;
            }
            txn.open_table(INVOICE_SUMMARIES)?;
            txn.open_table(OUTBOX)?;
            txn.open_table(OUTBOX_BY_STATUS)?;
            txn.open_table(OUTBOX_STATE)?;
            txn.open_table(RECORD_SYNC)?;
            txn.open_table(OUTBOX_BY_RECORD)?;
            txn.open_table(CUSTOMER_BY_DOC)?;
            txn.open_table(VEHICLE_BY_PLATE)?;
            txn.open_table(INVOICE_BY_NUMBER)?;
            txn.open_table(INVOICES_BY_CUSTOMER)?;
            txn.open_table(INVOICES_BY_VEHICLE)?;
            txn.open_table(ODOMETER_BY_VEHICLE)?;
            txn.open_table(VEHICLES_BY_OWNER)?;
            txn.open_table(CORRELATIVES)?;
            txn.open_table(CONFLICTS)?;
            txn.open_table(INVOICE_XML)?;
            txn.open_table(UNSIGNED_XML)?;
            txn.open_table(SECRETS)?;
            txn.open_table(NOTES_BY_ORIGINAL)?;
            txn.open_table(FISCAL_STATE)?;
            txn.open_table(FISCAL_SETTLED)?;
            txn.open_table(SUMMARY_CORRELATIVES)?;
            txn.open_table(VOIDS_PENDING)?;
            txn.open_table(parked::PARKED)?;
        }
        txn.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn device_id(&self) -> Uuid {
        self.device_id
    }
    /// The logged-in account.
    pub fn account(&self) -> &str {
        &self.account
    }
    /// The open database, reopened first when an I/O error failed the last one.
    pub(crate) fn db(&self) -> reopen::Db {
        self.db.get()
    }
    /// How many times this store reopened its file after an I/O failure.
    pub fn reopens(&self) -> u64 {
        self.db.reopens()
    }
    pub(crate) fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    // ---- accounts ------------------------------------------------------------------

    /// Adds a user with their own key slot. Only an unlocked store can do this, because
    /// wrapping needs the data key.
    pub fn add_user(
        &self,
        username: &str,
        password: &str,
        display_name: &str,
        role: Role,
    ) -> StoreResult<User> {
        let username = username.trim();
        if username.is_empty() || username.starts_with('@') {
            return Err(StoreError::Domain(
                motordesk_core::DomainError::NameRequired,
            ));
        }
        if self.user(username)?.is_some() {
            return Err(StoreError::UserExists(username.to_string()));
        }
        let slot = KeySlot::wrap(username, password, &self.sealer_key())?;
        let user = User {
            username: username.to_string(),
            display_name: display_name.to_string(),
            role,
            active: true,
            created_at: now(),
        };
        let txn = self.db().begin_write()?;
        {
            let mut slots = txn.open_table(KEY_SLOTS)?;
            slots.insert(username, serde_json::to_vec(&slot)?.as_slice())?;
            let mut users = txn.open_table(USERS)?;
            let sealed = self.seal_json("users", username.as_bytes(), &user)?;
            users.insert(username, sealed.as_slice())?;
        }
        txn.commit()?;
        Ok(user)
    }

    /// Changes a user's password: re-wraps the same data key under the new password.
    pub fn set_password(&self, username: &str, password: &str) -> StoreResult<()> {
        if self.user(username)?.is_none() {
            return Err(StoreError::UnknownUser(username.to_string()));
        }
        let slot = KeySlot::wrap(username, password, &self.sealer_key())?;
        let txn = self.db().begin_write()?;
        txn.open_table(KEY_SLOTS)?
            .insert(username, serde_json::to_vec(&slot)?.as_slice())?;
        txn.commit()?;
        Ok(())
    }

    fn sealer_key(&self) -> DataKey {
        self.sealer.data_key().clone()
    }

    fn put_user(&self, user: &User) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        {
            let mut users = txn.open_table(USERS)?;
            let sealed = self.seal_json("users", user.username.as_bytes(), user)?;
            users.insert(user.username.as_str(), sealed.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    pub fn user(&self, username: &str) -> StoreResult<Option<User>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(USERS)?;
        match t.get(username)? {
            Some(v) => Ok(Some(self.open_json(
                "users",
                username.as_bytes(),
                v.value(),
            )?)),
            None => Ok(None),
        }
    }

    pub fn users(&self) -> StoreResult<Vec<User>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(USERS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            out.push(self.open_json("users", k.value().as_bytes(), v.value())?);
        }
        Ok(out)
    }

    // ---- settings ------------------------------------------------------------------

    /// The shop settings, opened once and then served from memory until the next save.
    pub fn settings(&self) -> StoreResult<ShopSettings> {
        let generation = {
            let cache = self
                .settings_cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(s) = &cache.1 {
                return Ok(s.clone());
            }
            cache.0
        };
        let r = self.db().begin_read()?;
        let t = r.open_table(SETTINGS)?;
        let s = match t.get("shop")? {
            Some(v) => self.open_json("settings", b"shop", v.value())?,
            None => ShopSettings::default(),
        };
        let mut cache = self
            .settings_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.0 == generation {
            cache.1 = Some(s.clone());
        }
        Ok(s)
    }

    pub fn save_settings(&self, s: &ShopSettings) -> StoreResult<()> {
        s.check_series()?;
        let txn = self.db().begin_write()?;
        {
            let sealed = self.seal_json("settings", b"shop", s)?;
            txn.open_table(SETTINGS)?
                .insert("shop", sealed.as_slice())?;
        }
        let committed = txn.commit();
        // Forgotten whether or not the commit went through: the next read asks the file.
        let mut cache = self
            .settings_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *cache = (cache.0 + 1, None);
        committed?;
        Ok(())
    }

    // ---- sealing helpers -----------------------------------------------------------

    pub(crate) fn seal_json<T: Serialize>(
        &self,
        table: &str,
        row: &[u8],
        value: &T,
    ) -> StoreResult<Vec<u8>> {
        let json = serde_json::to_vec(value)?;
        Ok(self.sealer.seal(table, row, &codec::pack(json)))
    }

    pub(crate) fn open_json<T: DeserializeOwned>(
        &self,
        table: &'static str,
        row: &[u8],
        sealed: &[u8],
    ) -> StoreResult<T> {
        let plain = codec::unpack(self.sealer.open(table, row, sealed)?)
            .ok_or(StoreError::Tampered(table))?;
        serde_json::from_slice(&plain).map_err(|_| StoreError::Tampered(table))
    }

    // ---- generic records -----------------------------------------------------------

    pub(crate) fn read_record<T: Record>(
        &self,
        table: &impl ReadableTable<u128, &'static [u8]>,
        id: Uuid,
    ) -> StoreResult<Option<Stored<T>>> {
        let key = id.as_u128();
        match table.get(key)? {
            Some(v) => Ok(Some(self.open_json(
                records_name(T::KIND),
                &key.to_be_bytes(),
                v.value(),
            )?)),
            None => Ok(None),
        }
    }

    pub(crate) fn write_record<T: Record>(
        &self,
        txn: &WriteTransaction,
        rec: &Stored<T>,
    ) -> StoreResult<()> {
        let key = rec.data.id().as_u128();
        let sealed = self.seal_json(records_name(T::KIND), &key.to_be_bytes(), rec)?;
        txn.open_table(records(T::KIND))?
            .insert(key, sealed.as_slice())?;
        // Marked, not indexed: the index reads it back once it is committed.
        self.search.touch(T::KIND, rec.data.id(), rec.meta.version);
        if T::KIND == RecordKind::Product {
            self.product_intervals
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clear();
        }
        if T::KIND == RecordKind::Invoice {
            queries::write_invoice_summary(self, txn, rec)?;
        }
        Ok(())
    }

    /// A product's change interval (km), from memory after its first read. Read inside
    /// the caller's write transaction, which no product write can race.
    pub(crate) fn product_interval(
        &self,
        txn: &WriteTransaction,
        id: Uuid,
    ) -> StoreResult<Option<u32>> {
        if let Some(every) = self
            .product_intervals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&id)
        {
            return Ok(*every);
        }
        let every = self
            .read_in::<motordesk_core::Product>(txn, id)?
            .and_then(|p| p.data.change_every_km);
        self.product_intervals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id, every);
        Ok(every)
    }

    /// Reads a record inside a write transaction.
    pub(crate) fn read_in<T: Record>(
        &self,
        txn: &WriteTransaction,
        id: Uuid,
    ) -> StoreResult<Option<Stored<T>>> {
        let t = txn.open_table(records(T::KIND))?;
        let mut rec = self.read_record(&t, id)?;
        if let Some(rec) = &mut rec {
            with_sync(&txn.open_table(RECORD_SYNC)?, rec)?;
        }
        Ok(rec)
    }

    /// Next clock stamp for a local change, persisted in the same transaction.
    pub(crate) fn tick(&self, txn: &WriteTransaction) -> StoreResult<Hlc> {
        let mut meta = txn.open_table(META)?;
        let last: Hlc = match meta.get("hlc")? {
            Some(v) => serde_json::from_slice(v.value()).unwrap_or_default(),
            None => Hlc::default(),
        };
        let next = Hlc::tick(last, now().timestamp_millis(), self.device_id);
        meta.insert("hlc", serde_json::to_vec(&next)?.as_slice())?;
        Ok(next)
    }

    /// Writes a local change: the record (version + 1, PENDING) and its outbox entry,
    /// in the caller's transaction, so both land or neither does.
    pub(crate) fn save_local<T: Record>(
        &self,
        txn: &WriteTransaction,
        data: T,
    ) -> StoreResult<Stored<T>> {
        let summary = data.summary();
        self.save_local_as(txn, data, summary)
    }

    /// `save_local` with the queue line given by the caller, who knows more than the
    /// record (an odometer reading does not carry its plate).
    pub(crate) fn save_local_as<T: Record>(
        &self,
        txn: &WriteTransaction,
        data: T,
        summary: String,
    ) -> StoreResult<Stored<T>> {
        let at = now();
        let hlc = self.tick(txn)?;
        let old = self.read_in::<T>(txn, data.id())?;
        let meta = RecordMeta {
            created_at: old.as_ref().map_or(at, |o| o.meta.created_at),
            modified_at: at,
            synced_at: old.as_ref().and_then(|o| o.meta.synced_at),
            status: SyncStatus::Pending,
            hlc,
            version: old.as_ref().map_or(1, |o| o.meta.version + 1),
            account: self.account.clone(),
        };
        let rec = Stored { meta, data };
        self.write_record(txn, &rec)?;
        outbox::enqueue(
            self,
            txn,
            T::KIND,
            rec.data.id(),
            rec.meta.version,
            summary,
            at,
        )?;
        Ok(rec)
    }

    /// Reads one record by id.
    pub fn get<T: Record>(&self, id: Uuid) -> StoreResult<Option<Stored<T>>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(records(T::KIND))?;
        let sync = r.open_table(RECORD_SYNC)?;
        let mut rec = self.read_record(&t, id)?;
        if let Some(rec) = &mut rec {
            with_sync(&sync, rec)?;
        }
        Ok(rec)
    }

    /// Every record of a kind (opened and decoded). For big tables prefer the summaries.
    pub fn list<T: Record>(&self) -> StoreResult<Vec<Stored<T>>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(records(T::KIND))?;
        let sync = r.open_table(RECORD_SYNC)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let mut rec =
                self.open_json(records_name(T::KIND), &k.value().to_be_bytes(), v.value())?;
            with_sync(&sync, &mut rec)?;
            out.push(rec);
        }
        Ok(out)
    }

    /// Gives freed pages back to the file system (after bulk loads such as the demo).
    pub fn compact(&mut self) -> StoreResult<bool> {
        // The index's build thread holds the file only while it builds.
        self.search_stats();
        let slot = Arc::get_mut(&mut self.db).ok_or(StoreError::Compact(
            redb::CompactionError::TransactionInProgress,
        ))?;
        Ok(slot.get_mut()?.compact()?)
    }

    pub fn count(&self, kind: RecordKind) -> StoreResult<u64> {
        let r = self.db().begin_read()?;
        Ok(r.open_table(records(kind))?.len()?)
    }
}
