//! The MotorDesk reference sync server.
//!
//! motordesk-server [--addr 127.0.0.1:8787] [--data-dir DIR | --db FILE]
//!                  [--database postgres://USER@HOST/DB [--server-key FILE]]
//!                  [--enrollment-code CODE (demo/test: reusable)] [--test-faults]
//!                  [--add-user NAME:PASSWORD:ROLE]... [--user-token-ttl SECS]
//!                  [--tls-cert CHAIN.pem --tls-key KEY.pem]
//!                  [--sunat-endpoint URL --sunat-user USER --sunat-password-file FILE
//!                   [--sunat-consult-endpoint URL] [--sunat-workers N]
//!                   [--sunat-credentials-file FILE (a chain: RUC USER PASSWORD lines)]]
//!                  [--lookup-provider apisnet|decolecta --lookup-token-file FILE
//!                   [--lookup-url URL] [--lookup-timeout-ms MS]]
//!                  [--config FILE]
//!
//! `motordesk-server [--data-dir DIR | --db FILE] --new-enrollment-code [--valid-hours H]
//! [--shop ID]` prints one single-use code for registering a kiosk (valid 24 h by default)
//! into the default shop or shop ID, and exits; without one, or a reusable
//! `--enrollment-code`, no kiosk can register. `--shop ID` also says which shop the
//! `--add-user` accounts belong to.
//!
//! A chain of shops (docs/deployment.md, "Tenants"): `motordesk-server shop add --ruc R
//! --establishment 0001 --name N`, `shop list`, `owner add --name N --password-file F
//! --shops 0,1,2`, each with the storage flags; they change the registry and exit.
//!
//! `--config FILE` reads the same settings from a file, one `name = value` per line
//! (`sunat-endpoint = https://…`, `#` starts a comment); flags after it override it.
//!
//! `--database postgres://…` keeps the data in PostgreSQL (schema migrated at start;
//! several instances may share it); the server key is then `--server-key FILE`, by
//! default `motordesk-server.key` in the data dir, and every instance needs a copy.
//!
//! The first stdout line is `listening on ADDR` (the real port when `--addr` ends in :0).
//!
//! `--service` (Windows): run under the service manager (`sc create … binPath= "…
//! motordesk-server.exe --service --data-dir …"`): Stop and Shutdown end it gracefully,
//! and the log goes to `motordesk-server.log` beside the database (a service has no
//! console).

use motordesk_server::dispatcher::SunatSettings;
use motordesk_server::shops::ShopId;
use motordesk_server::sol_logins::SolLogins;
use motordesk_server::{DEFAULT_ADDR, ServerConfig};
use std::io::Write;
use std::path::PathBuf;

#[cfg(windows)]
mod as_service;
mod shop_cli;

const USAGE: &str = "usage: motordesk-server [--addr HOST:PORT] [--data-dir DIR | --db FILE] [--database postgres://USER@HOST/DB [--server-key FILE]] [--enrollment-code CODE] [--test-faults] [--add-user NAME:PASSWORD:ROLE]... [--user-token-ttl SECS] [--tls-cert CHAIN.pem --tls-key KEY.pem] [--sunat-endpoint URL --sunat-user USER --sunat-password-file FILE [--sunat-consult-endpoint URL] [--sunat-workers N] [--sunat-credentials-file FILE]] [--lookup-provider apisnet|decolecta --lookup-token-file FILE [--lookup-url URL] [--lookup-timeout-ms MS]] [--config FILE] [--service] [--shop ID]\n       motordesk-server shop add|list, owner add (docs/deployment.md, \"Tenants\")";

/// Largest config or password file read.
const MAX_SETTINGS_FILE: u64 = 64 * 1024;

struct Args {
    addr: String,
    db: PathBuf,
    database_url: Option<String>,
    key_file: Option<PathBuf>,
    enrollment_code: Option<String>,
    /// `--new-enrollment-code`: make one, print it, exit; valid this many hours.
    new_code_hours: Option<i64>,
    test_faults: bool,
    users: Vec<(String, String, motordesk_core::Role)>,
    user_token_ttl_secs: i64,
    tls: (Option<PathBuf>, Option<PathBuf>),
    sunat: SunatFlags,
    lookup: motordesk_server::lookup::LookupFlags,
    /// `--service`: started by the Windows service manager.
    service: bool,
    /// `--shop ID`: the shop `--new-enrollment-code` and `--add-user` are for.
    shop: ShopId,
    /// `shop add|list`, `owner add`: change the registry and exit.
    command: Option<shop_cli::Command>,
}

#[derive(Default)]
struct SunatFlags {
    endpoint: Option<String>,
    consult: Option<String>,
    user: Option<String>,
    password_file: Option<PathBuf>,
    workers: Option<usize>,
    /// `--sunat-credentials-file`: the SOL user and password of each RUC of a chain.
    credentials_file: Option<PathBuf>,
}

/// Refuses a secrets file other accounts can read (Unix), so a Clave SOL never sits
/// where another user of the machine sees it.
fn private_file(path: &std::path::Path, what: &str) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| format!("cannot read {what} {}: {e}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{what} {} can be read by other users (mode {:o}); chmod 600 it",
                path.display(),
                mode & 0o777
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
    Ok(())
}

pub(crate) fn read_small(path: &std::path::Path, what: &str) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read {what} {}: {e}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_SETTINGS_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read {what} {}: {e}", path.display()))?;
    if text.len() as u64 > MAX_SETTINGS_FILE {
        return Err(format!(
            "{what} {} is larger than {MAX_SETTINGS_FILE} bytes",
            path.display()
        ));
    }
    Ok(text)
}

/// The flags a config file stands for: `name = value` lines become `--name value`.
fn config_flags(path: &std::path::Path) -> Result<Vec<String>, String> {
    let text = read_small(path, "config file")?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .ok_or(format!(
                "{}:{}: expected name = value",
                path.display(),
                n + 1
            ))?;
        if name == "config" || name.is_empty() {
            return Err(format!(
                "{}:{}: unknown setting {name:?}",
                path.display(),
                n + 1
            ));
        }
        out.push(format!("--{name}"));
        if !matches!(name, "test-faults") {
            out.push(value.to_string());
        }
    }
    Ok(out)
}

impl SunatFlags {
    /// All three required flags or none; the password comes from a file only the server
    /// account can read, so it never shows in `ps` or shell history.
    fn settings(self) -> Result<Option<SunatSettings>, String> {
        let SunatFlags {
            endpoint,
            consult,
            user,
            password_file,
            workers,
            credentials_file,
        } = self;
        let (endpoint, user, password_file) = match (endpoint, user, password_file) {
            (None, None, None) => {
                if consult.is_some() || workers.is_some() || credentials_file.is_some() {
                    return Err("--sunat-consult-endpoint, --sunat-workers and --sunat-credentials-file need --sunat-endpoint, --sunat-user and --sunat-password-file".into());
                }
                return Ok(None);
            }
            (Some(e), Some(u), Some(p)) => (e, u, p),
            (e, u, p) => {
                let missing: Vec<&str> = [
                    (e.is_none(), "--sunat-endpoint"),
                    (u.is_none(), "--sunat-user"),
                    (p.is_none(), "--sunat-password-file"),
                ]
                .into_iter()
                .filter_map(|(m, f)| m.then_some(f))
                .collect();
                return Err(format!(
                    "sending to SUNAT needs --sunat-endpoint, --sunat-user and --sunat-password-file together; missing {}",
                    missing.join(", ")
                ));
            }
        };
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(format!(
                "--sunat-endpoint must be an http(s) URL, not {endpoint:?}"
            ));
        }
        if user.trim().is_empty() {
            return Err("--sunat-user must not be empty".into());
        }
        private_file(&password_file, "password file")?;
        let password = read_small(&password_file, "password file")?
            .trim_end_matches(['\r', '\n'])
            .to_string();
        if password.is_empty() {
            return Err(format!(
                "password file {} is empty",
                password_file.display()
            ));
        }
        Ok(Some(SunatSettings {
            endpoint,
            consult_endpoint: consult.unwrap_or_default(),
            user,
            password,
            timeout: std::time::Duration::from_secs(30),
            workers: workers.unwrap_or(4),
            sol_logins: match credentials_file {
                Some(path) => {
                    private_file(&path, "SOL credentials file")?;
                    SolLogins::parse(&read_small(&path, "SOL credentials file")?)?
                }
                None => SolLogins::default(),
            },
        }))
    }
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        addr: DEFAULT_ADDR.into(),
        db: motordesk_server::default_db_path(),
        database_url: None,
        key_file: None,
        enrollment_code: None,
        new_code_hours: None,
        test_faults: false,
        users: Vec::new(),
        user_token_ttl_secs: 12 * 3600,
        tls: (None, None),
        sunat: SunatFlags::default(),
        lookup: Default::default(),
        service: false,
        shop: ShopId::DEFAULT,
        command: None,
    };
    let mut expanded = Vec::new();
    while let Some(flag) = it.next() {
        if flag == "--config" {
            let path = it.next().ok_or("--config needs a value")?;
            expanded.extend(config_flags(std::path::Path::new(&path))?);
        } else {
            expanded.push(flag);
        }
    }
    let mut it = expanded.into_iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--addr" => args.addr = value("--addr")?,
            "--data-dir" => {
                args.db = PathBuf::from(value("--data-dir")?).join(motordesk_server::DB_FILE)
            }
            "--db" => args.db = PathBuf::from(value("--db")?),
            "--database" => {
                let url = value("--database")?;
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(format!(
                        "--database wants a postgres:// URL (the embedded database is --db FILE), not {:?}",
                        url.split('@').next_back().unwrap_or("")
                    ));
                }
                args.database_url = Some(url);
            }
            "--server-key" => args.key_file = Some(PathBuf::from(value("--server-key")?)),
            "--enrollment-code" => args.enrollment_code = Some(value("--enrollment-code")?),
            "--new-enrollment-code" => {
                args.new_code_hours = Some(args.new_code_hours.unwrap_or(24))
            }
            "--valid-hours" => {
                let h: i64 = value("--valid-hours")?
                    .parse()
                    .map_err(|_| "--valid-hours wants a number of hours".to_string())?;
                if !(1..=24 * 30).contains(&h) {
                    return Err("--valid-hours must be between 1 and 720".into());
                }
                args.new_code_hours = Some(h);
            }
            "--test-faults" => args.test_faults = true,
            "--shop" => args.shop = value("--shop")?.parse()?,
            "--service" => args.service = true,
            "--tls-cert" => args.tls.0 = Some(PathBuf::from(value("--tls-cert")?)),
            "--tls-key" => args.tls.1 = Some(PathBuf::from(value("--tls-key")?)),
            "--add-user" => args
                .users
                .push(motordesk_server::accounts::parse_user_spec(&value(
                    "--add-user",
                )?)?),
            "--sunat-endpoint" => args.sunat.endpoint = Some(value("--sunat-endpoint")?),
            "--sunat-consult-endpoint" => {
                args.sunat.consult = Some(value("--sunat-consult-endpoint")?)
            }
            "--sunat-user" => args.sunat.user = Some(value("--sunat-user")?),
            "--sunat-credentials-file" => {
                args.sunat.credentials_file =
                    Some(PathBuf::from(value("--sunat-credentials-file")?))
            }
            "--sunat-password-file" => {
                args.sunat.password_file = Some(PathBuf::from(value("--sunat-password-file")?))
            }
            "--sunat-workers" => {
                let n: usize = value("--sunat-workers")?
                    .parse()
                    .map_err(|_| "--sunat-workers wants a number".to_string())?;
                if !(1..=32).contains(&n) {
                    return Err("--sunat-workers must be between 1 and 32".into());
                }
                args.sunat.workers = Some(n);
            }
            f if motordesk_server::lookup::LookupFlags::takes(f) => {
                let v = value(f)?;
                args.lookup.set(f, v)?
            }
            "--user-token-ttl" => {
                args.user_token_ttl_secs = value("--user-token-ttl")?
                    .parse()
                    .map_err(|_| "--user-token-ttl wants seconds".to_string())?
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    if args.key_file.is_some() && args.database_url.is_none() {
        return Err(
            "--server-key goes with --database (a redb file keeps its key beside it)".into(),
        );
    }
    if args.tls.0.is_some() != args.tls.1.is_some() {
        return Err("--tls-cert and --tls-key go together".into());
    }
    if args
        .enrollment_code
        .as_deref()
        .is_some_and(|c| c.trim().len() < 8)
    {
        return Err("--enrollment-code must have at least 8 characters".into());
    }
    Ok(args)
}

impl Args {
    fn config(&self) -> ServerConfig {
        ServerConfig {
            sunat: None,
            lookup: None,
            db_path: self.db.clone(),
            database_url: self.database_url.clone(),
            key_file: self.key_file.clone(),
            enrollment_code: self.enrollment_code.clone(),
            test_faults: self.test_faults,
            user_token_ttl_secs: self.user_token_ttl_secs,
        }
    }

    /// Where the data is, for messages (never the URL's password).
    fn where_(&self) -> String {
        match &self.database_url {
            Some(url) => format!("postgres {}", url.split('@').next_back().unwrap_or("")),
            None => self.db.display().to_string(),
        }
    }
}

/// Test mode only (`--test-faults`): with MOTORDESK_TEST_POSTGRES=postgres://…/ (a
/// throwaway cluster) and no `--database`, the server runs on PostgreSQL in a database
/// named after its `--db` path, created when missing. A test suite written for the redb
/// server (fresh `--db` per test, restarts on the same one) thus runs unchanged on
/// PostgreSQL: `scripts/test-postgres.sh`.
fn test_database(args: &mut Args) -> Result<(), String> {
    let Ok(base) = std::env::var("MOTORDESK_TEST_POSTGRES") else {
        return Ok(());
    };
    if !args.test_faults || args.database_url.is_some() || base.trim().is_empty() {
        return Ok(());
    }
    use blake2::{Blake2s256, Digest};
    let digest = Blake2s256::digest(args.db.display().to_string().as_bytes());
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("md_{name}");
    let base = base.trim_end_matches('/');
    let mut admin = postgres::Client::connect(&format!("{base}/postgres"), postgres::NoTls)
        .map_err(|e| format!("MOTORDESK_TEST_POSTGRES: {e}"))?;
    match admin.batch_execute(&format!("CREATE DATABASE {name}")) {
        Ok(()) => {}
        Err(e) if e.code() == Some(&postgres::error::SqlState::DUPLICATE_DATABASE) => {}
        Err(e) => return Err(format!("MOTORDESK_TEST_POSTGRES: create {name}: {e}")),
    }
    log::warn!("test mode: data in PostgreSQL database {name} (MOTORDESK_TEST_POSTGRES)");
    args.database_url = Some(format!("{base}/{name}"));
    args.key_file = Some(args.db.with_extension("key"));
    Ok(())
}

/// `--new-enrollment-code`: one single-use code, printed once.
fn new_enrollment_code(args: &Args, hours: i64) {
    let made = motordesk_server::open_db(&args.config())
        .and_then(|db| db.new_shop_enrollment_code(hours, args.shop));
    match made {
        Ok((code, expires)) => {
            println!("{code}");
            eprintln!(
                "single-use enrollment code, valid until {} UTC; type it in the kiosk's Ajustes › Registrar. It is not shown again.",
                expires.format("%Y-%m-%d %H:%M")
            );
        }
        Err(e) => {
            eprintln!("motordesk-server: cannot open {}: {e}", args.where_());
            std::process::exit(1);
        }
    }
}

fn main() {
    let mut raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.first().is_some_and(|a| a == "backup") {
        // `backup --out FILE`: a consistent copy of the database, even while it serves.
        match motordesk_server::snapshot::backup_command(raw.into_iter().skip(1)) {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("motordesk-server: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let args = shop_cli::take(&mut raw).and_then(|command| {
        let mut args = parse(raw.into_iter())?;
        args.command = command;
        Ok(args)
    });
    let args = match args {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut logger =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    if args.service {
        #[cfg(windows)]
        {
            as_service::log_to_file(&mut logger, &args.db);
            logger.init();
            as_service::serve(args);
            return;
        }
        #[cfg(not(windows))]
        {
            eprintln!(
                "motordesk-server: --service is for the Windows service manager; on Linux run it as it is (systemd, docs/deployment.md)"
            );
            std::process::exit(2);
        }
    }
    logger.init();
    run(args);
}

/// The server's life after its arguments: open the data, serve until asked to stop.
/// Failures end the process with a message on stderr and in the log.
fn run(mut args: Args) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            fail(1, format!("cannot start the runtime: {e}"));
        }
    };
    if let Err(e) = test_database(&mut args) {
        fail(1, e.to_string());
    }
    if let Some(hours) = args.new_code_hours {
        new_enrollment_code(&args, hours);
        return;
    }
    if let Some(command) = args.command.take() {
        let done = motordesk_server::open_db(&args.config())
            .map_err(|e| format!("cannot open {}: {e}", args.where_()))
            .and_then(|db| shop_cli::run(command, &db));
        if let Err(e) = done {
            fail(1, e);
        }
        return;
    }
    let sunat = match std::mem::take(&mut args.sunat).settings() {
        Ok(s) => s,
        Err(e) => {
            fail(2, e.to_string());
        }
    };
    let lookup = match std::mem::take(&mut args.lookup).settings() {
        Ok(l) => l,
        Err(e) => fail(2, e),
    };
    let state = match motordesk_server::open(ServerConfig {
        sunat,
        lookup,
        ..args.config()
    }) {
        Ok(s) => s,
        Err(e) => {
            fail(1, format!("cannot open {}: {e}", args.where_()));
        }
    };
    if args.database_url.is_none()
        && let Err(e) = motordesk_server::snapshot::start_control(state.clone(), &args.db)
    {
        log::warn!("online backups (motordesk-server backup) unavailable: {e}");
    }
    for (name, password, role) in &args.users {
        let added = state.shops.get(args.shop).and_then(|db| {
            db.ok_or(motordesk_server::db::DbError::NoSuchShop(args.shop))?
                .put_user(name, password, name, *role)
        });
        if let Err(e) = added {
            fail(1, format!("cannot add user {name}: {e}"));
        }
        log::info!("user {name} ({}) ready in shop {}", role.label(), args.shop);
    }
    let result: Result<(), Box<dyn std::error::Error>> = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.addr).await?;
        let addr = listener.local_addr()?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {addr}")?;
            out.flush()?;
        }
        log::info!("database {}", args.where_());
        if state.dispatcher.is_none() {
            log::warn!(
                "SUNAT sending is off: signed documents are kept but not sent (see --sunat-endpoint)"
            );
        }
        match &state.lookup {
            Some(l) => log::info!(
                "RUC/DNI lookup through {} at {}",
                l.settings().provider.name(),
                l.settings().base_url
            ),
            None => log::info!("RUC/DNI lookup is off (see --lookup-provider)"),
        }
        match &args.enrollment_code {
            Some(_) => log::warn!(
                "reusable enrollment code from the command line: demo and test mode; use --new-enrollment-code for a shop"
            ),
            None => log::info!(
                "kiosks register with single-use codes (motordesk-server --new-enrollment-code)"
            ),
        }
        if args.test_faults {
            log::warn!("test fault injection is ON (/v1/test/*)");
        }
        match &args.tls {
            (Some(cert), Some(key)) => {
                log::info!("TLS on, certificate {}", cert.display());
                motordesk_server::serve_tls(listener, state, cert, key).await?
            }
            _ => motordesk_server::serve(listener, state).await?,
        }
        Ok(())
    });
    if let Err(e) = result {
        fail(1, e.to_string());
    }
    log::info!("stopped");
}

/// Says why on stderr and in the log (a service has only the log), then exits.
fn fail(code: i32, message: String) -> ! {
    eprintln!("motordesk-server: {message}");
    log::error!("{message}");
    std::process::exit(code);
}
