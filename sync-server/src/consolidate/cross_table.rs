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
use rusqlite::params_from_iter;
use std::collections::BTreeMap;

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

    /// Its column in the visits in scope ([`Filter::visits`]).
    fn column(self) -> &'static str {
        match self {
            Public::AgeBand => "v.age_band",
            Public::Language => "v.language",
            Public::Neighbourhood => "v.neighbourhood_id",
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
    let scope = filter.visits();
    let column = by.column();
    let mut asked: BTreeMap<(String, Option<String>), (i64, i64)> = BTreeMap::new();
    {
        let sql = format!(
            "SELECT a.question_id, {column}, count(*), sum(a.answered)
             FROM rm_asked a JOIN ({}) v ON v.doc_id = a.doc_id AND v.visit_id = a.visit_id
             WHERE v.outcome = 'talked'
             GROUP BY 1, 2",
            scope.text
        );
        let mut stmt = rm.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(scope.params.iter()), |r| {
            Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?)))
        })?;
        for row in rows {
            let (key, n) = row?;
            asked.insert(key, n);
        }
    }
    let mut chose: BTreeMap<(String, Option<String>, String), i64> = BTreeMap::new();
    {
        let sql = format!(
            "SELECT x.question_id, {column}, x.value, count(*)
             FROM rm_answer_values x JOIN ({}) v ON v.doc_id = x.doc_id AND v.visit_id = x.visit_id
             WHERE v.outcome = 'talked' AND x.text IS NULL
             GROUP BY 1, 2, 3",
            scope.text
        );
        let mut stmt = rm.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(scope.params.iter()), |r| {
            Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?))
        })?;
        for row in rows {
            let (key, n) = row?;
            chose.insert(key, n);
        }
    }
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
            chose
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
