//! Crash harness (issue 12), driven by `scripts/crash-test.sh`.
//!
//! `crash_issuer issue DIR [--count K]` opens (or creates and sets up) the store in `DIR`
//! and issues documents in a loop, printing each number only after `issue_invoice`
//! returned Ok, so every printed number was durably committed. The script kills it with
//! SIGKILL at a random moment, then runs `crash_issuer verify DIR PRINTED`, which checks
//! what a crash must never break: the store opens, every printed number is there, each
//! series is 1..=max without gaps or duplicates, and the outbox holds exactly one entry
//! per unsynced invoice (and per signed XML). Exit codes: 0 ok, 1 violation or error,
//! 2 usage, 3 an interrupted first `Store::create` left a store that cannot be used.

use chrono::Utc;
use motordesk::store::{DB_FILE, Store, StoreResult};
use motordesk_core::{
    Buyer, DocumentKind, DocumentNumber, IdDocument, IdKind, Invoice, InvoiceDraft, Modifies,
    NoteReason, RecordKind, SaleLine, SyncStatus, TaxAffectation, Unit,
};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use uuid::Uuid;

const USER: &str = "admin";
const PASSWORD: &str = "crash-test";
/// First stdout line of `issue` once the store is open and set up, with the number of
/// invoices it held then (lets `verify` count commits the run did not print).
const READY: &str = "# ready invoices=";
/// Written by `verify` in `DIR` once it has seen a completely created store: from then
/// on a store that does not open is a violation, never an interrupted creation.
const CREATED_MARKER: &str = "created.ok";
/// How many violations one `verify` lists before summing up the rest.
const SHOWN: usize = 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["issue", dir] => exit_issue(issue(Path::new(dir), None)),
        ["issue", dir, "--count", k] => match k.parse() {
            Ok(k) => exit_issue(issue(Path::new(dir), Some(k))),
            Err(_) => usage(),
        },
        ["verify", dir, printed] => match verify(Path::new(dir), Path::new(printed)) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(Failure::Violation(msg)) => {
                eprintln!("verify: VIOLATION in {dir}: {msg}");
                ExitCode::from(1)
            }
            Err(Failure::BrokenCreation(msg)) => {
                eprintln!("verify: interrupted creation left a broken store in {dir}: {msg}");
                ExitCode::from(3)
            }
        },
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: crash_issuer issue DIR [--count K] | crash_issuer verify DIR PRINTED_FILE");
    ExitCode::from(2)
}

fn exit_issue(r: Result<(), String>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("issue: {e}");
            ExitCode::from(1)
        }
    }
}

/// The error and all its causes on one line.
fn chain(e: &dyn Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        // thiserror's `#[error("{0}")]` repeats the cause; say it once.
        if !s.ends_with(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cur = c.source();
    }
    s
}

fn ctx<T, E: Error>(r: Result<T, E>, what: &str) -> Result<T, String> {
    r.map_err(|e| format!("{what}: {}", chain(&e)))
}

// ---- issue ------------------------------------------------------------------------

fn issue(dir: &Path, count: Option<u64>) -> Result<(), String> {
    let path = dir.join(DB_FILE);
    let exists = ctx(Store::is_initialized(&path), "checking the store")?;
    let store = if exists {
        ctx(Store::unlock(&path, USER, PASSWORD), "opening the store")?
    } else {
        ctx(
            Store::create(&path, USER, PASSWORD, "Crash test"),
            "creating the store",
        )?
    };
    ctx(set_up(&store), "setting up the shop")?;
    let before = ctx(store.count(RecordKind::Invoice), "counting invoices")?;
    let mut out = std::io::stdout().lock();
    let mut say = |line: &str| -> Result<(), String> {
        // Flushed per line: what the kill leaves in the file is exactly what was said.
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("writing stdout: {e}"))
    };
    say(&format!("{READY}{before}"))?;
    let mut last_boleta: Option<Invoice> = None;
    let mut i = 0u64;
    while count.is_none_or(|k| i < k) {
        let d = draft(before + i, last_boleta.as_ref());
        let inv = ctx(store.issue_invoice(d), &format!("issuing document {i}"))?;
        say(&inv.number.to_string())?;
        match inv.kind {
            DocumentKind::Boleta => last_boleta = Some(inv),
            // One note per boleta keeps the credited total below the original's.
            DocumentKind::NotaDeCredito => last_boleta = None,
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The demo shop's settings and certificate, finishing whatever an earlier run that was
/// killed during setup left undone (each step is its own transaction).
fn set_up(store: &Store) -> StoreResult<()> {
    if store.certificate_info()?.is_none() {
        motordesk::demo::setup_shop(store)?;
    } else if store.settings()?.sunat_issuer().is_err() {
        motordesk::demo::configure_shop(store)?;
    }
    Ok(())
}

fn line(description: &str, price: Decimal) -> SaleLine {
    SaleLine {
        product_id: None,
        code: "SRV-001".into(),
        description: description.into(),
        unit: Unit::Servicio,
        quantity: Decimal::ONE,
        unit_price: price,
        discount: Decimal::ZERO,
        affectation: TaxAffectation::Gravado,
    }
}

/// Mostly boletas, with facturas, notas de venta and credit notes mixed in so four
/// series (B001, F001, NV01, BC01) are numbered side by side.
fn draft(n: u64, last_boleta: Option<&Invoice>) -> InvoiceDraft {
    let price = Decimal::new(3500 + (n % 500) as i64, 2);
    match (n % 8, last_boleta) {
        (5, _) => {
            let mut d = InvoiceDraft::new(DocumentKind::Factura);
            d.buyer = Buyer {
                customer_id: None,
                id: IdDocument::new(IdKind::Ruc, "20131312955").expect("valid test RUC"),
                name: "TRANSPORTES ANDINOS S.A.C.".into(),
                address: "AV. ARGENTINA 2450, LIMA".into(),
            };
            d.lines = vec![line("Mantenimiento preventivo", price)];
            d
        }
        (6, _) => {
            let mut d = InvoiceDraft::new(DocumentKind::NotaDeVenta);
            d.lines = vec![line("Lavado", price)];
            d
        }
        (7, Some(of)) => {
            let mut d = InvoiceDraft::new(DocumentKind::NotaDeCredito);
            d.buyer = of.buyer.clone();
            d.lines = vec![line("Ajuste del servicio", Decimal::ONE)];
            d.modifies = Some(Modifies::of(of, NoteReason::DevolucionPorItem, ""));
            d
        }
        _ => {
            let mut d = InvoiceDraft::new(DocumentKind::Boleta);
            d.lines = vec![line("Cambio de aceite", price)];
            d
        }
    }
}

// ---- verify -----------------------------------------------------------------------

enum Failure {
    Violation(String),
    /// Only before the store was ever seen complete: the first `Store::create` was
    /// interrupted and left something that cannot be used.
    BrokenCreation(String),
}

fn violation(msg: impl Into<String>) -> Failure {
    Failure::Violation(msg.into())
}

/// What the killed run printed.
struct Printed {
    /// Invoices in the store when the run was ready to issue (None: killed before).
    ready_with: Option<u64>,
    numbers: Vec<String>,
}

fn read_printed(file: &Path) -> Result<Printed, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| violation(format!("reading {}: {e}", file.display())))?;
    let mut p = Printed {
        ready_with: None,
        numbers: Vec::new(),
    };
    for (i, l) in text.lines().enumerate() {
        if let Some(k) = l.strip_prefix(READY) {
            p.ready_with = Some(
                k.parse()
                    .map_err(|_| violation(format!("line {}: bad ready line {l:?}", i + 1)))?,
            );
        } else if !l.starts_with('#') && !l.is_empty() {
            // Parsed so a torn or garbled line is reported, not silently ignored.
            let n = DocumentNumber::parse(l)
                .map_err(|e| violation(format!("line {}: {l:?} is not a number: {e}", i + 1)))?;
            p.numbers.push(n.to_string());
        }
    }
    Ok(p)
}

fn verify(dir: &Path, printed_file: &Path) -> Result<String, Failure> {
    let printed = read_printed(printed_file)?;
    let marker = dir.join(CREATED_MARKER);
    let created = marker.exists() || printed.ready_with.is_some();
    let broken = |msg: String| {
        if created {
            Failure::Violation(msg)
        } else {
            Failure::BrokenCreation(msg)
        }
    };
    let path = dir.join(DB_FILE);
    let started = Instant::now();
    if !path.exists() {
        if created || !printed.numbers.is_empty() {
            return Err(violation(format!("{} is gone", path.display())));
        }
        return Ok("verify: ok invoices=0 printed=0 (killed before the store file existed)".into());
    }
    match Store::is_initialized(&path) {
        Ok(true) => {}
        Ok(false) if !created => {
            // No key slot committed yet: the next `Store::create` starts over on this file.
            return Ok("verify: ok invoices=0 printed=0 (killed before the first account)".into());
        }
        Ok(false) => return Err(violation("the store lost its accounts")),
        Err(e) => return Err(broken(format!("the store does not open: {}", chain(&e)))),
    }
    let store = Store::unlock(&path, USER, PASSWORD)
        .map_err(|e| broken(format!("unlock as {USER} fails: {}", chain(&e))))?;
    let open_ms = started.elapsed().as_millis();
    match store.user(USER) {
        Ok(Some(_)) => {}
        Ok(None) => {
            return Err(broken(format!(
                "{USER} has a key slot but no user record (the kiosk would log them in as a \
                 cajero, without Ajustes)"
            )));
        }
        Err(e) => return Err(broken(format!("reading user {USER}: {}", chain(&e)))),
    }
    if !marker.exists() {
        std::fs::write(&marker, b"")
            .map_err(|e| violation(format!("writing {}: {e}", marker.display())))?;
    }
    let mut found = Vec::new();
    let summary = check_store(&store, &printed, &mut found).map_err(violation)?;
    if !found.is_empty() {
        let total = found.len();
        found.truncate(SHOWN);
        let more = total - found.len();
        let mut msg = format!("{total} problem(s):\n  {}", found.join("\n  "));
        if more > 0 {
            msg.push_str(&format!("\n  … and {more} more"));
        }
        return Err(violation(msg));
    }
    Ok(format!("verify: ok {summary} open_ms={open_ms}"))
}

/// Every invariant a crash must not break; problems go to `found`, an `Err` is a store
/// call that failed outright.
fn check_store(
    store: &Store,
    printed: &Printed,
    found: &mut Vec<String>,
) -> Result<String, String> {
    let invoices = ctx(store.list::<Invoice>(), "listing invoices")?;
    let counted = ctx(store.count(RecordKind::Invoice), "counting invoices")?;
    if counted != invoices.len() as u64 {
        found.push(format!(
            "count(Invoice) says {counted}, the table lists {}",
            invoices.len()
        ));
    }
    let by_id: HashMap<Uuid, &Invoice> = invoices.iter().map(|s| (s.data.id, &s.data)).collect();

    // Numbering: each series exactly 1..=max.
    let mut series: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for s in &invoices {
        let n = &s.data.number;
        series
            .entry(n.series.to_string())
            .or_default()
            .push(n.correlative);
    }
    let mut ranges = Vec::new();
    for (name, nums) in &mut series {
        nums.sort_unstable();
        let max = *nums.last().unwrap_or(&0);
        for w in nums.windows(2) {
            if w[0] == w[1] {
                found.push(format!("{name}: correlative {} issued twice", w[0]));
            }
        }
        let have: HashSet<u32> = nums.iter().copied().collect();
        for c in (1..=max).filter(|c| !have.contains(c)) {
            found.push(format!("{name}: correlative {c} missing (max {max})"));
        }
        ranges.push(format!("{name}:1..={max}"));
    }

    // Every printed number survived the kill.
    let numbers: HashSet<String> = invoices.iter().map(|s| s.data.number.to_string()).collect();
    let mut seen = HashSet::new();
    for n in &printed.numbers {
        if !seen.insert(n) {
            found.push(format!("{n} was printed twice by the killed run"));
        }
        if !numbers.contains(n) {
            found.push(format!(
                "{n} was printed (committed) but is not in the store"
            ));
        }
    }
    // The run prints after each commit, so a kill leaves at most one commit unprinted.
    let mut unprinted = 0;
    if let Some(before) = printed.ready_with {
        let expected = before + printed.numbers.len() as u64;
        let now = invoices.len() as u64;
        if now < expected {
            found.push(format!(
                "{now} invoices, fewer than the {before} at start plus {} printed",
                printed.numbers.len()
            ));
        } else {
            unprinted = now - expected;
            if unprinted > 1 {
                found.push(format!(
                    "{unprinted} invoices committed but never printed (at most 1 expected)"
                ));
            }
        }
    }

    // The number index and the list rows agree with the records.
    for s in &invoices {
        let inv = &s.data;
        match store.invoice_by_number(&inv.number) {
            Ok(Some(hit)) if hit.data.id == inv.id => {}
            Ok(Some(hit)) => found.push(format!(
                "{}: number index points at another document ({})",
                inv.number, hit.data.number
            )),
            Ok(None) => found.push(format!("{}: missing from the number index", inv.number)),
            Err(e) => found.push(format!(
                "{}: number lookup fails: {}",
                inv.number,
                chain(&e)
            )),
        }
    }
    let summaries = ctx(store.invoice_summaries(), "loading the document list")?;
    if summaries.len() != invoices.len() {
        found.push(format!(
            "{} list rows for {} invoices",
            summaries.len(),
            invoices.len()
        ));
    }
    for row in &summaries {
        match by_id.get(&row.id) {
            Some(inv) if inv.number == row.number => {}
            Some(inv) => found.push(format!(
                "list row {} for invoice {}",
                row.number, inv.number
            )),
            None => found.push(format!("list row {} has no invoice", row.number)),
        }
    }

    // The outbox: the status index and the entries agree, and nothing is syncing here.
    let counts = ctx(store.sync_counts(), "sync counts")?;
    let mut entries = Vec::new();
    for (status, indexed) in [
        (SyncStatus::Pending, counts.pending),
        (SyncStatus::Syncing, counts.syncing),
        (SyncStatus::Failed, counts.failed),
    ] {
        let listed = ctx(
            store.outbox_with_status(status, usize::MAX),
            "listing the outbox",
        )?;
        if listed.len() as u64 != indexed {
            found.push(format!(
                "outbox: {indexed} {status:?} in the status index, {} entries behind them",
                listed.len()
            ));
        }
        if status != SyncStatus::Pending && !listed.is_empty() {
            found.push(format!(
                "outbox: {} {status:?} entries, but nothing syncs in this harness",
                listed.len()
            ));
        }
        for e in &listed {
            if e.status != status {
                found.push(format!(
                    "outbox seq {}: indexed {status:?}, entry says {:?}",
                    e.seq, e.status
                ));
            }
        }
        entries.extend(listed);
    }
    let mut seqs = HashSet::new();
    let mut per_record: HashMap<(RecordKind, Uuid), Vec<&motordesk::store::OutboxEntry>> =
        HashMap::new();
    for e in &entries {
        if !seqs.insert(e.seq) {
            found.push(format!("outbox seq {} listed twice", e.seq));
        }
        per_record.entry((e.kind, e.record_id)).or_default().push(e);
    }
    for ((kind, id), es) in &per_record {
        let known = matches!(kind, RecordKind::Invoice | RecordKind::Comprobante);
        if !known || !by_id.contains_key(id) {
            found.push(format!(
                "outbox seq {}: {kind:?} {id} has no invoice here",
                es[0].seq
            ));
        }
    }

    // Per invoice: one entry for the record, one for its signed XML (fiscal only).
    let mut fiscal = 0u64;
    for s in &invoices {
        let inv = &s.data;
        let own = per_record
            .get(&(RecordKind::Invoice, inv.id))
            .map_or(0, Vec::len);
        match s.meta.status {
            SyncStatus::Synced if own == 0 => {}
            SyncStatus::Synced => {
                found.push(format!("{}: synced but {own} outbox entries", inv.number))
            }
            _ if own != 1 => found.push(format!(
                "{}: {:?} with {own} outbox entries (exactly 1 expected)",
                inv.number, s.meta.status
            )),
            _ => {
                let e = per_record[&(RecordKind::Invoice, inv.id)][0];
                if e.version != s.meta.version {
                    found.push(format!(
                        "{}: record version {}, outbox entry pushes version {}",
                        inv.number, s.meta.version, e.version
                    ));
                }
            }
        }
        let xml_entries = per_record
            .get(&(RecordKind::Comprobante, inv.id))
            .map_or(0, Vec::len);
        let xml = ctx(store.comprobante_xml(inv.id), "reading an XML")?;
        if inv.kind.is_fiscal() {
            fiscal += 1;
            match xml {
                Some(x) if x.is_signed() => {}
                Some(_) => found.push(format!("{}: XML not signed", inv.number)),
                None => found.push(format!("{}: fiscal document without XML", inv.number)),
            }
            if xml_entries != 1 {
                found.push(format!(
                    "{}: {xml_entries} outbox entries for its signed XML (exactly 1 expected)",
                    inv.number
                ));
            }
        } else if xml.is_some() || xml_entries != 0 {
            found.push(format!("{}: nota de venta with an XML", inv.number));
        }
        if let Some(m) = &inv.modifies
            && !by_id.contains_key(&m.invoice_id)
        {
            found.push(format!(
                "{}: modifies a document not in the store",
                inv.number
            ));
        }
    }
    let unsigned = ctx(store.unsigned_count(), "unsigned count")?;
    if unsigned != 0 {
        found.push(format!(
            "{unsigned} documents wait unsigned, the certificate was installed first"
        ));
    }
    let awaiting = ctx(
        store.awaiting_sunat(Utc::now().date_naive()),
        "listing documents awaiting SUNAT",
    )?;
    if awaiting.len() as u64 != fiscal {
        found.push(format!(
            "{} documents awaiting SUNAT, {fiscal} fiscal documents issued",
            awaiting.len()
        ));
    }
    Ok(format!(
        "invoices={} printed={} unprinted={unprinted} outbox={} series={}",
        invoices.len(),
        printed.numbers.len(),
        entries.len(),
        ranges.join(",")
    ))
}
