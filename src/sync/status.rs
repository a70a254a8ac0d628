//! What the kiosk shows about sync: connectivity and queue counts. The sync worker
//! updates it; the UI only reads a copy each frame (never waits on the network).

use crate::store::SyncCounts;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connectivity {
    /// No server configured: everything stays local.
    #[default]
    Disabled,
    Online,
    Offline,
    /// Back online after being offline; pending work is being pushed.
    Reconnected,
}

impl Connectivity {
    pub fn label(self) -> &'static str {
        match self {
            Connectivity::Disabled => "SIN SERVIDOR",
            Connectivity::Online => "EN LÍNEA",
            Connectivity::Offline => "SIN CONEXIÓN",
            Connectivity::Reconnected => "RECONECTADO",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub connectivity: Connectivity,
    pub counts: SyncCounts,
    pub last_sync_at: Option<DateTime<Utc>>,
    /// English, for logs and the details view.
    pub last_error: Option<String>,
    /// The same failure as the cashier reads it (Spanish `mensaje()`).
    pub last_error_es: Option<String>,
    /// Conflicts waiting for review.
    pub conflicts: u64,
    /// This kiosk's clock minus the server's (ms), measured at the last health check.
    pub clock_skew_ms: Option<i64>,
    /// Bumped each time the sync thread wrote something that came from elsewhere (pulled
    /// changes, SUNAT answers): the screens reload when it moves.
    pub remote_changes: u64,
    /// A backup upload is under way.
    pub backup_running: bool,
    /// Why the last backup upload failed (Spanish); `None` after a good one.
    pub backup_error: Option<String>,
}

/// Beyond this difference with the server's clock the cashier is warned.
pub const CLOCK_WARNING_MS: i64 = 2 * 60 * 1000;

impl SyncState {
    /// The warning for the top bar when this kiosk's clock is off (Spanish).
    pub fn clock_warning(&self) -> Option<String> {
        let skew = self.clock_skew_ms?;
        if skew.abs() <= CLOCK_WARNING_MS {
            return None;
        }
        let minutes = (skew.abs() + 30_000) / 60_000;
        let way = if skew > 0 { "adelantado" } else { "atrasado" };
        Some(format!(
            "Reloj del equipo {way} {minutes} min respecto al servidor: corrija la fecha y hora."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_warning_starts_past_two_minutes_either_way() {
        let at = |ms| SyncState {
            clock_skew_ms: ms,
            ..SyncState::default()
        };
        assert_eq!(at(None).clock_warning(), None);
        assert_eq!(at(Some(CLOCK_WARNING_MS)).clock_warning(), None);
        assert_eq!(at(Some(-CLOCK_WARNING_MS)).clock_warning(), None);
        let ahead = at(Some(CLOCK_WARNING_MS + 1)).clock_warning().unwrap();
        assert!(ahead.contains("adelantado 2 min"), "{ahead}");
        let behind = at(Some(-3_600_000)).clock_warning().unwrap();
        assert!(behind.contains("atrasado 60 min"), "{behind}");
    }
}
