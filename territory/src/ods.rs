//! An OpenDocument spreadsheet's sheet, streamed row by row from its
//! `content.xml`.
//!
//! calamine reads an `.ods` sheet only whole, expanding every "repeated
//! 1,048,576 times" of rows and cells (and every `<text:s text:c="…"/>`
//! run of spaces) into memory before anything can look at it: a file of a
//! few hundred bytes can ask for gigabytes, and every attempt to count its
//! cost beforehand has to predict calamine exactly. So `.ods` is read here
//! with quick-xml (which calamine uses too), with the same bounds as every
//! table: [`MAX_COLUMNS`] columns, [`MAX_CELLS`] cells once repeats are
//! counted, [`MAX_CELL_BYTES`] of text a cell, and rows that hold nothing
//! never materialised however often they repeat.

use super::FileError;
use super::sheet::{MAX_CELL_BYTES, MAX_CELLS, MAX_COLUMNS, MAX_INFLATED, MAX_SHEETS};
use quick_xml::events::{BytesStart, Event};
use std::io::{BufRead, BufReader, Cursor, Read};

fn unreadable(e: impl std::fmt::Display) -> FileError {
    FileError::Workbook(e.to_string())
}

/// The reader of a workbook's `content.xml`.
fn content<'a>(
    archive: &'a mut zip::ZipArchive<Cursor<&[u8]>>,
) -> Result<quick_xml::Reader<BufReader<impl Read + 'a>>, FileError> {
    let entry = archive.by_name("content.xml").map_err(unreadable)?;
    Ok(quick_xml::Reader::from_reader(BufReader::new(
        entry.take(MAX_INFLATED),
    )))
}

/// An attribute's value, entities resolved.
fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A repeat count: plain digits, at least 1.
fn repeat(e: &BytesStart<'_>, name: &str) -> Result<u64, FileError> {
    match attribute(e, name) {
        None => Ok(1),
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(v.parse::<u64>().unwrap_or(u64::MAX).max(1))
        }
        Some(v) => Err(FileError::Workbook(format!("{name}={v:?}"))),
    }
}

/// The names of the workbook's sheets, in order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, FileError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut reader = content(&mut archive)?;
    let mut buf = Vec::new();
    let mut names = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(unreadable)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "table" => {
                if names.len() == MAX_SHEETS {
                    return Err(FileError::TooManySheets { limit: MAX_SHEETS });
                }
                names.push(attribute(&e, "table:name").unwrap_or_default());
            }
            Event::Eof => return Ok(names),
            _ => {}
        }
        buf.clear();
    }
}

/// The rows of one sheet, each with its number as the spreadsheet shows it.
/// A file-level problem ends the rows and is kept in [`Rows::failure`].
pub struct Rows<R: BufRead> {
    reader: quick_xml::Reader<R>,
    sheet: String,
    buf: Vec<u8>,
    /// Inside the chosen sheet.
    inside: bool,
    done: bool,
    /// The next row's number.
    line: u64,
    cells: u64,
    /// The widest row so far: every row is as wide once read (padded to the
    /// headers), so rows are counted at that width.
    widest: u64,
    /// A row still to give, and how many more times.
    pending: Option<(Vec<String>, u64)>,
    /// Why the rows ended early.
    pub failure: Option<FileError>,
}

impl<R: BufRead> Rows<R> {
    fn fail(&mut self, failure: FileError) -> Option<(usize, Vec<String>)> {
        self.failure = Some(failure);
        self.done = true;
        None
    }

    /// Reads one `<table:table-row>` (its start already read): its cells,
    /// or `None` when it holds nothing.
    fn row(&mut self) -> Result<Option<Vec<String>>, FileError> {
        let mut cells: Vec<String> = Vec::new();
        // The cell being read, how often it repeats, and whether its value
        // came typed (its text is then only how it is displayed).
        let mut cell: Option<(String, u64)> = None;
        let mut typed = false;
        let mut paragraphs = 0usize;
        // Inside a paragraph of the cell's own text (not a comment's).
        let mut in_text = 0usize;
        let mut skipped = Vec::new();
        loop {
            self.buf.clear();
            let event = self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(unreadable)?;
            match event {
                Event::Start(e) if is_cell(&e) => {
                    let (value, repeats) = cell_start(&e)?;
                    typed = !value.is_empty();
                    cell = Some((value, repeats));
                    paragraphs = 0;
                }
                Event::Empty(e) if is_cell(&e) => {
                    let (value, repeats) = cell_start(&e)?;
                    push(&mut cells, value, repeats)?;
                }
                Event::End(e)
                    if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
                {
                    if let Some((value, repeats)) = cell.take() {
                        push(&mut cells, value, repeats)?;
                    }
                }
                // A comment on the cell, a drawing anchored to it, a table
                // inside it: not the cell's value.
                Event::Start(e)
                    if matches!(e.local_name().as_ref(), "annotation" | "table")
                        || e.name().prefix().is_some_and(|p| p.as_ref() == "draw") =>
                {
                    let name = e.name().0.to_owned();
                    self.reader
                        .read_to_end_into(quick_xml::name::QName(&name), &mut skipped)
                        .map_err(unreadable)?;
                    skipped.clear();
                }
                Event::Start(e) if matches!(e.local_name().as_ref(), "p" | "h") => {
                    in_text += 1;
                    paragraphs += 1;
                    if paragraphs > 1
                        && let Some((text, _)) = cell.as_mut().filter(|_| !typed)
                    {
                        add(text, "\n");
                    }
                }
                Event::End(e) if matches!(e.local_name().as_ref(), "p" | "h") => {
                    in_text = in_text.saturating_sub(1);
                }
                Event::Empty(e) if in_text > 0 && e.local_name().as_ref() == "s" => {
                    if let Some((text, _)) = cell.as_mut().filter(|_| !typed) {
                        let spaces = repeat(&e, "text:c")?;
                        for _ in 0..spaces {
                            if text.len() >= MAX_CELL_BYTES {
                                break;
                            }
                            text.push(' ');
                        }
                    }
                }
                Event::Empty(e)
                    if in_text > 0 && matches!(e.local_name().as_ref(), "tab" | "line-break") =>
                {
                    if let Some((text, _)) = cell.as_mut().filter(|_| !typed) {
                        add(text, " ");
                    }
                }
                Event::Text(t) if in_text > 0 => {
                    if let Some((text, _)) = cell.as_mut().filter(|_| !typed) {
                        add(text, &t.xml10_content());
                    }
                }
                Event::GeneralRef(r) if in_text > 0 => {
                    if let Some((text, _)) = cell.as_mut().filter(|_| !typed) {
                        let resolved = match r.resolve_char_ref() {
                            Ok(Some(c)) => c.to_string(),
                            _ => quick_xml::escape::resolve_predefined_entity(&r)
                                .unwrap_or_default()
                                .to_string(),
                        };
                        add(text, &resolved);
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "table-row" => break,
                Event::Eof => return Err(unreadable("the row never ends")),
                _ => {}
            }
        }
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        Ok((!cells.is_empty()).then_some(cells))
    }
}

/// Whether an element is a cell (a covered one, under a merged cell, too).
fn is_cell(e: &BytesStart<'_>) -> bool {
    matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell")
}

/// A cell's typed value, if its attributes hold one (its text otherwise
/// follows), and how often it repeats.
fn cell_start(e: &BytesStart<'_>) -> Result<(String, u64), FileError> {
    let repeats = repeat(e, "table:number-columns-repeated")?;
    let mut value = [
        "office:value",
        "office:date-value",
        "office:time-value",
        "office:boolean-value",
        "office:string-value",
    ]
    .into_iter()
    .find_map(|name| attribute(e, name))
    .unwrap_or_default();
    let mut end = value.len().min(MAX_CELL_BYTES);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    value.truncate(end);
    Ok((value, repeats))
}

/// Text added to a cell's, up to [`MAX_CELL_BYTES`].
fn add(text: &mut String, more: &str) {
    for c in more.chars() {
        if text.len() + c.len_utf8() > MAX_CELL_BYTES {
            return;
        }
        text.push(c);
    }
}

/// A cell `repeats` times; empty ones past the last column cost nothing,
/// a value past it means a table wider than any Palier reads.
fn push(cells: &mut Vec<String>, value: String, repeats: u64) -> Result<(), FileError> {
    let room = (MAX_COLUMNS as usize).saturating_sub(cells.len());
    let wanted = usize::try_from(repeats).unwrap_or(usize::MAX);
    if wanted > room && !value.is_empty() {
        return Err(FileError::TooManyColumns {
            limit: MAX_COLUMNS as usize,
        });
    }
    cells.extend(std::iter::repeat_n(value, wanted.min(room)));
    Ok(())
}

impl<R: BufRead> Iterator for Rows<R> {
    type Item = (usize, Vec<String>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((row, left)) = self.pending.take() {
                let line = usize::try_from(self.line).unwrap_or(usize::MAX);
                self.line = self.line.saturating_add(1);
                if left > 1 {
                    self.pending = Some((row.clone(), left - 1));
                }
                return Some((line, row));
            }
            if self.done {
                return None;
            }
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => return self.fail(unreadable(e)),
            };
            match event {
                // A table inside the chosen one is not its rows.
                Event::Start(e) if self.inside && e.local_name().as_ref() == "table" => {
                    let name = e.name().0.to_owned();
                    let mut skipped = Vec::new();
                    if let Err(e) = self
                        .reader
                        .read_to_end_into(quick_xml::name::QName(&name), &mut skipped)
                    {
                        return self.fail(unreadable(e));
                    }
                }
                Event::Start(e) if e.local_name().as_ref() == "table" => {
                    self.inside = attribute(&e, "table:name").as_deref() == Some(&self.sheet);
                }
                Event::End(e) if e.local_name().as_ref() == "table" && self.inside => {
                    self.done = true;
                }
                Event::Start(e) if self.inside && e.local_name().as_ref() == "table-row" => {
                    let repeats = match repeat(&e, "table:number-rows-repeated") {
                        Ok(n) => n,
                        Err(failure) => return self.fail(failure),
                    };
                    match self.row() {
                        Ok(None) => self.line = self.line.saturating_add(repeats),
                        Ok(Some(cells)) => {
                            self.widest = self.widest.max(cells.len() as u64);
                            let cost = repeats.saturating_mul(self.widest);
                            self.cells = self.cells.saturating_add(cost);
                            if self.cells > MAX_CELLS {
                                return self.fail(FileError::TooManyCells { limit: MAX_CELLS });
                            }
                            self.pending = Some((cells, repeats));
                        }
                        Err(failure) => return self.fail(failure),
                    }
                }
                Event::Empty(e) if self.inside && e.local_name().as_ref() == "table-row" => {
                    let repeats = repeat(&e, "table:number-rows-repeated").unwrap_or(1);
                    self.line = self.line.saturating_add(repeats);
                }
                Event::Eof => self.done = true,
                _ => {}
            }
        }
    }
}

/// Reads `sheet` of the workbook in `bytes`, giving its rows to `read`.
pub fn with_rows<T>(
    bytes: &[u8],
    sheet: &str,
    read: impl FnOnce(&mut dyn Iterator<Item = (usize, Vec<String>)>) -> T,
) -> Result<T, FileError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let reader = content(&mut archive)?;
    let mut rows = Rows {
        reader,
        sheet: sheet.to_string(),
        buf: Vec::new(),
        inside: false,
        done: false,
        line: 1,
        cells: 0,
        widest: 0,
        pending: None,
        failure: None,
    };
    let result = read(&mut rows);
    match rows.failure {
        Some(failure) => Err(failure),
        None => Ok(result),
    }
}
