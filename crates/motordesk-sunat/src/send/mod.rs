//! SOAP transport between MotorDesk and SUNAT (or any OSE with the same contract).
//!
//! It exists so that the kiosk can hand over a signed UBL 2.1 document and get back a
//! classified answer: the CDR (constancia de recepción) with its code, or an error that says
//! whether the outcome is known. It zips the document, wraps it in the SOAP envelope with the
//! WS-Security UsernameToken, posts it with a blocking `ureq` client, and reads the CDR zip
//! under explicit size limits. Building and signing the XML is the rest of this crate.
//!
//! Modules are private; the crate root re-exports this surface.
//!
//! The rule for the caller: a [`Cdr`] or a [`SendError`] with a [`SendError::verdict`] is a
//! known outcome. When [`SendError::outcome_unknown`] is true, ask the consult service before
//! sending the same number again:
//!
//! ```no_run
//! use std::time::Duration;
//! use motordesk_sunat::{ClientConfig, Credentials, Endpoints, SunatClient, Verdict};
//!
//! let client = SunatClient::new(ClientConfig::new(
//!     Endpoints::sunat_beta(),
//!     Credentials::sunat_beta(),
//!     Duration::from_secs(30),
//! ));
//! let signed_xml = std::fs::read("20000000001-01-F001-1.xml").unwrap();
//! let verdict = match client.send_bill("20000000001-01-F001-1", &signed_xml) {
//!     Ok(cdr) => Some(cdr.verdict()),
//!     Err(e) if e.outcome_unknown() => client
//!         .get_status_cdr("20000000001", "01", "F001", 1)
//!         .ok()
//!         .and_then(|r| r.cdr)
//!         .map(|cdr| cdr.verdict()), // None: not registered, send again later
//!     Err(e) => e.verdict(),
//! };
//! assert_ne!(verdict, Some(Verdict::Exception));
//! ```

mod cdr;
mod client;
mod config;
mod dispatch;
mod envelope;
mod error;
mod fault;
mod http;
mod name;
mod package;
mod response;
mod ticket;
mod unzip;
mod verdict;
mod void_step;
mod xml_text;

pub use cdr::{Cdr, CdrNote};
pub use client::{ConsultResult, SunatClient};
pub use config::{ClientConfig, Credentials, Endpoints, Limits};
pub use dispatch::{Dispatched, Prior, SunatOutcome, send_document};
pub use error::{CdrError, EnvelopeError, SendError, UnzipError};
pub use fault::SoapFault;
pub use name::{DocumentName, NameError};
pub use ticket::TicketStatus;
pub use verdict::Verdict;
pub use void_step::{VoidStep, void_step};
