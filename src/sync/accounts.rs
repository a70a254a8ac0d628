//! Accounts over the network: the login protocol types and the kiosk's login.
//!
//! `login` tries the local key slot first (works offline). A user without a local slot
//! (or whose local password no longer opens it) is checked by the server, which answers
//! with a session token and the kiosk's escrow key; the kiosk opens the store with it and
//! caches the user's credentials so the next login needs no network.

use crate::store::user::Role;
use crate::store::{Store, StoreError};
use crate::sync::client::{Client, DEFAULT_TIMEOUT, normalize_url};
use crate::sync::error::SyncError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

pub const LOGIN: &str = "/v1/login";
pub const ME: &str = "/v1/me";
pub const ESCROW: &str = "/v1/devices/escrow";
/// Header carrying a user's session token (the device token stays in Authorization).
pub const USER_TOKEN_HEADER: &str = "X-User-Token";

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn from_hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// A login that failed, with what the cashier should read.
#[derive(Debug)]
pub enum LoginError {
    Store(StoreError),
    Sync(SyncError),
    /// The server's session expired: log in again.
    SessionExpired,
}

impl LoginError {
    pub fn mensaje(&self) -> String {
        match self {
            LoginError::Store(e) => e.mensaje(),
            LoginError::Sync(SyncError::Unauthorized) => "Usuario o contraseña incorrectos.".into(),
            LoginError::Sync(SyncError::Transport(_)) => {
                "Usuario no registrado en este equipo y no hay conexión con el servidor para verificarlo.".into()
            }
            LoginError::Sync(e) => e.mensaje(),
            LoginError::SessionExpired => "La sesión expiró; vuelva a ingresar.".into(),
        }
    }
}

impl std::fmt::Display for LoginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginError::Store(e) => write!(f, "{e}"),
            LoginError::Sync(e) => write!(f, "{e}"),
            LoginError::SessionExpired => write!(f, "session token expired"),
        }
    }
}

impl std::error::Error for LoginError {}

/// After registration: hand the server this kiosk's escrow key so users it knows can log
/// in here the first time. Blocking.
pub fn enable_server_login(store: &Store) -> Result<(), SyncError> {
    let settings = store.settings()?;
    let token = settings
        .device_token
        .clone()
        .ok_or(SyncError::NotConfigured)?;
    let escrow = store.create_server_slot(&settings.server_url)?;
    let client = Client::new(&settings.server_url, Some(token), DEFAULT_TIMEOUT);
    client.post_json::<_, serde_json::Value>(
        ESCROW,
        &EscrowRequest {
            escrow_key: to_hex(&escrow),
        },
        None,
    )?;
    Ok(())
}

/// Kiosk login. Blocking (Argon2id, maybe one HTTP call): call it off the UI thread.
/// Returns the store and, after an online login, the server session.
pub fn login(
    path: &Path,
    username: &str,
    password: &str,
) -> Result<(Store, Option<LoginResponse>), LoginError> {
    // The file is opened by one handle at a time: ask for the server only once the local
    // attempt has failed and closed it.
    let local = match Store::unlock(path, username, password) {
        Ok(store) => return Ok((store, None)),
        Err(e) => e,
    };
    let server = Store::login_server_at(path).map_err(LoginError::Store)?;
    match (local, server) {
        (e @ (StoreError::UnknownUser(_) | StoreError::WrongPassword), Some(url)) => {
            let device_id = Store::device_id_at(path)
                .map_err(LoginError::Store)?
                .ok_or(LoginError::Store(StoreError::UnknownUser(
                    username.to_string(),
                )))?;
            let session = match server_login(&url, device_id, username, password, DEFAULT_TIMEOUT) {
                Ok(s) => s,
                // Offline with a local slot and a wrong password: just a wrong password.
                Err(LoginError::Sync(SyncError::Transport(_)))
                    if matches!(e, StoreError::WrongPassword) =>
                {
                    return Err(LoginError::Store(e));
                }
                Err(other) => return Err(other),
            };
            let escrow = from_hex32(&session.escrow_key)
                .ok_or_else(|| LoginError::Sync(SyncError::Transport("bad escrow key".into())))?;
            let store = Store::unlock_with_server_key(
                path,
                &session.username,
                password,
                &escrow,
                session.role,
                &session.display_name,
            )
            .map_err(LoginError::Store)?;
            log::info!(
                "user {} logged in through the server; credentials cached",
                session.username
            );
            Ok((store, Some(session)))
        }
        (e, _) => Err(LoginError::Store(e)),
    }
}

pub fn server_login(
    url: &str,
    device_id: Uuid,
    username: &str,
    password: &str,
    timeout: Duration,
) -> Result<LoginResponse, LoginError> {
    let client = Client::new(&normalize_url(url), None, timeout);
    let req = LoginRequest {
        device_id,
        username: username.trim().to_string(),
        password: password.to_string(),
    };
    client
        .post_json(LOGIN, &req, None)
        .map_err(LoginError::Sync)
}

/// Who a session token belongs to; an expired token is `SessionExpired`.
pub fn whoami(url: &str, token: &str) -> Result<Me, LoginError> {
    let client = Client::new(&normalize_url(url), None, DEFAULT_TIMEOUT);
    match client.get_json::<Me>(ME, Some(token)) {
        Ok(me) => Ok(me),
        Err(SyncError::Unauthorized) => Err(LoginError::SessionExpired),
        Err(e) => Err(LoginError::Sync(e)),
    }
}
