//! Whether this kiosk can issue valid comprobantes right now: the shop's RUC record set,
//! a certificate that is not about to expire, no documents waiting "sin firmar". Read off
//! the UI thread when something changed; the top bar and Ajustes show the result.

use crate::store::CertificateInfo;
use crate::store::{Store, StoreResult};
use crate::ui::session::Session;
use crate::ui::theme;
use crate::ui::worker::Job;
use chrono::{DateTime, Utc};
use egui::Color32;

/// What the kiosk knows about its fiscal readiness.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FiscalStatus {
    /// The shop's RUC, razón social and fiscal address are set (see `sunat_issuer`).
    pub(super) issuer_ready: bool,
    /// Fiscal documents issued before a certificate was imported.
    pub(super) unsigned: u64,
    pub(super) certificate: Option<CertificateInfo>,
}

impl FiscalStatus {
    pub(super) fn load(store: &Store) -> StoreResult<FiscalStatus> {
        Ok(FiscalStatus {
            issuer_ready: store.settings()?.sunat_issuer().is_ok(),
            unsigned: store.unsigned_count()?,
            certificate: store.certificate_info()?,
        })
    }

    /// The most urgent warning for the top bar, with its colour; `None` when all is well.
    pub(super) fn warning(&self, now: DateTime<Utc>) -> Option<(String, Color32)> {
        if !self.issuer_ready {
            return Some(("CONFIGURE EL NEGOCIO".into(), theme::RED));
        }
        let unsigned = (self.unsigned > 0).then(|| format!("{} SIN FIRMAR", self.unsigned));
        match &self.certificate {
            None => Some((
                unsigned.unwrap_or_else(|| "SIN CERTIFICADO".into()),
                theme::AMBER,
            )),
            Some(c) if c.days_left(now) < 0 || now > c.not_after => {
                Some(("CERTIFICADO VENCIDO".into(), theme::RED))
            }
            Some(c) if c.needs_attention(now) => Some((
                format!("CERTIFICADO VENCE EN {} DÍAS", c.days_left(now)),
                theme::AMBER,
            )),
            Some(_) => unsigned.map(|u| (u, theme::AMBER)),
        }
    }

    /// The same in fewer letters, for a 1024-pixel top bar.
    pub(super) fn warning_short(&self, now: DateTime<Utc>) -> Option<(String, Color32)> {
        let (long, colour) = self.warning(now)?;
        let short = match long.as_str() {
            "CONFIGURE EL NEGOCIO" => "DATOS SUNAT".to_string(),
            "SIN CERTIFICADO" => "SIN CERT.".to_string(),
            "CERTIFICADO VENCIDO" => "CERT. VENCIDO".to_string(),
            other if other.starts_with("CERTIFICADO VENCE") => {
                format!("CERT. {} DÍAS", self.certificate.as_ref()?.days_left(now))
            }
            other => other.replace(" SIN FIRMAR", " S/FIRMA"),
        };
        Some((short, colour))
    }

    /// The same, in a sentence for Ajustes.
    pub(super) fn explain(&self, now: DateTime<Utc>) -> Option<String> {
        if !self.issuer_ready {
            return Some(
                "Complete el RUC, la razón social y la dirección fiscal (con ubigeo) para emitir boletas y facturas."
                    .into(),
            );
        }
        match &self.certificate {
            None => Some(format!(
                "Sin certificado digital: los comprobantes se emiten sin firmar ({} pendientes) y se firmarán al importarlo.",
                self.unsigned
            )),
            Some(c) if now > c.not_after => Some(format!(
                "El certificado venció el {}: importe el nuevo. Hay {} comprobantes sin firmar.",
                date(c.not_after),
                self.unsigned
            )),
            Some(c) if c.needs_attention(now) => Some(format!(
                "El certificado vence el {} (en {} días): pida el nuevo a su proveedor e impórtelo aquí.",
                date(c.not_after),
                c.days_left(now)
            )),
            Some(_) if self.unsigned > 0 => {
                Some(format!("{} comprobantes esperan su firma.", self.unsigned))
            }
            Some(_) => None,
        }
    }
}

/// `dd/mm/yyyy` in Lima.
pub(super) fn date(t: DateTime<Utc>) -> String {
    motordesk_core::lima_date(t).format("%d/%m/%Y").to_string()
}

/// Keeps a `FiscalStatus` current: reloads it on a worker whenever the session changed.
#[derive(Default)]
pub(super) struct FiscalWatch {
    status: Option<FiscalStatus>,
    seen: Option<u64>,
    job: Job<StoreResult<FiscalStatus>>,
}

impl FiscalWatch {
    pub(super) fn refresh(&mut self, ctx: &egui::Context, s: &Session) {
        if let Some(r) = self.job.poll() {
            match r {
                Ok(st) => self.status = Some(st),
                Err(e) => log::warn!("fiscal status: {e}"),
            }
        }
        if self.seen != Some(s.revision) && !self.job.busy() {
            self.seen = Some(s.revision);
            let store = s.store.clone();
            self.job.start(ctx, move || FiscalStatus::load(&store));
        }
    }

    pub(super) fn status(&self) -> Option<&FiscalStatus> {
        self.status.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(days: i64) -> CertificateInfo {
        let now = Utc::now();
        CertificateInfo {
            subject: "CN=TALLER".into(),
            issuer: "CN=CA".into(),
            serial: "01".into(),
            not_before: now - chrono::Duration::days(300),
            not_after: now + chrono::Duration::days(days) + chrono::Duration::hours(1),
        }
    }

    #[test]
    fn the_most_urgent_warning_wins() {
        let now = Utc::now();
        let mut st = FiscalStatus::default();
        assert_eq!(st.warning(now).unwrap().0, "CONFIGURE EL NEGOCIO");
        assert_eq!(st.warning_short(now).unwrap().0, "DATOS SUNAT");
        st.issuer_ready = true;
        assert_eq!(st.warning(now).unwrap().0, "SIN CERTIFICADO");
        st.unsigned = 3;
        assert_eq!(st.warning(now).unwrap().0, "3 SIN FIRMAR");
        st.certificate = Some(cert(200));
        assert_eq!(st.warning(now).unwrap().0, "3 SIN FIRMAR");
        st.unsigned = 0;
        assert_eq!(st.warning(now), None);
        assert_eq!(st.explain(now), None);
        st.certificate = Some(cert(12));
        assert_eq!(st.warning(now).unwrap().0, "CERTIFICADO VENCE EN 12 DÍAS");
        assert_eq!(st.warning_short(now).unwrap().0, "CERT. 12 DÍAS");
        st.certificate = Some(cert(-3));
        assert_eq!(st.warning(now).unwrap().0, "CERTIFICADO VENCIDO");
        assert!(st.explain(now).unwrap().contains("venció"));
    }
}
