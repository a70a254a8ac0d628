//! Retry delays: exponential, capped, with full jitter, so a shop full of kiosks coming
//! back online (or a server catching up with SUNAT) does not hammer the other side in
//! lockstep. Pure: the caller brings the random number.

use std::time::Duration;

/// The delay before retry number `attempt` (1 = first retry): uniform in
/// `[0, min(cap, base * 2^(attempt-1))]`, picked by `unit` in `[0, 1)`.
pub fn retry_delay(attempt: u32, base: Duration, cap: Duration, unit: f64) -> Duration {
    let ceiling = retry_ceiling(attempt, base, cap);
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    Duration::from_millis((ceiling.as_millis() as f64 * unit) as u64)
}

/// The upper bound of the jitter window for `attempt`.
pub fn retry_ceiling(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let shift = attempt.saturating_sub(1).min(32);
    let ms = (base.as_millis() as u64).saturating_mul(1u64 << shift);
    Duration::from_millis(ms).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(2);
    const CAP: Duration = Duration::from_secs(5 * 60);

    #[test]
    fn ceiling_doubles_then_caps() {
        let c = |a| retry_ceiling(a, BASE, CAP).as_secs();
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
        assert_eq!(retry_delay(3, BASE, CAP, 0.0), Duration::ZERO);
        assert_eq!(retry_delay(3, BASE, CAP, 0.5), Duration::from_secs(4));
        assert!(retry_delay(3, BASE, CAP, 0.999_999) <= Duration::from_secs(8));
        assert_eq!(retry_delay(50, BASE, CAP, 1.0), CAP);
        assert_eq!(retry_delay(3, BASE, CAP, f64::NAN), Duration::ZERO);
    }
}
