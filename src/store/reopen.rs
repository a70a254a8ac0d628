//! The store's redb handle, and how it comes back after an I/O failure.
//!
//! When a write fails (a full disk), redb latches that `Database` into a failed state:
//! every later transaction fails with `PreviousIo` until the file is closed and opened
//! again. So the store reaches its file through `Watched`, a pass-through backend that
//! notes any I/O error, and the next `Store::db()` after one drops the failed handle and
//! opens the same file again. The cashier's next try after freeing space just works, with
//! no restart and no new login (the data key never left memory).
//!
//! Nothing committed is lost: a redb commit is atomic and the reopen recovers the last
//! one; the failed transaction left nothing. Transactions keep the handle they came from
//! alive (`ReadTxn`, `WriteTxn`), so the reopen first waits briefly for those in flight;
//! redb's file lock then also waits for a write transaction that outlives the wait.

use crate::store::creation;
use crate::store::error::{StoreError, StoreResult};
use crate::store::files;
use redb::backends::FileBackend;
use redb::{
    BackendError, Database, ReadTransaction, ReadableDatabase, StorageBackend, WriteTransaction,
};
use std::ops::{Bound, Deref};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// How long a reopen waits for transactions in flight on the failed handle, and then for
/// redb to let go of the file. A transaction on a failed handle fails at once, so both
/// waits are short in practice; past them the reopen gives up and the next call tries again.
const PATIENCE: Duration = Duration::from_secs(1);
const POLL: Duration = Duration::from_millis(2);

/// A fault-injection seam for tests: wraps the real file's backend (see
/// `Store::unlock_via`). The kiosk never sets one.
#[doc(hidden)]
pub type BackendWrap = Arc<dyn Fn(FileBackend) -> Box<dyn StorageBackend> + Send + Sync>;

/// One open `Database` and the flag its backend raises on an I/O error.
#[derive(Clone)]
struct Handle {
    db: Arc<Database>,
    failed: Arc<AtomicBool>,
}

/// The store's database: the current handle, replaced by a fresh one after a failure.
pub(super) struct Slot {
    current: RwLock<Option<Handle>>,
    /// One reopen at a time; the others wait for it and take its handle.
    reopening: Mutex<()>,
    path: PathBuf,
    wrap: Option<BackendWrap>,
    reopens: AtomicU64,
}

impl Slot {
    /// Opens the store file at `path` (existing or not) through a watched backend.
    pub(super) fn open(path: &Path, wrap: Option<BackendWrap>) -> StoreResult<Slot> {
        let handle = open(path, wrap.as_ref())?;
        Ok(Slot {
            current: RwLock::new(Some(handle)),
            reopening: Mutex::new(()),
            path: path.to_path_buf(),
            wrap,
            reopens: AtomicU64::new(0),
        })
    }

    /// A database opened elsewhere (the file being created): not watched, since a failed
    /// creation is abandoned as a whole rather than reopened.
    pub(super) fn fixed(db: Database, path: &Path) -> Slot {
        Slot {
            current: RwLock::new(Some(Handle {
                db: Arc::new(db),
                failed: Arc::new(AtomicBool::new(false)),
            })),
            reopening: Mutex::new(()),
            path: path.to_path_buf(),
            wrap: None,
            reopens: AtomicU64::new(0),
        }
    }

    /// The current handle, reopened first if the last one failed. A reopen that fails
    /// (the disk is still full) is returned by the transaction the caller begins next.
    pub(super) fn get(&self) -> Db {
        match self.healthy() {
            Some(h) => Db(Ok(h)),
            None => Db(self.reopen()),
        }
    }

    /// Exclusive access, for `compact`: no transaction may be alive.
    pub(super) fn get_mut(&mut self) -> StoreResult<&mut Database> {
        if self.healthy().is_none() {
            self.reopen()?;
        }
        let handle = self
            .current
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
            .ok_or(StoreError::Reopening(redb::Error::DatabaseClosed))?;
        Arc::get_mut(&mut handle.db).ok_or(StoreError::Compact(
            redb::CompactionError::TransactionInProgress,
        ))
    }

    /// Runs `f` with the database to itself while other clones of the store live (the
    /// Compactar button). The handle is taken out of the slot, so every new transaction
    /// queues on the reopen lock held here and continues with the same handle afterwards:
    /// nothing is refused or lost. Transactions already in flight get `patience` to end;
    /// if one outlives it (a long read), nothing is done and `TransactionInProgress` says so.
    pub(super) fn exclusive<T>(
        &self,
        patience: Duration,
        f: impl FnOnce(&mut Database) -> T,
    ) -> StoreResult<T> {
        // A failed handle is reopened first (reopen takes the lock itself).
        self.get().0?;
        let _one = self
            .reopening
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let taken = self
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(mut handle) = taken else {
            return Err(StoreError::Reopening(redb::Error::DatabaseClosed));
        };
        let started = Instant::now();
        while Arc::strong_count(&handle.db) > 1 && started.elapsed() < patience {
            std::thread::sleep(POLL);
        }
        let out = Arc::get_mut(&mut handle.db).map(f);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(handle);
        out.ok_or(StoreError::Compact(
            redb::CompactionError::TransactionInProgress,
        ))
    }

    /// How many times the file was reopened after a failure.
    pub(super) fn reopens(&self) -> u64 {
        self.reopens.load(Ordering::Relaxed)
    }

    fn healthy(&self) -> Option<Handle> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current
            .as_ref()
            .filter(|h| !h.failed.load(Ordering::Acquire))
            .cloned()
    }

    fn reopen(&self) -> StoreResult<Handle> {
        let _one = self
            .reopening
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Another thread may have reopened it while this one waited.
        if let Some(h) = self.healthy() {
            return Ok(h);
        }
        let started = Instant::now();
        let old = self
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(old) = old {
            log::warn!(
                "store {}: an I/O error failed the database; reopening it",
                self.path.display()
            );
            // Transactions hold clones; past the wait, reads still in flight are cut off
            // (they fail DatabaseClosed) and a write keeps the file until it ends.
            while Arc::strong_count(&old.db) > 1 && started.elapsed() < PATIENCE {
                std::thread::sleep(POLL);
            }
            drop(old);
        }
        let opened = Instant::now();
        let handle = loop {
            match open(&self.path, self.wrap.as_ref()) {
                Ok(h) => break h,
                // The old handle has not let go of the file yet.
                Err(StoreError::Locked) if opened.elapsed() < PATIENCE => {
                    std::thread::sleep(POLL);
                }
                Err(StoreError::Locked) => {
                    log::warn!("store {}: still held, not reopened", self.path.display());
                    return Err(StoreError::Reopening(redb::Error::DatabaseAlreadyOpen));
                }
                Err(e) => {
                    log::warn!("store {}: reopening failed: {e}", self.path.display());
                    return Err(e);
                }
            }
        };
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(handle.clone());
        self.reopens.fetch_add(1, Ordering::Relaxed);
        log::warn!(
            "store {}: reopened in {:.1} ms",
            self.path.display(),
            started.elapsed().as_secs_f64() * 1e3
        );
        Ok(handle)
    }
}

/// Opens (or creates) the file through `Watched`, like `Database::create` does.
fn open(path: &Path, wrap: Option<&BackendWrap>) -> StoreResult<Handle> {
    let as_redb = |e: std::io::Error| {
        creation::open_error(
            path,
            redb::DatabaseError::Storage(redb::StorageError::Io(e)),
        )
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(as_redb)?;
    let backend = FileBackend::new(file).map_err(|e| creation::open_error(path, e))?;
    let inner = match wrap {
        Some(wrap) => wrap(backend),
        None => Box::new(backend),
    };
    let failed = Arc::new(AtomicBool::new(false));
    let db = Database::builder()
        .set_cache_size(CACHE_BYTES.load(Ordering::Relaxed))
        .create_with_backend(Watched {
            inner,
            failed: failed.clone(),
        })
        .map_err(|e| creation::open_error(path, e))?;
    files::restrict_file(path)?;
    Ok(Handle {
        db: Arc::new(db),
        failed,
    })
}

/// redb's page cache, per open store. redb's default (1 GiB) keeps every page ever read
/// until it is full: reading 100k documents' list rows and the index's records at login
/// left tens of MiB of pages resident for good. Reads past the cache come from the OS's
/// page cache (`benches/store_perf.rs`, part `rss`, measures both; docs/store.md).
pub const CACHE_BYTES_DEFAULT: usize = 32 << 20;
static CACHE_BYTES: AtomicUsize = AtomicUsize::new(CACHE_BYTES_DEFAULT);

/// The page cache of stores opened from now on. For benches only (the anchor of 1 GiB).
#[doc(hidden)]
pub fn set_cache_bytes(bytes: usize) {
    CACHE_BYTES.store(bytes, Ordering::Relaxed);
}

/// On in the kiosk. Benches turn it off to measure its price in the same run.
static QUICK_REPAIR: AtomicBool = AtomicBool::new(true);

/// Whether the store's commits use redb's quick repair (default on). For benches only.
#[doc(hidden)]
pub fn set_quick_repair(on: bool) {
    QUICK_REPAIR.store(on, Ordering::Relaxed);
}

/// What `Store::db()` hands out: the current handle, or why there is none.
pub(crate) struct Db(StoreResult<Handle>);

impl Db {
    pub(crate) fn begin_write(self) -> StoreResult<WriteTxn> {
        let h = self.0?;
        let mut txn = h.db.begin_write().map_err(|e| h.failed_by(e))?;
        // Quick repair: each commit also saves redb's allocator state (a two-phase
        // commit: one more fsync), so opening after a power cut is not a walk of the whole
        // file (100k documents: 4.8 s and 1 GiB of RSS → 0.73 s; docs/store.md).
        txn.set_quick_repair(QUICK_REPAIR.load(Ordering::Relaxed));
        Ok(WriteTxn { txn, _db: h.db })
    }

    pub(crate) fn begin_read(self) -> StoreResult<ReadTxn> {
        let h = self.0?;
        let txn = h.db.begin_read().map_err(|e| h.failed_by(e))?;
        Ok(ReadTxn { txn, _db: h.db })
    }

    /// The database itself, for helpers that take one (login counters).
    pub(crate) fn get(self) -> StoreResult<Arc<Database>> {
        Ok(self.0?.db)
    }
}

impl Handle {
    /// Should redb refuse a transaction for an earlier failure the backend did not see,
    /// the handle is marked failed all the same, so the next call reopens it.
    fn failed_by(&self, e: redb::TransactionError) -> StoreError {
        let e = StoreError::from(e);
        if matches!(e, StoreError::Reopening(_)) {
            self.failed.store(true, Ordering::Release);
        }
        e
    }
}

/// A write transaction that keeps its handle alive (a reopen waits for it).
pub(crate) struct WriteTxn {
    // Declared first: dropped before the handle.
    txn: WriteTransaction,
    _db: Arc<Database>,
}

impl WriteTxn {
    pub(crate) fn commit(self) -> Result<(), redb::CommitError> {
        self.txn.commit()
    }

    pub(crate) fn abort(self) -> Result<(), redb::StorageError> {
        self.txn.abort()
    }

    /// Commit without flushing to disk: for state that a crash may lose because the
    /// next start rebuilds it (an outbox batch marked SYNCING; `Store::mark_syncing`).
    /// The next durable commit makes it durable too.
    pub(crate) fn set_durability(
        &mut self,
        durability: redb::Durability,
    ) -> Result<(), redb::SetDurabilityError> {
        self.txn.set_durability(durability)
    }
}

impl Deref for WriteTxn {
    type Target = WriteTransaction;
    fn deref(&self) -> &WriteTransaction {
        &self.txn
    }
}

/// A read transaction that keeps its handle alive (a reopen waits for it).
pub(crate) struct ReadTxn {
    txn: ReadTransaction,
    _db: Arc<Database>,
}

impl Deref for ReadTxn {
    type Target = ReadTransaction;
    fn deref(&self) -> &ReadTransaction {
        &self.txn
    }
}

/// Passes every call through to the file's backend and raises `failed` when one of them
/// fails: redb has then failed the database (`PreviousIo` from now on).
#[derive(Debug)]
struct Watched {
    inner: Box<dyn StorageBackend>,
    failed: Arc<AtomicBool>,
}

impl Watched {
    fn note<T, E>(&self, r: Result<T, E>) -> Result<T, E> {
        if r.is_err() {
            self.failed.store(true, Ordering::Release);
        }
        r
    }
}

impl StorageBackend for Watched {
    fn len(&self) -> Result<u64, std::io::Error> {
        self.note(self.inner.len())
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), std::io::Error> {
        self.note(self.inner.read(offset, out))
    }

    fn set_len(&self, len: u64) -> Result<(), std::io::Error> {
        self.note(self.inner.set_len(len))
    }

    fn sync_data(&self) -> Result<(), std::io::Error> {
        self.note(self.inner.sync_data())
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), std::io::Error> {
        self.note(self.inner.write(offset, data))
    }

    fn close(&self) -> Result<(), std::io::Error> {
        self.inner.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_range(start, end)
    }

    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, BackendError> {
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_shared_range(start, end)
    }

    // redb fails the database when an unlock fails (the lock stays held).
    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.note(self.inner.unlock_range(start, end))
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(start, end)
    }
}
