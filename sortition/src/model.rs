//! The pool and the quotas as indices, checked and bounded before a solver
//! sees them, and the integer program that finds one panel: a 0/1 variable
//! per volunteer, the panel's size, each quota's minimum and maximum, and
//! at most one person per household.

use super::{MAX_CATEGORIES, MAX_POOL, Quota, Request, SortitionError, Volunteer};
use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable, constraint,
    microlp, variable,
};
use std::collections::BTreeMap;

/// One stratum: a value of a category, its quota and who has it.
#[derive(Clone, Debug)]
pub struct Stratum {
    /// The category.
    pub category: String,
    /// The value.
    pub value: String,
    /// Its quota.
    pub quota: Quota,
    /// The volunteers with this value.
    pub members: Vec<usize>,
}

/// The pool and the request, as indices.
#[derive(Clone, Debug)]
pub struct Model {
    /// Volunteers' ids, by index.
    pub ids: Vec<String>,
    /// Seats.
    pub seats: u32,
    /// Every stratum.
    pub strata: Vec<Stratum>,
    /// Households of more than one volunteer (at most one of each drawn).
    pub households: Vec<Vec<usize>>,
    /// How many households there are in all.
    pub household_count: usize,
}

impl Model {
    /// Checks the pool against the request and indexes it.
    pub fn new(pool: &[Volunteer], request: &Request) -> Result<Self, SortitionError> {
        if pool.is_empty() || request.panel_size == 0 {
            return Err(SortitionError::Empty);
        }
        if pool.len() > MAX_POOL {
            return Err(SortitionError::TooLarge(pool.len()));
        }
        if request.quotas.len() > MAX_CATEGORIES {
            return Err(SortitionError::TooLarge(request.quotas.len()));
        }
        let mut strata = Vec::new();
        let mut index: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (category, values) in &request.quotas {
            for (value, quota) in values {
                if quota.min > quota.max {
                    return Err(SortitionError::Inverted {
                        category: category.clone(),
                        value: value.clone(),
                    });
                }
                index.insert((category, value), strata.len());
                strata.push(Stratum {
                    category: category.clone(),
                    value: value.clone(),
                    quota: *quota,
                    members: Vec::new(),
                });
            }
        }
        // Indexed in id order, whatever order the pool came in: the same
        // pool gives the same programs, the same distribution, the same
        // panel.
        let mut sorted: Vec<&Volunteer> = pool.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(pair) = sorted.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(SortitionError::Duplicate(pair[0].id.clone()));
        }
        let mut households: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut ids = Vec::with_capacity(pool.len());
        for (i, volunteer) in sorted.into_iter().enumerate() {
            for category in request.quotas.keys() {
                let Some(value) = volunteer.traits.get(category) else {
                    return Err(SortitionError::MissingTrait {
                        volunteer: volunteer.id.clone(),
                        category: category.clone(),
                    });
                };
                let Some(&s) = index.get(&(category.as_str(), value.as_str())) else {
                    return Err(SortitionError::NoQuota {
                        category: category.clone(),
                        value: value.clone(),
                    });
                };
                strata[s].members.push(i);
            }
            households.entry(&volunteer.household).or_default().push(i);
            ids.push(volunteer.id.clone());
        }
        let household_count = households.len();
        Ok(Self {
            ids,
            seats: request.panel_size,
            strata,
            households: households.into_values().filter(|h| h.len() > 1).collect(),
            household_count,
        })
    }

    /// Volunteers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// A panel meeting every quota: the one of greatest total `weight` if
    /// weights are given; containing `with` if given. `None` if there is
    /// no such panel.
    pub fn panel(
        &self,
        weights: Option<&[f64]>,
        with: Option<usize>,
    ) -> Result<Option<Vec<usize>>, SortitionError> {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = (0..self.len())
            .map(|i| {
                let v = variable().binary();
                vars.add(if Some(i) == with { v.min(1) } else { v })
            })
            .collect();
        let objective: Expression = match weights {
            Some(w) => x.iter().zip(w).map(|(x, w)| *w * *x).sum(),
            None => Expression::from(0.0),
        };
        let mut problem = vars.maximise(objective).using(microlp);
        problem.add_constraint(constraint!(
            x.iter().copied().sum::<Expression>() == f64::from(self.seats)
        ));
        for stratum in &self.strata {
            let count: Expression = stratum.members.iter().map(|&i| x[i]).sum();
            problem.add_constraint(constraint!(count.clone() >= f64::from(stratum.quota.min)));
            problem.add_constraint(constraint!(count <= f64::from(stratum.quota.max)));
        }
        for household in &self.households {
            let count: Expression = household.iter().map(|&i| x[i]).sum();
            problem.add_constraint(constraint!(count <= 1));
        }
        match problem.solve() {
            Ok(solution) => Ok(Some(
                (0..self.len())
                    .filter(|&i| solution.value(x[i]) > 0.5)
                    .collect(),
            )),
            Err(ResolutionError::Infeasible) => Ok(None),
            Err(error) => Err(SortitionError::Solver(error.to_string())),
        }
    }

    /// Whether `panel` meets every quota and the household rule.
    pub fn admits(&self, panel: &[usize]) -> bool {
        let chosen: std::collections::BTreeSet<usize> = panel.iter().copied().collect();
        chosen.len() == panel.len()
            && u32::try_from(panel.len()).is_ok_and(|n| n == self.seats)
            && self.strata.iter().all(|s| {
                let n = s.members.iter().filter(|i| chosen.contains(i)).count();
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                s.quota.min <= n && n <= s.quota.max
            })
            && self
                .households
                .iter()
                .all(|h| h.iter().filter(|i| chosen.contains(i)).count() <= 1)
    }
}
