//! Rows of a table, whichever file they came from (CSV, Excel,
//! OpenDocument), read through the table's mapping into buildings: one row
//! per entrance, per building with its entrances' count, or per dwelling
//! with its floor and door, grouped here into entrances and floors with
//! the file's own door labels.

use super::crs::{Crs, Reprojector};
use super::mapping::{self, Choices, Mapping, Shape, Source};
use super::rows::{
    Column, MAX_DWELLINGS_PER_ENTRANCE, MAX_ENTRANCES, MAX_LABEL, Position, bounded, building_row,
    head, parse_level,
};
use super::{FileError, Held, Parsed, ParsedBuilding, RowProblem};
use geo::{Distance, Haversine};
use shared::domain::{Entrance, Floor};
use std::collections::{BTreeMap, HashMap};

/// A row: its line (the header is line 1) and cells, or why it cannot be
/// read.
pub type Row = Result<(usize, Vec<String>), (usize, String)>;

/// What the preview shows of a table and its mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct TableReport {
    /// Its headers as written.
    pub headers: Vec<String>,
    /// Its identity, by which its mapping is remembered.
    pub signature: String,
    /// The first data row, to help the coordinator choose.
    pub sample: Vec<String>,
    /// The meaning of each column.
    pub mapping: Mapping,
    /// Where the mapping came from.
    pub source: Source,
    /// How its rows describe buildings.
    pub shape: Shape,
    /// Meanings the shape needs and no column has: nothing is read until
    /// they are chosen.
    pub missing: Vec<Column>,
    /// A workbook's sheets, and the one read.
    pub sheets: Vec<String>,
    /// The sheet read.
    pub sheet: Option<String>,
    /// Rows read without a problem.
    pub rows: usize,
    /// The line of the header row, as the spreadsheet shows it.
    pub header_line: usize,
    /// The rows the coordinator may choose as the header row instead.
    pub header_candidates: Vec<super::header_row::Candidate>,
    /// Whether the coordinator chose the header row: its mapping is then
    /// remembered, and with it which row holds the headers.
    pub header_chosen: bool,
    /// Rows identical, in every mapped column, to an earlier row of the
    /// same dwelling (an export glitch): (line, the earlier line), counted
    /// once; at most [`MAX_REPEATED`] are listed.
    pub repeated: Vec<(usize, usize)>,
    /// Repeated rows past [`MAX_REPEATED`], only counted.
    pub more_repeated: usize,
}

/// Repeated rows listed in a table's report.
pub const MAX_REPEATED: usize = 200;

/// The `(added, repeated)` outcome of a dwelling row.
enum Added {
    /// A new dwelling.
    New,
    /// The same dwelling as the row on this earlier line.
    Repeated(usize),
}

/// Longest text kept from one sample cell.
const SAMPLE_CHARS: usize = 60;

/// Reads a table from its rows, the header row among them: found among the
/// first rows, or the one chosen for file `file`
/// ([`super::header_row`]). Rows above it (a title, a blank row) are not
/// data.
pub fn parse_rows(
    mut rows: impl Iterator<Item = Row>,
    file: usize,
    choices: &Choices,
    parsed: &mut Parsed,
) -> Result<TableReport, FileError> {
    let first: Vec<Row> = rows.by_ref().take(super::header_row::LOOKED_AT).collect();
    let readable: Vec<(usize, Vec<String>)> = first
        .iter()
        .map(|r| match r {
            Ok((line, cells)) => (*line, cells.clone()),
            Err((line, _)) => (*line, Vec::new()),
        })
        .collect();
    let chosen = choices.header_lines.get(&file).copied();
    let known = |cells: &[String]| {
        let signature = mapping::signature(cells);
        choices.remembered.contains_key(&signature) || choices.chosen.contains_key(&signature)
    };
    let at = super::header_row::find(&readable, chosen, &known).ok_or(FileError::Empty)?;
    let (line, headers) = readable[at].clone();
    let width = headers.len();
    let below = first.into_iter().skip(at + 1).chain(rows).map(move |row| {
        row.map(|(line, mut cells)| {
            cells.resize(width.max(cells.len()), String::new());
            (line, cells)
        })
    });
    let mut report = parse(headers, below, choices, parsed)?;
    report.header_line = line;
    report.header_chosen = chosen == Some(line);
    report.header_candidates = super::header_row::candidates(&readable);
    Ok(report)
}

/// Reads a table's rows into `parsed`, through the mapping `choices` give
/// its headers; refuses the file past the dwellings one import may hold.
pub fn parse(
    headers: Vec<String>,
    mut rows: impl Iterator<Item = Row>,
    choices: &Choices,
    parsed: &mut Parsed,
) -> Result<TableReport, FileError> {
    let signature = mapping::signature(&headers);
    let (mapping, source) = choices.mapping(&signature, &headers);
    let shape = Shape::of(&mapping);
    let missing = shape.missing(&mapping);
    let mut first = rows.next();
    let sample = match &first {
        Some(Ok((_, cells))) => cells
            .iter()
            .map(|c| c.chars().take(SAMPLE_CHARS).collect())
            .collect(),
        _ => vec![],
    };
    let report = TableReport {
        headers,
        signature,
        sample,
        mapping: mapping.clone(),
        source,
        shape,
        missing,
        sheets: vec![],
        sheet: None,
        rows: 0,
        header_line: 1,
        header_candidates: vec![],
        header_chosen: false,
        repeated: vec![],
        more_repeated: 0,
    };
    if !report.missing.is_empty() {
        return Ok(report);
    }
    let start = parsed.buildings.len();
    // Refused rows, by index, with what their building's key may become.
    let mut held: Vec<(usize, String, Option<String>, Option<String>)> = Vec::new();
    let has = |c| mapping.contains(&Some(c));
    let crs = if has(Column::X) && has(Column::Y) {
        Crs::Lambert93
    } else {
        Crs::Wgs84
    };
    parsed.crs = Some(crs);
    let reprojector = Reprojector::new(crs);
    let mut report = report;
    let mut dwellings = Dwellings::default();
    let rows = first.take().into_iter().chain(rows);
    for row in rows {
        let (line, cells) = match row {
            Ok(row) => row,
            Err((line, detail)) => {
                parsed.reject(line, RowProblem::Unreadable(detail), Held::Unattributed);
                continue;
            }
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |column: Column| cell(&mapping, &cells, column);
        let result = match shape {
            Shape::PerDwelling => {
                match dwellings.add(line, &get, &reprojector, fingerprint(&mapping, &cells)) {
                    Ok(Added::New) => Ok(1),
                    Ok(Added::Repeated(earlier)) => {
                        if report.repeated.len() < MAX_REPEATED {
                            report.repeated.push((line, earlier));
                        } else {
                            report.more_repeated += 1;
                        }
                        Ok(0)
                    }
                    Err(problem) => Err(problem),
                }
            }
            Shape::PerEntrance | Shape::PerBuilding => {
                building_row(line, &get, Position::Columns, &reprojector).map(|b| {
                    let count = b
                        .entrances
                        .iter()
                        .flat_map(|e| &e.floors)
                        .map(|f| f.doors.len());
                    let count = count.sum::<usize>() as u64;
                    parsed.buildings.push(b);
                    count
                })
            }
        };
        match result {
            Ok(count) => {
                report.rows += 1;
                let buildings = parsed.buildings.len() + dwellings.buildings.len();
                parsed.count(count, buildings)?;
            }
            Err(problem) => {
                // The building the row is of, as `rows::head` would key it.
                let key = [Column::Key, Column::Address]
                    .into_iter()
                    .filter_map(|c| get(c).filter(|v| !v.trim().is_empty()))
                    .next();
                // Its code or commune may tell it apart from another at
                // its address once every row is read: noted to rename.
                if let Some(base) = &key
                    && parsed.rejections.len() < super::MAX_REJECTIONS
                {
                    let value = |c| {
                        get(c)
                            .map(|v| v.trim().to_string())
                            .filter(|v| !v.is_empty())
                    };
                    held.push((
                        parsed.rejections.len(),
                        base.trim().to_string(),
                        value(Column::Commune),
                        value(Column::BuildingCode),
                    ));
                }
                parsed.reject(line, problem, Held::building(key))
            }
        }
    }
    // Keys first, so that the staircase choices and refusals name the
    // buildings as they are imported.
    let dwelling_splits = dwellings.distinguish();
    dwelling_splits.rename_held(&held, parsed);
    for (line, earlier) in dwellings.place_unplaced(&choices.blank_entrances, parsed) {
        if report.repeated.len() < MAX_REPEATED {
            report.repeated.push((line, earlier));
        } else {
            report.more_repeated += 1;
        }
    }
    report.repeated.sort_unstable();
    parsed.buildings.extend(dwellings.buildings());
    // Rows per entrance or per building: their keys, then their refusals.
    if shape != Shape::PerDwelling
        && let Some(read) = parsed.buildings.get_mut(start..)
    {
        distinguish_by_code(read).rename_held(&held, parsed);
    }
    Ok(report)
}

/// Buildings at one key (an address) that the file tells apart by a
/// building code take the code into their key ("12 rue Lebon · bât B");
/// where the code tells nothing apart, the key stays as it was, so a file
/// imported before codes were read keeps its buildings.
pub fn distinguish_by_code(buildings: &mut [ParsedBuilding]) -> Splits {
    // The commune first: one street address in two communes is two
    // addresses ("12 rue Lebon, Bagneux").
    let mut splits = Splits {
        by_commune: told_apart(buildings, |b| b.commune.clone()),
        ..Splits::default()
    };
    for b in buildings.iter_mut() {
        let key = splits.key(&b.key, b.commune.as_deref(), None);
        if key != b.key && b.address == b.key {
            b.address = key.clone();
        }
        b.key = key;
    }
    splits.by_code = told_apart(buildings, |b| b.code.clone());
    for b in buildings.iter_mut() {
        b.key = splits.key(&b.key, None, b.code.as_deref());
    }
    splits
}

/// The keys under which buildings hold more than one value of `by`.
fn told_apart(
    buildings: &[ParsedBuilding],
    by: impl Fn(&ParsedBuilding) -> Option<String>,
) -> std::collections::HashSet<String> {
    let mut values: HashMap<&str, std::collections::BTreeSet<Option<String>>> = HashMap::new();
    for b in buildings {
        values.entry(b.key.as_str()).or_default().insert(by(b));
    }
    values
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(k, _)| k.to_string())
        .collect()
}

/// The keys a file tells apart by commune, then by building code.
#[derive(Default)]
pub struct Splits {
    by_commune: std::collections::HashSet<String>,
    by_code: std::collections::HashSet<String>,
}

impl Splits {
    /// The key a row of `base` with this commune and code ends up under.
    fn key(&self, base: &str, commune: Option<&str>, code: Option<&str>) -> String {
        let mut key = base.to_string();
        if let Some(commune) = commune.filter(|_| self.by_commune.contains(base)) {
            key = format!("{key}, {commune}");
        }
        if let Some(code) = code.filter(|_| self.by_code.contains(&key)) {
            key = format!("{key} · bât {code}");
        }
        key
    }

    /// Renames the buildings refused rows hold back (read under their
    /// base key) to the keys their buildings end up under.
    fn rename_held(
        &self,
        held: &[(usize, String, Option<String>, Option<String>)],
        parsed: &mut Parsed,
    ) {
        for (index, base, commune, code) in held {
            if let Some(r) = parsed.rejections.get_mut(*index) {
                r.held = Held::building(Some(self.key(base, commune.as_deref(), code.as_deref())));
            }
        }
    }
}

/// A column's text in a row: for the address and the key, every column
/// with that meaning joined by a space ("12", "bis", "rue", "Lebon").
fn cell(mapping: &[Option<Column>], cells: &[String], column: Column) -> Option<String> {
    let mut values = mapping
        .iter()
        .zip(cells)
        .filter(|(m, _)| **m == Some(column))
        .map(|(_, v)| v.trim());
    if matches!(column, Column::Address | Column::Key) {
        let mapped = mapping.contains(&Some(column));
        let joined = values
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        mapped.then_some(joined)
    } else {
        values.next().map(str::to_string)
    }
}

/// Puts a dwelling in staircase `label` of a building's grids: its door
/// labelled, or numbered in the file's order. The same labelled door said
/// again word for word is the same dwelling ([`Added::Repeated`]); said
/// again otherwise, it is refused.
fn place(
    grids: &mut BTreeMap<String, Grid>,
    label: String,
    level: i32,
    labelled: Option<String>,
    line: usize,
    fingerprint: u64,
    door_code: bool,
) -> Result<Added, RowProblem> {
    if !grids.contains_key(&label) && grids.len() >= MAX_ENTRANCES as usize {
        return Err(RowProblem::Implausible {
            column: Column::Entrance,
            value: MAX_ENTRANCES + 1,
        });
    }
    let grid = grids.entry(label).or_default();
    if grid.count >= MAX_DWELLINGS_PER_ENTRANCE {
        return Err(RowProblem::Implausible {
            column: Column::Dwellings,
            value: grid.count + 1,
        });
    }
    let door = labelled
        .clone()
        .unwrap_or_else(|| (grid.count + 1).to_string());
    if let Some((earlier, same)) = grid
        .floors
        .values()
        .flatten()
        .find(|(d, _, _)| *d == door)
        .map(|(_, l, f)| (*l, *f == fingerprint))
    {
        // The same dwelling, named by its label, said twice word for
        // word: one dwelling. Without a label, rows are not compared.
        if same && labelled.is_some() {
            return Ok(Added::Repeated(earlier));
        }
        return Err(RowProblem::DuplicateDoor {
            door,
            line: earlier,
        });
    }
    grid.floors
        .entry(level)
        .or_default()
        .push((door, line, fingerprint));
    grid.has_door_code |= door_code;
    grid.count += 1;
    Ok(Added::New)
}

/// What a row says in its mapped columns, as one number: two rows with
/// the same are the same row.
fn fingerprint(mapping: &[Option<Column>], cells: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for (m, c) in mapping.iter().zip(cells) {
        if m.is_some() {
            c.trim().hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// How far apart two rows of one building may place it, in metres.
const MAX_APART_M: f64 = 100.0;

/// One row per dwelling, grouped by building, then entrance, then floor,
/// in the file's order.
#[derive(Default)]
struct Dwellings {
    buildings: Vec<(ParsedBuilding, BTreeMap<String, Grid>)>,
    by_key: HashMap<String, usize>,
    /// Rows whose staircase column is blank, placed once every row is
    /// read: (building, line, level, door, fingerprint, door code).
    unplaced: Vec<(usize, usize, i32, Option<String>, u64, bool)>,
}

/// An entrance's floors, each with its doors and the line each came from.
#[derive(Default)]
struct Grid {
    /// Each floor's doors: label, line, and the row's [`fingerprint`].
    floors: BTreeMap<i32, Vec<(String, usize, u64)>>,
    has_door_code: bool,
    count: u32,
}

impl Dwellings {
    fn add(
        &mut self,
        line: usize,
        get: &dyn Fn(Column) -> Option<String>,
        reprojector: &Reprojector,
        fingerprint: u64,
    ) -> Result<Added, RowProblem> {
        let head = head(get, Position::Columns, reprojector)?;
        let level_text = get(Column::Level).unwrap_or_default();
        let level = parse_level(&level_text).ok_or(RowProblem::NotALevel(level_text))?;
        // A file with no staircase column: one staircase, "A". A blank
        // staircase in a file that has the column: placed once the
        // building's other rows are read (`place_unplaced`).
        let staircase_column = get(Column::Entrance).is_some();
        let label = bounded(get, Column::Entrance, MAX_LABEL)?;
        // A building is its key and, when the file has them, its commune
        // and its code.
        let identity = format!(
            "{}\u{1f}{}\u{1f}{}",
            head.key,
            head.commune.as_deref().unwrap_or(""),
            head.code.as_deref().unwrap_or("")
        );
        let index = match self.by_key.get(&identity) {
            Some(&index) => index,
            None => {
                self.by_key.insert(identity, self.buildings.len());
                self.buildings.push((
                    ParsedBuilding::new(line, head.clone(), vec![], true),
                    BTreeMap::new(),
                ));
                self.buildings.len() - 1
            }
        };
        let Some((building, grids)) = self.buildings.get_mut(index) else {
            return Err(RowProblem::Unreadable("internal index".into()));
        };
        if building.address != head.address {
            return Err(RowProblem::KeyConflict {
                line: building.line,
                other_file: None,
            });
        }
        // One building's dwellings stand where it stands: a row placing
        // one elsewhere is a typo, and the first row would otherwise win.
        let (a, b) = (building.location, head.location);
        let apart =
            Haversine.distance(geo::Point::new(a.lon, a.lat), geo::Point::new(b.lon, b.lat));
        if apart > MAX_APART_M {
            return Err(RowProblem::Elsewhere {
                line: building.line,
                metres: apart.round() as u64,
            });
        }
        let labelled = bounded(get, Column::Door, MAX_LABEL)?;
        let label = match label {
            Some(label) => label,
            None if staircase_column => {
                self.unplaced
                    .push((index, line, level, labelled, fingerprint, head.door_code));
                return Ok(Added::New);
            }
            None => "A".to_string(),
        };
        place(
            grids,
            label,
            level,
            labelled,
            line,
            fingerprint,
            head.door_code,
        )
    }

    /// Tells apart, by commune and building code, buildings at one key
    /// ([`distinguish_by_code`]).
    fn distinguish(&mut self) -> Splits {
        let mut read: Vec<ParsedBuilding> = self.buildings.iter().map(|(b, _)| b.clone()).collect();
        let splits = distinguish_by_code(&mut read);
        for ((b, _), renamed) in self.buildings.iter_mut().zip(read) {
            *b = renamed;
        }
        splits
    }

    /// Places the rows whose staircase was blank: in the building's only
    /// staircase (or "A" when it has none), in the one the coordinator
    /// chose for it, or nowhere: the row is refused and holds its building
    /// back, naming its staircases.
    /// Returns the rows that were repeated ones: (line, the earlier line).
    fn place_unplaced(
        &mut self,
        chosen: &BTreeMap<String, String>,
        parsed: &mut Parsed,
    ) -> Vec<(usize, usize)> {
        let mut repeated = Vec::new();
        for (index, line, level, door, fingerprint, door_code) in std::mem::take(&mut self.unplaced)
        {
            let Some((building, grids)) = self.buildings.get_mut(index) else {
                continue;
            };
            let labels: Vec<String> = grids.keys().cloned().collect();
            let label = match (chosen.get(&building.key), labels.as_slice()) {
                (Some(label), _) if labels.contains(label) => Some(label.clone()),
                (_, []) => Some("A".to_string()),
                (_, [only]) => Some(only.clone()),
                _ => None,
            };
            let result = match label {
                Some(label) => place(grids, label, level, door, line, fingerprint, door_code),
                None => Err(RowProblem::MissingEntrance {
                    key: building.key.clone(),
                    entrances: labels,
                }),
            };
            match result {
                Ok(Added::Repeated(earlier)) => repeated.push((line, earlier)),
                Ok(Added::New) => {}
                Err(problem) => {
                    parsed.reject(line, problem, Held::building(Some(building.key.clone())))
                }
            }
        }
        repeated
    }

    /// The buildings, each entrance with every floor from the lowest
    /// (ground or basement) to the highest holding a door.
    fn buildings(self) -> impl Iterator<Item = ParsedBuilding> {
        self.buildings.into_iter().map(|(mut building, grids)| {
            building.entrances = grids
                .into_iter()
                .map(|(label, grid)| {
                    let lowest = grid.floors.keys().next().copied().unwrap_or(0).min(0);
                    let highest = grid.floors.keys().last().copied().unwrap_or(0).max(0);
                    let mut floors = grid.floors;
                    Entrance {
                        label,
                        has_door_code: grid.has_door_code,
                        floors: (lowest..=highest)
                            .map(|level| Floor {
                                level,
                                doors: floors
                                    .remove(&level)
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|(door, _, _)| door)
                                    .collect(),
                            })
                            .collect(),
                    }
                })
                .collect();
            building
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> (Vec<String>, Vec<Row>) {
        let split = |l: &str| l.split(';').map(str::to_string).collect::<Vec<_>>();
        let headers = split(lines[0]);
        let rows = lines[1..]
            .iter()
            .enumerate()
            .map(|(i, l)| Ok((i + 2, split(l))))
            .collect();
        (headers, rows)
    }

    #[test]
    fn one_row_per_dwelling_gives_the_real_door_grid() {
        let (headers, rows) = rows(&[
            "NUMVOIE;TYPVOIE;NOMVOIE;ESC;ETAGE;NUMAPPT;X;Y",
            "12;rue;Lebon;B;2;B21;652553;6853940",
            "12;rue;Lebon;A;RDC;A01;652553;6853940",
            "12;rue;Lebon;A;1er;A11;652553;6853940",
            "12;rue;Lebon;A;1;A12;652553;6853940",
            "12;rue;Lebon;A;1;A12;652553;6853940",
            "12;rue;Lebon;A;2;A12;652553;6853940",
            "14;rue;Lebon;A;3;301;652600;6853990",
            "14;rue;Lebon;A;mezzanine;302;652600;6853990",
            "12;rue;Lebon;B;3;B31;653553;6853940",
        ]);
        let mut parsed = Parsed::default();
        let report =
            parse(headers, rows.into_iter(), &Choices::default(), &mut parsed).expect("read");
        assert_eq!(report.shape, Shape::PerDwelling);
        assert_eq!(report.source, Source::Guessed);
        assert_eq!(
            report.rows, 6,
            "nine rows, three rejected; the repeated one is read, counted once"
        );
        assert_eq!(report.repeated, [(6, 5)], "line 6 is line 5 word for word");
        assert_eq!(parsed.buildings.len(), 2);
        let b = &parsed.buildings[0];
        assert_eq!(
            (b.key.as_str(), b.address.as_str()),
            ("12 rue Lebon", "12 rue Lebon")
        );
        assert!(b.exact_doors);
        type Grid<'a> = Vec<(&'a str, Vec<(i32, Vec<&'a str>)>)>;
        let grid: Grid = b
            .entrances
            .iter()
            .map(|e| {
                (
                    e.label.as_str(),
                    e.floors
                        .iter()
                        .map(|f| (f.level, f.doors.iter().map(String::as_str).collect()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            grid,
            [
                ("A", vec![(0, vec!["A01"]), (1, vec!["A11", "A12"])]),
                ("B", vec![(0, vec![]), (1, vec![]), (2, vec!["B21"])]),
            ]
        );
        // The top floor of the second building starts from the ground.
        assert_eq!(parsed.buildings[1].entrances[0].floors.len(), 4);
        let problems: Vec<(usize, &RowProblem)> = parsed
            .rejections
            .iter()
            .map(|r| (r.line, &r.problem))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    7,
                    &RowProblem::DuplicateDoor {
                        door: "A12".into(),
                        line: 5
                    }
                ),
                (9, &RowProblem::NotALevel("mezzanine".into())),
                (
                    10,
                    &RowProblem::Elsewhere {
                        line: 2,
                        metres: 997
                    }
                ),
            ]
        );
    }

    #[test]
    fn unmapped_needs_stop_the_table_before_any_row() {
        let (headers, rows) = rows(&["Bât;Rue;Haut;Logts;E;N", "1;rue A;3;12;652553;6853940"]);
        let mut parsed = Parsed::default();
        let report = parse(
            headers.clone(),
            rows.clone().into_iter(),
            &Choices::default(),
            &mut parsed,
        )
        .expect("read");
        assert!(report.missing.contains(&Column::Address), "{report:?}");
        assert!(parsed.buildings.is_empty() && parsed.rejections.is_empty());
        assert_eq!(report.sample[1], "rue A");
        // The coordinator says which column is which.
        let mut choices = Choices::default();
        choices.chosen.insert(
            report.signature.clone(),
            vec![
                Some(Column::Key),
                Some(Column::Address),
                Some(Column::Floors),
                Some(Column::Dwellings),
                Some(Column::X),
                Some(Column::Y),
            ],
        );
        let report = parse(headers, rows.into_iter(), &choices, &mut parsed).expect("read");
        assert_eq!((report.source, report.missing.len()), (Source::Chosen, 0));
        assert_eq!(parsed.buildings.len(), 1, "{:?}", parsed.rejections);
        assert_eq!(parsed.buildings[0].entrances[0].floors.len(), 4);
    }

    #[test]
    fn levels_as_landlords_write_them() {
        for (text, level) in [
            ("RDC", 0),
            ("rc", 0),
            ("00", 0),
            ("1er", 1),
            ("2e", 2),
            ("3ème", 3),
            ("-1", -1),
            ("SS2", -2),
            (" 12 ", 12),
        ] {
            assert_eq!(parse_level(text), Some(level), "{text}");
        }
        for text in ["", "mezzanine", "99", "-40", "1.5", "999999999999"] {
            assert_eq!(parse_level(text), None, "{text}");
        }
    }

    #[test]
    fn a_row_may_name_its_coordinate_system_and_degrees_are_recognised() {
        let (headers, rows) = rows(&[
            "cle;adresse;etages;logements;x;y;systeme",
            "B1;1 rue A;2;6;652553;6853940;Lambert 93",
            "B2;2 rue A;2;6;2,36;48,79;WGS84",
            "B3;3 rue A;2;6;2,36;48,79;",
            "B4;4 rue A;2;6;2,36;48,79;Lambert II",
        ]);
        let mut parsed = Parsed::default();
        parse(headers, rows.into_iter(), &Choices::default(), &mut parsed).expect("read");
        assert_eq!(parsed.buildings.len(), 3, "{:?}", parsed.rejections);
        for b in &parsed.buildings {
            assert!((b.location.lon - 2.36).abs() < 0.03, "{:?}", b.location);
        }
        assert_eq!(
            parsed.rejections[0].problem,
            RowProblem::UnknownCrs("Lambert II".into())
        );
    }
}
