//! One sync cycle: pull the server's change feed and merge it, then push the due outbox
//! entries in batches. The sync thread calls `sync_once` in a loop; tests call it
//! directly to drive sync step by step.

use crate::store::{OutboxEntry, Store, StoreError};
use crate::sync::backoff;
use crate::sync::client::Client;
use crate::sync::error::{SyncError, SyncResult};
use crate::sync::push_body::PushBody;
use chrono::{DateTime, Utc};
use motordesk_core::protocol::{Outcome, PushResponse};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Outbox entries per push request.
    pub batch_size: usize,
    /// Changes per pull page.
    pub pull_limit: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            // Each request costs a commit (an fsync) on both sides: 500 invoices are about
            // 1.2 MB of JSON, 10 s on a 1 Mbit/s uplink, inside the 20 s timeout.
            batch_size: 500,
            pull_limit: 500,
        }
    }
}

/// What one cycle did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Push requests sent (answered or not).
    pub requests: usize,
    pub applied: usize,
    pub duplicates: usize,
    pub rejected: usize,
    /// Entries that failed transiently and wait for their backoff.
    pub failed: usize,
    pub pulled: usize,
    pub conflicts: usize,
    /// Outbox entries still unsynced after the cycle.
    pub remaining: u64,
}

/// Pull, then push everything due, with the default options.
pub fn sync_once(store: &Store, client: &Client) -> SyncResult<Report> {
    sync_once_with(store, client, &SyncOptions::default())
}

/// Pull first, so a concurrent remote edit is seen (and recorded as a conflict) before
/// our own older edit would be pushed over it; then push, even when the pull failed.
pub fn sync_once_with(store: &Store, client: &Client, opts: &SyncOptions) -> SyncResult<Report> {
    let mut report = Report::default();
    // A pull that fails (one bad page, a server bug) must not stop this kiosk's own sales
    // from uploading: push anyway, then report the first failure.
    let pulled = pull(store, client, opts, &mut report);
    match &pulled {
        Err(e) if !push_despite(e) => return Err(pulled.unwrap_err()),
        Err(e) => log::warn!("sync: pull failed, pushing anyway: {e}"),
        Ok(()) => {}
    }
    let pushed = push_all(store, client, opts, &mut report);
    report.remaining = store.sync_counts()?.unsynced();
    pulled.and(pushed).map(|_| report)
}

/// Whether a failed pull still lets this cycle push: yes when the server answered but a
/// page could not be served, read or merged (a 5xx, a body too big or garbled, a record
/// this kiosk cannot store); no when the server is unreachable or refuses this device,
/// where pushing would only burn the entries' retry backoff.
fn push_despite(e: &SyncError) -> bool {
    match e {
        SyncError::Server { .. } | SyncError::Refused { .. } | SyncError::Store(_) => true,
        SyncError::Transport(t) => matches!(
            t,
            ureq::Error::Json(_) | ureq::Error::BodyExceedsLimit(_) | ureq::Error::Decompress(..)
        ),
        _ => false,
    }
}

/// Pulls and merges pages until the feed is drained.
pub(super) fn pull(
    store: &Store,
    client: &Client,
    opts: &SyncOptions,
    report: &mut Report,
) -> SyncResult<()> {
    loop {
        let cursor = store.sync_cursor()?;
        // After a restore, until the feed's end is reached once, the kiosk's own pushes
        // come back too: those after the snapshot are nowhere else.
        let own = store.pulling_own()?;
        let page = client.changes_with_own(&cursor, opts.pull_limit.max(1), own)?;
        let merged = store.merge_remote(&page.changes, &page.cursor)?;
        report.pulled += page.changes.len();
        report.conflicts += merged.conflicts;
        if !page.more || page.cursor == cursor {
            if own && !page.more {
                // The documents are back; their signed XML too, before the mark goes.
                crate::sync::backup::fetch_own_xml(store, client)?;
                store.set_pulling_own(false)?;
            }
            return Ok(());
        }
    }
}

/// Pushes due entries batch after batch. Stops at the first transient failure (the
/// failed entries wait for their backoff); entries already tried in this cycle are not
/// tried again, so a misbehaving server cannot spin the loop.
pub(super) fn push_all(
    store: &Store,
    client: &Client,
    opts: &SyncOptions,
    report: &mut Report,
) -> SyncResult<()> {
    let acked = report.applied + report.duplicates;
    let pushed = push_batches(store, client, opts, report);
    // Each batch's acks were committed without an fsync: one for the whole push.
    let flushed = if report.applied + report.duplicates > acked {
        store.flush_acks().map_err(SyncError::from)
    } else {
        Ok(())
    };
    pushed.and(flushed)
}

/// `push_all`'s loop: batch after batch until nothing is due. The store's work and the
/// server's overlap (the kiosk has two cores): while batch k travels and the server
/// applies it, the kiosk records batch k−1's answers and reads and writes batch k+1's
/// request. Batch k+1 is marked SYNCING and sent only once k's answer is in, and not at
/// all when k failed in transit, so entries never wait SYNCING behind a failure.
fn push_batches(
    store: &Store,
    client: &Client,
    opts: &SyncOptions,
    report: &mut Report,
) -> SyncResult<()> {
    let mut tried = HashSet::new();
    std::thread::scope(|scope| {
        let mut next = prepare(store, opts, &mut tried, report)?;
        let mut inflight: Option<(Batch, std::thread::ScopedJoinHandle<'_, _>)> = None;
        loop {
            let answered = inflight.take().map(|(batch, h)| (batch, answer_of(h)));
            // A transport failure stops the push: the next batch is not sent.
            let go_on = answered
                .as_ref()
                .is_none_or(|(_, a)| matches!(a, Ok(_) | Err(SyncError::Refused { .. })));
            let mut sending = Ok(());
            if go_on && let Some(mut batch) = next.take() {
                sending = store.mark_syncing(&batch.seqs).map_err(SyncError::from);
                if sending.is_ok() {
                    report.requests += 1;
                    let body = std::mem::take(&mut batch.body);
                    let h = scope.spawn(move || client.push_json(&body));
                    inflight = Some((batch, h));
                }
            }
            let recorded = match answered {
                Some((batch, answer)) => record_answer(store, &batch.sent, answer, report),
                None => Ok(()),
            };
            if let Err(e) = recorded.and(sending) {
                // Whatever is in flight is answered and recorded before giving up.
                if let Some((batch, h)) = inflight.take() {
                    let answer = answer_of(h);
                    if let Err(e2) = record_answer(store, &batch.sent, answer, report) {
                        log::warn!("sync: recording a push answer after an error: {e2}");
                    }
                }
                return Err(e);
            }
            if inflight.is_none() {
                return Ok(());
            }
            next = match prepare(store, opts, &mut tried, report) {
                Ok(n) => n,
                Err(e) => {
                    let (batch, h) = inflight.take().expect("in flight");
                    let answer = answer_of(h);
                    record_answer(store, &batch.sent, answer, report)?;
                    return Err(e);
                }
            };
        }
    })
}

/// The answer of a request sent on its own thread; a panic there goes on here, as it
/// did when the request was sent on this thread.
fn answer_of(
    h: std::thread::ScopedJoinHandle<'_, SyncResult<PushResponse>>,
) -> SyncResult<PushResponse> {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// A request ready to send: its entries, their seqs, and the request's bytes.
struct Batch {
    sent: Vec<OutboxEntry>,
    seqs: Vec<u64>,
    body: Vec<u8>,
}

/// The next batch: the due entries not tried yet in this cycle, as many as fit
/// `PUSH_BYTES_TARGET` (at least one). An entry whose record is gone is rejected here and
/// the next ones are taken instead. None when nothing is left to send.
fn prepare(
    store: &Store,
    opts: &SyncOptions,
    tried: &mut HashSet<u64>,
    report: &mut Report,
) -> SyncResult<Option<Batch>> {
    loop {
        let due: Vec<OutboxEntry> = store
            .outbox_due(Utc::now(), opts.batch_size.max(1))?
            .into_iter()
            .filter(|e| !tried.contains(&e.seq))
            .collect();
        if due.is_empty() {
            return Ok(None);
        }
        let mut sent = Vec::with_capacity(due.len());
        let mut body = PushBody::new();
        // One read transaction for the batch; each record's JSON as the store holds it.
        let payloads = store.outbox_payloads(&due)?;
        for (e, payload) in due.into_iter().zip(payloads) {
            if body.len() >= PUSH_BYTES_TARGET && !sent.is_empty() {
                break;
            }
            tried.insert(e.seq);
            let payload = match payload {
                Ok(p) => p,
                Err(reason) => {
                    store.mark_rejected(e.seq, reason)?;
                    report.rejected += 1;
                    continue;
                }
            };
            body.push(&e, &payload).map_err(StoreError::from)?;
            sent.push(e);
        }
        // All of them rejected: look again (they are in `tried` now, so this ends).
        if !sent.is_empty() {
            let seqs = sent.iter().map(|e| e.seq).collect();
            return Ok(Some(Batch {
                sent,
                seqs,
                body: body.finish(),
            }));
        }
    }
}

fn retry_at(attempt: u32) -> DateTime<Utc> {
    let d = backoff::next_delay(attempt);
    Utc::now() + chrono::Duration::milliseconds(d.as_millis() as i64)
}

fn fail_all(
    store: &Store,
    entries: &[OutboxEntry],
    error: &str,
    report: &mut Report,
) -> SyncResult<()> {
    let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
    store.mark_failed_many(&seqs, error, retry_at)?;
    report.failed += entries.len();
    Ok(())
}

/// Records the server's answer to one request: applied/duplicate → SYNCED (committed
/// without a flush; `push_all` flushes once), rejected → FAILED for review, no answer →
/// FAILED with backoff. A transport failure fails the whole batch and is returned.
fn record_answer(
    store: &Store,
    sent: &[OutboxEntry],
    answer: SyncResult<PushResponse>,
    report: &mut Report,
) -> SyncResult<()> {
    let resp = match answer {
        Ok(r) => r,
        Err(SyncError::Refused { status, message }) => {
            // The server refused the request as a whole (4xx): keep it for review and let
            // the rest of the queue go on.
            let reason = format!("{status}: {message}");
            for e in sent {
                store.mark_rejected(e.seq, &reason)?;
                report.rejected += 1;
            }
            return Ok(());
        }
        Err(err) => {
            fail_all(store, sent, &err.to_string(), report)?;
            return Err(err);
        }
    };
    let outcomes: HashMap<uuid::Uuid, Outcome> = resp
        .results
        .into_iter()
        .map(|r| (r.idempotency_key, r.outcome))
        .collect();
    let mut synced = Vec::new();
    let mut unanswered = Vec::new();
    for e in sent {
        match outcomes.get(&e.idempotency_key) {
            Some(Outcome::Applied) => {
                report.applied += 1;
                synced.push(e.seq);
            }
            Some(Outcome::Duplicate) => {
                report.duplicates += 1;
                synced.push(e.seq);
            }
            Some(Outcome::Rejected { reason }) => {
                log::warn!(
                    "sync: server rejected {:?} {}: {reason}",
                    e.kind,
                    e.record_id
                );
                store.mark_rejected(e.seq, reason)?;
                if e.kind == motordesk_core::RecordKind::VoidRequest {
                    // Nobody will send this voiding: say so on the document, not only in
                    // the sync queue, so it does not read "en proceso" for ever.
                    store.record_void_refused(
                        e.record_id,
                        None,
                        &format!("El servidor de la tienda no aceptó la anulación: {reason}"),
                        None,
                    )?;
                }
                report.rejected += 1;
            }
            None => unanswered.push(e.clone()),
        }
    }
    store.mark_synced_unflushed(&synced, Utc::now())?;
    fail_all(store, &unanswered, "no answer for this item", report)?;
    Ok(())
}

/// A push request stops growing past this many bytes of payload (a quarter of what the
/// server reads), so a few big signed XML files never make a request the server refuses.
const PUSH_BYTES_TARGET: usize = motordesk_core::protocol::MAX_PUSH_BYTES / 4;
