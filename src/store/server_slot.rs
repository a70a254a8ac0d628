//! The server key slot: how a user who has never logged in on this kiosk gets in.
//!
//! At registration the kiosk wraps its data key under a random *escrow key*, keeps only
//! the wrapped copy (slot `@server`) and hands the escrow key to the server. The server
//! releases it only to a user it authenticates (`POST /v1/login`); the kiosk then opens
//! the store and caches that user's credentials as an ordinary Argon2id key slot, so the
//! next login works offline. Neither the kiosk's disk nor the server alone can read the
//! data.

use crate::store::error::StoreResult;
use crate::store::keyslots::KeySlot;
use crate::store::seal::{DataKey, open_with, seal_with};
use crate::store::tables::{KEY_SLOTS, META};
use crate::store::{Store, StoreError};
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use motordesk_core::{Role, User};
use redb::{Database, ReadableDatabase};
use std::path::Path;
use uuid::Uuid;

pub(super) const SERVER_SLOT: &str = "@server";

fn read_meta(path: &Path, key: &str) -> StoreResult<Option<Vec<u8>>> {
    if !path.exists() {
        return Ok(None);
    }
    let db = Database::create(path)?;
    let r = db.begin_read()?;
    let meta = match r.open_table(META) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(meta.get(key)?.map(|v| v.value().to_vec()))
}

impl Store {
    /// This kiosk's device id, readable before login (it is not secret).
    pub fn device_id_at(path: &Path) -> StoreResult<Option<Uuid>> {
        Ok(read_meta(path, "device_id")?.and_then(|b| Uuid::from_slice(&b).ok()))
    }

    /// The server to ask at login for users without a local key slot (plain: a URL).
    pub fn login_server_at(path: &Path) -> StoreResult<Option<String>> {
        Ok(read_meta(path, "login_server")?
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|s| !s.is_empty()))
    }

    /// The key this kiosk shows at the server's login (plain: it only lets a registered
    /// kiosk ask the server to check a password, throttled; it reads no data).
    pub fn login_key_at(path: &Path) -> StoreResult<Option<String>> {
        Ok(read_meta(path, "login_key")?
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|s| !s.is_empty()))
    }

    /// Creates (or replaces) the `@server` slot and returns the escrow key for the
    /// server, and a new login key (kept here too, see `login_key_at`). The kiosk must not
    /// keep the returned escrow key.
    pub fn create_server_slot(&self, server_url: &str) -> StoreResult<([u8; 32], String)> {
        let mut escrow = [0u8; 32];
        OsRng.fill_bytes(&mut escrow);
        let mut login = [0u8; 32];
        OsRng.fill_bytes(&mut login);
        let login_key: String = login.iter().map(|b| format!("{b:02x}")).collect();
        let slot = KeySlot {
            salt: [0; 16],
            memory_kib: 0,
            passes: 0,
            wrapped: seal_with(
                &escrow,
                SERVER_SLOT.as_bytes(),
                self.sealer().data_key().as_bytes(),
            ),
        };
        let txn = self.db().begin_write()?;
        txn.open_table(KEY_SLOTS)?
            .insert(SERVER_SLOT, serde_json::to_vec(&slot)?.as_slice())?;
        txn.open_table(META)?
            .insert("login_server", server_url.as_bytes())?;
        txn.open_table(META)?
            .insert("login_key", login_key.as_bytes())?;
        txn.commit()?;
        Ok((escrow, login_key))
    }

    /// Opens the store with the escrow key the server released for `username`, and caches
    /// the user's credentials locally (key slot + user record) for offline logins.
    pub fn unlock_with_server_key(
        path: &Path,
        username: &str,
        password: &str,
        escrow: &[u8; 32],
        role: Role,
        display_name: &str,
    ) -> StoreResult<Store> {
        let slot: KeySlot = {
            let db = Database::create(path)?;
            let r = db.begin_read()?;
            let slots = r.open_table(KEY_SLOTS)?;
            let raw = slots
                .get(SERVER_SLOT)?
                .ok_or(StoreError::NotFound("la llave del servidor"))?;
            serde_json::from_slice(raw.value()).map_err(|_| StoreError::Tampered("key slot"))?
        };
        let raw = open_with(escrow, SERVER_SLOT.as_bytes(), &slot.wrapped, "key slot")
            .map_err(|_| StoreError::WrongPassword)?;
        let key: [u8; 32] = raw
            .try_into()
            .map_err(|_| StoreError::Tampered("key slot"))?;
        let store = Store::open_with_key(path, DataKey::from_bytes(key), username)?;
        store.cache_user(username, password, display_name, role)?;
        Ok(store)
    }

    /// Writes (or refreshes) a user's local key slot and record after the server
    /// vouched for them: the next login needs no network.
    pub fn cache_user(
        &self,
        username: &str,
        password: &str,
        display_name: &str,
        role: Role,
    ) -> StoreResult<()> {
        let slot = KeySlot::wrap(username, password, self.sealer().data_key())?;
        let user = User {
            username: username.to_string(),
            display_name: display_name.to_string(),
            role,
            active: true,
            created_at: chrono::Utc::now(),
        };
        let txn = self.db().begin_write()?;
        txn.open_table(KEY_SLOTS)?
            .insert(username, serde_json::to_vec(&slot)?.as_slice())?;
        let sealed = self.seal_json("users", username.as_bytes(), &user)?;
        txn.open_table(crate::store::tables::USERS)?
            .insert(username, sealed.as_slice())?;
        txn.commit()?;
        Ok(())
    }
}
