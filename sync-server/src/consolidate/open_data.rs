//! The open-data table: counts per neighbourhood, with statistical
//! disclosure control, so that nothing published lets anyone learn about a
//! handful of households.
//!
//! - Only counts, per neighbourhood and for the whole territory: no free
//!   text, no personal field, no door-level row.
//! - **Primary suppression**: every count of people or households from 1
//!   to [`THRESHOLD`]` - 1` is masked (INSEE's rule for statistics about
//!   natural persons; the CNIL's for published figures).
//! - **Secondary suppression**: each column is a small additive table
//!   (neighbourhoods sum to the total). A masked cell would be recovered by
//!   difference if it were the only masked cell of its column, or if the
//!   masked cells of a column together held fewer than [`THRESHOLD`]. So
//!   further cells are masked, smallest first, until every column with a
//!   masked cell has at least two of them holding together at least
//!   [`THRESHOLD`]; if the column has nothing left to mask, its total is
//!   masked. Then, for every masked cell, both a value below [`THRESHOLD`]
//!   (0) and one of at least [`THRESHOLD`] (all of the remainder) are
//!   consistent with what is published.
//!
//! - **Joint audit**: the columns of a row are related (doors talked ≤
//!   doors reached ≤ dwellings), so a small neighbourhood bounds its masked
//!   cells from above and a published neighbour bounds them from below.
//!   Every masked cell is then minimised and maximised by linear
//!   programming subject to everything the file publishes
//!   ([`super::open_data_audit`]); more cells are masked until each masked
//!   cell can be both below [`THRESHOLD`] and at least [`THRESHOLD`].
//!
//! What "everything published" covers: this file. The report to elected
//! officials shows exact figures per neighbourhood; it is a working
//! document for the municipality, not a publication, and says so.

use crate::consolidate::Snapshot;
use serde::Serialize;

/// The smallest count published.
pub const THRESHOLD: i64 = 11;

/// The version of the rule, carried in the file's metadata.
pub const RULE_VERSION: &str = "palier-open-data-2";

/// A published cell: its value, or `None` when masked (`null` in the JSON,
/// empty in the CSV).
pub type Cell = Option<i64>;

/// Why a cell is masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// Published.
    None,
    /// A count from 1 to [`THRESHOLD`]` - 1`.
    Primary,
    /// Masked so that a primary cell cannot be recovered.
    Secondary,
}

/// One column of counts of people or households: the cells per row and
/// the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The true values, one per row.
    pub cells: Vec<i64>,
    /// Their true total.
    pub total: i64,
}

/// A column after suppression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    /// Why each cell is masked, or not.
    pub cells: Vec<Suppression>,
    /// Why the total is masked, or not.
    pub total: Suppression,
}

/// Applies primary then secondary suppression to one column.
pub fn suppress(column: &Column) -> Suppressed {
    let sensitive = |v: i64| (1..THRESHOLD).contains(&v);
    let mark = |v: i64| {
        if sensitive(v) {
            Suppression::Primary
        } else {
            Suppression::None
        }
    };
    complete(
        column,
        Suppressed {
            cells: column.cells.iter().map(|v| mark(*v)).collect(),
            total: mark(column.total),
        },
    )
}

/// Secondary suppression of one column from the masks it already has.
pub fn complete(column: &Column, masks: Suppressed) -> Suppressed {
    let n = column.cells.len();
    let Suppressed {
        mut cells,
        mut total,
    } = masks;
    loop {
        if total != Suppression::None {
            break;
        }
        let masked: Vec<usize> = (0..n).filter(|i| cells[*i] != Suppression::None).collect();
        if masked.is_empty() {
            break;
        }
        let held: i64 = masked.iter().map(|i| column.cells[*i]).sum();
        if masked.len() >= 2 && held >= THRESHOLD {
            break;
        }
        // The published cell whose masking costs least: the smallest
        // non-zero one (a zero adds nothing to what the masked cells hold),
        // a zero only when no other is left.
        let candidate = (0..n)
            .filter(|i| cells[*i] == Suppression::None)
            .min_by_key(|i| {
                let v = column.cells[*i];
                (v == 0, v)
            });
        match candidate {
            Some(i) => cells[i] = Suppression::Secondary,
            None => total = Suppression::Secondary,
        }
    }
    Suppressed { cells, total }
}

/// The masks of a whole table, one column per [`Field::ALL`]: each column
/// suppressed, then the joint audit across columns
/// ([`super::open_data_audit`]) until every masked cell passes it.
///
/// The audit solves two small linear programs per masked cell and round
/// (85 ms for 120 neighbourhoods, release build): past
/// [`MAX_AUDITED_ROWS`] neighbourhoods, no cell is published, only the
/// totals, rather than spend unbounded time.
pub fn protect(columns: &[Column]) -> Vec<Suppressed> {
    protect_related(columns, &super::open_data_audit::Relations::doors())
}

/// [`protect`] for a table whose rows are related by `relations`.
pub fn protect_related(
    columns: &[Column],
    relations: &super::open_data_audit::Relations,
) -> Vec<Suppressed> {
    if columns.iter().any(|c| c.cells.len() > MAX_AUDITED_ROWS) {
        return columns
            .iter()
            .map(|c| {
                let mut s = suppress(c);
                for x in s.cells.iter_mut().filter(|x| **x == Suppression::None) {
                    *x = Suppression::Secondary;
                }
                s
            })
            .collect();
    }
    let mut table = super::open_data_audit::Masked {
        columns,
        masks: columns.iter().map(suppress).collect(),
        relations,
    };
    super::open_data_audit::secure(&mut table);
    table.masks
}

/// The most neighbourhoods whose cells are published.
pub const MAX_AUDITED_ROWS: usize = 300;

/// The published cells of a column.
pub fn publish(column: &Column, suppressed: &Suppressed) -> (Vec<Cell>, Cell) {
    let cell = |v: i64, s: Suppression| (s == Suppression::None).then_some(v);
    (
        column
            .cells
            .iter()
            .zip(&suppressed.cells)
            .map(|(v, s)| cell(*v, *s))
            .collect(),
        cell(column.total, suppressed.total),
    )
}

/// Publishes a table's masked columns into its rows (name, cells); returns
/// the published totals and how many cells were masked, by primary then
/// secondary suppression.
pub fn publish_table(
    columns: &[Column],
    masks: &[Suppressed],
    rows: &mut [(String, Vec<Cell>)],
) -> (Vec<Cell>, (usize, usize)) {
    let mut total = Vec::new();
    let mut masked = (0, 0);
    for (column, s) in columns.iter().zip(masks) {
        for x in s.cells.iter().chain([&s.total]) {
            match x {
                Suppression::Primary => masked.0 += 1,
                Suppression::Secondary => masked.1 += 1,
                Suppression::None => {}
            }
        }
        let (cells, t) = publish(column, s);
        for (row, cell) in rows.iter_mut().zip(cells) {
            row.1.push(cell);
        }
        total.push(t);
    }
    (total, masked)
}

/// A column of the published table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Dwellings in the buildings in scope: households too, so a small
    /// neighbourhood's count is masked like the others.
    Dwellings,
    /// Households whose door was reached.
    DoorsReached,
    /// Households with whom a conversation took place.
    DoorsTalked,
    /// Conversations with residents under 25.
    ConversationsUnder25,
    /// Conversations with residents of 65 and over.
    Conversations65Plus,
    /// Conversations in a language other than French.
    ConversationsNotFrench,
    /// Problems raised for a city service.
    FollowUps,
}

impl Field {
    /// Every column, in order.
    pub const ALL: [Field; 7] = [
        Field::Dwellings,
        Field::DoorsReached,
        Field::DoorsTalked,
        Field::ConversationsUnder25,
        Field::Conversations65Plus,
        Field::ConversationsNotFrench,
        Field::FollowUps,
    ];

    /// Its name in the file.
    pub fn name(self) -> &'static str {
        match self {
            Field::Dwellings => "dwellings",
            Field::DoorsReached => "doors_reached",
            Field::DoorsTalked => "doors_talked",
            Field::ConversationsUnder25 => "conversations_under_25",
            Field::Conversations65Plus => "conversations_65_plus",
            Field::ConversationsNotFrench => "conversations_not_french",
            Field::FollowUps => "follow_ups",
        }
    }
}

/// The published table, with its metadata.
#[derive(Clone, Debug, Serialize)]
pub struct Table {
    /// The rule applied.
    pub rule: Rule,
    /// The campaign.
    pub campaign: String,
    /// The period: first and last day included, when filtered.
    pub period: (Option<String>, Option<String>),
    /// The column names, in order.
    pub fields: Vec<&'static str>,
    /// One row per neighbourhood: its name and its cells.
    pub rows: Vec<(String, Vec<Cell>)>,
    /// The totals.
    pub total: Vec<Cell>,
    /// How many cells were masked, by primary then secondary suppression.
    pub masked: (usize, usize),
}

/// What is said about the table, without its rows: the file published
/// beside the CSV, which holds data only.
#[derive(Clone, Debug, Serialize)]
pub struct Metadata<'a> {
    /// The rule applied.
    pub rule: &'a Rule,
    /// The campaign.
    pub campaign: &'a str,
    /// The period.
    pub period: &'a (Option<String>, Option<String>),
    /// The columns of the CSV after `neighbourhood`, in order.
    pub fields: &'a [&'static str],
    /// Each column's header in the CSV, in the office's language:
    /// (field, header), `neighbourhood` first.
    pub csv_headers: Vec<(&'static str, &'static str)>,
    /// The row whose `neighbourhood` is `TOTAL` holds the totals.
    pub total_row: &'static str,
    /// How many cells were masked, by primary then secondary suppression.
    pub masked: (usize, usize),
}

impl Table {
    /// Its metadata; `header` names a column in the CSV.
    pub fn metadata(&self, header: impl Fn(&'static str) -> &'static str) -> Metadata<'_> {
        Metadata {
            rule: &self.rule,
            campaign: &self.campaign,
            period: &self.period,
            fields: &self.fields,
            csv_headers: std::iter::once("neighbourhood")
                .chain(self.fields.iter().copied())
                .map(|f| (f, header(f)))
                .collect(),
            total_row: "TOTAL",
            masked: self.masked,
        }
    }
}

/// The disclosure rule, as the file states it.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    /// [`RULE_VERSION`].
    pub version: &'static str,
    /// [`THRESHOLD`].
    pub threshold: i64,
    /// The rule in words.
    pub text: &'static str,
}

/// What the rule says, in the file (English, as data files' metadata).
pub const RULE_TEXT: &str = "Counts only, per neighbourhood, for the whole campaign. Primary suppression: every count of \
people or households from 1 to 10 is masked. Secondary suppression: within each column, further \
cells (smallest first) or the total are masked until every column with a masked cell has at least \
two masked cells together holding at least 11, so no masked cell can be recovered by sum or \
difference from the published cells and totals. Joint audit: each masked cell is minimised and \
maximised by linear programming subject to everything published (cells, totals, column sums and, \
in each row, doors talked <= doors reached <= dwellings); further cells are masked until every \
masked cell can be both 10 or less and 11 or more. Masked cells are empty (CSV) or null (JSON).";

/// Builds the open-data table of a whole campaign, every neighbourhood
/// (the period, sector and neighbourhood filters do not apply).
pub fn build(rm: &Snapshot, filter: &super::Filter) -> rusqlite::Result<Table> {
    let filter = filter.whole();
    let groups = super::figures::by_neighbourhood(rm, &filter)?;
    let extra = super::figures::per_neighbourhood(rm, &filter)?;
    let value = |g: &super::figures::Group, f: Field| -> i64 {
        let (publics, follow_ups) = extra.get(&g.id).cloned().unwrap_or_default();
        match f {
            Field::Dwellings => g.coverage.doors,
            Field::DoorsReached => g.coverage.reached,
            Field::DoorsTalked => g.coverage.talked,
            Field::ConversationsUnder25 => publics.under_25,
            Field::Conversations65Plus => publics.over_65,
            Field::ConversationsNotFrench => publics.not_french,
            Field::FollowUps => follow_ups,
        }
    };
    let mut rows: Vec<(String, Vec<Cell>)> = groups
        .iter()
        .map(|g| (g.name.clone(), Vec::new()))
        .collect();
    let columns: Vec<Column> = Field::ALL
        .iter()
        .map(|f| Column {
            cells: groups.iter().map(|g| value(g, *f)).collect(),
            total: groups.iter().map(|g| value(g, *f)).sum(),
        })
        .collect();
    let masks = protect(&columns);
    let (total, masked) = publish_table(&columns, &masks, &mut rows);
    let day = |ms: i64| crate::readmodel::rules::date(ms).map(|d| d.to_string());
    Ok(Table {
        rule: Rule {
            version: RULE_VERSION,
            threshold: THRESHOLD,
            text: RULE_TEXT,
        },
        campaign: filter.campaign.to_string(),
        period: (
            filter.from.and_then(day),
            filter.until.and_then(|u| day(u - 1)),
        ),
        fields: Field::ALL.iter().map(|f| f.name()).collect(),
        rows,
        total,
        masked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every value a masked cell can take, given what is published: the
    /// other masked cells of the column take any non-negative value and
    /// the column adds up to its total when the total is published. Found
    /// by enumerating the sums the other masked cells can reach (an
    /// exhaustive search, independent of the rule's own reasoning).
    fn consistent_values(published: &[Cell], total: Cell, i: usize, cap: i64) -> Vec<i64> {
        let known: i64 = published.iter().filter_map(|c| *c).sum();
        let others = published
            .iter()
            .enumerate()
            .filter(|(j, c)| *j != i && c.is_none())
            .count();
        (0..=cap)
            .filter(|x| match total {
                None => true,
                Some(t) => {
                    let rest = t - known - x;
                    // The others reach any sum ≥ 0 if there are any, only
                    // 0 if there are none.
                    rest == 0 || (rest > 0 && others > 0)
                }
            })
            .collect()
    }

    fn check(cells: Vec<i64>) {
        let total = cells.iter().sum();
        let column = Column { cells, total };
        let s = suppress(&column);
        let (published, published_total) = publish(&column, &s);
        for c in published.iter().chain([&published_total]) {
            if let Some(v) = *c {
                assert!(!(1..THRESHOLD).contains(&v), "{v} published in {column:?}");
            }
        }
        let cap = column.total + THRESHOLD;
        for (i, c) in published.iter().enumerate() {
            if c.is_none() {
                let values = consistent_values(&published, published_total, i, cap);
                assert!(
                    values.iter().any(|v| *v < THRESHOLD),
                    "cell {i} of {column:?} cannot be below the threshold"
                );
                assert!(
                    values.iter().any(|v| *v >= THRESHOLD),
                    "cell {i} of {column:?} is known to be below the threshold: {values:?}"
                );
            }
        }
    }

    #[test]
    fn a_lone_small_cell_takes_its_smallest_neighbour_with_it() {
        let column = Column {
            cells: vec![4, 30, 12, 50],
            total: 96,
        };
        let s = suppress(&column);
        assert_eq!(
            s.cells,
            vec![
                Suppression::Primary,
                Suppression::None,
                Suppression::Secondary,
                Suppression::None
            ]
        );
        assert_eq!(s.total, Suppression::None);
        check(column.cells);
    }

    #[test]
    fn small_totals_are_masked() {
        let column = Column {
            cells: vec![3, 2],
            total: 5,
        };
        assert_eq!(suppress(&column).total, Suppression::Primary);
    }

    #[test]
    fn two_small_cells_that_hold_little_together_take_a_third() {
        check(vec![1, 2, 40, 41]);
        check(vec![0, 0, 5, 100]);
        check(vec![5, 0]);
        check(vec![10, 11]);
    }

    /// The smallest and largest value of the masked cell (`column`, `row`;
    /// `None`: the total) given only the published table, by an LP written
    /// here from the published cells (clarabel, not the rule's solver):
    /// published values as constants, masked ones ≥ 0 and below a cap far
    /// above any count, each column adding up to its total, each row's
    /// talked ≤ reached ≤ dwellings.
    fn attack(published: &[(Vec<Cell>, Cell)], column: usize, row: Option<usize>) -> (f64, f64) {
        use good_lp::{
            Expression, ProblemVariables, Solution, SolverModel, clarabel, constraint, variable,
        };
        let cap = 1_000_000.0;
        let solve = |maximise: bool| -> f64 {
            let mut vars = ProblemVariables::new();
            let mut target = None;
            let mut cell = |c: Cell, here: bool| -> Expression {
                match c {
                    Some(v) => Expression::from(v as f64),
                    None => {
                        let x = vars.add(variable().min(0.0).max(cap));
                        if here {
                            target = Some(x);
                        }
                        x.into()
                    }
                }
            };
            let mut grid: Vec<(Vec<Expression>, Expression)> = Vec::new();
            for (c, (cells, total)) in published.iter().enumerate() {
                let cells: Vec<Expression> = cells
                    .iter()
                    .enumerate()
                    .map(|(r, v)| cell(*v, c == column && row == Some(r)))
                    .collect();
                let total = cell(*total, c == column && row.is_none());
                grid.push((cells, total));
            }
            let target = target.expect("the cell is masked");
            let mut p = if maximise {
                vars.maximise(target)
            } else {
                vars.minimise(target)
            }
            .using(clarabel);
            for (cells, total) in &grid {
                let sum: Expression = cells.iter().cloned().sum();
                p.add_constraint(constraint!(sum == total.clone()));
            }
            let at = |f: Field| Field::ALL.iter().position(|g| *g == f).expect("a field");
            let (talked, reached, dwellings) = (
                at(Field::DoorsTalked),
                at(Field::DoorsReached),
                at(Field::Dwellings),
            );
            for r in 0..grid[0].0.len() {
                p.add_constraint(constraint!(
                    grid[talked].0[r].clone() <= grid[reached].0[r].clone()
                ));
                p.add_constraint(constraint!(
                    grid[reached].0[r].clone() <= grid[dwellings].0[r].clone()
                ));
            }
            p.solve()
                .expect("the published table is consistent")
                .value(target)
        };
        (solve(false), solve(true))
    }

    /// Protects a table of rows (one value per [`Field::ALL`]) and checks
    /// every masked cell against [`attack`].
    fn check_table(rows: &[[i64; 7]]) {
        let columns: Vec<Column> = (0..Field::ALL.len())
            .map(|c| Column {
                cells: rows.iter().map(|r| r[c]).collect(),
                total: rows.iter().map(|r| r[c]).sum(),
            })
            .collect();
        let masks = protect(&columns);
        let published: Vec<(Vec<Cell>, Cell)> = columns
            .iter()
            .zip(&masks)
            .map(|(c, s)| publish(c, s))
            .collect();
        for (c, (cells, total)) in published.iter().enumerate() {
            for v in cells.iter().chain([total]).flatten() {
                assert!(!(1..THRESHOLD).contains(v), "{v} published in {rows:?}");
            }
            let masked = cells
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_none())
                .map(|(r, _)| Some(r))
                .chain(total.is_none().then_some(None));
            for row in masked {
                let (min, max) = attack(&published, c, row);
                assert!(
                    min <= 10.000_1 && max >= 10.999_9,
                    "{} of row {row:?} is known to lie in [{min}, {max}]: {rows:?} published as {published:?}",
                    Field::ALL[c].name()
                );
            }
        }
    }

    /// A neighbourhood's chain of counts and four other counts.
    fn row() -> impl Strategy<Value = [i64; 7]> {
        (
            prop_oneof![0i64..=14, 0i64..=60],
            0.0f64..=1.0,
            0.0f64..=1.0,
            proptest::array::uniform4(prop_oneof![0i64..=4, 0i64..=20]),
        )
            .prop_map(|(dwellings, r, t, rest)| {
                let reached = (dwellings as f64 * r).round() as i64;
                let talked = (reached as f64 * t).round() as i64;
                [
                    dwellings, reached, talked, rest[0], rest[1], rest[2], rest[3],
                ]
            })
    }

    #[test]
    fn a_small_neighbourhood_does_not_bound_its_masked_counts() {
        check_table(&[[12, 11, 4, 0, 0, 0, 0], [200, 150, 90, 20, 20, 20, 20]]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn no_masked_cell_can_be_bounded_by_the_whole_table(
            rows in proptest::collection::vec(row(), 1..5)) {
            check_table(&rows);
        }
    }

    proptest! {
        #[test]
        fn no_masked_cell_can_be_recovered(cells in proptest::collection::vec(
            prop_oneof![0i64..=3, 1i64..=10, 11i64..=40], 1..7)) {
            check(cells);
        }
    }
}
