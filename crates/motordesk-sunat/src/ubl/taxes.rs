//! Header taxes and totals: one `cac:TaxSubtotal` per tax present (IGV 1000, EXO 9997,
//! INA 9998) and the monetary total (`LegalMonetaryTotal`, or `RequestedMonetaryTotal`
//! on a debit note). All figures are the kiosk's header totals, printed with 2 decimals.

use super::Root;
use super::amounts::money;
use super::codes::*;
use super::xml::Xml;
use crate::model::{Affectation, Comprobante};
use rust_decimal::Decimal;

/// `cac:TaxCategory/cac:TaxScheme` for an affectation.
pub(super) fn tax_scheme_block(x: &mut Xml, a: Affectation) {
    let (code, name, kind) = tax_scheme(a);
    x.raw("<cac:TaxScheme>");
    x.leaf(
        "cbc:ID",
        &[
            ("schemeAgencyName", SUNAT),
            ("schemeName", "Codigo de tributos"),
            ("schemeURI", CAT05),
        ],
        code,
    );
    x.el("cbc:Name", name);
    x.el("cbc:TaxTypeCode", kind);
    x.raw("</cac:TaxScheme>");
}

pub(super) fn header(x: &mut Xml, c: &Comprobante, root: Root) {
    let t = &c.totals;
    let present = |a: Affectation| c.lines.iter().any(|l| l.affectation == a);
    x.raw("<cac:TaxTotal>");
    x.leaf("cbc:TaxAmount", &PEN, &money(t.igv));
    for (a, base, tax) in [
        (Affectation::Gravado, t.gravada, t.igv),
        (Affectation::Exonerado, t.exonerada, Decimal::ZERO),
        (Affectation::Inafecto, t.inafecta, Decimal::ZERO),
    ] {
        if !present(a) {
            continue;
        }
        x.raw("<cac:TaxSubtotal>");
        x.leaf("cbc:TaxableAmount", &PEN, &money(base));
        x.leaf("cbc:TaxAmount", &PEN, &money(tax));
        x.raw("<cac:TaxCategory>");
        tax_scheme_block(x, a);
        x.raw("</cac:TaxCategory></cac:TaxSubtotal>");
    }
    x.raw("</cac:TaxTotal>");

    // Line discounts (code 00) already lowered each LineExtensionAmount, so the header
    // has no AllowanceTotalAmount: SUNAT only counts code 01/03 discounts there (3300).
    let (_, _, total_name) = root.line_names();
    let value = t.gravada + t.exonerada + t.inafecta;
    x.raw("<");
    x.raw(total_name);
    x.raw(">");
    x.leaf("cbc:LineExtensionAmount", &PEN, &money(value));
    x.leaf("cbc:TaxInclusiveAmount", &PEN, &money(t.total));
    x.leaf("cbc:PayableAmount", &PEN, &money(t.total));
    x.close(total_name);
}
