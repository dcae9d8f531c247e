//! Buildings from a spreadsheet exported as CSV: `;` (French Excel), `,`
//! or tab separated; the rows go through the table's mapping
//! ([`super::table`]).

use super::mapping::Choices;
use super::sheet::MAX_COLUMNS;
use super::table::{self, Row, TableReport};
use super::{FileError, Parsed};

/// The delimiter the first lines use most on one line: the header's,
/// wherever it is under a title.
fn delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().take(super::header_row::LOOKED_AT).collect();
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| {
            lines
                .iter()
                .map(|l| l.bytes().filter(|b| b == d).count())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(b';')
}

/// Reads the buildings of a CSV file, file `file` of the import.
pub fn parse(
    text: &str,
    file: usize,
    choices: &Choices,
    parsed: &mut Parsed,
) -> Result<TableReport, FileError> {
    let reader = || {
        csv::ReaderBuilder::new()
            .delimiter(delimiter(text))
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes())
    };
    // The header row is among the first rows: one wider than a table may
    // be refuses the file, before anything is read.
    if reader()
        .into_records()
        .take(super::header_row::LOOKED_AT)
        .flatten()
        .any(|r| r.len() > MAX_COLUMNS as usize)
    {
        return Err(FileError::TooManyColumns {
            limit: MAX_COLUMNS as usize,
        });
    }
    let rows = reader().into_records().map(|record| -> Row {
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
    table::parse_rows(rows, file, choices, parsed)
}
