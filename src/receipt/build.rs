//! Building a `ReceiptLayout` from an issued invoice (or a preview): the paper picks
//! the 80 mm or 58 mm ticket or the paginated A4 sheet. Pure: no I/O, no clock.

use crate::receipt::content::Content;
use crate::receipt::layout::ReceiptLayout;
use crate::receipt::{paginate, ticket};
use crate::store::{Paper, ShopSettings};
use motordesk_core::Invoice;

impl ReceiptLayout {
    /// Lays out `inv` for `paper`, measuring text with the embedded DejaVu metrics.
    /// `hash` is the DigestValue of the document's signed XML (`None` while unsigned, for
    /// a preview and for the nota de venta): printed, and the QR's last field.
    pub fn build(
        inv: &Invoice,
        settings: &ShopSettings,
        paper: Paper,
        hash: Option<&str>,
    ) -> ReceiptLayout {
        let c = Content::new(inv, settings, hash);
        let pages = match paper {
            Paper::Ticket80 | Paper::Ticket58 => vec![ticket::page(&c, paper.width_mm())],
            Paper::A4 => paginate::a4_pages(&c),
        };
        ReceiptLayout {
            paper,
            pages,
            title: format!("{} {}", inv.kind.title(), c.number),
            number: c.number.clone(),
            preview: c.preview,
            qr_payload: if c.preview {
                None
            } else {
                c.qr_payload.clone()
            },
            issued_at: inv.issued_at,
            issuer: settings.issuer.razon_social.clone(),
        }
    }
}
