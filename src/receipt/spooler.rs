//! The Windows print spooler, for USB thermal printers installed as a queue: the printer's
//! state is read first (`GetPrinterW` level 2: status flags and the "use printer offline"
//! attribute a disconnected USB printer gets), a printer that says it cannot print is
//! refused before anything is sent, and the ESC/POS bytes go as a RAW document
//! (`StartDocPrinterW` datatype RAW, `WritePrinter`, `EndDocPrinter`). Success means the
//! spooler accepted the whole job into its queue.
//!
//! Failures are told apart by their Win32 error code, never by the system's message text
//! (a Spanish Windows words them differently). The decoding of status flags and error
//! codes is plain Rust, compiled and tested on every platform; only the calls are Windows.

use super::print::PrintError;

// Win32 values (winspool.h, winerror.h), spelled out so the decoding compiles everywhere.
const PRINTER_STATUS_PAUSED: u32 = 0x0000_0001;
const PRINTER_STATUS_ERROR: u32 = 0x0000_0002;
const PRINTER_STATUS_PAPER_JAM: u32 = 0x0000_0008;
const PRINTER_STATUS_PAPER_OUT: u32 = 0x0000_0010;
const PRINTER_STATUS_PAPER_PROBLEM: u32 = 0x0000_0040;
const PRINTER_STATUS_OFFLINE: u32 = 0x0000_0080;
const PRINTER_STATUS_NOT_AVAILABLE: u32 = 0x0000_1000;
const PRINTER_STATUS_USER_INTERVENTION: u32 = 0x0010_0000;
const PRINTER_STATUS_DOOR_OPEN: u32 = 0x0040_0000;
const PRINTER_ATTRIBUTE_WORK_OFFLINE: u32 = 0x0000_0400;

pub(super) const ERROR_FILE_NOT_FOUND: i32 = 2;
pub(super) const ERROR_ACCESS_DENIED: i32 = 5;
pub(super) const ERROR_NOT_READY: i32 = 21;
pub(super) const ERROR_OUT_OF_PAPER: i32 = 28;
pub(super) const ERROR_PRINTQ_FULL: i32 = 61;
pub(super) const ERROR_NO_SPOOL_SPACE: i32 = 62;
pub(super) const ERROR_PRINT_CANCELLED: i32 = 63;
pub(super) const ERROR_DISK_FULL: i32 = 112;
pub(super) const ERROR_CANCELLED: i32 = 1223;
pub(super) const ERROR_SERVICE_NOT_ACTIVE: i32 = 1062;
pub(super) const RPC_S_SERVER_UNAVAILABLE: i32 = 1722;
pub(super) const ERROR_INVALID_PRINTER_NAME: i32 = 1801;
pub(super) const ERROR_INVALID_DATATYPE: i32 = 1804;
pub(super) const ERROR_PRINTER_DELETED: i32 = 1905;
pub(super) const ERROR_PRINTER_NOT_FOUND: i32 = 3012;

/// Why a printer says it cannot print now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterState {
    PaperOut,
    PaperJam,
    DoorOpen,
    Offline,
    Paused,
    Error,
    NeedsAttention,
}

impl PrinterState {
    /// What to check, in Spanish.
    pub fn mensaje(self) -> &'static str {
        match self {
            PrinterState::PaperOut => "se quedó sin papel: cambie el rollo",
            PrinterState::PaperJam => "tiene el papel atascado",
            PrinterState::DoorOpen => "tiene la tapa abierta",
            PrinterState::Offline => {
                "está desconectada o apagada: revise el cable USB y que esté encendida"
            }
            PrinterState::Paused => "está en pausa en Windows (reanúdela en «Impresoras»)",
            PrinterState::Error => "indica un error: apáguela y vuelva a encenderla",
            PrinterState::NeedsAttention => "necesita atención: revísela",
        }
    }
}

/// The state that stops a job, from `PRINTER_INFO_2W.Status` and `.Attributes`; `None`
/// when the printer looks ready (a busy or printing printer is ready: jobs queue).
pub fn blocking_state(status: u32, attributes: u32) -> Option<PrinterState> {
    let has = |flag: u32| status & flag != 0;
    if has(PRINTER_STATUS_PAPER_OUT) || has(PRINTER_STATUS_PAPER_PROBLEM) {
        Some(PrinterState::PaperOut)
    } else if has(PRINTER_STATUS_PAPER_JAM) {
        Some(PrinterState::PaperJam)
    } else if has(PRINTER_STATUS_DOOR_OPEN) {
        Some(PrinterState::DoorOpen)
    } else if has(PRINTER_STATUS_OFFLINE)
        || has(PRINTER_STATUS_NOT_AVAILABLE)
        || attributes & PRINTER_ATTRIBUTE_WORK_OFFLINE != 0
    {
        Some(PrinterState::Offline)
    } else if has(PRINTER_STATUS_PAUSED) {
        Some(PrinterState::Paused)
    } else if has(PRINTER_STATUS_ERROR) {
        Some(PrinterState::Error)
    } else if has(PRINTER_STATUS_USER_INTERVENTION) {
        Some(PrinterState::NeedsAttention)
    } else {
        None
    }
}

/// The error for a failed spooler call, chosen by its Win32 code.
pub fn from_win32(printer: &str, step: &'static str, source: std::io::Error) -> PrintError {
    let code = source.raw_os_error().unwrap_or(0);
    let printer = printer.to_string();
    match code {
        ERROR_INVALID_PRINTER_NAME
        | ERROR_PRINTER_NOT_FOUND
        | ERROR_PRINTER_DELETED
        | ERROR_FILE_NOT_FOUND => PrintError::UnknownPrinter(printer),
        ERROR_NOT_READY => PrintError::NotReady {
            printer,
            state: PrinterState::Offline,
        },
        ERROR_OUT_OF_PAPER => PrintError::NotReady {
            printer,
            state: PrinterState::PaperOut,
        },
        _ => PrintError::Spooler {
            printer,
            step,
            code,
            source,
        },
    }
}

/// Spanish text for a spooler failure that is not about a missing or unready printer.
pub fn spooler_mensaje(printer: &str, code: i32) -> String {
    match code {
        ERROR_ACCESS_DENIED => {
            format!("Windows no permite a este usuario imprimir en «{printer}».")
        }
        RPC_S_SERVER_UNAVAILABLE | ERROR_SERVICE_NOT_ACTIVE => {
            "El servicio «Cola de impresión» de Windows no está funcionando: reinicie el equipo o inicie ese servicio.".to_string()
        }
        ERROR_INVALID_DATATYPE => format!(
            "El controlador de «{printer}» no acepta trabajos directos (RAW): instálela con el controlador del fabricante o «Generic / Text Only», o desmarque «Es una impresora térmica»."
        ),
        ERROR_PRINTQ_FULL | ERROR_NO_SPOOL_SPACE | ERROR_DISK_FULL => {
            "La cola de impresión está llena o no queda espacio en el disco.".to_string()
        }
        ERROR_PRINT_CANCELLED | ERROR_CANCELLED => "Se canceló el trabajo de impresión.".to_string(),
        // A GDI call (StretchDIBits, EndPage) that failed without saying why.
        0 => format!(
            "El controlador de la impresora «{printer}» no aceptó el documento: revise la impresora o reinstale su controlador."
        ),
        other => format!("Windows devolvió el error {other} al imprimir en «{printer}»."),
    }
}

/// Sends a RAW job to the queue `queue` after checking that it can print.
#[cfg(windows)]
pub fn send_raw(queue: &str, job: &[u8]) -> Result<(), PrintError> {
    use windows_sys::Win32::Graphics::Printing::{
        ClosePrinter, DOC_INFO_1W, EndDocPrinter, EndPagePrinter, OpenPrinterW, PRINTER_HANDLE,
        StartDocPrinterW, StartPagePrinter, WritePrinter,
    };
    let name = wide(queue);
    let doc_name = wide("MotorDesk");
    let datatype = wide("RAW");
    let fail = |step| from_win32(queue, step, std::io::Error::last_os_error());
    // SAFETY: every pointer handed over points into a live, NUL-terminated buffer above,
    // and the handle is closed on every path below.
    unsafe {
        let mut h: PRINTER_HANDLE = std::mem::zeroed();
        if OpenPrinterW(name.as_ptr(), &mut h, std::ptr::null()) == 0 {
            return Err(fail("OpenPrinterW"));
        }
        let result = (|| {
            if let Some(state) = state_of(h).map_err(|e| from_win32(queue, "GetPrinterW", e))? {
                return Err(PrintError::NotReady {
                    printer: queue.to_string(),
                    state,
                });
            }
            let info = DOC_INFO_1W {
                pDocName: doc_name.as_ptr() as *mut u16,
                pOutputFile: std::ptr::null_mut(),
                pDatatype: datatype.as_ptr() as *mut u16,
            };
            if StartDocPrinterW(h, 1, &info as *const DOC_INFO_1W as _) == 0 {
                return Err(fail("StartDocPrinterW"));
            }
            let mut written = 0u32;
            let wrote = StartPagePrinter(h) != 0
                && WritePrinter(h, job.as_ptr().cast(), job.len() as u32, &mut written) != 0
                && written as usize == job.len();
            let err = (!wrote).then(|| fail("WritePrinter"));
            EndPagePrinter(h);
            // The job is in the queue only once the document is closed.
            if EndDocPrinter(h) == 0 && err.is_none() {
                return Err(fail("EndDocPrinter"));
            }
            err.map_or(Ok(()), Err)
        })();
        ClosePrinter(h);
        result
    }
}

/// Refuses a printer that says it cannot print now (GDI printing asks this first: a
/// device context opens on an unplugged or paused printer too).
#[cfg(windows)]
pub fn check_ready(queue: &str) -> Result<(), PrintError> {
    use windows_sys::Win32::Graphics::Printing::{ClosePrinter, OpenPrinterW, PRINTER_HANDLE};
    let name = wide(queue);
    // SAFETY: `name` is a live NUL-terminated buffer; the handle is closed below.
    unsafe {
        let mut h: PRINTER_HANDLE = std::mem::zeroed();
        if OpenPrinterW(name.as_ptr(), &mut h, std::ptr::null()) == 0 {
            return Err(from_win32(
                queue,
                "OpenPrinterW",
                std::io::Error::last_os_error(),
            ));
        }
        let state = state_of(h);
        ClosePrinter(h);
        match state.map_err(|e| from_win32(queue, "GetPrinterW", e))? {
            Some(state) => Err(PrintError::NotReady {
                printer: queue.to_string(),
                state,
            }),
            None => Ok(()),
        }
    }
}

/// The user's default printer (`GetDefaultPrinterW`), if one is set.
#[cfg(windows)]
pub fn default_printer() -> Option<String> {
    use windows_sys::Win32::Graphics::Printing::GetDefaultPrinterW;
    let mut len = 0u32;
    // SAFETY: size query, then a buffer of that many UTF-16 units.
    unsafe {
        GetDefaultPrinterW(std::ptr::null_mut(), &mut len);
        if len == 0 {
            return None;
        }
        let mut buf = vec![0u16; len as usize];
        if GetDefaultPrinterW(buf.as_mut_ptr(), &mut len) == 0 {
            return None;
        }
        let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
        Some(String::from_utf16_lossy(&buf[..end])).filter(|n| !n.is_empty())
    }
}

/// The queue's blocking state, if any (`GetPrinterW` level 2).
#[cfg(windows)]
unsafe fn state_of(
    h: windows_sys::Win32::Graphics::Printing::PRINTER_HANDLE,
) -> std::io::Result<Option<PrinterState>> {
    use windows_sys::Win32::Graphics::Printing::{GetPrinterW, PRINTER_INFO_2W};
    let mut needed = 0u32;
    // SAFETY: the first call only asks for the size; the buffer is u64-aligned (the struct
    // holds pointers) and as large as the spooler asked for.
    unsafe {
        GetPrinterW(h, 2, std::ptr::null_mut(), 0, &mut needed);
        if needed == 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
        if GetPrinterW(h, 2, buf.as_mut_ptr().cast(), needed, &mut needed) == 0 {
            return Err(std::io::Error::last_os_error());
        }
        let info = &*(buf.as_ptr() as *const PRINTER_INFO_2W);
        log::info!(
            "printer status 0x{:x}, attributes 0x{:x}, {} jobs queued",
            info.Status,
            info.Attributes,
            info.cJobs
        );
        Ok(blocking_state(info.Status, info.Attributes))
    }
}

/// Local and connected printer queues (`EnumPrintersW` level 4: names only, fast, no
/// PowerShell).
#[cfg(windows)]
pub fn list() -> Vec<String> {
    use windows_sys::Win32::Graphics::Printing::{
        EnumPrintersW, PRINTER_ENUM_CONNECTIONS, PRINTER_ENUM_LOCAL, PRINTER_INFO_4W,
    };
    let flags = PRINTER_ENUM_LOCAL | PRINTER_ENUM_CONNECTIONS;
    let (mut needed, mut count) = (0u32, 0u32);
    // SAFETY: size query, then a u64-aligned buffer of that size; the strings the entries
    // point to live inside the same buffer.
    unsafe {
        EnumPrintersW(
            flags,
            std::ptr::null(),
            4,
            std::ptr::null_mut(),
            0,
            &mut needed,
            &mut count,
        );
        if needed == 0 {
            return Vec::new();
        }
        let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
        if EnumPrintersW(
            flags,
            std::ptr::null(),
            4,
            buf.as_mut_ptr().cast(),
            needed,
            &mut needed,
            &mut count,
        ) == 0
        {
            log::warn!("listing printers: {}", std::io::Error::last_os_error());
            return Vec::new();
        }
        let entries =
            std::slice::from_raw_parts(buf.as_ptr() as *const PRINTER_INFO_4W, count as usize);
        entries
            .iter()
            .filter(|e| !e.pPrinterName.is_null())
            .map(|e| {
                let mut len = 0;
                while *e.pPrinterName.add(len) != 0 {
                    len += 1;
                }
                String::from_utf16_lossy(std::slice::from_raw_parts(e.pPrinterName, len))
            })
            .collect()
    }
}

#[cfg(windows)]
pub(super) fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(Some(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ready_or_busy_printer_is_not_refused() {
        assert_eq!(blocking_state(0, 0), None);
        // PRINTER_STATUS_PRINTING | PRINTER_STATUS_BUSY: jobs queue behind it.
        assert_eq!(blocking_state(0x400 | 0x200, 0), None);
    }

    #[test]
    fn status_flags_decode_to_what_to_check() {
        assert_eq!(
            blocking_state(PRINTER_STATUS_PAPER_OUT | PRINTER_STATUS_ERROR, 0),
            Some(PrinterState::PaperOut),
            "the specific cause wins over the generic error"
        );
        assert_eq!(
            blocking_state(PRINTER_STATUS_DOOR_OPEN, 0),
            Some(PrinterState::DoorOpen)
        );
        assert_eq!(
            blocking_state(PRINTER_STATUS_OFFLINE, 0),
            Some(PrinterState::Offline)
        );
        // An unplugged USB printer: status 0, "use printer offline" set by the port monitor.
        assert_eq!(
            blocking_state(0, PRINTER_ATTRIBUTE_WORK_OFFLINE),
            Some(PrinterState::Offline)
        );
        assert_eq!(
            blocking_state(PRINTER_STATUS_PAUSED, 0),
            Some(PrinterState::Paused)
        );
    }

    #[test]
    fn win32_codes_choose_the_spanish_message() {
        let os = std::io::Error::from_raw_os_error;
        assert!(matches!(
            from_win32("POS-80", "OpenPrinterW", os(ERROR_INVALID_PRINTER_NAME)),
            PrintError::UnknownPrinter(p) if p == "POS-80"
        ));
        assert!(matches!(
            from_win32("POS-80", "WritePrinter", os(ERROR_OUT_OF_PAPER)),
            PrintError::NotReady {
                state: PrinterState::PaperOut,
                ..
            }
        ));
        let spooler_down = from_win32("POS-80", "OpenPrinterW", os(RPC_S_SERVER_UNAVAILABLE));
        assert!(spooler_down.mensaje().contains("Cola de impresión"));
        let raw_refused = from_win32("HP", "StartDocPrinterW", os(ERROR_INVALID_DATATYPE));
        assert!(
            raw_refused
                .mensaje()
                .contains("no acepta trabajos directos")
        );
        // An unknown code still says which, in Spanish, and keeps the OS error as cause.
        let other = from_win32("HP", "WritePrinter", os(31));
        assert!(other.mensaje().contains("error 31"), "{}", other.mensaje());
        assert!(std::error::Error::source(&other).is_some());
    }
}
