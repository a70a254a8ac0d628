//! The server's own backup: `motordesk-server backup --out FILE`, a consistent copy of
//! the redb database taken while the server keeps serving.
//!
//! redb locks its file to one process and has no online copy, and a byte copy of a file
//! being written is not consistent. So the copy is every table read inside one read
//! transaction (a snapshot: writes go on meanwhile) and written into a fresh redb file,
//! which is then opened again and its row counts compared with the source's.
//!
//! Who makes it: when no server holds the file, the command opens it itself. When a
//! server runs, the command asks it over a control port on 127.0.0.1 whose address and
//! secret the server writes at start to `<db>.control` (0600, in the 0700 data folder:
//! whoever reads it could already copy the database). Tenant shops' files
//! (`shops/<id>/server.redb`) are copied beside FILE as `FILE.shop<id>`. PostgreSQL is
//! backed up with `pg_dump` (docs/deployment.md).

use crate::db::{DbError, DbResult, ServerDb};
use redb::{
    Database, Key, MultimapTableHandle, ReadTransaction, ReadableDatabase, ReadableTableMetadata,
    TableDefinition, TableHandle, Value, WriteTransaction,
};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a snapshot holds, checked by opening it again.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotReport {
    /// Files written: the server's own first, then one per tenant shop.
    pub files: Vec<PathBuf>,
    pub tables: usize,
    pub rows: u64,
    pub bytes: u64,
}

/// Copies one table (a missing one is skipped); called by `redb_store::copy_tables`
/// for each table it defines.
pub(crate) fn copy<K: Key + 'static, V: Value + 'static>(
    r: &ReadTransaction,
    w: &WriteTransaction,
    def: TableDefinition<K, V>,
    copied: &mut BTreeSet<String>,
) -> DbResult<()> {
    copied.insert(def.name().to_string());
    let from = match r.open_table(def) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut to = w.open_table(def)?;
    for row in redb::ReadableTable::iter(&from)? {
        let (k, v) = row?;
        to.insert(k.value(), v.value())?;
    }
    Ok(())
}

/// Why a snapshot was refused or failed, beyond the database's own errors.
fn refuse(what: String) -> DbError {
    DbError::Io(std::io::Error::other(what))
}

/// Rows per table name in a read transaction.
fn counts(r: &ReadTransaction) -> DbResult<Vec<(String, u64)>> {
    let mut out = Vec::new();
    for t in r.list_tables()? {
        let name = t.name().to_string();
        out.push((name, r.open_untyped_table(t)?.len()?));
    }
    out.sort();
    Ok(out)
}

/// Copies `db` into a new file `out` (refused if it exists), consistent as of one read
/// transaction, and checks the copy opens with the same rows in every table.
fn snapshot_db(db: &Database, out: &Path) -> DbResult<(usize, u64, u64)> {
    if out.exists() {
        return Err(refuse(format!("{} exists; not overwritten", out.display())));
    }
    let mut part_name = out.as_os_str().to_owned();
    part_name.push(".part");
    let part = PathBuf::from(part_name);
    let _ = std::fs::remove_file(&part);
    let r = db.begin_read()?;
    let source = counts(&r)?;
    let made = (|| -> DbResult<()> {
        crate::files::write_owner_only(&part, b"")?;
        let copy_db = Database::create(&part)?;
        let w = copy_db.begin_write()?;
        let copied = crate::redb_store::copy_tables(&r, &w)?;
        w.commit()?;
        if let Some(t) = r.list_tables()?.find(|t| !copied.contains(t.name())) {
            return Err(refuse(format!(
                "table {} is not known to the backup",
                t.name()
            )));
        }
        if let Some(t) = r.list_multimap_tables()?.next() {
            return Err(refuse(format!(
                "table {} is not known to the backup",
                t.name()
            )));
        }
        drop(copy_db);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&part)?
            .sync_all()?;
        Ok(())
    })();
    drop(r);
    if let Err(e) = made {
        let _ = std::fs::remove_file(&part);
        return Err(e);
    }
    std::fs::rename(&part, out)?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        #[cfg(unix)]
        std::fs::File::open(dir)?.sync_all()?;
        #[cfg(not(unix))]
        let _ = dir;
    }
    // Verified by opening it as a database of its own.
    let copy = Database::open(out)?;
    let copied = counts(&copy.begin_read()?)?;
    if copied != source {
        return Err(refuse(format!(
            "the copy {} does not hold the same rows as the database",
            out.display()
        )));
    }
    let rows = copied.iter().map(|(_, n)| n).sum();
    Ok((copied.len(), rows, std::fs::metadata(out)?.len()))
}

/// Where tenant shop `id`'s copy goes beside `out`.
fn shop_out(out: &Path, id: u32) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(format!(".shop{id}"));
    PathBuf::from(name)
}

impl ServerDb {
    /// Snapshots this redb store into `out`.
    fn snapshot_to(&self, out: &Path) -> DbResult<(usize, u64, u64)> {
        let db = self.redb().ok_or_else(|| {
            refuse("the data is in PostgreSQL: back it up with pg_dump (docs/deployment.md)".into())
        })?;
        snapshot_db(db, out)
    }
}

/// Snapshots a running server's stores: the default one into `out`, each tenant shop
/// beside it.
pub fn snapshot_state(state: &crate::AppState, out: &Path) -> DbResult<SnapshotReport> {
    let mut report = SnapshotReport::default();
    for (id, db) in state.shops.all()? {
        let path = if id.is_default() {
            out.to_path_buf()
        } else {
            shop_out(out, id.0)
        };
        let (tables, rows, bytes) = db.snapshot_to(&path)?;
        report.files.push(path);
        report.tables += tables;
        report.rows += rows;
        report.bytes += bytes;
    }
    Ok(report)
}

/// `<db>.control`: where a running server listens for `backup` commands.
pub fn control_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".control");
    PathBuf::from(name)
}

/// Largest command line read on the control port.
const MAX_COMMAND: u64 = 8 * 1024;

/// Listens on 127.0.0.1 for `backup` commands from `motordesk-server backup` and writes
/// the address and a fresh secret to `<db>.control`. A thread for the process's life.
pub fn start_control(state: std::sync::Arc<crate::AppState>, db: &Path) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let secret = crate::db::new_token();
    let path = control_path(db);
    let _ = std::fs::remove_file(&path);
    crate::files::write_owner_only(&path, format!("{addr} {secret}\n").as_bytes())?;
    std::thread::Builder::new()
        .name("backup-control".into())
        .spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                let answer = match read_command(&conn, &secret) {
                    Ok(out) => match snapshot_state(&state, &out) {
                        Ok(r) => {
                            log::info!(
                                "backup: {} rows in {} tables written to {}",
                                r.rows,
                                r.tables,
                                out.display()
                            );
                            format!("ok {}", serde_json::to_string(&r).unwrap_or_default())
                        }
                        Err(e) => {
                            log::warn!("backup to {} failed: {e}", out.display());
                            format!("error {e}")
                        }
                    },
                    Err(e) => {
                        log::warn!("backup control: {e}");
                        format!("error {e}")
                    }
                };
                let _ = writeln!(conn, "{answer}");
            }
        })?;
    Ok(())
}

/// `backup <secret> <out path>`; the secret compared in constant time.
fn read_command(conn: &std::net::TcpStream, secret: &str) -> Result<PathBuf, String> {
    let mut line = String::new();
    BufReader::new(conn.take(MAX_COMMAND))
        .read_line(&mut line)
        .map_err(|e| format!("reading the command: {e}"))?;
    let mut parts = line.trim_end_matches(['\r', '\n']).splitn(3, ' ');
    let (Some("backup"), Some(given), Some(out)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err("not a backup command".into());
    };
    if !crate::routes::same(given, secret) {
        return Err("wrong control secret".into());
    }
    let out = PathBuf::from(out);
    if !out.is_absolute() {
        return Err("the output path must be absolute".into());
    }
    Ok(out)
}

/// `motordesk-server backup --out FILE [--data-dir DIR | --db FILE]`: the snapshot by
/// the running server when one holds the file, else by this process. Returns the line
/// to print.
pub fn backup_command(mut args: impl Iterator<Item = String>) -> Result<String, String> {
    let mut out = None;
    let mut db = crate::default_db_path();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--data-dir" => db = PathBuf::from(value()?).join(crate::DB_FILE),
            "--db" => db = PathBuf::from(value()?),
            _ => {
                return Err(
                    "usage: motordesk-server backup --out FILE [--data-dir DIR | --db FILE]".into(),
                );
            }
        }
    }
    let out = out.ok_or("backup needs --out FILE")?;
    let out = std::path::absolute(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    if out.exists() {
        return Err(format!("{} exists; not overwritten", out.display()));
    }
    let report = match Database::open(&db) {
        Ok(database) => offline(database, &db, &out)?,
        Err(redb::DatabaseError::DatabaseAlreadyOpen) => online(&db, &out)?,
        Err(e) => return Err(format!("cannot open {}: {e}", db.display())),
    };
    Ok(format!(
        "backup of {} written to {}: {} tables, {} rows, {} bytes, opened and checked",
        db.display(),
        report
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        report.tables,
        report.rows,
        report.bytes
    ))
}

/// No server runs: copy the file (and the tenant shops' files) from here.
fn offline(database: Database, db: &Path, out: &Path) -> Result<SnapshotReport, String> {
    let mut report = SnapshotReport::default();
    let mut add = |database: &Database, to: PathBuf| -> Result<(), String> {
        let (t, r, b) = snapshot_db(database, &to).map_err(|e| e.to_string())?;
        report.files.push(to);
        report.tables += t;
        report.rows += r;
        report.bytes += b;
        Ok(())
    };
    add(&database, out.to_path_buf())?;
    let shops = db.with_file_name(crate::shops::SHOPS_DIR);
    if let Ok(entries) = std::fs::read_dir(&shops) {
        for e in entries.flatten() {
            let Ok(id) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let file = e.path().join("server.redb");
            if file.exists() {
                let shop = Database::open(&file).map_err(|e| format!("{}: {e}", file.display()))?;
                add(&shop, shop_out(out, id))?;
            }
        }
    }
    Ok(report)
}

/// A server holds the file: ask it through its control port.
fn online(db: &Path, out: &Path) -> Result<SnapshotReport, String> {
    let control = control_path(db);
    let text = std::fs::read_to_string(&control).map_err(|e| {
        format!(
            "{} is open in a running server, but its control file {} cannot be read ({e}); run this as the server's account",
            db.display(),
            control.display()
        )
    })?;
    let (addr, secret) = text
        .trim()
        .split_once(' ')
        .ok_or(format!("{} is malformed", control.display()))?;
    let mut conn = std::net::TcpStream::connect(addr)
        .map_err(|e| format!("the running server does not answer on {addr}: {e}"))?;
    writeln!(conn, "backup {secret} {}", out.display()).map_err(|e| e.to_string())?;
    let mut answer = String::new();
    BufReader::new(conn.take(1 << 20))
        .read_line(&mut answer)
        .map_err(|e| format!("no answer from the running server: {e}"))?;
    let answer = answer.trim();
    if let Some(json) = answer.strip_prefix("ok ") {
        serde_json::from_str(json).map_err(|e| format!("answer from the server: {e}"))
    } else {
        Err(format!(
            "the running server could not make the backup: {}",
            answer.strip_prefix("error ").unwrap_or(answer)
        ))
    }
}
