//! A customer's history for their page in Clientes: their vehicles, their documents
//! newest first and what they spent (sales minus credit notes, as the Z report counts).
//!
//! Found without opening the shop's other documents: the plain `(customer, invoice)`
//! index written with each sale gives the customer's document ids, and only their small
//! list rows (`InvoiceSummary`) are opened, never the sealed invoices. The cost grows with
//! the customer's own documents (k), not with the store (100k documents).

use crate::store::Store;
use crate::store::error::StoreResult;
use crate::store::queries::InvoiceSummary;
use crate::store::tables::{INVOICE_SUMMARIES, INVOICES_BY_CUSTOMER};
use motordesk_core::{DocumentKind, Vehicle};
use rust_decimal::Decimal;
use std::sync::atomic::Ordering;
use uuid::Uuid;

/// Documents shown at first and added by each "Ver más".
pub const HISTORY_PAGE: usize = 50;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerHistory {
    /// The vehicles whose owner they are, by plate.
    pub vehicles: Vec<Vehicle>,
    /// Their newest documents, newest first, at most the `shown` asked for.
    pub documents: Vec<InvoiceSummary>,
    /// All their documents.
    pub document_count: usize,
    /// Sales (boletas, facturas, notas de venta and de débito) minus credit notes, soles.
    pub spent: Decimal,
}

impl Store {
    /// `customer`'s vehicles, newest `shown` documents, document count and total spent.
    /// Opens the customer's own list rows only (one read transaction).
    pub fn customer_history(&self, customer: Uuid, shown: usize) -> StoreResult<CustomerHistory> {
        let mut vehicles: Vec<Vehicle> = self
            .vehicles_of_owner(customer)?
            .into_iter()
            .map(|v| v.data)
            .collect();
        vehicles.sort_by(|a, b| a.plate.cmp(&b.plate));
        let r = self.db().begin_read()?;
        let index = r.open_table(INVOICES_BY_CUSTOMER)?;
        let rows = r.open_table(INVOICE_SUMMARIES)?;
        let c = customer.as_u128();
        let mut history = CustomerHistory {
            vehicles,
            ..CustomerHistory::default()
        };
        let mut opened = 0u64;
        // UUID v7 ids sort by time: the index's range backwards is newest first.
        for entry in index.range((c, 0)..=(c, u128::MAX))?.rev() {
            let id = entry?.0.value().1;
            let Some(sealed) = rows.get(id)? else {
                // Moved out of the live store (an archive run): not listed, not counted.
                continue;
            };
            let s: InvoiceSummary =
                self.open_json("invoice_summaries", &id.to_be_bytes(), sealed.value())?;
            opened += 1;
            match s.kind {
                DocumentKind::NotaDeCredito => history.spent -= s.total,
                _ => history.spent += s.total,
            }
            history.document_count += 1;
            if history.documents.len() < shown {
                history.documents.push(s);
            }
        }
        self.summaries_opened.fetch_add(opened, Ordering::Relaxed);
        Ok(history)
    }
}
