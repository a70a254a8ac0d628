//! The fiscal record of each comprobante: where it stands with SUNAT (or the OSE), kept
//! apart from its sync state. One sealed row per signed document in `fiscal_state`: the
//! `FiscalState`, SUNAT's code, description and observations, the CDR zip exactly as
//! received, how many sends were made and whether the last one ended without an answer
//! (then the consult service is asked before anything is sent again).
//!
//! A document without a row has never been sent: it reads as POR ENVIAR. Settled
//! documents (accepted, rejected, voided) are also listed in the plain index
//! `fiscal_settled`, so finding what to send never opens a sealed value it does not need.

use crate::store::comprobante::ComprobanteXml;
use crate::store::tables::{FISCAL_SETTLED, FISCAL_STATE, INVOICE_XML, UNSIGNED_XML};
use crate::store::{Store, StoreResult};
use chrono::{DateTime, Utc};
use motordesk_core::{FiscalError, FiscalState};
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const TABLE: &str = "fiscal_state";

/// Where one document stands with SUNAT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalRecord {
    pub state: FiscalState,
    /// SUNAT's response code (CDR `ResponseCode`, or the code of a SOAP fault).
    #[serde(default)]
    pub code: Option<u32>,
    /// SUNAT's description, or why the outcome is not known (Spanish).
    #[serde(default)]
    pub description: String,
    /// The CDR's notes (observations), as SUNAT wrote them.
    #[serde(default)]
    pub observations: Vec<String>,
    /// The CDR zip exactly as received; empty until SUNAT gave one.
    #[serde(default)]
    pub cdr_zip: Vec<u8>,
    /// How many times the document was handed to `sendBill`.
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The last send ended without a readable answer: ask the consult service before
    /// sending the same number again.
    #[serde(default)]
    pub outcome_unknown: bool,
}

impl Default for FiscalRecord {
    fn default() -> Self {
        FiscalRecord {
            state: FiscalState::PorEnviar,
            code: None,
            description: String::new(),
            observations: Vec::new(),
            cdr_zip: Vec::new(),
            attempts: 0,
            last_attempt_at: None,
            outcome_unknown: false,
        }
    }
}

impl FiscalRecord {
    /// Whether SUNAT returned a CDR that is kept here.
    pub fn has_cdr(&self) -> bool {
        !self.cdr_zip.is_empty()
    }
}

/// What one exchange with SUNAT (or the consult service) says about a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SunatOutcome {
    /// The state to move to (checked with `FiscalState::transition`).
    pub state: FiscalState,
    pub code: Option<u32>,
    pub description: String,
    pub observations: Vec<String>,
    /// The CDR, when this exchange brought one (a record keeps its old CDR otherwise).
    pub cdr_zip: Option<Vec<u8>>,
    pub outcome_unknown: bool,
    /// This exchange was a `sendBill` (counts as an attempt).
    pub attempted: bool,
    pub at: DateTime<Utc>,
}

/// A signed document that still waits for SUNAT, with what `sendBill` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentToSend {
    pub id: Uuid,
    /// `RUC-TT-SERIE-NUMERO`.
    pub file_name: String,
    /// The signed XML, byte for byte as stored.
    pub xml: String,
    pub fiscal: FiscalRecord,
}

fn row(id: Uuid) -> [u8; 16] {
    id.as_u128().to_be_bytes()
}

impl Store {
    /// The fiscal record of document `id`: `None` when it is not a SUNAT document of this
    /// kiosk (nota de venta, or issued on another kiosk); POR ENVIAR when never sent.
    pub fn fiscal_state(&self, id: Uuid) -> StoreResult<Option<FiscalRecord>> {
        let r = self.db().begin_read()?;
        if let Some(v) = r.open_table(FISCAL_STATE)?.get(id.as_u128())? {
            return Ok(Some(self.open_json(TABLE, &row(id), v.value())?));
        }
        let has_xml = r.open_table(INVOICE_XML)?.get(id.as_u128())?.is_some();
        Ok(has_xml.then(FiscalRecord::default))
    }

    /// Up to `limit` signed fiscal documents not yet settled with SUNAT, oldest first.
    /// Documents "sin firmar" are never listed: an unsigned XML is not a comprobante.
    pub fn documents_to_send(&self, limit: usize) -> StoreResult<Vec<DocumentToSend>> {
        let r = self.db().begin_read()?;
        let xml = r.open_table(INVOICE_XML)?;
        let unsigned = r.open_table(UNSIGNED_XML)?;
        let settled = r.open_table(FISCAL_SETTLED)?;
        let fiscal = r.open_table(FISCAL_STATE)?;
        let mut out = Vec::new();
        // Ids are UUID v7: key order is issue order.
        for e in xml.iter()? {
            if out.len() >= limit {
                break;
            }
            let (k, v) = e?;
            let key = k.value();
            if unsigned.get(key)?.is_some() || settled.get(key)?.is_some() {
                continue;
            }
            let id = Uuid::from_u128(key);
            let record: FiscalRecord = match fiscal.get(key)? {
                Some(f) => self.open_json(TABLE, &row(id), f.value())?,
                None => FiscalRecord::default(),
            };
            if record.state.is_final() {
                continue;
            }
            let doc: ComprobanteXml = self.open_json("invoice_xml", &row(id), v.value())?;
            if !doc.is_signed() {
                continue;
            }
            out.push(DocumentToSend {
                id,
                file_name: doc.file_name,
                xml: doc.xml,
                fiscal: record,
            });
        }
        Ok(out)
    }

    /// Records what SUNAT said about document `id`, in one write transaction. The move
    /// is checked with `FiscalState::transition`: a refused one (a rejected document told
    /// it was accepted, say) writes nothing and comes back as the inner `Err`.
    pub fn record_sunat_outcome(
        &self,
        id: Uuid,
        outcome: SunatOutcome,
    ) -> StoreResult<Result<FiscalRecord, FiscalError>> {
        let txn = self.db().begin_write()?;
        let result = self.record_in(&txn, id, outcome)?;
        if result.is_ok() {
            txn.commit()?;
        } else {
            txn.abort()?;
        }
        Ok(result)
    }

    fn record_in(
        &self,
        txn: &WriteTransaction,
        id: Uuid,
        outcome: SunatOutcome,
    ) -> StoreResult<Result<FiscalRecord, FiscalError>> {
        let key = id.as_u128();
        let mut record: FiscalRecord = {
            let t = txn.open_table(FISCAL_STATE)?;
            let v = t.get(key)?;
            match v {
                Some(v) => self.open_json(TABLE, &row(id), v.value())?,
                None => FiscalRecord::default(),
            }
        };
        let state = match record.state.transition(outcome.state) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        record.state = state;
        record.code = outcome.code;
        record.description = outcome.description;
        record.observations = outcome.observations;
        if let Some(zip) = outcome.cdr_zip {
            record.cdr_zip = zip;
        }
        record.outcome_unknown = outcome.outcome_unknown;
        if outcome.attempted {
            record.attempts += 1;
            record.last_attempt_at = Some(outcome.at);
        }
        let sealed = self.seal_json(TABLE, &row(id), &record)?;
        txn.open_table(FISCAL_STATE)?
            .insert(key, sealed.as_slice())?;
        let mut settled = txn.open_table(FISCAL_SETTLED)?;
        if state.is_final() {
            settled.insert(key, ())?;
        } else {
            settled.remove(key)?;
        }
        Ok(Ok(record))
    }
}
