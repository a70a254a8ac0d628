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

use crate::store::{DocumentToSend, ShopSettings, Store, StoreResult, SunatOutcome};
use chrono::Utc;
use motordesk_core::FiscalState;
use motordesk_sunat::{
    Cdr, ClientConfig, Credentials, DocumentName, Endpoints, SendError, SunatClient, Verdict,
};
use std::time::Duration;

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
