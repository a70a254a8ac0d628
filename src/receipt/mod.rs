//! Receipts: one layout model ([`ReceiptLayout`]) drawn two ways, to PDF for the printer
//! ([`render_pdf`]) and on screen for VISTA PREVIA ([`show_preview`]), so what the cashier
//! previews is what prints. The paper is [`crate::store::Paper`], the setting the shop
//! chose. The copy kept for reprinting is sealed with the store's key ([`save_receipt`]);
//! printing hands the document to a system printer ([`print_document`]: the PDF piped to
//! CUPS, or on Windows the layout drawn through GDI), or, for a thermal printer, sends
//! the layout as an ESC/POS raster ([`rasterize`], [`escpos_job`]) to its network port
//! ([`print_raw`]) or queue ([`print_raw_queue`]).
//!
//! Building the layout: `build` (entry point) → `content` (what is printed) → `ticket`
//! or `a4` + `paginate` (where), made of `block`s of `text` measured and wrapped.

mod a4;
mod archive;
mod block;
mod build;
mod content;
mod escpos;
mod fonts;
// The page planning is tested everywhere; only Windows builds print through GDI.
#[cfg_attr(not(windows), allow(dead_code))]
mod gdi;
mod layout;
mod netprint;
mod paginate;
mod pdf;
mod preview;
mod preview_invoice;
mod print;
mod qr;
// Decoding is tested everywhere; only Windows builds call it.
#[cfg_attr(not(windows), allow(dead_code))]
mod spooler;
mod test_ticket;
mod text;
mod ticket;
mod z_report;

pub use archive::{
    ArchiveError, RECEIPTS_DIR, open_receipt, receipts_dir, save_receipt, save_report,
    saved_receipt_path, seal_plain_receipts,
};
pub use escpos::{
    BAND_ROWS, DOTS_58MM, DOTS_80MM, Raster, dots_for as escpos_dots, job as escpos_job, rasterize,
};
pub use fonts::REGULAR_TTF;
pub use layout::{Item, ReceiptLayout};
pub use netprint::{NetPrintError, RAW_PORT, print_raw, printer_address};
pub use pdf::render_pdf;
pub use preview::show_preview;
pub use preview_invoice::preview_invoice;
pub use print::{PrintError, list_printers, print_document, print_raw_queue};
pub use qr::{QrMatrix, screen_qr};
pub use spooler::PrinterState;
pub use test_ticket::test_ticket;
pub use z_report::{difference_label, z_report};
