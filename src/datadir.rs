//! Where the kiosk keeps its data when `--data-dir` is not given, and the one-time move
//! from the old place.
//!
//! Windows: `%ProgramData%\MotorDesk`, one store for every Windows user of the PC (the
//! installer gives the Users group modify rights on it). Versions before this one used the
//! per-user `%APPDATA%\MotorDesk\MotorDesk\data`, so a second Windows login started an
//! empty store and restarted the numbering. At start-up the old store is moved to the
//! new place when the new place holds no store; an existing store is never overwritten,
//! and when both hold one the old one is left where it is and the log says so.
//! Linux and macOS keep the per-user data dir (`directories`), so nothing moves there.

use motordesk::store::DB_FILE;
use std::path::{Path, PathBuf};

/// What start-up does about the old per-user data dir. Decided by [`plan`] from what is
/// on disk, carried out by [`apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing to move: use `new` (it may hold a store or be created empty).
    UseNew,
    /// The old place holds the only store: move it into `new`, then use `new`.
    MoveOld,
    /// Both places hold a store: use `new`, leave `old` untouched (and say so).
    BothHaveStores,
}

/// The decision, as a pure function of "does each place hold a store".
pub fn plan(new_has_store: bool, old_has_store: bool) -> Plan {
    match (new_has_store, old_has_store) {
        (false, true) => Plan::MoveOld,
        (true, true) => Plan::BothHaveStores,
        _ => Plan::UseNew,
    }
}

/// True when `dir` holds a store file (complete or half-created).
pub fn holds_store(dir: &Path) -> bool {
    dir.join(DB_FILE).exists() || dir.join(format!("{DB_FILE}.creating")).exists()
}

/// The data dir to use when none is given, and what happened on the way, in English
/// lines for the log (logging is not started yet when this runs).
pub struct Chosen {
    pub dir: PathBuf,
    pub notes: Vec<String>,
}

/// The default data dir of this platform, migrating the old per-user store on Windows.
pub fn default_data_dir() -> Chosen {
    let per_user = directories::ProjectDirs::from("pe", "MotorDesk", "MotorDesk")
        .map(|p| p.data_dir().to_path_buf());
    if cfg!(windows)
        && let Some(program_data) = std::env::var_os("ProgramData").filter(|v| !v.is_empty())
    {
        let shared = PathBuf::from(program_data).join("MotorDesk");
        return match per_user {
            Some(old) => apply(&shared, &old),
            None => Chosen {
                dir: shared,
                notes: Vec::new(),
            },
        };
    }
    Chosen {
        dir: per_user.unwrap_or_else(|| PathBuf::from("motordesk-data")),
        notes: Vec::new(),
    }
}

/// Carries out [`plan`] for the shared dir `new` and the old per-user dir `old`. When the
/// move fails the old dir is used for this run (the shop sees its sales) and the next
/// start tries again.
pub fn apply(new: &Path, old: &Path) -> Chosen {
    let mut notes = Vec::new();
    let dir = match plan(holds_store(new), holds_store(old)) {
        Plan::UseNew => new.to_path_buf(),
        Plan::BothHaveStores => {
            notes.push(format!(
                "an older per-user store is still at {} and was left untouched; {} is used",
                old.display(),
                new.display()
            ));
            new.to_path_buf()
        }
        Plan::MoveOld => match move_contents(old, new) {
            Ok(moved) => {
                notes.push(format!(
                    "moved the store from {} to {} ({moved} entries), shared by every Windows user",
                    old.display(),
                    new.display()
                ));
                new.to_path_buf()
            }
            Err(e) => {
                notes.push(format!(
                    "could not move the store from {} to {}: {e}; using {} for now",
                    old.display(),
                    new.display(),
                    old.display()
                ));
                old.to_path_buf()
            }
        },
    };
    Chosen { dir, notes }
}

/// Moves every entry of `old` into `new` (renames: same volume, nothing copied), the
/// store file last, so a failure half-way leaves the store in `old`, where the next start
/// finds it again. Entries whose name already exists in `new` (a log folder) stay behind.
/// Removes `old` when it ends up empty. Returns how many entries moved.
fn move_contents(old: &Path, new: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(new)?;
    let mut names: Vec<_> = std::fs::read_dir(old)?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    // The store file (and a half-created one) go last.
    names.sort_by_key(|n| n.to_string_lossy().starts_with(DB_FILE));
    let mut moved = 0;
    for name in names {
        let to = new.join(&name);
        if to.exists() {
            continue;
        }
        std::fs::rename(old.join(&name), &to)?;
        moved += 1;
    }
    // Only succeeds when empty; whatever stayed behind keeps the old dir.
    let _ = std::fs::remove_dir(old);
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decision_never_overwrites_a_store() {
        assert_eq!(plan(false, false), Plan::UseNew);
        assert_eq!(plan(true, false), Plan::UseNew);
        assert_eq!(plan(false, true), Plan::MoveOld);
        assert_eq!(plan(true, true), Plan::BothHaveStores);
    }

    fn store_in(dir: &Path, marker: &str) {
        std::fs::create_dir_all(dir.join("comprobantes")).unwrap();
        std::fs::write(dir.join(DB_FILE), marker).unwrap();
        std::fs::write(dir.join("comprobantes").join("a.pdf.sealed"), marker).unwrap();
    }

    #[test]
    fn the_old_store_moves_when_the_new_place_is_empty() {
        let t = tempfile::tempdir().unwrap();
        let (new, old) = (t.path().join("ProgramData/MotorDesk"), t.path().join("old"));
        store_in(&old, "old");
        // A log folder made before (or by a previous failed attempt) does not block it.
        std::fs::create_dir_all(new.join("logs")).unwrap();
        let c = apply(&new, &old);
        assert_eq!(c.dir, new);
        assert_eq!(std::fs::read_to_string(new.join(DB_FILE)).unwrap(), "old");
        assert!(new.join("comprobantes/a.pdf.sealed").exists());
        assert!(!old.exists(), "old dir removed once empty");
        assert!(c.notes[0].contains("moved the store"), "{:?}", c.notes);
        // Second start: nothing left to do.
        let again = apply(&new, &old);
        assert_eq!(again.dir, new);
        assert!(again.notes.is_empty());
    }

    #[test]
    fn an_existing_store_is_never_overwritten() {
        let t = tempfile::tempdir().unwrap();
        let (new, old) = (t.path().join("new"), t.path().join("old"));
        store_in(&new, "new");
        store_in(&old, "old");
        let c = apply(&new, &old);
        assert_eq!(c.dir, new);
        assert_eq!(std::fs::read_to_string(new.join(DB_FILE)).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(old.join(DB_FILE)).unwrap(), "old");
        assert!(c.notes[0].contains("left untouched"), "{:?}", c.notes);
    }

    #[test]
    fn a_failed_move_keeps_using_the_old_store() {
        let t = tempfile::tempdir().unwrap();
        let old = t.path().join("old");
        store_in(&old, "old");
        // The new place cannot be a directory: a file sits where it should be.
        let new = t.path().join("blocked");
        std::fs::write(&new, "not a dir").unwrap();
        let c = apply(&new, &old);
        assert_eq!(c.dir, old);
        assert!(holds_store(&old));
        assert!(c.notes[0].contains("could not move"), "{:?}", c.notes);
    }

    #[test]
    fn nothing_anywhere_starts_fresh_in_the_new_place() {
        let t = tempfile::tempdir().unwrap();
        let (new, old) = (t.path().join("new"), t.path().join("missing"));
        let c = apply(&new, &old);
        assert_eq!(c.dir, new);
        assert!(c.notes.is_empty());
    }
}
