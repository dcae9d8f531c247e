//! Which row of a table holds its headers. Spreadsheets as landlords and
//! services export them often start with a title ("Patrimoine au 1er
//! janvier 2024 — Bailleur …", merged across the sheet) and a blank row;
//! the headers are the first row that reads as headers, among the first
//! [`LOOKED_AT`]: several cells, most of them text, at least two of them
//! words Palier reads as a column. The coordinator may choose another in
//! the column step ([`super::mapping::Choices::header_lines`]).

use super::rows::Column;

/// The rows looked at for the headers.
pub const LOOKED_AT: usize = 20;

/// Characters of a row shown when the coordinator chooses the header row.
const PREVIEW_CHARS: usize = 80;

/// A row that could be the header row, as the column step offers it: its
/// line as the spreadsheet shows it, and the start of its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its line.
    pub line: usize,
    /// Its first cells, joined.
    pub preview: String,
}

fn is_number(cell: &str) -> bool {
    let c = cell.trim().replace(',', ".");
    !c.is_empty() && c.parse::<f64>().is_ok()
}

/// Whether a row reads as headers.
pub fn reads_as_headers(cells: &[String]) -> bool {
    let filled: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if filled.len() < 2 {
        return false;
    }
    let text = filled.iter().filter(|c| !is_number(c)).count();
    let known = filled
        .iter()
        .filter(|c| Column::exact(c).is_some() || super::headers::guess(c).is_some())
        .count();
    text * 5 >= filled.len() * 4 && known >= 2
}

/// The index in `first` (the table's first rows, blank ones included) of
/// its header row: the line `chosen` when it is one of them and not
/// blank; else the first row whose headers the municipality has a mapping
/// for (`known`: the header row chosen by hand last time is remembered
/// with its mapping); else the first that reads as headers; else the first
/// that is not blank. `None` when every row is blank.
pub fn find(
    first: &[(usize, Vec<String>)],
    chosen: Option<usize>,
    known: &dyn Fn(&[String]) -> bool,
) -> Option<usize> {
    let blank = |cells: &[String]| cells.iter().all(|c| c.trim().is_empty());
    if let Some(i) = chosen.and_then(|line| {
        first
            .iter()
            .position(|(l, cells)| *l == line && !blank(cells))
    }) {
        return Some(i);
    }
    first
        .iter()
        .position(|(_, cells)| !blank(cells) && known(cells))
        .or_else(|| first.iter().position(|(_, cells)| reads_as_headers(cells)))
        .or_else(|| first.iter().position(|(_, cells)| !blank(cells)))
}

/// The rows the coordinator may choose from: every row of `first` that is
/// not blank.
pub fn candidates(first: &[(usize, Vec<String>)]) -> Vec<Candidate> {
    first
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(line, cells)| Candidate {
            line: *line,
            preview: cells
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
                .chars()
                .take(PREVIEW_CHARS)
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (line, cells.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn a_title_and_a_blank_row_above_the_headers_are_passed_over() {
        let first = [
            row(
                1,
                &["Patrimoine au 1er janvier 2024 — OPH de Bagneux", "", ""],
            ),
            row(2, &["", "", ""]),
            row(3, &["NUMVOIE", "NOMVOIE", "ESC", "ETAGE", "X", "Y"]),
            row(4, &["12", "rue Lebon", "A", "RDC", "651000", "6857000"]),
        ];
        assert_eq!(find(&first, None, &|_| false), Some(2));
        // Chosen by hand: that row, if it is one of them and not blank.
        assert_eq!(find(&first, Some(1), &|_| false), Some(0));
        assert_eq!(
            find(&first, Some(2), &|_| false),
            Some(2),
            "a blank row is no header"
        );
        assert_eq!(find(&first, Some(99), &|_| false), Some(2));
        // Headers the municipality mapped before win over the reading.
        let groups = [
            row(1, &["Adresse du patrimoine", "Logements", ""]),
            row(2, &["Adresse", "Cage", "Etage"]),
        ];
        assert_eq!(find(&groups, None, &|_| false), Some(0));
        assert_eq!(find(&groups, None, &|cells| cells[0] == "Adresse"), Some(1));
        assert_eq!(
            candidates(&first)
                .iter()
                .map(|c| c.line)
                .collect::<Vec<_>>(),
            vec![1, 3, 4]
        );
    }

    #[test]
    fn a_table_whose_headers_palier_does_not_read_keeps_its_first_row() {
        let first = [row(1, &["truc", "machin"]), row(2, &["1", "2"])];
        assert_eq!(find(&first, None, &|_| false), Some(0));
        // A row of numbers is no header, whatever words it holds.
        assert!(!reads_as_headers(&row(1, &["12", "14", "adresse"]).1));
        assert_eq!(find(&[row(1, &["", ""])], None, &|_| false), None);
    }
}
