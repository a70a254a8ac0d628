//! The kiosk's handle on the background sync thread. The UI reads `state()` every frame
//! (a cheap copy) and calls `nudge()` after a local save or a Reintentar; it never waits.
//!
//! This version only keeps the queue counts fresh (no server configured); the network
//! worker plugs in here.

use crate::store::Store;
use crate::sync::status::{Connectivity, SyncState};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub type Repaint = Arc<dyn Fn() + Send + Sync>;

struct Shared {
    state: Mutex<SyncState>,
    nudged: Mutex<bool>,
    wake: Condvar,
    stop: AtomicBool,
}

pub struct SyncHandle {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl SyncHandle {
    pub fn start(store: Arc<Store>, repaint: Repaint) -> SyncHandle {
        let shared = Arc::new(Shared {
            state: Mutex::new(SyncState::default()),
            nudged: Mutex::new(true),
            wake: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                while !s.stop.load(Ordering::Relaxed) {
                    match store.sync_counts() {
                        Ok(counts) => {
                            let mut st = s.state.lock().unwrap_or_else(|e| e.into_inner());
                            st.counts = counts;
                            st.connectivity = Connectivity::Disabled;
                        }
                        Err(e) => log::warn!("sync counts: {e}"),
                    }
                    repaint();
                    let mut n = s.nudged.lock().unwrap_or_else(|e| e.into_inner());
                    if !*n {
                        n = s
                            .wake
                            .wait_timeout(n, Duration::from_secs(2))
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                    *n = false;
                }
            })
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
