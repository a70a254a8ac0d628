//! Device registration: the settings screen sends the shop's enrollment code; the server
//! answers with a token and the series this kiosk owns, which are saved in the settings.

use crate::store::Store;
use crate::sync::client::{Client, DEFAULT_TIMEOUT, normalize_url};
use crate::sync::error::{SyncError, SyncResult};
use motordesk_core::SeriesSet;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub device_id: Uuid,
    pub kiosk_number: u16,
    pub series: SeriesSet,
}

/// Registers this kiosk with the server at `url` and saves the URL, token and series.
/// Blocking: call it off the UI thread.
pub fn register(url: &str, enrollment_code: &str, store: &Store) -> SyncResult<Registration> {
    let url = normalize_url(url);
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
        return Err(SyncError::BadUrl(url));
    }
    if enrollment_code.trim().is_empty() {
        return Err(SyncError::EnrollmentRefused);
    }
    let mut settings = store.settings()?;
    let name = format!("{} ({})", settings.issuer.nombre_comercial, store.account());
    let client = Client::new(&url, settings.device_token.clone(), DEFAULT_TIMEOUT);
    let resp = client.register(enrollment_code, store.device_id(), &name)?;
    if resp.device_id != store.device_id() {
        return Err(SyncError::WrongDevice {
            asked: store.device_id(),
            answered: resp.device_id,
        });
    }
    settings.server_url = url;
    settings.device_token = Some(resp.token);
    settings.series = resp.series.clone();
    store.save_settings(&settings)?;
    // Let users the server knows log in here the first time (see store::server_slot).
    crate::sync::accounts::enable_server_login(store)?;
    log::info!(
        "registered as kiosk {} ({})",
        resp.kiosk_number,
        resp.series.boleta
    );
    Ok(Registration {
        device_id: resp.device_id,
        kiosk_number: resp.kiosk_number,
        series: resp.series,
    })
}
