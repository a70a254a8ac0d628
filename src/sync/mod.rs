//! Sync with the MotorDesk server: client worker (the wire types and clock are in motordesk-core).

pub mod accounts;
pub mod backoff;
pub mod client;
pub mod error;
pub mod handle;
pub mod register;
pub mod status;
pub mod worker;

pub use error::{SyncError, SyncResult};
pub use register::{Registration, register};
