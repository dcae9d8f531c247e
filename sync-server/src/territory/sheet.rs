//! Buildings from an Excel (`.xlsx`) or OpenDocument (`.ods`) workbook,
//! read with calamine: the first sheet, or the one the coordinator chose.
//!
//! A workbook is a zip of XML, so a file of a few kilobytes can claim
//! gigabytes: before calamine sees it, every entry is inflated once with a
//! cap on what it really holds ([`check_zip`]). An `.xlsx` sheet is then
//! read cell by cell (calamine's streaming reader, never a whole `Range`,
//! which a sparse sheet with cells a million rows apart would make huge),
//! up to [`MAX_CELLS`]. An OpenDocument sheet can only be read whole, and
//! its rows and columns may say "repeated 1,048,576 times", so its declared
//! size is counted first ([`ods_cells`]).

use super::mapping::Choices;
use super::table::{self, Row, TableReport};
use super::{FileError, Parsed};
use calamine::{Data, DataRef, Ods, Reader, Xlsx};
use std::io::{Cursor, Read};

/// Bytes a workbook may hold once inflated, all entries together.
pub const MAX_INFLATED: u64 = 192 * 1024 * 1024;
/// Entries a zip may hold.
const MAX_ENTRIES: usize = 2_000;
/// Cells a sheet may hold (150,000 dwellings of 20 columns fit).
pub const MAX_CELLS: u64 = 4_000_000;
/// Columns a row may have: further ones are ignored.
const MAX_COLUMNS: u32 = 256;

/// What kind of workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML.
    Xlsx,
    /// OpenDocument.
    Ods,
}

/// Inflates every entry of a zip once, with a cap on the total it really
/// holds (not what its headers claim), and returns its entries' names.
pub fn check_zip(bytes: &[u8]) -> Result<Vec<String>, FileError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| FileError::Archive(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(FileError::Archive(format!(
            "more than {MAX_ENTRIES} entries"
        )));
    }
    let mut names = Vec::with_capacity(archive.len());
    let mut left = MAX_INFLATED;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| FileError::Archive(e.to_string()))?;
        names.push(
            entry
                .name()
                .map_err(|e| FileError::Archive(e.to_string()))?
                .to_string(),
        );
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| FileError::Archive(e.to_string()))?;
        left = left.checked_sub(read).ok_or(FileError::Inflated {
            limit_mib: MAX_INFLATED / (1024 * 1024),
        })?;
    }
    Ok(names)
}

/// Reads a workbook's chosen sheet (the first one by default).
pub fn parse(
    bytes: &[u8],
    kind: Kind,
    file: usize,
    choices: &Choices,
    parsed: &mut Parsed,
) -> Result<TableReport, FileError> {
    check_zip(bytes)?;
    let unreadable = |e: &dyn std::fmt::Display| FileError::Workbook(e.to_string());
    let pick = |names: &[String]| -> Result<String, FileError> {
        choices
            .sheets
            .get(&file)
            .filter(|chosen| names.contains(chosen))
            .or_else(|| names.first())
            .cloned()
            .ok_or_else(|| FileError::Workbook("no sheet".into()))
    };
    let (sheets, sheet, mut report) = match kind {
        Kind::Xlsx => {
            let mut workbook: Xlsx<_> =
                Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
            let sheets = workbook.sheet_names();
            let sheet = pick(&sheets)?;
            let mut cells = workbook
                .worksheet_cells_reader(&sheet)
                .map_err(|e| unreadable(&e))?;
            let mut count = 0u64;
            let mut failure = None;
            let mut next = || -> Option<(u32, u32, String)> {
                loop {
                    match cells.next_cell() {
                        Ok(Some(cell)) => {
                            count += 1;
                            if count > MAX_CELLS {
                                failure = Some(FileError::TooManyCells { limit: MAX_CELLS });
                                return None;
                            }
                            let (row, column) = cell.get_position();
                            if column < MAX_COLUMNS {
                                return Some((row, column, text_ref(cell.get_value())));
                            }
                        }
                        Ok(None) => return None,
                        Err(e) => {
                            failure = Some(unreadable(&e));
                            return None;
                        }
                    }
                }
            };
            let rows = rows_of(std::iter::from_fn(&mut next));
            let report = read_rows(rows, choices, parsed);
            if let Some(failure) = failure {
                return Err(failure);
            }
            (sheets, sheet, report?)
        }
        Kind::Ods => {
            let declared = ods_cells(bytes)?;
            if declared > MAX_CELLS {
                return Err(FileError::TooManyCells { limit: MAX_CELLS });
            }
            let mut workbook: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
            let sheets = workbook.sheet_names();
            let sheet = pick(&sheets)?;
            let range = workbook
                .worksheet_range(&sheet)
                .map_err(|e| unreadable(&e))?;
            let (top, left) = range.start().unwrap_or((0, 0));
            let cells = range.rows().enumerate().flat_map(move |(r, row)| {
                let r = top + u32::try_from(r).unwrap_or(u32::MAX);
                row.iter()
                    .enumerate()
                    .filter(|(c, _)| *c < MAX_COLUMNS as usize)
                    .map(move |(c, value)| {
                        let c = left + u32::try_from(c).unwrap_or(u32::MAX);
                        (r, c, text(value))
                    })
            });
            let report = read_rows(rows_of(cells), choices, parsed)?;
            (sheets, sheet, report)
        }
    };
    report.sheets = sheets;
    report.sheet = Some(sheet);
    Ok(report)
}

/// The header row (the first row with a value) and the rows under it.
fn read_rows(
    mut rows: impl Iterator<Item = (usize, Vec<String>)>,
    choices: &Choices,
    parsed: &mut Parsed,
) -> Result<TableReport, FileError> {
    let headers = rows
        .by_ref()
        .find(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(_, cells)| cells)
        .ok_or(FileError::Empty)?;
    let width = headers.len();
    let rows = rows.map(move |(line, mut cells)| -> Row {
        cells.resize(width.max(cells.len()), String::new());
        Ok((line, cells))
    });
    Ok(table::parse(headers, rows, choices, parsed))
}

/// Cells, in row order, gathered into rows; the line is the row's number
/// as the spreadsheet shows it (from 1).
fn rows_of(
    cells: impl Iterator<Item = (u32, u32, String)>,
) -> impl Iterator<Item = (usize, Vec<String>)> {
    let mut cells = cells.peekable();
    std::iter::from_fn(move || {
        let (row, _, _) = cells.peek()?;
        let row = *row;
        let mut values: Vec<String> = Vec::new();
        while let Some((_, column, value)) = cells.next_if(|(r, _, _)| *r == row) {
            let column = column as usize;
            if values.len() <= column {
                values.resize(column + 1, String::new());
            }
            values[column] = value;
        }
        Some((row as usize + 1, values))
    })
}

/// A number as a French spreadsheet user reads it back: whole numbers
/// without decimals, others with their shortest exact digits.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

fn text_ref(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        DataRef::DateTime(d) => number(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn text(value: &Data) -> String {
    match value {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        Data::DateTime(d) => number(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// How many cells an OpenDocument spreadsheet's first sheets declare,
/// repeats included: a row "repeated 1,048,576 times" with a value in it
/// would make calamine allocate every copy. Empty rows and cells cost
/// nothing and are not counted.
pub fn ods_cells(bytes: &[u8]) -> Result<u64, FileError> {
    use quick_xml::events::Event;
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| FileError::Archive(e.to_string()))?;
    let content = archive
        .by_name("content.xml")
        .map_err(|e| FileError::Workbook(e.to_string()))?;
    let mut reader =
        quick_xml::Reader::from_reader(std::io::BufReader::new(content.take(MAX_INFLATED)));
    let repeat = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.value.parse().ok())
            .unwrap_or(1)
    };
    let mut buf = Vec::new();
    // Rows repeated with nothing in them count once a row with a value
    // follows them (calamine fills the gap); trailing ones never do.
    let (mut total, mut pending_empty, mut widest) = (0u64, 0u64, 0u64);
    let (mut row_repeat, mut row_width, mut row_last_value) = (1u64, 0u64, 0u64);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| FileError::Workbook(e.to_string()))?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == "table-row" => {
                row_repeat = repeat(&e, "table:number-rows-repeated");
                (row_width, row_last_value) = (0, 0);
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "table-cell" => {
                row_width = row_width.saturating_add(repeat(&e, "table:number-columns-repeated"));
                if e.attributes()
                    .flatten()
                    .any(|a| a.key.as_ref() == "office:value-type")
                {
                    row_last_value = row_width;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "table-row" => {
                if row_last_value == 0 {
                    pending_empty = pending_empty.saturating_add(row_repeat);
                } else {
                    widest = widest.max(row_last_value);
                    let rows = pending_empty.saturating_add(row_repeat);
                    total = total.saturating_add(rows.saturating_mul(widest));
                    pending_empty = 0;
                    if total > MAX_CELLS {
                        return Ok(total);
                    }
                }
            }
            Event::Eof => return Ok(total),
            _ => {}
        }
        buf.clear();
    }
}
