//! Read-side queries: lookups through the blind indexes, search, and the small invoice
//! summaries the document list scrolls through.

use crate::store::Store;
use crate::store::error::StoreResult;
use crate::store::shop::doc_key;
use crate::store::tables::*;
use chrono::{DateTime, Utc};
use motordesk_core::Customer;
use motordesk_core::IdKind;
use motordesk_core::Invoice;
use motordesk_core::{DocumentKind, DocumentNumber};
use motordesk_core::{OdometerReading, Plate, Vehicle};
use motordesk_core::{Record, Stored, SyncStatus};
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    pub issued_at: DateTime<Utc>,
    pub buyer_name: String,
    pub buyer_doc: String,
    pub plate: Option<String>,
    pub total: Decimal,
    pub status: SyncStatus,
    /// The last credit note on it.
    pub credited_by: Option<Uuid>,
    /// What its credit notes gave back in all (`credits.rs`); zero in rows written
    /// before this was kept, until a note is added.
    #[serde(default)]
    pub credited: Decimal,
}

impl InvoiceSummary {
    /// Credit notes gave back all of it.
    pub fn fully_credited(&self) -> bool {
        self.total > Decimal::ZERO && self.credited >= self.total
    }
}

pub(crate) fn write_invoice_summary<T: Record>(
    store: &Store,
    txn: &WriteTransaction,
    rec: &Stored<T>,
) -> StoreResult<()> {
    // Generic over T so `write_record` can call it; only invoices get here.
    let value = serde_json::to_value(&rec.data)?;
    let inv: Invoice = serde_json::from_value(value)?;
    let summary = InvoiceSummary {
        id: inv.id,
        kind: inv.kind,
        number: inv.number.clone(),
        issued_at: inv.issued_at,
        buyer_name: inv.buyer.name.clone(),
        buyer_doc: inv.buyer.id.number.clone(),
        plate: inv.vehicle.as_ref().map(|v| v.plate.clone()),
        total: inv.totals.total,
        status: rec.meta.status,
        credited_by: None,
        credited: Decimal::ZERO,
    };
    // A document pulled after its notes still shows them.
    let (credited, credited_by) = store.credited_total_in(txn, inv.id, None)?;
    let summary = InvoiceSummary {
        credited,
        credited_by,
        ..summary
    };
    let key = inv.id.as_u128();
    let sealed = store.seal_json("invoice_summaries", &key.to_be_bytes(), &summary)?;
    txn.open_table(INVOICE_SUMMARIES)?
        .insert(key, sealed.as_slice())?;
    Ok(())
}

/// Sets the status on an invoice's list row (its sync status changed).
pub(crate) fn set_summary_status(
    store: &Store,
    txn: &WriteTransaction,
    id: Uuid,
    status: SyncStatus,
) -> StoreResult<()> {
    let key = id.as_u128();
    let mut t = txn.open_table(INVOICE_SUMMARIES)?;
    let Some(v) = t.get(key)?.map(|v| v.value().to_vec()) else {
        return Ok(());
    };
    let mut s: InvoiceSummary = store.open_json("invoice_summaries", &key.to_be_bytes(), &v)?;
    if s.status != status {
        s.status = status;
        let sealed = store.seal_json("invoice_summaries", &key.to_be_bytes(), &s)?;
        t.insert(key, sealed.as_slice())?;
    }
    Ok(())
}

impl Store {
    /// Every document, newest first (ids are UUID v7, so key order is time order).
    pub fn invoice_summaries(&self) -> StoreResult<Vec<InvoiceSummary>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(INVOICE_SUMMARIES)?;
        let mut out = Vec::with_capacity(t.len()? as usize);
        for row in t.iter()?.rev() {
            let (k, v) = row?;
            out.push(self.open_json("invoice_summaries", &k.value().to_be_bytes(), v.value())?);
        }
        self.summaries_opened
            .fetch_add(out.len() as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(out)
    }

    pub fn customer_by_doc(
        &self,
        kind: IdKind,
        number: &str,
    ) -> StoreResult<Option<Stored<Customer>>> {
        let key = self.sealer().blind("doc", &doc_key(kind, number.trim()));
        let id = {
            let r = self.db().begin_read()?;
            let idx = r.open_table(CUSTOMER_BY_DOC)?;
            idx.get(key)?.map(|v| v.value())
        };
        match id {
            Some(id) => self.get(Uuid::from_u128(id)),
            None => Ok(None),
        }
    }

    pub fn vehicle_by_plate(&self, plate: &Plate) -> StoreResult<Option<Stored<Vehicle>>> {
        let key = self.sealer().blind("plate", plate.key());
        let id = {
            let r = self.db().begin_read()?;
            let idx = r.open_table(VEHICLE_BY_PLATE)?;
            idx.get(key)?.map(|v| v.value())
        };
        match id {
            Some(id) => self.get(Uuid::from_u128(id)),
            None => Ok(None),
        }
    }

    pub fn invoice_by_number(
        &self,
        number: &DocumentNumber,
    ) -> StoreResult<Option<Stored<Invoice>>> {
        let key = self.sealer().blind("number", &number.to_string());
        let id = {
            let r = self.db().begin_read()?;
            let idx = r.open_table(INVOICE_BY_NUMBER)?;
            idx.get(key)?.map(|v| v.value())
        };
        match id {
            Some(id) => self.get(Uuid::from_u128(id)),
            None => Ok(None),
        }
    }

    fn ids_under(
        &self,
        table: redb::TableDefinition<(u128, u128), ()>,
        owner: Uuid,
    ) -> StoreResult<Vec<Uuid>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(table)?;
        let o = owner.as_u128();
        let mut out = Vec::new();
        for row in t.range((o, 0)..=(o, u128::MAX))? {
            out.push(Uuid::from_u128(row?.0.value().1));
        }
        Ok(out)
    }

    fn records_under<T: Record>(
        &self,
        table: redb::TableDefinition<(u128, u128), ()>,
        owner: Uuid,
    ) -> StoreResult<Vec<Stored<T>>> {
        let mut out = Vec::new();
        for id in self.ids_under(table, owner)? {
            if let Some(r) = self.get::<T>(id)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Service history of a vehicle: its invoices, newest first.
    pub fn invoices_of_vehicle(&self, vehicle: Uuid) -> StoreResult<Vec<Stored<Invoice>>> {
        let mut v = self.records_under::<Invoice>(INVOICES_BY_VEHICLE, vehicle)?;
        v.reverse();
        Ok(v)
    }

    pub fn invoices_of_customer(&self, customer: Uuid) -> StoreResult<Vec<Stored<Invoice>>> {
        let mut v = self.records_under::<Invoice>(INVOICES_BY_CUSTOMER, customer)?;
        v.reverse();
        Ok(v)
    }

    /// Odometer readings of a vehicle, oldest first.
    pub fn odometer_history(&self, vehicle: Uuid) -> StoreResult<Vec<Stored<OdometerReading>>> {
        self.records_under(ODOMETER_BY_VEHICLE, vehicle)
    }

    pub fn vehicles_of_owner(&self, owner: Uuid) -> StoreResult<Vec<Stored<Vehicle>>> {
        self.records_under(VEHICLES_BY_OWNER, owner)
    }
}
