//! What the field app and the sync server both need: the domain model, how
//! it is cut into Automerge documents, the sync protocol and its sans-IO
//! engine, and the durable local store.
//!
//! Nothing here opens a socket or draws a pixel, so the same code runs in
//! the browser (wasm32) and on the server.

pub mod api;
pub mod domain;
pub mod keyed_hash;
pub mod policy;
pub mod protocol;
#[cfg(feature = "samples")]
pub mod samples;
pub mod schema;
pub mod store;
pub mod sync;
