//! Turns the bytes of an XML answer into text for `roxmltree`, which reads UTF-8 only, while
//! SUNAT's CDRs are declared `ISO-8859-1`.

use std::borrow::Cow;

/// Decodes XML bytes: a UTF-8 BOM is dropped; a prolog declaring ISO-8859-1 / Latin-1 is mapped
/// byte to char; anything else must be UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, std::str::Utf8Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if declares_latin1(bytes) {
        return Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()));
    }
    std::str::from_utf8(bytes).map(Cow::Borrowed)
}

fn declares_latin1(bytes: &[u8]) -> bool {
    if !bytes.starts_with(b"<?xml") {
        return false;
    }
    let end = bytes
        .windows(2)
        .position(|w| w == b"?>")
        .unwrap_or(0)
        .min(200);
    let prolog = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    prolog.contains("iso-8859-1") || prolog.contains("latin1") || prolog.contains("latin-1")
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn latin1_and_utf8() {
        let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xf1</a>";
        assert!(decode(latin).unwrap().contains('ñ'));
        let utf = "<?xml version=\"1.0\"?><a>ñ</a>".as_bytes();
        assert!(decode(utf).unwrap().contains('ñ'));
        assert!(decode(b"<a>\xff</a>").is_err());
    }
}
