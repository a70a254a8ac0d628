//! The lookup cache: answers kept in this process's memory so a number typed twice (the
//! cashier corrects an amount, two kiosks serve the same fleet customer) costs one
//! provider call. Bounded: past `capacity` entries the expired ones go first, then the
//! oldest. Several server instances each keep their own (docs/deployment.md): a miss on
//! one costs one more provider call, never a wrong answer, since every entry expires.

use motordesk_core::{LookupKind, LookupResult};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What the provider said about a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Cached {
    Found(Box<LookupResult>),
    /// The provider has no such number (its 404, or a 200 without a name).
    NotFound,
}

struct Entry {
    value: Cached,
    stored: Instant,
    expires: Instant,
}

pub struct Cache {
    entries: Mutex<HashMap<(LookupKind, String), Entry>>,
    capacity: usize,
    found_ttl: Duration,
    missing_ttl: Duration,
}

impl Cache {
    pub fn new(capacity: usize, found_ttl: Duration, missing_ttl: Duration) -> Cache {
        Cache {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
            found_ttl,
            missing_ttl,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(LookupKind, String), Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The answer kept for this number, unless it has expired.
    pub fn get(&self, kind: LookupKind, number: &str, now: Instant) -> Option<Cached> {
        let mut map = self.lock();
        let key = (kind, number.to_string());
        match map.get(&key) {
            Some(e) if e.expires > now => Some(e.value.clone()),
            Some(_) => {
                map.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Keeps an answer: a found one for `found_ttl`, a missing one for `missing_ttl`.
    pub fn put(&self, kind: LookupKind, number: &str, value: Cached, now: Instant) {
        let ttl = match value {
            Cached::Found(_) => self.found_ttl,
            Cached::NotFound => self.missing_ttl,
        };
        let mut map = self.lock();
        let key = (kind, number.to_string());
        if !map.contains_key(&key) && map.len() >= self.capacity {
            map.retain(|_, e| e.expires > now);
            if map.len() >= self.capacity {
                // One linear pass at 10,000 entries is microseconds, and only when full.
                if let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, e)| e.stored)
                    .map(|(k, _)| k.clone())
                {
                    map.remove(&oldest);
                }
            }
        }
        map.insert(
            key,
            Entry {
                value,
                stored: now,
                expires: now + ttl,
            },
        );
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(n: &str) -> Cached {
        Cached::Found(Box::new(LookupResult {
            kind: LookupKind::Dni,
            number: n.into(),
            name: "X".into(),
            address: String::new(),
            taxpayer: None,
            ubigeo: None,
        }))
    }

    #[test]
    fn found_and_missing_expire_on_their_own_clocks() {
        let c = Cache::new(10, Duration::from_secs(100), Duration::from_secs(10));
        let t0 = Instant::now();
        c.put(LookupKind::Dni, "45678912", found("45678912"), t0);
        c.put(LookupKind::Dni, "11111111", Cached::NotFound, t0);
        let at = |s| t0 + Duration::from_secs(s);
        assert_eq!(
            c.get(LookupKind::Dni, "11111111", at(9)),
            Some(Cached::NotFound)
        );
        assert_eq!(c.get(LookupKind::Dni, "11111111", at(10)), None);
        assert!(c.get(LookupKind::Dni, "45678912", at(99)).is_some());
        assert!(
            c.get(LookupKind::Ruc, "45678912", at(1)).is_none(),
            "kind is part of the key"
        );
        assert_eq!(c.get(LookupKind::Dni, "45678912", at(100)), None);
        assert_eq!(c.len(), 0, "expired entries are dropped when read");
    }

    #[test]
    fn a_full_cache_drops_expired_entries_then_the_oldest() {
        let c = Cache::new(3, Duration::from_secs(100), Duration::from_secs(10));
        let t0 = Instant::now();
        let at = |s| t0 + Duration::from_secs(s);
        c.put(LookupKind::Dni, "00000001", Cached::NotFound, at(0));
        c.put(LookupKind::Dni, "00000002", found("00000002"), at(1));
        c.put(LookupKind::Dni, "00000003", found("00000003"), at(2));
        // At 20 s the missing one has expired: it makes room.
        c.put(LookupKind::Dni, "00000004", found("00000004"), at(20));
        assert_eq!(c.len(), 3);
        assert!(c.get(LookupKind::Dni, "00000002", at(21)).is_some());
        // Nothing expired: the oldest (00000002) goes.
        c.put(LookupKind::Dni, "00000005", found("00000005"), at(22));
        assert_eq!(c.len(), 3);
        assert!(c.get(LookupKind::Dni, "00000002", at(23)).is_none());
        assert!(c.get(LookupKind::Dni, "00000003", at(23)).is_some());
        assert!(c.get(LookupKind::Dni, "00000005", at(23)).is_some());
    }
}
