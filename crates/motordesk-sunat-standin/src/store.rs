//! What the stand-in remembers across requests and restarts: every registered document number
//! (content hash, code, CDR) and every summary ticket, saved as JSON after each change.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// A registered document (accepted or rejected: its number is consumed either way).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredDocument {
    /// SHA-256 of the XML received, hex.
    pub content_sha256: String,
    /// CDR ResponseCode.
    pub response_code: u32,
    /// The CDR zip, base64.
    pub cdr_zip_base64: String,
}

/// A summary ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredTicket {
    /// File name of the summary.
    pub name: String,
    /// getStatus calls answered so far.
    pub polls: u32,
    /// CDR zip, base64, answered once processing is "done".
    pub cdr_zip_base64: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    documents: BTreeMap<String, StoredDocument>,
    tickets: BTreeMap<String, StoredTicket>,
    next_ticket: u64,
}

/// The state, optionally persisted.
#[derive(Debug)]
pub struct Store {
    path: Option<PathBuf>,
    state: Mutex<State>,
}

impl Store {
    /// Loads `path` if it exists (or starts empty).
    pub fn open(path: Option<PathBuf>) -> io::Result<Store> {
        let state = match &path {
            Some(p) if p.exists() => serde_json::from_slice(&std::fs::read(p)?)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
            _ => State::default(),
        };
        Ok(Store {
            path,
            state: Mutex::new(state),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn save(&self, state: &State) -> io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let json = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
        write_atomically(path, &json)
    }

    /// The document registered under `key` (`RUC-TT-SERIE-NUMBER`, number without zeros).
    pub fn document(&self, key: &str) -> Option<StoredDocument> {
        self.with(|s| s.documents.get(key).cloned())
    }

    /// Registers a document unless the key is taken; returns the existing one if it is.
    pub fn register(&self, key: &str, doc: StoredDocument) -> io::Result<Option<StoredDocument>> {
        self.with(|s| {
            if let Some(existing) = s.documents.get(key) {
                return Ok(Some(existing.clone()));
            }
            s.documents.insert(key.to_owned(), doc);
            self.save(s).map(|()| None)
        })
    }

    /// Creates a ticket for a summary.
    pub fn new_ticket(&self, name: &str, cdr_zip_base64: String) -> io::Result<String> {
        self.with(|s| {
            s.next_ticket += 1;
            let ticket = format!("{}{:05}", std::process::id(), s.next_ticket);
            s.tickets.insert(
                ticket.clone(),
                StoredTicket {
                    name: name.to_owned(),
                    polls: 0,
                    cdr_zip_base64,
                },
            );
            self.save(s).map(|()| ticket)
        })
    }

    /// Counts a poll of `ticket` and returns it as it was before the poll.
    pub fn poll_ticket(&self, ticket: &str) -> io::Result<Option<StoredTicket>> {
        self.with(|s| {
            let Some(t) = s.tickets.get_mut(ticket) else {
                return Ok(None);
            };
            let before = t.clone();
            t.polls += 1;
            self.save(s).map(|()| Some(before))
        })
    }

    /// Whether a summary with this file name was already presented.
    pub fn summary_presented(&self, name: &str) -> bool {
        self.with(|s| s.tickets.values().any(|t| t.name == name))
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Key of a document: `RUC-TT-SERIE-NUMBER` with the number's leading zeros dropped.
pub fn document_key(ruc: &str, tt: &str, series: &str, number: u32) -> String {
    format!("{ruc}-{tt}-{series}-{number}")
}

#[cfg(test)]
mod tests {
    use super::{Store, StoredDocument, document_key};

    #[test]
    fn persists_across_reopen() {
        let dir =
            std::env::temp_dir().join(format!("motordesk-standin-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let _ = std::fs::remove_file(&path);
        let key = document_key("20000000001", "01", "F001", 7);
        let doc = StoredDocument {
            content_sha256: "ab".into(),
            response_code: 0,
            cdr_zip_base64: "UEs=".into(),
        };
        let store = Store::open(Some(path.clone())).unwrap();
        assert!(store.register(&key, doc.clone()).unwrap().is_none());
        assert!(store.register(&key, doc).unwrap().is_some());
        let ticket = store
            .new_ticket("20000000001-RC-20261125-1", "UEs=".into())
            .unwrap();
        drop(store);
        let reopened = Store::open(Some(path)).unwrap();
        assert_eq!(reopened.document(&key).unwrap().content_sha256, "ab");
        assert_eq!(reopened.poll_ticket(&ticket).unwrap().unwrap().polls, 0);
        assert_eq!(reopened.poll_ticket(&ticket).unwrap().unwrap().polls, 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
