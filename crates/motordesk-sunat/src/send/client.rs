//! The four operations the kiosk needs, on top of envelope, HTTP and CDR reading:
//! `sendBill` (synchronous CDR), `sendSummary` + `getStatus` (ticket) on billService, and
//! `getStatusCdr` on billConsultService to learn the fate of a send whose answer was lost.

use std::collections::HashMap;

use base64::Engine;

use crate::send::cdr::Cdr;
use crate::send::config::ClientConfig;
use crate::send::envelope;
use crate::send::error::{EnvelopeError, SendError};
use crate::send::http::SoapHttp;
use crate::send::name::DocumentName;
use crate::send::package;
use crate::send::response::{self, Answer};
use crate::send::ticket::TicketStatus;

/// Answer of the consult service's `getStatusCdr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultResult {
    /// `statusCode` as sent (SUNAT uses 4-digit strings such as `0004`).
    pub status_code: String,
    /// `statusMessage`.
    pub status_message: String,
    /// The stored CDR, when SUNAT has one for the document.
    pub cdr: Option<Cdr>,
}

/// Blocking SOAP client for SUNAT or an OSE. Cheap to clone; one per emitter.
#[derive(Debug, Clone)]
pub struct SunatClient {
    config: ClientConfig,
    http: SoapHttp,
}

impl SunatClient {
    /// Builds the client (no network traffic yet).
    pub fn new(config: ClientConfig) -> SunatClient {
        let http = SoapHttp::new(config.timeout, config.limits.max_response_bytes);
        SunatClient { config, http }
    }

    /// The configuration in use.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends a signed factura, boleta or note (`name` = `RUC-TT-SERIE-NUMERO`, with or without
    /// `.xml`) and returns SUNAT's CDR. The CDR's [`Cdr::verdict`] says whether it was
    /// accepted, observed or rejected; a SOAP fault comes back as [`SendError::Fault`], whose
    /// [`SendError::verdict`] classifies the same way. When [`SendError::outcome_unknown`] is
    /// true, ask [`SunatClient::get_status_cdr`] before sending the number again.
    pub fn send_bill(&self, name: &str, signed_xml: &[u8]) -> Result<Cdr, SendError> {
        let name = DocumentName::parse(name).map_err(SendError::Name)?;
        let values = self.send_zip("sendBill", &name, signed_xml)?;
        let content =
            response::required(&values, "applicationResponse").map_err(SendError::Envelope)?;
        let zip = response::base64_element(content, "applicationResponse")
            .map_err(SendError::Envelope)?;
        Cdr::from_zip(zip, &self.config.limits).map_err(SendError::Cdr)
    }

    /// Sends a resumen diario (`RUC-RC-YYYYMMDD-N`) or comunicación de baja
    /// (`RUC-RA-YYYYMMDD-N`) and returns the ticket to poll with [`SunatClient::get_status`].
    pub fn send_summary(&self, name: &str, signed_xml: &[u8]) -> Result<String, SendError> {
        let name = DocumentName::parse(name).map_err(SendError::Name)?;
        let values = self.send_zip("sendSummary", &name, signed_xml)?;
        let ticket = response::required(&values, "ticket").map_err(SendError::Envelope)?;
        if ticket.is_empty() {
            return Err(SendError::Envelope(EnvelopeError::MissingElement("ticket")));
        }
        Ok(ticket.to_owned())
    }

    /// Asks for the state of a ticket.
    pub fn get_status(&self, ticket: &str) -> Result<TicketStatus, SendError> {
        let values = self.call(
            &self.config.endpoints.bill_service,
            "getStatus",
            &[("ticket", ticket)],
        )?;
        let code = response::required(&values, "statusCode").map_err(SendError::Envelope)?;
        let cdr = || -> Result<Cdr, SendError> {
            let content = response::required(&values, "content").map_err(SendError::Envelope)?;
            let zip = response::base64_element(content, "content").map_err(SendError::Envelope)?;
            Cdr::from_zip(zip, &self.config.limits).map_err(SendError::Cdr)
        };
        match code.trim_start_matches('0') {
            "" => Ok(TicketStatus::Done(cdr()?)),
            "98" => Ok(TicketStatus::InProcess),
            "99" => Ok(TicketStatus::DoneWithErrors(cdr()?)),
            _ => Err(SendError::Envelope(EnvelopeError::UnexpectedStatus(
                code.to_owned(),
            ))),
        }
    }

    /// Asks the consult service for the CDR of a document: `ruc` of the emitter, `doc_type`
    /// (`01`, `03`, `07`, `08`), `series` (`F001`), `number`.
    pub fn get_status_cdr(
        &self,
        ruc: &str,
        doc_type: &str,
        series: &str,
        number: u32,
    ) -> Result<ConsultResult, SendError> {
        let number = number.to_string();
        let values = self.call(
            &self.config.endpoints.consult_service,
            "getStatusCdr",
            &[
                ("rucComprobante", ruc),
                ("tipoComprobante", doc_type),
                ("serieComprobante", series),
                ("numeroComprobante", &number),
            ],
        )?;
        let status_code = response::required(&values, "statusCode")
            .map_err(SendError::Envelope)?
            .to_owned();
        let status_message = values.get("statusMessage").cloned().unwrap_or_default();
        let cdr = match values.get("content").filter(|c| !c.is_empty()) {
            Some(content) => {
                let zip =
                    response::base64_element(content, "content").map_err(SendError::Envelope)?;
                Some(Cdr::from_zip(zip, &self.config.limits).map_err(SendError::Cdr)?)
            }
            None => None,
        };
        Ok(ConsultResult {
            status_code,
            status_message,
            cdr,
        })
    }

    /// [`SunatClient::get_status_cdr`] for the document named `name`.
    pub fn get_status_cdr_for(&self, name: &DocumentName) -> Result<ConsultResult, SendError> {
        self.get_status_cdr(name.ruc(), name.doc_type(), name.series(), name.number())
    }

    fn send_zip(
        &self,
        operation: &str,
        name: &DocumentName,
        xml: &[u8],
    ) -> Result<HashMap<String, String>, SendError> {
        let zip = package::zip_document(name, xml).map_err(SendError::Pack)?;
        let content = base64::engine::general_purpose::STANDARD.encode(zip);
        self.call(
            &self.config.endpoints.bill_service,
            operation,
            &[
                ("fileName", &name.zip_file_name()),
                ("contentFile", &content),
            ],
        )
    }

    fn call(
        &self,
        url: &str,
        operation: &str,
        params: &[(&str, &str)],
    ) -> Result<HashMap<String, String>, SendError> {
        let request = envelope::request(&self.config.credentials, operation, params);
        let (status, body) = self.http.post(url, operation, request)?;
        let success = (200..300).contains(&status);
        match Answer::parse(&body) {
            Ok(Answer::Fault(fault)) => Err(SendError::Fault(fault)),
            Ok(Answer::Result(values)) if success => Ok(values),
            Err(error) if success => Err(SendError::Envelope(error)),
            _ => Err(SendError::HttpStatus {
                url: url.to_owned(),
                status,
            }),
        }
    }
}
