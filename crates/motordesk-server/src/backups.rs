//! Kiosk backups: each kiosk uploads its store as a snapshot sealed with the store's own
//! key (this server cannot read it), and a new PC restores it after a server
//! administrator logs in (docs/deployment.md, "Backups and restore").
//!
//! Files, not database rows: `backups/<device id>/<unix ms>.mdbk` beside the server's
//! database, 0600 in 0700 folders. An upload is streamed to `.<ms>.part` with a size
//! limit, fsynced and renamed into place (a reader never sees half a file), then the
//! oldest beyond `BACKUPS_KEPT` are deleted. With several instances the folder must be
//! shared storage (docs/deployment.md).
//!
//! Restoring: `POST /v1/restore/login` (administrator only, throttled like `/v1/login`)
//! → `GET /v1/restore/backups` → `POST /v1/restore/claim`, which re-registers the kiosk
//! with a new token (the dead PC's stops working) and hands over its escrow key and the
//! highest number of each of its series; the new PC then downloads the snapshot with its
//! new token (`GET /v1/devices/backup`), like any kiosk fetching its own.

use crate::accounts::{Session, escrow_name, hash_password, verify_password};
use crate::db::{DbError, ServerDb, new_token, token_hash};
use crate::error::ApiError;
use crate::request::{
    Shared, authenticate, blocking, parse, throttle_check, throttle_failed, throttle_succeeded,
};
use crate::shops::ShopId;
use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use motordesk_core::protocol::*;
use motordesk_core::{Invoice, RecordKind, Role};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

/// What every kiosk snapshot starts with (`store/backup.rs` of the kiosk): anything
/// else is refused before it is stored.
const MAGIC: &[u8; 8] = b"MDBACK1\n";
const SUFFIX: &str = ".mdbk";
/// Environment variable: the largest kiosk backup taken, in MB (default 1024).
pub const MAX_ENV: &str = "MOTORDESK_BACKUP_MAX_MB";
/// A restore session lasts this long.
const SESSION_MINUTES: i64 = 30;

/// The folder of kiosk backups and its limits.
#[derive(Debug, Clone)]
pub struct Shelf {
    dir: PathBuf,
    /// Largest upload taken.
    pub max_bytes: usize,
    /// Backups kept per kiosk.
    pub keep: usize,
}

impl Shelf {
    /// Backups beside the database `db_path` (its folder's `backups/`). The largest
    /// upload is `MAX_BACKUP_BYTES`, or `MOTORDESK_BACKUP_MAX_MB` megabytes when set.
    pub fn beside(db_path: &Path) -> Shelf {
        let max_bytes = std::env::var(MAX_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&mb| mb > 0)
            .map_or(MAX_BACKUP_BYTES, |mb| mb.saturating_mul(1024 * 1024));
        Shelf {
            dir: db_path.with_file_name("backups"),
            max_bytes,
            keep: BACKUPS_KEPT,
        }
    }

    fn device_dir(&self, device: Uuid) -> PathBuf {
        self.dir.join(device.to_string())
    }

    /// The kept backups of `device`, newest first: (id, size).
    pub fn list(&self, device: Uuid) -> std::io::Result<Vec<(String, u64)>> {
        let dir = self.device_dir(device);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for e in entries {
            let e = e?;
            let name = e.file_name().to_string_lossy().to_string();
            if let Some(id) = name.strip_suffix(SUFFIX)
                && valid_id(id)
            {
                out.push((id.to_string(), e.metadata()?.len()));
            }
        }
        out.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(out)
    }

    /// Every device that has a backup here.
    fn devices(&self) -> std::io::Result<Vec<Uuid>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for e in entries {
            if let Ok(id) = Uuid::parse_str(&e?.file_name().to_string_lossy()) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// The path of backup `id` of `device` (newest when `None`), if it exists.
    fn find(&self, device: Uuid, id: Option<&str>) -> std::io::Result<Option<PathBuf>> {
        let kept = self.list(device)?;
        let pick = match id {
            None => kept.first(),
            Some(id) => kept.iter().find(|(k, _)| k == id),
        };
        Ok(pick.map(|(k, _)| self.device_dir(device).join(format!("{k}{SUFFIX}"))))
    }

    /// Puts a finished upload in place and drops the oldest beyond `keep`.
    fn commit(&self, device: Uuid, part: &Path, id: &str) -> std::io::Result<()> {
        let dir = self.device_dir(device);
        std::fs::rename(part, dir.join(format!("{id}{SUFFIX}")))?;
        sync_dir(&dir)?;
        for (old, _) in self.list(device)?.into_iter().skip(self.keep.max(1)) {
            std::fs::remove_file(dir.join(format!("{old}{SUFFIX}")))?;
        }
        Ok(())
    }

    /// A new partial upload file for `device` (folders made owner-only).
    fn part(&self, device: Uuid, id: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
        for d in [&self.dir, &self.device_dir(device)] {
            if !d.exists() {
                std::fs::create_dir_all(d)?;
                crate::files::owner_only(d)?;
            }
        }
        let path = self.device_dir(device).join(format!(".{id}.part"));
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        Ok((path.clone(), o.open(&path)?))
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::Db(DbError::Io(e))
}

pub fn routes() -> Router<Shared> {
    let upload = Router::new()
        .route(DEVICE_BACKUP, get(download).put(upload))
        .layer(DefaultBodyLimit::disable());
    Router::new()
        .route(RESTORE_LOGIN, post(restore_login))
        .route(RESTORE_BACKUPS, get(restore_backups))
        .route(RESTORE_CLAIM, post(restore_claim))
        .route(DEVICE_COMPROBANTE, get(own_comprobante))
        .layer(DefaultBodyLimit::max(MAX_SMALL_BODY))
        .merge(upload)
}

/// `PUT /v1/devices/backup`: the body is streamed to disk and refused (413) once it
/// passes `max_bytes`; only a complete, fsynced upload replaces anything.
async fn upload(
    State(state): State<Shared>,
    headers: HeaderMap,
    mut body: Body,
) -> Result<Json<BackupInfo>, ApiError> {
    use std::io::Write;
    let kiosk = authenticate(&state, &headers).await?;
    let device = kiosk.device.clone();
    let shelf = state.backups.clone();
    let taken_at = Utc::now();
    let id = format!("{:013}", taken_at.timestamp_millis());
    let (s, d, i) = (shelf.clone(), device.device_id, id.clone());
    let (part, file) = tokio::task::spawn_blocking(move || s.part(d, &i))
        .await?
        .map_err(io)?;
    let mut file = Some(file);
    let mut written = 0usize;
    let outcome: Result<(), ApiError> = async {
        while let Some(frame) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|_| ApiError::BadRequest("backup upload broken off"))?;
            let Ok(chunk) = frame.into_data() else {
                continue;
            };
            if written == 0 && !chunk.is_empty() && !chunk.starts_with(&MAGIC[..chunk.len().min(8)])
            {
                return Err(ApiError::BadRequest("not a MotorDesk backup"));
            }
            written += chunk.len();
            if written > shelf.max_bytes {
                return Err(ApiError::TooLarge(shelf.max_bytes));
            }
            let mut f = file.take().expect("file is put back after each chunk");
            let (f, res) = tokio::task::spawn_blocking(move || {
                let r = f.write_all(&chunk);
                (f, r)
            })
            .await?;
            res.map_err(io)?;
            file = Some(f);
        }
        if written < MAGIC.len() {
            return Err(ApiError::BadRequest("not a MotorDesk backup"));
        }
        let f = file.take().expect("file");
        let (s, p, i) = (shelf.clone(), part.clone(), id.clone());
        let d = device.device_id;
        tokio::task::spawn_blocking(move || {
            f.sync_all()?;
            drop(f);
            s.commit(d, &p, &i)
        })
        .await?
        .map_err(io)
    }
    .await;
    if let Err(e) = outcome {
        drop(file);
        let _ = std::fs::remove_file(&part);
        log::warn!("backup of kiosk {} refused: {e}", device.kiosk_number);
        return Err(e);
    }
    log::info!(
        "backup of kiosk {} stored: {written} bytes",
        device.kiosk_number
    );
    Ok(Json(BackupInfo {
        id,
        device_id: device.device_id,
        device_name: device.name,
        kiosk_number: device.kiosk_number,
        taken_at,
        bytes: written as u64,
    }))
}

/// `GET /v1/devices/backup[?id=]`: a kiosk fetches one of its own backups, never
/// another's (the device comes from the token, not from the request).
async fn download(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let kiosk = authenticate(&state, &headers).await?;
    let id = q.get("id").cloned();
    if id.as_deref().is_some_and(|i| !valid_id(i)) {
        return Err(ApiError::BadRequest("bad backup id"));
    }
    let shelf = state.backups.clone();
    let device = kiosk.device.device_id;
    let bytes = tokio::task::spawn_blocking(move || match shelf.find(device, id.as_deref())? {
        Some(p) => std::fs::read(p).map(Some),
        None => Ok(None),
    })
    .await?
    .map_err(io)?
    .ok_or(ApiError::NotFound("no such backup of this kiosk"))?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/octet-stream")],
        bytes,
    )
        .into_response())
}

/// `GET /v1/devices/comprobante?id=`: the signed XML of one of the asking kiosk's own
/// documents, as it pushed it (a restored kiosk takes back those synced after its
/// snapshot: their hash is printed on reprints). Another kiosk's, or none: 404.
async fn own_comprobante(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let kiosk = authenticate(&state, &headers).await?;
    let id = q
        .get("id")
        .and_then(|s| Uuid::parse_str(s.trim()).ok())
        .ok_or(ApiError::BadRequest("bad document id"))?;
    let device = kiosk.device.device_id;
    let db = kiosk.db.clone();
    let rec = blocking(move || db.read(|t| t.record(RecordKind::Comprobante, id))).await?;
    let rec = rec
        .filter(|r| r.origin == device)
        .ok_or(ApiError::NotFound(
            "no signed XML of this kiosk with that id",
        ))?;
    Ok(Json(rec.payload))
}

/// The shop store a restore session token belongs to, and the session; 401 unknown or
/// expired, 403 not an administrator.
async fn admin(state: &Shared, headers: &HeaderMap) -> Result<Arc<ServerDb>, ApiError> {
    let token = headers
        .get(USER_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or(ApiError::Unauthorized("missing user token"))?;
    let shop = ShopId::of_token(&token).ok_or(ApiError::Unauthorized("unknown user token"))?;
    let s = state.clone();
    let (db, me) = blocking(move || {
        let Some(db) = s.shops.get(shop)? else {
            return Ok(None);
        };
        Ok(db.session(&token)?.map(|me| (db, me)))
    })
    .await?
    .ok_or(ApiError::Unauthorized("unknown or expired user token"))?;
    if me.role != Role::Administrador {
        return Err(ApiError::Forbidden("only an administrator may restore"));
    }
    Ok(db)
}

/// Accounts of one user name whose passwords are checked when no shop is named (each
/// check is an Argon2 hash); more shops with that name must say which.
const MAX_SHOPS_GUESSED: usize = 20;

/// Whose account a restore login is.
enum Found {
    No,
    One((Arc<ServerDb>, crate::accounts::ServerUser)),
    SeveralShops,
}

/// `POST /v1/restore/login`: a server administrator's password, from any PC (a new one
/// is not registered yet), throttled per account and per address. Without a shop, the
/// one shop of the chain where these are an account's; 409 when several are.
async fn restore_login(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req: RestoreLogin = parse("restore login", &body)?;
    if req.username.len() > 100 || req.password.len() > 1_000 {
        return Err(ApiError::Unauthorized("wrong user or password"));
    }
    let keys = [
        format!("user:{}", req.username.trim().to_lowercase()),
        format!("ip:{}", addr.ip()),
    ];
    throttle_check(&state, &keys).await?;
    let s = state.clone();
    let found = blocking(move || {
        // The shop named, or (none named) every shop of the chain with this user name.
        let shops = match req.shop {
            Some(n) => s.shops.get(ShopId(n))?.into_iter().collect::<Vec<_>>(),
            None => s.shops.all()?.into_iter().map(|(_, db)| db).collect(),
        };
        let mut accounts = Vec::new();
        for db in shops {
            if let Some(u) = db.read(|t| t.user(req.username.trim()))?
                && u.active
            {
                accounts.push((db, u));
            }
        }
        if accounts.len() > MAX_SHOPS_GUESSED {
            return Ok(Found::SeveralShops);
        }
        // Verify even for unknown users so timing does not tell who exists.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default());
        if accounts.is_empty() {
            verify_password(&req.password, dummy);
        }
        accounts.retain(|(_, u)| verify_password(&req.password, &u.password_hash));
        // The same name and password in several shops: an administrator's account wins
        // over a cashier's; two administrators' must say which shop.
        if accounts.len() > 1 {
            accounts.retain(|(_, u)| u.role == Role::Administrador);
        }
        Ok(match accounts.len() {
            0 => Found::No,
            1 => Found::One(accounts.pop().expect("one")),
            _ => Found::SeveralShops,
        })
    })
    .await?;
    let (db, user) = match found {
        Found::One(account) => account,
        Found::SeveralShops => {
            // Not a failed attempt, but not a free probe either: counted like one.
            throttle_failed(&state, &keys).await?;
            log::info!("restore login for {} names no shop; several match", keys[0]);
            return Ok((
                axum::http::StatusCode::CONFLICT,
                Json(ErrorBody {
                    error: "this user is an administrator in several shops: name the shop".into(),
                }),
            )
                .into_response());
        }
        Found::No => {
            throttle_failed(&state, &keys).await?;
            log::warn!("failed restore login for {} from {addr}", keys[0]);
            return Err(ApiError::Unauthorized("wrong user or password"));
        }
    };
    throttle_succeeded(&state, &keys).await?;
    if user.role != Role::Administrador {
        log::warn!("restore refused to {} (not an administrator)", keys[0]);
        return Err(ApiError::Forbidden("only an administrator may restore"));
    }
    let token = db.shop_id().tag(new_token());
    let session = Session {
        username: user.username.clone(),
        role: user.role,
        expires_at: Utc::now() + chrono::Duration::minutes(SESSION_MINUTES),
    };
    let hash = token_hash(&token);
    let expires_at = session.expires_at;
    blocking(move || db.write(|t| t.put_session(&hash, &session))).await?;
    log::info!("restore session for {} from {addr}", keys[0]);
    Ok(Json(RestoreSession { token, expires_at }).into_response())
}

/// `GET /v1/restore/backups`: every backup of this shop's kiosks, newest first.
async fn restore_backups(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Json<Vec<BackupInfo>>, ApiError> {
    let db = admin(&state, &headers).await?;
    let shelf = state.backups.clone();
    let list = blocking(move || {
        let mut out = Vec::new();
        for id in shelf.devices()? {
            // Only this shop's kiosks: another shop's device is unknown to its store.
            let Some(device) = db.device(id)? else {
                continue;
            };
            for (bid, bytes) in shelf.list(id)? {
                let ms: i64 = bid.parse().unwrap_or(0);
                out.push(BackupInfo {
                    id: bid,
                    device_id: id,
                    device_name: device.name.clone(),
                    kiosk_number: device.kiosk_number,
                    taken_at: DateTime::from_timestamp_millis(ms).unwrap_or_default(),
                    bytes,
                });
            }
        }
        out.sort_by_key(|b| std::cmp::Reverse(b.taken_at));
        Ok(out)
    })
    .await?;
    Ok(Json(list))
}

/// `POST /v1/restore/claim`: the new PC becomes the kiosk. Its token is replaced (the
/// old PC is locked out), and the answer carries what the new PC needs: the escrow key
/// and, per series, the highest number the server holds of this kiosk.
async fn restore_claim(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RestoreGrant>, ApiError> {
    let db = admin(&state, &headers).await?;
    let req: RestoreClaim = parse("restore claim", &body)?;
    let token = headers
        .get(USER_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let grant = blocking(move || {
        let Some(me) = db.session(&token)? else {
            return Ok(None);
        };
        if db.device(req.device_id)?.is_none() {
            return Ok(None);
        }
        let Some(sealed) = db.read(|t| t.escrow(req.device_id))? else {
            return Ok(None);
        };
        let escrow = db
            .sealer()
            .open(&escrow_name(req.device_id), &sealed)
            .map_err(DbError::Seal)?;
        let highest = highest_numbers(&db, req.device_id)?;
        let name = req.name.chars().take(120).collect::<String>();
        let (device, token) = db.register(req.device_id, &name)?;
        let display_name = db
            .read(|t| t.user(&me.username))?
            .map_or(me.username.clone(), |u| u.display_name);
        Ok(Some(RestoreGrant {
            device_id: device.device_id,
            token,
            kiosk_number: device.kiosk_number,
            series: device.series,
            escrow_key: to_hex(&escrow),
            highest,
            username: me.username,
            display_name,
        }))
    })
    .await?
    .ok_or(ApiError::NotFound(
        "no such kiosk with an escrow key in this shop",
    ))?;
    log::warn!(
        "kiosk {} ({}) restored onto a new PC by {}: its old token no longer works",
        grant.kiosk_number,
        grant.device_id,
        grant.username
    );
    Ok(Json(grant))
}

/// Per series, the highest correlative of the documents `device` pushed.
fn highest_numbers(db: &ServerDb, device: Uuid) -> Result<BTreeMap<String, u32>, DbError> {
    let mut out = BTreeMap::new();
    for rec in db.read(|t| t.records_of(RecordKind::Invoice))? {
        if rec.origin != device {
            continue;
        }
        let inv: Invoice = serde_json::from_value(rec.payload["data"].clone())?;
        let n = out.entry(inv.number.series.to_string()).or_insert(0);
        *n = (*n).max(inv.number.correlative);
    }
    Ok(out)
}
