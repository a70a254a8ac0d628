//! The kiosk's log, always written to a file in the data dir (`logs/motordesk.log`) as
//! well as to stderr: on Windows the exe has no console, so without the file a start-up
//! failure (no OpenGL, a damaged store) leaves nothing anyone can read. The file rotates
//! at `MAX_BYTES` and keeps `KEEP` old files, so it never fills the disk.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Rotate past this size.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Old files kept: `motordesk.log.1` (newest) … `motordesk.log.3`.
pub const KEEP: u32 = 3;

/// The log folder under `data_dir`.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Appends to `dir/motordesk.log`, rotating by size.
pub struct RotatingFile {
    path: PathBuf,
    file: Option<File>,
    written: u64,
}

impl RotatingFile {
    pub fn open(dir: &Path) -> std::io::Result<RotatingFile> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("motordesk.log");
        let file = open_append(&path)?;
        let written = file.metadata()?.len();
        Ok(RotatingFile {
            path,
            file: Some(file),
            written,
        })
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        self.file = None;
        for i in (1..KEEP).rev() {
            let from = self.numbered(i);
            if from.exists() {
                std::fs::rename(&from, self.numbered(i + 1))?;
            }
        }
        std::fs::rename(&self.path, self.numbered(1))?;
        self.file = Some(open_append(&self.path)?);
        self.written = 0;
        Ok(())
    }

    fn numbered(&self, i: u32) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(format!(".{i}"));
        PathBuf::from(name)
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written + buf.len() as u64 > MAX_BYTES && self.written > 0 {
            self.rotate()?;
        }
        let n = match &mut self.file {
            Some(f) => f.write(buf)?,
            None => buf.len(),
        };
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// Every line to stderr and to the file; a file that fails is not fatal.
struct Tee(Mutex<RotatingFile>);

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        let mut f = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let _ = f.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        self.0.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

/// Starts logging (`RUST_LOG`, default info) to stderr and to `data_dir/logs`. When the
/// file cannot be opened, logs to stderr only and says so.
pub fn init(data_dir: &Path) {
    let mut builder =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    match RotatingFile::open(&log_dir(data_dir)) {
        Ok(file) => {
            builder.target(env_logger::Target::Pipe(Box::new(Tee(Mutex::new(file)))));
            builder.init();
        }
        Err(e) => {
            builder.init();
            log::warn!("no log file in {}: {e}", log_dir(data_dir).display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_by_size_and_keeps_a_bounded_number_of_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = RotatingFile::open(dir.path()).unwrap();
        let line = vec![b'x'; 1024 * 1024];
        for _ in 0..(MAX_BYTES / line.len() as u64) * (KEEP as u64 + 3) {
            f.write_all(&line).unwrap();
        }
        f.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "motordesk.log",
                "motordesk.log.1",
                "motordesk.log.2",
                "motordesk.log.3"
            ]
        );
        for n in &names {
            let len = std::fs::metadata(dir.path().join(n)).unwrap().len();
            assert!(len <= MAX_BYTES, "{n}: {len}");
        }
    }
}
