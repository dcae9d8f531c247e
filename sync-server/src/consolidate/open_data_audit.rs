//! The joint audit of the open-data table: for every masked cell, the
//! smallest and the largest value it can take given everything the file
//! publishes, found by linear programming (the standard check of
//! statistical offices, as in τ-ARGUS).
//!
//! Column by column, [`super::open_data::suppress`] already makes every
//! masked cell unrecoverable by sums and differences. What it cannot see
//! are the relations *between* columns of a row: doors talked ≤ doors
//! reached ≤ dwellings. A neighbourhood of 12 dwellings bounds its masked
//! counts by 12; a published "doors talked" of 40 tells that the masked
//! "doors reached" beside it is at least 40. So, once the columns are done,
//! every masked cell is minimised and maximised subject to:
//! - every published cell and total, as constants;
//! - each column adding up to its total;
//! - the relations of a row ([`Relations`]): for the dashboard's table
//!   `talked ≤ reached ≤ dwellings`; none for the answers' table;
//! - every count ≥ 0.
//!
//! A masked cell passes when its minimum is below [`THRESHOLD`] and its
//! maximum at least [`THRESHOLD`]: nobody can tell from the file whether it
//! is small or not. A cell that fails takes more cells with it
//! ([`widen`]), the columns are completed again, and the audit runs again,
//! until every masked cell passes. Each round masks at least one more
//! cell, so it ends; a table with everything masked passes (nothing bounds
//! a count from above), so it always ends in a table that passes.

use super::open_data::{Column, Field, Suppression, THRESHOLD, complete};
use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable, constraint,
    microlp, variable,
};
use std::collections::BTreeSet;

/// How the columns of every row are related, besides each column adding
/// up to its total: what an attacker knows without reading the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relations {
    /// Chains of columns, smallest first: in every row each is at most
    /// the next.
    pub chains: Vec<Vec<usize>>,
}

impl Relations {
    /// The dashboard's table ([`Field::ALL`]): doors talked ≤ doors
    /// reached ≤ dwellings.
    pub fn doors() -> Self {
        let chain = [Field::DoorsTalked, Field::DoorsReached, Field::Dwellings];
        Relations {
            chains: vec![
                chain
                    .iter()
                    .filter_map(|f| Field::ALL.iter().position(|g| g == f))
                    .collect(),
            ],
        }
    }

    /// The columns a relation ties to column `c` (itself included), or
    /// none: what bounds a cell of `c` in its row.
    fn related(&self, c: usize) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        for chain in self.chains.iter().filter(|chain| chain.contains(&c)) {
            out.extend(chain.iter().copied());
        }
        out
    }
}

/// A table of true values, one row per neighbourhood, with its masks and
/// the relations between its columns.
pub struct Masked<'a> {
    /// The columns' true values.
    pub columns: &'a [Column],
    /// Their masks, column by column.
    pub masks: Vec<super::open_data::Suppressed>,
    /// How a row's columns are related.
    pub relations: &'a Relations,
}

/// What one masked cell can be, given what is published: its smallest and
/// largest value (`None`: no upper bound).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Range {
    /// Smallest value consistent with the file.
    min: f64,
    /// Largest, `None` when nothing bounds it.
    max: Option<f64>,
}

impl Range {
    /// Whether the file leaves the cell ambiguous between a small count
    /// and one at the threshold or above.
    fn protects(&self) -> bool {
        let t = THRESHOLD as f64;
        // A solver's tolerance, far below one household.
        let eps = 1e-6;
        self.min <= t - 1.0 + eps && self.max.is_none_or(|m| m >= t - eps)
    }
}

/// Where a cell is: (column in [`Field::ALL`], row), the row `None` for the
/// column's total.
type At = (usize, Option<usize>);

/// The published value of each cell, `None` when masked: what an attacker
/// holds. `published[column]` is (cells, total).
type Published = Vec<(Vec<Option<i64>>, Option<i64>)>;

/// The range of the masked cell `at` given what is published, or `None`
/// when the solver fails (which the caller treats as a failed audit).
fn range(published: &Published, relations: &Relations, at: At) -> Option<Range> {
    let low = solve(published, relations, at, false)?;
    let high = solve(published, relations, at, true)?;
    Some(Range {
        min: low.unwrap_or(0.0),
        max: high,
    })
}

/// Minimises or maximises the masked cell `at`: `Some(None)` when
/// unbounded, `None` when the solver fails.
fn solve(
    published: &Published,
    relations: &Relations,
    at: At,
    maximise: bool,
) -> Option<Option<f64>> {
    let mut vars = ProblemVariables::new();
    let rows = published.first().map(|(c, _)| c.len()).unwrap_or(0);
    // One variable per masked cell and total, constants elsewhere.
    let mut value = |p: Option<i64>| -> (Expression, Option<Variable>) {
        match p {
            Some(v) => (Expression::from(v as f64), None),
            None => {
                let x = vars.add(variable().min(0.0));
                (Expression::from(x), Some(x))
            }
        }
    };
    let mut cells: Vec<Vec<Expression>> = Vec::new();
    let mut totals: Vec<Expression> = Vec::new();
    let mut target = None;
    for (c, (column, total)) in published.iter().enumerate() {
        let mut exprs = Vec::with_capacity(rows);
        for (r, p) in column.iter().enumerate() {
            let (e, x) = value(*p);
            if (c, Some(r)) == at {
                target = x;
            }
            exprs.push(e);
        }
        let (t, x) = value(*total);
        if (c, None) == at {
            target = x;
        }
        cells.push(exprs);
        totals.push(t);
    }
    let target = target?;
    let mut problem = if maximise {
        vars.maximise(target)
    } else {
        vars.minimise(target)
    }
    .using(microlp);
    for (column, total) in cells.iter().zip(&totals) {
        let sum: Expression = column.iter().cloned().sum();
        problem.add_constraint(constraint!(sum == total.clone()));
    }
    let column = |c: usize| cells.get(c).map(Vec::as_slice).unwrap_or_default();
    for chain in &relations.chains {
        for pair in chain.windows(2) {
            for (a, b) in column(pair[0]).iter().zip(column(pair[1])) {
                problem.add_constraint(constraint!(a.clone() <= b.clone()));
            }
        }
    }

    match problem.solve() {
        Ok(solution) => Some(Some(solution.value(target))),
        Err(ResolutionError::Unbounded) => Some(None),
        Err(_) => None,
    }
}

/// What the masks publish.
fn published(m: &Masked<'_>) -> Published {
    m.columns
        .iter()
        .zip(&m.masks)
        .map(|(column, s)| super::open_data::publish(column, s))
        .collect()
}

/// Every masked cell the file leaves unprotected.
fn failures(m: &Masked<'_>) -> Vec<At> {
    let published = published(m);
    let mut out = Vec::new();
    for (c, s) in m.masks.iter().enumerate() {
        let ats = s
            .cells
            .iter()
            .enumerate()
            .filter(|(_, x)| **x != Suppression::None)
            .map(|(r, _)| (c, Some(r)))
            .chain((s.total != Suppression::None).then_some((c, None)));
        for at in ats {
            if !range(&published, m.relations, at).is_some_and(|r| r.protects()) {
                out.push(at);
            }
        }
    }
    out
}

/// Masks more cells so that a failing cell `at` can be protected: the
/// published cells of its row related to it first (they are what bounds
/// it), then the smallest published cell of its column, then the column's
/// total, then every related published cell in the rows of its column's
/// masked cells (their own bounds reach it through the column's sum),
/// then everything. Returns whether anything was masked.
fn widen(m: &mut Masked<'_>, at: At) -> bool {
    let (c, row) = at;
    let related = m.relations.related(c);
    let mask = |m: &mut Masked<'_>, col: usize, r: usize| -> bool {
        match m.masks.get_mut(col).and_then(|s| s.cells.get_mut(r)) {
            Some(x) if *x == Suppression::None => {
                *x = Suppression::Secondary;
                true
            }
            _ => false,
        }
    };
    let rows = m.columns.first().map(|c| c.cells.len()).unwrap_or(0);
    // 1. The row's related cells.
    if let Some(r) = row {
        let mut any = false;
        for col in &related {
            any |= mask(m, *col, r);
        }
        if any {
            return true;
        }
    }
    // 2. The smallest published cell of the column, a zero last.
    if let Some(column) = m.columns.get(c) {
        let candidate = (0..rows)
            .filter(|r| m.masks[c].cells[*r] == Suppression::None)
            .min_by_key(|r| {
                let v = column.cells[*r];
                (v == 0, v)
            });
        if let Some(r) = candidate {
            return mask(m, c, r);
        }
    }
    // 3. The column's total.
    if let Some(s) = m.masks.get_mut(c)
        && s.total == Suppression::None
    {
        s.total = Suppression::Secondary;
        return true;
    }
    // 4. The related cells of the rows masked in this column.
    let mut any = false;
    for r in 0..rows {
        if m.masks[c].cells[r] != Suppression::None {
            for col in &related {
                any |= mask(m, *col, r);
            }
        }
    }
    if any {
        return true;
    }
    // 5. Everything.
    for col in 0..m.masks.len() {
        for r in 0..rows {
            any |= mask(m, col, r);
        }
        if m.masks[col].total == Suppression::None {
            m.masks[col].total = Suppression::Secondary;
            any = true;
        }
    }
    any
}

/// Masks until every masked cell passes the audit.
pub fn secure(m: &mut Masked<'_>) {
    loop {
        let failing = failures(m);
        let Some(first) = failing.first() else {
            return;
        };
        let mut changed = false;
        for at in &failing {
            changed |= widen(m, *at);
        }
        if !changed {
            // Nothing is left to mask: only a table with everything
            // masked gets here, and it passes; stop rather than loop.
            tracing::warn!(column = first.0, "open-data audit: nothing left to mask");
            return;
        }
        for (column, s) in m.columns.iter().zip(m.masks.iter_mut()) {
            *s = complete(column, s.clone());
        }
    }
}
