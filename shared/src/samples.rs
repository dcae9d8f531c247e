//! Records as a test builds them, for every crate's tests (feature
//! `samples`, never in a release build): one builder each, so that a new
//! field of a record is filled in one place, not in every test that needs
//! a building.

use crate::domain::{Building, BuildingId, Entrance, Floor, Point};

/// Where sample buildings stand unless a test moves them (Bagneux).
pub const PLACE: Point = Point {
    lon: 2.36,
    lat: 48.79,
};

/// A building at `key` and `address`, at [`PLACE`], in no neighbourhood,
/// with one entrance "A" (no door code) of two doors ("1", "2") on the
/// ground floor: tests change what they are about.
pub fn building(key: &str, address: &str) -> Building {
    Building {
        id: BuildingId::new(),
        key: key.into(),
        address: address.into(),
        estate: None,
        landlord: None,
        location: PLACE,
        neighbourhood: None,
        entrances: vec![entrance("A", false, ground_floor(1..=2))],
    }
}

/// An entrance of `floors`.
pub fn entrance(label: &str, has_door_code: bool, floors: Vec<Floor>) -> Entrance {
    Entrance {
        label: label.into(),
        has_door_code,
        floors,
    }
}

/// The ground floor, doors numbered by `numbers` ("1", "2", …).
pub fn ground_floor(numbers: impl Iterator<Item = usize>) -> Vec<Floor> {
    vec![Floor {
        level: 0,
        doors: numbers.map(|d| d.to_string()).collect(),
    }]
}

/// `levels` floors of `per_floor` doors numbered as landlords do: floor
/// then door ("001", "102", …).
pub fn storeys(levels: i32, per_floor: usize) -> Vec<Floor> {
    (0..levels)
        .map(|level| Floor {
            level,
            doors: (1..=per_floor).map(|d| format!("{level}{d:02}")).collect(),
        })
        .collect()
}
