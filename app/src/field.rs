//! What a canvasser does, as operations on the local store: list sectors
//! with their progress, open a building as a grid of doors, record an
//! outcome, undo it, record a conversation with its questionnaire, topics,
//! follow-up and volunteer sign-up.
//!
//! Each operation is one durable store transaction: when it returns, the
//! record survives a killed app. Nothing here touches the network or the
//! UI, so the same code runs in the web build's storage worker, in the
//! desktop build, and in plain unit tests.

use automerge::Automerge;
use serde::{Deserialize, Serialize};
use shared::domain::*;
use shared::schema::{self, DocId, DocKind, SchemaError, SingleRecord};
use shared::store::{Origin, Store, StoreError};
use std::collections::BTreeMap;

/// A field operation failed; nothing was half-saved.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A document did not have the expected content.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The thing asked for is not on this device.
    #[error("{0} is not on this device")]
    Missing(String),
    /// The visit may have reached the server already, or is another
    /// agent's: it is corrected by a new outcome, never undone.
    #[error("this visit can no longer be undone from the phone")]
    NoLongerUndoable,
    /// Only the agent who recorded a conversation corrects it.
    #[error("only the agent who recorded this conversation can correct it")]
    NotYours,
    /// The office erased what this conversation said: it is not written
    /// again.
    #[error("the office erased what this conversation said")]
    WordsErased,
    /// A child under 15 signs up only with a parent's or guardian's
    /// agreement.
    #[error("a child under 15 signs up only with a parent's agreement")]
    ParentNeeded,
}

/// The last pass there is.
pub const LAST_PASS: u8 = 3;

/// The age band of children under 15, who sign up only with a parent.
pub const UNDER_15: &str = "<15";

/// A building in a walk list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildingSummary {
    /// Its id.
    pub id: BuildingId,
    /// Its address.
    pub address: String,
    /// Where it stands.
    pub location: Point,
    /// Its dwellings.
    pub dwellings: usize,
    /// Dwellings with a final outcome (talked, refused, vacant).
    pub settled: usize,
    /// Dwellings with at least one visit.
    pub visited: usize,
    /// The pass the building is on (see [`BuildingGrid::pass`]).
    pub pass: Pass,
    /// Doors still to knock in this pass: not settled, not yet knocked in
    /// this pass.
    pub to_knock: usize,
    /// Doors knocked in this pass without a final outcome (not home, no
    /// access, come back): they wait for the next pass, or, on the last
    /// pass, stay unanswered.
    pub next_pass: usize,
}

impl BuildingSummary {
    /// Doors without a final outcome, whatever the pass.
    pub fn doors_left(&self) -> usize {
        self.dwellings.saturating_sub(self.settled)
    }
}

/// A sector with its buildings in walking order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectorSummary {
    /// Its id.
    pub id: SectorId,
    /// Its name.
    pub name: String,
    /// Its campaign.
    pub campaign: CampaignId,
    /// The campaign's name.
    pub campaign_name: String,
    /// Buildings in walking order.
    pub buildings: Vec<BuildingSummary>,
    /// Whether the office assigned this device's agent to it.
    pub mine: bool,
}

/// One door in a building's grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DoorState {
    /// Where it is.
    pub door: DwellingRef,
    /// Its last visit: id, outcome, pass.
    pub last: Option<(VisitId, Outcome, Pass)>,
    /// Whether a final outcome was recorded.
    pub settled: bool,
    /// The pass a new visit here would be.
    pub next_pass: Pass,
    /// What became of the problems raised at this door, as the office last
    /// set them: the agent tells the resident on the next pass.
    #[serde(default)]
    pub follow_ups: Vec<FollowUpNews>,
    /// Whether a conversation begun here waits on this phone
    /// (`crate::drafts`).
    #[serde(default)]
    pub draft: bool,
}

/// A follow-up raised at a door, as the phone last received it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpNews {
    /// The city service.
    pub service: String,
    /// Where it stands.
    pub status: FollowUpStatus,
    /// The office's note with the last change, if any.
    pub note: String,
}

/// A floor of the grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FloorState {
    /// 0 for the ground floor.
    pub level: i32,
    /// Its doors.
    pub doors: Vec<DoorState>,
}

/// An entrance of the grid, floors from the top down as on the letterboxes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntranceState {
    /// Its label.
    pub label: String,
    /// Whether a door code usually keeps canvassers out.
    pub has_door_code: bool,
    /// Floors, highest first.
    pub floors: Vec<FloorState>,
}

/// A building opened as a grid of doors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildingGrid {
    /// The building.
    pub id: BuildingId,
    /// Its address.
    pub address: String,
    /// Its landlord, when the territory says.
    pub landlord: Option<String>,
    /// The campaign being worked.
    pub campaign: CampaignId,
    /// The pass the building is on: the lowest pass any unsettled door
    /// waits for.
    pub pass: Pass,
    /// Entrances.
    pub entrances: Vec<EntranceState>,
}

impl BuildingGrid {
    /// The doors still to knock in this pass, and those knocked in it
    /// without a final outcome (as [`BuildingSummary`] counts them).
    pub fn counts(&self) -> (usize, usize) {
        pass_counts(self.doors(), self.pass)
    }

    fn doors(&self) -> impl Iterator<Item = &DoorState> {
        self.entrances
            .iter()
            .flat_map(|e| &e.floors)
            .flat_map(|f| &f.doors)
    }
}

/// A conversation at a door, as the form collects it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Talk {
    /// The campaign.
    pub campaign: CampaignId,
    /// The building.
    pub building: BuildingId,
    /// The door.
    pub door: DwellingRef,
    /// Questionnaire version answered.
    pub questionnaire_version: Option<u32>,
    /// Answers by question id.
    pub answers: BTreeMap<String, Answer>,
    /// Topics raised.
    pub topics: Vec<String>,
    /// The resident's words.
    pub verbatim: String,
    /// Who answered, without a name.
    pub profile: ResidentProfile,
    /// A problem for a city service: (service, description).
    pub follow_up: Option<(String, String)>,
    /// A volunteer sign-up.
    pub volunteer: Option<Volunteer>,
    /// The notice version shown at the door before anything was noted
    /// (`None`: the phone holds none, the municipality published none).
    #[serde(default)]
    pub notice_version: Option<u32>,
}

/// A resident who agreed to be contacted again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Volunteer {
    /// How to address them.
    pub display_name: String,
    /// Phone, if given.
    pub phone: Option<String>,
    /// E-mail, if given.
    pub email: Option<String>,
    /// The consent wording version shown.
    pub wording_version: String,
    /// The language it was shown in.
    pub language: String,
    /// What they agreed to, each ticked on its own.
    #[serde(default)]
    pub purposes: Vec<ConsentPurpose>,
    /// The notice version whose consent sentence was shown.
    #[serde(default)]
    pub notice_version: Option<u32>,
    /// The hash of that version's text in `language`.
    #[serde(default)]
    pub text_hash: Option<String>,
    /// A parent or guardian gave the agreement (required under 15).
    #[serde(default)]
    pub parental: bool,
}

/// Personal data is kept this long after the consent, at most.
const RETENTION_MS: i64 = 3 * 365 * 24 * 3600 * 1000;

fn records<T: SingleRecord>(store: &Store, kind: DocKind) -> Result<Vec<T>, FieldError> {
    // One bad record must not hide a whole sector.
    Ok(shared::sync::Records::readable_records(store, kind)?)
}

fn record<T: SingleRecord>(store: &Store, id: &DocId) -> Result<T, FieldError> {
    let doc = store
        .load(id)?
        .ok_or_else(|| FieldError::Missing(id.to_string()))?;
    Ok(schema::read(&doc)?)
}

/// The campaign a sector belongs to.
pub fn campaign(store: &Store, id: CampaignId) -> Result<Campaign, FieldError> {
    record(store, &DocId::campaign(id))
}

fn visits_of(
    store: &Store,
    campaign: CampaignId,
    building: BuildingId,
) -> Result<Vec<Visit>, FieldError> {
    let Some(doc) = store.load(&store.current_visits(campaign, building)?)? else {
        return Ok(Vec::new());
    };
    Ok(schema::visits(&doc)?.into_values().collect())
}

/// One earlier visit of a door, as the door sheet lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PastVisit {
    /// The visit.
    pub id: VisitId,
    /// Whether this phone's agent may correct it: their own conversation.
    pub correctable: bool,
    /// Whether the office erased what was said there.
    pub words_erased: bool,
    /// Which pass.
    pub pass: Pass,
    /// What happened.
    pub outcome: Outcome,
    /// When (the recording phone's clock).
    pub at: Timestamp,
    /// Whether this phone's agent recorded it (a colleague's otherwise:
    /// the phone knows no colleague's name).
    pub mine: bool,
    /// What the door answered then, in the questionnaire's order: so a
    /// second visit does not ask again what was answered.
    pub answers: Vec<PastAnswer>,
}

/// One answer given at an earlier visit, with the wordings the agent reads
/// it in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PastAnswer {
    /// The question's wording per language.
    pub question: Translations,
    /// What was answered.
    pub said: Said,
}

/// An answer as the door sheet shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Said {
    /// The options chosen, each's wording per language.
    Options(Vec<Translations>),
    /// A number on a scale, or words as they were said.
    Value(String),
}

/// The answers of `visit` in the questionnaire version it answered, in
/// its order; none when the phone does not hold that version.
fn past_answers(campaign: Option<&Campaign>, visit: &Visit) -> Vec<PastAnswer> {
    let Some(questionnaire) = visit
        .questionnaire_version
        .and_then(|v| campaign?.questionnaire_version(v))
    else {
        return Vec::new();
    };
    questionnaire
        .asked(&visit.answers)
        .filter_map(|q| {
            let option = |id: &String| {
                q.option_labels
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| Translations::from([(String::new(), id.clone())]))
            };
            let said = match visit.answers.get(&q.id)? {
                Answer::Choice(o) => Said::Options(vec![option(o)]),
                Answer::Choices(o) => Said::Options(o.iter().map(option).collect()),
                Answer::Scale(n) => Said::Value(n.to_string()),
                Answer::Text(t) => Said::Value(t.clone()),
            };
            Some(PastAnswer {
                question: q.label.clone(),
                said,
            })
        })
        .collect()
}

/// A door's visits in this campaign, newest first: what the agent reads
/// before knocking again.
pub fn door_history(
    store: &Store,
    campaign: CampaignId,
    building: BuildingId,
    door: &DwellingRef,
    me: Option<AgentId>,
) -> Result<Vec<PastVisit>, FieldError> {
    // A campaign the phone cannot read leaves the answers out, never the
    // visits.
    let questions: Option<Campaign> = store
        .load(&DocId::campaign(campaign))?
        .and_then(|doc| schema::read(&doc).ok());
    let mut visits: Vec<PastVisit> = visits_of(store, campaign, building)?
        .into_iter()
        .filter(|v| v.door == *door)
        .map(|v| PastVisit {
            id: v.id,
            // Words the office erased are not written again.
            // Words erased by the office, or past their retention, are not
            // written again (the server refuses it too).
            correctable: Some(v.agent) == me
                && v.outcome == Outcome::Talked
                && !v.words_erased
                && !v.words_expired,
            words_erased: v.words_erased,
            pass: v.pass,
            outcome: v.outcome,
            at: v.at,
            mine: Some(v.agent) == me,
            answers: past_answers(questions.as_ref(), &v),
        })
        .collect();
    visits.sort_by_key(|v| std::cmp::Reverse((v.pass, v.at)));
    Ok(visits)
}

/// Each door's visits, oldest first.
fn by_door(visits: Vec<Visit>) -> BTreeMap<DwellingRef, Vec<Visit>> {
    let mut doors: BTreeMap<DwellingRef, Vec<Visit>> = BTreeMap::new();
    for visit in visits {
        doors.entry(visit.door.clone()).or_default().push(visit);
    }
    for list in doors.values_mut() {
        list.sort_by_key(|v| (v.pass, v.at));
    }
    doors
}

fn door_state(door: DwellingRef, visits: Option<&Vec<Visit>>) -> DoorState {
    let visits = visits.map(Vec::as_slice).unwrap_or_default();
    let settled = visits.iter().any(|v| v.outcome.is_final());
    let passes = visits.iter().map(|v| v.pass.0).max().unwrap_or(0);
    DoorState {
        door,
        last: visits.last().map(|v| (v.id, v.outcome, v.pass)),
        settled,
        next_pass: Pass((passes + 1).min(LAST_PASS)),
        follow_ups: Vec::new(),
        draft: false,
    }
}

/// The follow-ups raised at a door, read from the phone's copies (a
/// follow-up the phone does not hold, or cannot read, is left out).
fn follow_up_news(store: &Store, visits: Option<&Vec<Visit>>) -> Vec<FollowUpNews> {
    visits
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.follow_up)
        // Two visits may name the same follow-up: it is told once.
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter_map(|id| {
            // A follow-up whose description was erased lives on as a later
            // generation.
            let doc_id = store.current(&DocId::follow_up(id)).ok()?;
            record::<FollowUp>(store, &doc_id).ok()
        })
        .map(|f| FollowUpNews {
            note: f.history.last().map(|c| c.note.clone()).unwrap_or_default(),
            service: f.service,
            status: f.status,
        })
        .collect()
}

/// Every door of a building with its state, from the building's visits.
fn door_states(building: &Building, doors: &BTreeMap<DwellingRef, Vec<Visit>>) -> Vec<DoorState> {
    building
        .dwellings()
        .map(|d| {
            let visits = doors.get(&d);
            door_state(d, visits)
        })
        .collect()
}

/// The pass a building is on: the lowest pass any unsettled door waits
/// for (the last pass once every door is settled or was knocked on it).
fn building_pass<'a>(states: impl IntoIterator<Item = &'a DoorState>) -> Pass {
    states
        .into_iter()
        .filter(|d| !d.settled)
        .map(|d| d.next_pass)
        .min()
        .unwrap_or(Pass(LAST_PASS))
}

/// The doors still to knock in pass `pass` (not settled, not knocked in
/// it) and those knocked in it without a final outcome.
fn pass_counts<'a>(states: impl IntoIterator<Item = &'a DoorState>, pass: Pass) -> (usize, usize) {
    let (mut to_knock, mut knocked) = (0, 0);
    for door in states {
        if door.settled {
            continue;
        }
        if door.last.is_some_and(|(_, _, p)| p >= pass) {
            knocked += 1;
        } else {
            to_knock += 1;
        }
    }
    (to_knock, knocked)
}

fn summary(
    store: &Store,
    campaign: CampaignId,
    building: &Building,
) -> Result<BuildingSummary, FieldError> {
    let doors = by_door(visits_of(store, campaign, building.id)?);
    let states = door_states(building, &doors);
    let pass = building_pass(&states);
    let (to_knock, next_pass) = pass_counts(&states, pass);
    Ok(BuildingSummary {
        id: building.id,
        address: building.address.clone(),
        location: building.location,
        dwellings: states.len(),
        settled: states.iter().filter(|s| s.settled).count(),
        visited: states.iter().filter(|s| s.last.is_some()).count(),
        pass,
        to_knock,
        next_pass,
    })
}

/// The sectors on this device, each with its buildings' progress.
pub fn sectors(store: &Store, me: Option<AgentId>) -> Result<Vec<SectorSummary>, FieldError> {
    let mut sectors: Vec<Sector> = records(store, DocKind::Sector)?;
    // The agent's own sectors first, then the others (a colleague may need
    // a hand), each group by name.
    let mine = |s: &Sector| me.is_some_and(|me| s.agents.contains(&me));
    sectors.sort_by(|a, b| mine(b).cmp(&mine(a)).then_with(|| a.name.cmp(&b.name)));
    let mut out = Vec::new();
    for sector in sectors {
        let of = campaign(store, sector.campaign).ok();
        // An archived campaign's sectors are walked no more (what was
        // recorded in them still syncs).
        if of.as_ref().is_some_and(|c| c.archived) {
            continue;
        }
        let campaign_name = of.map(|c| c.name).unwrap_or_default();
        let mut buildings = Vec::new();
        for id in &sector.buildings {
            if let Ok(building) = record::<Building>(store, &DocId::building(*id)) {
                buildings.push(summary(store, sector.campaign, &building)?);
            }
        }
        // A colleague's sector whose buildings this phone does not hold
        // (the server sends an agent its own sectors' buildings) is not
        // listed: it could not be walked.
        if buildings.is_empty() && !mine(&sector) {
            continue;
        }
        out.push(SectorSummary {
            mine: mine(&sector),
            id: sector.id,
            name: sector.name,
            campaign: sector.campaign,
            campaign_name,
            buildings,
        });
    }
    Ok(out)
}

/// A building as a grid of doors, with each door's last outcome.
pub fn grid(
    store: &Store,
    campaign: CampaignId,
    building: BuildingId,
) -> Result<BuildingGrid, FieldError> {
    let b: Building = record(store, &DocId::building(building))?;
    let doors = by_door(visits_of(store, campaign, building)?);
    let entrances: Vec<EntranceState> = b
        .entrances
        .iter()
        .map(|entrance| EntranceState {
            label: entrance.label.clone(),
            has_door_code: entrance.has_door_code,
            floors: entrance
                .floors
                .iter()
                .rev()
                .map(|floor| FloorState {
                    level: floor.level,
                    doors: floor
                        .doors
                        .iter()
                        .map(|door| {
                            let d = DwellingRef {
                                entrance: entrance.label.clone(),
                                floor: floor.level,
                                door: door.clone(),
                            };
                            let visits = doors.get(&d);
                            DoorState {
                                follow_ups: follow_up_news(store, visits),
                                ..door_state(d, visits)
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let pass = building_pass(
        entrances
            .iter()
            .flat_map(|e| &e.floors)
            .flat_map(|f| &f.doors),
    );
    Ok(BuildingGrid {
        id: building,
        address: b.address,
        landlord: b.landlord,
        campaign,
        pass,
        entrances,
    })
}

/// A building's visit log, loaded once for both the next pass and the save.
struct Log {
    id: DocId,
    doc: Automerge,
}

impl Log {
    fn open(store: &Store, campaign: CampaignId, building: BuildingId) -> Result<Self, FieldError> {
        // The current generation: a redacted log lives on as the next.
        let id = store.current_visits(campaign, building)?;
        let doc = store.load(&id)?.unwrap_or_default();
        Ok(Self { id, doc })
    }

    /// The pass a new visit at `door` belongs to: the building's pass,
    /// or the door's own last pass if it was already knocked in it (a
    /// second knock minutes later is the same pass, not the next).
    fn pass_for(
        &self,
        building: Option<&Building>,
        door: &DwellingRef,
    ) -> Result<Pass, FieldError> {
        let doors = by_door(schema::visits(&self.doc)?.into_values().collect());
        let state = door_state(door.clone(), doors.get(door));
        let Some(building) = building else {
            return Ok(state.next_pass);
        };
        let pass = building_pass(&door_states(building, &doors));
        let last = state.last.map_or(0, |(_, _, p)| p.0);
        Ok(Pass(last.max(pass.0).clamp(1, LAST_PASS)))
    }

    /// Adds the visit and saves it with `extra` documents, in one durable
    /// transaction.
    fn save(
        mut self,
        store: &mut Store,
        visit: &Visit,
        mut extra: Vec<(DocId, Automerge)>,
    ) -> Result<(), FieldError> {
        schema::record_visit(&mut self.doc, visit)?;
        extra.push((self.id, self.doc));
        store.save_all(extra.iter().map(|(id, doc)| (id, doc)), Origin::Local)?;
        Ok(())
    }
}

/// Records an outcome at a door, durably; "not home" is this and nothing
/// more.
pub fn record_outcome(
    store: &mut Store,
    campaign: CampaignId,
    building: BuildingId,
    door: DwellingRef,
    outcome: Outcome,
    agent: AgentId,
    at: Timestamp,
) -> Result<Visit, FieldError> {
    let log = Log::open(store, campaign, building)?;
    let known = record::<Building>(store, &DocId::building(building)).ok();
    let pass = log.pass_for(known.as_ref(), &door)?;
    let visit = Visit::outcome_only(campaign, building, door, pass, at, agent, outcome);
    log.save(store, &visit, Vec::new())?;
    Ok(visit)
}

/// Takes back a tap made by mistake: a visit this agent recorded on this
/// phone that cannot have reached the server yet — its log is still
/// unsynced and it was recorded after the last completed sync
/// (`synced_at`). A visit the server may hold is part of what the office
/// reads: the agent corrects it by recording the right outcome at the
/// door (a door's latest visit is what counts), never by erasing it from
/// a phone.
pub fn undo(
    store: &mut Store,
    campaign: CampaignId,
    building: BuildingId,
    visit: VisitId,
    me: AgentId,
    synced_at: Option<Timestamp>,
) -> Result<(), FieldError> {
    let log_id = store.current_visits(campaign, building)?;
    let Some(mut log) = store.load(&log_id)? else {
        return Ok(());
    };
    let Some(recorded) = schema::visits(&log)?.remove(&visit.to_string()) else {
        return Ok(());
    };
    let unsent =
        store.unsynced()?.contains(&log_id) && synced_at.is_none_or(|synced| recorded.at > synced);
    if recorded.agent != me || !unsent {
        return Err(FieldError::NoLongerUndoable);
    }
    schema::remove_visit(&mut log, visit)?;
    store.save(&log_id, &log, Origin::Local)?;
    Ok(())
}

/// What correcting a conversation changes: what the visit itself holds.
/// Its follow-up and its volunteer are documents of their own, which the
/// office handles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// Answers by question id.
    pub answers: BTreeMap<String, Answer>,
    /// Topics raised.
    pub topics: Vec<String>,
    /// The resident's words.
    pub verbatim: String,
    /// Who answered, without a name.
    pub profile: ResidentProfile,
}

/// One of this phone's visits, to correct it.
pub fn visit(
    store: &Store,
    campaign: CampaignId,
    building: BuildingId,
    visit: VisitId,
) -> Result<Visit, FieldError> {
    visits_of(store, campaign, building)?
        .into_iter()
        .find(|v| v.id == visit)
        .ok_or_else(|| FieldError::Missing(format!("visit {visit}")))
}

/// Corrects a conversation its agent recorded, synced or not: the same
/// visit, with what the agent now says it held (its door, pass, time and
/// agent stay). A colleague's visit, or a knock that was not a
/// conversation, is refused; the server checks the same.
pub fn correct_talk(
    store: &mut Store,
    campaign: CampaignId,
    building: BuildingId,
    visit_id: VisitId,
    correction: Correction,
    me: AgentId,
) -> Result<Visit, FieldError> {
    let mut visit = visit(store, campaign, building, visit_id)?;
    if visit.agent != me || visit.outcome != Outcome::Talked {
        return Err(FieldError::NotYours);
    }
    if visit.words_erased || visit.words_expired {
        return Err(FieldError::WordsErased);
    }
    visit.answers = correction.answers;
    visit.topics = correction.topics;
    visit.verbatim = correction.verbatim;
    visit.profile = correction.profile;
    let log = Log::open(store, campaign, building)?;
    log.save(store, &visit, Vec::new())?;
    Ok(visit)
}

/// How many records made on this phone the server has not confirmed yet:
/// each visit (a knock) of this agent in a visit log not yet confirmed,
/// recorded after the last completed sync (`synced_at`), and each other
/// record (an idea, a follow-up, a volunteer) whose document is not yet
/// confirmed. What the sync screen and the header's badge show: a count
/// of what the agent did, not of the documents it is stored in.
pub fn unsent_records(
    store: &Store,
    me: AgentId,
    synced_at: Option<Timestamp>,
) -> Result<usize, FieldError> {
    let mut count = 0;
    for id in store.unsynced()? {
        if id.kind() != DocKind::Visits {
            count += 1;
            continue;
        }
        let Some(doc) = store.load(&id)? else {
            continue;
        };
        count += schema::visits(&doc)?
            .values()
            .filter(|v| v.agent == me && synced_at.is_none_or(|t| v.at > t))
            .count();
    }
    Ok(count)
}

/// Records a conversation: the visit, its follow-up and the volunteer's
/// personal data (in a document of its own, with the consent), in one
/// durable transaction.
pub fn record_talk(
    store: &mut Store,
    talk: Talk,
    agent: AgentId,
    at: Timestamp,
) -> Result<Visit, FieldError> {
    let log = Log::open(store, talk.campaign, talk.building)?;
    let known = record::<Building>(store, &DocId::building(talk.building)).ok();
    let pass = log.pass_for(known.as_ref(), &talk.door)?;
    let mut visit = Visit::outcome_only(
        talk.campaign,
        talk.building,
        talk.door,
        pass,
        at,
        agent,
        Outcome::Talked,
    );
    visit.questionnaire_version = talk.questionnaire_version;
    visit.answers = talk.answers;
    visit.topics = talk.topics;
    visit.verbatim = talk.verbatim;
    visit.profile = talk.profile;
    visit.notice_version = talk.notice_version;
    let mut extra = Vec::new();
    if let Some((service, description)) = talk.follow_up {
        let follow_up = FollowUp {
            id: FollowUpId::new(),
            campaign: talk.campaign,
            service,
            description,
            building: Some(talk.building),
            place: None,
            status: FollowUpStatus::Open,
            history: vec![StatusChange {
                status: FollowUpStatus::Open,
                at,
                by: agent,
                note: String::new(),
            }],
        };
        let mut doc = Automerge::new();
        schema::write(&mut doc, &follow_up)?;
        visit.follow_up = Some(follow_up.id);
        extra.push((follow_up.doc_id(), doc));
    }
    // No purpose ticked, no consent: nothing personal is kept. Under 15,
    // only with a parent's agreement (GDPR Art. 8, loi Informatique et
    // Libertés art. 45).
    let under_15 = visit.profile.age_band.as_deref() == Some(UNDER_15);
    if talk
        .volunteer
        .as_ref()
        .is_some_and(|v| !v.purposes.is_empty() && under_15 && !v.parental)
    {
        return Err(FieldError::ParentNeeded);
    }
    if let Some(volunteer) = talk.volunteer.filter(|v| !v.purposes.is_empty()) {
        let mut purposes = volunteer.purposes.clone();
        purposes.sort();
        purposes.dedup();
        let person = Person {
            id: PersonId::new(),
            display_name: volunteer.display_name,
            phone: volunteer.phone.filter(|p| !p.trim().is_empty()),
            email: volunteer.email.filter(|e| !e.trim().is_empty()),
            consents: purposes
                .into_iter()
                .map(|purpose| ConsentRecord {
                    purpose,
                    wording_version: volunteer.wording_version.clone(),
                    language: volunteer.language.clone(),
                    at,
                    agent,
                    notice_version: volunteer.notice_version,
                    text_hash: volunteer.text_hash.clone(),
                    parental: volunteer.parental,
                })
                .collect(),
            withdrawals: Vec::new(),
            retain_until: at + RETENTION_MS,
        };
        let mut doc = Automerge::new();
        schema::write(&mut doc, &person)?;
        visit.person = Some(person.id);
        extra.push((person.doc_id(), doc));
    }
    log.save(store, &visit, extra)?;
    Ok(visit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estate(store: &mut Store) -> (CampaignId, Building) {
        let building = Building {
            id: BuildingId::new(),
            key: "B1".into(),
            address: "3 rue Lebon".into(),
            estate: None,
            landlord: None,
            location: Point {
                lon: 2.36,
                lat: 48.79,
            },
            neighbourhood: None,
            entrances: vec![Entrance {
                label: "A".into(),
                has_door_code: false,
                floors: vec![
                    Floor {
                        level: 0,
                        doors: vec!["01".into(), "02".into()],
                    },
                    Floor {
                        level: 1,
                        doors: vec!["11".into(), "12".into()],
                    },
                ],
            }],
        };
        let campaign = CampaignId::new();
        let sector = Sector {
            id: SectorId::new(),
            campaign,
            name: "Nord".into(),
            buildings: vec![building.id],
            agents: vec![],
        };
        for (id, doc) in [
            (building.doc_id(), {
                let mut d = Automerge::new();
                schema::write(&mut d, &building).expect("w");
                d
            }),
            (sector.doc_id(), {
                let mut d = Automerge::new();
                schema::write(&mut d, &sector).expect("w");
                d
            }),
        ] {
            store.save(&id, &doc, Origin::Remote).expect("save");
        }
        (campaign, building)
    }

    fn door(floor: i32, door: &str) -> DwellingRef {
        DwellingRef {
            entrance: "A".into(),
            floor,
            door: door.into(),
        }
    }

    #[test]
    fn the_grid_shows_floors_top_down_and_each_doors_last_outcome() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let agent = AgentId::new();
        record_outcome(
            &mut store,
            campaign,
            building.id,
            door(1, "11"),
            Outcome::NotHome,
            agent,
            1,
        )
        .expect("record");
        let grid = grid(&store, campaign, building.id).expect("grid");
        let floors = &grid.entrances[0].floors;
        assert_eq!(floors[0].level, 1, "top floor first");
        let d11 = &floors[0].doors[0];
        assert_eq!(
            d11.last.map(|(_, o, p)| (o, p)),
            Some((Outcome::NotHome, Pass(1)))
        );
        assert_eq!(d11.next_pass, Pass(2));
        assert_eq!(grid.pass, Pass(1), "other doors still wait for pass 1");
        assert_eq!(store.unsynced_count().expect("count"), 1);
    }

    #[test]
    fn a_second_knock_in_the_same_pass_stays_in_that_pass() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let agent = AgentId::new();
        let knock = |store: &mut Store, d: &str, at: Timestamp| {
            record_outcome(
                store,
                campaign,
                building.id,
                door(0, d),
                Outcome::NotHome,
                agent,
                at,
            )
            .expect("record")
        };
        knock(&mut store, "01", 1);
        let again = knock(&mut store, "01", 2);
        assert_eq!(again.pass, Pass(1), "minutes later, still pass 1");
        let summary = &sectors(&store, None).expect("sectors")[0].buildings[0];
        assert_eq!(summary.pass, Pass(1));
        assert_eq!(
            (summary.to_knock, summary.next_pass, summary.settled),
            (3, 1, 0)
        );
        // Every door knocked once: the building is on pass 2, and the
        // next knock at 01 belongs to it.
        for (floor, d) in [(0, "02"), (1, "11"), (1, "12")] {
            record_outcome(
                &mut store,
                campaign,
                building.id,
                door(floor, d),
                Outcome::NotHome,
                agent,
                3,
            )
            .expect("record");
        }
        let summary = &sectors(&store, None).expect("sectors")[0].buildings[0];
        assert_eq!(summary.pass, Pass(2));
        assert_eq!((summary.to_knock, summary.next_pass), (4, 0));
        assert_eq!(knock(&mut store, "01", 4).pass, Pass(2));
        let summary = &sectors(&store, None).expect("sectors")[0].buildings[0];
        assert_eq!((summary.to_knock, summary.next_pass), (3, 1));
    }

    #[test]
    fn later_passes_go_to_doors_still_unanswered() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let agent = AgentId::new();
        for d in building.dwellings() {
            record_outcome(
                &mut store,
                campaign,
                building.id,
                d,
                Outcome::NotHome,
                agent,
                1,
            )
            .expect("pass 1");
        }
        assert_eq!(
            grid(&store, campaign, building.id).expect("grid").pass,
            Pass(2)
        );
        record_outcome(
            &mut store,
            campaign,
            building.id,
            door(0, "01"),
            Outcome::Refused,
            agent,
            2,
        )
        .expect("pass 2");
        let sector = &sectors(&store, None).expect("sectors")[0];
        assert_eq!(sector.buildings[0].settled, 1);
        assert_eq!(sector.buildings[0].doors_left(), 3);
        assert_eq!(sector.buildings[0].visited, 4);
    }

    #[test]
    fn undo_takes_back_the_last_outcome() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let me = AgentId::new();
        let visit = record_outcome(
            &mut store,
            campaign,
            building.id,
            door(0, "02"),
            Outcome::Vacant,
            me,
            10,
        )
        .expect("record");
        // Another phone's agent cannot take it back.
        assert!(matches!(
            undo(
                &mut store,
                campaign,
                building.id,
                visit.id,
                AgentId::new(),
                None
            ),
            Err(FieldError::NoLongerUndoable)
        ));
        undo(&mut store, campaign, building.id, visit.id, me, Some(5)).expect("undo");
        let grid = grid(&store, campaign, building.id).expect("grid");
        assert!(
            grid.entrances[0]
                .floors
                .iter()
                .flat_map(|f| &f.doors)
                .all(|d| d.last.is_none())
        );
    }

    #[test]
    fn the_unsent_count_is_of_knocks_not_of_documents() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let me = AgentId::new();
        for (i, d) in ["01", "02", "03"].iter().enumerate() {
            record_outcome(
                &mut store,
                campaign,
                building.id,
                door(0, d),
                Outcome::NotHome,
                me,
                10 + i as Timestamp,
            )
            .expect("record");
        }
        assert_eq!(store.unsynced_count().expect("documents"), 1);
        assert_eq!(unsent_records(&store, me, None).expect("count"), 3);
        // A sync completed after the first two: one knock is left.
        assert_eq!(unsent_records(&store, me, Some(11)).expect("count"), 1);
        let log = DocId::visits(campaign, building.id);
        let heads = store.heads(&log).expect("heads").expect("stored");
        store.mark_synced(&log, &heads).expect("synced");
        assert_eq!(unsent_records(&store, me, Some(11)).expect("count"), 0);
    }

    #[test]
    fn a_doors_history_lists_its_visits_newest_first_and_says_whose() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let (me, colleague) = (AgentId::new(), AgentId::new());
        let knock = |store: &mut Store, d: &str, o: Outcome, who: AgentId, at: Timestamp| {
            record_outcome(store, campaign, building.id, door(0, d), o, who, at).expect("record");
        };
        knock(&mut store, "01", Outcome::NotHome, colleague, 10);
        knock(&mut store, "02", Outcome::Refused, me, 15);
        knock(&mut store, "01", Outcome::ComeBack, me, 20);
        let history =
            door_history(&store, campaign, building.id, &door(0, "01"), Some(me)).expect("read");
        assert_eq!(
            history
                .iter()
                .map(|v| (v.outcome, v.at, v.mine))
                .collect::<Vec<_>>(),
            vec![(Outcome::ComeBack, 20, true), (Outcome::NotHome, 10, false)],
            "this door's visits only, newest first"
        );
        assert!(
            door_history(&store, campaign, building.id, &door(0, "03"), Some(me))
                .expect("read")
                .is_empty()
        );
    }

    #[test]
    fn a_doors_history_says_what_it_answered_in_the_questionnaires_words() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign_id, building) = estate(&mut store);
        let mut campaign = Campaign::new("C".into(), CampaignKind::DoorToDoor, 0, 1);
        campaign.id = campaign_id;
        let fr = |t: &str| Translations::from([("fr".to_string(), t.to_string())]);
        campaign.questionnaire = Questionnaire {
            version: 1,
            questions: vec![
                Question {
                    id: "q1".into(),
                    kind: QuestionKind::SingleChoice {
                        options: vec!["oui".into(), "non".into()],
                    },
                    label: fr("Bus ?"),
                    option_labels: BTreeMap::from([("non".to_string(), fr("Non"))]),
                    required: false,
                    show_if: None,
                },
                Question {
                    id: "q2".into(),
                    kind: QuestionKind::FreeText,
                    label: fr("Pourquoi ?"),
                    option_labels: BTreeMap::new(),
                    required: false,
                    show_if: Some(Condition {
                        question: "q1".into(),
                        equals: "oui".into(),
                    }),
                },
            ],
        };
        let mut doc = Automerge::new();
        schema::write(&mut doc, &campaign).expect("write");
        store
            .save(&campaign.doc_id(), &doc, Origin::Remote)
            .expect("save");
        let me = AgentId::new();
        let talk = Talk {
            campaign: campaign_id,
            building: building.id,
            door: door(0, "01"),
            questionnaire_version: Some(1),
            // q2's answer was given, then q1 changed: q2 is no longer asked.
            answers: BTreeMap::from([
                ("q1".to_string(), Answer::Choice("non".into())),
                ("q2".to_string(), Answer::Text("loin".into())),
            ]),
            topics: Vec::new(),
            verbatim: String::new(),
            profile: ResidentProfile::default(),
            follow_up: None,
            volunteer: None,
            notice_version: None,
        };
        record_talk(&mut store, talk, me, 10).expect("talk");
        let history =
            door_history(&store, campaign_id, building.id, &door(0, "01"), Some(me)).expect("read");
        assert_eq!(
            history[0].answers,
            [PastAnswer {
                question: fr("Bus ?"),
                said: Said::Options(vec![fr("Non")]),
            }]
        );
    }

    #[test]
    fn an_agent_corrects_their_own_conversation_only() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let (me, colleague) = (AgentId::new(), AgentId::new());
        let talk = |door: DwellingRef| Talk {
            campaign,
            building: building.id,
            door,
            questionnaire_version: None,
            answers: BTreeMap::new(),
            topics: vec!["propreté".into()],
            verbatim: "Le hall est sale".into(),
            profile: ResidentProfile::default(),
            follow_up: None,
            volunteer: None,
            notice_version: None,
        };
        let mine = record_talk(&mut store, talk(door(0, "01")), me, 10).expect("talk");
        // Synced: the correction is a change of the same visit, sent next.
        let log = DocId::visits(campaign, building.id);
        let heads = store.heads(&log).expect("heads").expect("stored");
        store.mark_synced(&log, &heads).expect("synced");
        let corrected = correct_talk(
            &mut store,
            campaign,
            building.id,
            mine.id,
            Correction {
                answers: BTreeMap::new(),
                topics: vec!["ascenseurs".into()],
                verbatim: "L'ascenseur est en panne".into(),
                profile: ResidentProfile {
                    age_band: Some("65+".into()),
                    language: None,
                },
            },
            me,
        )
        .expect("correct");
        let stored = visit(&store, campaign, building.id, mine.id).expect("visit");
        assert_eq!(stored, corrected);
        assert_eq!(stored.verbatim, "L'ascenseur est en panne");
        assert_eq!(
            (stored.at, stored.pass, stored.agent),
            (mine.at, mine.pass, me)
        );
        assert!(
            store.unsynced().expect("unsynced").contains(&log),
            "goes at the next sync"
        );
        // A colleague's conversation, or a knock: not this agent's to correct.
        let theirs = record_talk(&mut store, talk(door(0, "02")), colleague, 20).expect("talk");
        let knock = record_outcome(
            &mut store,
            campaign,
            building.id,
            door(0, "03"),
            Outcome::NotHome,
            me,
            30,
        )
        .expect("knock");
        for id in [theirs.id, knock.id] {
            let correction = Correction {
                answers: BTreeMap::new(),
                topics: vec![],
                verbatim: "x".into(),
                profile: ResidentProfile::default(),
            };
            assert!(matches!(
                correct_talk(&mut store, campaign, building.id, id, correction, me),
                Err(FieldError::NotYours)
            ));
        }
    }

    #[test]
    fn a_visit_that_may_have_reached_the_server_is_not_undone() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let me = AgentId::new();
        let record = |store: &mut Store, d: &str, at: Timestamp| {
            record_outcome(
                store,
                campaign,
                building.id,
                door(0, d),
                Outcome::NotHome,
                me,
                at,
            )
            .expect("record")
        };
        // Recorded before the last completed sync: it went with it.
        let early = record(&mut store, "01", 10);
        assert!(matches!(
            undo(&mut store, campaign, building.id, early.id, me, Some(20)),
            Err(FieldError::NoLongerUndoable)
        ));
        // The server confirmed the log: nothing in it is undone any more.
        let late = record(&mut store, "02", 30);
        let log = DocId::visits(campaign, building.id);
        let heads = store.heads(&log).expect("heads").expect("stored");
        store.mark_synced(&log, &heads).expect("synced");
        assert!(matches!(
            undo(&mut store, campaign, building.id, late.id, me, Some(20)),
            Err(FieldError::NoLongerUndoable)
        ));
        let visits = visits_of(&store, campaign, building.id).expect("visits");
        assert_eq!(visits.len(), 2, "both visits stay");
    }

    #[test]
    fn a_child_under_15_signs_up_only_with_a_parent() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let talk = |parental: bool| Talk {
            campaign,
            building: building.id,
            door: door(1, "14"),
            questionnaire_version: None,
            answers: BTreeMap::new(),
            topics: vec![],
            verbatim: String::new(),
            profile: ResidentProfile {
                age_band: Some(UNDER_15.into()),
                language: None,
            },
            follow_up: None,
            volunteer: Some(Volunteer {
                display_name: "Inès".into(),
                phone: None,
                email: None,
                wording_version: "notice-1".into(),
                language: "fr".into(),
                purposes: vec![ConsentPurpose::Workshop],
                notice_version: None,
                text_hash: None,
                parental,
            }),
            notice_version: None,
        };
        assert!(matches!(
            record_talk(&mut store, talk(false), AgentId::new(), 5),
            Err(FieldError::ParentNeeded)
        ));
        assert_eq!(store.unsynced_count().expect("count"), 0, "nothing kept");
        let visit = record_talk(&mut store, talk(true), AgentId::new(), 6).expect("talk");
        let person: Person =
            record(&store, &DocId::person(visit.person.expect("linked"))).expect("person");
        assert!(person.consents.iter().all(|c| c.parental));
    }

    #[test]
    fn a_talk_keeps_personal_data_in_its_own_document_with_the_consent() {
        let mut store = Store::open_in_memory().expect("store");
        let (campaign, building) = estate(&mut store);
        let talk = Talk {
            campaign,
            building: building.id,
            door: door(1, "12"),
            questionnaire_version: Some(1),
            answers: BTreeMap::from([("satisfaction".into(), Answer::Scale(2))]),
            topics: vec!["ascenseurs".into()],
            verbatim: "L'ascenseur est en panne".into(),
            profile: ResidentProfile {
                age_band: Some("65+".into()),
                language: Some("ar".into()),
            },
            follow_up: Some(("Bailleur".into(), "Ascenseur cage A".into())),
            volunteer: Some(Volunteer {
                display_name: "Mme B.".into(),
                phone: Some("06 00 00 00 00".into()),
                email: None,
                wording_version: crate::i18n::CONSENT_VERSION.into(),
                language: "ar".into(),
                purposes: vec![
                    ConsentPurpose::CitizensAssembly,
                    ConsentPurpose::NeighbourhoodCouncil,
                ],
                notice_version: Some(3),
                text_hash: Some("ab".repeat(32)),
                parental: false,
            }),
            notice_version: Some(3),
        };
        let visit = record_talk(&mut store, talk, AgentId::new(), 5).expect("talk");
        let person_id = visit.person.expect("linked");
        let person: Person = record(&store, &DocId::person(person_id)).expect("person");
        assert_eq!(person.consents[0].language, "ar");
        // The notice given at the door, and the text the consent read.
        assert_eq!(visit.notice_version, Some(3));
        assert_eq!(
            (
                person.consents[0].notice_version,
                person.consents[0].text_hash.as_deref()
            ),
            (Some(3), Some("ab".repeat(32).as_str()))
        );
        assert_eq!(
            person.purposes(),
            vec![
                ConsentPurpose::NeighbourhoodCouncil,
                ConsentPurpose::CitizensAssembly
            ],
            "each purpose ticked is a consent of its own"
        );
        assert_eq!(
            person.consents[0].wording_version,
            crate::i18n::CONSENT_VERSION
        );
        let follow_up: FollowUp =
            record(&store, &DocId::follow_up(visit.follow_up.expect("linked"))).expect("fu");
        assert_eq!(follow_up.status, FollowUpStatus::Open);

        // The office answers; the phone receives the new copy at its sync
        // and the door says what became of it.
        let mut answered = follow_up.clone();
        answered.status = FollowUpStatus::Resolved;
        answered.history.push(StatusChange {
            status: FollowUpStatus::Resolved,
            at: 9,
            by: AgentId::new(),
            note: "Ascenseur réparé le 3".into(),
        });
        let mut doc = store
            .load(&answered.doc_id())
            .expect("load")
            .expect("fu doc");
        schema::write(&mut doc, &answered).expect("write");
        store
            .save(&answered.doc_id(), &doc, Origin::Remote)
            .expect("save");
        let grid = grid(&store, campaign, building.id).expect("grid");
        let news: Vec<_> = grid
            .entrances
            .iter()
            .flat_map(|e| &e.floors)
            .flat_map(|f| &f.doors)
            .flat_map(|d| &d.follow_ups)
            .collect();
        assert_eq!(news.len(), 1);
        assert_eq!(news[0].status, FollowUpStatus::Resolved);
        assert_eq!(news[0].note, "Ascenseur réparé le 3");
        // The visit log holds no personal data, only the person's id.
        let log = store
            .load(&DocId::visits(campaign, building.id))
            .expect("load")
            .expect("log");
        assert!(!format!("{:?}", schema::visits(&log).expect("visits")).contains("06 00"));
        assert_eq!(store.unsynced_count().expect("count"), 3);
    }
}
