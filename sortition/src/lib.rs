//! A fair draw of a citizens' assembly from the volunteers who signed up.
//!
//! Random is not enough: a uniform draw among the panels that meet the
//! quotas, or the greedy method of picking the scarcest trait first, gives
//! some volunteers (a rare combination of traits) far lower chances than
//! others. Following Flanigan et al., "Fair algorithms for selecting
//! citizens' assemblies" (Nature, 2021), this computes a probability
//! distribution over panels that meet every quota and hold at most one
//! person per household, maximising the lowest selection probability of
//! any volunteer (*maximin*), then draws one panel from it with a published
//! seed. Anyone holding the pool, the quotas, the seed and
//! [`ALGORITHM`] can run it again and get the same panel.
//!
//! - [`pool`]: the volunteers, read from the documents (consent to the
//!   assembly pool, data still kept; traits from the visit where they
//!   signed up);
//! - [`model`]: the pool and the quotas as indices, and the integer
//!   program that finds one panel (`microlp`, through `good_lp`);
//! - [`maximin`]: the distribution, by column generation over panels (the
//!   linear programs by `clarabel`);
//! - [`proportional`]: quotas from population figures the coordinator
//!   enters; [`setup`]: the quotas as entered, into a request;
//! - [`relax`]: when no panel meets the quotas, the smallest change to
//!   them that makes one possible, stratum by stratum;
//! - [`greedy`]: the method most tools used before, for comparison;
//! - [`draw`]: one panel from the distribution, by the seed;
//! - [`publish`]: the record kept and published with a draw, enough to
//!   draw it again.
//!
//! No name goes in or out: volunteers are ids with traits.

pub mod draw;
pub mod greedy;
pub mod maximin;
pub mod model;
pub mod pool;
pub mod proportional;
pub mod publish;
pub mod relax;
pub mod setup;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

/// The name and version of the method, published with every result: a
/// change to how panels are found, the distribution computed or the draw
/// made gets a new one.
pub const ALGORITHM: &str =
    "palier-maximin/1 (column generation; clarabel LP, microlp ILP; SHA-256 draw)";

/// Volunteers in one pool at most: bounds the programs' size before a
/// solver sees them.
pub const MAX_POOL: usize = 20_000;
/// Traits (categories) with quotas at most.
pub const MAX_CATEGORIES: usize = 16;

/// A volunteer as the draw sees them: an id, a household (those sharing an
/// address: at most one of them is drawn) and a value for every category
/// that has quotas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volunteer {
    /// Their id.
    pub id: String,
    /// Their household (an address key).
    pub household: String,
    /// Category → value (`"quartier" → "Lozaits"`, `"âge" → "25-39"`).
    pub traits: BTreeMap<String, String>,
}

/// How many panel members must have one value of a category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quota {
    /// At least.
    pub min: u32,
    /// At most.
    pub max: u32,
}

/// What to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Members of the panel.
    pub panel_size: u32,
    /// Category → value → quota. Every volunteer must have a value for
    /// each category here, and that value must have a quota (zero if none
    /// may be drawn).
    pub quotas: BTreeMap<String, BTreeMap<String, Quota>>,
}

/// A change to one quota that would make a panel possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relaxation {
    /// The category.
    pub category: String,
    /// The value.
    pub value: String,
    /// The quota as asked.
    pub asked: Quota,
    /// The quota that would do.
    pub suggested: Quota,
}

/// Why no draw could be made.
#[derive(Debug, thiserror::Error)]
pub enum SortitionError {
    /// Nobody to draw from, or a panel of nobody.
    #[error("the pool is empty or the panel has no seat")]
    Empty,
    /// More volunteers or categories than a draw takes.
    #[error("the pool is too large ({0} volunteers or categories)")]
    TooLarge(usize),
    /// Two volunteers with one id.
    #[error("volunteer {0} is in the pool twice")]
    Duplicate(String),
    /// A volunteer has no value for a category with quotas.
    #[error("volunteer {volunteer} has no value for {category}")]
    MissingTrait {
        /// Who.
        volunteer: String,
        /// Which category.
        category: String,
    },
    /// A volunteer's value has no quota in its category.
    #[error("{category} = {value} has no quota")]
    NoQuota {
        /// Which category.
        category: String,
        /// The value without a quota.
        value: String,
    },
    /// A quota whose minimum is above its maximum.
    #[error("{category} = {value}: minimum above maximum")]
    Inverted {
        /// Which category.
        category: String,
        /// Which value.
        value: String,
    },
    /// No panel meets the quotas; these changes would make one possible
    /// (the fewest seats moved in all).
    #[error("no panel meets the quotas")]
    Infeasible(Vec<Relaxation>),
    /// Fewer households than seats: no quota change helps.
    #[error("only {households} households for {seats} seats")]
    TooFewHouseholds {
        /// Households in the pool.
        households: usize,
        /// Seats to fill.
        seats: u32,
    },
    /// A solver failed (a numerical breakdown, not bad input).
    #[error("solver: {0}")]
    Solver(String),
}

/// A drawn panel, with everything needed to check it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The members' ids, sorted.
    pub panel: Vec<String>,
    /// Every volunteer's probability of being drawn.
    pub probabilities: BTreeMap<String, f64>,
    /// The lowest of them.
    pub lowest: f64,
    /// No fair draw could give every volunteer more than this: the lowest
    /// probability reached is within 2 % of it (see [`maximin`]).
    pub best_possible: f64,
    /// The pool's fingerprint ([`fingerprint`]).
    pub fingerprint: String,
    /// [`ALGORITHM`].
    pub algorithm: &'static str,
    /// Panels in the distribution (with a probability above zero).
    pub panels_in_distribution: usize,
}

/// A fingerprint of the pool and the request: SHA-256 over every volunteer
/// (sorted by id; household and traits sorted) and every quota, so a
/// published result names exactly what it was drawn from.
pub fn fingerprint(pool: &[Volunteer], request: &Request) -> String {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<&Volunteer> = pool.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut hash = Sha256::new();
    let mut field = |text: &str| {
        hash.update((text.len() as u64).to_be_bytes());
        hash.update(text.as_bytes());
    };
    field("pool");
    for v in sorted {
        field(&v.id);
        field(&v.household);
        for (category, value) in &v.traits {
            field(category);
            field(value);
        }
        field("");
    }
    field("quotas");
    field(&request.panel_size.to_string());
    for (category, values) in &request.quotas {
        field(category);
        for (value, quota) in values {
            field(value);
            field(&format!("{}-{}", quota.min, quota.max));
        }
    }
    hex::encode(hash.finalize())
}

/// Draws `count` reserves the same way, after `outcome`'s panel: from the
/// volunteers left once the panel's members and their households are out,
/// by the maximin distribution over groups of `count` that meet the
/// panel's quotas scaled to `count` (each minimum rounded down, each
/// maximum up), with the seed followed by `/reserves`. Replacing someone
/// who declines by a reserve of the same profile is then the
/// coordinator's choice among them, in the order given.
pub fn reserves(
    pool: &[Volunteer],
    request: &Request,
    outcome: &Outcome,
    count: u32,
    seed: &str,
) -> Result<Vec<String>, SortitionError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let drawn: std::collections::BTreeSet<&str> =
        outcome.panel.iter().map(String::as_str).collect();
    let households: std::collections::BTreeSet<&str> = pool
        .iter()
        .filter(|v| drawn.contains(v.id.as_str()))
        .map(|v| v.household.as_str())
        .collect();
    let left: Vec<Volunteer> = pool
        .iter()
        .filter(|v| !households.contains(v.household.as_str()))
        .cloned()
        .collect();
    let scale = f64::from(count) / f64::from(request.panel_size.max(1));
    let quotas = request
        .quotas
        .iter()
        .map(|(category, values)| {
            let values = values
                .iter()
                .map(|(value, quota)| {
                    let min = (f64::from(quota.min) * scale).floor() as u32;
                    let max = (f64::from(quota.max) * scale).ceil() as u32;
                    (
                        value.clone(),
                        Quota {
                            min,
                            max: max.max(min),
                        },
                    )
                })
                .collect();
            (category.clone(), values)
        })
        .collect();
    let request = Request {
        panel_size: count,
        quotas,
    };
    let drawn = select(&left, &request, &format!("{seed}/reserves"))?;
    Ok(drawn.panel)
}

/// Computes the fair distribution and draws one panel from it with `seed`.
pub fn select(
    pool: &[Volunteer],
    request: &Request,
    seed: &str,
) -> Result<Outcome, SortitionError> {
    let model = model::Model::new(pool, request)?;
    let distribution = maximin::distribution(&model)?;
    let fingerprint = fingerprint(pool, request);
    let chosen = draw::draw(&distribution, seed, &fingerprint);
    let mut panel: Vec<String> = distribution.panels[chosen]
        .0
        .iter()
        .map(|&i| model.ids[i].clone())
        .collect();
    panel.sort();
    let probabilities = model
        .ids
        .iter()
        .cloned()
        .zip(distribution.probabilities.iter().copied())
        .collect();
    Ok(Outcome {
        panel,
        probabilities,
        lowest: distribution.lowest(),
        best_possible: distribution.best_possible,
        fingerprint,
        algorithm: ALGORITHM,
        panels_in_distribution: distribution.panels.len(),
    })
}
