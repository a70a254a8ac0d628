//! The fiscal record of each comprobante: where it stands with SUNAT (or the OSE), kept
//! apart from its sync state. One sealed row per signed document in `fiscal_state`: the
//! `FiscalState`, SUNAT's code, description and observations, the CDR zip exactly as
//! received, how many sends were made and whether the last one ended without an answer
//! (then the consult service is asked before anything is sent again).
//!
//! A document without a row has never been sent: it reads as POR ENVIAR. Settled
//! documents (accepted, rejected, voided) are also listed in the plain index
//! `fiscal_settled`, so finding what to send never opens a sealed value it does not need.
//!
//! `awaiting_sunat` lists what SUNAT has not settled yet with its sending deadline, for
//! Sincronización and the top bar's count.

use crate::store::InvoiceSummary;
use crate::store::comprobante::ComprobanteXml;
use crate::store::tables::{
    FISCAL_SETTLED, FISCAL_STATE, INVOICE_SUMMARIES, INVOICE_XML, SECRETS, SUMMARY_CORRELATIVES,
    UNSIGNED_XML, VOIDS_PENDING,
};
use crate::store::{Store, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use motordesk_core::protocol::{FiscalUpdate, VoidState, VoidUpdate, VoidUpload, from_hex};
use motordesk_core::{
    DeadlineKind, DocumentKind, DocumentNumber, FiscalError, FiscalState, SendUrgency, deadline,
    lima_date, send_urgency,
};
use motordesk_core::{Hlc, RecordKind, RecordMeta, Stored, SyncStatus};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
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
    /// The last voiding asked of SUNAT (comunicación de baja or resumen diario estado 3).
    #[serde(default)]
    pub void: Option<VoidRecord>,
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
            void: None,
        }
    }
}

impl FiscalRecord {
    /// Whether SUNAT returned a CDR that is kept here.
    pub fn has_cdr(&self) -> bool {
        !self.cdr_zip.is_empty()
    }

    /// Whether a voiding was sent (or is being sent) and SUNAT has not answered yet.
    pub fn void_pending(&self) -> bool {
        self.void
            .as_ref()
            .is_some_and(|v| v.status == VoidStatus::Pending)
    }
}

/// Where a voiding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoidStatus {
    /// Signed and recorded; sent (ticket known) or to be sent again (no ticket yet).
    Pending,
    /// SUNAT processed it: the document is ANULADO.
    Confirmed,
    /// SUNAT refused it (99 or an error code): the document keeps its accepted state.
    Refused,
}

/// One voiding of a document: the signed RA or RC that carries it and SUNAT's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidRecord {
    /// `RUC-RA-YYYYMMDD-N` or `RUC-RC-YYYYMMDD-N`.
    pub file_name: String,
    /// The signed summary, byte for byte as sent.
    pub xml: String,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    /// SUNAT's ticket, once `sendSummary` answered.
    pub ticket: Option<String>,
    pub status: VoidStatus,
    /// SUNAT's code (CDR or SOAP fault), once known.
    pub code: Option<u32>,
    /// SUNAT's description, or the refusal text (Spanish).
    pub description: String,
    /// The summary's CDR zip, exactly as received.
    pub cdr_zip: Vec<u8>,
}

/// Why a voiding is refused before anything is sent. `mensaje()` is Spanish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoidRefusal {
    /// Only an administrator may void (a manager role does not exist yet).
    NotAdmin,
    /// No such fiscal document on this kiosk.
    NotFound,
    /// Only a document SUNAT accepted can be voided.
    NotAccepted(FiscalState),
    /// A voiding of this document is already waiting for SUNAT.
    AlreadyPending,
    /// Past SUNAT's limit, or not a SUNAT document.
    Fiscal(FiscalError),
    ReasonRequired,
    ReasonTooLong(usize),
    /// No valid certificate to sign the summary with.
    NoCertificate,
    /// The summary could not be written.
    Summary(motordesk_sunat::SummaryError),
}

impl VoidRefusal {
    pub fn mensaje(&self) -> String {
        match self {
            VoidRefusal::NotAdmin => {
                "Solo un administrador, o un cajero con el PIN de un administrador, puede anular comprobantes ante SUNAT.".into()
            }
            VoidRefusal::NotFound => "No se encontró el comprobante a anular.".into(),
            VoidRefusal::NotAccepted(s) => format!(
                "Solo se puede anular un comprobante aceptado por SUNAT; este está {}.",
                s.label()
            ),
            VoidRefusal::AlreadyPending => {
                "La anulación de este comprobante ya está en proceso en SUNAT.".into()
            }
            VoidRefusal::Fiscal(e) => e.mensaje(),
            VoidRefusal::ReasonRequired => "Indique el motivo de la anulación.".into(),
            VoidRefusal::ReasonTooLong(n) => format!(
                "El motivo de la anulación admite hasta {MAX_VOID_REASON} caracteres (tiene {n})."
            ),
            VoidRefusal::NoCertificate => {
                "No hay un certificado digital vigente para firmar la anulación.".into()
            }
            VoidRefusal::Summary(e) => e.mensaje(),
        }
    }
}

impl std::fmt::Display for VoidRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VoidRefusal::NotAdmin => write!(f, "only an administrator may void"),
            VoidRefusal::NotFound => write!(f, "document not found"),
            VoidRefusal::NotAccepted(s) => write!(f, "document not accepted ({s:?})"),
            VoidRefusal::AlreadyPending => write!(f, "a void is already pending"),
            VoidRefusal::Fiscal(e) => write!(f, "{e}"),
            VoidRefusal::ReasonRequired => write!(f, "void reason required"),
            VoidRefusal::ReasonTooLong(n) => write!(f, "void reason too long ({n} chars)"),
            VoidRefusal::NoCertificate => write!(f, "no valid certificate"),
            VoidRefusal::Summary(e) => write!(f, "summary: {e}"),
        }
    }
}

impl std::error::Error for VoidRefusal {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VoidRefusal::Fiscal(e) => Some(e),
            VoidRefusal::Summary(e) => Some(e),
            _ => None,
        }
    }
}

/// SUNAT's limit for a void reason (`sac:VoidReasonDescription`).
pub const MAX_VOID_REASON: usize = 100;

/// Same layout as the certificate row written by `comprobante.rs`.
#[derive(Deserialize)]
struct SealedCertificateRow {
    key_pkcs8_der: Vec<u8>,
    cert_der: Vec<u8>,
}

pub use motordesk_sunat::SunatOutcome;

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

/// A signed document SUNAT has not settled yet (POR ENVIAR, ENVIADO or EXCEPCIÓN), with
/// its sending deadline as if sent on its own (boletas: 5 days, facturas: 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitingDocument {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    /// Lima calendar date of issue.
    pub issue_date: NaiveDate,
    /// Calendar days since the issue date (0 on the issue day; never negative).
    pub age_days: i64,
    /// The last day SUNAT still takes it; `None` for a note whose family is unknown.
    pub deadline: Option<NaiveDate>,
    pub urgency: Option<SendUrgency>,
    pub state: FiscalState,
    /// SUNAT's last description (CDR or fault), or why the outcome is unknown.
    pub description: String,
    pub code: Option<u32>,
    /// The last send ended without an answer.
    pub outcome_unknown: bool,
}

impl AwaitingDocument {
    /// Whether the cashier may ask for a resend: SUNAT reported an exception, or the last
    /// send got no answer (the consult service is asked first, never a blind resend).
    pub fn can_resend(&self) -> bool {
        self.state == FiscalState::Excepcion || self.outcome_unknown
    }
}

/// The top bar's view of `awaiting_sunat`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AwaitingSummary {
    /// Signed documents not yet accepted (nor rejected) by SUNAT.
    pub count: usize,
    /// Of those, how many are on their last day or past it.
    pub alarm: usize,
    pub most_urgent: Option<SendUrgency>,
}

impl AwaitingSummary {
    pub fn of(docs: &[AwaitingDocument]) -> AwaitingSummary {
        AwaitingSummary {
            count: docs.len(),
            alarm: docs
                .iter()
                .filter(|d| d.urgency == Some(SendUrgency::Alarm))
                .count(),
            most_urgent: docs.iter().filter_map(|d| d.urgency).max(),
        }
    }
}

/// The family whose deadline a document follows: a note follows the document it modifies,
/// which its series' first letter names (F: factura, B: boleta).
fn deadline_kind(kind: DocumentKind, number: &DocumentNumber) -> Option<DeadlineKind> {
    let modifies = match number.series.to_string().as_bytes().first() {
        Some(b'F') => Some(DocumentKind::Factura),
        Some(b'B') => Some(DocumentKind::Boleta),
        _ => None,
    };
    DeadlineKind::for_document(kind, modifies, false)
}

fn row(id: Uuid) -> [u8; 16] {
    id.as_u128().to_be_bytes()
}

/// Summaries (RA, RC) a kiosk may sign per kind and day when it shares the RUC with
/// other kiosks.
const SUMMARIES_PER_KIOSK_DAY: u32 = 999;

/// The `N` of the day's `seq`-th summary of one kind. A kiosk of a shop with a server
/// (its `series` say which kiosk it is) takes `kiosk × 1000 + seq`, so two kiosks of the
/// same RUC never sign the same `RA-YYYYMMDD-N` without asking each other; a kiosk on its
/// own takes `seq`. `None` past the day's room.
fn summary_correlative(series: Option<&motordesk_core::SeriesSet>, seq: u32) -> Option<u32> {
    let Some(series) = series else {
        return (seq <= motordesk_sunat::MAX_SUMMARY_CORRELATIVE).then_some(seq);
    };
    let kiosk: u32 = series.boleta.as_str().get(1..)?.parse().ok()?;
    (seq <= SUMMARIES_PER_KIOSK_DAY && (1..=99).contains(&kiosk)).then_some(kiosk * 1000 + seq)
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

    /// Walks the signed fiscal documents of this kiosk that SUNAT has not settled, in
    /// issue order (ids are UUID v7), skipping the unsigned and settled ones through their
    /// plain indexes; `visit` gets the id, the fiscal record and the sealed XML row, and
    /// returns false to stop.
    fn each_unsettled(
        &self,
        r: &ReadTransaction,
        mut visit: impl FnMut(Uuid, FiscalRecord, &[u8]) -> StoreResult<bool>,
    ) -> StoreResult<()> {
        let xml = r.open_table(INVOICE_XML)?;
        let unsigned = r.open_table(UNSIGNED_XML)?;
        let settled = r.open_table(FISCAL_SETTLED)?;
        let fiscal = r.open_table(FISCAL_STATE)?;
        for e in xml.iter()? {
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
            if !visit(id, record, v.value())? {
                break;
            }
        }
        Ok(())
    }

    /// Up to `limit` signed fiscal documents not yet settled with SUNAT, oldest first.
    /// Documents "sin firmar" are never listed: an unsigned XML is not a comprobante.
    pub fn documents_to_send(&self, limit: usize) -> StoreResult<Vec<DocumentToSend>> {
        let r = self.db().begin_read()?;
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        self.each_unsettled(&r, |id, record, sealed| {
            let doc: ComprobanteXml = self.open_json("invoice_xml", &row(id), sealed)?;
            if doc.is_signed() {
                out.push(DocumentToSend {
                    id,
                    file_name: doc.file_name,
                    xml: doc.xml,
                    fiscal: record,
                });
            }
            Ok(out.len() < limit)
        })?;
        Ok(out)
    }

    /// Every signed fiscal document of this kiosk that SUNAT has not settled, most urgent
    /// first, then oldest first; `today` is the Lima date. Walks the plain indexes and
    /// opens only the small summary and fiscal record of each unsettled document, never
    /// the XML.
    pub fn awaiting_sunat(&self, today: NaiveDate) -> StoreResult<Vec<AwaitingDocument>> {
        let r = self.db().begin_read()?;
        let summaries = r.open_table(INVOICE_SUMMARIES)?;
        let mut out = Vec::new();
        self.each_unsettled(&r, |id, record, _| {
            let key = id.as_u128();
            let Some(v) = summaries.get(key)? else {
                log::warn!("awaiting_sunat: document {id} has XML but no summary");
                return Ok(true);
            };
            let summary: InvoiceSummary =
                self.open_json("invoice_summaries", &row(id), v.value())?;
            let issue_date = lima_date(summary.issued_at);
            let family = deadline_kind(summary.kind, &summary.number);
            out.push(AwaitingDocument {
                id,
                kind: summary.kind,
                number: summary.number,
                issue_date,
                age_days: (today - issue_date).num_days().max(0),
                deadline: family.map(|f| deadline(f, issue_date)),
                urgency: family.and_then(|f| send_urgency(record.state, f, issue_date, today)),
                state: record.state,
                description: record.description,
                code: record.code,
                outcome_unknown: record.outcome_unknown,
            });
            Ok(true)
        })?;
        out.sort_by(|a, b| {
            b.urgency
                .cmp(&a.urgency)
                .then(a.issue_date.cmp(&b.issue_date))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// The count and most urgent deadline of `awaiting_sunat`, for the top bar.
    pub fn awaiting_sunat_summary(&self, today: NaiveDate) -> StoreResult<AwaitingSummary> {
        Ok(AwaitingSummary::of(&self.awaiting_sunat(today)?))
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
        let mut record = self.fiscal_in(txn, id)?.unwrap_or_default();
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
        self.write_fiscal(txn, id, &record)?;
        let mut settled = txn.open_table(FISCAL_SETTLED)?;
        if state.is_final() {
            settled.insert(key, ())?;
        } else {
            settled.remove(key)?;
        }
        Ok(Ok(record))
    }
}

impl Store {
    /// A state the server's dispatcher published (a `FiscalStatus` change), in the merge
    /// transaction. Applied when the state machine allows the move from what this kiosk
    /// holds; a refused one (this kiosk already saw a later state) is logged and skipped.
    /// `None` when the change cannot be read; `Some(changed)` otherwise.
    pub(crate) fn merge_fiscal(
        &self,
        txn: &WriteTransaction,
        change: &motordesk_core::protocol::Change,
    ) -> StoreResult<Option<bool>> {
        let update: FiscalUpdate = match serde_json::from_value(change.payload.clone()) {
            Ok(u) => u,
            Err(e) => {
                log::warn!("merge: undecodable SUNAT state {}: {e}", change.record_id);
                return Ok(None);
            }
        };
        if update.invoice_id != change.record_id {
            log::warn!("merge: SUNAT state {} names another document", change.seq);
            return Ok(None);
        }
        let cdr_zip = if update.cdr_zip_hex.is_empty() {
            None
        } else {
            match from_hex(&update.cdr_zip_hex) {
                Some(z) => Some(z),
                None => {
                    log::warn!("merge: SUNAT state of {} has a bad CDR", update.file_name);
                    return Ok(None);
                }
            }
        };
        let before = self.fiscal_in(txn, update.invoice_id)?;
        let outcome = SunatOutcome {
            state: update.state,
            code: update.code,
            description: update.description.clone(),
            observations: update.observations.clone(),
            cdr_zip,
            outcome_unknown: update.outcome_unknown,
            attempted: false,
            at: update.at,
        };
        match self.record_in(txn, update.invoice_id, outcome)? {
            Ok(after) => {
                let mut after = after;
                after.attempts = after.attempts.max(update.attempts);
                if let Some(v) = update.void {
                    self.merge_void(txn, update.invoice_id, &mut after, v)?;
                }
                self.write_fiscal(txn, update.invoice_id, &after)?;
                Ok(Some(before.as_ref() != Some(&after)))
            }
            Err(e) => {
                log::warn!(
                    "merge: SUNAT state of {} not applied: {e}",
                    update.file_name
                );
                Ok(Some(false))
            }
        }
    }

    /// The pending voiding of document `id` as the server takes it (`Stored` of a
    /// `VoidUpload`); `None` when none is pending.
    pub(crate) fn void_upload(&self, id: Uuid) -> StoreResult<Option<Stored<VoidUpload>>> {
        let Some(void) = self.fiscal_state(id)?.and_then(|r| r.void) else {
            return Ok(None);
        };
        if void.status != VoidStatus::Pending {
            return Ok(None);
        }
        let hlc = Hlc {
            wall_ms: void.requested_at.timestamp_millis(),
            counter: 0,
            device: self.device_id(),
        };
        Ok(Some(Stored {
            meta: RecordMeta {
                created_at: void.requested_at,
                modified_at: void.requested_at,
                synced_at: None,
                status: SyncStatus::Pending,
                hlc,
                version: 1,
                account: self.account().to_string(),
            },
            data: VoidUpload {
                invoice_id: id,
                file_name: void.file_name,
                xml: void.xml,
                reason: void.reason,
            },
        }))
    }

    /// Applies the server's view of a voiding to `record` (kept XML and reason when it is
    /// the same summary) and keeps the pending-voids index in step.
    fn merge_void(
        &self,
        txn: &WriteTransaction,
        id: Uuid,
        record: &mut FiscalRecord,
        v: VoidUpdate,
    ) -> StoreResult<()> {
        let local = record.void.take().filter(|l| l.file_name == v.file_name);
        let cdr_zip = from_hex(&v.cdr_zip_hex).unwrap_or_default();
        let status = match v.state {
            VoidState::Pending => VoidStatus::Pending,
            VoidState::Confirmed => VoidStatus::Confirmed,
            VoidState::Refused => VoidStatus::Refused,
        };
        record.void = Some(VoidRecord {
            file_name: v.file_name,
            xml: local.as_ref().map(|l| l.xml.clone()).unwrap_or_default(),
            reason: local.as_ref().map(|l| l.reason.clone()).unwrap_or_default(),
            requested_at: local.as_ref().map_or(Utc::now(), |l| l.requested_at),
            ticket: v.ticket,
            status,
            code: v.code,
            description: v.description,
            cdr_zip,
        });
        let mut index = txn.open_table(VOIDS_PENDING)?;
        if status == VoidStatus::Pending {
            index.insert(id.as_u128(), ())?;
        } else {
            index.remove(id.as_u128())?;
        }
        Ok(())
    }

    fn fiscal_in(&self, txn: &WriteTransaction, id: Uuid) -> StoreResult<Option<FiscalRecord>> {
        let t = txn.open_table(FISCAL_STATE)?;
        let v = t.get(id.as_u128())?;
        match v {
            Some(v) => Ok(Some(self.open_json(TABLE, &row(id), v.value())?)),
            None => Ok(None),
        }
    }

    fn write_fiscal(
        &self,
        txn: &WriteTransaction,
        id: Uuid,
        record: &FiscalRecord,
    ) -> StoreResult<()> {
        let sealed = self.seal_json(TABLE, &row(id), record)?;
        txn.open_table(FISCAL_STATE)?
            .insert(id.as_u128(), sealed.as_slice())?;
        Ok(())
    }
}

impl Store {
    /// Checks that document `id` may be voided on `today` (Lima date) for `reason`, then,
    /// in **one** write transaction, takes the next `N` of the day's RA (facturas and their
    /// notes) or RC (boletas and theirs, line in estado 3), writes and signs the summary and
    /// records the voiding as pending. The `N` is never given twice: a failed send still
    /// consumes it. Returns the pending voiding, or why it was refused (nothing written).
    pub fn begin_void(
        &self,
        id: Uuid,
        reason: &str,
        today: NaiveDate,
    ) -> StoreResult<Result<VoidRecord, VoidRefusal>> {
        let reason = reason.trim();
        let is_admin = self
            .user(self.account())?
            .is_some_and(|u| u.role == motordesk_core::Role::Administrador);
        // A cashier voids only with a manager's PIN given just before for this document
        // (`approval`).
        if !is_admin && self.take_void_grant(id)?.is_none() {
            return Ok(Err(VoidRefusal::NotAdmin));
        }
        let Some(inv) = self.get::<motordesk_core::Invoice>(id)? else {
            return Ok(Err(VoidRefusal::NotFound));
        };
        let inv = inv.data;
        let Some(record) = self.fiscal_state(id)? else {
            return Ok(Err(VoidRefusal::Fiscal(FiscalError::NotFiscal)));
        };
        if record.void_pending() {
            return Ok(Err(VoidRefusal::AlreadyPending));
        }
        if !record.state.can_transition(FiscalState::Anulado)
            || record.state == FiscalState::Anulado
        {
            return Ok(Err(VoidRefusal::NotAccepted(record.state)));
        }
        let issue_date = lima_date(inv.issued_at);
        if let Err(e) = motordesk_core::void_allowed(inv.kind, issue_date, today) {
            return Ok(Err(VoidRefusal::Fiscal(e)));
        }
        if reason.is_empty() {
            return Ok(Err(VoidRefusal::ReasonRequired));
        }
        let chars = reason.chars().count();
        if chars > MAX_VOID_REASON {
            return Ok(Err(VoidRefusal::ReasonTooLong(chars)));
        }
        let issuer = self.settings()?.sunat_issuer()?;
        let c = motordesk_sunat::comprobante(&inv, &issuer)?;
        let doc_type = c.kind.document_type();
        let reference = match &c.kind {
            motordesk_sunat::DocumentKind::NotaCredito { reference, .. }
            | motordesk_sunat::DocumentKind::NotaDebito { reference, .. } => {
                Some(reference.clone())
            }
            _ => None,
        };
        let family = reference.as_ref().map_or(doc_type, |r| r.doc_type);
        let kind = if family == motordesk_sunat::DocumentType::Factura {
            motordesk_sunat::SummaryKind::ComunicacionBaja
        } else {
            motordesk_sunat::SummaryKind::ResumenDiario
        };

        let now = Utc::now();
        let txn = self.db().begin_write()?;
        let cert = {
            let t = txn.open_table(SECRETS)?;
            let row_value = t.get("certificate")?;
            match row_value {
                None => None,
                Some(v) => {
                    let s: SealedCertificateRow =
                        self.open_json("secrets", b"certificate", v.value())?;
                    motordesk_sunat::Certificate::from_der_at(&s.key_pkcs8_der, &s.cert_der, now)
                        .ok()
                }
            }
        };
        let Some(cert) = cert else {
            txn.abort()?;
            return Ok(Err(VoidRefusal::NoCertificate));
        };
        let counter_key = format!("{}-{}", kind.code(), today.format("%Y%m%d"));
        let seq = {
            let t = txn.open_table(SUMMARY_CORRELATIVES)?;
            let last = t.get(counter_key.as_str())?.map(|v| v.value());
            last.unwrap_or(0) + 1
        };
        let settings = self.settings()?;
        let via_server = settings.has_server();
        let Some(correlative) = summary_correlative(via_server.then_some(&settings.series), seq)
        else {
            txn.abort()?;
            return Ok(Err(VoidRefusal::Summary(
                motordesk_sunat::SummaryError::Correlative(seq),
            )));
        };
        let built = match kind {
            motordesk_sunat::SummaryKind::ComunicacionBaja => {
                motordesk_sunat::build_baja(&motordesk_sunat::ComunicacionBaja {
                    issuer: issuer.clone(),
                    issue_date: today,
                    correlative,
                    lines: vec![motordesk_sunat::BajaLine {
                        doc_type,
                        series: c.series.clone(),
                        number: c.number,
                        issue_date,
                        reason: reason.to_owned(),
                    }],
                })
            }
            motordesk_sunat::SummaryKind::ResumenDiario => {
                motordesk_sunat::build_resumen(&motordesk_sunat::ResumenDiario {
                    issuer: issuer.clone(),
                    issue_date: today,
                    correlative,
                    lines: vec![motordesk_sunat::ResumenLine {
                        doc_type,
                        series: c.series.clone(),
                        number: c.number,
                        issue_date,
                        buyer_doc_type: c.buyer.doc_type,
                        buyer_doc_number: c.buyer.doc_number.clone(),
                        reference,
                        status: motordesk_sunat::ResumenStatus::Anular,
                        totals: c.totals.clone(),
                    }],
                })
            }
        };
        let unsigned = match built {
            Ok(u) => u,
            Err(e) => {
                txn.abort()?;
                return Ok(Err(VoidRefusal::Summary(e)));
            }
        };
        let signed = motordesk_sunat::sign(&unsigned, &cert)?;
        let void = VoidRecord {
            file_name: motordesk_sunat::summary_file_name(&issuer.ruc, kind, today, correlative),
            xml: String::from_utf8(signed.xml).map_err(|_| StoreError::Tampered("xml"))?,
            reason: reason.to_owned(),
            requested_at: now,
            ticket: None,
            status: VoidStatus::Pending,
            code: None,
            description: "Anulación en proceso: esperando a SUNAT.".into(),
            cdr_zip: Vec::new(),
        };
        // Read again inside the transaction: another worker may have voided it meanwhile.
        let current = self.fiscal_in(&txn, id)?.unwrap_or_default();
        if current.void_pending() || current.state != record.state {
            txn.abort()?;
            return Ok(Err(if current.void_pending() {
                VoidRefusal::AlreadyPending
            } else {
                VoidRefusal::NotAccepted(current.state)
            }));
        }
        txn.open_table(SUMMARY_CORRELATIVES)?
            .insert(counter_key.as_str(), seq)?;
        let mut record = current;
        record.void = Some(void.clone());
        self.write_fiscal(&txn, id, &record)?;
        txn.open_table(VOIDS_PENDING)?.insert(id.as_u128(), ())?;
        if via_server {
            // The server holds the Clave SOL: it sends the summary this kiosk signed.
            crate::store::outbox::enqueue(
                self,
                &txn,
                RecordKind::VoidRequest,
                id,
                1,
                format!("Anulación {}", void.file_name),
                now,
            )?;
        }
        txn.commit()?;
        log::info!("void of {id} recorded as {}", void.file_name);
        Ok(Ok(void))
    }

    /// Documents whose voiding waits for SUNAT, with it.
    pub fn pending_voids(&self) -> StoreResult<Vec<(Uuid, VoidRecord)>> {
        let r = self.db().begin_read()?;
        let pending = r.open_table(VOIDS_PENDING)?;
        let fiscal = r.open_table(FISCAL_STATE)?;
        let mut out = Vec::new();
        for e in pending.iter()? {
            let (k, _) = e?;
            let id = Uuid::from_u128(k.value());
            let Some(v) = fiscal.get(k.value())? else {
                continue;
            };
            let record: FiscalRecord = self.open_json(TABLE, &row(id), v.value())?;
            if let Some(void) = record.void.filter(|v| v.status == VoidStatus::Pending) {
                out.push((id, void));
            }
        }
        Ok(out)
    }

    /// Keeps the ticket `sendSummary` returned for the pending voiding of `id`.
    pub fn record_void_ticket(&self, id: Uuid, ticket: &str) -> StoreResult<()> {
        self.update_void(id, |_, v| {
            v.ticket = Some(ticket.to_owned());
            v.description = "Anulación en proceso: SUNAT está procesando el envío.".into();
        })
    }

    /// SUNAT processed the voiding: the document becomes ANULADO and the summary's CDR is
    /// kept with the voiding (the document's own CDR stays as it was).
    pub fn record_void_confirmed(
        &self,
        id: Uuid,
        code: u32,
        description: &str,
        cdr_zip: Vec<u8>,
    ) -> StoreResult<Result<FiscalRecord, FiscalError>> {
        let mut refused = None;
        self.update_void(id, |record, v| {
            match record.state.transition(FiscalState::Anulado) {
                Ok(state) => {
                    record.state = state;
                    v.status = VoidStatus::Confirmed;
                    v.code = Some(code);
                    v.description = description.to_owned();
                    v.cdr_zip = cdr_zip;
                }
                Err(e) => refused = Some(e),
            }
        })?;
        if let Some(e) = refused {
            return Ok(Err(e));
        }
        Ok(Ok(self.fiscal_state(id)?.unwrap_or_default()))
    }

    /// SUNAT refused the voiding (or it could not be sent at all): the document keeps its
    /// accepted state; the refusal is kept to show.
    pub fn record_void_refused(
        &self,
        id: Uuid,
        code: Option<u32>,
        description: &str,
        cdr_zip: Option<Vec<u8>>,
    ) -> StoreResult<()> {
        self.update_void(id, |_, v| {
            v.status = VoidStatus::Refused;
            v.code = code;
            v.description = description.to_owned();
            if let Some(z) = cdr_zip {
                v.cdr_zip = z;
            }
        })
    }

    /// Changes the voiding of `id` in one write transaction and keeps the pending index
    /// and the settled index in step with it.
    fn update_void(
        &self,
        id: Uuid,
        f: impl FnOnce(&mut FiscalRecord, &mut VoidRecord),
    ) -> StoreResult<()> {
        let key = id.as_u128();
        let txn = self.db().begin_write()?;
        let mut record = self
            .fiscal_in(&txn, id)?
            .ok_or(StoreError::NotFound("la anulación"))?;
        let mut void = record
            .void
            .take()
            .ok_or(StoreError::NotFound("la anulación"))?;
        f(&mut record, &mut void);
        let pending = void.status == VoidStatus::Pending;
        record.void = Some(void);
        self.write_fiscal(&txn, id, &record)?;
        let mut index = txn.open_table(VOIDS_PENDING)?;
        if pending {
            index.insert(key, ())?;
        } else {
            index.remove(key)?;
        }
        drop(index);
        if record.state.is_final() {
            txn.open_table(FISCAL_SETTLED)?.insert(key, ())?;
        }
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DB_FILE;
    use motordesk_core::{
        Buyer, IdDocument, IdKind, Invoice, InvoiceDraft, Modifies, NoteReason, SaleLine,
        TaxAffectation, Unit,
    };
    use rust_decimal_macros::dec;

    fn line() -> SaleLine {
        SaleLine {
            product_id: None,
            code: "SRV".into(),
            description: "Cambio de aceite".into(),
            unit: Unit::Servicio,
            quantity: rust_decimal::Decimal::ONE,
            unit_price: dec!(50.00),
            discount: rust_decimal::Decimal::ZERO,
            affectation: TaxAffectation::Gravado,
        }
    }

    fn issue(store: &Store, kind: DocumentKind, of: Option<&Invoice>) -> Invoice {
        let mut d = InvoiceDraft::new(kind);
        if kind == DocumentKind::Factura || of.is_some_and(|o| o.kind == DocumentKind::Factura) {
            d.buyer = Buyer {
                customer_id: None,
                id: IdDocument::new(IdKind::Ruc, "20131312955").unwrap(),
                name: "TRANSPORTES ANDINOS S.A.C.".into(),
                address: "AV. ARGENTINA 2450, LIMA".into(),
            };
        }
        d.lines = vec![line()];
        if let Some(o) = of {
            d.modifies = Some(Modifies::of(o, NoteReason::DevolucionPorItem, ""));
        }
        store.issue_invoice(d).unwrap()
    }

    fn outcome(state: FiscalState, code: Option<u32>, text: &str, unknown: bool) -> SunatOutcome {
        SunatOutcome {
            state,
            code,
            description: text.into(),
            observations: Vec::new(),
            cdr_zip: None,
            outcome_unknown: unknown,
            attempted: true,
            at: Utc::now(),
        }
    }

    fn record(store: &Store, id: Uuid, o: SunatOutcome) {
        store.record_sunat_outcome(id, o).unwrap().unwrap();
    }

    #[test]
    fn awaiting_sunat_lists_unsettled_documents_by_urgency_then_age() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::create(&dir.path().join(DB_FILE), "admin", "clave-admin", "Admin").unwrap();
        crate::demo::setup_shop(&store).unwrap();
        let boleta = issue(&store, DocumentKind::Boleta, None);
        let factura = issue(&store, DocumentKind::Factura, None);
        let nota = issue(&store, DocumentKind::NotaDeCredito, Some(&factura));
        let accepted = issue(&store, DocumentKind::Boleta, None);
        let rejected = issue(&store, DocumentKind::Boleta, None);
        let exception = issue(&store, DocumentKind::Boleta, None);
        let lost = issue(&store, DocumentKind::Factura, None);
        let nv = issue(&store, DocumentKind::NotaDeVenta, None);
        record(
            &store,
            accepted.id,
            outcome(
                FiscalState::Aceptado,
                Some(0),
                "La Boleta ha sido aceptada",
                false,
            ),
        );
        record(
            &store,
            rejected.id,
            outcome(FiscalState::Rechazado, Some(2017), "RUC no válido", false),
        );
        record(
            &store,
            exception.id,
            outcome(
                FiscalState::Excepcion,
                Some(1032),
                "El comprobante ya fue informado",
                false,
            ),
        );
        record(
            &store,
            lost.id,
            outcome(FiscalState::Enviado, None, "Sin respuesta de SUNAT", true),
        );
        let issued = lima_date(boleta.issued_at);

        // The day after issue: everything is on time, oldest first.
        let list = store.awaiting_sunat(issued.succ_opt().unwrap()).unwrap();
        let ids: Vec<Uuid> = list.iter().map(|d| d.id).collect();
        assert_eq!(
            ids,
            vec![boleta.id, factura.id, nota.id, exception.id, lost.id]
        );
        assert!(!ids.contains(&nv.id), "a nota de venta never goes to SUNAT");
        assert!(
            list.iter()
                .all(|d| d.urgency == Some(SendUrgency::Ok) && d.age_days == 1)
        );
        let b = &list[0];
        assert_eq!(b.number.to_string(), "B001-00000001");
        assert_eq!(b.kind, DocumentKind::Boleta);
        assert_eq!(b.state, FiscalState::PorEnviar);
        assert_eq!(b.deadline, Some(issued + chrono::Days::new(5)));
        assert!(!b.can_resend());
        let n = &list[2];
        assert_eq!(n.kind, DocumentKind::NotaDeCredito);
        assert_eq!(
            n.deadline,
            Some(issued + chrono::Days::new(3)),
            "a factura's note: 3 days"
        );
        let e = &list[3];
        assert_eq!((e.state, e.code), (FiscalState::Excepcion, Some(1032)));
        assert_eq!(e.description, "El comprobante ya fue informado");
        assert!(e.can_resend());
        assert!(list[4].can_resend() && list[4].state == FiscalState::Enviado);

        // Day 3: the facturas and their note are on their last day, the boletas warn.
        let day3 = issued + chrono::Days::new(3);
        let list = store.awaiting_sunat(day3).unwrap();
        let urgent: Vec<(Uuid, Option<SendUrgency>)> =
            list.iter().map(|d| (d.id, d.urgency)).collect();
        assert_eq!(
            urgent,
            vec![
                (factura.id, Some(SendUrgency::Alarm)),
                (nota.id, Some(SendUrgency::Alarm)),
                (lost.id, Some(SendUrgency::Alarm)),
                (boleta.id, Some(SendUrgency::Warn)),
                (exception.id, Some(SendUrgency::Warn)),
            ]
        );
        assert_eq!(
            store.awaiting_sunat_summary(day3).unwrap(),
            AwaitingSummary {
                count: 5,
                alarm: 3,
                most_urgent: Some(SendUrgency::Alarm)
            }
        );
        // A clock set back reads as on time, never a negative age.
        let before = store.awaiting_sunat(issued.pred_opt().unwrap()).unwrap();
        assert!(
            before
                .iter()
                .all(|d| d.age_days == 0 && d.urgency == Some(SendUrgency::Ok))
        );

        // Accepted at last: gone from the list.
        record(
            &store,
            factura.id,
            outcome(FiscalState::Aceptado, Some(0), "Aceptada", false),
        );
        let list = store.awaiting_sunat(day3).unwrap();
        assert_eq!(list.len(), 4);
        assert!(list.iter().all(|d| d.id != factura.id));
    }

    #[test]
    fn unsigned_documents_are_not_awaiting_sunat() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::create(&dir.path().join(DB_FILE), "admin", "clave-admin", "Admin").unwrap();
        crate::demo::configure_shop(&store).unwrap();
        let b = issue(&store, DocumentKind::Boleta, None);
        let today = lima_date(b.issued_at);
        assert_eq!(store.unsigned_count().unwrap(), 1);
        assert!(store.awaiting_sunat(today).unwrap().is_empty());
        assert_eq!(
            store.awaiting_sunat_summary(today).unwrap(),
            AwaitingSummary::default()
        );
    }
}
