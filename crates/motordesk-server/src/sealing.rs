//! The server's own key: seals what the database file must not show in the clear (each
//! kiosk's escrow key). The key lives in its own file beside the database
//! (`<db>.key`, mode 0600), so a copied database file alone does not release the escrow
//! keys; backing up the server means backing up both files, kept apart.
//!
//! ChaCha20-Poly1305 with a random nonce per value, and the value's name as associated
//! data, so a sealed value moved to another row does not open.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload, rand_core::RngCore};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::path::{Path, PathBuf};

const NONCE_LEN: usize = 12;

/// Why the server key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("server key file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("server key file {0} is not 64 hex characters")]
    BadKeyFile(PathBuf),
    #[error("a sealed value did not open (wrong server key, or tampered)")]
    Open,
}

/// Cloned for each shop of a PostgreSQL chain: one key file serves them all.
#[derive(Clone)]
pub struct Sealer {
    key: [u8; 32],
}

impl Sealer {
    /// The key file for the database at `db`.
    pub fn key_path(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push(".key");
        PathBuf::from(name)
    }

    /// Reads the key beside `db`, or makes one (0600) when there is none.
    pub fn for_database(db: &Path) -> Result<Sealer, SealError> {
        Sealer::from_key_file(&Sealer::key_path(db))
    }

    /// Reads the key in `path`, or makes one (0600) when there is none. Server instances
    /// that share one PostgreSQL database must each be given the same key file.
    pub fn from_key_file(path: &Path) -> Result<Sealer, SealError> {
        let path = path.to_path_buf();
        let io = |source| SealError::Io {
            path: path.clone(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let key = motordesk_core::protocol::from_hex32(text.trim())
                    .ok_or_else(|| SealError::BadKeyFile(path.clone()))?;
                crate::files::owner_only(&path).map_err(io)?;
                Ok(Sealer { key })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                OsRng.fill_bytes(&mut key);
                crate::files::write_owner_only(
                    &path,
                    motordesk_core::protocol::to_hex(&key).as_bytes(),
                )
                .map_err(io)?;
                log::warn!(
                    "made the server key {}: back it up apart from the database",
                    path.display()
                );
                Ok(Sealer { key })
            }
            Err(e) => Err(io(e)),
        }
    }

    /// `nonce || ciphertext` of `plain`, bound to `name`.
    pub fn seal(&self, name: &str, plain: &[u8]) -> Vec<u8> {
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.key));
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: name.as_bytes(),
                },
            )
            .expect("ChaCha20-Poly1305 sealing of a small value cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    pub fn open(&self, name: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        ChaCha20Poly1305::new(Key::from_slice(&self.key))
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: name.as_bytes(),
                },
            )
            .map_err(|_| SealError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_opens_and_refuses_another_name_or_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.redb");
        let s = Sealer::for_database(&db).unwrap();
        let sealed = s.seal("escrow:1", b"secret key bytes");
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(s.open("escrow:1", &sealed).unwrap(), b"secret key bytes");
        assert!(s.open("escrow:2", &sealed).is_err());
        // The same key file reads back; another one does not open the value.
        assert!(
            Sealer::for_database(&db)
                .unwrap()
                .open("escrow:1", &sealed)
                .is_ok()
        );
        let other = Sealer::for_database(&dir.path().join("t.redb")).unwrap();
        assert!(other.open("escrow:1", &sealed).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(Sealer::key_path(&db))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
