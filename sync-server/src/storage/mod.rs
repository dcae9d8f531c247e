//! Where things are kept: each municipality's documents ([`tenants`], on
//! SQLite or [`pg`]), the control database of accounts, devices and codes
//! ([`control`]), which documents a device's scope covers ([`scopes`]),
//! how secrets are hashed ([`secrets`]) and backups ([`backup`]).

pub mod backup;
pub mod control;
pub mod pg;
pub mod restore;
pub mod scopes;
pub mod secrets;
pub mod tenants;
