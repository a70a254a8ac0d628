//! From the shop's issued document (`motordesk_core::Invoice`) to SUNAT's model. Every
//! figure comes from the core's computed totals, so the XML, the printed receipt and the
//! server's re-check all read one set of numbers.

use crate::error::BuildError;
use crate::model::{
    Affectation, Buyer, BuyerDocType, Comprobante, Cuota, Detraccion, DocumentKind, DocumentType,
    Issuer, Line, NoteReason, PaymentTerms, ReferencedDocument, Totals,
};
use motordesk_core as core;

/// SUNAT's document type of a core kind; `None` for the non-fiscal nota de venta.
pub fn document_type(kind: core::DocumentKind) -> Option<DocumentType> {
    match kind {
        core::DocumentKind::Factura => Some(DocumentType::Factura),
        core::DocumentKind::Boleta => Some(DocumentType::Boleta),
        core::DocumentKind::NotaDeCredito => Some(DocumentType::NotaCredito),
        core::DocumentKind::NotaDeDebito => Some(DocumentType::NotaDebito),
        core::DocumentKind::NotaDeVenta => None,
    }
}

fn buyer_doc_type(kind: core::IdKind) -> BuyerDocType {
    match kind {
        core::IdKind::SinDocumento => BuyerDocType::SinDocumento,
        core::IdKind::Dni => BuyerDocType::Dni,
        core::IdKind::CarnetExtranjeria => BuyerDocType::CarneExtranjeria,
        core::IdKind::Ruc => BuyerDocType::Ruc,
        core::IdKind::Pasaporte => BuyerDocType::Pasaporte,
    }
}

fn affectation(a: core::TaxAffectation) -> Affectation {
    match a {
        core::TaxAffectation::Gravado => Affectation::Gravado,
        core::TaxAffectation::Exonerado => Affectation::Exonerado,
        core::TaxAffectation::Inafecto => Affectation::Inafecto,
    }
}

/// The comprobante SUNAT receives for `inv`, issued by `issuer`.
pub fn comprobante(inv: &core::Invoice, issuer: &Issuer) -> Result<Comprobante, BuildError> {
    let doc_type = document_type(inv.kind).ok_or(BuildError::NotFiscal)?;
    let note = |m: &core::Modifies| -> Result<(ReferencedDocument, NoteReason), BuildError> {
        let reference = ReferencedDocument {
            doc_type: document_type(m.kind).ok_or(BuildError::NotFiscal)?,
            series: m.number.series.as_str().to_string(),
            number: m.number.correlative,
        };
        let description = if m.note.trim().is_empty() {
            m.reason.label().to_uppercase()
        } else {
            m.note.trim().to_string()
        };
        let reason = NoteReason {
            code: m.reason.code().to_string(),
            description,
        };
        Ok((reference, reason))
    };
    let kind = match doc_type {
        DocumentType::Factura => DocumentKind::Factura {
            payment: match &inv.terms {
                core::PaymentTerms::Contado => PaymentTerms::Contado,
                core::PaymentTerms::Credito { cuotas } => PaymentTerms::Credito(
                    cuotas
                        .iter()
                        .map(|c| Cuota {
                            amount: c.amount,
                            due_date: c.due,
                        })
                        .collect(),
                ),
            },
            detraccion: inv.detraccion.as_ref().map(|d| Detraccion {
                code: d.code.clone(),
                percent: d.percent,
                amount: d.amount,
                account: d.account.clone(),
            }),
        },
        DocumentType::Boleta => DocumentKind::Boleta,
        DocumentType::NotaCredito | DocumentType::NotaDebito => {
            let m = inv
                .modifies
                .as_ref()
                .ok_or(BuildError::NoteWithoutReference)?;
            let (reference, reason) = note(m)?;
            if doc_type == DocumentType::NotaCredito {
                DocumentKind::NotaCredito { reference, reason }
            } else {
                DocumentKind::NotaDebito { reference, reason }
            }
        }
    };
    let buyer = if inv.buyer.id.kind == core::IdKind::SinDocumento {
        Buyer {
            doc_number: inv.buyer.id.number.clone(),
            ..Buyer::clientes_varios()
        }
    } else {
        Buyer {
            doc_type: buyer_doc_type(inv.buyer.id.kind),
            doc_number: inv.buyer.id.number.clone(),
            name: inv.buyer.name.trim().to_string(),
            address: Some(inv.buyer.address.trim().to_string()).filter(|a| !a.is_empty()),
        }
    };
    let lines = inv
        .lines
        .iter()
        .zip(&inv.totals.lines)
        .map(|(l, a)| Line {
            code: l.code.trim().to_string(),
            description: l.description.trim().to_string(),
            unit_code: l.unit.code().to_string(),
            quantity: l.quantity,
            unit_price: l.unit_price,
            gross: a.gross,
            discount: a.discount,
            total: a.total,
            base: a.base,
            igv: a.igv,
            affectation: affectation(l.affectation),
        })
        .collect();
    let at = core::to_lima(inv.issued_at);
    Ok(Comprobante {
        issuer: issuer.clone(),
        buyer,
        kind,
        series: inv.number.series.as_str().to_string(),
        number: inv.number.correlative,
        issue_date: at.date_naive(),
        issue_time: at.time(),
        currency: "PEN".into(),
        lines,
        totals: Totals {
            gravada: inv.totals.gravada,
            exonerada: inv.totals.exonerada,
            inafecta: inv.totals.inafecta,
            igv: inv.totals.igv,
            total: inv.totals.total,
        },
        amount_in_words: core::amount_in_words(inv.totals.total)
            .map_err(|_| BuildError::AmountInWords)?,
    })
}
