//! The one rule for sending a signed document, shared by a kiosk without a server and the
//! server's dispatcher: never send a number twice once SUNAT may have it.
//!
//! Before each `sendBill` the document is recorded ENVIADO with an unknown outcome, so a
//! crash or a lost answer leaves it marked; a marked document is first looked up with the
//! consult service (`getStatusCdr`) and only sent again when SUNAT says it does not know
//! it. SUNAT's 1033 ("registrado previamente") is read the same way: fetch the CDR, never
//! resend. Where the outcome is written (a kiosk's redb, the server's) is the caller's
//! `record` function.

use crate::send::{Cdr, DocumentName, SendError, SunatClient, Verdict};
use chrono::{DateTime, Utc};
use motordesk_core::FiscalState;

/// What one exchange with SUNAT (or the consult service) says about a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SunatOutcome {
    /// The state to move to (callers check it with `FiscalState::transition`).
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

impl SunatOutcome {
    /// What a CDR says.
    pub fn from_cdr(cdr: &Cdr) -> SunatOutcome {
        let observed = cdr.notes.iter().any(|n| n.code.is_some_and(|c| c >= 4000));
        SunatOutcome {
            state: FiscalState::from_cdr_code(cdr.response_code, observed),
            code: Some(cdr.response_code),
            description: cdr.description.clone(),
            observations: cdr.notes.iter().map(|n| n.text.clone()).collect(),
            cdr_zip: Some(cdr.zip.clone()),
            outcome_unknown: false,
            attempted: false,
            at: Utc::now(),
        }
    }

    /// Sent (or about to be) without a readable answer: ENVIADO, consult before resending.
    pub fn unknown(description: String, attempted: bool) -> SunatOutcome {
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
}

/// Where a document stood before this send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prior {
    pub state: FiscalState,
    pub outcome_unknown: bool,
}

/// What `send_document` did with one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispatched {
    /// The state recorded last (or the prior one when nothing was recorded).
    pub state: FiscalState,
    /// A `sendBill` was made.
    pub sent: bool,
    /// `getStatusCdr` calls made.
    pub consulted: u32,
    /// What went wrong (Spanish), for the screen or the log.
    pub problem: Option<String>,
}

fn state_of(verdict: Verdict) -> FiscalState {
    match verdict {
        Verdict::Accepted => FiscalState::Aceptado,
        Verdict::AcceptedWithObservations => FiscalState::AceptadoConObservaciones,
        Verdict::Rejected => FiscalState::Rechazado,
        Verdict::Exception => FiscalState::Excepcion,
    }
}

/// Sends one signed document (consulting first when SUNAT may already have it) and hands
/// every outcome to `record`, which stores it and returns the state actually stored.
/// Only `record`'s own errors end it early; SUNAT's and the network's are outcomes.
pub fn send_document<E>(
    client: &SunatClient,
    file_name: &str,
    xml: &[u8],
    prior: Prior,
    record: &mut dyn FnMut(SunatOutcome) -> Result<FiscalState, E>,
) -> Result<Dispatched, E> {
    let mut done = Dispatched {
        state: prior.state,
        sent: false,
        consulted: 0,
        problem: None,
    };
    let name = match DocumentName::parse(file_name) {
        Ok(n) => n,
        Err(e) => {
            log::error!("sunat: stored file name refused: {e}");
            done.problem = Some(format!("{file_name}: {}", e.mensaje()));
            return Ok(done);
        }
    };
    // SUNAT may already have it: ask before sending the same number again.
    if prior.outcome_unknown || prior.state == FiscalState::Enviado {
        done.consulted += 1;
        match client.get_status_cdr_for(&name) {
            Ok(found) => match found.cdr {
                Some(cdr) => {
                    done.state = record(SunatOutcome::from_cdr(&cdr))?;
                    return Ok(done);
                }
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
                    done.problem = Some(text.clone());
                    done.state = record(SunatOutcome::unknown(text, false))?;
                    return Ok(done);
                }
            },
            Err(e) => {
                log::warn!("sunat: consult of {name} failed: {e}");
                done.problem = Some(format!("{name}: {}", e.mensaje()));
                return Ok(done);
            }
        }
    }
    // Marked before it leaves: a crash or a lost answer is consulted next time.
    let marked = record(SunatOutcome::unknown(
        "Enviado a SUNAT; esperando la constancia.".into(),
        true,
    ))?;
    done.state = marked;
    if marked != FiscalState::Enviado {
        return Ok(done);
    }
    done.sent = true;
    let outcome = match client.send_bill(name.as_str(), xml) {
        Ok(cdr) => SunatOutcome::from_cdr(&cdr),
        Err(e) if e.already_registered() => {
            // 1033: registered by an earlier send. Fetch its CDR; never resend.
            log::info!("sunat: {name} already registered, fetching its CDR");
            done.consulted += 1;
            match client.get_status_cdr_for(&name) {
                Ok(found) => match found.cdr {
                    Some(cdr) => SunatOutcome::from_cdr(&cdr),
                    None => {
                        let text = format!(
                            "{name}: SUNAT lo registró antes, pero no entregó la constancia ({} {}).",
                            found.status_code, found.status_message
                        );
                        done.problem = Some(text.clone());
                        SunatOutcome::unknown(text, false)
                    }
                },
                Err(c) => {
                    log::warn!("sunat: consult of {name} failed: {c}");
                    done.problem = Some(format!("{name}: {}", c.mensaje()));
                    SunatOutcome::unknown(c.mensaje(), false)
                }
            }
        }
        Err(e) if e.outcome_unknown() => {
            log::warn!("sunat: {name}: outcome unknown: {e}");
            done.problem = Some(format!("{name}: {}", e.mensaje()));
            SunatOutcome::unknown(e.mensaje(), false)
        }
        Err(e) => {
            let (code, description) = match &e {
                SendError::Fault(f) => (f.code(), f.faultstring.clone()),
                _ => (None, e.mensaje()),
            };
            log::warn!("sunat: {name}: {e}");
            done.problem = Some(format!("{name}: {}", e.mensaje()));
            SunatOutcome {
                // Without a verdict nothing left this machine (name or zip refused).
                state: e.verdict().map_or(FiscalState::PorEnviar, state_of),
                code,
                description,
                observations: Vec::new(),
                cdr_zip: None,
                outcome_unknown: false,
                attempted: false,
                at: Utc::now(),
            }
        }
    };
    done.state = record(outcome)?;
    Ok(done)
}
