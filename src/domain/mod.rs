//! Pure shop rules: no I/O, no clock, no database. Tests call these directly.

pub mod customer;
pub mod document;
pub mod error;
pub mod identity;
pub mod invoice;
pub mod maintenance;
pub mod money;
pub mod product;
pub mod tax;
pub mod time;
pub mod vehicle;
pub mod words;

pub use error::DomainError;
