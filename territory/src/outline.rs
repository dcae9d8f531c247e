//! Neighbourhood outlines from any GIS format (GeoJSON, GeoPackage,
//! Shapefile): rings of coordinates in the file's system, reprojected to
//! WGS84 and checked to lie in France, and the feature's name and code
//! read from its attributes.

use super::crs::{Reprojector, in_france};
use super::rows::Column;
use super::{Held, Parsed, ParsedNeighbourhood, RowProblem};
use shared::domain::Ring;

/// Points a neighbourhood may have, all its rings together: a detailed
/// IRIS outline has a few thousand.
pub const MAX_POINTS: usize = 200_000;

/// Geometry bytes an upload's GeoPackage or Shapefile may hold, all
/// features together (a `.shp`'s size, a GeoPackage's geometry blobs
/// added up): about two million points, ten times a detailed IRIS layer
/// of a large town. Without it, features each within [`MAX_POINTS`] (or
/// rows sharing one large default blob) add up to gigabytes decoded.
pub const MAX_GEOMETRY_BYTES: usize = 32 * 1024 * 1024;

/// A ring in WGS84.
pub fn ring(
    points: impl IntoIterator<Item = (f64, f64)>,
    reprojector: &Reprojector,
) -> Result<Ring, RowProblem> {
    points
        .into_iter()
        .map(|(x, y)| {
            let point = reprojector
                .to_wgs84(x, y)
                .ok_or(RowProblem::OutsideFrance { x, y })?;
            if in_france(point) {
                Ok(point)
            } else {
                Err(RowProblem::OutsideFrance {
                    x: point.lon,
                    y: point.lat,
                })
            }
        })
        .collect()
}

/// A polygon's rings, its outline first, checked to be one.
pub fn polygon(rings: Vec<Ring>) -> Result<Vec<Ring>, RowProblem> {
    match rings.first() {
        Some(outline) if outline.len() >= 4 => Ok(rings),
        _ => Err(RowProblem::Geometry(
            "polygon with fewer than 4 points".into(),
        )),
    }
}

/// A neighbourhood from a feature's attributes (`get`) and outline.
pub fn neighbourhood(
    line: usize,
    polygons: Vec<Vec<Ring>>,
    get: &dyn Fn(Column) -> Option<String>,
) -> Result<ParsedNeighbourhood, RowProblem> {
    let name = get(Column::Name)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or(RowProblem::Missing(Column::Name))?;
    let key = get(Column::Code)
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| name.clone());
    if polygons.is_empty() {
        return Err(RowProblem::Geometry("empty".into()));
    }
    let points: usize = polygons.iter().flatten().map(Vec::len).sum();
    if points > MAX_POINTS {
        return Err(RowProblem::Geometry(format!(
            "more than {MAX_POINTS} points"
        )));
    }
    Ok(ParsedNeighbourhood {
        line,
        key,
        name,
        polygons,
    })
}

/// Keeps a GIS feature as a neighbourhood, or rejects it (held back by its
/// code or name).
pub fn keep(
    parsed: &mut Parsed,
    line: usize,
    polygons: Result<Vec<Vec<Ring>>, RowProblem>,
    get: &dyn Fn(Column) -> Option<String>,
) {
    match polygons.and_then(|polygons| neighbourhood(line, polygons, get)) {
        Ok(n) => parsed.neighbourhoods.push(n),
        Err(problem) => {
            let held = Held::neighbourhood(get(Column::Code).or_else(|| get(Column::Name)));
            parsed.reject(line, problem, held);
        }
    }
}
