//! The two providers' JSON, field for field: apis.net.pe v2 (camelCase, served under
//! `/v2/...`) and Decolecta (snake_case, served under `/v1/...`). Both answer
//! `GET {base}/sunat/ruc?numero=` and `GET {base}/reniec/dni?numero=` with a bearer token.

use crate::fixtures::{Person, Taxpayer};
use serde_json::{Value, json};

/// Which provider's dialect a request asked for (by its path prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `https://api.apis.net.pe/v2`
    ApisNetV2,
    /// `https://api.decolecta.com/v1`
    Decolecta,
}

pub fn taxpayer(d: Dialect, t: &Taxpayer, number: &str) -> Value {
    match d {
        Dialect::ApisNetV2 => json!({
            "razonSocial": t.name,
            "tipoDocumento": "6",
            "numeroDocumento": number,
            "estado": t.estado,
            "condicion": t.condicion,
            "direccion": t.direccion,
            "ubigeo": t.ubigeo,
            "viaTipo": "-",
            "viaNombre": "-",
            "zonaCodigo": "-",
            "zonaTipo": "-",
            "numero": "-",
            "interior": "-",
            "lote": "-",
            "dpto": "-",
            "manzana": "-",
            "kilometro": "-",
            "distrito": t.distrito,
            "provincia": t.provincia,
            "departamento": t.departamento,
            "EsAgenteRetencion": false,
            "EsBuenContribuyente": false,
            "localesAnexos": []
        }),
        Dialect::Decolecta => json!({
            "razon_social": t.name,
            "numero_documento": number,
            "estado": t.estado,
            "condicion": t.condicion,
            "direccion": t.direccion,
            "ubigeo": t.ubigeo,
            "via_tipo": "-",
            "via_nombre": "-",
            "zona_codigo": "-",
            "zona_tipo": "-",
            "numero": "-",
            "interior": "-",
            "lote": "-",
            "dpto": "-",
            "manzana": "-",
            "kilometro": "-",
            "distrito": t.distrito,
            "provincia": t.provincia,
            "departamento": t.departamento,
            "es_agente_retencion": false,
            "es_buen_contribuyente": false,
            "locales_anexos": null
        }),
    }
}

pub fn person(d: Dialect, p: &Person) -> Value {
    let full = format!("{} {} {}", p.paterno, p.materno, p.nombres);
    match d {
        Dialect::ApisNetV2 => json!({
            "nombres": p.nombres,
            "apellidoPaterno": p.paterno,
            "apellidoMaterno": p.materno,
            "nombreCompleto": full,
            "tipoDocumento": "1",
            "numeroDocumento": p.dni,
            "digitoVerificador": "1"
        }),
        Dialect::Decolecta => json!({
            "first_name": p.nombres,
            "first_last_name": p.paterno,
            "second_last_name": p.materno,
            "full_name": full,
            "document_number": p.dni
        }),
    }
}

/// The error body both providers send (`{"message": ...}`).
pub fn error(message: &str) -> Value {
    json!({ "message": message })
}
