//! The draw as a whole: quotas met, households respected, the fairness
//! maximin promises, and the same panel from the same seed.

use super::model::Model;
use super::*;
use proptest::prelude::*;

fn volunteer(id: usize, household: usize, traits: &[(&str, &str)]) -> Volunteer {
    Volunteer {
        id: format!("v{id:04}"),
        household: format!("h{household:04}"),
        traits: traits
            .iter()
            .map(|(c, v)| (c.to_string(), v.to_string()))
            .collect(),
    }
}

/// A value's quota as written in a test: value, minimum, maximum.
type Seats<'a> = (&'a str, u32, u32);

fn quotas(spec: &[(&str, &[Seats<'_>])]) -> BTreeMap<String, BTreeMap<String, Quota>> {
    spec.iter()
        .map(|(category, values)| {
            (
                category.to_string(),
                values
                    .iter()
                    .map(|(v, min, max)| {
                        (
                            v.to_string(),
                            Quota {
                                min: *min,
                                max: *max,
                            },
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

/// Greedy is known to be unfair here: the only young woman decides
/// whether an old man can sit, and greedy draws her only half the time.
fn rare_combination_pool() -> (Vec<Volunteer>, Request) {
    let mut pool = Vec::new();
    let mut n = 0;
    let mut add = |count: usize, gender: &'static str, age: &'static str| {
        for _ in 0..count {
            pool.push(volunteer(n, n, &[("genre", gender), ("âge", age)]));
            n += 1;
        }
    };
    add(1, "F", "jeune");
    add(9, "F", "aîné");
    add(14, "H", "jeune");
    add(16, "H", "aîné");
    let request = Request {
        panel_size: 10,
        quotas: quotas(&[
            ("genre", &[("F", 5, 5), ("H", 5, 5)]),
            ("âge", &[("jeune", 5, 5), ("aîné", 5, 5)]),
        ]),
    };
    (pool, request)
}

#[test]
fn the_same_seed_and_pool_give_the_same_panel() {
    let (pool, request) = rare_combination_pool();
    let first = select(&pool, &request, "conseil-2027-tirage").expect("select");
    let again = select(&pool, &request, "conseil-2027-tirage").expect("select");
    assert_eq!(first, again);
    assert_eq!(first.panel.len(), 10);
    // The pool in another order is the same pool.
    let mut shuffled = pool.clone();
    shuffled.reverse();
    assert_eq!(fingerprint(&shuffled, &request), first.fingerprint);
    let other = select(&shuffled, &request, "conseil-2027-tirage").expect("select");
    assert_eq!(other.panel, first.panel);
    // A changed quota is another fingerprint.
    let mut changed = request.clone();
    changed.panel_size = 8;
    assert_ne!(fingerprint(&pool, &changed), first.fingerprint);
}

#[test]
fn the_fair_method_gives_the_least_favoured_more_than_greedy_does() {
    let (pool, request) = rare_combination_pool();
    let model = Model::new(&pool, &request).expect("model");
    let fair = maximin::distribution(&model).expect("distribution");
    let greedy = greedy::frequencies(&model, 4_000, 7);
    let greedy_lowest = greedy.iter().copied().fold(f64::INFINITY, f64::min);
    // An old man sits only beside the young woman: at best 1/16.
    assert!(
        (fair.lowest() - 1.0 / 16.0).abs() < 1e-4,
        "{}",
        fair.lowest()
    );
    assert!(
        fair.lowest() > 1.5 * greedy_lowest,
        "fair {} greedy {greedy_lowest}",
        fair.lowest()
    );
    // Every volunteer's probabilities add up to the seats.
    let seats: f64 = fair.probabilities.iter().sum();
    assert!((seats - 10.0).abs() < 1e-6);
}

#[test]
fn the_probabilities_reported_are_those_of_the_draw() {
    let (pool, request) = rare_combination_pool();
    let model = Model::new(&pool, &request).expect("model");
    let fair = maximin::distribution(&model).expect("distribution");
    let print = fingerprint(&pool, &request);
    let draws = 2_000;
    let mut counts = vec![0usize; model.len()];
    for seed in 0..draws {
        let k = draw::draw(&fair, &format!("graine-{seed}"), &print);
        for &i in &fair.panels[k].0 {
            counts[i] += 1;
        }
    }
    for (i, p) in fair.probabilities.iter().enumerate() {
        let seen = counts[i] as f64 / f64::from(draws);
        // Four standard deviations of a proportion over 2,000 draws.
        let tolerance = 4.0 * (p * (1.0 - p) / f64::from(draws)).sqrt() + 1e-3;
        assert!(
            (seen - p).abs() <= tolerance,
            "volunteer {i}: reported {p}, drawn {seen}"
        );
    }
}

#[test]
fn reserves_come_from_other_households_in_the_panels_proportions() {
    let mut pool = Vec::new();
    for i in 0..80 {
        let gender = if i % 2 == 0 { "F" } else { "H" };
        let age = ["jeune", "adulte", "aîné"][i % 3];
        // Households of two: i and i + 1 share one when i is a multiple of 4.
        pool.push(volunteer(
            i,
            i - usize::from(i % 4 == 1),
            &[("genre", gender), ("âge", age)],
        ));
    }
    let request = Request {
        panel_size: 12,
        quotas: quotas(&[
            ("genre", &[("F", 6, 6), ("H", 6, 6)]),
            ("âge", &[("jeune", 4, 4), ("adulte", 4, 4), ("aîné", 4, 4)]),
        ]),
    };
    let outcome = select(&pool, &request, "tirage").expect("panel");
    let reserves = reserves(&pool, &request, &outcome, 6, "tirage").expect("reserves");
    assert_eq!(reserves.len(), 6);
    let household = |id: &str| {
        pool.iter()
            .find(|v| v.id == id)
            .map(|v| v.household.clone())
            .expect("known")
    };
    let seated: std::collections::BTreeSet<String> =
        outcome.panel.iter().map(|id| household(id)).collect();
    for id in &reserves {
        assert!(!outcome.panel.contains(id));
        assert!(
            !seated.contains(&household(id)),
            "{id} lives with a panel member"
        );
    }
    // Half the quotas: three women, three men, two of each age.
    let count = |category: &str, value: &str| {
        reserves
            .iter()
            .filter(|id| {
                pool.iter()
                    .any(|v| &v.id == *id && v.traits[category] == value)
            })
            .count()
    };
    assert_eq!((count("genre", "F"), count("genre", "H")), (3, 3));
    assert_eq!(count("âge", "jeune"), 2);
    // The same seed, the same reserves.
    assert_eq!(
        super::reserves(&pool, &request, &outcome, 6, "tirage").expect("again"),
        reserves
    );
}

#[test]
fn impossible_quotas_name_the_stratum_and_the_smallest_change() {
    let mut pool = Vec::new();
    for i in 0..20 {
        let gender = if i < 3 { "F" } else { "H" };
        pool.push(volunteer(i, i, &[("genre", gender)]));
    }
    let request = Request {
        panel_size: 6,
        quotas: quotas(&[("genre", &[("F", 4, 6), ("H", 0, 6)])]),
    };
    match select(&pool, &request, "s") {
        Err(SortitionError::Infeasible(relaxations)) => {
            assert_eq!(
                relaxations,
                vec![Relaxation {
                    category: "genre".into(),
                    value: "F".into(),
                    asked: Quota { min: 4, max: 6 },
                    suggested: Quota { min: 3, max: 6 },
                }]
            );
        }
        other => panic!("expected the stratum named: {other:?}"),
    }
    // Fewer households than seats: no quota helps, and it says so.
    let crowded: Vec<Volunteer> = (0..10)
        .map(|i| volunteer(i, i % 3, &[("genre", "H")]))
        .collect();
    let request = Request {
        panel_size: 4,
        quotas: quotas(&[("genre", &[("H", 0, 4)])]),
    };
    assert!(matches!(
        select(&crowded, &request, "s"),
        Err(SortitionError::TooFewHouseholds {
            households: 3,
            seats: 4
        })
    ));
}

#[test]
fn bad_requests_are_refused_before_any_solver_runs() {
    let pool = vec![volunteer(1, 1, &[("genre", "F")])];
    let request = |q| Request {
        panel_size: 1,
        quotas: q,
    };
    assert!(matches!(
        select(&pool, &request(quotas(&[("âge", &[("jeune", 0, 1)])])), "s"),
        Err(SortitionError::MissingTrait { .. })
    ));
    assert!(matches!(
        select(&pool, &request(quotas(&[("genre", &[("H", 0, 1)])])), "s"),
        Err(SortitionError::NoQuota { .. })
    ));
    assert!(matches!(
        select(&pool, &request(quotas(&[("genre", &[("F", 2, 1)])])), "s"),
        Err(SortitionError::Inverted { .. })
    ));
    assert!(matches!(
        select(&[], &request(BTreeMap::new()), "s"),
        Err(SortitionError::Empty)
    ));
    // Absurd sizes are answered, not computed.
    let huge = Request {
        panel_size: u32::MAX,
        quotas: quotas(&[("genre", &[("F", 0, u32::MAX)])]),
    };
    assert!(matches!(
        select(&pool, &huge, "s"),
        Err(SortitionError::TooFewHouseholds { .. })
    ));
    let crowd: Vec<Volunteer> = (0..=MAX_POOL)
        .map(|i| volunteer(i, i, &[("genre", "F")]))
        .collect();
    assert!(matches!(
        select(&crowd, &request(quotas(&[("genre", &[("F", 0, 1)])])), "s"),
        Err(SortitionError::TooLarge(_))
    ));
}

/// A random pool, and quotas that one random panel of it meets (so a
/// panel exists), loosened by up to one seat each side.
fn feasible_case() -> impl Strategy<Value = (Vec<Volunteer>, Request)> {
    (
        prop::collection::vec((0usize..3, 0usize..2, 0u8..4), 8..24),
        4u32..7,
        any::<u64>(),
    )
        .prop_filter_map("panel larger than the pool", |(people, seats, seed)| {
            let ages = ["jeune", "adulte", "aîné"];
            let genders = ["F", "H"];
            // Households of one or two (share = 0 joins the previous one).
            let mut pool = Vec::new();
            let mut household = 0;
            for (n, (age, gender, share)) in people.iter().enumerate() {
                if *share != 0 || n == 0 {
                    household += 1;
                }
                pool.push(volunteer(
                    n,
                    household,
                    &[("âge", ages[*age]), ("genre", genders[*gender])],
                ));
            }
            // One panel, one per household, by the seed.
            let mut firsts: Vec<usize> = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for (i, v) in pool.iter().enumerate() {
                if seen.insert(v.household.clone()) {
                    firsts.push(i);
                }
            }
            let seats_usize = seats as usize;
            if firsts.len() < seats_usize {
                return None;
            }
            let start = (seed as usize) % firsts.len();
            let panel: Vec<usize> = (0..seats_usize)
                .map(|k| firsts[(start + k) % firsts.len()])
                .collect();
            let count = |category: &str, value: &str| {
                panel
                    .iter()
                    .filter(|&&i| pool[i].traits[category] == value)
                    .count() as u32
            };
            let mut q = BTreeMap::new();
            for (category, values) in [("âge", &ages[..]), ("genre", &genders[..])] {
                let mut per = BTreeMap::new();
                for value in values {
                    let c = count(category, value);
                    per.insert(
                        value.to_string(),
                        Quota {
                            min: c.saturating_sub((seed % 2) as u32),
                            max: c + ((seed / 2) % 2) as u32,
                        },
                    );
                }
                q.insert(category.to_string(), per);
            }
            Some((
                pool,
                Request {
                    panel_size: seats,
                    quotas: q,
                },
            ))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Whenever a panel exists: every panel the draw can give meets every
    /// quota exactly and holds at most one person per household, the drawn
    /// one among them; the probabilities are those of the panels.
    #[test]
    fn every_panel_that_can_be_drawn_meets_the_quotas((pool, request) in feasible_case()) {
        let model = Model::new(&pool, &request).expect("model");
        let fair = maximin::distribution(&model).expect("a panel exists");
        let total: f64 = fair.panels.iter().map(|(_, p)| p).sum();
        prop_assert!((total - 1.0).abs() < 1e-9);
        for (panel, _) in &fair.panels {
            prop_assert!(model.admits(panel), "{panel:?}");
        }
        let mut from_panels = vec![0.0; model.len()];
        for (panel, p) in &fair.panels {
            for &i in panel {
                from_panels[i] += p;
            }
        }
        for (a, b) in from_panels.iter().zip(&fair.probabilities) {
            prop_assert!((a - b).abs() < 1e-9);
        }
        let outcome = select(&pool, &request, "graine").expect("select");
        let ids: Vec<usize> = outcome
            .panel
            .iter()
            .map(|id| model.ids.iter().position(|x| x == id).expect("known"))
            .collect();
        let mut ids = ids;
        ids.sort_unstable();
        prop_assert!(model.admits(&ids));
    }
}
