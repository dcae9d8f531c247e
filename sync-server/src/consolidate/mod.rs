//! Consolidation: what the office makes of the field's records, read from
//! the read model only (see [`crate::readmodel`]). No HTTP here: the
//! office pages and exports are thin shells around these functions.
//!
//! This module is the only reader of the read model's `rm_*` tables: a
//! page is handed a [`Snapshot`], whose connection only the modules below
//! can reach, and gets typed results back. A PostgreSQL read model would
//! change what a `Snapshot` holds and the SQL of these modules, nothing
//! above them.
//!
//! - `answers.rs` — what residents answered, question by question, and
//!   `cross_table.rs` the same by public, masked by `small_counts.rs`
//!   for elected officials;
//! - `choices.rs` — what the results pages offer to choose from;
//! - `filter.rs` — the filters, turned once into the SQL all figures share;
//! - `figures.rs` and `period.rs` — every dashboard figure, defined once,
//!   over the whole campaign or a period;
//! - `follow_ups.rs`, `ideas.rs` — the lists the office works through;
//! - `places.rs` — neighbourhood shapes, to place ideas and draw the map;
//! - `export.rs` and `answer_export.rs`, `open_data.rs` (its audit, and
//!   `open_data_answers.rs` for the questionnaire),
//!   `report.rs` — what
//!   leaves the office, every text through `redact.rs`.

pub mod answer_export;
pub mod answers;
pub mod choices;
pub mod cross_table;
pub mod export;
pub mod figures;
pub mod filter;
pub mod follow_ups;
pub mod held;
pub mod ideas;
pub mod linked;
pub mod open_data;
pub mod open_data_answers;
pub mod open_data_audit;
pub mod period;
pub mod places;
pub mod redact;
pub mod report;
pub mod retention;
pub mod small_counts;
#[cfg(test)]
mod tests;

pub use figures::{Dashboard, Figure};
pub use filter::Filter;

/// One read-only snapshot of a municipality's read model: every figure of
/// a page comes from the same revision, even if the projector commits
/// meanwhile. Its connection is private to this module and its children.
pub struct Snapshot {
    conn: rusqlite::Connection,
}

impl Snapshot {
    /// Brings `model` up to date and opens one read transaction on it.
    pub fn take(
        model: &crate::readmodel::ReadModel,
    ) -> Result<Self, crate::readmodel::ReadModelError> {
        model.catch_up()?;
        let conn = model.reader()?;
        conn.execute_batch("BEGIN")?;
        Ok(Self { conn })
    }

    /// A snapshot over a reader already open (tests and benchmarks that
    /// caught the model up themselves).
    pub fn of(conn: rusqlite::Connection) -> Self {
        Self { conn }
    }
}
