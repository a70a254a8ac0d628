//! This kiosk's screen preferences (touch mode on or off, colour theme): a small
//! plain JSON file beside the store, `pantalla.json`. Not inside the sealed store because
//! the login screen needs them before anything can be unlocked, and they say nothing
//! about the shop. A missing, oversized or unreadable file means the defaults (touch
//! kiosk: keyboard on, dark theme); the reason goes to the log.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file name inside the data dir.
pub const SCREEN_PREFS_FILE: &str = "pantalla.json";

/// A preferences file bigger than this is not read (it is a few dozen bytes).
const MAX_PREFS_BYTES: u64 = 4096;

/// The colours the kiosk draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScreenTheme {
    /// Dark background: the default, easy on the eyes indoors.
    #[default]
    Dark,
    /// Light, high contrast: for a bright workshop or sunlight on the screen.
    LightHighContrast,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScreenPrefs {
    /// Touch kiosk: the on-screen keyboard opens when a text field is touched, and a
    /// drag scrolls lists even when the panel reports mouse events. A desk PC with a
    /// keyboard and mouse switches it off in Ajustes.
    pub touch_mode: bool,
    pub theme: ScreenTheme,
}

impl Default for ScreenPrefs {
    fn default() -> Self {
        ScreenPrefs {
            touch_mode: true,
            theme: ScreenTheme::Dark,
        }
    }
}

impl ScreenPrefs {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(SCREEN_PREFS_FILE)
    }

    /// Reads the preferences; anything wrong with the file gives the defaults.
    pub fn load(data_dir: &Path) -> ScreenPrefs {
        let path = ScreenPrefs::path(data_dir);
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return ScreenPrefs::default(),
            Err(e) => {
                log::warn!("screen preferences {}: {e}; using defaults", path.display());
                return ScreenPrefs::default();
            }
            Ok(m) if m.len() > MAX_PREFS_BYTES => {
                log::warn!(
                    "screen preferences {} is {} bytes (limit {MAX_PREFS_BYTES}); using defaults",
                    path.display(),
                    m.len()
                );
                return ScreenPrefs::default();
            }
            Ok(_) => {}
        }
        match std::fs::read(&path).map(|b| serde_json::from_slice::<ScreenPrefs>(&b)) {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                log::warn!("screen preferences {}: {e}; using defaults", path.display());
                ScreenPrefs::default()
            }
            Err(e) => {
                log::warn!("screen preferences {}: {e}; using defaults", path.display());
                ScreenPrefs::default()
            }
        }
    }

    /// Writes the preferences atomically (temp file + rename), owner-only.
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        super::files::write_private(&ScreenPrefs::path(data_dir), &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_garbage_file_gives_defaults_and_a_save_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(ScreenPrefs::load(dir.path()), ScreenPrefs::default());
        std::fs::write(ScreenPrefs::path(dir.path()), b"{not json").unwrap();
        assert_eq!(ScreenPrefs::load(dir.path()), ScreenPrefs::default());
        std::fs::write(ScreenPrefs::path(dir.path()), vec![b' '; 5000]).unwrap();
        assert_eq!(ScreenPrefs::load(dir.path()), ScreenPrefs::default());
        let p = ScreenPrefs {
            touch_mode: false,
            theme: ScreenTheme::LightHighContrast,
        };
        p.save(dir.path()).unwrap();
        assert_eq!(ScreenPrefs::load(dir.path()), p);
    }
}
