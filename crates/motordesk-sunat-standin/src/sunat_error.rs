//! A SUNAT return code that ends a request as a SOAP fault, so that every check in the
//! pipeline can stop with `?` (the axum `AppError` pattern).

use axum::response::{IntoResponse, Response};

use crate::soap;

/// A SUNAT code answered as `soap-env:Client.NNNN` (or `soap-env:Server` without code).
#[derive(Debug, Clone)]
pub struct SunatFault {
    /// SUNAT code (`None`: generic server fault).
    pub code: Option<u32>,
    /// Text of the fault.
    pub message: String,
}

impl SunatFault {
    /// A client fault with SUNAT code `code`.
    pub fn client(code: u32, message: impl Into<String>) -> SunatFault {
        SunatFault {
            code: Some(code),
            message: message.into(),
        }
    }

    /// A server fault without code (the stand-in itself failed).
    pub fn server(message: impl Into<String>) -> SunatFault {
        SunatFault {
            code: None,
            message: message.into(),
        }
    }
}

impl IntoResponse for SunatFault {
    fn into_response(self) -> Response {
        match self.code {
            Some(code) => soap::fault(&format!("soap-env:Client.{code:04}"), &self.message),
            None => soap::fault("soap-env:Server", &self.message),
        }
    }
}
