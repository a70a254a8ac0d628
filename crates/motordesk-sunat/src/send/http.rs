//! The one place that touches the network: a blocking SOAP 1.1 POST with `ureq` (rustls, no
//! OpenSSL), one whole-call timeout, no redirects, and a cap on the body read.

use std::time::Duration;

use ureq::Agent;

use crate::send::error::SendError;

/// HTTP client for SOAP calls.
#[derive(Debug, Clone)]
pub(crate) struct SoapHttp {
    agent: Agent,
    max_response_bytes: u64,
}

impl SoapHttp {
    pub(crate) fn new(timeout: Duration, max_response_bytes: u64) -> SoapHttp {
        let config = Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!(
                "motordesk-sunat-client/",
                env!("CARGO_PKG_VERSION")
            ))
            .build();
        SoapHttp {
            agent: Agent::new_with_config(config),
            max_response_bytes,
        }
    }

    /// POSTs `envelope` to `url` with `SOAPAction: "urn:<operation>"`; returns the HTTP status
    /// and the body (at most `max_response_bytes`).
    pub(crate) fn post(
        &self,
        url: &str,
        operation: &str,
        envelope: String,
    ) -> Result<(u16, Vec<u8>), SendError> {
        let response = self
            .agent
            .post(url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", format!("\"urn:{operation}\""))
            .send(envelope)
            .map_err(|e| classify(url, e))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .with_config()
            .limit(self.max_response_bytes)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => SendError::ResponseTooLarge {
                    url: url.to_owned(),
                    limit: self.max_response_bytes,
                },
                other => classify(url, other),
            })?;
        Ok((status, body))
    }
}

fn classify(url: &str, error: ureq::Error) -> SendError {
    let url = url.to_owned();
    let timed_out = match &error {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ),
        _ => false,
    };
    if timed_out {
        SendError::Timeout { url, source: error }
    } else {
        SendError::Transport { url, source: error }
    }
}
