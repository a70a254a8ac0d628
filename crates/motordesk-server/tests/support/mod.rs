//! Shared by the server's tests and benchmarks: a push mutation carrying `data` as a kiosk
//! stores it (`Stored` with a fresh meta stamped `wall_ms`), and the server binary started
//! as a real process.
#![allow(dead_code)]

pub mod postgres;

use chrono::Utc;
use motordesk_core::protocol::Mutation;
use motordesk_core::{Customer, Hlc, IdKind, RecordKind, RecordMeta, Stored, SyncStatus};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use uuid::Uuid;

/// Starts `motordesk-server` on a free loopback port with `args` (log level `log`) and
/// returns the process and its base URL, read from its first stdout line
/// (`listening on ADDR`).
pub fn start_server<S: AsRef<std::ffi::OsStr>>(args: &[S], log: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motordesk-server"))
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", log)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the motordesk-server binary");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("address")
        .to_string();
    (child, format!("http://{addr}"))
}

/// The `n`-th customer pushed by `device` (same document, a new name and id each time).
pub fn customer(device: Uuid, n: usize) -> Mutation {
    let c = Customer::new(
        Uuid::now_v7(),
        IdKind::Dni,
        "45678912",
        &format!("Cliente {n}"),
        "",
        "",
        "",
    )
    .unwrap();
    mutation(
        device,
        RecordKind::Customer,
        c.id,
        &c,
        Utc::now().timestamp_millis(),
    )
}

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

/// An HTTP client that hands back error statuses as answers (the tests assert them),
/// bounded by `timeout` so a stuck server fails the test instead of hanging it.
pub fn agent(timeout: std::time::Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build(),
    )
}

/// The whole feed as `token`'s kiosk sees it, page by page.
pub fn pull_all(url: &str, token: &str) -> Vec<motordesk_core::protocol::Change> {
    use motordesk_core::protocol::{CHANGES, ChangesResponse};
    let mut cursor = String::new();
    let mut out = Vec::new();
    loop {
        let text = agent(std::time::Duration::from_secs(30))
            .get(format!("{url}{CHANGES}?cursor={cursor}&limit=500"))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let page: ChangesResponse = serde_json::from_str(&text).unwrap();
        out.extend(page.changes);
        if !page.more {
            return out;
        }
        cursor = page.cursor;
    }
}
