//! Sync under faults, against a real server process: server down, 500s, timeouts, a
//! connection cut after the server applied the batch, a server restart mid-batch. Each
//! test ends with nothing lost, nothing duplicated and everything SYNCED.

use crate::sync_support;

use motordesk::sync::{
    Connectivity, SyncConfig, SyncError, SyncHandle, SyncOptions, sync_once, sync_once_with,
};
use motordesk_core::SyncStatus;
use motordesk_core::protocol::FaultPlan;
use std::sync::Arc;
use std::time::Duration;
use sync_support::*;

#[test]
fn server_down_kiosk_keeps_selling_then_everything_syncs() {
    let mut server = Server::start();
    let kiosk = Kiosk::registered(&server);
    server.kill();

    let handle = SyncHandle::start_with(
        kiosk.store.clone(),
        Arc::new(|| {}),
        SyncConfig {
            period: Duration::from_millis(300),
            offline_probe: Duration::from_millis(200),
            timeout: Duration::from_secs(5),
            ..SyncConfig::default()
        },
    );
    let issued = kiosk.issue(25);
    handle.nudge();
    wait_for(30, "offline state", || {
        let st = handle.state();
        (st.connectivity == Connectivity::Offline && st.counts.pending >= 25).then_some(())
    });
    // Offline: every sale is saved locally and waits as PENDING.
    assert_eq!(
        kiosk.store.sync_counts().unwrap().pending,
        kiosk.unsynced_seqs().len() as u64
    );
    let st = handle.state();
    assert!(st.last_error.is_some());
    // The screen shows the Spanish side of the same failure.
    let es = st.last_error_es.expect("a Spanish message");
    assert!(es.contains("servidor") || es.contains("conexión"), "{es}");

    server.restart();
    handle.nudge();
    let st = wait_for(60, "everything synced", || {
        let st = handle.state();
        (st.counts.unsynced() == 0 && st.last_sync_at.is_some()).then_some(st)
    });
    assert!(matches!(
        st.connectivity,
        Connectivity::Reconnected | Connectivity::Online
    ));
    assert_eq!(st.last_error, None);
    assert_eq!(st.last_error_es, None);
    drop(handle);
    kiosk.assert_all_synced();
    assert_server_has_exactly(&server, &issued);
}

#[test]
fn server_errors_500_are_retried_with_backoff() {
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    let issued = kiosk.issue(30);
    server.faults(FaultPlan {
        fail_next_n_with_500: 2,
        ..FaultPlan::default()
    });
    let client = kiosk.client();

    let err = sync_once(&kiosk.store, &client).unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 500, .. }),
        "{err}"
    );
    let failed = kiosk
        .store
        .outbox_with_status(SyncStatus::Failed, usize::MAX)
        .unwrap();
    assert!(!failed.is_empty());
    for e in &failed {
        assert!(!e.rejected);
        assert_eq!(e.attempts, 1);
        let wait = e.next_attempt_at.unwrap() - e.modified_at;
        assert!(
            wait <= chrono::Duration::seconds(2),
            "first retry within the 2 s window"
        );
    }

    kiosk.retry_all();
    assert!(
        sync_once(&kiosk.store, &client).is_err(),
        "second injected 500"
    );
    kiosk.retry_all();
    let report = sync_once(&kiosk.store, &client).unwrap();
    assert_eq!(report.duplicates, 0);
    assert_eq!(report.remaining, 0);
    kiosk.assert_all_synced();
    assert_server_has_exactly(&server, &issued);
}

#[test]
fn timeout_then_retry_is_never_a_second_sale() {
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    let issued = kiosk.issue(10);
    // The first push is applied, but answered only after the client gave up.
    server.faults(FaultPlan {
        delay_ms: 3_000,
        delay_next_n: 1,
        ..FaultPlan::default()
    });
    let impatient = kiosk.client_with_timeout(Duration::from_millis(800));
    let err = sync_once(&kiosk.store, &impatient).unwrap_err();
    assert!(matches!(err, SyncError::Transport(_)), "{err}");
    assert!(kiosk.store.sync_counts().unwrap().failed > 0);

    // The server committed the batch before its slow answer.
    assert_server_has_exactly(&server, &issued);

    kiosk.retry_all();
    let report = sync_once(&kiosk.store, &kiosk.client()).unwrap();
    // Everything the timed-out push carried is answered `duplicate`, not applied again.
    assert_eq!(report.applied, 0, "{report:?}");
    assert!(report.duplicates >= issued.len(), "{report:?}");
    kiosk.assert_all_synced();
    assert_server_has_exactly(&server, &issued);
}

#[test]
fn connection_reset_after_apply_answers_duplicate_on_retry() {
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    let issued = kiosk.issue(12);
    server.faults(FaultPlan {
        drop_connection_after_apply_next_n: 1,
        ..FaultPlan::default()
    });
    let client = kiosk.client();
    let err = sync_once(&kiosk.store, &client).unwrap_err();
    assert!(
        matches!(err, SyncError::Transport(_)),
        "the kiosk never saw an answer: {err}"
    );
    // The server did commit the batch.
    assert_server_has_exactly(&server, &issued);
    let counts = kiosk.store.sync_counts().unwrap();
    assert_eq!(counts.failed, kiosk.unsynced_seqs().len() as u64);

    kiosk.retry_all();
    let report = sync_once(&kiosk.store, &client).unwrap();
    assert_eq!(report.applied, 0, "{report:?}");
    assert_eq!(report.duplicates as u64, counts.failed, "{report:?}");
    kiosk.assert_all_synced();
    assert_server_has_exactly(&server, &issued);
}

#[test]
fn server_restart_mid_batch_loses_nothing() {
    let mut server = Server::start();
    let kiosk = Kiosk::registered(&server);
    let issued = kiosk.issue(40);
    server.faults(FaultPlan {
        delay_ms: 5_000,
        delay_next_n: 1,
        ..FaultPlan::default()
    });
    let store = kiosk.store.clone();
    let client = kiosk.client();
    let opts = SyncOptions {
        batch_size: 15,
        ..SyncOptions::default()
    };
    let pushing = std::thread::spawn(move || sync_once_with(&store, &client, &opts));
    // Kill the server while the first batch is in flight.
    wait_for(30, "a batch in flight", || {
        (kiosk.store.sync_counts().unwrap().syncing > 0).then_some(())
    });
    server.restart();
    let err = pushing.join().unwrap().unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(server.invoices().len() < issued.len());

    // Restart of the kiosk side too: nothing may stay SYNCING.
    kiosk.store.reset_syncing().unwrap();
    kiosk.retry_all();
    let report = sync_once_with(&kiosk.store, &kiosk.client(), &opts).unwrap();
    assert_eq!(report.remaining, 0, "{report:?}");
    assert!(report.requests >= 3, "batched by 15: {report:?}");
    kiosk.assert_all_synced();
    assert_server_has_exactly(&server, &issued);
}

#[test]
fn syncing_left_by_a_crash_is_pushed_again_and_deduplicated() {
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    let issued = kiosk.issue(5);
    let client = kiosk.client();
    sync_once(&kiosk.store, &client).unwrap();
    // Simulate a crash between "server applied" and "kiosk marked SYNCED": the same
    // entries are in flight again when the kiosk dies.
    let more = kiosk.issue(3);
    let seqs = kiosk.unsynced_seqs();
    server.faults(FaultPlan {
        drop_connection_after_apply_next_n: 1,
        ..FaultPlan::default()
    });
    assert!(sync_once(&kiosk.store, &client).is_err());
    kiosk.store.mark_syncing(&seqs).unwrap();
    assert_eq!(kiosk.store.reset_syncing().unwrap(), seqs.len());
    // PENDING again: pushed at once, and the server recognises every key.
    let report = sync_once(&kiosk.store, &client).unwrap();
    assert_eq!(report.applied, 0, "{report:?}");
    assert_eq!(report.duplicates, seqs.len(), "{report:?}");
    kiosk.assert_all_synced();
    let all: Vec<String> = issued.into_iter().chain(more).collect();
    assert_server_has_exactly(&server, &all);
}

#[test]
fn a_failing_pull_does_not_stop_the_kiosks_own_sales_from_uploading() {
    let server = Server::start();
    let kiosk = Kiosk::registered(&server);
    let issued = kiosk.issue(5);
    server.faults(FaultPlan {
        fail_next_n_pulls_with_500: 3,
        ..FaultPlan::default()
    });
    let err = sync_once(&kiosk.store, &kiosk.client()).unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 500, .. }),
        "{err}"
    );
    // The pull failed, yet every sale reached the server in the same cycle.
    assert_server_has_exactly(&server, &issued);
    kiosk.assert_all_synced();
}
