//! Follow-ups as the office lists them: a campaign's, filtered by service
//! and status, newest first, with the building's address.

use crate::consolidate::Snapshot;

/// One follow-up as the list shows it.
#[derive(Clone, Debug)]
pub struct FollowUpRow {
    /// Its id.
    pub id: String,
    /// The city service it is for.
    pub service: String,
    /// What the agent wrote.
    pub description: String,
    /// The building's address, if the building is known.
    pub address: Option<String>,
    /// Its status (`FollowUpStatus::as_str`).
    pub status: String,
    /// When it was raised.
    pub raised_at: Option<i64>,
    /// When its status last changed.
    pub updated_at: Option<i64>,
    /// The note of its last status change.
    pub last_note: String,
}

/// The services a campaign's follow-ups went to, by name.
pub fn services(rm: &Snapshot, campaign: &str) -> rusqlite::Result<Vec<String>> {
    rm.conn
        .prepare(
            "SELECT DISTINCT service FROM rm_follow_ups WHERE campaign_id = ?1 ORDER BY service",
        )?
        .query_map([campaign], |r| r.get(0))?
        .collect()
}

/// A campaign's follow-ups, for one service and one status when given,
/// newest first.
pub fn list(
    rm: &Snapshot,
    campaign: &str,
    service: Option<String>,
    status: Option<&str>,
) -> rusqlite::Result<Vec<FollowUpRow>> {
    // Conditions only for the filters given: no untyped NULL parameter,
    // which PostgreSQL cannot type.
    let mut sql = String::from(
        "SELECT f.follow_up_id, f.service, f.description, b.address, f.status,
                f.raised_at, f.updated_at, f.last_note
         FROM rm_follow_ups f LEFT JOIN rm_buildings b ON b.building_id = f.building_id
         WHERE f.campaign_id = ?",
    );
    let mut params = vec![campaign.to_string()];
    if let Some(service) = service {
        sql.push_str(" AND f.service = ?");
        params.push(service);
    }
    if let Some(status) = status {
        sql.push_str(" AND f.status = ?");
        params.push(status.to_string());
    }
    sql.push_str(" ORDER BY f.raised_at DESC NULLS LAST, f.follow_up_id");
    let mut stmt = rm.conn.prepare(&sql)?;
    stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        Ok(FollowUpRow {
            id: r.get(0)?,
            service: r.get(1)?,
            description: r.get(2)?,
            address: r.get(3)?,
            status: r.get(4)?,
            raised_at: r.get(5)?,
            updated_at: r.get(6)?,
            last_note: r.get(7)?,
        })
    })?
    .collect()
}
