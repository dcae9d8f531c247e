//! Buildings from a spreadsheet exported as CSV: `;` (French Excel), `,`
//! or tab separated; the rows go through the table's mapping
//! ([`super::table`]).

use super::mapping::Choices;
use super::sheet::MAX_COLUMNS;
use super::table::{self, Row, TableReport};
use super::{FileError, Parsed};

/// The delimiter the header line uses most.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b';')
}

/// Reads the buildings of a CSV file.
pub fn parse(text: &str, choices: &Choices, parsed: &mut Parsed) -> Result<TableReport, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| FileError::Csv(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.len() > MAX_COLUMNS as usize {
        return Err(FileError::TooManyColumns {
            limit: MAX_COLUMNS as usize,
        });
    }
    let rows = reader.into_records().map(|record| -> Row {
        let line =
            |p: Option<&csv::Position>| p.map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        match record {
            Ok(record) if record.len() > MAX_COLUMNS as usize => Err((
                line(record.position()),
                format!("more than {MAX_COLUMNS} columns"),
            )),
            Ok(record) => Ok((
                line(record.position()),
                record.iter().map(str::to_string).collect(),
            )),
            Err(error) => Err((line(error.position()), error.to_string())),
        }
    });
    table::parse(headers, rows, choices, parsed)
}
