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
    /// Conflicts waiting for review.
    pub conflicts: u64,
}
