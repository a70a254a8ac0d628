//! The document lines (`InvoiceLine`, `CreditNoteLine`, `DebitNoteLine`).
//!
//! Discounts on facturas and boletas: the kiosk's line discount (which already includes its share of any global
//! discount) is written as a line `cac:AllowanceCharge` with code 00 ("descuentos que
//! afectan la base imponible"), with `Price/PriceAmount` kept as the shelf unit value
//! without IGV. Why this and not folding the discount into the unit value: the XML then
//! states the same thing as the printed receipt (list price, discount, net), and SUNAT's
//! line check 3271 holds by construction — `qty × PriceAmount − Σ code-00 discounts` equals
//! `LineExtensionAmount` up to rounding, far inside its ±1 tolerance. Discounts that affect
//! the base are not repeated in the header `AllowanceTotalAmount` (rule 3300 only counts
//! codes 01/03 there).
//!
//! Discounts on notes are folded into the unit value instead (`PriceAmount = base /
//! quantity`, up to 10 decimals, no `AllowanceCharge`): SUNAT's credit/debit note rules
//! (PAS20211U210700059) compute the line value as `round2(qty × PriceAmount)` and ignore
//! line discounts, so a code-00 discount there fails 3271.
//!
//! `PricingReference/AlternativeConditionPrice` (PriceTypeCode 01) is the *effective*
//! price per unit with IGV, `total / quantity`: rule 3270 compares it with
//! `(LineExtensionAmount + IGV) / quantity` within ±1, so with a discount the shelf price
//! would be rejected. Without a discount it is the shelf price.

use super::Root;
use super::amounts::{money, percent, price, quantity};
use super::codes::*;
use super::taxes::tax_scheme_block;
use super::xml::Xml;
use crate::model::{Affectation, Comprobante, Line};
use rust_decimal::{Decimal, RoundingStrategy};

const IGV_FACTOR: Decimal = Decimal::from_parts(118, 0, 0, false, 2);
const IGV_PERCENT: Decimal = Decimal::from_parts(18, 0, 0, false, 0);

pub(super) fn all(x: &mut Xml, c: &Comprobante, root: Root) {
    for (i, l) in c.lines.iter().enumerate() {
        one(x, i + 1, l, root);
    }
}

/// Unit value without IGV, line value before discount without IGV, discount without IGV.
fn values(l: &Line, root: Root) -> (Decimal, Decimal, Decimal) {
    if root != Root::Invoice {
        return (l.base / l.quantity, l.base, Decimal::ZERO);
    }
    match l.affectation {
        Affectation::Gravado => {
            let unit_value = l.unit_price / IGV_FACTOR;
            let gross_value = (l.gross / IGV_FACTOR)
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            // gross ≥ total, so round2(gross/1.18) ≥ round2(total/1.18) = base.
            let discount_value = (gross_value - l.base).max(Decimal::ZERO);
            (unit_value, gross_value, discount_value)
        }
        Affectation::Exonerado | Affectation::Inafecto => (l.unit_price, l.gross, l.discount),
    }
}

fn one(x: &mut Xml, n: usize, l: &Line, root: Root) {
    let (line_name, qty_name, _) = root.line_names();
    let (unit_value, gross_value, discount_value) = values(l, root);
    x.open(line_name, &[]);
    x.el("cbc:ID", &n.to_string());
    x.leaf(
        qty_name,
        &[
            ("unitCode", &l.unit_code),
            ("unitCodeListAgencyName", UNECE),
            ("unitCodeListID", "UN/ECE rec 20"),
        ],
        &quantity(l.quantity),
    );
    x.leaf("cbc:LineExtensionAmount", &PEN, &money(l.base));
    x.raw("<cac:PricingReference><cac:AlternativeConditionPrice>");
    x.leaf("cbc:PriceAmount", &PEN, &price(l.total / l.quantity));
    x.leaf(
        "cbc:PriceTypeCode",
        &[
            ("listAgencyName", SUNAT),
            ("listName", "Tipo de Precio"),
            ("listURI", CAT16),
        ],
        "01",
    );
    x.raw("</cac:AlternativeConditionPrice></cac:PricingReference>");
    // UBL puts AllowanceCharge before TaxTotal in InvoiceLine, after it in the notes.
    if root == Root::Invoice {
        discount(x, gross_value, discount_value);
        tax_total(x, l);
    } else {
        tax_total(x, l);
        discount(x, gross_value, discount_value);
    }
    x.raw("<cac:Item>");
    x.el("cbc:Description", &l.description);
    if !l.code.is_empty() {
        x.raw("<cac:SellersItemIdentification>");
        x.el("cbc:ID", &l.code);
        x.raw("</cac:SellersItemIdentification>");
    }
    x.raw("</cac:Item>");
    x.raw("<cac:Price>");
    x.leaf("cbc:PriceAmount", &PEN, &price(unit_value));
    x.raw("</cac:Price>");
    x.close(line_name);
}

fn discount(x: &mut Xml, gross_value: Decimal, discount_value: Decimal) {
    if discount_value.is_zero() || gross_value.is_zero() {
        return;
    }
    let factor = (discount_value / gross_value)
        .round_dp_with_strategy(5, RoundingStrategy::MidpointAwayFromZero);
    x.raw("<cac:AllowanceCharge>");
    x.el("cbc:ChargeIndicator", "false");
    x.leaf(
        "cbc:AllowanceChargeReasonCode",
        &[
            ("listAgencyName", SUNAT),
            ("listName", "Cargo/descuento"),
            ("listURI", CAT53),
        ],
        "00",
    );
    x.el("cbc:MultiplierFactorNumeric", &percent(factor));
    x.leaf("cbc:Amount", &PEN, &money(discount_value));
    x.leaf("cbc:BaseAmount", &PEN, &money(gross_value));
    x.raw("</cac:AllowanceCharge>");
}

fn tax_total(x: &mut Xml, l: &Line) {
    x.raw("<cac:TaxTotal>");
    x.leaf("cbc:TaxAmount", &PEN, &money(l.igv));
    x.raw("<cac:TaxSubtotal>");
    x.leaf("cbc:TaxableAmount", &PEN, &money(l.base));
    x.leaf("cbc:TaxAmount", &PEN, &money(l.igv));
    x.raw("<cac:TaxCategory>");
    let rate = if l.affectation == Affectation::Gravado {
        IGV_PERCENT
    } else {
        Decimal::ZERO
    };
    x.el("cbc:Percent", &percent(rate));
    x.leaf(
        "cbc:TaxExemptionReasonCode",
        &[
            ("listAgencyName", SUNAT),
            ("listName", "Afectacion del IGV"),
            ("listURI", CAT07),
        ],
        l.affectation.code(),
    );
    tax_scheme_block(x, l.affectation);
    x.raw("</cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>");
}
