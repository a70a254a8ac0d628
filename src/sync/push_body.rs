//! The push request written straight into bytes. The request is `PushRequest` as JSON;
//! each mutation's `payload` is the record's JSON, which the store already holds as bytes
//! (`Store::outbox_payloads`). Building it as a `serde_json::Value` tree first, measuring
//! it by writing it out, then writing it out again for the request was a third of the
//! kiosk's CPU in a push; here each mutation's small head is serialised and the payload
//! bytes are copied in after it.

use crate::store::{OutboxEntry, PushPayload};
use motordesk_core::{Hlc, RecordKind};
use serde::Serialize;
use uuid::Uuid;

/// `Mutation` without its payload: the same field names, in the same order.
#[derive(Serialize)]
struct Head {
    idempotency_key: Uuid,
    device_seq: u64,
    kind: RecordKind,
    record_id: Uuid,
    version: u64,
    hlc: Hlc,
}

/// A `PushRequest` being written.
pub(super) struct PushBody {
    buf: Vec<u8>,
    count: usize,
}

impl PushBody {
    pub(super) fn new() -> PushBody {
        PushBody {
            buf: b"{\"mutations\":[".to_vec(),
            count: 0,
        }
    }

    /// Appends one mutation: `e`'s keys with `p`'s version, stamp and record JSON.
    pub(super) fn push(&mut self, e: &OutboxEntry, p: &PushPayload) -> serde_json::Result<()> {
        if self.count > 0 {
            self.buf.push(b',');
        }
        let head = Head {
            idempotency_key: e.idempotency_key,
            device_seq: e.seq,
            kind: e.kind,
            record_id: e.record_id,
            version: p.version,
            hlc: p.hlc,
        };
        serde_json::to_writer(&mut self.buf, &head)?;
        // The head is an object: reopen it for the payload.
        self.buf.pop();
        self.buf.extend_from_slice(b",\"payload\":");
        self.buf.extend_from_slice(&p.json);
        self.buf.push(b'}');
        self.count += 1;
        Ok(())
    }

    /// Payload bytes so far (the request stops growing past `PUSH_BYTES_TARGET`).
    pub(super) fn len(&self) -> usize {
        self.buf.len()
    }

    pub(super) fn finish(mut self) -> Vec<u8> {
        self.buf.extend_from_slice(b"]}");
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use motordesk_core::SyncStatus;
    use motordesk_core::protocol::{Mutation, PushRequest};

    fn entry(seq: u64, kind: RecordKind) -> OutboxEntry {
        OutboxEntry {
            seq,
            kind,
            record_id: Uuid::now_v7(),
            version: 3,
            idempotency_key: Uuid::now_v7(),
            status: SyncStatus::Pending,
            attempts: 0,
            next_attempt_at: None,
            last_error: None,
            rejected: false,
            created_at: Utc::now(),
            modified_at: Utc::now(),
            synced_at: None,
            account: "admin".into(),
            summary: String::new(),
        }
    }

    /// The bytes read back as the `PushRequest` the typed path would have sent.
    #[test]
    fn the_written_request_is_the_typed_one() {
        let hlc = Hlc {
            wall_ms: 1_765_000_000_000,
            counter: 7,
            device: Uuid::now_v7(),
        };
        let payloads = [
            br#"{"meta":{"version":4},"data":{"name":"Rosa \"la\" Quispe","n":[1,2]}}"#.to_vec(),
            br#"{"meta":{},"data":null}"#.to_vec(),
        ];
        let entries = [
            entry(1, RecordKind::Invoice),
            entry(9, RecordKind::Customer),
        ];
        let mut body = PushBody::new();
        let mut typed = Vec::new();
        for (e, json) in entries.iter().zip(&payloads) {
            let p = PushPayload {
                json: json.clone(),
                version: 4,
                hlc,
            };
            body.push(e, &p).unwrap();
            typed.push(Mutation {
                idempotency_key: e.idempotency_key,
                device_seq: e.seq,
                kind: e.kind,
                record_id: e.record_id,
                version: 4,
                hlc,
                payload: serde_json::from_slice(json).unwrap(),
            });
        }
        let read: PushRequest = serde_json::from_slice(&body.finish()).unwrap();
        assert_eq!(read, PushRequest { mutations: typed });
        let empty: PushRequest = serde_json::from_slice(&PushBody::new().finish()).unwrap();
        assert!(empty.mutations.is_empty());
    }
}
