//! `motordesk-lookup-standin`: a local stand-in for the RUC/DNI lookup providers
//! MotorDesk's server proxies (apis.net.pe v2 and Decolecta), for tests and development.
//! A real HTTP server with a few fixture RUCs and DNIs (ACTIVO/HABIDO, BAJA DE OFICIO,
//! NO HABIDO, a person), numbers that make it fail the way providers fail (401, 403,
//! 404, 422, 429, 500, too slow, not JSON, too big), and a request counter so a test can
//! prove a cached answer never reached it.
//!
//! Routes: `GET /v2/sunat/ruc?numero=` and `/v2/reniec/dni?numero=` (apis.net.pe v2),
//! `GET /v1/sunat/ruc?numero=` and `/v1/reniec/dni?numero=` (Decolecta);
//! `GET /admin/requests` (counts), `POST /admin/fault?mode=` (every answer fails).
//! It shares no code with the server it stands in front of.

mod fixtures;
mod shapes;

pub use fixtures::{Fault, PEOPLE, SLOW, TAXPAYERS, fault_for};
pub use shapes::Dialect;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the stand-in behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// The bearer token it accepts; any other gets 401.
    pub token: String,
    /// How long `Fault::Slow` waits.
    pub slow: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            token: "standin-token".into(),
            slow: SLOW,
        }
    }
}

/// Shared by the routes.
pub struct Standin {
    options: Options,
    /// Every lookup request that arrived, per number (`ruc:N` / `dni:N`), authorised or not.
    requests: Mutex<BTreeMap<String, u64>>,
    /// Set by `POST /admin/fault`: every lookup fails this way.
    fault: Mutex<Option<Fault>>,
}

impl Standin {
    pub fn new(options: Options) -> Arc<Standin> {
        Arc::new(Standin {
            options,
            requests: Mutex::new(BTreeMap::new()),
            fault: Mutex::new(None),
        })
    }

    /// Lookup requests that arrived in all.
    pub fn total_requests(&self) -> u64 {
        self.lock_requests().values().sum()
    }

    /// Lookup requests that arrived for `kind` (`ruc`/`dni`) and `number`.
    pub fn requests_for(&self, kind: &str, number: &str) -> u64 {
        self.lock_requests()
            .get(&format!("{kind}:{number}"))
            .copied()
            .unwrap_or(0)
    }

    /// Makes every lookup fail this way (`None`: answer normally again).
    pub fn set_fault(&self, fault: Option<Fault>) {
        *self.fault.lock().unwrap_or_else(|e| e.into_inner()) = fault;
    }

    fn lock_requests(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn router(state: Arc<Standin>) -> Router {
    Router::new()
        .route("/v2/sunat/ruc", get(ruc_apisnet))
        .route("/v2/reniec/dni", get(dni_apisnet))
        .route("/v1/sunat/ruc", get(ruc_decolecta))
        .route("/v1/reniec/dni", get(dni_decolecta))
        .route("/admin/requests", get(requests))
        .route("/admin/fault", post(set_fault))
        .with_state(state)
}

type Q = Query<HashMap<String, String>>;

async fn ruc_apisnet(State(s): State<Arc<Standin>>, h: HeaderMap, Query(q): Q) -> Response {
    answer(&s, &h, &q, "ruc", Dialect::ApisNetV2).await
}
async fn dni_apisnet(State(s): State<Arc<Standin>>, h: HeaderMap, Query(q): Q) -> Response {
    answer(&s, &h, &q, "dni", Dialect::ApisNetV2).await
}
async fn ruc_decolecta(State(s): State<Arc<Standin>>, h: HeaderMap, Query(q): Q) -> Response {
    answer(&s, &h, &q, "ruc", Dialect::Decolecta).await
}
async fn dni_decolecta(State(s): State<Arc<Standin>>, h: HeaderMap, Query(q): Q) -> Response {
    answer(&s, &h, &q, "dni", Dialect::Decolecta).await
}

fn status(code: StatusCode, message: &str) -> Response {
    (code, axum::Json(shapes::error(message))).into_response()
}

async fn answer(
    s: &Standin,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    kind: &str,
    dialect: Dialect,
) -> Response {
    let number = q.get("numero").map(String::as_str).unwrap_or("");
    *s.lock_requests()
        .entry(format!("{kind}:{number}"))
        .or_default() += 1;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(s.options.token.as_str()) {
        return status(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let digits = if kind == "ruc" { 11 } else { 8 };
    if number.len() != digits || !number.bytes().all(|b| b.is_ascii_digit()) {
        return status(StatusCode::UNPROCESSABLE_ENTITY, "numero invalido");
    }
    let forced = *s.fault.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(f) = forced.or_else(|| fault_for(number, s.options.slow)) {
        return fault(f, number, dialect).await;
    }
    let body = match kind {
        "ruc" => fixtures::taxpayer(number).map(|t| shapes::taxpayer(dialect, t, number)),
        _ => fixtures::person(number).map(|p| shapes::person(dialect, p)),
    };
    match body {
        Some(b) => axum::Json(b).into_response(),
        None => status(StatusCode::NOT_FOUND, "not found"),
    }
}

async fn fault(f: Fault, number: &str, dialect: Dialect) -> Response {
    match f {
        Fault::Unauthorized => status(StatusCode::UNAUTHORIZED, "Unauthorized"),
        Fault::Forbidden => status(StatusCode::FORBIDDEN, "IP bloqueada"),
        Fault::Unprocessable => status(StatusCode::UNPROCESSABLE_ENTITY, "numero invalido"),
        Fault::RateLimited => {
            let mut r = status(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
            r
        }
        Fault::ServerError => status(StatusCode::INTERNAL_SERVER_ERROR, "error interno"),
        Fault::Slow(d) => {
            tokio::time::sleep(d).await;
            status(StatusCode::NOT_FOUND, "not found")
        }
        Fault::Malformed => (
            [(header::CONTENT_TYPE, "application/json")],
            "{\"razonSocial\": \"SIN CIERRE",
        )
            .into_response(),
        Fault::Oversized => {
            let pad = "X".repeat(100 * 1024);
            axum::Json(json!({ "razonSocial": "GRANDE S.A.C.", "numeroDocumento": number, "relleno": pad }))
                .into_response()
        }
        Fault::WrongNumber => {
            let other = &fixtures::TAXPAYERS[0];
            axum::Json(shapes::taxpayer(dialect, other, other.ruc)).into_response()
        }
    }
}

async fn requests(State(s): State<Arc<Standin>>) -> axum::Json<serde_json::Value> {
    let by = s.lock_requests().clone();
    axum::Json(json!({ "total": by.values().sum::<u64>(), "by_number": by }))
}

async fn set_fault(State(s): State<Arc<Standin>>, Query(q): Q) -> Response {
    let mode = q.get("mode").map(String::as_str).unwrap_or("");
    let f = match mode {
        "none" => None,
        "401" => Some(Fault::Unauthorized),
        "403" => Some(Fault::Forbidden),
        "422" => Some(Fault::Unprocessable),
        "429" => Some(Fault::RateLimited),
        "500" => Some(Fault::ServerError),
        "slow" => Some(Fault::Slow(s.options.slow)),
        "malformed" => Some(Fault::Malformed),
        "oversized" => Some(Fault::Oversized),
        _ => {
            return status(
                StatusCode::BAD_REQUEST,
                "mode: none|401|403|422|429|500|slow|malformed|oversized",
            );
        }
    };
    s.set_fault(f);
    axum::Json(json!({ "mode": mode })).into_response()
}

/// Serves until the future is dropped or the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<Standin>) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

/// A stand-in running on its own thread and runtime on a free loopback port, for tests
/// that are not async themselves. Stops when dropped.
pub struct Running {
    pub state: Arc<Standin>,
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn start(options: Options) -> std::io::Result<Running> {
        let state = Standin::new(options);
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let s = state.clone();
        let thread = std::thread::Builder::new()
            .name("lookup-standin".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = addr_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = addr_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = addr_tx.send(listener.local_addr());
                    tokio::select! {
                        _ = serve(listener, s) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        let addr = addr_rx
            .recv()
            .map_err(|_| std::io::Error::other("the stand-in thread ended early"))??;
        Ok(Running {
            state,
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/v2`: the base URL of the apis.net.pe v2 dialect.
    pub fn apisnet_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`: the base URL of the Decolecta dialect.
    pub fn decolecta_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
