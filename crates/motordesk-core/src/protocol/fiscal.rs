//! Wire types of the SUNAT leg of sync: the kiosk pushes each signed XML
//! (`RecordKind::Comprobante`), the server's dispatcher sends it and publishes every state
//! change with its CDR (`RecordKind::FiscalStatus`) through the change feed.

use crate::fiscal::FiscalState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Largest signed XML the server takes. SUNAT's own limit for a zipped comprobante is
/// far above anything a service bay issues (a 200-line factura is about 150 kB).
pub const MAX_XML_BYTES: usize = 1_000_000;
/// Longest description or observation kept from SUNAT.
pub const MAX_SUNAT_TEXT: usize = 2_000;

/// The `data` of a `Comprobante` mutation: one signed document as SUNAT will get it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComprobanteUpload {
    /// The invoice this XML belongs to (also the mutation's `record_id`).
    pub invoice_id: Uuid,
    /// `RUC-TT-SERIE-NUMERO`.
    pub file_name: String,
    /// The signed XML, byte for byte.
    pub xml: String,
    /// The signature's DigestValue (base64).
    pub digest: String,
}

/// The payload of a `FiscalStatus` change: where one document stands with SUNAT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalUpdate {
    pub invoice_id: Uuid,
    /// `RUC-TT-SERIE-NUMERO`.
    pub file_name: String,
    pub state: FiscalState,
    /// SUNAT's response code (CDR or SOAP fault).
    pub code: Option<u32>,
    /// SUNAT's description, or why the outcome is not known yet (Spanish).
    pub description: String,
    pub observations: Vec<String>,
    /// Hex of the CDR zip exactly as SUNAT returned it; empty until there is one.
    pub cdr_zip_hex: String,
    /// `sendBill` calls made so far.
    pub attempts: u32,
    /// The last send got no answer: the consult service is asked before any resend.
    pub outcome_unknown: bool,
    pub at: DateTime<Utc>,
    /// The latest voiding of the document, once one was asked for.
    #[serde(default)]
    pub void: Option<VoidUpdate>,
}

/// The `data` of a `VoidRequest` mutation: a signed RA or RC that voids one document,
/// made and signed on the kiosk (which holds the certificate), sent by the server (which
/// holds the Clave SOL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidUpload {
    /// The document voided (also the mutation's `record_id`).
    pub invoice_id: Uuid,
    /// `RUC-RA-YYYYMMDD-N` or `RUC-RC-YYYYMMDD-N`.
    pub file_name: String,
    /// The signed summary, byte for byte.
    pub xml: String,
    pub reason: String,
}

/// Where a voiding stands, as the server publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoidState {
    /// Sent or to be sent; SUNAT has not finished.
    Pending,
    /// SUNAT confirmed it: the document is ANULADO.
    Confirmed,
    /// SUNAT refused it: the document keeps its accepted state.
    Refused,
}

/// One voiding on the server's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidUpdate {
    pub file_name: String,
    pub state: VoidState,
    pub ticket: Option<String>,
    pub code: Option<u32>,
    /// SUNAT's description, or why it is not finished (Spanish).
    pub description: String,
    /// Hex of the summary's CDR zip; empty until there is one.
    pub cdr_zip_hex: String,
}
