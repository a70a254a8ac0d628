//! Wire types of kiosk backups: a kiosk uploads a sealed snapshot of its store (the
//! server cannot read it), and an administrator restores it onto a new PC
//! (docs/deployment.md, "Backups and restore").

use crate::document::SeriesSet;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// `PUT` (upload, body = the snapshot) and `GET` (download, `?id=` one of the kept
/// ones, newest without it) with the device token.
pub const DEVICE_BACKUP: &str = "/v1/devices/backup";
/// `POST` {username, password} of a server administrator: a session for restoring.
pub const RESTORE_LOGIN: &str = "/v1/restore/login";
/// `GET ?id=<invoice id>`: a kiosk fetches the signed XML of one of its own documents
/// (`Stored<ComprobanteUpload>`), after a restore, for documents synced after its
/// snapshot; another kiosk's is 404.
pub const DEVICE_COMPROBANTE: &str = "/v1/devices/comprobante";
/// `GET` with the administrator's session (`X-User-Token`): every kiosk's backups.
pub const RESTORE_BACKUPS: &str = "/v1/restore/backups";
/// `POST` [`RestoreClaim`] with the administrator's session: the chosen kiosk's escrow
/// key and a new device token (the old one stops working).
pub const RESTORE_CLAIM: &str = "/v1/restore/claim";

/// Largest snapshot the server takes and a kiosk makes by default (1 GiB: a store holds
/// about 10 KB per document with its signed XML, so some 100,000 documents); a store
/// past it is refused with a clear message on both sides.
pub const MAX_BACKUP_BYTES: usize = 1024 * 1024 * 1024;
/// Backups kept per kiosk; an upload past it deletes the oldest.
pub const BACKUPS_KEPT: usize = 3;

/// One stored snapshot of one kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    /// Opaque name of this snapshot (its upload time in ms): `?id=` of the download.
    pub id: String,
    pub device_id: Uuid,
    /// The kiosk's name as registered ("Taller (admin)").
    pub device_name: String,
    pub kiosk_number: u16,
    pub taken_at: DateTime<Utc>,
    pub bytes: u64,
}

/// `POST /v1/restore/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestoreLogin {
    pub username: String,
    pub password: String,
    /// The shop of a chain whose administrator this is (0: the server's own shop).
    /// `None`: the server finds the one shop where this user name and password are an
    /// account, and answers 409 when several are (the kiosk then asks for the shop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop: Option<u32>,
}

/// Answer of `/v1/restore/login`: a session token for the restore calls.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestoreSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /v1/restore/claim`: "this new PC becomes kiosk `device_id`".
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestoreClaim {
    pub device_id: Uuid,
    /// Name of the new PC, shown to the shop owner.
    pub name: String,
}

/// What a new PC needs to become the restored kiosk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestoreGrant {
    pub device_id: Uuid,
    /// The new device token; the dead PC's token no longer works.
    pub token: String,
    pub kiosk_number: u16,
    pub series: SeriesSet,
    /// Hex of the kiosk's 32-byte escrow key: opens the snapshot's `@server` key slot.
    pub escrow_key: String,
    /// Per series, the highest correlative the server holds for this kiosk: numbering
    /// continues after max(this, the snapshot's), never repeating a number.
    pub highest: BTreeMap<String, u32>,
    /// The administrator who restored (display name and role for the local key slot).
    pub username: String,
    pub display_name: String,
}
