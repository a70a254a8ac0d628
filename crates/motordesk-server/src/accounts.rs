//! Server accounts: users with Argon2id password hashes (PHC strings), session tokens
//! with an expiry, and each kiosk's escrow key (see `store::server_slot`), released only
//! to a user who logs in with the right password.

use crate::db::{DbError, DbResult, ServerDb, new_token, token_hash};
use crate::error::ApiError;
use crate::request::{
    Shared, authenticate, blocking, parse, throttle_check, throttle_failed, throttle_succeeded,
};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Json;
use axum::routing::{get, post};
use chacha20poly1305::aead::OsRng;
use chrono::{DateTime, Utc};
use motordesk_core::Role;
use motordesk_core::protocol::*;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use uuid::Uuid;

pub(crate) fn escrow_name(device: Uuid) -> String {
    format!("escrow:{device}")
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Session {
    pub(crate) username: String,
    pub(crate) role: Role,
    pub(crate) expires_at: DateTime<Utc>,
}

#[derive(Debug)]
pub enum LoginOutcome {
    Ok(LoginResponse),
    BadCredentials,
    /// The device never handed over its escrow key (registered before accounts existed).
    NoEscrow,
}

pub(crate) fn hash_password(password: &str) -> DbResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .map_err(DbError::PasswordHash)
}

pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// `name:password:role` (role `admin` or `cajero`) from the command line.
pub fn parse_user_spec(spec: &str) -> Result<(String, String, Role), String> {
    let mut parts = spec.splitn(3, ':');
    let (Some(name), Some(pw), Some(role)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("--add-user wants NAME:PASSWORD:ROLE, got {spec:?}"));
    };
    let role = match role.to_ascii_lowercase().as_str() {
        "admin" | "administrador" => Role::Administrador,
        "cajero" | "cashier" => Role::Cajero,
        other => return Err(format!("unknown role {other:?} (admin or cajero)")),
    };
    if name.trim().is_empty() || name.starts_with('@') || pw.is_empty() {
        return Err("user name and password must not be empty".into());
    }
    Ok((name.trim().to_string(), pw.to_string(), role))
}

impl ServerDb {
    /// Seals escrow keys stored in the clear by older servers; returns how many.
    pub fn seal_legacy_escrows(&self) -> DbResult<usize> {
        self.write(|t| {
            let plain: Vec<(Uuid, Vec<u8>)> = t
                .escrows()?
                .into_iter()
                .filter(|(_, v)| v.len() == 32)
                .collect();
            for (id, key) in &plain {
                let sealed = self.sealer().seal(&escrow_name(*id), key);
                t.put_escrow(*id, &sealed)?;
            }
            Ok(plain.len())
        })
    }

    /// Creates or replaces a user (password re-hashed).
    pub fn put_user(
        &self,
        username: &str,
        password: &str,
        display_name: &str,
        role: Role,
    ) -> DbResult<()> {
        let user = ServerUser {
            username: username.to_string(),
            display_name: display_name.to_string(),
            role,
            password_hash: hash_password(password)?,
            active: true,
        };
        self.write(|t| t.put_user(&user))
    }

    pub fn set_escrow(&self, device: Uuid, key: &[u8; 32]) -> DbResult<()> {
        let sealed = self.sealer().seal(&escrow_name(device), key);
        self.write(|t| t.put_escrow(device, &sealed))
    }

    pub fn login(&self, req: &LoginRequest, ttl: chrono::Duration) -> DbResult<LoginOutcome> {
        let (user, escrow) =
            self.read(|t| Ok((t.user(req.username.as_str())?, t.escrow(req.device_id)?)))?;
        // Verify even for unknown users so timing does not tell who exists.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default());
        let ok = verify_password(
            &req.password,
            user.as_ref()
                .map_or(dummy.as_str(), |u| u.password_hash.as_str()),
        );
        let Some(user) = user.filter(|u| ok && u.active) else {
            return Ok(LoginOutcome::BadCredentials);
        };
        let Some(escrow) = escrow else {
            return Ok(LoginOutcome::NoEscrow);
        };
        let escrow = self
            .sealer()
            .open(&escrow_name(req.device_id), &escrow)
            .map_err(DbError::Seal)?;
        let token = self.shop_id().tag(new_token());
        let session = Session {
            username: user.username.clone(),
            role: user.role,
            expires_at: Utc::now() + ttl,
        };
        let hash = token_hash(&token);
        self.write(|t| t.put_session(&hash, &session))?;
        Ok(LoginOutcome::Ok(LoginResponse {
            username: user.username,
            display_name: user.display_name,
            role: user.role,
            token,
            expires_at: session.expires_at,
            escrow_key: to_hex(&escrow),
        }))
    }

    /// The session behind a token, if it exists and has not expired.
    pub fn session(&self, token: &str) -> DbResult<Option<Me>> {
        if crate::shops::ShopId::of_token(token) != Some(self.shop_id()) {
            return Ok(None);
        }
        let hash = token_hash(token);
        let Some(s) = self.read(|t| t.session(&hash))? else {
            return Ok(None);
        };
        Ok((s.expires_at > Utc::now()).then_some(Me {
            username: s.username,
            role: s.role,
            expires_at: s.expires_at,
        }))
    }
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(LOGIN, post(login))
        .route(ME, get(me))
        .route(ESCROW, post(escrow))
}

/// A password check: only for a registered kiosk (its login key), and throttled per
/// account and per client address (`throttle`): early attempts get 429 without the
/// password being looked at.
async fn login(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<LoginResponse>, ApiError> {
    let req: LoginRequest = parse("login", &body)?;
    if req.username.len() > 100 || req.password.len() > 1_000 {
        return Err(ApiError::Unauthorized("wrong user or password"));
    }
    let keys = [
        format!("user:{}", req.username.trim().to_lowercase()),
        format!("ip:{}", addr.ip()),
    ];
    throttle_check(&state, &keys).await?;
    let login_key = headers
        .get(DEVICE_LOGIN_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let s = state.clone();
    let device = req.device_id;
    // A login names only its device: the registry says which shop's users to ask.
    let home = blocking(move || {
        let Some(shop) = s.shops.home_of(device)? else {
            return Ok(None);
        };
        let Some(db) = s.shops.get(shop)? else {
            return Ok(None);
        };
        Ok(db.device(device)?.map(|d| (d, db)))
    })
    .await?;
    let (known, db) = match home {
        Some((d, db)) => (
            d.login_key_hash
                .is_some_and(|h| crate::routes::same(&h, &token_hash(&login_key))),
            Some(db),
        ),
        None => (false, None),
    };
    if !known {
        throttle_failed(&state, &keys).await?;
        log::warn!(
            "login for {} from {addr}: unknown kiosk or login key",
            keys[0]
        );
        return Err(ApiError::Unauthorized("this kiosk is not registered here"));
    }
    let Some(db) = db else {
        return Err(ApiError::Unauthorized("this kiosk is not registered here"));
    };
    let ttl = state.user_token_ttl;
    match blocking(move || db.login(&req, ttl)).await? {
        LoginOutcome::Ok(resp) => {
            throttle_succeeded(&state, &keys).await?;
            Ok(Json(resp))
        }
        LoginOutcome::BadCredentials => {
            throttle_failed(&state, &keys).await?;
            log::warn!("failed login for {} from {addr}", keys[0]);
            Err(ApiError::Unauthorized("wrong user or password"))
        }
        LoginOutcome::NoEscrow => Err(ApiError::NoEscrow),
    }
}

async fn me(State(state): State<Shared>, headers: HeaderMap) -> Result<Json<Me>, ApiError> {
    let token = headers
        .get(USER_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or(ApiError::Unauthorized("missing user token"))?;
    let s = state.clone();
    blocking(move || {
        // The token names its shop; a malformed or unknown one is nobody's session.
        match crate::shops::ShopId::of_token(&token) {
            Some(shop) => match s.shops.get(shop)? {
                Some(db) => db.session(&token),
                None => Ok(None),
            },
            None => Ok(None),
        }
    })
    .await?
    .map(Json)
    .ok_or(ApiError::Unauthorized("unknown or expired user token"))
}

async fn escrow(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let kiosk = authenticate(&state, &headers).await?;
    let req: EscrowRequest = parse("escrow", &body)?;
    let key = from_hex32(&req.escrow_key)
        .ok_or(ApiError::BadRequest("escrow_key must be 64 hex characters"))?;
    let login_key = match &req.login_key {
        Some(k) if from_hex32(k).is_some() => Some(k.clone()),
        Some(_) => return Err(ApiError::BadRequest("login_key must be 64 hex characters")),
        None => None,
    };
    let (db, id) = (kiosk.db, kiosk.device.device_id);
    blocking(move || {
        db.set_escrow(id, &key)?;
        match login_key {
            Some(k) => db.set_login_key(id, &k),
            None => Ok(()),
        }
    })
    .await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}
