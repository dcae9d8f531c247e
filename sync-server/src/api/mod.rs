//! The HTTP API, one module per resource, each with its own `router()`.

pub mod devices;
pub mod health;
pub mod notices;
pub mod office;
pub mod openapi;
pub mod persons;
pub mod sync;
