//! The fair draw's cost on a realistic pool (figures in BENCHMARKS.md):
//! 2,000 volunteers, 5 strata of 4–6 values each, households of one to
//! three, a panel of 50 with quotas proportional to the pool (±1 seat).
//! Prints the time to the distribution and to the draw, the panels in the
//! distribution, and the lowest selection probability next to the greedy
//! method's (estimated over 2,000 greedy panels).
//!
//! Run with `cargo bench -p tests --bench sortition`.

use rand::{Rng, SeedableRng};
use sortition::{self, Quota, Request, Volunteer, model::Model};
use std::collections::BTreeMap;
use std::time::Instant;

const POOL: usize = 2_000;
const SEATS: u32 = 50;

fn pool() -> (Vec<Volunteer>, Request) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2027);
    let strata: [(&str, &[&str], &[u32]); 5] = [
        (
            "quartier",
            &["Lozaits", "Centre", "Plateau", "Gare", "Mairie", "Nord"],
            &[30, 25, 15, 12, 10, 8],
        ),
        (
            "âge",
            &["16-24", "25-39", "40-59", "60-74", "75+"],
            &[12, 28, 32, 20, 8],
        ),
        ("genre", &["F", "H", "autre", "non dit"], &[50, 46, 2, 2]),
        (
            "diplôme",
            &["aucun", "bac", "bac+2", "bac+3 et plus"],
            &[20, 30, 20, 30],
        ),
        (
            "logement",
            &["social", "locataire", "propriétaire", "hébergé"],
            &[35, 25, 35, 5],
        ),
    ];
    let pick = |rng: &mut rand::rngs::StdRng, weights: &[u32]| {
        let total: u32 = weights.iter().sum();
        let mut x = rng.random_range(0..total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    };
    let mut volunteers = Vec::new();
    let mut household = 0;
    while volunteers.len() < POOL {
        household += 1;
        let size =
            1 + usize::from(rng.random_range(0..10) < 3) + usize::from(rng.random_range(0..10) < 1);
        for _ in 0..size.min(POOL - volunteers.len()) {
            let traits = strata
                .iter()
                .map(|(c, values, weights)| {
                    (c.to_string(), values[pick(&mut rng, weights)].to_string())
                })
                .collect();
            volunteers.push(Volunteer {
                id: format!("v{:05}", volunteers.len()),
                household: format!("h{household:05}"),
                traits,
            });
        }
    }
    // Quotas: the pool's shares of the 50 seats, ±1.
    let mut quotas = BTreeMap::new();
    for (category, values, _) in &strata {
        let mut per = BTreeMap::new();
        for value in values.iter() {
            let n = volunteers
                .iter()
                .filter(|v| v.traits[*category] == *value)
                .count();
            let share = f64::from(SEATS) * n as f64 / POOL as f64;
            per.insert(
                value.to_string(),
                Quota {
                    min: (share.floor() as u32).saturating_sub(1),
                    max: share.ceil() as u32 + 1,
                },
            );
        }
        quotas.insert(category.to_string(), per);
    }
    (
        volunteers,
        Request {
            panel_size: SEATS,
            quotas,
        },
    )
}

fn main() {
    let (volunteers, request) = pool();
    let model = Model::new(&volunteers, &request).expect("model");
    let start = Instant::now();
    let fair = sortition::maximin::distribution(&model).expect("distribution");
    let to_distribution = start.elapsed();
    let start = Instant::now();
    let print = sortition::fingerprint(&volunteers, &request);
    let k = sortition::draw::draw(&fair, "bench", &print);
    let to_draw = start.elapsed();
    assert!(model.admits(&fair.panels[k].0));
    let start = Instant::now();
    let greedy = sortition::greedy::frequencies(&model, 2_000, 1);
    let greedy_time = start.elapsed();
    let greedy_lowest = greedy.iter().copied().fold(f64::INFINITY, f64::min);
    let greedy_zero = greedy.iter().filter(|p| **p == 0.0).count();
    println!(
        "sortition, {POOL} volunteers, 5 strata (4–6 values), panel of {SEATS}: distribution {:.2} s ({} panels), draw {:.3} ms; lowest probability {:.4} (best possible ≤ {:.4}; the mean is {:.4}); greedy over 2,000 panels ({:.1} s): lowest {:.4}, {greedy_zero} volunteers never drawn",
        to_distribution.as_secs_f64(),
        fair.panels.len(),
        to_draw.as_secs_f64() * 1000.0,
        fair.lowest(),
        fair.best_possible,
        f64::from(SEATS) / POOL as f64,
        greedy_time.as_secs_f64(),
        greedy_lowest,
    );
}
