//! Enrollment codes: what a new kiosk must show to register. The server's administrator
//! makes one with `motordesk-server --new-enrollment-code` (shown once, stored as a hash,
//! single use, expiring); a kiosk that registers with it uses it up. A reusable code given
//! on the command line (`--enrollment-code`) is the explicit demo and test mode, and the
//! server logs a warning for it. Without either, nobody can register.

use crate::db::{DbResult, ServerDb, new_token, token_hash};
use crate::shops::ShopId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest enrollment code read from a request (generated ones are 24 characters).
pub const MAX_CODE_LEN: usize = 128;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EnrollmentCode {
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
    /// The shop a kiosk registering with it joins (codes made before shops: the default).
    #[serde(default)]
    pub(crate) shop: ShopId,
}

/// A new code: 24 lower-case hex characters in groups of four, easy to type on a kiosk.
fn new_code() -> String {
    let raw = new_token();
    raw.as_bytes()[..24]
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

impl ServerDb {
    /// Makes a single-use code valid for `hours`; returns it (the only time it is shown).
    pub fn new_enrollment_code(&self, hours: i64) -> DbResult<(String, DateTime<Utc>)> {
        self.new_shop_enrollment_code(hours, ShopId::DEFAULT)
    }

    /// A single-use code that registers a kiosk into `shop` (kept in the registry, so
    /// the code alone says which shop).
    pub fn new_shop_enrollment_code(
        &self,
        hours: i64,
        shop: ShopId,
    ) -> DbResult<(String, DateTime<Utc>)> {
        if !shop.is_default() && self.shop(shop)?.is_none() {
            return Err(crate::db::DbError::NoSuchShop(shop));
        }
        let code = new_code();
        let now = Utc::now();
        let entry = EnrollmentCode {
            created_at: now,
            expires_at: now + chrono::Duration::hours(hours.max(1)),
            shop,
        };
        let hash = token_hash(&normalize(&code));
        self.write(|t| t.put_code(&hash, &entry))?;
        Ok((code, entry.expires_at))
    }

    /// Uses up `code` if it is a stored, unexpired one, and says which shop it is for.
    /// Expired codes met on the way are removed too.
    pub fn consume_enrollment_code(&self, code: &str) -> DbResult<Option<ShopId>> {
        let key = token_hash(&normalize(code));
        let found = self.write(|t| t.take_code(&key))?;
        Ok(found.filter(|c| c.expires_at > Utc::now()).map(|c| c.shop))
    }
}

/// Codes are compared without dashes, spaces or case, as a cashier may type them.
fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_works_once_and_as_typed() {
        let dir = tempfile::tempdir().unwrap();
        let db = ServerDb::open(&dir.path().join("s.redb")).unwrap();
        let (code, expires) = db.new_enrollment_code(24).unwrap();
        assert_eq!(code.len(), 29, "{code}");
        assert!(expires > Utc::now() + chrono::Duration::hours(23));
        assert!(
            db.consume_enrollment_code("0000-0000-0000-0000-0000-0000")
                .unwrap()
                .is_none()
        );
        let typed = format!(" {} ", code.replace('-', " ").to_uppercase());
        assert_eq!(
            db.consume_enrollment_code(&typed).unwrap(),
            Some(ShopId::DEFAULT)
        );
        assert!(
            db.consume_enrollment_code(&code).unwrap().is_none(),
            "single use"
        );
    }
}
