//! What the device API and the office share over HTTP: who is asking
//! ([`auth`]), how a refusal is answered ([`error`]), the headers every
//! answer carries ([`headers`]) and how attempts are counted and slowed
//! ([`throttle`]). Features below `crate` never import this.

pub mod auth;
pub mod error;
pub mod headers;
pub mod throttle;
