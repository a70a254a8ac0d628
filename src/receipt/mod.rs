//! Receipts: one layout model ([`layout::ReceiptLayout`]) drawn two ways, to PDF for the
//! printer ([`pdf::render_pdf`]) and on screen for VISTA PREVIA ([`preview::show`]), so
//! what the cashier previews is what prints. The paper is
//! [`crate::store::settings::Paper`], the setting the shop chose.
//!
//! Building the layout: `build` (entry point) → `content` (what is printed) → `ticket`
//! or `a4` + `paginate` (where), made of `block`s of `text` measured and wrapped.

mod a4;
mod block;
mod build;
mod content;
pub mod fonts;
pub mod layout;
mod paginate;
pub mod pdf;
pub mod preview;
mod preview_invoice;
pub mod print;
pub mod qr;
mod text;
mod ticket;

pub use preview_invoice::preview_invoice;
