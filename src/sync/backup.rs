//! Backups off the kiosk and back: upload the store's sealed snapshot (daily, on
//! "Respaldar ahora", after a shift close), and restore it onto a new PC after a server
//! administrator logs in (docs/deployment.md, "Backups and restore").
//!
//! Restoring makes the new PC *be* the dead kiosk: same device id, its escrow key opens
//! the snapshot, a new device token replaces the old one, and every series continues
//! after the highest number either the snapshot or the server has.

use crate::store::{Store, StoreError, restore_snapshot};
use crate::sync::client::{Client, DEFAULT_TIMEOUT, normalize_url};
use crate::sync::error::{SyncError, SyncResult};
use crate::sync::worker::{Report, SyncOptions, pull};
use motordesk_core::Role;
use motordesk_core::protocol::*;
use std::path::Path;
use std::time::Duration;

/// An upload or download of a whole store may take longer than a sync call.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(300);

/// Takes a snapshot (at most `max_bytes`) and uploads it; remembers the outcome in the
/// store (Ajustes shows it). Returns the snapshot's size.
pub fn upload_backup(store: &Store, client: &Client, max_bytes: usize) -> SyncResult<u64> {
    let result = (|| {
        let snap = store.snapshot(max_bytes)?;
        let big = Client::new(client.base_url(), client.token().cloned(), TRANSFER_TIMEOUT);
        let info: BackupInfo = big.put_bytes(DEVICE_BACKUP, &snap.bytes)?;
        Ok::<_, SyncError>(info.bytes)
    })();
    match &result {
        Ok(bytes) => {
            log::info!("backup: {bytes} bytes uploaded");
            store.record_backup(Ok(*bytes))?;
        }
        Err(e) => {
            log::warn!("backup: upload failed: {e}");
            store.record_backup(Err(backup_mensaje(e)))?;
        }
    }
    result
}

/// After a restore: takes back the signed XML of this kiosk's documents synced after its
/// snapshot (a reprint prints their hash), one request each; those the server has no
/// signed XML of are left as they are. Returns how many were taken back.
pub fn fetch_own_xml(store: &Store, client: &Client) -> SyncResult<usize> {
    let mut kept = 0;
    for id in store.own_documents_without_xml()? {
        let path = format!("{DEVICE_COMPROBANTE}?id={id}");
        let up: motordesk_core::Stored<ComprobanteUpload> = match client.get_json(&path, None) {
            Ok(up) => up,
            Err(SyncError::Refused { status: 404, .. }) => continue,
            Err(e) => return Err(e),
        };
        if up.data.invoice_id == id && store.restore_signed_xml(&up)? {
            kept += 1;
        }
    }
    if kept > 0 {
        log::info!("restore: signed XML of {kept} documents taken back from the server");
    }
    Ok(kept)
}

/// Whether the daily backup is due (24 h after the last successful one, or never made).
pub fn backup_due(store: &Store) -> bool {
    store
        .backup_status()
        .is_ok_and(|s| s.due(chrono::Utc::now()))
}

/// A backup failure as the administrator reads it.
pub fn backup_mensaje(e: &SyncError) -> String {
    match e {
        SyncError::Refused { status: 413, .. } => {
            "El servidor no acepta un respaldo tan grande. Avise al soporte técnico.".into()
        }
        other => format!("El respaldo no se envió: {}", other.mensaje()),
    }
}

/// What a chain's administrator reads when the server asks which shop (409).
pub const SEVERAL_SHOPS: &str =
    "Este usuario es administrador en varias tiendas: escriba el número de su tienda.";

/// A restore failure as the administrator reads it (the server's refusals in Spanish).
pub fn restore_mensaje(e: &SyncError) -> String {
    match e {
        SyncError::Unauthorized => "Usuario o contraseña del servidor incorrectos.".into(),
        SyncError::Refused { status: 403, .. } => {
            "Solo un administrador del servidor puede restaurar una caja.".into()
        }
        SyncError::Refused { status: 404, .. } => {
            "El servidor no tiene respaldo de esa caja.".into()
        }
        SyncError::Refused { status: 409, .. } => SEVERAL_SHOPS.into(),
        other => other.mensaje(),
    }
}

/// Logs a server administrator in for restoring: a session token. The server finds the
/// administrator's shop (a chain's); see `restore_login_in`.
pub fn restore_login(url: &str, username: &str, password: &str) -> SyncResult<RestoreSession> {
    restore_login_in(url, username, password, None)
}

/// Whether a restore login failed because the user is an administrator in several shops
/// of a chain and must name one.
pub fn restore_needs_shop(e: &SyncError) -> bool {
    matches!(e, SyncError::Refused { status: 409, .. })
}

/// `restore_login` in shop `shop` of a chain (`None`: the server finds it; it answers
/// 409 when the user name and password are an administrator's in several shops).
pub fn restore_login_in(
    url: &str,
    username: &str,
    password: &str,
    shop: Option<u32>,
) -> SyncResult<RestoreSession> {
    let url = checked_url(url)?;
    let client = Client::new(&url, None, DEFAULT_TIMEOUT);
    client.post_json(
        RESTORE_LOGIN,
        &RestoreLogin {
            username: username.trim().to_string(),
            password: password.to_string(),
            shop,
        },
        None,
    )
}

/// Every kiosk backup the server keeps, newest first.
pub fn restore_list(url: &str, session: &str) -> SyncResult<Vec<BackupInfo>> {
    let client = Client::new(&checked_url(url)?, None, DEFAULT_TIMEOUT);
    client.get_json(RESTORE_BACKUPS, Some(session))
}

fn checked_url(url: &str) -> SyncResult<String> {
    let url = normalize_url(url);
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
        return Err(SyncError::BadUrl(url));
    }
    Ok(url)
}

/// Restores `backup` into a new store at `path` (refused if one exists there), as the
/// administrator `username` (who gets a local key slot with `password`), then pulls.
/// The server revokes the old PC's token and hands this one a new one.
pub fn restore_from_server(
    url: &str,
    session: &str,
    backup: &BackupInfo,
    path: &Path,
    username: &str,
    password: &str,
) -> SyncResult<Store> {
    let url = checked_url(url)?;
    if Store::is_initialized(path)? || path.exists() {
        return Err(
            StoreError::from(crate::store::BackupError::StoreExists(path.to_path_buf())).into(),
        );
    }
    let admin = Client::new(&url, None, DEFAULT_TIMEOUT);
    // The kiosk keeps the name the shop knows it by ("Caja 2 (rosa)").
    let name = if backup.device_name.trim().is_empty() {
        "equipo restaurado".to_string()
    } else {
        backup.device_name.clone()
    };
    let grant: RestoreGrant = admin.post_json(
        RESTORE_CLAIM,
        &RestoreClaim {
            device_id: backup.device_id,
            name: name.chars().take(60).collect(),
        },
        Some(session),
    )?;
    let escrow = from_hex32(&grant.escrow_key).ok_or(SyncError::BadEscrowKey)?;
    let device = Client::new(&url, Some(grant.token.clone()), TRANSFER_TIMEOUT);
    let bytes = device.get_bytes(
        &format!("{DEVICE_BACKUP}?id={}", backup.id),
        MAX_BACKUP_BYTES,
    )?;
    restore_snapshot(path, &bytes, &escrow, grant.device_id)?;
    let store = Store::unlock_with_server_key(
        path,
        &grant.username,
        password,
        &escrow,
        Role::Administrador,
        &grant.display_name,
    )?;
    debug_assert_eq!(grant.username, username.trim());
    let mut settings = store.settings()?;
    settings.server_url = url.clone();
    settings.device_token = Some(grant.token.clone());
    settings.series = grant.series.clone();
    store.save_settings(&settings)?;
    let raised = store.raise_correlatives(&grant.highest)?;
    // Nothing was in flight in the new PC: entries caught SYNCING by the snapshot are
    // PENDING again (the server answers `duplicate` for those it has).
    store.reset_syncing()?;
    let client = Client::new(&url, Some(grant.token), DEFAULT_TIMEOUT);
    let mut report = Report::default();
    if let Err(e) = pull(&store, &client, &SyncOptions::default(), &mut report) {
        // The data is restored and numbering is safe; the sync thread pulls again.
        log::warn!("restore: first pull failed: {e}");
    }
    log::info!(
        "restored kiosk {} ({}): {raised} series raised to the server's numbers, {} changes pulled",
        grant.kiosk_number,
        grant.device_id,
        report.pulled
    );
    Ok(store)
}
