//! A registered kiosk as the server knows it. Its own file because both the database
//! (which stores it) and the validation (which checks series ownership against it) need
//! it, and neither should import the other for it.

use chrono::{DateTime, Utc};
use motordesk_core::SeriesSet;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A registered kiosk: its number, the series it owns and its token's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub device_id: Uuid,
    pub kiosk_number: u16,
    pub series: SeriesSet,
    pub name: String,
    pub token_hash: String,
    pub registered_at: DateTime<Utc>,
    /// Hash of the key this kiosk shows at `/v1/login` (given with its escrow key); a
    /// login without it is refused. `None` for a kiosk that has not handed one over.
    #[serde(default)]
    pub login_key_hash: Option<String>,
}
