//! Reads a zip received from the other side under explicit limits (entry count, decompressed
//! size per entry), because a CDR zip is untrusted input and a zip bomb must not fill memory.

use std::io::{Cursor, Read};

use crate::send::config::Limits;
use crate::send::error::UnzipError;

/// One file of an archive.
pub(crate) struct Entry {
    /// Name inside the archive.
    pub name: String,
    /// Decompressed bytes.
    pub data: Vec<u8>,
}

/// Returns the file entries (directories skipped) of `bytes`, refusing archives with more than
/// `limits.max_entries` entries or entries larger than `limits.max_entry_bytes`. The size is
/// enforced while decompressing, not trusted from the header.
pub(crate) fn read_entries(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, UnzipError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(UnzipError::Zip)?;
    if archive.len() > limits.max_entries {
        return Err(UnzipError::TooManyEntries {
            count: archive.len(),
            limit: limits.max_entries,
        });
    }
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let file = archive.by_index(i).map_err(UnzipError::Zip)?;
        if file.is_dir() {
            continue;
        }
        let name = file.name().map_err(UnzipError::Zip)?.into_owned();
        if file.size() > limits.max_entry_bytes {
            return Err(UnzipError::EntryTooLarge {
                name,
                limit: limits.max_entry_bytes,
            });
        }
        let mut data = Vec::new();
        file.take(limits.max_entry_bytes + 1)
            .read_to_end(&mut data)
            .map_err(|source| UnzipError::Read {
                name: name.clone(),
                source,
            })?;
        if data.len() as u64 > limits.max_entry_bytes {
            return Err(UnzipError::EntryTooLarge {
                name,
                limit: limits.max_entry_bytes,
            });
        }
        entries.push(Entry { name, data });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::read_entries;
    use crate::send::config::Limits;
    use crate::send::error::UnzipError;

    fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn refuses_bomb_and_too_many_entries() {
        let limits = Limits {
            max_response_bytes: 1 << 20,
            max_entry_bytes: 1000,
            max_entries: 2,
        };
        let bomb = zip_of(&[("R-x.xml", vec![b'a'; 100_000])]);
        assert!(bomb.len() < 1000);
        assert!(matches!(
            read_entries(&bomb, &limits),
            Err(UnzipError::EntryTooLarge { .. })
        ));
        let many = zip_of(&[("a", vec![]), ("b", vec![]), ("c", vec![])]);
        assert!(matches!(
            read_entries(&many, &limits),
            Err(UnzipError::TooManyEntries { count: 3, .. })
        ));
        assert!(matches!(
            read_entries(b"PK not a zip", &limits),
            Err(UnzipError::Zip(_))
        ));
        let ok = read_entries(&zip_of(&[("R-x.xml", b"<a/>".to_vec())]), &limits).unwrap();
        assert_eq!(ok[0].name, "R-x.xml");
    }
}
