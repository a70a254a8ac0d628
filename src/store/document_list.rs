//! Comprobantes' list, a page at a time, the way Flota's is (`fleet.rs`). The list used to
//! hold every document's row decrypted (+44 MiB at 100k) and, after each sale, walk every
//! row's seal tag to find what changed (0.3 s at 100k): now the search index orders,
//! filters and counts the documents (newest first, the query's words, the kind) and only
//! the page on screen is opened. After a sale the list asks for the page on screen again:
//! one page, whatever the store holds.
//!
//! Right after login the index is still being built (1.6 s at 100k): the plain list (no
//! query, no kind) is then read straight from the summaries table, newest key first, so
//! the first screen never waits for it.

use crate::store::Shelf;
use crate::store::Store;
use crate::store::error::StoreResult;
use crate::store::queries::InvoiceSummary;
use crate::store::search::DocumentIds;
use crate::store::tables::INVOICE_SUMMARIES;
use motordesk_core::DocumentKind;
use redb::{ReadableTable, ReadableTableMetadata};
use std::sync::atomic::Ordering;
use uuid::Uuid;

/// Rows Comprobantes asks for at a time: a screen at 1280×800 shows about 14.
pub const DOCUMENT_PAGE: usize = 50;

/// A slice of Comprobantes' list.
#[derive(Debug, Clone, Default)]
pub struct DocumentPage {
    /// Documents that match the query and kind, all pages together.
    pub total: usize,
    /// Live documents in the store, matching or not ("12 de 100,000").
    pub all: usize,
    /// Where `rows` start in the list.
    pub offset: usize,
    /// Newest first.
    pub rows: Vec<InvoiceSummary>,
}

impl Store {
    /// Comprobantes' list from `offset`, at most `limit` rows: live documents whose number,
    /// buyer or plate match `query` (all when empty), of `kind` (all when `None`), newest
    /// first. Opens the returned rows and nothing else (`summaries_opened` counts them);
    /// without an index it opens every row, as the list did before.
    pub fn document_page(
        &self,
        query: &str,
        kind: Option<DocumentKind>,
        offset: usize,
        limit: usize,
    ) -> StoreResult<DocumentPage> {
        if query.trim().is_empty() && kind.is_none() && !self.search_ready() {
            return self.newest_documents(offset, limit);
        }
        match self.document_ids_page(query, kind, false, offset, limit)? {
            Some(DocumentIds { total, all, ids }) => Ok(DocumentPage {
                total,
                all,
                offset,
                rows: self.summaries_by_id(&ids)?,
            }),
            None => self.document_page_by_scan(query, kind, offset, limit),
        }
    }

    /// The archived documents matching `query` (none for an empty query: the archive is
    /// searched, not listed) of `kind`, newest first. They come from the archive's index in
    /// memory; their files are not read.
    pub fn archived_matches(
        &self,
        query: &str,
        kind: Option<DocumentKind>,
    ) -> StoreResult<Vec<InvoiceSummary>> {
        if query.trim().is_empty() {
            return Ok(Vec::new());
        }
        let ids = match self.document_ids_page(query, kind, true, 0, usize::MAX)? {
            Some(page) => page.ids,
            None => self.matching_ids(Shelf::Documents, query)?,
        };
        let mut rows = self.archived_hits(&ids)?;
        rows.retain(|r| kind.is_none_or(|k| k == r.kind));
        Ok(rows)
    }

    /// One document's list row (the credit it has had, for the detail).
    pub fn invoice_summary(&self, id: Uuid) -> StoreResult<Option<InvoiceSummary>> {
        Ok(self.summaries_by_id(&[id])?.pop())
    }

    /// Document list rows opened so far (tests check that a sale opens a page, not the
    /// whole list).
    pub fn summaries_opened(&self) -> u64 {
        self.summaries_opened.load(Ordering::Relaxed)
    }

    /// The rows of `ids`, in that order, in one read transaction; an id gone meanwhile (a
    /// document archived) is left out.
    fn summaries_by_id(&self, ids: &[Uuid]) -> StoreResult<Vec<InvoiceSummary>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(INVOICE_SUMMARIES)?;
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            let key = id.as_u128();
            if let Some(v) = t.get(key)? {
                rows.push(self.open_json("invoice_summaries", &key.to_be_bytes(), v.value())?);
            }
        }
        self.summaries_opened
            .fetch_add(rows.len() as u64, Ordering::Relaxed);
        Ok(rows)
    }

    /// The plain list without the index: newest keys first, skipping `offset` rows
    /// unopened.
    fn newest_documents(&self, offset: usize, limit: usize) -> StoreResult<DocumentPage> {
        let r = self.db().begin_read()?;
        let t = r.open_table(INVOICE_SUMMARIES)?;
        let all = t.len()? as usize;
        let mut rows = Vec::with_capacity(limit.min(all));
        for row in t.iter()?.rev().skip(offset).take(limit) {
            let (k, v) = row?;
            rows.push(self.open_json("invoice_summaries", &k.value().to_be_bytes(), v.value())?);
        }
        self.summaries_opened
            .fetch_add(rows.len() as u64, Ordering::Relaxed);
        Ok(DocumentPage {
            total: all,
            all,
            offset,
            rows,
        })
    }

    /// Without an index: every row opened, filtered here.
    fn document_page_by_scan(
        &self,
        query: &str,
        kind: Option<DocumentKind>,
        offset: usize,
        limit: usize,
    ) -> StoreResult<DocumentPage> {
        let hits: Option<std::collections::HashSet<Uuid>> = match query.trim() {
            "" => None,
            q => Some(
                self.matching_ids(Shelf::Documents, q)?
                    .into_iter()
                    .collect(),
            ),
        };
        let every = self.invoice_summaries()?;
        let all = every.len();
        let rows: Vec<InvoiceSummary> = every
            .into_iter()
            .filter(|s| kind.is_none_or(|k| k == s.kind))
            .filter(|s| hits.as_ref().is_none_or(|h| h.contains(&s.id)))
            .collect();
        Ok(DocumentPage {
            total: rows.len(),
            all,
            offset,
            rows: rows.into_iter().skip(offset).take(limit).collect(),
        })
    }
}
