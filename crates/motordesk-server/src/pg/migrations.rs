//! Versioned schema migrations for the PostgreSQL backend: SQL files embedded in the
//! binary (`migrations/NNNN_name.sql`), applied in order, each once, recorded in
//! `schema_migrations`. Two instances starting together take turns on an advisory lock;
//! a database newer than this binary is refused rather than used.

use crate::db::{DbError, DbResult};
use postgres::Client;

/// (version, name, SQL), in order. Append only: a released file never changes.
pub(crate) const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "initial",
    include_str!("../../migrations/0001_initial.sql"),
)];

/// The advisory lock key migrations run under ("MDMIGRAT" in ASCII).
const LOCK_KEY: i64 = 0x4d44_4d49_4752_4154;

/// Applies the migrations `client`'s database lacks; returns how many it applied.
pub(crate) fn migrate(client: &mut Client) -> DbResult<usize> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    integer PRIMARY KEY,
             name       text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )?;
    let done: Vec<i32> = tx
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if let Some(&newest) = done.last()
        && newest > known
    {
        return Err(DbError::SchemaTooNew {
            database: newest,
            binary: known,
        });
    }
    let mut applied = 0;
    for (version, name, sql) in MIGRATIONS {
        if done.contains(version) {
            continue;
        }
        tx.batch_execute(sql).map_err(|source| DbError::Migration {
            version: *version,
            source,
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )?;
        log::info!("database: applied migration {version:04} {name}");
        applied += 1;
    }
    tx.commit()?;
    Ok(applied)
}
