//! Wire types of the account calls (login, whoami, escrow), shared by the kiosk's
//! login and the server so both sides agree on the JSON.

use crate::user::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const LOGIN: &str = "/v1/login";
pub const ME: &str = "/v1/me";
pub const ESCROW: &str = "/v1/devices/escrow";
/// Header carrying a user's session token (the device token stays in Authorization).
pub const USER_TOKEN_HEADER: &str = "X-User-Token";
/// Header carrying the kiosk's login key at `/v1/login`: only a registered kiosk may ask
/// the server to check a password (a stolen key can try passwords, throttled, but cannot
/// pull the shop's data as the device token could).
pub const DEVICE_LOGIN_KEY_HEADER: &str = "X-Device-Login-Key";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub device_id: Uuid,
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub token: String,
    pub expires_at: DateTime<Utc>,
    /// Hex of the 32-byte escrow key of the asking device.
    pub escrow_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EscrowRequest {
    /// Hex of 32 bytes.
    pub escrow_key: String,
    /// Hex of 32 bytes: what this kiosk will show at login (`DEVICE_LOGIN_KEY_HEADER`).
    #[serde(default)]
    pub login_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}
