//! Neighbourhoods from a zipped ESRI Shapefile, as GIS services e-mail
//! them: the `.shp` geometry, the `.dbf` attributes (in the code page its
//! `.cpg` names), the `.prj` saying the system (WGS84 or Lambert-93; a
//! Shapefile without one is refused rather than guessed). The zip is
//! inflated with a cap first ([`super::sheet::check_zip`]).

use super::crs::{Crs, Reprojector};
use super::rows::Column;
use super::{FileError, Parsed, RowProblem, outline};
use dbase::encoding::EncodingRs;
use dbase::{FieldValue, ReaderBuilder};
use shapefile::record::traits::HasXY;
use shapefile::{PolygonRing, Shape, ShapeReader};
use shared::domain::Ring;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// Features read from one Shapefile.
const MAX_FEATURES: usize = 10_000;

fn refuse(e: impl std::fmt::Display) -> FileError {
    FileError::Shapefile(e.to_string())
}

/// Whether a zip's entries hold a Shapefile.
pub fn holds_shapefile(names: &[String]) -> bool {
    names.iter().any(|n| n.to_lowercase().ends_with(".shp"))
}

/// One entry of the zip, by the extension of the first `.shp`'s stem,
/// inflated up to `cap` bytes (past it, the file is refused).
fn entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    stem: &str,
    extension: &str,
    cap: usize,
) -> Result<Option<Vec<u8>>, FileError> {
    let wanted = format!("{stem}.{extension}");
    let Some(index) = (0..archive.len()).find(|&i| {
        archive
            .name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| n.to_lowercase() == wanted)
    }) else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    archive
        .by_index(index)
        .map_err(refuse)?
        .take(cap as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(refuse)?;
    if bytes.len() > cap {
        return Err(FileError::Shapefile(format!(
            "the .{extension} is over {} MiB inflated",
            cap >> 20
        )));
    }
    Ok(Some(bytes))
}

/// Reads the neighbourhoods of the first Shapefile in a zip.
pub fn parse(bytes: &[u8], names: &[String], parsed: &mut Parsed) -> Result<(), FileError> {
    let shp_name = names
        .iter()
        .filter(|n| !n.starts_with("__MACOSX/"))
        .find(|n| n.to_lowercase().ends_with(".shp"))
        .ok_or_else(|| FileError::Shapefile("no .shp in the zip".into()))?;
    let stem = shp_name.to_lowercase();
    let stem = stem.trim_end_matches(".shp");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(refuse)?;
    let missing = |ext: &str| FileError::Shapefile(format!("no .{ext} beside the .shp"));
    // Geometries bounded as a whole; attributes and the small side files
    // far below what a neighbourhood layer needs.
    let geometry = outline::MAX_GEOMETRY_BYTES;
    let shp = entry(&mut archive, stem, "shp", geometry)?.ok_or_else(|| missing("shp"))?;
    let dbf = entry(&mut archive, stem, "dbf", 16 << 20)?.ok_or_else(|| missing("dbf"))?;
    let prj = entry(&mut archive, stem, "prj", 64 << 10)?.ok_or_else(|| missing("prj"))?;
    let cpg = entry(&mut archive, stem, "cpg", 1 << 10)?;
    let wkt = String::from_utf8_lossy(&prj);
    let crs = Crs::from_wkt(&wkt)
        .ok_or_else(|| FileError::UnsupportedCrs(wkt.chars().take(80).collect::<String>()))?;
    parsed.crs = Some(crs);
    let reprojector = Reprojector::new(crs);
    let mut builder = ReaderBuilder::new();
    if let Some(encoding) = cpg.as_deref().and_then(code_page) {
        builder = builder.with_encoding(EncodingRs::from(encoding));
    }
    let dbf = builder.build(Cursor::new(dbf)).map_err(refuse)?;
    let columns: HashMap<Column, String> = {
        let names: Vec<String> = dbf.fields().iter().map(|f| f.name().to_string()).collect();
        super::rows::map_headers(names.iter().enumerate().map(|(i, n)| (i, n.as_str())))
            .into_iter()
            .filter_map(|(column, i)| Some((column, names.get(i)?.clone())))
            .collect()
    };
    let shapes = ShapeReader::new(Cursor::new(shp)).map_err(refuse)?;
    let mut reader = shapefile::Reader::new(shapes, dbf);
    for (index, item) in reader.iter_shapes_and_records().enumerate() {
        let line = index + 1;
        if line > MAX_FEATURES {
            return Err(FileError::Shapefile(format!(
                "more than {MAX_FEATURES} features"
            )));
        }
        let (shape, record) = item.map_err(refuse)?;
        let get = |column: Column| {
            let field = columns.get(&column)?;
            match record.get(field)? {
                FieldValue::Character(Some(text)) | FieldValue::Memo(text) => Some(text.clone()),
                FieldValue::Numeric(Some(n)) | FieldValue::Double(n) | FieldValue::Currency(n) => {
                    Some(n.to_string())
                }
                FieldValue::Integer(n) => Some(n.to_string()),
                FieldValue::Float(Some(n)) => Some(n.to_string()),
                _ => None,
            }
        };
        outline::keep(parsed, line, polygons(&shape, &reprojector), &get);
    }
    Ok(())
}

/// The text encoding a `.cpg` names.
fn code_page(cpg: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let name = String::from_utf8_lossy(cpg).trim().to_uppercase();
    match name.as_str() {
        "UTF-8" | "UTF8" | "65001" => Some(encoding_rs::UTF_8),
        "1252" | "ANSI 1252" | "CP1252" | "WINDOWS-1252" | "ISO-8859-1" | "ISO88591" | "LATIN1"
        | "8859_1" => Some(encoding_rs::WINDOWS_1252),
        "ISO-8859-15" | "8859_15" | "LATIN9" => Some(encoding_rs::ISO_8859_15),
        _ => encoding_rs::Encoding::for_label(name.as_bytes()),
    }
}

/// Rings grouped into polygons: an outline starts one, the holes after it
/// belong to it.
fn group<P: HasXY>(
    rings: &[PolygonRing<P>],
    reprojector: &Reprojector,
) -> Result<Vec<Vec<Ring>>, RowProblem> {
    let mut polygons: Vec<Vec<Ring>> = Vec::new();
    for ring in rings {
        let points = outline::ring(ring.points().iter().map(|p| (p.x(), p.y())), reprojector)?;
        match (ring, polygons.last_mut()) {
            (PolygonRing::Inner(_), Some(polygon)) => polygon.push(points),
            _ => polygons.push(vec![points]),
        }
    }
    polygons.into_iter().map(outline::polygon).collect()
}

fn polygons(shape: &Shape, reprojector: &Reprojector) -> Result<Vec<Vec<Ring>>, RowProblem> {
    match shape {
        Shape::Polygon(p) => group(p.rings(), reprojector),
        Shape::PolygonM(p) => group(p.rings(), reprojector),
        Shape::PolygonZ(p) => group(p.rings(), reprojector),
        Shape::NullShape => Err(RowProblem::Geometry("none".into())),
        other => Err(RowProblem::Geometry(other.shapetype().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of a 364 KiB-like bomb: a `.shp` of zeros that inflates past
    /// the geometry cap, with the side files a reader wants.
    fn bomb(shp_bytes: usize) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, len) in [("q.shp", shp_bytes), ("q.dbf", 64), ("q.prj", 8)] {
            writer.start_file(name, options).expect("start");
            writer.write_all(&vec![0u8; len]).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_shapefile_whose_geometries_inflate_past_the_cap_is_refused_before_reading() {
        let zipped = bomb(outline::MAX_GEOMETRY_BYTES + 1);
        assert!(
            zipped.len() < 100 * 1024,
            "a small upload: {}",
            zipped.len()
        );
        let names = ["q.shp", "q.dbf", "q.prj"].map(String::from);
        let refused = parse(&zipped, &names, &mut Parsed::default());
        assert!(
            matches!(&refused, Err(FileError::Shapefile(m)) if m.contains("MiB")),
            "{refused:?}"
        );
    }
}
