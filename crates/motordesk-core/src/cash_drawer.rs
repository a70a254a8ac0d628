//! The cash drawer of one shift (Cierre de caja, the Z report): the opening float, cash
//! put in or taken out with a reason, sales and credit notes per payment method, and the
//! cash that should be in the drawer at close beside what was counted:
//!
//! expected cash = float + cash sales − cash refunds + cash in − cash out
//!
//! Pure arithmetic on exact decimals; the store gathers the documents and seals the result.

use crate::DomainError;
use crate::document::DocumentKind;
use crate::invoice::PaymentTerms;
use crate::limits::{MAX_SHORT, check_len};
use crate::payment::{Payment, PaymentMethod};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// No float, movement or count at a counter comes near this; a bigger figure is a typo.
pub const MAX_DRAWER_AMOUNT: Decimal = dec!(100000.00);
/// Cash movements one shift may record.
pub const MAX_MOVEMENTS: usize = 200;

/// Cash put into the drawer (change brought from the safe) or taken out (a supplier paid,
/// a deposit to the bank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MovementKind {
    Ingreso,
    Retiro,
}

impl MovementKind {
    pub fn label(self) -> &'static str {
        match self {
            MovementKind::Ingreso => "Ingreso",
            MovementKind::Retiro => "Retiro",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashMovement {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub kind: MovementKind,
    pub amount: Decimal,
    pub reason: String,
    /// The account that recorded it.
    pub by: String,
}

impl CashMovement {
    /// What it does to the cash in the drawer.
    pub fn signed(&self) -> Decimal {
        match self.kind {
            MovementKind::Ingreso => self.amount,
            MovementKind::Retiro => -self.amount,
        }
    }
}

/// A float, a movement or a count: not negative, two decimals at most, below the limit.
pub fn check_drawer_amount(amount: Decimal) -> Result<(), DomainError> {
    if amount.is_sign_negative() || amount.normalize().scale() > 2 {
        return Err(DomainError::DrawerAmount);
    }
    if amount > MAX_DRAWER_AMOUNT {
        return Err(DomainError::AmountTooLarge);
    }
    Ok(())
}

/// A movement needs a positive amount and a reason a manager can read later.
pub fn check_movement(amount: Decimal, reason: &str) -> Result<(), DomainError> {
    check_drawer_amount(amount)?;
    if amount.is_zero() {
        return Err(DomainError::DrawerAmount);
    }
    if reason.trim().is_empty() {
        return Err(DomainError::MovementReasonRequired);
    }
    check_len("motivo", reason.trim(), MAX_SHORT)
}

/// Sales and refunds of one payment method in a shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodTotals {
    pub method: PaymentMethod,
    /// Boletas, facturas, notas de venta and debit notes paid by this method.
    pub sales: Decimal,
    /// Credit notes given back by this method.
    pub refunds: Decimal,
}

/// What a shift's documents add up to, per payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ShiftTally {
    /// One row per method that moved money, in `PaymentMethod::ALL` order.
    pub methods: Vec<MethodTotals>,
    /// Facturas sold on credit (cuotas): no money changed hands.
    pub on_credit: Decimal,
    /// Documents that are not credit notes.
    pub sales_count: u32,
    pub credit_notes: u32,
}

impl ShiftTally {
    /// Counts one issued document of `total`.
    pub fn add(
        &mut self,
        kind: DocumentKind,
        terms: &PaymentTerms,
        payment: &Payment,
        total: Decimal,
    ) {
        let refund = kind == DocumentKind::NotaDeCredito;
        if refund {
            self.credit_notes += 1;
        } else {
            self.sales_count += 1;
        }
        if !refund && *terms != PaymentTerms::Contado {
            self.on_credit += total;
            return;
        }
        for part in payment.parts_of(total) {
            let row = match self
                .methods
                .iter_mut()
                .position(|m| m.method == part.method)
            {
                Some(i) => &mut self.methods[i],
                None => {
                    self.methods.push(MethodTotals {
                        method: part.method,
                        sales: Decimal::ZERO,
                        refunds: Decimal::ZERO,
                    });
                    self.methods.sort_by_key(|m| m.method as u8);
                    let i = self.methods.iter().position(|m| m.method == part.method);
                    &mut self.methods[i.unwrap_or_default()]
                }
            };
            if refund {
                row.refunds += part.amount;
            } else {
                row.sales += part.amount;
            }
        }
    }

    fn of(&self, method: PaymentMethod) -> Option<&MethodTotals> {
        self.methods.iter().find(|m| m.method == method)
    }

    pub fn cash_sales(&self) -> Decimal {
        self.of(PaymentMethod::Efectivo)
            .map_or(Decimal::ZERO, |m| m.sales)
    }

    pub fn cash_refunds(&self) -> Decimal {
        self.of(PaymentMethod::Efectivo)
            .map_or(Decimal::ZERO, |m| m.refunds)
    }

    /// Sales of every method, on credit included.
    pub fn sales_total(&self) -> Decimal {
        self.methods.iter().map(|m| m.sales).sum::<Decimal>() + self.on_credit
    }

    pub fn refunds_total(&self) -> Decimal {
        self.methods.iter().map(|m| m.refunds).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.sales_count == 0 && self.credit_notes == 0
    }
}

/// float + cash sales − cash refunds + cash in − cash out.
pub fn expected_cash(float: Decimal, tally: &ShiftTally, movements: &[CashMovement]) -> Decimal {
    float + tally.cash_sales() - tally.cash_refunds()
        + movements.iter().map(CashMovement::signed).sum::<Decimal>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoice::Cuota;

    fn cash(received: Option<Decimal>) -> Payment {
        Payment {
            method: PaymentMethod::Efectivo,
            received,
            parts: vec![],
        }
    }

    fn movement(kind: MovementKind, amount: Decimal) -> CashMovement {
        CashMovement {
            id: Uuid::now_v7(),
            at: Utc::now(),
            kind,
            amount,
            reason: "x".into(),
            by: "caja1".into(),
        }
    }

    #[test]
    fn expected_cash_counts_the_cash_part_of_splits_refunds_and_movements() {
        let mut t = ShiftTally::default();
        let contado = PaymentTerms::Contado;
        // S/ 35 cash (S/ 50 handed over: the change left the drawer again).
        t.add(
            DocumentKind::Boleta,
            &contado,
            &cash(Some(dec!(50))),
            dec!(35),
        );
        // S/ 145.50: S/ 100 by Yape, S/ 45.50 in cash.
        let mut split = Payment::default();
        split.add_part(PaymentMethod::Yape, dec!(100)).unwrap();
        split
            .add_part(PaymentMethod::Efectivo, dec!(45.50))
            .unwrap();
        t.add(DocumentKind::Boleta, &contado, &split, dec!(145.50));
        // A card factura and one on credit.
        let card = Payment {
            method: PaymentMethod::Tarjeta,
            ..Default::default()
        };
        t.add(DocumentKind::Factura, &contado, &card, dec!(200));
        let credito = PaymentTerms::Credito {
            cuotas: vec![Cuota {
                amount: dec!(500),
                due: chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap(),
            }],
        };
        t.add(DocumentKind::Factura, &credito, &cash(None), dec!(500));
        // S/ 20 given back in cash on a credit note.
        t.add(DocumentKind::NotaDeCredito, &contado, &cash(None), dec!(20));

        assert_eq!(t.sales_count, 4);
        assert_eq!(t.credit_notes, 1);
        assert_eq!(t.cash_sales(), dec!(80.50));
        assert_eq!(t.cash_refunds(), dec!(20));
        assert_eq!(t.on_credit, dec!(500));
        assert_eq!(t.sales_total(), dec!(880.50));
        let methods: Vec<_> = t.methods.iter().map(|m| (m.method, m.sales)).collect();
        assert_eq!(
            methods,
            [
                (PaymentMethod::Efectivo, dec!(80.50)),
                (PaymentMethod::Tarjeta, dec!(200)),
                (PaymentMethod::Yape, dec!(100)),
            ]
        );
        let moves = [
            movement(MovementKind::Ingreso, dec!(50)),
            movement(MovementKind::Retiro, dec!(30)),
        ];
        // 100 + 80.50 − 20 + 50 − 30
        assert_eq!(expected_cash(dec!(100), &t, &moves), dec!(180.50));
    }

    #[test]
    fn movements_need_an_amount_and_a_reason() {
        assert_eq!(
            check_movement(dec!(20), "  "),
            Err(DomainError::MovementReasonRequired)
        );
        assert_eq!(
            check_movement(dec!(0), "cambio"),
            Err(DomainError::DrawerAmount)
        );
        assert_eq!(
            check_movement(dec!(-5), "cambio"),
            Err(DomainError::DrawerAmount)
        );
        assert_eq!(
            check_movement(dec!(0.001), "cambio"),
            Err(DomainError::DrawerAmount)
        );
        assert_eq!(
            check_movement(dec!(100000.01), "cambio"),
            Err(DomainError::AmountTooLarge)
        );
        assert!(check_movement(dec!(20.50), "Sencillo de la caja fuerte").is_ok());
        assert!(
            check_drawer_amount(dec!(0)).is_ok(),
            "an empty drawer counts"
        );
        assert!(check_movement(dec!(1), &"x".repeat(61)).is_err());
    }
}
