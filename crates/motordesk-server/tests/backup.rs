//! `motordesk-server backup --out FILE` against a real server process: taken while the
//! server serves (and a kiosk keeps pushing), the copy opens as a server database of its
//! own and holds the same records — a gap-free feed, each record once, the devices and
//! their tokens — and an existing file is never overwritten. With the server stopped the
//! command copies the file itself.

mod support;

use motordesk_core::protocol::*;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::{customer, pull_all};
use uuid::Uuid;

const CODE: &str = "codigo-de-respaldo-1";

fn agent() -> ureq::Agent {
    support::agent(Duration::from_secs(30))
}

fn post(url: &str, body: &str, token: Option<&str>) -> (u16, String) {
    let mut req = agent().post(url).header("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut r = req.send(body).unwrap();
    (
        r.status().as_u16(),
        r.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn register(url: &str) -> RegisterResponse {
    let body = serde_json::to_string(&RegisterRequest {
        enrollment_code: CODE.into(),
        device_id: Uuid::now_v7(),
        name: "Caja".into(),
    })
    .unwrap();
    let (st, body) = post(&format!("{url}{REGISTER}"), &body, None);
    assert_eq!(st, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn push(url: &str, token: &str, mutations: Vec<Mutation>) -> PushResponse {
    let body = serde_json::to_string(&PushRequest { mutations }).unwrap();
    let (st, body) = post(&format!("{url}{PUSH}"), &body, Some(token));
    assert_eq!(st, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn backup(db: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_motordesk-server"))
        .args(["backup", "--out"])
        .arg(out)
        .arg("--db")
        .arg(db)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// The feed a kiosk other than the pusher sees is gap-free from 1 and names each
/// record once; returns the record ids.
fn feed_ids(feed: &[Change]) -> HashSet<Uuid> {
    for (i, c) in feed.iter().enumerate() {
        assert_eq!(c.seq, i as u64 + 1, "the feed has a gap");
    }
    let ids: HashSet<Uuid> = feed.iter().map(|c| c.record_id).collect();
    assert_eq!(ids.len(), feed.len(), "a record twice in the feed");
    ids
}

#[test]
fn a_live_servers_backup_opens_and_holds_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.redb");
    let db_arg = db.display().to_string();
    let (mut server, url) = support::start_server(
        &["--db", db_arg.as_str(), "--enrollment-code", CODE],
        "warn",
    );
    let (a, b) = (register(&url), register(&url));
    let mut before = Vec::new();
    let mut first = None;
    for batch in 0..3 {
        let m: Vec<Mutation> = (0..100)
            .map(|i| customer(a.device_id, batch * 100 + i))
            .collect();
        first.get_or_insert_with(|| m[0].clone());
        before.extend(m.iter().map(|m| m.record_id));
        push(&url, &a.token, m);
    }
    // A kiosk keeps pushing while the backup is taken.
    let (u, t, dev) = (url.clone(), a.token.clone(), a.device_id);
    let writer = std::thread::spawn(move || {
        for batch in 0..20 {
            let m: Vec<Mutation> = (0..10)
                .map(|i| customer(dev, 1000 + batch * 10 + i))
                .collect();
            push(&u, &t, m);
        }
    });
    // The running server holds the file: the command asks it through its control port.
    assert!(db.with_extension("redb.control").exists());
    let out = dir.path().join("copia.redb");
    let made = backup(&db, &out);
    writer.join().unwrap();
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(
        made.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(said.contains("opened and checked"), "{said}");
    // Never over an existing file.
    let again = backup(&db, &out);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the copy holds the shop's records");
    }
    let live = feed_ids(&pull_all(&url, &b.token));
    assert_eq!(live.len(), 500);

    // The copy is a server database of its own: the same devices and tokens, a gap-free
    // feed holding everything pushed before the backup, each record once.
    let copy_key = dir.path().join("copia.redb.key");
    std::fs::copy(db.with_extension("redb.key"), &copy_key).unwrap();
    let out_arg = out.display().to_string();
    let (mut copy_server, copy_url) = support::start_server(&["--db", out_arg.as_str()], "warn");
    let copied = feed_ids(&pull_all(&copy_url, &b.token));
    for id in &before {
        assert!(
            copied.contains(id),
            "a record pushed before the backup is missing"
        );
    }
    assert!(
        copied.is_subset(&live),
        "the copy holds nothing the server did not"
    );
    // A's token works there and its idempotency keys are known: a retried push is a
    // duplicate, not a new record.
    let resent = push(&copy_url, &a.token, vec![first.unwrap()]);
    assert_eq!(resent.results[0].outcome, Outcome::Duplicate);
    let _ = copy_server.kill();
    let _ = copy_server.wait();

    // Stopped: the command opens the file itself.
    let _ = server.kill();
    let _ = server.wait();
    let offline = dir.path().join("copia-2.redb");
    let made = backup(&db, &offline);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(std::fs::metadata(&offline).unwrap().len() > 0);
}
