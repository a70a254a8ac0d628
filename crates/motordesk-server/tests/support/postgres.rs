//! A throwaway PostgreSQL cluster for the server's tests and benches: `initdb` in a temp
//! dir and `pg_ctl start` on a free loopback port (as the `postgres` system user when
//! running as root: PostgreSQL refuses to run as root), stopped when the last test
//! holding it lets go (`Drop`). Each test gets its own fresh database in it.
//!
//! Without PostgreSQL's binaries the tests fail, loudly, unless MOTORDESK_SKIP_POSTGRES=1
//! says to skip them (then `Backend::all()` is redb only). The binaries are looked up in
//! `$PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Which storage a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Redb,
    Postgres,
}

impl Backend {
    /// Both backends, or redb alone when MOTORDESK_SKIP_POSTGRES=1.
    pub fn all() -> Vec<Backend> {
        if skip_postgres() {
            eprintln!("MOTORDESK_SKIP_POSTGRES=1: PostgreSQL variants skipped");
            vec![Backend::Redb]
        } else {
            vec![Backend::Redb, Backend::Postgres]
        }
    }
}

pub fn skip_postgres() -> bool {
    std::env::var("MOTORDESK_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

/// A running cluster; stopped (immediate mode) and deleted on drop.
pub struct Cluster {
    dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
    as_postgres: bool,
    next_db: AtomicU32,
}

fn pg_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    found.retain(|p| p.join("initdb").exists());
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().unwrap_or_else(|| {
        panic!(
            "PostgreSQL's binaries are not installed (no /usr/lib/postgresql/*/bin/initdb): \
             `apt-get install postgresql` (scripts/setup-debian.sh), set PG_BIN, or set \
             MOTORDESK_SKIP_POSTGRES=1 to run the redb variants only"
        )
    })
}

/// Whether this process runs as root (PostgreSQL then runs as the `postgres` user). The
/// throwaway cluster is a Unix affair; elsewhere this is simply false.
fn is_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    false
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Cluster {
    fn run(&self, tool: &str, args: &[&str]) -> std::process::Output {
        let exe = self.bin.join(tool);
        let out = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output()
        } else {
            Command::new(&exe).args(args).output()
        }
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// initdb + pg_ctl start. `durable`: fsync on (benches); tests run with fsync off.
    pub fn start(durable: bool) -> Cluster {
        let bin = pg_bin();
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("motordesk-pg-")
            .tempdir()
            .unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        if as_postgres {
            let st = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(st.success(), "chown the cluster dir to postgres");
        }
        let port = free_port();
        let cluster = Cluster {
            dir,
            port,
            bin,
            as_postgres,
            next_db: AtomicU32::new(0),
        };
        let data_s = data.to_str().unwrap();
        cluster.run(
            "initdb",
            &[
                "-D",
                data_s,
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        let fsync = if durable { "on" } else { "off" };
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync={fsync} -c max_connections=300",
            cluster.dir.path().display()
        );
        let log = cluster.dir.path().join("server.log");
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                data_s,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
        cluster
    }

    /// The cluster every test of this process shares while any holds it.
    pub fn shared() -> Arc<Cluster> {
        static SHARED: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());
        let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = slot.upgrade() {
            return c;
        }
        let c = Arc::new(Cluster::start(false));
        *slot = Arc::downgrade(&c);
        c
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// A new empty database; returns its URL.
    pub fn fresh_database(&self) -> String {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            self.next_db.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .expect("connect to the test cluster");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        self.url(&name)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let exe = self.bin.join("pg_ctl");
        let args = ["-D", data.to_str().unwrap_or(""), "-m", "immediate", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output()
        } else {
            Command::new(&exe).args(args).output()
        };
    }
}

/// Where a test's server keeps its data: a redb file, or a fresh database in the shared
/// cluster (held as long as this lives) with a key file in a temp dir.
pub struct Store {
    pub backend: Backend,
    pub dir: tempfile::TempDir,
    pub url: Option<String>,
    cluster: Option<Arc<Cluster>>,
}

impl Store {
    pub fn new(backend: Backend) -> Store {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Redb => Store {
                backend,
                dir,
                url: None,
                cluster: None,
            },
            Backend::Postgres => {
                let cluster = Cluster::shared();
                let url = cluster.fresh_database();
                Store {
                    backend,
                    dir,
                    url: Some(url),
                    cluster: Some(cluster),
                }
            }
        }
    }

    pub fn redb_path(&self) -> PathBuf {
        self.dir.path().join("data").join("server.redb")
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.path().join("data").join("server.key")
    }

    /// The server flags that select this store.
    pub fn flags(&self) -> Vec<String> {
        match &self.url {
            None => vec!["--db".into(), self.redb_path().display().to_string()],
            Some(url) => vec![
                "--db".into(),
                self.redb_path().display().to_string(),
                "--database".into(),
                url.clone(),
                "--server-key".into(),
                self.key_path().display().to_string(),
            ],
        }
    }

    /// Opens it in this process.
    pub fn open(&self) -> motordesk_server::db::ServerDb {
        match &self.url {
            None => motordesk_server::db::ServerDb::open(&self.redb_path()).unwrap(),
            Some(url) => {
                motordesk_server::db::ServerDb::open_postgres(url, &self.key_path()).unwrap()
            }
        }
    }

    /// A plain client on the store's database (PostgreSQL only).
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(
            self.url.as_ref().expect("a PostgreSQL store"),
            postgres::NoTls,
        )
        .unwrap()
    }
}
