//! Hybrid logical clock: wall time in ms plus a counter, tie-broken by device id.
//! Last writer wins per record by comparing these stamps, so two kiosks with skewed
//! clocks still agree on one order.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub device: Uuid,
}

impl Hlc {
    /// The next stamp for a local event, given the last stamp this device issued or saw.
    pub fn tick(last: Hlc, now_ms: i64, device: Uuid) -> Hlc {
        if now_ms > last.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
                device,
            }
        } else {
            Hlc {
                wall_ms: last.wall_ms,
                counter: last.counter + 1,
                device,
            }
        }
    }

    /// Merges a remote stamp on receive so later local stamps order after it.
    pub fn observe(last: Hlc, remote: Hlc, now_ms: i64, device: Uuid) -> Hlc {
        let wall = now_ms.max(last.wall_ms).max(remote.wall_ms);
        let counter = if wall == last.wall_ms && wall == remote.wall_ms {
            last.counter.max(remote.counter) + 1
        } else if wall == last.wall_ms {
            last.counter + 1
        } else if wall == remote.wall_ms {
            remote.counter + 1
        } else {
            0
        };
        Hlc {
            wall_ms: wall,
            counter,
            device,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_monotonic_even_if_the_wall_clock_goes_back() {
        let d = Uuid::now_v7();
        let a = Hlc::tick(Hlc::default(), 1000, d);
        let b = Hlc::tick(a, 900, d);
        let c = Hlc::tick(b, 900, d);
        assert!(a < b && b < c);
    }

    #[test]
    fn observing_a_future_stamp_moves_us_past_it() {
        let (d1, d2) = (Uuid::now_v7(), Uuid::now_v7());
        let remote = Hlc {
            wall_ms: 5000,
            counter: 3,
            device: d2,
        };
        let local = Hlc::observe(Hlc::tick(Hlc::default(), 1000, d1), remote, 1000, d1);
        assert!(local > remote);
        assert!(Hlc::tick(local, 1001, d1) > remote);
    }
}
