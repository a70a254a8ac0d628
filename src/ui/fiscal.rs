//! Whether this kiosk can issue valid comprobantes right now: the shop's RUC record set,
//! a certificate that is not about to expire, no documents waiting "sin firmar", and how
//! many signed documents SUNAT has not accepted yet (with the most urgent deadline). Read
//! off the UI thread when something changed; the top bar and Ajustes show the result.

use crate::store::{AwaitingSummary, CertificateInfo};
use crate::store::{Store, StoreResult};
use crate::ui::session::Session;
use crate::ui::theme;
use crate::ui::widgets::noun;
use crate::ui::worker::Job;
use chrono::{DateTime, Utc};
use egui::Color32;
use motordesk_core::SendUrgency;
use motordesk_core::thousands;

/// What the kiosk knows about its fiscal readiness.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FiscalStatus {
    /// The shop's RUC, razón social and fiscal address are set (see `sunat_issuer`).
    pub(super) issuer_ready: bool,
    /// Fiscal documents issued before a certificate was imported.
    pub(super) unsigned: u64,
    pub(super) certificate: Option<CertificateInfo>,
    /// Signed documents SUNAT has not accepted yet (`Store::awaiting_sunat`).
    pub(super) awaiting: usize,
    /// Of those, how many are on their last day or past it.
    pub(super) overdue: usize,
    pub(super) most_urgent: Option<SendUrgency>,
}

impl FiscalStatus {
    pub(super) fn load(store: &Store) -> StoreResult<FiscalStatus> {
        let today = motordesk_core::lima_date(Utc::now());
        let AwaitingSummary {
            count,
            alarm,
            most_urgent,
        } = store.awaiting_sunat_summary(today)?;
        Ok(FiscalStatus {
            issuer_ready: store.settings()?.sunat_issuer().is_ok(),
            unsigned: store.unsigned_count()?,
            certificate: store.certificate_info()?,
            awaiting: count,
            overdue: alarm,
            most_urgent,
        })
    }

    /// The SUNAT backlog for the top bar: blue while on time, amber from the second day,
    /// red on a document's last day and after.
    fn sunat_warning(&self) -> Option<(String, Color32)> {
        if self.awaiting == 0 {
            return None;
        }
        Some(match self.most_urgent {
            Some(SendUrgency::Alarm) => (
                format!("SUNAT: {} POR VENCER", thousands(self.overdue as u64)),
                theme::red(),
            ),
            Some(SendUrgency::Warn) => (
                format!("SUNAT: {} POR ACEPTAR", thousands(self.awaiting as u64)),
                theme::amber(),
            ),
            _ => (
                format!("SUNAT: {} POR ACEPTAR", thousands(self.awaiting as u64)),
                theme::blue(),
            ),
        })
    }

    /// The most urgent warning for the top bar, with its colour; `None` when all is well.
    pub(super) fn warning(&self, now: DateTime<Utc>) -> Option<(String, Color32)> {
        if !self.issuer_ready {
            return Some(("CONFIGURE EL NEGOCIO".into(), theme::red()));
        }
        let unsigned =
            (self.unsigned > 0).then(|| format!("{} SIN FIRMAR", thousands(self.unsigned)));
        match &self.certificate {
            None => Some((
                unsigned.unwrap_or_else(|| "SIN CERTIFICADO".into()),
                theme::amber(),
            )),
            Some(c) if c.days_left(now) < 0 || now > c.not_after => {
                Some(("CERTIFICADO VENCIDO".into(), theme::red()))
            }
            Some(c) if c.needs_attention(now) => Some((
                format!("CERTIFICADO VENCE EN {} DÍAS", c.days_left(now)),
                theme::amber(),
            )),
            Some(_) => unsigned
                .map(|u| (u, theme::amber()))
                .or_else(|| self.sunat_warning()),
        }
    }

    /// Whether the top warning is about sending to SUNAT (its list is in Sincronización)
    /// rather than about setting the shop up (Ajustes).
    pub(super) fn about_sending(&self, now: DateTime<Utc>) -> bool {
        let w = self.warning(now);
        w.is_some() && w == self.sunat_warning()
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
            other if other.ends_with(" POR VENCER") => {
                format!("SUNAT {}!", thousands(self.overdue as u64))
            }
            other if other.ends_with(" POR ACEPTAR") => {
                format!("SUNAT: {}", thousands(self.awaiting as u64))
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
                "Sin certificado digital: los comprobantes se emiten sin firmar ({} {}) y se firmarán al importarlo.",
                thousands(self.unsigned),
                noun(self.unsigned, "pendiente", "pendientes")
            )),
            Some(c) if now > c.not_after => Some(format!(
                "El certificado venció el {}: importe el nuevo. Hay {} {} sin firmar.",
                date(c.not_after),
                thousands(self.unsigned),
                noun(self.unsigned, "comprobante", "comprobantes")
            )),
            Some(c) if c.needs_attention(now) => Some(format!(
                "El certificado vence el {} (en {} {}): pida el nuevo a su proveedor e impórtelo aquí.",
                date(c.not_after),
                c.days_left(now),
                noun(c.days_left(now) as u64, "día", "días")
            )),
            Some(_) if self.unsigned > 0 => Some(format!(
                "{} {} su firma.",
                thousands(self.unsigned),
                noun(self.unsigned, "comprobante espera", "comprobantes esperan")
            )),
            Some(_) if self.awaiting == 0 => None,
            Some(_) if self.most_urgent == Some(SendUrgency::Alarm) => Some(format!(
                "{} {} por SUNAT; {} {} en su último día de plazo o {}. Envíelos ya (Ajustes › Envío a SUNAT); la lista está en Sincronización.",
                thousands(self.awaiting as u64),
                noun(
                    self.awaiting as u64,
                    "comprobante aún no aceptado",
                    "comprobantes aún no aceptados"
                ),
                thousands(self.overdue as u64),
                noun(self.overdue as u64, "está", "están"),
                noun(self.overdue as u64, "vencido", "vencidos")
            )),
            Some(_) => Some(format!(
                "{} {} por SUNAT. Véalos en Sincronización.",
                thousands(self.awaiting as u64),
                noun(
                    self.awaiting as u64,
                    "comprobante aún no aceptado",
                    "comprobantes aún no aceptados"
                )
            )),
        }
    }
}

/// `dd/mm/yyyy` in Lima.
pub(super) fn date(t: DateTime<Utc>) -> String {
    motordesk_core::lima_date(t).format("%d/%m/%Y").to_string()
}

/// Keeps a `FiscalStatus` current: reloads it on a worker whenever the session changed,
/// and when the Lima date changes (a deadline moves a document to amber or red).
#[derive(Default)]
pub(super) struct FiscalWatch {
    status: Option<FiscalStatus>,
    seen: Option<(u64, chrono::NaiveDate)>,
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
        let key = (s.revision, motordesk_core::lima_date(Utc::now()));
        if self.seen != Some(key) && !self.job.busy() {
            self.seen = Some(key);
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
        // SUNAT's backlog comes after the shop and certificate warnings.
        st.awaiting = 3;
        st.most_urgent = Some(SendUrgency::Ok);
        assert_eq!(
            st.warning(now).unwrap(),
            ("SUNAT: 3 POR ACEPTAR".to_string(), theme::blue())
        );
        assert_eq!(st.warning_short(now).unwrap().0, "SUNAT: 3");
        assert!(st.explain(now).unwrap().contains("Sincronización"));
        st.most_urgent = Some(SendUrgency::Warn);
        assert_eq!(st.warning(now).unwrap().1, theme::amber());
        st.most_urgent = Some(SendUrgency::Alarm);
        st.overdue = 2;
        assert_eq!(
            st.warning(now).unwrap(),
            ("SUNAT: 2 POR VENCER".to_string(), theme::red())
        );
        assert_eq!(st.warning_short(now).unwrap().0, "SUNAT 2!");
        assert!(st.explain(now).unwrap().contains("último día"));
        st.unsigned = 1;
        assert_eq!(st.warning(now).unwrap().0, "1 SIN FIRMAR");
        st.unsigned = 0;
        st.certificate = Some(cert(12));
        assert_eq!(st.warning(now).unwrap().0, "CERTIFICADO VENCE EN 12 DÍAS");
        assert_eq!(st.warning_short(now).unwrap().0, "CERT. 12 DÍAS");
        st.certificate = Some(cert(-3));
        assert_eq!(st.warning(now).unwrap().0, "CERTIFICADO VENCIDO");
        assert!(st.explain(now).unwrap().contains("venció"));
    }
}
