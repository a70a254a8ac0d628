//! Merging changes pulled from the server, and the conflicts that merging records.
//!
//! Rule (see docs/sync-protocol.md): last writer wins on the HLC stamp, per record, so
//! every device and the server end with the same version. Remote records are written as
//! SYNCED and never create outbox entries. Issued invoices and odometer readings are
//! immutable: inserted if absent, never replaced. When a pulled change meets a record
//! that still has an unsynced local edit (a concurrent edit), the kiosk records a
//! conflict holding both versions for review; the LWW winner stays current and a person
//! can restore the other version with `resolve_conflict`.

use crate::store::error::StoreResult;
use crate::store::outbox::OutboxEntry;
use crate::store::shop::doc_key;
use crate::store::tables::*;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use motordesk_core::Customer;
use motordesk_core::Hlc;
use motordesk_core::Invoice;
use motordesk_core::Product;
use motordesk_core::protocol::Change;
use motordesk_core::{OdometerReading, Vehicle};
use motordesk_core::{Record, RecordKind, RecordMeta, Stored, SyncStatus};
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const CURSOR_KEY: &str = "sync_cursor";

/// Which version won last-writer-wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Local,
    Remote,
}

/// What a person decides about a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    /// This kiosk's version becomes current everywhere (re-saved as a new edit if it lost).
    KeepLocal,
    /// The other device's version becomes current everywhere (re-saved if it lost).
    TakeRemote,
}

/// Two concurrent edits of one customer, vehicle or product, kept for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: Uuid,
    pub kind: RecordKind,
    pub record_id: Uuid,
    /// One line for the review list, e.g. "Cliente 45678912 Juan Pérez".
    pub summary: String,
    /// JSON of `Stored<T>`: this kiosk's unsynced version.
    pub local: serde_json::Value,
    /// JSON of `Stored<T>`: the version pulled from the server.
    pub remote: serde_json::Value,
    /// The version that is current after the merge.
    pub winner: Side,
    pub detected_at: DateTime<Utc>,
}

/// What one pull page did to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MergeReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: usize,
    /// Changes that could not be decoded (logged and skipped).
    pub skipped: usize,
}

enum Merged {
    Inserted,
    Updated,
    Unchanged,
    Conflict,
}

/// Keeps the secondary indexes of a record kind in step with a remote write.
trait Indexed: Record {
    fn reindex(
        store: &Store,
        txn: &WriteTransaction,
        old: Option<&Self>,
        new: &Self,
    ) -> StoreResult<()>;
    /// Issued once, never edited: a pulled copy is inserted if absent, never replaced.
    const IMMUTABLE: bool = false;
}

impl Indexed for Customer {
    fn reindex(
        store: &Store,
        txn: &WriteTransaction,
        old: Option<&Self>,
        new: &Self,
    ) -> StoreResult<()> {
        let blind = |c: &Customer| {
            c.doc.identifies_buyer().then(|| {
                store
                    .sealer()
                    .blind("doc", &doc_key(c.doc.kind, &c.doc.number))
            })
        };
        let mut idx = txn.open_table(CUSTOMER_BY_DOC)?;
        move_unique(
            &mut idx,
            old.and_then(blind),
            blind(new),
            new.id,
            "document",
        )?;
        Ok(())
    }
}

impl Indexed for Vehicle {
    fn reindex(
        store: &Store,
        txn: &WriteTransaction,
        old: Option<&Self>,
        new: &Self,
    ) -> StoreResult<()> {
        let id = new.id.as_u128();
        let blind = |v: &Vehicle| store.sealer().blind("plate", v.plate.key());
        move_unique(
            &mut txn.open_table(VEHICLE_BY_PLATE)?,
            old.map(blind),
            Some(blind(new)),
            new.id,
            "plate",
        )?;
        let mut owners = txn.open_table(VEHICLES_BY_OWNER)?;
        if let Some(o) = old.and_then(|o| o.owner_id) {
            owners.remove((o.as_u128(), id))?;
        }
        if let Some(o) = new.owner_id {
            owners.insert((o.as_u128(), id), ())?;
        }
        Ok(())
    }
}

impl Indexed for Product {
    fn reindex(_: &Store, _: &WriteTransaction, _: Option<&Self>, _: &Self) -> StoreResult<()> {
        Ok(())
    }
}

impl Indexed for OdometerReading {
    const IMMUTABLE: bool = true;
    fn reindex(_: &Store, txn: &WriteTransaction, _: Option<&Self>, new: &Self) -> StoreResult<()> {
        txn.open_table(ODOMETER_BY_VEHICLE)?
            .insert((new.vehicle_id.as_u128(), new.id.as_u128()), ())?;
        Ok(())
    }
}

impl Indexed for Invoice {
    const IMMUTABLE: bool = true;
    fn reindex(
        store: &Store,
        txn: &WriteTransaction,
        _: Option<&Self>,
        inv: &Self,
    ) -> StoreResult<()> {
        store.index_invoice(txn, inv)
    }
}

/// Moves a unique blind-index entry of record `id` from `old_key` to `new_key`. A key
/// another record already holds (two kiosks created the same document or plate offline)
/// keeps pointing at the record this kiosk had; both records are kept.
fn move_unique(
    idx: &mut redb::Table<u128, u128>,
    old_key: Option<u128>,
    new_key: Option<u128>,
    id: Uuid,
    what: &str,
) -> StoreResult<()> {
    let id = id.as_u128();
    if let Some(k) = old_key.filter(|k| Some(*k) != new_key)
        && idx.get(k)?.map(|v| v.value()) == Some(id)
    {
        idx.remove(k)?;
    }
    if let Some(k) = new_key {
        let current = idx.get(k)?.map(|v| v.value());
        match current {
            Some(other) if other != id => log::warn!(
                "merge: {} shares a {what} with {}",
                Uuid::from_u128(id),
                Uuid::from_u128(other)
            ),
            _ => {
                idx.insert(k, id)?;
            }
        }
    }
    Ok(())
}

/// The record's unsynced outbox entry, if any (PENDING, SYNCING or FAILED).
fn unsynced_entry(
    store: &Store,
    txn: &WriteTransaction,
    kind: RecordKind,
    id: Uuid,
) -> StoreResult<Option<OutboxEntry>> {
    let key = (kind.code(), id.as_u128());
    let Some(seq) = txn
        .open_table(OUTBOX_BY_RECORD)?
        .get(key)?
        .map(|v| v.value())
    else {
        return Ok(None);
    };
    let entry = crate::store::outbox::read_entry_in(store, txn, seq)?;
    Ok(entry.filter(|e| e.status != SyncStatus::Synced))
}

/// Drops an outbox entry whose change lost to a newer remote version (kept in the
/// conflict instead), so it is never pushed over the winner.
fn drop_entry(txn: &WriteTransaction, e: &OutboxEntry) -> StoreResult<()> {
    crate::store::outbox::remove_entry(txn, e.seq, e.kind, e.record_id)
}

/// Moves the local clock past a remote stamp so later local edits order after it.
fn observe(store: &Store, txn: &WriteTransaction, remote: Hlc) -> StoreResult<()> {
    let now = Utc::now().timestamp_millis();
    if remote.wall_ms > now + motordesk_core::protocol::MAX_CLOCK_AHEAD_MS {
        // A stamp from a clock far ahead (or forged) must not drag this kiosk's clock
        // along: every later local edit would carry it and win every race for ever.
        log::warn!(
            "merge: remote stamp {} ms ahead of this clock, not adopted",
            remote.wall_ms - now
        );
        return Ok(());
    }
    let mut meta = txn.open_table(META)?;
    let last: Hlc = match meta.get("hlc")? {
        Some(v) => serde_json::from_slice(v.value()).unwrap_or_default(),
        None => Hlc::default(),
    };
    let next = Hlc::observe(
        last,
        remote,
        Utc::now().timestamp_millis(),
        store.device_id(),
    );
    meta.insert("hlc", serde_json::to_vec(&next)?.as_slice())?;
    Ok(())
}

fn write_remote<T: Indexed>(
    store: &Store,
    txn: &WriteTransaction,
    local: Option<&Stored<T>>,
    remote: &Stored<T>,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let rec = Stored {
        meta: RecordMeta {
            created_at: remote.meta.created_at,
            modified_at: remote.meta.modified_at,
            synced_at: Some(at),
            status: SyncStatus::Synced,
            hlc: remote.meta.hlc,
            // Local versions only match outbox entries to records; keep them rising.
            version: local.map_or(1, |l| l.meta.version + 1),
            account: remote.meta.account.clone(),
        },
        data: remote.data.clone(),
    };
    T::reindex(store, txn, local.map(|l| &l.data), &rec.data)?;
    store.write_record(txn, &rec)
}

fn record_conflict<T: Indexed>(
    store: &Store,
    txn: &WriteTransaction,
    local: &Stored<T>,
    remote: &Stored<T>,
    winner: Side,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let c = Conflict {
        id: Uuid::now_v7(),
        kind: T::KIND,
        record_id: local.data.id(),
        summary: local.data.summary(),
        local: serde_json::to_value(local)?,
        remote: serde_json::to_value(remote)?,
        winner,
        detected_at: at,
    };
    let key = c.id.as_u128();
    let sealed = store.seal_json("conflicts", &key.to_be_bytes(), &c)?;
    txn.open_table(CONFLICTS)?.insert(key, sealed.as_slice())?;
    Ok(())
}

fn merge_one<T: Indexed>(
    store: &Store,
    txn: &WriteTransaction,
    change: &Change,
    at: DateTime<Utc>,
) -> StoreResult<Option<Merged>> {
    let remote: Stored<T> = match serde_json::from_value(change.payload.clone()) {
        Ok(r) => r,
        Err(e) => {
            log::warn!(
                "merge: undecodable {:?} {}: {e}",
                change.kind,
                change.record_id
            );
            return Ok(None);
        }
    };
    if remote.data.id() != change.record_id {
        log::warn!(
            "merge: change {} names record {} but carries another",
            change.seq,
            change.record_id
        );
        return Ok(None);
    }
    observe(store, txn, remote.meta.hlc)?;
    let local = store.read_in::<T>(txn, change.record_id)?;
    let Some(local) = local else {
        write_remote(store, txn, None, &remote, at)?;
        return Ok(Some(Merged::Inserted));
    };
    if T::IMMUTABLE || local.meta.hlc >= remote.meta.hlc {
        if !T::IMMUTABLE
            && local.meta.hlc > remote.meta.hlc
            && local.meta.status != SyncStatus::Synced
        {
            // Our unsynced edit is newer and will win on the server too; keep the
            // remote version for review all the same.
            if unsynced_entry(store, txn, T::KIND, local.data.id())?.is_some()
                && serde_json::to_value(&local.data)? != serde_json::to_value(&remote.data)?
            {
                record_conflict(store, txn, &local, &remote, Side::Local, at)?;
                return Ok(Some(Merged::Conflict));
            }
        }
        return Ok(Some(Merged::Unchanged));
    }
    // The remote version is newer: it wins. An unsynced local edit is kept in a conflict
    // and its outbox entry dropped, so it never overwrites the winner.
    let pending = unsynced_entry(store, txn, T::KIND, local.data.id())?;
    let mut outcome = Merged::Updated;
    if let Some(e) = pending {
        if serde_json::to_value(&local.data)? != serde_json::to_value(&remote.data)? {
            record_conflict(store, txn, &local, &remote, Side::Remote, at)?;
            outcome = Merged::Conflict;
        }
        drop_entry(txn, &e)?;
    }
    write_remote(store, txn, Some(&local), &remote, at)?;
    Ok(Some(outcome))
}

impl Store {
    /// Where the next pull starts (opaque server cursor; empty = from the beginning).
    pub fn sync_cursor(&self) -> StoreResult<String> {
        let r = self.db().begin_read()?;
        let meta = r.open_table(META)?;
        Ok(meta
            .get(CURSOR_KEY)?
            .map(|v| String::from_utf8_lossy(v.value()).into_owned())
            .unwrap_or_default())
    }

    /// Applies one page of pulled changes and the cursor after it, in one write
    /// transaction: a crash leaves either the whole page merged or none of it.
    pub fn merge_remote(&self, changes: &[Change], cursor: &str) -> StoreResult<MergeReport> {
        let at = Utc::now();
        let mut report = MergeReport::default();
        let txn = self.db().begin_write()?;
        for change in changes {
            let merged = match change.kind {
                RecordKind::Customer => merge_one::<Customer>(self, &txn, change, at)?,
                RecordKind::Vehicle => merge_one::<Vehicle>(self, &txn, change, at)?,
                RecordKind::Product => merge_one::<Product>(self, &txn, change, at)?,
                RecordKind::Odometer => merge_one::<OdometerReading>(self, &txn, change, at)?,
                RecordKind::Invoice => merge_one::<Invoice>(self, &txn, change, at)?,
                RecordKind::FiscalStatus => self.merge_fiscal(&txn, change)?.map(|changed| {
                    if changed {
                        Merged::Updated
                    } else {
                        Merged::Unchanged
                    }
                }),
                // The server keeps signed files to itself; nothing to merge.
                RecordKind::Comprobante | RecordKind::VoidRequest => None,
            };
            match merged {
                Some(Merged::Inserted) => report.inserted += 1,
                Some(Merged::Updated) => report.updated += 1,
                Some(Merged::Unchanged) => report.unchanged += 1,
                Some(Merged::Conflict) => report.conflicts += 1,
                None => report.skipped += 1,
            }
        }
        txn.open_table(META)?
            .insert(CURSOR_KEY, cursor.as_bytes())?;
        txn.commit()?;
        Ok(report)
    }

    /// Conflicts waiting for review, oldest first.
    pub fn conflicts(&self) -> StoreResult<Vec<Conflict>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(CONFLICTS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            out.push(self.open_json("conflicts", &k.value().to_be_bytes(), v.value())?);
        }
        Ok(out)
    }

    pub fn conflict_count(&self) -> StoreResult<u64> {
        let r = self.db().begin_read()?;
        Ok(r.open_table(CONFLICTS)?.len()?)
    }

    /// Settles a conflict. If the chosen version is not the current one, it is saved
    /// again as a new local edit (newer stamp), so it wins on every device after sync.
    pub fn resolve_conflict(&self, id: Uuid, resolution: Resolution) -> StoreResult<()> {
        let conflict: Conflict = {
            let r = self.db().begin_read()?;
            let t = r.open_table(CONFLICTS)?;
            let key = id.as_u128();
            match t.get(key)? {
                Some(v) => self.open_json("conflicts", &key.to_be_bytes(), v.value())?,
                None => return Err(StoreError::NotFound("el conflicto")),
            }
        };
        let chosen = match resolution {
            Resolution::KeepLocal => Side::Local,
            Resolution::TakeRemote => Side::Remote,
        };
        if chosen != conflict.winner {
            let version = match chosen {
                Side::Local => &conflict.local,
                Side::Remote => &conflict.remote,
            };
            let data = version.get("data").cloned().unwrap_or_default();
            let bad = |_| StoreError::Tampered("conflicts");
            match conflict.kind {
                RecordKind::Customer => {
                    self.save_customer(serde_json::from_value(data).map_err(bad)?)?;
                }
                RecordKind::Vehicle => {
                    self.save_vehicle(serde_json::from_value(data).map_err(bad)?)?;
                }
                RecordKind::Product => {
                    self.save_product(serde_json::from_value(data).map_err(bad)?)?;
                }
                RecordKind::Invoice
                | RecordKind::Odometer
                | RecordKind::Comprobante
                | RecordKind::FiscalStatus
                | RecordKind::VoidRequest => {}
            }
        }
        let txn = self.db().begin_write()?;
        txn.open_table(CONFLICTS)?.remove(id.as_u128())?;
        txn.commit()?;
        Ok(())
    }
}
