//! The state of an asynchronous submission (resumen diario RC, comunicación de baja RA) as
//! `getStatus(ticket)` reports it: 98 still in process, 0 done, 99 done with errors.

use crate::send::cdr::Cdr;

/// Answer of `getStatus(ticket)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketStatus {
    /// `statusCode` 98: SUNAT is still processing; ask again later.
    InProcess,
    /// `statusCode` 0: processed; the CDR tells the result (0 or observations).
    Done(Cdr),
    /// `statusCode` 99: processed with errors; the CDR tells which.
    DoneWithErrors(Cdr),
}

impl TicketStatus {
    /// The CDR, when processing has finished.
    pub fn cdr(&self) -> Option<&Cdr> {
        match self {
            TicketStatus::InProcess => None,
            TicketStatus::Done(cdr) | TicketStatus::DoneWithErrors(cdr) => Some(cdr),
        }
    }

    /// Spanish text for the cashier's screen.
    pub fn mensaje(&self) -> String {
        match self {
            TicketStatus::InProcess => "SUNAT aún está procesando el envío".to_owned(),
            TicketStatus::Done(cdr) | TicketStatus::DoneWithErrors(cdr) => cdr.mensaje(),
        }
    }
}
