//! Versioned schema migrations for the PostgreSQL backend: SQL files embedded in the
//! binary (`migrations/NNNN_name.sql`), applied in order, each once, recorded in
//! `schema_migrations`. Two instances starting together take turns on an advisory lock;
//! a database newer than this binary is refused rather than used.

use crate::db::{DbError, DbResult};
use postgres::Client;

/// Where a migration applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every shop's schema: the default one (`public`) and each `shop_<id>`.
    EveryShop,
    /// The default shop's schema only: the registry of the chain.
    Registry,
}

/// (version, name, scope, SQL), in order. Append only: a released file never changes.
pub(crate) const MIGRATIONS: &[(i32, &str, Scope, &str)] = &[
    (
        1,
        "initial",
        Scope::EveryShop,
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        2,
        "registry",
        Scope::Registry,
        include_str!("../../migrations/0002_registry.sql"),
    ),
];

/// The advisory lock key migrations run under ("MDMIGRAT" in ASCII).
const LOCK_KEY: i64 = 0x4d44_4d49_4752_4154;

/// Applies the migrations `client`'s database lacks — in `schema` (a tenant shop's,
/// created when missing) or the default one; returns how many it applied.
pub(crate) fn migrate(client: &mut Client, schema: Option<&str>) -> DbResult<usize> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
    if let Some(schema) = schema {
        // `schema` is `shop_<number>`, made by `ShopId::schema`: nothing to quote.
        tx.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; SET LOCAL search_path TO {schema}"
        ))?;
    }
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
    for (version, name, scope, sql) in MIGRATIONS {
        if done.contains(version) || (schema.is_some() && *scope == Scope::Registry) {
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
        log::info!(
            "database: applied migration {version:04} {name} in {}",
            schema.unwrap_or("public")
        );
        applied += 1;
    }
    tx.commit()?;
    Ok(applied)
}
