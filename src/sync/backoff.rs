//! Retry delays for FAILED outbox entries: exponential, capped, with full jitter, so a
//! shop full of kiosks coming back online does not hammer the server in lockstep.

use std::time::Duration;

pub(super) const BASE: Duration = Duration::from_secs(2);
pub(super) const CAP: Duration = Duration::from_secs(5 * 60);

/// The delay before retry number `attempt` (1 = first retry): uniform in
/// `[0, min(cap, base * 2^(attempt-1))]`, picked by `unit` in `[0, 1)`.
/// Pure, so tests can pin the random part.
pub(super) fn delay(attempt: u32, base: Duration, cap: Duration, unit: f64) -> Duration {
    let ceiling = ceiling(attempt, base, cap);
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    Duration::from_millis((ceiling.as_millis() as f64 * unit) as u64)
}

/// The upper bound of the jitter window for `attempt`.
pub(super) fn ceiling(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let shift = attempt.saturating_sub(1).min(32);
    let ms = (base.as_millis() as u64).saturating_mul(1u64 << shift);
    Duration::from_millis(ms).min(cap)
}

/// A random number in `[0, 1)` from the OS generator.
pub(super) fn random_unit() -> f64 {
    use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
    let bits = OsRng.next_u64() >> 11;
    bits as f64 / (1u64 << 53) as f64
}

/// The delay for `attempt` with the default base and cap and real jitter.
pub(super) fn next_delay(attempt: u32) -> Duration {
    delay(attempt, BASE, CAP, random_unit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_then_caps() {
        let c = |a| ceiling(a, BASE, CAP).as_secs();
        assert_eq!([c(0), c(1), c(2), c(3), c(4)], [2, 2, 4, 8, 16]);
        assert_eq!(c(8), 256);
        assert_eq!(c(9), 300);
        assert_eq!(
            c(1_000),
            300,
            "huge attempt counts neither overflow nor pass the cap"
        );
    }

    #[test]
    fn full_jitter_spans_zero_to_ceiling() {
        assert_eq!(delay(3, BASE, CAP, 0.0), Duration::ZERO);
        assert_eq!(delay(3, BASE, CAP, 0.5), Duration::from_secs(4));
        assert!(delay(3, BASE, CAP, 0.999_999) <= Duration::from_secs(8));
        assert_eq!(delay(50, BASE, CAP, 1.0), CAP);
        assert_eq!(delay(3, BASE, CAP, f64::NAN), Duration::ZERO);
    }

    #[test]
    fn random_unit_stays_in_range_and_varies() {
        let xs: Vec<f64> = (0..200).map(|_| random_unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(xs.iter().any(|x| *x != xs[0]));
        for _ in 0..200 {
            assert!(next_delay(4) <= Duration::from_secs(16));
        }
    }
}
