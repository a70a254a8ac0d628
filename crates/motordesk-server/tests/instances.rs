//! Two real `motordesk-server` processes on one PostgreSQL database, over HTTP: a kiosk
//! registered on one pushes through the other, kiosks pushing through both at once
//! (one instance killed with SIGKILL midway, its unanswered batches retried on the
//! other) leave every record stored once and a gap-free feed, a single-use enrollment
//! code works once across instances, and failed logins counted on one instance make the
//! other refuse too.

mod support;

use motordesk_core::protocol::*;
use std::collections::HashSet;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::Duration;
use support::postgres::{Backend, Store};
use support::{customer, pull_all};
use uuid::Uuid;

const CODE: &str = "codigo-de-prueba-1";

struct Instance {
    child: Child,
    url: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(store: &Store, extra: &[&str]) -> Instance {
    let mut args = store.flags();
    args.extend(extra.iter().map(|a| a.to_string()));
    let (child, url) = support::start_server(&args, "warn");
    Instance { child, url }
}

fn agent() -> ureq::Agent {
    support::agent(Duration::from_secs(30))
}

/// POSTs JSON; `Err` when the connection failed (a killed instance).
fn post(url: &str, body: &str, token: Option<&str>) -> Result<(u16, String), ureq::Error> {
    let mut req = agent().post(url).header("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut r = req.send(body)?;
    Ok((
        r.status().as_u16(),
        r.body_mut().read_to_string().unwrap_or_default(),
    ))
}

fn register(url: &str, code: &str) -> (u16, Option<RegisterResponse>) {
    let body = serde_json::to_string(&RegisterRequest {
        enrollment_code: code.into(),
        device_id: Uuid::now_v7(),
        name: "Caja".into(),
    })
    .unwrap();
    let (st, body) = post(&format!("{url}{REGISTER}"), &body, None).unwrap();
    (st, serde_json::from_str(&body).ok())
}

fn push(url: &str, token: &str, mutations: &[Mutation]) -> Result<PushResponse, String> {
    let body = serde_json::to_string(&PushRequest {
        mutations: mutations.to_vec(),
    })
    .unwrap();
    match post(&format!("{url}{PUSH}"), &body, Some(token)) {
        Ok((200, body)) => Ok(serde_json::from_str(&body).unwrap()),
        Ok((st, body)) => Err(format!("{st}: {body}")),
        Err(e) => Err(e.to_string()),
    }
}

fn postgres_store() -> Option<Store> {
    (!support::postgres::skip_postgres()).then(|| Store::new(Backend::Postgres))
}

#[test]
fn kiosks_pushing_through_two_instances_one_killed_midway_lose_and_repeat_nothing() {
    let Some(store) = postgres_store() else {
        return;
    };
    let a = spawn(&store, &["--enrollment-code", CODE]);
    let b = spawn(&store, &["--enrollment-code", CODE]);
    // Registered on A, works on B: tokens live in the database.
    let (_, reader) = register(&a.url, CODE);
    let reader = reader.unwrap();
    let kiosks: Vec<RegisterResponse> = (0..4)
        .map(|i| {
            let url = if i % 2 == 0 { &a.url } else { &b.url };
            register(url, CODE).1.unwrap()
        })
        .collect();
    let urls = Arc::new([a.url.clone(), b.url.clone()]);
    let a = Arc::new(std::sync::Mutex::new(Some(a)));
    let workers: Vec<_> = kiosks
        .iter()
        .cloned()
        .enumerate()
        .map(|(k, kiosk)| {
            let (urls, a) = (urls.clone(), a.clone());
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                let mut retried = 0;
                for batch_no in 0..30 {
                    if k == 0 && batch_no == 10 {
                        // SIGKILL instance A in the middle of everyone's pushes.
                        drop(a.lock().unwrap().take());
                    }
                    let batch: Vec<Mutation> = (0..5)
                        .map(|i| customer(kiosk.device_id, batch_no * 5 + i))
                        .collect();
                    ids.extend(batch.iter().map(|m| m.record_id));
                    // Alternate instances; a batch A did not answer goes to B, as a
                    // reverse proxy would send it.
                    let first = &urls[(k + batch_no) % 2];
                    let answer = push(first, &kiosk.token, &batch).or_else(|_| {
                        retried += 1;
                        push(&urls[1], &kiosk.token, &batch)
                    });
                    let answer = answer.unwrap();
                    assert!(
                        answer
                            .results
                            .iter()
                            .all(|r| matches!(r.outcome, Outcome::Applied | Outcome::Duplicate))
                    );
                }
                (ids, retried)
            })
        })
        .collect();
    let mut pushed = HashSet::new();
    for w in workers {
        let (ids, _) = w.join().unwrap();
        pushed.extend(ids);
    }
    assert_eq!(pushed.len(), 4 * 30 * 5);
    let feed = pull_all(&b.url, &reader.token);
    let seqs: Vec<u64> = feed.iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        (1..=600).collect::<Vec<u64>>(),
        "gap-free, each change once"
    );
    let got: HashSet<Uuid> = feed.iter().map(|c| c.record_id).collect();
    assert_eq!(got, pushed);
    let rows: i64 = store
        .client()
        .query_one("SELECT count(*) FROM records", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 600, "every record stored once");
}

#[test]
fn codes_and_failed_logins_are_shared_by_instances() {
    let Some(store) = postgres_store() else {
        return;
    };
    let a = spawn(&store, &[]);
    let b = spawn(&store, &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_motordesk-server"))
        .args(store.flags())
        .arg("--new-enrollment-code")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(register(&a.url, &code).0, 200);
    assert_eq!(
        register(&b.url, &code).0,
        403,
        "single use across instances"
    );

    let login = |url: &str| {
        let body = serde_json::to_string(&LoginRequest {
            username: "lucia".into(),
            password: "no".into(),
            device_id: Uuid::now_v7(),
        })
        .unwrap();
        post(&format!("{url}{LOGIN}"), &body, None).unwrap().0
    };
    for _ in 0..4 {
        assert_eq!(login(&a.url), 401);
    }
    assert_eq!(
        login(&b.url),
        429,
        "B knows the failures A counted: spreading guesses over instances gains nothing"
    );
}
