//! Running under the Windows service manager (`--service`). A program that does not
//! answer the service control protocol is killed 30 s after it starts, so the installer
//! could only start the server from a scheduled task; with this it is a real service:
//! `sc start/stop MotorDeskServidor`, automatic start, and Stop or a Windows shutdown
//! finish the requests in flight (`motordesk_server::request_shutdown`).

use crate::Args;
use std::ffi::OsString;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;
use windows_service::service::{
    ServiceControl, ServiceControlAccept, ServiceExitCode, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult};
use windows_service::{define_windows_service, service_dispatcher};

/// The name the installer registers (`sc create MotorDeskServidor …`).
pub const SERVICE_NAME: &str = "MotorDeskServidor";

/// The parsed command line, handed from `main` to the service's own thread (the
/// dispatcher calls `service_main` with the start parameters, not the command line).
static ARGS: Mutex<Option<Args>> = Mutex::new(None);

/// A service has no console: the log goes to `motordesk-server.log` beside the database.
pub fn log_to_file(logger: &mut env_logger::Builder, db: &Path) {
    let path = db.with_file_name("motordesk-server.log");
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        Ok(file) => {
            logger.target(env_logger::Target::Pipe(Box::new(file)));
        }
        Err(e) => eprintln!(
            "motordesk-server: cannot open the log {}: {e}",
            path.display()
        ),
    }
}

/// Hands the process to the service manager; returns when the service has stopped.
pub fn serve(args: Args) {
    *ARGS.lock().unwrap_or_else(|p| p.into_inner()) = Some(args);
    if let Err(e) = service_dispatcher::start(SERVICE_NAME, ffi_service_main) {
        // Started by hand rather than by the service manager (error 1063).
        log::error!("--service: not started by the service manager: {e}");
        eprintln!(
            "motordesk-server: --service is for the Windows service manager (sc start {SERVICE_NAME}): {e}"
        );
        std::process::exit(2);
    }
}

define_windows_service!(ffi_service_main, service_main);

fn service_main(_start_parameters: Vec<OsString>) {
    let handler = |control| match control {
        ServiceControl::Stop | ServiceControl::Shutdown => {
            log::info!("service manager asks to stop");
            motordesk_server::request_shutdown();
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    };
    let status = match service_control_handler::register(SERVICE_NAME, handler) {
        Ok(s) => s,
        Err(e) => {
            log::error!("cannot register with the service manager: {e}");
            return;
        }
    };
    let report = |state, accept| {
        let _ = status.set_service_status(ServiceStatus {
            service_type: ServiceType::OWN_PROCESS,
            current_state: state,
            controls_accepted: accept,
            exit_code: ServiceExitCode::Win32(0),
            checkpoint: 0,
            wait_hint: Duration::from_secs(10),
            process_id: None,
        });
    };
    report(
        ServiceState::Running,
        ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN,
    );
    let args = ARGS.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(args) = args {
        log::info!("running as the Windows service {SERVICE_NAME}");
        crate::run(args);
    }
    report(ServiceState::Stopped, ServiceControlAccept::empty());
}
