//! A closed question's answers broken down by public: age band, language or
//! neighbourhood, as a cross-table (one row per public, one column per
//! option or scale value). Defined once here:
//!
//! - a **row** is a public as the conversation noted it, "not noted" its
//!   own row; its **asked** and **answered** are [`super::answers`]'s,
//!   counted over the conversations of that public in scope;
//! - a **cell** is those of them that chose the option (or gave the value);
//! - the **totals** are the question's figures in [`super::answers`]:
//!   every answered conversation is in exactly one row.
//!
//! Elected officials read it under the small-count rule
//! ([`super::small_counts`]); the caller decides who reads it unmasked.

use super::Snapshot;
use super::answers::{Kind, QuestionResult};
use super::filter::Filter;
use super::small_counts::TwoWay;

/// What the rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Public {
    /// The resident's age band.
    AgeBand,
    /// The conversation's language.
    Language,
    /// The building's neighbourhood (its id).
    Neighbourhood,
}

impl Public {
    /// Every breakdown, in the order the page offers them.
    pub const ALL: [Public; 3] = [Public::AgeBand, Public::Language, Public::Neighbourhood];

    /// Its name in a query string.
    pub fn name(self) -> &'static str {
        match self {
            Public::AgeBand => "age",
            Public::Language => "language",
            Public::Neighbourhood => "neighbourhood",
        }
    }

    /// The breakdown a query string names, if any.
    pub fn parse(name: &str) -> Option<Public> {
        Public::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Its column, in the visits in scope ([`Filter::visits`]) and in the
    /// per-building sums ([`Filter::sums`]) alike.
    fn column(self) -> &'static str {
        match self {
            Public::AgeBand => "age_band",
            Public::Language => "language",
            Public::Neighbourhood => "neighbourhood_id",
        }
    }
}

/// One closed question's cross-table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossTable {
    /// The question's id.
    pub question: String,
    /// The rows: a public's value, `None` when not noted; those never
    /// asked left out.
    pub rows: Vec<Option<String>>,
    /// Each row's conversations asked the question.
    pub asked: Vec<i64>,
    /// The columns: option ids, or a scale's values.
    pub columns: Vec<String>,
    /// The counts and their margins.
    pub table: TwoWay,
}

/// The cross-tables of every closed question in `results` (as
/// [`super::answers::results`] gave them for the same filter), by `by`.
pub fn build(
    rm: &Snapshot,
    filter: &Filter,
    results: &[QuestionResult],
    by: Public,
) -> rusqlite::Result<Vec<CrossTable>> {
    let (asked, chosen) = super::answers::counted(rm, filter, Some(by.column()))?;
    let mut out = Vec::new();
    for q in results {
        let columns: Vec<(String, i64)> = match q.kind {
            Kind::Single | Kind::Multiple => {
                q.options.iter().map(|o| (o.id.clone(), o.count)).collect()
            }
            Kind::Scale { .. } => q.scale.iter().map(|(v, n)| (v.to_string(), *n)).collect(),
            Kind::Text => continue,
        };
        let mut rows: Vec<(Option<String>, (i64, i64))> = asked
            .iter()
            .filter(|((id, _), _)| *id == q.id)
            .map(|((_, public), n)| (public.clone(), *n))
            .collect();
        // Noted publics in order, "not noted" last.
        rows.sort_by_key(|(public, _)| (public.is_none(), public.clone()));
        let cell = |public: &Option<String>, value: &str| {
            chosen
                .get(&(q.id.clone(), public.clone(), value.to_string()))
                .copied()
                .unwrap_or(0)
        };
        out.push(CrossTable {
            question: q.id.clone(),
            table: TwoWay {
                cells: rows
                    .iter()
                    .map(|(public, _)| columns.iter().map(|(v, _)| cell(public, v)).collect())
                    .collect(),
                row_totals: rows.iter().map(|(_, (_, answered))| *answered).collect(),
                column_totals: columns.iter().map(|(_, n)| *n).collect(),
                total: q.answered,
            },
            asked: rows.iter().map(|(_, (asked, _))| *asked).collect(),
            rows: rows.into_iter().map(|(public, _)| public).collect(),
            columns: columns.into_iter().map(|(v, _)| v).collect(),
        });
    }
    Ok(out)
}
