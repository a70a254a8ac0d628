//! How a sale is paid: one method for the whole total, or split across methods (part in
//! cash, part by Yape); the cash handed over and the change. Old documents carry one
//! method and no parts, and read the same as before: a split is `parts` beside them.

use crate::DomainError;
use crate::money::round2;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

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

/// One method's share of a split payment: what it pays of the total (for cash, what is
/// kept, not the bills handed over).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentPart {
    pub method: PaymentMethod,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Payment {
    /// The method of a single payment; in a split, the method of its first part (what a
    /// reader that predates splits shows).
    pub method: PaymentMethod,
    /// Cash handed over (for the whole total, or for the cash part of a split); `None`
    /// means exact amount / not cash.
    pub received: Option<Decimal>,
    /// A split payment, one part per method, adding up to the total. Empty: the whole
    /// total by `method` (every document issued before splits existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PaymentPart>,
}

impl Payment {
    pub fn is_split(&self) -> bool {
        !self.parts.is_empty()
    }

    /// The parts that paid `total`: the split, or the single method for all of it.
    pub fn parts_of(&self, total: Decimal) -> Vec<PaymentPart> {
        if self.is_split() {
            self.parts.clone()
        } else {
            vec![PaymentPart {
                method: self.method,
                amount: total,
            }]
        }
    }

    /// What the parts of a split pay so far (zero when not split).
    pub fn paid(&self) -> Decimal {
        self.parts.iter().map(|p| p.amount).sum()
    }

    /// What a split still has to cover of `total` (negative: the parts exceed it).
    pub fn remaining(&self, total: Decimal) -> Decimal {
        total - self.paid()
    }

    /// The part of `total` paid in cash: the cash part of a split, all of it for a
    /// single cash payment, else zero.
    pub fn cash_due(&self, total: Decimal) -> Decimal {
        self.parts_of(total)
            .iter()
            .filter(|p| p.method == PaymentMethod::Efectivo)
            .map(|p| p.amount)
            .sum()
    }

    /// Change to give back (never negative): cash handed over beyond the cash due.
    pub fn change(&self, total: Decimal) -> Decimal {
        let due = self.cash_due(total);
        match self.received {
            Some(r) if due > Decimal::ZERO && r > due => round2(r - due),
            _ => Decimal::ZERO,
        }
    }

    /// Adds `amount` by `method` to a split (to that method's part when it has one) and
    /// keeps `method` on the first part. Refuses a non-positive amount.
    pub fn add_part(&mut self, method: PaymentMethod, amount: Decimal) -> Result<(), DomainError> {
        if amount <= Decimal::ZERO {
            return Err(DomainError::SplitPartAmount);
        }
        match self.parts.iter_mut().find(|p| p.method == method) {
            Some(p) => p.amount += amount,
            None => self.parts.push(PaymentPart { method, amount }),
        }
        self.method = self.parts[0].method;
        Ok(())
    }

    /// Removes `method`'s part from a split (and the cash received with a cash part).
    pub fn remove_part(&mut self, method: PaymentMethod) {
        self.parts.retain(|p| p.method != method);
        if method == PaymentMethod::Efectivo {
            self.received = None;
        }
        if let Some(first) = self.parts.first() {
            self.method = first.method;
        }
    }

    /// The payment rules of a sale of `total` paid now: cash handed over covers the cash
    /// due; a split has positive parts, one per method, that add up to the total exactly.
    pub fn check(&self, total: Decimal) -> Result<(), DomainError> {
        if self.is_split() {
            if self.parts.iter().any(|p| p.amount <= Decimal::ZERO) {
                return Err(DomainError::SplitPartAmount);
            }
            let mut methods: Vec<_> = self.parts.iter().map(|p| p.method).collect();
            methods.sort_by_key(|m| *m as u8);
            methods.dedup();
            if methods.len() != self.parts.len() {
                return Err(DomainError::SplitRepeatsMethod);
            }
            let left = self.remaining(total);
            if left > Decimal::ZERO {
                return Err(DomainError::SplitShort { missing: left });
            }
            if left < Decimal::ZERO {
                return Err(DomainError::SplitOver { excess: -left });
            }
        }
        let due = self.cash_due(total);
        if due > Decimal::ZERO
            && let Some(received) = self.received
            && received < due
        {
            return Err(DomainError::CashShort {
                received,
                total: due,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn change_for_cash() {
        let p = Payment {
            method: PaymentMethod::Efectivo,
            received: Some(dec!(200)),
            parts: vec![],
        };
        assert_eq!(p.change(dec!(145.50)), dec!(54.50));
        let card = Payment {
            method: PaymentMethod::Tarjeta,
            received: Some(dec!(200)),
            parts: vec![],
        };
        assert_eq!(card.change(dec!(145.50)), Decimal::ZERO);
    }

    #[test]
    fn split_cash_and_yape_gives_change_on_the_cash_part_only() {
        let mut p = Payment::default();
        p.add_part(PaymentMethod::Yape, dec!(100)).unwrap();
        assert_eq!(p.method, PaymentMethod::Yape, "first part names the method");
        assert_eq!(
            p.check(dec!(145.50)),
            Err(DomainError::SplitShort {
                missing: dec!(45.50)
            })
        );
        p.add_part(PaymentMethod::Efectivo, dec!(45.50)).unwrap();
        p.received = Some(dec!(50));
        assert_eq!(p.check(dec!(145.50)), Ok(()));
        assert_eq!(p.cash_due(dec!(145.50)), dec!(45.50));
        assert_eq!(p.change(dec!(145.50)), dec!(4.50));
        // Less cash than the cash part is refused, with the cash part as what is due.
        p.received = Some(dec!(40));
        assert_eq!(
            p.check(dec!(145.50)),
            Err(DomainError::CashShort {
                received: dec!(40),
                total: dec!(45.50)
            })
        );
        p.received = None;
        // The total went down after the split was entered: the parts now exceed it.
        assert_eq!(
            p.check(dec!(120)),
            Err(DomainError::SplitOver {
                excess: dec!(25.50)
            })
        );
        // Parts per method merge; a part is never zero or negative.
        p.add_part(PaymentMethod::Yape, dec!(10)).unwrap();
        assert_eq!(p.parts.len(), 2);
        assert_eq!(p.paid(), dec!(155.50));
        assert_eq!(
            p.add_part(PaymentMethod::Plin, Decimal::ZERO),
            Err(DomainError::SplitPartAmount)
        );
        p.parts.push(PaymentPart {
            method: PaymentMethod::Yape,
            amount: dec!(1),
        });
        assert_eq!(p.check(dec!(156.50)), Err(DomainError::SplitRepeatsMethod));
        p.remove_part(PaymentMethod::Yape);
        assert_eq!(p.method, PaymentMethod::Efectivo);
        assert_eq!(p.parts_of(dec!(45.50)).len(), 1);
    }

    #[test]
    fn a_split_with_no_cash_gives_no_change() {
        let mut p = Payment::default();
        p.add_part(PaymentMethod::Tarjeta, dec!(60)).unwrap();
        p.add_part(PaymentMethod::Plin, dec!(40)).unwrap();
        p.received = Some(dec!(500));
        assert_eq!(p.check(dec!(100)), Ok(()));
        assert_eq!(p.change(dec!(100)), Decimal::ZERO);
        assert_eq!(p.cash_due(dec!(100)), Decimal::ZERO);
    }

    #[test]
    fn documents_from_before_splits_still_open_and_serialise_the_same() {
        // A payment as stored before `parts` existed.
        let old = r#"{"method":"Yape","received":null}"#;
        let p: Payment = serde_json::from_str(old).unwrap();
        assert!(!p.is_split());
        assert_eq!(
            p.parts_of(dec!(80)),
            vec![PaymentPart {
                method: PaymentMethod::Yape,
                amount: dec!(80)
            }]
        );
        // A single payment is written exactly as before (no empty `parts`).
        assert_eq!(serde_json::to_string(&p).unwrap(), old);
    }
}
