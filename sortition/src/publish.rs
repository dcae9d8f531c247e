//! A draw as it is kept and published: everything needed to check it and
//! run it again (the pool as pseudonyms, households and traits; the
//! quotas; the seed; the algorithm), the panel, the reserves, every
//! volunteer's selection probability, and the greedy method's lowest
//! probability on the same pool for comparison.
//!
//! Pseudonyms and households are keyed hashes under a key drawn for this
//! draw alone and never kept: a person document's id or a door (which
//! field phones hold) cannot be matched to a line of the record, nor two
//! draws' records to each other. Which pseudonym is which person is kept
//! beside the record, for the coordinator, never in it.

use super::model::Model;
use super::{Quota, Request, SortitionError, Volunteer, greedy, reserves, select};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Greedy panels drawn to estimate that method's selection probabilities.
pub const GREEDY_RUNS: usize = 2_000;

/// A volunteer in a published record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Their pseudonymous id.
    pub id: String,
    /// A hash of their household.
    pub household: String,
    /// Their traits.
    pub traits: BTreeMap<String, String>,
    /// Their probability of being drawn by this method.
    pub probability: f64,
    /// Their estimated probability under the greedy method.
    pub greedy: f64,
}

/// A draw, published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The method and its version.
    pub algorithm: String,
    /// The seed, as entered.
    pub seed: String,
    /// The pool's and quotas' fingerprint.
    pub fingerprint: String,
    /// Seats.
    pub panel_size: u32,
    /// Category → value → quota.
    pub quotas: BTreeMap<String, BTreeMap<String, Quota>>,
    /// The pool.
    pub pool: Vec<Entry>,
    /// The panel's ids, sorted.
    pub panel: Vec<String>,
    /// Reserves, in the order to call them.
    pub reserves: Vec<String>,
    /// The lowest selection probability of any volunteer.
    pub lowest: f64,
    /// No fair draw gives everyone more than this.
    pub best_possible: f64,
    /// The lowest probability under the greedy method (estimated).
    pub greedy_lowest: f64,
    /// Greedy panels drawn for the estimate.
    pub greedy_runs: usize,
    /// Panels in the distribution.
    pub panels_in_distribution: usize,
    /// When it was drawn (ms).
    pub drawn_at: i64,
}

/// One value of a category, counted: how many of the pool had it, how
/// many were drawn, how many are reserves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stratum {
    /// In the pool.
    pub pool: usize,
    /// On the panel.
    pub panel: usize,
    /// Among the reserves.
    pub reserves: usize,
}

/// What is published of a draw: the method, the seed, the quotas and,
/// per category and value, counts only. The full [`Record`] (each
/// pseudonym's traits and whether drawn, enough to draw again) stays at
/// the office: in a small pool, one line of traits can single a person
/// out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// The method and its version.
    pub algorithm: String,
    /// The seed, as entered.
    pub seed: String,
    /// The pool's and quotas' fingerprint (the full record's).
    pub fingerprint: String,
    /// Seats.
    pub panel_size: u32,
    /// Category → value → quota.
    pub quotas: BTreeMap<String, BTreeMap<String, Quota>>,
    /// Category → value → counts.
    pub strata: BTreeMap<String, BTreeMap<String, Stratum>>,
    /// The pool's size.
    pub pool_size: usize,
    /// The lowest selection probability of any volunteer.
    pub lowest: f64,
    /// No fair draw gives everyone more than this.
    pub best_possible: f64,
    /// The lowest probability under the greedy method (estimated).
    pub greedy_lowest: f64,
    /// When it was drawn (ms).
    pub drawn_at: i64,
}

/// The publishable summary of `record`: counts per stratum, no line per
/// person.
pub fn published(record: &Record) -> Published {
    let mut strata: BTreeMap<String, BTreeMap<String, Stratum>> = BTreeMap::new();
    for entry in &record.pool {
        let on_panel = record.panel.contains(&entry.id);
        let reserve = record.reserves.contains(&entry.id);
        for (category, value) in &entry.traits {
            let counts = strata
                .entry(category.clone())
                .or_default()
                .entry(value.clone())
                .or_default();
            counts.pool += 1;
            counts.panel += usize::from(on_panel);
            counts.reserves += usize::from(reserve);
        }
    }
    Published {
        algorithm: record.algorithm.clone(),
        seed: record.seed.clone(),
        fingerprint: record.fingerprint.clone(),
        panel_size: record.panel_size,
        quotas: record.quotas.clone(),
        strata,
        pool_size: record.pool.len(),
        lowest: record.lowest,
        best_possible: record.best_possible,
        greedy_lowest: record.greedy_lowest,
        drawn_at: record.drawn_at,
    }
}

/// A draw: its record, and who each pseudonym is (kept apart).
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    /// What is published.
    pub record: Record,
    /// Pseudonym → the volunteer's id in the pool.
    pub members: BTreeMap<String, String>,
}

fn keyed(key: &[u8], kind: &str, value: &str) -> String {
    let full = shared::keyed_hash::keyed_hash(key, &format!("{kind}:{value}"));
    full.get(..16).unwrap_or(&full).to_string()
}

/// The pool as it is published and drawn, under `key`: pseudonyms for
/// ids, hashed households, only the traits with quotas. Drawing from it
/// makes the record enough to draw again.
pub fn published_pool(pool: &[Volunteer], request: &Request, key: &[u8]) -> Vec<Volunteer> {
    pool.iter()
        .map(|v| Volunteer {
            id: keyed(key, "id", &v.id),
            household: keyed(key, "household", &v.household),
            traits: v
                .traits
                .iter()
                .filter(|(k, _)| request.quotas.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
        .collect()
}

/// The pool a record holds, to draw again.
pub fn pool_of(record: &Record) -> Vec<Volunteer> {
    record
        .pool
        .iter()
        .map(|e| Volunteer {
            id: e.id.clone(),
            household: e.household.clone(),
            traits: e.traits.clone(),
        })
        .collect()
}

/// Runs the draw on the published pool (pseudonyms under `key`, drawn at
/// random for this draw): the fair distribution and the panel, `count`
/// reserves, and the greedy comparison on the same pool (its runs seeded
/// from `seed` too, so the record is reproducible whole).
pub fn run(
    pool: &[Volunteer],
    request: &Request,
    seed: &str,
    count: u32,
    drawn_at: i64,
    key: &[u8],
) -> Result<Drawn, SortitionError> {
    let members: BTreeMap<String, String> = pool
        .iter()
        .map(|v| (keyed(key, "id", &v.id), v.id.clone()))
        .collect();
    if members.len() != pool.len() {
        return Err(SortitionError::Duplicate("pseudonym".into()));
    }
    let pool = published_pool(pool, request, key);
    let pool = &pool[..];
    let outcome = select(pool, request, seed)?;
    let reserves = reserves(pool, request, &outcome, count, seed)?;
    let model = Model::new(pool, request)?;
    let greedy_seed = u64::from_be_bytes(
        Sha256::digest(format!("{seed}/greedy").as_bytes())[..8]
            .try_into()
            .unwrap_or_default(),
    );
    let shares = greedy::frequencies(&model, GREEDY_RUNS, greedy_seed);
    let greedy_by_id: BTreeMap<&str, f64> = model
        .ids
        .iter()
        .map(String::as_str)
        .zip(shares.iter().copied())
        .collect();
    let mut entries: Vec<Entry> = pool
        .iter()
        .map(|v| Entry {
            id: v.id.clone(),
            household: v.household.clone(),
            traits: v.traits.clone(),
            probability: outcome.probabilities.get(&v.id).copied().unwrap_or(0.0),
            greedy: greedy_by_id.get(v.id.as_str()).copied().unwrap_or(0.0),
        })
        .collect();
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    let record = Record {
        algorithm: outcome.algorithm.to_string(),
        seed: seed.to_string(),
        fingerprint: outcome.fingerprint,
        panel_size: request.panel_size,
        quotas: request.quotas.clone(),
        greedy_lowest: shares.iter().copied().fold(f64::INFINITY, f64::min),
        greedy_runs: GREEDY_RUNS,
        pool: entries,
        panel: outcome.panel,
        reserves,
        lowest: outcome.lowest,
        best_possible: outcome.best_possible,
        panels_in_distribution: outcome.panels_in_distribution,
        drawn_at,
    };
    Ok(Drawn { record, members })
}

/// The request a record was drawn with, to draw it again.
pub fn request_of(record: &Record) -> Request {
    Request {
        panel_size: record.panel_size,
        quotas: record.quotas.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Vec<Volunteer> {
        (0..30)
            .map(|i| Volunteer {
                id: format!("p{i:02}"),
                household: format!("12 rue Lebon/A/{}/{}", i / 4, i % 4),
                traits: BTreeMap::from([
                    (
                        "quartier".into(),
                        if i % 3 == 0 { "Nord" } else { "Sud" }.into(),
                    ),
                    (
                        "âge".into(),
                        if i % 2 == 0 { "15-24" } else { "25-64" }.into(),
                    ),
                ]),
            })
            .collect()
    }

    fn request() -> Request {
        let q = |min, max| Quota { min, max };
        Request {
            panel_size: 6,
            quotas: BTreeMap::from([
                (
                    "quartier".into(),
                    BTreeMap::from([("Nord".into(), q(2, 3)), ("Sud".into(), q(3, 4))]),
                ),
                (
                    "âge".into(),
                    BTreeMap::from([("15-24".into(), q(3, 3)), ("25-64".into(), q(3, 3))]),
                ),
            ]),
        }
    }

    #[test]
    fn a_record_is_complete_reproducible_and_names_no_door() {
        let drawn = run(
            &pool(),
            &request(),
            "2026-11-29 loto 7 12 19 33 41",
            3,
            5,
            b"k1",
        )
        .expect("draw");
        let record = &drawn.record;
        assert_eq!(record.panel.len(), 6);
        assert_eq!(record.reserves.len(), 3);
        assert!(record.reserves.iter().all(|r| !record.panel.contains(r)));
        assert_eq!(record.pool.len(), 30);
        assert!(record.lowest > 0.0 && record.lowest <= record.best_possible + 1e-9);
        let sum: f64 = record.pool.iter().map(|e| e.probability).sum();
        assert!(
            (sum - 6.0).abs() < 1e-6,
            "probabilities sum to the seats: {sum}"
        );
        let json = serde_json::to_string(record).expect("json");
        assert!(!json.contains("rue Lebon"), "a door was published");
        assert!(!json.contains("p00"), "a volunteer's id was published");
        assert_eq!(drawn.members.len(), 30);
        assert!(
            record
                .panel
                .iter()
                .all(|p| drawn.members[p].starts_with('p'))
        );
        // Another draw's key: no line of one record matches the other's.
        let other = run(&pool(), &request(), "autre", 0, 5, b"k2").expect("draw");
        assert!(
            other
                .record
                .pool
                .iter()
                .all(|e| !drawn.members.contains_key(&e.id))
        );
        // Anyone with the record alone draws the same panel again.
        let again = select(&pool_of(record), &request_of(record), &record.seed).expect("again");
        assert_eq!(again.panel, record.panel);
        assert_eq!(again.fingerprint, record.fingerprint);
    }

    #[test]
    fn what_is_published_is_counts_per_stratum_and_no_line_per_person() {
        let drawn = run(&pool(), &request(), "graine", 2, 5, b"k1").expect("draw");
        let published = published(&drawn.record);
        assert_eq!(published.pool_size, 30);
        // Every category's counts add up to the pool, the panel, the reserves.
        for values in published.strata.values() {
            let total = |f: fn(&Stratum) -> usize| values.values().map(f).sum::<usize>();
            assert_eq!(total(|s| s.pool), 30);
            assert_eq!(total(|s| s.panel), 6);
            assert_eq!(total(|s| s.reserves), 2);
        }
        assert_eq!(published.strata["quartier"]["Nord"].pool, 10);
        let json = serde_json::to_string(&published).expect("json");
        for entry in &drawn.record.pool {
            assert!(!json.contains(&entry.id), "a pseudonym was published");
        }
    }
}
