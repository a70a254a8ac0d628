//! What a lookup answers when it fails, as the kiosk reads it: the provider's own
//! failures become statuses that say what the cashier can do (retry later, type the data
//! by hand, tell the administrator). The provider's token and body never reach a kiosk.

use crate::error::ApiError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use motordesk_core::DomainError;
use motordesk_core::protocol::ErrorBody;

/// The start of the 502 message when the provider refused the server's token: kiosks
/// tell the cashier to call the administrator instead of "try again".
pub const MISCONFIGURED: &str = "lookup misconfigured";

/// A lookup that could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// Authentication and other request failures shared with every route.
    #[error("{0}")]
    Api(#[from] ApiError),
    /// 404: the path names neither `ruc` nor `dni`.
    #[error("lookup kind must be ruc or dni")]
    UnknownKind,
    /// 400: not 8 digits for a DNI, or not a valid RUC; the provider was not asked.
    #[error("invalid number: {0}")]
    InvalidNumber(#[source] DomainError),
    /// 503: this server has no provider configured.
    #[error("RUC/DNI lookup is not configured on this server")]
    NotConfigured,
    /// 404: the provider has no such number.
    #[error("not found")]
    NotFound,
    /// 422: the provider refused the number as invalid.
    #[error("the provider refused the number as invalid")]
    RefusedNumber,
    /// 502: the provider answered 401/403 to the server's token (logged as an error).
    #[error("{MISCONFIGURED}: the provider answered {0} to the server's token")]
    Credentials(u16),
    /// 429: the provider's rate limit; retry after this many seconds.
    #[error("the provider is rate limiting; retry in {0} s")]
    RateLimited(u64),
    /// 504: no answer within the server's budget.
    #[error("the provider did not answer in time")]
    Timeout,
    /// 502: no connection, TLS refused, a cut answer.
    #[error("the provider is unreachable: {0}")]
    Unreachable(#[source] ureq::Error),
    /// 502: any other status from the provider.
    #[error("the provider answered {0}")]
    ProviderStatus(u16),
    /// 502: an answer over `MAX_LOOKUP_BODY`.
    #[error("the provider's answer is larger than {0} bytes")]
    TooLarge(usize),
    /// 502: an answer that is not the provider's JSON.
    #[error("the provider's answer is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// 502: JSON that cannot be used (another number, not an object).
    #[error("the provider's answer is unusable: {0}")]
    Unusable(#[source] super::provider::MapError),
    /// 500: the blocking task panicked.
    #[error("{0}")]
    Task(#[from] tokio::task::JoinError),
}

impl LookupError {
    pub fn status(&self) -> StatusCode {
        match self {
            LookupError::Api(e) => e.status(),
            LookupError::UnknownKind | LookupError::NotFound => StatusCode::NOT_FOUND,
            LookupError::InvalidNumber(_) => StatusCode::BAD_REQUEST,
            LookupError::NotConfigured => StatusCode::SERVICE_UNAVAILABLE,
            LookupError::RefusedNumber => StatusCode::UNPROCESSABLE_ENTITY,
            LookupError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            LookupError::Timeout => StatusCode::GATEWAY_TIMEOUT,
            LookupError::Credentials(_)
            | LookupError::Unreachable(_)
            | LookupError::ProviderStatus(_)
            | LookupError::TooLarge(_)
            | LookupError::NotJson(_)
            | LookupError::Unusable(_) => StatusCode::BAD_GATEWAY,
            LookupError::Task(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for LookupError {
    fn into_response(self) -> Response {
        let status = self.status();
        let error = match self {
            LookupError::Api(e) => return e.into_response(),
            LookupError::Task(_) => {
                log::error!("lookup: {self}");
                "internal error".to_string()
            }
            // The kiosk needs the kind of failure, not the transport's details.
            LookupError::Unreachable(_) => "the provider is unreachable".to_string(),
            LookupError::NotJson(_) | LookupError::Unusable(_) => {
                "the provider's answer is unusable".to_string()
            }
            ref other => other.to_string(),
        };
        let retry = match self {
            LookupError::RateLimited(secs) => HeaderValue::from_str(&secs.to_string()).ok(),
            _ => None,
        };
        let mut resp = (status, Json(ErrorBody { error })).into_response();
        if let Some(v) = retry {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}
