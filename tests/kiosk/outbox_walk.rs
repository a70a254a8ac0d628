//! What a push reads of the outbox, and how its batches follow one another: finding a
//! batch steps over that batch's rows only, however many entries were synced before it
//! or wait FAILED behind it (counted, not timed: `Store::outbox_reads`); and a batch that
//! fails in transit stops the push before the next one, already read, is marked SYNCING
//! or sent (the push overlaps reading batch k+1 with sending batch k).

use crate::sync_support;

use chrono::Utc;
use motordesk::sync::{SyncError, SyncOptions, sync_once_with};
use motordesk_core::SyncStatus;
use motordesk_core::protocol::FaultPlan;
use sync_support::*;

/// `(rows walked, entries opened)` by `f` on this thread.
fn reads_of<T>(kiosk: &Kiosk, f: impl FnOnce() -> T) -> (T, u64, u64) {
    let before = kiosk.store.outbox_reads();
    let out = f();
    let after = kiosk.store.outbox_reads();
    (
        out,
        after.walked - before.walked,
        after.opened - before.opened,
    )
}

#[test]
fn a_batch_is_found_without_walking_the_entries_synced_before_it_or_failed_behind_it() {
    let kiosk = Kiosk::new();
    kiosk.issue(90);
    let store = &kiosk.store;
    let mut due = store.outbox_due(Utc::now(), usize::MAX).unwrap();
    assert_eq!(due.len(), 90);
    due.sort_by_key(|e| e.seq);
    let seqs: Vec<u64> = due.iter().map(|e| e.seq).collect();
    // The first 60 synced, the next 20 refused by the server (they wait for a person),
    // 10 left PENDING.
    store.mark_syncing(&seqs[..60]).unwrap();
    store.mark_synced(&seqs[..60], Utc::now()).unwrap();
    for &seq in &seqs[60..80] {
        store.mark_rejected(seq, "rechazado en la prueba").unwrap();
    }

    let (batch, walked, opened) = reads_of(&kiosk, || store.outbox_due(Utc::now(), 5).unwrap());
    let got: Vec<u64> = batch.iter().map(|e| e.seq).collect();
    assert_eq!(got, seqs[80..85], "the oldest PENDING, oldest first");
    assert_eq!(opened, 5, "only the batch's entries are opened");
    assert_eq!(walked, 5, "only the batch's index rows are walked");

    // Fewer PENDING than the batch: the FAILED ones are looked at in their plain rows,
    // and the 20 waiting for a person are not opened.
    let (batch, walked, opened) = reads_of(&kiosk, || store.outbox_due(Utc::now(), 50).unwrap());
    assert_eq!(batch.len(), 10);
    assert!(batch.iter().all(|e| e.status == SyncStatus::Pending));
    assert_eq!(opened, 10);
    assert!(walked <= 10 + 2 * 20, "{walked}");

    // One of them becomes due again (a transient failure whose backoff has passed).
    let past = Utc::now() - chrono::Duration::seconds(5);
    store.mark_failed(seqs[85], "sin respuesta", past).unwrap();
    let soon = Utc::now() + chrono::Duration::seconds(60);
    store.mark_failed(seqs[86], "sin respuesta", soon).unwrap();
    let (batch, _, opened) = reads_of(&kiosk, || store.outbox_due(Utc::now(), 50).unwrap());
    let got: Vec<u64> = batch.iter().map(|e| e.seq).collect();
    let mut want: Vec<u64> = seqs[80..90].to_vec();
    want.retain(|&s| s != seqs[86]);
    assert_eq!(
        got, want,
        "the due FAILED one in seq order among the PENDING"
    );
    assert_eq!(opened, 9, "the one waiting for its backoff is not opened");
    let (next, _, opened) = reads_of(&kiosk, || store.next_retry_at().unwrap());
    assert_eq!(
        next.map(|t| t.timestamp_micros()),
        Some(past.timestamp_micros())
    );
    assert_eq!(opened, 0, "the next retry comes from the plain rows");
}

#[test]
fn a_batch_failing_in_transit_stops_the_push_before_the_next_is_marked_or_sent() {
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    let issued = kiosk.issue(23);
    server.faults(FaultPlan {
        fail_next_n_with_500: 1,
        ..FaultPlan::default()
    });
    let client = kiosk.client();
    let opts = SyncOptions {
        batch_size: 5,
        ..SyncOptions::default()
    };

    let err = sync_once_with(&kiosk.store, &client, &opts).unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 500, .. }),
        "{err}"
    );
    let counts = kiosk.store.sync_counts().unwrap();
    // The first batch failed; the second had been read meanwhile but is neither SYNCING
    // nor FAILED: nothing waits in flight for a restart.
    assert_eq!(counts.failed, 5, "{counts:?}");
    assert_eq!(counts.syncing, 0, "{counts:?}");
    assert_eq!(counts.pending, 18, "{counts:?}");
    assert!(server.invoices().is_empty());
    for e in kiosk
        .store
        .outbox_with_status(SyncStatus::Pending, usize::MAX)
        .unwrap()
    {
        assert_eq!(e.attempts, 0, "seq {} was never sent", e.seq);
    }

    // The rest goes in overlapping batches: every invoice once, all SYNCED.
    kiosk.retry_all();
    let report = sync_once_with(&kiosk.store, &client, &opts).unwrap();
    assert_eq!(report.requests, 5);
    assert_eq!(report.applied, 23);
    assert_eq!(report.duplicates, 0);
    assert_eq!(report.remaining, 0);
    kiosk.assert_all_synced();
    assert_server_has_exactly(&server, &issued);
}
