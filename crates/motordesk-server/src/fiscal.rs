//! Where each signed document stands with SUNAT, as the server's dispatcher knows it.
//!
//! A `Comprobante` push queues its document here (POR ENVIAR, due now). The dispatcher
//! takes due documents, records every outcome in one write transaction, and each change
//! of state goes into the change feed as a `FiscalStatus` change from no device, so every
//! kiosk pulls it. A settled document (accepted, rejected) leaves the due index; anything
//! else is due again after a backoff. A voiding (a signed RA or RC pushed by a kiosk)
//! has its own due index; its steps are published the same way, and a confirmed one
//! makes the document ANULADO. Instances sharing a database take due work through
//! `claims`, so no two send one document at the same time.

use crate::claims::Claims;
use crate::db::{DbResult, ServerDb};
use crate::storage::{DueQueue, NewChange, Txn};
use chrono::{DateTime, Utc};
use motordesk_core::protocol::{
    ComprobanteUpload, FiscalUpdate, MAX_SUNAT_TEXT, VoidState, VoidUpdate, VoidUpload, to_hex,
};
use motordesk_core::{FiscalError, FiscalState, Hlc, RecordKind};
use motordesk_sunat::{SunatOutcome, VoidStep};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// One document's SUNAT record on the server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ServerFiscal {
    pub(crate) update: FiscalUpdate,
    /// Dispatcher passes that ended without a settled state (for the backoff).
    pub(crate) tries: u32,
    /// When the dispatcher works on it next (unix ms), while it is unsettled.
    pub(crate) due_ms: Option<i64>,
    /// When the pending voiding is worked on next, while there is one.
    #[serde(default)]
    pub(crate) void_due_ms: Option<i64>,
    /// Steps of the pending voiding that did not finish it (for the backoff).
    #[serde(default)]
    pub(crate) void_tries: u32,
}

/// A voiding the dispatcher should work on now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueVoid {
    pub invoice_id: Uuid,
    pub file_name: String,
    pub xml: String,
    pub ticket: Option<String>,
    pub tries: u32,
}

/// A document the dispatcher should work on now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDocument {
    pub invoice_id: Uuid,
    pub file_name: String,
    pub xml: String,
    pub state: FiscalState,
    pub outcome_unknown: bool,
    /// Passes so far that did not settle it.
    pub tries: u32,
}

fn clip(mut s: String) -> String {
    if s.len() > MAX_SUNAT_TEXT {
        let mut end = MAX_SUNAT_TEXT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

fn write(t: &mut dyn Txn, f: &mut ServerFiscal, due_ms: Option<i64>) -> DbResult<()> {
    f.due_ms = due_ms;
    t.put_fiscal(f)
}

/// Queues a just-pushed signed document: POR ENVIAR, due at once. Called inside the push
/// transaction, so the XML and its queue row land together.
pub(crate) fn queue(t: &mut dyn Txn, c: &ComprobanteUpload, now: DateTime<Utc>) -> DbResult<()> {
    if t.fiscal(c.invoice_id)?.is_some() {
        return Ok(());
    }
    let mut f = ServerFiscal {
        update: FiscalUpdate {
            invoice_id: c.invoice_id,
            file_name: c.file_name.clone(),
            state: FiscalState::PorEnviar,
            code: None,
            description: String::new(),
            observations: Vec::new(),
            cdr_zip_hex: String::new(),
            attempts: 0,
            outcome_unknown: false,
            at: now,
            void: None,
        },
        tries: 0,
        due_ms: None,
        void_due_ms: None,
        void_tries: 0,
    };
    write(t, &mut f, Some(now.timestamp_millis()))
}

/// Writes `f` with its document due at `due` and publishes its update to every kiosk.
fn save_and_publish(
    t: &mut dyn Txn,
    f: &mut ServerFiscal,
    due: Option<i64>,
    at: DateTime<Utc>,
) -> DbResult<()> {
    write(t, f, due)?;
    let hlc = Hlc {
        wall_ms: at.timestamp_millis(),
        counter: 0,
        device: Uuid::nil(),
    };
    t.append_change(NewChange {
        origin: Uuid::nil(),
        kind: RecordKind::FiscalStatus,
        record_id: f.update.invoice_id,
        hlc,
        payload: serde_json::to_value(&f.update)?,
    })
}

/// Queues a just-pushed voiding, in the push transaction. Refused (Spanish reason) when
/// the server does not hold the document, SUNAT has not accepted it, or another voiding
/// of it is still pending.
pub(crate) fn queue_void(
    t: &mut dyn Txn,
    v: &VoidUpload,
    now: DateTime<Utc>,
) -> DbResult<Result<(), String>> {
    let Some(mut f) = t.fiscal(v.invoice_id)? else {
        return Ok(Err(format!(
            "{}: el servidor no tiene el comprobante que se anula.",
            v.file_name
        )));
    };
    if f.update
        .void
        .as_ref()
        .is_some_and(|x| x.state == VoidState::Pending)
    {
        return Ok(Err(format!(
            "{}: la anulación de {} ya está en proceso.",
            v.file_name, f.update.file_name
        )));
    }
    if !f.update.state.can_transition(FiscalState::Anulado)
        || f.update.state == FiscalState::Anulado
    {
        return Ok(Err(format!(
            "{}: solo se anula un comprobante aceptado por SUNAT; {} está {}.",
            v.file_name,
            f.update.file_name,
            f.update.state.label()
        )));
    }
    f.update.void = Some(VoidUpdate {
        file_name: v.file_name.clone(),
        state: VoidState::Pending,
        ticket: None,
        code: None,
        description: "Anulación en proceso: el servidor la envía a SUNAT.".into(),
        cdr_zip_hex: String::new(),
    });
    f.void_tries = 0;
    f.void_due_ms = Some(now.timestamp_millis());
    let due = f.due_ms;
    save_and_publish(t, &mut f, due, now)?;
    Ok(Ok(()))
}

impl ServerDb {
    /// Takes what is due in `queue` at `now` (at most `limit`, soonest first) and hands
    /// each to `take` with its signed XML. Each one is first claimed in `claims`: a
    /// document another instance's pass holds is skipped, and one that stopped being
    /// due between the listing and the claim (settled meanwhile) is let go.
    fn take_due<T>(
        &self,
        queue: DueQueue,
        now: DateTime<Utc>,
        limit: usize,
        claims: &mut Claims,
        mut take: impl FnMut(&ServerFiscal, serde_json::Value) -> DbResult<Option<T>>,
    ) -> DbResult<Vec<T>> {
        let kind = match queue {
            DueQueue::Documents => RecordKind::Comprobante,
            DueQueue::Voids => RecordKind::VoidRequest,
        };
        let now_ms = now.timestamp_millis();
        let mut out = Vec::new();
        let mut after = None;
        // Page through the queue: what other passes hold is skipped, not waited for.
        'pages: while out.len() < limit {
            let page = self.read(|t| t.due(queue, now_ms, limit.max(16), after))?;
            let Some(&last) = page.last() else { break };
            after = Some(last);
            for (_, id) in page {
                if out.len() >= limit {
                    break 'pages;
                }
                if !claims.try_take(id)? {
                    continue;
                }
                // Read again under the claim: another pass may have settled it meanwhile.
                let (f, record) = self.read(|t| Ok((t.fiscal(id)?, t.record(kind, id)?)))?;
                let still_due = f.as_ref().is_some_and(|f| {
                    let due = match queue {
                        DueQueue::Documents => f.due_ms,
                        DueQueue::Voids => f.void_due_ms,
                    };
                    due.is_some_and(|d| d <= now_ms)
                });
                let (Some(f), true) = (f, still_due) else {
                    claims.release(id)?;
                    continue;
                };
                let Some(record) = record else {
                    log::error!(
                        "fiscal: {} is queued but its XML is missing",
                        f.update.file_name
                    );
                    claims.release(id)?;
                    continue;
                };
                match take(&f, record.payload)? {
                    Some(item) => out.push(item),
                    None => claims.release(id)?,
                }
            }
        }
        Ok(out)
    }

    /// Up to `limit` documents due at `now`, soonest first, with their XML, each held
    /// in `claims` until the caller drops them.
    pub fn fiscal_due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        claims: &mut Claims,
    ) -> DbResult<Vec<DueDocument>> {
        self.take_due(DueQueue::Documents, now, limit, claims, |f, xml| {
            let upload: ComprobanteUpload = serde_json::from_value(xml["data"].clone())?;
            Ok(Some(DueDocument {
                invoice_id: f.update.invoice_id,
                file_name: f.update.file_name.clone(),
                xml: upload.xml,
                state: f.update.state,
                outcome_unknown: f.update.outcome_unknown,
                tries: f.tries,
            }))
        })
    }

    /// Records what SUNAT said about document `id` and publishes it to every kiosk, in
    /// one write transaction. A move `FiscalState::transition` refuses writes nothing and
    /// comes back as the inner `Err`. A settled document leaves the due queue.
    pub fn record_fiscal(
        &self,
        id: Uuid,
        outcome: SunatOutcome,
    ) -> DbResult<Result<FiscalState, FiscalError>> {
        self.write(|t| {
            let outcome = outcome.clone();
            let Some(mut f) = t.fiscal(id)? else {
                return Ok(Err(FiscalError::TransitionRefused {
                    from: FiscalState::PorEnviar,
                    to: outcome.state,
                }));
            };
            let state = match f.update.state.transition(outcome.state) {
                Ok(s) => s,
                Err(e) => return Ok(Err(e)),
            };
            let u = &mut f.update;
            u.state = state;
            u.code = outcome.code;
            u.description = clip(outcome.description);
            u.observations = outcome
                .observations
                .into_iter()
                .take(50)
                .map(clip)
                .collect();
            if let Some(zip) = outcome.cdr_zip {
                u.cdr_zip_hex = to_hex(&zip);
            }
            u.outcome_unknown = outcome.outcome_unknown;
            if outcome.attempted {
                u.attempts += 1;
            }
            u.at = outcome.at;
            let due = if state.is_final() { None } else { f.due_ms };
            save_and_publish(t, &mut f, due, outcome.at)?;
            Ok(Ok(state))
        })
    }

    /// Up to `limit` voidings due at `now`, soonest first, with their signed summary,
    /// each held in `claims` until the caller drops them.
    pub fn voids_due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        claims: &mut Claims,
    ) -> DbResult<Vec<DueVoid>> {
        self.take_due(DueQueue::Voids, now, limit, claims, |f, p| {
            let Some(void) = &f.update.void else {
                return Ok(None);
            };
            let upload: VoidUpload = serde_json::from_value(p["data"].clone())?;
            if upload.file_name != void.file_name {
                log::error!("fiscal: voiding {} does not match its XML", void.file_name);
                return Ok(None);
            }
            Ok(Some(DueVoid {
                invoice_id: f.update.invoice_id,
                file_name: void.file_name.clone(),
                xml: upload.xml,
                ticket: void.ticket.clone(),
                tries: f.void_tries,
            }))
        })
    }

    /// Records SUNAT's ticket for the pending voiding of `id` (before asking about it).
    pub fn record_void_ticket(&self, id: Uuid, ticket: &str) -> DbResult<()> {
        self.write(|t| {
            if let Some(mut f) = t.fiscal(id)?
                && let Some(v) = f.update.void.as_mut()
            {
                v.ticket = Some(ticket.to_string());
                let due = f.due_ms;
                save_and_publish(t, &mut f, due, Utc::now())?;
            }
            Ok(())
        })
    }

    /// Records one step of the pending voiding of `id`: confirmed (the document becomes
    /// ANULADO), refused, or still pending (due again at `retry_at`).
    pub fn record_void_step(
        &self,
        id: Uuid,
        step: &VoidStep,
        retry_at: DateTime<Utc>,
    ) -> DbResult<()> {
        self.write(|t| {
            let Some(mut f) = t.fiscal(id)? else {
                return Ok(());
            };
            let Some(mut void) = f.update.void.take() else {
                return Ok(());
            };
            let due = match step {
                VoidStep::Confirmed {
                    code,
                    description,
                    cdr_zip,
                } => {
                    match f.update.state.transition(FiscalState::Anulado) {
                        Ok(s) => f.update.state = s,
                        Err(e) => log::error!("fiscal: {}: confirmed but {e}", void.file_name),
                    }
                    void.state = VoidState::Confirmed;
                    void.code = Some(*code);
                    void.description = clip(description.clone());
                    void.cdr_zip_hex = to_hex(cdr_zip);
                    None
                }
                VoidStep::Refused {
                    code,
                    detail,
                    cdr_zip,
                } => {
                    void.state = VoidState::Refused;
                    void.code = *code;
                    void.description = clip(detail.clone());
                    if let Some(z) = cdr_zip {
                        void.cdr_zip_hex = to_hex(z);
                    }
                    None
                }
                VoidStep::Pending { detail } => {
                    void.description = clip(detail.clone());
                    f.void_tries += 1;
                    Some(retry_at.timestamp_millis())
                }
            };
            f.update.void = Some(void);
            f.void_due_ms = due;
            let due = f.due_ms;
            save_and_publish(t, &mut f, due, Utc::now())
        })
    }

    /// A pass left document `id` unsettled: due again at `at`.
    pub fn retry_fiscal_at(&self, id: Uuid, at: DateTime<Utc>) -> DbResult<()> {
        self.write(|t| {
            if let Some(mut f) = t.fiscal(id)?
                && !f.update.state.is_final()
            {
                f.tries += 1;
                write(t, &mut f, Some(at.timestamp_millis()))?;
            }
            Ok(())
        })
    }

    /// The SUNAT record of document `id`, if it was pushed here.
    pub fn fiscal_state(&self, id: Uuid) -> DbResult<Option<FiscalUpdate>> {
        Ok(self.read(|t| t.fiscal(id))?.map(|f| f.update))
    }

    /// How many documents are in each state, and how many wait in the due queue.
    pub fn fiscal_counts(&self) -> DbResult<(BTreeMap<FiscalState, usize>, usize)> {
        self.read(|t| {
            let mut by_state = BTreeMap::new();
            for f in t.all_fiscal()? {
                *by_state.entry(f.update.state).or_insert(0) += 1;
            }
            Ok((by_state, t.due_count()?))
        })
    }
}
