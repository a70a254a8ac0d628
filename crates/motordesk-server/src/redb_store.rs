//! The embedded backend: the server's own redb file. redb has one writer at a time, so a
//! write transaction sees nothing concurrent and the feed's numbers are handed out in
//! commit order by construction (the `change_seq` counter is written in the same
//! transaction as the change). Keys are the record ids as `u128`; rows are JSON.

use crate::accounts::{ServerUser, Session};
use crate::db::{DbError, DbResult};
use crate::device::Device;
use crate::enrollment::EnrollmentCode;
use crate::fiscal::ServerFiscal;
use crate::owners::{Owner, OwnerSession};
use crate::shops::{Shop, ShopId};
use crate::storage::{
    AppliedKey, DueQueue, FeedPage, NewChange, ServerRecord, ThrottleEntry, Txn, decode, encode,
};
use motordesk_core::RecordKind;
use motordesk_core::protocol::Change;
use redb::{
    Database, ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition,
    WriteTransaction,
};
use uuid::Uuid;

/// name → u64 counters ("next_kiosk", "change_seq").
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// device id → JSON `Device`.
const DEVICES: TableDefinition<u128, &[u8]> = TableDefinition::new("devices");
/// hex(blake2s(token)) → device id. Tokens themselves are never stored.
const TOKENS: TableDefinition<&str, u128> = TableDefinition::new("tokens");
/// idempotency key → JSON `AppliedKey`.
const APPLIED: TableDefinition<u128, &[u8]> = TableDefinition::new("applied_keys");
/// (kind, record id) → JSON `ServerRecord`: the current version.
const RECORDS: TableDefinition<(u8, u128), &[u8]> = TableDefinition::new("records");
/// change seq → JSON `Change`.
const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("changes");
/// "B001-00000042" → invoice id: each number exists once.
const INVOICE_NUMBERS: TableDefinition<&str, u128> = TableDefinition::new("invoice_numbers");
/// (modified invoice, note) → (): the credit and debit notes of each document.
const NOTES_BY_ORIGINAL: TableDefinition<(u128, u128), ()> =
    TableDefinition::new("notes_by_original");
/// invoice id → JSON `ServerFiscal`.
const FISCAL: TableDefinition<u128, &[u8]> = TableDefinition::new("fiscal");
/// (due at, unix ms; invoice id) → (): what the dispatcher works on, soonest first.
const FISCAL_DUE: TableDefinition<(i64, u128), ()> = TableDefinition::new("fiscal_due");
/// (due at, unix ms; invoice id) → (): voidings to send or to ask SUNAT about.
const VOIDS_DUE: TableDefinition<(i64, u128), ()> = TableDefinition::new("voids_due");
/// username → JSON `ServerUser`.
const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
/// hex(blake2s(session token)) → JSON `Session`.
const SESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("sessions");
/// device id → the device's 32-byte escrow key, sealed with the server key (`sealing`).
const ESCROWS: TableDefinition<u128, &[u8]> = TableDefinition::new("escrows");
/// hex(blake2s(code)) → JSON `EnrollmentCode`.
const CODES: TableDefinition<&str, &[u8]> = TableDefinition::new("enrollment_codes");
/// throttle key → JSON `ThrottleEntry` (unused by a single redb server, which keeps
/// them in memory; here so the interface is whole).
const THROTTLE: TableDefinition<&str, &[u8]> = TableDefinition::new("throttle");
/// The registry (default shop's file only). shop id → JSON `Shop`.
const SHOPS: TableDefinition<u32, &[u8]> = TableDefinition::new("shops");
/// device id → the tenant shop it is registered in.
const DEVICE_SHOPS: TableDefinition<u128, u32> = TableDefinition::new("device_shops");
/// owner name → JSON `Owner`.
const OWNERS: TableDefinition<&str, &[u8]> = TableDefinition::new("owners");
/// hex(blake2s(owner token)) → JSON `OwnerSession`.
const OWNER_SESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("owner_sessions");

/// Creates every table, so readers never meet a missing one.
pub(crate) fn create_tables(db: &Database) -> DbResult<()> {
    let txn = db.begin_write()?;
    {
        txn.open_table(META)?;
        txn.open_table(DEVICES)?;
        txn.open_table(TOKENS)?;
        txn.open_table(APPLIED)?;
        txn.open_table(RECORDS)?;
        txn.open_table(CHANGES)?;
        txn.open_table(INVOICE_NUMBERS)?;
        txn.open_table(NOTES_BY_ORIGINAL)?;
        txn.open_table(FISCAL)?;
        txn.open_table(FISCAL_DUE)?;
        txn.open_table(VOIDS_DUE)?;
        txn.open_table(USERS)?;
        txn.open_table(SESSIONS)?;
        txn.open_table(ESCROWS)?;
        txn.open_table(CODES)?;
        txn.open_table(THROTTLE)?;
        txn.open_table(SHOPS)?;
        txn.open_table(DEVICE_SHOPS)?;
        txn.open_table(OWNERS)?;
        txn.open_table(OWNER_SESSIONS)?;
    }
    txn.commit()?;
    Ok(())
}

/// Copies every table above from `r` into `w` (the server's backup, `snapshot`);
/// returns their names, so a table missing here fails the backup instead of being
/// left out.
pub(crate) fn copy_tables(
    r: &ReadTransaction,
    w: &WriteTransaction,
) -> DbResult<std::collections::BTreeSet<String>> {
    use crate::snapshot::copy;
    let mut c = std::collections::BTreeSet::new();
    copy(r, w, META, &mut c)?;
    copy(r, w, DEVICES, &mut c)?;
    copy(r, w, TOKENS, &mut c)?;
    copy(r, w, APPLIED, &mut c)?;
    copy(r, w, RECORDS, &mut c)?;
    copy(r, w, CHANGES, &mut c)?;
    copy(r, w, INVOICE_NUMBERS, &mut c)?;
    copy(r, w, NOTES_BY_ORIGINAL, &mut c)?;
    copy(r, w, FISCAL, &mut c)?;
    copy(r, w, FISCAL_DUE, &mut c)?;
    copy(r, w, VOIDS_DUE, &mut c)?;
    copy(r, w, USERS, &mut c)?;
    copy(r, w, SESSIONS, &mut c)?;
    copy(r, w, ESCROWS, &mut c)?;
    copy(r, w, CODES, &mut c)?;
    copy(r, w, THROTTLE, &mut c)?;
    copy(r, w, SHOPS, &mut c)?;
    copy(r, w, DEVICE_SHOPS, &mut c)?;
    copy(r, w, OWNERS, &mut c)?;
    copy(r, w, OWNER_SESSIONS, &mut c)?;
    Ok(c)
}

/// A redb transaction seen through `Txn`. Writes on a read transaction are a bug
/// (`DbError::ReadOnly`). A write transaction that changed nothing is not committed.
pub(crate) enum RedbTxn {
    Read(ReadTransaction),
    // Boxed: a write transaction is several times the size of a read one.
    Write {
        txn: Box<WriteTransaction>,
        dirty: bool,
    },
}

/// Runs `$body` with `$t` bound to table `$def` opened in either kind of transaction.
macro_rules! with_table {
    ($self:expr, $def:expr, |$t:ident| $body:expr) => {
        match $self {
            RedbTxn::Read(r) => {
                let $t = r.open_table($def)?;
                $body
            }
            RedbTxn::Write { txn, .. } => {
                let $t = txn.open_table($def)?;
                $body
            }
        }
    };
}

fn opt<T: serde::de::DeserializeOwned>(
    v: Option<redb::AccessGuard<'_, &[u8]>>,
) -> DbResult<Option<T>> {
    v.map(|v| decode(v.value())).transpose()
}

impl RedbTxn {
    pub(crate) fn read(db: &Database) -> DbResult<RedbTxn> {
        use redb::ReadableDatabase;
        Ok(RedbTxn::Read(db.begin_read()?))
    }

    pub(crate) fn write(db: &Database) -> DbResult<RedbTxn> {
        Ok(RedbTxn::Write {
            txn: Box::new(db.begin_write()?),
            dirty: false,
        })
    }

    /// Commits what was written (a read or an unchanged write just ends).
    pub(crate) fn finish(self) -> DbResult<()> {
        match self {
            RedbTxn::Write { txn, dirty: true } => Ok(txn.commit()?),
            RedbTxn::Write { txn, dirty: false } => Ok(txn.abort()?),
            RedbTxn::Read(_) => Ok(()),
        }
    }

    fn w(&mut self) -> DbResult<&WriteTransaction> {
        match self {
            RedbTxn::Write { txn, dirty } => {
                *dirty = true;
                Ok(txn)
            }
            RedbTxn::Read(_) => Err(DbError::ReadOnly),
        }
    }

    fn next(&mut self, name: &str) -> DbResult<u64> {
        let mut meta = self.w()?.open_table(META)?;
        let n = meta.get(name)?.map_or(0, |v| v.value()) + 1;
        meta.insert(name, n)?;
        Ok(n)
    }

    fn move_due(
        &mut self,
        queue: DueQueue,
        id: u128,
        old: Option<i64>,
        new: Option<i64>,
    ) -> DbResult<()> {
        if old == new {
            return Ok(());
        }
        let def = match queue {
            DueQueue::Documents => FISCAL_DUE,
            DueQueue::Voids => VOIDS_DUE,
        };
        let mut due = self.w()?.open_table(def)?;
        if let Some(old) = old {
            due.remove((old, id))?;
        }
        if let Some(at) = new {
            due.insert((at, id), ())?;
        }
        Ok(())
    }
}

impl Txn for RedbTxn {
    fn device(&mut self, id: Uuid) -> DbResult<Option<Device>> {
        with_table!(self, DEVICES, |t| opt(t.get(id.as_u128())?))
    }

    fn device_by_token(&mut self, token_hash: &str) -> DbResult<Option<Device>> {
        let id = with_table!(self, TOKENS, |t| t.get(token_hash)?.map(|v| v.value()));
        match id {
            Some(id) => self.device(Uuid::from_u128(id)),
            None => Ok(None),
        }
    }

    fn next_kiosk_number(&mut self, _shop: ShopId, _device: Uuid) -> DbResult<u64> {
        // One writer at a time: the counter alone makes numbers unique.
        self.next("next_kiosk")
    }

    fn put_device(&mut self, d: &Device, old_token_hash: Option<&str>) -> DbResult<()> {
        let w = self.w()?;
        let mut tokens = w.open_table(TOKENS)?;
        if let Some(old) = old_token_hash {
            tokens.remove(old)?;
        }
        tokens.insert(d.token_hash.as_str(), d.device_id.as_u128())?;
        w.open_table(DEVICES)?
            .insert(d.device_id.as_u128(), encode(d)?.as_slice())?;
        Ok(())
    }

    fn applied(&mut self, key: Uuid) -> DbResult<Option<AppliedKey>> {
        with_table!(self, APPLIED, |t| opt(t.get(key.as_u128())?))
    }

    fn remember(&mut self, key: Uuid, k: &AppliedKey) -> DbResult<()> {
        self.w()?
            .open_table(APPLIED)?
            .insert(key.as_u128(), encode(k)?.as_slice())?;
        Ok(())
    }

    fn record(&mut self, kind: RecordKind, id: Uuid) -> DbResult<Option<ServerRecord>> {
        with_table!(self, RECORDS, |t| opt(t.get((kind.code(), id.as_u128()))?))
    }

    fn put_record(
        &mut self,
        kind: RecordKind,
        id: Uuid,
        r: &ServerRecord,
        _new: bool,
    ) -> DbResult<()> {
        self.w()?
            .open_table(RECORDS)?
            .insert((kind.code(), id.as_u128()), encode(r)?.as_slice())?;
        Ok(())
    }

    fn records_of(&mut self, kind: RecordKind) -> DbResult<Vec<ServerRecord>> {
        let code = kind.code();
        let mut out = Vec::new();
        with_table!(self, RECORDS, |t| {
            for row in t.range((code, 0)..=(code, u128::MAX))? {
                out.push(decode(row?.1.value())?);
            }
        });
        Ok(out)
    }

    fn append_change(&mut self, c: NewChange) -> DbResult<()> {
        let seq = self.next("change_seq")?;
        let change = c.numbered(seq);
        self.w()?
            .open_table(CHANGES)?
            .insert(seq, encode(&change)?.as_slice())?;
        Ok(())
    }

    fn feed_page(
        &mut self,
        device: Uuid,
        after: u64,
        limit: usize,
        max_bytes: usize,
    ) -> DbResult<FeedPage> {
        let mut page = FeedPage {
            last: after,
            ..FeedPage::default()
        };
        let mut bytes = 0usize;
        with_table!(self, CHANGES, |t| {
            for row in t.range(after.saturating_add(1)..)? {
                let (k, v) = row?;
                // A page ends at `limit` changes or past `max_bytes` (never empty).
                if page.changes.len() >= limit || (bytes >= max_bytes && !page.changes.is_empty()) {
                    page.more = true;
                    break;
                }
                page.last = k.value();
                let c: Change = decode(v.value())?;
                if c.origin_device != device {
                    bytes += v.value().len();
                    page.changes.push(c);
                }
            }
        });
        Ok(page)
    }

    fn number_owner(&mut self, number: &str) -> DbResult<Option<Uuid>> {
        Ok(with_table!(self, INVOICE_NUMBERS, |t| t
            .get(number)?
            .map(|v| Uuid::from_u128(v.value()))))
    }

    fn put_number(
        &mut self,
        number: &str,
        _series: &str,
        _device: Uuid,
        invoice: Uuid,
    ) -> DbResult<()> {
        // Series ownership was checked by `validate` in this same (only) writer.
        self.w()?
            .open_table(INVOICE_NUMBERS)?
            .insert(number, invoice.as_u128())?;
        Ok(())
    }

    fn notes_of(&mut self, original: Uuid) -> DbResult<Vec<Uuid>> {
        let key = original.as_u128();
        let mut out = Vec::new();
        with_table!(self, NOTES_BY_ORIGINAL, |t| {
            for e in t.range((key, 0)..=(key, u128::MAX))? {
                out.push(Uuid::from_u128(e?.0.value().1));
            }
        });
        Ok(out)
    }

    fn put_note(&mut self, original: Uuid, note: Uuid) -> DbResult<()> {
        self.w()?
            .open_table(NOTES_BY_ORIGINAL)?
            .insert((original.as_u128(), note.as_u128()), ())?;
        Ok(())
    }

    fn fiscal(&mut self, id: Uuid) -> DbResult<Option<ServerFiscal>> {
        with_table!(self, FISCAL, |t| opt(t.get(id.as_u128())?))
    }

    fn put_fiscal(&mut self, f: &ServerFiscal) -> DbResult<()> {
        let id = f.update.invoice_id;
        let old = self.fiscal(id)?;
        let key = id.as_u128();
        self.move_due(
            DueQueue::Documents,
            key,
            old.as_ref().and_then(|o| o.due_ms),
            f.due_ms,
        )?;
        self.move_due(
            DueQueue::Voids,
            key,
            old.as_ref().and_then(|o| o.void_due_ms),
            f.void_due_ms,
        )?;
        self.w()?
            .open_table(FISCAL)?
            .insert(key, encode(f)?.as_slice())?;
        Ok(())
    }

    fn due(
        &mut self,
        queue: DueQueue,
        now_ms: i64,
        limit: usize,
        after: Option<(i64, Uuid)>,
    ) -> DbResult<Vec<(i64, Uuid)>> {
        let def = match queue {
            DueQueue::Documents => FISCAL_DUE,
            DueQueue::Voids => VOIDS_DUE,
        };
        let from = after.map_or((i64::MIN, 0), |(ms, id)| (ms, id.as_u128()));
        let mut out = Vec::new();
        with_table!(self, def, |t| {
            for row in t.range(from..=(now_ms, u128::MAX))? {
                if out.len() >= limit {
                    break;
                }
                let (ms, id) = row?.0.value();
                if after.is_some() && (ms, id) == from {
                    continue;
                }
                out.push((ms, Uuid::from_u128(id)));
            }
        });
        Ok(out)
    }

    fn all_fiscal(&mut self) -> DbResult<Vec<ServerFiscal>> {
        let mut out = Vec::new();
        with_table!(self, FISCAL, |t| {
            for row in t.iter()? {
                out.push(decode(row?.1.value())?);
            }
        });
        Ok(out)
    }

    fn due_count(&mut self) -> DbResult<usize> {
        Ok(with_table!(self, FISCAL_DUE, |t| t.len()?) as usize)
    }

    fn user(&mut self, name: &str) -> DbResult<Option<ServerUser>> {
        with_table!(self, USERS, |t| opt(t.get(name)?))
    }

    fn put_user(&mut self, u: &ServerUser) -> DbResult<()> {
        self.w()?
            .open_table(USERS)?
            .insert(u.username.as_str(), encode(u)?.as_slice())?;
        Ok(())
    }

    fn session(&mut self, token_hash: &str) -> DbResult<Option<Session>> {
        with_table!(self, SESSIONS, |t| opt(t.get(token_hash)?))
    }

    fn put_session(&mut self, token_hash: &str, s: &Session) -> DbResult<()> {
        self.w()?
            .open_table(SESSIONS)?
            .insert(token_hash, encode(s)?.as_slice())?;
        Ok(())
    }

    fn escrow(&mut self, device: Uuid) -> DbResult<Option<Vec<u8>>> {
        Ok(with_table!(self, ESCROWS, |t| t
            .get(device.as_u128())?
            .map(|v| v.value().to_vec())))
    }

    fn put_escrow(&mut self, device: Uuid, sealed: &[u8]) -> DbResult<()> {
        self.w()?
            .open_table(ESCROWS)?
            .insert(device.as_u128(), sealed)?;
        Ok(())
    }

    fn escrows(&mut self) -> DbResult<Vec<(Uuid, Vec<u8>)>> {
        let mut out = Vec::new();
        with_table!(self, ESCROWS, |t| {
            for row in t.iter()? {
                let (k, v) = row?;
                out.push((Uuid::from_u128(k.value()), v.value().to_vec()));
            }
        });
        Ok(out)
    }

    fn put_code(&mut self, code_hash: &str, c: &EnrollmentCode) -> DbResult<()> {
        self.w()?
            .open_table(CODES)?
            .insert(code_hash, encode(c)?.as_slice())?;
        Ok(())
    }

    fn take_code(&mut self, code_hash: &str) -> DbResult<Option<EnrollmentCode>> {
        let found: Option<EnrollmentCode> = with_table!(self, CODES, |t| opt(t.get(code_hash)?))?;
        if found.is_some() {
            self.w()?.open_table(CODES)?.remove(code_hash)?;
        }
        Ok(found)
    }

    fn throttle(&mut self, key: &str) -> DbResult<Option<ThrottleEntry>> {
        with_table!(self, THROTTLE, |t| opt(t.get(key)?))
    }

    fn put_throttle(&mut self, key: &str, e: Option<ThrottleEntry>) -> DbResult<()> {
        let w = self.w()?;
        let mut t = w.open_table(THROTTLE)?;
        match e {
            Some(e) => {
                t.insert(key, encode(&e)?.as_slice())?;
            }
            None => {
                t.remove(key)?;
            }
        }
        Ok(())
    }

    fn prune_throttle(&mut self, before_ms: i64) -> DbResult<u64> {
        let w = self.w()?;
        let mut t = w.open_table(THROTTLE)?;
        let mut stale = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            let e: ThrottleEntry = decode(v.value())?;
            if e.last_ms < before_ms {
                stale.push(k.value().to_string());
            }
        }
        for k in &stale {
            t.remove(k.as_str())?;
        }
        Ok(stale.len() as u64)
    }

    fn shops(&mut self) -> DbResult<Vec<Shop>> {
        let mut out = Vec::new();
        with_table!(self, SHOPS, |t| {
            for row in t.iter()? {
                out.push(decode(row?.1.value())?);
            }
        });
        Ok(out)
    }

    fn put_shop(&mut self, s: &Shop) -> DbResult<()> {
        // `add_shop` checked id and (RUC, establishment) in this same (only) writer.
        self.w()?
            .open_table(SHOPS)?
            .insert(s.id.0, encode(s)?.as_slice())?;
        Ok(())
    }

    fn device_shop(&mut self, device: Uuid) -> DbResult<Option<ShopId>> {
        Ok(with_table!(self, DEVICE_SHOPS, |t| t
            .get(device.as_u128())?
            .map(|v| ShopId(v.value()))))
    }

    fn put_device_shop(&mut self, device: Uuid, shop: ShopId) -> DbResult<()> {
        self.w()?
            .open_table(DEVICE_SHOPS)?
            .insert(device.as_u128(), shop.0)?;
        Ok(())
    }

    fn owner(&mut self, name: &str) -> DbResult<Option<Owner>> {
        with_table!(self, OWNERS, |t| opt(t.get(name)?))
    }

    fn put_owner(&mut self, o: &Owner) -> DbResult<()> {
        self.w()?
            .open_table(OWNERS)?
            .insert(o.name.as_str(), encode(o)?.as_slice())?;
        Ok(())
    }

    fn owner_session(&mut self, token_hash: &str) -> DbResult<Option<OwnerSession>> {
        with_table!(self, OWNER_SESSIONS, |t| opt(t.get(token_hash)?))
    }

    fn put_owner_session(&mut self, token_hash: &str, s: &OwnerSession) -> DbResult<()> {
        self.w()?
            .open_table(OWNER_SESSIONS)?
            .insert(token_hash, encode(s)?.as_slice())?;
        Ok(())
    }
}
