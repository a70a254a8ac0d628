//! Packs the signed XML the way SUNAT wants it: `NAME.zip` holding the single entry
//! `NAME.xml`, deflated, with a fixed timestamp so the same document always gives the same bytes.

use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::send::name::DocumentName;

/// Zips `xml` as `NAME.xml`.
pub(crate) fn zip_document(name: &DocumentName, xml: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    writer.start_file(name.xml_file_name(), options)?;
    writer.write_all(xml).map_err(zip::result::ZipError::Io)?;
    Ok(writer.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::zip_document;
    use crate::send::config::Limits;
    use crate::send::name::DocumentName;
    use crate::send::unzip::read_entries;

    #[test]
    fn one_entry_named_like_the_document() {
        let name = DocumentName::parse("20000000001-01-F001-1").unwrap();
        let bytes = zip_document(&name, b"<Invoice/>").unwrap();
        assert_eq!(bytes, zip_document(&name, b"<Invoice/>").unwrap());
        let entries = read_entries(&bytes, &Limits::default()).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].name, "20000000001-01-F001-1.xml");
        assert_eq!(entries[0].data, b"<Invoice/>");
    }
}
