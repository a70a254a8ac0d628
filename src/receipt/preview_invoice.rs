//! The document a draft would become, for VISTA PREVIA before it is issued.

use crate::store::ShopSettings;
use chrono::{DateTime, Utc};
use motordesk_core::DocumentNumber;
use motordesk_core::DomainError;
use motordesk_core::{Invoice, InvoiceDraft};
use uuid::Uuid;

/// Checks the draft like issuing would and builds the invoice with this kiosk's series
/// and correlative 0, which no issued document has: the layout prints the number as
/// `B001-????????`, adds "VISTA PREVIA — sin valor" and leaves the QR out.
pub fn preview_invoice(
    draft: &InvoiceDraft,
    settings: &ShopSettings,
    now: DateTime<Utc>,
    device_id: Uuid,
    cashier: &str,
) -> Result<Invoice, DomainError> {
    let modifies = draft.modifies.as_ref().map(|m| m.kind);
    // `from_draft` checks the number like issuing does (correlative 1 and up), so the
    // checks run on correlative 1 and the preview marker 0 is set afterwards.
    let number = DocumentNumber {
        series: settings.series.series_for(draft.kind, modifies),
        correlative: 1,
    };
    let mut draft = draft.clone();
    // As `Store::issue_invoice` does: the detracción account comes from the settings.
    draft.detraccion_account = settings.detraccion_account.clone();
    let mut inv = Invoice::from_draft(draft, Uuid::nil(), number, now, device_id, cashier)?;
    inv.number.correlative = 0;
    Ok(inv)
}
