//! How Palier's records are cut into Automerge documents.
//!
//! The granularity decides both what merges cleanly and what sync costs, so
//! it is fixed here, once, for both sides (ARCHITECTURE.md gives the
//! figures):
//!
//! | document | id | holds |
//! | --- | --- | --- |
//! | campaign | `campaign:<id>` | one [`Campaign`], its questionnaire, topics, services |
//! | neighbourhood | `neighbourhood:<id>` | one [`Neighbourhood`] polygon |
//! | building | `building:<id>` | one [`Building`], entrances, floors, doors |
//! | sector | `sector:<id>` | one [`Sector`] |
//! | visits | `visits:<campaign>:<building>[:<generation>]` | every [`Visit`] to one building in one campaign, keyed by visit id |
//! | idea | `idea:<id>` | one [`Idea`] |
//! | follow-up | `followup:<id>[:<generation>]` | one [`FollowUp`] and its status history |
//! | person | `person:<id>` | one [`Person`] and their consents: the only personal data |
//!
//! A visit log keeps its visits at the root of the document, keyed by their
//! random ids. Two agents who open the same building offline both create the
//! "same" document; if the visits lived in a nested map, each device would
//! create its own map under the same key and one agent's visits would be
//! hidden behind the other's. At the root there is no container to race for.
//!
//! # Generations
//!
//! Automerge keeps every change, so words removed from a visit log (or a
//! follow-up's description) stay in its history. Redacting one therefore
//! writes its present state, without the removed words, as a new document,
//! the next *generation*, and erases the old one (a tombstone, as for a
//! person). The first generation's id has no suffix (what every earlier
//! release wrote); generation `n ≥ 1` ends in `:n`. Generation `n` is current exactly when it is not erased,
//! and it may exist only once `n - 1` is erased: the server refuses a write
//! to any other, and a phone that held `n - 1` carries its unsynced edits
//! over (`sync::client`, ARCHITECTURE.md "Redaction by generations").

use crate::domain::{
    Building, BuildingId, Campaign, CampaignId, FollowUp, FollowUpId, Idea, IdeaId, Neighbourhood,
    NeighbourhoodId, Person, PersonId, Sector, SectorId, Visit,
};
use automerge::{Automerge, ROOT, ReadDoc};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use uuid::Uuid;

/// The kinds of document, one per row of the table above.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    /// A campaign.
    Campaign,
    /// A neighbourhood polygon.
    Neighbourhood,
    /// A building.
    Building,
    /// A sector.
    Sector,
    /// The visits to one building in one campaign.
    Visits,
    /// An idea.
    Idea,
    /// A follow-up.
    FollowUp,
    /// A person's personal data.
    Person,
}

impl DocKind {
    /// The kind's name, as it starts document ids and fills the store's
    /// `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Campaign => "campaign",
            DocKind::Neighbourhood => "neighbourhood",
            DocKind::Building => "building",
            DocKind::Sector => "sector",
            DocKind::Visits => "visits",
            DocKind::Idea => "idea",
            DocKind::FollowUp => "followup",
            DocKind::Person => "person",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Self> {
        Some(match prefix {
            "campaign" => DocKind::Campaign,
            "neighbourhood" => DocKind::Neighbourhood,
            "building" => DocKind::Building,
            "sector" => DocKind::Sector,
            "visits" => DocKind::Visits,
            "idea" => DocKind::Idea,
            "followup" => DocKind::FollowUp,
            "person" => DocKind::Person,
            _ => return None,
        })
    }

    /// Whether documents of this kind hold personal data.
    pub fn is_personal(self) -> bool {
        self == DocKind::Person
    }
}

/// A document's id: its kind and the ids that name it. Always valid: the only
/// ways in are the constructors and [`DocId::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocId(String);

/// A document id that does not follow the scheme above.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a Palier document id: {0:?}")]
pub struct BadDocId(pub String);

impl DocId {
    /// The document of a campaign.
    pub fn campaign(id: CampaignId) -> Self {
        Self::single(DocKind::Campaign, id.0)
    }
    /// The document of a neighbourhood.
    pub fn neighbourhood(id: NeighbourhoodId) -> Self {
        Self::single(DocKind::Neighbourhood, id.0)
    }
    /// The document of a building.
    pub fn building(id: BuildingId) -> Self {
        Self::single(DocKind::Building, id.0)
    }
    /// The document of a sector.
    pub fn sector(id: SectorId) -> Self {
        Self::single(DocKind::Sector, id.0)
    }
    /// The visit log of a building in a campaign.
    pub fn visits(campaign: CampaignId, building: BuildingId) -> Self {
        Self(format!(
            "visits:{}:{}",
            campaign.0.as_simple(),
            building.0.as_simple()
        ))
    }
    /// Generation `generation` of the visit log of a building in a
    /// campaign (the first is [`DocId::visits`]).
    pub fn visits_generation(campaign: CampaignId, building: BuildingId, generation: u32) -> Self {
        Self::visits(campaign, building).with_generation(generation)
    }
    /// Generation `generation` of a follow-up's document (the first is
    /// [`DocId::follow_up`]).
    pub fn follow_up_generation(id: FollowUpId, generation: u32) -> Self {
        Self::follow_up(id).with_generation(generation)
    }
    /// How many `:`-separated parts name the record, before a generation;
    /// `None` for kinds that have no generations.
    fn base_parts(kind: DocKind) -> Option<usize> {
        match kind {
            DocKind::Visits => Some(3),
            DocKind::FollowUp => Some(2),
            _ => None,
        }
    }
    /// The same record's document of generation `generation` (this id,
    /// for kinds without generations).
    fn with_generation(&self, generation: u32) -> Self {
        let Some(parts) = Self::base_parts(self.kind()) else {
            return self.clone();
        };
        let base: Vec<&str> = self.0.split(':').take(parts).collect();
        let base = base.join(":");
        if generation == 0 {
            Self(base)
        } else {
            Self(format!("{base}:{generation}"))
        }
    }
    /// The record's first generation: the id its content names.
    pub fn first_generation(&self) -> Self {
        self.with_generation(0)
    }
    /// Which generation of its record this is (0 for kinds without).
    pub fn generation(&self) -> u32 {
        Self::base_parts(self.kind())
            .and_then(|parts| self.0.split(':').nth(parts))
            .and_then(|g| g.parse().ok())
            .unwrap_or(0)
    }
    /// The next generation, which replaces this one when it is redacted;
    /// `None` for kinds without generations, or past the last.
    pub fn next_generation(&self) -> Option<Self> {
        Self::base_parts(self.kind())?;
        let next = self.generation().checked_add(1)?;
        Some(self.with_generation(next))
    }
    /// The generation this one replaced, if any.
    pub fn previous_generation(&self) -> Option<Self> {
        Self::base_parts(self.kind())?;
        let previous = self.generation().checked_sub(1)?;
        Some(self.with_generation(previous))
    }
    /// The document of an idea.
    pub fn idea(id: IdeaId) -> Self {
        Self::single(DocKind::Idea, id.0)
    }
    /// The document of a follow-up.
    pub fn follow_up(id: FollowUpId) -> Self {
        Self::single(DocKind::FollowUp, id.0)
    }
    /// The document holding a person's personal data.
    pub fn person(id: PersonId) -> Self {
        Self::single(DocKind::Person, id.0)
    }

    fn single(kind: DocKind, id: Uuid) -> Self {
        Self(format!("{}:{}", kind.as_str(), id.as_simple()))
    }

    /// Checks a document id that came from outside (network, file).
    pub fn parse(text: &str) -> Result<Self, BadDocId> {
        let bad = || BadDocId(text.chars().take(80).collect());
        let mut parts = text.split(':');
        let kind = parts
            .next()
            .and_then(DocKind::from_prefix)
            .ok_or_else(bad)?;
        let wanted = if kind == DocKind::Visits { 2 } else { 1 };
        let mut uuids = 0;
        for part in parts.by_ref().take(wanted) {
            // The simple form only: one spelling per id, so one row per document.
            if part.len() != 32 || Uuid::try_parse(part).is_err() || part != part.to_lowercase() {
                return Err(bad());
            }
            uuids += 1;
        }
        if uuids != wanted {
            return Err(bad());
        }
        // A generation: a positive decimal, one spelling only.
        if let Some(generation) = parts.next() {
            let canonical = Self::base_parts(kind).is_some()
                && generation.parse::<u32>().is_ok_and(|g| g > 0)
                && !generation.starts_with('0')
                && generation.bytes().all(|b| b.is_ascii_digit());
            if !canonical || parts.next().is_some() {
                return Err(bad());
            }
        }
        Ok(Self(text.to_string()))
    }

    /// What kind of document this is.
    pub fn kind(&self) -> DocKind {
        self.0
            .split(':')
            .next()
            .and_then(DocKind::from_prefix)
            // Unreachable: every constructor writes a known prefix.
            .unwrap_or(DocKind::Campaign)
    }

    /// The building a building document or a visit log is about.
    pub fn building_id(&self) -> Option<BuildingId> {
        match self.kind() {
            DocKind::Building => self.last_uuid().map(BuildingId),
            DocKind::Visits => self
                .0
                .split(':')
                .nth(2)
                .and_then(|part| Uuid::try_parse(part).ok())
                .map(BuildingId),
            _ => None,
        }
    }

    /// The campaign a visit log belongs to.
    pub fn campaign_id(&self) -> Option<CampaignId> {
        match self.kind() {
            DocKind::Visits => self
                .0
                .split(':')
                .nth(1)
                .and_then(|part| Uuid::try_parse(part).ok())
                .map(CampaignId),
            _ => None,
        }
    }

    /// The sector a sector document is about.
    pub fn sector_id(&self) -> Option<SectorId> {
        match self.kind() {
            DocKind::Sector => self.last_uuid().map(SectorId),
            _ => None,
        }
    }

    /// The last id of the document id.
    fn last_uuid(&self) -> Option<Uuid> {
        self.0
            .rsplit(':')
            .next()
            .and_then(|part| Uuid::try_parse(part).ok())
    }

    /// The id as text, as stored and sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DocId {
    type Error = BadDocId;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DocId> for String {
    fn from(value: DocId) -> Self {
        value.0
    }
}

/// A document's content did not have the expected shape, or could not be
/// written.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The document does not hold what its kind promises.
    #[error("document content has an unexpected shape")]
    Hydrate(#[source] Box<autosurgeon::HydrateError>),
    /// Writing the value into the document failed.
    #[error("could not write into the document")]
    Reconcile(#[source] Box<autosurgeon::ReconcileError>),
    /// Removing a value from the document failed.
    #[error("could not remove from the document")]
    Remove(#[source] Box<automerge::AutomergeError>),
}

impl From<autosurgeon::HydrateError> for SchemaError {
    fn from(error: autosurgeon::HydrateError) -> Self {
        SchemaError::Hydrate(Box::new(error))
    }
}

impl From<autosurgeon::ReconcileError> for SchemaError {
    fn from(error: autosurgeon::ReconcileError) -> Self {
        SchemaError::Reconcile(Box::new(error))
    }
}

/// Content stored as a whole document: one record per document.
pub trait SingleRecord: Hydrate + Reconcile {
    /// The id of the document holding this record.
    fn doc_id(&self) -> DocId;
}

impl SingleRecord for Campaign {
    fn doc_id(&self) -> DocId {
        DocId::campaign(self.id)
    }
}
impl SingleRecord for Neighbourhood {
    fn doc_id(&self) -> DocId {
        DocId::neighbourhood(self.id)
    }
}
impl SingleRecord for Building {
    fn doc_id(&self) -> DocId {
        DocId::building(self.id)
    }
}
impl SingleRecord for Sector {
    fn doc_id(&self) -> DocId {
        DocId::sector(self.id)
    }
}
impl SingleRecord for Idea {
    fn doc_id(&self) -> DocId {
        DocId::idea(self.id)
    }
}
impl SingleRecord for FollowUp {
    fn doc_id(&self) -> DocId {
        DocId::follow_up(self.id)
    }
}
impl SingleRecord for Person {
    fn doc_id(&self) -> DocId {
        DocId::person(self.id)
    }
}

/// Reads the record a single-record document holds.
pub fn read<T: SingleRecord>(doc: &Automerge) -> Result<T, SchemaError> {
    Ok(autosurgeon::hydrate(doc)?)
}

/// Writes a record into its document as one change; only the fields that
/// differ from the document are written, so concurrent edits of different
/// fields on two devices both survive the merge.
pub fn write<T: SingleRecord>(doc: &mut Automerge, record: &T) -> Result<(), SchemaError> {
    doc.transact(|tx| autosurgeon::reconcile(tx, record))
        .map_err(|failure| failure.error)?;
    Ok(())
}

/// Adds or updates one visit in a building's visit log.
pub fn record_visit(doc: &mut Automerge, visit: &Visit) -> Result<(), SchemaError> {
    let key = visit.id.to_string();
    doc.transact(|tx| autosurgeon::reconcile_prop(tx, ROOT, key.as_str(), visit))
        .map_err(|failure| failure.error)?;
    Ok(())
}

/// Removes a visit from a building's visit log (an agent's undo). Removing
/// a visit that is not there does nothing.
pub fn remove_visit(doc: &mut Automerge, visit: crate::domain::VisitId) -> Result<(), SchemaError> {
    use automerge::transaction::Transactable;
    let key = visit.to_string();
    doc.transact(|tx| {
        if tx.get(ROOT, key.as_str())?.is_some() {
            tx.delete(ROOT, key.as_str())?;
        }
        Ok::<_, automerge::AutomergeError>(())
    })
    .map_err(|failure| SchemaError::Remove(Box::new(failure.error)))?;
    Ok(())
}

/// Every visit in a building's visit log, by id.
pub fn visits(doc: &Automerge) -> Result<BTreeMap<String, Visit>, SchemaError> {
    Ok(autosurgeon::hydrate(doc)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;

    fn idea() -> Idea {
        Idea {
            title: "Un terrain de basket".into(),
            description: "Derrière le collège".into(),
            category: "sport".into(),
            ..Idea::new(CampaignId::new(), AgentId::new(), 0)
        }
    }

    #[test]
    fn doc_ids_parse_only_what_constructors_make() {
        let id = DocId::visits(CampaignId::new(), BuildingId::new());
        assert_eq!(DocId::parse(id.as_str()), Ok(id.clone()));
        assert_eq!(id.kind(), DocKind::Visits);
        for bad in [
            "",
            "visits",
            "person:",
            "person:xyz",
            "idea:00000000-0000-0000-0000-000000000000",
            "unknown:00000000000000000000000000000000",
            "idea:00000000000000000000000000000000:00000000000000000000000000000000",
            "IDEA:00000000000000000000000000000000",
            "idea:0000000000000000000000000000000A",
        ] {
            assert!(DocId::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_visit_log_generation_names_the_same_campaign_and_building() {
        let (campaign, building) = (CampaignId::new(), BuildingId::new());
        let first = DocId::visits(campaign, building);
        assert_eq!(first.generation(), 0);
        assert_eq!(first.previous_generation(), None);
        let second = first.next_generation().expect("next");
        assert_eq!(second, DocId::visits_generation(campaign, building, 1));
        assert_eq!(DocId::parse(second.as_str()), Ok(second.clone()));
        assert_eq!(second.generation(), 1);
        assert_eq!(second.campaign_id(), Some(campaign));
        assert_eq!(second.building_id(), Some(building));
        assert_eq!(second.kind(), DocKind::Visits);
        assert_eq!(second.previous_generation(), Some(first.clone()));
        for bad in ["0", "01", "-1", "+1", "1:2", "", "x", "4294967296"] {
            let text = format!("{first}:{bad}");
            assert!(DocId::parse(&text).is_err(), "{text:?} was accepted");
        }
        let idea = DocId::idea(IdeaId::new());
        assert!(DocId::parse(&format!("{idea}:1")).is_err());
        assert_eq!(idea.next_generation(), None);
        let follow_up = FollowUpId::new();
        let first = DocId::follow_up(follow_up);
        let second = first.next_generation().expect("next");
        assert_eq!(second, DocId::follow_up_generation(follow_up, 1));
        assert_eq!(DocId::parse(second.as_str()), Ok(second.clone()));
        assert_eq!((second.kind(), second.generation()), (DocKind::FollowUp, 1));
        assert_eq!(second.previous_generation(), Some(first));
    }

    #[test]
    fn the_same_idea_edited_on_two_devices_keeps_both_fields() {
        let original = idea();
        let mut a = Automerge::new();
        write(&mut a, &original).expect("write");
        let mut b = a.fork();

        let mut on_a = original.clone();
        on_a.title = "Un city-stade".into();
        write(&mut a, &on_a).expect("write a");
        let mut on_b = original.clone();
        on_b.cost_band = Some(CostBand::From10kTo50k);
        write(&mut b, &on_b).expect("write b");

        a.merge(&mut b).expect("merge");
        let merged: Idea = read(&a).expect("read");
        assert_eq!(merged.title, "Un city-stade");
        assert_eq!(merged.cost_band, Some(CostBand::From10kTo50k));
    }

    #[test]
    fn two_agents_creating_the_same_visit_log_both_keep_their_visits() {
        let campaign = CampaignId::new();
        let building = BuildingId::new();
        let visit = |door: &str, outcome| {
            let door = DwellingRef {
                entrance: "A".into(),
                floor: 2,
                door: door.into(),
            };
            Visit::outcome_only(
                campaign,
                building,
                door,
                Pass(1),
                1,
                AgentId::new(),
                outcome,
            )
        };
        let mut a = Automerge::new();
        let mut b = Automerge::new();
        let va = visit("21", Outcome::NotHome);
        let vb = visit("22", Outcome::Talked);
        record_visit(&mut a, &va).expect("a");
        record_visit(&mut b, &vb).expect("b");
        a.merge(&mut b).expect("merge");
        let all = visits(&a).expect("read");
        assert_eq!(all.len(), 2);
        assert_eq!(all.get(&va.id.to_string()), Some(&va));
        assert_eq!(all.get(&vb.id.to_string()), Some(&vb));
    }
}
