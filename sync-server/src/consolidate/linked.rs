//! The visits an erasure request reaches (`crate::erasure`): those that
//! signed up one of the persons to erase, and those a coordinator ticked
//! after finding them by door or by words. The read model's SQL lives
//! here, with its other readers.

use super::Snapshot;
use rusqlite::{OptionalExtension, params};

/// Visits one request may reach at most: a resident's visits are a few;
/// more is a mistake in what was ticked.
pub const MAX_VISITS: usize = 500;

/// A visit an erasure reaches, as the confirmation lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedVisit {
    /// Its visit log, as projected (a later generation may have replaced
    /// it since: the erasure reads the current one).
    pub doc_id: String,
    /// The visit.
    pub visit_id: String,
    /// The building's address.
    pub address: String,
    /// The door, as people read it.
    pub door: String,
    /// When.
    pub at: i64,
    /// Its outcome (`Outcome::as_str`).
    pub outcome: String,
    /// The volunteer it signed up, if any.
    pub person: Option<String>,
    /// The follow-up it raised, if any.
    pub follow_up: Option<String>,
}

const ROW: &str = "SELECT v.doc_id, v.visit_id, coalesce(b.address, ''), v.door_label, v.at,
        v.outcome, p.person_id, v.follow_up_id
     FROM rm_visits v
     LEFT JOIN rm_buildings b ON b.building_id = v.building_id
     LEFT JOIN rm_visit_persons p ON p.doc_id = v.doc_id AND p.visit_id = v.visit_id
     WHERE v.visit_id = ?1";

/// The visits that signed up one of `persons`, and the visits `visits`
/// (ids as text), each once, oldest first; at most [`MAX_VISITS`]
/// (`truncated` says when there were more).
pub fn linked(
    rm: &Snapshot,
    persons: &[String],
    visits: &[String],
) -> rusqlite::Result<(Vec<LinkedVisit>, bool)> {
    let conn = &rm.conn;
    let mut ids: Vec<String> = Vec::new();
    let mut of_person = conn.prepare_cached(
        "SELECT visit_id FROM rm_visit_persons WHERE person_id = ?1 ORDER BY visit_id",
    )?;
    for person in persons {
        for id in of_person.query_map([person], |r| r.get::<_, String>(0))? {
            ids.push(id?);
        }
    }
    ids.extend(visits.iter().cloned());
    ids.sort();
    ids.dedup();
    let truncated = ids.len() > MAX_VISITS;
    ids.truncate(MAX_VISITS);
    let mut row = conn.prepare_cached(ROW)?;
    let mut found = Vec::with_capacity(ids.len());
    for id in &ids {
        let hit = row
            .query_row(params![id], |r| {
                Ok(LinkedVisit {
                    doc_id: r.get(0)?,
                    visit_id: r.get(1)?,
                    address: r.get(2)?,
                    door: r.get(3)?,
                    at: r.get(4)?,
                    outcome: r.get(5)?,
                    person: r.get(6)?,
                    follow_up: r.get(7)?,
                })
            })
            .optional()?;
        found.extend(hit);
    }
    found.sort_by(|a, b| (a.at, &a.visit_id).cmp(&(b.at, &b.visit_id)));
    Ok((found, truncated))
}
