//! Amount in words for SUNAT legend 1000: "SON CIENTO DIECIOCHO CON 00/100 SOLES".

use crate::{DomainError, money::round2};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

const UNITS: [&str; 30] = [
    "CERO",
    "UNO",
    "DOS",
    "TRES",
    "CUATRO",
    "CINCO",
    "SEIS",
    "SIETE",
    "OCHO",
    "NUEVE",
    "DIEZ",
    "ONCE",
    "DOCE",
    "TRECE",
    "CATORCE",
    "QUINCE",
    "DIECISÉIS",
    "DIECISIETE",
    "DIECIOCHO",
    "DIECINUEVE",
    "VEINTE",
    "VEINTIUNO",
    "VEINTIDÓS",
    "VEINTITRÉS",
    "VEINTICUATRO",
    "VEINTICINCO",
    "VEINTISÉIS",
    "VEINTISIETE",
    "VEINTIOCHO",
    "VEINTINUEVE",
];
const TENS: [&str; 10] = [
    "",
    "",
    "",
    "TREINTA",
    "CUARENTA",
    "CINCUENTA",
    "SESENTA",
    "SETENTA",
    "OCHENTA",
    "NOVENTA",
];
const HUNDREDS: [&str; 10] = [
    "",
    "CIENTO",
    "DOSCIENTOS",
    "TRESCIENTOS",
    "CUATROCIENTOS",
    "QUINIENTOS",
    "SEISCIENTOS",
    "SETECIENTOS",
    "OCHOCIENTOS",
    "NOVECIENTOS",
];

/// 0..=999 in words. `apocope` turns a final "UNO" into "UN" (before MIL / MILLONES / SOLES).
fn below_thousand(n: u64, apocope: bool) -> String {
    debug_assert!(n < 1000);
    if n == 100 {
        return "CIEN".into();
    }
    let (h, rest) = (n / 100, n % 100);
    let mut parts: Vec<String> = Vec::new();
    if h > 0 {
        parts.push(HUNDREDS[h as usize].into());
    }
    if rest > 0 || n == 0 {
        let word = if rest < 30 {
            UNITS[rest as usize].to_string()
        } else {
            let (t, u) = (rest / 10, rest % 10);
            if u == 0 {
                TENS[t as usize].to_string()
            } else {
                format!("{} Y {}", TENS[t as usize], UNITS[u as usize])
            }
        };
        parts.push(word);
    }
    let mut s = parts.join(" ");
    if apocope {
        if s.ends_with("VEINTIUNO") {
            s.truncate(s.len() - "VEINTIUNO".len());
            s.push_str("VEINTIÚN");
        } else if s.ends_with("UNO") {
            s.truncate(s.len() - 1);
        }
    }
    s
}

/// A whole number up to 999,999,999 in Spanish words, upper case.
pub fn integer_in_words(n: u64, apocope: bool) -> String {
    let millions = n / 1_000_000;
    let thousands = (n / 1000) % 1000;
    let rest = n % 1000;
    let mut parts = Vec::new();
    if millions == 1 {
        parts.push("UN MILLÓN".to_string());
    } else if millions > 1 {
        parts.push(format!("{} MILLONES", below_thousand(millions, true)));
    }
    if thousands == 1 {
        parts.push("MIL".into());
    } else if thousands > 1 {
        parts.push(format!("{} MIL", below_thousand(thousands, true)));
    }
    if rest > 0 || n == 0 {
        parts.push(below_thousand(rest, apocope));
    }
    parts.join(" ")
}

/// "SON CIENTO DIECIOCHO CON 00/100 SOLES" for 0 to 999,999,999.99.
pub fn amount_in_words(amount: Decimal) -> Result<String, DomainError> {
    let a = round2(amount);
    if a.is_sign_negative() && !a.is_zero() {
        return Err(DomainError::BadAmount(a.to_string()));
    }
    if a >= Decimal::from(1_000_000_000u64) {
        return Err(DomainError::AmountTooLarge);
    }
    let int = a.trunc().to_u64().ok_or(DomainError::AmountTooLarge)?;
    let cents = ((a - a.trunc()) * Decimal::from(100)).to_u64().unwrap_or(0);
    Ok(format!(
        "SON {} CON {cents:02}/100 SOLES",
        integer_in_words(int, true)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn sunat_examples() {
        let table = [
            (dec!(118.00), "SON CIENTO DIECIOCHO CON 00/100 SOLES"),
            (dec!(1230.99), "SON MIL DOSCIENTOS TREINTA CON 99/100 SOLES"),
            (dec!(0), "SON CERO CON 00/100 SOLES"),
            (dec!(0.5), "SON CERO CON 50/100 SOLES"),
            (dec!(1), "SON UN CON 00/100 SOLES"),
            (dec!(21), "SON VEINTIÚN CON 00/100 SOLES"),
            (dec!(100), "SON CIEN CON 00/100 SOLES"),
            (dec!(101), "SON CIENTO UN CON 00/100 SOLES"),
            (dec!(145.00), "SON CIENTO CUARENTA Y CINCO CON 00/100 SOLES"),
            (dec!(700.01), "SON SETECIENTOS CON 01/100 SOLES"),
            (dec!(21000), "SON VEINTIÚN MIL CON 00/100 SOLES"),
            (dec!(100000), "SON CIEN MIL CON 00/100 SOLES"),
            (dec!(1000000), "SON UN MILLÓN CON 00/100 SOLES"),
            (dec!(2001001), "SON DOS MILLONES MIL UN CON 00/100 SOLES"),
            (
                dec!(999999999.99),
                "SON NOVECIENTOS NOVENTA Y NUEVE MILLONES NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE CON 99/100 SOLES",
            ),
            (dec!(31.456), "SON TREINTA Y UN CON 46/100 SOLES"),
        ];
        for (n, words) in table {
            assert_eq!(amount_in_words(n).unwrap(), words, "{n}");
        }
    }

    #[test]
    fn out_of_range() {
        assert_eq!(
            amount_in_words(dec!(1000000000)),
            Err(DomainError::AmountTooLarge)
        );
        assert!(amount_in_words(dec!(-1)).is_err());
    }
}
