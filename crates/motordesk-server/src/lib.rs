//! The reference sync server (library part): axum routes over its storage — its own
//! redb file, or PostgreSQL shared by several instances (`storage`, `redb_store`, `pg`).
//! `src/bin/motordesk-server.rs` parses flags and calls `serve`.

pub mod accounts;
pub mod backups;
pub mod claims;
pub mod db;
pub mod device;
pub mod dispatcher;
pub mod enrollment;
pub mod error;
mod files;
pub mod fiscal;
pub mod lookup;
pub mod owners;
mod pg;
mod redb_store;
mod request;
pub mod routes;
pub mod sealing;
pub mod shops;
pub mod snapshot;
pub mod sol_logins;
pub mod storage;
pub mod throttle;
pub mod validate;

use db::ServerDb;
use motordesk_core::protocol::FaultPlan;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub const DEFAULT_ADDR: &str = "127.0.0.1:8787";
pub const DB_FILE: &str = "motordesk-server.redb";
/// The server key's file name beside the data when the data is in PostgreSQL.
pub const KEY_FILE: &str = "motordesk-server.key";

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The redb file; with `database_url`, only its folder is used (the key file).
    pub db_path: PathBuf,
    /// `postgres://…`: keep the data in PostgreSQL instead of `db_path`.
    pub database_url: Option<String>,
    /// The server key file; by default beside the redb file (`<db>.key`), or
    /// `motordesk-server.key` in its folder with PostgreSQL.
    pub key_file: Option<PathBuf>,
    /// A reusable code from the command line: demo and test mode (logged as a warning).
    /// `None`: only codes made with `--new-enrollment-code` register kiosks.
    pub enrollment_code: Option<String>,
    /// Enables `/v1/test/*` (fault injection and listings). Never in production.
    pub test_faults: bool,
    /// How long a user session token lasts.
    pub user_token_ttl_secs: i64,
    /// Send pushed documents to SUNAT (or an OSE); `None`: keep them, send nothing.
    pub sunat: Option<dispatcher::SunatSettings>,
    /// The RUC/DNI lookup provider; `None`: kiosks are told lookup is not configured.
    pub lookup: Option<lookup::LookupSettings>,
}

pub struct AppState {
    /// The default shop's store, which also holds the registry, the shared throttle and
    /// the owners. A kiosk's request uses the store its credential names (`shops`).
    pub db: Arc<ServerDb>,
    /// Every shop's store, found by the shop id a credential carries.
    pub shops: Arc<shops::Shops>,
    /// Kiosk backups (sealed snapshots), beside the database.
    pub backups: backups::Shelf,
    /// Running while the server sends to SUNAT; stopped when the state is dropped.
    pub dispatcher: Option<dispatcher::Dispatcher>,
    pub enrollment_code: Option<String>,
    /// Failed logins and enrollment codes, per account and per client address.
    pub throttle: throttle::Throttle,
    /// `Some` only with `--test-faults`.
    pub faults: Option<Mutex<FaultPlan>>,
    pub user_token_ttl: chrono::Duration,
    /// The RUC/DNI lookup proxy and its cache, when a provider is configured.
    pub lookup: Option<Arc<lookup::Lookup>>,
}

/// Where the server keeps its database when no `--db`/`--data-dir` is given.
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("pe", "MotorDesk", "motordesk-server")
        .map(|d| d.data_dir().join(DB_FILE))
        .unwrap_or_else(|| PathBuf::from(DB_FILE))
}

/// Opens the storage `config` names: PostgreSQL when it has a URL, else the redb file.
pub fn open_db(config: &ServerConfig) -> Result<ServerDb, db::DbError> {
    match &config.database_url {
        Some(url) => {
            let key = config
                .key_file
                .clone()
                .unwrap_or_else(|| config.db_path.with_file_name(KEY_FILE));
            ServerDb::open_postgres(url, &key)
        }
        None => ServerDb::open(&config.db_path),
    }
}

/// Opens the database (fails if another server holds a redb file).
pub fn open(config: ServerConfig) -> Result<Arc<AppState>, db::DbError> {
    let db = Arc::new(open_db(&config)?);
    let sealed = db.seal_legacy_escrows()?;
    if sealed > 0 {
        log::info!("sealed {sealed} escrow keys stored in the clear by an older server");
    }
    let shops = Arc::new(shops::Shops::new(db.clone()));
    // Every registered shop opens now: a missing file or schema shows at start.
    let opened = shops.all()?.len();
    if opened > 1 {
        log::info!("{} shops on this server", opened);
    }
    let dispatcher = config
        .sunat
        .map(|s| dispatcher::Dispatcher::start(shops.clone(), s));
    Ok(Arc::new(AppState {
        backups: backups::Shelf::beside(&config.db_path),
        db,
        shops,
        dispatcher,
        enrollment_code: config.enrollment_code,
        throttle: throttle::Throttle::default(),
        faults: config.test_faults.then(|| Mutex::new(FaultPlan::default())),
        user_token_ttl: chrono::Duration::seconds(config.user_token_ttl_secs.max(1)),
        lookup: config.lookup.map(|l| Arc::new(lookup::Lookup::new(l))),
    }))
}

/// Set by `request_shutdown`; a permit is kept if nobody waits yet.
static SHUTDOWN: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Asks a running `serve`/`serve_tls` to finish its requests and return, as ctrl-c does.
/// The Windows service manager's Stop and Shutdown come this way (no ctrl-c there).
pub fn request_shutdown() {
    SHUTDOWN.notify_one();
}

/// Ctrl-c or `request_shutdown`, whichever comes first.
async fn shutdown_signal() {
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = SHUTDOWN.notified() => {}
    }
    log::info!("shutting down: finishing the requests in flight");
}

/// Serves on `listener` until ctrl-c or `request_shutdown`.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>) -> std::io::Result<()> {
    axum::serve(
        listener,
        routes::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

/// Serves HTTPS on `listener` with the PEM certificate chain and key until ctrl-c or
/// `request_shutdown`.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    cert: &std::path::Path,
    key: &std::path::Path,
) -> std::io::Result<()> {
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
    let handle = axum_server::Handle::new();
    let h = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        h.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
    });
    axum_server::tls_rustls::from_tcp_rustls(listener.into_std()?, config)?
        .handle(handle)
        .serve(routes::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the Windows service's Stop does: `request_shutdown` makes a running `serve`
    /// return (and a request made before it was answered).
    #[test]
    fn request_shutdown_ends_serve() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(ServerConfig {
            db_path: dir.path().join(DB_FILE),
            database_url: None,
            key_file: None,
            enrollment_code: None,
            test_faults: false,
            user_token_ttl_secs: 60,
            sunat: None,
            lookup: None,
        })
        .unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = tokio::spawn(serve(listener, state));
            let health = tokio::task::spawn_blocking(move || {
                use std::io::{Read, Write};
                let mut s = std::net::TcpStream::connect(addr).unwrap();
                write!(
                    s,
                    "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut answer = String::new();
                s.read_to_string(&mut answer).unwrap();
                answer
            })
            .await
            .unwrap();
            assert!(health.starts_with("HTTP/1.1 200"), "{health}");
            request_shutdown();
            let ended = tokio::time::timeout(std::time::Duration::from_secs(30), server).await;
            assert!(
                matches!(ended, Ok(Ok(Ok(())))),
                "serve did not return: {ended:?}"
            );
        });
    }
}
