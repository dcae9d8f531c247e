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
//! When the page shows the question's own counts anyway (the options'
//! totals and the answered), the table's column totals and grand total
//! are shown as they are, and a line whose cells cannot be protected
//! without hiding its total has all its cells masked instead: what is
//! learned is then only that total, which the page already says.

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

fn small(v: i64) -> bool {
    (1..THRESHOLD).contains(&v)
}

/// One line of the table (its cells and total) completed against the
/// masks it has; a `shown` total is never masked, its cells all are
/// instead. Returns whether a mask was added.
fn line(
    values: &[i64],
    total: i64,
    masks: &mut [&mut bool],
    total_mask: &mut bool,
    shown: bool,
) -> bool {
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
    if shown {
        if masked {
            for m in masks.iter_mut() {
                changed |= !**m;
                **m = true;
            }
        }
        return changed;
    }
    changed |= masked != *total_mask;
    *total_mask = masked;
    changed
}

/// The masks of a two-way table under the small-count rule;
/// `totals_shown`: its column totals and grand total are shown anyway.
pub fn protect(t: &TwoWay, totals_shown: bool) -> Masks {
    let columns = t.column_totals.len();
    let mut m = Masks {
        cells: t
            .cells
            .iter()
            .map(|row| row.iter().map(|v| small(*v)).collect())
            .collect(),
        row_totals: t.row_totals.iter().map(|v| small(*v)).collect(),
        column_totals: t
            .column_totals
            .iter()
            .map(|v| !totals_shown && small(*v))
            .collect(),
        total: !totals_shown && small(t.total),
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
                totals_shown,
            );
        }
        {
            let mut masks: Vec<&mut bool> = m.row_totals.iter_mut().collect();
            changed |= line(
                &t.row_totals,
                t.total,
                &mut masks,
                &mut m.total,
                totals_shown,
            );
        }
        for (r, row) in t.cells.iter().enumerate() {
            let mut masks: Vec<&mut bool> = m.cells[r].iter_mut().collect();
            changed |= line(
                row,
                t.row_totals[r],
                &mut masks,
                &mut m.row_totals[r],
                false,
            );
        }
        // The column totals' own line, unless they are shown anyway.
        if !totals_shown {
            let mut masks: Vec<&mut bool> = m.column_totals.iter_mut().collect();
            changed |= line(&t.column_totals, t.total, &mut masks, &mut m.total, false);
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
        let m = protect(&t, false);
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
            }),
            totals_shown in any::<bool>(),
        ) {
            let t = table(cells);
            let m = protect(&t, totals_shown);
            let mut lines = lines(&t, &m);
            if totals_shown {
                prop_assert!(!m.total && m.column_totals.iter().all(|x| !x));
                // The column totals' own line is shown as it is.
                lines.pop();
            }
            for (values, masks, total, total_masked) in lines {
                for (v, masked) in values.iter().zip(&masks) {
                    prop_assert!(*masked || !small(*v), "{v} shown in {t:?}");
                }
                prop_assert!(total_masked || totals_shown || !small(total));
                if masks.iter().all(|x| *x) {
                    // Nothing of the line shows but, perhaps, its total.
                    continue;
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
