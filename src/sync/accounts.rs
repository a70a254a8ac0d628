//! Accounts over the network: the login protocol types and the kiosk's login.
//!
//! `login` tries the local key slot first (works offline). A user without a local slot
//! (or whose local password no longer opens it) is checked by the server, which answers
//! with a session token and the kiosk's escrow key; the kiosk opens the store with it and
//! caches the user's credentials so the next login needs no network.

use crate::store::{Store, StoreError};
use crate::sync::client::{Client, DEFAULT_TIMEOUT, normalize_url};
use crate::sync::error::SyncError;
use motordesk_core::protocol::{
    DEVICE_LOGIN_KEY_HEADER, ESCROW, EscrowRequest, LOGIN, LoginRequest, LoginResponse, ME, Me,
    from_hex32, to_hex,
};
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

/// A login that failed, with what the cashier should read.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The local store refused (unknown user, wrong password) or failed.
    #[error("{0}")]
    Store(#[source] StoreError),
    /// The server login failed (offline, refused, bad answer).
    #[error("{0}")]
    Sync(#[source] SyncError),
    /// The server's session expired: log in again.
    #[error("session token expired")]
    SessionExpired,
}

impl LoginError {
    /// What the cashier reads on screen (Spanish).
    pub fn mensaje(&self) -> String {
        match self {
            LoginError::Store(e) => e.mensaje(),
            LoginError::Sync(SyncError::Unauthorized) => "Usuario o contraseña incorrectos.".into(),
            LoginError::Sync(SyncError::Transport(_) | SyncError::BadEscrowKey) => {
                "Usuario no registrado en este equipo y no hay conexión con el servidor para verificarlo.".into()
            }
            LoginError::Sync(e) => e.mensaje(),
            LoginError::SessionExpired => "La sesión expiró; vuelva a ingresar.".into(),
        }
    }
}

/// After registration: hand the server this kiosk's escrow key so users it knows can log
/// in here the first time. Blocking.
pub(super) fn enable_server_login(store: &Store) -> Result<(), SyncError> {
    let settings = store.settings()?;
    let token = settings
        .device_token
        .clone()
        .ok_or(SyncError::NotConfigured)?;
    let (escrow, login_key) = store.create_server_slot(&settings.server_url)?;
    let client = Client::new(&settings.server_url, Some(token), DEFAULT_TIMEOUT);
    client.post_json::<_, serde_json::Value>(
        ESCROW,
        &EscrowRequest {
            escrow_key: to_hex(&escrow),
            login_key: Some(login_key),
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
            let login_key = Store::login_key_at(path)
                .map_err(LoginError::Store)?
                .unwrap_or_default();
            let session = match server_login(
                &url,
                device_id,
                &login_key,
                username,
                password,
                DEFAULT_TIMEOUT,
            ) {
                Ok(s) => s,
                // Offline with a local slot and a wrong password: just a wrong password.
                Err(LoginError::Sync(SyncError::Transport(_)))
                    if matches!(e, StoreError::WrongPassword) =>
                {
                    return Err(LoginError::Store(e));
                }
                Err(other) => return Err(other),
            };
            let escrow =
                from_hex32(&session.escrow_key).ok_or(LoginError::Sync(SyncError::BadEscrowKey))?;
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

pub(super) fn server_login(
    url: &str,
    device_id: Uuid,
    login_key: &str,
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
        .post_json_with(LOGIN, &req, &[(DEVICE_LOGIN_KEY_HEADER, login_key)])
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
