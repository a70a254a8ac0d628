//! Payment blocks of a factura: the detracción (SPOT) account and terms, and the forma de
//! pago (Contado, or Crédito with Cuota001…) SUNAT requires since 2021 (errors 3244–3267).

use super::amounts::{money, percent};
use super::codes::*;
use super::xml::Xml;
use crate::model::{Detraccion, PaymentTerms};
use rust_decimal::Decimal;

pub(super) fn factura(x: &mut Xml, payment: &PaymentTerms, detraccion: Option<&Detraccion>) {
    if let Some(d) = detraccion {
        x.raw("<cac:PaymentMeans>");
        x.el("cbc:ID", "Detraccion");
        // Catálogo 59 "001": depósito en cuenta.
        x.leaf(
            "cbc:PaymentMeansCode",
            &[
                ("listAgencyName", SUNAT),
                ("listName", "Medio de pago"),
                ("listURI", CAT59),
            ],
            "001",
        );
        x.raw("<cac:PayeeFinancialAccount>");
        x.el("cbc:ID", &d.account);
        x.raw("</cac:PayeeFinancialAccount></cac:PaymentMeans>");
        x.raw("<cac:PaymentTerms>");
        x.el("cbc:ID", "Detraccion");
        x.leaf(
            "cbc:PaymentMeansID",
            &[
                ("schemeAgencyName", SUNAT),
                ("schemeName", "Codigo de detraccion"),
                ("schemeURI", CAT54),
            ],
            &d.code,
        );
        x.el("cbc:PaymentPercent", &percent(d.percent));
        x.leaf("cbc:Amount", &PEN, &money(d.amount));
        x.raw("</cac:PaymentTerms>");
    }
    match payment {
        PaymentTerms::Contado => {
            x.raw("<cac:PaymentTerms>");
            x.el("cbc:ID", "FormaPago");
            x.el("cbc:PaymentMeansID", "Contado");
            x.raw("</cac:PaymentTerms>");
        }
        PaymentTerms::Credito(cuotas) => {
            // The pending amount is what the cuotas add up to (rule 3319).
            let pending: Decimal = cuotas.iter().map(|q| q.amount).sum();
            x.raw("<cac:PaymentTerms>");
            x.el("cbc:ID", "FormaPago");
            x.el("cbc:PaymentMeansID", "Credito");
            x.leaf("cbc:Amount", &PEN, &money(pending));
            x.raw("</cac:PaymentTerms>");
            for (i, q) in cuotas.iter().enumerate() {
                x.raw("<cac:PaymentTerms>");
                x.el("cbc:ID", "FormaPago");
                x.el("cbc:PaymentMeansID", &format!("Cuota{:03}", i + 1));
                x.leaf("cbc:Amount", &PEN, &money(q.amount));
                x.el(
                    "cbc:PaymentDueDate",
                    &q.due_date.format("%Y-%m-%d").to_string(),
                );
                x.raw("</cac:PaymentTerms>");
            }
        }
    }
}
