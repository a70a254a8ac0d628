//! Money: exact decimals (never f64), rounded to céntimos once, half away from zero,
//! where SUNAT expects two decimals.

use crate::DomainError;
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// Rounds to two decimals, half away from zero (the usual commercial rule in Peru).
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `S/ 1,234.50`.
pub fn soles(d: Decimal) -> String {
    format!("S/ {}", plain(d))
}

/// `1,234.50` (thousands separated by commas, two decimals, as on Peruvian receipts).
pub fn plain(d: Decimal) -> String {
    let r = round2(d);
    let neg = r.is_sign_negative() && !r.is_zero();
    let s = format!("{:.2}", r.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    format!("{}{}.{frac}", if neg { "-" } else { "" }, group_digits(int))
}

/// Commas every three digits: `45000` → `45,000` (money, kilometres and counts alike).
pub fn thousands(n: impl Into<u64>) -> String {
    group_digits(&n.into().to_string())
}

/// A file or disk size for the screen: "350 KB", "28.4 MB", "12.0 GB" (a decimal point,
/// as in money; a no-break space so the unit never wraps away from its number).
pub fn size_text(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let n = bytes as f64;
    if n >= 1024.0 * MB {
        format!("{:.1}\u{a0}GB", n / (1024.0 * MB))
    } else if n >= MB {
        format!("{:.1}\u{a0}MB", n / MB)
    } else {
        format!("{}\u{a0}KB", bytes.div_ceil(1024))
    }
}

fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses what a cashier types: `12`, `12.5`, `12,50`, `S/ 1,234.50`.
pub fn parse_amount(text: &str) -> Result<Decimal, DomainError> {
    let t = text.trim().trim_start_matches("S/").trim();
    if t.is_empty() {
        return Err(DomainError::BadAmount(text.to_string()));
    }
    // A single comma with up to two digits after it is a decimal comma; otherwise commas
    // group thousands.
    let normalised = match t.rfind(',') {
        Some(i) if !t.contains('.') && t.len() - i - 1 <= 2 && t.matches(',').count() == 1 => {
            t.replace(',', ".")
        }
        _ => t.replace(',', ""),
    };
    Decimal::from_str(&normalised).map_err(|_| DomainError::BadAmount(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_text_keeps_the_unit_and_the_decimal_point() {
        assert_eq!(size_text(300), "1\u{a0}KB");
        assert_eq!(size_text(28 * 1024 * 1024 + 400 * 1024), "28.4\u{a0}MB");
        assert_eq!(size_text(12 * 1024 * 1024 * 1024), "12.0\u{a0}GB");
        assert_eq!(thousands(100_200u64), "100,200");
    }
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round2(dec!(2.345)), dec!(2.35));
        assert_eq!(round2(dec!(2.344)), dec!(2.34));
        assert_eq!(round2(dec!(-2.345)), dec!(-2.35));
    }

    #[test]
    fn formats_like_a_receipt() {
        assert_eq!(soles(dec!(1234.5)), "S/ 1,234.50");
        assert_eq!(plain(dec!(999999999.99)), "999,999,999.99");
        assert_eq!(plain(dec!(0)), "0.00");
        assert_eq!(plain(dec!(-10.1)), "-10.10");
    }

    #[test]
    fn parses_cashier_input() {
        assert_eq!(parse_amount("12,50").unwrap(), dec!(12.50));
        assert_eq!(parse_amount("S/ 1,234.50").unwrap(), dec!(1234.50));
        assert_eq!(parse_amount(" 7 ").unwrap(), dec!(7));
        assert!(parse_amount("abc").is_err());
        assert!(parse_amount("").is_err());
    }
}
