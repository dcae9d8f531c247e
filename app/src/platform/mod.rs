//! The thin layer where web and desktop differ.
//!
//! HTTP goes through reqwest, which uses the browser's `fetch` on wasm32 and
//! hyper natively, so one transport serves both builds.

pub mod http;
