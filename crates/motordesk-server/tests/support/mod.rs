//! Shared by the server's tests and benchmarks: a push mutation carrying `data` as a kiosk
//! stores it (`Stored` with a fresh meta stamped `wall_ms`).
#![allow(dead_code)]

pub mod postgres;

use chrono::Utc;
use motordesk_core::protocol::Mutation;
use motordesk_core::{Hlc, RecordKind, RecordMeta, Stored, SyncStatus};
use uuid::Uuid;

pub fn mutation<T: serde::Serialize>(
    device: Uuid,
    kind: RecordKind,
    id: Uuid,
    data: T,
    wall_ms: i64,
) -> Mutation {
    let hlc = Hlc {
        wall_ms,
        counter: 0,
        device,
    };
    let stored = Stored {
        meta: RecordMeta {
            created_at: Utc::now(),
            modified_at: Utc::now(),
            synced_at: None,
            status: SyncStatus::Pending,
            hlc,
            version: 1,
            account: "caja".into(),
        },
        data,
    };
    Mutation {
        idempotency_key: Uuid::now_v7(),
        device_seq: 1,
        kind,
        record_id: id,
        version: 1,
        hlc,
        payload: serde_json::to_value(stored).unwrap(),
    }
}
