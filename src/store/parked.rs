//! Parked tickets: the open sales of a lubricentro counter, one per car in the bay. A
//! ticket the cashier parks is kept sealed in its own table (`parked_tickets`) so it
//! survives a restart of the kiosk; issuing it removes it in the same write transaction
//! as the invoice, so a crash never leaves an issued sale parked to be charged twice.
//! Never synced: a parked ticket is this counter's work in progress, not a record.

use crate::store::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use motordesk_core::{Invoice, InvoiceDraft, Vehicle};
use redb::{ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// ticket id (UUIDv7: the order they were opened) → sealed `ParkedTicket`.
pub(super) const PARKED: TableDefinition<u128, &[u8]> = TableDefinition::new("parked_tickets");
const TABLE: &str = "parked_tickets";

/// At most this many tickets are open at once: a counter rarely has more than a few
/// cars in the bay, and a row of 12 tabs still fits the 1024 px screen in two lines.
pub const MAX_PARKED: usize = 12;

/// A sale put aside, with what the sale screen needs to take it up again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParkedTicket {
    pub id: Uuid,
    /// The plate of its vehicle, else "Ticket N".
    pub name: String,
    pub draft: InvoiceDraft,
    /// The vehicle chosen for it (with its last reading, for the km check).
    pub vehicle: Option<Vehicle>,
    /// *Km actual* entered for this visit.
    pub km: Option<u32>,
    pub parked_at: DateTime<Utc>,
}

/// Why a ticket was not parked.
#[derive(Debug, thiserror::Error)]
pub enum ParkError {
    /// `MAX_PARKED` tickets are already open.
    #[error("{0} tickets already parked")]
    Full(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ParkError {
    /// What the cashier reads.
    pub fn mensaje(&self) -> String {
        match self {
            ParkError::Full(n) => format!(
                "Ya hay {n} tickets abiertos, el máximo. Emita o vacíe uno antes de abrir otro."
            ),
            ParkError::Store(e) => e.mensaje(),
        }
    }
}

impl Store {
    /// Parks `t` (new, or the newer state of one already parked). Refuses a new one when
    /// `MAX_PARKED` are parked. Returns how many are parked now.
    pub fn park_ticket(&self, t: &ParkedTicket) -> Result<usize, ParkError> {
        let key = t.id.as_u128();
        let sealed = self.seal_json(TABLE, &key.to_be_bytes(), t)?;
        let txn = self.db().begin_write()?;
        let n = {
            let mut table = txn.open_table(PARKED).map_err(StoreError::from)?;
            let n = table.len().map_err(StoreError::from)? as usize;
            let known = table.get(key).map_err(StoreError::from)?.is_some();
            if !known && n >= MAX_PARKED {
                return Err(ParkError::Full(n));
            }
            table
                .insert(key, sealed.as_slice())
                .map_err(StoreError::from)?;
            if known { n } else { n + 1 }
        };
        txn.commit().map_err(StoreError::from)?;
        log::info!("ticket {} parked ({n} open)", t.id);
        Ok(n)
    }

    /// Every parked ticket, oldest first.
    pub fn parked_tickets(&self) -> StoreResult<Vec<ParkedTicket>> {
        let r = self.db().begin_read()?;
        let table = match r.open_table(PARKED) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            out.push(self.open_json(TABLE, &k.value().to_be_bytes(), v.value())?);
        }
        Ok(out)
    }

    /// Drops a parked ticket (emptied by the cashier). Returns whether it was parked.
    pub fn discard_parked(&self, id: Uuid) -> StoreResult<bool> {
        let txn = self.db().begin_write()?;
        let found = txn.open_table(PARKED)?.remove(id.as_u128())?.is_some();
        txn.commit()?;
        Ok(found)
    }

    /// Issues `draft` (as `issue_invoice`) and, in the same write transaction, removes
    /// ticket `ticket` from the parked ones (a ticket never parked is simply issued).
    /// `approval` as in `issue_approved`.
    pub fn issue_ticket(
        &self,
        draft: InvoiceDraft,
        ticket: Uuid,
        approval: Option<&crate::store::Approval>,
    ) -> StoreResult<Invoice> {
        let settings = self.settings()?;
        let txn = self.db().begin_write()?;
        let inv = self.issue_invoice_in(&txn, draft, &settings, Utc::now(), approval)?;
        let was_parked = txn.open_table(PARKED)?.remove(ticket.as_u128())?.is_some();
        txn.commit()?;
        if was_parked {
            log::info!("parked ticket {ticket} issued as {}", inv.number);
        }
        Ok(inv)
    }
}
