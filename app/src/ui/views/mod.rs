//! One module per screen.

pub mod building;
pub mod door;
pub mod home;
pub mod ideas;
pub mod sector;
pub mod sync;
pub mod talk;
