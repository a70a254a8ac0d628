//! Slows down guessing: passwords on `/v1/login`, enrollment codes on registration.
//!
//! Each key (an account, a client address) counts its failures. The first few are free;
//! then each further attempt must wait a growing delay (1 s, 2 s, 4 s … 60 s), and after
//! `LOCK_AFTER` failures the key is locked for `LOCK_FOR`. An attempt that comes too
//! early is refused with the seconds to wait (HTTP 429 + Retry-After) without checking
//! the password at all, so guessing speed no longer depends on the server's CPU. A
//! success clears the key. A lone server keeps the counts in memory (a restart
//! forgives, which the log shows); servers sharing a PostgreSQL database keep them in its
//! `throttle` table, so a guesser gains nothing by spreading attempts over instances.

use crate::db::{DbResult, ServerDb};
use crate::storage::ThrottleEntry;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed without any wait.
const FREE_FAILURES: u32 = 3;
/// Failures that lock the key.
pub const LOCK_AFTER: u32 = 10;
/// How long a locked key stays locked.
pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);
const MAX_DELAY: Duration = Duration::from_secs(60);
/// Keys remembered at most; the stalest are dropped past this (an address flood).
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    /// No attempt is looked at before this instant.
    not_before: Instant,
    last: Instant,
}

#[derive(Debug, Default)]
pub struct Throttle {
    keys: Mutex<HashMap<String, Entry>>,
}

/// The wait after `failures` failures.
fn wait_after(failures: u32) -> Duration {
    if failures >= LOCK_AFTER {
        return LOCK_FOR;
    }
    if failures <= FREE_FAILURES {
        return Duration::ZERO;
    }
    let shift = (failures - FREE_FAILURES - 1).min(16);
    Duration::from_secs(1u64 << shift).min(MAX_DELAY)
}

impl Throttle {
    /// `Err(seconds)` when any of `keys` must still wait.
    pub fn check(&self, keys: &[String]) -> Result<(), u64> {
        let now = Instant::now();
        let map = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        let wait = keys
            .iter()
            .filter_map(|k| map.get(k))
            .map(|e| e.not_before.saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait.as_secs().max(1))
        }
    }

    /// One more failure for each of `keys`.
    pub fn failed(&self, keys: &[String]) {
        let now = Instant::now();
        let mut map = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_KEYS {
            let cutoff = now.checked_sub(LOCK_FOR).unwrap_or(now);
            map.retain(|_, e| e.last > cutoff);
            if map.len() >= MAX_KEYS {
                map.clear();
                log::warn!("throttle: more than {MAX_KEYS} keys failing at once; forgot them all");
            }
        }
        for k in keys {
            let e = map.entry(k.clone()).or_insert(Entry {
                failures: 0,
                not_before: now,
                last: now,
            });
            e.failures += 1;
            e.last = now;
            e.not_before = now + wait_after(e.failures);
            if e.failures == LOCK_AFTER {
                log::warn!(
                    "throttle: {k} locked for {} min after {LOCK_AFTER} failures",
                    LOCK_FOR.as_secs() / 60
                );
            } else if e.failures > FREE_FAILURES {
                log::info!("throttle: {k} failed {} times", e.failures);
            }
        }
    }

    /// A success: `keys` start again from zero.
    pub fn succeeded(&self, keys: &[String]) {
        let mut map = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            map.remove(k);
        }
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `key`'s entry after one more failure at `now_ms`.
fn after_failure(key: &str, e: Option<ThrottleEntry>, now_ms: i64) -> ThrottleEntry {
    let failures = e.map_or(0, |e| e.failures) + 1;
    if failures == LOCK_AFTER {
        log::warn!(
            "throttle: {key} locked for {} min after {LOCK_AFTER} failures",
            LOCK_FOR.as_secs() / 60
        );
    } else if failures > FREE_FAILURES {
        log::info!("throttle: {key} failed {failures} times");
    }
    ThrottleEntry {
        failures,
        not_before_ms: now_ms + wait_after(failures).as_millis() as i64,
        last_ms: now_ms,
    }
}

impl ServerDb {
    /// `Err(seconds)` when any of `keys` must still wait (the database's counts).
    pub fn throttle_check(&self, keys: &[String]) -> DbResult<Result<(), u64>> {
        let now = now_ms();
        let wait_ms = self.read(|t| {
            let mut wait = 0i64;
            for k in keys {
                if let Some(e) = t.throttle(k)? {
                    wait = wait.max(e.not_before_ms - now);
                }
            }
            Ok(wait)
        })?;
        Ok(if wait_ms <= 0 {
            Ok(())
        } else {
            Err((wait_ms as u64).div_ceil(1000).max(1))
        })
    }

    /// One more failure for each of `keys`, counted in the database (row-locked, so two
    /// instances counting at once both count).
    pub fn throttle_failed(&self, keys: &[String]) -> DbResult<()> {
        let now = now_ms();
        let mut fresh = false;
        self.write(|t| {
            fresh = false;
            for k in keys {
                let e = t.throttle(k)?;
                fresh |= e.is_none();
                t.put_throttle(k, Some(after_failure(k, e, now)))?;
            }
            Ok(())
        })?;
        if fresh {
            // The table's bound: a key nobody failed with for `LOCK_FOR` waits for
            // nothing any more, so an address flood leaves no lasting rows.
            let before = now - LOCK_FOR.as_millis() as i64;
            let gone = self.write(|t| t.prune_throttle(before))?;
            if gone > 0 {
                log::info!(
                    "throttle: forgot {gone} keys idle for {} min",
                    LOCK_FOR.as_secs() / 60
                );
            }
        }
        Ok(())
    }

    /// A success: `keys` start again from zero.
    pub fn throttle_succeeded(&self, keys: &[String]) -> DbResult<()> {
        self.write(|t| {
            for k in keys {
                t.put_throttle(k, None)?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_then_lock() {
        let waits: Vec<u64> = (0..12).map(|f| wait_after(f).as_secs()).collect();
        assert_eq!(waits[..10], [0, 0, 0, 0, 1, 2, 4, 8, 16, 32]);
        assert_eq!(waits[10], LOCK_FOR.as_secs());
        assert_eq!(waits[11], LOCK_FOR.as_secs());
    }

    #[test]
    fn early_attempts_are_refused_and_success_clears() {
        let t = Throttle::default();
        let keys = vec!["user:lucia".to_string(), "ip:10.0.0.9".to_string()];
        for _ in 0..FREE_FAILURES {
            assert_eq!(t.check(&keys), Ok(()));
            t.failed(&keys);
        }
        assert_eq!(t.check(&keys), Ok(()), "the first failures cost nothing");
        t.failed(&keys);
        assert!(
            t.check(&keys).is_err(),
            "the fourth failure makes the next wait"
        );
        // Another account from the same address waits too; another address for another
        // account does not.
        assert!(t.check(&["ip:10.0.0.9".to_string()]).is_err());
        assert_eq!(
            t.check(&["user:ana".to_string(), "ip:10.0.0.7".to_string()]),
            Ok(())
        );
        t.succeeded(&keys);
        assert_eq!(t.check(&keys), Ok(()));
    }

    #[test]
    fn counts_in_the_database_follow_the_same_waits() {
        let dir = tempfile::tempdir().unwrap();
        let db = ServerDb::open(&dir.path().join("s.redb")).unwrap();
        let keys = vec!["user:lucia".to_string()];
        for _ in 0..FREE_FAILURES {
            assert_eq!(db.throttle_check(&keys).unwrap(), Ok(()));
            db.throttle_failed(&keys).unwrap();
        }
        assert_eq!(db.throttle_check(&keys).unwrap(), Ok(()));
        db.throttle_failed(&keys).unwrap();
        assert_eq!(db.throttle_check(&keys).unwrap(), Err(1));
        db.throttle_succeeded(&keys).unwrap();
        assert_eq!(db.throttle_check(&keys).unwrap(), Ok(()));

        // A key idle for longer than a lock lasts is forgotten when a new one fails.
        let old = ThrottleEntry {
            failures: LOCK_AFTER,
            not_before_ms: 0,
            last_ms: now_ms() - LOCK_FOR.as_millis() as i64 - 1,
        };
        db.write(|t| t.put_throttle("ip:10.9.9.9", Some(old)))
            .unwrap();
        db.throttle_failed(&["ip:10.0.0.1".to_string()]).unwrap();
        assert!(db.read(|t| t.throttle("ip:10.9.9.9")).unwrap().is_none());
        assert!(db.read(|t| t.throttle("ip:10.0.0.1")).unwrap().is_some());
    }
}
