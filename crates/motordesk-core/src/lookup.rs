//! RUC/DNI lookup: what the server's proxy answers when a kiosk asks SUNAT's padrón (a RUC)
//! or RENIEC (a DNI) through the shop's provider, whichever provider it is. The kiosk
//! fills the customer form from it and keeps `TaxpayerStatus` on the customer, so a
//! factura to a RUC that is not ACTIVO or not HABIDO is warned about before it is issued.
//!
//! Pure: the server maps the provider's JSON into `LookupResult` with `clean_text`, both
//! sides check numbers with `lookup_number` before anything leaves the machine.

use crate::error::DomainError;
use crate::identity::{IdKind, validate_dni, validate_ruc};
use crate::limits::{MAX_ADDRESS, MAX_NAME, MAX_SHORT};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `GET /v1/lookup/ruc/{11 digits}` and `GET /v1/lookup/dni/{8 digits}` (device token).
pub const LOOKUP_PREFIX: &str = "/v1/lookup";
/// Longest estado or condición kept ("SUSPENSION TEMPORAL", "NO HALLADO SE MUDO DE DOMICILIO").
pub const MAX_STATUS: usize = 40;
/// Largest provider answer the server reads; anything bigger is refused as garbage (a
/// real one is under 2 KiB, `localesAnexos` included for a shop with a few branches).
pub const MAX_LOOKUP_BODY: usize = 64 * 1024;

/// Which register a number is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LookupKind {
    /// SUNAT's padrón: razón social, fiscal address, estado, condición.
    Ruc,
    /// RENIEC: the person's name (no address from the usual providers).
    Dni,
}

impl LookupKind {
    /// The document kind of the customer this fills.
    pub fn id_kind(self) -> IdKind {
        match self {
            LookupKind::Ruc => IdKind::Ruc,
            LookupKind::Dni => IdKind::Dni,
        }
    }

    /// `ruc` / `dni`: the path segment on the server and the provider.
    pub fn slug(self) -> &'static str {
        match self {
            LookupKind::Ruc => "ruc",
            LookupKind::Dni => "dni",
        }
    }

    /// Where the number is looked up, for the cashier.
    pub fn register(self) -> &'static str {
        match self {
            LookupKind::Ruc => "SUNAT",
            LookupKind::Dni => "RENIEC",
        }
    }

    /// The server path for `number` (already checked).
    pub fn path(self, number: &str) -> String {
        format!("{LOOKUP_PREFIX}/{}/{number}", self.slug())
    }

    /// What the typed text could be looked up as: 8 digits a DNI, 11 a RUC, else nothing.
    /// This is the rule that enables "Buscar en SUNAT/RENIEC" (spaces around are ignored).
    pub fn of_typed(text: &str) -> Option<LookupKind> {
        let t = text.trim();
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match t.len() {
            8 => Some(LookupKind::Dni),
            11 => Some(LookupKind::Ruc),
            _ => None,
        }
    }
}

/// The number as it may be sent to a provider: exactly 8 digits for a DNI, 11 digits with
/// a valid prefix and check digit for a RUC. Anything else is refused before any call.
pub fn lookup_number(kind: LookupKind, text: &str) -> Result<String, DomainError> {
    let n = text.trim();
    match kind {
        LookupKind::Ruc => validate_ruc(n)?,
        LookupKind::Dni => validate_dni(n)?,
    }
    Ok(n.to_string())
}

/// A RUC's standing in SUNAT's padrón when it was looked up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxpayerStatus {
    /// ACTIVO, BAJA DE OFICIO, BAJA DEFINITIVA, SUSPENSION TEMPORAL…
    pub estado: String,
    /// HABIDO, NO HABIDO, NO HALLADO…
    pub condicion: String,
    /// When the provider answered (a cached answer keeps its first time).
    pub checked_at: DateTime<Utc>,
}

impl TaxpayerStatus {
    pub fn is_active(&self) -> bool {
        self.estado.trim().eq_ignore_ascii_case("ACTIVO")
    }

    pub fn is_habido(&self) -> bool {
        self.condicion.trim().eq_ignore_ascii_case("HABIDO")
    }

    /// ACTIVO and HABIDO: a factura to it is ordinary.
    pub fn is_good(&self) -> bool {
        self.is_active() && self.is_habido()
    }

    /// "ACTIVO / HABIDO", as the form shows it.
    pub fn label(&self) -> String {
        format!("{} / {}", self.estado, self.condicion)
    }

    /// What the cashier must confirm before a factura to this RUC (Spanish), or `None`
    /// when it is ACTIVO and HABIDO.
    pub fn factura_warning(&self, ruc: &str) -> Option<String> {
        let mut why = Vec::new();
        if !self.is_active() {
            why.push(format!("está «{}»", self.estado));
        }
        if !self.is_habido() {
            why.push(format!("figura como «{}»", self.condicion));
        }
        if why.is_empty() {
            return None;
        }
        Some(format!(
            "El RUC {ruc} {} en SUNAT (consultado el {}). SUNAT puede rechazar la factura y el \
             cliente no podría usarla como crédito fiscal.",
            why.join(" y "),
            crate::time::lima_display(self.checked_at)
        ))
    }
}

/// Where a RUC's fiscal address is (SUNAT ubigeo code and its names).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ubigeo {
    /// Six digits (INEI/SUNAT), empty when the provider gave none.
    pub code: String,
    pub departamento: String,
    pub provincia: String,
    pub distrito: String,
}

/// What a lookup found, the same whichever provider answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupResult {
    pub kind: LookupKind,
    pub number: String,
    /// Razón social (RUC) or the person's full name (DNI), at most `MAX_NAME`.
    pub name: String,
    /// Fiscal address (RUC), at most `MAX_ADDRESS`; empty for a DNI.
    pub address: String,
    /// Estado and condición (RUC only).
    pub taxpayer: Option<TaxpayerStatus>,
    /// The address's ubigeo (RUC only, when given).
    pub ubigeo: Option<Ubigeo>,
}

impl LookupResult {
    /// Holds to the limits `clean_text` applies, so a kiosk can trust what it shows and
    /// saves (it checks again what the server sent).
    pub fn check(&self) -> Result<(), DomainError> {
        lookup_number(self.kind, &self.number)?;
        if self.name.trim().is_empty() {
            return Err(DomainError::NameRequired);
        }
        crate::check_len("nombre", &self.name, MAX_NAME)?;
        crate::check_len("dirección", &self.address, MAX_ADDRESS)?;
        if let Some(t) = &self.taxpayer {
            crate::check_len("estado", &t.estado, MAX_STATUS)?;
            crate::check_len("condición", &t.condicion, MAX_STATUS)?;
        }
        if let Some(u) = &self.ubigeo {
            crate::check_len("ubigeo", &u.code, 6)?;
            crate::check_len("departamento", &u.departamento, MAX_SHORT)?;
            crate::check_len("provincia", &u.provincia, MAX_SHORT)?;
            crate::check_len("distrito", &u.distrito, MAX_SHORT)?;
        }
        Ok(())
    }
}

/// A provider's text made safe to keep: control characters dropped, runs of spaces made
/// one, trimmed, `-` (the padrón's "nothing here") made empty, and cut to `max`
/// characters. A razón social longer than the record allows is cut rather than refused:
/// the number is what identifies the buyer, and the cashier can still edit the name.
pub fn clean_text(raw: &str, max: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max * 4));
    for word in raw.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out == "-" {
        out.clear();
    }
    match out.char_indices().nth(max) {
        Some((cut, _)) => out[..cut].trim_end().to_string(),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_rule_is_eight_or_eleven_digits() {
        assert_eq!(LookupKind::of_typed(" 45678912 "), Some(LookupKind::Dni));
        assert_eq!(LookupKind::of_typed("20131312955"), Some(LookupKind::Ruc));
        for no in [
            "",
            "4567891",
            "456789123",
            "2013131295",
            "201313129551",
            "4567891a",
        ] {
            assert_eq!(LookupKind::of_typed(no), None, "{no:?}");
        }
    }

    #[test]
    fn numbers_are_checked_before_any_call() {
        assert_eq!(
            lookup_number(LookupKind::Ruc, "20131312955").unwrap(),
            "20131312955"
        );
        assert!(matches!(
            lookup_number(LookupKind::Ruc, "20131312954"),
            Err(DomainError::RucCheckDigit { .. })
        ));
        assert!(lookup_number(LookupKind::Ruc, "2013131295").is_err());
        assert!(lookup_number(LookupKind::Dni, "4567891").is_err());
        assert!(lookup_number(LookupKind::Dni, "4567891x").is_err());
        assert_eq!(LookupKind::Dni.path("45678912"), "/v1/lookup/dni/45678912");
    }

    #[test]
    fn text_is_cleaned_and_cut_on_a_character() {
        assert_eq!(
            clean_text("  AV.\tLOS  OLIVOS\n123 ", 50),
            "AV. LOS OLIVOS 123"
        );
        assert_eq!(clean_text("-", 50), "");
        assert_eq!(clean_text("ÑAÑA SAC", 3), "ÑAÑ");
        assert_eq!(clean_text("AB CD", 3), "AB");
        assert_eq!(clean_text("x\u{0}y", 10), "x y");
    }

    fn status(estado: &str, condicion: &str) -> TaxpayerStatus {
        TaxpayerStatus {
            estado: estado.into(),
            condicion: condicion.into(),
            checked_at: DateTime::parse_from_rfc3339("2026-12-06T15:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn only_activo_and_habido_go_without_a_warning() {
        assert_eq!(
            status("ACTIVO", "HABIDO").factura_warning("20131312955"),
            None
        );
        let baja = status("BAJA DE OFICIO", "HABIDO")
            .factura_warning("20100070970")
            .unwrap();
        assert!(baja.contains("está «BAJA DE OFICIO»"), "{baja}");
        assert!(!baja.contains("figura"), "{baja}");
        let no_habido = status("ACTIVO", "NO HABIDO")
            .factura_warning("20100070970")
            .unwrap();
        assert!(no_habido.contains("figura como «NO HABIDO»"), "{no_habido}");
        let both = status("SUSPENSION TEMPORAL", "NO HALLADO")
            .factura_warning("20100070970")
            .unwrap();
        assert!(both.contains("» y figura"), "{both}");
        assert!(both.contains("06/12/2026"), "shown in Lima time: {both}");
    }

    #[test]
    fn a_result_over_the_limits_is_refused() {
        let mut r = LookupResult {
            kind: LookupKind::Ruc,
            number: "20131312955".into(),
            name: "SUNAT".into(),
            address: String::new(),
            taxpayer: Some(status("ACTIVO", "HABIDO")),
            ubigeo: None,
        };
        assert_eq!(r.check(), Ok(()));
        r.name = "N".repeat(MAX_NAME + 1);
        assert!(r.check().is_err());
        r.name = "SUNAT".into();
        r.number = "20131312954".into();
        assert!(r.check().is_err());
    }
}
