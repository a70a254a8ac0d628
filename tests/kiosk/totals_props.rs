//! Property tests for document totals, rounding and amount in words.

use motordesk_core::amount_in_words;
use motordesk_core::round2;
use motordesk_core::{IGV_RATE, LineInput, TaxAffectation, compute_totals};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn affectation() -> impl Strategy<Value = TaxAffectation> {
    prop_oneof![
        6 => Just(TaxAffectation::Gravado),
        1 => Just(TaxAffectation::Exonerado),
        1 => Just(TaxAffectation::Inafecto),
    ]
}

fn line() -> impl Strategy<Value = LineInput> {
    // quantity 0.001–999.999, price 0.00–99,999.99, discount up to the gross amount
    (1u64..1_000_000, 0u64..10_000_000, affectation(), 0u64..=100).prop_map(
        |(q, p, a, disc_pct)| {
            let quantity = Decimal::new(q as i64, 3);
            let unit_price = Decimal::new(p as i64, 2);
            let gross = round2(quantity * unit_price);
            let discount = round2(gross * Decimal::new(disc_pct as i64, 2));
            LineInput {
                quantity,
                unit_price,
                discount,
                affectation: a,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn header_is_the_sum_of_lines_and_parts_add_up(
        lines in prop::collection::vec(line(), 1..25),
        global in 0u64..=100,
    ) {
        let t = compute_totals(&lines, Decimal::new(global as i64, 0)).unwrap();
        // Parts add up to the total, to the céntimo.
        prop_assert_eq!(t.gravada + t.exonerada + t.inafecta + t.igv, t.total);
        prop_assert_eq!(t.total, t.lines.iter().map(|l| l.total).sum::<Decimal>());
        prop_assert_eq!(t.igv, t.lines.iter().map(|l| l.igv).sum::<Decimal>());
        for (input, l) in lines.iter().zip(&t.lines) {
            // Every amount has two decimals, nothing negative.
            for v in [l.gross, l.discount, l.total, l.base, l.igv] {
                prop_assert_eq!(v, round2(v));
                prop_assert!(!v.is_sign_negative() || v.is_zero());
            }
            prop_assert_eq!(l.base + l.igv, l.total);
            if input.affectation == TaxAffectation::Gravado {
                // Line IGV within one céntimo of base × 18% (SUNAT allows ±1.00).
                prop_assert!((l.igv - l.base * IGV_RATE).abs() <= Decimal::new(1, 2));
            } else {
                prop_assert!(l.igv.is_zero());
            }
        }
        // Header IGV against the header base: well inside SUNAT's ±1.00.
        let drift = (t.igv - t.gravada * IGV_RATE).abs();
        prop_assert!(drift <= Decimal::new(1, 2) * Decimal::from(lines.len() as u64));
        prop_assert!(drift <= Decimal::ONE);
    }

    #[test]
    fn no_discount_keeps_the_shelf_price(lines in prop::collection::vec(line(), 1..10)) {
        let plain: Vec<LineInput> = lines.into_iter().map(|l| LineInput { discount: Decimal::ZERO, ..l }).collect();
        let t = compute_totals(&plain, Decimal::ZERO).unwrap();
        let shelf: Decimal = plain.iter().map(|l| round2(l.quantity * l.unit_price)).sum();
        prop_assert_eq!(t.total, shelf);
    }

    #[test]
    fn amount_in_words_has_the_sunat_shape(cents in 0u64..100_000_000_000) {
        let amount = Decimal::new(cents as i64, 2);
        let words = amount_in_words(amount).unwrap();
        prop_assert!(words.starts_with("SON "));
        let tail = format!(" CON {:02}/100 SOLES", cents % 100);
        prop_assert!(words.ends_with(&tail), "{}", words);
        prop_assert!(!words.contains("  "));
        prop_assert!(words.chars().all(|c| c.is_uppercase() || c == ' ' || c.is_ascii_digit() || c == '/'));
    }

    #[test]
    fn negative_quantities_are_always_refused(q in 1u64..1_000_000, p in 0u64..1_000_000) {
        let l = LineInput {
            quantity: -Decimal::new(q as i64, 3),
            unit_price: Decimal::new(p as i64, 2),
            discount: Decimal::ZERO,
            affectation: TaxAffectation::Gravado,
        };
        prop_assert!(compute_totals(&[l], Decimal::ZERO).is_err());
    }
}
