//! Network thermal printers: the ESC/POS job straight to the printer's raw port
//! (`IP:9100`, "JetDirect"), no driver and no spooler. The printer is asked for its
//! status first (`DLE EOT 1`); one that says it is offline is not sent anything. Success
//! means every byte was accepted by the printer's socket; an error keeps its cause and
//! says in Spanish what to check. The receipt itself is saved (sealed) before printing,
//! so a failed job can always be printed again.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The raw printing port.
pub const RAW_PORT: u16 = 9100;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for a status byte; some clones never answer, and that is fine.
const STATUS_TIMEOUT: Duration = Duration::from_millis(800);

/// Why a job did not reach a network printer.
#[derive(Debug, thiserror::Error)]
pub enum NetPrintError {
    #[error("bad printer address {0:?}")]
    BadAddress(String),
    #[error("cannot reach printer {addr}: {source}")]
    Unreachable {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("printer {0} reports it is offline (cover open, no paper or error)")]
    Offline(String),
    #[error("printer {addr} stopped taking the job after {sent} of {total} bytes: {source}")]
    Interrupted {
        addr: String,
        sent: usize,
        total: usize,
        #[source]
        source: std::io::Error,
    },
}

impl NetPrintError {
    /// What the cashier reads (Spanish).
    pub fn mensaje(&self) -> String {
        match self {
            NetPrintError::BadAddress(a) => format!(
                "La dirección de la impresora «{a}» no es válida (ejemplo: 192.168.1.50:9100)."
            ),
            NetPrintError::Unreachable { addr, .. } => format!(
                "No se pudo conectar con la impresora {addr}: revise que esté encendida y conectada a la red."
            ),
            NetPrintError::Offline(addr) => format!(
                "La impresora {addr} no está lista: revise el papel y que la tapa esté cerrada."
            ),
            NetPrintError::Interrupted { addr, .. } => format!(
                "La impresora {addr} dejó de responder a mitad de la impresión. El comprobante está guardado: use Reimprimir."
            ),
        }
    }
}

/// `host[:port]` (port 9100 when not given) → a socket address.
pub fn printer_address(text: &str) -> Result<SocketAddr, NetPrintError> {
    let text = text.trim().trim_start_matches("tcp://");
    let with_port = if text
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        text.to_string()
    } else {
        format!("{text}:{RAW_PORT}")
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| NetPrintError::BadAddress(text.to_string()))
}

/// Sends `job` to the printer at `addr` (see the module comment).
pub fn print_raw(addr: SocketAddr, job: &[u8]) -> Result<(), NetPrintError> {
    let name = addr.to_string();
    let mut s = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(|source| {
        NetPrintError::Unreachable {
            addr: name.clone(),
            source,
        }
    })?;
    let io = |source| NetPrintError::Unreachable {
        addr: name.clone(),
        source,
    };
    s.set_write_timeout(Some(IO_TIMEOUT)).map_err(io)?;
    s.set_read_timeout(Some(STATUS_TIMEOUT)).map_err(io)?;
    // DLE EOT 1: printer status; bit 3 set = offline.
    s.write_all(&[0x10, 0x04, 0x01]).map_err(io)?;
    let mut status = [0u8; 1];
    match s.read(&mut status) {
        Ok(1) if status[0] & 0x08 != 0 => return Err(NetPrintError::Offline(name)),
        Ok(_) => {}
        Err(e) => log::info!("printer {name} gave no status ({e}); printing anyway"),
    }
    let mut sent = 0;
    for chunk in job.chunks(16 * 1024) {
        s.write_all(chunk)
            .and_then(|_| s.flush())
            .map_err(|source| NetPrintError::Interrupted {
                addr: name.clone(),
                sent,
                total: job.len(),
                source,
            })?;
        sent += chunk.len();
    }
    s.shutdown(std::net::Shutdown::Write).ok();
    log::info!("printed {} bytes on {name}", job.len());
    Ok(())
}
