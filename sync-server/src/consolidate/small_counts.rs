//! The small-count rule for a two-way table shown to elected officials: a
//! cross-table of answers by public (age band, language, neighbourhood).
//!
//! The same rule as the open data ([`super::open_data`]): no count from 1
//! to [`THRESHOLD`]` - 1` is shown (primary), and no masked count can be
//! found again by sum or difference (secondary). A two-way table adds up
//! both ways: each column (an option, over the publics) to its total, and
//! each row (a public, over the options) to that public's answers. So
//! [`complete`] runs over every column and every row, margins included,
//! until no line asks for more: masks only grow, so it ends.
//!
//! A multiple choice's row does not add up (a resident ticks several
//! options): treating it as if it did masks more, never less.
//!
//! Elected officials read a question's own counts (its chart) under the
//! same rule, one line: [`protect_line`]. Each table or chart is masked on
//! its own; what two of them together give away is not audited (the open
//! data is, [`super::open_data_audit`]).

use super::open_data::{Column, Suppressed, Suppression, THRESHOLD, complete};

/// A table of counts with its margins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwoWay {
    /// `cells[row][column]`.
    pub cells: Vec<Vec<i64>>,
    /// Each row's total.
    pub row_totals: Vec<i64>,
    /// Each column's total.
    pub column_totals: Vec<i64>,
    /// The grand total.
    pub total: i64,
}

/// Which counts of a [`TwoWay`] are masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Masks {
    /// `cells[row][column]`.
    pub cells: Vec<Vec<bool>>,
    /// Each row's total.
    pub row_totals: Vec<bool>,
    /// Each column's total.
    pub column_totals: Vec<bool>,
    /// The grand total.
    pub total: bool,
}

/// Whether a count alone could single someone out: 1 to 10.
pub fn small(v: i64) -> bool {
    (1..THRESHOLD).contains(&v)
}

/// The masks of one line of counts (a question's options) and its total
/// (its answered): primary and secondary suppression, as the open data's
/// columns.
pub fn protect_line(values: &[i64], total: i64) -> (Vec<bool>, bool) {
    let s = super::open_data::suppress(&Column {
        cells: values.to_vec(),
        total,
    });
    (
        s.cells.iter().map(|x| *x != Suppression::None).collect(),
        s.total != Suppression::None,
    )
}

/// One line of the table (its cells and total) completed against the
/// masks it has; returns whether a mask was added.
fn line(values: &[i64], total: i64, masks: &mut [&mut bool], total_mask: &mut bool) -> bool {
    let state = |m: bool| {
        if m {
            Suppression::Secondary
        } else {
            Suppression::None
        }
    };
    let done = complete(
        &Column {
            cells: values.to_vec(),
            total,
        },
        Suppressed {
            cells: masks.iter().map(|m| state(**m)).collect(),
            total: state(*total_mask),
        },
    );
    let mut changed = false;
    for (m, s) in masks.iter_mut().zip(&done.cells) {
        let masked = *s != Suppression::None;
        changed |= masked != **m;
        **m = masked;
    }
    let masked = done.total != Suppression::None;
    changed |= masked != *total_mask;
    *total_mask = masked;
    changed
}

/// The masks of a two-way table under the small-count rule.
pub fn protect(t: &TwoWay) -> Masks {
    let columns = t.column_totals.len();
    let mut m = Masks {
        cells: t
            .cells
            .iter()
            .map(|row| row.iter().map(|v| small(*v)).collect())
            .collect(),
        row_totals: t.row_totals.iter().map(|v| small(*v)).collect(),
        column_totals: t.column_totals.iter().map(|v| small(*v)).collect(),
        total: small(t.total),
    };
    loop {
        let mut changed = false;
        for c in 0..columns {
            let values: Vec<i64> = t.cells.iter().map(|row| row[c]).collect();
            let mut masks: Vec<&mut bool> = m.cells.iter_mut().map(|row| &mut row[c]).collect();
            changed |= line(
                &values,
                t.column_totals[c],
                &mut masks,
                &mut m.column_totals[c],
            );
        }
        {
            let mut masks: Vec<&mut bool> = m.row_totals.iter_mut().collect();
            changed |= line(&t.row_totals, t.total, &mut masks, &mut m.total);
        }
        for (r, row) in t.cells.iter().enumerate() {
            let mut masks: Vec<&mut bool> = m.cells[r].iter_mut().collect();
            changed |= line(row, t.row_totals[r], &mut masks, &mut m.row_totals[r]);
        }
        {
            let mut masks: Vec<&mut bool> = m.column_totals.iter_mut().collect();
            changed |= line(&t.column_totals, t.total, &mut masks, &mut m.total);
        }
        if !changed {
            return m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(cells: Vec<Vec<i64>>) -> TwoWay {
        let columns = cells.first().map_or(0, Vec::len);
        TwoWay {
            row_totals: cells.iter().map(|r| r.iter().sum()).collect(),
            column_totals: (0..columns)
                .map(|c| cells.iter().map(|r| r[c]).sum())
                .collect(),
            total: cells.iter().flatten().sum(),
            cells,
        }
    }

    /// Every line of the table: (values, masks, total, total's mask).
    fn lines(t: &TwoWay, m: &Masks) -> Vec<(Vec<i64>, Vec<bool>, i64, bool)> {
        let mut out = Vec::new();
        for c in 0..t.column_totals.len() {
            out.push((
                t.cells.iter().map(|r| r[c]).collect(),
                m.cells.iter().map(|r| r[c]).collect(),
                t.column_totals[c],
                m.column_totals[c],
            ));
        }
        for r in 0..t.row_totals.len() {
            out.push((
                t.cells[r].clone(),
                m.cells[r].clone(),
                t.row_totals[r],
                m.row_totals[r],
            ));
        }
        out.push((t.row_totals.clone(), m.row_totals.clone(), t.total, m.total));
        out.push((
            t.column_totals.clone(),
            m.column_totals.clone(),
            t.total,
            m.total,
        ));
        out
    }

    #[test]
    fn a_lone_small_cell_takes_a_neighbour_in_its_row_and_its_column() {
        let t = table(vec![vec![40, 3, 25], vec![30, 20, 60], vec![15, 22, 18]]);
        let m = protect(&t);
        assert!(m.cells[0][1]);
        assert!(m.cells[0].iter().filter(|x| **x).count() >= 2);
        assert!(m.cells.iter().filter(|r| r[1]).count() >= 2);
        assert!(!m.total);
    }

    proptest! {
        /// No small count is shown, and every row and column with a
        /// masked count hides it among others holding together at least
        /// the threshold, or hides its total.
        #[test]
        fn no_small_count_shows_and_none_is_found_by_difference(
            cells in (1..5usize, 1..5usize).prop_flat_map(|(r, c)| {
                proptest::collection::vec(proptest::collection::vec(0..40i64, c), r)
            })
        ) {
            let t = table(cells);
            let m = protect(&t);
            for (values, masks, total, total_masked) in lines(&t, &m) {
                for (v, masked) in values.iter().zip(&masks).chain([(&total, &total_masked)]) {
                    prop_assert!(*masked || !small(*v), "{v} shown in {t:?}");
                }
                let hidden: Vec<i64> = values
                    .iter()
                    .zip(&masks)
                    .filter(|(_, m)| **m)
                    .map(|(v, _)| *v)
                    .collect();
                if !hidden.is_empty() && !total_masked {
                    prop_assert!(hidden.len() >= 2, "a lone masked count in {t:?}");
                    prop_assert!(hidden.iter().sum::<i64>() >= THRESHOLD, "{hidden:?} in {t:?}");
                }
            }
        }
    }
}
