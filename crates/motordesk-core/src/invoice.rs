//! A sale document (boleta, factura, nota de venta, credit note): the draft a cashier
//! builds and the immutable document once issued.

use crate::document::{DocumentKind, DocumentNumber};
use crate::identity::{IdDocument, IdKind};
use crate::tax::{LineInput, TaxAffectation, Totals, compute_totals};
use crate::{DomainError, money::round2};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Above this total a boleta must name the buyer with an identity document.
pub const BOLETA_ANONYMOUS_LIMIT: Decimal = dec!(700.00);

/// SUNAT Catálogo 03 units a service bay uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Unit {
    /// NIU — goods.
    #[default]
    Unidad,
    /// ZZ — services.
    Servicio,
    /// LTR
    Litro,
    /// GLL — US gallon (never "GAL", which SUNAT does not know).
    Galon,
    /// KT
    Kit,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Unit::Unidad => "NIU",
            Unit::Servicio => "ZZ",
            Unit::Litro => "LTR",
            Unit::Galon => "GLL",
            Unit::Kit => "KT",
        }
    }
    pub fn short(self) -> &'static str {
        match self {
            Unit::Unidad => "UND",
            Unit::Servicio => "SERV",
            Unit::Litro => "LT",
            Unit::Galon => "GL",
            Unit::Kit => "KIT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleLine {
    pub product_id: Option<Uuid>,
    pub code: String,
    pub description: String,
    pub unit: Unit,
    pub quantity: Decimal,
    /// Price per unit, IGV included (what the shelf says).
    pub unit_price: Decimal,
    /// Amount off this line, IGV included.
    pub discount: Decimal,
    pub affectation: TaxAffectation,
}

impl SaleLine {
    pub fn input(&self) -> LineInput {
        LineInput {
            quantity: self.quantity,
            unit_price: self.unit_price,
            discount: self.discount,
            affectation: self.affectation,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum PaymentMethod {
    #[default]
    Efectivo,
    Tarjeta,
    Yape,
    Plin,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Efectivo,
        PaymentMethod::Tarjeta,
        PaymentMethod::Yape,
        PaymentMethod::Plin,
    ];
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Efectivo => "Efectivo",
            PaymentMethod::Tarjeta => "Tarjeta",
            PaymentMethod::Yape => "Yape",
            PaymentMethod::Plin => "Plin",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Payment {
    pub method: PaymentMethod,
    /// Cash handed over; `None` means exact amount / not cash.
    pub received: Option<Decimal>,
}

impl Payment {
    /// Change to give back (never negative).
    pub fn change(&self, total: Decimal) -> Decimal {
        match self.received {
            Some(r) if self.method == PaymentMethod::Efectivo && r > total => round2(r - total),
            _ => Decimal::ZERO,
        }
    }
}

/// Who the document is made out to, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    pub customer_id: Option<Uuid>,
    pub id: IdDocument,
    pub name: String,
    pub address: String,
}

impl Buyer {
    pub fn varios() -> Self {
        Buyer {
            customer_id: None,
            id: IdDocument::none(),
            name: "CLIENTES VARIOS".into(),
            address: String::new(),
        }
    }
}

/// Vehicle serviced, printed on the receipt (plate + odometer at the visit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicedVehicle {
    pub vehicle_id: Uuid,
    pub plate: String,
    pub odometer_km: Option<u32>,
}

/// SUNAT Catálogo 09 reasons a service bay uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum CreditReason {
    /// 01
    #[default]
    AnulacionDeLaOperacion,
    /// 04
    DescuentoGlobal,
    /// 06
    DevolucionTotal,
    /// 07
    DevolucionPorItem,
    /// 09
    DisminucionEnElValor,
}

impl CreditReason {
    pub const ALL: [CreditReason; 5] = [
        CreditReason::AnulacionDeLaOperacion,
        CreditReason::DescuentoGlobal,
        CreditReason::DevolucionTotal,
        CreditReason::DevolucionPorItem,
        CreditReason::DisminucionEnElValor,
    ];
    pub fn code(self) -> &'static str {
        match self {
            CreditReason::AnulacionDeLaOperacion => "01",
            CreditReason::DescuentoGlobal => "04",
            CreditReason::DevolucionTotal => "06",
            CreditReason::DevolucionPorItem => "07",
            CreditReason::DisminucionEnElValor => "09",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CreditReason::AnulacionDeLaOperacion => "Anulación de la operación",
            CreditReason::DescuentoGlobal => "Descuento global",
            CreditReason::DevolucionTotal => "Devolución total",
            CreditReason::DevolucionPorItem => "Devolución por ítem",
            CreditReason::DisminucionEnElValor => "Disminución en el valor",
        }
    }
}

/// The document a credit note corrects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifies {
    pub invoice_id: Uuid,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    pub total: Decimal,
    pub reason: CreditReason,
    pub note: String,
}

/// What the cashier has on screen before pressing Emitir.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDraft {
    pub kind: DocumentKind,
    pub buyer: Buyer,
    pub vehicle: Option<ServicedVehicle>,
    pub lines: Vec<SaleLine>,
    pub global_discount_pct: Decimal,
    pub payment: Payment,
    pub modifies: Option<Modifies>,
    pub observations: String,
}

impl InvoiceDraft {
    pub fn new(kind: DocumentKind) -> Self {
        InvoiceDraft {
            kind,
            buyer: Buyer::varios(),
            vehicle: None,
            lines: Vec::new(),
            global_discount_pct: Decimal::ZERO,
            payment: Payment::default(),
            modifies: None,
            observations: String::new(),
        }
    }

    /// Live totals (also what `check` returns).
    pub fn totals(&self) -> Result<Totals, DomainError> {
        let inputs: Vec<LineInput> = self.lines.iter().map(SaleLine::input).collect();
        compute_totals(&inputs, self.global_discount_pct)
    }

    /// Every rule a document must meet before it is issued.
    pub fn check(&self) -> Result<Totals, DomainError> {
        let totals = self.totals()?;
        let b = &self.buyer;
        let named = !b.name.trim().is_empty() && b.name.trim() != "CLIENTES VARIOS";
        match self.kind {
            DocumentKind::Factura => {
                if b.id.kind != IdKind::Ruc {
                    return Err(DomainError::FacturaNeedsRuc);
                }
                if !named {
                    return Err(DomainError::NameRequired);
                }
            }
            DocumentKind::Boleta => {
                if totals.total > BOLETA_ANONYMOUS_LIMIT && (!b.id.identifies_buyer() || !named) {
                    return Err(DomainError::BoletaOver700NeedsId {
                        total: totals.total,
                    });
                }
            }
            DocumentKind::NotaDeVenta => {}
            DocumentKind::NotaDeCredito => {
                let m = self
                    .modifies
                    .as_ref()
                    .ok_or(DomainError::CreditNoteNeedsReference)?;
                match m.kind {
                    DocumentKind::NotaDeCredito => return Err(DomainError::CreditNoteOfCreditNote),
                    DocumentKind::NotaDeVenta => return Err(DomainError::CreditNoteOfNotaDeVenta),
                    DocumentKind::Factura if b.id.kind != IdKind::Ruc => {
                        return Err(DomainError::FacturaNeedsRuc);
                    }
                    _ => {}
                }
                if totals.total > m.total {
                    return Err(DomainError::CreditNoteExceedsOriginal);
                }
            }
        }
        if self.kind != DocumentKind::NotaDeCredito && self.modifies.is_some() {
            return Err(DomainError::CreditNoteNeedsReference);
        }
        Ok(totals)
    }
}

/// An issued document. Immutable: corrections are credit notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    pub issued_at: DateTime<Utc>,
    pub buyer: Buyer,
    pub vehicle: Option<ServicedVehicle>,
    pub lines: Vec<SaleLine>,
    pub global_discount_pct: Decimal,
    pub totals: Totals,
    pub payment: Payment,
    pub modifies: Option<Modifies>,
    pub observations: String,
    pub device_id: Uuid,
    pub cashier: String,
}

impl Invoice {
    /// Builds the issued document from a checked draft. Numbering is the store's job.
    pub fn from_draft(
        draft: InvoiceDraft,
        id: Uuid,
        number: DocumentNumber,
        issued_at: DateTime<Utc>,
        device_id: Uuid,
        cashier: &str,
    ) -> Result<Invoice, DomainError> {
        let totals = draft.check()?;
        number
            .series
            .check_for(draft.kind, draft.modifies.as_ref().map(|m| m.kind))?;
        Ok(Invoice {
            id,
            kind: draft.kind,
            number,
            issued_at,
            buyer: draft.buyer,
            vehicle: draft.vehicle,
            lines: draft.lines,
            global_discount_pct: draft.global_discount_pct,
            totals,
            payment: draft.payment,
            modifies: draft.modifies,
            observations: draft.observations,
            device_id,
            cashier: cashier.to_string(),
        })
    }

    /// Recomputes the totals from the lines and compares: what a server does before
    /// trusting a document it did not make.
    pub fn verify(&self) -> Result<(), DomainError> {
        let draft = InvoiceDraft {
            kind: self.kind,
            buyer: self.buyer.clone(),
            vehicle: self.vehicle.clone(),
            lines: self.lines.clone(),
            global_discount_pct: self.global_discount_pct,
            payment: self.payment.clone(),
            modifies: self.modifies.clone(),
            observations: self.observations.clone(),
        };
        let totals = draft.check()?;
        if totals != self.totals {
            return Err(DomainError::BadAmount(format!(
                "declared total {} but lines add up to {}",
                self.totals.total, totals.total
            )));
        }
        if self.buyer.id.kind != IdKind::SinDocumento {
            IdDocument::new(self.buyer.id.kind, &self.buyer.id.number)?;
        }
        self.number
            .series
            .check_for(self.kind, self.modifies.as_ref().map(|m| m.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oil_change() -> SaleLine {
        SaleLine {
            product_id: None,
            code: "SRV-01".into(),
            description: "Cambio de aceite".into(),
            unit: Unit::Servicio,
            quantity: dec!(1),
            unit_price: dec!(350),
            discount: Decimal::ZERO,
            affectation: TaxAffectation::Gravado,
        }
    }

    fn customer(kind: IdKind, number: &str) -> Buyer {
        Buyer {
            customer_id: Some(Uuid::now_v7()),
            id: IdDocument::new(kind, number).unwrap(),
            name: "Transportes Rímac S.A.C.".into(),
            address: "Av. Argentina 1234, Lima".into(),
        }
    }

    #[test]
    fn anonymous_boleta_up_to_700() {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        d.lines = vec![oil_change(), oil_change()];
        assert_eq!(d.check().unwrap().total, dec!(700.00));
        d.lines[1].unit_price = dec!(350.01);
        assert_eq!(
            d.check(),
            Err(DomainError::BoletaOver700NeedsId {
                total: dec!(700.01)
            })
        );
        d.buyer = customer(IdKind::Dni, "45678912");
        assert!(d.check().is_ok());
    }

    #[test]
    fn factura_needs_ruc() {
        let mut d = InvoiceDraft::new(DocumentKind::Factura);
        d.lines = vec![oil_change()];
        assert_eq!(d.check(), Err(DomainError::FacturaNeedsRuc));
        d.buyer = customer(IdKind::Dni, "45678912");
        assert_eq!(d.check(), Err(DomainError::FacturaNeedsRuc));
        d.buyer = customer(IdKind::Ruc, "20131312955");
        assert!(d.check().is_ok());
    }

    #[test]
    fn credit_note_rules() {
        let mut d = InvoiceDraft::new(DocumentKind::NotaDeCredito);
        d.lines = vec![oil_change()];
        assert_eq!(d.check(), Err(DomainError::CreditNoteNeedsReference));
        let number = DocumentNumber::parse("B001-7").unwrap();
        d.modifies = Some(Modifies {
            invoice_id: Uuid::now_v7(),
            kind: DocumentKind::Boleta,
            number,
            total: dec!(300),
            reason: CreditReason::DevolucionTotal,
            note: String::new(),
        });
        assert_eq!(d.check(), Err(DomainError::CreditNoteExceedsOriginal));
        d.lines[0].unit_price = dec!(300);
        assert!(d.check().is_ok());
        d.modifies.as_mut().unwrap().kind = DocumentKind::NotaDeVenta;
        assert_eq!(d.check(), Err(DomainError::CreditNoteOfNotaDeVenta));
    }

    #[test]
    fn change_for_cash() {
        let p = Payment {
            method: PaymentMethod::Efectivo,
            received: Some(dec!(200)),
        };
        assert_eq!(p.change(dec!(145.50)), dec!(54.50));
        let card = Payment {
            method: PaymentMethod::Tarjeta,
            received: Some(dec!(200)),
        };
        assert_eq!(card.change(dec!(145.50)), Decimal::ZERO);
    }

    #[test]
    fn tampered_totals_are_caught() {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        d.lines = vec![oil_change()];
        let mut inv = Invoice::from_draft(
            d,
            Uuid::now_v7(),
            DocumentNumber::parse("B001-1").unwrap(),
            Utc::now(),
            Uuid::now_v7(),
            "caja1",
        )
        .unwrap();
        assert!(inv.verify().is_ok());
        inv.totals.total = dec!(1.00);
        assert!(inv.verify().is_err());
    }
}
