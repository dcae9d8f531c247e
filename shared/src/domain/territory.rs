//! Where the doors are: neighbourhoods, buildings with their entrances,
//! floors and dwellings, and the sectors teams are sent to.

use super::{AgentId, BuildingId, CampaignId, NeighbourhoodId, SectorId};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// A WGS84 position, longitude first as in GeoJSON.
#[derive(Clone, Copy, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Point {
    /// Longitude in degrees.
    pub lon: f64,
    /// Latitude in degrees.
    pub lat: f64,
}

/// A closed ring of points; the first ring of a polygon is its outline, the
/// others are holes.
pub type Ring = Vec<Point>;

/// A neighbourhood (quartier): the unit elected officials think in.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Neighbourhood {
    /// Its id.
    pub id: NeighbourhoodId,
    /// The municipality's own key for it (a code from the import, or its
    /// name), so that importing again updates instead of duplicating.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub key: String,
    /// The name residents use.
    pub name: String,
    /// One polygon per part (a MultiPolygon), each a list of rings.
    pub polygons: Vec<Vec<Ring>>,
}

/// One door, located within its building.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub struct DwellingRef {
    /// The entrance (cage d'escalier) label, e.g. "A".
    pub entrance: String,
    /// The floor, 0 for the ground floor.
    pub floor: i32,
    /// The door label on that floor, e.g. "12" or "gauche".
    pub door: String,
}

/// A floor of an entrance, with its doors in walking order.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Floor {
    /// 0 for the ground floor.
    pub level: i32,
    /// Door labels.
    pub doors: Vec<String>,
}

/// An entrance (cage d'escalier) of a building.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Entrance {
    /// Its label, e.g. "A".
    pub label: String,
    /// Whether a door code usually keeps canvassers out.
    pub has_door_code: bool,
    /// Floors, lowest first.
    pub floors: Vec<Floor>,
}

/// A building (bâtiment) of an estate.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Building {
    /// Its id.
    pub id: BuildingId,
    /// The municipality's own key for it (from the import), so that
    /// importing again updates instead of duplicating.
    pub key: String,
    /// Postal address.
    pub address: String,
    /// Estate (résidence) name, if any.
    pub estate: Option<String>,
    /// The social landlord (bailleur) that owns it, when the import says:
    /// who a canvasser sends a broken lift or a leak to.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub landlord: Option<String>,
    /// Where it stands.
    pub location: Point,
    /// The neighbourhood it falls in.
    pub neighbourhood: Option<NeighbourhoodId>,
    /// Entrances, in walking order.
    pub entrances: Vec<Entrance>,
}

impl Building {
    /// Every door of the building, entrance by entrance, floor by floor.
    pub fn dwellings(&self) -> impl Iterator<Item = DwellingRef> + '_ {
        self.entrances.iter().flat_map(|entrance| {
            entrance.floors.iter().flat_map(move |floor| {
                floor.doors.iter().map(move |door| DwellingRef {
                    entrance: entrance.label.clone(),
                    floor: floor.level,
                    door: door.clone(),
                })
            })
        })
    }

    /// How many dwellings the building has.
    pub fn dwelling_count(&self) -> usize {
        self.entrances
            .iter()
            .flat_map(|e| &e.floors)
            .map(|f| f.doors.len())
            .sum()
    }
}

/// The buildings one team covers in a campaign (secteur).
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Sector {
    /// Its id.
    pub id: SectorId,
    /// The campaign it belongs to.
    pub campaign: CampaignId,
    /// Its name, e.g. "Lebon – bâtiments A à F".
    pub name: String,
    /// Buildings in walking order.
    pub buildings: Vec<BuildingId>,
    /// Agents assigned to it.
    pub agents: Vec<AgentId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_building_lists_every_door_once() {
        let building = Building {
            id: BuildingId::new(),
            key: "B1".into(),
            address: "3 rue Lebon".into(),
            estate: None,
            landlord: None,
            location: Point {
                lon: 2.36,
                lat: 48.79,
            },
            neighbourhood: None,
            entrances: vec![Entrance {
                label: "A".into(),
                has_door_code: true,
                floors: vec![
                    Floor {
                        level: 0,
                        doors: vec!["1".into(), "2".into()],
                    },
                    Floor {
                        level: 1,
                        doors: vec!["3".into()],
                    },
                ],
            }],
        };
        assert_eq!(building.dwelling_count(), 3);
        let doors: Vec<_> = building.dwellings().map(|d| (d.floor, d.door)).collect();
        assert_eq!(
            doors,
            vec![(0, "1".into()), (0, "2".into()), (1, "3".into())]
        );
    }
}
