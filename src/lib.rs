//! MotorDesk: offline-first billing and fleet desk for vehicle service bays in Peru.

pub mod demo;
pub mod export;
pub mod logfile;
pub mod receipt;
pub mod store;
pub mod sync;
pub mod ui;
