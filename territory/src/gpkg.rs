//! Neighbourhoods from a GeoPackage, the SQLite file IGN publishes its
//! IRIS contours in and QGIS saves layers as: every feature table of
//! polygons, in the system its `gpkg_spatial_ref_sys` row names (WGS84 or
//! Lambert-93), each feature's name and code read from its columns.
//!
//! The file is hostile until read: it is opened from memory, read-only,
//! in defensive mode with its schema untrusted (no function of its views
//! or triggers runs), only real tables are read (a view could run any
//! query), values are capped in length, and a statement that runs too
//! long is interrupted.

use super::crs::{Crs, Reprojector};
use super::rows::Column;
use super::{FileError, Parsed, RowProblem, outline};
use geo_traits::{
    CoordTrait, GeometryTrait, GeometryType, LineStringTrait, MultiPolygonTrait, PolygonTrait,
};
use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, MAIN_DB, OpenFlags};
use shared::domain::Ring;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long reading a GeoPackage may take.
const TIME_LIMIT: Duration = Duration::from_secs(20);
/// Features read, all tables together.
const MAX_FEATURES: usize = 10_000;
/// Longest value SQLite will hand back.
const MAX_VALUE_BYTES: i32 = 16 * 1024 * 1024;

fn refuse(e: impl std::fmt::Display) -> FileError {
    FileError::GeoPackage(e.to_string())
}

/// Whether `bytes` are an SQLite database.
pub fn is_sqlite(bytes: &[u8]) -> bool {
    bytes.starts_with(b"SQLite format 3\0")
}

/// An identifier from the file, quoted for SQL.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn open(bytes: &[u8], started: Instant) -> Result<Connection, FileError> {
    let mut db = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(refuse)?;
    db.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(refuse)?;
    db.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
        .map_err(refuse)?;
    db.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        .map_err(refuse)?;
    db.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)
        .map_err(refuse)?;
    db.deserialize_read_exact(MAIN_DB, bytes, bytes.len(), true)
        .map_err(refuse)?;
    db.progress_handler(10_000, Some(move || started.elapsed() > TIME_LIMIT))
        .map_err(refuse)?;
    db.pragma_update(None, "query_only", true).map_err(refuse)?;
    db.pragma_update(None, "cell_size_check", true)
        .map_err(refuse)?;
    Ok(db)
}

/// The system a spatial reference row names.
fn crs_of(db: &Connection, srs_id: i64) -> Result<Crs, FileError> {
    let (organization, code, definition): (String, i64, String) = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .map_err(refuse)?;
    if organization.eq_ignore_ascii_case("EPSG") {
        match code {
            2154 => return Ok(Crs::Lambert93),
            4326 | 4171 => return Ok(Crs::Wgs84),
            _ => {}
        }
    }
    Crs::from_wkt(&definition).ok_or(FileError::UnsupportedCrs(format!("{organization}:{code}")))
}

/// Reads the neighbourhoods of a GeoPackage.
pub fn parse(bytes: &[u8], parsed: &mut Parsed) -> Result<(), FileError> {
    // One deadline for the whole file: inside SQLite's statements (the
    // progress handler) and between them (here).
    let started = Instant::now();
    let late = || {
        (started.elapsed() > TIME_LIMIT)
            .then(|| FileError::GeoPackage("reading it takes too long".into()))
    };
    let db = open(bytes, started)?;
    let tables: Vec<(String, String, i64)> = db
        .prepare(
            "SELECT DISTINCT c.table_name, g.column_name, g.srs_id
             FROM gpkg_contents c
             JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
             JOIN sqlite_master m ON m.name = c.table_name AND m.type = 'table'
             WHERE c.data_type = 'features'
               AND upper(g.geometry_type_name) IN ('POLYGON', 'MULTIPOLYGON', 'GEOMETRY')
             ORDER BY c.table_name
             LIMIT 16",
        )
        .and_then(|mut statement| {
            statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect()
        })
        .map_err(refuse)?;
    if tables.is_empty() {
        return Err(FileError::GeoPackage("no table of features".into()));
    }
    let mut line = 0;
    let mut geometry_bytes = 0usize;
    for (table, geometry_column, srs_id) in tables {
        if let Some(late) = late() {
            return Err(late);
        }
        let crs = crs_of(&db, srs_id)?;
        parsed.crs = Some(crs);
        let reprojector = Reprojector::new(crs);
        let mut statement = db
            .prepare(&format!("SELECT * FROM {}", quoted(&table)))
            .map_err(refuse)?;
        // Names from `table_info`, read leniently: rusqlite's own column
        // names panic on a name that is not UTF-8.
        let names: Vec<String> = db
            .prepare(&format!("PRAGMA table_info({})", quoted(&table)))
            .and_then(|mut info| {
                info.query_map([], |row| {
                    Ok(match row.get_ref(1)? {
                        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        _ => String::new(),
                    })
                })?
                .collect()
            })
            .map_err(refuse)?;
        if names.len() != statement.column_count() {
            return Err(FileError::GeoPackage(format!(
                "table {table} changed shape"
            )));
        }
        let geometry_at = names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(&geometry_column))
            .ok_or_else(|| FileError::GeoPackage(format!("no column {geometry_column}")))?;
        let columns: HashMap<Column, usize> =
            super::rows::map_headers(names.iter().enumerate().map(|(i, n)| (i, n.as_str())));
        let mut rows = statement.query([]).map_err(refuse)?;
        while let Some(row) = rows.next().map_err(refuse)? {
            line += 1;
            if let Some(late) = late() {
                return Err(late);
            }
            if line > MAX_FEATURES {
                return Err(FileError::GeoPackage(format!(
                    "more than {MAX_FEATURES} features"
                )));
            }
            let value = |i: usize| -> Option<String> {
                match row.get_ref(i).ok()? {
                    ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Integer(n) => Some(n.to_string()),
                    ValueRef::Real(r) => Some(r.to_string()),
                    ValueRef::Null | ValueRef::Blob(_) => None,
                }
            };
            let get = |column: Column| columns.get(&column).and_then(|&i| value(i));
            let polygons = match row.get_ref(geometry_at) {
                Ok(ValueRef::Blob(blob)) => {
                    geometry_bytes += blob.len();
                    if geometry_bytes > outline::MAX_GEOMETRY_BYTES {
                        return Err(FileError::GeoPackage(format!(
                            "geometries over {} MiB in all",
                            outline::MAX_GEOMETRY_BYTES >> 20
                        )));
                    }
                    polygons(blob, &reprojector)
                }
                _ => Err(RowProblem::Geometry("none".into())),
            };
            outline::keep(parsed, line, polygons, &get);
        }
    }
    Ok(())
}

/// The WKB inside a GeoPackage geometry blob: "GP", a version, flags
/// (byte order, envelope kind, empty), the SRS id, an envelope of 0, 4, 6
/// or 8 doubles.
fn wkb_of(blob: &[u8]) -> Result<&[u8], RowProblem> {
    let bad = || RowProblem::Geometry("not a GeoPackage geometry".into());
    let [b'G', b'P', _version, flags, ..] = blob else {
        return Err(bad());
    };
    if flags & 0b1_0000 != 0 {
        return Err(RowProblem::Geometry("empty".into()));
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return Err(bad()),
    };
    blob.get(8 + envelope..).ok_or_else(bad)
}

fn ring_of(
    ring: impl LineStringTrait<T = f64>,
    reprojector: &Reprojector,
) -> Result<Ring, RowProblem> {
    outline::ring(ring.coords().map(|c| (c.x(), c.y())), reprojector)
}

fn polygon_of(
    polygon: impl PolygonTrait<T = f64>,
    reprojector: &Reprojector,
) -> Result<Vec<Ring>, RowProblem> {
    let outside = polygon
        .exterior()
        .ok_or_else(|| RowProblem::Geometry("polygon without outline".into()))?;
    let mut rings = vec![ring_of(outside, reprojector)?];
    for hole in polygon.interiors() {
        rings.push(ring_of(hole, reprojector)?);
    }
    outline::polygon(rings)
}

/// A feature's polygons, WGS84.
fn polygons(blob: &[u8], reprojector: &Reprojector) -> Result<Vec<Vec<Ring>>, RowProblem> {
    let wkb =
        wkb::reader::read_wkb(wkb_of(blob)?).map_err(|e| RowProblem::Geometry(e.to_string()))?;
    match wkb.as_type() {
        GeometryType::Polygon(p) => Ok(vec![polygon_of(p, reprojector)?]),
        GeometryType::MultiPolygon(m) => m.polygons().map(|p| polygon_of(p, reprojector)).collect(),
        _ => Err(RowProblem::Geometry("not a polygon".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GeoPackage's required tables, and `features` as given.
    fn geopackage(features: &str) -> Vec<u8> {
        let mut db = Connection::open_in_memory().expect("db");
        db.execute_batch(&format!(
            "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
                organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
             INSERT INTO gpkg_spatial_ref_sys VALUES ('RGF93', 2154, 'EPSG', 2154, 'PROJCS[...]');
             CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
             CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
                geometry_type_name TEXT, srs_id INTEGER);
             INSERT INTO gpkg_contents VALUES ('quartiers', 'features');
             INSERT INTO gpkg_geometry_columns VALUES ('quartiers', 'geom', 'MULTIPOLYGON', 2154);
             {features}"
        ))
        .expect("schema");
        db.serialize(MAIN_DB).expect("serialize").to_vec()
    }

    #[test]
    fn the_fixture_reads_its_five_neighbourhoods_with_the_hole() {
        let bytes = include_bytes!("../../tests/fixtures/quartiers-bagneux.gpkg");
        let mut parsed = Parsed::default();
        parse(bytes, &mut parsed).expect("read");
        assert_eq!(parsed.crs, Some(Crs::Lambert93));
        assert_eq!(parsed.neighbourhoods.len(), 5, "{:?}", parsed.rejections);
        let centre = parsed
            .neighbourhoods
            .iter()
            .find(|n| n.key == "BGX-01")
            .expect("centre");
        assert_eq!(
            (centre.name.as_str(), centre.polygons[0].len()),
            ("Centre-ville", 2)
        );
    }

    #[test]
    fn a_view_posing_as_a_feature_table_is_never_run() {
        // A view that would never end: it is not a table, so not read.
        let bytes = geopackage(
            "CREATE VIEW quartiers AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
             SELECT x AS fid, NULL AS geom, 'a' AS nom FROM n;",
        );
        let mut parsed = Parsed::default();
        let started = Instant::now();
        assert_eq!(
            parse(&bytes, &mut parsed),
            Err(FileError::GeoPackage("no table of features".into()))
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn broken_geometries_are_rejected_rows_and_other_files_refused() {
        let bytes = geopackage(
            "CREATE TABLE quartiers (fid INTEGER PRIMARY KEY, geom BLOB, nom TEXT);
             INSERT INTO quartiers VALUES (1, X'47500003', 'court');
             INSERT INTO quartiers VALUES (2, X'4750000100000000FFFFFFFFFFFFFFFFFF', 'faux');
             INSERT INTO quartiers VALUES (3, X'4750001000000000', 'vide');
             INSERT INTO quartiers VALUES (4, NULL, 'rien');
             INSERT INTO quartiers VALUES (5, 'texte', 'texte');",
        );
        let mut parsed = Parsed::default();
        parse(&bytes, &mut parsed).expect("read");
        assert!(parsed.neighbourhoods.is_empty());
        let lines: Vec<usize> = parsed.rejections.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5]);
        assert!(matches!(
            parse(
                b"SQLite format 3\0 and then nothing",
                &mut Parsed::default()
            ),
            Err(FileError::GeoPackage(_))
        ));
        let foreign = geopackage(
            "UPDATE gpkg_spatial_ref_sys SET organization_coordsys_id = 3857, definition = 'PROJCS[\"WGS 84 / Pseudo-Mercator\"]';
             CREATE TABLE quartiers (fid INTEGER PRIMARY KEY, geom BLOB, nom TEXT);",
        );
        assert_eq!(
            parse(&foreign, &mut Parsed::default()),
            Err(FileError::UnsupportedCrs("EPSG:3857".into()))
        );
    }
}
