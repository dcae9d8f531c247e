//! What an idea collection's results pages and report say: its own
//! figures, not the door figures of a canvassing campaign. Each is defined
//! here once, in words; the pages show these definitions.
//!
//! - **Ideas collected**: every idea written on a phone, a duplicate
//!   included (each is a proposer's contribution).
//! - **Distinct ideas**: after merging duplicates: the ideas the office
//!   rules on.
//! - **By category**, **by place**: ideas collected, each counted under
//!   the category and the place of the idea it was merged into (the place
//!   is the named place picked, else the neighbourhood its point falls in,
//!   else "not placed").
//! - **By status**: distinct ideas, under their status.
//! - **By proposer's age band**: ideas collected, each under its own
//!   proposer's age band ("not said" when none was given).

use crate::consolidate::ideas::IdeaRow;
use std::collections::BTreeMap;

/// The figures of one idea collection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectionFigures {
    /// Ideas collected, duplicates included.
    pub collected: usize,
    /// Ideas after merging duplicates.
    pub distinct: usize,
    /// (category, ideas collected), most first.
    pub by_category: Vec<(String, usize)>,
    /// (place, ideas collected), most first; `None`: not placed.
    pub by_place: Vec<(Option<String>, usize)>,
    /// (status, distinct ideas), most first.
    pub by_status: Vec<(String, usize)>,
    /// (age band, ideas collected), most first; `None`: not said.
    pub by_age_band: Vec<(Option<String>, usize)>,
}

fn most_first<K: Ord>(counts: BTreeMap<K, usize>) -> Vec<(K, usize)> {
    let mut out: Vec<(K, usize)> = counts.into_iter().collect();
    // Stable: equal counts keep the keys' order.
    out.sort_by_key(|x| std::cmp::Reverse(x.1));
    out
}

/// The figures of a collection's ideas as [`crate::consolidate::ideas::ideas`] lists
/// them (duplicates under the idea they were merged into).
pub fn of(rows: &[IdeaRow]) -> CollectionFigures {
    let place = |r: &IdeaRow| {
        r.place_name
            .clone()
            .filter(|p| !p.is_empty())
            .or_else(|| r.neighbourhood.as_ref().map(|n| n.1.clone()))
    };
    let mut by_category = BTreeMap::new();
    let mut by_place = BTreeMap::new();
    let mut by_status = BTreeMap::new();
    let mut by_age_band = BTreeMap::new();
    let mut collected = 0;
    for row in rows {
        *by_status.entry(row.status.clone()).or_default() += 1;
        for proposer in std::iter::once(row).chain(&row.duplicates) {
            collected += 1;
            *by_category.entry(row.category.clone()).or_default() += 1;
            *by_place.entry(place(row)).or_default() += 1;
            *by_age_band
                .entry(proposer.age_band.clone().filter(|a| !a.is_empty()))
                .or_default() += 1;
        }
    }
    CollectionFigures {
        collected,
        distinct: rows.len(),
        by_category: most_first(by_category),
        by_place: most_first(by_place),
        by_status: most_first(by_status),
        by_age_band: most_first(by_age_band),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row(i: usize, category: u8, place: u8, status: u8, age: u8) -> IdeaRow {
        IdeaRow {
            id: format!("{i:032x}"),
            title: format!("Idée {i}"),
            category: ["Sport", "Nature", "Culture"][usize::from(category % 3)].into(),
            place_name: place
                .is_multiple_of(3)
                .then(|| "Parc des Lilas".to_string()),
            neighbourhood: (place % 3 == 1).then(|| ("n1".to_string(), "Nord".to_string())),
            status: ["received", "eligible", "funded"][usize::from(status % 3)].into(),
            age_band: ["", "11-14", "15-17"]
                .get(usize::from(age % 3))
                .filter(|a| !a.is_empty())
                .map(|a| a.to_string()),
            ..IdeaRow::default()
        }
    }

    /// What an idea collected is counted under: category, place, age band,
    /// the status of the idea it was merged into, and whether it is that
    /// idea (not a duplicate).
    type Flat = (String, Option<String>, Option<String>, String, bool);

    proptest! {
        /// Each figure against a count made here from the flat list of
        /// every idea collected, each carrying what it is counted under.
        #[test]
        fn every_figure_equals_a_count_of_the_ideas(
            kept in proptest::collection::vec((0u8..3, 0u8..3, 0u8..3, 0u8..3,
                proptest::collection::vec(0u8..3, 0..3)), 0..12)) {
            let mut i = 0;
            let mut rows = Vec::new();
            // (category, place, age band, status of the kept idea, is kept)
            let mut flat: Vec<Flat> = Vec::new();
            for (category, place, status, age, dups) in &kept {
                i += 1;
                let mut r = row(i, *category, *place, *status, *age);
                let placed = r.place_name.clone().or(r.neighbourhood.as_ref().map(|n| n.1.clone()));
                flat.push((r.category.clone(), placed.clone(), r.age_band.clone(), r.status.clone(), true));
                for d in dups {
                    i += 1;
                    let dup = row(i, (*category + 1) % 3, 2, 0, *d);
                    flat.push((r.category.clone(), placed.clone(), dup.age_band.clone(), r.status.clone(), false));
                    r.duplicates.push(dup);
                }
                rows.push(r);
            }
            let f = of(&rows);
            prop_assert_eq!(f.collected, flat.len());
            prop_assert_eq!(f.distinct, flat.iter().filter(|x| x.4).count());
            for (category, n) in &f.by_category {
                prop_assert_eq!(*n, flat.iter().filter(|x| &x.0 == category).count());
            }
            for (place, n) in &f.by_place {
                prop_assert_eq!(*n, flat.iter().filter(|x| &x.1 == place).count());
            }
            for (age, n) in &f.by_age_band {
                prop_assert_eq!(*n, flat.iter().filter(|x| &x.2 == age).count());
            }
            for (status, n) in &f.by_status {
                prop_assert_eq!(*n, flat.iter().filter(|x| x.4 && &x.3 == status).count());
            }
            for groups in [
                f.by_category.iter().map(|x| x.1).sum::<usize>(),
                f.by_place.iter().map(|x| x.1).sum(),
                f.by_age_band.iter().map(|x| x.1).sum(),
            ] {
                prop_assert_eq!(groups, f.collected);
            }
            prop_assert_eq!(f.by_status.iter().map(|x| x.1).sum::<usize>(), f.distinct);
        }
    }
}
