//! Schema version and migration hook. Each step upgrades from version N to N+1 inside
//! one write transaction; `run` applies the missing steps in order at unlock.

use crate::store::Store;
use crate::store::error::{StoreError, StoreResult};
use crate::store::tables::META;
use redb::WriteTransaction;

/// The schema this build writes.
pub const SCHEMA_VERSION: u32 = 2;

pub type MigrationStep = fn(&Store, &WriteTransaction) -> StoreResult<()>;

/// `STEPS[i]` upgrades version `i + 1` to `i + 2`.
/// 1 → 2: outbox bookkeeping and record sync status move to plain rows (`outbox_state`,
/// `record_sync`); every existing entry gets its row from its sealed copy.
const STEPS: &[MigrationStep] = &[crate::store::outbox::migrate_state];

pub fn schema_version(store: &Store) -> StoreResult<u32> {
    let r = store.db().begin_read()?;
    let meta = r.open_table(META)?;
    Ok(match meta.get("schema_version")? {
        Some(v) => u32::from_be_bytes(v.value().try_into().unwrap_or([0, 0, 0, 1])),
        None => 1,
    })
}

pub(crate) fn run(store: &Store) -> StoreResult<()> {
    run_migrations(store, STEPS)
}

/// Applies `steps` from the stored version on; refuses a file from a newer build.
pub fn run_migrations(store: &Store, steps: &[MigrationStep]) -> StoreResult<()> {
    let target = 1 + steps.len() as u32;
    let mut v = schema_version(store)?;
    if v > target {
        return Err(StoreError::SchemaTooNew {
            found: v,
            supported: target,
        });
    }
    while v < target {
        let txn = store.db().begin_write()?;
        steps[(v - 1) as usize](store, &txn)?;
        v += 1;
        txn.open_table(META)?
            .insert("schema_version", v.to_be_bytes().as_slice())?;
        txn.commit()?;
        log::info!("store migrated to schema {v}");
    }
    Ok(())
}
