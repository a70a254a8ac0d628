//! The stand-in's shared state and its HTTP routes: SOAP on any path ending in `billService`
//! or `billConsultService` (so SUNAT's beta/production paths and short ones all work), and the
//! admin endpoint for switching faults.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::args::{Checks, DuplicatePolicy};
use crate::checks::Tools;
use crate::faults::FaultSwitch;
use crate::soap::SoapRequest;
use crate::store::Store;
use crate::sunat_error::SunatFault;
use crate::{admin, bill, consult, summary};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Everything a request may need.
pub struct App {
    pub tools: Tools,
    pub store: Store,
    pub faults: FaultSwitch,
    pub user: String,
    pub password: String,
    pub delay: Duration,
    pub duplicates: DuplicatePolicy,
    pub checks: Checks,
    /// sendBill calls per document (`RUC-TT-SERIE-NUMERO`), for `GET /admin/sends`.
    pub sends: Mutex<BTreeMap<String, SendCount>>,
}

/// How often one document reached sendBill.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendCount {
    /// Every authenticated sendBill call.
    pub calls: u32,
    /// Calls for a number already registered: what a careful sender never makes.
    pub repeats: u32,
}

pub type Shared = Arc<App>;

impl App {
    /// Checks the WS-Security UsernameToken; SUNAT answers 0102 for a wrong one.
    pub fn authenticate(&self, req: &SoapRequest) -> Result<(), SunatFault> {
        let ok = req.username.as_deref() == Some(self.user.as_str())
            && req.password.as_deref() == Some(self.password.as_str());
        if ok {
            Ok(())
        } else {
            Err(SunatFault::client(102, "Usuario o contraseña incorrectos"))
        }
    }

    /// Counts one sendBill for `file_name` (`.zip` or not); `repeat` when the number was
    /// already registered.
    pub fn count_send(&self, file_name: &str, repeat: bool) {
        let base = file_name.trim().trim_end_matches(".zip").to_owned();
        let mut sends = self.sends.lock().unwrap_or_else(|e| e.into_inner());
        let n = sends.entry(base).or_default();
        if repeat {
            n.repeats += 1;
        } else {
            n.calls += 1;
        }
    }

    /// The RUC part of the user name.
    pub fn user_ruc(&self) -> &str {
        self.user.get(..11).unwrap_or("")
    }
}

/// The router.
pub fn router(app: Shared, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/admin/fault", get(admin::show).post(admin::set))
        .route("/admin/sends", get(admin::sends))
        .route("/{*path}", post(soap_endpoint))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(app)
}

async fn soap_endpoint(
    State(app): State<Shared>,
    Path(path): Path<String>,
    body: Bytes,
) -> Response {
    let Some(req) = SoapRequest::parse(&body) else {
        return SunatFault::server("La solicitud no es un mensaje SOAP").into_response();
    };
    if path.ends_with("billConsultService") {
        return match req.operation.as_str() {
            "getStatusCdr" => consult::get_status_cdr(&app, &req).await,
            "getStatus" => consult::get_status(&app, &req).await,
            _ => unknown_operation(&req),
        };
    }
    if path.ends_with("billService") {
        return match req.operation.as_str() {
            "sendBill" => bill::send_bill(&app, &req).await,
            "sendSummary" => summary::send_summary(&app, &req).await,
            "getStatus" => summary::get_status(&app, &req).await,
            _ => unknown_operation(&req),
        };
    }
    (StatusCode::NOT_FOUND, "no SOAP service at this path").into_response()
}

fn unknown_operation(req: &SoapRequest) -> Response {
    SunatFault::server(format!("Operación desconocida: {}", req.operation)).into_response()
}

/// Parts of `RUC-TT-SERIE-NUMERO.zip`.
#[derive(Debug)]
pub struct FileName {
    pub base: String,
    pub ruc: String,
    pub tt: String,
    pub series: String,
    pub number: u32,
}

/// Parses the `fileName` parameter; 0151 when it is not `RUC-TT-SERIE-NUMERO.zip`.
pub fn parse_file_name(file_name: &str) -> Result<FileName, SunatFault> {
    let bad = || SunatFault::client(151, "El nombre del archivo ZIP es incorrecto");
    let base = file_name.strip_suffix(".zip").ok_or_else(bad)?;
    let parts: Vec<&str> = base.split('-').collect();
    let [ruc, tt, series, number] = parts[..] else {
        return Err(bad());
    };
    let ok = ruc.len() == 11
        && ruc.bytes().all(|b| b.is_ascii_digit())
        && tt.len() == 2
        && !series.is_empty()
        && series.len() <= 8
        && series.bytes().all(|b| b.is_ascii_alphanumeric())
        && !number.is_empty()
        && number.len() <= 8
        && number.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(bad());
    }
    Ok(FileName {
        base: base.to_owned(),
        ruc: ruc.to_owned(),
        tt: tt.to_owned(),
        series: series.to_owned(),
        number: number.parse().map_err(|_| bad())?,
    })
}

/// Applies the fault modes that replace the answer of a billService call before any work.
pub fn early_fault(app: &App) -> Option<Response> {
    use crate::faults::FaultMode;
    match app.faults.get() {
        FaultMode::SoapFault => Some(SunatFault::server("Internal Error").into_response()),
        FaultMode::Http500 => Some(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(axum::http::header::CONTENT_TYPE, "text/html")],
                "<html><body><h1>500 Internal Server Error</h1></body></html>",
            )
                .into_response(),
        ),
        FaultMode::Exception => Some(
            SunatFault::client(
                109,
                "El sistema no puede responder su solicitud. (El servicio de autenticación no está disponible)",
            )
            .into_response(),
        ),
        _ => None,
    }
}

/// Applies the fault modes that alter an answer after the work is done and stored.
pub async fn late_fault(app: &App, answer: Response) -> Response {
    use crate::faults::FaultMode;
    match app.faults.get() {
        FaultMode::Delay => {
            tokio::time::sleep(app.delay).await;
            answer
        }
        FaultMode::LoseAnswer => lost_answer(),
        _ => answer,
    }
}

/// A response whose body fails at once: hyper closes the connection mid-answer.
fn lost_answer() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("answer lost on purpose"))
    });
    Response::new(axum::body::Body::from_stream(stream))
}

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_file_name;

    #[test]
    fn file_names() {
        let n = parse_file_name("20000000001-01-F001-00000123.zip").unwrap();
        assert_eq!(
            (n.tt.as_str(), n.series.as_str(), n.number),
            ("01", "F001", 123)
        );
        assert_eq!(n.base, "20000000001-01-F001-00000123");
        for bad in [
            "20000000001-01-F001-1.xml",
            "20000000001-01-F001-1",
            "2000000000-01-F001-1.zip",
            "20000000001-01-../a-1.zip",
            "20000000001-01-F001-123456789.zip",
        ] {
            assert_eq!(parse_file_name(bad).unwrap_err().code, Some(151), "{bad}");
        }
    }
}
