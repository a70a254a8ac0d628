//! Archive of old documents (issue 13): an administrator moves synced documents older than
//! a chosen age out of the live store into a sealed archive file next to it, and the store
//! is compacted so its file shrinks. Archived documents stay searchable (their list rows
//! join the search index at unlock, read from each file's small index, never the bodies)
//! and can be opened and reprinted from Comprobantes.
//!
//! Only what is done with the server and SUNAT moves: the document's record is SYNCED, no
//! outbox entry of it waits, and a comprobante of this kiosk is settled with SUNAT
//! (accepted, rejected or voided; no voiding waits). A document moves with all its notes
//! or not at all. SUNAT requires keeping comprobantes for years (docs/store.md, Archive):
//! archive files are never deleted by the kiosk.
//!
//! Crash safety, in this order: (1) the file is written as `<name>.partial`, fsynced, read
//! back and every row opened; (2) renamed to `<name>.mdarc`, the folder fsynced; (3) one
//! write transaction deletes the documents whose live rows are still byte for byte the
//! archived ones; (4) compaction. A crash before (2) leaves a `.partial`, which the next
//! unlock deletes (the live store still has everything); a crash between (2) and (3) leaves
//! the documents in both places: the live copy wins everywhere (no duplicates) and the next
//! run finishes the deletion first.

mod file;

pub use file::ArchiveFileError;
use file::{IndexEntry, Rows};

use crate::store::comprobante::ComprobanteXml;
use crate::store::error::{StoreError, StoreResult};
use crate::store::fiscal::FiscalRecord;
use crate::store::queries::InvoiceSummary;
use crate::store::seal::Sealer;
use crate::store::storage::{Compaction, disk_space};
use crate::store::tables::*;
use crate::store::{Store, files, outbox};
use chrono::{DateTime, Months, Utc};
use motordesk_core::{Invoice, RecordKind, Role, Stored, SyncStatus};
use redb::{ReadableTable, WriteTransaction};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use uuid::Uuid;

/// The archive folder inside the data dir (next to the store file).
pub const ARCHIVE_DIR: &str = "archivo";
const EXT: &str = "mdarc";
const PARTIAL: &str = "partial";
/// Documents one run moves; a bigger backlog takes several runs (bounded memory and a
/// bounded delete transaction).
pub const MAX_PER_RUN: usize = 50_000;
/// Archive files read at unlock; more are refused (a run makes one, so this is decades).
const MAX_FILES: usize = 1_000;
/// The ages a run may take, in months.
pub const ARCHIVE_MONTHS: std::ops::RangeInclusive<u32> = 1..=120;
/// Room kept free on the disk beyond the archive itself.
const SPARE: u64 = 64 * 1024 * 1024;

/// Why archiving, or reading an archive, failed. English for logs, `mensaje()` Spanish.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The archive file could not be written or read, or was refused.
    #[error(transparent)]
    File(#[from] ArchiveFileError),
    /// The archive folder could not be made or listed, or a rename failed.
    #[error("archive folder {path}: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Only an administrator may archive.
    #[error("only an administrator may archive documents")]
    NotAdmin,
    /// An age outside `ARCHIVE_MONTHS`.
    #[error("archive age of {0} months is outside 1..=120")]
    Age(u32),
    /// Not enough free disk for the archive file.
    #[error("archive needs {need} bytes free, the disk has {free}")]
    NoRoom { need: u64, free: u64 },
    /// Written, but a row did not read back as written: the file was removed.
    #[error("archive {0} did not read back as written")]
    Unverified(PathBuf),
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl ArchiveFileError {
    /// Spanish, for the screen.
    pub fn mensaje(&self) -> String {
        match self {
            ArchiveFileError::Io { path, source } => format!(
                "No se pudo leer o escribir el archivo {} ({source}).",
                file_name(path)
            ),
            ArchiveFileError::WrongKey { path } => format!(
                "El archivo {} no se abre con la clave de este almacén (es de otro almacén). No se usó.",
                file_name(path)
            ),
            ArchiveFileError::Damaged { path, .. } => format!(
                "El archivo {} está dañado o incompleto. No se usó.",
                file_name(path)
            ),
        }
    }
}

impl ArchiveError {
    /// Spanish, for the screen.
    pub fn mensaje(&self) -> String {
        match self {
            ArchiveError::Store(e) => e.mensaje(),
            ArchiveError::File(e) => e.mensaje(),
            ArchiveError::Folder { source, .. } => {
                format!("No se pudo usar la carpeta de archivo ({source}).")
            }
            ArchiveError::NotAdmin => "Solo un administrador puede archivar comprobantes.".into(),
            ArchiveError::Age(m) => {
                format!("No se puede archivar con una antigüedad de {m} meses.")
            }
            ArchiveError::NoRoom { need, free } => format!(
                "No hay espacio para el archivo: necesita {} libres y el disco tiene {}. No se archivó nada.",
                motordesk_core::size_text(*need),
                motordesk_core::size_text(*free)
            ),
            ArchiveError::Unverified(_) => {
                "El archivo escrito no se pudo verificar; no se archivó nada.".into()
            }
        }
    }
}

/// One archive file read at unlock.
#[derive(Debug, Clone)]
struct Loaded {
    path: PathBuf,
    bytes: u64,
}

/// A file in the archive folder that was not used, and why (Spanish).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedArchive {
    pub name: String,
    pub reason: String,
}

/// What the archive folder holds, for Almacenamiento.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveOverview {
    pub files: usize,
    /// Documents archived and no longer in the live store.
    pub documents: usize,
    pub bytes: u64,
    pub refused: Vec<RefusedArchive>,
}

/// What one run did.
#[derive(Debug, Clone, Default)]
pub struct ArchiveReport {
    /// Documents moved out of the live store by this run.
    pub documents: usize,
    /// The file written (none when nothing was old enough).
    pub file: Option<String>,
    pub file_bytes: u64,
    /// Documents of an interrupted earlier run whose deletion this run finished.
    pub resumed: usize,
    /// Archived, but changed in the live store meanwhile: kept live (the live copy wins).
    pub kept_live: usize,
    /// The store file before and after compaction (`None`: compaction did not run).
    pub compaction: Option<Compaction>,
    /// Why compaction did not run (Spanish), when it did not.
    pub compaction_note: Option<String>,
}

/// An archived document, opened for Comprobantes.
#[derive(Debug, Clone)]
pub struct ArchivedDocument {
    pub invoice: Stored<Invoice>,
    pub summary: InvoiceSummary,
    /// The signed XML exactly as the store held it (`None`: nota de venta, or another
    /// kiosk's document).
    pub xml: Option<String>,
    /// The signature's DigestValue: the hash printed on the receipt.
    pub digest: Option<String>,
    pub fiscal: Option<FiscalRecord>,
    /// The archive file it is in.
    pub file: String,
}

/// A test seam: where a run stops, as if the kiosk died there.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveStop {
    Never,
    /// The file is complete and renamed into place; nothing deleted.
    AfterWrite,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Phase {
    #[default]
    NotStarted,
    Loading,
    Ready,
}

#[derive(Default)]
struct State {
    phase: Phase,
    files: Vec<Loaded>,
    refused: Vec<RefusedArchive>,
    /// id → (file, its index entry). The first file holding an id wins.
    docs: HashMap<u128, (usize, IndexEntry)>,
}

/// The archives a store knows of, read once per unlock on a worker.
#[derive(Default)]
pub(crate) struct Archives {
    state: Mutex<State>,
    ready: Condvar,
}

impl Archives {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait(&self) -> std::sync::MutexGuard<'_, State> {
        let mut s = self.lock();
        while s.phase != Phase::Ready {
            s = self.ready.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        s
    }

    fn add(s: &mut State, path: PathBuf, bytes: u64, entries: Vec<IndexEntry>) {
        let f = s.files.len();
        s.files.push(Loaded { path, bytes });
        for e in entries {
            s.docs.entry(e.summary.id.as_u128()).or_insert((f, e));
        }
    }
}

/// Reads the index of every archive in `dir`; deletes half-written ones.
fn load(dir: &Path, sealer: &Sealer) -> State {
    let mut s = State::default();
    let Ok(list) = std::fs::read_dir(dir) else {
        return s;
    };
    let mut paths: Vec<PathBuf> = list.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut used = 0;
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == PARTIAL {
            // Written before a crash and never renamed: the live store still has it all.
            match std::fs::remove_file(&path) {
                Ok(()) => log::warn!("removed a half-written archive: {}", path.display()),
                Err(e) => log::warn!("half-written archive {} stays: {e}", path.display()),
            }
            continue;
        }
        if ext != EXT || !path.is_file() {
            continue;
        }
        if used == MAX_FILES {
            s.refused.push(RefusedArchive {
                name: file_name(&path),
                reason: format!("Hay más de {MAX_FILES} archivos; este no se leyó."),
            });
            continue;
        }
        used += 1;
        match file::open_index(&path, sealer) {
            Ok(o) => Archives::add(&mut s, path, o.bytes, o.entries),
            Err(e) => {
                log::warn!("{e}");
                s.refused.push(RefusedArchive {
                    name: file_name(&path),
                    reason: e.mensaje(),
                });
            }
        }
    }
    s
}

/// The sealed rows of document `key` in the live store, if it is there.
fn live_rows(
    invoices: &impl ReadableTable<u128, &'static [u8]>,
    summaries: &impl ReadableTable<u128, &'static [u8]>,
    xml: &impl ReadableTable<u128, &'static [u8]>,
    fiscal: &impl ReadableTable<u128, &'static [u8]>,
    key: u128,
) -> StoreResult<Option<Rows>> {
    let (Some(invoice), Some(summary)) = (invoices.get(key)?, summaries.get(key)?) else {
        return Ok(None);
    };
    Ok(Some(Rows {
        invoice: invoice.value().to_vec(),
        summary: summary.value().to_vec(),
        xml: xml.get(key)?.map(|v| v.value().to_vec()),
        fiscal: fiscal.get(key)?.map(|v| v.value().to_vec()),
    }))
}

/// The plain tables that say whether a document is done with the server and SUNAT.
struct Done<S, O, F> {
    sync: S,
    outbox: O,
    settled: F,
    unsigned: F,
    voids: F,
}

impl<S, O, F> Done<S, O, F>
where
    S: ReadableTable<(u8, u128), (u8, u64, i64)>,
    O: ReadableTable<(u8, u128), u64>,
    F: ReadableTable<u128, ()>,
{
    /// Synced, nothing of it queued, and (a comprobante) settled with SUNAT.
    fn is_done(&self, rec: &Stored<Invoice>, rows: &Rows) -> StoreResult<bool> {
        let key = rec.data.id.as_u128();
        let status = match self.sync.get((RecordKind::Invoice.code(), key))? {
            Some(r) if r.value().1 == rec.meta.version => {
                outbox::status_from(r.value().0).ok_or(StoreError::Tampered("record_sync"))?
            }
            _ => rec.meta.status,
        };
        if status != SyncStatus::Synced {
            return Ok(false);
        }
        for kind in [
            RecordKind::Invoice,
            RecordKind::Comprobante,
            RecordKind::FiscalStatus,
            RecordKind::VoidRequest,
        ] {
            if self.outbox.get((kind.code(), key))?.is_some() {
                return Ok(false);
            }
        }
        if self.unsigned.get(key)?.is_some() || self.voids.get(key)?.is_some() {
            return Ok(false);
        }
        // This kiosk's comprobante (its XML or a SUNAT state is here): settled. Another
        // kiosk's copy carries neither; its sending is that kiosk's (or the server's) job.
        if (rows.xml.is_some() || rows.fiscal.is_some()) && self.settled.get(key)?.is_none() {
            return Ok(false);
        }
        Ok(true)
    }
}

/// What a run chose, in id order.
struct Plan {
    ids: Vec<u128>,
    bytes: u64,
}

impl Store {
    /// The archive folder of this store.
    pub fn archive_dir(&self) -> PathBuf {
        self.path()
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join(ARCHIVE_DIR)
    }

    /// Reads the archives' indexes on a worker (once per unlock) and hands their list rows
    /// to the search index. Called with the search index's start.
    pub(crate) fn start_archive_index(&self) {
        {
            let mut s = self.archives.lock();
            if s.phase != Phase::NotStarted {
                return;
            }
            s.phase = Phase::Loading;
        }
        let (archives, search, sealer, dir) = (
            Arc::clone(&self.archives),
            Arc::clone(&self.search),
            self.sealer().clone(),
            self.archive_dir(),
        );
        let run = move || {
            let t = std::time::Instant::now();
            let loaded = load(&dir, &sealer);
            let rows: Vec<InvoiceSummary> = loaded
                .docs
                .values()
                .map(|(_, e)| e.summary.clone())
                .collect();
            log::info!(
                "archive index read in {} ms: {} files, {} documents, {} refused",
                t.elapsed().as_millis(),
                loaded.files.len(),
                rows.len(),
                loaded.refused.len()
            );
            search.add_archived(&rows, &[]);
            let mut s = archives.lock();
            *s = State {
                phase: Phase::Ready,
                ..loaded
            };
            archives.ready.notify_all();
        };
        if let Err(e) = std::thread::Builder::new()
            .name("archive-index".into())
            .spawn(run)
        {
            log::warn!("archive index thread not started: {e}");
            let mut s = self.archives.lock();
            s.phase = Phase::Ready;
            self.archives.ready.notify_all();
        }
    }

    /// What the archive folder holds (waits for the unlock's read of it).
    pub fn archive_overview(&self) -> ArchiveOverview {
        self.start_archive_index();
        let s = self.archives.wait();
        ArchiveOverview {
            files: s.files.len(),
            documents: s.docs.len(),
            bytes: s.files.iter().map(|f| f.bytes).sum(),
            refused: s.refused.clone(),
        }
    }

    /// The list rows of the archived documents among `ids` that are not in the live store
    /// (the live copy wins), in the order given.
    pub fn archived_hits(&self, ids: &[Uuid]) -> StoreResult<Vec<InvoiceSummary>> {
        self.start_archive_index();
        let found: Vec<InvoiceSummary> = {
            let s = self.archives.wait();
            ids.iter()
                .filter_map(|id| s.docs.get(&id.as_u128()).map(|(_, e)| e.summary.clone()))
                .collect()
        };
        if found.is_empty() {
            return Ok(found);
        }
        let r = self.db().begin_read()?;
        let live = r.open_table(INVOICE_SUMMARIES)?;
        let mut out = Vec::with_capacity(found.len());
        for row in found {
            if live.get(row.id.as_u128())?.is_none() {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Opens archived document `id` from its file (`None`: not archived).
    pub fn archived_document(&self, id: Uuid) -> Result<Option<ArchivedDocument>, ArchiveError> {
        self.start_archive_index();
        let (path, entry) = {
            let s = self.archives.wait();
            match s.docs.get(&id.as_u128()) {
                Some((f, e)) => (s.files[*f].path.clone(), e.clone()),
                None => return Ok(None),
            }
        };
        let rows = file::read_rows(&path, &entry)?;
        Ok(Some(self.open_rows(&path, &entry, &rows)?))
    }

    fn open_rows(
        &self,
        path: &Path,
        entry: &IndexEntry,
        rows: &Rows,
    ) -> Result<ArchivedDocument, ArchiveError> {
        let row = entry.summary.id.as_u128().to_be_bytes();
        let damaged = |what| ArchiveFileError::Damaged {
            path: path.to_path_buf(),
            what,
        };
        let mut invoice: Stored<Invoice> = self
            .open_json("invoices", &row, &rows.invoice)
            .map_err(|_| damaged("an invoice does not open"))?;
        // Its sync row stayed behind (plain, `record_sync`); only synced documents move.
        invoice.meta.status = SyncStatus::Synced;
        let summary: InvoiceSummary = self
            .open_json("invoice_summaries", &row, &rows.summary)
            .map_err(|_| damaged("a list row does not open"))?;
        let xml: Option<ComprobanteXml> = match &rows.xml {
            Some(x) => Some(
                self.open_json("invoice_xml", &row, x)
                    .map_err(|_| damaged("an XML does not open"))?,
            ),
            None => None,
        };
        let fiscal: Option<FiscalRecord> = match &rows.fiscal {
            Some(f) => Some(
                self.open_json("fiscal_state", &row, f)
                    .map_err(|_| damaged("a SUNAT state does not open"))?,
            ),
            None => None,
        };
        if invoice.data.id != entry.summary.id || summary.id != entry.summary.id {
            return Err(damaged("a document under another id").into());
        }
        Ok(ArchivedDocument {
            invoice,
            summary: entry.summary.clone(),
            digest: xml.as_ref().and_then(|x| x.digest.clone()),
            xml: xml.map(|x| x.xml),
            fiscal,
            file: file_name(path),
        })
    }

    /// Reads archive `path` completely with this store's key: every row must open.
    /// Returns how many documents it holds. Refuses another store's archive (`WrongKey`)
    /// and a damaged one; touches nothing.
    pub fn verify_archive(&self, path: &Path) -> Result<usize, ArchiveError> {
        let opened = file::open_index(path, self.sealer())?;
        let mut n = 0;
        file::each_rows(path, &opened.entries, |e, rows| {
            self.open_rows(path, e, &rows)
                .map_err(|err| match err {
                    ArchiveError::File(f) => f,
                    _ => ArchiveFileError::Damaged {
                        path: path.to_path_buf(),
                        what: "a row does not open",
                    },
                })
                .map(|_| n += 1)
        })?;
        Ok(n)
    }

    /// How many documents a run with this age would move now.
    pub fn archivable(&self, months: u32, now: DateTime<Utc>) -> Result<usize, ArchiveError> {
        Ok(self.plan(cutoff(months, now)?)?.ids.len())
    }

    /// Moves synced documents issued more than `months` ago into a new archive file, then
    /// compacts the store (see the module doc). Slow: call it from a worker.
    pub fn archive_older_than(
        &self,
        months: u32,
        now: DateTime<Utc>,
    ) -> Result<ArchiveReport, ArchiveError> {
        self.archive_until(months, now, ArchiveStop::Never)
    }

    /// `archive_older_than`, stopping where `stop` says (tests of a crash).
    #[doc(hidden)]
    pub fn archive_until(
        &self,
        months: u32,
        now: DateTime<Utc>,
        stop: ArchiveStop,
    ) -> Result<ArchiveReport, ArchiveError> {
        let cutoff = cutoff(months, now)?;
        if self.user(self.account())?.map(|u| u.role) != Some(Role::Administrador) {
            return Err(ArchiveError::NotAdmin);
        }
        let mut report = ArchiveReport {
            resumed: self.finish_interrupted()?,
            ..ArchiveReport::default()
        };
        let plan = self.plan(cutoff)?;
        if plan.ids.is_empty() {
            if report.resumed > 0 {
                self.compact_into(&mut report);
            }
            return Ok(report);
        }
        let dir = self.archive_dir();
        files::create_private_dir(&dir).map_err(|source| ArchiveError::Folder {
            path: dir.clone(),
            source,
        })?;
        let free = disk_space(&dir)
            .map_err(|source| ArchiveError::Folder {
                path: dir.clone(),
                source,
            })?
            .free;
        let need = plan.bytes + plan.bytes / 8 + SPARE;
        if free < need {
            return Err(ArchiveError::NoRoom { need, free });
        }
        let path = self.write_archive(&dir, &plan, now)?;
        report.file = Some(file_name(&path));
        report.file_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if stop == ArchiveStop::AfterWrite {
            return Ok(report);
        }
        let opened = file::open_index(&path, self.sealer())?;
        let (deleted, kept) = self.delete_archived(&path, &opened.entries)?;
        report.documents = deleted.len();
        report.kept_live = kept;
        {
            let mut s = self.archives.lock();
            Archives::add(&mut s, path.clone(), opened.bytes, opened.entries.clone());
        }
        let rows: Vec<InvoiceSummary> = opened.entries.into_iter().map(|e| e.summary).collect();
        self.search.add_archived(&rows, &deleted);
        log::info!(
            "archived {} documents into {} ({} bytes); {kept} kept live",
            deleted.len(),
            path.display(),
            report.file_bytes
        );
        self.compact_into(&mut report);
        Ok(report)
    }

    fn compact_into(&self, report: &mut ArchiveReport) {
        match self.compact_now() {
            Ok(c) => report.compaction = Some(c),
            Err(e) => {
                log::warn!("compaction after archiving: {e}");
                report.compaction_note = Some(match e {
                    StoreError::Compact(redb::CompactionError::TransactionInProgress) => {
                        "No se compactó: otra tarea seguía usando los datos; use Compactar en un momento.".into()
                    }
                    e => e.mensaje(),
                });
            }
        }
    }

    /// The documents to move: whole families (a document and its notes), each member
    /// issued before `cutoff` and done with the server and SUNAT; at most `MAX_PER_RUN`.
    fn plan(&self, cutoff: DateTime<Utc>) -> StoreResult<Plan> {
        let r = self.db().begin_read()?;
        let summaries = r.open_table(INVOICE_SUMMARIES)?;
        let invoices = r.open_table(INVOICES)?;
        let xml = r.open_table(INVOICE_XML)?;
        let fiscal = r.open_table(FISCAL_STATE)?;
        let done = Done {
            sync: r.open_table(RECORD_SYNC)?,
            outbox: r.open_table(OUTBOX_BY_RECORD)?,
            settled: r.open_table(FISCAL_SETTLED)?,
            unsigned: r.open_table(UNSIGNED_XML)?,
            voids: r.open_table(VOIDS_PENDING)?,
        };
        let mut notes: HashMap<u128, Vec<u128>> = HashMap::new();
        let mut original_of: HashMap<u128, u128> = HashMap::new();
        for row in r.open_table(NOTES_BY_ORIGINAL)?.iter()? {
            let (original, note) = row?.0.value();
            notes.entry(original).or_default().push(note);
            original_of.insert(note, original);
        }
        // Old enough and done: id → its rows' size.
        let mut ready: HashMap<u128, u64> = HashMap::new();
        for row in summaries.iter()? {
            let (k, v) = row?;
            let key = k.value();
            let s: InvoiceSummary =
                self.open_json("invoice_summaries", &key.to_be_bytes(), v.value())?;
            if s.issued_at >= cutoff {
                continue;
            }
            let Some(rows) = live_rows(&invoices, &summaries, &xml, &fiscal, key)? else {
                continue;
            };
            let rec: Stored<Invoice> =
                self.open_json("invoices", &key.to_be_bytes(), &rows.invoice)?;
            if done.is_done(&rec, &rows)? {
                let size = rows.invoice.len()
                    + rows.summary.len()
                    + rows.xml.as_ref().map_or(0, Vec::len)
                    + rows.fiscal.as_ref().map_or(0, Vec::len);
                ready.insert(key, size as u64 + 32);
            }
        }
        let mut heads: Vec<u128> = ready
            .keys()
            .map(|k| match original_of.get(k) {
                Some(o) if summaries.get(*o).ok().flatten().is_some() => *o,
                _ => *k,
            })
            .collect();
        heads.sort_unstable();
        heads.dedup();
        let mut ids = Vec::new();
        let mut bytes = 0;
        for head in heads {
            let family: Vec<u128> = std::iter::once(head)
                .chain(notes.get(&head).into_iter().flatten().copied())
                .collect();
            if family.iter().all(|m| ready.contains_key(m)) {
                if ids.len() + family.len() > MAX_PER_RUN {
                    break;
                }
                bytes += family.iter().map(|m| ready[m]).sum::<u64>();
                ids.extend(family);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(Plan { ids, bytes })
    }

    /// Writes the plan's rows to `<dir>/<name>.partial`, fsyncs, verifies every row,
    /// renames it to `.mdarc` and fsyncs the folder. On any failure the partial file is
    /// removed and the live store was never touched.
    fn write_archive(
        &self,
        dir: &Path,
        plan: &Plan,
        now: DateTime<Utc>,
    ) -> Result<PathBuf, ArchiveError> {
        let stem = format!("comprobantes-{}", now.format("%Y%m%dT%H%M%SZ"));
        let mut name = stem.clone();
        let mut n = 1;
        while dir.join(format!("{name}.{EXT}")).exists()
            || dir.join(format!("{name}.{PARTIAL}")).exists()
        {
            n += 1;
            name = format!("{stem}-{n}");
        }
        let partial = dir.join(format!("{name}.{PARTIAL}"));
        let done = dir.join(format!("{name}.{EXT}"));
        let written = (|| -> Result<usize, ArchiveError> {
            let io = |source| ArchiveFileError::Io {
                path: partial.clone(),
                source,
            };
            let mut w = file::Writer::create(&partial, self.sealer()).map_err(io)?;
            {
                let r = self.db().begin_read()?;
                let open = |t| r.open_table(t).map_err(StoreError::from);
                let (invoices, summaries) = (open(INVOICES)?, open(INVOICE_SUMMARIES)?);
                let (xml, fiscal) = (open(INVOICE_XML)?, open(FISCAL_STATE)?);
                for &key in &plan.ids {
                    let Some(rows) = live_rows(&invoices, &summaries, &xml, &fiscal, key)? else {
                        continue;
                    };
                    let s: InvoiceSummary =
                        self.open_json("invoice_summaries", &key.to_be_bytes(), &rows.summary)?;
                    w.add(s, &rows).map_err(io)?;
                }
            }
            let (_, entries) = w.finish(self.sealer()).map_err(io)?;
            Ok(entries.len())
        })();
        let verified = written.and_then(|n| match self.verify_archive(&partial) {
            Ok(m) if m == n => Ok(()),
            Ok(_) => Err(ArchiveError::Unverified(partial.clone())),
            Err(e) => {
                log::error!("archive read back: {e}");
                Err(ArchiveError::Unverified(partial.clone()))
            }
        });
        if let Err(e) = verified {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        let folder = |source| ArchiveError::Folder {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::rename(&partial, &done).map_err(folder)?;
        files::sync_dir(dir).map_err(folder)?;
        Ok(done)
    }

    /// Deletes from the live store, in one write transaction, every document of archive
    /// `path` whose live rows are still byte for byte the archived ones and that is still
    /// done with the server and SUNAT. Returns (the ids deleted, how many kept live).
    fn delete_archived(
        &self,
        path: &Path,
        entries: &[IndexEntry],
    ) -> Result<(Vec<Uuid>, usize), ArchiveError> {
        let txn = self.db().begin_write()?;
        let mut deleted = Vec::new();
        let mut kept = 0;
        file::each_rows(path, entries, |e, archived| {
            match self.delete_one(&txn, &archived, e.summary.id) {
                Ok(true) => deleted.push(e.summary.id),
                Ok(false) => kept += 1,
                Err(err) => {
                    log::error!("deleting archived {}: {err}", e.summary.id);
                    return Err(ArchiveFileError::Io {
                        path: path.to_path_buf(),
                        source: std::io::Error::other(err),
                    });
                }
            }
            Ok(())
        })?;
        txn.commit().map_err(StoreError::from)?;
        Ok((deleted, kept))
    }

    fn delete_one(&self, txn: &WriteTransaction, archived: &Rows, id: Uuid) -> StoreResult<bool> {
        let key = id.as_u128();
        let live = {
            let invoices = txn.open_table(INVOICES)?;
            let summaries = txn.open_table(INVOICE_SUMMARIES)?;
            let xml = txn.open_table(INVOICE_XML)?;
            let fiscal = txn.open_table(FISCAL_STATE)?;
            live_rows(&invoices, &summaries, &xml, &fiscal, key)?
        };
        if live.as_ref() != Some(archived) {
            return Ok(false);
        }
        let rec: Stored<Invoice> =
            self.open_json("invoices", &key.to_be_bytes(), &archived.invoice)?;
        let done = Done {
            sync: txn.open_table(RECORD_SYNC)?,
            outbox: txn.open_table(OUTBOX_BY_RECORD)?,
            settled: txn.open_table(FISCAL_SETTLED)?,
            unsigned: txn.open_table(UNSIGNED_XML)?,
            voids: txn.open_table(VOIDS_PENDING)?,
        };
        if !done.is_done(&rec, archived)? {
            return Ok(false);
        }
        let Done {
            mut sync,
            mut settled,
            ..
        } = done;
        for kind in [
            RecordKind::Invoice,
            RecordKind::Comprobante,
            RecordKind::FiscalStatus,
            RecordKind::VoidRequest,
        ] {
            sync.remove((kind.code(), key))?;
        }
        settled.remove(key)?;
        drop((sync, settled));
        for t in [INVOICES, INVOICE_SUMMARIES, INVOICE_XML, FISCAL_STATE] {
            txn.open_table(t)?.remove(key)?;
        }
        let inv = &rec.data;
        let blind = self.sealer().blind("number", &inv.number.to_string());
        let mut by_number = txn.open_table(INVOICE_BY_NUMBER)?;
        if by_number.get(blind)?.map(|v| v.value()) == Some(key) {
            by_number.remove(blind)?;
        }
        if let Some(c) = inv.buyer.customer_id {
            txn.open_table(INVOICES_BY_CUSTOMER)?
                .remove((c.as_u128(), key))?;
        }
        if let Some(v) = &inv.vehicle {
            txn.open_table(INVOICES_BY_VEHICLE)?
                .remove((v.vehicle_id.as_u128(), key))?;
        }
        if let Some(m) = &inv.modifies {
            txn.open_table(NOTES_BY_ORIGINAL)?
                .remove((m.invoice_id.as_u128(), key))?;
        }
        Ok(true)
    }

    /// Finishes the deletion of a run that stopped after its file was complete: the
    /// documents of known archives still in the live store (and unchanged) leave it.
    fn finish_interrupted(&self) -> Result<usize, ArchiveError> {
        self.start_archive_index();
        let pending: Vec<(PathBuf, Vec<IndexEntry>)> = {
            let s = self.archives.wait();
            let r = self.db().begin_read()?;
            let live = r.open_table(INVOICE_SUMMARIES).map_err(StoreError::from)?;
            let mut by_file: HashMap<usize, Vec<IndexEntry>> = HashMap::new();
            for (f, e) in s.docs.values() {
                if live
                    .get(e.summary.id.as_u128())
                    .map_err(StoreError::from)?
                    .is_some()
                {
                    by_file.entry(*f).or_default().push(e.clone());
                }
            }
            by_file
                .into_iter()
                .map(|(f, mut es)| {
                    es.sort_by_key(|e| e.at);
                    (s.files[f].path.clone(), es)
                })
                .collect()
        };
        let mut resumed = 0;
        for (path, entries) in pending {
            let (deleted, _) = self.delete_archived(&path, &entries)?;
            if !deleted.is_empty() {
                log::info!(
                    "finished an interrupted archive run: {} documents of {}",
                    deleted.len(),
                    path.display()
                );
                // The index took them for live ones (their rows were there): no more.
                let rows: Vec<InvoiceSummary> = entries.into_iter().map(|e| e.summary).collect();
                self.search.add_archived(&rows, &deleted);
            }
            resumed += deleted.len();
        }
        Ok(resumed)
    }
}

fn cutoff(months: u32, now: DateTime<Utc>) -> Result<DateTime<Utc>, ArchiveError> {
    if !ARCHIVE_MONTHS.contains(&months) {
        return Err(ArchiveError::Age(months));
    }
    now.checked_sub_months(Months::new(months))
        .ok_or(ArchiveError::Age(months))
}
