//! The territory a campaign works on, brought in from the files
//! municipalities already have: a buildings spreadsheet (CSV, Excel,
//! OpenDocument) with one row per entrance, per building or per dwelling,
//! whose columns' meanings are guessed, remembered or chosen
//! ([`mapping`]); GIS layers of neighbourhoods and buildings (GeoJSON,
//! GeoPackage, zipped Shapefile).
//!
//! An import happens in two steps so nothing is half-imported: [`read`]
//! parses the uploaded files into an [`Import`] (nothing stored), [`plan`]
//! matches it against the territory already stored by the municipality's
//! own keys and shows what would change, and [`apply`] writes the plan in one
//! transaction of the document store. Importing the same file again changes nothing;
//! importing a corrected file updates the buildings it names, keeping their
//! ids so visits already made stay attached.

mod crs;
mod csv_file;
mod decode;
mod export;
mod geojson_file;
pub mod geometry;
mod gpkg;
mod header_row;
mod headers;
pub mod mapping;
mod ods;
mod outline;
mod plan;
mod rows;
mod shapefile_zip;
mod sheet;
mod table;

pub use crs::{Crs, in_france};
pub use decode::TextEncoding;
pub use export::export_geojson;
pub use geometry::Locator;
pub use mapping::{Choices, Mapping, Shape, Source};
pub use plan::{
    ApplyError, Change, Counts, LostDoors, Plan, Stored, apply, apply_leaving_out, doors_removed,
    load, plan,
};
pub use rows::Column;
pub use sheet::MAX_COLUMNS;
pub use table::TableReport;

use shared::domain::{Entrance, Point, Ring};
use std::collections::HashMap;

/// Why a whole file cannot be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    /// Nothing in it.
    #[error("the file is empty")]
    Empty,
    /// An old binary Excel file (`.xls`).
    #[error("this is an old Excel file (.xls); save it as .xlsx or CSV")]
    Spreadsheet,
    /// A zip that cannot be read, or holds too many entries.
    #[error("unreadable zip: {0}")]
    Archive(String),
    /// A zip that inflates to more than the limit.
    #[error("the zip holds more than {limit_mib} MiB once inflated")]
    Inflated {
        /// The limit.
        limit_mib: u64,
    },
    /// A zip holding neither a workbook nor a Shapefile.
    #[error("this zip holds neither a spreadsheet nor a Shapefile")]
    UnknownZip,
    /// A file whose name says a binary format its bytes are not (a text
    /// renamed `.xlsx`, a broken download).
    #[error("the file is named .{extension} but is not one")]
    NotWhatItsNameSays {
        /// The extension its name gives, lower case.
        extension: String,
    },
    /// An Excel or OpenDocument workbook that cannot be read.
    #[error("unreadable workbook: {0}")]
    Workbook(String),
    /// A table with more columns than the limit.
    #[error("the table has more than {limit} columns")]
    TooManyColumns {
        /// The limit.
        limit: usize,
    },
    /// A workbook with more sheets than the limit.
    #[error("the workbook has more than {limit} sheets")]
    TooManySheets {
        /// The limit.
        limit: usize,
    },
    /// More dwellings or buildings than one import may hold.
    #[error("more than {dwellings} dwellings or {buildings} buildings")]
    TooManyDwellings {
        /// The limit of dwellings.
        dwellings: u64,
        /// The limit of buildings.
        buildings: usize,
    },
    /// A sheet with more cells than the limit.
    #[error("the sheet has more than {limit} cells")]
    TooManyCells {
        /// The limit.
        limit: u64,
    },
    /// A GeoPackage that cannot be read.
    #[error("unreadable GeoPackage: {0}")]
    GeoPackage(String),
    /// A Shapefile that cannot be read.
    #[error("unreadable Shapefile: {0}")]
    Shapefile(String),
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
    /// A dwelling's row placing its building far from where its first row
    /// does.
    #[error("{metres} m from where line {line} places the building")]
    Elsewhere {
        /// The building's first row.
        line: usize,
        /// How far apart.
        metres: u64,
    },
    /// A value longer than any a building has: a column mapped wrongly, or
    /// a hostile file.
    #[error("{0:?} is too long")]
    TooLong(Column),
    /// A floor that does not read as one ("RDC", "2", "-1"…).
    #[error("{0:?} is not a floor")]
    NotALevel(String),
    /// A coordinate system the row names and Palier does not read.
    #[error("unknown coordinate system {0:?}")]
    UnknownCrs(String),
    /// A dwelling with no staircase in a building that has several: which
    /// one it is in cannot be told. The coordinator may put the
    /// building's such rows in one of them
    /// ([`mapping::Choices::blank_entrances`]).
    #[error("no staircase, and the building has {entrances:?}")]
    MissingEntrance {
        /// The building's key.
        key: String,
        /// Its staircases.
        entrances: Vec<String>,
    },
    /// The same door twice in one entrance.
    #[error("door {door} already given on line {line}")]
    DuplicateDoor {
        /// The door.
        door: String,
        /// The earlier row.
        line: usize,
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
    /// The same building given door by door in one file and by counts in
    /// another: which doors it has cannot be told.
    #[error("building given door by door on line {line}, by counts here")]
    ShapeConflict {
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
    /// What the row is of: leaving it out holds that back whole.
    pub held: Held,
}

/// What a rejected row is of, by its key as the import would key it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// A building.
    Building(String),
    /// A neighbourhood.
    Neighbourhood(String),
    /// A row whose building cannot be told (no key, no address, unreadable):
    /// leaving it out could cost any building a door, so the valid rows
    /// cannot be imported without it.
    Unattributed,
}

impl Held {
    /// A building row's, from its key or address as `rows::head` reads them.
    pub fn building(key: Option<String>) -> Self {
        key.map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .map_or(Held::Unattributed, Held::Building)
    }

    /// A neighbourhood feature's, from its code or name.
    pub fn neighbourhood(key: Option<String>) -> Self {
        key.map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .map_or(Held::Unattributed, Held::Neighbourhood)
    }
}

/// Files one import may have (the office's form has two): each is read
/// under its own caps, so their number is a cap too.
pub const MAX_FILES: usize = 4;
/// Dwellings one import may hold, every file together: twice the largest
/// municipality's social housing (the benchmark's 150,000).
pub const MAX_DWELLINGS: u64 = 400_000;
/// Buildings one import may hold.
pub const MAX_BUILDINGS: usize = 60_000;

/// Rejected rows an import keeps and shows; past them it only counts, and
/// the valid rows can no longer be imported without them.
pub const MAX_REJECTIONS: usize = 2_000;

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
    /// Its landlord.
    pub landlord: Option<String>,
    /// Where it stands, WGS84.
    pub location: Point,
    /// The neighbourhood the file names, if it names one.
    pub neighbourhood: Option<String>,
    /// Its entrances.
    pub entrances: Vec<Entrance>,
    /// Whether the file gave every door's label and floor (one row per
    /// dwelling): a re-import then takes its doors as they are, rather
    /// than bringing the stored ones to new counts.
    pub exact_doors: bool,
    /// The landlord's building code, when the file has one: it becomes
    /// part of the key where it tells buildings at one address apart
    /// (`table::distinguish_by_code`).
    pub code: Option<String>,
    /// The commune, when the file has one: part of the key and the
    /// address where one address is in several communes.
    pub commune: Option<String>,
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
    /// Rows left out past [`MAX_REJECTIONS`], only counted.
    pub more_rejections: usize,
    /// Dwellings in the buildings read so far.
    pub dwellings: u64,
}

impl Parsed {
    /// Leaves a row out, and says why.
    pub fn reject(&mut self, line: usize, problem: RowProblem, held: Held) {
        if self.rejections.len() < MAX_REJECTIONS {
            self.rejections.push(Rejection {
                file: 0,
                line,
                problem,
                held,
            });
        } else {
            self.more_rejections += 1;
        }
    }

    /// Counts a row's dwellings, and refuses the file past what one import
    /// may hold (before more doors are made): [`MAX_DWELLINGS`], and
    /// `buildings` (the buildings, or building rows, read so far) at most
    /// [`MAX_BUILDINGS`].
    pub fn count(&mut self, dwellings: u64, buildings: usize) -> Result<(), FileError> {
        self.dwellings = self.dwellings.saturating_add(dwellings);
        if self.dwellings > MAX_DWELLINGS || buildings > MAX_BUILDINGS {
            return Err(FileError::TooManyDwellings {
                dwellings: MAX_DWELLINGS,
                buildings: MAX_BUILDINGS,
            });
        }
        Ok(())
    }
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
    /// How many rows (or features) it held that read without a problem.
    pub rows: usize,
    /// A table's headers, mapping and shape; `None` for a GIS layer.
    pub table: Option<TableReport>,
}

impl FileReport {
    /// Meanings its table still needs before any row is read.
    pub fn missing(&self) -> &[Column] {
        self.table.as_ref().map_or(&[], |t| t.missing.as_slice())
    }
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
    /// Rows left out past [`MAX_REJECTIONS`], only counted.
    pub more_rejections: usize,
    /// Dwellings in every file's buildings.
    pub dwellings: u64,
}

impl Import {
    /// Whether a file still needs columns chosen before it can be read.
    pub fn needs_mapping(&self) -> bool {
        self.files.iter().any(|f| !f.missing().is_empty())
    }
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

/// Reads one file into `parsed`, by what its bytes are (a zip, an SQLite
/// file, text) and then its name.
fn read_file(
    upload: &Upload,
    file: usize,
    choices: &Choices,
    parsed: &mut Parsed,
) -> Result<(TextEncoding, Option<TableReport>), FileError> {
    let bytes = upload.bytes.as_slice();
    let lower = upload.name.to_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        let names = sheet::check_zip(bytes)?;
        let has = |entry: &str| names.iter().any(|n| n == entry);
        let kind = if has("xl/workbook.xml") {
            sheet::Kind::Xlsx
        } else if has("content.xml") && (has("mimetype") || lower.ends_with(".ods")) {
            sheet::Kind::Ods
        } else if shapefile_zip::holds_shapefile(&names) {
            shapefile_zip::parse(bytes, &names, parsed)?;
            return Ok((TextEncoding::Utf8, None));
        } else {
            return Err(FileError::UnknownZip);
        };
        let report = sheet::parse(bytes, &names, kind, file, choices, parsed)?;
        return Ok((TextEncoding::Utf8, Some(report)));
    }
    if gpkg::is_sqlite(bytes) {
        gpkg::parse(bytes, parsed)?;
        return Ok((TextEncoding::Utf8, None));
    }
    // A name that promises a workbook, an archive or a GeoPackage is not
    // read as text: what it holds is not what the coordinator thinks.
    if let Some(extension) = ["xlsx", "xlsm", "ods", "zip", "gpkg", "shp"]
        .into_iter()
        .find(|e| lower.ends_with(&format!(".{e}")))
    {
        return Err(FileError::NotWhatItsNameSays {
            extension: extension.to_string(),
        });
    }
    let (text, encoding) = decode::decode(bytes)?;
    if is_geojson(&upload.name, &text) {
        geojson_file::parse(&text, parsed)?;
        Ok((encoding, None))
    } else {
        let report = csv_file::parse(&text, file, choices, parsed)?;
        Ok((encoding, Some(report)))
    }
}

/// Reads uploaded files, each table through the mapping its headers
/// guess. A file-level problem stops everything and names the file;
/// row-level problems are collected in [`Import::rejections`].
pub fn read(uploads: &[Upload]) -> Result<Import, (String, FileError)> {
    read_with(uploads, &Choices::default())
}

/// Reads uploaded files, each table through the mapping `choices` give it.
pub fn read_with(uploads: &[Upload], choices: &Choices) -> Result<Import, (String, FileError)> {
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
        let mut parsed = Parsed::default();
        let (encoding, table) = read_file(upload, file, choices, &mut parsed).map_err(fail)?;
        import.files.push(FileReport {
            name: upload.name.clone(),
            encoding,
            crs: parsed.crs,
            neighbourhoods: parsed.neighbourhoods.len(),
            rows: table.as_ref().map_or(parsed.buildings.len(), |t| t.rows),
            table,
        });
        import.more_rejections += parsed.more_rejections;
        import.dwellings = import.dwellings.saturating_add(parsed.dwellings);
        if import.dwellings > MAX_DWELLINGS {
            return Err(fail(FileError::TooManyDwellings {
                dwellings: MAX_DWELLINGS,
                buildings: MAX_BUILDINGS,
            }));
        }
        let mut reject = |line, problem, held: Held| {
            if import.rejections.len() < MAX_REJECTIONS {
                import.rejections.push(Rejection {
                    file,
                    line,
                    problem,
                    held,
                });
            } else {
                import.more_rejections += 1;
            }
        };
        for rejection in parsed.rejections {
            reject(rejection.line, rejection.problem, rejection.held);
        }
        for n in parsed.neighbourhoods {
            if let Some(&(earlier, line)) = neighbourhood_lines.get(&n.key) {
                let other_file = (earlier != file).then_some(earlier);
                reject(
                    n.line,
                    RowProblem::DuplicateNeighbourhood { line, other_file },
                    Held::Neighbourhood(n.key.clone()),
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
                let lines = vec![(file, row.line); row.entrances.len().max(1)];
                building_lines.insert(row.key.clone(), ((file, row.line), lines));
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
                reject(
                    row.line,
                    RowProblem::KeyConflict { line, other_file },
                    Held::Building(row.key.clone()),
                );
                continue;
            }
            if building.exact_doors != row.exact_doors {
                let (line, other_file) = other(*first);
                reject(
                    row.line,
                    RowProblem::ShapeConflict { line, other_file },
                    Held::Building(row.key.clone()),
                );
                continue;
            }
            // Every entrance of the row, or none: a row is never half-read.
            let clash = row.entrances.iter().find_map(|entrance| {
                building
                    .entrances
                    .iter()
                    .position(|e| e.label == entrance.label)
                    .map(|position| (entrance.label.clone(), position))
            });
            if let Some((label, position)) = clash {
                let (line, other_file) = other(lines.get(position).copied().unwrap_or(*first));
                reject(
                    row.line,
                    RowProblem::DuplicateEntrance {
                        label,
                        line,
                        other_file,
                    },
                    Held::Building(row.key.clone()),
                );
                continue;
            }
            if building.entrances.len() + row.entrances.len() > rows::MAX_ENTRANCES as usize {
                reject(
                    row.line,
                    RowProblem::Implausible {
                        column: Column::Entrance,
                        value: rows::MAX_ENTRANCES + 1,
                    },
                    Held::Building(row.key.clone()),
                );
                continue;
            }
            for entrance in row.entrances {
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
