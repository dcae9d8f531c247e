//! Participatory-budget ideas at the office: read them from the read model
//! (`consolidate::ideas`), decide on them ([`decide`]: a status, or a duplicate merged
//! into another, planned then applied to the ideas' documents so phones see
//! it at their next sync), and hand them on ([`export`]: CSV, GeoJSON, and
//! the CSV Decidim's "import proposals" takes).
//!
//! No HTTP here: `office::ideas` is the page, a thin shell over these.

pub mod decide;
pub mod export;
pub mod figures;

#[cfg(test)]
mod tests;
