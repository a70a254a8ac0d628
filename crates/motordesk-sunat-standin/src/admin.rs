//! `GET/POST /admin/fault?mode=...`: lets tests flip the simulated failure while the stand-in
//! runs. Not part of SUNAT's contract.

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
