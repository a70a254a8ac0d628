//! The storage interface of the server: one `Txn` trait of storage primitives that the
//! rules (push, SUNAT queue, accounts, enrollment) are written against once, and two
//! backends that implement it: redb (`redb_store`, the embedded default) and PostgreSQL
//! (`pg`, for a chain of shops and several server instances).
//!
//! A rule runs inside `ServerDb::write` (one transaction, committed when the closure
//! returns `Ok`) or `ServerDb::read` (a consistent snapshot). On PostgreSQL a write that
//! loses a race to a database constraint or a deadlock is run again from the start
//! (`pg::retryable`), so a closure must have no effect outside its transaction.

use crate::accounts::{ServerUser, Session};
use crate::db::{DbError, DbResult};
use crate::device::Device;
use crate::enrollment::EnrollmentCode;
use crate::fiscal::ServerFiscal;
use crate::owners::{Owner, OwnerSession};
use crate::shops::{Shop, ShopId};
use motordesk_core::protocol::Change;
use motordesk_core::{Hlc, RecordKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which idempotency key was applied, by whom, for which record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AppliedKey {
    pub device: Uuid,
    pub device_seq: u64,
    pub kind: RecordKind,
    pub record_id: Uuid,
}

/// The current version of one record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ServerRecord {
    pub hlc: Hlc,
    pub origin: Uuid,
    pub payload: serde_json::Value,
}

/// A change before the feed gives it its number.
#[derive(Debug, Clone)]
pub(crate) struct NewChange {
    pub origin: Uuid,
    pub kind: RecordKind,
    pub record_id: Uuid,
    pub hlc: Hlc,
    pub payload: serde_json::Value,
}

impl NewChange {
    pub(crate) fn numbered(self, seq: u64) -> Change {
        Change {
            seq,
            origin_device: self.origin,
            kind: self.kind,
            record_id: self.record_id,
            hlc: self.hlc,
            payload: self.payload,
        }
    }
}

/// One page of the change feed as read from storage.
#[derive(Debug, Clone, Default)]
pub(crate) struct FeedPage {
    pub changes: Vec<Change>,
    /// The last position read: the next pull starts after it.
    pub last: u64,
    pub more: bool,
}

/// The two due queues of the SUNAT dispatcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DueQueue {
    /// Documents to send or to ask SUNAT about (`ServerFiscal::due_ms`).
    Documents,
    /// Voidings to send or to poll (`ServerFiscal::void_due_ms`).
    Voids,
}

/// Failed attempts of one throttle key (login, enrollment), kept in the database when
/// several server instances share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThrottleEntry {
    pub failures: u32,
    /// Unix ms before which no attempt is looked at.
    pub not_before_ms: i64,
    pub last_ms: i64,
}

/// The storage primitives of one transaction. Reads inside a write transaction lock what
/// they read on PostgreSQL (`SELECT … FOR UPDATE`), so read-modify-write rules (last
/// writer wins, credit room, the SUNAT state machine) see no concurrent change.
pub(crate) trait Txn {
    // Devices and their tokens.
    fn device(&mut self, id: Uuid) -> DbResult<Option<Device>>;
    fn device_by_token(&mut self, token_hash: &str) -> DbResult<Option<Device>>;
    /// The next kiosk number (1-based), reserved for `device` of `shop`: unique across
    /// the chain, so a series is never issued by two kiosks. Registry only; a number
    /// above `MAX_KIOSKS` is returned but not reserved.
    fn next_kiosk_number(&mut self, shop: ShopId, device: Uuid) -> DbResult<u64>;
    /// Stores `d`; `old_token_hash`, when given, stops working.
    fn put_device(&mut self, d: &Device, old_token_hash: Option<&str>) -> DbResult<()>;

    // Push: idempotency keys, records, the feed, numbers, notes.
    fn applied(&mut self, key: Uuid) -> DbResult<Option<AppliedKey>>;
    fn remember(&mut self, key: Uuid, k: &AppliedKey) -> DbResult<()>;
    fn record(&mut self, kind: RecordKind, id: Uuid) -> DbResult<Option<ServerRecord>>;
    /// Stores the current version of a record; `new`: the rule read none, so another
    /// transaction creating it first is a lost race (PostgreSQL runs this one again).
    fn put_record(
        &mut self,
        kind: RecordKind,
        id: Uuid,
        r: &ServerRecord,
        new: bool,
    ) -> DbResult<()>;
    /// Every record of `kind` (test listings).
    fn records_of(&mut self, kind: RecordKind) -> DbResult<Vec<ServerRecord>>;
    /// Appends to the change feed; the number is given at commit, in commit order.
    fn append_change(&mut self, c: NewChange) -> DbResult<()>;
    /// Changes after `after` by devices other than `device`: at most `limit`, and no more
    /// once `max_bytes` of payload are in (never an empty page when there is one).
    fn feed_page(
        &mut self,
        device: Uuid,
        after: u64,
        limit: usize,
        max_bytes: usize,
    ) -> DbResult<FeedPage>;
    fn number_owner(&mut self, number: &str) -> DbResult<Option<Uuid>>;
    /// Registers `number` (of `series`, owned by `device`) for invoice `invoice`.
    fn put_number(
        &mut self,
        number: &str,
        series: &str,
        device: Uuid,
        invoice: Uuid,
    ) -> DbResult<()>;
    fn notes_of(&mut self, original: Uuid) -> DbResult<Vec<Uuid>>;
    fn put_note(&mut self, original: Uuid, note: Uuid) -> DbResult<()>;

    // The SUNAT queue.
    fn fiscal(&mut self, id: Uuid) -> DbResult<Option<ServerFiscal>>;
    /// Stores `f` and keeps the due queues in step with its `due_ms`/`void_due_ms`.
    fn put_fiscal(&mut self, f: &ServerFiscal) -> DbResult<()>;
    /// Up to `limit` (due at, id) due in `queue` at `now_ms`, soonest first, after
    /// `after` (exclusive) when given: the next page of the queue.
    fn due(
        &mut self,
        queue: DueQueue,
        now_ms: i64,
        limit: usize,
        after: Option<(i64, Uuid)>,
    ) -> DbResult<Vec<(i64, Uuid)>>;
    fn all_fiscal(&mut self) -> DbResult<Vec<ServerFiscal>>;
    fn due_count(&mut self) -> DbResult<usize>;

    // Accounts.
    fn user(&mut self, name: &str) -> DbResult<Option<ServerUser>>;
    fn put_user(&mut self, u: &ServerUser) -> DbResult<()>;
    fn session(&mut self, token_hash: &str) -> DbResult<Option<Session>>;
    fn put_session(&mut self, token_hash: &str, s: &Session) -> DbResult<()>;
    fn escrow(&mut self, device: Uuid) -> DbResult<Option<Vec<u8>>>;
    fn put_escrow(&mut self, device: Uuid, sealed: &[u8]) -> DbResult<()>;
    fn escrows(&mut self) -> DbResult<Vec<(Uuid, Vec<u8>)>>;

    // Enrollment codes.
    fn put_code(&mut self, code_hash: &str, c: &EnrollmentCode) -> DbResult<()>;
    /// Removes and returns the code.
    fn take_code(&mut self, code_hash: &str) -> DbResult<Option<EnrollmentCode>>;

    // Throttle keys.
    fn throttle(&mut self, key: &str) -> DbResult<Option<ThrottleEntry>>;
    fn put_throttle(&mut self, key: &str, e: Option<ThrottleEntry>) -> DbResult<()>;
    /// Forgets keys whose last failure is older than `before_ms`; returns how many.
    fn prune_throttle(&mut self, before_ms: i64) -> DbResult<u64>;

    // The registry of a chain (only in the default shop's store; `shops`).
    fn shops(&mut self) -> DbResult<Vec<Shop>>;
    /// Adds a shop; a second shop with its id, or its RUC and establishment, is refused.
    fn put_shop(&mut self, s: &Shop) -> DbResult<()>;
    /// The tenant shop a device is registered in (`None`: the default shop or none).
    fn device_shop(&mut self, device: Uuid) -> DbResult<Option<ShopId>>;
    fn put_device_shop(&mut self, device: Uuid, shop: ShopId) -> DbResult<()>;
    fn owner(&mut self, name: &str) -> DbResult<Option<Owner>>;
    fn put_owner(&mut self, o: &Owner) -> DbResult<()>;
    fn owner_session(&mut self, token_hash: &str) -> DbResult<Option<OwnerSession>>;
    fn put_owner_session(&mut self, token_hash: &str, s: &OwnerSession) -> DbResult<()>;
}

/// Where the server keeps its data.
pub(crate) enum Backend {
    Redb(redb::Database),
    Postgres(crate::pg::Pg),
}

/// A stored JSON row.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> DbResult<T> {
    serde_json::from_slice(bytes).map_err(DbError::Codec)
}

pub(crate) fn encode<T: Serialize>(v: &T) -> DbResult<Vec<u8>> {
    serde_json::to_vec(v).map_err(DbError::Codec)
}
