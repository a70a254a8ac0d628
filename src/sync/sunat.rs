//! A kiosk without a MotorDesk server sends its own signed comprobantes to SUNAT (or an
//! OSE) with `motordesk_sunat::SunatClient`, and keeps each document's fiscal state and
//! CDR in the store.
//!
//! The one rule that matters, never send a number twice once SUNAT may have it, lives in
//! `motordesk_sunat::send_document` (the server's dispatcher uses the same function); this
//! file records its outcomes in the store, one write transaction each.

use crate::store::{
    DocumentToSend, ShopSettings, Store, StoreError, StoreResult, SunatOutcome, VoidRecord,
    VoidRefusal,
};
use chrono::NaiveDate;
use motordesk_core::FiscalState;
use motordesk_sunat::{
    ClientConfig, Credentials, Endpoints, Prior, SunatClient, VoidStep, send_document, void_step,
};
use std::time::Duration;
use uuid::Uuid;

/// Whole-call timeout of one SOAP call from the kiosk.
pub const SUNAT_TIMEOUT: Duration = Duration::from_secs(30);

/// A run stops after this many documents whose outcome stayed unknown.
const GIVE_UP_AFTER_UNKNOWN: usize = 3;

/// What one `send_pending` run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SunatReport {
    /// Documents looked at.
    pub documents: usize,
    /// `sendBill` calls made.
    pub sent: usize,
    /// `getStatusCdr` calls made.
    pub consulted: usize,
    /// Ended ACEPTADO.
    pub accepted: usize,
    /// Ended ACEPTADO CON OBSERVACIONES.
    pub observed: usize,
    /// Ended RECHAZADO (the number is consumed: a new document must be issued).
    pub rejected: usize,
    /// Ended EXCEPCIÓN (to be resent with the same number).
    pub exceptions: usize,
    /// Outcome still unknown (no answer): stays ENVIADO, consulted next time.
    pub unknown: usize,
    /// Problems worth showing (Spanish), one per document at most.
    pub problems: Vec<String>,
}

impl SunatReport {
    /// One Spanish line for Ajustes.
    pub fn mensaje(&self) -> String {
        if self.documents == 0 {
            return "No hay comprobantes pendientes de envío a SUNAT.".into();
        }
        let mut t = format!(
            "SUNAT: {} aceptados, {} con observaciones, {} rechazados, {} con excepción, {} sin respuesta ({} enviados, {} consultados).",
            self.accepted,
            self.observed,
            self.rejected,
            self.exceptions,
            self.unknown,
            self.sent,
            self.consulted
        );
        if let Some(p) = self.problems.first() {
            t.push(' ');
            t.push_str(p);
        }
        t
    }

    fn count(&mut self, state: FiscalState) {
        match state {
            FiscalState::Aceptado => self.accepted += 1,
            FiscalState::AceptadoConObservaciones => self.observed += 1,
            FiscalState::Rechazado => self.rejected += 1,
            FiscalState::Excepcion => self.exceptions += 1,
            FiscalState::PorEnviar | FiscalState::Enviado => self.unknown += 1,
            FiscalState::Anulado => {}
        }
    }
}

/// The client for the SUNAT settings of this kiosk, or `None` while no endpoint is set.
/// The WS-Security user is the shop's RUC followed by the SOL user.
pub fn sunat_client(settings: &ShopSettings) -> Option<SunatClient> {
    let bill = settings.sunat_endpoint.trim();
    if bill.is_empty() {
        return None;
    }
    let consult = match settings.sunat_consult_endpoint.trim() {
        "" => Endpoints::SUNAT_CONSULT,
        url => url,
    };
    Some(SunatClient::new(ClientConfig::new(
        Endpoints::custom(bill, consult),
        Credentials::new(
            settings.issuer.ruc.trim(),
            settings.sunat_user.trim(),
            settings.sunat_password.clone(),
        ),
        SUNAT_TIMEOUT,
    )))
}

/// Sends up to `limit` documents that wait for SUNAT, oldest first, and records each
/// outcome. A store failure stops the run; SUNAT's and the network's answers never do.
pub fn send_pending(store: &Store, client: &SunatClient, limit: usize) -> StoreResult<SunatReport> {
    let mut report = SunatReport::default();
    for doc in store.documents_to_send(limit)? {
        report.documents += 1;
        let state = send_one(store, client, &doc, &mut report)?;
        report.count(state);
        if report.unknown >= GIVE_UP_AFTER_UNKNOWN {
            // SUNAT or the network is not answering: stop here rather than wait a timeout
            // per document; the rest go on the next run.
            log::warn!(
                "sunat: {} sends without an answer, stopping this run",
                report.unknown
            );
            break;
        }
    }
    if report.documents > 0 {
        log::info!(
            "sunat: {} documents, {} sent, {} consulted, {} accepted, {} observed, {} rejected, {} exceptions, {} unknown",
            report.documents,
            report.sent,
            report.consulted,
            report.accepted,
            report.observed,
            report.rejected,
            report.exceptions,
            report.unknown
        );
    }
    Ok(report)
}

/// Sends one document with the shared never-twice rule, recording each outcome in the
/// store; a transition the state machine refuses is logged and the stored state kept.
fn send_one(
    store: &Store,
    client: &SunatClient,
    doc: &DocumentToSend,
    report: &mut SunatReport,
) -> StoreResult<FiscalState> {
    let mut refused = Vec::new();
    let mut record = |outcome: SunatOutcome| -> StoreResult<FiscalState> {
        let wanted = outcome.state;
        match store.record_sunat_outcome(doc.id, outcome)? {
            Ok(r) => Ok(r.state),
            Err(e) => {
                log::warn!("sunat: {}: {e}", doc.file_name);
                refused.push(format!("{}: {}", doc.file_name, e.mensaje()));
                let current = store.fiscal_state(doc.id)?.map(|r| r.state);
                Ok(current.unwrap_or(wanted))
            }
        }
    };
    let prior = Prior {
        state: doc.fiscal.state,
        outcome_unknown: doc.fiscal.outcome_unknown,
    };
    let done = send_document(
        client,
        &doc.file_name,
        doc.xml.as_bytes(),
        prior,
        &mut record,
    )?;
    report.sent += usize::from(done.sent);
    report.consulted += done.consulted as usize;
    report.problems.extend(done.problem);
    report.problems.extend(refused);
    Ok(done.state)
}

/// Why `void_document` did not even send: a refusal (Spanish `mensaje()`), or the store.
#[derive(Debug, thiserror::Error)]
pub enum VoidError {
    #[error("void refused: {0}")]
    Refused(#[source] VoidRefusal),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl VoidError {
    /// The text for the screen (Spanish).
    pub fn mensaje(&self) -> String {
        match self {
            VoidError::Refused(r) => r.mensaje(),
            VoidError::Store(e) => e.mensaje(),
        }
    }
}

/// Where a voiding stands after talking to SUNAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoidOutcome {
    /// SUNAT confirmed it: the document is ANULADO.
    Anulado { file_name: String },
    /// Sent (or to be sent again); SUNAT has not finished. `poll_voids` asks later.
    Pending { file_name: String, detail: String },
    /// SUNAT refused it: the document keeps its accepted state.
    Refused { file_name: String, detail: String },
}

impl VoidOutcome {
    /// One Spanish line for the screen.
    pub fn mensaje(&self) -> String {
        match self {
            VoidOutcome::Anulado { file_name } => {
                format!("Comprobante ANULADO: SUNAT confirmó la baja ({file_name}).")
            }
            VoidOutcome::Pending { file_name, detail } => {
                format!("Anulación en proceso ({file_name}): {detail}")
            }
            VoidOutcome::Refused { file_name, detail } => {
                format!("SUNAT no aceptó la anulación ({file_name}): {detail}")
            }
        }
    }
}

/// Voids accepted document `id` for `reason` on `today` (Lima date): a comunicación de
/// baja (RA) for a factura or a note of one, a resumen diario line in estado 3 (RC) for a
/// boleta or a note of one. The summary is signed and recorded as pending (with its new
/// daily `N`) before it leaves; then sent, and its ticket polled once. A ticket still in
/// process is polled again by [`poll_voids`].
pub fn void_document(
    store: &Store,
    client: &SunatClient,
    id: Uuid,
    reason: &str,
    today: NaiveDate,
) -> Result<VoidOutcome, VoidError> {
    let void = store
        .begin_void(id, reason, today)?
        .map_err(VoidError::Refused)?;
    Ok(advance_void(store, client, id, void)?)
}

/// A kiosk of a shop with a server voids accepted document `id`: the summary is signed
/// here (this kiosk holds the certificate) and queued for the server, whose dispatcher
/// sends it with the shop's Clave SOL and publishes SUNAT's answer through sync.
pub fn request_void(
    store: &Store,
    id: Uuid,
    reason: &str,
    today: NaiveDate,
) -> Result<VoidOutcome, VoidError> {
    let void = store
        .begin_void(id, reason, today)?
        .map_err(VoidError::Refused)?;
    Ok(VoidOutcome::Pending {
        file_name: void.file_name,
        detail: "enviada al servidor de la tienda, que la presenta a SUNAT.".into(),
    })
}

/// What one `poll_voids` run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoidPollReport {
    pub outcomes: Vec<(Uuid, VoidOutcome)>,
}

impl VoidPollReport {
    pub fn voided(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|(_, o)| matches!(o, VoidOutcome::Anulado { .. }))
            .count()
    }
    pub fn pending(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|(_, o)| matches!(o, VoidOutcome::Pending { .. }))
            .count()
    }
    pub fn refused(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|(_, o)| matches!(o, VoidOutcome::Refused { .. }))
            .count()
    }
}

/// Asks SUNAT about every pending voiding (sends again the ones whose `sendSummary` got
/// no answer, same file and `N`). SUNAT's and the network's answers never stop the run.
pub fn poll_voids(store: &Store, client: &SunatClient) -> StoreResult<VoidPollReport> {
    let mut report = VoidPollReport::default();
    for (id, void) in store.pending_voids()? {
        let outcome = advance_void(store, client, id, void)?;
        report.outcomes.push((id, outcome));
    }
    Ok(report)
}

/// One step of a pending voiding (`motordesk_sunat::void_step`), recorded in the store:
/// the ticket as soon as SUNAT gives it, then the confirmation or the refusal.
fn advance_void(
    store: &Store,
    client: &SunatClient,
    id: Uuid,
    void: VoidRecord,
) -> StoreResult<VoidOutcome> {
    let file_name = void.file_name.clone();
    let mut record_ticket = |t: &str| store.record_void_ticket(id, t);
    let step = void_step(
        client,
        &void.file_name,
        void.xml.as_bytes(),
        void.ticket,
        &mut record_ticket,
    )?;
    Ok(match step {
        VoidStep::Pending { detail } => VoidOutcome::Pending { file_name, detail },
        VoidStep::Confirmed {
            code,
            description,
            cdr_zip,
        } => match store.record_void_confirmed(id, code, &description, cdr_zip)? {
            Ok(_) => VoidOutcome::Anulado { file_name },
            Err(e) => {
                log::error!("sunat: void {file_name} confirmed but not recorded: {e}");
                VoidOutcome::Refused {
                    file_name,
                    detail: e.mensaje(),
                }
            }
        },
        VoidStep::Refused {
            code,
            detail,
            cdr_zip,
        } => {
            store.record_void_refused(id, code, &detail, cdr_zip)?;
            VoidOutcome::Refused { file_name, detail }
        }
    })
}
