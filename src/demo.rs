//! Demo data (being written)
