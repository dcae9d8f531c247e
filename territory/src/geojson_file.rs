//! Neighbourhood polygons and buildings from a GeoJSON file, in WGS84 or in
//! Lambert-93 (named by the file's `crs` member, as QGIS writes it).
//! A feature with an address is a building (a point, or a footprint whose
//! centroid is taken); a polygon without one is a neighbourhood.

use super::crs::{Crs, Reprojector};
use super::outline;
use super::rows::{Column, Position, building_row};
use super::{FileError, Held, Parsed, ParsedNeighbourhood, RowProblem};
use geo::Centroid;
use geojson::{GeoJson, GeometryValue, JsonObject, JsonValue, PolygonType};
use shared::domain::{Point, Ring};
use std::str::FromStr;

fn crs_of(foreign: Option<&JsonObject>) -> Result<Crs, FileError> {
    let Some(name) = foreign
        .and_then(|f| f.get("crs"))
        .and_then(|crs| crs.get("properties"))
        .and_then(|p| p.get("name"))
        .and_then(JsonValue::as_str)
    else {
        return Ok(Crs::Wgs84);
    };
    Crs::from_name(name).ok_or_else(|| FileError::UnsupportedCrs(name.to_string()))
}

fn text(value: &JsonValue) -> Option<String> {
    match value {
        JsonValue::String(s) => Some(s.clone()),
        JsonValue::Number(n) => Some(n.to_string()),
        JsonValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads a GeoJSON file.
pub fn parse(source: &str, parsed: &mut Parsed) -> Result<(), FileError> {
    let geojson = GeoJson::from_str(source).map_err(|e| FileError::GeoJson(e.to_string()))?;
    let (features, crs) = match geojson {
        GeoJson::FeatureCollection(collection) => {
            let crs = crs_of(collection.foreign_members.as_ref())?;
            (collection.features, crs)
        }
        GeoJson::Feature(feature) => {
            let crs = crs_of(feature.foreign_members.as_ref())?;
            (vec![feature], crs)
        }
        GeoJson::Geometry(_) => {
            return Err(FileError::GeoJson(
                "a bare geometry, without names or addresses".into(),
            ));
        }
    };
    parsed.crs = Some(crs);
    let reprojector = Reprojector::new(crs);
    for (index, feature) in features.into_iter().enumerate() {
        let line = index + 1;
        let properties = feature.properties.unwrap_or_default();
        let columns = super::rows::map_headers(properties.keys().map(|k| (k, k.as_str())));
        let get = |column: Column| {
            columns
                .get(&column)
                .and_then(|k| properties.get(*k))
                .and_then(text)
        };
        let is_building = get(Column::Address).is_some();
        // What a rejected feature is of, keyed as the import keys it.
        let trimmed = |c| get(c).filter(|v| !v.trim().is_empty());
        let held = if is_building {
            Held::building(trimmed(Column::Key).or_else(|| trimmed(Column::Address)))
        } else {
            Held::neighbourhood(trimmed(Column::Code).or_else(|| trimmed(Column::Name)))
        };
        let Some(geometry) = feature.geometry else {
            parsed.reject(line, RowProblem::Geometry("none".into()), held);
            continue;
        };
        let result = if is_building {
            building_position(&geometry.value, &reprojector).and_then(|point| {
                building_row(line, &get, Position::Point(point), &reprojector).map(|b| {
                    let doors = b.entrances.iter().flat_map(|e| &e.floors);
                    let doors = doors.map(|f| f.doors.len()).sum::<usize>() as u64;
                    parsed.buildings.push(b);
                    doors
                })
            })
        } else {
            neighbourhood(line, &geometry.value, &get, &reprojector).map(|n| {
                parsed.neighbourhoods.push(n);
                0
            })
        };
        match result {
            Ok(doors) => {
                let buildings = parsed.buildings.len();
                parsed.count(doors, buildings)?;
            }
            Err(problem) => parsed.reject(line, problem, held),
        }
    }
    Ok(())
}

fn polygon(rings: &PolygonType, reprojector: &Reprojector) -> Result<Vec<Ring>, RowProblem> {
    let rings = rings
        .iter()
        .map(|r| {
            if r.iter().any(|p| p.len() < 2) {
                return Err(RowProblem::Geometry(
                    "position without two coordinates".into(),
                ));
            }
            outline::ring(r.iter().map(|p| (p[0], p[1])), reprojector)
        })
        .collect::<Result<Vec<_>, _>>()?;
    outline::polygon(rings)
}

fn polygons(
    value: &GeometryValue,
    reprojector: &Reprojector,
) -> Result<Vec<Vec<Ring>>, RowProblem> {
    match value {
        GeometryValue::Polygon { coordinates } => Ok(vec![polygon(coordinates, reprojector)?]),
        GeometryValue::MultiPolygon { coordinates } => coordinates
            .iter()
            .map(|p| polygon(p, reprojector))
            .collect(),
        other => Err(RowProblem::Geometry(other.type_name().to_string())),
    }
}

fn building_position(
    value: &GeometryValue,
    reprojector: &Reprojector,
) -> Result<Point, RowProblem> {
    if let GeometryValue::Point { coordinates } = value {
        let [x, y, ..] = coordinates[..] else {
            return Err(RowProblem::Geometry("Point".into()));
        };
        let [point] = outline::ring([(x, y)], reprojector)?[..] else {
            return Err(RowProblem::Geometry("Point".into()));
        };
        return Ok(point);
    }
    let footprint = super::geometry::multi_polygon(&polygons(value, reprojector)?);
    footprint
        .centroid()
        .map(|c| Point {
            lon: c.x(),
            lat: c.y(),
        })
        .ok_or_else(|| RowProblem::Geometry("empty footprint".into()))
}

fn neighbourhood(
    line: usize,
    value: &GeometryValue,
    get: &dyn Fn(Column) -> Option<String>,
    reprojector: &Reprojector,
) -> Result<ParsedNeighbourhood, RowProblem> {
    outline::neighbourhood(line, polygons(value, reprojector)?, get)
}
