//! The fiscal life of a comprobante with SUNAT, kept apart from its sync state: a boleta
//! can be synced to the shop's server and still not be sent to SUNAT, or accepted by SUNAT
//! and still wait for the server. This module is the pure part the SUNAT dispatcher and the
//! screens share: the states and which changes between them are allowed, how a CDR code
//! reads as a state, SUNAT's sending deadlines, how urgent a pending document is and
//! whether it may still be voided.
//!
//! Rules and sources: `shared/domain/peru-billing.md` §2.12 (deadlines, CDR code ranges)
//! and §2.14 (voiding). Every date here is a Lima calendar date (`crate::lima_date`).

use crate::DocumentKind;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a comprobante stands with SUNAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum FiscalState {
    /// Issued (and signed, or waiting for a certificate), not sent yet.
    PorEnviar,
    /// Sent; the outcome is unknown (timeout, no answer) or a ticket is still pending.
    Enviado,
    /// CDR code 0 without observations.
    Aceptado,
    /// CDR code ≥ 4000, or 0 with observation notes (4xxx): valid, registered.
    AceptadoConObservaciones,
    /// CDR code 2000–3999: registered as rejected. The number is consumed: issue a new
    /// document.
    Rechazado,
    /// Code 0100–1999: SUNAT did not process it. Fix the cause and resend the same number.
    Excepcion,
    /// The voiding (comunicación de baja, or a resumen diario line with estado 3) was
    /// accepted.
    Anulado,
}

impl FiscalState {
    /// Every state, in the order of a document's life.
    pub const ALL: [FiscalState; 7] = [
        FiscalState::PorEnviar,
        FiscalState::Enviado,
        FiscalState::Aceptado,
        FiscalState::AceptadoConObservaciones,
        FiscalState::Rechazado,
        FiscalState::Excepcion,
        FiscalState::Anulado,
    ];

    /// The label shown on lists and receipts' status column (Spanish, upper case).
    pub fn label(self) -> &'static str {
        match self {
            FiscalState::PorEnviar => "POR ENVIAR",
            FiscalState::Enviado => "ENVIADO",
            FiscalState::Aceptado => "ACEPTADO",
            FiscalState::AceptadoConObservaciones => "ACEPTADO CON OBSERVACIONES",
            FiscalState::Rechazado => "RECHAZADO",
            FiscalState::Excepcion => "EXCEPCIÓN",
            FiscalState::Anulado => "ANULADO",
        }
    }

    /// Reads a SUNAT response code (CDR `ResponseCode`, or the code of a SOAP fault):
    /// 0 accepted (with observations when the CDR carries 4xxx notes), 1–1999 exception
    /// (SUNAT documents 0100–1999; lower codes are not document outcomes, so nothing says
    /// the document was registered), 2000–3999 rejected, 4000 and up accepted with
    /// observations. Same ranges as `motordesk_sunat::Verdict::from_code`.
    pub fn from_cdr_code(code: u32, notes_have_observations: bool) -> FiscalState {
        match code {
            0 if notes_have_observations => FiscalState::AceptadoConObservaciones,
            0 => FiscalState::Aceptado,
            1..=1999 => FiscalState::Excepcion,
            2000..=3999 => FiscalState::Rechazado,
            _ => FiscalState::AceptadoConObservaciones,
        }
    }

    /// SUNAT has settled this document: the dispatcher never sends it again. Only a
    /// voiding can still move an accepted document (to [`FiscalState::Anulado`]).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            FiscalState::Aceptado
                | FiscalState::AceptadoConObservaciones
                | FiscalState::Rechazado
                | FiscalState::Anulado
        )
    }

    /// Registered as valid by SUNAT (with or without observations).
    pub fn is_accepted(self) -> bool {
        matches!(
            self,
            FiscalState::Aceptado | FiscalState::AceptadoConObservaciones
        )
    }

    /// Still waiting for SUNAT's acceptance: not sent, outcome unknown, or to be resent.
    /// These are the documents whose deadline matters ([`SendUrgency`]).
    pub fn awaits_sunat(self) -> bool {
        matches!(
            self,
            FiscalState::PorEnviar | FiscalState::Enviado | FiscalState::Excepcion
        )
    }

    /// Whether a document in this state may move to `to`. Recording the same state again
    /// (a second poll, a duplicated CDR) is allowed and changes nothing.
    ///
    /// - `PorEnviar` → `Enviado`, or straight to a CDR outcome (`sendBill` answers at once).
    /// - `Enviado` → a CDR outcome; or back to `PorEnviar` when the consult service says
    ///   SUNAT never registered it.
    /// - `Excepcion` → `PorEnviar` / `Enviado` (fixed and resent with the same number), or
    ///   an outcome found by the consult service (e.g. after 1033, already registered).
    /// - `Aceptado`, `AceptadoConObservaciones` → `Anulado` (voiding accepted).
    /// - `Rechazado` and `Anulado` never change: a rejected number is consumed.
    pub fn can_transition(self, to: FiscalState) -> bool {
        use FiscalState::*;
        if self == to {
            return true;
        }
        let outcome = matches!(
            to,
            Aceptado | AceptadoConObservaciones | Rechazado | Excepcion
        );
        match self {
            PorEnviar => to == Enviado || outcome,
            Enviado => to == PorEnviar || outcome,
            Excepcion => matches!(to, PorEnviar | Enviado) || outcome,
            Aceptado | AceptadoConObservaciones => to == Anulado,
            Rechazado | Anulado => false,
        }
    }

    /// The state after moving to `to`, or why that move is refused.
    pub fn transition(self, to: FiscalState) -> Result<FiscalState, FiscalError> {
        if self.can_transition(to) {
            Ok(to)
        } else {
            Err(FiscalError::TransitionRefused { from: self, to })
        }
    }
}

impl fmt::Display for FiscalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Which SUNAT sending deadline applies (peru-billing.md §2.12). All are calendar days
/// counted from the day after the issue date, so the last day is `issue date + days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeadlineKind {
    /// A factura or a note modifying a factura, sent on its own: 3 days
    /// (RS 000003-2023/SUNAT).
    Factura,
    /// A boleta or a note modifying a boleta, sent on its own: 5 days (RS 114-2019/SUNAT).
    Boleta,
    /// A boleta or a note of a boleta reported in a resumen diario (RC), including its
    /// voiding with estado 3: 7 days.
    ResumenDiario,
    /// A comunicación de baja (RA) of a factura or its note: 7 days.
    ComunicacionBaja,
}

impl DeadlineKind {
    /// Calendar days after the issue date.
    pub fn days(self) -> u64 {
        match self {
            DeadlineKind::Factura => 3,
            DeadlineKind::Boleta => 5,
            DeadlineKind::ResumenDiario | DeadlineKind::ComunicacionBaja => 7,
        }
    }

    /// The sending deadline of a document of `kind` (a note names the kind it
    /// `modifies`), sent on its own or, for boletas and their notes, `via_resumen`.
    /// `None` for the nota de venta (never sent) and for a note whose original is unknown.
    pub fn for_document(
        kind: DocumentKind,
        modifies: Option<DocumentKind>,
        via_resumen: bool,
    ) -> Option<DeadlineKind> {
        let family = match kind {
            DocumentKind::Factura | DocumentKind::Boleta => kind,
            DocumentKind::NotaDeCredito | DocumentKind::NotaDeDebito => match modifies {
                Some(m @ (DocumentKind::Factura | DocumentKind::Boleta)) => m,
                _ => return None,
            },
            DocumentKind::NotaDeVenta => return None,
        };
        Some(match family {
            DocumentKind::Factura => DeadlineKind::Factura,
            _ if via_resumen => DeadlineKind::ResumenDiario,
            _ => DeadlineKind::Boleta,
        })
    }

    /// How voiding a document of this family goes: boletas and their notes by a resumen
    /// diario line with estado 3, facturas and their notes by a comunicación de baja.
    pub fn voiding(self) -> DeadlineKind {
        match self {
            DeadlineKind::Factura | DeadlineKind::ComunicacionBaja => {
                DeadlineKind::ComunicacionBaja
            }
            DeadlineKind::Boleta | DeadlineKind::ResumenDiario => DeadlineKind::ResumenDiario,
        }
    }
}

/// The last day (inclusive, Lima date) on which SUNAT still takes the document.
pub fn deadline(kind: DeadlineKind, issue_date: NaiveDate) -> NaiveDate {
    issue_date
        .checked_add_days(Days::new(kind.days()))
        .unwrap_or(NaiveDate::MAX)
}

/// How pressing it is to get a document that [`FiscalState::awaits_sunat`] accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SendUrgency {
    /// Issue day and the day after.
    Ok,
    /// From the second day after issue until the day before the deadline.
    Warn,
    /// The last day, and every day after it (late: SUNAT may refuse it, error 2600/2957).
    Alarm,
}

impl SendUrgency {
    /// The urgency of a document of `kind` issued on `issue_date`, seen on `today` (both
    /// Lima dates). A `today` before the issue date (a clock set back) reads as `Ok`.
    pub fn of(kind: DeadlineKind, issue_date: NaiveDate, today: NaiveDate) -> SendUrgency {
        if today >= deadline(kind, issue_date) {
            SendUrgency::Alarm
        } else if (today - issue_date).num_days() >= 2 {
            SendUrgency::Warn
        } else {
            SendUrgency::Ok
        }
    }

    /// Short Spanish text for a badge.
    pub fn label(self) -> &'static str {
        match self {
            SendUrgency::Ok => "A TIEMPO",
            SendUrgency::Warn => "ENVIAR PRONTO",
            SendUrgency::Alarm => "ÚLTIMO DÍA O VENCIDO",
        }
    }
}

/// The urgency of a document in `state`, or `None` when it no longer waits for SUNAT.
pub fn send_urgency(
    state: FiscalState,
    kind: DeadlineKind,
    issue_date: NaiveDate,
    today: NaiveDate,
) -> Option<SendUrgency> {
    state
        .awaits_sunat()
        .then(|| SendUrgency::of(kind, issue_date, today))
}

/// Whether a document of `kind` issued on `issue_date` may still be voided on `today`
/// (Lima dates): comunicación de baja for facturas and their notes, resumen diario with
/// estado 3 for boletas and theirs, both up to the 7th calendar day after issue. Whether
/// the document was accepted first is the caller's check ([`FiscalState::can_transition`]).
pub fn void_allowed(
    kind: DocumentKind,
    issue_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), FiscalError> {
    if !kind.is_fiscal() {
        return Err(FiscalError::NotFiscal);
    }
    let last_day = deadline(DeadlineKind::ComunicacionBaja, issue_date);
    if today > last_day {
        return Err(FiscalError::VoidPastDeadline {
            issue_date,
            last_day,
        });
    }
    Ok(())
}

/// Why a fiscal change is refused. `Display` is English (logs), `mensaje()` Spanish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiscalError {
    /// The state machine does not allow this change.
    TransitionRefused { from: FiscalState, to: FiscalState },
    /// The voiding window (7 calendar days after issue) has passed.
    VoidPastDeadline {
        issue_date: NaiveDate,
        last_day: NaiveDate,
    },
    /// A nota de venta is not a SUNAT document: there is nothing to void with SUNAT.
    NotFiscal,
}

impl FiscalError {
    /// The message a cashier reads on screen (Spanish, Peru).
    pub fn mensaje(&self) -> String {
        match self {
            FiscalError::TransitionRefused { from, to } => format!(
                "Un comprobante en estado {} no puede pasar a {}.",
                from.label(),
                to.label()
            ),
            FiscalError::VoidPastDeadline {
                issue_date,
                last_day,
            } => format!(
                "El comprobante del {} ya no se puede anular ante SUNAT: el plazo venció el {}. Emita una nota de crédito.",
                issue_date.format("%d/%m/%Y"),
                last_day.format("%d/%m/%Y")
            ),
            FiscalError::NotFiscal => {
                "La nota de venta no es un comprobante SUNAT: no se comunica su baja.".into()
            }
        }
    }
}

impl fmt::Display for FiscalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FiscalError::TransitionRefused { from, to } => {
                write!(f, "fiscal state {from:?} cannot change to {to:?}")
            }
            FiscalError::VoidPastDeadline {
                issue_date,
                last_day,
            } => write!(
                f,
                "document issued {issue_date} can no longer be voided (last day {last_day})"
            ),
            FiscalError::NotFiscal => write!(f, "a nota de venta is not a SUNAT document"),
        }
    }
}

impl std::error::Error for FiscalError {}

#[cfg(test)]
mod tests {
    use super::*;
    use FiscalState::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn labels_are_spanish_and_distinct() {
        let labels: Vec<&str> = FiscalState::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(
            labels,
            [
                "POR ENVIAR",
                "ENVIADO",
                "ACEPTADO",
                "ACEPTADO CON OBSERVACIONES",
                "RECHAZADO",
                "EXCEPCIÓN",
                "ANULADO"
            ]
        );
        assert_eq!(Excepcion.to_string(), "EXCEPCIÓN");
    }

    #[test]
    fn cdr_code_ranges_and_their_boundaries() {
        assert_eq!(FiscalState::from_cdr_code(0, false), Aceptado);
        assert_eq!(
            FiscalState::from_cdr_code(0, true),
            AceptadoConObservaciones
        );
        for code in [1, 99, 100, 1032, 1033, 1999] {
            assert_eq!(FiscalState::from_cdr_code(code, false), Excepcion, "{code}");
            assert_eq!(FiscalState::from_cdr_code(code, true), Excepcion, "{code}");
        }
        for code in [2000, 2324, 2800, 3999] {
            assert_eq!(FiscalState::from_cdr_code(code, false), Rechazado, "{code}");
        }
        for code in [4000, 4252, 9999, u32::MAX] {
            assert_eq!(
                FiscalState::from_cdr_code(code, false),
                AceptadoConObservaciones,
                "{code}"
            );
        }
    }

    #[test]
    fn final_states_are_the_settled_ones() {
        let finals: Vec<FiscalState> = FiscalState::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(
            finals,
            [Aceptado, AceptadoConObservaciones, Rechazado, Anulado]
        );
        for s in FiscalState::ALL {
            assert_eq!(s.awaits_sunat(), !s.is_final(), "{s:?}");
        }
        assert!(Aceptado.is_accepted() && AceptadoConObservaciones.is_accepted());
        assert!(!Rechazado.is_accepted() && !Anulado.is_accepted());
    }

    #[test]
    fn transitions_follow_the_document_life() {
        let allowed = [
            (PorEnviar, Enviado),
            (PorEnviar, Aceptado),
            (PorEnviar, AceptadoConObservaciones),
            (PorEnviar, Rechazado),
            (PorEnviar, Excepcion),
            (Enviado, PorEnviar),
            (Enviado, Aceptado),
            (Enviado, AceptadoConObservaciones),
            (Enviado, Rechazado),
            (Enviado, Excepcion),
            (Excepcion, PorEnviar),
            (Excepcion, Enviado),
            (Excepcion, Aceptado),
            (Excepcion, AceptadoConObservaciones),
            (Excepcion, Rechazado),
            (Aceptado, Anulado),
            (AceptadoConObservaciones, Anulado),
        ];
        for from in FiscalState::ALL {
            for to in FiscalState::ALL {
                let expected = from == to || allowed.contains(&(from, to));
                assert_eq!(from.can_transition(to), expected, "{from:?} → {to:?}");
                match from.transition(to) {
                    Ok(s) => assert!(expected && s == to),
                    Err(e) => {
                        assert!(!expected);
                        assert_eq!(e, FiscalError::TransitionRefused { from, to });
                    }
                }
            }
        }
    }

    #[test]
    fn refused_transitions_say_why_in_spanish() {
        let e = Aceptado.transition(PorEnviar).unwrap_err();
        assert_eq!(
            e.mensaje(),
            "Un comprobante en estado ACEPTADO no puede pasar a POR ENVIAR."
        );
        assert_eq!(
            e.to_string(),
            "fiscal state Aceptado cannot change to PorEnviar"
        );
        assert!(Rechazado.transition(Aceptado).is_err());
        assert!(Anulado.transition(Aceptado).is_err());
        assert!(PorEnviar.transition(Anulado).is_err());
        assert!(Rechazado.transition(Anulado).is_err());
    }

    #[test]
    fn serde_round_trip() {
        for s in FiscalState::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<FiscalState>(&json).unwrap(), s);
        }
        assert_eq!(
            serde_json::to_string(&AceptadoConObservaciones).unwrap(),
            "\"AceptadoConObservaciones\""
        );
        let u = serde_json::to_string(&SendUrgency::Alarm).unwrap();
        assert_eq!(
            serde_json::from_str::<SendUrgency>(&u).unwrap(),
            SendUrgency::Alarm
        );
    }

    #[test]
    fn deadline_kind_of_each_document() {
        use DocumentKind as K;
        let f = |k, m, r| DeadlineKind::for_document(k, m, r);
        assert_eq!(f(K::Factura, None, false), Some(DeadlineKind::Factura));
        assert_eq!(f(K::Factura, None, true), Some(DeadlineKind::Factura));
        assert_eq!(f(K::Boleta, None, false), Some(DeadlineKind::Boleta));
        assert_eq!(f(K::Boleta, None, true), Some(DeadlineKind::ResumenDiario));
        assert_eq!(
            f(K::NotaDeCredito, Some(K::Factura), false),
            Some(DeadlineKind::Factura)
        );
        assert_eq!(
            f(K::NotaDeDebito, Some(K::Boleta), false),
            Some(DeadlineKind::Boleta)
        );
        assert_eq!(
            f(K::NotaDeCredito, Some(K::Boleta), true),
            Some(DeadlineKind::ResumenDiario)
        );
        assert_eq!(f(K::NotaDeCredito, None, false), None);
        assert_eq!(f(K::NotaDeCredito, Some(K::NotaDeVenta), false), None);
        assert_eq!(f(K::NotaDeVenta, None, false), None);
        assert_eq!(
            DeadlineKind::Factura.voiding(),
            DeadlineKind::ComunicacionBaja
        );
        assert_eq!(DeadlineKind::Boleta.voiding(), DeadlineKind::ResumenDiario);
    }

    #[test]
    fn deadlines_count_from_the_day_after_issue() {
        let issue = d(2026, 11, 25);
        assert_eq!(deadline(DeadlineKind::Factura, issue), d(2026, 11, 28));
        assert_eq!(deadline(DeadlineKind::Boleta, issue), d(2026, 11, 30));
        assert_eq!(deadline(DeadlineKind::ResumenDiario, issue), d(2026, 12, 2));
        assert_eq!(
            deadline(DeadlineKind::ComunicacionBaja, issue),
            d(2026, 12, 2)
        );
    }

    #[test]
    fn deadlines_across_month_and_year_ends() {
        // 30-day month, 31-day month, February (common and leap years), year end.
        assert_eq!(
            deadline(DeadlineKind::Factura, d(2026, 4, 30)),
            d(2026, 5, 3)
        );
        assert_eq!(
            deadline(DeadlineKind::Factura, d(2026, 1, 31)),
            d(2026, 2, 3)
        );
        assert_eq!(
            deadline(DeadlineKind::Factura, d(2026, 2, 26)),
            d(2026, 3, 1)
        );
        assert_eq!(
            deadline(DeadlineKind::Factura, d(2028, 2, 26)),
            d(2028, 2, 29)
        );
        assert_eq!(
            deadline(DeadlineKind::Boleta, d(2028, 2, 27)),
            d(2028, 3, 3)
        );
        assert_eq!(
            deadline(DeadlineKind::Boleta, d(2027, 2, 27)),
            d(2027, 3, 4)
        );
        assert_eq!(
            deadline(DeadlineKind::ResumenDiario, d(2026, 12, 28)),
            d(2027, 1, 4)
        );
        assert_eq!(
            deadline(DeadlineKind::ComunicacionBaja, d(2026, 12, 31)),
            d(2027, 1, 7)
        );
        assert_eq!(
            deadline(DeadlineKind::Factura, NaiveDate::MAX),
            NaiveDate::MAX
        );
    }

    #[test]
    fn urgency_day_by_day_for_a_factura() {
        // Issued 2026-01-30: days 0,1 ok; day 2 warn; day 3 (2026-02-02) is the last.
        let issue = d(2026, 1, 30);
        let u = |today| SendUrgency::of(DeadlineKind::Factura, issue, today);
        assert_eq!(u(d(2026, 1, 29)), SendUrgency::Ok, "clock set back");
        assert_eq!(u(d(2026, 1, 30)), SendUrgency::Ok);
        assert_eq!(u(d(2026, 1, 31)), SendUrgency::Ok);
        assert_eq!(u(d(2026, 2, 1)), SendUrgency::Warn);
        assert_eq!(u(d(2026, 2, 2)), SendUrgency::Alarm);
        assert_eq!(u(d(2026, 2, 3)), SendUrgency::Alarm);
        assert_eq!(u(d(2026, 6, 1)), SendUrgency::Alarm);
    }

    #[test]
    fn urgency_day_by_day_for_boletas() {
        let issue = d(2026, 2, 27);
        let b = |today| SendUrgency::of(DeadlineKind::Boleta, issue, today);
        assert_eq!(b(d(2026, 2, 28)), SendUrgency::Ok);
        assert_eq!(b(d(2026, 3, 1)), SendUrgency::Warn);
        assert_eq!(b(d(2026, 3, 3)), SendUrgency::Warn);
        assert_eq!(b(d(2026, 3, 4)), SendUrgency::Alarm);
        let r = |today| SendUrgency::of(DeadlineKind::ResumenDiario, issue, today);
        assert_eq!(r(d(2026, 3, 5)), SendUrgency::Warn);
        assert_eq!(r(d(2026, 3, 6)), SendUrgency::Alarm);
        assert!(SendUrgency::Ok < SendUrgency::Warn && SendUrgency::Warn < SendUrgency::Alarm);
    }

    #[test]
    fn urgency_only_while_waiting_for_sunat() {
        let issue = d(2026, 11, 25);
        let late = d(2026, 12, 10);
        for s in FiscalState::ALL {
            let u = send_urgency(s, DeadlineKind::Factura, issue, late);
            if s.awaits_sunat() {
                assert_eq!(u, Some(SendUrgency::Alarm), "{s:?}");
            } else {
                assert_eq!(u, None, "{s:?}");
            }
        }
    }

    #[test]
    fn voiding_up_to_the_seventh_day() {
        let issue = d(2026, 12, 28);
        for kind in [
            DocumentKind::Factura,
            DocumentKind::Boleta,
            DocumentKind::NotaDeCredito,
            DocumentKind::NotaDeDebito,
        ] {
            assert_eq!(void_allowed(kind, issue, issue), Ok(()));
            assert_eq!(void_allowed(kind, issue, d(2027, 1, 4)), Ok(()), "last day");
            let e = void_allowed(kind, issue, d(2027, 1, 5)).unwrap_err();
            assert_eq!(
                e,
                FiscalError::VoidPastDeadline {
                    issue_date: issue,
                    last_day: d(2027, 1, 4)
                }
            );
            assert_eq!(
                e.mensaje(),
                "El comprobante del 28/12/2026 ya no se puede anular ante SUNAT: el plazo venció el 04/01/2027. Emita una nota de crédito."
            );
            assert!(e.to_string().contains("2027-01-04"));
        }
        // February of a leap year.
        assert!(void_allowed(DocumentKind::Factura, d(2028, 2, 25), d(2028, 3, 3)).is_ok());
        assert!(void_allowed(DocumentKind::Factura, d(2028, 2, 25), d(2028, 3, 4)).is_err());
        let e = void_allowed(DocumentKind::NotaDeVenta, d(2028, 2, 25), d(2028, 2, 25));
        assert_eq!(e, Err(FiscalError::NotFiscal));
        assert!(e.unwrap_err().mensaje().contains("nota de venta"));
    }
}
