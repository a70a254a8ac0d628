//! Sync with the MotorDesk server: protocol, clock, client worker, merge.

pub mod accounts;
pub mod backoff;
pub mod client;
pub mod clock;
pub mod error;
pub mod handle;
pub mod protocol;
pub mod register;
pub mod status;
pub mod worker;

pub use error::{SyncError, SyncResult};
pub use register::{Registration, register};
