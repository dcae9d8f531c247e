//! The maximin distribution over panels, by column generation (Flanigan et
//! al. 2021, "Methods"): there are far too many panels to list, so start
//! from a few and add, one at a time, the panel the current solution
//! undervalues most.
//!
//! With panels `P` so far, the dual program gives each volunteer a weight
//! `y` (summing to 1) that makes the heaviest panel as light as possible:
//! minimise `ŷ` subject to `Σ_{i∈P} y_i ≤ ŷ` for every panel. An integer
//! program then looks for a panel heavier than `ŷ` among *all* panels; if
//! there is one it joins `P`, otherwise no panel can raise the lowest
//! probability and `P` is enough. The primal program over `P` then gives
//! the probabilities: maximise `z` subject to every volunteer's selection
//! probability `Σ_{P∋i} p_P ≥ z`, `Σ p_P = 1`.

use super::SortitionError;
use super::model::Model;
use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, clarabel, constraint, variable,
};
use std::collections::BTreeSet;

/// Rounds of column generation at most (each an LP and an integer
/// program); the distribution found by then is still valid, only perhaps
/// not optimal.
const MAX_ROUNDS: usize = 400;
/// What counts as "heavier" in the pricing step.
const EPSILON: f64 = 1e-7;
/// Close enough. The best lowest probability is at most the heaviest
/// panel's weight found by pricing (the dual's value over all panels), and
/// at most the seats over the volunteers who can sit (the mean); the
/// current LP's value is what is reached. Column generation tails off (on
/// 2,000 volunteers it reached 95 % of the mean in 42 panels, 99 % in
/// 400, at ~0.1 s a round), so it stops once it is within this share of
/// the bound, and the bound is published with the result.
const GAP: f64 = 0.02;

/// Panels with their probabilities, and each volunteer's.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    /// Panels (sorted volunteer indices), sorted, each with a probability
    /// above zero; the probabilities sum to 1.
    pub panels: Vec<(Vec<usize>, f64)>,
    /// Each volunteer's probability of being drawn.
    pub probabilities: Vec<f64>,
    /// No distribution can give every volunteer more than this (a proven
    /// bound, published beside the lowest probability reached).
    pub best_possible: f64,
}

impl Distribution {
    /// The lowest selection probability.
    pub fn lowest(&self) -> f64 {
        self.probabilities
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
            .min(1.0)
    }
}

fn solver_error(error: impl std::fmt::Display) -> SortitionError {
    SortitionError::Solver(error.to_string())
}

/// The maximin distribution. Volunteers in no panel that meets the quotas
/// get probability 0 (and so does the lowest); the others share the rest.
pub fn distribution(model: &Model) -> Result<Distribution, SortitionError> {
    let mut panels: BTreeSet<Vec<usize>> = BTreeSet::new();
    // Start: panels covering every volunteer who can be on one, each
    // built to cover as many not yet covered as it can.
    let mut covered = vec![false; model.len()];
    let mut coverable = vec![true; model.len()];
    for i in 0..model.len() {
        if covered[i] || !coverable[i] {
            continue;
        }
        let weights: Vec<f64> = covered.iter().map(|&c| if c { 0.0 } else { 1.0 }).collect();
        match model.panel(Some(&weights), Some(i))? {
            Some(panel) => {
                for &j in &panel {
                    covered[j] = true;
                }
                panels.insert(panel);
            }
            None => coverable[i] = false,
        }
    }
    if panels.is_empty() {
        return Err(super::relax::why_infeasible(model)?);
    }
    let members: Vec<usize> = (0..model.len()).filter(|&i| coverable[i]).collect();
    let mut upper = f64::from(model.seats) / members.len() as f64;
    for _ in 0..MAX_ROUNDS {
        let (weights, reached) = dual(model, &members, &panels)?;
        let Some(panel) = model.panel(Some(&weights), None)? else {
            break;
        };
        let weight: f64 = panel.iter().map(|&i| weights[i]).sum();
        upper = upper.min(weight);
        if weight <= reached + EPSILON || reached >= (1.0 - GAP) * upper || !panels.insert(panel) {
            break;
        }
    }
    let mut distribution = primal(model, &members, panels)?;
    distribution.best_possible = upper.max(distribution.lowest());
    Ok(distribution)
}

/// The dual program over `panels`: each volunteer's weight (by index,
/// zero for those in no panel) and the heaviest panel's weight.
fn dual(
    model: &Model,
    members: &[usize],
    panels: &BTreeSet<Vec<usize>>,
) -> Result<(Vec<f64>, f64), SortitionError> {
    let mut vars = ProblemVariables::new();
    let bound = vars.add(variable());
    let mut y: Vec<Option<Variable>> = vec![None; model.len()];
    for &i in members {
        y[i] = Some(vars.add(variable().min(0)));
    }
    let mut problem = vars.minimise(bound).using(clarabel);
    let total: Expression = y.iter().flatten().copied().sum();
    problem.add_constraint(constraint!(total == 1));
    for panel in panels {
        let weight: Expression = panel.iter().filter_map(|&i| y[i]).sum();
        problem.add_constraint(constraint!(weight <= bound));
    }
    let solution = problem.solve().map_err(solver_error)?;
    let weights = y
        .iter()
        .map(|v| v.map_or(0.0, |v| solution.value(v).max(0.0)))
        .collect();
    Ok((weights, solution.value(bound)))
}

/// The primal program over `panels`: their probabilities, maximising the
/// lowest selection probability of `members`.
fn primal(
    model: &Model,
    members: &[usize],
    panels: BTreeSet<Vec<usize>>,
) -> Result<Distribution, SortitionError> {
    let panels: Vec<Vec<usize>> = panels.into_iter().collect();
    let mut vars = ProblemVariables::new();
    let lowest = vars.add(variable());
    let p: Vec<Variable> = panels.iter().map(|_| vars.add(variable().min(0))).collect();
    let mut problem = vars.maximise(lowest).using(clarabel);
    problem.add_constraint(constraint!(p.iter().copied().sum::<Expression>() == 1));
    let mut containing: Vec<Vec<usize>> = vec![Vec::new(); model.len()];
    for (k, panel) in panels.iter().enumerate() {
        for &i in panel {
            containing[i].push(k);
        }
    }
    for &i in members {
        let chance: Expression = containing[i].iter().map(|&k| p[k]).sum();
        problem.add_constraint(constraint!(chance >= lowest));
    }
    let solution = problem.solve().map_err(solver_error)?;
    // An interior-point solver leaves tiny negatives and near-zeros: clear
    // them, and scale back to a sum of exactly 1.
    let raw: Vec<f64> = p
        .iter()
        .map(|&v| {
            let x = solution.value(v);
            if x > 1e-9 { x } else { 0.0 }
        })
        .collect();
    let sum: f64 = raw.iter().sum();
    if sum.is_nan() || sum <= 0.0 {
        return Err(SortitionError::Solver(
            "the distribution has no weight".into(),
        ));
    }
    let mut probabilities = vec![0.0; model.len()];
    let mut kept = Vec::new();
    for (panel, x) in panels.into_iter().zip(raw) {
        if x > 0.0 {
            let x = x / sum;
            for &i in &panel {
                probabilities[i] += x;
            }
            kept.push((panel, x));
        }
    }
    Ok(Distribution {
        panels: kept,
        probabilities,
        best_possible: 1.0,
    })
}
