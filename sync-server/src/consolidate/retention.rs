//! What has passed its retention period, as the read model knows it
//! (`crate::retention` purges it): visits with residents' own words in
//! campaigns that ended long enough ago, follow-up descriptions of those
//! campaigns, and the last time each volunteer was met at a door (a new
//! contact extends their deadline). Read in batches: a purge never holds
//! the store for long.

use super::Snapshot;
use rusqlite::params;
use std::collections::BTreeMap;

/// A visit log with visits whose words' retention passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiredLog {
    /// The log, as projected.
    pub doc_id: String,
    /// Its campaign.
    pub campaign_id: String,
    /// The visits holding words.
    pub visits: Vec<String>,
}

/// Visit logs of campaigns that ended before `ended_before` holding a
/// verbatim, a free-text answer or a topic outside its campaign's list
/// (`listed`, by campaign id); at most `limit` logs.
pub fn expired_words(
    rm: &Snapshot,
    ended_before: i64,
    listed: &BTreeMap<String, Vec<String>>,
    limit: usize,
) -> rusqlite::Result<Vec<ExpiredLog>> {
    let mut statement = rm.conn.prepare_cached(
        "SELECT v.doc_id, v.campaign_id, v.visit_id,
                v.verbatim <> '' OR EXISTS (
                    SELECT 1 FROM rm_answer_values a
                    WHERE a.doc_id = v.doc_id AND a.visit_id = v.visit_id
                      AND a.text IS NOT NULL AND a.text <> ''),
                group_concat(t.topic, char(31))
         FROM rm_visits v
         JOIN rm_campaigns c ON c.campaign_id = v.campaign_id
         LEFT JOIN rm_visit_topics t ON t.doc_id = v.doc_id AND t.visit_id = v.visit_id
         WHERE c.ends_at < ?1
         GROUP BY v.doc_id, v.visit_id, v.campaign_id
         ORDER BY v.doc_id, v.visit_id",
    )?;
    let mut logs: Vec<ExpiredLog> = Vec::new();
    let mut rows = statement.query(params![ended_before])?;
    let empty = Vec::new();
    while let Some(row) = rows.next()? {
        let (doc_id, campaign_id, visit): (String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        let words: bool = row.get(3)?;
        let topics: Option<String> = row.get(4)?;
        let campaign_topics = listed.get(&campaign_id).unwrap_or(&empty);
        let free_topic = topics.as_deref().is_some_and(|t| {
            t.split('\u{1f}')
                .any(|t| !campaign_topics.iter().any(|c| c == t))
        });
        if !words && !free_topic {
            continue;
        }
        if let Some(log) = logs.last_mut().filter(|l| l.doc_id == doc_id) {
            log.visits.push(visit);
            continue;
        }
        if logs.len() == limit {
            break;
        }
        logs.push(ExpiredLog {
            doc_id,
            campaign_id,
            visits: vec![visit],
        });
    }
    Ok(logs)
}

/// Follow-ups of campaigns that ended before `ended_before` still holding
/// a description; at most `limit`.
pub fn expired_follow_ups(
    rm: &Snapshot,
    ended_before: i64,
    limit: usize,
) -> rusqlite::Result<Vec<String>> {
    let mut statement = rm.conn.prepare_cached(
        "SELECT f.follow_up_id FROM rm_follow_ups f
         JOIN rm_campaigns c ON c.campaign_id = f.campaign_id
         WHERE c.ends_at < ?1 AND f.description <> ''
         ORDER BY f.follow_up_id LIMIT ?2",
    )?;
    statement
        .query_map(
            params![ended_before, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| r.get(0),
        )?
        .collect()
}

/// The last time each volunteer was met at a door (a visit linked to
/// them), by person id.
pub fn last_met(rm: &Snapshot) -> rusqlite::Result<BTreeMap<String, i64>> {
    let mut statement = rm.conn.prepare_cached(
        "SELECT p.person_id, MAX(v.at) FROM rm_visit_persons p
         JOIN rm_visits v ON v.doc_id = p.doc_id AND v.visit_id = p.visit_id
         GROUP BY p.person_id",
    )?;
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}
