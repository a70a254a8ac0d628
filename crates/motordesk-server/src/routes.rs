//! HTTP routes of the sync server. Bodies are parsed by hand so that any malformed
//! request gets a plain 400 with a JSON error body.

use crate::AppState;
use crate::db::{DbError, Device};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use motordesk_core::protocol::*;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

type Shared = Arc<AppState>;

pub fn router(state: Shared) -> Router {
    let mut r = Router::new()
        .route(HEALTH, get(health))
        .route(REGISTER, post(register))
        .route(PUSH, post(push))
        .route(CHANGES, get(changes))
        .merge(crate::accounts::routes());
    if state.faults.is_some() {
        r = r
            .route(TEST_FAULTS, post(set_faults))
            .route(TEST_INVOICES, get(invoices));
    }
    r.layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(state)
}

pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(ErrorBody {
            error: message.into(),
        }),
    )
        .into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    log::error!("server: {e}");
    error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

async fn health() -> Response {
    Json(serde_json::json!({"status": "ok"})).into_response()
}

/// Runs blocking database work off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DbError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(internal(e)),
        Err(e) => Err(internal(e)),
    }
}

pub(crate) async fn authenticate(state: &Shared, headers: &HeaderMap) -> Result<Device, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Err(error(StatusCode::UNAUTHORIZED, "missing bearer token"));
    };
    let s = state.clone();
    match blocking(move || s.db.authenticate(&token)).await? {
        Some(d) => Ok(d),
        None => Err(error(StatusCode::UNAUTHORIZED, "unknown device token")),
    }
}

async fn register(State(state): State<Shared>, body: Bytes) -> Response {
    let req: RegisterRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("malformed registration: {e}"),
            );
        }
    };
    if req.enrollment_code != state.enrollment_code {
        return error(StatusCode::FORBIDDEN, "wrong enrollment code");
    }
    if req.device_id.is_nil() {
        return error(StatusCode::BAD_REQUEST, "device_id is required");
    }
    let s = state.clone();
    let name = req.name.chars().take(120).collect::<String>();
    let result = tokio::task::spawn_blocking(move || s.db.register(req.device_id, &name)).await;
    match result {
        Ok(Ok((device, token))) => {
            log::info!(
                "registered kiosk {} ({})",
                device.kiosk_number,
                device.device_id
            );
            Json(RegisterResponse {
                device_id: device.device_id,
                token,
                kiosk_number: device.kiosk_number,
                series: device.series,
            })
            .into_response()
        }
        Ok(Err(DbError::TooManyKiosks)) => {
            error(StatusCode::CONFLICT, DbError::TooManyKiosks.to_string())
        }
        Ok(Err(e)) => internal(e),
        Err(e) => internal(e),
    }
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

async fn push(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let device = match authenticate(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let req: PushRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("malformed push: {e}")),
    };
    if req.mutations.len() > MAX_BATCH {
        return error(
            StatusCode::BAD_REQUEST,
            format!("batch of {} exceeds {MAX_BATCH}", req.mutations.len()),
        );
    }
    let (fail, delay, drop_after) = take_faults(&state);
    if fail {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "injected failure");
    }
    let s = state.clone();
    let results = match blocking(move || s.db.apply(&device, &req.mutations)).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
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
    Json(PushResponse { results }).into_response()
}

async fn changes(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let device = match authenticate(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let cursor = match q.get("cursor").map(|c| c.trim()).unwrap_or("") {
        "" => 0,
        c => match c.parse::<u64>() {
            Ok(n) => n,
            Err(_) => return error(StatusCode::BAD_REQUEST, "bad cursor"),
        },
    };
    let limit = match q.get("limit") {
        None => 200,
        Some(l) => match l.parse::<usize>() {
            Ok(n) => n.clamp(1, MAX_PULL),
            Err(_) => return error(StatusCode::BAD_REQUEST, "bad limit"),
        },
    };
    let s = state.clone();
    match blocking(move || s.db.changes(device.device_id, cursor, limit)).await {
        Ok(page) => Json(page).into_response(),
        Err(resp) => resp,
    }
}

async fn set_faults(State(state): State<Shared>, body: Bytes) -> Response {
    let plan: FaultPlan = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("malformed fault plan: {e}"),
            );
        }
    };
    if let Some(f) = &state.faults {
        *f.lock().unwrap_or_else(|e| e.into_inner()) = plan;
    }
    Json(plan).into_response()
}

async fn invoices(State(state): State<Shared>) -> Response {
    let s = state.clone();
    match blocking(move || s.db.invoices()).await {
        Ok(list) => Json(list).into_response(),
        Err(resp) => resp,
    }
}
