//! The UI thread never waits on the disk, the network or the printer: slow work runs on
//! a short-lived thread that sends its result over a channel and asks egui to repaint.
//! A panel keeps one `Job` per kind of work and polls it each frame.

use crate::ui::widgets::{Mensaje, Msg};
use std::fmt::Display;
use std::sync::mpsc::{self, Receiver, TryRecvError};

pub(super) struct Job<T> {
    rx: Option<Receiver<T>>,
}

impl<T> Default for Job<T> {
    fn default() -> Self {
        Job { rx: None }
    }
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a worker thread. A job already running is abandoned: its result
    /// is dropped on arrival (search-as-you-type keeps only the latest query).
    pub(super) fn start(&mut self, ctx: &egui::Context, work: impl FnOnce() -> T + Send + 'static) {
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let run = move || {
            let _ = tx.send(work());
            ctx.request_repaint();
        };
        if let Err(e) = std::thread::Builder::new()
            .name("ui-worker".into())
            .spawn(run)
        {
            log::error!("could not start a worker thread: {e}");
        }
        self.rx = Some(rx);
    }

    /// The result, once, when it has arrived.
    pub(super) fn poll(&mut self) -> Option<T> {
        let rx = self.rx.as_ref()?;
        match rx.try_recv() {
            Ok(v) => {
                self.rx = None;
                Some(v)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                log::error!("a worker thread ended without a result");
                self.rx = None;
                None
            }
        }
    }

    pub(super) fn busy(&self) -> bool {
        self.rx.is_some()
    }
}

impl<T: Send + 'static, E: Mensaje + Display + Send + 'static> Job<Result<T, E>> {
    /// The job's value, once, when it arrived and succeeded. A failure is logged and put
    /// in `msg` as its Spanish `mensaje()` instead, and the caller sees `None`.
    pub(super) fn poll_ok(&mut self, msg: &mut Option<Msg>) -> Option<T> {
        match self.poll()? {
            Ok(v) => Some(v),
            Err(e) => {
                log::warn!("worker job failed: {e}");
                *msg = Some(Msg::error(e.mensaje()));
                None
            }
        }
    }
}
