//! How numbers are printed in the XML: totals with exactly 2 decimals, unit values and
//! quantities with up to 10 (SUNAT's `^[0-9]{1,12}(\.[0-9]{1,10})?$` patterns).

use rust_decimal::{Decimal, RoundingStrategy};

/// `123.40` — always two decimals, half away from zero.
pub(crate) fn money(d: Decimal) -> String {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r.to_string()
}

/// Up to 10 decimals, trailing zeros dropped, at least 2 decimals (`25.4237288136`, `59.00`).
pub(crate) fn price(d: Decimal) -> String {
    let mut r = d
        .round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    if r.scale() < 2 {
        r.rescale(2);
    }
    r.to_string()
}

/// Quantities: up to 10 decimals, trailing zeros dropped (`4.5`, `1`).
pub(crate) fn quantity(d: Decimal) -> String {
    d.round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// Percentages such as `18` or `12` (up to 5 decimals, SUNAT pattern 3102/3052).
pub(crate) fn percent(d: Decimal) -> String {
    d.round_dp_with_strategy(5, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn formats() {
        assert_eq!(money(dec!(118)), "118.00");
        assert_eq!(money(dec!(0.005)), "0.01");
        assert_eq!(price(dec!(50) / dec!(1.18)), "42.3728813559");
        assert_eq!(price(dec!(59)), "59.00");
        assert_eq!(quantity(dec!(4.50)), "4.5");
        assert_eq!(quantity(dec!(2.000)), "2");
        assert_eq!(percent(dec!(12.00)), "12");
    }
}
