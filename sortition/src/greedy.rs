//! The greedy method most selection tools used before Flanigan et al.,
//! kept to show what the fair method changes: seat by seat, take the
//! stratum whose unmet minimum is largest next to the volunteers left in
//! it, and draw someone from it at random (once every minimum is met, from
//! anyone who fits under the maximums); a volunteer's household leaves the
//! pool with them. It may fail where a panel exists; tried again then.

use super::model::Model;
use rand::{Rng, SeedableRng};

/// One greedy panel, or `None` if this run got stuck.
pub fn panel(model: &Model, seed: u64) -> Option<Vec<usize>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut strata_of: Vec<Vec<usize>> = vec![Vec::new(); model.len()];
    for (s, stratum) in model.strata.iter().enumerate() {
        for &i in &stratum.members {
            strata_of[i].push(s);
        }
    }
    let mut household_of: Vec<Option<usize>> = vec![None; model.len()];
    for (h, members) in model.households.iter().enumerate() {
        for &i in members {
            household_of[i] = Some(h);
        }
    }
    let mut available = vec![true; model.len()];
    let mut counts = vec![0u32; model.strata.len()];
    let mut chosen = Vec::new();
    let fits = |i: usize, counts: &[u32]| {
        strata_of[i]
            .iter()
            .all(|&s| counts[s] < model.strata[s].quota.max)
    };
    while u32::try_from(chosen.len()).ok()? < model.seats {
        // The scarcest unmet minimum.
        let mut urgent: Option<(f64, usize)> = None;
        for (s, stratum) in model.strata.iter().enumerate() {
            let need = stratum.quota.min.saturating_sub(counts[s]);
            if need == 0 {
                continue;
            }
            let left = stratum
                .members
                .iter()
                .filter(|&&i| available[i] && fits(i, &counts))
                .count();
            if left == 0 {
                return None;
            }
            let ratio = f64::from(need) / left as f64;
            if urgent.is_none_or(|(r, _)| ratio > r) {
                urgent = Some((ratio, s));
            }
        }
        let candidates: Vec<usize> = match urgent {
            Some((_, s)) => model.strata[s]
                .members
                .iter()
                .copied()
                .filter(|&i| available[i] && fits(i, &counts))
                .collect(),
            None => (0..model.len())
                .filter(|&i| available[i] && fits(i, &counts))
                .collect(),
        };
        if candidates.is_empty() {
            return None;
        }
        let pick = candidates[rng.random_range(0..candidates.len())];
        available[pick] = false;
        if let Some(h) = household_of[pick] {
            for &j in &model.households[h] {
                available[j] = false;
            }
        }
        for &s in &strata_of[pick] {
            counts[s] += 1;
        }
        chosen.push(pick);
    }
    chosen.sort_unstable();
    model.admits(&chosen).then_some(chosen)
}

/// Each volunteer's share of `runs` greedy panels (failed runs retried,
/// up to `runs` more times in all).
pub fn frequencies(model: &Model, runs: usize, seed: u64) -> Vec<f64> {
    let mut counts = vec![0usize; model.len()];
    let mut made = 0;
    let mut tries = 0u64;
    while made < runs && tries < (2 * runs) as u64 {
        if let Some(panel) = panel(model, seed.wrapping_add(tries)) {
            for i in panel {
                counts[i] += 1;
            }
            made += 1;
        }
        tries += 1;
    }
    counts
        .into_iter()
        .map(|c| {
            if made == 0 {
                0.0
            } else {
                c as f64 / made as f64
            }
        })
        .collect()
}
