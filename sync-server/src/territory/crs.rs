//! Coordinates: municipal GIS files are in Lambert-93 (EPSG:2154) as often
//! as in WGS84; Palier stores WGS84 (what GeoJSON and phones speak), so
//! Lambert-93 is reprojected on import with proj4rs (pure Rust, no PROJ
//! system library to install). A point outside France is refused: it is
//! nearly always a file in the wrong system or with swapped columns.

use proj4rs::proj::Proj;
use shared::domain::Point;

/// The coordinate systems an import understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crs {
    /// Longitude and latitude in degrees (EPSG:4326, CRS84).
    Wgs84,
    /// RGF93 / Lambert-93 (EPSG:2154), metres.
    Lambert93,
}

impl Crs {
    /// The system a GeoJSON `crs` member names (the old 2008 syntax QGIS
    /// still writes), or `None` when it names another one.
    pub fn from_name(name: &str) -> Option<Self> {
        let code = name
            .rsplit([':', '/'])
            .find(|part| !part.is_empty())
            .unwrap_or(name);
        match code.to_ascii_uppercase().as_str() {
            "4326" | "CRS84" | "4171" => Some(Crs::Wgs84),
            "2154" => Some(Crs::Lambert93),
            _ => None,
        }
    }
}

const LAMBERT_93: &str = "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 \
     +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs";
const WGS_84: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs +type=crs";

/// Turns coordinates in one system into WGS84 points.
pub struct Reprojector {
    crs: Crs,
    projections: Option<(Proj, Proj)>,
}

impl Reprojector {
    /// A reprojector from `crs`.
    pub fn new(crs: Crs) -> Self {
        let projections = match crs {
            Crs::Wgs84 => None,
            Crs::Lambert93 => Proj::from_proj_string(LAMBERT_93)
                .ok()
                .zip(Proj::from_proj_string(WGS_84).ok()),
        };
        Self { crs, projections }
    }

    /// The WGS84 point at `(x, y)`, or `None` when it cannot be computed.
    pub fn to_wgs84(&self, x: f64, y: f64) -> Option<Point> {
        match (self.crs, &self.projections) {
            (Crs::Wgs84, _) => Some(Point { lon: x, lat: y }),
            (Crs::Lambert93, Some((from, to))) => {
                let mut point = (x, y, 0.0);
                proj4rs::transform::transform(from, to, &mut point).ok()?;
                let (lon, lat) = (point.0.to_degrees(), point.1.to_degrees());
                (lon.is_finite() && lat.is_finite()).then_some(Point { lon, lat })
            }
            (Crs::Lambert93, None) => None,
        }
    }
}

/// Mainland France with Corsica, and the overseas departments, as
/// longitude/latitude boxes.
const FRANCE: [(f64, f64, f64, f64); 6] = [
    (-5.5, 41.2, 10.0, 51.3),
    (-61.9, 15.8, -60.9, 16.6),
    (-61.3, 14.3, -60.7, 14.9),
    (-54.7, 2.0, -51.5, 5.9),
    (55.1, -21.5, 56.0, -20.8),
    (44.9, -13.1, 45.4, -12.5),
];

/// Whether a point lies in France.
pub fn in_france(point: Point) -> bool {
    FRANCE
        .iter()
        .any(|&(w, s, e, n)| (w..=e).contains(&point.lon) && (s..=n).contains(&point.lat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambert_93_reprojects_to_where_the_building_stands() {
        // Villejuif, south of Paris: a couple of kilometres is enough to
        // catch swapped axes, degrees for radians or a wrong false origin.
        let reprojector = Reprojector::new(Crs::Lambert93);
        let point = reprojector.to_wgs84(652_553.0, 6_853_940.0).expect("point");
        assert!((point.lon - 2.36).abs() < 0.03, "{point:?}");
        assert!((point.lat - 48.79).abs() < 0.03, "{point:?}");
        assert!(in_france(point));
        // The origin of the projection, by definition.
        let origin = reprojector
            .to_wgs84(700_000.0, 6_600_000.0)
            .expect("origin");
        assert!((origin.lon - 3.0).abs() < 1e-9 && (origin.lat - 46.5).abs() < 1e-9);
    }

    #[test]
    fn crs_names_as_qgis_writes_them() {
        assert_eq!(
            Crs::from_name("urn:ogc:def:crs:EPSG::2154"),
            Some(Crs::Lambert93)
        );
        assert_eq!(Crs::from_name("EPSG:2154"), Some(Crs::Lambert93));
        assert_eq!(
            Crs::from_name("urn:ogc:def:crs:OGC:1.3:CRS84"),
            Some(Crs::Wgs84)
        );
        assert_eq!(Crs::from_name("EPSG:3857"), None);
    }

    #[test]
    fn swapped_or_foreign_coordinates_are_outside_france() {
        assert!(!in_france(Point {
            lon: 48.79,
            lat: 2.36
        }));
        assert!(!in_france(Point {
            lon: -0.12,
            lat: 51.5
        }));
        assert!(in_france(Point {
            lon: 55.45,
            lat: -20.88
        }));
    }
}
