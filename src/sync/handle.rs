//! The kiosk's handle on the background sync thread. The UI reads `state()` every frame
//! (a cheap copy) and calls `nudge()` after a local save or a Reintentar; it never waits.
//!
//! Without a server URL and device token the thread keeps the queue counts fresh and, when
//! an administrator set up sending to SUNAT in Ajustes, sends this kiosk's signed
//! documents itself every `sunat_period` (and on `nudge()`), and asks about pending
//! voidings. With a server it checks connectivity, then runs `worker::sync_once` on
//! reconnect, every `period`, on `nudge()` and when a FAILED entry's backoff is over; the
//! server's dispatcher sends to SUNAT.
//!
//! A cycle the local store fails (a full disk) is only logged and retried like an offline
//! one: the store reopens its file by itself, and entries the failure left SYNCING go back
//! to PENDING before the next cycle (nothing is in flight between cycles).

use crate::store::Store;
use crate::sync::client::{Client, DEFAULT_TIMEOUT};
use crate::sync::error::SyncError;
use crate::sync::status::{Connectivity, SyncState};
use crate::sync::worker::{self, SyncOptions};
use chrono::Utc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub(super) type Repaint = Arc<dyn Fn() + Send + Sync>;

/// Timing of the sync thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncConfig {
    pub options: SyncOptions,
    /// Sync this often when nothing else wakes the thread.
    pub period: Duration,
    /// While offline, probe the server this often.
    pub offline_probe: Duration,
    /// A whole HTTP call may take this long.
    pub timeout: Duration,
    /// Without a server: send to SUNAT this often (when configured).
    pub sunat_period: Duration,
    /// Largest store snapshot uploaded as a backup (`sync::backup`).
    pub backup_max_bytes: usize,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            options: SyncOptions::default(),
            period: Duration::from_secs(15),
            offline_probe: Duration::from_secs(5),
            timeout: DEFAULT_TIMEOUT,
            sunat_period: Duration::from_secs(60),
            backup_max_bytes: motordesk_core::protocol::MAX_BACKUP_BYTES,
        }
    }
}

struct Shared {
    state: Mutex<SyncState>,
    nudged: Mutex<bool>,
    wake: Condvar,
    stop: AtomicBool,
    /// "Respaldar ahora" or a shift close asked for a backup at the next online cycle.
    backup_asked: AtomicBool,
}

impl Shared {
    fn update(&self, f: impl FnOnce(&mut SyncState)) {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

pub struct SyncHandle {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl SyncHandle {
    pub fn start(store: Arc<Store>, repaint: Repaint) -> SyncHandle {
        SyncHandle::start_with(store, repaint, SyncConfig::default())
    }

    pub fn start_with(store: Arc<Store>, repaint: Repaint, config: SyncConfig) -> SyncHandle {
        // A backup that failed before this start still shows until one succeeds (a good
        // one removes the recorded failure).
        let backup_error = store
            .backup_status()
            .ok()
            .and_then(|b| b.last_error)
            .map(|(_, why)| why);
        let shared = Arc::new(Shared {
            state: Mutex::new(SyncState {
                backup_error,
                ..SyncState::default()
            }),
            nudged: Mutex::new(true),
            wake: Condvar::new(),
            stop: AtomicBool::new(false),
            backup_asked: AtomicBool::new(false),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || run(&store, &s, &repaint, config))
            .expect("spawn sync thread");
        SyncHandle {
            shared,
            thread: Some(thread),
        }
    }

    pub fn state(&self) -> SyncState {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Something changed locally or a person asked to sync: wake the thread now.
    pub fn nudge(&self) {
        *self.shared.nudged.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.shared.wake.notify_all();
    }

    /// Uploads a backup of the store at the next online cycle ("Respaldar ahora", a
    /// shift close); the outcome shows in `Store::backup_status` and `SyncState`.
    pub fn backup_now(&self) {
        self.shared.backup_asked.store(true, Ordering::Relaxed);
        self.nudge();
    }

    /// Reintentar: FAILED entries (also rejected ones) go back to PENDING and the
    /// thread wakes up to push them.
    pub fn retry_now(&self, store: &Store, seqs: &[u64]) -> Result<(), crate::store::StoreError> {
        store.retry_now(seqs)?;
        self.nudge();
        Ok(())
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        self.nudge();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(store: &Store, shared: &Shared, repaint: &Repaint, config: SyncConfig) {
    // Nothing is in flight at startup: SYNCING left by a crash goes back to PENDING.
    if let Err(e) = store.reset_syncing() {
        log::warn!("sync: reset_syncing: {e}");
    }
    let mut client: Option<Client> = None;
    let mut was_offline = false;
    let mut stranded = false;
    let mut last_sunat: Option<std::time::Instant> = None;
    while !shared.stop.load(Ordering::Relaxed) {
        let wait;
        let target = store.settings().ok().and_then(|s| {
            let url = s.server_url.trim().to_string();
            match (url.is_empty(), s.device_token) {
                (false, Some(t)) if !t.is_empty() => Some((url, t)),
                _ => None,
            }
        });
        match target {
            None => {
                client = None;
                shared.update(|st| st.connectivity = Connectivity::Disabled);
                wait = Duration::from_secs(2);
                let nudged = *shared.nudged.lock().unwrap_or_else(|e| e.into_inner());
                if nudged || last_sunat.is_none_or(|t| t.elapsed() >= config.sunat_period) {
                    last_sunat = Some(std::time::Instant::now());
                    if send_to_sunat(store) {
                        shared.update(|st| st.remote_changes += 1);
                    }
                }
            }
            Some((url, token)) => {
                let c = match &client {
                    Some(c)
                        if c.base_url() == crate::sync::client::normalize_url(&url)
                            && c.token() == Some(&token) =>
                    {
                        c
                    }
                    _ => client.insert(Client::new(&url, Some(token), config.timeout)),
                };
                if stranded {
                    stranded = !requeue_syncing(store);
                }
                wait = cycle(
                    store,
                    c,
                    shared,
                    repaint,
                    &config,
                    &mut was_offline,
                    &mut stranded,
                );
            }
        }
        refresh_counts(store, shared);
        repaint();
        let mut n = shared.nudged.lock().unwrap_or_else(|e| e.into_inner());
        if !*n && !shared.stop.load(Ordering::Relaxed) {
            n = shared
                .wake
                .wait_timeout(n, wait)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *n = false;
    }
}

/// One health check + sync; returns how long to sleep before the next one.
fn cycle(
    store: &Store,
    client: &Client,
    shared: &Shared,
    repaint: &Repaint,
    config: &SyncConfig,
    was_offline: &mut bool,
    stranded: &mut bool,
) -> Duration {
    let asked = Utc::now().timestamp_millis();
    let health = client.health();
    if let Ok(Some(server_ms)) = health {
        // Half the round trip is the best guess of when the server read its clock.
        let local = (asked + Utc::now().timestamp_millis()) / 2;
        let skew = local - server_ms;
        if skew.abs() > crate::sync::status::CLOCK_WARNING_MS {
            log::warn!("sync: this clock is {skew} ms off the server's");
        }
        shared.update(|st| st.clock_skew_ms = Some(skew));
    }
    if let Err(e) = health {
        log::info!("sync: server unreachable: {e}");
        *was_offline = true;
        shared.update(|st| {
            st.connectivity = Connectivity::Offline;
            st.last_error = Some(e.to_string());
            st.last_error_es = Some(e.mensaje());
        });
        return config.offline_probe;
    }
    if *was_offline {
        shared.update(|st| st.connectivity = Connectivity::Reconnected);
        repaint();
    }
    let result = worker::sync_once_with(store, client, &config.options);
    let mut wait = config.period;
    match result {
        Ok(report) => {
            let reconnected = std::mem::take(was_offline);
            shared.update(|st| {
                // Stays RECONECTADO for one period after catching up, then EN LÍNEA.
                st.connectivity = if reconnected {
                    Connectivity::Reconnected
                } else {
                    Connectivity::Online
                };
                st.last_sync_at = Some(Utc::now());
                st.last_error = None;
                st.last_error_es = None;
                if report.pulled > 0 {
                    st.remote_changes += 1;
                }
            });
            if report.requests > 0 || report.pulled > 0 {
                log::info!("sync: {report:?}");
            }
            backup_if_asked_or_due(store, client, shared, config);
        }
        Err(e) => {
            log::warn!("sync: {e}");
            // The store failing (a full disk) may stop a push between SYNCING and the
            // server's answer; those entries go back to PENDING before the next cycle.
            *stranded |= matches!(e, SyncError::Store(_));
            let offline = matches!(e, SyncError::Transport(_));
            if offline {
                *was_offline = true;
            }
            shared.update(|st| {
                if offline {
                    st.connectivity = Connectivity::Offline;
                }
                st.last_error = Some(e.to_string());
                st.last_error_es = Some(e.mensaje());
            });
            wait = config.offline_probe;
        }
    }
    // Wake up when the earliest FAILED entry's backoff is over.
    if let Ok(Some(at)) = store.next_retry_at() {
        let until = (at - Utc::now()).to_std().unwrap_or_default();
        wait = wait.min(until.max(Duration::from_millis(500)));
    }
    wait
}

/// After a good sync: the backup someone asked for, or the daily one (24 h after the
/// last success). A failure is logged and shown; it is tried again next cycle only when
/// asked again or still due (the daily one: at most once a `period`).
fn backup_if_asked_or_due(store: &Store, client: &Client, shared: &Shared, config: &SyncConfig) {
    let asked = shared.backup_asked.swap(false, Ordering::Relaxed);
    if !asked && !crate::sync::backup::backup_due(store) {
        return;
    }
    shared.update(|st| st.backup_running = true);
    let result = crate::sync::backup::upload_backup(store, client, config.backup_max_bytes);
    shared.update(|st| {
        st.backup_running = false;
        st.backup_error = result
            .as_ref()
            .err()
            .map(crate::sync::backup::backup_mensaje);
    });
}

/// Puts entries a failed cycle left SYNCING back to PENDING (safe: nothing is in flight
/// between cycles, and the server applies each idempotency key once). False while the
/// store still fails, so the next cycle tries again.
fn requeue_syncing(store: &Store) -> bool {
    match store.reset_syncing() {
        Ok(n) => {
            if n > 0 {
                log::info!("sync: {n} entries left SYNCING by a store failure are PENDING again");
            }
            true
        }
        Err(e) => {
            log::warn!("sync: reset_syncing: {e}");
            false
        }
    }
}

/// A kiosk without a server sends its own documents and polls its voidings, when an
/// administrator configured SUNAT in Ajustes. Failures are logged; the documents wait.
/// True when SUNAT's answers changed something the screens show.
fn send_to_sunat(store: &Store) -> bool {
    let Ok(settings) = store.settings() else {
        return false;
    };
    let Some(client) = crate::sync::sunat_client(&settings) else {
        return false;
    };
    let mut changed = false;
    match crate::sync::send_pending(store, &client, SUNAT_BATCH) {
        Ok(r) => changed |= r.documents > 0,
        Err(e) => log::warn!("sunat: sending: {e}"),
    }
    match crate::sync::poll_voids(store, &client) {
        Ok(r) if !r.outcomes.is_empty() => {
            changed = true;
            log::info!(
                "sunat: voids: {} confirmed, {} pending, {} refused",
                r.voided(),
                r.pending(),
                r.refused()
            )
        }
        Ok(_) => {}
        Err(e) => log::warn!("sunat: voids: {e}"),
    }
    changed
}

/// Documents one automatic SUNAT run sends at most.
const SUNAT_BATCH: usize = 100;

fn refresh_counts(store: &Store, shared: &Shared) {
    let counts = store.sync_counts();
    let conflicts = store.conflict_count();
    shared.update(|st| {
        match counts {
            Ok(c) => st.counts = c,
            Err(e) => log::warn!("sync counts: {e}"),
        }
        if let Ok(n) = conflicts {
            st.conflicts = n;
        }
    });
}
