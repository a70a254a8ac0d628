//! Login throttling: after a few wrong passwords, attempts are refused until a wait that
//! doubles with each failure (capped) has passed.
//!
//! The counters live in the store file, plain (a count and a time are not secret), so a
//! restart does not reset them and they are read before any login. Each failure is its
//! own durable transaction. The check refuses; it never sleeps, so nothing waits on a
//! thread and a refused attempt costs no Argon2id.
//!
//! Two counters: one per account (an account with a key slot, so a password typed into
//! the user field is never written down) and one for every attempt (`@all`), which also
//! covers unknown user names and guessing across accounts.

use crate::store::error::{StoreError, StoreResult};
use crate::store::tables::LOGIN_FAILURES;
use redb::{Database, ReadableDatabase, ReadableTable};

/// Failures of one account answered without a wait.
pub(super) const ACCOUNT_FREE: u32 = 3;
/// Failures of all accounts together answered without a wait.
pub(super) const GLOBAL_FREE: u32 = 10;
/// The longest wait, in seconds.
pub(super) const MAX_WAIT_SECS: i64 = 60;
/// The row counting every failed attempt ('@' names are never accounts).
const ALL: &str = "@all";

pub(super) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The wait after `failures` failures in a row when the first `free` cost nothing:
/// 0 … 0, then 1 s, 2 s, 4 s, … up to 60 s.
pub(super) fn wait_secs(failures: u32, free: u32) -> i64 {
    if failures <= free {
        0
    } else {
        (1i64 << (failures - free - 1).min(6)).min(MAX_WAIT_SECS)
    }
}

/// Milliseconds still to wait after `failures` failures, the last at `last_ms`. Never
/// more than the full wait, so a clock set back cannot lock anyone out for longer.
fn remaining_ms(failures: u32, last_ms: i64, free: u32, now_ms: i64) -> i64 {
    let wait = wait_secs(failures, free) * 1000;
    (last_ms.saturating_add(wait) - now_ms).clamp(0, wait)
}

/// Seconds (rounded up) before `username` may try a password; 0 means now.
pub(super) fn remaining(db: &Database, username: &str, now_ms: i64) -> StoreResult<u64> {
    let r = db.begin_read()?;
    let t = match r.open_table(LOGIN_FAILURES) {
        Ok(t) => t,
        // A file from before throttling, or with no failure yet.
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut ms = 0;
    for (key, free) in [(username, ACCOUNT_FREE), (ALL, GLOBAL_FREE)] {
        if let Some(v) = t.get(key)? {
            let (failures, last) = v.value();
            ms = ms.max(remaining_ms(failures, last, free, now_ms));
        }
    }
    Ok((ms as u64).div_ceil(1000))
}

/// Refuses with `TooManyAttempts` while `username` must still wait.
pub(super) fn check(db: &Database, username: &str, now_ms: i64) -> StoreResult<()> {
    match remaining(db, username, now_ms)? {
        0 => Ok(()),
        wait_secs => Err(StoreError::TooManyAttempts { wait_secs }),
    }
}

/// Counts a failed attempt: always in `@all`, and for `account` when the name has a key
/// slot. Durable before the caller answers.
pub(super) fn record_failure(db: &Database, account: Option<&str>, now_ms: i64) -> StoreResult<()> {
    let txn = db.begin_write()?;
    {
        let mut t = txn.open_table(LOGIN_FAILURES)?;
        for key in [Some(ALL), account].into_iter().flatten() {
            let failures = t.get(key)?.map_or(0, |v| v.value().0);
            t.insert(key, (failures.saturating_add(1), now_ms))?;
        }
    }
    txn.commit()?;
    Ok(())
}

/// After a good password: the account's and the global count start again. Writes only
/// when there is something to clear, so an ordinary login costs no commit.
pub(super) fn clear(db: &Database, username: &str) -> StoreResult<()> {
    let present = {
        let r = db.begin_read()?;
        match r.open_table(LOGIN_FAILURES) {
            Ok(t) => t.get(username)?.is_some() || t.get(ALL)?.is_some(),
            Err(redb::TableError::TableDoesNotExist(_)) => false,
            Err(e) => return Err(e.into()),
        }
    };
    if present {
        let txn = db.begin_write()?;
        {
            let mut t = txn.open_table(LOGIN_FAILURES)?;
            t.remove(username)?;
            t.remove(ALL)?;
        }
        txn.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000_000;

    fn db(dir: &tempfile::TempDir) -> Database {
        Database::create(dir.path().join("t.redb")).unwrap()
    }

    #[test]
    fn the_wait_grows_after_three_failures_and_stops_at_a_minute() {
        let waits: Vec<i64> = (1..=12).map(|n| wait_secs(n, ACCOUNT_FREE)).collect();
        assert_eq!(waits, [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(wait_secs(u32::MAX, ACCOUNT_FREE), 60);
        assert_eq!(wait_secs(10, GLOBAL_FREE), 0);
        assert_eq!(wait_secs(11, GLOBAL_FREE), 1);
    }

    #[test]
    fn failures_are_counted_in_the_file_and_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let d = db(&dir);
        let mut now = T0;
        for n in 1..=9u32 {
            check(&d, "caja1", now).unwrap();
            record_failure(&d, Some("caja1"), now).unwrap();
            assert_eq!(
                remaining(&d, "caja1", now).unwrap() as i64,
                wait_secs(n, ACCOUNT_FREE)
            );
            now += wait_secs(n, ACCOUNT_FREE) * 1000;
        }
        // 9 failures: 32 s. Half way through, the check answers at once with the rest.
        let started = std::time::Instant::now();
        let e = check(&d, "caja1", now - 16_000).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        assert!(
            matches!(e, StoreError::TooManyAttempts { wait_secs: 16 }),
            "{e:?}"
        );
        // Another account is not held up by caja1's failures (9 < the global 10).
        check(&d, "caja2", now - 16_000).unwrap();

        // A restart: the same file opened again keeps the count.
        drop(d);
        let d = db(&dir);
        assert_eq!(remaining(&d, "caja1", now - 1_000).unwrap(), 1);
        // One more failure doubles the wait; a good password then clears it.
        record_failure(&d, Some("caja1"), now).unwrap();
        assert_eq!(remaining(&d, "caja1", now).unwrap(), 60);
        clear(&d, "caja1").unwrap();
        assert_eq!(remaining(&d, "caja1", now).unwrap(), 0);
        record_failure(&d, Some("caja1"), now).unwrap();
        assert_eq!(
            remaining(&d, "caja1", now).unwrap(),
            0,
            "counting starts again"
        );
    }

    #[test]
    fn unknown_names_fill_the_global_counter_for_everyone() {
        let dir = tempfile::tempdir().unwrap();
        let d = db(&dir);
        for _ in 0..GLOBAL_FREE {
            record_failure(&d, None, T0).unwrap();
        }
        assert_eq!(remaining(&d, "admin", T0).unwrap(), 0);
        record_failure(&d, None, T0).unwrap();
        assert_eq!(remaining(&d, "admin", T0).unwrap(), 1);
        assert_eq!(remaining(&d, "nadie", T0).unwrap(), 1);
    }

    #[test]
    fn a_clock_set_back_never_makes_the_wait_longer_than_its_cap() {
        assert_eq!(remaining_ms(20, T0, ACCOUNT_FREE, T0 - 3_600_000), 60_000);
        assert_eq!(remaining_ms(4, T0, ACCOUNT_FREE, T0 + 400), 600);
        assert_eq!(remaining_ms(4, T0, ACCOUNT_FREE, T0 + 5_000), 0);
    }
}
