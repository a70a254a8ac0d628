//! The text SUNAT expects in the QR code of a printed comprobante, from the shop's own
//! document: `RUC|TT|SERIE|NUMERO|IGV|TOTAL|YYYY-MM-DD|TIPODOC|NUMDOC|HASH|`.
//! - NUMERO is the correlative **without** zero padding (`42`, as in the UBL `cbc:ID`
//!   `B001-42`).
//! - IGV and TOTAL with two decimals, no thousands separator.
//! - The date is the issue date in Lima, not in UTC.
//! - TIPODOC/NUMDOC are the buyer's Catálogo 06 code and number (`0|00000000` for
//!   "clientes varios").
//! - HASH is the signature's DigestValue; empty while the document is not signed yet
//!   (printed "sin firmar"), so the field list keeps its shape.
//!
//! The nota de venta is not a SUNAT document and has no QR (`None`).

use motordesk_core::{Invoice, lima_date};

pub fn sunat_qr_payload(inv: &Invoice, issuer_ruc: &str, digest: Option<&str>) -> Option<String> {
    let tt = inv.kind.sunat_code()?;
    Some(format!(
        "{}|{}|{}|{}|{:.2}|{:.2}|{}|{}|{}|{}|",
        issuer_ruc.trim(),
        tt,
        inv.number.series,
        inv.number.correlative,
        inv.totals.igv,
        inv.totals.total,
        lima_date(inv.issued_at).format("%Y-%m-%d"),
        inv.buyer.id.kind.code(),
        inv.buyer.id.number,
        digest.unwrap_or(""),
    ))
}
