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
        names.push(
            entry
                .name()
                .map_err(|e| FileError::Archive(e.to_string()))?
                .to_string(),
        );
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| FileError::Archive(e.to_string()))?;
        left = left.checked_sub(read).ok_or(FileError::Inflated {
            limit_mib: cap / (1024 * 1024),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::{Column, Shape};
    use std::io::Write;

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

    /// An inline-string cell.
    fn cell(at: &str, text: &str) -> String {
        format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    fn number(at: &str, value: &str) -> String {
        format!(r#"<c r="{at}"><v>{value}</v></c>"#)
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
        let report = parse(&bytes, Kind::Xlsx, 0, &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.sheets, ["Bâtiments", "Notes"]);
        assert_eq!(report.sheet.as_deref(), Some("Bâtiments"));
        assert_eq!(report.shape, Shape::PerEntrance);
        assert_eq!(parsed.buildings.len(), 1, "{:?}", parsed.rejections);
        assert!((parsed.buildings[0].location.lon - 2.3581).abs() < 1e-9);
        assert_eq!(parsed.buildings[0].line, 2);
        let mut choices = Choices::default();
        choices.sheets.insert(0, "Notes".into());
        let mut parsed = Parsed::default();
        let report = parse(&bytes, Kind::Xlsx, 0, &choices, &mut parsed).expect("read");
        assert_eq!(report.sheet.as_deref(), Some("Notes"));
        assert!(report.missing.contains(&Column::Address));
        // A sheet the workbook has not is the first one.
        choices.sheets.insert(0, "../../etc/passwd".into());
        let report = parse(&bytes, Kind::Xlsx, 0, &choices, &mut Parsed::default()).expect("read");
        assert_eq!(report.sheet.as_deref(), Some("Bâtiments"));
    }

    #[test]
    fn cells_a_million_rows_apart_cost_nothing() {
        // calamine's whole-sheet Range would allocate 17 billion cells.
        let data = format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            cell("A1", "adresse"),
            cell("XFD1048576", "x")
        );
        let bytes = xlsx(&[("Feuil1", &data)]);
        let mut parsed = Parsed::default();
        let report = parse(&bytes, Kind::Xlsx, 0, &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.headers, ["adresse"]);
        assert!(parsed.buildings.is_empty());
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
        assert!(ods_cells(&ods).expect("count") < 100);
        let mut parsed = Parsed::default();
        let report = parse(&ods, Kind::Ods, 0, &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.headers.len(), 6);
        assert_eq!(parsed.buildings.len(), 1, "{:?}", parsed.rejections);
        assert_eq!(parsed.buildings[0].entrances[0].floors.len(), 4);
        // A row with a value repeated a million times, a hundred wide.
        let bomb_rows = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="100"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        let bomb = zip(&[
            ("mimetype", mimetype),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", content(bomb_rows).as_bytes()),
        ]);
        assert!(bomb.len() < 4096);
        assert_eq!(
            parse(
                &bomb,
                Kind::Ods,
                0,
                &Choices::default(),
                &mut Parsed::default()
            ),
            Err(FileError::TooManyCells { limit: MAX_CELLS })
        );
        // Empty rows between two values are filled by calamine: counted.
        let gap = format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="50"/></table:table-row><table:table-row>{}</table:table-row>"#,
            text("x").repeat(50),
            text("y").repeat(50)
        );
        let gap = zip(&[
            ("mimetype", mimetype),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", content(&gap).as_bytes()),
        ]);
        assert!(ods_cells(&gap).expect("count") > MAX_CELLS);
    }
}
