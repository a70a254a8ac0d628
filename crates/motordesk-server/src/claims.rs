//! Which SUNAT work a dispatcher pass holds, so that server instances sharing one
//! PostgreSQL database never send the same document at the same time.
//!
//! On PostgreSQL a pass takes one connection for its whole length and, per document it
//! wants, a session advisory lock (`pg_try_advisory_lock`); a document another instance
//! holds is skipped. The locks end with the pass (`Drop`) — or with the process: when an
//! instance dies mid-send its connection closes and PostgreSQL releases them at once, so
//! the next pass of another instance (or of the restarted one) takes the document again,
//! and the ENVIADO mark makes it ask SUNAT before sending. No lease to wait out.
//! A lone redb server has nobody to share with: every claim succeeds.

use crate::db::{DbError, DbResult, ServerDb};
use std::collections::HashSet;
use uuid::Uuid;

type Conn = r2d2::PooledConnection<r2d2_postgres::PostgresConnectionManager<postgres::NoTls>>;

/// The work one dispatcher pass holds; released when dropped.
pub struct Claims {
    conn: Option<Conn>,
    /// What this pass took: never handed out twice by it (advisory locks nest, so the
    /// database alone would say yes again).
    held: HashSet<Uuid>,
}

/// The advisory lock key of a document: its id folded to 64 bits (a collision only
/// makes two documents wait for each other).
fn lock_key(id: Uuid) -> i64 {
    let (hi, lo) = id.as_u64_pair();
    (hi ^ lo) as i64
}

impl Claims {
    pub(crate) fn none() -> Claims {
        Claims {
            conn: None,
            held: HashSet::new(),
        }
    }

    pub(crate) fn on(conn: Conn) -> Claims {
        Claims {
            conn: Some(conn),
            held: HashSet::new(),
        }
    }

    /// Takes `id` unless another pass (of any instance) holds it.
    pub(crate) fn try_take(&mut self, id: Uuid) -> DbResult<bool> {
        if self.held.contains(&id) {
            return Ok(false);
        }
        let got = match self.conn.as_mut() {
            None => true,
            Some(conn) => conn
                .query_one("SELECT pg_try_advisory_lock($1)", &[&lock_key(id)])
                .map_err(DbError::Postgres)?
                .get(0),
        };
        if got {
            self.held.insert(id);
        }
        Ok(got)
    }

    /// Lets `id` go again (it turned out not to be due any more).
    pub(crate) fn release(&mut self, id: Uuid) -> DbResult<()> {
        self.held.remove(&id);
        if let Some(conn) = self.conn.as_mut() {
            conn.execute("SELECT pg_advisory_unlock($1)", &[&lock_key(id)])
                .map_err(DbError::Postgres)?;
        }
        Ok(())
    }
}

impl Drop for Claims {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.as_mut()
            && let Err(e) = conn.batch_execute("SELECT pg_advisory_unlock_all()")
        {
            // The pool's health check drops a broken connection, and with it the locks.
            log::warn!("dispatcher: releasing claims: {e}");
        }
    }
}

impl ServerDb {
    /// A new, empty hold for one dispatcher pass.
    pub fn claims(&self) -> DbResult<Claims> {
        match self.pg() {
            Some(pg) => Ok(Claims::on(pg.connection()?)),
            None => Ok(Claims::none()),
        }
    }
}
