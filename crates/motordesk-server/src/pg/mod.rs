//! The PostgreSQL backend: the same `Txn` primitives as redb, over a pool of blocking
//! `postgres` connections (every storage call already runs on `spawn_blocking` or on the
//! dispatcher's threads, so an async client would only add a runtime hop).
//!
//! Writes run at READ COMMITTED with every read of a write transaction taken
//! `FOR UPDATE`; idempotency keys, record ids, document numbers, series ownership and
//! kiosk numbers are primary keys, unique or foreign keys. Two instances racing on one
//! of them: the loser's statement fails (unique violation, deadlock) and its whole
//! transaction runs again, where it sees the winner's row (`retryable`).
//!
//! The change feed: changes are buffered during the transaction and appended at its
//! end, numbered by updating the single `feed_tail` row; that row lock is held until
//! commit, so numbers are given in commit order (see docs/sync-protocol.md).

pub(crate) mod migrations;

use crate::accounts::{ServerUser, Session};
use crate::db::{DbError, DbResult};
use crate::device::Device;
use crate::enrollment::EnrollmentCode;
use crate::fiscal::ServerFiscal;
use crate::owners::{Owner, OwnerSession};
use crate::shops::{Shop, ShopId};
use crate::storage::{
    AppliedKey, DueQueue, FeedPage, NewChange, ServerRecord, ThrottleEntry, Txn, decode, encode,
};
use motordesk_core::RecordKind;
use motordesk_core::protocol::Change;
use postgres::error::SqlState;
use postgres::{IsolationLevel, NoTls, Transaction};
use r2d2_postgres::PostgresConnectionManager;
use std::time::Duration;
use uuid::Uuid;

/// Connections per server instance unless the URL's `pool_size` says otherwise.
pub const DEFAULT_POOL: u32 = 16;
/// The advisory lock kiosk-number allocation runs under ("MDKIOSKN" in ASCII).
const KIOSK_NUMBER_LOCK: i64 = 0x4d44_4b49_4f53_4b4e;
/// A transaction that lost a race is run again at most this many times.
const MAX_ATTEMPTS: u32 = 12;

type Manager = PostgresConnectionManager<NoTls>;

/// A pool of connections to one PostgreSQL database, and the schema of the shop whose
/// store this is (`None`: the default shop, `public`). Tenant shops share the pool; each
/// of their transactions starts with `SET LOCAL search_path`, so every statement below
/// names its tables unqualified and reaches that shop's alone.
pub(crate) struct Pg {
    pool: r2d2::Pool<Manager>,
    schema: Option<String>,
}

/// Whether `e` means "another transaction won a race": run this one again.
pub(crate) fn retryable(e: &DbError) -> bool {
    let DbError::Postgres(e) = e else {
        return false;
    };
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::UNIQUE_VIOLATION
    )
}

/// Splits `pool_size=N` off a connection URL (libpq does not know it).
fn pool_size(url: &str) -> Result<(String, u32), DbError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), DEFAULT_POOL));
    };
    let mut size = DEFAULT_POOL;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.strip_prefix("pool_size=") {
            Some(n) => {
                size = n
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=256).contains(n))
                    .ok_or_else(|| DbError::BadUrl(format!("pool_size={n}: want 1..=256")))?;
            }
            None => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, size))
}

impl Pg {
    /// Connects (URL or `key=value` string, as libpq takes them) and migrates.
    pub(crate) fn connect(url: &str) -> DbResult<Pg> {
        let (url, size) = pool_size(url)?;
        let config: postgres::Config = url
            .parse()
            .map_err(|e: postgres::Error| DbError::BadUrl(e.to_string()))?;
        // Two connections at start, up to `size` under load: an idle instance holds
        // few of the database's `max_connections`.
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(2.min(size)))
            // No "are you alive" round trip per checkout: a closed connection is
            // noticed by the pool, a broken one fails its statement and the client
            // (which always retries pushes) tries again.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(DbError::Pool)?;
        let mut client = pool.get().map_err(DbError::Pool)?;
        let applied = migrations::migrate(&mut client, None)?;
        if applied > 0 {
            log::info!(
                "database: schema now at version {}",
                migrations::MIGRATIONS.len()
            );
        }
        Ok(Pg { pool, schema: None })
    }

    /// The store of tenant shop `shop` on this pool: its schema, made and migrated now.
    pub(crate) fn for_shop(&self, shop: ShopId) -> DbResult<Pg> {
        let schema = shop.schema();
        let mut client = self.pool.get().map_err(DbError::Pool)?;
        migrations::migrate(&mut client, schema.as_deref())?;
        Ok(Pg {
            pool: self.pool.clone(),
            schema,
        })
    }

    /// Points the transaction at this shop's schema (until it ends).
    fn enter(&self, tx: &mut Transaction<'_>) -> DbResult<()> {
        if let Some(schema) = &self.schema {
            tx.batch_execute(&format!("SET LOCAL search_path TO {schema}"))?;
        }
        Ok(())
    }

    /// A connection of the pool for the caller alone (the dispatcher's claims).
    pub(crate) fn connection(
        &self,
    ) -> DbResult<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>> {
        self.pool.get().map_err(DbError::Pool)
    }

    /// Runs `f` in a write transaction and commits, again from the start when it lost a
    /// race (`retryable`), with a short random pause between attempts.
    pub(crate) fn write<T>(&self, mut f: impl FnMut(&mut dyn Txn) -> DbResult<T>) -> DbResult<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut conn = self.pool.get().map_err(DbError::Pool)?;
            let result = (|| {
                let mut tx = conn.transaction()?;
                self.enter(&mut tx)?;
                let mut t = PgTxn {
                    tx,
                    write: true,
                    feed: Vec::new(),
                };
                let v = f(&mut t)?;
                t.commit()?;
                Ok(v)
            })();
            match result {
                Err(e) if attempt < MAX_ATTEMPTS && retryable(&e) => {
                    log::debug!("database: transaction lost a race ({e}); attempt {attempt}");
                    std::thread::sleep(Duration::from_micros(
                        200 * u64::from(attempt) + u64::from(jitter() % 500),
                    ));
                }
                other => return other,
            }
        }
    }

    /// Runs `f` in a read-only snapshot (REPEATABLE READ): a page of the feed and the
    /// feed's tail are seen at the same instant.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&mut dyn Txn) -> DbResult<T>) -> DbResult<T> {
        let mut conn = self.pool.get().map_err(DbError::Pool)?;
        let mut tx = conn
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        self.enter(&mut tx)?;
        let mut t = PgTxn {
            tx,
            write: false,
            feed: Vec::new(),
        };
        let v = f(&mut t)?;
        t.tx.commit()?;
        Ok(v)
    }
}

fn jitter() -> u32 {
    use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
    OsRng.next_u32()
}

/// One PostgreSQL transaction seen through `Txn`.
struct PgTxn<'a> {
    tx: Transaction<'a>,
    write: bool,
    /// Changes appended so far; numbered and inserted at commit.
    feed: Vec<NewChange>,
}

impl PgTxn<'_> {
    /// `FOR UPDATE` in a write transaction: what a rule read stays as read until commit.
    fn lock(&self) -> &'static str {
        if self.write { " FOR UPDATE" } else { "" }
    }

    fn w(&self) -> DbResult<()> {
        if self.write {
            Ok(())
        } else {
            Err(DbError::ReadOnly)
        }
    }

    fn one<T: serde::de::DeserializeOwned>(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> DbResult<Option<T>> {
        match self.tx.query_opt(sql, params)? {
            Some(row) => Ok(Some(decode(row.get::<_, &[u8]>(0))?)),
            None => Ok(None),
        }
    }

    fn all<T: serde::de::DeserializeOwned>(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> DbResult<Vec<T>> {
        self.tx
            .query(sql, params)?
            .iter()
            .map(|r| decode(r.get::<_, &[u8]>(0)))
            .collect()
    }

    /// Numbers the buffered changes and inserts them, then commits. The UPDATE of the
    /// single `feed_tail` row is the feed lock: the next appender waits on it until this
    /// commit is done, so it can only get later numbers and commit after this one.
    fn commit(mut self) -> DbResult<()> {
        if !self.feed.is_empty() {
            let n = self.feed.len() as i64;
            let origins: Vec<Uuid> = self.feed.iter().map(|c| c.origin).collect();
            let bodies: Vec<Vec<u8>> = self
                .feed
                .drain(..)
                .map(|c| encode(&c.numbered(0)))
                .collect::<DbResult<_>>()?;
            self.tx.execute(
                "WITH tail AS (UPDATE feed_tail SET seq = seq + $1 RETURNING seq)
                 INSERT INTO changes (seq, origin, body)
                 SELECT tail.seq - $1 + c.n, c.origin, c.body
                 FROM tail, unnest($2::uuid[], $3::bytea[]) WITH ORDINALITY AS c(origin, body, n)",
                &[&n, &origins, &bodies],
            )?;
        }
        self.tx.commit()?;
        Ok(())
    }
}

fn due_column(queue: DueQueue) -> &'static str {
    match queue {
        DueQueue::Documents => "due_ms",
        DueQueue::Voids => "void_due_ms",
    }
}

impl Txn for PgTxn<'_> {
    fn device(&mut self, id: Uuid) -> DbResult<Option<Device>> {
        let sql = format!(
            "SELECT body FROM devices WHERE device_id = $1{}",
            self.lock()
        );
        self.one(&sql, &[&id])
    }

    fn device_by_token(&mut self, token_hash: &str) -> DbResult<Option<Device>> {
        self.one(
            "SELECT body FROM devices WHERE token_hash = $1",
            &[&token_hash],
        )
    }

    fn next_kiosk_number(&mut self, shop: ShopId, device: Uuid) -> DbResult<u64> {
        self.w()?;
        // Registrations (in any shop, on any instance) take turns here until commit: a
        // MAX + 1 race alone made the 24th of 24 simultaneous registrations lose more
        // often than a transaction is retried. Registering is rare; the primary key of
        // kiosk_numbers still refuses a second holder of a number.
        self.tx
            .execute("SELECT pg_advisory_xact_lock($1)", &[&KIOSK_NUMBER_LOCK])?;
        let n: i32 = self
            .tx
            .query_one(
                "SELECT COALESCE(MAX(kiosk_number), 0) + 1 FROM kiosk_numbers",
                &[],
            )?
            .get(0);
        if n as u64 <= crate::db::MAX_KIOSKS {
            self.tx.execute(
                "INSERT INTO kiosk_numbers (kiosk_number, shop_id, device_id) VALUES ($1, $2, $3)",
                &[&n, &(shop.0 as i32), &device],
            )?;
        }
        Ok(n as u64)
    }

    fn put_device(&mut self, d: &Device, _old_token_hash: Option<&str>) -> DbResult<()> {
        self.w()?;
        // The old token lives in the same row: replacing it revokes it.
        let body = encode(d)?;
        self.tx.execute(
            "INSERT INTO devices (device_id, kiosk_number, token_hash, body)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (device_id) DO UPDATE
             SET token_hash = EXCLUDED.token_hash, body = EXCLUDED.body",
            &[
                &d.device_id,
                &i32::from(d.kiosk_number),
                &d.token_hash,
                &body,
            ],
        )?;
        let s = &d.series;
        for series in [
            &s.factura,
            &s.boleta,
            &s.nota_de_venta,
            &s.credito_factura,
            &s.credito_boleta,
        ] {
            self.tx.execute(
                "INSERT INTO series_owners (series, device_id) VALUES ($1, $2)
                 ON CONFLICT (series) DO NOTHING",
                &[&series.to_string(), &d.device_id],
            )?;
        }
        Ok(())
    }

    fn applied(&mut self, key: Uuid) -> DbResult<Option<AppliedKey>> {
        self.one(
            "SELECT body FROM applied_keys WHERE idempotency_key = $1",
            &[&key],
        )
    }

    fn remember(&mut self, key: Uuid, k: &AppliedKey) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO applied_keys (idempotency_key, device_id, body) VALUES ($1, $2, $3)",
            &[&key, &k.device, &encode(k)?],
        )?;
        Ok(())
    }

    fn record(&mut self, kind: RecordKind, id: Uuid) -> DbResult<Option<ServerRecord>> {
        let sql = format!(
            "SELECT body FROM records WHERE kind = $1 AND record_id = $2{}",
            self.lock()
        );
        self.one(&sql, &[&i16::from(kind.code()), &id])
    }

    fn put_record(
        &mut self,
        kind: RecordKind,
        id: Uuid,
        r: &ServerRecord,
        new: bool,
    ) -> DbResult<()> {
        self.w()?;
        let kind = i16::from(kind.code());
        let body = encode(r)?;
        if new {
            // No upsert: if another instance created it meanwhile, the unique violation
            // runs this transaction again, which then sees (and locks) that version.
            self.tx.execute(
                "INSERT INTO records (kind, record_id, body) VALUES ($1, $2, $3)",
                &[&kind, &id, &body],
            )?;
        } else {
            self.tx.execute(
                "UPDATE records SET body = $3 WHERE kind = $1 AND record_id = $2",
                &[&kind, &id, &body],
            )?;
        }
        Ok(())
    }

    fn records_of(&mut self, kind: RecordKind) -> DbResult<Vec<ServerRecord>> {
        self.all(
            "SELECT body FROM records WHERE kind = $1 ORDER BY record_id",
            &[&i16::from(kind.code())],
        )
    }

    fn append_change(&mut self, c: NewChange) -> DbResult<()> {
        self.w()?;
        self.feed.push(c);
        Ok(())
    }

    fn feed_page(
        &mut self,
        device: Uuid,
        after: u64,
        limit: usize,
        max_bytes: usize,
    ) -> DbResult<FeedPage> {
        let after_i = i64::try_from(after).unwrap_or(i64::MAX);
        let rows = self.tx.query(
            "SELECT seq, body FROM changes WHERE seq > $1 AND origin <> $2 ORDER BY seq LIMIT $3",
            &[&after_i, &device, &(limit as i64 + 1)],
        )?;
        let mut page = FeedPage {
            last: after,
            ..FeedPage::default()
        };
        let mut bytes = 0usize;
        for row in &rows {
            if page.changes.len() >= limit || (bytes >= max_bytes && !page.changes.is_empty()) {
                page.more = true;
                break;
            }
            let seq: i64 = row.get(0);
            let body: &[u8] = row.get(1);
            let mut c: Change = decode(body)?;
            c.seq = seq as u64;
            page.last = seq as u64;
            bytes += body.len();
            page.changes.push(c);
        }
        if !page.more {
            // Everything up to the tail of this snapshot was read (the asking device's
            // own changes included), so the next pull starts after it.
            let tail: i64 = self.tx.query_one("SELECT seq FROM feed_tail", &[])?.get(0);
            page.last = page.last.max(tail as u64);
        }
        Ok(page)
    }

    fn number_owner(&mut self, number: &str) -> DbResult<Option<Uuid>> {
        let sql = format!(
            "SELECT invoice_id FROM invoice_numbers WHERE number = $1{}",
            self.lock()
        );
        Ok(self.tx.query_opt(&sql, &[&number])?.map(|r| r.get(0)))
    }

    fn put_number(
        &mut self,
        number: &str,
        series: &str,
        device: Uuid,
        invoice: Uuid,
    ) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO invoice_numbers (number, series, device_id, invoice_id)
             VALUES ($1, $2, $3, $4)",
            &[&number, &series, &device, &invoice],
        )?;
        Ok(())
    }

    fn notes_of(&mut self, original: Uuid) -> DbResult<Vec<Uuid>> {
        Ok(self
            .tx
            .query(
                "SELECT note FROM notes_by_original WHERE original = $1 ORDER BY note",
                &[&original],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn put_note(&mut self, original: Uuid, note: Uuid) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO notes_by_original (original, note) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            &[&original, &note],
        )?;
        Ok(())
    }

    fn fiscal(&mut self, id: Uuid) -> DbResult<Option<ServerFiscal>> {
        let sql = format!(
            "SELECT body FROM fiscal WHERE invoice_id = $1{}",
            self.lock()
        );
        self.one(&sql, &[&id])
    }

    fn put_fiscal(&mut self, f: &ServerFiscal) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO fiscal (invoice_id, due_ms, void_due_ms, body) VALUES ($1, $2, $3, $4)
             ON CONFLICT (invoice_id) DO UPDATE
             SET due_ms = EXCLUDED.due_ms, void_due_ms = EXCLUDED.void_due_ms, body = EXCLUDED.body",
            &[&f.update.invoice_id, &f.due_ms, &f.void_due_ms, &encode(f)?],
        )?;
        Ok(())
    }

    fn due(
        &mut self,
        queue: DueQueue,
        now_ms: i64,
        limit: usize,
        after: Option<(i64, Uuid)>,
    ) -> DbResult<Vec<(i64, Uuid)>> {
        let col = due_column(queue);
        let (from_ms, from_id) = after.unwrap_or((i64::MIN, Uuid::nil()));
        let strict = if after.is_some() { ">" } else { ">=" };
        let sql = format!(
            "SELECT {col}, invoice_id FROM fiscal
             WHERE {col} <= $1 AND ({col}, invoice_id) {strict} ($2, $3)
             ORDER BY {col}, invoice_id LIMIT $4"
        );
        Ok(self
            .tx
            .query(&sql, &[&now_ms, &from_ms, &from_id, &(limit as i64)])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn all_fiscal(&mut self) -> DbResult<Vec<ServerFiscal>> {
        self.all("SELECT body FROM fiscal ORDER BY invoice_id", &[])
    }

    fn due_count(&mut self) -> DbResult<usize> {
        let n: i64 = self
            .tx
            .query_one("SELECT count(*) FROM fiscal WHERE due_ms IS NOT NULL", &[])?
            .get(0);
        Ok(n as usize)
    }

    fn user(&mut self, name: &str) -> DbResult<Option<ServerUser>> {
        self.one("SELECT body FROM users WHERE username = $1", &[&name])
    }

    fn put_user(&mut self, u: &ServerUser) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO users (username, body) VALUES ($1, $2)
             ON CONFLICT (username) DO UPDATE SET body = EXCLUDED.body",
            &[&u.username, &encode(u)?],
        )?;
        Ok(())
    }

    fn session(&mut self, token_hash: &str) -> DbResult<Option<Session>> {
        self.one(
            "SELECT body FROM sessions WHERE token_hash = $1",
            &[&token_hash],
        )
    }

    fn put_session(&mut self, token_hash: &str, s: &Session) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO sessions (token_hash, body) VALUES ($1, $2)
             ON CONFLICT (token_hash) DO UPDATE SET body = EXCLUDED.body",
            &[&token_hash, &encode(s)?],
        )?;
        Ok(())
    }

    fn escrow(&mut self, device: Uuid) -> DbResult<Option<Vec<u8>>> {
        Ok(self
            .tx
            .query_opt(
                "SELECT sealed FROM escrows WHERE device_id = $1",
                &[&device],
            )?
            .map(|r| r.get(0)))
    }

    fn put_escrow(&mut self, device: Uuid, sealed: &[u8]) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO escrows (device_id, sealed) VALUES ($1, $2)
             ON CONFLICT (device_id) DO UPDATE SET sealed = EXCLUDED.sealed",
            &[&device, &sealed],
        )?;
        Ok(())
    }

    fn escrows(&mut self) -> DbResult<Vec<(Uuid, Vec<u8>)>> {
        Ok(self
            .tx
            .query(
                "SELECT device_id, sealed FROM escrows ORDER BY device_id",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn put_code(&mut self, code_hash: &str, c: &EnrollmentCode) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO enrollment_codes (code_hash, body) VALUES ($1, $2)",
            &[&code_hash, &encode(c)?],
        )?;
        Ok(())
    }

    fn take_code(&mut self, code_hash: &str) -> DbResult<Option<EnrollmentCode>> {
        self.w()?;
        // DELETE … RETURNING: of two instances using one code at once, one gets it.
        self.one(
            "DELETE FROM enrollment_codes WHERE code_hash = $1 RETURNING body",
            &[&code_hash],
        )
    }

    fn throttle(&mut self, key: &str) -> DbResult<Option<ThrottleEntry>> {
        let sql = format!("SELECT body FROM throttle WHERE key = $1{}", self.lock());
        self.one(&sql, &[&key])
    }

    fn put_throttle(&mut self, key: &str, e: Option<ThrottleEntry>) -> DbResult<()> {
        self.w()?;
        match e {
            Some(e) => self.tx.execute(
                "INSERT INTO throttle (key, last_ms, body) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET last_ms = EXCLUDED.last_ms, body = EXCLUDED.body",
                &[&key, &e.last_ms, &encode(&e)?],
            )?,
            None => self
                .tx
                .execute("DELETE FROM throttle WHERE key = $1", &[&key])?,
        };
        Ok(())
    }

    fn prune_throttle(&mut self, before_ms: i64) -> DbResult<u64> {
        self.w()?;
        Ok(self
            .tx
            .execute("DELETE FROM throttle WHERE last_ms < $1", &[&before_ms])?)
    }

    fn shops(&mut self) -> DbResult<Vec<Shop>> {
        self.all("SELECT body FROM shops ORDER BY shop_id", &[])
    }

    fn put_shop(&mut self, s: &Shop) -> DbResult<()> {
        self.w()?;
        // A second shop with this id or RUC and establishment (another `shop add` at the
        // same moment) is a unique violation: the whole transaction runs again.
        self.tx.execute(
            "INSERT INTO shops (shop_id, ruc, establishment, body) VALUES ($1, $2, $3, $4)",
            &[&(s.id.0 as i32), &s.ruc, &s.establishment, &encode(s)?],
        )?;
        Ok(())
    }

    fn device_shop(&mut self, device: Uuid) -> DbResult<Option<ShopId>> {
        Ok(self
            .tx
            .query_opt(
                "SELECT shop_id FROM device_shops WHERE device_id = $1",
                &[&device],
            )?
            .map(|r| ShopId(r.get::<_, i32>(0) as u32)))
    }

    fn put_device_shop(&mut self, device: Uuid, shop: ShopId) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO device_shops (device_id, shop_id) VALUES ($1, $2)
             ON CONFLICT (device_id) DO UPDATE SET shop_id = EXCLUDED.shop_id",
            &[&device, &(shop.0 as i32)],
        )?;
        Ok(())
    }

    fn owner(&mut self, name: &str) -> DbResult<Option<Owner>> {
        self.one("SELECT body FROM owners WHERE name = $1", &[&name])
    }

    fn put_owner(&mut self, o: &Owner) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO owners (name, body) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body",
            &[&o.name, &encode(o)?],
        )?;
        Ok(())
    }

    fn owner_session(&mut self, token_hash: &str) -> DbResult<Option<OwnerSession>> {
        self.one(
            "SELECT body FROM owner_sessions WHERE token_hash = $1",
            &[&token_hash],
        )
    }

    fn put_owner_session(&mut self, token_hash: &str, s: &OwnerSession) -> DbResult<()> {
        self.w()?;
        self.tx.execute(
            "INSERT INTO owner_sessions (token_hash, body) VALUES ($1, $2)
             ON CONFLICT (token_hash) DO UPDATE SET body = EXCLUDED.body",
            &[&token_hash, &encode(s)?],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_size_is_taken_off_the_url() {
        assert_eq!(
            pool_size("postgres://u@h/db").unwrap(),
            ("postgres://u@h/db".into(), DEFAULT_POOL)
        );
        assert_eq!(
            pool_size("postgres://u@h/db?pool_size=4&sslmode=disable").unwrap(),
            ("postgres://u@h/db?sslmode=disable".into(), 4)
        );
        assert!(pool_size("postgres://u@h/db?pool_size=0").is_err());
    }
}
