//! The providers the server can ask, and their JSON mapped into `LookupResult`. Both
//! usual Peruvian providers answer `GET {base}/sunat/ruc?numero=` and
//! `GET {base}/reniec/dni?numero=` with `Authorization: Bearer <token>`; they differ in
//! field names (apis.net.pe v2 camelCase, Decolecta snake_case, see
//! `shared/domain/peru-billing.md` §5.5). Anything a provider sends is cleaned and cut
//! to the record limits here, before it reaches a cache or a kiosk.

use chrono::{DateTime, Utc};
use motordesk_core::{
    LookupKind, LookupResult, MAX_ADDRESS, MAX_NAME, MAX_SHORT, MAX_STATUS, TaxpayerStatus, Ubigeo,
    clean_text,
};
use serde_json::Value;

/// Which provider's dialect the configured base URL speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// apis.net.pe, API v2.
    ApisNetV2,
    /// Decolecta (the same data under snake_case names).
    Decolecta,
}

impl ProviderKind {
    /// `apisnet` (also `apis.net.pe`, `apisnetpe`) or `decolecta`.
    pub fn parse(name: &str) -> Option<ProviderKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "apisnet" | "apis.net.pe" | "apisnetpe" | "apisnet-v2" => Some(ProviderKind::ApisNetV2),
            "decolecta" => Some(ProviderKind::Decolecta),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::ApisNetV2 => "apis.net.pe v2",
            ProviderKind::Decolecta => "Decolecta",
        }
    }

    /// The provider's public base URL, used when `--lookup-url` is not given.
    pub fn default_url(self) -> &'static str {
        match self {
            ProviderKind::ApisNetV2 => "https://api.apis.net.pe/v2",
            ProviderKind::Decolecta => "https://api.decolecta.com/v1",
        }
    }

    /// `{base}/sunat/ruc?numero=N` or `{base}/reniec/dni?numero=N` (N already checked:
    /// digits only, so nothing needs escaping).
    pub fn url(self, base: &str, kind: LookupKind, number: &str) -> String {
        let path = match kind {
            LookupKind::Ruc => "sunat/ruc",
            LookupKind::Dni => "reniec/dni",
        };
        format!("{base}/{path}?numero={number}")
    }

    /// Field names: (apis.net.pe v2, Decolecta).
    fn pick(self, names: (&'static str, &'static str)) -> &'static str {
        match self {
            ProviderKind::ApisNetV2 => names.0,
            ProviderKind::Decolecta => names.1,
        }
    }
}

/// Why a 200 answer could not be used.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// Not a JSON object at all.
    #[error("answer is not a JSON object")]
    NotAnObject,
    /// It names another document than the one asked: a confused provider or proxy.
    #[error("answer is for {answered}, not the number asked")]
    OtherNumber {
        /// The number in the answer.
        answered: String,
    },
    /// No name or razón social: the provider has nothing for this number.
    #[error("answer has no name")]
    NoName,
}

/// A string field, or "" when absent or not a string.
fn text<'v>(v: &'v Value, field: &str) -> &'v str {
    v.get(field).and_then(Value::as_str).unwrap_or("")
}

/// Maps a provider's 200 answer for `number` into the one type kiosks read.
pub fn map(
    provider: ProviderKind,
    kind: LookupKind,
    number: &str,
    body: &Value,
    now: DateTime<Utc>,
) -> Result<LookupResult, MapError> {
    if !body.is_object() {
        return Err(MapError::NotAnObject);
    }
    let f = |names| text(body, provider.pick(names));
    let answered = f((
        "numeroDocumento",
        match kind {
            LookupKind::Ruc => "numero_documento",
            LookupKind::Dni => "document_number",
        },
    ))
    .trim();
    if !answered.is_empty() && answered != number {
        return Err(MapError::OtherNumber {
            answered: clean_text(answered, 20),
        });
    }
    match kind {
        LookupKind::Dni => {
            let full = clean_text(f(("nombreCompleto", "full_name")), MAX_NAME);
            let name = if full.is_empty() {
                // Apellidos first, as RENIEC and SUNAT print a person.
                let parts = [
                    f(("apellidoPaterno", "first_last_name")),
                    f(("apellidoMaterno", "second_last_name")),
                    f(("nombres", "first_name")),
                ];
                clean_text(&parts.join(" "), MAX_NAME)
            } else {
                full
            };
            if name.is_empty() {
                return Err(MapError::NoName);
            }
            Ok(LookupResult {
                kind,
                number: number.to_string(),
                name,
                address: String::new(),
                taxpayer: None,
                ubigeo: None,
            })
        }
        LookupKind::Ruc => {
            let name = clean_text(f(("razonSocial", "razon_social")), MAX_NAME);
            if name.is_empty() {
                return Err(MapError::NoName);
            }
            let ubigeo = Ubigeo {
                code: Some(clean_text(text(body, "ubigeo"), 6))
                    .filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
                    .unwrap_or_default(),
                departamento: clean_text(text(body, "departamento"), MAX_SHORT),
                provincia: clean_text(text(body, "provincia"), MAX_SHORT),
                distrito: clean_text(text(body, "distrito"), MAX_SHORT),
            };
            let estado = clean_text(text(body, "estado"), MAX_STATUS);
            let condicion = clean_text(text(body, "condicion"), MAX_STATUS);
            Ok(LookupResult {
                kind,
                number: number.to_string(),
                name,
                address: address(text(body, "direccion"), &ubigeo),
                taxpayer: (!estado.is_empty() || !condicion.is_empty()).then(|| TaxpayerStatus {
                    estado: estado.to_uppercase(),
                    condicion: condicion.to_uppercase(),
                    checked_at: now,
                }),
                ubigeo: (ubigeo != Ubigeo::default()).then_some(ubigeo),
            })
        }
    }
}

/// The fiscal address as a receipt prints it: the padrón's `direccion`, then district,
/// province and department unless `direccion` already ends with the district or the
/// department (providers differ: some send the street only, some SUNAT's full
/// "… LIMA - LIMA - SAN ISIDRO").
fn address(direccion: &str, u: &Ubigeo) -> String {
    let street = clean_text(direccion, MAX_ADDRESS * 2);
    let place: Vec<&str> = [&u.distrito, &u.provincia, &u.departamento]
        .into_iter()
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    let already = |p: &str| !p.is_empty() && street.ends_with(p);
    let full = if street.is_empty()
        || place.is_empty()
        || already(&u.distrito)
        || already(&u.departamento)
    {
        street
    } else {
        format!("{street} - {}", place.join(" - "))
    };
    clean_text(&full, MAX_ADDRESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn apisnet_v2_ruc_maps_with_status_ubigeo_and_full_address() {
        let body = json!({
            "razonSocial": "FERRETERIA  LOS ANDES S.A.C.", "tipoDocumento": "6",
            "numeroDocumento": "20601111111", "estado": "BAJA DE OFICIO", "condicion": "HABIDO",
            "direccion": "JR. HUALLAGA NRO. 200", "ubigeo": "150101",
            "distrito": "LIMA", "provincia": "LIMA", "departamento": "LIMA",
            "EsAgenteRetencion": false, "localesAnexos": []
        });
        let r = map(
            ProviderKind::ApisNetV2,
            LookupKind::Ruc,
            "20601111111",
            &body,
            now(),
        )
        .unwrap();
        assert_eq!(r.name, "FERRETERIA LOS ANDES S.A.C.");
        assert_eq!(r.address, "JR. HUALLAGA NRO. 200 - LIMA - LIMA - LIMA");
        let t = r.taxpayer.as_ref().unwrap();
        assert_eq!(
            (t.estado.as_str(), t.condicion.as_str()),
            ("BAJA DE OFICIO", "HABIDO")
        );
        assert!(!t.is_good());
        assert_eq!(r.ubigeo.as_ref().unwrap().code, "150101");
        r.check().unwrap();
    }

    #[test]
    fn decolecta_names_and_a_direccion_that_already_ends_with_the_place() {
        let body = json!({
            "razon_social": "TRANSPORTES RAPIDOS DEL SUR E.I.R.L.",
            "numero_documento": "20602222226", "estado": "ACTIVO", "condicion": "NO HABIDO",
            "direccion": "CAR. PANAMERICANA SUR KM. 30 LIMA - LIMA - LURIN",
            "ubigeo": "-", "distrito": "LURIN", "provincia": "LIMA", "departamento": "LIMA"
        });
        let r = map(
            ProviderKind::Decolecta,
            LookupKind::Ruc,
            "20602222226",
            &body,
            now(),
        )
        .unwrap();
        assert_eq!(
            r.address,
            "CAR. PANAMERICANA SUR KM. 30 LIMA - LIMA - LURIN"
        );
        assert_eq!(r.ubigeo.as_ref().unwrap().code, "", "'-' is no code");
        assert!(!r.taxpayer.unwrap().is_habido());
    }

    #[test]
    fn dni_in_both_dialects() {
        let v2 = json!({"nombres": "JUAN CARLOS", "apellidoPaterno": "PEREZ",
            "apellidoMaterno": "QUISPE", "nombreCompleto": "PEREZ QUISPE JUAN CARLOS",
            "tipoDocumento": "1", "numeroDocumento": "45678912", "digitoVerificador": "1"});
        let d = json!({"first_name": "JUAN CARLOS", "first_last_name": "PEREZ",
            "second_last_name": "QUISPE", "document_number": "45678912"});
        let a = map(
            ProviderKind::ApisNetV2,
            LookupKind::Dni,
            "45678912",
            &v2,
            now(),
        )
        .unwrap();
        let b = map(
            ProviderKind::Decolecta,
            LookupKind::Dni,
            "45678912",
            &d,
            now(),
        )
        .unwrap();
        assert_eq!(a.name, "PEREZ QUISPE JUAN CARLOS");
        assert_eq!(a, b, "no full_name: built from the parts in the same order");
        assert!(a.taxpayer.is_none() && a.address.is_empty());
    }

    #[test]
    fn garbage_another_number_no_name_and_overlong_fields() {
        let k = ProviderKind::ApisNetV2;
        assert!(matches!(
            map(k, LookupKind::Ruc, "20131312955", &json!([1, 2]), now()),
            Err(MapError::NotAnObject)
        ));
        let other = json!({"razonSocial": "X", "numeroDocumento": "20100070970"});
        assert!(matches!(
            map(k, LookupKind::Ruc, "20131312955", &other, now()),
            Err(MapError::OtherNumber { .. })
        ));
        let empty = json!({"razonSocial": "  ", "numeroDocumento": "20131312955"});
        assert!(matches!(
            map(k, LookupKind::Ruc, "20131312955", &empty, now()),
            Err(MapError::NoName)
        ));
        let long = json!({"razonSocial": "A".repeat(5_000), "direccion": "B".repeat(5_000),
            "estado": "C".repeat(500), "condicion": 7, "distrito": "D".repeat(500)});
        let r = map(k, LookupKind::Ruc, "20131312955", &long, now()).unwrap();
        assert_eq!(r.name.chars().count(), MAX_NAME);
        assert_eq!(r.address.chars().count(), MAX_ADDRESS);
        assert_eq!(r.taxpayer.as_ref().unwrap().estado.len(), MAX_STATUS);
        assert_eq!(
            r.taxpayer.as_ref().unwrap().condicion,
            "",
            "a number is no text"
        );
        r.check().unwrap();
    }
}
