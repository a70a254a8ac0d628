//! Zip reading and writing for the stand-in: the incoming document zip is read under limits,
//! the CDR is written as `R-NAME.zip` with one `R-NAME.xml` entry.

use std::io::{Cursor, Read, Write};

use crate::sunat_error::SunatFault;

const MAX_ENTRY_BYTES: u64 = 8 * 1024 * 1024;

/// Reads the single XML entry of a document zip, with SUNAT's codes for what is wrong.
pub fn read_single_entry(bytes: &[u8], expected_entry: &str) -> Result<Vec<u8>, SunatFault> {
    let corrupt = || SunatFault::client(156, "El archivo ZIP esta corrupto");
    if bytes.is_empty() {
        return Err(SunatFault::client(155, "El archivo ZIP esta vacio"));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| corrupt())?;
    let files: Vec<usize> = (0..archive.len())
        .filter(|&i| archive.by_index(i).map(|f| !f.is_dir()).unwrap_or(true))
        .collect();
    match files.len() {
        0 => {
            return Err(SunatFault::client(
                157,
                "El archivo ZIP no contiene comprobantes",
            ));
        }
        1 => {}
        _ => {
            return Err(SunatFault::client(
                158,
                "El archivo ZIP contiene demasiados comprobantes para este tipo de envío",
            ));
        }
    }
    let file = archive.by_index(files[0]).map_err(|_| corrupt())?;
    let name = file.name().map_err(|_| corrupt())?.into_owned();
    if name != expected_entry {
        return Err(SunatFault::client(
            161,
            "El nombre del archivo XML no coincide con el nombre del archivo ZIP",
        ));
    }
    let mut data = Vec::new();
    file.take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|_| corrupt())?;
    if data.len() as u64 > MAX_ENTRY_BYTES {
        return Err(SunatFault::client(
            305,
            "El sistema no puede procesar el archivo xml",
        ));
    }
    if data.is_empty() {
        return Err(SunatFault::client(160, "El archivo XML esta vacio"));
    }
    Ok(data)
}

/// Zips `data` as the single entry `entry`.
pub fn single_entry_zip(entry: &str, data: &[u8]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer
        .start_file(entry, options)
        .and_then(|()| writer.write_all(data).map_err(zip::result::ZipError::Io))
        .expect("writing a zip to memory cannot fail");
    writer
        .finish()
        .expect("writing a zip to memory cannot fail")
        .into_inner()
}
