//! Tenants: a chain of shops on one server, kept apart by construction. Each shop has its
//! own store — a redb file `shops/<id>/server.redb` beside the server's own, or a
//! PostgreSQL schema `shop_<id>` in the shared database — so its devices, users, series,
//! customers, documents, feed and SUNAT queue live where no other shop's request can
//! reach. The server's original store is the default shop (id 0): a one-shop install is
//! unchanged, and its tokens keep working.
//!
//! The default store also holds the registry: which shops exist (RUC, establishment,
//! name), which shop each device belongs to (a login names only its device), the
//! chain-wide kiosk numbers (series must not repeat under one RUC), and the owner
//! accounts. Every credential names its shop — device and session tokens of shop N are
//! `shopN.<secret>`, an enrollment code maps to its shop in the registry — so a request
//! is resolved to exactly one shop's store before a handler touches any data.

use crate::db::{DbError, DbResult, ServerDb};
use chrono::{DateTime, Utc};
use motordesk_core::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Most shops one server keeps (each one an open redb file or a schema of 17 tables).
pub const MAX_SHOPS: u32 = 200;
/// Longest shop name, in characters.
pub const MAX_SHOP_NAME: usize = 100;
/// Where tenant stores live, under the folder of the server's redb file.
pub const SHOPS_DIR: &str = "shops";

/// A shop's number; 0 is the default shop (the server's original store).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct ShopId(pub u32);

impl ShopId {
    pub const DEFAULT: ShopId = ShopId(0);

    pub fn is_default(self) -> bool {
        self == ShopId::DEFAULT
    }

    /// `secret` as a credential of this shop: unchanged for the default shop (old
    /// tokens keep working), `shopN.<secret>` for shop N.
    pub(crate) fn tag(self, secret: String) -> String {
        if self.is_default() {
            secret
        } else {
            format!("shop{}.{secret}", self.0)
        }
    }

    /// The shop a token names; `None` for a malformed prefix (refused, never guessed).
    pub(crate) fn of_token(token: &str) -> Option<ShopId> {
        let Some((prefix, _)) = token.split_once('.') else {
            return Some(ShopId::DEFAULT);
        };
        let digits = prefix.strip_prefix("shop")?;
        if digits.is_empty() || digits.len() > 3 || digits.starts_with('0') {
            return None;
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = digits.parse().ok()?;
        (1..=MAX_SHOPS).contains(&n).then_some(ShopId(n))
    }

    /// The PostgreSQL schema of this shop's tables (the default shop is `public`).
    pub(crate) fn schema(self) -> Option<String> {
        (!self.is_default()).then(|| format!("shop_{}", self.0))
    }
}

impl std::fmt::Display for ShopId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for ShopId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_SHOPS)
            .map(ShopId)
            .ok_or_else(|| format!("a shop id is a number from 0 to {MAX_SHOPS}, not {s:?}"))
    }
}

/// One shop of the chain: a RUC and one of its establishments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shop {
    pub id: ShopId,
    pub ruc: String,
    /// SUNAT's establishment code (código de establecimiento anexo), 4 digits.
    pub establishment: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// Why a shop could not be added.
#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    /// The RUC is not 11 digits with the right check digit.
    #[error("RUC {ruc:?}: {source}")]
    Ruc {
        ruc: String,
        #[source]
        source: DomainError,
    },
    /// The establishment code is not 4 digits.
    #[error("establishment code must be 4 digits (0000 = domicilio fiscal), not {0:?}")]
    Establishment(String),
    /// The name is empty or too long.
    #[error("shop name must have 1 to {MAX_SHOP_NAME} characters")]
    Name,
    /// `MAX_SHOPS` shops exist already.
    #[error("no more than {MAX_SHOPS} shops on one server")]
    TooMany,
    /// This RUC and establishment are a shop already.
    #[error("RUC {ruc} establishment {establishment} is shop {id} already")]
    Duplicate {
        ruc: String,
        establishment: String,
        id: ShopId,
    },
    /// The registry or the new shop's store failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A shop as asked for on the command line, checked.
pub fn new_shop(ruc: &str, establishment: &str, name: &str) -> Result<Shop, ShopError> {
    let ruc = ruc.trim();
    motordesk_core::validate_ruc(ruc).map_err(|source| ShopError::Ruc {
        ruc: ruc.chars().take(20).collect(),
        source,
    })?;
    let establishment = establishment.trim();
    if establishment.len() != 4 || !establishment.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShopError::Establishment(
            establishment.chars().take(20).collect(),
        ));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_SHOP_NAME || name.chars().any(char::is_control)
    {
        return Err(ShopError::Name);
    }
    Ok(Shop {
        id: ShopId::DEFAULT,
        ruc: ruc.to_string(),
        establishment: establishment.to_string(),
        name: name.to_string(),
        created_at: Utc::now(),
    })
}

/// Every shop's store, opened the first time it is asked for. Cheap to ask: a map
/// lookup once the store is open.
pub struct Shops {
    default: Arc<ServerDb>,
    open: Mutex<HashMap<ShopId, Arc<ServerDb>>>,
}

impl Shops {
    pub fn new(default: Arc<ServerDb>) -> Shops {
        Shops {
            default,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// The default shop's store, which holds the registry too.
    pub fn registry(&self) -> &Arc<ServerDb> {
        &self.default
    }

    /// The store of shop `id`; `None` when there is no such shop.
    pub fn get(&self, id: ShopId) -> DbResult<Option<Arc<ServerDb>>> {
        if id.is_default() {
            return Ok(Some(self.default.clone()));
        }
        if let Some(db) = self.lock().get(&id) {
            return Ok(Some(db.clone()));
        }
        let Some(shop) = self.default.shop(id)? else {
            return Ok(None);
        };
        // Opened under the lock: a redb file may be open only once per process.
        let mut open = self.lock();
        if let Some(db) = open.get(&id) {
            return Ok(Some(db.clone()));
        }
        let db = Arc::new(self.default.open_shop(&shop)?);
        open.insert(id, db.clone());
        Ok(Some(db))
    }

    /// The default shop and every registered one, in id order.
    pub fn all(&self) -> DbResult<Vec<(ShopId, Arc<ServerDb>)>> {
        let mut out = vec![(ShopId::DEFAULT, self.default.clone())];
        for shop in self.default.shops()? {
            if let Some(db) = self.get(shop.id)? {
                out.push((shop.id, db));
            }
        }
        Ok(out)
    }

    /// The shop device `id` is registered in, if any.
    pub fn home_of(&self, device: Uuid) -> DbResult<Option<ShopId>> {
        if let Some(shop) = self.default.read(|t| t.device_shop(device))? {
            return Ok(Some(shop));
        }
        Ok(self.default.device(device)?.map(|_| ShopId::DEFAULT))
    }

    /// Registers a new device in `shop` with a chain-wide kiosk number (and so series:
    /// two establishments of one RUC must never both issue B001-00000001), or
    /// re-registers it where it is.
    pub fn register(
        &self,
        shop: ShopId,
        device_id: Uuid,
        name: &str,
    ) -> DbResult<(crate::device::Device, String)> {
        let db = self.get(shop)?.ok_or(DbError::NoSuchShop(shop))?;
        if shop.is_default() || db.device(device_id)?.is_some() {
            return db.register(device_id, name);
        }
        let number = self.default.write(|t| {
            let n = t.next_kiosk_number(shop, device_id)?;
            if n <= crate::db::MAX_KIOSKS {
                t.put_device_shop(device_id, shop)?;
            }
            Ok(n)
        })?;
        db.register_numbered(device_id, name, number)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ShopId, Arc<ServerDb>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ServerDb {
    /// Every registered shop (not the default one), in id order.
    pub fn shops(&self) -> DbResult<Vec<Shop>> {
        let mut shops = self.read(|t| t.shops())?;
        shops.sort_by_key(|s| s.id);
        Ok(shops)
    }

    /// The registered shop `id`.
    pub fn shop(&self, id: ShopId) -> DbResult<Option<Shop>> {
        Ok(self.shops()?.into_iter().find(|s| s.id == id))
    }

    /// Adds `shop` to the registry (its id is given here) and creates its store.
    pub fn add_shop(&self, mut shop: Shop) -> Result<Shop, ShopError> {
        let added = self.write(|t| {
            let shops = t.shops()?;
            if let Some(s) = shops
                .iter()
                .find(|s| s.ruc == shop.ruc && s.establishment == shop.establishment)
            {
                return Ok(Err(ShopError::Duplicate {
                    ruc: s.ruc.clone(),
                    establishment: s.establishment.clone(),
                    id: s.id,
                }));
            }
            let next = shops.iter().map(|s| s.id.0).max().unwrap_or(0) + 1;
            if next > MAX_SHOPS {
                return Ok(Err(ShopError::TooMany));
            }
            shop.id = ShopId(next);
            t.put_shop(&shop)?;
            Ok(Ok(shop.clone()))
        })??;
        // Made now, so a broken disk or database shows at `shop add`, not at a kiosk.
        self.open_shop(&added)?;
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_shop_and_malformed_prefixes_name_none() {
        assert_eq!(ShopId(7).tag("ab".into()), "shop7.ab");
        assert_eq!(ShopId::DEFAULT.tag("ab".into()), "ab");
        assert_eq!(ShopId::of_token("shop7.ab"), Some(ShopId(7)));
        assert_eq!(ShopId::of_token("abcdef"), Some(ShopId::DEFAULT));
        for bad in [
            "shop0.ab",
            "shop07.ab",
            "shop+7.ab",
            "shop.ab",
            "shop201.ab",
            "shop9999.ab",
            "x.ab",
        ] {
            assert_eq!(ShopId::of_token(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_shop_needs_a_valid_ruc_establishment_and_name() {
        assert!(new_shop("20100070970", "0001", "Taller Norte").is_ok());
        assert!(matches!(
            new_shop("20100070971", "0001", "x"),
            Err(ShopError::Ruc { .. })
        ));
        assert!(matches!(
            new_shop("20100070970", "1", "x"),
            Err(ShopError::Establishment(_))
        ));
        assert!(matches!(
            new_shop("20100070970", "0001", " "),
            Err(ShopError::Name)
        ));
        assert!(matches!(
            new_shop("20100070970", "0001", &"n".repeat(MAX_SHOP_NAME + 1)),
            Err(ShopError::Name)
        ));
    }
}
