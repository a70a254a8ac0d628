//! HTTP routes of the sync server. Bodies are parsed by hand so that any malformed
//! request gets a plain 400 with a JSON error body.

use crate::error::ApiError;
use crate::request::{Shared, authenticate, blocking, parse, throttle_check, throttle_failed};
use crate::shops::ShopId;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::HeaderMap;
use axum::response::Json;
use axum::routing::{get, post};
use motordesk_core::protocol::*;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

/// Compares two secrets in time that does not depend on where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn router(state: Shared) -> Router {
    let mut small = Router::new()
        .route(HEALTH, get(health))
        .route(REGISTER, post(register))
        .route(CHANGES, get(changes))
        .merge(crate::accounts::routes())
        .merge(crate::owners::routes())
        .merge(crate::lookup::routes());
    if state.faults.is_some() {
        small = small
            .route(TEST_FAULTS, post(set_faults))
            .route(TEST_INVOICES, get(invoices));
    }
    // Only a push may be big, and it is read after its device token is checked.
    let push = Router::new()
        .route(PUSH, post(push))
        .layer(DefaultBodyLimit::disable());
    small
        .layer(DefaultBodyLimit::max(MAX_SMALL_BODY))
        .merge(push)
        // Backups stream a big body after the token check; restore calls are small.
        .merge(crate::backups::routes())
        .with_state(state)
}

/// The server's clock rides along so a kiosk can warn when its own is off.
async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok", "time_ms": chrono::Utc::now().timestamp_millis()}))
}

async fn register(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RegisterResponse>, ApiError> {
    let req: RegisterRequest = parse("registration", &body)?;
    if req.device_id.is_nil() {
        return Err(ApiError::BadRequest("device_id is required"));
    }
    if req.enrollment_code.len() > crate::enrollment::MAX_CODE_LEN {
        return Err(ApiError::WrongEnrollmentCode);
    }
    let s = state.clone();
    let id = req.device_id;
    // A device id belongs to one shop: where it is registered, only its own token may
    // register it again. Device ids are not secret, so an id alone must never hand over
    // a kiosk's series.
    let home = blocking(move || {
        Ok(match s.shops.home_of(id)? {
            Some(shop) => s
                .shops
                .get(shop)?
                .map(|db| db.device(id))
                .transpose()?
                .flatten()
                .map(|d| (shop, d)),
            None => None,
        })
    })
    .await?;
    let shop = if let Some((shop, existing)) = home {
        let holder = authenticate(&state, &headers).await.ok();
        if holder.is_none_or(|k| k.device.device_id != existing.device_id) {
            log::warn!(
                "refused re-registration of kiosk {} from {addr}",
                existing.kiosk_number
            );
            return Err(ApiError::DeviceTaken);
        }
        shop
    } else {
        let keys = [format!("enroll:{}", addr.ip())];
        throttle_check(&state, &keys).await?;
        let demo = state
            .enrollment_code
            .as_deref()
            .is_some_and(|c| same(c, &req.enrollment_code));
        let s = state.clone();
        let code = req.enrollment_code.clone();
        // The code says which shop the kiosk joins (the reusable demo code: the default).
        let shop = if demo {
            Some(ShopId::DEFAULT)
        } else {
            blocking(move || s.db.consume_enrollment_code(&code)).await?
        };
        let Some(shop) = shop else {
            throttle_failed(&state, &keys).await?;
            log::warn!("wrong enrollment code from {addr}");
            return Err(ApiError::WrongEnrollmentCode);
        };
        shop
    };
    let s = state.clone();
    let name = req.name.chars().take(120).collect::<String>();
    let (device, token) = blocking(move || s.shops.register(shop, req.device_id, &name)).await?;
    log::info!(
        "registered kiosk {} ({}) in shop {shop}",
        device.kiosk_number,
        device.device_id
    );
    Ok(Json(RegisterResponse {
        device_id: device.device_id,
        token,
        kiosk_number: device.kiosk_number,
        series: device.series,
    }))
}

/// Faults planned for this push: (answer 500, delay, drop the connection after apply).
fn take_faults(state: &Shared) -> (bool, Option<Duration>, bool) {
    let Some(plan) = &state.faults else {
        return (false, None, false);
    };
    let mut p = plan.lock().unwrap_or_else(|e| e.into_inner());
    let take = |n: &mut u32| {
        if *n > 0 {
            *n -= 1;
            true
        } else {
            false
        }
    };
    let fail = take(&mut p.fail_next_n_with_500);
    let delay = take(&mut p.delay_next_n).then(|| Duration::from_millis(p.delay_ms));
    let drop_after = !fail && take(&mut p.drop_connection_after_apply_next_n);
    (fail, delay, drop_after)
}

async fn push(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PushResponse>, ApiError> {
    let kiosk = authenticate(&state, &headers).await?;
    let body = axum::body::to_bytes(body, MAX_PUSH_BYTES)
        .await
        .map_err(|_| ApiError::TooLarge(MAX_PUSH_BYTES))?;
    let req: PushRequest = parse("push", &body)?;
    if req.mutations.len() > MAX_BATCH {
        return Err(ApiError::BatchTooLarge(req.mutations.len()));
    }
    let (fail, delay, drop_after) = take_faults(&state);
    if fail {
        return Err(ApiError::InjectedFailure);
    }
    let results = blocking(move || kiosk.db.apply(&kiosk.device, &req.mutations)).await?;
    if let Some(d) = delay {
        // Test fault: a slow answer. The batch is already committed, so a client that
        // gives up meanwhile must get `duplicate` when it retries.
        tokio::time::sleep(d).await;
    }
    if drop_after {
        // Test fault: the batch is committed, but the connection dies before the answer.
        // Unwinding the connection task closes the socket without writing a response.
        std::panic::resume_unwind(Box::new("injected connection drop after apply"));
    }
    Ok(Json(PushResponse { results }))
}

async fn changes(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ChangesResponse>, ApiError> {
    let kiosk = authenticate(&state, &headers).await?;
    if let Some(plan) = &state.faults {
        let mut p = plan.lock().unwrap_or_else(|e| e.into_inner());
        if p.fail_next_n_pulls_with_500 > 0 {
            p.fail_next_n_pulls_with_500 -= 1;
            return Err(ApiError::InjectedFailure);
        }
    }
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
    // `own=1`: a kiosk restored from a backup also takes back the changes it pushed
    // itself (those after its snapshot exist nowhere else); only its own shop's feed.
    let skip = match q.get("own").map(String::as_str) {
        None | Some("0") => kiosk.device.device_id,
        Some("1") => uuid::Uuid::max(),
        Some(_) => return Err(ApiError::BadRequest("bad own")),
    };
    let page = blocking(move || kiosk.db.changes(skip, cursor, limit)).await?;
    Ok(Json(page))
}

async fn set_faults(State(state): State<Shared>, body: Bytes) -> Result<Json<FaultPlan>, ApiError> {
    let plan: FaultPlan = parse("fault plan", &body)?;
    if let Some(f) = &state.faults {
        *f.lock().unwrap_or_else(|e| e.into_inner()) = plan;
    }
    Ok(Json(plan))
}

async fn invoices(State(state): State<Shared>) -> Result<Json<Vec<ServerInvoice>>, ApiError> {
    let s = state.clone();
    Ok(Json(blocking(move || s.db.invoices()).await?))
}
