//! Sync with the MotorDesk server: client worker (the wire types and clock are in motordesk-core).

mod accounts;
mod backoff;
mod backup;
mod client;
mod error;
mod handle;
mod lookup;
mod push_body;
mod register;
mod status;
mod sunat;
mod worker;

pub use accounts::{LoginError, login, whoami};
pub use backup::{
    SEVERAL_SHOPS, backup_due, backup_mensaje, restore_from_server, restore_list, restore_login,
    restore_login_in, restore_mensaje, restore_needs_shop, upload_backup,
};
pub use client::{CA_CERT_ENV, Client};
pub use error::{SyncError, SyncResult};
pub use handle::{SyncConfig, SyncHandle};
pub use lookup::{LookupError, lookup};
pub use register::register;
pub use status::{Connectivity, SyncState};
pub use sunat::{
    SUNAT_TIMEOUT, SunatReport, VoidError, VoidOutcome, VoidPollReport, poll_voids, request_void,
    send_pending, sunat_client, void_document,
};
pub use worker::{SyncOptions, sync_once, sync_once_with};
