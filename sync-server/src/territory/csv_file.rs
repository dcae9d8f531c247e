//! Buildings from a spreadsheet exported as CSV: `;` (French Excel) or `,`
//! separated, one row per entrance, coordinates as longitude/latitude or as
//! Lambert-93 x/y.

use super::crs::{Crs, Reprojector};
use super::rows::{Column, Position, building_row};
use super::{FileError, Parsed, Rejection};
use std::collections::HashMap;

/// The delimiter the header line uses most.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b';')
}

/// Reads the buildings of a CSV file.
pub fn parse(text: &str, parsed: &mut Parsed) -> Result<(), FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| FileError::Csv(e.to_string()))?
        .clone();
    let columns: HashMap<Column, usize> = super::rows::map_headers(headers.iter().enumerate());
    let has = |c| columns.contains_key(&c);
    let crs = if has(Column::X) && has(Column::Y) {
        Crs::Lambert93
    } else {
        Crs::Wgs84
    };
    let mut missing: Vec<&'static str> = [
        (Column::Key, "cle"),
        (Column::Address, "adresse"),
        (Column::Floors, "etages"),
        (Column::Dwellings, "logements"),
    ]
    .into_iter()
    .filter(|(c, _)| !has(*c))
    .map(|(_, name)| name)
    .collect();
    if crs == Crs::Wgs84 && !(has(Column::Longitude) && has(Column::Latitude)) {
        missing.push("longitude + latitude (ou x + y en Lambert-93)");
    }
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    parsed.crs = Some(crs);
    let reprojector = Reprojector::new(crs);
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                parsed.rejections.push(Rejection {
                    file: 0,
                    line: usize::try_from(line).unwrap_or(0),
                    problem: super::RowProblem::Unreadable(error.to_string()),
                });
                continue;
            }
        };
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |column: Column| {
            columns
                .get(&column)
                .and_then(|&i| record.get(i))
                .map(str::to_string)
        };
        match building_row(line, &get, Position::Columns, &reprojector) {
            Ok(building) => parsed.buildings.push(building),
            Err(problem) => parsed.rejections.push(Rejection {
                file: 0,
                line,
                problem,
            }),
        }
    }
    Ok(())
}
