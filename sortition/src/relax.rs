//! When no panel meets the quotas: which strata stand in the way, and the
//! smallest change to their quotas (fewest seats moved in all) that makes
//! a panel possible, found by the same integer program with a slack on
//! each minimum and maximum, minimising the slacks' sum.

use super::model::Model;
use super::{Quota, Relaxation, SortitionError};
use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolverModel, constraint, microlp,
    variable,
};

/// The error that says why `model` has no panel.
pub fn why_infeasible(model: &Model) -> Result<SortitionError, SortitionError> {
    let seats = usize::try_from(model.seats).unwrap_or(usize::MAX);
    if model.household_count < seats || model.len() < seats {
        return Ok(SortitionError::TooFewHouseholds {
            households: model.household_count,
            seats: model.seats,
        });
    }
    let mut vars = ProblemVariables::new();
    let x: Vec<_> = (0..model.len())
        .map(|_| vars.add(variable().binary()))
        .collect();
    let slacks: Vec<_> = model
        .strata
        .iter()
        .map(|_| {
            (
                vars.add(variable().integer().min(0)),
                vars.add(variable().integer().min(0)),
            )
        })
        .collect();
    let total: Expression = slacks.iter().map(|(lo, hi)| *lo + *hi).sum();
    let mut problem = vars.minimise(total).using(microlp);
    problem.add_constraint(constraint!(
        x.iter().copied().sum::<Expression>() == f64::from(model.seats)
    ));
    for (stratum, (lo, hi)) in model.strata.iter().zip(&slacks) {
        let count: Expression = stratum.members.iter().map(|&i| x[i]).sum();
        problem.add_constraint(constraint!(
            count.clone() + *lo >= f64::from(stratum.quota.min)
        ));
        problem.add_constraint(constraint!(count - *hi <= f64::from(stratum.quota.max)));
    }
    for household in &model.households {
        let count: Expression = household.iter().map(|&i| x[i]).sum();
        problem.add_constraint(constraint!(count <= 1));
    }
    let solution = match problem.solve() {
        Ok(solution) => solution,
        Err(ResolutionError::Infeasible) => {
            return Ok(SortitionError::TooFewHouseholds {
                households: model.household_count,
                seats: model.seats,
            });
        }
        Err(error) => return Err(SortitionError::Solver(error.to_string())),
    };
    let relaxations = model
        .strata
        .iter()
        .zip(&slacks)
        .filter_map(|(stratum, (lo, hi))| {
            let lo = solution.value(*lo).round().max(0.0) as u32;
            let hi = solution.value(*hi).round().max(0.0) as u32;
            (lo > 0 || hi > 0).then(|| Relaxation {
                category: stratum.category.clone(),
                value: stratum.value.clone(),
                asked: stratum.quota,
                suggested: Quota {
                    min: stratum.quota.min.saturating_sub(lo),
                    max: stratum.quota.max.saturating_add(hi),
                },
            })
        })
        .collect();
    Ok(SortitionError::Infeasible(relaxations))
}
