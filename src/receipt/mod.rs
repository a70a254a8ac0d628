//! Receipts: one layout model ([`layout::ReceiptLayout`]) drawn two ways, to PDF for the
//! printer ([`pdf::render_pdf`]) and on screen for VISTA PREVIA ([`preview::show`]), so
//! what the cashier previews is what prints.

pub mod fonts;
pub mod layout;
pub mod pdf;
pub mod preview;
mod preview_invoice;
pub mod print;
pub mod qr;

pub use preview_invoice::preview_invoice;
