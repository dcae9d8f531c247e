//! Palier's polygons as `geo` shapes, for the point-in-polygon test that
//! puts each building in its neighbourhood (holes included).

use geo::{BoundingRect, Contains, Coord, LineString, MultiPolygon, Polygon, Rect};
use shared::domain::{Neighbourhood, NeighbourhoodId, Point, Ring};

fn line(ring: &Ring) -> LineString<f64> {
    ring.iter().map(|p| Coord { x: p.lon, y: p.lat }).collect()
}

/// A neighbourhood's polygons as one `geo` shape.
pub fn multi_polygon(polygons: &[Vec<Ring>]) -> MultiPolygon<f64> {
    polygons
        .iter()
        .filter_map(|rings| {
            let (outline, holes) = rings.split_first()?;
            Some(Polygon::new(
                line(outline),
                holes.iter().map(line).collect(),
            ))
        })
        .collect()
}

/// Finds which neighbourhood a point falls in.
pub struct Locator {
    shapes: Vec<(NeighbourhoodId, Rect<f64>, MultiPolygon<f64>)>,
}

impl Locator {
    /// A locator over these neighbourhoods.
    pub fn new<'a>(neighbourhoods: impl IntoIterator<Item = &'a Neighbourhood>) -> Self {
        Self {
            shapes: neighbourhoods
                .into_iter()
                .filter_map(|n| {
                    let shape = multi_polygon(&n.polygons);
                    Some((n.id, shape.bounding_rect()?, shape))
                })
                .collect(),
        }
    }

    /// The first neighbourhood containing `point`.
    pub fn locate(&self, point: Point) -> Option<NeighbourhoodId> {
        let p = geo::Point::new(point.lon, point.lat);
        self.shapes
            .iter()
            .find(|(_, bounds, shape)| bounds.contains(&p) && shape.contains(&p))
            .map(|(id, _, _)| *id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, half: f64) -> Ring {
        vec![
            Point {
                lon: x - half,
                lat: y - half,
            },
            Point {
                lon: x + half,
                lat: y - half,
            },
            Point {
                lon: x + half,
                lat: y + half,
            },
            Point {
                lon: x - half,
                lat: y + half,
            },
            Point {
                lon: x - half,
                lat: y - half,
            },
        ]
    }

    #[test]
    fn a_building_in_a_hole_belongs_to_the_neighbourhood_filling_it() {
        let ring_shaped = Neighbourhood {
            id: NeighbourhoodId::new(),
            key: "1".into(),
            name: "Couronne".into(),
            polygons: vec![vec![square(2.0, 48.0, 0.1), square(2.0, 48.0, 0.02)]],
        };
        let centre = Neighbourhood {
            id: NeighbourhoodId::new(),
            key: "2".into(),
            name: "Centre".into(),
            polygons: vec![vec![square(2.0, 48.0, 0.02)]],
        };
        let locator = Locator::new([&ring_shaped, &centre]);
        assert_eq!(
            locator.locate(Point {
                lon: 2.0,
                lat: 48.0
            }),
            Some(centre.id)
        );
        assert_eq!(
            locator.locate(Point {
                lon: 2.05,
                lat: 48.0
            }),
            Some(ring_shaped.id)
        );
        assert_eq!(
            locator.locate(Point {
                lon: 3.0,
                lat: 48.0
            }),
            None
        );
    }
}
