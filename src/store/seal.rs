//! Encryption at rest. Every value in redb is sealed with ChaCha20-Poly1305 under the
//! store's data key; the table and key are the associated data, so a sealed value cannot
//! be moved to another row unnoticed. Lookup indexes use keyed hashes (blind indexes), so
//! document numbers and plates never appear in the file either.

use crate::store::error::{StoreError, StoreResult};
use blake2::digest::Mac;
use blake2::digest::consts::U16;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const NONCE_LEN: usize = 12;

/// The 256-bit key that seals every record. Never written to disk in the clear.
#[derive(Clone)]
pub(crate) struct DataKey(pub(crate) [u8; 32]);

impl DataKey {
    pub(crate) fn generate() -> DataKey {
        DataKey(ChaCha20Poly1305::generate_key(&mut OsRng).into())
    }
    pub(crate) fn from_bytes(b: [u8; 32]) -> DataKey {
        DataKey(b)
    }
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

pub(super) fn seal_with(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ct = cipher
        .encrypt(&nonce, Payload { msg: plain, aad })
        .expect("chacha20poly1305 encryption cannot fail for in-memory buffers");
    let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// Bytes of the Poly1305 tag that ends every sealed value.
pub(crate) const TAG: usize = 16;

/// A sealed value's tag: new each time the value is sealed (random nonce), so comparing
/// tags tells a row sealed again from one left alone without opening either
/// (`dashboard.rs`).
pub(crate) fn tag_of(sealed: &[u8]) -> [u8; TAG] {
    let mut t = [0u8; TAG];
    let n = sealed.len().min(TAG);
    t[TAG - n..].copy_from_slice(&sealed[sealed.len() - n..]);
    t
}

pub(super) fn open_with(
    key: &[u8; 32],
    aad: &[u8],
    sealed: &[u8],
    what: &'static str,
) -> StoreResult<Vec<u8>> {
    if sealed.len() < NONCE_LEN + TAG {
        return Err(StoreError::Tampered(what));
    }
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    let (nonce, ct) = sealed.split_at(NONCE_LEN);
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad })
        .map_err(|_| StoreError::Tampered(what))
}

#[derive(Clone)]
pub(crate) struct Sealer {
    key: DataKey,
    index_key: [u8; 32],
}

impl Sealer {
    pub(crate) fn new(key: DataKey) -> Sealer {
        let mut mac =
            <blake2::Blake2bMac<blake2::digest::consts::U32> as Mac>::new_from_slice(&key.0)
                .expect("32-byte key fits blake2b");
        mac.update(b"motordesk blind index v1");
        let index_key: [u8; 32] = mac.finalize().into_bytes().into();
        Sealer { key, index_key }
    }

    pub(crate) fn data_key(&self) -> &DataKey {
        &self.key
    }

    pub(crate) fn seal(&self, table: &str, row: &[u8], plain: &[u8]) -> Vec<u8> {
        seal_with(&self.key.0, &aad(table, row), plain)
    }

    pub(crate) fn open(
        &self,
        table: &'static str,
        row: &[u8],
        sealed: &[u8],
    ) -> StoreResult<Vec<u8>> {
        open_with(&self.key.0, &aad(table, row), sealed, table)
    }

    /// A keyed hash of a normalised value: equal values match, nothing is readable.
    pub(crate) fn blind(&self, index: &str, value: &str) -> u128 {
        let mut mac = <blake2::Blake2bMac<U16> as Mac>::new_from_slice(&self.index_key)
            .expect("32-byte key fits blake2b");
        mac.update(index.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        u128::from_be_bytes(mac.finalize().into_bytes().into())
    }
}

fn aad(table: &str, row: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(table.len() + 1 + row.len());
    a.extend_from_slice(table.as_bytes());
    a.push(0);
    a.extend_from_slice(row);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let s = Sealer::new(DataKey::generate());
        let sealed = s.seal("customers", b"k1", b"Jose Perez 45678912");
        assert!(!sealed.windows(4).any(|w| w == b"Jose"));
        assert_eq!(
            s.open("customers", b"k1", &sealed).unwrap(),
            b"Jose Perez 45678912"
        );
        // moved to another row
        assert!(matches!(
            s.open("customers", b"k2", &sealed),
            Err(StoreError::Tampered(_))
        ));
        // flipped bit
        let mut bad = sealed.clone();
        bad[20] ^= 1;
        assert!(matches!(
            s.open("customers", b"k1", &bad),
            Err(StoreError::Tampered(_))
        ));
        // other key
        let other = Sealer::new(DataKey::generate());
        assert!(other.open("customers", b"k1", &sealed).is_err());
    }

    #[test]
    fn blind_index_is_stable_and_keyed() {
        let k = DataKey::generate();
        let (a, b) = (Sealer::new(k.clone()), Sealer::new(k));
        assert_eq!(a.blind("plate", "ABC123"), b.blind("plate", "ABC123"));
        assert_ne!(a.blind("plate", "ABC123"), a.blind("plate", "ABC124"));
        assert_ne!(
            a.blind("plate", "ABC123"),
            Sealer::new(DataKey::generate()).blind("plate", "ABC123")
        );
    }
}
