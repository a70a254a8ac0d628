//! The archive file: archived documents' rows exactly as the store sealed them, and a small
//! sealed index of their list rows at the end, so unlock reads the index and never the
//! bodies (issue 13).
//!
//! ```text
//! "MDARCH1\n" | archive id (16) | u32 len | check        sealed "@archive" (id ‖ "check")
//! per document: id (16, BE) | 4 × (u32 len | bytes; u32::MAX = none)
//!     the invoices, invoice_summaries, invoice_xml and fiscal_state rows, byte for byte
//! index: sealed "@archive" (id ‖ "index"), deflated JSON of [IndexEntry]
//! footer: index offset (u64) | index len (u64) | documents (u32) | "MDAREND\n"
//! ```
//!
//! The rows keep their own seal (table + row id as associated data), so nothing is
//! decrypted and sealed again, and the signed XML is the very value the store held. The
//! check value tells "another store's key" apart from "damaged": with the right key it
//! opens, and then a section that does not open (or a length that points outside the file)
//! is damage. All integers are little-endian except the row ids.

use crate::store::codec;
use crate::store::queries::InvoiceSummary;
use crate::store::seal::Sealer;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub(super) const MAGIC: &[u8; 8] = b"MDARCH1\n";
const END: &[u8; 8] = b"MDAREND\n";
/// The "table" part of the associated data: never a redb table name.
const DOMAIN: &str = "@archive";
const FOOTER: u64 = 8 + 8 + 4 + 8;
const NONE: u32 = u32::MAX;
/// The index a file may carry: 64 MiB is ~250k documents' list rows, deflated.
pub(super) const MAX_INDEX: u64 = 64 * 1024 * 1024;
/// One sealed row (an invoice with its signed XML is ~10 KB; a CDR zip a few KB).
pub(super) const MAX_ROW: u32 = 16 * 1024 * 1024;
/// Documents in one file (a run writes at most `MAX_PER_RUN`).
pub(super) const MAX_DOCS: u32 = 250_000;

/// Why a file could not be read as an archive. `path` is the file.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveFileError {
    #[error("archive {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The check value does not open: sealed under another store's data key.
    #[error("archive {path} is sealed with another key")]
    WrongKey { path: PathBuf },
    /// Not an archive, cut short, a section that does not open, or a limit passed.
    #[error("archive {path} is damaged: {what}")]
    Damaged { path: PathBuf, what: &'static str },
}

/// One archived document in the index: its list row and where its rows are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexEntry {
    pub summary: InvoiceSummary,
    pub(super) at: u64,
    pub(super) len: u32,
}

/// The sealed rows of one document, as the store's tables hold them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Rows {
    pub invoice: Vec<u8>,
    pub summary: Vec<u8>,
    pub xml: Option<Vec<u8>>,
    pub fiscal: Option<Vec<u8>>,
}

fn aad(id: &[u8; 16], part: &[u8]) -> Vec<u8> {
    let mut a = id.to_vec();
    a.extend_from_slice(part);
    a
}

/// Writes one archive; nothing is readable as complete before `finish` wrote the footer.
pub(super) struct Writer {
    out: BufWriter<File>,
    path: PathBuf,
    id: [u8; 16],
    at: u64,
    entries: Vec<IndexEntry>,
}

impl Writer {
    /// Starts `path` (owner-only, must not exist).
    pub(super) fn create(path: &Path, sealer: &Sealer) -> std::io::Result<Writer> {
        let file = crate::store::files::create_new_private(path)?;
        let id = *uuid::Uuid::now_v7().as_bytes();
        let mut w = Writer {
            out: BufWriter::with_capacity(1 << 20, file),
            path: path.to_path_buf(),
            id,
            at: 0,
            entries: Vec::new(),
        };
        let check = sealer.seal(DOMAIN, &aad(&id, b"check"), MAGIC);
        w.put(MAGIC)?;
        w.put(&id)?;
        w.put(&(check.len() as u32).to_le_bytes())?;
        w.put(&check)?;
        Ok(w)
    }

    fn put(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.out.write_all(b)?;
        self.at += b.len() as u64;
        Ok(())
    }

    fn field(&mut self, b: Option<&[u8]>) -> std::io::Result<()> {
        match b {
            Some(b) => {
                self.put(&(b.len() as u32).to_le_bytes())?;
                self.put(b)
            }
            None => self.put(&NONE.to_le_bytes()),
        }
    }

    /// Appends one document's rows.
    pub(super) fn add(&mut self, summary: InvoiceSummary, rows: &Rows) -> std::io::Result<()> {
        let start = self.at;
        self.put(&summary.id.as_u128().to_be_bytes())?;
        self.field(Some(&rows.invoice))?;
        self.field(Some(&rows.summary))?;
        self.field(rows.xml.as_deref())?;
        self.field(rows.fiscal.as_deref())?;
        let len = u32::try_from(self.at - start).unwrap_or(u32::MAX);
        self.entries.push(IndexEntry {
            summary,
            at: start,
            len,
        });
        Ok(())
    }

    /// Writes the index and the footer and fsyncs the file; returns the index.
    pub(super) fn finish(mut self, sealer: &Sealer) -> std::io::Result<(PathBuf, Vec<IndexEntry>)> {
        let json = serde_json::to_vec(&self.entries)?;
        let index = sealer.seal(DOMAIN, &aad(&self.id, b"index"), &codec::pack(json));
        let index_at = self.at;
        self.put(&index)?;
        self.put(&index_at.to_le_bytes())?;
        self.put(&(index.len() as u64).to_le_bytes())?;
        self.put(&(self.entries.len() as u32).to_le_bytes())?;
        self.put(END)?;
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok((self.path, self.entries))
    }
}

/// An archive whose index opened.
pub(super) struct Opened {
    pub entries: Vec<IndexEntry>,
    pub bytes: u64,
}

fn damaged(path: &Path, what: &'static str) -> ArchiveFileError {
    ArchiveFileError::Damaged {
        path: path.to_path_buf(),
        what,
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> ArchiveFileError + '_ {
    move |source| match source.kind() {
        std::io::ErrorKind::UnexpectedEof => damaged(path, "cut short"),
        _ => ArchiveFileError::Io {
            path: path.to_path_buf(),
            source,
        },
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// Reads the header and the index of `path` (never the bodies).
pub(super) fn open_index(path: &Path, sealer: &Sealer) -> Result<Opened, ArchiveFileError> {
    let err = io(path);
    let mut f = File::open(path).map_err(&err)?;
    let bytes = f.metadata().map_err(&err)?.len();
    let mut head = [0u8; 8 + 16 + 4];
    f.read_exact(&mut head).map_err(&err)?;
    if &head[..8] != MAGIC {
        return Err(damaged(path, "not an archive file"));
    }
    let id: [u8; 16] = head[8..24].try_into().expect("16 bytes");
    let check_len = u32_at(&head, 24);
    if check_len > 1024 {
        return Err(damaged(path, "header"));
    }
    let mut check = vec![0u8; check_len as usize];
    f.read_exact(&mut check).map_err(&err)?;
    match sealer.open(DOMAIN, &aad(&id, b"check"), &check) {
        Ok(v) if v == MAGIC => {}
        _ => {
            return Err(ArchiveFileError::WrongKey {
                path: path.to_path_buf(),
            });
        }
    }
    let body_start = 28 + check_len as u64;
    if bytes < body_start + FOOTER {
        return Err(damaged(path, "cut short"));
    }
    let mut foot = [0u8; FOOTER as usize];
    f.seek(SeekFrom::Start(bytes - FOOTER)).map_err(&err)?;
    f.read_exact(&mut foot).map_err(&err)?;
    if &foot[20..] != END {
        return Err(damaged(path, "cut short (no footer)"));
    }
    let (index_at, index_len, count) = (u64_at(&foot, 0), u64_at(&foot, 8), u32_at(&foot, 16));
    if index_len > MAX_INDEX || count > MAX_DOCS {
        return Err(damaged(path, "index larger than allowed"));
    }
    if index_at < body_start || index_at.checked_add(index_len) != Some(bytes - FOOTER) {
        return Err(damaged(path, "index out of place"));
    }
    let mut sealed = vec![0u8; index_len as usize];
    f.seek(SeekFrom::Start(index_at)).map_err(&err)?;
    f.read_exact(&mut sealed).map_err(&err)?;
    let plain = sealer
        .open(DOMAIN, &aad(&id, b"index"), &sealed)
        .ok()
        .and_then(codec::unpack)
        .ok_or_else(|| damaged(path, "index does not open"))?;
    let entries: Vec<IndexEntry> =
        serde_json::from_slice(&plain).map_err(|_| damaged(path, "index unreadable"))?;
    if entries.len() != count as usize
        || entries
            .iter()
            .any(|e| e.at < body_start || e.at + u64::from(e.len) > index_at)
    {
        return Err(damaged(path, "index does not match the file"));
    }
    Ok(Opened { entries, bytes })
}

/// Reads one document's rows (`entry` from this file's index).
pub(super) fn read_rows(path: &Path, entry: &IndexEntry) -> Result<Rows, ArchiveFileError> {
    let err = io(path);
    let mut f = File::open(path).map_err(&err)?;
    let mut b = vec![0u8; entry.len as usize];
    f.seek(SeekFrom::Start(entry.at)).map_err(&err)?;
    f.read_exact(&mut b).map_err(&err)?;
    parse_rows(path, entry, &b)
}

/// Reads every document of the file in one pass, in file order, handing each to `visit`.
pub(super) fn each_rows(
    path: &Path,
    entries: &[IndexEntry],
    mut visit: impl FnMut(&IndexEntry, Rows) -> Result<(), ArchiveFileError>,
) -> Result<(), ArchiveFileError> {
    let err = io(path);
    let mut f = std::io::BufReader::with_capacity(1 << 20, File::open(path).map_err(&err)?);
    let mut pos = 0u64;
    for e in entries {
        if e.at != pos {
            f.seek(SeekFrom::Start(e.at)).map_err(&err)?;
        }
        let mut b = vec![0u8; e.len as usize];
        f.read_exact(&mut b).map_err(&err)?;
        pos = e.at + u64::from(e.len);
        visit(e, parse_rows(path, e, &b)?)?;
    }
    Ok(())
}

fn parse_rows(path: &Path, entry: &IndexEntry, b: &[u8]) -> Result<Rows, ArchiveFileError> {
    if b.len() < 16 || b[..16] != entry.summary.id.as_u128().to_be_bytes() {
        return Err(damaged(path, "a document is not where the index says"));
    }
    let mut at = 16usize;
    let mut next = || -> Result<Option<Vec<u8>>, ArchiveFileError> {
        if at + 4 > b.len() {
            return Err(damaged(path, "a document is cut short"));
        }
        let len = u32_at(b, at);
        at += 4;
        if len == NONE {
            return Ok(None);
        }
        if len > MAX_ROW || at + len as usize > b.len() {
            return Err(damaged(path, "a row is longer than its document"));
        }
        let v = b[at..at + len as usize].to_vec();
        at += len as usize;
        Ok(Some(v))
    };
    let invoice = next()?.ok_or_else(|| damaged(path, "a document without its invoice"))?;
    let summary = next()?.ok_or_else(|| damaged(path, "a document without its list row"))?;
    Ok(Rows {
        invoice,
        summary,
        xml: next()?,
        fiscal: next()?,
    })
}
