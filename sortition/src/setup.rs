//! The quotas a coordinator sets, turned into a [`Request`]: per category,
//! either a minimum and maximum per value, or population figures from
//! which [`super::proportional`] derives them. Bounded and checked before
//! any solver runs.

use super::{MAX_CATEGORIES, Quota, Request, proportional};
use std::collections::BTreeMap;

/// Seats at most.
pub const MAX_SEATS: u32 = 1_000;
/// Values per category at most.
pub const MAX_VALUES: usize = 200;

/// One value of a category, as entered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueInput {
    /// The value.
    pub value: String,
    /// Minimum entered, if any.
    pub min: Option<u32>,
    /// Maximum entered, if any.
    pub max: Option<u32>,
    /// Population figure entered, if any.
    pub population: Option<f64>,
}

/// A category, as entered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CategoryInput {
    /// Its name (a trait of the pool).
    pub category: String,
    /// Its values.
    pub values: Vec<ValueInput>,
}

/// Why the quotas as entered make no request.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SetupError {
    /// No seat, or too many.
    #[error("seats must be between 1 and {MAX_SEATS}")]
    Seats,
    /// Too many categories or values.
    #[error("too many categories or values")]
    TooMany,
    /// Populations entered for some values of a category, not all, or not
    /// numbers.
    #[error("{0}: a population for every value, or for none")]
    Population(String),
}

/// The request: for a category with populations, proportional quotas
/// loosened by `slack`; otherwise each value's minimum (0 if blank) and
/// maximum (the seats if blank).
pub fn request(
    seats: u32,
    slack: u32,
    categories: &[CategoryInput],
) -> Result<Request, SetupError> {
    if seats == 0 || seats > MAX_SEATS {
        return Err(SetupError::Seats);
    }
    if categories.len() > MAX_CATEGORIES || categories.iter().any(|c| c.values.len() > MAX_VALUES) {
        return Err(SetupError::TooMany);
    }
    let mut quotas = BTreeMap::new();
    for c in categories {
        let populations: Vec<Option<f64>> = c.values.iter().map(|v| v.population).collect();
        let values = if populations.iter().any(Option::is_some) {
            let figures: BTreeMap<String, f64> = c
                .values
                .iter()
                .map(|v| v.population.map(|p| (v.value.clone(), p)))
                .collect::<Option<_>>()
                .ok_or_else(|| SetupError::Population(c.category.clone()))?;
            proportional::quotas(&figures, seats, slack)
                .ok_or_else(|| SetupError::Population(c.category.clone()))?
        } else {
            c.values
                .iter()
                .map(|v| {
                    let min = v.min.unwrap_or(0).min(seats);
                    let max = v.max.unwrap_or(seats).min(seats);
                    (v.value.clone(), Quota { min, max })
                })
                .collect()
        };
        quotas.insert(c.category.clone(), values);
    }
    Ok(Request {
        panel_size: seats,
        quotas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(
        value: &str,
        min: Option<u32>,
        max: Option<u32>,
        population: Option<f64>,
    ) -> ValueInput {
        ValueInput {
            value: value.into(),
            min,
            max,
            population,
        }
    }

    #[test]
    fn entered_quotas_default_to_anything_and_populations_to_shares() {
        let r = request(
            10,
            1,
            &[
                CategoryInput {
                    category: "quartier".into(),
                    values: vec![
                        value("Nord", Some(3), None, None),
                        value("Sud", None, Some(99), None),
                    ],
                },
                CategoryInput {
                    category: "âge".into(),
                    values: vec![
                        value("15-24", None, None, Some(1_500.0)),
                        value("25-64", None, None, Some(8_500.0)),
                    ],
                },
            ],
        )
        .expect("request");
        let q = |c: &str, v: &str| r.quotas[c][v];
        assert_eq!(q("quartier", "Nord"), Quota { min: 3, max: 10 });
        assert_eq!(q("quartier", "Sud"), Quota { min: 0, max: 10 });
        // 1.5 and 8.5 seats, rounded down and up, one seat of slack.
        assert_eq!(q("âge", "15-24"), Quota { min: 0, max: 3 });
        assert_eq!(q("âge", "25-64"), Quota { min: 7, max: 10 });
    }

    #[test]
    fn half_entered_populations_and_silly_sizes_are_refused() {
        let half = CategoryInput {
            category: "âge".into(),
            values: vec![
                value("a", None, None, Some(1.0)),
                value("b", None, None, None),
            ],
        };
        assert_eq!(
            request(10, 0, &[half]),
            Err(SetupError::Population("âge".into()))
        );
        assert_eq!(request(0, 0, &[]), Err(SetupError::Seats));
        assert_eq!(request(MAX_SEATS + 1, 0, &[]), Err(SetupError::Seats));
        let many = vec![CategoryInput::default(); MAX_CATEGORIES + 1];
        assert_eq!(request(10, 0, &many), Err(SetupError::TooMany));
    }
}
