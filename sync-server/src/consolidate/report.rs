//! What the report for elected officials says about one neighbourhood (or
//! the whole territory): key figures, publics, outcomes, top topics, a few
//! residents' words, follow-up statuses, and the closed questions'
//! answers (never the free-text ones). Read from the read model only.

use super::figures::{self, Coverage, Publics};
use super::filter::Filter;
use crate::consolidate::Snapshot;
use rusqlite::params_from_iter;

/// Topics shown in a report.
pub const TOP_TOPICS: usize = 5;
/// Verbatims quoted in a report.
pub const VERBATIMS: usize = 3;
/// One page of the report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Doors, reached, talked.
    pub totals: Coverage,
    /// Visits.
    pub visits: i64,
    /// Publics reached.
    pub publics: Publics,
    /// (outcome, visits), every pass together.
    pub outcomes: Vec<(String, i64)>,
    /// (topic, conversations), most raised first.
    pub topics: Vec<(String, i64)>,
    /// A few residents' words, newest first, redacted.
    pub verbatims: Vec<String>,
    /// (status, follow-ups).
    pub follow_ups: Vec<(String, i64)>,
    /// The closed questions asked here, as [`super::answers`] counts them.
    pub answers: Vec<super::answers::QuestionResult>,
}

/// Builds one page for a filter (its neighbourhood, or everywhere).
pub fn build(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Report> {
    let conn = &rm.conn;
    let totals = figures::totals(rm, filter)?;
    let mut outcomes: std::collections::BTreeMap<String, i64> = Default::default();
    for (_, outcome, n) in figures::outcomes_by_pass(rm, filter)? {
        *outcomes.entry(outcome).or_default() += n;
    }
    let mut topics: std::collections::BTreeMap<String, i64> = Default::default();
    for (_, topic, n) in figures::topics(rm, filter)? {
        *topics.entry(topic).or_default() += n;
    }
    let mut topics: Vec<(String, i64)> = topics.into_iter().collect();
    topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    topics.truncate(TOP_TOPICS);
    let mut statuses: std::collections::BTreeMap<String, i64> = Default::default();
    for (_, status, n) in figures::follow_ups(rm, filter)? {
        *statuses.entry(status).or_default() += n;
    }
    let visits = filter.visits();
    let mut stmt = conn.prepare(&format!(
        // The same words recorded twice (two passes, two phones) are
        // quoted once.
        "SELECT verbatim FROM ({}) v WHERE v.outcome = 'talked' AND v.verbatim <> ''
         GROUP BY v.verbatim ORDER BY max(v.at) DESC, min(v.visit_id) LIMIT {VERBATIMS}",
        visits.text
    ))?;
    let verbatims = stmt
        .query_map(params_from_iter(visits.params.iter()), |r| {
            r.get::<_, String>(0)
        })?
        .map(|v| v.map(|text| crate::consolidate::redact::quote(&text)))
        .collect::<Result<Vec<_>, _>>()?;
    let order = |name: &str, all: &[&str]| all.iter().position(|n| *n == name).unwrap_or(all.len());
    let outcome_names: Vec<&str> = shared::domain::Outcome::ALL
        .iter()
        .map(|o| o.as_str())
        .collect();
    let status_names: Vec<&str> = shared::domain::FollowUpStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let mut outcomes: Vec<(String, i64)> = outcomes.into_iter().collect();
    outcomes.sort_by_key(|(o, _)| order(o, &outcome_names));
    let mut follow_ups: Vec<(String, i64)> = statuses.into_iter().collect();
    follow_ups.sort_by_key(|(s, _)| order(s, &status_names));
    Ok(Report {
        totals,
        visits: figures::visits(rm, filter)?,
        publics: figures::publics(rm, filter)?,
        outcomes,
        topics,
        verbatims,
        follow_ups,
        answers: super::answers::results(rm, filter)?
            .into_iter()
            .filter(|q| q.asked > 0 && q.kind != super::answers::Kind::Text)
            .collect(),
    })
}
