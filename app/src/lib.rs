//! Palier's client: what a phone or the office desktop runs.
//!
//! Field work never waits for a network: every record goes to the local
//! store first (`shared::store`), and [`sync`] carries it to the server when
//! there is one. Platform differences (the HTTP transport today, storage
//! and UI later) stay in [`platform`], so the rest compiles unchanged for
//! the web build and the desktop build.

pub mod platform;
pub mod sync;
