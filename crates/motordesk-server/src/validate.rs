//! What the server checks before it accepts a mutation. The kiosk already checked all of
//! this, but the server trusts nothing it did not compute itself. Reasons are Spanish:
//! the kiosk shows them in its review queue.

use crate::device::Device;
use motordesk_core::Customer;
use motordesk_core::Invoice;
use motordesk_core::Product;
use motordesk_core::Series;
use motordesk_core::protocol::MAX_CLOCK_AHEAD_MS;
use motordesk_core::protocol::{ComprobanteUpload, MAX_XML_BYTES, Mutation, VoidUpload};
use motordesk_core::{IdDocument, IdKind};
use motordesk_core::{OdometerReading, Plate, Vehicle};
use motordesk_core::{Record, RecordKind, Stored, check_len};
use motordesk_sunat::DocumentName;
use rust_decimal::Decimal;
use serde::Deserialize;

fn decode<T: Record>(m: &Mutation) -> Result<Stored<T>, String> {
    // Read from the tree in place: cloning it first (`from_value`) copied every string
    // and number of every payload of a push once more.
    let rec = Stored::<T>::deserialize(&m.payload)
        .map_err(|e| format!("Datos ilegibles para {}: {e}", m.kind.label()))?;
    if rec.data.id() != m.record_id {
        return Err("El identificador del registro no coincide con los datos.".into());
    }
    if rec.meta.hlc != m.hlc {
        return Err("La marca de tiempo (HLC) no coincide con los datos.".into());
    }
    not_ahead("La marca de tiempo del cambio", m.hlc.wall_ms)?;
    check_len("usuario", &rec.meta.account, motordesk_core::MAX_SHORT).map_err(|e| e.mensaje())?;
    Ok(rec)
}

/// A stamp more than `MAX_CLOCK_AHEAD_MS` ahead of the server's clock comes from a kiosk
/// whose clock is wrong (or from an attacker): taken, it would win every last-writer-wins
/// race for ever and spread to every kiosk.
fn not_ahead(what: &str, ms: i64) -> Result<(), String> {
    let limit = chrono::Utc::now().timestamp_millis() + MAX_CLOCK_AHEAD_MS;
    if ms > limit {
        return Err(format!(
            "{what} está en el futuro: revise la fecha y hora del equipo."
        ));
    }
    Ok(())
}

fn check_doc(doc: &IdDocument) -> Result<(), String> {
    if doc.kind == IdKind::SinDocumento {
        return Ok(());
    }
    let again = IdDocument::new(doc.kind, &doc.number).map_err(|e| e.mensaje())?;
    if &again != doc {
        return Err(format!("Documento {} sin normalizar.", doc.number));
    }
    Ok(())
}

pub fn invoice(device: &Device, m: &Mutation) -> Result<Invoice, String> {
    let inv = decode::<Invoice>(m)?.data;
    not_ahead(
        &format!("La fecha de emisión de {}", inv.number),
        inv.issued_at.timestamp_millis(),
    )?;
    inv.verify()
        .map_err(|e| format!("{} {}: {}", inv.kind.short(), inv.number, e.mensaje()))?;
    if !device.series.owns(&inv.number.series) {
        return Err(format!(
            "La serie {} no pertenece a este equipo (kiosco {}).",
            inv.number.series, device.kiosk_number
        ));
    }
    if inv.device_id != device.device_id {
        return Err("El comprobante fue emitido por otro equipo.".into());
    }
    Ok(inv)
}

pub fn check(device: &Device, m: &Mutation) -> Result<(), String> {
    match m.kind {
        RecordKind::Invoice => invoice(device, m).map(|_| ()),
        RecordKind::Customer => {
            let c = decode::<Customer>(m)?.data;
            if c.name.trim().is_empty() {
                return Err("El cliente no tiene nombre.".into());
            }
            c.check_limits().map_err(|e| e.mensaje())?;
            check_doc(&c.doc)
        }
        RecordKind::Vehicle => {
            let v = decode::<Vehicle>(m)?.data;
            Plate::new(v.plate.key()).map_err(|e| e.mensaje())?;
            v.check_limits().map_err(|e| e.mensaje())
        }
        RecordKind::Product => {
            let p = decode::<Product>(m)?.data;
            if p.name.trim().is_empty() {
                return Err("El producto no tiene nombre.".into());
            }
            if p.price < Decimal::ZERO {
                return Err("El precio no puede ser negativo.".into());
            }
            p.check_limits().map_err(|e| e.mensaje())
        }
        RecordKind::Odometer => {
            let r = decode::<OdometerReading>(m)?.data;
            not_ahead("La lectura del kilometraje", r.read_at.timestamp_millis())
        }
        RecordKind::Comprobante => comprobante(device, m).map(|_| ()),
        RecordKind::VoidRequest => void_request(m).map(|_| ()),
        RecordKind::FiscalStatus => {
            Err("Solo el servidor publica el estado SUNAT de un comprobante.".into())
        }
    }
}

/// Longest DigestValue accepted (base64 of a SHA-256 is 44 characters).
const MAX_DIGEST: usize = 100;

/// A signed XML pushed by the kiosk that issued it: a SUNAT file name of a series this
/// kiosk owns, an XML of bounded size that carries that very number. The XML needs no
/// invoice row here: the dispatcher sends it as it is, and SUNAT checks the rest.
pub fn comprobante(
    device: &Device,
    m: &Mutation,
) -> Result<(ComprobanteUpload, DocumentName), String> {
    let c = decode::<ComprobanteUpload>(m)?.data;
    let name = DocumentName::parse(&c.file_name).map_err(|e| e.mensaje())?;
    let series = Series::new(name.series()).map_err(|e| e.mensaje())?;
    if !device.series.owns(&series) {
        return Err(format!(
            "La serie {} no pertenece a este equipo (kiosco {}).",
            name.series(),
            device.kiosk_number
        ));
    }
    if c.xml.is_empty() || c.xml.len() > MAX_XML_BYTES {
        return Err(format!(
            "{}: el XML debe tener entre 1 y {MAX_XML_BYTES} bytes (tiene {}).",
            c.file_name,
            c.xml.len()
        ));
    }
    if c.digest.is_empty() || c.digest.len() > MAX_DIGEST || !c.xml.contains(c.digest.as_str()) {
        return Err(format!(
            "{}: el XML no lleva la firma indicada.",
            c.file_name
        ));
    }
    let id = format!("<cbc:ID>{}-{}</cbc:ID>", name.series(), name.number());
    if !c.xml.contains(&id) {
        return Err(format!(
            "{}: el XML no corresponde a ese número.",
            c.file_name
        ));
    }
    Ok((c, name))
}

/// SUNAT's limit for a void reason (`sac:VoidReasonDescription`).
const MAX_VOID_REASON: usize = 100;

/// A signed voiding summary: `RUC-RA-YYYYMMDD-N` or `RUC-RC-YYYYMMDD-N`, an XML of
/// bounded size carrying that very ID, and a reason within SUNAT's limit.
pub fn void_request(m: &Mutation) -> Result<VoidUpload, String> {
    let v = decode::<VoidUpload>(m)?.data;
    let bad = || format!("Nombre de resumen inválido: {}", v.file_name);
    let parts: Vec<&str> = v.file_name.split('-').collect();
    let [ruc, kind, date, n] = parts[..] else {
        return Err(bad());
    };
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    let n_ok = n.parse::<u32>().is_ok_and(|n| (1..=99_999).contains(&n)) && !n.starts_with('0');
    if !digits(ruc, 11) || !matches!(kind, "RA" | "RC") || !digits(date, 8) || !n_ok {
        return Err(bad());
    }
    if v.xml.is_empty() || v.xml.len() > MAX_XML_BYTES {
        return Err(format!(
            "{}: el XML debe tener entre 1 y {MAX_XML_BYTES} bytes (tiene {}).",
            v.file_name,
            v.xml.len()
        ));
    }
    if !v
        .xml
        .contains(&format!("<cbc:ID>{kind}-{date}-{n}</cbc:ID>"))
    {
        return Err(format!(
            "{}: el XML no corresponde a ese resumen.",
            v.file_name
        ));
    }
    let chars = v.reason.trim().chars().count();
    if chars == 0 || chars > MAX_VOID_REASON {
        return Err(format!(
            "El motivo de la anulación debe tener entre 1 y {MAX_VOID_REASON} caracteres."
        ));
    }
    Ok(v)
}

/// Whether two payloads of an immutable kind carry the same document (metadata such as
/// the sync status may differ between attempts; the data may not).
pub fn same_data(kind: RecordKind, a: &serde_json::Value, b: &serde_json::Value) -> bool {
    fn eq<T: Record + PartialEq>(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        match (
            serde_json::from_value::<Stored<T>>(a.clone()),
            serde_json::from_value::<Stored<T>>(b.clone()),
        ) {
            (Ok(x), Ok(y)) => x.data == y.data,
            _ => false,
        }
    }
    match kind {
        RecordKind::Invoice => eq::<Invoice>(a, b),
        RecordKind::Odometer => eq::<OdometerReading>(a, b),
        RecordKind::Customer => eq::<Customer>(a, b),
        RecordKind::Vehicle => eq::<Vehicle>(a, b),
        RecordKind::Product => eq::<Product>(a, b),
        RecordKind::Comprobante => eq::<ComprobanteUpload>(a, b),
        RecordKind::VoidRequest => eq::<VoidUpload>(a, b),
        RecordKind::FiscalStatus => false,
    }
}
