//! What the results pages offer to choose from: the campaigns in the
//! order a coordinator expects, a campaign's sectors, the neighbourhoods,
//! and how fresh the figures are.

use crate::consolidate::Snapshot;
use shared::domain::CampaignId;

/// A campaign as the results pages list it.
#[derive(Clone, Debug)]
pub struct CampaignChoice {
    /// Its id.
    pub id: CampaignId,
    /// Its name.
    pub name: String,
    /// Whether it is an idea collection, whose pages show its own figures
    /// (`office::collection`), not the door figures.
    pub ideas: bool,
}

/// The order campaigns are offered in, the first being the default: those
/// under way today (latest start first), then those that ended (most
/// recently ended first), then those still to come (soonest first). A
/// coordinator and an elected official land on the work in progress, not
/// on an empty campaign planned for next year. `?1` is now (Unix ms).
pub const DEFAULT_FIRST: &str = "ORDER BY
    CASE WHEN starts_at <= ?1 AND ?1 < ends_at + 86400000 THEN 0
         WHEN starts_at <= ?1 THEN 1 ELSE 2 END,
    CASE WHEN starts_at <= ?1 AND ?1 < ends_at + 86400000 THEN -starts_at
         WHEN starts_at <= ?1 THEN -ends_at ELSE starts_at END,
    name, campaign_id";

/// The campaigns the results pages choose from, in [`DEFAULT_FIRST`]
/// order, idea collections included (they show their own figures).
pub fn campaigns(rm: &Snapshot) -> rusqlite::Result<Vec<CampaignChoice>> {
    let mut stmt = rm.conn.prepare(&format!(
        "SELECT campaign_id, name, kind = 'idea_collection' FROM rm_campaigns {DEFAULT_FIRST}"
    ))?;
    let rows = stmt.query_map([crate::storage::control::now_ms()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, bool>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, ideas) = row?;
        if let Ok(id) = id.parse() {
            out.push(CampaignChoice {
                id: CampaignId(id),
                name,
                ideas,
            });
        }
    }
    Ok(out)
}

/// When a campaign runs: (starts, ends), Unix ms.
pub fn period(rm: &Snapshot, campaign: CampaignId) -> rusqlite::Result<Option<(i64, i64)>> {
    use rusqlite::OptionalExtension;
    rm.conn
        .query_row(
            "SELECT starts_at, ends_at FROM rm_campaigns WHERE campaign_id = ?1",
            [campaign.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
}

/// A campaign's sectors: (id, name), by name.
pub fn sectors(rm: &Snapshot, campaign: CampaignId) -> rusqlite::Result<Vec<(String, String)>> {
    pairs(
        rm,
        "SELECT sector_id, name FROM rm_sectors WHERE campaign_id = ?1 ORDER BY name",
        Some(campaign.to_string()),
    )
}

/// The neighbourhoods: (id, name), by name.
pub fn neighbourhoods(rm: &Snapshot) -> rusqlite::Result<Vec<(String, String)>> {
    pairs(
        rm,
        "SELECT neighbourhood_id, name FROM rm_neighbourhoods ORDER BY name",
        None,
    )
}

fn pairs(
    rm: &Snapshot,
    sql: &str,
    param: Option<String>,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = rm.conn.prepare(sql)?;
    let rows = match param {
        Some(p) => stmt
            .query_map([p], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?,
        None => stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(rows)
}

/// How fresh and complete the figures are.
#[derive(Clone, Copy, Debug, Default)]
pub struct Freshness {
    /// The revision of the document store the read model matches.
    pub rev: i64,
    /// Documents the read model could not read.
    pub unreadable: i64,
}

/// The read model's revision and unreadable documents.
pub fn freshness(rm: &Snapshot) -> rusqlite::Result<Freshness> {
    let rev = rm.conn.query_row(
        "SELECT coalesce(max(value), 0) FROM rm_meta WHERE key = 'cursor'",
        [],
        |r| r.get(0),
    )?;
    let unreadable = rm
        .conn
        .query_row("SELECT count(*) FROM rm_unreadable", [], |r| r.get(0))?;
    Ok(Freshness { rev, unreadable })
}

/// The doors of `building` that have a visit, as `door_key`s.
pub fn visited_doors(
    rm: &Snapshot,
    building: &str,
) -> rusqlite::Result<std::collections::HashSet<String>> {
    rm.conn
        .prepare_cached("SELECT DISTINCT door_key FROM rm_visits WHERE building_id = ?1")?
        .query_map([building], |row| row.get::<_, String>(0))?
        .collect()
}
