//! The territory a campaign works on, brought in from the files
//! municipalities already have: a buildings spreadsheet (CSV) and GIS layers
//! (GeoJSON) of neighbourhoods and buildings.
//!
//! An import happens in two steps so nothing is half-imported: [`read`]
//! parses the uploaded files into an [`Import`] (nothing stored), [`plan`]
//! matches it against the territory already stored by the municipality's
//! own keys and shows what would change, and [`apply`] writes the plan in one
//! SQLite transaction. Importing the same file again changes nothing;
//! importing a corrected file updates the buildings it names, keeping their
//! ids so visits already made stay attached.

mod crs;
mod csv_file;
mod decode;
mod export;
mod geojson_file;
pub mod geometry;
mod headers;
mod plan;
mod rows;

pub use crs::{Crs, in_france};
pub use decode::TextEncoding;
pub use export::export_geojson;
pub use geometry::Locator;
pub use plan::{ApplyError, Change, Counts, Plan, Stored, apply, load, plan};
pub use rows::Column;

use shared::domain::{Entrance, Point, Ring};
use std::collections::HashMap;

/// Why a whole file cannot be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    /// Nothing in it.
    #[error("the file is empty")]
    Empty,
    /// An Excel or OpenDocument file rather than CSV.
    #[error("this is a spreadsheet file; export it as CSV")]
    Spreadsheet,
    /// Not UTF-8, UTF-16 with a mark, nor Windows-1252.
    #[error("unrecognised text encoding near byte {byte}")]
    Encoding {
        /// Where decoding failed.
        byte: usize,
    },
    /// The CSV could not be read.
    #[error("unreadable CSV: {0}")]
    Csv(String),
    /// The GeoJSON could not be read.
    #[error("invalid GeoJSON: {0}")]
    GeoJson(String),
    /// A coordinate system other than WGS84 or Lambert-93.
    #[error("unsupported coordinate system {0}")]
    UnsupportedCrs(String),
    /// Columns Palier needs are absent.
    #[error("missing columns: {}", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    /// Larger than the upload limit.
    #[error("the upload is larger than {limit_mib} MiB")]
    TooLarge {
        /// The limit.
        limit_mib: usize,
    },
    /// No file was given.
    #[error("no file was chosen")]
    NoFile,
}

/// Why one row (or GeoJSON feature) is left out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RowProblem {
    /// A required value is empty.
    #[error("{0:?} is empty")]
    Missing(Column),
    /// Not a whole number.
    #[error("{column:?}: {value:?} is not a whole number")]
    NotACount {
        /// Which column.
        column: Column,
        /// What it held.
        value: String,
    },
    /// Not a number.
    #[error("{column:?}: {value:?} is not a number")]
    NotANumber {
        /// Which column.
        column: Column,
        /// What it held.
        value: String,
    },
    /// A number no building has.
    #[error("{column:?}: {value} is implausible")]
    Implausible {
        /// Which column.
        column: Column,
        /// The value.
        value: u32,
    },
    /// Coordinates that do not fall in France.
    #[error("coordinates {x}, {y} are outside France")]
    OutsideFrance {
        /// First coordinate as read (or longitude once reprojected).
        x: f64,
        /// Second coordinate as read (or latitude once reprojected).
        y: f64,
    },
    /// A geometry Palier cannot use.
    #[error("unusable geometry: {0}")]
    Geometry(String),
    /// The CSV row itself is broken.
    #[error("unreadable row: {0}")]
    Unreadable(String),
    /// Same key, different address from an earlier row.
    #[error("key already used with another address on line {line}")]
    KeyConflict {
        /// The earlier row.
        line: usize,
        /// The earlier row's file, when it is another one.
        other_file: Option<usize>,
    },
    /// The same entrance twice for one building.
    #[error("entrance {label} already given on line {line}")]
    DuplicateEntrance {
        /// The entrance.
        label: String,
        /// The earlier row.
        line: usize,
        /// The earlier row's file, when it is another one.
        other_file: Option<usize>,
    },
    /// The same neighbourhood key twice.
    #[error("neighbourhood already given on line {line}")]
    DuplicateNeighbourhood {
        /// The earlier feature.
        line: usize,
        /// The earlier feature's file, when it is another one.
        other_file: Option<usize>,
    },
    /// A `quartier` column naming no known neighbourhood.
    #[error("unknown neighbourhood {0:?}")]
    UnknownNeighbourhood(String),
}

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// Which uploaded file (index in [`Import::files`]).
    pub file: usize,
    /// The line (CSV, header is line 1) or feature number (GeoJSON, from 1).
    pub line: usize,
    /// Why.
    pub problem: RowProblem,
}

/// A neighbourhood as read, before it is matched to a stored one.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedNeighbourhood {
    /// Its feature number.
    pub line: usize,
    /// Its stable key (code, or name).
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its polygons, WGS84.
    pub polygons: Vec<Vec<Ring>>,
}

/// A building as read (its entrances merged from one row each).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedBuilding {
    /// The file it came from.
    pub file: usize,
    /// Its first row.
    pub line: usize,
    /// Its stable key.
    pub key: String,
    /// Its address.
    pub address: String,
    /// Its estate.
    pub estate: Option<String>,
    /// Where it stands, WGS84.
    pub location: Point,
    /// The neighbourhood the file names, if it names one.
    pub neighbourhood: Option<String>,
    /// Its entrances.
    pub entrances: Vec<Entrance>,
}

/// What one file held.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// The coordinate system it was read in.
    pub crs: Option<Crs>,
    /// Neighbourhoods found.
    pub neighbourhoods: Vec<ParsedNeighbourhood>,
    /// Building rows found.
    pub buildings: Vec<ParsedBuilding>,
    /// Rows left out.
    pub rejections: Vec<Rejection>,
}

/// What was learnt about one uploaded file, for the preview.
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    /// Its name as uploaded.
    pub name: String,
    /// How its text was encoded.
    pub encoding: TextEncoding,
    /// Its coordinate system.
    pub crs: Option<Crs>,
    /// How many neighbourhoods it held.
    pub neighbourhoods: usize,
    /// How many building rows (entrances) it held.
    pub rows: usize,
}

/// Every uploaded file, read and merged: nothing stored yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Import {
    /// One report per file.
    pub files: Vec<FileReport>,
    /// Neighbourhoods, one per key.
    pub neighbourhoods: Vec<ParsedNeighbourhood>,
    /// Buildings, one per key, entrances merged.
    pub buildings: Vec<ParsedBuilding>,
    /// Rows left out, every file.
    pub rejections: Vec<Rejection>,
}

/// An uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Its name, whose extension tells CSV from GeoJSON.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

fn is_geojson(name: &str, text: &str) -> bool {
    let lower = name.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        return false;
    }
    lower.ends_with(".geojson") || lower.ends_with(".json") || text.trim_start().starts_with('{')
}

/// Reads uploaded files. A file-level problem stops everything and names
/// the file; row-level problems are collected in [`Import::rejections`].
pub fn read(uploads: &[Upload]) -> Result<Import, (String, FileError)> {
    let mut import = Import::default();
    let mut building_index: HashMap<String, usize> = HashMap::new();
    // Where each key was first seen, as (file, line): rejections cite it.
    type Place = (usize, usize);
    let mut building_lines: HashMap<String, (Place, Vec<Place>)> = HashMap::new();
    let mut neighbourhood_lines: HashMap<String, Place> = HashMap::new();
    if uploads.is_empty() {
        return Err((String::new(), FileError::NoFile));
    }
    for (file, upload) in uploads.iter().enumerate() {
        let fail = |e| (upload.name.clone(), e);
        let (text, encoding) = decode::decode(&upload.bytes).map_err(fail)?;
        let mut parsed = Parsed::default();
        if is_geojson(&upload.name, &text) {
            geojson_file::parse(&text, &mut parsed).map_err(fail)?;
        } else {
            csv_file::parse(&text, &mut parsed).map_err(fail)?;
        }
        import.files.push(FileReport {
            name: upload.name.clone(),
            encoding,
            crs: parsed.crs,
            neighbourhoods: parsed.neighbourhoods.len(),
            rows: parsed.buildings.len(),
        });
        let mut reject = |line, problem| {
            import.rejections.push(Rejection {
                file,
                line,
                problem,
            })
        };
        for rejection in parsed.rejections {
            reject(rejection.line, rejection.problem);
        }
        for n in parsed.neighbourhoods {
            if let Some(&(earlier, line)) = neighbourhood_lines.get(&n.key) {
                let other_file = (earlier != file).then_some(earlier);
                reject(
                    n.line,
                    RowProblem::DuplicateNeighbourhood { line, other_file },
                );
                continue;
            }
            neighbourhood_lines.insert(n.key.clone(), (file, n.line));
            import.neighbourhoods.push(n);
        }
        for mut row in parsed.buildings {
            row.file = file;
            let Some(&index) = building_index.get(&row.key) else {
                building_index.insert(row.key.clone(), import.buildings.len());
                building_lines.insert(row.key.clone(), ((file, row.line), vec![(file, row.line)]));
                import.buildings.push(row);
                continue;
            };
            let building = &mut import.buildings[index];
            let (first, lines) = building_lines
                .get_mut(&row.key)
                .ok_or_else(|| fail(FileError::Csv("internal index".into())))?;
            let other =
                |(earlier, line): (usize, usize)| (line, (earlier != file).then_some(earlier));
            if building.address != row.address {
                let (line, other_file) = other(*first);
                reject(row.line, RowProblem::KeyConflict { line, other_file });
                continue;
            }
            let mut entrances = row.entrances.into_iter();
            if let Some(entrance) = entrances.next() {
                if let Some(position) = building
                    .entrances
                    .iter()
                    .position(|e| e.label == entrance.label)
                {
                    let (line, other_file) = other(lines.get(position).copied().unwrap_or(*first));
                    reject(
                        row.line,
                        RowProblem::DuplicateEntrance {
                            label: entrance.label,
                            line,
                            other_file,
                        },
                    );
                    continue;
                }
                building.entrances.push(entrance);
                lines.push((file, row.line));
            }
        }
    }
    import.rejections.sort_by_key(|r| (r.file, r.line));
    Ok(import)
}

#[cfg(test)]
mod tests;
