//! Owner-only files on disk: the data dir is 0700 and the store and sealed files 0600 on
//! Unix, so another account on the kiosk cannot even copy them. Windows relies on the
//! profile folder's ACL (`docs/store.md`).
//!
//! Also the two durability steps that a rename needs to survive a power cut: the file's
//! own fsync before it, and the directory's after it.

use std::io::Write;
use std::path::Path;

/// Creates `dir` (and its parents) readable by its owner only, and tightens it when it
/// already exists with wider permissions (data dirs made by older builds were 0755). A
/// directory this user may not chmod (someone else's) is left as it is, with a warning:
/// the store inside stays sealed either way. A shared sticky directory such as `/tmp`
/// (a store file put straight in it) is never tightened: as root that would lock every
/// other account, PostgreSQL's included, out of `/tmp`.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if !dir.is_dir() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        let full = std::fs::metadata(dir)?.permissions().mode();
        let mode = full & 0o777;
        if full & 0o1000 != 0 {
            log::warn!(
                "{} is a shared sticky folder ({mode:o}); left as it is: keep the store in a folder of its own",
                dir.display()
            );
        } else if mode & 0o077 != 0 {
            match std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)) {
                Ok(()) => log::info!("data dir {} was {mode:o}; now 700", dir.display()),
                Err(e) => log::warn!("data dir {} stays {mode:o}: {e}", dir.display()),
            }
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Makes an existing file readable by its owner only (a store file made 0644 by an older
/// build); like directories, best effort.
pub(crate) fn restrict_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0
            && let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        {
            log::warn!("{} stays {mode:o}: {e}", path.display());
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Opens a new file for writing, owner-only from the first byte (no window in which it
/// is 0644). Fails if it exists.
pub(crate) fn create_new_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Writes `bytes` to `path` through `<path>.tmp` and a rename, owner-only and fsynced, so
/// a crash leaves the old file or the new one, never half of one.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp_name);
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let written = (|| {
        let mut f = create_new_private(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Makes a rename in `dir` durable: on Unix a directory entry is only on disk once the
/// directory itself is fsynced. Windows has no such call (NTFS journals the rename).
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn dirs_are_created_and_tightened_to_owner_only() {
        let root = tempfile::tempdir().unwrap();
        let new = root.path().join("a/b");
        create_private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        let old = root.path().join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&old).unwrap();
        assert_eq!(mode(&old), 0o700);
        // A shared sticky folder like /tmp keeps its mode (a store put straight in /tmp
        // once turned it 0700 and locked PostgreSQL out of it).
        let shared = root.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        create_private_dir(&shared).unwrap();
        assert_eq!(
            std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777,
            0o1777
        );
    }

    #[test]
    fn private_writes_are_0600_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.bin");
        write_private(&p, b"one").unwrap();
        write_private(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(mode(&p), 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict_file(&p).unwrap();
        assert_eq!(mode(&p), 0o600);
    }
}
