//! Files kept outside redb but sealed like its values (saved receipt PDFs): a plain
//! 8-byte tag, then nonce ‖ ChaCha20-Poly1305 under the data key, with the file's name as
//! associated data, so a file copied over another one fails to open.

use crate::store::Store;
use crate::store::error::{StoreError, StoreResult};

/// What a sealed file starts with; anything else is not one (or a plaintext leftover).
pub const SEALED_FILE_TAG: &[u8; 8] = b"MDSEAL1\n";
/// The "table" part of the associated data: never a redb table name.
const AAD_DOMAIN: &str = "@file";

impl Store {
    /// Seals `plain` for a file called `name` (the name without directory).
    pub(crate) fn seal_file(&self, name: &str, plain: &[u8]) -> Vec<u8> {
        let sealed = self.sealer().seal(AAD_DOMAIN, name.as_bytes(), plain);
        let mut out = Vec::with_capacity(SEALED_FILE_TAG.len() + sealed.len());
        out.extend_from_slice(SEALED_FILE_TAG);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a file sealed by `seal_file` under the same `name`.
    pub(crate) fn open_file(&self, name: &str, bytes: &[u8]) -> StoreResult<Vec<u8>> {
        let sealed = bytes
            .strip_prefix(SEALED_FILE_TAG.as_slice())
            .ok_or(StoreError::Tampered("sealed file"))?;
        self.sealer()
            .open(AAD_DOMAIN, name.as_bytes(), sealed)
            .map_err(|_| StoreError::Tampered("sealed file"))
    }
}
