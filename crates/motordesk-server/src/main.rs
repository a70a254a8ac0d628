//! The MotorDesk reference sync server.
//!
//! motordesk-server [--addr 127.0.0.1:8787] [--data-dir DIR | --db FILE]
//!                  [--enrollment-code CODE] [--test-faults]
//!                  [--add-user NAME:PASSWORD:ROLE]... [--user-token-ttl SECS]
//!                  [--tls-cert CHAIN.pem --tls-key KEY.pem]
//!
//! The first stdout line is `listening on ADDR` (the real port when `--addr` ends in :0).

use motordesk_server::{DEFAULT_ADDR, DEFAULT_ENROLLMENT_CODE, ServerConfig};
use std::io::Write;
use std::path::PathBuf;

const USAGE: &str = "usage: motordesk-server [--addr HOST:PORT] [--data-dir DIR | --db FILE] [--enrollment-code CODE] [--test-faults] [--add-user NAME:PASSWORD:ROLE]... [--user-token-ttl SECS] [--tls-cert CHAIN.pem --tls-key KEY.pem]";

struct Args {
    addr: String,
    db: PathBuf,
    enrollment_code: String,
    test_faults: bool,
    users: Vec<(String, String, motordesk_core::Role)>,
    user_token_ttl_secs: i64,
    tls: (Option<PathBuf>, Option<PathBuf>),
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        addr: DEFAULT_ADDR.into(),
        db: motordesk_server::default_db_path(),
        enrollment_code: DEFAULT_ENROLLMENT_CODE.into(),
        test_faults: false,
        users: Vec::new(),
        user_token_ttl_secs: 12 * 3600,
        tls: (None, None),
    };
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--addr" => args.addr = value("--addr")?,
            "--data-dir" => {
                args.db = PathBuf::from(value("--data-dir")?).join(motordesk_server::DB_FILE)
            }
            "--db" => args.db = PathBuf::from(value("--db")?),
            "--enrollment-code" => args.enrollment_code = value("--enrollment-code")?,
            "--test-faults" => args.test_faults = true,
            "--tls-cert" => args.tls.0 = Some(PathBuf::from(value("--tls-cert")?)),
            "--tls-key" => args.tls.1 = Some(PathBuf::from(value("--tls-key")?)),
            "--add-user" => args
                .users
                .push(motordesk_server::accounts::parse_user_spec(&value(
                    "--add-user",
                )?)?),
            "--user-token-ttl" => {
                args.user_token_ttl_secs = value("--user-token-ttl")?
                    .parse()
                    .map_err(|_| "--user-token-ttl wants seconds".to_string())?
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    if args.tls.0.is_some() != args.tls.1.is_some() {
        return Err("--tls-cert and --tls-key go together".into());
    }
    if args.enrollment_code.trim().is_empty() {
        return Err("--enrollment-code must not be empty".into());
    }
    Ok(args)
}

fn main() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let state = match motordesk_server::open(ServerConfig {
        db_path: args.db.clone(),
        enrollment_code: args.enrollment_code,
        test_faults: args.test_faults,
        user_token_ttl_secs: args.user_token_ttl_secs,
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("motordesk-server: cannot open {}: {e}", args.db.display());
            std::process::exit(1);
        }
    };
    for (name, password, role) in &args.users {
        if let Err(e) = state.db.put_user(name, password, name, *role) {
            eprintln!("motordesk-server: cannot add user {name}: {e}");
            std::process::exit(1);
        }
        log::info!("user {name} ({}) ready", role.label());
    }
    let result: Result<(), Box<dyn std::error::Error>> = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.addr).await?;
        let addr = listener.local_addr()?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {addr}")?;
            out.flush()?;
        }
        log::info!("database {}", args.db.display());
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
        eprintln!("motordesk-server: {e}");
        std::process::exit(1);
    }
}
