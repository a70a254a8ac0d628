//! Owner accounts of a chain: a person who logs in from anywhere (no kiosk) and reads
//! the shops the registry says are theirs — the list, and each one's change feed (every
//! customer, vehicle, document and SUNAT state) — and nothing else: owners never write,
//! and a shop that is not theirs answers exactly as a shop that does not exist.
//!
//! Owners and their sessions live in the registry (the default shop's store); owner
//! tokens are `owner.<secret>`, which no shop's device or user lookup accepts.

use crate::db::{DbError, DbResult, ServerDb, new_token, token_hash};
use crate::error::ApiError;
use crate::request::{
    Shared, blocking, parse, throttle_check, throttle_failed, throttle_succeeded,
};
use crate::shops::{MAX_SHOPS, Shop, ShopId};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Json;
use axum::routing::{get, post};
use chacha20poly1305::aead::OsRng;
use chrono::{DateTime, Utc};
use motordesk_core::protocol::{ChangesResponse, MAX_PULL};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::SocketAddr;

pub const OWNER_LOGIN: &str = "/v1/owner/login";
pub const OWNER_SHOPS: &str = "/v1/owner/shops";
/// `/v1/owner/shops/{id}/changes?cursor=&limit=`: one shop's feed, read-only.
pub const OWNER_SHOP_CHANGES: &str = "/v1/owner/shops/{id}/changes";
/// Longest owner name, in bytes.
pub const MAX_OWNER_NAME: usize = 100;
/// Longest password read from a request, in bytes.
const MAX_PASSWORD: usize = 1_000;
/// An owner session lasts this long.
const OWNER_SESSION_HOURS: i64 = 12;
/// Owner tokens carry this prefix; no shop's token does.
const OWNER_TOKEN_PREFIX: &str = "owner.";

/// An owner account: who, the password's Argon2id hash, and which shops.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Owner {
    pub name: String,
    pub password_hash: String,
    pub shops: Vec<ShopId>,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerSession {
    pub name: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerLoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerLoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub shops: Vec<Shop>,
}

/// Why an owner could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum OwnerError {
    #[error("owner name must have 1 to {MAX_OWNER_NAME} bytes, no spaces or control characters")]
    Name,
    #[error("owner password must have 8 to {MAX_PASSWORD} bytes")]
    Password,
    #[error("an owner has 1 to {MAX_SHOPS} shops")]
    ShopCount,
    #[error(transparent)]
    Db(#[from] DbError),
}

fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

impl ServerDb {
    /// Creates or replaces owner `name` with these shops (each must exist).
    pub fn put_owner(
        &self,
        name: &str,
        password: &str,
        shops: &[ShopId],
    ) -> Result<(), OwnerError> {
        let name = name.trim();
        if name.is_empty()
            || name.len() > MAX_OWNER_NAME
            || name.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(OwnerError::Name);
        }
        if password.len() < 8 || password.len() > MAX_PASSWORD {
            return Err(OwnerError::Password);
        }
        let mut shops = shops.to_vec();
        shops.sort();
        shops.dedup();
        if shops.is_empty() || shops.len() > MAX_SHOPS as usize + 1 {
            return Err(OwnerError::ShopCount);
        }
        for id in &shops {
            if !id.is_default() && self.shop(*id)?.is_none() {
                return Err(OwnerError::Db(DbError::NoSuchShop(*id)));
            }
        }
        let owner = Owner {
            name: name.to_string(),
            password_hash: Argon2::default()
                .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
                .map_err(DbError::PasswordHash)?
                .to_string(),
            shops,
            active: true,
        };
        Ok(self.write(|t| t.put_owner(&owner))?)
    }

    /// A session for `req`, or `None` for a wrong name or password.
    pub fn owner_login(&self, req: &OwnerLoginRequest) -> DbResult<Option<OwnerLoginResponse>> {
        let owner = self.read(|t| t.owner(req.username.trim()))?;
        // Verify even for unknown names so timing does not tell who exists.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| {
            Argon2::default()
                .hash_password(b"not a password", &SaltString::generate(&mut OsRng))
                .map(|h| h.to_string())
                .unwrap_or_default()
        });
        let ok = verify(
            &req.password,
            owner.as_ref().map_or(dummy.as_str(), |o| &o.password_hash),
        );
        let Some(owner) = owner.filter(|o| ok && o.active) else {
            return Ok(None);
        };
        let token = format!("{OWNER_TOKEN_PREFIX}{}", new_token());
        let session = OwnerSession {
            name: owner.name.clone(),
            expires_at: Utc::now() + chrono::Duration::hours(OWNER_SESSION_HOURS),
        };
        let hash = token_hash(&token);
        self.write(|t| t.put_owner_session(&hash, &session))?;
        Ok(Some(OwnerLoginResponse {
            token,
            expires_at: session.expires_at,
            shops: self.shops_of(&owner)?,
        }))
    }

    /// The owner behind an unexpired owner token (read again: a shop taken away is gone
    /// at once).
    pub fn owner_by_token(&self, token: &str) -> DbResult<Option<Owner>> {
        if !token.starts_with(OWNER_TOKEN_PREFIX) {
            return Ok(None);
        }
        let hash = token_hash(token);
        self.read(|t| {
            let Some(s) = t.owner_session(&hash)? else {
                return Ok(None);
            };
            if s.expires_at <= Utc::now() {
                return Ok(None);
            }
            Ok(t.owner(&s.name)?.filter(|o| o.active))
        })
    }

    /// The registered shops of `owner`; the default shop as shop 0 without a RUC.
    fn shops_of(&self, owner: &Owner) -> DbResult<Vec<Shop>> {
        let registered = self.shops()?;
        Ok(owner
            .shops
            .iter()
            .filter_map(|id| {
                if id.is_default() {
                    return Some(Shop {
                        id: ShopId::DEFAULT,
                        ruc: String::new(),
                        establishment: String::new(),
                        name: "principal".into(),
                        created_at: DateTime::<Utc>::UNIX_EPOCH,
                    });
                }
                registered.iter().find(|s| s.id == *id).cloned()
            })
            .collect())
    }
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(OWNER_LOGIN, post(login))
        .route(OWNER_SHOPS, get(shops))
        .route(OWNER_SHOP_CHANGES, get(changes))
}

async fn login(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Json<OwnerLoginResponse>, ApiError> {
    let req: OwnerLoginRequest = parse("owner login", &body)?;
    if req.username.len() > MAX_OWNER_NAME || req.password.len() > MAX_PASSWORD {
        return Err(ApiError::Unauthorized("wrong owner or password"));
    }
    let keys = [
        format!("owner:{}", req.username.trim().to_lowercase()),
        format!("ip:{}", addr.ip()),
    ];
    throttle_check(&state, &keys).await?;
    let s = state.clone();
    match blocking(move || s.shops.registry().owner_login(&req)).await? {
        Some(resp) => {
            throttle_succeeded(&state, &keys).await?;
            Ok(Json(resp))
        }
        None => {
            throttle_failed(&state, &keys).await?;
            log::warn!("failed owner login for {} from {addr}", keys[0]);
            Err(ApiError::Unauthorized("wrong owner or password"))
        }
    }
}

/// The owner whose bearer token the request carries.
async fn owner(state: &Shared, headers: &HeaderMap) -> Result<Owner, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or(ApiError::Unauthorized("missing owner token"))?;
    let s = state.clone();
    blocking(move || s.shops.registry().owner_by_token(&token))
        .await?
        .ok_or(ApiError::Unauthorized("unknown or expired owner token"))
}

async fn shops(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Json<Vec<Shop>>, ApiError> {
    let owner = owner(&state, &headers).await?;
    let s = state.clone();
    Ok(Json(
        blocking(move || s.shops.registry().shops_of(&owner)).await?,
    ))
}

async fn changes(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ChangesResponse>, ApiError> {
    let owner = owner(&state, &headers).await?;
    // Not theirs and not there answer alike: the owner learns nothing of other shops.
    let shop = id
        .parse::<ShopId>()
        .ok()
        .filter(|id| owner.shops.contains(id))
        .ok_or(ApiError::NotFound("no such shop"))?;
    let cursor = match q.get("cursor").map(|c| c.trim()).unwrap_or("") {
        "" => 0,
        c => c
            .parse::<u64>()
            .map_err(|_| ApiError::BadRequest("bad cursor"))?,
    };
    let limit = match q.get("limit") {
        None => 200,
        Some(l) => l
            .parse::<usize>()
            .map_err(|_| ApiError::BadRequest("bad limit"))?
            .clamp(1, MAX_PULL),
    };
    let s = state.clone();
    let page = blocking(move || {
        let db = s.shops.get(shop)?.ok_or(DbError::NoSuchShop(shop))?;
        // The max id is no device's (and not the server's own nil origin of SUNAT
        // states): every change of the shop is in the page.
        db.changes(uuid::Uuid::max(), cursor, limit)
    })
    .await?;
    Ok(Json(page))
}
