//! Receipt output for the panels: build the layout, save the PDF sealed (always, so it can
//! be reprinted), then hand it to the printer from memory: as ESC/POS raster straight to
//! a network thermal printer when the printer setting is an address (`tcp://IP[:9100]`),
//! as a RAW ESC/POS job to a system queue marked thermal (`escpos://QUEUE`: a USB
//! printer), else to the system printer (`receipt::print_document`: the PDF through CUPS,
//! the layout through GDI on Windows). The thermal raster is as wide as the paper chosen
//! in Ajustes (576 or 384 dots). Runs on a worker thread; returns Spanish text.

use crate::receipt::{
    ReceiptLayout, escpos_dots, escpos_job, print_document, print_raw, print_raw_queue,
    printer_address, rasterize, render_pdf, save_receipt, test_ticket,
};
use crate::store::{ShopSettings, Store};
use motordesk_core::Invoice;
use std::path::Path;

/// The layout this kiosk prints for `inv`; `hash` is its signed XML's DigestValue.
pub(super) fn layout(inv: &Invoice, settings: &ShopSettings, hash: Option<&str>) -> ReceiptLayout {
    ReceiptLayout::build(inv, settings, settings.receipt_format, hash)
}

/// The hash to print for `inv`: its stored XML's DigestValue, if signed.
pub(super) fn hash_of(store: &Store, inv: &Invoice) -> Option<String> {
    match store.comprobante_xml(inv.id) {
        Ok(x) => x.and_then(|x| x.digest),
        Err(e) => {
            log::warn!("reading the XML of {}: {e}", inv.number);
            None
        }
    }
}

/// Saves the PDF sealed and prints it (when `print` is on). `Ok` is a note for the
/// person, `Err` says what failed; the sale is saved either way.
pub(super) fn save_and_print(
    store: &Store,
    inv: &Invoice,
    settings: &ShopSettings,
    hash: Option<&str>,
    dir: &Path,
    print_on: bool,
) -> Result<String, String> {
    let layout = layout(inv, settings, hash);
    let bytes = render_pdf(&layout);
    let path = save_receipt(store, dir, inv, &bytes).map_err(|e| {
        log::error!("saving receipt pdf of {}: {e}", inv.number);
        format!(
            "No se pudo guardar el PDF del comprobante {}: {}",
            inv.number,
            e.mensaje()
        )
    })?;
    if !print_on {
        return Ok(format!("PDF guardado cifrado en {}.", path.display()));
    }
    match send(&layout, &bytes, settings) {
        Ok(done) => Ok(format!("Comprobante {} {done}.", inv.number)),
        Err(e) => Err(format!(
            "No se pudo imprimir {}: {}",
            inv.number,
            e.for_receipt()
        )),
    }
}

/// The Z report of a closed shift: its ticket saved sealed beside the receipts (named
/// by the report's id) and printed like a receipt (when `print` is on).
pub(super) fn save_and_print_z(
    store: &Store,
    report: &crate::store::ShiftReport,
    settings: &ShopSettings,
    dir: &Path,
    print_on: bool,
) -> Result<String, String> {
    let layout = crate::receipt::z_report(report, settings);
    let bytes = render_pdf(&layout);
    if let Some(id) = report.id {
        crate::receipt::save_report(store, dir, id, &bytes).map_err(|e| {
            log::error!("saving the Z report pdf: {e}");
            format!("No se pudo guardar el cierre de caja: {}", e.mensaje())
        })?;
    }
    if !print_on {
        return Ok("Cierre de caja guardado cifrado.".into());
    }
    match send(&layout, &bytes, settings) {
        Ok(done) => Ok(format!("Cierre de caja {done}.")),
        Err(e) => Err(format!(
            "No se pudo imprimir el cierre de caja: {}",
            e.for_receipt()
        )),
    }
}

/// Why a layout did not reach the printer.
enum Failure {
    Queue(crate::receipt::PrintError),
    Net(crate::receipt::NetPrintError),
}

impl Failure {
    /// After a sale: the cause and that the sale is saved.
    fn for_receipt(&self) -> String {
        match self {
            Failure::Queue(e) => e.mensaje(),
            Failure::Net(e) => e.mensaje(),
        }
    }

    /// After a test print: the cause only.
    fn for_test(&self) -> String {
        match self {
            Failure::Queue(e) => e.causa(),
            Failure::Net(e) => e.mensaje(),
        }
    }
}

/// Hands `layout` (and its PDF `pdf`) to the printer the settings name, the way that
/// printer takes it. `Ok` says what happened ("impreso", "enviado a la impresora").
fn send(
    layout: &ReceiptLayout,
    pdf: &[u8],
    settings: &ShopSettings,
) -> Result<&'static str, Failure> {
    // The roll in the printer is the paper chosen in Ajustes (576 or 384 dots), whatever
    // the layout was made for: an 80 mm layout (a saved Z report reprinted after the roll
    // changed, an A4 sheet) must shrink to a 58 mm roll, not run off the paper.
    let dots = escpos_dots(settings.receipt_format);
    if let Some(queue) = escpos_queue(settings) {
        let job = escpos_job(&rasterize(layout, dots));
        return print_raw_queue(&job, queue)
            .map(|()| "enviado a la impresora")
            .map_err(Failure::Queue);
    }
    if let Some(addr) = network_printer(settings) {
        // An A4 layout still prints, scaled to the roll; the tickets are 1:1.
        let job = escpos_job(&rasterize(layout, dots));
        return printer_address(addr)
            .and_then(|a| print_raw(a, &job))
            .map(|()| "impreso")
            .map_err(|e| {
                log::warn!("printing {} on {addr}: {e}", layout.title);
                Failure::Net(e)
            });
    }
    print_document(layout, pdf, settings.printer.as_deref())
        .map(|()| "enviado a la impresora")
        .map_err(Failure::Queue)
}

/// "Imprimir prueba" in Ajustes: a short ticket (`receipt::test_ticket`) down the same
/// path as a receipt, to the printer in `settings` (the one being edited). Blocking.
pub(super) fn print_test(settings: &ShopSettings) -> Result<String, String> {
    let printer = settings
        .printer
        .as_deref()
        .map(|p| {
            p.trim_start_matches("escpos://")
                .trim_start_matches("tcp://")
        })
        .unwrap_or("predeterminada del sistema");
    let now = chrono::Utc::now();
    let local = now
        .with_timezone(&chrono::Local)
        .format("%d/%m/%Y %H:%M")
        .to_string();
    let layout = test_ticket(
        &settings.issuer.razon_social,
        printer,
        now,
        &local,
        settings.receipt_format,
    );
    let pdf = render_pdf(&layout);
    match send(&layout, &pdf, settings) {
        Ok(done) => {
            log::info!("test ticket {done} ({printer})");
            let done = if done == "impreso" {
                "impresa"
            } else {
                "enviada a la impresora"
            };
            Ok(format!("Prueba {done}: revise el ticket en «{printer}»."))
        }
        Err(e) => {
            let e = e.for_test();
            log::warn!("test ticket on {printer} failed: {e}");
            Err(format!("La prueba no se imprimió. {e}"))
        }
    }
}

/// The network thermal printer named in the settings (`tcp://host[:port]`), if any.
fn network_printer(settings: &ShopSettings) -> Option<&str> {
    settings
        .printer
        .as_deref()
        .map(str::trim)
        .filter(|p| p.starts_with("tcp://"))
}

/// A system printer queue marked as an ESC/POS thermal printer (`escpos://QUEUE`).
fn escpos_queue(settings: &ShopSettings) -> Option<&str> {
    settings
        .printer
        .as_deref()
        .and_then(|p| p.trim().strip_prefix("escpos://"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{DOTS_58MM, test_ticket};
    use crate::store::Paper;
    use std::io::{Read, Write};

    /// An 80 mm layout sent to a network printer whose roll is set to 58 mm is a 384-dot
    /// raster.
    #[test]
    fn the_raster_is_as_wide_as_the_roll_set_in_ajustes() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let printer = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut ask = [0u8; 3];
            s.read_exact(&mut ask).unwrap();
            s.write_all(&[0x12]).unwrap();
            let mut job = Vec::new();
            s.read_to_end(&mut job).unwrap();
            job
        });
        let settings = ShopSettings {
            printer: Some(format!("tcp://{addr}")),
            receipt_format: Paper::Ticket58,
            ..ShopSettings::default()
        };
        let layout = test_ticket("T", "P", chrono::Utc::now(), "-", Paper::Ticket80);
        assert_eq!(layout.paper, Paper::Ticket80);
        assert_eq!(send(&layout, b"", &settings).ok(), Some("impreso"));
        let job = printer.join().unwrap();
        // ESC @, then the first GS v 0 band: its width in bytes.
        assert_eq!(&job[2..6], &[0x1d, b'v', b'0', 0]);
        let bytes = u16::from_le_bytes([job[6], job[7]]) as u32;
        assert_eq!(bytes * 8, DOTS_58MM);
    }
}
