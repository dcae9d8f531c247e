//! Palier's client: what a phone or the office desktop runs.
//!
//! Field work never waits for a network: every record goes to the local
//! store first (`shared::store`) through [`field`] (canvassing) and
//! [`ideas`] (idea collection), and [`sync`] carries it
//! to the server when there is one. [`backend`] is the one door the UI goes
//! through; [`platform`] decides where that door leads (a storage worker on
//! the web, the store itself on the desktop), so the rest compiles unchanged
//! for both builds.

pub mod backend;
pub mod drafts;
pub mod field;
pub mod i18n;
pub mod ideas;
pub mod notices;
pub mod paths;
pub mod platform;
pub mod sync;
#[cfg(feature = "ui")]
pub mod ui;
