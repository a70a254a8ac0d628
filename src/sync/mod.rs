//! Sync with the MotorDesk server: protocol, clock, client worker, merge.

pub mod clock;
pub mod handle;
pub mod status;
