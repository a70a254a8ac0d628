//! How much of a document credit notes have already given back, kept on its list row
//! (`InvoiceSummary.credited`) so Comprobantes can say "con nota de crédito" or
//! "anulada" for 100k rows without opening a note, and the detail can refuse a second
//! full credit before the cashier builds one. Recomputed from the notes index in the
//! write transaction that adds a note (issued here or pulled from another kiosk) or
//! writes the document itself, so the order notes and documents arrive in never matters.

use crate::store::Store;
use crate::store::error::StoreResult;
use crate::store::queries::InvoiceSummary;
use crate::store::tables::{INVOICE_SUMMARIES, NOTES_BY_ORIGINAL};
use motordesk_core::{DocumentKind, Invoice};
use redb::{ReadableTable, WriteTransaction};
use rust_decimal::Decimal;
use uuid::Uuid;

impl Store {
    /// The credit notes on `original` and the total they gave back, with `extra` (a note
    /// being written in this transaction, not readable yet) counted once.
    pub(crate) fn credited_total_in(
        &self,
        txn: &WriteTransaction,
        original: Uuid,
        extra: Option<(Uuid, Decimal)>,
    ) -> StoreResult<(Decimal, Option<Uuid>)> {
        let ids: Vec<u128> = {
            let t = txn.open_table(NOTES_BY_ORIGINAL)?;
            let key = original.as_u128();
            t.range((key, 0)..=(key, u128::MAX))?
                .map(|e| e.map(|(k, _)| k.value().1))
                .collect::<Result<_, _>>()?
        };
        let mut total = Decimal::ZERO;
        let mut last = None;
        for id in ids {
            let id = Uuid::from_u128(id);
            if extra.is_some_and(|(e, _)| e == id) {
                continue;
            }
            if let Some(n) = self.read_in::<Invoice>(txn, id)?
                && n.data.kind == DocumentKind::NotaDeCredito
            {
                total += n.data.totals.total;
                last = Some(id);
            }
        }
        if let Some((id, amount)) = extra {
            total += amount;
            last = Some(id);
        }
        Ok((total, last))
    }

    /// Writes the credited amount on `original`'s list row (when the row exists here).
    pub(crate) fn refresh_credited(
        &self,
        txn: &WriteTransaction,
        original: Uuid,
        note: (Uuid, Decimal),
    ) -> StoreResult<()> {
        let key = original.as_u128();
        let row = {
            let t = txn.open_table(INVOICE_SUMMARIES)?;
            t.get(key)?.map(|v| v.value().to_vec())
        };
        let Some(row) = row else { return Ok(()) };
        let mut s: InvoiceSummary =
            self.open_json("invoice_summaries", &key.to_be_bytes(), &row)?;
        let (credited, by) = self.credited_total_in(txn, original, Some(note))?;
        s.credited = credited;
        s.credited_by = by;
        let sealed = self.seal_json("invoice_summaries", &key.to_be_bytes(), &s)?;
        txn.open_table(INVOICE_SUMMARIES)?
            .insert(key, sealed.as_slice())?;
        Ok(())
    }
}
