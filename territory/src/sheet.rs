//! Buildings from an Excel (`.xlsx`) or OpenDocument (`.ods`) workbook:
//! the first sheet, or the one the coordinator chose.
//!
//! A workbook is a zip of XML, so a file of a few kilobytes can claim
//! gigabytes: before any reader sees it, every entry is inflated once with
//! a cap on what it really holds ([`check_zip`]), the shared strings of an
//! `.xlsx` with a smaller one, and what calamine would allocate from the
//! file's own numbers is checked ([`workbook_claims`]). An
//! `.xlsx` sheet is then read cell by cell with calamine's streaming reader
//! (never a whole `Range`, which a sparse sheet with cells a million rows
//! apart would make huge), an `.ods` sheet row by row ([`super::ods`]),
//! both up to [`MAX_CELLS`] cells of at most [`MAX_CELL_BYTES`] each, in
//! at most [`MAX_COLUMNS`] columns.

use super::mapping::Choices;
use super::table::{self, Row, TableReport};
use super::{FileError, Parsed};
use calamine::{DataRef, Reader, Xlsx};
use std::io::{Cursor, Read};

/// Bytes a workbook may hold once inflated, all entries together.
pub const MAX_INFLATED: u64 = 192 * 1024 * 1024;
/// Bytes an `.xlsx`'s shared strings may hold once inflated: calamine
/// keeps them all in memory.
const MAX_SHARED_STRINGS: u64 = 48 * 1024 * 1024;
/// Entries a zip may hold.
const MAX_ENTRIES: usize = 2_000;
/// Cells a sheet may hold (150,000 dwellings of 20 columns fit).
pub const MAX_CELLS: u64 = 4_000_000;
/// Columns a table may have.
pub const MAX_COLUMNS: u32 = 256;
/// Text a cell may hold; more is cut (an address is a few dozen bytes).
pub const MAX_CELL_BYTES: usize = 2_048;

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
    check_zip_within(bytes, MAX_INFLATED)
}

/// [`check_zip`] with a cap of `cap` bytes.
fn check_zip_within(bytes: &[u8], cap: u64) -> Result<Vec<String>, FileError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| FileError::Archive(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(FileError::Archive(format!(
            "more than {MAX_ENTRIES} entries"
        )));
    }
    let mut names = Vec::with_capacity(archive.len());
    let mut left = cap;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| FileError::Archive(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| FileError::Archive(e.to_string()))?
            .to_string();
        let shared_strings = name.to_lowercase().ends_with("sharedstrings.xml");
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| FileError::Archive(e.to_string()))?;
        if shared_strings && read > MAX_SHARED_STRINGS {
            return Err(FileError::Inflated {
                limit_mib: MAX_SHARED_STRINGS / (1024 * 1024),
            });
        }
        names.push(name);
        left = left.checked_sub(read).ok_or(FileError::Inflated {
            limit_mib: cap / (1024 * 1024),
        })?;
    }
    Ok(names)
}

/// Most cell formats a workbook may declare (Excel's own limit is 64,000).
const MAX_STYLES: usize = 65_536;
/// Most sheets a workbook may declare.
pub const MAX_SHEETS: usize = 256;
/// Longest attribute value in a workbook's styles (a font's name, a
/// number format: Excel's own limits are 31 and 255 characters).
const MAX_STYLE_VALUE: usize = 256;
/// Longest attribute value in a workbook's relationships and sheet list.
const MAX_PART_VALUE: usize = 2_048;

/// What `Xlsx::new` would allocate from the file's own numbers, checked on
/// the raw bytes, as calamine itself reads them (its attribute scanner is
/// not quick-xml's, and it looks for the `sst` element anywhere in the
/// part), before calamine opens the workbook:
/// - every `uniqueCount` of the shared strings, for which it reserves room
///   before reading one (a claim of a trillion aborts the process): plain
///   digits, at most [`MAX_CELLS`];
/// - the styles, each cell format cloning its font and number format: at
///   most [`MAX_STYLES`], attribute values at most [`MAX_STYLE_VALUE`];
/// - the sheet list and relationships, each sheet copying its target: at
///   most [`MAX_SHEETS`] sheets, values at most [`MAX_PART_VALUE`].
///
/// Parts are named as calamine finds them: ASCII case and `\` aside.
pub fn workbook_claims(bytes: &[u8], names: &[String]) -> Result<(), FileError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| FileError::Archive(e.to_string()))?;
    let refuse = |what: &str| FileError::Workbook(what.to_string());
    for name in names {
        let normal = name.to_ascii_lowercase().replace('\\', "/");
        let kind = if normal.ends_with("sharedstrings.xml") {
            Part::SharedStrings
        } else if normal.ends_with("styles.xml") {
            Part::Styles
        } else if normal.ends_with(".rels") || normal.ends_with("workbook.xml") {
            Part::Structure
        } else {
            continue;
        };
        let mut content = Vec::new();
        archive
            .by_name(name)
            .map_err(|e| FileError::Archive(e.to_string()))?
            .take(MAX_INFLATED)
            .read_to_end(&mut content)
            .map_err(|e| FileError::Archive(e.to_string()))?;
        match kind {
            Part::SharedStrings => {
                for value in values_of(&content, b"uniqueCount") {
                    let count = std::str::from_utf8(value)
                        .ok()
                        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                        .and_then(|v| v.parse::<u64>().ok());
                    if count.is_none_or(|n| n > MAX_CELLS) {
                        return Err(FileError::TooManyCells { limit: MAX_CELLS });
                    }
                }
            }
            Part::Styles => {
                if elements(&content, b"xf") > MAX_STYLES {
                    return Err(refuse("too many cell formats"));
                }
                if longest_value(&content) > MAX_STYLE_VALUE {
                    return Err(refuse("a style value too long"));
                }
            }
            Part::Structure => {
                if elements(&content, b"sheet") > MAX_SHEETS {
                    return Err(FileError::TooManySheets { limit: MAX_SHEETS });
                }
                if longest_value(&content) > MAX_PART_VALUE {
                    return Err(refuse("a relationship too long"));
                }
            }
        }
    }
    Ok(())
}

/// The workbook parts [`workbook_claims`] looks at.
enum Part {
    SharedStrings,
    Styles,
    Structure,
}

/// The values of every attribute named `key` (after a space, whatever
/// precedes it), as written between quotes.
fn values_of<'a>(content: &'a [u8], key: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let found = content
                .get(at..)?
                .windows(key.len())
                .position(|w| w == key)?;
            let start = at + found;
            at = start + key.len();
            let mut rest = content.get(at..)?.iter().copied().enumerate();
            // Spaces, `=`, spaces, a quote: anything else is not this key.
            let mut equals = false;
            let quote = loop {
                match rest.next()? {
                    (_, b' ' | b'\t' | b'\r' | b'\n') => {}
                    (_, b'=') if !equals => equals = true,
                    (i, q @ (b'"' | b'\'')) if equals => break Some((i, q)),
                    _ => break None,
                }
            };
            let Some((i, q)) = quote else { continue };
            let value_start = at + i + 1;
            let end = content
                .get(value_start..)?
                .iter()
                .position(|&b| b == q)
                .map_or(content.len(), |e| value_start + e);
            at = end;
            return content.get(value_start..end);
        }
    })
}

/// How many elements named `name` (prefixed or not) the content holds.
fn elements(content: &[u8], name: &[u8]) -> usize {
    content
        .windows(name.len() + 2)
        .filter(|w| {
            matches!(w[0], b'<' | b':')
                && &w[1..=name.len()] == name
                && matches!(
                    w[name.len() + 1],
                    b' ' | b'/' | b'>' | b'\t' | b'\r' | b'\n'
                )
        })
        .count()
}

/// The longest quoted value in the content.
fn longest_value(content: &[u8]) -> usize {
    let (mut longest, mut open): (usize, Option<(u8, usize)>) = (0, None);
    for (i, &b) in content.iter().enumerate() {
        match open {
            None if matches!(b, b'"' | b'\'') && i > 0 && content[i - 1] == b'=' => {
                open = Some((b, i));
            }
            Some((q, start)) if b == q => {
                longest = longest.max(i - start - 1);
                open = None;
            }
            _ => {}
        }
    }
    if let Some((_, start)) = open {
        longest = longest.max(content.len() - start - 1);
    }
    longest
}

/// Reads a workbook's chosen sheet (the first one by default); `names` are
/// its zip's entries, as [`check_zip`] found them.
pub fn parse(
    bytes: &[u8],
    names: &[String],
    kind: Kind,
    file: usize,
    choices: &Choices,
    parsed: &mut Parsed,
) -> Result<TableReport, FileError> {
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
            workbook_claims(bytes, names)?;
            let mut workbook: Xlsx<_> =
                Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
            let sheets = workbook.sheet_names();
            let sheet = pick(&sheets)?;
            // calamine computes a sheet's declared dimension with plain
            // arithmetic: a forged `<dimension ref>` overflows it (a panic
            // in debug builds). A workbook that makes the reader panic is
            // refused like any unreadable one.
            let book = &mut workbook;
            let name = &sheet;
            let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                let book = book;
                book.worksheet_cells_reader(name)
                    .map_err(|e| unreadable(&e))
            }))
            .map_err(|_| FileError::Workbook("the sheet's dimension cannot be read".into()))?;
            let mut cells = opened?;
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
                            let value = text(cell.get_value());
                            if column >= MAX_COLUMNS {
                                if value.is_empty() {
                                    continue;
                                }
                                failure = Some(FileError::TooManyColumns {
                                    limit: MAX_COLUMNS as usize,
                                });
                                return None;
                            }
                            return Some((row, column, value));
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
            let report = read_rows(rows, file, choices, parsed);
            if let Some(failure) = failure {
                return Err(failure);
            }
            (sheets, sheet, report?)
        }
        Kind::Ods => {
            let sheets = super::ods::sheet_names(bytes)?;
            let sheet = pick(&sheets)?;
            let report = super::ods::with_rows(bytes, &sheet, |rows| {
                read_rows(rows, file, choices, parsed)
            })??;
            (sheets, sheet, report)
        }
    };
    report.sheets = sheets;
    report.sheet = Some(sheet);
    Ok(report)
}

/// The sheet's rows, its header row found among them
/// ([`table::parse_rows`]).
fn read_rows(
    rows: impl Iterator<Item = (usize, Vec<String>)>,
    file: usize,
    choices: &Choices,
    parsed: &mut Parsed,
) -> Result<TableReport, FileError> {
    table::parse_rows(rows.map(|row| -> Row { Ok(row) }), file, choices, parsed)
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

/// A cell's text, at most [`MAX_CELL_BYTES`] of it: a shared string is
/// cut before it is copied, however many cells name it.
fn text(value: &DataRef<'_>) -> String {
    let cut = |s: &str| {
        let mut end = s.len().min(MAX_CELL_BYTES);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_string()
    };
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => cut(s),
        DataRef::SharedString(s) => cut(s),
        DataRef::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        DataRef::DateTime(d) => number(d.as_f64()),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, Shape};
    use std::io::{Read, Write};

    /// A zip of `entries`, deflated.
    pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            writer.start_file(*name, options).expect("start");
            writer.write_all(bytes).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    /// A minimal workbook: each sheet's `<sheetData>` as given.
    pub fn xlsx(sheets: &[(&str, &str)]) -> Vec<u8> {
        let workbook = format!(
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{}</sheets></workbook>"#,
            sheets
                .iter()
                .enumerate()
                .map(|(i, (name, _))| format!(
                    r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
                    i + 1,
                    i + 1
                ))
                .collect::<String>()
        );
        let rels = format!(
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>"#,
            (1..=sheets.len())
                .map(|i| format!(
                    r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#
                ))
                .collect::<String>()
        );
        let sheet_xml: Vec<(String, String)> = sheets
            .iter()
            .enumerate()
            .map(|(i, (_, data))| {
                (
                    format!("xl/worksheets/sheet{}.xml", i + 1),
                    format!(
                        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
                    ),
                )
            })
            .collect();
        let root = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("_rels/.rels", root.as_bytes()),
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ];
        for (name, xml) in &sheet_xml {
            entries.push((name, xml.as_bytes()));
        }
        zip(&entries)
    }

    /// A workbook read as an upload is: its zip checked, then its sheet.
    fn book(
        bytes: &[u8],
        kind: Kind,
        choices: &Choices,
        parsed: &mut Parsed,
    ) -> Result<TableReport, FileError> {
        let names = check_zip(bytes)?;
        parse(bytes, &names, kind, 0, choices, parsed)
    }

    /// An inline-string cell.
    fn cell(at: &str, text: &str) -> String {
        format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    fn number(at: &str, value: &str) -> String {
        format!(r#"<c r="{at}"><v>{value}</v></c>"#)
    }

    /// The header row of the building tables these tests write, on row `r`.
    fn header_at(r: u32) -> String {
        let header = [
            "cle",
            "adresse",
            "etages",
            "logements",
            "longitude",
            "latitude",
        ];
        let cells: String = header
            .iter()
            .enumerate()
            .map(|(i, h)| cell(&format!("{}{r}", char::from(b'A' + i as u8)), h))
            .collect();
        format!(r#"<row r="{r}">{cells}</row>"#)
    }

    /// A building row on row `r`: key, address, 4 floors, 18 dwellings,
    /// and its coordinates as the cells given.
    fn building_at(r: u32, key: &str, lon: String, lat: String) -> String {
        format!(
            r#"<row r="{r}">{}{}{}{}{lon}{lat}</row>"#,
            cell(&format!("A{r}"), key),
            cell(&format!("B{r}"), &format!("{key} rue Lebon")),
            number(&format!("C{r}"), "4"),
            number(&format!("D{r}"), "18"),
        )
    }

    #[test]
    fn a_zip_that_inflates_past_the_cap_is_refused_before_any_reader() {
        let zeros = vec![0u8; 3 * 1024 * 1024];
        let bomb = zip(&[("xl/workbook.xml", &zeros)]);
        assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
        assert_eq!(
            check_zip_within(&bomb, 1024 * 1024),
            Err(FileError::Inflated { limit_mib: 1 })
        );
        assert!(check_zip_within(&bomb, 4 * 1024 * 1024).is_ok());
        assert!(matches!(
            check_zip(b"PK\x03\x04 not really"),
            Err(FileError::Archive(_))
        ));
    }

    #[test]
    fn a_workbook_reads_its_first_sheet_or_the_chosen_one_numbers_as_numbers() {
        let header = [
            "cle",
            "adresse",
            "etages",
            "logements",
            "longitude",
            "latitude",
        ];
        let mut data = String::from(r#"<row r="1">"#);
        for (i, h) in header.iter().enumerate() {
            data += &cell(&format!("{}1", char::from(b'A' + i as u8)), h);
        }
        data += r#"</row><row r="2">"#;
        data += &cell("A2", "B1");
        data += &cell("B2", "1 rue Lebon");
        data += &number("C2", "4");
        data += &number("D2", "18");
        data += &number("E2", "2.3581");
        data += &number("F2", "48.7903");
        data += "</row>";
        let notes = format!(r#"<row r="1">{}</row>"#, cell("A1", "Notes"));
        let bytes = xlsx(&[("Bâtiments", &data), ("Notes", &notes)]);
        let mut parsed = Parsed::default();
        let report = book(&bytes, Kind::Xlsx, &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.sheets, ["Bâtiments", "Notes"]);
        assert_eq!(report.sheet.as_deref(), Some("Bâtiments"));
        assert_eq!(report.shape, Shape::PerEntrance);
        assert_eq!(parsed.buildings.len(), 1, "{:?}", parsed.rejections);
        assert!((parsed.buildings[0].location.lon - 2.3581).abs() < 1e-9);
        assert_eq!(parsed.buildings[0].line, 2);
        let mut choices = Choices::default();
        choices.sheets.insert(0, "Notes".into());
        let mut parsed = Parsed::default();
        let report = book(&bytes, Kind::Xlsx, &choices, &mut parsed).expect("read");
        assert_eq!(report.sheet.as_deref(), Some("Notes"));
        assert!(report.missing.contains(&Column::Address));
        // A sheet the workbook has not is the first one.
        choices.sheets.insert(0, "../../etc/passwd".into());
        let report = book(&bytes, Kind::Xlsx, &choices, &mut Parsed::default()).expect("read");
        assert_eq!(report.sheet.as_deref(), Some("Bâtiments"));
    }

    #[test]
    fn a_title_above_the_headers_is_no_header_and_its_rows_keep_their_numbers() {
        let data = format!(
            r#"<row r="1">{}</row>{}{}"#,
            cell("A1", "Patrimoine au 1er janvier 2024 — Bailleur"),
            header_at(3),
            building_at(4, "B1", number("E4", "2.3581"), number("F4", "48.7903")),
        );
        let bytes = xlsx(&[("Patrimoine", &data)]);
        let mut parsed = Parsed::default();
        let report = book(&bytes, Kind::Xlsx, &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.header_line, 3);
        assert_eq!(report.headers[0], "cle");
        assert!(report.missing.is_empty());
        assert_eq!(parsed.buildings.len(), 1, "{:?}", parsed.rejections);
        assert_eq!(parsed.buildings[0].line, 4, "the sheet's own row number");
        // Chosen by hand, the title is the header: nothing reads.
        let mut choices = Choices::default();
        choices.header_lines.insert(0, 1);
        let report = book(&bytes, Kind::Xlsx, &choices, &mut Parsed::default()).expect("read");
        assert_eq!(report.header_line, 1);
        assert!(report.missing.contains(&Column::Address));
    }

    #[test]
    fn coordinates_as_numbers_in_some_rows_and_as_text_with_commas_in_others() {
        let data = [
            header_at(1),
            building_at(2, "B1", number("E2", "2.3581"), number("F2", "48.7903")),
            building_at(3, "B2", cell("E3", "2,3590"), cell("F3", "48,7905")),
        ]
        .concat();
        let bytes = xlsx(&[("Feuil1", &data)]);
        let mut parsed = Parsed::default();
        book(&bytes, Kind::Xlsx, &Choices::default(), &mut parsed).expect("read");
        assert!(parsed.rejections.is_empty(), "{:?}", parsed.rejections);
        let at: Vec<(f64, f64)> = parsed
            .buildings
            .iter()
            .map(|b| (b.location.lon, b.location.lat))
            .collect();
        assert_eq!(at.len(), 2);
        assert!((at[0].0 - 2.3581).abs() < 1e-9 && (at[0].1 - 48.7903).abs() < 1e-9);
        assert!((at[1].0 - 2.3590).abs() < 1e-9 && (at[1].1 - 48.7905).abs() < 1e-9);
    }

    #[test]
    fn cells_a_million_rows_apart_cost_nothing() {
        // calamine's whole-sheet Range would allocate 17 billion cells.
        let data = format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            cell("A1", "adresse"),
            cell("A1048576", "x")
        );
        let bytes = xlsx(&[("Feuil1", &data)]);
        let mut parsed = Parsed::default();
        let report = book(&bytes, Kind::Xlsx, &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.headers, ["adresse"]);
        assert!(parsed.buildings.is_empty());
        // A value in the last of Excel's 16,384 columns: a table too wide.
        let far = format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            cell("A1", "adresse"),
            cell("XFD1048576", "x")
        );
        assert_eq!(
            book(
                &xlsx(&[("Feuil1", &far)]),
                Kind::Xlsx,
                &Choices::default(),
                &mut parsed
            )
            .map(|_| ()),
            Err(FileError::TooManyColumns { limit: 256 })
        );
    }

    #[test]
    fn an_opendocument_sheet_is_read_and_its_repeats_are_counted_first() {
        let content = |rows: &str| {
            format!(
                r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Feuille1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
            )
        };
        let text = |t: &str| {
            format!(
                r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
            )
        };
        let float = |v: &str| {
            format!(
                r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
            )
        };
        let header: String = ["cle", "adresse", "etages", "logements", "x", "y"]
            .iter()
            .map(|h| text(h))
            .collect();
        let row = format!(
            "{}{}{}{}{}{}",
            text("B1"),
            text("1 rue A"),
            float("3"),
            float("12"),
            float("652553"),
            float("6853940")
        );
        // LibreOffice pads every sheet with empty repeated rows and cells.
        let padding = r#"<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        let rows = format!(
            r#"<table:table-row>{header}<table:table-cell table:number-columns-repeated="1018"/></table:table-row><table:table-row>{row}</table:table-row>{padding}"#
        );
        let mimetype: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
        let manifest: &[u8] = br#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
        let ods = zip(&[
            ("mimetype", mimetype),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", content(&rows).as_bytes()),
        ]);
        let mut parsed = Parsed::default();
        let report = book(&ods, Kind::Ods, &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.headers.len(), 6);
        assert_eq!(report.sheets, ["Feuille1"]);
        assert_eq!(parsed.buildings.len(), 1, "{:?}", parsed.rejections);
        assert_eq!(parsed.buildings[0].entrances[0].floors.len(), 4);
        assert_eq!(parsed.buildings[0].line, 2);
        let ods_of = |rows: &str| {
            zip(&[
                ("mimetype", mimetype),
                ("META-INF/manifest.xml", manifest),
                ("content.xml", content(rows).as_bytes()),
            ])
        };
        let read = |bytes: &[u8]| {
            let mut parsed = Parsed::default();
            book(bytes, Kind::Ods, &Choices::default(), &mut parsed).map(|r| (r, parsed))
        };
        // A row with a value repeated a million times, a hundred wide; the
        // same with the count escaped, or with only an office:value; cells
        // hidden under a merge; a run of two billion spaces.
        for bomb_rows in [
            r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="100"><text:p>x</text:p></table:table-cell></table:table-row>"#,
            r#"<table:table-row table:number-rows-repeated="&#49;000000"><table:table-cell office:value-type="string" table:number-columns-repeated="100"><text:p>x</text:p></table:table-cell></table:table-row>"#,
            r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value="1" table:number-columns-repeated="95"/></table:table-row>"#,
            r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell><text:p>x</text:p></table:table-cell><table:covered-table-cell office:value="2" table:number-columns-repeated="90"/></table:table-row>"#,
        ] {
            let bomb = ods_of(bomb_rows);
            assert!(bomb.len() < 4096);
            assert_eq!(
                read(&bomb).map(|_| ()),
                Err(FileError::TooManyCells { limit: MAX_CELLS }),
                "{bomb_rows}"
            );
        }
        let spaces = ods_of(&format!(
            r#"<table:table-row>{}</table:table-row><table:table-row><table:table-cell><text:p>a<text:s text:c="2147483647"/>b</text:p></table:table-cell></table:table-row>"#,
            text("adresse")
        ));
        let (report, _) = read(&spaces).expect("read");
        assert_eq!(report.sample[0].chars().count(), 60);
        // A value past the last column is a table too wide; empty padding
        // past it is nothing.
        let wide = ods_of(&format!(
            r#"<table:table-row>{}<table:table-cell table:number-columns-repeated="300"/><table:table-cell office:value="1"/></table:table-row>"#,
            text("adresse")
        ));
        assert_eq!(
            read(&wide).map(|_| ()),
            Err(FileError::TooManyColumns { limit: 256 })
        );
        // Empty rows between two values are never materialised, and the
        // line numbers count them.
        let gap = ods_of(&format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="50"/></table:table-row><table:table-row>{}</table:table-row>"#,
            text("adresse"),
            text("1 rue A")
        ));
        let (report, parsed) = read(&gap).expect("read");
        assert_eq!(report.headers, ["adresse"]);
        assert_eq!(
            parsed.rejections.len(),
            0,
            "no coordinates: the table is unread"
        );
        assert!(report.missing.contains(&Column::X));
        // A comment on a cell, a drawing anchored to it, a table inside
        // it: not its value.
        let noted = ods_of(&format!(
            r#"<table:table-row>{}</table:table-row><table:table-row><table:table-cell><office:annotation><dc:date>2024-03-01</dc:date><text:p>à vérifier</text:p></office:annotation><draw:frame><svg:title>plan</svg:title></draw:frame><table:table table:name="x"><table:table-row><table:table-cell><text:p>dedans</text:p></table:table-cell></table:table-row></table:table><text:p>12 rue Lebon</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>14 rue Lebon</text:p></table:table-cell></table:table-row>"#,
            text("adresse")
        ));
        let (report, _) = read(&noted).expect("read");
        assert_eq!(report.sample, ["12 rue Lebon"]);
        // Rows counted past what a number holds: no overflow.
        let far = ods_of(&format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="99999999999999999999"><table:table-cell/></table:table-row><table:table-row>{}</table:table-row><table:table-row>{}</table:table-row>"#,
            text("adresse"),
            text("1 rue A"),
            text("2 rue A")
        ));
        assert!(read(&far).is_ok());
        // A repeat that is not a number is refused.
        let bad = ods_of(
            r#"<table:table-row table:number-rows-repeated="-1"><table:table-cell office:value="1"/></table:table-row>"#,
        );
        assert!(matches!(read(&bad), Err(FileError::Workbook(_))));
    }

    /// The workbook of `xlsx`, with `part` added or replaced.
    fn with_part(sheet: &str, part: &str, content: &[u8]) -> Vec<u8> {
        let mut files: Vec<(String, Vec<u8>)> = entries(&xlsx(&[("Feuil1", sheet)]))
            .into_iter()
            .filter(|(n, _)| n != part)
            .collect();
        files.push((part.to_string(), content.to_vec()));
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, c)| (n.as_str(), c.as_slice()))
            .collect();
        zip(&refs)
    }

    #[test]
    fn what_calamine_would_allocate_from_the_files_numbers_is_checked_first() {
        let sheet = format!(r#"<row r="1">{}</row>"#, cell("A1", "adresse"));
        let read = |bytes: &[u8]| {
            book(
                bytes,
                Kind::Xlsx,
                &Choices::default(),
                &mut Parsed::default(),
            )
            .map(|_| ())
        };
        // The claim calamine reserves room for, wherever it stands, and
        // however the attributes around it read.
        for sst in [
            r#"<sst uniqueCount="99999999999999"/>"#,
            r#"<x/><sst uniqueCount="99999999999999"><si><t>a</t></si></sst>"#,
            r#"<sst foo uniqueCount="1" uniqueCount="99999999999999"/>"#,
            r#"<sst uniqueCount = '5000000'/>"#,
            r#"<sst uniqueCount="+5"/>"#,
        ] {
            assert_eq!(
                read(&with_part(&sheet, "xl/sharedStrings.xml", sst.as_bytes())),
                Err(FileError::TooManyCells { limit: MAX_CELLS }),
                "{sst}"
            );
        }
        assert!(
            read(&with_part(
                &sheet,
                "xl/sharedStrings.xml",
                br#"<sst uniqueCount="1"><si><t>a</t></si></sst>"#
            ))
            .is_ok()
        );
        // Styles: each cell format clones its font and number format.
        let many = format!(
            "<styleSheet><cellXfs>{}</cellXfs></styleSheet>",
            "<xf/>".repeat(70_000)
        );
        assert!(matches!(
            read(&with_part(&sheet, "xl/styles.xml", many.as_bytes())),
            Err(FileError::Workbook(_))
        ));
        let long = format!(
            r#"<styleSheet><fonts><font><name val="{}"/></font></fonts></styleSheet>"#,
            "x".repeat(1_000)
        );
        assert!(matches!(
            read(&with_part(&sheet, "xl/styles.xml", long.as_bytes())),
            Err(FileError::Workbook(_))
        ));
        // The sheet list, each sheet copying its target.
        let sheets = format!(
            r#"<workbook><sheets>{}</sheets></workbook>"#,
            (0..300)
                .map(|i| format!(r#"<sheet name="s{i}" sheetId="{i}" r:id="rId1"/>"#))
                .collect::<String>()
        );
        assert_eq!(
            read(&with_part(&sheet, "xl/workbook.xml", sheets.as_bytes())),
            Err(FileError::TooManySheets { limit: MAX_SHEETS })
        );
    }

    #[test]
    fn a_long_shared_string_is_cut_before_it_is_copied_into_every_cell() {
        let long = "é".repeat(10_000);
        let data = format!(
            r#"<row r="1">{}{}</row><row r="2">{}</row>"#,
            cell("A1", "adresse"),
            cell("B1", "cle"),
            cell("A2", &long)
        );
        let bytes = xlsx(&[("Feuil1", &data)]);
        let mut parsed = Parsed::default();
        let report = book(&bytes, Kind::Xlsx, &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.sample[0].chars().count(), 60);
        let wide = format!(
            r#"<row r="1">{}{}</row>"#,
            cell("A1", "adresse"),
            cell("IW1", "x")
        );
        assert_eq!(
            book(
                &xlsx(&[("Feuil1", &wide)]),
                Kind::Xlsx,
                &Choices::default(),
                &mut parsed
            )
            .map(|_| ()),
            Err(FileError::TooManyColumns { limit: 256 })
        );
    }

    /// The entries of a zip, inflated.
    fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).expect("entry");
                let mut content = Vec::new();
                entry.read_to_end(&mut content).expect("read");
                (entry.name().expect("name").to_string(), content)
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// The XML inside a workbook altered byte by byte (the zip itself
        /// intact, so the readers see it): refusals or rejected rows,
        /// never a panic.
        #[test]
        fn altered_workbook_xml_is_refused_not_crashed_on(
            ods in proptest::prelude::any::<bool>(),
            flips in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()),
                1..16,
            ),
        ) {
            let (fixture, kind): (&[u8], Kind) = if ods {
                (include_bytes!("../../tests/fixtures/batiments-bagneux.ods"), Kind::Ods)
            } else {
                (include_bytes!("../../tests/fixtures/batiments-bagneux.xlsx"), Kind::Xlsx)
            };
            let mut files = entries(fixture);
            let target = if ods { "content.xml" } else { "xl/worksheets/sheet1.xml" };
            if let Some((_, xml)) = files.iter_mut().find(|(n, _)| n == target) {
                for (at, byte) in flips {
                    let i = at.index(xml.len());
                    xml[i] = byte;
                }
            }
            let refs: Vec<(&str, &[u8])> =
                files.iter().map(|(n, c)| (n.as_str(), c.as_slice())).collect();
            let _ = book(&zip(&refs), kind, &Choices::default(), &mut Parsed::default());
        }
    }
}
