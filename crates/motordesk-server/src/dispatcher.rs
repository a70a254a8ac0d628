//! The SUNAT dispatcher: a background thread that sends every signed document kiosks
//! pushed, with the shop's Clave SOL (held here only, never sent to a kiosk).
//!
//! Each pass takes the due documents (oldest first) and hands them to a few workers.
//! Each document goes through `motordesk_sunat::send_document`, the same never-twice rule
//! a kiosk without a server uses: it is recorded ENVIADO before it leaves, and a document
//! whose answer was lost (a timeout, a 5xx, a kill -9 mid-send) is looked up with the
//! consult service before it is ever sent again. What is not settled after a pass
//! (no answer, EXCEPCIÓN) is due again after an exponential backoff with jitter.
//! Voidings pushed by kiosks (signed RA/RC) go through `motordesk_sunat::void_step`:
//! the ticket is recorded before it is polled, and polled until SUNAT finishes.

use crate::db::{DbResult, ServerDb};
use crate::fiscal::DueDocument;
use crate::shops::Shops;
use crate::sol_logins::SolLogins;
use chrono::Utc;
use motordesk_sunat::{ClientConfig, Credentials, DocumentName, Endpoints, Prior, SunatClient};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// First retry after about 2 s, doubling up to 10 minutes.
const RETRY_BASE: Duration = Duration::from_secs(2);
const RETRY_CAP: Duration = Duration::from_secs(10 * 60);
/// How often an idle dispatcher looks for new documents.
const IDLE_POLL: Duration = Duration::from_millis(300);

/// Where and as whom the server sends. All three of endpoint, user and password or none.
#[derive(Clone)]
pub struct SunatSettings {
    /// billService URL (SUNAT beta, production, or an OSE).
    pub endpoint: String,
    /// billConsultService URL; SUNAT's when not given.
    pub consult_endpoint: String,
    /// The SOL user without the RUC (the RUC comes from each document's file name).
    pub user: String,
    pub password: String,
    /// Whole-call timeout of one SOAP call.
    pub timeout: Duration,
    /// Documents sent at the same time.
    pub workers: usize,
    /// A chain's RUCs with their own SOL user and password (`--sunat-credentials-file`);
    /// any other RUC signs in with `user` and `password`.
    pub sol_logins: SolLogins,
}

impl std::fmt::Debug for SunatSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SunatSettings")
            .field("endpoint", &self.endpoint)
            .field("consult_endpoint", &self.consult_endpoint)
            .field("user", &self.user)
            .field("password", &"***")
            .field("timeout", &self.timeout)
            .field("workers", &self.workers)
            .field("sol_logins", &self.sol_logins)
            .finish()
    }
}

impl SunatSettings {
    /// The SOL user (without the RUC) and password documents of `ruc` are sent with.
    pub fn login_for(&self, ruc: &str) -> (&str, &str) {
        match self.sol_logins.get(ruc) {
            Some(l) => (l.user.as_str(), l.password.as_str()),
            None => (self.user.trim(), self.password.as_str()),
        }
    }

    fn client_for(&self, ruc: &str) -> SunatClient {
        let consult = match self.consult_endpoint.trim() {
            "" => Endpoints::SUNAT_CONSULT,
            url => url,
        };
        let (user, password) = self.login_for(ruc);
        SunatClient::new(ClientConfig::new(
            Endpoints::custom(self.endpoint.trim(), consult),
            Credentials::new(ruc, user, password.to_string()),
            self.timeout,
        ))
    }
}

/// What one pass did (for logs and the benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub documents: usize,
    pub sent: usize,
    pub consulted: usize,
    pub settled: usize,
    pub retried: usize,
    /// Voiding steps taken (send or ticket poll).
    pub voids: usize,
}

/// Stops the dispatcher thread when dropped (or on `stop`).
pub struct Dispatcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Dispatcher {
    /// Starts the dispatcher thread on every shop of `shops` (one pass per shop in
    /// turn: each shop's queue, claims and documents are its own).
    pub fn start(shops: Arc<Shops>, settings: SunatSettings) -> Dispatcher {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sunat-dispatcher".into())
            .spawn(move || run(&shops, &settings, &flag))
            .expect("spawn the SUNAT dispatcher thread");
        Dispatcher {
            stop,
            thread: Some(thread),
        }
    }

    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        self.halt();
    }
}

fn run(shops: &Shops, settings: &SunatSettings, stop: &AtomicBool) {
    log::info!(
        "sunat dispatcher: sending to {} as <RUC>{} with {} workers ({} RUCs with their own SOL user)",
        settings.endpoint,
        settings.user,
        settings.workers,
        settings.sol_logins.len()
    );
    let mut clients = HashMap::new();
    while !stop.load(Ordering::Relaxed) {
        // Read each round: a shop added meanwhile (PostgreSQL) is served without a restart.
        let all = match shops.all() {
            Ok(all) => all,
            Err(e) => {
                log::error!("sunat dispatcher: shops: {e}");
                std::thread::sleep(Duration::from_secs(2));
                continue;
            }
        };
        let mut busy = false;
        for (shop, db) in all {
            match pass(&db, settings, &mut clients) {
                Ok(r) if r.documents > 0 || r.voids > 0 => {
                    busy = true;
                    log::info!("sunat dispatcher: shop {shop}: {r:?}");
                }
                Ok(_) => {}
                Err(e) => log::error!("sunat dispatcher: shop {shop}: database: {e}"),
            }
        }
        if !busy {
            std::thread::sleep(IDLE_POLL);
        }
    }
}

/// One pass over what is due now: up to `workers × 8` documents, split among the workers.
pub fn pass(
    db: &ServerDb,
    settings: &SunatSettings,
    clients: &mut HashMap<String, SunatClient>,
) -> DbResult<PassReport> {
    let workers = settings.workers.clamp(1, 32);
    // Held until this pass returns: other instances skip these documents meanwhile.
    let mut claims = db.claims()?;
    let due = db.fiscal_due(Utc::now(), workers * 8, &mut claims)?;
    let voids = db.voids_due(Utc::now(), workers * 8, &mut claims)?;
    let mut report = PassReport {
        documents: due.len(),
        voids: voids.len(),
        ..PassReport::default()
    };
    // Voidings first: few, and each one a summary SUNAT answers with a ticket.
    for v in &voids {
        let ruc = v.file_name.get(..11).unwrap_or_default();
        let client = clients
            .entry(ruc.to_string())
            .or_insert_with(|| settings.client_for(ruc));
        let mut record_ticket = |t: &str| db.record_void_ticket(v.invoice_id, t);
        let step = motordesk_sunat::void_step(
            client,
            &v.file_name,
            v.xml.as_bytes(),
            v.ticket.clone(),
            &mut record_ticket,
        )?;
        log::info!("sunat dispatcher: void {}: {step:?}", v.file_name);
        db.record_void_step(v.invoice_id, &step, retry_at(v.tries))?;
    }
    if due.is_empty() {
        return Ok(report);
    }
    for d in &due {
        if let Ok(n) = DocumentName::parse(&d.file_name) {
            clients
                .entry(n.ruc().to_string())
                .or_insert_with(|| settings.client_for(n.ruc()));
        }
    }
    let clients = &*clients;
    let chunk = due.len().div_ceil(workers);
    let results: Vec<DbResult<PassReport>> = std::thread::scope(|s| {
        let handles: Vec<_> = due
            .chunks(chunk)
            .map(|docs| s.spawn(move || send_all(db, clients, docs)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("dispatcher worker panicked"))
            .collect()
    });
    for r in results {
        let r = r?;
        report.sent += r.sent;
        report.consulted += r.consulted;
        report.settled += r.settled;
        report.retried += r.retried;
    }
    Ok(report)
}

fn send_all(
    db: &ServerDb,
    clients: &HashMap<String, SunatClient>,
    docs: &[DueDocument],
) -> DbResult<PassReport> {
    let mut report = PassReport::default();
    for d in docs {
        let client = DocumentName::parse(&d.file_name)
            .ok()
            .and_then(|n| clients.get(n.ruc()));
        let Some(client) = client else {
            log::error!("sunat dispatcher: {}: not a SUNAT file name", d.file_name);
            retry_later(db, d)?;
            report.retried += 1;
            continue;
        };
        let mut record = |outcome| -> DbResult<_> {
            match db.record_fiscal(d.invoice_id, outcome)? {
                Ok(state) => Ok(state),
                Err(e) => {
                    log::warn!("sunat dispatcher: {}: {e}", d.file_name);
                    Ok(db.fiscal_state(d.invoice_id)?.map_or(d.state, |u| u.state))
                }
            }
        };
        let prior = Prior {
            state: d.state,
            outcome_unknown: d.outcome_unknown,
        };
        let done = motordesk_sunat::send_document(
            client,
            &d.file_name,
            d.xml.as_bytes(),
            prior,
            &mut record,
        )?;
        report.sent += usize::from(done.sent);
        report.consulted += done.consulted as usize;
        if let Some(p) = &done.problem {
            log::warn!("sunat dispatcher: {p}");
        }
        if done.state.is_final() {
            report.settled += 1;
        } else {
            retry_later(db, d)?;
            report.retried += 1;
        }
    }
    Ok(report)
}

fn retry_later(db: &ServerDb, d: &DueDocument) -> DbResult<()> {
    db.retry_fiscal_at(d.invoice_id, retry_at(d.tries))
}

/// When something tried `tries` times already is due again: jittered exponential backoff,
/// never sooner than a second (a SUNAT that answers at once must not be spun).
fn retry_at(tries: u32) -> chrono::DateTime<Utc> {
    let delay = motordesk_core::retry_delay(tries + 1, RETRY_BASE, RETRY_CAP, random_unit());
    let delay = delay.max(Duration::from_secs(1));
    Utc::now() + chrono::Duration::milliseconds(delay.as_millis() as i64)
}

fn random_unit() -> f64 {
    use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
    (OsRng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}
