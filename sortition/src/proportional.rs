//! Quotas proportional to population figures the coordinator enters (say,
//! INSEE's counts per neighbourhood or age band): each value's share of the
//! seats, rounded down for the minimum and up for the maximum, then
//! loosened by a slack of seats on each side. With no slack the quotas
//! still leave the rounding's freedom: fractions of seats are never
//! demanded.

use super::Quota;
use std::collections::BTreeMap;

/// Quotas for `seats` from each value's population (any unit: counts or
/// percentages); `None` if no population is positive or one is not a
/// finite non-negative number.
pub fn quotas(
    population: &BTreeMap<String, f64>,
    seats: u32,
    slack: u32,
) -> Option<BTreeMap<String, Quota>> {
    if population.values().any(|p| !p.is_finite() || *p < 0.0) {
        return None;
    }
    let total: f64 = population.values().sum();
    if total <= 0.0 {
        return None;
    }
    Some(
        population
            .iter()
            .map(|(value, p)| {
                let share = f64::from(seats) * p / total;
                let min = (share.floor() as u32).saturating_sub(slack);
                let max = (share.ceil() as u32).saturating_add(slack).min(seats);
                (value.clone(), Quota { min, max })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shares_of_the_population_become_seats() {
        let population: BTreeMap<String, f64> = [
            ("Lozaits".to_string(), 5_400.0),
            ("Centre".to_string(), 3_600.0),
            ("Plateau".to_string(), 1_000.0),
        ]
        .into();
        let q = quotas(&population, 20, 0).expect("quotas");
        assert_eq!(q["Lozaits"], Quota { min: 10, max: 11 });
        assert_eq!(q["Centre"], Quota { min: 7, max: 8 });
        assert_eq!(q["Plateau"], Quota { min: 2, max: 2 });
        let loose = quotas(&population, 20, 1).expect("quotas");
        assert_eq!(loose["Plateau"], Quota { min: 1, max: 3 });
        assert!(quotas(&BTreeMap::new(), 20, 0).is_none());
        let bad: BTreeMap<String, f64> = [("x".to_string(), f64::NAN)].into();
        assert!(quotas(&bad, 20, 0).is_none());
    }

    proptest! {
        /// Some panel always fits: the minimums never ask for more seats
        /// than there are, and the maximums always allow them all.
        #[test]
        fn proportional_quotas_always_leave_room_for_a_panel(
            population in prop::collection::vec(0.0f64..1e6, 1..12),
            seats in 1u32..200,
            slack in 0u32..3,
        ) {
            let population: BTreeMap<String, f64> = population
                .into_iter()
                .enumerate()
                .map(|(i, p)| (format!("v{i}"), p))
                .collect();
            if let Some(q) = quotas(&population, seats, slack) {
                let mins: u32 = q.values().map(|q| q.min).sum();
                let maxs: u32 = q.values().map(|q| q.max).sum();
                prop_assert!(mins <= seats);
                prop_assert!(maxs >= seats);
                prop_assert!(q.values().all(|q| q.min <= q.max));
            }
        }
    }
}
