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

    /// The system a cell names as people write it: "Lambert 93", "L93",
    /// "RGF93", "EPSG:2154", "WGS84", "GPS", "4326".
    pub fn from_label(label: &str) -> Option<Self> {
        let squeezed: String = label
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase();
        match squeezed.as_str() {
            "LAMBERT93" | "L93" | "RGF93" | "RGF93LAMBERT93" | "LAMBERT93RGF93" => {
                Some(Crs::Lambert93)
            }
            "WGS84" | "GPS" | "CRS84" | "LONLAT" | "LATLON" => Some(Crs::Wgs84),
            _ => Self::from_name(label.trim()),
        }
    }

    /// The system a Shapefile's `.prj` (ESRI WKT) or a GeoPackage's
    /// definition describes: RGF93 / Lambert-93 or plain geographic WGS84
    /// (or RGF93 geographic, the same to a metre).
    pub fn from_wkt(wkt: &str) -> Option<Self> {
        let upper = wkt.to_ascii_uppercase().replace([' ', '-'], "_");
        if upper.contains("AUTHORITY[\"EPSG\",\"2154\"]") || upper.contains("ID[\"EPSG\",2154]") {
            return Some(Crs::Lambert93);
        }
        if upper.starts_with("PROJCS") || upper.starts_with("PROJCRS") {
            let lambert_93 = upper.contains("LAMBERT_93")
                || (upper.contains("RGF")
                    && upper.contains("LAMBERT_CONFORMAL_CONIC")
                    && upper.contains("700000")
                    && upper.contains("6600000"));
            return lambert_93.then_some(Crs::Lambert93);
        }
        (upper.starts_with("GEOGCS")
            || upper.starts_with("GEOGCRS")
            || upper.starts_with("GEODCRS"))
        .then_some(Crs::Wgs84)
        .filter(|_| upper.contains("WGS") || upper.contains("RGF") || upper.contains("4326"))
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

/// Whether `(x, y)` can only be degrees: Lambert-93 metres are never so
/// small (its false easting is 700 km).
pub fn looks_like_degrees(x: f64, y: f64) -> bool {
    x.abs() <= 180.0 && y.abs() <= 90.0
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

    /// The system it reads.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// The WGS84 point at `(x, y)` in `crs` (a row may name its own).
    pub fn to_wgs84_from(&self, crs: Crs, x: f64, y: f64) -> Option<Point> {
        if crs == self.crs {
            self.to_wgs84(x, y)
        } else {
            Reprojector::new(crs).to_wgs84(x, y)
        }
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
        assert_eq!(Crs::from_label("Lambert 93"), Some(Crs::Lambert93));
        assert_eq!(Crs::from_label("EPSG:2154"), Some(Crs::Lambert93));
        assert_eq!(Crs::from_label("wgs 84"), Some(Crs::Wgs84));
        assert_eq!(Crs::from_label("Lambert II étendu"), None);
    }

    #[test]
    fn shapefile_projections_as_esri_and_qgis_write_them() {
        let esri = r#"PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;
        assert_eq!(Crs::from_wkt(esri), Some(Crs::Lambert93));
        let wgs84 = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(Crs::from_wkt(wgs84), Some(Crs::Wgs84));
        let lambert_2 = r#"PROJCS["NTF_Paris_Lambert_II_etendu",GEOGCS["GCS_NTF_Paris"],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",600000.0],PARAMETER["False_Northing",2200000.0]]"#;
        assert_eq!(Crs::from_wkt(lambert_2), None);
        let web_mercator = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984"],PROJECTION["Mercator_Auxiliary_Sphere"]]"#;
        assert_eq!(Crs::from_wkt(web_mercator), None);
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
