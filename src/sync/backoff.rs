//! Retry delays for FAILED outbox entries: `motordesk_core::retry_delay` (exponential,
//! capped, full jitter) with the kiosk's base and cap and the OS's random numbers.

use std::time::Duration;

pub(super) const BASE: Duration = Duration::from_secs(2);
pub(super) const CAP: Duration = Duration::from_secs(5 * 60);

/// A random number in `[0, 1)` from the OS generator.
pub(super) fn random_unit() -> f64 {
    use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
    let bits = OsRng.next_u64() >> 11;
    bits as f64 / (1u64 << 53) as f64
}

/// The delay for `attempt` with the default base and cap and real jitter.
pub(super) fn next_delay(attempt: u32) -> Duration {
    motordesk_core::retry_delay(attempt, BASE, CAP, random_unit())
}

#[cfg(test)]
mod tests {
    use super::*;

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
