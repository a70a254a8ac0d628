//! The figures of the manager's Resumen, read from the local store (offline) and kept up
//! to date without reading every document again after each sale.
//!
//! `RecentSales` holds one small `SaleFact` per document of the last 30 days, and the
//! seal tag of every invoice row it has looked at. A refresh walks the committed
//! invoices in one read transaction comparing tags (nothing decrypted: `seal::tag_of`)
//! and reads only rows that are new or were sealed again: first the row's small list
//! summary for its date, then the document itself only when it falls in the window. The sums are `motordesk_core::summarize`.
//!
//! Which rows it walks: invoice ids are UUID v7 made at issue, so a document issued in
//! the window has an id from the window's start on (the rule Caja's Z report uses,
//! `shift.rs`); one day earlier still, for a kiosk whose clock ran a little behind. A
//! store whose ids do not follow the dates (the demo backdates its history) is still
//! right, only slower: every row in that key range has its list summary read once, then
//! only its tag is compared.

use crate::store::Store;
use crate::store::error::StoreResult;
use crate::store::queries::InvoiceSummary;
use crate::store::seal::{TAG, tag_of};
use crate::store::tables::{INVOICE_SUMMARIES, INVOICES, records_name};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use motordesk_core::{Dashboard, Invoice, RecordKind, SaleFact, Stored};
use std::collections::HashMap;

/// What the Resumen already knows of the invoices table.
#[derive(Debug, Default)]
pub struct RecentSales {
    /// Each walked row's seal tag.
    seen: HashMap<u128, [u8; TAG]>,
    /// The documents issued in the window, by id.
    facts: HashMap<u128, SaleFact>,
}

impl RecentSales {
    /// Documents held for the window.
    pub fn documents(&self) -> usize {
        self.facts.len()
    }
}

/// What one refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshCount {
    /// Rows whose tags were compared.
    pub walked: u64,
    /// List rows read for their date (new or sealed again).
    pub skimmed: u64,
    /// Documents decrypted and read in full (new or sealed again, in the window).
    pub opened: u64,
}

/// The smallest UUID v7 of the millisecond `at`.
fn first_id_at(at: DateTime<Utc>) -> u128 {
    (at.timestamp_millis().max(0) as u128) << 80
}

impl Store {
    /// Brings `recent` up to date for the Resumen of `today` (a day in Lima): opens only
    /// invoices it has not seen or that were sealed again, and forgets documents that
    /// left the window.
    pub fn refresh_recent_sales(
        &self,
        recent: &mut RecentSales,
        today: NaiveDate,
    ) -> StoreResult<RefreshCount> {
        let start = motordesk_core::window_start_utc(today);
        let from = first_id_at(start - Duration::days(1));
        let mut count = RefreshCount::default();
        let mut present = HashMap::with_capacity(recent.seen.len() + 16);
        {
            let r = self.db().begin_read()?;
            let t = r.open_table(INVOICES)?;
            let summaries = r.open_table(INVOICE_SUMMARIES)?;
            for row in t.range(from..)? {
                let (k, v) = row?;
                let key = k.value();
                let tag = tag_of(v.value());
                count.walked += 1;
                present.insert(key, tag);
                if recent.seen.get(&key) == Some(&tag) {
                    continue;
                }
                // The small list row first: a document from before the window (the
                // demo's backdated history) is never opened in full.
                if let Some(row) = summaries.get(key)? {
                    count.skimmed += 1;
                    let s: InvoiceSummary =
                        self.open_json("invoice_summaries", &key.to_be_bytes(), row.value())?;
                    if s.issued_at < start {
                        recent.facts.remove(&key);
                        continue;
                    }
                }
                count.opened += 1;
                let inv: Stored<Invoice> = self.open_json(
                    records_name(RecordKind::Invoice),
                    &key.to_be_bytes(),
                    v.value(),
                )?;
                if inv.data.issued_at >= start {
                    recent.facts.insert(key, SaleFact::of(&inv.data));
                } else {
                    recent.facts.remove(&key);
                }
            }
        }
        recent.seen = present;
        let seen = &recent.seen;
        recent
            .facts
            .retain(|k, f| f.issued_at >= start && seen.contains_key(k));
        Ok(count)
    }

    /// The Resumen of `today` (a day in Lima), `recent` brought up to date first.
    pub fn dashboard(&self, recent: &mut RecentSales, today: NaiveDate) -> StoreResult<Dashboard> {
        self.refresh_recent_sales(recent, today)?;
        Ok(motordesk_core::summarize(recent.facts.values(), today))
    }
}
