//! The transactional outbox: one entry per local change still to push, written in the
//! same transaction as the change. The entry's `seq` is the device sequence number and
//! its `idempotency_key` lets the server apply it at most once, however often it is sent.
//!
//! What changes while an entry travels (status, attempts, next attempt, rejected) lives in
//! the small plain `outbox_state` row, and a record's sync status in `record_sync`: marking
//! a batch SYNCING or SYNCED opens, inflates and re-seals nothing (before, each mark rewrote
//! the whole sealed record and entry, 60 % of a 10k push). The sealed entry keeps what does
//! not change in flight (record, version, idempotency key, summary, last error).

use crate::store::error::StoreResult;
use crate::store::tables::*;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use motordesk_core::{Hlc, RecordKind, RecordMeta, SyncStatus};
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

/// What one outbox entry pushes: the record's JSON (`Stored<T>`, meta and data) and the
/// version and clock stamp the request carries beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushPayload {
    pub json: Vec<u8>,
    pub version: u64,
    pub hlc: Hlc,
}

/// The meta of a record's JSON; the data is skipped over, not built.
#[derive(Deserialize)]
struct MetaOnly {
    meta: RecordMeta,
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

thread_local! {
    /// Outbox rows this thread walked (index and plain rows) and sealed entries it opened:
    /// what a test reads to see that finding a batch does not walk the whole outbox.
    static READS: std::cell::Cell<OutboxReads> = const {
        std::cell::Cell::new(OutboxReads { walked: 0, opened: 0 })
    };
}

/// How much of the outbox this thread has read so far (`Store::outbox_reads`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxReads {
    /// Index and bookkeeping rows stepped over.
    pub walked: u64,
    /// Sealed entries opened (decrypted and parsed).
    pub opened: u64,
}

fn count(walked: u64, opened: u64) {
    READS.with(|r| {
        let mut v = r.get();
        v.walked += walked;
        v.opened += opened;
        r.set(v);
    });
}

/// An entry's plain bookkeeping row: (status, attempts, modified unix ns, next attempt
/// unix ns or `NONE_NS`, rejected, kind, record id, version). Nanoseconds, so an instant
/// reads back exactly as it was given (until 2262).
pub(super) type StateRow = (u8, u32, i64, i64, bool, u8, u128, u64);
/// "No instant" in the plain rows.
pub(super) const NONE_NS: i64 = i64::MIN;

pub(super) fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

fn ns(t: Option<DateTime<Utc>>) -> i64 {
    t.map_or(NONE_NS, nanos)
}

pub(super) fn instant(ns: i64) -> Option<DateTime<Utc>> {
    (ns != NONE_NS).then(|| DateTime::from_timestamp_nanos(ns))
}

pub(super) fn status_from(code: u8) -> Option<SyncStatus> {
    [
        SyncStatus::Pending,
        SyncStatus::Syncing,
        SyncStatus::Synced,
        SyncStatus::Failed,
    ]
    .into_iter()
    .find(|s| s.code() == code)
}

fn kind_from(code: u8) -> Option<RecordKind> {
    RecordKind::ALL.into_iter().find(|k| k.code() == code)
}

fn state_row(e: &OutboxEntry) -> StateRow {
    (
        e.status.code(),
        e.attempts,
        nanos(e.modified_at),
        ns(e.next_attempt_at),
        e.rejected,
        e.kind.code(),
        e.record_id.as_u128(),
        e.version,
    )
}

/// The sealed entry with its plain bookkeeping row laid over it.
fn read_entry(
    store: &Store,
    t: &impl ReadableTable<u64, &'static [u8]>,
    states: &impl ReadableTable<u64, StateRow>,
    seq: u64,
) -> StoreResult<Option<OutboxEntry>> {
    let Some(v) = t.get(seq)? else {
        return Ok(None);
    };
    count(0, 1);
    let mut e: OutboxEntry = store.open_json("outbox", &row(seq), v.value())?;
    if let Some(st) = states.get(seq)? {
        let (status, attempts, modified, next, rejected, _, _, version) = st.value();
        e.status = status_from(status).ok_or(StoreError::Tampered("outbox_state"))?;
        e.attempts = attempts;
        e.modified_at = instant(modified).unwrap_or(e.modified_at);
        e.next_attempt_at = instant(next);
        e.rejected = rejected;
        e.version = version;
    }
    Ok(Some(e))
}

/// `read_entry` inside a write transaction.
pub(super) fn read_entry_in(
    store: &Store,
    txn: &WriteTransaction,
    seq: u64,
) -> StoreResult<Option<OutboxEntry>> {
    let t = txn.open_table(OUTBOX)?;
    let states = txn.open_table(OUTBOX_STATE)?;
    read_entry(store, &t, &states, seq)
}

fn write_entry(
    store: &Store,
    txn: &WriteTransaction,
    old_status: Option<SyncStatus>,
    e: &OutboxEntry,
) -> StoreResult<()> {
    let sealed = store.seal_json("outbox", &row(e.seq), e)?;
    txn.open_table(OUTBOX)?.insert(e.seq, sealed.as_slice())?;
    txn.open_table(OUTBOX_STATE)?.insert(e.seq, state_row(e))?;
    let mut by_status = txn.open_table(OUTBOX_BY_STATUS)?;
    if let Some(s) = old_status {
        by_status.remove((s.code(), e.seq))?;
    }
    by_status.insert((e.status.code(), e.seq), ())?;
    Ok(())
}

/// The bookkeeping row of `seq`; an entry a migration missed gets one from its sealed copy.
fn state_in(store: &Store, txn: &WriteTransaction, seq: u64) -> StoreResult<Option<StateRow>> {
    if let Some(st) = txn.open_table(OUTBOX_STATE)?.get(seq)? {
        return Ok(Some(st.value()));
    }
    let Some(e) = read_entry_in(store, txn, seq)? else {
        return Ok(None);
    };
    let st = state_row(&e);
    txn.open_table(OUTBOX_STATE)?.insert(seq, st)?;
    Ok(Some(st))
}

/// Writes every entry's bookkeeping row from its sealed copy (schema 1 → 2).
pub(super) fn migrate_state(store: &Store, txn: &WriteTransaction) -> StoreResult<()> {
    let seqs: Vec<u64> = {
        let t = txn.open_table(OUTBOX)?;
        t.iter()?
            .map(|r| r.map(|(k, _)| k.value()))
            .collect::<Result<_, _>>()?
    };
    txn.open_table(RECORD_SYNC)?;
    for seq in seqs {
        state_in(store, txn, seq)?;
    }
    Ok(())
}

/// Removes an entry, its bookkeeping and index rows (whatever status they were under).
pub(super) fn remove_entry(
    txn: &WriteTransaction,
    seq: u64,
    kind: RecordKind,
    record_id: Uuid,
) -> StoreResult<()> {
    txn.open_table(OUTBOX)?.remove(seq)?;
    txn.open_table(OUTBOX_STATE)?.remove(seq)?;
    let mut by_status = txn.open_table(OUTBOX_BY_STATUS)?;
    for s in [SyncStatus::Pending, SyncStatus::Syncing, SyncStatus::Failed] {
        by_status.remove((s.code(), seq))?;
    }
    let mut by_record = txn.open_table(OUTBOX_BY_RECORD)?;
    let key = (kind.code(), record_id.as_u128());
    if by_record.get(key)?.map(|v| v.value()) == Some(seq) {
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
        let entry = read_entry_in(store, txn, seq)?;
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

/// Whether `kind` has a plain `record_sync` row: the XML's and fiscal state's sync state is
/// their outbox entry alone.
fn has_sync_row(kind: RecordKind) -> bool {
    matches!(
        kind,
        RecordKind::Customer
            | RecordKind::Vehicle
            | RecordKind::Product
            | RecordKind::Odometer
            | RecordKind::Invoice
    )
}

/// Writes a record's `record_sync` row for its version `version`; false (nothing written)
/// when a newer version already has its own state (an ack arriving late).
fn write_sync_row(
    t: &mut redb::Table<'_, (u8, u128), (u8, u64, i64)>,
    (kind, record_id, version): (RecordKind, Uuid, u64),
    status: SyncStatus,
    synced_at: Option<DateTime<Utc>>,
) -> StoreResult<bool> {
    let key = (kind.code(), record_id.as_u128());
    let old = t.get(key)?.map(|v| v.value());
    if old.is_some_and(|(_, v, _)| v > version) {
        return Ok(false);
    }
    let synced = match (synced_at, old) {
        (Some(at), _) => nanos(at),
        (None, Some((_, v, ns))) if v == version => ns,
        _ => NONE_NS,
    };
    t.insert(key, (status.code(), version, synced))?;
    Ok(true)
}

/// Sets a record's sync status (and `synced_at`) for its version `version`, in the plain
/// `record_sync` row that reads lay over the sealed record: nothing is opened or re-sealed.
/// An invoice's small list row follows when `summary` (the list shows FAILED and SYNCED).
fn set_record_status(
    store: &Store,
    txn: &WriteTransaction,
    (kind, record_id, version): (RecordKind, Uuid, u64),
    status: SyncStatus,
    synced_at: Option<DateTime<Utc>>,
    summary: bool,
) -> StoreResult<()> {
    if !has_sync_row(kind) {
        return Ok(());
    }
    let written = write_sync_row(
        &mut txn.open_table(RECORD_SYNC)?,
        (kind, record_id, version),
        status,
        synced_at,
    )?;
    if written && summary && kind == RecordKind::Invoice {
        crate::store::queries::set_summary_status(store, txn, record_id, status)?;
    }
    Ok(())
}

/// The outbox's tables, opened once for a whole batch instead of several times per entry
/// (each `open_table` in a write transaction looks the table up in redb's table tree and
/// stores its root again when it closes).
struct BatchTables<'t> {
    outbox: redb::Table<'t, u64, &'static [u8]>,
    states: redb::Table<'t, u64, StateRow>,
    by_status: redb::Table<'t, (u8, u64), ()>,
    by_record: redb::Table<'t, (u8, u128), u64>,
    sync: redb::Table<'t, (u8, u128), (u8, u64, i64)>,
}

impl<'t> BatchTables<'t> {
    fn open(txn: &'t WriteTransaction) -> StoreResult<BatchTables<'t>> {
        Ok(BatchTables {
            outbox: txn.open_table(OUTBOX)?,
            states: txn.open_table(OUTBOX_STATE)?,
            by_status: txn.open_table(OUTBOX_BY_STATUS)?,
            by_record: txn.open_table(OUTBOX_BY_RECORD)?,
            sync: txn.open_table(RECORD_SYNC)?,
        })
    }

    /// `state_in` with the tables already open.
    fn state(&mut self, store: &Store, seq: u64) -> StoreResult<Option<StateRow>> {
        if let Some(st) = self.states.get(seq)? {
            return Ok(Some(st.value()));
        }
        let Some(e) = read_entry(store, &self.outbox, &self.states, seq)? else {
            return Ok(None);
        };
        let st = state_row(&e);
        self.states.insert(seq, st)?;
        Ok(Some(st))
    }
}

impl Store {
    /// What this thread has read of the outbox so far (for tests: a batch is found
    /// without walking the entries already synced or waiting).
    #[doc(hidden)]
    pub fn outbox_reads(&self) -> OutboxReads {
        READS.with(std::cell::Cell::get)
    }

    pub fn outbox_entry(&self, seq: u64) -> StoreResult<Option<OutboxEntry>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(OUTBOX)?;
        let states = r.open_table(OUTBOX_STATE)?;
        read_entry(self, &t, &states, seq)
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
        let states = r.open_table(OUTBOX_STATE)?;
        let mut out = Vec::new();
        for row in idx.range((status.code(), 0)..=(status.code(), u64::MAX))? {
            let (k, _) = row?;
            count(1, 0);
            if let Some(e) = read_entry(self, &t, &states, k.value().1)? {
                out.push(e);
            }
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// What the sync worker should push now: PENDING entries, then FAILED entries whose
    /// backoff has passed (never rejected ones), oldest first. Which FAILED entries are due
    /// is read from their plain rows: only the entries returned are opened, not every
    /// FAILED one waiting for its backoff or for a person (before, each sync cycle opened
    /// them all).
    pub fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        let r = self.db().begin_read()?;
        let idx = r.open_table(OUTBOX_BY_STATUS)?;
        let t = r.open_table(OUTBOX)?;
        let states = r.open_table(OUTBOX_STATE)?;
        let mut seqs = Vec::new();
        let pending = SyncStatus::Pending.code();
        for row in idx.range((pending, 0)..=(pending, u64::MAX))? {
            if seqs.len() >= limit {
                break;
            }
            seqs.push(row?.0.value().1);
            count(1, 0);
        }
        let failed = SyncStatus::Failed.code();
        if seqs.len() < limit {
            let now_ns = nanos(now);
            for row in idx.range((failed, 0)..=(failed, u64::MAX))? {
                let seq = row?.0.value().1;
                count(2, 0);
                // No plain row (an entry a migration missed): decided once it is opened.
                let waits = states.get(seq)?.is_some_and(|st| {
                    let (_, _, _, next, rejected, ..) = st.value();
                    rejected || next == NONE_NS || next > now_ns
                });
                if !waits {
                    seqs.push(seq);
                    if seqs.len() >= limit {
                        break;
                    }
                }
            }
        }
        seqs.sort_unstable();
        let mut out = Vec::with_capacity(seqs.len());
        for seq in seqs {
            let Some(e) = read_entry(self, &t, &states, seq)? else {
                continue;
            };
            let due = match e.status {
                SyncStatus::Pending => true,
                SyncStatus::Failed => !e.rejected && e.next_attempt_at.is_some_and(|t| t <= now),
                _ => false,
            };
            if due {
                out.push(e);
            }
        }
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

    /// The earliest instant a FAILED entry becomes due again, from the plain rows (an
    /// entry without one is opened).
    pub fn next_retry_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let r = self.db().begin_read()?;
        let idx = r.open_table(OUTBOX_BY_STATUS)?;
        let t = r.open_table(OUTBOX)?;
        let states = r.open_table(OUTBOX_STATE)?;
        let failed = SyncStatus::Failed.code();
        let mut earliest: Option<DateTime<Utc>> = None;
        for row in idx.range((failed, 0)..=(failed, u64::MAX))? {
            let seq = row?.0.value().1;
            count(2, 0);
            let at = match states.get(seq)? {
                Some(st) => {
                    let (_, _, _, next, rejected, ..) = st.value();
                    if rejected { None } else { instant(next) }
                }
                None => read_entry(self, &t, &states, seq)?
                    .filter(|e| !e.rejected)
                    .and_then(|e| e.next_attempt_at),
            };
            earliest = match (earliest, at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        Ok(earliest)
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

    /// The payloads of a batch, in one read transaction. A record's payload is its JSON
    /// exactly as it was sealed, passed on without being built into its type, turned into
    /// a `serde_json::Value` and written out again (as `outbox_payload` does): the server
    /// reads the same `Stored<T>`. Only the sync status inside may be older than the
    /// plain `record_sync` row; receivers set their own (`merge`). For an entry that
    /// cannot be pushed, the reason to reject it with (its record is gone, or its meta
    /// unreadable); the other kinds (signed XML, voidings) go through `outbox_payload`.
    pub fn outbox_payloads(
        &self,
        entries: &[OutboxEntry],
    ) -> StoreResult<Vec<Result<PushPayload, &'static str>>> {
        let r = self.db().begin_read()?;
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let plain = matches!(
                e.kind,
                RecordKind::Customer
                    | RecordKind::Vehicle
                    | RecordKind::Product
                    | RecordKind::Odometer
                    | RecordKind::Invoice
            );
            let json = if plain {
                let t = r.open_table(records(e.kind))?;
                let key = e.record_id.as_u128();
                match t.get(key)? {
                    Some(v) => {
                        let table = records_name(e.kind);
                        let opened = self.sealer.open(table, &key.to_be_bytes(), v.value())?;
                        Some(
                            crate::store::codec::unpack(opened)
                                .ok_or(StoreError::Tampered(table))?,
                        )
                    }
                    None => None,
                }
            } else {
                match self.outbox_payload(e) {
                    Ok(v) => Some(serde_json::to_vec(&v)?),
                    Err(StoreError::NotFound(_)) => None,
                    Err(err) => return Err(err),
                }
            };
            out.push(match json {
                Some(json) => match serde_json::from_slice::<MetaOnly>(&json) {
                    Ok(head) => Ok(PushPayload {
                        version: head.meta.version,
                        hlc: head.meta.hlc,
                        json,
                    }),
                    Err(_) => Err("record metadata unreadable"),
                },
                None => Err("record missing on this kiosk"),
            });
        }
        Ok(out)
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
            let Some(mut e) = read_entry_in(self, txn, seq)? else {
                continue;
            };
            let old = e.status;
            if f(self, txn, &mut e)? {
                write_entry(self, txn, Some(old), &e)?;
            }
        }
        Ok(())
    }

    /// PENDING/FAILED → SYNCING for a batch about to be sent. Plain rows only, and not
    /// flushed to disk: a crash that loses it leaves the entries PENDING or FAILED, which
    /// is what `reset_syncing` makes of SYNCING at the next start anyway (the server
    /// applies each idempotency key once). The ack's commit (`mark_synced`) is durable.
    /// Saves the fsyncs of one commit per batch: half of those of a push.
    pub fn mark_syncing(&self, seqs: &[u64]) -> StoreResult<()> {
        let at = nanos(Utc::now());
        let mut txn = self.db().begin_write()?;
        if let Err(e) = txn.set_durability(redb::Durability::None) {
            log::debug!("mark_syncing stays durable: {e}");
        }
        let mut tb = BatchTables::open(&txn)?;
        for &seq in seqs {
            let Some(mut st) = tb.state(self, seq)? else {
                continue;
            };
            let old = st.0;
            st.0 = SyncStatus::Syncing.code();
            st.1 += 1;
            st.2 = at;
            tb.states.insert(seq, st)?;
            if old != st.0 {
                tb.by_status.remove((old, seq))?;
                tb.by_status.insert((st.0, seq), ())?;
            }
            if let Some(kind) = kind_from(st.5).filter(|&k| has_sync_row(k)) {
                let id = Uuid::from_u128(st.6);
                write_sync_row(&mut tb.sync, (kind, id, st.7), SyncStatus::Syncing, None)?;
            }
        }
        drop(tb);
        txn.commit()?;
        Ok(())
    }

    /// The server acknowledged (applied or duplicate): the entry leaves the outbox and
    /// the record becomes SYNCED with `synced_at`, unless it changed again meanwhile.
    pub fn mark_synced(&self, seqs: &[u64], at: DateTime<Utc>) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        self.mark_synced_in(&txn, seqs, at)?;
        txn.commit()?;
        Ok(())
    }

    /// `mark_synced` committed without flushing to disk, for the batches of a push; the
    /// push ends with `flush_acks`, one fsync for all of them. A crash before it loses
    /// acks, never data: those entries are pushed again and the server answers
    /// "duplicate" for keys it already applied (it applies each at most once).
    pub fn mark_synced_unflushed(&self, seqs: &[u64], at: DateTime<Utc>) -> StoreResult<()> {
        let mut txn = self.db().begin_write()?;
        if let Err(e) = txn.set_durability(redb::Durability::None) {
            log::debug!("mark_synced stays durable: {e}");
        }
        self.mark_synced_in(&txn, seqs, at)?;
        txn.commit()?;
        Ok(())
    }

    /// Makes everything committed without a flush durable (the acks of a push): a durable
    /// commit that notes when the last push ended (`meta.last_push_ack`, unix ns).
    pub fn flush_acks(&self) -> StoreResult<()> {
        let txn = self.db().begin_write()?;
        txn.open_table(META)?
            .insert("last_push_ack", nanos(Utc::now()).to_be_bytes().as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// `mark_synced` inside the caller's transaction. Plain rows, plus the invoice's
    /// small list row.
    pub(crate) fn mark_synced_in(
        &self,
        txn: &WriteTransaction,
        seqs: &[u64],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tb = BatchTables::open(txn)?;
        let mut summaries = Vec::new();
        for &seq in seqs {
            let Some(st) = tb.state(self, seq)? else {
                continue;
            };
            let Some(kind) = kind_from(st.5) else {
                continue;
            };
            let id = Uuid::from_u128(st.6);
            // `remove_entry` with the tables open.
            tb.outbox.remove(seq)?;
            tb.states.remove(seq)?;
            for s in [SyncStatus::Pending, SyncStatus::Syncing, SyncStatus::Failed] {
                tb.by_status.remove((s.code(), seq))?;
            }
            let key = (kind.code(), id.as_u128());
            let current = tb.by_record.get(key)?.map(|v| v.value());
            if current == Some(seq) {
                tb.by_record.remove(key)?;
            }
            // Changed again meanwhile (a newer entry waits): the list row keeps PENDING.
            let newer = current.is_some_and(|s| s != seq);
            if has_sync_row(kind)
                && write_sync_row(&mut tb.sync, (kind, id, st.7), SyncStatus::Synced, Some(at))?
                && !newer
                && kind == RecordKind::Invoice
            {
                summaries.push(id);
            }
        }
        drop(tb);
        for id in summaries {
            crate::store::queries::set_summary_status(self, txn, id, SyncStatus::Synced)?;
        }
        Ok(())
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
            set_record_status(
                s,
                txn,
                (e.kind, e.record_id, e.version),
                SyncStatus::Failed,
                None,
                true,
            )?;
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
            set_record_status(
                s,
                txn,
                (e.kind, e.record_id, e.version),
                SyncStatus::Failed,
                None,
                true,
            )?;
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
            set_record_status(
                s,
                txn,
                (e.kind, e.record_id, e.version),
                SyncStatus::Pending,
                None,
                true,
            )?;
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
            set_record_status(
                s,
                txn,
                (e.kind, e.record_id, e.version),
                SyncStatus::Pending,
                None,
                true,
            )?;
            Ok(true)
        })?;
        Ok(seqs.len())
    }
}
