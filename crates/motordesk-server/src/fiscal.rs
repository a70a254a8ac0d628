//! Where each signed document stands with SUNAT, as the server's dispatcher knows it.
//!
//! A `Comprobante` push queues its document here (POR ENVIAR, due now). The dispatcher
//! takes due documents, records every outcome in one write transaction, and each change
//! of state goes into the change feed as a `FiscalStatus` change from no device, so every
//! kiosk pulls it. A settled document (accepted, rejected) leaves the due index; anything
//! else is due again after a backoff. A voiding (a signed RA or RC pushed by a kiosk)
//! has its own due index; its steps are published the same way, and a confirmed one
//! makes the document ANULADO.

use crate::db::{DbResult, ServerDb, append_change};
use chrono::{DateTime, Utc};
use motordesk_core::protocol::{
    ComprobanteUpload, FiscalUpdate, MAX_SUNAT_TEXT, VoidState, VoidUpdate, VoidUpload, to_hex,
};
use motordesk_core::{FiscalError, FiscalState, Hlc, RecordKind};
use motordesk_sunat::{SunatOutcome, VoidStep};
use redb::{
    ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition,
    WriteTransaction,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// invoice id → JSON `ServerFiscal`.
pub(crate) const FISCAL: TableDefinition<u128, &[u8]> = TableDefinition::new("fiscal");
/// (due at, unix ms; invoice id) → (): what the dispatcher works on, soonest first.
pub(crate) const FISCAL_DUE: TableDefinition<(i64, u128), ()> = TableDefinition::new("fiscal_due");
/// (due at, unix ms; invoice id) → (): voidings to send or to ask SUNAT about.
pub(crate) const VOIDS_DUE: TableDefinition<(i64, u128), ()> = TableDefinition::new("voids_due");

/// One document's SUNAT record on the server.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ServerFiscal {
    update: FiscalUpdate,
    /// Dispatcher passes that ended without a settled state (for the backoff).
    tries: u32,
    /// Its key in `FISCAL_DUE`, while it has one.
    due_ms: Option<i64>,
    /// Its key in `VOIDS_DUE`, while a voiding is pending.
    #[serde(default)]
    void_due_ms: Option<i64>,
    /// Steps of the pending voiding that did not finish it (for the backoff).
    #[serde(default)]
    void_tries: u32,
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

fn read(txn: &WriteTransaction, id: u128) -> DbResult<Option<ServerFiscal>> {
    let t = txn.open_table(FISCAL)?;
    let v = t.get(id)?;
    match v {
        Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
        None => Ok(None),
    }
}

/// A due index: (due at, unix ms; invoice id) → ().
type DueIndex = TableDefinition<'static, (i64, u128), ()>;

/// Moves `id`'s key in `index` from `old` to `new` (either may be none).
fn move_due(
    txn: &WriteTransaction,
    index: DueIndex,
    id: u128,
    old: Option<i64>,
    new: Option<i64>,
) -> DbResult<()> {
    let mut due = txn.open_table(index)?;
    if let Some(old) = old {
        due.remove((old, id))?;
    }
    if let Some(at) = new {
        due.insert((at, id), ())?;
    }
    Ok(())
}

/// Calls `take` on the records due in `index` at `now`, soonest first, until it has
/// taken `limit` of them (`take` returns whether it took one).
fn each_due(
    r: &ReadTransaction,
    index: DueIndex,
    now: DateTime<Utc>,
    limit: usize,
    mut take: impl FnMut(u128, ServerFiscal) -> DbResult<bool>,
) -> DbResult<()> {
    let due = r.open_table(index)?;
    let fiscal = r.open_table(FISCAL)?;
    let mut taken = 0;
    for row in due.range((i64::MIN, 0)..=(now.timestamp_millis(), u128::MAX))? {
        if taken >= limit {
            break;
        }
        let id = row?.0.value().1;
        let Some(f) = fiscal.get(id)? else { continue };
        if take(id, serde_json::from_slice(f.value())?)? {
            taken += 1;
        }
    }
    Ok(())
}

fn write(txn: &WriteTransaction, f: &mut ServerFiscal, due_ms: Option<i64>) -> DbResult<()> {
    let id = f.update.invoice_id.as_u128();
    move_due(txn, FISCAL_DUE, id, f.due_ms, due_ms)?;
    f.due_ms = due_ms;
    txn.open_table(FISCAL)?
        .insert(id, serde_json::to_vec(f)?.as_slice())?;
    Ok(())
}

/// Queues a just-pushed signed document: POR ENVIAR, due at once. Called inside the push
/// transaction, so the XML and its queue row land together.
pub(crate) fn queue(
    txn: &WriteTransaction,
    c: &ComprobanteUpload,
    now: DateTime<Utc>,
) -> DbResult<()> {
    if read(txn, c.invoice_id.as_u128())?.is_some() {
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
    write(txn, &mut f, Some(now.timestamp_millis()))
}

fn set_void_due(txn: &WriteTransaction, f: &mut ServerFiscal, due_ms: Option<i64>) -> DbResult<()> {
    let id = f.update.invoice_id.as_u128();
    move_due(txn, VOIDS_DUE, id, f.void_due_ms, due_ms)?;
    f.void_due_ms = due_ms;
    Ok(())
}

/// Writes `f` with its document due at `due` and publishes its update to every kiosk.
fn save_and_publish(
    txn: &WriteTransaction,
    f: &mut ServerFiscal,
    due: Option<i64>,
    at: DateTime<Utc>,
) -> DbResult<()> {
    write(txn, f, due)?;
    let hlc = Hlc {
        wall_ms: at.timestamp_millis(),
        counter: 0,
        device: Uuid::nil(),
    };
    append_change(
        txn,
        Uuid::nil(),
        RecordKind::FiscalStatus,
        f.update.invoice_id,
        hlc,
        serde_json::to_value(&f.update)?,
    )
}

/// Queues a just-pushed voiding, in the push transaction. Refused (Spanish reason) when
/// the server does not hold the document, SUNAT has not accepted it, or another voiding
/// of it is still pending.
pub(crate) fn queue_void(
    txn: &WriteTransaction,
    v: &VoidUpload,
    now: DateTime<Utc>,
) -> DbResult<Result<(), String>> {
    let Some(mut f) = read(txn, v.invoice_id.as_u128())? else {
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
    set_void_due(txn, &mut f, Some(now.timestamp_millis()))?;
    let due = f.due_ms;
    save_and_publish(txn, &mut f, due, now)?;
    Ok(Ok(()))
}

impl ServerDb {
    /// Up to `limit` documents due at `now`, soonest first, with their XML.
    pub fn fiscal_due(&self, now: DateTime<Utc>, limit: usize) -> DbResult<Vec<DueDocument>> {
        let r = self.database().begin_read()?;
        let mut out = Vec::new();
        each_due(&r, FISCAL_DUE, now, limit, |id, f| {
            let Some(xml) =
                self.record_payload(&r, RecordKind::Comprobante, Uuid::from_u128(id))?
            else {
                log::error!(
                    "fiscal: {} is queued but its XML is missing",
                    f.update.file_name
                );
                return Ok(false);
            };
            let upload: ComprobanteUpload = serde_json::from_value(xml["data"].clone())?;
            out.push(DueDocument {
                invoice_id: f.update.invoice_id,
                file_name: f.update.file_name,
                xml: upload.xml,
                state: f.update.state,
                outcome_unknown: f.update.outcome_unknown,
                tries: f.tries,
            });
            Ok(true)
        })?;
        Ok(out)
    }

    /// Records what SUNAT said about document `id` and publishes it to every kiosk, in
    /// one write transaction. A move `FiscalState::transition` refuses writes nothing and
    /// comes back as the inner `Err`. A settled document leaves the due index.
    pub fn record_fiscal(
        &self,
        id: Uuid,
        outcome: SunatOutcome,
    ) -> DbResult<Result<FiscalState, FiscalError>> {
        let txn = self.database().begin_write()?;
        let Some(mut f) = read(&txn, id.as_u128())? else {
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
        save_and_publish(&txn, &mut f, due, outcome.at)?;
        txn.commit()?;
        Ok(Ok(state))
    }

    /// Up to `limit` voidings due at `now`, soonest first, with their signed summary.
    pub fn voids_due(&self, now: DateTime<Utc>, limit: usize) -> DbResult<Vec<DueVoid>> {
        let r = self.database().begin_read()?;
        let mut out = Vec::new();
        each_due(&r, VOIDS_DUE, now, limit, |id, f| {
            let Some(void) = f.update.void else {
                return Ok(false);
            };
            let Some(p) = self.record_payload(&r, RecordKind::VoidRequest, Uuid::from_u128(id))?
            else {
                log::error!(
                    "fiscal: voiding {} is queued but its XML is missing",
                    void.file_name
                );
                return Ok(false);
            };
            let upload: VoidUpload = serde_json::from_value(p["data"].clone())?;
            if upload.file_name != void.file_name {
                log::error!("fiscal: voiding {} does not match its XML", void.file_name);
                return Ok(false);
            }
            out.push(DueVoid {
                invoice_id: f.update.invoice_id,
                file_name: void.file_name,
                xml: upload.xml,
                ticket: void.ticket,
                tries: f.void_tries,
            });
            Ok(true)
        })?;
        Ok(out)
    }

    /// Records SUNAT's ticket for the pending voiding of `id` (before asking about it).
    pub fn record_void_ticket(&self, id: Uuid, ticket: &str) -> DbResult<()> {
        let txn = self.database().begin_write()?;
        if let Some(mut f) = read(&txn, id.as_u128())?
            && let Some(v) = f.update.void.as_mut()
        {
            v.ticket = Some(ticket.to_string());
            let due = f.due_ms;
            save_and_publish(&txn, &mut f, due, Utc::now())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Records one step of the pending voiding of `id`: confirmed (the document becomes
    /// ANULADO), refused, or still pending (due again at `retry_at`).
    pub fn record_void_step(
        &self,
        id: Uuid,
        step: &VoidStep,
        retry_at: DateTime<Utc>,
    ) -> DbResult<()> {
        let txn = self.database().begin_write()?;
        let Some(mut f) = read(&txn, id.as_u128())? else {
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
        set_void_due(&txn, &mut f, due)?;
        let due = f.due_ms;
        save_and_publish(&txn, &mut f, due, Utc::now())?;
        txn.commit()?;
        Ok(())
    }

    /// A pass left document `id` unsettled: due again at `at`.
    pub fn retry_fiscal_at(&self, id: Uuid, at: DateTime<Utc>) -> DbResult<()> {
        let txn = self.database().begin_write()?;
        if let Some(mut f) = read(&txn, id.as_u128())?
            && !f.update.state.is_final()
        {
            f.tries += 1;
            write(&txn, &mut f, Some(at.timestamp_millis()))?;
        }
        txn.commit()?;
        Ok(())
    }

    /// The SUNAT record of document `id`, if it was pushed here.
    pub fn fiscal_state(&self, id: Uuid) -> DbResult<Option<FiscalUpdate>> {
        let r = self.database().begin_read()?;
        let t = r.open_table(FISCAL)?;
        let v = t.get(id.as_u128())?;
        match v {
            Some(v) => Ok(Some(
                serde_json::from_slice::<ServerFiscal>(v.value())?.update,
            )),
            None => Ok(None),
        }
    }

    /// How many documents are in each state, and how many wait in the due index.
    pub fn fiscal_counts(&self) -> DbResult<(BTreeMap<FiscalState, usize>, usize)> {
        let r = self.database().begin_read()?;
        let mut by_state = BTreeMap::new();
        for row in r.open_table(FISCAL)?.iter()? {
            let f: ServerFiscal = serde_json::from_slice(row?.1.value())?;
            *by_state.entry(f.update.state).or_insert(0) += 1;
        }
        let due = r.open_table(FISCAL_DUE)?.len()? as usize;
        Ok((by_state, due))
    }
}
