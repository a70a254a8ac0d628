//! One step of a voiding (a signed RA or RC summary), shared by a kiosk without a server
//! and the server's dispatcher: send the summary when it has no ticket yet (the caller
//! records the ticket before anything else), then ask SUNAT about the ticket. The same
//! file and number go again after a send without answer; SUNAT's "already presented"
//! faults are explained rather than retried.

use crate::send::{SendError, SunatClient, TicketStatus};

/// SUNAT fault 2324: "El archivo de comunicacion de baja ya fue presentado anteriormente".
const SUMMARY_ALREADY_PRESENTED: u32 = 2324;
/// SUNAT fault 2223: "El archivo ya fue presentado anteriormente".
const FILE_ALREADY_PRESENTED: u32 = 2223;

/// Where a voiding stands after one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoidStep {
    /// SUNAT confirmed it: the document is ANULADO. Code, description and CDR zip.
    Confirmed {
        code: u32,
        description: String,
        cdr_zip: Vec<u8>,
    },
    /// Not finished (no answer, or SUNAT still processing the ticket): ask again later.
    Pending { detail: String },
    /// SUNAT refused it: the document keeps its accepted state.
    Refused {
        code: Option<u32>,
        detail: String,
        cdr_zip: Option<Vec<u8>>,
    },
}

/// Sends `file_name` (when `ticket` is `None`, handing the new ticket to `record_ticket`
/// before asking about it) and asks SUNAT how the ticket ended.
pub fn void_step<E>(
    client: &SunatClient,
    file_name: &str,
    xml: &[u8],
    ticket: Option<String>,
    record_ticket: &mut dyn FnMut(&str) -> Result<(), E>,
) -> Result<VoidStep, E> {
    let ticket = match ticket {
        Some(t) => t,
        None => match client.send_summary(file_name, xml) {
            Ok(t) => {
                record_ticket(&t)?;
                t
            }
            Err(e) if e.outcome_unknown() || e.is_retryable() => {
                log::warn!("sunat: void {file_name}: no answer: {e}");
                return Ok(VoidStep::Pending {
                    detail: format!("{} Se reintentará con el mismo archivo.", e.mensaje()),
                });
            }
            Err(e) => {
                log::warn!("sunat: void {file_name} refused: {e}");
                let code = match &e {
                    SendError::Fault(f) => f.code(),
                    _ => None,
                };
                let detail = match code {
                    // The file reached SUNAT on an earlier send whose answer (the ticket)
                    // was lost: SUNAT has it, but only SOL can tell how it ended.
                    Some(SUMMARY_ALREADY_PRESENTED | FILE_ALREADY_PRESENTED) => format!(
                        "SUNAT ya había recibido {file_name}, pero su respuesta se perdió. Verifique en SUNAT Operaciones en Línea si el comprobante figura como anulado antes de anularlo de nuevo."
                    ),
                    _ => e.mensaje(),
                };
                return Ok(VoidStep::Refused {
                    code,
                    detail,
                    cdr_zip: None,
                });
            }
        },
    };
    Ok(match client.get_status(&ticket) {
        Ok(TicketStatus::InProcess) => VoidStep::Pending {
            detail: TicketStatus::InProcess.mensaje(),
        },
        Ok(TicketStatus::Done(cdr)) if cdr.verdict().is_accepted() => VoidStep::Confirmed {
            code: cdr.response_code,
            description: cdr.description.clone(),
            cdr_zip: cdr.zip,
        },
        Ok(TicketStatus::Done(cdr)) | Ok(TicketStatus::DoneWithErrors(cdr)) => {
            let detail = cdr.mensaje();
            log::warn!("sunat: void {file_name} refused: {detail}");
            VoidStep::Refused {
                code: Some(cdr.response_code),
                detail,
                cdr_zip: Some(cdr.zip),
            }
        }
        Err(e) => {
            log::warn!("sunat: getStatus of void {file_name} failed: {e}");
            VoidStep::Pending {
                detail: format!("{} Se consultará de nuevo.", e.mensaje()),
            }
        }
    })
}
