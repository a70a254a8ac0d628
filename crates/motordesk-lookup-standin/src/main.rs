//! `motordesk-lookup-standin --listen 127.0.0.1:0 [--token-file FILE | --token TOKEN]
//! [--slow-ms MS]`: the lookup providers' stand-in as a process (kiosk tests, manual
//! runs). The first stdout line is `listening on http://ADDR`; base URLs are
//! `http://ADDR/v2` (apis.net.pe v2) and `http://ADDR/v1` (Decolecta).

use motordesk_lookup_standin::{Options, Standin, serve};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: motordesk-lookup-standin [--listen 127.0.0.1:PORT] [--token TOKEN | --token-file FILE] [--slow-ms MS]";

fn main() -> ExitCode {
    let mut listen = "127.0.0.1:0".to_string();
    let mut options = Options::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        let r: Result<(), String> = (|| {
            match flag.as_str() {
                "--listen" => listen = value()?,
                "--token" => options.token = value()?,
                "--token-file" => {
                    let path = value()?;
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read {path}: {e}"))?;
                    options.token = text.trim().to_string();
                }
                "--slow-ms" => {
                    let ms: u64 = value()?
                        .parse()
                        .map_err(|_| "--slow-ms wants milliseconds".to_string())?;
                    options.slow = Duration::from_millis(ms);
                }
                _ => return Err(USAGE.to_string()),
            }
            Ok(())
        })();
        if let Err(e) = r {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("motordesk-lookup-standin: tokio: {e}");
            return ExitCode::from(3);
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("motordesk-lookup-standin: bind {listen}: {e}");
                return ExitCode::from(3);
            }
        };
        match listener.local_addr() {
            // The first stdout line is read by tests to learn the port.
            Ok(a) => println!("listening on http://{a}"),
            Err(e) => {
                eprintln!("motordesk-lookup-standin: {e}");
                return ExitCode::from(3);
            }
        }
        let _ = std::io::stdout().flush();
        match serve(listener, Standin::new(options)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("motordesk-lookup-standin: {e}");
                ExitCode::from(1)
            }
        }
    })
}
