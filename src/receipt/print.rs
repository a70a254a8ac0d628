//! Printing receipts on the system's printers.
//!
//! Nothing readable is written to disk: on Linux and macOS the PDF is piped into CUPS
//! `lp`; on Windows the layout itself is drawn through GDI (`gdi`), so no PDF program is
//! needed (a stock Windows has none that prints). ESC/POS jobs for thermal printers go to
//! a queue untouched ([`print_raw_queue`]: `lp -o raw`, or a RAW spooler job). Callers
//! save the sealed copy first (`archive`) and print on a worker thread after the invoice
//! is committed; a printer problem never touches the sale.

use super::layout::ReceiptLayout;
#[cfg(not(windows))]
use std::io::Read;
#[cfg(not(windows))]
use std::process::{Child, Command, Stdio};
use std::time::Duration;
#[cfg(not(windows))]
use std::time::Instant;

/// A print job that takes longer than this to be accepted is abandoned (the PDF stays).
const PRINT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a receipt could not be printed (the sale and its PDF are saved either way).
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// No printer named and the system has no default printer.
    #[error("no printer given and no system default printer")]
    NoPrinter,
    /// The named printer is not known to the system.
    #[error("printer {0:?} does not exist")]
    UnknownPrinter(String),
    /// The print command (`lp`) is not installed.
    #[error("print command {command:?} not found")]
    CommandMissing {
        /// The program that was looked for.
        command: &'static str,
        /// The operating system's "not found".
        #[source]
        source: std::io::Error,
    },
    /// The print service (CUPS) is not running or does not answer.
    #[error("print service unavailable: {0}")]
    ServiceUnavailable(String),
    /// The print system refused the job.
    #[error("print job refused: {0}")]
    Refused(String),
    /// The PDF could not be handed to the print command (its standard input).
    #[error("handing the PDF to the print command: {0}")]
    Handoff(#[source] std::io::Error),
    /// The print command did not finish in time.
    #[error("print command timed out after {PRINT_TIMEOUT:?}")]
    Timeout,
    /// The print command could not be started (other than "not installed").
    #[error("print I/O error: {0}")]
    Spawn(#[source] std::io::Error),
    /// Waiting for the print command failed.
    #[error("print I/O error: {0}")]
    Wait(#[source] std::io::Error),
    /// The printer reports it cannot print now; nothing was sent.
    #[error("printer {printer:?} is not ready: {state:?}")]
    NotReady {
        printer: String,
        state: super::spooler::PrinterState,
    },
    /// A Windows spooler or GDI call failed; `code` is its Win32 error code (0 when the
    /// call gave none).
    #[error("spooler {step} on {printer:?} failed with Win32 error {code}: {source}")]
    Spooler {
        printer: String,
        step: &'static str,
        code: i32,
        #[source]
        source: std::io::Error,
    },
}

impl PrintError {
    /// What the cashier reads on screen after a sale (Spanish): the cause and that the
    /// sale is safe.
    pub fn mensaje(&self) -> String {
        const SAVED: &str =
            "La venta está guardada y el PDF también; puede reimprimirlo desde el historial.";
        format!("{} {SAVED}", self.causa())
    }

    /// What went wrong and what to check, in Spanish (a test print shows only this).
    pub fn causa(&self) -> String {
        match self {
            PrintError::NoPrinter => {
                "No hay ninguna impresora configurada ni predeterminada.".to_string()
            }
            PrintError::UnknownPrinter(p) => {
                format!("No existe la impresora «{p}». Elija otra en Ajustes.")
            }
            PrintError::CommandMissing { command: c, .. } => format!(
                "No se encontró el sistema de impresión ({c}). Instale o active el servicio de impresión."
            ),
            PrintError::ServiceUnavailable(d) => {
                format!("El servicio de impresión no responde ({d}).")
            }
            PrintError::Refused(d) => format!("La impresora rechazó el trabajo: {d}."),
            PrintError::Handoff(e) => {
                format!("No se pudo pasar el PDF a la impresora: {e}.")
            }
            PrintError::Timeout => "La impresora no respondió a tiempo.".to_string(),
            PrintError::Spawn(e) | PrintError::Wait(e) => {
                format!("No se pudo enviar a imprimir: {e}.")
            }
            PrintError::NotReady { printer, state } => format!(
                "No se envió nada: la impresora «{printer}» {}.",
                state.mensaje()
            ),
            PrintError::Spooler { printer, code, .. } => {
                super::spooler::spooler_mensaje(printer, *code)
            }
        }
    }
}

/// A print command that could not be started: not installed, or another I/O failure.
#[cfg_attr(windows, allow(dead_code))]
fn spawn_error(command: &'static str, e: std::io::Error) -> PrintError {
    match e.kind() {
        std::io::ErrorKind::NotFound => PrintError::CommandMissing { command, source: e },
        _ => PrintError::Spawn(e),
    }
}

/// Prints a receipt on a system printer that is not set up as an ESC/POS thermal one
/// (`printer`, or the system default): the PDF `pdf` through CUPS on Linux and macOS,
/// the layout `layout` through GDI on Windows. Blocks until the print system has
/// accepted or refused the whole job (CUPS: at most 30 s); call it from a worker thread.
pub fn print_document(
    layout: &ReceiptLayout,
    pdf: &[u8],
    printer: Option<&str>,
) -> Result<(), PrintError> {
    let printer = printer.map(str::trim).filter(|p| !p.is_empty());
    #[cfg(windows)]
    {
        let _ = pdf;
        super::gdi::print(layout, printer).inspect_err(|e| log::warn!("printing failed: {e}"))
    }
    #[cfg(not(windows))]
    {
        let _ = layout;
        print_pdf(pdf, printer)
    }
}

/// Sends `pdf` to `printer` (or the CUPS default) through `lp`.
#[cfg(not(windows))]
fn print_pdf(pdf: &[u8], printer: Option<&str>) -> Result<(), PrintError> {
    let (ok, output) = run_print(pdf, printer)?;
    if ok {
        log::info!(
            "sent a {} byte PDF to {}",
            pdf.len(),
            printer.unwrap_or("default printer")
        );
        Ok(())
    } else {
        let err = classify(&output, printer);
        log::warn!("printing failed: {err}");
        Err(err)
    }
}

/// Sends a printer-language job (ESC/POS) to the system queue `queue` untouched: CUPS
/// `lp -o raw`, or a RAW job through the Windows spooler. For USB thermal printers set
/// up with a "Generic / Text Only" (or the vendor's) driver. Blocking, at most 30 s.
pub fn print_raw_queue(job: &[u8], queue: &str) -> Result<(), PrintError> {
    let queue = queue.trim();
    if queue.is_empty() {
        return Err(PrintError::NoPrinter);
    }
    let (ok, output) = run_raw(job, queue)?;
    if ok {
        log::info!("sent a {} byte raw job to {queue}", job.len());
        Ok(())
    } else {
        let err = classify(&output, Some(queue));
        log::warn!("raw printing failed: {err}");
        Err(err)
    }
}

#[cfg(not(windows))]
fn run_raw(job: &[u8], queue: &str) -> Result<(bool, String), PrintError> {
    run_lp(job, Some(queue), &["-o", "raw"])
}

/// A RAW document through the spooler, after its status check (`spooler`). Success
/// means the spooler queued the whole job.
#[cfg(windows)]
fn run_raw(job: &[u8], queue: &str) -> Result<(bool, String), PrintError> {
    super::spooler::send_raw(queue, job).map(|()| (true, String::new()))
}

/// `lp [-d PRINTER]` with the PDF on its standard input: nothing is written to disk here
/// (CUPS keeps its own spool copy, root-only, `docs/receipts.md`).
#[cfg(not(windows))]
fn run_print(pdf: &[u8], printer: Option<&str>) -> Result<(bool, String), PrintError> {
    run_lp(pdf, printer, &[])
}

/// `lp [-d PRINTER] [options]` with `data` on its standard input.
#[cfg(not(windows))]
fn run_lp(
    data: &[u8],
    printer: Option<&str>,
    options: &[&str],
) -> Result<(bool, String), PrintError> {
    let mut cmd = Command::new("lp");
    // CUPS' untranslated messages: `classify` reads them, whatever the kiosk's locale.
    cmd.env("LC_ALL", "C").env("LANG", "C");
    if let Some(p) = printer {
        cmd.arg("-d").arg(p);
    }
    cmd.args(options);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error("lp", e))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let data = data.to_vec();
    // A writer of its own: lp may answer (or be killed on timeout) before reading it all.
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &data));
    let result = wait_with_timeout(child, PRINT_TIMEOUT)?;
    match writer.join() {
        Ok(Err(e)) if result.0 => Err(PrintError::Handoff(e)),
        _ => Ok(result),
    }
}

/// Waits for the child, killing it after `timeout`. Returns success and stderr+stdout.
#[cfg(not(windows))]
fn wait_with_timeout(mut child: Child, timeout: Duration) -> Result<(bool, String), PrintError> {
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PrintError::Timeout);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(PrintError::Wait(e)),
        }
    };
    let mut text = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut text);
    }
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut text);
    }
    Ok((status.success(), text.trim().to_string()))
}

/// Turns the print command's complaint into something a cashier can act on.
fn classify(output: &str, printer: Option<&str>) -> PrintError {
    let lower = output.to_lowercase();
    let detail = if output.is_empty() {
        "sin detalle".to_string()
    } else {
        output.lines().next().unwrap_or_default().to_string()
    };
    if lower.contains("does not exist")
        || lower.contains("unknown printer")
        || lower.contains("no existe")
    {
        match printer {
            Some(p) => PrintError::UnknownPrinter(p.to_string()),
            None => PrintError::NoPrinter,
        }
    } else if lower.contains("no default destination") || lower.contains("no system default") {
        PrintError::NoPrinter
    } else if lower.contains("scheduler not responding")
        || lower.contains("connection refused")
        || lower.contains("unable to connect")
        || lower.contains("no such file or directory")
    {
        PrintError::ServiceUnavailable(detail)
    } else {
        PrintError::Refused(detail)
    }
}

/// Printer names the system knows, for the settings screen. Empty when there are none
/// or the print system is not available.
#[cfg(windows)]
pub fn list_printers() -> Vec<String> {
    super::spooler::list()
}

/// Printer names the system knows (`lpstat -e`), for the settings screen. Empty when
/// there are none or CUPS is not available.
#[cfg(not(windows))]
pub fn list_printers() -> Vec<String> {
    let mut cmd = Command::new("lpstat");
    cmd.arg("-e");
    let Ok(child) = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return Vec::new();
    };
    match wait_with_timeout(child, Duration::from_secs(10)) {
        Ok((true, out)) => out
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cups_messages_are_classified() {
        assert!(matches!(
            classify("lp: The printer or class does not exist.", Some("X")),
            PrintError::UnknownPrinter(p) if p == "X"
        ));
        assert!(matches!(
            classify("lp: Error - No default destination.", None),
            PrintError::NoPrinter
        ));
        assert!(matches!(
            classify("lp: Error - Scheduler Not Responding.", None),
            PrintError::ServiceUnavailable(_)
        ));
        assert!(matches!(classify("", None), PrintError::Refused(_)));
    }

    #[test]
    fn messages_are_spanish() {
        let e = PrintError::UnknownPrinter("EPSON".into());
        assert!(e.mensaje().contains("No existe la impresora «EPSON»"));
        assert!(e.to_string().contains("does not exist"));
    }

    #[test]
    fn a_command_that_cannot_start_keeps_the_io_error() {
        use std::error::Error as _;
        let missing = std::process::Command::new("/nonexistent/motordesk-no-such-lp")
            .spawn()
            .unwrap_err();
        let e = spawn_error("lp", missing);
        assert!(matches!(
            e,
            PrintError::CommandMissing { command: "lp", .. }
        ));
        let cause = e.source().expect("cause kept");
        assert_eq!(
            cause.downcast_ref::<std::io::Error>().map(|io| io.kind()),
            Some(std::io::ErrorKind::NotFound)
        );
        assert!(
            e.mensaje()
                .contains("No se encontró el sistema de impresión (lp)")
        );

        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = spawn_error("lp", denied);
        assert!(matches!(e, PrintError::Spawn(_)));
        assert!(
            e.source()
                .unwrap()
                .downcast_ref::<std::io::Error>()
                .is_some()
        );
    }
}
