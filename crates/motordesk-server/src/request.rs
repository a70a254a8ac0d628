//! What handlers share: running database work off the async workers and finding the
//! device behind a bearer token. Its own file so that the route modules (`routes`,
//! `accounts`) depend on it and never on each other.

use crate::AppState;
use crate::db::{DbError, ServerDb};
use crate::device::Device;
use crate::error::ApiError;
use crate::shops::ShopId;
use axum::http::{HeaderMap, header};
use std::sync::Arc;

pub(crate) type Shared = Arc<AppState>;

/// Runs blocking database work off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DbError> + Send + 'static,
) -> Result<T, ApiError> {
    Ok(tokio::task::spawn_blocking(f).await??)
}

/// A registered kiosk making a request, and its shop's store: the only data its
/// handler may touch (`shops`).
pub(crate) struct Kiosk {
    pub device: Device,
    pub db: Arc<ServerDb>,
}

/// The device whose bearer token the request carries, in the shop the token names; 401
/// without one, or with an unknown one (of any shop, or of none).
pub(crate) async fn authenticate(state: &Shared, headers: &HeaderMap) -> Result<Kiosk, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized("missing bearer token"))?;
    let shop = ShopId::of_token(&token).ok_or(ApiError::Unauthorized("unknown device token"))?;
    let s = state.clone();
    blocking(move || {
        let Some(db) = s.shops.get(shop)? else {
            return Ok(None);
        };
        Ok(db.authenticate(&token)?.map(|device| Kiosk { device, db }))
    })
    .await?
    .ok_or(ApiError::Unauthorized("unknown device token"))
}

/// Parses a JSON body by hand, so a malformed one is a 400 with an `ErrorBody`
/// (`what` names the request in the message: "malformed push: ...").
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    what: &'static str,
    body: &[u8],
) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|source| ApiError::Malformed { what, source })
}

/// `check`, `failed`, `succeeded` of the login/enrollment throttle: in memory for a lone
/// server, in the database when instances share it.
pub(crate) async fn throttle_check(state: &Shared, keys: &[String]) -> Result<(), ApiError> {
    let verdict = if state.db.is_shared() {
        let (s, k) = (state.clone(), keys.to_vec());
        blocking(move || s.db.throttle_check(&k)).await?
    } else {
        state.throttle.check(keys)
    };
    verdict.map_err(ApiError::TooManyAttempts)
}

pub(crate) async fn throttle_failed(state: &Shared, keys: &[String]) -> Result<(), ApiError> {
    if state.db.is_shared() {
        let (s, k) = (state.clone(), keys.to_vec());
        blocking(move || s.db.throttle_failed(&k)).await
    } else {
        state.throttle.failed(keys);
        Ok(())
    }
}

pub(crate) async fn throttle_succeeded(state: &Shared, keys: &[String]) -> Result<(), ApiError> {
    if state.db.is_shared() {
        let (s, k) = (state.clone(), keys.to_vec());
        blocking(move || s.db.throttle_succeeded(&k)).await
    } else {
        state.throttle.succeeded(keys);
        Ok(())
    }
}
