//! IGV and document totals.
//!
//! Shelf prices are IGV-inclusive, as customers see them. Each line is rounded once:
//! line total = round2(qty × price − discount) × (1 − global%), base = round2(total / 1.18),
//! IGV = total − base. The header is the exact sum of the lines, so the printed total is
//! always what the shelf prices add up to and SUNAT's ±1.00 tolerances hold with room.

use crate::{DomainError, money::round2};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

/// 16% IGV + 2% IPM.
pub const IGV_RATE: Decimal = dec!(0.18);

/// SUNAT Catálogo 07, the three onerous cases a service bay uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum TaxAffectation {
    /// 10 — Gravado, operación onerosa.
    #[default]
    Gravado,
    /// 20 — Exonerado.
    Exonerado,
    /// 30 — Inafecto.
    Inafecto,
}

impl TaxAffectation {
    pub fn code(self) -> &'static str {
        match self {
            TaxAffectation::Gravado => "10",
            TaxAffectation::Exonerado => "20",
            TaxAffectation::Inafecto => "30",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            TaxAffectation::Gravado => "Gravado",
            TaxAffectation::Exonerado => "Exonerado",
            TaxAffectation::Inafecto => "Inafecto",
        }
    }
}

/// The money of one line, as it is printed and sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LineAmounts {
    /// qty × unit price, before discounts (IGV included).
    pub gross: Decimal,
    /// Line discount plus its share of the global discount (IGV included).
    pub discount: Decimal,
    /// What the customer pays for this line (IGV included).
    pub total: Decimal,
    /// Valor de venta: the taxable (or exempt) base without IGV.
    pub base: Decimal,
    pub igv: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Totals {
    pub lines: Vec<LineAmounts>,
    /// Op. gravada.
    pub gravada: Decimal,
    /// Op. exonerada.
    pub exonerada: Decimal,
    /// Op. inafecta.
    pub inafecta: Decimal,
    pub igv: Decimal,
    pub discount: Decimal,
    pub total: Decimal,
}

/// What a line needs for its money: quantity, IGV-inclusive unit price, line discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInput {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount: Decimal,
    pub affectation: TaxAffectation,
}

fn check_line(l: &LineInput) -> Result<Decimal, DomainError> {
    if l.quantity.is_sign_negative() && !l.quantity.is_zero() {
        return Err(DomainError::NegativeQuantity);
    }
    if l.quantity.is_zero() {
        return Err(DomainError::ZeroQuantity);
    }
    if l.unit_price.is_sign_negative() && !l.unit_price.is_zero() {
        return Err(DomainError::NegativePrice);
    }
    let gross = l
        .quantity
        .checked_mul(l.unit_price)
        .ok_or(DomainError::AmountTooLarge)?;
    let gross = round2(gross);
    if gross >= dec!(1_000_000_000) {
        return Err(DomainError::AmountTooLarge);
    }
    if l.discount.is_sign_negative() && !l.discount.is_zero() || l.discount > gross {
        return Err(DomainError::DiscountTooLarge);
    }
    Ok(gross)
}

/// Totals for a document. `global_discount_pct` (0–100) applies to every line.
pub fn compute_totals(
    lines: &[LineInput],
    global_discount_pct: Decimal,
) -> Result<Totals, DomainError> {
    if lines.is_empty() {
        return Err(DomainError::NoLines);
    }
    if global_discount_pct.is_sign_negative() && !global_discount_pct.is_zero()
        || global_discount_pct > dec!(100)
    {
        return Err(DomainError::DiscountTooLarge);
    }
    let keep = Decimal::ONE - global_discount_pct / dec!(100);
    let mut t = Totals::default();
    for l in lines {
        let gross = check_line(l)?;
        let after_line = gross - round2(l.discount);
        let total = round2(after_line * keep);
        let (base, igv) = match l.affectation {
            TaxAffectation::Gravado => {
                let base = round2(total / (Decimal::ONE + IGV_RATE));
                (base, total - base)
            }
            _ => (total, Decimal::ZERO),
        };
        match l.affectation {
            TaxAffectation::Gravado => t.gravada += base,
            TaxAffectation::Exonerado => t.exonerada += base,
            TaxAffectation::Inafecto => t.inafecta += base,
        }
        t.igv += igv;
        t.discount += gross - total;
        t.total += total;
        t.lines.push(LineAmounts {
            gross,
            discount: gross - total,
            total,
            base,
            igv,
        });
    }
    if t.total >= dec!(1_000_000_000) {
        return Err(DomainError::AmountTooLarge);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(q: Decimal, p: Decimal) -> LineInput {
        LineInput {
            quantity: q,
            unit_price: p,
            discount: Decimal::ZERO,
            affectation: TaxAffectation::Gravado,
        }
    }

    #[test]
    fn greenter_boleta_example() {
        // 2 × 59.00 (IGV incl.) = 118.00 → base 100.00, IGV 18.00.
        let t = compute_totals(&[line(dec!(2), dec!(59))], Decimal::ZERO).unwrap();
        assert_eq!(
            (t.gravada, t.igv, t.total),
            (dec!(100.00), dec!(18.00), dec!(118.00))
        );
    }

    #[test]
    fn motordesk_mock_sale() {
        let t = compute_totals(&[line(dec!(1), dec!(145))], Decimal::ZERO).unwrap();
        assert_eq!((t.gravada, t.igv), (dec!(122.88), dec!(22.12)));
    }

    #[test]
    fn shelf_price_is_kept_where_base_times_rate_drifts() {
        // 10.00 → base 8.47; 8.47 × 0.18 = 1.5246 would print 9.99. We keep 10.00.
        let t = compute_totals(&[line(dec!(1), dec!(10))], Decimal::ZERO).unwrap();
        assert_eq!(
            (t.gravada, t.igv, t.total),
            (dec!(8.47), dec!(1.53), dec!(10.00))
        );
    }

    #[test]
    fn mixed_affectations_and_discounts() {
        let lines = [
            LineInput {
                discount: dec!(5),
                ..line(dec!(4.5), dec!(30.00))
            },
            LineInput {
                affectation: TaxAffectation::Exonerado,
                ..line(dec!(1), dec!(50))
            },
            LineInput {
                affectation: TaxAffectation::Inafecto,
                ..line(dec!(2), dec!(12.5))
            },
        ];
        let t = compute_totals(&lines, dec!(10)).unwrap();
        // line 1: 135 - 5 = 130 × 0.9 = 117.00 → 99.15 + 17.85
        assert_eq!(t.lines[0].total, dec!(117.00));
        assert_eq!(t.lines[0].base, dec!(99.15));
        assert_eq!(t.exonerada, dec!(45.00));
        assert_eq!(t.inafecta, dec!(22.50));
        assert_eq!(t.total, dec!(184.50));
        assert_eq!(t.gravada + t.exonerada + t.inafecta + t.igv, t.total);
        // 18.00 + 5.00 + 2.50
        assert_eq!(t.discount, dec!(25.50));
    }

    #[test]
    fn bad_lines_are_refused() {
        assert_eq!(
            compute_totals(&[line(dec!(-1), dec!(10))], Decimal::ZERO),
            Err(DomainError::NegativeQuantity)
        );
        assert_eq!(
            compute_totals(&[line(dec!(0), dec!(10))], Decimal::ZERO),
            Err(DomainError::ZeroQuantity)
        );
        assert_eq!(
            compute_totals(&[line(dec!(1), dec!(-10))], Decimal::ZERO),
            Err(DomainError::NegativePrice)
        );
        assert_eq!(
            compute_totals(&[], Decimal::ZERO),
            Err(DomainError::NoLines)
        );
        let over = LineInput {
            discount: dec!(11),
            ..line(dec!(1), dec!(10))
        };
        assert_eq!(
            compute_totals(&[over], Decimal::ZERO),
            Err(DomainError::DiscountTooLarge)
        );
        assert_eq!(
            compute_totals(&[line(dec!(1), dec!(10))], dec!(101)),
            Err(DomainError::DiscountTooLarge)
        );
    }
}
