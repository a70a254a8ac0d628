//! What a handler answers when it fails: `ApiError` turns into the status code and the
//! JSON `ErrorBody` the kiosks read, so every handler returns `Result<_, ApiError>` and
//! uses `?`. Server faults are logged with their cause and answered `internal error`;
//! the kiosk never sees database details.

use crate::db::DbError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use motordesk_core::protocol::{ErrorBody, MAX_BATCH};

/// A request the server refuses or could not serve.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not the JSON this route takes (`what`: "push", "login", ...).
    #[error("malformed {what}: {source}")]
    Malformed {
        /// Which request body it was.
        what: &'static str,
        /// The JSON parser's complaint, also sent to the client.
        #[source]
        source: serde_json::Error,
    },
    /// 400: a push with more mutations than `MAX_BATCH`.
    #[error("batch of {0} exceeds {MAX_BATCH}")]
    BatchTooLarge(usize),
    /// 400: a field or query parameter is not acceptable.
    #[error("{0}")]
    BadRequest(&'static str),
    /// 401: a device or user token is missing, unknown or expired, or the password is wrong.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: registration with the wrong enrollment code.
    #[error("wrong enrollment code")]
    WrongEnrollmentCode,
    /// 409: registration of a device id that is already registered, without its token.
    #[error("this device is already registered; re-registering it needs its current token")]
    DeviceTaken,
    /// 429: too many failed attempts from this account or address; retry after N seconds.
    #[error("too many failed attempts; retry in {0} s")]
    TooManyAttempts(u64),
    /// 413: a body larger than the route takes.
    #[error("request body larger than {0} bytes")]
    TooLarge(usize),
    /// 409: a user logs in on a kiosk that never handed over its escrow key.
    #[error("this kiosk has no escrow key: register it again")]
    NoEscrow,
    /// 403: the caller is known but may not do this (a cashier restoring a kiosk).
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404: what was asked for is not there, or not the caller's (answered alike).
    #[error("{0}")]
    NotFound(&'static str),
    /// 500: a push failed on purpose (`--test-faults`).
    #[error("injected failure")]
    InjectedFailure,
    /// The database refused or failed: 409 when every kiosk number is taken, else 500.
    #[error("{0}")]
    Db(#[from] DbError),
    /// 500: the blocking database task panicked or was cancelled.
    #[error("{0}")]
    Task(#[from] tokio::task::JoinError),
}

impl ApiError {
    /// The HTTP status the kiosk receives.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Malformed { .. } | ApiError::BatchTooLarge(_) | ApiError::BadRequest(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::WrongEnrollmentCode => StatusCode::FORBIDDEN,
            ApiError::NoEscrow | ApiError::DeviceTaken | ApiError::Db(DbError::TooManyKiosks) => {
                StatusCode::CONFLICT
            }
            ApiError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::InjectedFailure | ApiError::Db(_) | ApiError::Task(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let error = match &self {
            ApiError::Db(DbError::TooManyKiosks) | ApiError::InjectedFailure => self.to_string(),
            ApiError::Db(_) | ApiError::Task(_) => {
                log::error!("server: {self}");
                "internal error".to_string()
            }
            _ => self.to_string(),
        };
        let mut resp = (status, Json(ErrorBody { error })).into_response();
        if let ApiError::TooManyAttempts(secs) = self
            && let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    async fn answer(e: ApiError) -> (StatusCode, ErrorBody) {
        let resp = e.into_response();
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn statuses_and_bodies_are_the_ones_kiosks_read() {
        let (s, b) = answer(ApiError::Db(DbError::TooManyKiosks)).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(b.error, "no series left: 99 kiosks registered");

        let dir = tempfile::tempdir().unwrap();
        let db = DbError::from(redb::Database::create(dir.path()).unwrap_err());
        let (s, b) = answer(ApiError::from(db)).await;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(b.error, "internal error", "no database details leak out");

        let (s, b) = answer(ApiError::Unauthorized("missing bearer token")).await;
        assert_eq!(
            (s, b.error.as_str()),
            (StatusCode::UNAUTHORIZED, "missing bearer token")
        );

        let json = serde_json::from_slice::<u8>(b"{").unwrap_err();
        let (s, b) = answer(ApiError::Malformed {
            what: "push",
            source: json,
        })
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(b.error.starts_with("malformed push: "), "{}", b.error);
    }

    #[test]
    fn the_database_error_is_the_source() {
        let e = ApiError::from(DbError::TooManyKiosks);
        assert!(matches!(
            e.source().and_then(|c| c.downcast_ref::<DbError>()),
            Some(DbError::TooManyKiosks)
        ));
    }
}
