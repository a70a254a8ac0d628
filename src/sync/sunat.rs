//! A kiosk without a MotorDesk server sends its own signed comprobantes to SUNAT (or an
//! OSE) with `motordesk_sunat::SunatClient`, and keeps each document's fiscal state and
//! CDR in the store.
//!
//! The one rule that matters: never send a number twice once SUNAT may have it. Before
//! each `sendBill` the document is marked ENVIADO with an unknown outcome (one write
//! transaction), so a crash or a lost answer leaves it marked; a marked document is first
//! looked up with the consult service (`getStatusCdr`) and only sent again when SUNAT says
//! it does not know it. SUNAT's 1033 ("registrado previamente") is read the same way:
//! fetch the CDR, never resend.

use crate::store::{
    DocumentToSend, ShopSettings, Store, StoreError, StoreResult, SunatOutcome, VoidRecord,
    VoidRefusal,
};
use chrono::{NaiveDate, Utc};
use motordesk_core::FiscalState;
use motordesk_sunat::{
    Cdr, ClientConfig, Credentials, DocumentName, Endpoints, SendError, SunatClient, TicketStatus,
    Verdict,
};
use std::time::Duration;
use uuid::Uuid;

/// Whole-call timeout of one SOAP call from the kiosk.
pub const SUNAT_TIMEOUT: Duration = Duration::from_secs(30);

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

fn state_of(verdict: Verdict) -> FiscalState {
    match verdict {
        Verdict::Accepted => FiscalState::Aceptado,
        Verdict::AcceptedWithObservations => FiscalState::AceptadoConObservaciones,
        Verdict::Rejected => FiscalState::Rechazado,
        Verdict::Exception => FiscalState::Excepcion,
    }
}

fn from_cdr(cdr: &Cdr, attempted: bool) -> SunatOutcome {
    let observed = cdr.notes.iter().any(|n| n.code.is_some_and(|c| c >= 4000));
    SunatOutcome {
        state: FiscalState::from_cdr_code(cdr.response_code, observed),
        code: Some(cdr.response_code),
        description: cdr.description.clone(),
        observations: cdr.notes.iter().map(|n| n.text.clone()).collect(),
        cdr_zip: Some(cdr.zip.clone()),
        outcome_unknown: false,
        attempted,
        at: Utc::now(),
    }
}

fn unknown(description: String, attempted: bool) -> SunatOutcome {
    SunatOutcome {
        state: FiscalState::Enviado,
        code: None,
        description,
        observations: Vec::new(),
        cdr_zip: None,
        outcome_unknown: true,
        attempted,
        at: Utc::now(),
    }
}

/// Writes `outcome`; a transition the state machine refuses is logged and the stored
/// state returned instead.
fn record(
    store: &Store,
    doc: &DocumentToSend,
    outcome: SunatOutcome,
    report: &mut SunatReport,
) -> StoreResult<FiscalState> {
    let wanted = outcome.state;
    match store.record_sunat_outcome(doc.id, outcome)? {
        Ok(r) => Ok(r.state),
        Err(e) => {
            log::warn!("sunat: {}: {e}", doc.file_name);
            report
                .problems
                .push(format!("{}: {}", doc.file_name, e.mensaje()));
            let current = store.fiscal_state(doc.id)?.map(|r| r.state);
            Ok(current.unwrap_or(wanted))
        }
    }
}

fn send_one(
    store: &Store,
    client: &SunatClient,
    doc: &DocumentToSend,
    report: &mut SunatReport,
) -> StoreResult<FiscalState> {
    let name = match DocumentName::parse(&doc.file_name) {
        Ok(n) => n,
        Err(e) => {
            log::error!("sunat: stored file name refused: {e}");
            report
                .problems
                .push(format!("{}: {}", doc.file_name, e.mensaje()));
            return Ok(doc.fiscal.state);
        }
    };
    // SUNAT may already have it: ask before sending the same number again.
    if doc.fiscal.outcome_unknown || doc.fiscal.state == FiscalState::Enviado {
        report.consulted += 1;
        match client.get_status_cdr_for(&name) {
            Ok(found) => match found.cdr {
                Some(cdr) => return record(store, doc, from_cdr(&cdr, false), report),
                None if found.status_code.trim_start_matches('0') == "11" => {
                    log::info!("sunat: {name} not registered, sending it again");
                }
                None => {
                    log::warn!(
                        "sunat: consult of {name} answered {} {}",
                        found.status_code,
                        found.status_message
                    );
                    let text = format!(
                        "SUNAT no confirmó el estado de {name} ({} {}); se consultará de nuevo.",
                        found.status_code, found.status_message
                    );
                    report.problems.push(text.clone());
                    return record(store, doc, unknown(text, false), report);
                }
            },
            Err(e) => {
                log::warn!("sunat: consult of {name} failed: {e}");
                report.problems.push(format!("{name}: {}", e.mensaje()));
                return Ok(doc.fiscal.state);
            }
        }
    }
    // Marked before it leaves: a crash or a lost answer is consulted next time.
    let marked = record(
        store,
        doc,
        unknown("Enviado a SUNAT; esperando la constancia.".into(), true),
        report,
    )?;
    if marked != FiscalState::Enviado {
        return Ok(marked);
    }
    report.sent += 1;
    match client.send_bill(name.as_str(), doc.xml.as_bytes()) {
        Ok(cdr) => record(store, doc, from_cdr(&cdr, false), report),
        Err(e) if e.already_registered() => {
            // 1033: registered by an earlier send. Fetch its CDR; never resend.
            log::info!("sunat: {name} already registered, fetching its CDR");
            report.consulted += 1;
            match client.get_status_cdr_for(&name) {
                Ok(found) if found.cdr.is_some() => {
                    let cdr = found.cdr.expect("checked");
                    record(store, doc, from_cdr(&cdr, false), report)
                }
                Ok(found) => {
                    let text = format!(
                        "{name}: SUNAT lo registró antes, pero no entregó la constancia ({} {}).",
                        found.status_code, found.status_message
                    );
                    report.problems.push(text.clone());
                    record(store, doc, unknown(text, false), report)
                }
                Err(c) => {
                    log::warn!("sunat: consult of {name} failed: {c}");
                    report.problems.push(format!("{name}: {}", c.mensaje()));
                    record(store, doc, unknown(c.mensaje(), false), report)
                }
            }
        }
        Err(e) if e.outcome_unknown() => {
            log::warn!("sunat: {name}: outcome unknown: {e}");
            report.problems.push(format!("{name}: {}", e.mensaje()));
            record(store, doc, unknown(e.mensaje(), false), report)
        }
        Err(e) => {
            let (code, description) = match &e {
                SendError::Fault(f) => (f.code(), f.faultstring.clone()),
                _ => (None, e.mensaje()),
            };
            let state = match e.verdict() {
                Some(v) => state_of(v),
                // Nothing left the kiosk (name or zip refused locally).
                None => FiscalState::PorEnviar,
            };
            log::warn!("sunat: {name}: {e}");
            report.problems.push(format!("{name}: {}", e.mensaje()));
            record(
                store,
                doc,
                SunatOutcome {
                    state,
                    code,
                    description,
                    observations: Vec::new(),
                    cdr_zip: None,
                    outcome_unknown: false,
                    attempted: false,
                    at: Utc::now(),
                },
                report,
            )
        }
    }
}

/// SUNAT fault 2324: "El archivo de comunicacion de baja ya fue presentado anteriormente".
const SUMMARY_ALREADY_PRESENTED: u32 = 2324;
/// SUNAT fault 2223: "El archivo ya fue presentado anteriormente".
const FILE_ALREADY_PRESENTED: u32 = 2223;

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

/// One step of a pending voiding: send it when it has no ticket, then ask for the ticket.
fn advance_void(
    store: &Store,
    client: &SunatClient,
    id: Uuid,
    void: VoidRecord,
) -> StoreResult<VoidOutcome> {
    let file_name = void.file_name.clone();
    let pending = |detail: String| VoidOutcome::Pending {
        file_name: file_name.clone(),
        detail,
    };
    let ticket = match void.ticket {
        Some(t) => t,
        None => match client.send_summary(&void.file_name, void.xml.as_bytes()) {
            Ok(t) => {
                store.record_void_ticket(id, &t)?;
                t
            }
            Err(e) if e.outcome_unknown() || e.is_retryable() => {
                log::warn!("sunat: void {file_name}: no answer: {e}");
                return Ok(pending(format!(
                    "{} Se reintentará con el mismo archivo.",
                    e.mensaje()
                )));
            }
            Err(e) => {
                log::warn!("sunat: void {file_name} refused: {e}");
                let code = match &e {
                    SendError::Fault(f) => f.code(),
                    _ => None,
                };
                let text = match code {
                    // The file reached SUNAT on an earlier send whose answer (the ticket)
                    // was lost: SUNAT has it, but only SOL can tell how it ended.
                    Some(SUMMARY_ALREADY_PRESENTED | FILE_ALREADY_PRESENTED) => format!(
                        "SUNAT ya había recibido {file_name}, pero su respuesta se perdió. Verifique en SUNAT Operaciones en Línea si el comprobante figura como anulado antes de anularlo de nuevo."
                    ),
                    _ => e.mensaje(),
                };
                store.record_void_refused(id, code, &text, None)?;
                return Ok(VoidOutcome::Refused {
                    file_name,
                    detail: text,
                });
            }
        },
    };
    match client.get_status(&ticket) {
        Ok(TicketStatus::InProcess) => Ok(pending(TicketStatus::InProcess.mensaje())),
        Ok(TicketStatus::Done(cdr)) if cdr.verdict().is_accepted() => {
            match store.record_void_confirmed(id, cdr.response_code, &cdr.description, cdr.zip)? {
                Ok(_) => Ok(VoidOutcome::Anulado { file_name }),
                Err(e) => {
                    log::error!("sunat: void {file_name} confirmed but not recorded: {e}");
                    Ok(VoidOutcome::Refused {
                        file_name,
                        detail: e.mensaje(),
                    })
                }
            }
        }
        Ok(TicketStatus::Done(cdr)) | Ok(TicketStatus::DoneWithErrors(cdr)) => {
            let text = cdr.mensaje();
            log::warn!("sunat: void {file_name} refused: {text}");
            store.record_void_refused(id, Some(cdr.response_code), &text, Some(cdr.zip))?;
            Ok(VoidOutcome::Refused {
                file_name,
                detail: text,
            })
        }
        Err(e) => {
            log::warn!("sunat: getStatus of void {file_name} failed: {e}");
            Ok(pending(format!("{} Se consultará de nuevo.", e.mensaje())))
        }
    }
}
