//! The neighbourhoods of the read model as shapes: the map draws them and
//! ideas, which carry a point rather than a building, are placed in them.

use crate::consolidate::Snapshot;
use shared::domain::{Neighbourhood, NeighbourhoodId, Point, Ring};
use territory::geometry::Locator;

/// The municipality's neighbourhoods, read from the read model.
pub struct Places {
    /// Each neighbourhood, its polygons in lon/lat.
    pub neighbourhoods: Vec<Neighbourhood>,
    locator: Locator,
}

impl Places {
    /// Reads them. A polygon that does not parse is drawn as nothing.
    pub fn load(rm: &Snapshot) -> rusqlite::Result<Self> {
        let conn = &rm.conn;
        let mut stmt = conn.prepare(
            "SELECT neighbourhood_id, name, polygons FROM rm_neighbourhoods ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut neighbourhoods = Vec::new();
        for row in rows {
            let (id, name, polygons) = row?;
            let Ok(id) = id.parse().map(NeighbourhoodId) else {
                continue;
            };
            let polygons: Vec<Vec<Vec<[f64; 2]>>> =
                serde_json::from_str(&polygons).unwrap_or_default();
            let polygons: Vec<Vec<Ring>> = polygons
                .into_iter()
                .map(|p| {
                    p.into_iter()
                        .map(|ring| {
                            ring.into_iter()
                                .map(|[lon, lat]| Point { lon, lat })
                                .collect()
                        })
                        .collect()
                })
                .collect();
            neighbourhoods.push(Neighbourhood {
                id,
                key: String::new(),
                name,
                polygons,
            });
        }
        let locator = Locator::new(&neighbourhoods);
        Ok(Self {
            neighbourhoods,
            locator,
        })
    }

    /// The id of the neighbourhood containing a point.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<String> {
        self.locator
            .locate(Point { lon, lat })
            .map(|id| id.to_string())
    }
}
