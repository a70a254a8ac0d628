//! Storage as the shop sees it: how big the store file is, how much room is left on its
//! disk, how many documents it holds, when that room is getting short, and compacting the
//! file while the kiosk keeps running (issue 13).
//!
//! Why the warning threshold is what it is: a sale writes 66–132 KB, but redb grows its
//! file by whole regions, not by the sale: after a compaction a 272 MiB store grew to
//! 486 MiB over the next 200 sales (docs/store.md). So the next sale may need about as
//! much free space as the file already takes. The kiosk warns when less than
//! `max(256 MiB, file size)` is free, and calls it critical below `max(64 MiB, file / 4)`.

use crate::store::Store;
use crate::store::error::{StoreError, StoreResult};
use motordesk_core::RecordKind;
use std::path::Path;
use std::time::Duration;

const MIB: u64 = 1024 * 1024;
/// Below this much free space (or the file's own size, if larger) the kiosk warns.
pub const WARN_FREE: u64 = 256 * MIB;
/// Below this much (or a quarter of the file) the warning turns red.
pub const CRITICAL_FREE: u64 = 64 * MIB;
/// How long Compactar waits for transactions in flight before giving up.
const COMPACT_PATIENCE: Duration = Duration::from_secs(5);

/// The room on a disk, as the file system reports it to this (unprivileged) user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskSpace {
    pub free: u64,
    pub total: u64,
}

/// What Ajustes and the top bar show about the store's storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageInfo {
    /// The store file's size on disk.
    pub file_bytes: u64,
    /// The disk holding the store file.
    pub disk: DiskSpace,
    /// Documents issued (boletas, facturas, notas) in the store.
    pub documents: u64,
}

/// How urgent the disk's free space is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiskLevel {
    Ok,
    /// Less than `max(WARN_FREE, file size)` free: free space soon.
    Low,
    /// Less than `max(CRITICAL_FREE, file / 4)` free: the next sales may fail.
    Critical,
}

/// How urgent `free` bytes are for a store file of `file_bytes` (see the module doc).
pub fn disk_level(file_bytes: u64, free: u64) -> DiskLevel {
    if free < CRITICAL_FREE.max(file_bytes / 4) {
        DiskLevel::Critical
    } else if free < WARN_FREE.max(file_bytes) {
        DiskLevel::Low
    } else {
        DiskLevel::Ok
    }
}

/// The size of the store file and the room on its disk, without opening the store (the
/// top bar asks this every 30 s; it costs a `stat` and a `statvfs`).
pub fn file_and_disk(path: &Path) -> std::io::Result<(u64, DiskSpace)> {
    let file_bytes = std::fs::metadata(path)?.len();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    Ok((file_bytes, disk_space(dir.unwrap_or(Path::new(".")))?))
}

/// The free and total space of the file system holding `dir`.
#[cfg(unix)]
pub fn disk_space(dir: &Path) -> std::io::Result<DiskSpace> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    // SAFETY: `c` is a valid NUL-terminated path and `st` a plain struct statvfs fills.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // f_bavail, not f_bfree: the blocks this user may still write (root's reserve excluded).
    let unit = st.f_frsize as u64;
    Ok(DiskSpace {
        free: (st.f_bavail as u64).saturating_mul(unit),
        total: (st.f_blocks as u64).saturating_mul(unit),
    })
}

/// The free and total space of the volume holding `dir`.
#[cfg(windows)]
pub fn disk_space(dir: &Path) -> std::io::Result<DiskSpace> {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Storage::FileSystem::GetDiskFreeSpaceExW;
    let wide: Vec<u16> = dir.as_os_str().encode_wide().chain(Some(0)).collect();
    let (mut avail, mut total, mut free) = (0u64, 0u64, 0u64);
    // SAFETY: `wide` is NUL-terminated; the three outputs are valid u64s.
    let ok = unsafe { GetDiskFreeSpaceExW(wide.as_ptr(), &mut avail, &mut total, &mut free) };
    if ok == 0 {
        return Err(std::io::Error::last_os_error());
    }
    // lpFreeBytesAvailableToCaller: what this user may write (quotas included).
    Ok(DiskSpace { free: avail, total })
}

/// The store file's size before and after a compaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compaction {
    pub before: u64,
    pub after: u64,
}

impl Store {
    /// The store file's size, its disk's free space and the documents it holds.
    pub fn storage(&self) -> StoreResult<StorageInfo> {
        let (file_bytes, disk) = file_and_disk(self.path()).map_err(StoreError::Io)?;
        Ok(StorageInfo {
            file_bytes,
            disk,
            documents: self.count(RecordKind::Invoice)?,
        })
    }

    /// Gives the file's free pages back to the disk while the kiosk keeps running: sales
    /// and reads that start meanwhile wait for it (none is refused or lost), those already
    /// running get 5 s to end, or nothing is done (`Compact(TransactionInProgress)`).
    /// Slow (it rewrites the file): call it from a worker, never the UI thread.
    pub fn compact_now(&self) -> StoreResult<Compaction> {
        let size = || {
            std::fs::metadata(self.path())
                .map(|m| m.len())
                .map_err(StoreError::Io)
        };
        let before = size()?;
        let started = std::time::Instant::now();
        self.db
            .exclusive(COMPACT_PATIENCE, |db| db.compact())?
            .map_err(StoreError::from)?;
        let after = size()?;
        log::info!(
            "store compacted: {before} -> {after} bytes in {:.0} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
        Ok(Compaction { before, after })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_follows_the_file_size_above_its_floor() {
        // A small store: the fixed floors decide.
        assert_eq!(disk_level(10 * MIB, 10 * 1024 * MIB), DiskLevel::Ok);
        assert_eq!(disk_level(10 * MIB, 255 * MIB), DiskLevel::Low);
        assert_eq!(disk_level(10 * MIB, 63 * MIB), DiskLevel::Critical);
        // A 1 GiB store needs its own size free, and a quarter of it before red.
        assert_eq!(disk_level(1024 * MIB, 1100 * MIB), DiskLevel::Ok);
        assert_eq!(disk_level(1024 * MIB, 900 * MIB), DiskLevel::Low);
        assert_eq!(disk_level(1024 * MIB, 200 * MIB), DiskLevel::Critical);
    }

    #[test]
    fn the_disk_of_a_real_directory_has_room_and_a_size() {
        let dir = tempfile::tempdir().unwrap();
        let d = disk_space(dir.path()).unwrap();
        assert!(d.total > 0 && d.free <= d.total, "{d:?}");
        assert!(disk_space(&dir.path().join("no-such-dir")).is_err());
    }
}
