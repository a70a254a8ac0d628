//! `GET/POST /admin/fault?mode=...`: lets tests flip the simulated failure while the stand-in
//! runs; `GET /admin/sends`: how many sendBill calls each document got and how many of
//! them came after SUNAT had registered the number (`NAME CALLS REPEATS` lines), so tests
//! can prove nothing was sent twice. Not part of SUNAT's contract.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::app::Shared;
use crate::faults::FaultMode;

/// Shows the current mode.
pub async fn show(State(app): State<Shared>) -> Response {
    format!("{}\n", app.faults.get().name()).into_response()
}

/// Sets the mode from `?mode=`.
pub async fn set(State(app): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let mode = q.get("mode").map(String::as_str).unwrap_or("none");
    match FaultMode::parse(mode) {
        Ok(m) => {
            app.faults.set(m);
            eprintln!("fault mode: {}", m.name());
            format!("{}\n", m.name()).into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

/// One `NAME CALLS REPEATS` line per document that reached sendBill (authenticated).
pub async fn sends(State(app): State<Shared>) -> Response {
    let sends = app.sends.lock().unwrap_or_else(|e| e.into_inner());
    sends
        .iter()
        .map(|(name, n)| format!("{name} {} {}\n", n.calls, n.repeats))
        .collect::<String>()
        .into_response()
}
