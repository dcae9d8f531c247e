//! One document → its rows in the read model. Pure translation: the caller
//! has already deleted the document's previous rows in the same
//! transaction.

use super::ReadModelError;
use automerge::Automerge;
use rusqlite::{Connection, params};
use shared::domain::{Building, Campaign, CampaignKind, FollowUp, Idea, Neighbourhood, Sector};
use shared::schema::{self, DocId, DocKind, SchemaError};

/// The separator of a door key's parts: a control character no label holds.
const KEY_SEPARATOR: char = '\u{1f}';

/// One door of one building as a single value, so `COUNT(DISTINCT …)`
/// counts doors the same way in SQLite and PostgreSQL.
pub fn door_key(building: &str, entrance: &str, floor: i32, door: &str) -> String {
    format!("{building}{KEY_SEPARATOR}{entrance}{KEY_SEPARATOR}{floor}{KEY_SEPARATOR}{door}")
}

/// A door as people read it: entrance, floor, door.
pub fn door_label(entrance: &str, floor: i32, door: &str) -> String {
    format!("{entrance} · {floor} · {door}")
}

fn campaign_kind(kind: CampaignKind) -> &'static str {
    match kind {
        CampaignKind::DoorToDoor => "door_to_door",
        CampaignKind::IdeaCollection => "idea_collection",
        CampaignKind::StreetStand => "street_stand",
        CampaignKind::ExploratoryWalk => "exploratory_walk",
    }
}

/// Writes the rows of one document. A document whose content does not read
/// as its kind is recorded in `rm_unreadable` instead, so the office can say
/// how many records its figures leave out.
pub fn project(conn: &Connection, doc_id: &DocId, doc: &Automerge) -> Result<(), ReadModelError> {
    match project_readable(conn, doc_id, doc) {
        Ok(()) => Ok(()),
        Err(ReadModelError::Schema(_)) => {
            conn.execute(
                "INSERT INTO rm_unreadable (doc_id, kind) VALUES (?1, ?2)",
                params![doc_id.as_str(), doc_id.kind().as_str()],
            )?;
            Ok(())
        }
        Err(other) => Err(other),
    }
}

fn project_readable(
    conn: &Connection,
    doc_id: &DocId,
    doc: &Automerge,
) -> Result<(), ReadModelError> {
    let id = doc_id.as_str();
    match doc_id.kind() {
        DocKind::Campaign => {
            let c: Campaign = schema::read(doc)?;
            conn.prepare_cached(
                "INSERT INTO rm_campaigns (doc_id, campaign_id, name, kind, starts_at, ends_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                c.id.to_string(),
                c.name,
                campaign_kind(c.kind),
                c.starts_at,
                c.ends_at
            ])?;
        }
        DocKind::Neighbourhood => {
            let n: Neighbourhood = schema::read(doc)?;
            let polygons: Vec<Vec<Vec<[f64; 2]>>> = n
                .polygons
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|ring| ring.iter().map(|pt| [pt.lon, pt.lat]).collect())
                        .collect()
                })
                .collect();
            conn.prepare_cached(
                "INSERT INTO rm_neighbourhoods (doc_id, neighbourhood_id, name, polygons)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                id,
                n.id.to_string(),
                n.name,
                serde_json::to_string(&polygons).map_err(ReadModelError::Json)?
            ])?;
        }
        DocKind::Building => {
            let b: Building = schema::read(doc)?;
            conn.prepare_cached(
                "INSERT INTO rm_buildings
                 (doc_id, building_id, key, address, neighbourhood_id, lon, lat, doors)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                b.id.to_string(),
                b.key,
                b.address,
                b.neighbourhood.map(|n| n.to_string()),
                b.location.lon,
                b.location.lat,
                i64::try_from(b.dwelling_count()).unwrap_or(i64::MAX)
            ])?;
        }
        DocKind::Sector => {
            let s: Sector = schema::read(doc)?;
            conn.prepare_cached(
                "INSERT INTO rm_sectors (doc_id, sector_id, campaign_id, name)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                id,
                s.id.to_string(),
                s.campaign.to_string(),
                s.name
            ])?;
            let mut insert = conn.prepare_cached(
                "INSERT INTO rm_sector_buildings
                 (doc_id, sector_id, campaign_id, sector_name, building_id)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            )?;
            for building in &s.buildings {
                insert.execute(params![
                    id,
                    s.id.to_string(),
                    s.campaign.to_string(),
                    s.name,
                    building.to_string()
                ])?;
            }
        }
        DocKind::Visits => {
            let visits = schema::visits(doc)?;
            let mut insert = conn.prepare_cached(
                "INSERT INTO rm_visits (doc_id, visit_id, campaign_id, building_id, door_key,
                 door_label, pass, at, agent_id, outcome, age_band, language, follow_up_id,
                 verbatim)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            let mut topic = conn.prepare_cached(
                "INSERT INTO rm_visit_topics (doc_id, visit_id, topic) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?;
            for (key, v) in &visits {
                // The log keys visits by their id; a visit filed under
                // another id is not counted twice.
                if *key != v.id.to_string() {
                    continue;
                }
                let building = v.building.to_string();
                insert.execute(params![
                    id,
                    key,
                    v.campaign.to_string(),
                    building,
                    door_key(&building, &v.door.entrance, v.door.floor, &v.door.door),
                    door_label(&v.door.entrance, v.door.floor, &v.door.door),
                    i64::from(v.pass.0),
                    v.at,
                    v.agent.to_string(),
                    v.outcome.as_str(),
                    v.profile.age_band,
                    v.profile.language,
                    v.follow_up.map(|f| f.to_string()),
                    v.verbatim
                ])?;
                for t in &v.topics {
                    topic.execute(params![id, key, t])?;
                }
            }
        }
        DocKind::FollowUp => {
            let f: FollowUp = schema::read(doc)?;
            let first = f.history.first();
            let last = f.history.last();
            conn.prepare_cached(
                "INSERT INTO rm_follow_ups (doc_id, follow_up_id, campaign_id, service,
                 description, building_id, status, raised_at, updated_at, last_note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                f.id.to_string(),
                f.campaign.to_string(),
                f.service,
                f.description,
                f.building.map(|b| b.to_string()),
                f.status.as_str(),
                first.map(|c| c.at),
                last.map(|c| c.at),
                last.map(|c| c.note.as_str()).unwrap_or_default()
            ])?;
        }
        DocKind::Idea => {
            let i: Idea = schema::read(doc)?;
            conn.prepare_cached(
                "INSERT INTO rm_ideas (doc_id, idea_id, campaign_id, category, lon, lat,
                 collected_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                i.id.to_string(),
                i.campaign.to_string(),
                i.category,
                i.place.map(|p| p.lon),
                i.place.map(|p| p.lat),
                i.collected_at
            ])?;
        }
        // Personal data never reaches the read model.
        DocKind::Person => {}
    }
    Ok(())
}

impl From<SchemaError> for ReadModelError {
    fn from(error: SchemaError) -> Self {
        ReadModelError::Schema(Box::new(error))
    }
}
