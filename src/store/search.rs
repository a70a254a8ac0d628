//! The search index: the folded text (lower case, no accents, ñ→n, no dashes) of every
//! customer, vehicle and document, held in memory only and never written anywhere. The
//! records are sealed, so without it every keystroke decrypted and parsed every customer
//! (~5 µs each: 0.3 s at 50k). One index serves Ventas, Clientes, Flota and Comprobantes.
//!
//! - **Built after unlock** on its own thread (`search-index`), in chunks of 2,000 rows per
//!   read transaction so it never pins the file; login does not wait for it. A search that
//!   arrives first waits for it (searches run on workers, never on the UI thread).
//! - **Kept current** without ever trusting an uncommitted write: `write_record` (every
//!   local save, every merged pull, every status change) only marks the record dirty with
//!   the version it wrote; the next search reads the committed row and indexes that. A
//!   mark whose version is not committed yet stays; one whose transaction was abandoned
//!   (disk full) is dropped after `ABANDONED`.
//! - **Layout** per shelf: one byte arena with every entry's text followed by `\0`, an
//!   offset per entry and its id. A word is found with one `memmem` pass over the arena
//!   (the longest word), the other words are checked inside the entries it hit.

use crate::store::error::{StoreError, StoreResult};
use crate::store::fleet::service_skeleton;
use crate::store::queries::InvoiceSummary;
use crate::store::reopen::Slot;
use crate::store::seal::Sealer;
use crate::store::tables::*;
use crate::store::{Store, codec};
use memchr::memmem;
use motordesk_core::{Customer, DocumentKind, RecordKind, Stored, Vehicle, fold};
use redb::TableDefinition;
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Rows read per read transaction while building.
const CHUNK: usize = 2_000;
/// A dirty mark whose version never got committed (its transaction failed) is dropped
/// after this long; no write transaction of the kiosk lasts anywhere near it.
const ABANDONED: Duration = Duration::from_secs(60);
/// Longest query the index takes (a pasted text block is cut, not refused).
pub const MAX_QUERY: usize = 200;

/// What a search looks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shelf {
    /// Name, document number (DNI/RUC/…), phone. Ordered by name.
    Customers,
    /// Plate (with and without dash), brand, model, owner's name. Ordered by plate.
    Vehicles,
    /// Number (B001-00000042 / b00100000042), buyer's name and document, plate. Newest first.
    Documents,
}

/// How big the index is, for the docs and the storage panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SearchStats {
    pub customers: usize,
    pub vehicles: usize,
    pub documents: usize,
    /// Bytes the index holds (arenas, offsets, ids, id maps), capacity included.
    pub bytes: usize,
}

/// One shelf: the entries' folded texts in one arena.
#[derive(Default)]
struct Entries {
    text: Vec<u8>,
    starts: Vec<u32>,
    /// Slot → record id; 0 = a dead slot (replaced or removed). UUID v7 is never 0.
    ids: Vec<u128>,
    /// Vehicles only: slot → owner id (0 = none), to re-text them when the owner is renamed.
    owners: Vec<u128>,
    /// Documents only: slot → its kind and whether it is archived (`doc_flag`), so
    /// Comprobantes filters and counts without opening a row.
    flags: Vec<u8>,
    slot_of: HashMap<u128, u32>,
    dead: usize,
    /// Slot → its place in text order, so ranking thousands of hits compares numbers, not
    /// texts (a one-letter query hits most of 100k customers). Valid while `ranked`.
    rank: Vec<u32>,
    ranked: bool,
}

impl Entries {
    fn entry(&self, slot: usize) -> &[u8] {
        let start = self.starts[slot] as usize;
        let end = self
            .starts
            .get(slot + 1)
            .map_or(self.text.len(), |&s| s as usize)
            - 1;
        &self.text[start..end]
    }

    fn upsert(&mut self, id: u128, text: &str, owner: u128, flag: u8) {
        self.remove(id);
        let slot = self.ids.len() as u32;
        self.starts.push(self.text.len() as u32);
        self.text
            .extend(text.bytes().map(|b| if b == 0 { b' ' } else { b }));
        self.text.push(0);
        self.ids.push(id);
        self.owners.push(owner);
        self.flags.push(flag);
        self.rank.push(u32::MAX);
        self.ranked = false;
        self.slot_of.insert(id, slot);
    }

    /// Puts the live slots in text order again (after a build or edits).
    fn rerank(&mut self) {
        if self.ranked {
            return;
        }
        let mut order: Vec<u32> = (0..self.ids.len() as u32)
            .filter(|&s| self.ids[s as usize] != 0)
            .collect();
        order.sort_unstable_by(|&a, &b| self.entry(a as usize).cmp(self.entry(b as usize)));
        self.rank = vec![u32::MAX; self.ids.len()];
        for (place, slot) in order.into_iter().enumerate() {
            self.rank[slot as usize] = place as u32;
        }
        self.ranked = true;
    }

    fn remove(&mut self, id: u128) {
        if let Some(slot) = self.slot_of.remove(&id) {
            self.ids[slot as usize] = 0;
            self.dead += 1;
            if self.dead > 1_024 && self.dead > self.slot_of.len() {
                self.compact();
            }
        }
    }

    /// Drops dead slots (after many edits), keeping the live ones in order.
    fn compact(&mut self) {
        let mut fresh = Entries::default();
        for slot in 0..self.ids.len() {
            if self.ids[slot] != 0 {
                let text = String::from_utf8_lossy(self.entry(slot)).into_owned();
                fresh.upsert(self.ids[slot], &text, self.owners[slot], self.flags[slot]);
            }
        }
        *self = fresh;
    }

    fn live(&self) -> usize {
        self.slot_of.len()
    }

    fn bytes(&self) -> usize {
        self.text.capacity()
            + self.starts.capacity() * 4
            + self.ids.capacity() * 16
            + self.owners.capacity() * 16
            + self.flags.capacity()
            + self.rank.capacity() * 4
            // hashbrown: key + value + one control byte per bucket.
            + self.slot_of.capacity() * (16 + 4 + 1)
    }

    /// Slots whose entry contains every word, best first, at most `limit`.
    fn find(&self, words: &[Vec<u8>], limit: usize, newest_first: bool) -> Vec<usize> {
        let mut hits = self.hits(words);
        let cmp = |a: &usize, b: &usize| {
            if newest_first {
                self.ids[*b].cmp(&self.ids[*a])
            } else if self.ranked {
                self.rank[*a].cmp(&self.rank[*b])
            } else {
                self.entry(*a).cmp(self.entry(*b))
            }
        };
        if hits.len() > limit && limit > 0 {
            hits.select_nth_unstable_by(limit - 1, cmp);
            hits.truncate(limit);
        }
        hits.truncate(limit);
        hits.sort_unstable_by(cmp);
        hits
    }

    /// Slots whose entry contains every word (every live slot for no words), in slot order.
    fn hits(&self, words: &[Vec<u8>]) -> Vec<usize> {
        let mut hits: Vec<usize> = Vec::new();
        match words.iter().max_by_key(|w| w.len()) {
            None => hits.extend((0..self.ids.len()).filter(|&s| self.ids[s] != 0)),
            Some(longest) => {
                let others: Vec<memmem::Finder> = words
                    .iter()
                    .filter(|w| !std::ptr::eq(*w, longest))
                    .map(memmem::Finder::new)
                    .collect();
                let mut slot = 0usize;
                let mut last = usize::MAX;
                for pos in memmem::find_iter(&self.text, longest) {
                    // Hits come in order: walk the slots forward instead of searching.
                    while slot + 1 < self.starts.len() && self.starts[slot + 1] as usize <= pos {
                        slot += 1;
                    }
                    if slot == last || self.ids[slot] == 0 {
                        continue;
                    }
                    last = slot;
                    let entry = self.entry(slot);
                    if others.iter().all(|f| f.find(entry).is_some()) {
                        hits.push(slot);
                    }
                }
            }
        }
        hits
    }
}

#[derive(Default)]
struct Shelves {
    customers: Entries,
    vehicles: Entries,
    documents: Entries,
    /// Customer id → folded name, for the vehicles' owner part.
    names: HashMap<u128, String>,
    /// Vehicle id → its service skeleton (km and dates, no texts), for Flota's alerts
    /// without opening every vehicle (`fleet.rs` says why it is safe here).
    service: HashMap<u128, Vehicle>,
}

impl Shelves {
    fn get(&self, shelf: Shelf) -> &Entries {
        match shelf {
            Shelf::Customers => &self.customers,
            Shelf::Vehicles => &self.vehicles,
            Shelf::Documents => &self.documents,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Build {
    NotStarted,
    Building,
    Ready,
    /// The last build failed (an I/O error): the next search starts another.
    Failed(String),
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    version: u64,
    since: Instant,
}

/// The index a store keeps; see the module doc.
pub(crate) struct SearchIndex {
    shelves: RwLock<Shelves>,
    build: Mutex<Build>,
    built: Condvar,
    dirty: Mutex<HashMap<(Shelf, u128), Mark>>,
    /// Vehicles opened for Flota's list pages (`Store::fleet_rows_opened`).
    pub(crate) fleet_opened: AtomicU64,
    /// Archived documents' texts (`archive`): laid into the documents shelf under the
    /// live ones whenever it is built, so a rebuild never drops them.
    archived: Mutex<Vec<Archived>>,
    /// Lets the store close its file while a build is running (`close`).
    gate: Gate,
}

/// The store's hold on its index: dropping it (with the store) closes the index's build
/// (`SearchIndex::close`), so the file is closed when the store is dropped and can be
/// opened again at once (a logout, a restore, a test).
pub(crate) struct SearchHandle(Arc<SearchIndex>);

impl SearchHandle {
    pub(crate) fn new() -> SearchHandle {
        SearchHandle(Arc::new(SearchIndex::new()))
    }
}

impl std::ops::Deref for SearchHandle {
    type Target = Arc<SearchIndex>;

    fn deref(&self) -> &Arc<SearchIndex> {
        &self.0
    }
}

impl Drop for SearchHandle {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The build thread holds the file (a strong `Slot`) only while it reads a chunk, inside
/// `reading`; once `closing` is set it takes it no more. Without it a store dropped during
/// a build stayed open until the chunk ended, and a new unlock of the same file right
/// after failed with `DatabaseAlreadyOpen` (seen in the tests under load).
#[derive(Default)]
struct Gate {
    closing: std::sync::atomic::AtomicBool,
    reading: Mutex<()>,
}

impl SearchIndex {
    pub(crate) fn new() -> SearchIndex {
        SearchIndex {
            shelves: RwLock::new(Shelves::default()),
            build: Mutex::new(Build::NotStarted),
            built: Condvar::new(),
            dirty: Mutex::new(HashMap::new()),
            fleet_opened: AtomicU64::new(0),
            archived: Mutex::new(Vec::new()),
            gate: Gate::default(),
        }
    }

    /// The store is closing: a running build reads no more, and this returns once it no
    /// longer holds the file.
    pub(crate) fn close(&self) {
        self.gate.closing.store(true, Ordering::SeqCst);
        drop(
            self.gate
                .reading
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
    }

    /// Adds archived documents to the documents shelf (a live copy of the same id wins,
    /// unless `deleted` says its live rows were just removed by the archiving), now if the
    /// shelf is built and after every build. Their live rows are gone, so any dirty mark of
    /// theirs would only remove them: dropped.
    pub(crate) fn add_archived(&self, rows: &[InvoiceSummary], deleted: &[Uuid]) {
        let texts: Vec<Archived> = rows
            .iter()
            .map(|r| (r.id.as_u128(), document_text(r), doc_flag(r.kind, true)))
            .collect();
        let deleted: HashSet<u128> = deleted.iter().map(|d| d.as_u128()).collect();
        // The build lock first, as the build thread takes it before replacing the shelves.
        let b = self.build.lock().unwrap_or_else(PoisonError::into_inner);
        {
            let mut dirty = self.dirty.lock().unwrap_or_else(PoisonError::into_inner);
            for (id, ..) in &texts {
                dirty.remove(&(Shelf::Documents, *id));
            }
        }
        if *b == Build::Ready {
            let mut s = self.shelves.write().unwrap_or_else(PoisonError::into_inner);
            lay_archived(&mut s, &texts, &deleted);
        }
        self.archived
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(texts);
    }

    /// Records that `kind`/`id` was written at `version` (not yet committed, perhaps).
    pub(crate) fn touch(&self, kind: RecordKind, id: Uuid, version: u64) {
        let shelf = match kind {
            RecordKind::Customer => Shelf::Customers,
            RecordKind::Vehicle => Shelf::Vehicles,
            RecordKind::Invoice => Shelf::Documents,
            _ => return,
        };
        let mut dirty = self.dirty.lock().unwrap_or_else(PoisonError::into_inner);
        dirty.insert(
            (shelf, id.as_u128()),
            Mark {
                version,
                since: Instant::now(),
            },
        );
    }

    /// Starts building on a worker thread unless a build is running or done.
    pub(crate) fn start(self: &Arc<Self>, slot: &Arc<Slot>, sealer: &Sealer) {
        {
            let mut b = self.build.lock().unwrap_or_else(PoisonError::into_inner);
            if matches!(*b, Build::Building | Build::Ready) {
                return;
            }
            *b = Build::Building;
        }
        let (index, slot, sealer) = (Arc::clone(self), Arc::downgrade(slot), sealer.clone());
        let spawned = std::thread::Builder::new()
            .name("search-index".into())
            .spawn(move || {
                let t = Instant::now();
                let outcome = build(&slot, &index.gate, &sealer);
                // Before saying Ready: `compact` needs the only reference to the file.
                drop(slot);
                let mut b = index.build.lock().unwrap_or_else(PoisonError::into_inner);
                *b = match outcome {
                    Ok(mut shelves) => {
                        let archived = index
                            .archived
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        lay_archived(&mut shelves, &archived, &HashSet::new());
                        drop(archived);
                        log::info!(
                            "search index built in {} ms: {} customers, {} vehicles, {} documents",
                            t.elapsed().as_millis(),
                            shelves.customers.live(),
                            shelves.vehicles.live(),
                            shelves.documents.live()
                        );
                        *index
                            .shelves
                            .write()
                            .unwrap_or_else(PoisonError::into_inner) = shelves;
                        Build::Ready
                    }
                    Err(e) => {
                        log::warn!("search index build failed: {e}");
                        Build::Failed(e.to_string())
                    }
                };
                index.built.notify_all();
                drop(b);
                give_back_freed_memory();
            });
        if let Err(e) = spawned {
            log::warn!("search index thread not started: {e}");
            *self.build.lock().unwrap_or_else(PoisonError::into_inner) =
                Build::Failed(e.to_string());
        }
    }

    /// Waits for the build; false when it failed (the caller falls back to a scan).
    fn wait(&self) -> bool {
        let mut b = self.build.lock().unwrap_or_else(PoisonError::into_inner);
        while *b == Build::Building {
            b = self.built.wait(b).unwrap_or_else(PoisonError::into_inner);
        }
        *b == Build::Ready
    }

    fn stats(&self) -> SearchStats {
        let s = self.shelves.read().unwrap_or_else(PoisonError::into_inner);
        SearchStats {
            customers: s.customers.live(),
            vehicles: s.vehicles.live(),
            documents: s.documents.live(),
            bytes: s.customers.bytes()
                + s.vehicles.bytes()
                + s.documents.bytes()
                + s.names.capacity() * (16 + 24 + 1)
                + s.names.values().map(String::capacity).sum::<usize>()
                + s.service.capacity() * (16 + std::mem::size_of::<Vehicle>() + 1)
                + s.service
                    .values()
                    .map(|v| v.plate.key().len())
                    .sum::<usize>(),
        }
    }
}

/// A page of Comprobantes' list as the index answers it (`Store::document_ids_page`).
pub(crate) struct DocumentIds {
    /// Documents that match, all pages together.
    pub total: usize,
    /// Live documents in the store, matching or not.
    pub all: usize,
    /// The page's ids, newest first.
    pub ids: Vec<Uuid>,
}

/// An archived document on the documents shelf: id, folded text, `doc_flag`.
type Archived = (u128, String, u8);

/// `Entries::flags` of a document: its kind, and `ARCHIVED` when it lives in an archive file.
pub(crate) fn doc_flag(kind: DocumentKind, archived: bool) -> u8 {
    let k = match kind {
        DocumentKind::Factura => 1,
        DocumentKind::Boleta => 2,
        DocumentKind::NotaDeVenta => 3,
        DocumentKind::NotaDeCredito => 4,
        DocumentKind::NotaDeDebito => 5,
    };
    if archived { k | ARCHIVED } else { k }
}

const ARCHIVED: u8 = 0x80;

/// Hands the heap the build freed back to the system. Opening every customer, vehicle and
/// document leaves freed blocks that glibc keeps for later: the kiosk window on the 100k
/// demo store is at 191 MiB after login with this, 196 MiB without (docs/store.md,
/// "Resident memory"). Elsewhere a no-op.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and releases glibc's own free lists; it takes no
    // pointer and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Archived documents into the documents shelf, unless a live entry has the id and was
/// not just `deleted` by the archiving.
fn lay_archived(s: &mut Shelves, texts: &[Archived], deleted: &HashSet<u128>) {
    for (id, text, flag) in texts {
        if !s.documents.slot_of.contains_key(id) || deleted.contains(id) {
            s.documents.upsert(*id, text, 0, *flag);
        }
    }
}

/// A query's folded words.
type Words = Vec<Vec<u8>>;

/// The shelves while a search reads them.
type ShelvesRead<'a> = std::sync::RwLockReadGuard<'a, Shelves>;

/// The words of a query, folded like the entries.
fn words(query: &str) -> Words {
    let mut q = query;
    if q.len() > MAX_QUERY {
        let mut end = MAX_QUERY;
        while !q.is_char_boundary(end) {
            end -= 1;
        }
        q = &q[..end];
    }
    fold(q)
        .replace('-', "")
        .split_whitespace()
        .map(|w| w.as_bytes().to_vec())
        .collect()
}

fn customer_text(c: &Customer) -> String {
    fold(&format!("{} {} {}", c.name, c.doc.number, c.phone)).replace('-', "")
}

fn vehicle_text(v: &Vehicle, owner: Option<&str>) -> String {
    let own = fold(&format!("{} {} {}", v.plate.key(), v.brand, v.model)).replace('-', "");
    match owner {
        Some(o) => format!("{own} {o}"),
        None => own,
    }
}

fn document_text(s: &InvoiceSummary) -> String {
    fold(&format!(
        "{} {} {} {}",
        s.number,
        s.buyer_name,
        s.buyer_doc,
        s.plate.as_deref().unwrap_or("")
    ))
    .replace('-', "")
}

fn open<T: DeserializeOwned>(
    sealer: &Sealer,
    table: &'static str,
    row: &[u8],
    sealed: &[u8],
) -> StoreResult<T> {
    let plain =
        codec::unpack(sealer.open(table, row, sealed)?).ok_or(StoreError::Tampered(table))?;
    serde_json::from_slice(&plain).map_err(|_| StoreError::Tampered(table))
}

/// Reads a whole table in chunks of `CHUNK` rows, each in its own read transaction.
fn each_row(
    slot: &Weak<Slot>,
    gate: &Gate,
    table: TableDefinition<u128, &[u8]>,
    mut f: impl FnMut(u128, &[u8]) -> StoreResult<()>,
) -> StoreResult<()> {
    let mut after: Option<u128> = None;
    loop {
        // Declared before `slot`, so the file is let go before `reading` is.
        let _reading = gate.reading.lock().unwrap_or_else(PoisonError::into_inner);
        if gate.closing.load(Ordering::SeqCst) {
            return Err(StoreError::NotFound("el almacén"));
        }
        let slot = slot.upgrade().ok_or(StoreError::NotFound("el almacén"))?;
        let r = slot.get().begin_read()?;
        let t = r.open_table(table)?;
        let rows = match after {
            Some(k) if k == u128::MAX => return Ok(()),
            Some(k) => t.range(k + 1..)?,
            None => t.range(0..)?,
        };
        let mut n = 0;
        for row in rows {
            let (k, v) = row?;
            f(k.value(), v.value())?;
            after = Some(k.value());
            n += 1;
            if n == CHUNK {
                break;
            }
        }
        if n < CHUNK {
            return Ok(());
        }
    }
}

fn build(slot: &Weak<Slot>, gate: &Gate, sealer: &Sealer) -> StoreResult<Shelves> {
    let mut s = Shelves::default();
    each_row(slot, gate, CUSTOMERS, |k, v| {
        let c: Stored<Customer> = open(sealer, "customers", &k.to_be_bytes(), v)?;
        s.customers.upsert(k, &customer_text(&c.data), 0, 0);
        s.names.insert(k, fold(&c.data.name));
        Ok(())
    })?;
    let names = std::mem::take(&mut s.names);
    each_row(slot, gate, VEHICLES, |k, v| {
        let rec: Stored<Vehicle> = open(sealer, "vehicles", &k.to_be_bytes(), v)?;
        let owner = rec.data.owner_id.map(|o| o.as_u128());
        let name = owner.and_then(|o| names.get(&o)).map(String::as_str);
        s.vehicles
            .upsert(k, &vehicle_text(&rec.data, name), owner.unwrap_or(0), 0);
        s.service.insert(k, service_skeleton(&rec.data));
        Ok(())
    })?;
    s.names = names;
    each_row(slot, gate, INVOICE_SUMMARIES, |k, v| {
        let sum: InvoiceSummary = open(sealer, "invoice_summaries", &k.to_be_bytes(), v)?;
        s.documents
            .upsert(k, &document_text(&sum), 0, doc_flag(sum.kind, false));
        Ok(())
    })?;
    s.customers.rerank();
    s.vehicles.rerank();
    Ok(s)
}

impl Store {
    /// Starts building the search index in the background (the kiosk calls nothing:
    /// unlock does). Idempotent.
    pub(crate) fn start_search_index(&self) {
        self.search.start(&self.db, &self.sealer);
        self.start_archive_index();
    }

    /// Indexes the committed state of every record written since the last search.
    fn refresh_search(&self) -> StoreResult<()> {
        let marks: Vec<((Shelf, u128), Mark)> = {
            let dirty = self
                .search
                .dirty
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if dirty.is_empty() {
                return Ok(());
            }
            dirty.iter().map(|(k, m)| (*k, *m)).collect()
        };
        let r = self.db().begin_read()?;
        let customers = r.open_table(CUSTOMERS)?;
        let vehicles = r.open_table(VEHICLES)?;
        let summaries = r.open_table(INVOICE_SUMMARIES)?;
        let mut done = Vec::new();
        let mut renamed = Vec::new();
        let mut shelves = self
            .search
            .shelves
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        for ((shelf, id), mark) in &marks {
            let committed = match shelf {
                Shelf::Customers => {
                    match self.read_record::<Customer>(&customers, Uuid::from_u128(*id))? {
                        Some(c) => {
                            let name = fold(&c.data.name);
                            if shelves.names.get(id) != Some(&name) {
                                renamed.push(*id);
                                shelves.names.insert(*id, name);
                            }
                            shelves.customers.upsert(*id, &customer_text(&c.data), 0, 0);
                            c.meta.version >= mark.version
                        }
                        None => {
                            shelves.customers.remove(*id);
                            false
                        }
                    }
                }
                Shelf::Vehicles => {
                    match self.read_record::<Vehicle>(&vehicles, Uuid::from_u128(*id))? {
                        Some(v) => {
                            let owner = v.data.owner_id.map(|o| o.as_u128());
                            let name = owner.and_then(|o| shelves.names.get(&o)).cloned();
                            let text = vehicle_text(&v.data, name.as_deref());
                            shelves.vehicles.upsert(*id, &text, owner.unwrap_or(0), 0);
                            shelves.service.insert(*id, service_skeleton(&v.data));
                            v.meta.version >= mark.version
                        }
                        None => {
                            shelves.vehicles.remove(*id);
                            shelves.service.remove(id);
                            false
                        }
                    }
                }
                // A document's searchable text never changes once issued; its row
                // existing means its transaction committed.
                Shelf::Documents => match summaries.get(*id)? {
                    Some(v) => {
                        let sum: InvoiceSummary =
                            self.open_json("invoice_summaries", &id.to_be_bytes(), v.value())?;
                        shelves.documents.upsert(
                            *id,
                            &document_text(&sum),
                            0,
                            doc_flag(sum.kind, false),
                        );
                        true
                    }
                    None => {
                        shelves.documents.remove(*id);
                        false
                    }
                },
            };
            if committed || mark.since.elapsed() > ABANDONED {
                done.push(((*shelf, *id), *mark));
            }
        }
        // A renamed owner: their vehicles carry the new name from now on.
        for owner in renamed {
            let slots: Vec<u128> = (0..shelves.vehicles.ids.len())
                .filter(|&s| shelves.vehicles.owners[s] == owner && shelves.vehicles.ids[s] != 0)
                .map(|s| shelves.vehicles.ids[s])
                .collect();
            for id in slots {
                if let Some(v) = self.read_record::<Vehicle>(&vehicles, Uuid::from_u128(id))? {
                    let name = shelves.names.get(&owner).cloned();
                    let text = vehicle_text(&v.data, name.as_deref());
                    shelves.vehicles.upsert(id, &text, owner, 0);
                }
            }
        }
        shelves.customers.rerank();
        shelves.vehicles.rerank();
        drop(shelves);
        let mut dirty = self
            .search
            .dirty
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (key, mark) in done {
            // Written again meanwhile: keep the newer mark.
            if dirty.get(&key).is_some_and(|m| m.since == mark.since) {
                dirty.remove(&key);
            }
        }
        Ok(())
    }

    /// The index, built and brought up to date with what was committed since, read-locked,
    /// with `query`'s folded words; `None` when it could not be built (the caller scans
    /// instead).
    fn current_shelves(&self, query: &str) -> StoreResult<Option<(Words, ShelvesRead<'_>)>> {
        self.start_search_index();
        if !self.search.wait() {
            return Ok(None);
        }
        self.refresh_search()?;
        let shelves = self
            .search
            .shelves
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(Some((words(query), shelves)))
    }

    /// Ids on `shelf` whose text contains every word of `query` (folded: case, accents,
    /// ñ and dashes do not matter), best first, at most `limit`. An empty query lists
    /// the shelf. `None` when the index could not be built (the caller scans instead).
    pub fn search_ids(
        &self,
        shelf: Shelf,
        query: &str,
        limit: usize,
    ) -> StoreResult<Option<Vec<Uuid>>> {
        let Some((words, shelves)) = self.current_shelves(query)? else {
            return Ok(None);
        };
        let e = shelves.get(shelf);
        Ok(Some(
            e.find(&words, limit, shelf == Shelf::Documents)
                .into_iter()
                .map(|s| Uuid::from_u128(e.ids[s]))
                .collect(),
        ))
    }

    /// Flota's list: the vehicles matching `query` (all when empty), in plate order, that
    /// `keep` accepts given their service skeleton; how many there are and the ids of
    /// `offset..offset + limit`. Nothing is opened. `None` when the index could not be
    /// built (the caller scans instead).
    pub(crate) fn vehicle_page(
        &self,
        query: &str,
        keep: impl Fn(&Vehicle) -> bool,
        offset: usize,
        limit: usize,
    ) -> StoreResult<Option<(usize, Vec<Uuid>)>> {
        let Some((words, shelves)) = self.current_shelves(query)? else {
            return Ok(None);
        };
        let e = &shelves.vehicles;
        let (mut total, mut page) = (0, Vec::new());
        for slot in e.find(&words, usize::MAX, false) {
            let id = e.ids[slot];
            // A vehicle always has its skeleton; were one missing, show it rather than hide it.
            if !shelves.service.get(&id).is_none_or(&keep) {
                continue;
            }
            if total >= offset && page.len() < limit {
                page.push(Uuid::from_u128(id));
            }
            total += 1;
        }
        Ok(Some((total, page)))
    }

    /// True once the index is built (never waits). Comprobantes' plain list reads the
    /// table while it is not, so the first screen after login does not wait for it.
    pub(crate) fn search_ready(&self) -> bool {
        self.start_search_index();
        *self
            .search
            .build
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            == Build::Ready
    }

    /// Comprobantes' list: the documents matching `query` (all when empty) of `kind` (all
    /// when `None`), live or `archived`, newest first; how many there are, how many live
    /// documents the store holds in all, and the ids of `offset..offset + limit`. Nothing is
    /// opened. `None` when the index could not be built (the caller scans instead).
    pub(crate) fn document_ids_page(
        &self,
        query: &str,
        kind: Option<DocumentKind>,
        archived: bool,
        offset: usize,
        limit: usize,
    ) -> StoreResult<Option<DocumentIds>> {
        let Some((words, shelves)) = self.current_shelves(query)? else {
            return Ok(None);
        };
        let e = &shelves.documents;
        let want = kind.map(|k| doc_flag(k, archived));
        let live = |s: usize| e.flags[s] & ARCHIVED == 0;
        let mut hits = e.hits(&words);
        hits.retain(|&s| match want {
            Some(f) => e.flags[s] == f,
            None => live(s) != archived,
        });
        let total = hits.len();
        // Only the slots up to the page's end are put in order (ids are UUID v7: newest
        // is largest), not all of them.
        let newest_first = |a: &usize, b: &usize| e.ids[*b].cmp(&e.ids[*a]);
        let end = offset.saturating_add(limit).min(total);
        if end < total && end > 0 {
            hits.select_nth_unstable_by(end - 1, newest_first);
            hits.truncate(end);
        }
        hits.sort_unstable_by(newest_first);
        let ids = hits
            .get(offset.min(end)..end)
            .unwrap_or_default()
            .iter()
            .map(|&s| Uuid::from_u128(e.ids[s]))
            .collect();
        let all = (0..e.ids.len())
            .filter(|&s| e.ids[s] != 0 && live(s))
            .count();
        Ok(Some(DocumentIds { total, all, ids }))
    }

    /// Search as you type over customers (name, document, phone), ordered by name.
    pub fn search_customers(
        &self,
        query: &str,
        limit: usize,
    ) -> StoreResult<Vec<Stored<Customer>>> {
        match self.search_ids(Shelf::Customers, query, limit)? {
            Some(ids) => self.records_by_id(&ids),
            None => self.scan_customers(query, limit),
        }
    }

    /// Vehicles whose plate, brand, model or owner's name match, ordered by plate.
    pub fn search_vehicles(&self, query: &str, limit: usize) -> StoreResult<Vec<Stored<Vehicle>>> {
        match self.search_ids(Shelf::Vehicles, query, limit)? {
            Some(ids) => self.records_by_id(&ids),
            None => {
                let words = words(query);
                let mut all: Vec<Stored<Vehicle>> = self
                    .list::<Vehicle>()?
                    .into_iter()
                    .filter(|v| {
                        let t = vehicle_text(&v.data, None);
                        words
                            .iter()
                            .all(|w| memmem::find(t.as_bytes(), w).is_some())
                    })
                    .collect();
                all.sort_by(|a, b| a.data.plate.cmp(&b.data.plate));
                all.truncate(limit);
                Ok(all)
            }
        }
    }

    /// Every id on `shelf` matching `query`, from the index; when it could not be built,
    /// from a scan of the records (slow, same answer). For the lists that filter what
    /// they already hold (Flota, Comprobantes), on a worker.
    pub fn matching_ids(&self, shelf: Shelf, query: &str) -> StoreResult<Vec<Uuid>> {
        if let Some(ids) = self.search_ids(shelf, query, usize::MAX)? {
            return Ok(ids);
        }
        let words = words(query);
        let hit = |t: &str| {
            words
                .iter()
                .all(|w| memmem::find(t.as_bytes(), w).is_some())
        };
        Ok(match shelf {
            Shelf::Customers => self
                .list::<Customer>()?
                .into_iter()
                .filter(|c| hit(&customer_text(&c.data)))
                .map(|c| c.data.id)
                .collect(),
            Shelf::Vehicles => {
                let names: HashMap<Uuid, String> = self
                    .list::<Customer>()?
                    .into_iter()
                    .map(|c| (c.data.id, fold(&c.data.name)))
                    .collect();
                self.list::<Vehicle>()?
                    .into_iter()
                    .filter(|v| {
                        let owner = v.data.owner_id.and_then(|o| names.get(&o));
                        hit(&vehicle_text(&v.data, owner.map(String::as_str)))
                    })
                    .map(|v| v.data.id)
                    .collect()
            }
            Shelf::Documents => self
                .invoice_summaries()?
                .into_iter()
                .filter(|s| hit(&document_text(s)))
                .map(|s| s.id)
                .collect(),
        })
    }

    /// How big the search index is (waits for it to be built).
    pub fn search_stats(&self) -> SearchStats {
        self.start_search_index();
        self.search.wait();
        let _ = self.refresh_search();
        self.search.stats()
    }

    fn records_by_id<T: motordesk_core::Record>(
        &self,
        ids: &[Uuid],
    ) -> StoreResult<Vec<Stored<T>>> {
        let r = self.db().begin_read()?;
        let t = r.open_table(records(T::KIND))?;
        let sync = r.open_table(RECORD_SYNC)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(mut rec) = self.read_record(&t, *id)? {
                crate::store::with_sync(&sync, &mut rec)?;
                out.push(rec);
            }
        }
        Ok(out)
    }

    /// The search without an index: opens every customer. The fallback when the index
    /// cannot be built, and the "before" of `benches/store_perf.rs`.
    pub fn scan_customers(&self, query: &str, limit: usize) -> StoreResult<Vec<Stored<Customer>>> {
        let words: Vec<String> = fold(query).split_whitespace().map(str::to_string).collect();
        let mut out: Vec<Stored<Customer>> = self
            .list::<Customer>()?
            .into_iter()
            .filter(|c| {
                let text = c.data.search_text();
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .collect();
        out.sort_by(|a, b| a.data.name.cmp(&b.data.name));
        out.truncate(limit);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shelf(texts: &[(u128, &str)]) -> Entries {
        let mut e = Entries::default();
        for (id, t) in texts {
            e.upsert(*id, t, 0, 0);
        }
        e
    }

    #[test]
    fn words_fold_and_cut() {
        assert_eq!(
            words(" Núñez  ABC-123 "),
            vec![b"nunez".to_vec(), b"abc123".to_vec()]
        );
        assert!(words(&"x".repeat(10_000)).concat().len() <= MAX_QUERY);
        assert!(words("ñ".repeat(150).as_str()).concat().len() <= MAX_QUERY);
    }

    #[test]
    fn every_word_must_hit_the_same_entry() {
        let e = shelf(&[
            (1, "rosa quispe 45678912"),
            (2, "juan perez 12345678"),
            (3, "rosa perez"),
        ]);
        let w = |q: &str| {
            let mut v: Vec<u128> = e
                .find(&words(q), 10, false)
                .into_iter()
                .map(|s| e.ids[s])
                .collect();
            v.sort();
            v
        };
        assert_eq!(w("rosa"), vec![1, 3]);
        assert_eq!(w("rosa perez"), vec![3]);
        assert_eq!(w("7891"), vec![1]);
        assert_eq!(w("4567"), vec![1, 2]);
        // "ez 1" spans two words of one entry but is two words of the query: both hit 2.
        assert_eq!(w("ez 1"), vec![2]);
        // Never across two entries ("12 rosa" would cross 1 → 2 otherwise).
        assert_eq!(w("45678912rosa"), Vec::<u128>::new());
        assert_eq!(w(""), vec![1, 2, 3]);
    }

    #[test]
    fn archiving_marks_only_the_deleted_live_documents_archived() {
        let mut s = Shelves::default();
        let boleta = doc_flag(DocumentKind::Boleta, false);
        s.documents.upsert(1, "b00100000001 ana", 0, boleta);
        s.documents.upsert(2, "b00100000002 luis", 0, boleta);
        let archived =
            |id: u128, text: &str| (id, text.to_string(), doc_flag(DocumentKind::Boleta, true));
        let texts = vec![
            archived(1, "b00100000001 ana"),
            archived(2, "b00100000002 luis"),
            archived(3, "b00100000003 rosa"),
        ];
        // 1 was deleted by the run; 2 changed meanwhile and stayed live; 3 was archived
        // in an earlier run (no live entry).
        lay_archived(&mut s, &texts, &HashSet::from([1]));
        let flag_of = |e: &Entries, id: u128| e.flags[e.slot_of[&id] as usize];
        let flag = |id: u128| flag_of(&s.documents, id);
        assert_eq!(flag(1) & ARCHIVED, ARCHIVED);
        assert_eq!(flag(2), boleta, "a live copy wins");
        assert_eq!(flag(3) & ARCHIVED, ARCHIVED);
        assert_eq!(s.documents.live(), 3, "each once");
        // The kind survives compaction, with the text.
        s.documents.compact();
        assert_eq!(
            flag_of(&s.documents, 1),
            doc_flag(DocumentKind::Boleta, true)
        );
        assert_eq!(flag_of(&s.documents, 2), boleta);
    }

    #[test]
    fn replaced_and_removed_entries_are_gone_and_compaction_keeps_the_rest() {
        let mut e = Entries::default();
        for i in 1..=3_000u128 {
            e.upsert(i, &format!("cliente {i}"), 0, 0);
        }
        for i in 1..=2_000u128 {
            e.upsert(i, &format!("renombrado {i}"), 0, 0);
        }
        // The 501st removal makes the dead outnumber the live: compacted on the way.
        for i in 2_001..=2_600u128 {
            e.remove(i);
        }
        assert_eq!(e.dead, 99);
        assert_eq!(e.ids.len(), 2_499);
        assert_eq!(e.live(), 2_400);
        assert_eq!(e.find(&words("cliente"), usize::MAX, false).len(), 400);
        assert_eq!(e.find(&words("renombrado"), usize::MAX, false).len(), 2_000);
        let unranked = e.find(&words("renombrado 1"), 3, false);
        e.rerank();
        assert_eq!(
            e.find(&words("renombrado 1"), 3, false),
            unranked,
            "same order ranked"
        );
        let top = e.find(&words("renombrado 1"), 3, false);
        let texts: Vec<&[u8]> = top.iter().map(|&s| e.entry(s)).collect();
        assert_eq!(
            texts,
            vec![&b"renombrado 1"[..], b"renombrado 10", b"renombrado 100"]
        );
    }
}
