//! A sale document (boleta, factura, nota de venta, credit note): the draft a cashier
//! builds and the immutable document once issued.

use crate::DomainError;
use crate::document::{DocumentKind, DocumentNumber, MAX_CORRELATIVE};
use crate::identity::{IdDocument, IdKind};
use crate::payment::Payment;
use crate::tax::{LineInput, TaxAffectation, Totals, compute_totals};
use crate::time::lima_date;
use chrono::{DateTime, NaiveDate, Utc};
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

/// Why a note is issued: SUNAT Catálogo 09 (credit notes) and Catálogo 10 (debit notes),
/// the reasons a service bay uses. One enum so a stored note keeps one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum NoteReason {
    /// Crédito 01
    #[default]
    AnulacionDeLaOperacion,
    /// Crédito 04
    DescuentoGlobal,
    /// Crédito 06
    DevolucionTotal,
    /// Crédito 07
    DevolucionPorItem,
    /// Crédito 09
    DisminucionEnElValor,
    /// Débito 01
    InteresesPorMora,
    /// Débito 02
    AumentoEnElValor,
    /// Débito 03
    Penalidades,
}

impl NoteReason {
    /// Reasons a credit note may give (Catálogo 09).
    pub const CREDIT: [NoteReason; 5] = [
        NoteReason::AnulacionDeLaOperacion,
        NoteReason::DescuentoGlobal,
        NoteReason::DevolucionTotal,
        NoteReason::DevolucionPorItem,
        NoteReason::DisminucionEnElValor,
    ];
    /// Reasons a debit note may give (Catálogo 10).
    pub const DEBIT: [NoteReason; 3] = [
        NoteReason::InteresesPorMora,
        NoteReason::AumentoEnElValor,
        NoteReason::Penalidades,
    ];
    pub fn code(self) -> &'static str {
        match self {
            NoteReason::AnulacionDeLaOperacion => "01",
            NoteReason::DescuentoGlobal => "04",
            NoteReason::DevolucionTotal => "06",
            NoteReason::DevolucionPorItem => "07",
            NoteReason::DisminucionEnElValor => "09",
            NoteReason::InteresesPorMora => "01",
            NoteReason::AumentoEnElValor => "02",
            NoteReason::Penalidades => "03",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            NoteReason::AnulacionDeLaOperacion => "Anulación de la operación",
            NoteReason::DescuentoGlobal => "Descuento global",
            NoteReason::DevolucionTotal => "Devolución total",
            NoteReason::DevolucionPorItem => "Devolución por ítem",
            NoteReason::DisminucionEnElValor => "Disminución en el valor",
            NoteReason::InteresesPorMora => "Intereses por mora",
            NoteReason::AumentoEnElValor => "Aumento en el valor",
            NoteReason::Penalidades => "Penalidades / otros conceptos",
        }
    }
    pub fn is_debit(self) -> bool {
        NoteReason::DEBIT.contains(&self)
    }
}

/// Forma de pago (SUNAT requires it on every factura since 2021): paid now, or on credit
/// in cuotas with due dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PaymentTerms {
    #[default]
    Contado,
    Credito {
        cuotas: Vec<Cuota>,
    },
}

/// One instalment of a sale on credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cuota {
    pub amount: Decimal,
    pub due: NaiveDate,
}

/// Detracción (SPOT): the buyer deposits this part of a factura in the shop's Banco de la
/// Nación account. Maintenance and repair of vehicles is SPOT code 020 at 12 % when the
/// operation exceeds S/ 700 (peru-billing.md §2.15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detraccion {
    /// SPOT goods/service code (Catálogo 54): "020".
    pub code: String,
    pub percent: Decimal,
    /// Rounded to whole soles: SPOT deposits carry no céntimos.
    pub amount: Decimal,
    /// The shop's Banco de la Nación account for detracciones.
    pub account: String,
}

pub const DETRACCION_CODE_MAINTENANCE: &str = "020";
pub const DETRACCION_PERCENT_MAINTENANCE: Decimal = dec!(12);
/// Above this total (not at it) a factura for services is subject to detracción.
pub const DETRACCION_THRESHOLD: Decimal = dec!(700.00);

/// The detracción a factura carries: facturas with any service line (labour, repair,
/// maintenance) and a total above S/ 700. Boletas and notes never carry one.
pub fn detraccion_due(kind: DocumentKind, lines: &[SaleLine], total: Decimal) -> Option<Decimal> {
    let services = lines.iter().any(|l| l.unit == Unit::Servicio);
    (kind == DocumentKind::Factura && services && total > DETRACCION_THRESHOLD).then(|| {
        (total * DETRACCION_PERCENT_MAINTENANCE / dec!(100))
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    })
}

/// The document a credit or debit note modifies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifies {
    pub invoice_id: Uuid,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    pub total: Decimal,
    pub reason: NoteReason,
    pub note: String,
    /// When the modified document was issued: a note may not be dated before it.
    /// (`None` only in notes stored before this was recorded.)
    #[serde(default)]
    pub issued_at: Option<DateTime<Utc>>,
}

impl Modifies {
    /// A note on `inv` for `reason`.
    pub fn of(inv: &Invoice, reason: NoteReason, note: &str) -> Modifies {
        Modifies {
            invoice_id: inv.id,
            kind: inv.kind,
            number: inv.number.clone(),
            total: inv.totals.total,
            reason,
            note: note.to_string(),
            issued_at: Some(inv.issued_at),
        }
    }
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
    /// Contado or Crédito with cuotas (facturas only).
    #[serde(default)]
    pub terms: PaymentTerms,
    /// The shop's Banco de la Nación account, filled in from the settings when the
    /// document is issued; required when a detracción applies.
    #[serde(default)]
    pub detraccion_account: String,
    /// The manager who approved it (a credit note a cashier issues), by username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
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
            terms: PaymentTerms::Contado,
            detraccion_account: String::new(),
            approved_by: None,
        }
    }

    /// Live totals (also what `check` returns).
    pub fn totals(&self) -> Result<Totals, DomainError> {
        let inputs: Vec<LineInput> = self.lines.iter().map(SaleLine::input).collect();
        compute_totals(&inputs, self.global_discount_pct)
    }

    /// Every rule a document must meet before it is issued. The rules that need the
    /// moment of issue (dates) are in `Invoice::from_draft`; the one that needs earlier
    /// notes (credits never exceed the document) is in `check_credit_room`.
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
            DocumentKind::NotaDeCredito | DocumentKind::NotaDeDebito => {
                self.check_note(&totals)?;
            }
        }
        if !self.kind.is_note() && self.modifies.is_some() {
            return Err(DomainError::CreditNoteNeedsReference);
        }
        // The cashier cannot take less cash than is due, and a split payment must add up
        // to the total (a note gives money back: no payment rule).
        if !self.kind.is_note() && self.terms == PaymentTerms::Contado {
            self.payment.check(totals.total)?;
        }
        let detraccion = detraccion_due(self.kind, &self.lines, totals.total);
        if detraccion.is_some() && self.detraccion_account.trim().is_empty() {
            return Err(DomainError::DetraccionNeedsAccount);
        }
        if let PaymentTerms::Credito { cuotas } = &self.terms {
            if self.kind != DocumentKind::Factura {
                return Err(DomainError::CreditTermsOnlyOnFactura);
            }
            if cuotas.is_empty() {
                return Err(DomainError::CuotasRequired);
            }
            if cuotas.iter().any(|c| c.amount <= Decimal::ZERO) {
                return Err(DomainError::CuotaAmount);
            }
            let net = totals.total - detraccion.unwrap_or_default();
            let sum: Decimal = cuotas.iter().map(|c| c.amount).sum();
            if sum != net {
                return Err(DomainError::CuotasDontAddUp {
                    expected: net,
                    got: sum,
                });
            }
        }
        Ok(totals)
    }

    fn check_note(&self, totals: &Totals) -> Result<(), DomainError> {
        let credit = self.kind == DocumentKind::NotaDeCredito;
        let m = self.modifies.as_ref().ok_or(if credit {
            DomainError::CreditNoteNeedsReference
        } else {
            DomainError::DebitNoteNeedsReference
        })?;
        match m.kind {
            DocumentKind::NotaDeCredito | DocumentKind::NotaDeDebito => {
                return Err(DomainError::CreditNoteOfCreditNote);
            }
            DocumentKind::NotaDeVenta => return Err(DomainError::CreditNoteOfNotaDeVenta),
            DocumentKind::Factura if self.buyer.id.kind != IdKind::Ruc => {
                return Err(DomainError::FacturaNeedsRuc);
            }
            _ => {}
        }
        // SUNAT 2116/2399/2594: a note on a factura names an F series, on a boleta a B.
        let want = if m.kind == DocumentKind::Factura {
            'F'
        } else {
            'B'
        };
        if !m.number.series.as_str().starts_with(want) {
            return Err(DomainError::NoteReferenceSeries {
                number: m.number.to_string(),
                kind: m.kind.short(),
            });
        }
        if m.reason.is_debit() == credit {
            return Err(DomainError::NoteReasonMismatch);
        }
        if credit && totals.total > m.total {
            return Err(DomainError::CreditNoteExceedsOriginal);
        }
        Ok(())
    }
}

/// What is left to credit on a document of `original_total` that earlier credit notes
/// (`credited`) already reduced; a new credit note may not exceed it (SUNAT 3286).
pub fn check_credit_room(
    original_total: Decimal,
    credited: &[Decimal],
    new_note: Decimal,
) -> Result<(), DomainError> {
    let room = original_total - credited.iter().copied().sum::<Decimal>();
    if new_note > room {
        return Err(DomainError::CreditNotesExceedOriginal {
            room: room.max(Decimal::ZERO),
        });
    }
    Ok(())
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
    #[serde(default)]
    pub terms: PaymentTerms,
    #[serde(default)]
    pub detraccion: Option<Detraccion>,
    /// The manager who approved it (a credit note a cashier issues), by username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
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
        let detraccion =
            detraccion_due(draft.kind, &draft.lines, totals.total).map(|amount| Detraccion {
                code: DETRACCION_CODE_MAINTENANCE.into(),
                percent: DETRACCION_PERCENT_MAINTENANCE,
                amount,
                account: draft.detraccion_account.trim().to_string(),
            });
        let inv = Invoice {
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
            terms: draft.terms,
            detraccion,
            approved_by: draft.approved_by,
        };
        inv.check_number_and_dates()?;
        inv.check_limits()?;
        Ok(inv)
    }

    fn check_number_and_dates(&self) -> Result<(), DomainError> {
        self.number
            .series
            .check_for(self.kind, self.modifies.as_ref().map(|m| m.kind))?;
        if !(1..=MAX_CORRELATIVE).contains(&self.number.correlative) {
            return Err(DomainError::CorrelativeOutOfRange(self.number.correlative));
        }
        if let Some(m) = &self.modifies
            && let Some(original) = m.issued_at
            && lima_date(original) > lima_date(self.issued_at)
        {
            return Err(DomainError::NoteBeforeReference {
                number: m.number.to_string(),
            });
        }
        if let PaymentTerms::Credito { cuotas } = &self.terms
            && cuotas.iter().any(|c| c.due <= lima_date(self.issued_at))
        {
            return Err(DomainError::CuotaDueNotAfterIssue);
        }
        Ok(())
    }

    /// The draft this document was issued from (what a server re-checks).
    fn as_draft(&self) -> InvoiceDraft {
        InvoiceDraft {
            kind: self.kind,
            buyer: self.buyer.clone(),
            vehicle: self.vehicle.clone(),
            lines: self.lines.clone(),
            global_discount_pct: self.global_discount_pct,
            payment: self.payment.clone(),
            modifies: self.modifies.clone(),
            observations: self.observations.clone(),
            terms: self.terms.clone(),
            detraccion_account: self
                .detraccion
                .as_ref()
                .map(|d| d.account.clone())
                .unwrap_or_default(),
            approved_by: self.approved_by.clone(),
        }
    }

    /// Recomputes the totals from the lines and compares: what a server does before
    /// trusting a document it did not make.
    pub fn verify(&self) -> Result<(), DomainError> {
        let totals = self.as_draft().check()?;
        if totals != self.totals {
            return Err(DomainError::BadAmount(format!(
                "declared total {} but lines add up to {}",
                self.totals.total, totals.total
            )));
        }
        let due = detraccion_due(self.kind, &self.lines, totals.total);
        if due != self.detraccion.as_ref().map(|d| d.amount) {
            return Err(DomainError::BadAmount(format!(
                "declared detracción {:?} but the rule gives {due:?}",
                self.detraccion.as_ref().map(|d| d.amount)
            )));
        }
        if self.buyer.id.kind != IdKind::SinDocumento {
            IdDocument::new(self.buyer.id.kind, &self.buyer.id.number)?;
        }
        self.check_limits()?;
        self.check_number_and_dates()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::PaymentMethod;

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
            reason: NoteReason::DevolucionTotal,
            note: String::new(),
            issued_at: None,
        });
        assert_eq!(d.check(), Err(DomainError::CreditNoteExceedsOriginal));
        d.lines[0].unit_price = dec!(300);
        assert!(d.check().is_ok());
        d.modifies.as_mut().unwrap().kind = DocumentKind::NotaDeVenta;
        assert_eq!(d.check(), Err(DomainError::CreditNoteOfNotaDeVenta));
    }

    #[test]
    fn cash_must_cover_the_total() {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        d.lines = vec![oil_change()];
        d.payment.received = Some(dec!(349.99));
        assert_eq!(
            d.check(),
            Err(DomainError::CashShort {
                received: dec!(349.99),
                total: dec!(350.00)
            })
        );
        d.payment.received = Some(dec!(350));
        assert!(d.check().is_ok());
        // Card payments and credit notes carry no cash rule.
        d.payment.received = Some(dec!(1));
        d.payment.method = PaymentMethod::Tarjeta;
        assert!(d.check().is_ok());
    }

    fn issued(d: InvoiceDraft, number: &str, at: DateTime<Utc>) -> Result<Invoice, DomainError> {
        Invoice::from_draft(
            d,
            Uuid::now_v7(),
            DocumentNumber::parse(number).unwrap(),
            at,
            Uuid::now_v7(),
            "caja1",
        )
    }

    #[test]
    fn notes_cite_the_right_series_reason_and_date() {
        let mut f = InvoiceDraft::new(DocumentKind::Factura);
        f.buyer = customer(IdKind::Ruc, "20131312955");
        f.lines = vec![oil_change()];
        let day = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 20, 15, 0, 0).unwrap();
        let factura = issued(f, "F001-9", day).unwrap();

        let mut nd = InvoiceDraft::new(DocumentKind::NotaDeDebito);
        nd.buyer = factura.buyer.clone();
        nd.lines = vec![oil_change()];
        assert_eq!(nd.check(), Err(DomainError::DebitNoteNeedsReference));
        nd.modifies = Some(Modifies::of(&factura, NoteReason::DevolucionTotal, ""));
        assert_eq!(nd.check(), Err(DomainError::NoteReasonMismatch));
        nd.modifies = Some(Modifies::of(&factura, NoteReason::InteresesPorMora, ""));
        // A debit note may exceed the original.
        nd.lines[0].unit_price = dec!(9000);
        assert!(nd.check().is_ok());
        // A B-series number presented as a factura is refused.
        let mut wrong = nd.clone();
        wrong.modifies.as_mut().unwrap().number = DocumentNumber::parse("B001-9").unwrap();
        assert!(matches!(
            wrong.check(),
            Err(DomainError::NoteReferenceSeries { .. })
        ));
        // Dated the day before the factura: refused; the same day or later: fine.
        let before = day - chrono::Duration::days(1);
        assert!(matches!(
            issued(nd.clone(), "FD01-1", before),
            Err(DomainError::NoteBeforeReference { .. })
        ));
        let note = issued(nd, "FD01-1", day).unwrap();
        assert!(note.verify().is_ok());
        // A debit note on a factura must use an F series.
        let mut bd = InvoiceDraft::new(DocumentKind::NotaDeDebito);
        bd.buyer = factura.buyer.clone();
        bd.lines = vec![oil_change()];
        bd.modifies = Some(Modifies::of(&factura, NoteReason::Penalidades, ""));
        assert!(matches!(
            issued(bd, "BD01-1", day),
            Err(DomainError::SeriesKindMismatch { .. })
        ));
    }

    #[test]
    fn credit_room_counts_earlier_notes() {
        assert!(check_credit_room(dec!(100), &[dec!(60)], dec!(40)).is_ok());
        assert_eq!(
            check_credit_room(dec!(100), &[dec!(60), dec!(30)], dec!(10.01)),
            Err(DomainError::CreditNotesExceedOriginal { room: dec!(10) })
        );
    }

    #[test]
    fn correlatives_stay_in_range_in_verify() {
        let mut d = InvoiceDraft::new(DocumentKind::Boleta);
        d.lines = vec![oil_change()];
        let mut inv = issued(d, "B001-1", Utc::now()).unwrap();
        for bad in [0, MAX_CORRELATIVE + 1, u32::MAX] {
            inv.number.correlative = bad;
            assert_eq!(inv.verify(), Err(DomainError::CorrelativeOutOfRange(bad)));
        }
    }

    #[test]
    fn credit_terms_and_detraccion() {
        let mut d = InvoiceDraft::new(DocumentKind::Factura);
        d.buyer = customer(IdKind::Ruc, "20131312955");
        d.lines = vec![oil_change(), oil_change(), oil_change()];
        // S/ 1,050 of services: detracción 12 % = 126, needs the shop's account.
        assert_eq!(d.check(), Err(DomainError::DetraccionNeedsAccount));
        d.detraccion_account = "00-000-123456".into();
        let at = Utc::now();
        let inv = issued(d.clone(), "F001-1", at).unwrap();
        assert_eq!(inv.detraccion.as_ref().unwrap().amount, dec!(126));
        assert_eq!(inv.detraccion.as_ref().unwrap().code, "020");
        let due = lima_date(at) + chrono::Duration::days(30);
        d.terms = PaymentTerms::Credito {
            cuotas: vec![Cuota {
                amount: dec!(1050),
                due,
            }],
        };
        assert_eq!(
            d.check(),
            Err(DomainError::CuotasDontAddUp {
                expected: dec!(924),
                got: dec!(1050)
            })
        );
        d.terms = PaymentTerms::Credito {
            cuotas: vec![
                Cuota {
                    amount: dec!(500),
                    due,
                },
                Cuota {
                    amount: dec!(424),
                    due: lima_date(at),
                },
            ],
        };
        assert_eq!(
            issued(d.clone(), "F001-2", at).unwrap_err(),
            DomainError::CuotaDueNotAfterIssue
        );
        if let PaymentTerms::Credito { cuotas } = &mut d.terms {
            cuotas[1].due = due;
        }
        let inv = issued(d.clone(), "F001-2", at).unwrap();
        assert!(inv.verify().is_ok());
        // A boleta is never on credit and never carries a detracción.
        let mut b = d.clone();
        b.kind = DocumentKind::Boleta;
        assert_eq!(b.check(), Err(DomainError::CreditTermsOnlyOnFactura));
        assert_eq!(
            detraccion_due(DocumentKind::Boleta, &b.lines, dec!(1050)),
            None
        );
        // At S/ 700.00 exactly, no detracción.
        assert_eq!(
            detraccion_due(DocumentKind::Factura, &d.lines, dec!(700.00)),
            None
        );
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
