//! What a receipt says, independent of the paper: the number (or `????????` on a
//! preview), the QR payload, and the label/value rows of buyer, visit, credit note,
//! totals, payment and footer. The ticket and A4 layouts only place these.

use crate::receipt::qr::{QrMatrix, qr_matrix};
use crate::store::ShopSettings;
use motordesk_core::DocumentKind;
use motordesk_core::IdKind;
use motordesk_core::amount_in_words;
use motordesk_core::soles;
use motordesk_core::thousands;
use motordesk_core::{Invoice, PaymentMethod, PaymentTerms};
use motordesk_sunat::sunat_qr_payload;
use rust_decimal::Decimal;

/// Printed across a preview (correlative 0), never on an issued document.
pub(super) const PREVIEW_BANNER: &str = "VISTA PREVIA — sin valor";

pub(super) struct Content<'a> {
    pub(super) inv: &'a Invoice,
    pub(super) s: &'a ShopSettings,
    pub(super) number: String,
    pub(super) preview: bool,
    pub(super) qr_payload: Option<String>,
    pub(super) qr: Option<QrMatrix>,
    /// The signature's DigestValue (SUNAT's "resumen"); `None` while unsigned.
    pub(super) hash: Option<&'a str>,
}

impl<'a> Content<'a> {
    pub(super) fn new(inv: &'a Invoice, s: &'a ShopSettings, hash: Option<&'a str>) -> Self {
        // Correlative 0 never exists: it marks a VISTA PREVIA built from a draft.
        let preview = inv.number.correlative == 0;
        let number = if preview {
            format!("{}-????????", inv.number.series)
        } else {
            inv.number.to_string()
        };
        let qr_payload = sunat_qr_payload(inv, &s.issuer.ruc, hash);
        let qr = qr_payload.as_deref().and_then(qr_matrix);
        Content {
            inv,
            s,
            number,
            preview,
            qr_payload,
            qr,
            hash,
        }
    }

    pub(super) fn words(&self) -> String {
        amount_in_words(self.inv.totals.total).unwrap_or_default()
    }

    /// `(label, value)` rows of the buyer and visit.
    pub(super) fn buyer_rows(&self) -> Vec<(String, String)> {
        let inv = self.inv;
        let b = &inv.buyer;
        let mut rows = vec![("Cliente:".to_string(), b.name.clone())];
        if b.id.kind != IdKind::SinDocumento {
            rows.push((format!("{}:", b.id.kind.label()), b.id.number.clone()));
        }
        if !b.address.trim().is_empty() {
            rows.push(("Dirección:".into(), b.address.clone()));
        }
        rows
    }

    pub(super) fn visit_rows(&self) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        if let Some(v) = &self.inv.vehicle {
            rows.push(("Placa:".into(), v.plate.clone()));
            if let Some(km) = v.odometer_km {
                rows.push(("Kilometraje:".into(), format!("{} km", thousands(km))));
            }
        }
        rows
    }

    pub(super) fn modifies_rows(&self) -> Vec<(String, String)> {
        let Some(m) = &self.inv.modifies else {
            return Vec::new();
        };
        let mut reason = format!("{} {}", m.reason.code(), m.reason.label());
        if !m.note.trim().is_empty() {
            reason = format!("{reason}: {}", m.note.trim());
        }
        vec![
            (
                "Doc. que modifica:".into(),
                format!("{} {}", m.kind.title(), m.number),
            ),
            ("Motivo:".into(), reason),
        ]
    }

    pub(super) fn totals_rows(&self) -> Vec<(String, String)> {
        let t = &self.inv.totals;
        let mut rows = Vec::new();
        if !t.discount.is_zero() {
            rows.push(("DESCUENTOS".into(), format!("-{}", soles(t.discount))));
        }
        // A nota de venta is not a tax document: no tax breakdown that could be read
        // as IGV to deduct.
        if !self.inv.kind.is_fiscal() {
            return rows;
        }
        rows.push(("OP. GRAVADA".into(), soles(t.gravada)));
        rows.push(("OP. EXONERADA".into(), soles(t.exonerada)));
        rows.push(("OP. INAFECTA".into(), soles(t.inafecta)));
        rows.push(("IGV 18%".into(), soles(t.igv)));
        rows
    }

    pub(super) fn payment_rows(&self) -> Vec<(String, String)> {
        let inv = self.inv;
        if inv.kind == DocumentKind::NotaDeCredito {
            return Vec::new();
        }
        let p = &inv.payment;
        let mut rows = Vec::new();
        match &inv.terms {
            PaymentTerms::Contado => {
                rows.push(("Forma de pago:".to_string(), "Contado".to_string()));
                if p.is_split() {
                    // Each method with its share: "Yape S/ 100.00", "Efectivo S/ 45.50".
                    for part in &p.parts {
                        rows.push((format!("{}:", part.method.label()), soles(part.amount)));
                    }
                    if let Some(r) = p
                        .received
                        .filter(|_| p.cash_due(inv.totals.total) > Decimal::ZERO)
                    {
                        rows.push(("Efectivo recibido:".into(), soles(r)));
                        rows.push(("Vuelto:".into(), soles(p.change(inv.totals.total))));
                    }
                } else {
                    rows.push(("Medio de pago:".to_string(), p.method.label().to_string()));
                }
                if let (false, PaymentMethod::Efectivo, Some(r)) =
                    (p.is_split(), p.method, p.received)
                {
                    rows.push(("Recibido:".into(), soles(r)));
                    rows.push(("Vuelto:".into(), soles(p.change(inv.totals.total))));
                }
            }
            PaymentTerms::Credito { cuotas } => {
                let pending: Decimal = cuotas.iter().map(|c| c.amount).sum();
                rows.push((
                    "Forma de pago:".to_string(),
                    format!("Crédito — pendiente {}", soles(pending)),
                ));
                for (i, c) in cuotas.iter().enumerate() {
                    rows.push((
                        format!("Cuota {}:", i + 1),
                        format!("{} vence {}", soles(c.amount), c.due.format("%d/%m/%Y")),
                    ));
                }
            }
        }
        if let Some(d) = &inv.detraccion {
            rows.push((
                "Detracción:".into(),
                format!(
                    "Operación sujeta al SPOT (cód. {}, {}%): {} — Cta. Banco de la Nación {}",
                    d.code,
                    d.percent.normalize(),
                    soles(d.amount),
                    d.account
                ),
            ));
        }
        rows
    }

    pub(super) fn other_rows(&self) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        if !self.inv.observations.trim().is_empty() {
            rows.push((
                "Observaciones:".into(),
                self.inv.observations.trim().to_string(),
            ));
        }
        if !self.inv.cashier.trim().is_empty() {
            rows.push(("Cajero:".into(), self.inv.cashier.clone()));
        }
        rows
    }

    /// Lines of the closing note: what the document is, then the shop's message.
    pub(super) fn footer_lines(&self) -> Vec<(String, bool)> {
        let mut lines = Vec::new();
        if self.inv.kind.is_fiscal() {
            lines.push((
                format!("Representación impresa de la {}", self.inv.kind.title()),
                false,
            ));
            if !self.preview {
                match self.hash {
                    Some(h) => lines.push((format!("Resumen (hash): {h}"), false)),
                    None => lines.push((
                        "SIN FIRMAR: la firma digital se agregará al importar el certificado del negocio".into(),
                        true,
                    )),
                }
                if !self.s.consult_url.trim().is_empty() {
                    lines.push((
                        format!("Consulte su comprobante en {}", self.s.consult_url.trim()),
                        false,
                    ));
                }
            }
            if self.s.test_mode {
                lines.push((
                    "MODO DE PRUEBA: RUC de prueba de SUNAT, sin valor tributario".into(),
                    true,
                ));
            }
        } else {
            lines.push(("NO ES UN COMPROBANTE DE PAGO".into(), true));
            lines.push((
                "Documento interno sin valor tributario. Solicite su boleta o factura.".into(),
                false,
            ));
        }
        if !self.s.footer.trim().is_empty() {
            lines.push((self.s.footer.trim().to_string(), false));
        }
        lines
    }

    pub(super) fn line_description(&self, i: usize) -> String {
        let l = &self.inv.lines[i];
        if l.discount.is_zero() {
            l.description.clone()
        } else {
            format!("{} (dscto. {})", l.description, soles(l.discount))
        }
    }

    pub(super) fn line_gross(&self, i: usize) -> Decimal {
        self.inv.totals.lines.get(i).map_or_else(
            || self.inv.lines[i].quantity * self.inv.lines[i].unit_price,
            |a| a.gross,
        )
    }
}

/// `2`, `1.5`: a quantity without trailing zeros.
pub(super) fn qty(q: Decimal) -> String {
    q.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_grouped() {
        assert_eq!(thousands(45_000u32), "45,000");
        assert_eq!(thousands(999u32), "999");
        assert_eq!(thousands(1_234_567u32), "1,234,567");
    }
}
