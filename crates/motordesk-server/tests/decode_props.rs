//! Property tests over what the server takes from the network: arbitrary push bodies and
//! arbitrary mutations (valid records with fields replaced by random values, random
//! kinds, ids, stamps and texts) never panic the server's decoding and validation, and
//! nothing that fails validation is ever stored: every change the server keeps passes
//! `validate::check` again.

mod support;

use chrono::Utc;
use motordesk_core::protocol::{Change, Mutation, PushRequest};
use motordesk_core::{Customer, Hlc, IdKind, RecordKind};
use motordesk_server::db::ServerDb;
use motordesk_server::device::Device;
use motordesk_server::validate;
use proptest::prelude::*;
use serde_json::{Value, json};
use support::mutation;
use uuid::Uuid;

fn kind() -> impl Strategy<Value = RecordKind> {
    prop::sample::select(RecordKind::ALL.to_vec())
}

/// Any JSON value, small enough to run quickly.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,300}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid customer mutation of `device`, then one of its fields replaced by `junk`.
fn customer_mutation(device: Uuid, field: &str, junk: Value, wall_ms: i64) -> Mutation {
    let c = Customer::new(Uuid::now_v7(), IdKind::Dni, "45678912", "Ana", "", "", "").unwrap();
    let mut m = mutation(device, RecordKind::Customer, c.id, &c, wall_ms);
    if !field.is_empty() {
        m.payload["data"][field] = junk;
    }
    m
}

/// Every change the server holds, as the mutation that made it, checks again.
fn assert_all_stored_valid(db: &ServerDb, device: &Device, other: Uuid) {
    let page = db.changes(other, 0, 1_000).unwrap();
    for c in page.changes {
        let Change {
            kind,
            record_id,
            hlc,
            payload,
            ..
        } = c;
        let m = Mutation {
            idempotency_key: Uuid::now_v7(),
            device_seq: 0,
            kind,
            record_id,
            version: 1,
            hlc,
            payload,
        };
        assert_eq!(
            validate::check(device, &m),
            Ok(()),
            "stored but invalid: {m:?}"
        );
    }
}

fn server() -> (tempfile::TempDir, ServerDb, Device, Uuid) {
    let dir = tempfile::tempdir().unwrap();
    let db = ServerDb::open(&dir.path().join("s.redb")).unwrap();
    let (device, _) = db.register(Uuid::now_v7(), "caja").unwrap();
    let (other, _) = db.register(Uuid::now_v7(), "otra").unwrap();
    (dir, db, device, other.device_id)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bodies_never_panic_the_push_decoder(bytes in prop::collection::vec(any::<u8>(), 0..2_000)) {
        let _ = serde_json::from_slice::<PushRequest>(&bytes);
    }

    #[test]
    fn arbitrary_mutations_are_refused_or_stored_valid(
        kinds in prop::collection::vec(kind(), 1..8),
        payloads in prop::collection::vec(any_json(), 1..8),
        stamps in prop::collection::vec(any::<i64>(), 1..8),
    ) {
        let (_dir, db, device, other) = server();
        let mutations: Vec<Mutation> = kinds
            .iter()
            .zip(payloads.iter().cycle())
            .zip(stamps.iter().cycle())
            .map(|((k, p), w)| Mutation {
                idempotency_key: Uuid::now_v7(),
                device_seq: 1,
                kind: *k,
                record_id: Uuid::now_v7(),
                version: 1,
                hlc: Hlc { wall_ms: *w, counter: 0, device: device.device_id },
                payload: p.clone(),
            })
            .collect();
        let results = db.apply(&device, &mutations).unwrap();
        prop_assert_eq!(results.len(), mutations.len());
        assert_all_stored_valid(&db, &device, other);
    }

    #[test]
    fn a_valid_record_with_one_field_replaced_is_refused_or_still_valid(
        field in prop::sample::select(vec!["", "name", "address", "phone", "email", "doc", "id"]),
        junk in any_json(),
        ahead_ms in prop_oneof![Just(0i64), 0i64..3_600_000_000, Just(i64::MAX / 2)],
    ) {
        let (_dir, db, device, other) = server();
        let wall = Utc::now().timestamp_millis().saturating_add(ahead_ms);
        let m = customer_mutation(device.device_id, field, junk, wall);
        db.apply(&device, &[m]).unwrap();
        assert_all_stored_valid(&db, &device, other);
    }
}
