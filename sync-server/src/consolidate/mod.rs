//! Consolidation: what the office makes of the field's records, read from
//! the read model only (see [`crate::readmodel`]). No HTTP here: the
//! office pages and exports are thin shells around these functions.
//!
//! - `filter.rs` — the filters, turned once into the SQL all figures share;
//! - `figures.rs` — every dashboard figure, defined once;
//! - `places.rs` — neighbourhood shapes, to place ideas and draw the map.

pub mod export;
pub mod figures;
pub mod filter;
pub mod open_data;
pub mod open_data_audit;
pub mod period;
pub mod places;
pub mod redact;
pub mod report;
pub mod rules;
#[cfg(test)]
mod tests;

pub use figures::{Dashboard, Figure};
pub use filter::Filter;
