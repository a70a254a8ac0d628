//! Refuses input SUNAT would reject or that XML cannot carry, before a byte is written.
//!
//! Texts are never truncated or cleaned silently: an over-long razón social or a control
//! character is a typed [`BuildError`] the cashier can act on. Figures are checked for
//! coherence only (they are the kiosk's, already rounded); nothing is recomputed here.

use crate::error::BuildError;
use crate::model::{
    Affectation, BuyerDocType, Comprobante, DocumentKind, DocumentType, Line, PaymentTerms,
    ReferencedDocument,
};
use rust_decimal::Decimal;

/// Above this total a boleta must identify the buyer (R.S. 007-99/SUNAT).
const BOLETA_ANONYMOUS_LIMIT: Decimal = Decimal::from_parts(70000, 0, 0, false, 2);
/// IGV rate, 18 %.
const IGV_RATE: Decimal = Decimal::from_parts(18, 0, 0, false, 2);

/// Catálogo 09 codes accepted here (13, "ajustes de montos y fechas de pago", needs
/// payment terms this crate does not write for notes).
const CREDIT_REASONS: [&str; 12] = [
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];
/// Catálogo 10 codes.
const DEBIT_REASONS: [&str; 5] = ["01", "02", "03", "11", "12"];

pub(crate) fn comprobante(c: &Comprobante) -> Result<(), BuildError> {
    let doc_type = c.kind.document_type();
    issuer(c)?;
    buyer(c, doc_type)?;
    series_and_number(c, doc_type)?;
    if c.currency != "PEN" {
        return Err(BuildError::UnsupportedCurrency(c.currency.clone()));
    }
    one_line_text("amount_in_words", &c.amount_in_words, 1, 200)?;
    if c.lines.is_empty() {
        return Err(BuildError::NoLines);
    }
    for (i, l) in c.lines.iter().enumerate() {
        line(i + 1, l)?;
    }
    totals(c)?;
    match &c.kind {
        DocumentKind::Factura {
            payment,
            detraccion,
        } => {
            let mut payable = c.totals.total;
            if let Some(d) = detraccion {
                one_line_text("detraccion.account", &d.account, 1, 100)?;
                digits("detraccion.code", &d.code, 3)?;
                if d.percent <= Decimal::ZERO || d.percent > Decimal::ONE_HUNDRED {
                    return Err(BuildError::Detraccion("percent must be in (0, 100]"));
                }
                if d.amount <= Decimal::ZERO || d.amount > c.totals.total || !two_dp(d.amount) {
                    return Err(BuildError::Detraccion(
                        "amount must be positive, with 2 decimals and not above the total",
                    ));
                }
                payable -= d.amount;
            }
            if let PaymentTerms::Credito(cuotas) = payment {
                if cuotas.is_empty() {
                    return Err(BuildError::Cuotas("at least one cuota is needed"));
                }
                if cuotas.len() > 999 {
                    return Err(BuildError::Cuotas("at most 999 cuotas"));
                }
                let mut sum = Decimal::ZERO;
                for q in cuotas {
                    if q.amount <= Decimal::ZERO || !two_dp(q.amount) {
                        return Err(BuildError::Cuotas(
                            "each cuota must be positive, 2 decimals",
                        ));
                    }
                    if q.due_date <= c.issue_date {
                        return Err(BuildError::Cuotas(
                            "each cuota must fall after the issue date",
                        ));
                    }
                    sum += q.amount;
                }
                if sum > payable {
                    return Err(BuildError::Cuotas(
                        "the cuotas add up to more than is payable",
                    ));
                }
            }
        }
        DocumentKind::Boleta => {}
        DocumentKind::NotaCredito { reference, reason } => {
            note_reference(reference)?;
            if !CREDIT_REASONS.contains(&reason.code.as_str()) {
                return Err(BuildError::ReasonCode(reason.code.clone()));
            }
            text("reason.description", &reason.description, 1, 500)?;
        }
        DocumentKind::NotaDebito { reference, reason } => {
            note_reference(reference)?;
            if !DEBIT_REASONS.contains(&reason.code.as_str()) {
                return Err(BuildError::ReasonCode(reason.code.clone()));
            }
            text("reason.description", &reason.description, 1, 500)?;
        }
    }
    Ok(())
}

fn issuer(c: &Comprobante) -> Result<(), BuildError> {
    let i = &c.issuer;
    digits("issuer.ruc", &i.ruc, 11)?;
    one_line_text("issuer.legal_name", &i.legal_name, 1, 100)?;
    if let Some(t) = &i.trade_name {
        one_line_text("issuer.trade_name", t, 1, 100)?;
    }
    digits("issuer.address.ubigeo", &i.address.ubigeo, 6)?;
    one_line_text("issuer.address.department", &i.address.department, 1, 30)?;
    one_line_text("issuer.address.province", &i.address.province, 1, 30)?;
    one_line_text("issuer.address.district", &i.address.district, 1, 30)?;
    one_line_text("issuer.address.line", &i.address.line, 3, 200)?;
    digits("issuer.establishment_code", &i.establishment_code, 4)
}

fn buyer(c: &Comprobante, doc_type: DocumentType) -> Result<(), BuildError> {
    let b = &c.buyer;
    match b.doc_type {
        BuyerDocType::Ruc => digits("buyer.doc_number", &b.doc_number, 11)?,
        BuyerDocType::Dni => digits("buyer.doc_number", &b.doc_number, 8)?,
        _ => {
            one_line_text("buyer.doc_number", &b.doc_number, 1, 15)?;
            if b.doc_number.chars().any(char::is_whitespace) {
                return Err(BuildError::InvalidFormat {
                    field: "buyer.doc_number",
                    value: b.doc_number.clone(),
                });
            }
        }
    }
    one_line_text("buyer.name", &b.name, 2, 100)?;
    if let Some(a) = &b.address {
        one_line_text("buyer.address", a, 3, 200)?;
    }
    let invoice_family = match &c.kind {
        DocumentKind::NotaCredito { reference, .. }
        | DocumentKind::NotaDebito { reference, .. } => reference.doc_type,
        _ => doc_type,
    };
    if invoice_family == DocumentType::Factura && b.doc_type != BuyerDocType::Ruc {
        return Err(BuildError::FacturaNeedsRuc);
    }
    if invoice_family == DocumentType::Boleta
        && c.totals.total > BOLETA_ANONYMOUS_LIMIT
        && (b.doc_type == BuyerDocType::SinDocumento || b.doc_number == "-")
    {
        return Err(BuildError::BoletaNeedsBuyer);
    }
    Ok(())
}

fn series_and_number(c: &Comprobante, doc_type: DocumentType) -> Result<(), BuildError> {
    let family = match &c.kind {
        DocumentKind::NotaCredito { reference, .. }
        | DocumentKind::NotaDebito { reference, .. } => reference.doc_type,
        _ => doc_type,
    };
    series(&c.series, family, "series")?;
    number(c.number, "number")
}

fn note_reference(r: &ReferencedDocument) -> Result<(), BuildError> {
    if !matches!(r.doc_type, DocumentType::Factura | DocumentType::Boleta) {
        return Err(BuildError::Reference(
            "only a factura or a boleta can be modified",
        ));
    }
    series(&r.series, r.doc_type, "reference.series")?;
    number(r.number, "reference.number")
}

/// F + 3 alphanumerics for facturas and their notes, B + 3 for boletas and theirs.
pub(crate) fn series(s: &str, family: DocumentType, field: &'static str) -> Result<(), BuildError> {
    let first = if family == DocumentType::Factura {
        'F'
    } else {
        'B'
    };
    let ok = s.chars().count() == 4
        && s.starts_with(first)
        && s.chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(BuildError::InvalidFormat {
            field,
            value: s.to_string(),
        })
    }
}

pub(crate) fn number(n: u32, field: &'static str) -> Result<(), BuildError> {
    if (1..=99_999_999).contains(&n) {
        Ok(())
    } else {
        Err(BuildError::InvalidFormat {
            field,
            value: n.to_string(),
        })
    }
}

fn line(n: usize, l: &Line) -> Result<(), BuildError> {
    let bad = |what| Err(BuildError::LineFigures { line: n, what });
    // A free-text line (labour typed at the counter) has no product code: optional in UBL.
    if !l.code.is_empty() {
        one_line_text("line.code", &l.code, 1, 30)?;
    }
    text("line.description", &l.description, 1, 500)?;
    if l.unit_code.is_empty()
        || l.unit_code.len() > 3
        || !l
            .unit_code
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit())
    {
        return Err(BuildError::InvalidFormat {
            field: "line.unit_code",
            value: l.unit_code.clone(),
        });
    }
    if l.quantity <= Decimal::ZERO || l.quantity.normalize().scale() > 10 {
        return bad("quantity must be positive with at most 10 decimals");
    }
    if l.unit_price < Decimal::ZERO {
        return bad("unit price must not be negative");
    }
    for a in [l.gross, l.discount, l.total, l.base, l.igv] {
        if a < Decimal::ZERO || !two_dp(a) {
            return bad("amounts must be non-negative with 2 decimals");
        }
    }
    if l.total <= Decimal::ZERO {
        return bad("total must be positive (free items are not supported)");
    }
    if l.gross - l.discount != l.total {
        return bad("gross − discount ≠ total");
    }
    if l.base + l.igv != l.total {
        return bad("base + igv ≠ total");
    }
    match l.affectation {
        Affectation::Gravado => {
            if (l.base * IGV_RATE - l.igv).abs() > Decimal::ONE {
                return bad("igv is not 18% of the base");
            }
        }
        Affectation::Exonerado | Affectation::Inafecto => {
            if !l.igv.is_zero() {
                return bad("igv must be zero when not gravado");
            }
        }
    }
    Ok(())
}

fn totals(c: &Comprobante) -> Result<(), BuildError> {
    let mut gravada = Decimal::ZERO;
    let mut exonerada = Decimal::ZERO;
    let mut inafecta = Decimal::ZERO;
    let mut igv = Decimal::ZERO;
    let mut total = Decimal::ZERO;
    for l in &c.lines {
        match l.affectation {
            Affectation::Gravado => gravada += l.base,
            Affectation::Exonerado => exonerada += l.base,
            Affectation::Inafecto => inafecta += l.base,
        }
        igv += l.igv;
        total += l.total;
    }
    let t = &c.totals;
    if t.gravada != gravada || t.exonerada != exonerada || t.inafecta != inafecta {
        return Err(BuildError::TotalsFigures(
            "gravada/exonerada/inafecta are not the sums of the lines",
        ));
    }
    if t.igv != igv {
        return Err(BuildError::TotalsFigures("igv is not the sum of the lines"));
    }
    if t.total != total {
        return Err(BuildError::TotalsFigures(
            "total is not the sum of the lines",
        ));
    }
    if total >= Decimal::from(1_000_000_000_000i64) {
        return Err(BuildError::TotalsFigures("total too large"));
    }
    Ok(())
}

fn two_dp(d: Decimal) -> bool {
    d.round_dp(2) == d
}

pub(crate) fn digits(field: &'static str, s: &str, n: usize) -> Result<(), BuildError> {
    if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(BuildError::InvalidFormat {
            field,
            value: s.to_string(),
        })
    }
}

/// A text that may span lines (descriptions): no blank, within length, XML-safe.
pub(crate) fn text(field: &'static str, s: &str, min: usize, max: usize) -> Result<(), BuildError> {
    if s.trim().is_empty() {
        return Err(BuildError::Empty { field });
    }
    if s.starts_with(char::is_whitespace) {
        return Err(BuildError::InvalidCharacter { field });
    }
    let len = s.chars().count();
    if len > max {
        return Err(BuildError::TooLong { field, len, max });
    }
    if len < min {
        return Err(BuildError::InvalidFormat {
            field,
            value: s.to_string(),
        });
    }
    if s.chars().any(|ch| !xml_char(ch)) {
        return Err(BuildError::InvalidCharacter { field });
    }
    Ok(())
}

/// A single-line text (names, addresses, codes): as [`text`], and no line breaks.
pub(crate) fn one_line_text(
    field: &'static str,
    s: &str,
    min: usize,
    max: usize,
) -> Result<(), BuildError> {
    text(field, s, min, max)?;
    if s.contains(['\n', '\r']) {
        return Err(BuildError::InvalidCharacter { field });
    }
    Ok(())
}

/// XML 1.0 `Char` production (surrogates cannot occur in a Rust `char`).
fn xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
