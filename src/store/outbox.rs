//! The transactional outbox: one entry per local change still to push, written in the
//! same transaction as the change. The entry's `seq` is the device sequence number and
//! its `idempotency_key` lets the server apply it at most once, however often it is sent.

use crate::store::error::StoreResult;
use crate::store::tables::*;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use motordesk_core::{RecordKind, SyncStatus};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Per-device sequence number (also the table key).
    pub seq: u64,
    pub kind: RecordKind,
    pub record_id: Uuid,
    /// Record version this entry pushes.
    pub version: u64,
    pub idempotency_key: Uuid,
    pub status: SyncStatus,
    pub attempts: u32,
    /// FAILED entries are retried automatically after this instant (None = only by hand).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The server refused it (4xx): it waits for review instead of retrying.
    pub rejected: bool,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub synced_at: Option<DateTime<Utc>>,
    pub account: String,
    /// One line for the sync queue, e.g. "Boleta B001-00000042 S/ 118.00".
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncCounts {
    pub pending: u64,
    pub syncing: u64,
    pub failed: u64,
}

impl SyncCounts {
    pub fn unsynced(&self) -> u64 {
        self.pending + self.syncing + self.failed
    }
}

fn row(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

fn read_entry(
    store: &Store,
    t: &impl ReadableTable<u64, &'static [u8]>,
    seq: u64,
) -> StoreResult<Option<OutboxEntry>> {
    match t.get(seq)? {
        Some(v) => Ok(Some(store.open_json("outbox", &row(seq), v.value())?)),
        None => Ok(None),
    }
}

fn write_entry(
    store: &Store,
    txn: &WriteTransaction,
    old_status: Option<SyncStatus>,
    e: &OutboxEntry,
) -> StoreResult<()> {
    let sealed = store.seal_json("outbox", &row(e.seq), e)?;
    txn.open_table(OUTBOX)?.insert(e.seq, sealed.as_slice())?;
    let mut by_status = txn.open_table(OUTBOX_BY_STATUS)?;
    if let Some(s) = old_status {
        by_status.remove((s.code(), e.seq))?;
    }
    by_status.insert((e.status.code(), e.seq), ())?;
    Ok(())
}

fn remove_entry(txn: &WriteTransaction, e: &OutboxEntry) -> StoreResult<()> {
    txn.open_table(OUTBOX)?.remove(e.seq)?;
    txn.open_table(OUTBOX_BY_STATUS)?
        .remove((e.status.code(), e.seq))?;
    let mut by_record = txn.open_table(OUTBOX_BY_RECORD)?;
    let key = (e.kind.code(), e.record_id.as_u128());
    if by_record.get(key)?.map(|v| v.value()) == Some(e.seq) {
        by_record.remove(key)?;
    }
    Ok(())
}

fn next_seq(txn: &WriteTransaction) -> StoreResult<u64> {
    let mut meta = txn.open_table(META)?;
    let last = match meta.get("outbox_seq")? {
        Some(v) => u64::from_be_bytes(v.value().try_into().unwrap_or([0; 8])),
        None => 0,
    };
    let next = last + 1;
    meta.insert("outbox_seq", next.to_be_bytes().as_slice())?;
    Ok(next)
}

/// Queues a change. If the record already has an entry that has not left the device
/// (PENDING or FAILED), that entry is brought up to the new version instead, so the
/// server sees one mutation with the latest state. An entry already in flight is left
/// alone and a new one follows it.
pub(crate) fn enqueue(
    store: &Store,
    txn: &WriteTransaction,
    kind: RecordKind,
    record_id: Uuid,
    version: u64,
    summary: String,
    at: DateTime<Utc>,
) -> StoreResult<u64> {
    let key = (kind.code(), record_id.as_u128());
    let existing = txn
        .open_table(OUTBOX_BY_RECORD)?
        .get(key)?
        .map(|v| v.value());
    if let Some(seq) = existing {
        let t = txn.open_table(OUTBOX)?;
        let entry = read_entry(store, &t, seq)?;
        drop(t);
        if let Some(mut e) = entry
            && matches!(e.status, SyncStatus::Pending | SyncStatus::Failed)
        {
            let old = e.status;
            e.version = version;
            e.status = SyncStatus::Pending;
            e.summary = summary;
            e.modified_at = at;
            e.rejected = false;
            e.next_attempt_at = None;
            e.account = store.account().to_string();
            write_entry(store, txn, Some(old), &e)?;
            return Ok(e.seq);
        }
    }
    let seq = next_seq(txn)?;
    let e = OutboxEntry {
        seq,
        kind,
        record_id,
        version,
        idempotency_key: Uuid::now_v7(),
        status: SyncStatus::Pending,
        attempts: 0,
        next_attempt_at: None,
        last_error: None,
        rejected: false,
        created_at: at,
        modified_at: at,
        synced_at: None,
        account: store.account().to_string(),
        summary,
    };
    write_entry(store, txn, None, &e)?;
    txn.open_table(OUTBOX_BY_RECORD)?.insert(key, seq)?;
    Ok(seq)
}

/// Sets the sync status in the record's own metadata (if it still has `version`).
fn set_record_status(
    store: &Store,
    txn: &WriteTransaction,
    e: &OutboxEntry,
    status: SyncStatus,
    synced_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    fn apply<T: Record>(
        store: &Store,
        txn: &WriteTransaction,
        e: &OutboxEntry,
        status: SyncStatus,
        synced_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        if let Some(mut rec) = store.read_in::<T>(txn, e.record_id)?
            && rec.meta.version == e.version
        {
            rec.meta.status = status;
            if synced_at.is_some() {
                rec.meta.synced_at = synced_at;
            }
            store.write_record(txn, &rec)?;
        }
        Ok(())
    }
    use motordesk_core::{Customer, Invoice, Product, *};
    match e.kind {
        RecordKind::Customer => apply::<Customer>(store, txn, e, status, synced_at),
        RecordKind::Vehicle => apply::<Vehicle>(store, txn, e, status, synced_at),
        RecordKind::Product => apply::<Product>(store, txn, e, status, synced_at),
        RecordKind::Odometer => apply::<OdometerReading>(store, txn, e, status, synced_at),
        RecordKind::Invoice => apply::<Invoice>(store, txn, e, status, synced_at),
        // The XML's sync state is its outbox entry; there is no record meta to update.
        RecordKind::Comprobante | RecordKind::FiscalStatus | RecordKind::VoidRequest => Ok(()),
    }
}

impl Store {
    pub fn outbox_entry(&self, seq: u64) -> StoreResult<Option<OutboxEntry>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(OUTBOX)?;
        read_entry(self, &t, seq)
    }

    /// Counts by status, without opening a single entry.
    pub fn sync_counts(&self) -> StoreResult<SyncCounts> {
        let r = self.db().begin_read()?;
        let t = r.open_table(OUTBOX_BY_STATUS)?;
        let count = |s: SyncStatus| -> StoreResult<u64> {
            let mut n = 0;
            for row in t.range((s.code(), 0)..=(s.code(), u64::MAX))? {
                row?;
                n += 1;
            }
            Ok(n)
        };
        Ok(SyncCounts {
            pending: count(SyncStatus::Pending)?,
            syncing: count(SyncStatus::Syncing)?,
            failed: count(SyncStatus::Failed)?,
        })
    }

    /// Entries with the given status, oldest first, at most `limit`.
    pub fn outbox_with_status(
        &self,
        status: SyncStatus,
        limit: usize,
    ) -> StoreResult<Vec<OutboxEntry>> {
        let r = self.db().begin_read()?;
        let idx = r.open_table(OUTBOX_BY_STATUS)?;
        let t = r.open_table(OUTBOX)?;
        let mut out = Vec::new();
        for row in idx.range((status.code(), 0)..=(status.code(), u64::MAX))? {
            let (k, _) = row?;
            if let Some(e) = read_entry(self, &t, k.value().1)? {
                out.push(e);
            }
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// What the sync worker should push now: PENDING entries, then FAILED entries whose
    /// backoff has passed (never rejected ones), oldest first.
    pub fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        let mut out = self.outbox_with_status(SyncStatus::Pending, limit)?;
        if out.len() < limit {
            for e in self.outbox_with_status(SyncStatus::Failed, usize::MAX)? {
                if !e.rejected && e.next_attempt_at.is_some_and(|t| t <= now) {
                    out.push(e);
                    if out.len() >= limit {
                        break;
                    }
                }
            }
        }
        out.sort_by_key(|e| e.seq);
        Ok(out)
    }

    /// Every PENDING seq, read inside a write transaction.
    pub(crate) fn pending_seqs_in(&self, txn: &WriteTransaction) -> StoreResult<Vec<u64>> {
        let idx = txn.open_table(OUTBOX_BY_STATUS)?;
        let code = SyncStatus::Pending.code();
        let mut out = Vec::new();
        for row in idx.range((code, 0)..=(code, u64::MAX))? {
            out.push(row?.0.value().1);
        }
        Ok(out)
    }

    /// The earliest instant a FAILED entry becomes due again.
    pub fn next_retry_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        Ok(self
            .outbox_with_status(SyncStatus::Failed, usize::MAX)?
            .into_iter()
            .filter(|e| !e.rejected)
            .filter_map(|e| e.next_attempt_at)
            .min())
    }

    /// The record payload an entry pushes (JSON of `Stored<T>`), opened from the store.
    pub fn outbox_payload(&self, e: &OutboxEntry) -> StoreResult<serde_json::Value> {
        fn get<T: Record>(s: &Store, id: Uuid) -> StoreResult<serde_json::Value> {
            let rec = s.get::<T>(id)?.ok_or(StoreError::NotFound("registro"))?;
            Ok(serde_json::to_value(rec)?)
        }
        use motordesk_core::{Customer, Invoice, Product, *};
        match e.kind {
            RecordKind::Customer => get::<Customer>(self, e.record_id),
            RecordKind::Vehicle => get::<Vehicle>(self, e.record_id),
            RecordKind::Product => get::<Product>(self, e.record_id),
            RecordKind::Odometer => get::<OdometerReading>(self, e.record_id),
            RecordKind::Invoice => get::<Invoice>(self, e.record_id),
            RecordKind::Comprobante => Ok(serde_json::to_value(
                self.comprobante_upload(e.record_id)?
                    .ok_or(StoreError::NotFound("el XML firmado"))?,
            )?),
            RecordKind::VoidRequest => Ok(serde_json::to_value(
                self.void_upload(e.record_id)?
                    .ok_or(StoreError::NotFound("la anulación"))?,
            )?),
            RecordKind::FiscalStatus => Err(StoreError::NotFound("registro")),
        }
    }

    fn update_entries(
        &self,
        seqs: &[u64],
        mut f: impl FnMut(&Store, &WriteTransaction, &mut OutboxEntry) -> StoreResult<bool>,
    ) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        self.update_entries_in(&txn, seqs, &mut f)?;
        txn.commit()?;
        Ok(())
    }

    fn update_entries_in(
        &self,
        txn: &WriteTransaction,
        seqs: &[u64],
        f: &mut impl FnMut(&Store, &WriteTransaction, &mut OutboxEntry) -> StoreResult<bool>,
    ) -> StoreResult<()> {
        for &seq in seqs {
            let entry = {
                let t = txn.open_table(OUTBOX)?;
                read_entry(self, &t, seq)?
            };
            let Some(mut e) = entry else { continue };
            let old = e.status;
            if f(self, txn, &mut e)? {
                write_entry(self, txn, Some(old), &e)?;
            }
        }
        Ok(())
    }

    /// PENDING/FAILED → SYNCING for a batch about to be sent.
    pub fn mark_syncing(&self, seqs: &[u64]) -> StoreResult<()> {
        let at = Utc::now();
        self.update_entries(seqs, |s, txn, e| {
            e.status = SyncStatus::Syncing;
            e.attempts += 1;
            e.modified_at = at;
            set_record_status(s, txn, e, SyncStatus::Syncing, None)?;
            Ok(true)
        })
    }

    /// The server acknowledged (applied or duplicate): the entry leaves the outbox and
    /// the record becomes SYNCED with `synced_at`, unless it changed again meanwhile.
    pub fn mark_synced(&self, seqs: &[u64], at: DateTime<Utc>) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        self.mark_synced_in(&txn, seqs, at)?;
        txn.commit()?;
        Ok(())
    }

    /// `mark_synced` inside the caller's transaction.
    pub(crate) fn mark_synced_in(
        &self,
        txn: &WriteTransaction,
        seqs: &[u64],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.update_entries_in(txn, seqs, &mut |s, txn, e| {
            e.status = SyncStatus::Synced;
            e.synced_at = Some(at);
            set_record_status(s, txn, e, SyncStatus::Synced, Some(at))?;
            let mut old = e.clone();
            old.status = SyncStatus::Syncing;
            remove_entry(txn, &old)?;
            // Also clear a stale PENDING/FAILED index row, whatever it was.
            for st in [SyncStatus::Pending, SyncStatus::Failed] {
                txn.open_table(OUTBOX_BY_STATUS)?
                    .remove((st.code(), e.seq))?;
            }
            Ok(false)
        })
    }

    /// A transient failure: FAILED, retried automatically at `next_attempt_at`.
    pub fn mark_failed(
        &self,
        seq: u64,
        error: &str,
        next_attempt_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.mark_failed_many(&[seq], error, |_| next_attempt_at)
    }

    /// `mark_failed` for a whole batch in one transaction; `next_attempt_at` gets each
    /// entry's attempt count (already counting the attempt that just failed).
    pub fn mark_failed_many(
        &self,
        seqs: &[u64],
        error: &str,
        next_attempt_at: impl Fn(u32) -> DateTime<Utc>,
    ) -> StoreResult<()> {
        self.update_entries(seqs, |s, txn, e| {
            e.status = SyncStatus::Failed;
            e.last_error = Some(error.to_string());
            e.next_attempt_at = Some(next_attempt_at(e.attempts));
            e.modified_at = Utc::now();
            set_record_status(s, txn, e, SyncStatus::Failed, None)?;
            Ok(true)
        })
    }

    /// The server refused the mutation (4xx): FAILED for review, not retried by itself,
    /// and the rest of the queue goes on.
    pub fn mark_rejected(&self, seq: u64, reason: &str) -> StoreResult<()> {
        self.update_entries(&[seq], |s, txn, e| {
            e.status = SyncStatus::Failed;
            e.rejected = true;
            e.last_error = Some(reason.to_string());
            e.next_attempt_at = None;
            e.modified_at = Utc::now();
            set_record_status(s, txn, e, SyncStatus::Failed, None)?;
            Ok(true)
        })
    }

    /// A person pressed Reintentar: back to PENDING now.
    pub fn retry_now(&self, seqs: &[u64]) -> StoreResult<()> {
        self.update_entries(seqs, |s, txn, e| {
            if e.status != SyncStatus::Failed {
                return Ok(false);
            }
            e.status = SyncStatus::Pending;
            e.rejected = false;
            e.next_attempt_at = None;
            e.modified_at = Utc::now();
            set_record_status(s, txn, e, SyncStatus::Pending, None)?;
            Ok(true)
        })
    }

    /// At startup nothing is in flight: SYNCING left by a crash goes back to PENDING.
    /// Safe because the server deduplicates on the idempotency key.
    pub fn reset_syncing(&self) -> StoreResult<usize> {
        let seqs: Vec<u64> = self
            .outbox_with_status(SyncStatus::Syncing, usize::MAX)?
            .iter()
            .map(|e| e.seq)
            .collect();
        self.update_entries(&seqs, |s, txn, e| {
            e.status = SyncStatus::Pending;
            set_record_status(s, txn, e, SyncStatus::Pending, None)?;
            Ok(true)
        })?;
        Ok(seqs.len())
    }
}
