//! Key slots: the data key wrapped once per user under a key derived from that user's
//! password with Argon2id. Any authorised user unwraps the same data key; a wrong password
//! fails the AEAD check, so the slot doubles as the password hash.

use crate::store::error::{StoreError, StoreResult};
use crate::store::seal::{DataKey, open_with, seal_with};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use serde::{Deserialize, Serialize};

/// Argon2id cost: OWASP's minimum (19 MiB, 2 passes, 1 lane), about 30–60 ms here.
pub(super) const KDF_MEMORY_KIB: u32 = 19 * 1024;
pub(super) const KDF_PASSES: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct KeySlot {
    pub salt: [u8; 16],
    pub memory_kib: u32,
    pub passes: u32,
    /// nonce ‖ ChaCha20-Poly1305(KEK, data key), AAD = username.
    pub wrapped: Vec<u8>,
}

fn derive(password: &str, salt: &[u8; 16], memory_kib: u32, passes: u32) -> StoreResult<[u8; 32]> {
    let params = Params::new(memory_kib, passes, 1, Some(32))?;
    let mut kek = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into(
        password.as_bytes(),
        salt,
        &mut kek,
    )?;
    Ok(kek)
}

impl KeySlot {
    pub(super) fn wrap(username: &str, password: &str, key: &DataKey) -> StoreResult<KeySlot> {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let kek = derive(password, &salt, KDF_MEMORY_KIB, KDF_PASSES)?;
        Ok(KeySlot {
            salt,
            memory_kib: KDF_MEMORY_KIB,
            passes: KDF_PASSES,
            wrapped: seal_with(&kek, username.as_bytes(), key.as_bytes()),
        })
    }

    pub(super) fn unwrap(&self, username: &str, password: &str) -> StoreResult<DataKey> {
        let kek = derive(password, &self.salt, self.memory_kib, self.passes)?;
        let raw = open_with(&kek, username.as_bytes(), &self.wrapped, "key slot")
            .map_err(|_| StoreError::WrongPassword)?;
        let bytes: [u8; 32] = raw
            .try_into()
            .map_err(|_| StoreError::Tampered("key slot"))?;
        Ok(DataKey::from_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_password_unwraps_wrong_one_does_not() {
        let key = DataKey::generate();
        let slot = KeySlot::wrap("caja1", "s3creta!", &key).unwrap();
        assert_eq!(
            slot.unwrap("caja1", "s3creta!").unwrap().as_bytes(),
            key.as_bytes()
        );
        assert!(matches!(
            slot.unwrap("caja1", "secreta"),
            Err(StoreError::WrongPassword)
        ));
        assert!(matches!(
            slot.unwrap("caja2", "s3creta!"),
            Err(StoreError::WrongPassword)
        ));
    }
}
