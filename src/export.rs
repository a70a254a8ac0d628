//! `motordesk export-xml`: the accountant's copy of every comprobante, without a window.
//! Each signed document is written as `RUC-TT-SERIE-NUMERO.xml` (the exact bytes SUNAT
//! receives), its CDR as `R-RUC-TT-SERIE-NUMERO.zip` (exactly as SUNAT returned it), a
//! voiding's signed summary and CDR beside them, and `estado-sunat.csv` lists where each
//! document stands. Documents still waiting for a certificate are counted, not written,
//! because an unsigned XML is not a comprobante.

use crate::store::{DB_FILE, Store, StoreError};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

const USAGE: &str = "motordesk export-xml --data-dir DIR --user U --password P --out OUTDIR [--from YYYY-MM-DD] [--to YYYY-MM-DD]";

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    pub data_dir: PathBuf,
    pub user: String,
    pub password: String,
    pub out: PathBuf,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub written: usize,
    /// CDR zips written (documents and voidings).
    pub cdrs: usize,
    pub unsigned_skipped: usize,
}

/// Why the export did not run.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A flag is missing or malformed.
    #[error("{0}\nusage: {USAGE}")]
    Usage(String),
    /// There is no store in the data dir.
    #[error("no MotorDesk store at {0}")]
    NoStore(PathBuf),
    /// The store refused the credentials, or could not be read.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The output folder could not be written.
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ExportOptions {
    /// Parses the flags after `export-xml`.
    pub fn parse(mut it: impl Iterator<Item = String>) -> Result<ExportOptions, ExportError> {
        let (mut data_dir, mut user, mut password, mut out, mut from, mut to) =
            (None, None, None, None, None, None);
        let date = |v: String| {
            NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .map_err(|_| ExportError::Usage(format!("not a date (YYYY-MM-DD): {v}")))
        };
        while let Some(flag) = it.next() {
            let value = it
                .next()
                .ok_or_else(|| ExportError::Usage(format!("{flag} needs a value")))?;
            match flag.as_str() {
                "--data-dir" => data_dir = Some(PathBuf::from(value)),
                "--user" => user = Some(value),
                "--password" => password = Some(value),
                "--out" => out = Some(PathBuf::from(value)),
                "--from" => from = Some(date(value)?),
                "--to" => to = Some(date(value)?),
                other => return Err(ExportError::Usage(format!("unknown flag {other}"))),
            }
        }
        fn need<T>(v: Option<T>, name: &str) -> Result<T, ExportError> {
            v.ok_or_else(|| ExportError::Usage(format!("{name} is required")))
        }
        Ok(ExportOptions {
            data_dir: need(data_dir, "--data-dir")?,
            user: need(user, "--user")?,
            password: need(password, "--password")?,
            out: need(out, "--out")?,
            from,
            to,
        })
    }
}

/// Opens the store with the given account and writes the XML files.
pub fn export_xml(o: &ExportOptions) -> Result<ExportReport, ExportError> {
    let db = o.data_dir.join(DB_FILE);
    if !Store::is_initialized(&db)? {
        return Err(ExportError::NoStore(db));
    }
    let store = Store::unlock(&db, &o.user, &o.password)?;
    write_all(&store, o.from, o.to, &o.out)
}

/// Writes every signed comprobante issued between `from` and `to` into `out`.
fn write_all(
    store: &Store,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    out: &Path,
) -> Result<ExportReport, ExportError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Write { path, source }
    };
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    let mut report = ExportReport::default();
    let mut csv = String::from("archivo,estado,codigo,descripcion,cdr\n");
    for (inv, xml) in store.comprobantes_between(from, to)? {
        if !xml.is_signed() {
            report.unsigned_skipped += 1;
            continue;
        }
        let path = out.join(format!("{}.xml", xml.file_name));
        std::fs::write(&path, xml.xml.as_bytes()).map_err(write_err(&path))?;
        report.written += 1;
        let fiscal = store.fiscal_state(inv.id)?.unwrap_or_default();
        let mut cdr_file = String::new();
        if fiscal.has_cdr() {
            cdr_file = format!("R-{}.zip", xml.file_name);
            let path = out.join(&cdr_file);
            std::fs::write(&path, &fiscal.cdr_zip).map_err(write_err(&path))?;
            report.cdrs += 1;
        }
        if let Some(void) = &fiscal.void {
            let path = out.join(format!("{}.xml", void.file_name));
            std::fs::write(&path, void.xml.as_bytes()).map_err(write_err(&path))?;
            if !void.cdr_zip.is_empty() {
                let path = out.join(format!("R-{}.zip", void.file_name));
                std::fs::write(&path, &void.cdr_zip).map_err(write_err(&path))?;
                report.cdrs += 1;
            }
        }
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            xml.file_name,
            csv_field(fiscal.state.label()),
            fiscal.code.map(|c| c.to_string()).unwrap_or_default(),
            csv_field(&fiscal.description),
            cdr_file
        ));
    }
    let path = out.join("estado-sunat.csv");
    std::fs::write(&path, csv).map_err(write_err(&path))?;
    Ok(report)
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
