//! Wire types of the sync protocol (docs/sync-protocol.md), shared by the kiosk client
//! and the reference server so both sides always agree on the JSON.

use crate::clock::Hlc;
use crate::document::SeriesSet;
use crate::record::RecordKind;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod accounts;
mod backup;
mod fiscal;
mod hex;
pub use accounts::{
    DEVICE_LOGIN_KEY_HEADER, ESCROW, EscrowRequest, LOGIN, LoginRequest, LoginResponse, ME, Me,
    USER_TOKEN_HEADER,
};
pub use backup::{
    BACKUPS_KEPT, BackupInfo, DEVICE_BACKUP, DEVICE_COMPROBANTE, MAX_BACKUP_BYTES, RESTORE_BACKUPS,
    RESTORE_CLAIM, RESTORE_LOGIN, RestoreClaim, RestoreGrant, RestoreLogin, RestoreSession,
};
pub use fiscal::{
    ComprobanteUpload, FiscalUpdate, MAX_SUNAT_TEXT, MAX_XML_BYTES, VoidState, VoidUpdate,
    VoidUpload,
};
pub use hex::{from_hex, from_hex32, to_hex};

pub const HEALTH: &str = "/v1/health";
pub const REGISTER: &str = "/v1/devices/register";
pub const PUSH: &str = "/v1/push";
pub const CHANGES: &str = "/v1/changes";
pub const TEST_FAULTS: &str = "/v1/test/faults";
pub const TEST_INVOICES: &str = "/v1/test/invoices";

/// Most mutations one push may carry; the server refuses bigger batches with 400.
pub const MAX_BATCH: usize = 1_000;
/// Most changes one pull returns, whatever `limit` asks for.
pub const MAX_PULL: usize = 1_000;
/// A pull page stops growing past this many bytes of payload (at least one change is
/// always returned), so one big record cannot make every page huge.
pub const MAX_PULL_BYTES: usize = 4 * 1024 * 1024;
/// Largest push body the server reads (after checking the device token). The kiosk keeps
/// its batches under a quarter of it.
pub const MAX_PUSH_BYTES: usize = 32 * 1024 * 1024;
/// Largest body of any other request (registration, login, escrow), read before or
/// without authentication.
pub const MAX_SMALL_BODY: usize = 16 * 1024;
/// How far ahead of the server's clock a stamp may be (HLC `wall_ms`, `issued_at`).
pub const MAX_CLOCK_AHEAD_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    pub enrollment_code: String,
    /// The kiosk store's device id: invoices carry it, so the server can tie them to
    /// the device that pushes them.
    pub device_id: Uuid,
    /// Free text for the shop owner ("Caja 1").
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    pub device_id: Uuid,
    /// Bearer token for every later call.
    pub token: String,
    pub kiosk_number: u16,
    /// The series this kiosk owns; no other device gets them.
    pub series: SeriesSet,
}

/// One local change, as the outbox pushes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub idempotency_key: Uuid,
    pub device_seq: u64,
    pub kind: RecordKind,
    pub record_id: Uuid,
    pub version: u64,
    pub hlc: Hlc,
    /// JSON of `Stored<T>` (meta + data) as the kiosk holds it.
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub mutations: Vec<Mutation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Accepted now (for last-writer-wins kinds this includes an older stamp that did
    /// not replace the server's newer one: the kiosk gets the winner on its next pull).
    Applied,
    /// This idempotency key (or this exact immutable document) was already applied.
    Duplicate,
    /// Refused for good (validation); the kiosk keeps it for review.
    Rejected { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    pub idempotency_key: Uuid,
    pub device_seq: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

/// A change in the server's feed: the current state of one record as some device
/// pushed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    pub origin_device: Uuid,
    pub kind: RecordKind,
    pub record_id: Uuid,
    pub hlc: Hlc,
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesResponse {
    pub changes: Vec<Change>,
    /// Opaque: pass it back as `cursor` on the next pull.
    pub cursor: String,
    /// More changes wait after this page.
    pub more: bool,
}

/// Body of every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}

/// Test-only fault plan (`--test-faults`): each counter is consumed by `/v1/push` calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultPlan {
    /// The next N pushes answer 500 without applying anything.
    pub fail_next_n_with_500: u32,
    /// The next `delay_next_n` pushes apply and commit, then wait this long before
    /// answering (a slow answer: a client with a shorter timeout gives up).
    pub delay_ms: u64,
    pub delay_next_n: u32,
    /// The next N pushes apply and commit, then drop the connection without answering.
    pub drop_connection_after_apply_next_n: u32,
    /// The next N pulls (`/v1/changes`) answer 500.
    pub fail_next_n_pulls_with_500: u32,
}

/// Test-only listing of what the server holds (`GET /v1/test/invoices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInvoice {
    pub id: Uuid,
    pub number: String,
    pub device_id: Uuid,
}
