//! `motordesk-sunat-standin`: a local stand-in for SUNAT's SOAP services (billService and
//! billConsultService) for MotorDesk development and tests. It runs SUNAT's real checks (UBL
//! XSD, XMLDSig, SUNAT's XSL rules via shared/sunat), remembers registered numbers in a state
//! file, answers CDRs, and can simulate failures (`--fault`, `POST /admin/fault?mode=`).

mod admin;
mod app;
mod args;
mod bill;
mod cdr;
mod checks;
mod clock;
mod consult;
mod faults;
mod soap;
mod store;
mod summary;
mod sunat_error;
mod zipio;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use crate::app::App;
use crate::args::Args;
use crate::checks::Tools;
use crate::faults::FaultSwitch;
use crate::store::Store;

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let tools = match Tools::locate(args.shared.clone(), args.python.clone()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("motordesk-sunat-standin: {e}");
            return ExitCode::from(3);
        }
    };
    let store = match Store::open(args.state.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("motordesk-sunat-standin: state file: {e}");
            return ExitCode::from(3);
        }
    };
    let app = Arc::new(App {
        tools,
        store,
        faults: FaultSwitch::new(args.fault),
        user: args.user.clone(),
        password: args.password.clone(),
        delay: args.delay,
        duplicates: args.duplicates,
        checks: args.checks,
        sends: Default::default(),
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("motordesk-sunat-standin: tokio: {e}");
            return ExitCode::from(3);
        }
    };
    runtime.block_on(serve(app, &args))
}

async fn serve(app: Arc<App>, args: &Args) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("motordesk-sunat-standin: bind {}: {e}", args.listen);
            return ExitCode::from(3);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("motordesk-sunat-standin: {e}");
            return ExitCode::from(3);
        }
    };
    // The first stdout line is read by tests to learn the port.
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    let router = app::router(app, args.max_body_bytes);
    match axum::serve(listener, router).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motordesk-sunat-standin: {e}");
            ExitCode::from(1)
        }
    }
}
