//! What the report for elected officials says about one neighbourhood (or
//! the whole territory): key figures, publics, outcomes, top topics, the
//! residents' words a coordinator chose to quote, follow-up statuses, and
//! the closed questions' answers (never the free-text ones). Read from the
//! read model only.
//!
//! A verbatim is about a household and may name someone: none reaches an
//! elected official unless a coordinator picked it (the campaign's
//! `report_quotes`, by visit id). Since only the id is kept, a quote whose
//! words are erased or corrected away is gone from the report with them.

use super::figures::{self, Coverage, Publics};
use super::filter::Filter;
use crate::consolidate::Snapshot;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

/// Topics shown in a report.
pub const TOP_TOPICS: usize = 5;
/// Residents' words a coordinator is offered to choose from, per page.
pub const CANDIDATES: usize = 10;
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
    /// The residents' words a coordinator chose to quote here, newest
    /// first, redacted. Nothing else is ever quoted.
    pub verbatims: Vec<Quote>,
    /// Words a coordinator may choose from ([`Quoted::Candidates`]):
    /// filled by the office page for a coordinator only.
    pub candidates: Vec<Quote>,
    /// (status, follow-ups).
    pub follow_ups: Vec<(String, i64)>,
    /// The closed questions asked here, as [`super::answers`] counts them.
    pub answers: Vec<super::answers::QuestionResult>,
}

/// Builds one page for a filter (its neighbourhood, or everywhere).
pub fn build(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Report> {
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
    let verbatims = quotes(rm, filter, Quoted::Chosen)?;
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
        candidates: Vec::new(),
        follow_ups,
        answers: super::answers::results(rm, filter)?
            .into_iter()
            .filter(|q| q.asked > 0 && q.kind != super::answers::Kind::Text)
            .collect(),
    })
}

/// One resident's words, redacted, and the visit they were said at (what a
/// coordinator's choice names).
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// The visit.
    pub visit_id: String,
    /// The words, through [`crate::consolidate::redact::quote`].
    pub text: String,
}

/// Which words [`quotes`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoted {
    /// Those a coordinator chose for the report.
    Chosen,
    /// The newest not chosen yet, [`CANDIDATES`] at most, for a
    /// coordinator to choose from (never shown to elected officials).
    Candidates,
}

/// The conversations' words in the filter's scope, newest first, redacted.
/// The same words recorded twice (two passes, two phones) are quoted or
/// offered once; words chosen at one door in the scope are not offered
/// again from another.
pub fn quotes(rm: &Snapshot, filter: &Filter, which: Quoted) -> rusqlite::Result<Vec<Quote>> {
    let quote = |visit_id: String, words: &str| Quote {
        visit_id,
        text: crate::consolidate::redact::quote(words),
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (visit_id, words) in chosen(rm, filter)? {
        if seen.insert(words.clone()) && which == Quoted::Chosen {
            out.push(quote(visit_id, &words));
        }
    }
    if which == Quoted::Chosen {
        return Ok(out);
    }
    // The newest words first (`rm_visits_said`), read only until enough
    // distinct ones are found: grouping every conversation by its words
    // cost a coordinator's report page more than all its figures.
    let (text, params) = said(filter, "rm_visits v", "v.campaign_id");
    let mut stmt = rm.conn.prepare(&text)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while out.len() < CANDIDATES
        && let Some(row) = rows.next()?
    {
        let words: String = row.get(1)?;
        if seen.insert(words.clone()) {
            out.push(quote(row.get(0)?, &words));
        }
    }
    Ok(out)
}

/// The chosen visits' (id, words) in the filter's scope, newest first,
/// read from the few chosen ids (`rm_visits_by_visit`).
fn chosen(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Vec<(String, String)>> {
    let (text, params) = said(
        filter,
        "rm_report_quotes q JOIN rm_visits v
           ON v.visit_id = q.visit_id AND v.campaign_id = q.campaign_id",
        "q.campaign_id",
    );
    rm.conn
        .prepare(&text)?
        .query_map(params_from_iter(params.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect()
}

/// The (visit id, words) of the talked visits `from` reaches in the
/// filter's scope and period, `campaign` naming the column that holds the
/// campaign, newest first: the SQL and its parameters.
fn said(filter: &Filter, from: &str, campaign: &str) -> (String, Vec<Value>) {
    let scope = filter.buildings();
    let mut text = format!(
        "SELECT v.visit_id, v.verbatim FROM {from}
         WHERE {campaign} = ? AND v.outcome = 'talked' AND v.verbatim <> ''
           AND v.building_id IN (SELECT building_id FROM ({}) s)",
        scope.text
    );
    let mut params = vec![Value::Text(filter.campaign.to_string())];
    params.extend(scope.params);
    filter.period("v.at", &mut text, &mut params);
    text.push_str(" ORDER BY v.at DESC, v.visit_id");
    (text, params)
}
