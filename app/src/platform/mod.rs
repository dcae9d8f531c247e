//! The thin layer where web and desktop differ; everything else in the app
//! is the same code on both.
//!
//! - HTTP: reqwest, which uses `fetch` on wasm32 and hyper natively.
//! - Storage: on the web, SQLite on OPFS, owned by a dedicated worker (OPFS
//!   synchronous access exists only in workers); the same wasm module runs
//!   as that worker. On the desktop, the store is a file, used in-process.
//! - [`Backend`]: how the UI reaches [`crate::backend::handle`].

pub mod http;

#[cfg(all(target_arch = "wasm32", feature = "ui"))]
mod web;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub use web::{Backend, start};

#[cfg(all(not(target_arch = "wasm32"), feature = "ui"))]
mod desktop;
#[cfg(all(not(target_arch = "wasm32"), feature = "ui"))]
pub use desktop::{Backend, start};
