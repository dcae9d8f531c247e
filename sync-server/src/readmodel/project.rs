//! One document → its rows in the read model. Pure translation: the caller
//! has already deleted the document's previous rows in the same
//! transaction.

use super::ReadModelError;
use crate::readmodel::rules;
use automerge::Automerge;
use rusqlite::{Connection, params};
use shared::domain::{
    Answer, Building, Campaign, CampaignId, CampaignKind, DwellingRef, FollowUp, Idea,
    Neighbourhood, Outcome, QuestionKind, Sector, Visit,
};
use shared::schema::{self, DocId, DocKind, SchemaError};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
pub fn project(
    conn: &Connection,
    doc_id: &DocId,
    doc: &Automerge,
    campaigns: &HashMap<CampaignId, Campaign>,
) -> Result<(), ReadModelError> {
    match project_readable(conn, doc_id, doc, campaigns) {
        Ok(()) => Ok(()),
        Err(ReadModelError::Schema(_) | ReadModelError::Misfiled) => {
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
    campaigns: &HashMap<CampaignId, Campaign>,
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
            project_questions(conn, id, &c)?;
            let mut quote = conn.prepare_cached(
                "INSERT INTO rm_report_quotes (doc_id, campaign_id, visit_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?;
            for visit in &c.report_quotes {
                quote.execute(params![id, c.id.to_string(), visit])?;
            }
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
            if doc_id.building_id() != Some(b.id) {
                return Err(ReadModelError::Misfiled);
            }
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
            // The log keys visits by their id; a visit filed under another
            // id is not counted twice.
            let visits: Vec<&Visit> = visits
                .iter()
                .filter(|(key, v)| **key == v.id.to_string())
                .map(|(_, v)| v)
                .collect();
            project_visits(conn, doc_id, &visits)?;
            if let Some(campaign) = doc_id.campaign_id().and_then(|c| campaigns.get(&c)) {
                project_answers(conn, doc_id, &visits, campaign)?;
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
                 collected_at, title, description, place_name, cost_band, age_band, school,
                 class, home_neighbourhood, status, status_reason, duplicate_of)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                 ?16, ?17, ?18)",
            )?
            .execute(params![
                id,
                i.id.to_string(),
                i.campaign.to_string(),
                i.category,
                i.place.map(|p| p.lon),
                i.place.map(|p| p.lat),
                i.collected_at,
                i.title,
                i.description,
                i.place_name,
                i.cost_band.map(|b| b.as_str()),
                i.proposer.age_band.map(|b| b.as_str()),
                i.proposer.school,
                i.proposer.class,
                i.proposer.neighbourhood.map(|n| n.to_string()),
                i.status.as_str(),
                i.status_reason,
                i.duplicate_of.map(|d| d.to_string()),
            ])?;
        }
        // Personal data never reaches the read model.
        DocKind::Person => {}
    }
    Ok(())
}

/// The rows of one visit log (one building in one campaign): each visit,
/// and the log's figures summed for the building.
fn project_visits(
    conn: &Connection,
    doc_id: &DocId,
    visits: &[&Visit],
) -> Result<(), ReadModelError> {
    let id = doc_id.as_str();
    // The log's campaign and building are its id's, whatever its content.
    let (Some(campaign), Some(building)) = (doc_id.campaign_id(), doc_id.building_id()) else {
        return Ok(());
    };
    let (campaign, building) = (campaign.to_string(), building.to_string());
    let mut insert = conn.prepare_cached(
        "INSERT INTO rm_visits (doc_id, visit_id, campaign_id, building_id, door_key,
         door_label, pass, at, agent_id, outcome, age_band, language, under_25, over_65,
         not_french, follow_up_id, verbatim)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?;
    let mut topic = conn.prepare_cached(
        "INSERT INTO rm_visit_topics (doc_id, visit_id, topic, campaign_id, building_id, at,
         talked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )?;
    let mut person = conn.prepare_cached(
        "INSERT INTO rm_visit_persons (doc_id, visit_id, person_id) VALUES (?1, ?2, ?3)",
    )?;
    let talked = |v: &Visit| v.outcome == Outcome::Talked;
    let mut doors: HashSet<&DwellingRef> = HashSet::new();
    let mut doors_talked: HashSet<&DwellingRef> = HashSet::new();
    let mut outcomes: BTreeMap<(u8, &str), i64> = BTreeMap::new();
    let mut topics: BTreeMap<&str, i64> = BTreeMap::new();
    let mut first_day: HashMap<&DwellingRef, i64> = HashMap::new();
    let mut agents: BTreeMap<String, Vec<&Visit>> = BTreeMap::new();
    let (mut conversations, mut under_25, mut over_65, mut not_french) = (0, 0, 0, 0);
    for v in visits {
        // A visit of another campaign or building in this log is not
        // this log's (the policy refuses them; a stored one is skipped).
        if v.campaign.to_string() != campaign || v.building.to_string() != building {
            continue;
        }
        let age = v.profile.age_band.as_deref();
        let language = v.profile.language.as_deref();
        let flags = (
            rules::under_25(age),
            rules::over_65(age),
            rules::not_french(language),
        );
        insert.execute(params![
            id,
            v.id.to_string(),
            campaign,
            building,
            door_key(&building, &v.door.entrance, v.door.floor, &v.door.door),
            door_label(&v.door.entrance, v.door.floor, &v.door.door),
            i64::from(v.pass.0),
            v.at,
            v.agent.to_string(),
            v.outcome.as_str(),
            v.profile.age_band,
            v.profile.language,
            i64::from(flags.0),
            i64::from(flags.1),
            i64::from(flags.2),
            v.follow_up.map(|f| f.to_string()),
            v.verbatim
        ])?;
        if let Some(p) = v.person {
            person.execute(params![id, v.id.to_string(), p.to_string()])?;
        }
        for t in &v.topics {
            topic.execute(params![
                id,
                v.id.to_string(),
                t,
                campaign,
                building,
                v.at,
                i64::from(talked(v))
            ])?;
        }
        doors.insert(&v.door);
        *outcomes.entry((v.pass.0, v.outcome.as_str())).or_default() += 1;
        let day = rules::day(v.at);
        first_day
            .entry(&v.door)
            .and_modify(|d| *d = (*d).min(day))
            .or_insert(day);
        agents.entry(v.agent.to_string()).or_default().push(v);
        if talked(v) {
            doors_talked.insert(&v.door);
            conversations += 1;
            under_25 += i64::from(flags.0);
            over_65 += i64::from(flags.1);
            not_french += i64::from(flags.2);
            let unique: BTreeSet<&str> = v.topics.iter().map(String::as_str).collect();
            for t in unique {
                *topics.entry(t).or_default() += 1;
            }
        }
    }
    let counted: i64 = outcomes.values().sum();
    conn.prepare_cached(
        "INSERT INTO rm_agg_buildings (doc_id, campaign_id, building_id, visits, doors_reached,
         doors_talked, conversations, under_25, over_65, not_french)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        campaign,
        building,
        counted,
        doors.len() as i64,
        doors_talked.len() as i64,
        conversations,
        under_25,
        over_65,
        not_french
    ])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO rm_agg_outcomes (doc_id, campaign_id, building_id, pass, outcome, visits)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for ((pass, outcome), n) in outcomes {
        insert.execute(params![id, campaign, building, i64::from(pass), outcome, n])?;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO rm_agg_topics (doc_id, campaign_id, building_id, topic, conversations)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (t, n) in topics {
        insert.execute(params![id, campaign, building, t, n])?;
    }
    let mut days: BTreeMap<i64, i64> = BTreeMap::new();
    for day in first_day.values() {
        *days.entry(*day).or_default() += 1;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO rm_agg_first_days (doc_id, campaign_id, building_id, day, doors)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (day, n) in days {
        insert.execute(params![id, campaign, building, day, n])?;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO rm_agg_agents (doc_id, campaign_id, building_id, agent_id, visits, doors,
         doors_talked, conversations, rapid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (agent, mut mine) in agents {
        mine.sort_by_key(|v| (v.at, v.id));
        let rapid = mine
            .windows(2)
            .filter(|w| w[1].at.saturating_sub(w[0].at) < rules::RAPID_GAP_MS)
            .count() as i64;
        let doors: HashSet<&DwellingRef> = mine.iter().map(|v| &v.door).collect();
        let talked_doors: HashSet<&DwellingRef> =
            mine.iter().filter(|v| talked(v)).map(|v| &v.door).collect();
        let conversations = mine.iter().filter(|v| talked(v)).count() as i64;
        insert.execute(params![
            id,
            campaign,
            building,
            agent,
            mine.len() as i64,
            doors.len() as i64,
            talked_doors.len() as i64,
            conversations,
            rapid
        ])?;
    }
    Ok(())
}

/// Every published version's questions (the draft is answered by nobody):
/// their kind, wording and options, for the answers' labels.
fn project_questions(conn: &Connection, id: &str, c: &Campaign) -> Result<(), ReadModelError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO rm_questions (doc_id, campaign_id, version, question_id, position, kind,
         scale_min, scale_max, label, options, option_labels, show_if)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT DO NOTHING",
    )?;
    let published = std::iter::once(&c.questionnaire)
        .chain(&c.past_questionnaires)
        .filter(|q| q.version > 0);
    for questionnaire in published {
        for (position, q) in questionnaire.questions.iter().enumerate() {
            let (kind, scale, options): (&str, Option<(i64, i64)>, &[String]) = match &q.kind {
                QuestionKind::SingleChoice { options } => ("single", None, options),
                QuestionKind::MultipleChoice { options } => ("multiple", None, options),
                QuestionKind::Scale { min, max } => ("scale", Some((*min, *max)), &[]),
                QuestionKind::FreeText => ("text", None, &[]),
            };
            insert.execute(params![
                id,
                c.id.to_string(),
                i64::from(questionnaire.version),
                q.id,
                position as i64,
                kind,
                scale.map(|s| s.0),
                scale.map(|s| s.1),
                json(&q.label)?,
                json(&options)?,
                json(&q.option_labels)?,
                q.show_if
                    .as_ref()
                    .map(|c| json(&(&c.question, &c.equals)))
                    .transpose()?
            ])?;
        }
    }
    Ok(())
}

/// What each talked visit was asked and answered, in the questionnaire
/// version it answered: a question is asked when its condition held on
/// that visit's answers ([`shared::domain::Questionnaire::is_asked`]).
/// A visit with no version answered nothing (the policy refuses answers
/// without one); an answer to a question not asked is not counted.
fn project_answers(
    conn: &Connection,
    doc_id: &DocId,
    visits: &[&Visit],
    campaign: &Campaign,
) -> Result<(), ReadModelError> {
    let id = doc_id.as_str();
    let campaign_id = campaign.id.to_string();
    let mut asked = conn.prepare_cached(
        "INSERT INTO rm_asked (doc_id, visit_id, question_id, campaign_id, building_id, at,
         age_band, language, version, answered)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
    )?;
    let mut value = conn.prepare_cached(
        "INSERT INTO rm_answer_values (doc_id, visit_id, question_id, value, campaign_id,
         building_id, at, age_band, language, text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
    )?;
    let building = doc_id
        .building_id()
        .map(|b| b.to_string())
        .unwrap_or_default();
    // The same, summed over the log, for views of the whole campaign.
    // Keyed by question (and value), then once in all ("", ""), once by
    // age band and once by language.
    let mut sums: BTreeMap<(&str, &str, &str), (i64, i64)> = BTreeMap::new();
    let mut chosen: BTreeMap<(&str, String, &str, &str), i64> = BTreeMap::new();
    for v in visits {
        // As for the visits' rows: another campaign's or building's visit
        // in this log is not this log's.
        if v.outcome != Outcome::Talked
            || v.campaign != campaign.id
            || doc_id.building_id() != Some(v.building)
        {
            continue;
        }
        let Some(questionnaire) = v
            .questionnaire_version
            .and_then(|version| campaign.questionnaire_version(version))
        else {
            continue;
        };
        let visit = v.id.to_string();
        let publics = [
            ("", ""),
            ("age_band", v.profile.age_band.as_deref().unwrap_or("")),
            ("language", v.profile.language.as_deref().unwrap_or("")),
        ];
        // A question id twice in a version (a malformed document) counts
        // once, as the per-conversation rows keep it.
        let mut seen = std::collections::BTreeSet::new();
        for q in questionnaire.asked(&v.answers) {
            if !seen.insert(q.id.as_str()) {
                continue;
            }
            let answer = v
                .answers
                .get(&q.id)
                .filter(|a| fits(&q.kind, a) && !blank(a));
            asked.execute(params![
                id,
                visit,
                q.id,
                campaign_id,
                building,
                v.at,
                v.profile.age_band,
                v.profile.language,
                i64::from(questionnaire.version),
                i64::from(answer.is_some())
            ])?;
            for (by, public) in publics {
                let sum = sums.entry((q.id.as_str(), by, public)).or_default();
                sum.0 += 1;
                sum.1 += i64::from(answer.is_some());
            }
            let mut values: Vec<(String, Option<&str>)> = match answer {
                None => Vec::new(),
                Some(Answer::Choice(option)) => vec![(option.clone(), None)],
                Some(Answer::Choices(options)) => {
                    options.iter().map(|o| (o.clone(), None)).collect()
                }
                Some(Answer::Scale(n)) => vec![(n.to_string(), None)],
                Some(Answer::Text(text)) => vec![(String::new(), Some(text.as_str()))],
            };
            // An option ticked twice counts once.
            values.sort_unstable();
            values.dedup();
            for (shown, text) in values {
                if text.is_none() {
                    for (by, public) in publics {
                        *chosen
                            .entry((q.id.as_str(), shown.clone(), by, public))
                            .or_default() += 1;
                    }
                }
                value.execute(params![
                    id,
                    visit,
                    q.id,
                    shown,
                    campaign_id,
                    building,
                    v.at,
                    v.profile.age_band,
                    v.profile.language,
                    text
                ])?;
            }
        }
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO rm_agg_asked (doc_id, campaign_id, building_id, question_id, by_public,
         public, asked, answered) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for ((question, by, public), (n, answered)) in sums {
        insert.execute(params![
            id,
            campaign_id,
            building,
            question,
            by,
            public,
            n,
            answered
        ])?;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO rm_agg_answer_values (doc_id, campaign_id, building_id, question_id, value,
         by_public, public, n) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for ((question, value, by, public), n) in chosen {
        insert.execute(params![
            id,
            campaign_id,
            building,
            question,
            value,
            by,
            public,
            n
        ])?;
    }
    Ok(())
}

/// Whether an answer is of its question's kind (the policy checks it on
/// every write; a stored one that is not is not counted).
fn fits(kind: &QuestionKind, answer: &Answer) -> bool {
    matches!(
        (kind, answer),
        (QuestionKind::SingleChoice { .. }, Answer::Choice(_))
            | (QuestionKind::MultipleChoice { .. }, Answer::Choices(_))
            | (QuestionKind::Scale { .. }, Answer::Scale(_))
            | (QuestionKind::FreeText, Answer::Text(_))
    )
}

/// Whether an answer says nothing: no box left ticked, or only spaces
/// typed (the phone keeps what a resident unticked or erased). It counts
/// as not answered.
fn blank(answer: &Answer) -> bool {
    match answer {
        Answer::Choices(chosen) => chosen.is_empty(),
        Answer::Text(text) => text.trim().is_empty(),
        Answer::Choice(_) | Answer::Scale(_) => false,
    }
}

/// A value as the tables keep it: JSON.
fn json<T: serde::Serialize>(value: &T) -> Result<String, ReadModelError> {
    serde_json::to_string(value).map_err(ReadModelError::Json)
}

impl From<SchemaError> for ReadModelError {
    fn from(error: SchemaError) -> Self {
        ReadModelError::Schema(Box::new(error))
    }
}
