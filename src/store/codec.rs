//! Value codec under the seal: JSON, deflated when that pays. Compression must happen
//! before encryption (ciphertext does not compress); an invoice shrinks about 4×.
//! A packed value starts with a tag byte: JSON itself always starts with `{`, `[` or `"`.
//! One compressor per thread, reset between values: making a new one per value allocated
//! and zeroed its ~300 KB of tables for every record of every sale.

use flate2::read::DeflateDecoder;
use flate2::{Compress, Compression, FlushCompress, Status};
use std::cell::RefCell;
use std::io::Read;

const DEFLATED: u8 = 0x01;
/// Below this, deflating costs more than it saves: small rows (the invoice summaries the
/// document list opens by the hundred thousand) stay plain JSON for fast loading.
const MIN_TO_COMPRESS: usize = 512;

thread_local! {
    /// Raw deflate (no zlib header), as `DeflateEncoder` wrote it: old values still open.
    static COMPRESSOR: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
}

pub(super) fn pack(json: Vec<u8>) -> Vec<u8> {
    if json.len() < MIN_TO_COMPRESS {
        return json;
    }
    // Only worth keeping when smaller: stop as soon as it would not be.
    let mut out = Vec::with_capacity(json.len());
    out.push(DEFLATED);
    let done = COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        c.reset();
        matches!(
            c.compress_vec(&json, &mut out, FlushCompress::Finish),
            Ok(Status::StreamEnd)
        )
    });
    if !done || out.len() >= json.len() {
        return json;
    }
    out
}

pub(super) fn unpack(packed: Vec<u8>) -> Option<Vec<u8>> {
    match packed.first() {
        Some(&DEFLATED) => {
            let mut out = Vec::with_capacity(packed.len() * 4);
            DeflateDecoder::new(&packed[1..])
                .read_to_end(&mut out)
                .ok()?;
            Some(out)
        }
        _ => Some(packed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_small_and_large_values() {
        let small = br#"{"a":1}"#.to_vec();
        assert_eq!(pack(small.clone()), small);
        assert_eq!(unpack(pack(small.clone())).unwrap(), small);
        let large = format!(
            "{{\"lines\":[{}]}}",
            vec!["{\"code\":\"ACE-001\",\"price\":\"125.00\"}"; 40].join(",")
        );
        let packed = pack(large.clone().into_bytes());
        assert_eq!(packed[0], DEFLATED);
        assert!(packed.len() * 4 < large.len());
        assert_eq!(unpack(packed).unwrap(), large.into_bytes());
        assert!(
            unpack(vec![DEFLATED, 0xff, 0x00]).is_none(),
            "garbage is refused, not a panic"
        );
    }
}
