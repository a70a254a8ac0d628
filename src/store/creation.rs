//! Creating the store file atomically, and what a start does with a file a creation left
//! behind.
//!
//! A store is built under `<file>.creating` in the same directory, fsynced, and renamed
//! into place, so the real name only ever holds a complete store (one account, its
//! settings). A start removes a leftover `.creating` file. A store file at the real name
//! that never finished (made by a build before this one) is removed only when it provably
//! holds nothing: redb never finished initialising it, or it opens with no account and no
//! rows. Anything else that cannot be used is refused as `Damaged` and left untouched: a
//! fresh store there would start the document numbers again.

use crate::store::error::{Damage, StoreError, StoreResult};
use crate::store::files;
use crate::store::tables::{KEY_SLOTS, LOGIN_FAILURES, META};
use redb::{Database, ReadableDatabase, ReadableTableMetadata, TableHandle};
use std::io::Read;
use std::path::{Path, PathBuf};

/// redb writes its magic number last when it initialises a file; until then the first
/// page holds at most the header and the rest is zeros (`page_manager.rs`).
const REDB_MAGIC_LEN: usize = 9;
const FIRST_PAGE: usize = 4096;
/// A file redb never finished is its initial layout, well under 1 MiB. A bigger file
/// without the magic is a damaged store, not an unfinished one.
const MAX_UNFINISHED_LEN: u64 = 16 << 20;

/// `motordesk.redb` → `motordesk.redb.creating`.
pub(super) fn creating_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".creating");
    PathBuf::from(name)
}

/// Cleans up after an interrupted creation and tells whether a store with an account is
/// at `path`. `Err(Damaged)` when the file there cannot be used and may hold data.
pub(super) fn settle(path: &Path) -> StoreResult<bool> {
    let tmp = creating_path(path);
    if tmp.exists() {
        log::warn!(
            "removing {}: a store creation was interrupted",
            tmp.display()
        );
        std::fs::remove_file(&tmp)?;
    }
    if !path.exists() {
        return Ok(false);
    }
    match examine(path)? {
        None => Ok(true),
        Some(why) => {
            log::warn!(
                "removing {}: an unfinished store ({why}), no data in it",
                path.display()
            );
            std::fs::remove_file(path)?;
            if let Some(dir) = path.parent() {
                files::sync_dir(dir)?;
            }
            Ok(false)
        }
    }
}

/// `None`: a usable store with an account. `Some(why)`: an unfinished file that holds
/// nothing. `Err(Damaged)`: unusable and maybe holding data.
fn examine(path: &Path) -> StoreResult<Option<&'static str>> {
    if std::fs::metadata(path)?.len() == 0 {
        return Ok(Some("empty file"));
    }
    let db = match Database::open(path) {
        Ok(db) => db,
        Err(e) => {
            let e = open_error(path, e);
            if matches!(e, StoreError::Damaged { .. }) && never_initialised(path)? {
                return Ok(Some("redb never finished initialising it"));
            }
            return Err(e);
        }
    };
    let r = db.begin_read()?;
    let accounts = match r.open_table(KEY_SLOTS) {
        Ok(t) => t.len()?,
        Err(redb::TableError::TableDoesNotExist(_)) => 0,
        Err(e) => return Err(e.into()),
    };
    if accounts > 0 {
        return Ok(None);
    }
    // Plain bookkeeping only (schema version, device id, login counters) is not data.
    let bookkeeping = [META.name(), KEY_SLOTS.name(), LOGIN_FAILURES.name()];
    let mut rows = 0;
    for t in r.list_tables()? {
        if !bookkeeping.contains(&t.name()) {
            rows += r.open_untyped_table(t)?.len()?;
        }
    }
    for t in r.list_multimap_tables()? {
        rows += r.open_untyped_multimap_table(t)?.len()?;
    }
    if rows == 0 {
        Ok(Some("no account and no rows"))
    } else {
        Err(StoreError::Damaged {
            path: path.to_path_buf(),
            damage: Damage::NoAccounts { rows },
        })
    }
}

/// Whether `path` is what redb leaves when it is stopped while initialising a new file:
/// no magic number, nothing past the first page, small.
fn never_initialised(path: &Path) -> StoreResult<bool> {
    let mut f = std::fs::File::open(path)?;
    if f.metadata()?.len() > MAX_UNFINISHED_LEN {
        return Ok(false);
    }
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    let magic = &bytes[..bytes.len().min(REDB_MAGIC_LEN)];
    let rest = bytes.get(FIRST_PAGE..).unwrap_or_default();
    Ok(magic.iter().all(|&b| b == 0) && rest.iter().all(|&b| b == 0))
}

/// A redb open failure as the store reports it: a file redb cannot read is `Damaged`
/// (with redb's error kept), a lock is `Locked`, an I/O failure stays one.
pub(super) fn open_error(path: &Path, e: redb::DatabaseError) -> StoreError {
    let unreadable = match &e {
        redb::DatabaseError::Storage(redb::StorageError::Io(io)) => {
            io.kind() == std::io::ErrorKind::InvalidData
        }
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(_)) => true,
        redb::DatabaseError::UpgradeRequired(_) => true,
        _ => false,
    };
    if unreadable {
        StoreError::Damaged {
            path: path.to_path_buf(),
            damage: Damage::Unreadable(e),
        }
    } else {
        e.into()
    }
}

/// A new, empty redb file at `<path>.creating`, owner-only from the start.
pub(super) fn begin(path: &Path) -> StoreResult<(PathBuf, Database)> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        files::create_private_dir(dir)?;
    }
    let tmp = creating_path(path);
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    files::create_new_private(&tmp)?;
    let db = Database::create(&tmp).map_err(|e| open_error(&tmp, e))?;
    Ok((tmp, db))
}

/// Puts the finished store in place: fsync, rename, fsync the directory. The database
/// must be closed (Windows cannot rename an open file).
pub(super) fn finish(tmp: &Path, path: &Path) -> StoreResult<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(tmp)?
        .sync_all()?;
    std::fs::rename(tmp, path)?;
    if let Some(dir) = path.parent() {
        files::sync_dir(dir)?;
    }
    Ok(())
}

/// A creation that failed half way: its temporary file goes (it holds no data anyone
/// has seen), the error stays.
pub(super) fn abandon(tmp: &Path) {
    if let Err(e) = std::fs::remove_file(tmp) {
        log::warn!("could not remove {}: {e}", tmp.display());
    }
}
