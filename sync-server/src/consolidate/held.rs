//! What the read model holds at a door or with some words, for finding
//! one resident (`crate::residents`): visits (their verbatims and
//! free-text answers) and follow-ups. The read model's SQL lives here, with
//! its other readers; the office page is `office::residents`.

use super::Snapshot;
use crate::residents::{MAX_HITS, MIN_CHARS, Search};
use rusqlite::params;

/// Buildings an address matches at most.
const MAX_BUILDINGS: usize = 20;

/// Why a visit was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matched {
    /// It was at the door searched.
    Door,
    /// Its verbatim holds the words.
    Verbatim,
    /// One of its free-text answers holds the words.
    Answer,
}

/// A visit found.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitHit {
    /// The visit.
    pub visit_id: String,
    /// Its campaign's name.
    pub campaign: String,
    /// The building's address.
    pub address: String,
    /// The door, as people read it.
    pub door: String,
    /// When.
    pub at: i64,
    /// Its outcome (`Outcome::as_str`).
    pub outcome: String,
    /// Why it was found.
    pub matched: Matched,
    /// What the resident said there (verbatim, or the matching answer).
    pub said: String,
}

/// A follow-up found: its description holds the words, or it is about a
/// building searched.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowUpHit {
    /// The follow-up.
    pub id: String,
    /// The service it went to.
    pub service: String,
    /// Its description.
    pub description: String,
    /// Its building's address, if it has one.
    pub address: Option<String>,
}

/// Visits and follow-ups found, newest first; `truncated` when a kind had
/// more than [`MAX_HITS`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Held {
    /// Visits.
    pub visits: Vec<VisitHit>,
    /// Follow-ups.
    pub follow_ups: Vec<FollowUpHit>,
    /// Whether a kind had more than [`MAX_HITS`].
    pub truncated: bool,
}

/// What the read model holds at the door searched, or with the words:
/// visits and follow-ups, newest first.
pub fn held(rm: &Snapshot, search: &Search) -> rusqlite::Result<Held> {
    let mut found = Held::default();
    let conn = &rm.conn;
    let more = |n: usize| n > MAX_HITS;
    let address = search.address.trim().to_lowercase();
    if address.chars().count() >= MIN_CHARS {
        let buildings: Vec<(String, String)> = conn
            .prepare(
                "SELECT building_id, address FROM rm_buildings
                 WHERE instr(lower(address), ?1) > 0 ORDER BY address LIMIT ?2",
            )?
            .query_map(params![address, MAX_BUILDINGS as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let door = search.door.trim().to_lowercase();
        let mut visits = conn.prepare(
            "SELECT v.visit_id, coalesce(c.name, ''), v.door_label, v.at, v.outcome, v.verbatim
             FROM rm_visits v LEFT JOIN rm_campaigns c ON c.campaign_id = v.campaign_id
             WHERE v.building_id = ?1 ORDER BY v.at DESC",
        )?;
        let mut follow_ups = conn.prepare(
            "SELECT follow_up_id, service, description FROM rm_follow_ups
             WHERE building_id = ?1 ORDER BY raised_at DESC",
        )?;
        for (building, address) in &buildings {
            let rows = visits.query_map([building], |r| {
                Ok(VisitHit {
                    visit_id: r.get(0)?,
                    campaign: r.get(1)?,
                    door: r.get(2)?,
                    at: r.get(3)?,
                    outcome: r.get(4)?,
                    said: r.get(5)?,
                    address: address.clone(),
                    matched: Matched::Door,
                })
            })?;
            for hit in rows {
                let hit = hit?;
                // The door's number is the label's last part.
                let number = hit.door.rsplit(" · ").next().unwrap_or("").to_lowercase();
                if door.is_empty() || number == door {
                    found.visits.push(hit);
                }
            }
            for hit in follow_ups.query_map([building], |r| {
                Ok(FollowUpHit {
                    id: r.get(0)?,
                    service: r.get(1)?,
                    description: r.get(2)?,
                    address: Some(address.clone()),
                })
            })? {
                found.follow_ups.push(hit?);
            }
        }
    }
    let words = search.words.trim().to_lowercase();
    if words.chars().count() >= MIN_CHARS {
        let limit = (MAX_HITS + 1) as i64;
        let visit = |matched: Matched| {
            move |r: &rusqlite::Row<'_>| {
                Ok(VisitHit {
                    visit_id: r.get(0)?,
                    campaign: r.get(1)?,
                    address: r.get(2)?,
                    door: r.get(3)?,
                    at: r.get(4)?,
                    outcome: r.get(5)?,
                    said: r.get(6)?,
                    matched,
                })
            }
        };
        let said = conn
            .prepare(
                "SELECT v.visit_id, coalesce(c.name, ''), coalesce(b.address, ''), v.door_label,
                        v.at, v.outcome, v.verbatim
                 FROM rm_visits v
                 LEFT JOIN rm_campaigns c ON c.campaign_id = v.campaign_id
                 LEFT JOIN rm_buildings b ON b.building_id = v.building_id
                 WHERE instr(lower(v.verbatim), ?1) > 0 ORDER BY v.at DESC LIMIT ?2",
            )?
            .query_map(params![words, limit], visit(Matched::Verbatim))?
            .collect::<Result<Vec<_>, _>>()?;
        let answered = conn
            .prepare(
                "SELECT a.visit_id, coalesce(c.name, ''), coalesce(b.address, ''),
                        coalesce(v.door_label, ''), a.at, coalesce(v.outcome, ''), a.text
                 FROM rm_answer_values a
                 LEFT JOIN rm_visits v ON v.doc_id = a.doc_id AND v.visit_id = a.visit_id
                 LEFT JOIN rm_campaigns c ON c.campaign_id = a.campaign_id
                 LEFT JOIN rm_buildings b ON b.building_id = a.building_id
                 WHERE a.text IS NOT NULL AND instr(lower(a.text), ?1) > 0
                 ORDER BY a.at DESC LIMIT ?2",
            )?
            .query_map(params![words, limit], visit(Matched::Answer))?
            .collect::<Result<Vec<_>, _>>()?;
        found.truncated |= more(said.len()) || more(answered.len());
        found.visits.extend(said);
        found.visits.extend(answered);
        let described = conn
            .prepare(
                "SELECT f.follow_up_id, f.service, f.description, b.address
                 FROM rm_follow_ups f LEFT JOIN rm_buildings b ON b.building_id = f.building_id
                 WHERE instr(lower(f.description), ?1) > 0 OR instr(lower(f.last_note), ?1) > 0
                 ORDER BY f.raised_at DESC LIMIT ?2",
            )?
            .query_map(params![words, limit], |r| {
                Ok(FollowUpHit {
                    id: r.get(0)?,
                    service: r.get(1)?,
                    description: r.get(2)?,
                    address: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        found.truncated |= more(described.len());
        found.follow_ups.extend(described);
    }
    // One line per visit and per follow-up, whatever matched them twice.
    let mut seen = std::collections::HashSet::new();
    found.visits.retain(|v| seen.insert(v.visit_id.clone()));
    let mut seen = std::collections::HashSet::new();
    found.follow_ups.retain(|f| seen.insert(f.id.clone()));
    found.visits.sort_by_key(|v| std::cmp::Reverse(v.at));
    found.truncated |= more(found.visits.len()) || more(found.follow_ups.len());
    found.visits.truncate(MAX_HITS);
    found.follow_ups.truncate(MAX_HITS);
    Ok(found)
}
