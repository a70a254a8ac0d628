//! Receipt output for the panels: build the layout, save the PDF sealed (always, so it can
//! be reprinted), then hand it to the printer from memory: as ESC/POS raster straight to
//! a network thermal printer when the printer setting is an address (`tcp://IP[:9100]`),
//! as a RAW ESC/POS job to a system queue marked thermal (`escpos://QUEUE`: a USB
//! printer), else as the PDF through the system's print path. Runs on a worker thread; returns
//! Spanish text.

use crate::receipt::{
    DOTS_80MM, ReceiptLayout, escpos_job, print_pdf, print_raw, print_raw_queue, printer_address,
    rasterize, render_pdf, save_receipt,
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
    if let Some(queue) = escpos_queue(settings) {
        let job = escpos_job(&rasterize(&layout, DOTS_80MM));
        return match print_raw_queue(&job, queue) {
            Ok(()) => Ok(format!(
                "Comprobante {} enviado a la impresora.",
                inv.number
            )),
            Err(e) => Err(format!(
                "No se pudo imprimir {}: {}",
                inv.number,
                e.mensaje()
            )),
        };
    }
    if let Some(addr) = network_printer(settings) {
        // An A4 layout still prints, scaled to the roll; the 80 mm ticket is 1:1.
        let job = escpos_job(&rasterize(&layout, DOTS_80MM));
        return match printer_address(addr).and_then(|a| print_raw(a, &job)) {
            Ok(()) => Ok(format!("Comprobante {} impreso.", inv.number)),
            Err(e) => {
                log::warn!("printing {} on {addr}: {e}", inv.number);
                Err(format!(
                    "No se pudo imprimir {}: {}",
                    inv.number,
                    e.mensaje()
                ))
            }
        };
    }
    match print_pdf(&bytes, settings.printer.as_deref()) {
        Ok(()) => Ok(format!(
            "Comprobante {} enviado a la impresora.",
            inv.number
        )),
        Err(e) => Err(format!(
            "No se pudo imprimir {}: {}",
            inv.number,
            e.mensaje()
        )),
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
