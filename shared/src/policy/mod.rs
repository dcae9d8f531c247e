//! Who may do what with which document: one table, read by the sync
//! server, the convergence property test and the office.
//!
//! A phone is lost, shared or tampered with; what it may receive and write
//! must not depend on what the app chooses to send. So every rule lives
//! here, once, for every role × document kind ([`rights`]), and the checks
//! on what a device writes ([`check_write`]) compare the document before
//! and after the merge: it must still read as its kind's record, name the
//! sending device wherever it says who did something, and leave alone what
//! only the office may change.
//!
//! | kind | coordinator's phone | agent | youth ambassador | elected official |
//! | --- | --- | --- | --- | --- |
//! | campaign, neighbourhood | receive | receive | receive | receive |
//! | building | receive | receive in scope | receive in scope | receive |
//! | sector | receive | receive in scope | receive in scope | receive |
//! | visit log | receive, create, modify | receive, create, modify in scope | — | — |
//! | idea | receive, create, modify | receive, create, modify | receive, create, modify | receive |
//! | follow-up | receive, create | receive in scope, create | — | — |
//! | person | receive, create, modify own | receive own, create, modify own | — | — |
//!
//! The data protection officer's account is the office's alone: no phone
//! is enrolled for it, so every cell of its column is "—".
//!
//! "In scope": the buildings of the sectors the device is assigned to, and
//! those sectors (for a follow-up: its building, or raised by this
//! device); a phone no sector names has nothing in scope, unless the
//! office gave it the whole town ([`Scope::Everything`]). A field agent's own visits to a building outside its sectors (a
//! sector reassigned while it was offline) are taken but nothing of that
//! visit log is sent back ([`Caller::may_deposit`]). "Own" person: one whose consent was recorded by this device. The
//! office (server-rendered pages, not a device) alone writes campaigns,
//! questionnaires, sectors, buildings, neighbourhoods and follow-up
//! statuses.

use crate::api::Role;
use crate::domain::{
    AgentId, BuildingId, Campaign, CampaignId, FollowUp, FollowUpStatus, Idea, Neighbourhood,
    Person, Sector, SectorId, Visit,
};
use crate::schema::{self, DocId, DocKind, SingleRecord};
use automerge::{Automerge, ReadDoc};
use std::collections::BTreeSet;

mod notices;
pub mod values;

pub use notices::NoticeRule;

/// How far a right reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Never.
    None,
    /// Documents in the device's scope (its sectors and their buildings).
    InScope,
    /// Documents the device itself recorded (a person whose consent it
    /// recorded).
    Own,
    /// Every document of the kind in the municipality.
    All,
}

/// What a role may do with one kind of document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rights {
    /// Receive it at sync.
    pub receive: Reach,
    /// Send one the server does not hold yet.
    pub create: Reach,
    /// Send changes to one the server holds.
    pub modify: Reach,
}

const fn r(receive: Reach, create: Reach, modify: Reach) -> Rights {
    Rights {
        receive,
        create,
        modify,
    }
}

/// The policy table (see the module documentation).
pub const fn rights(role: Role, kind: DocKind) -> Rights {
    use Reach::{All, InScope, None, Own};
    match (role, kind) {
        // An office account only: no phone is enrolled for it.
        (Role::DataProtectionOfficer, _) => r(None, None, None),
        (_, DocKind::Campaign | DocKind::Neighbourhood) => r(All, None, None),
        (Role::Agent | Role::YouthAmbassador, DocKind::Building | DocKind::Sector) => {
            r(InScope, None, None)
        }
        (_, DocKind::Building | DocKind::Sector) => r(All, None, None),
        (Role::Coordinator, DocKind::Visits) => r(All, All, All),
        (Role::Agent, DocKind::Visits) => r(InScope, InScope, InScope),
        (Role::YouthAmbassador | Role::ElectedOfficial, DocKind::Visits) => r(None, None, None),
        (Role::ElectedOfficial, DocKind::Idea) => r(All, None, None),
        (_, DocKind::Idea) => r(All, All, All),
        // A follow-up's description is about a resident's door: it goes
        // where that door's visits go, and to the phone that raised it.
        (Role::Coordinator, DocKind::FollowUp) => r(All, All, None),
        (Role::Agent, DocKind::FollowUp) => r(InScope, All, None),
        (Role::YouthAmbassador | Role::ElectedOfficial, DocKind::FollowUp) => r(None, None, None),
        (Role::Coordinator, DocKind::Person) => r(All, All, Own),
        (Role::Agent, DocKind::Person) => r(Own, All, Own),
        (Role::YouthAmbassador | Role::ElectedOfficial, DocKind::Person) => r(None, None, None),
    }
}

/// Every role a phone is enrolled for, for tables and tests (the data
/// protection officer's is an office account: none is).
pub const ROLES: [Role; 4] = [
    Role::Coordinator,
    Role::Agent,
    Role::YouthAmbassador,
    Role::ElectedOfficial,
];

/// Every document kind, for tables and tests.
pub const KINDS: [DocKind; 8] = [
    DocKind::Campaign,
    DocKind::Neighbourhood,
    DocKind::Building,
    DocKind::Sector,
    DocKind::Visits,
    DocKind::Idea,
    DocKind::FollowUp,
    DocKind::Person,
];

/// Whether a device of `role` has a sector scope: whether any of its
/// rights in the table reaches "in scope" (field agents and youth
/// ambassadors). Read from the table, so a new cell decides it too.
pub fn has_sector_scope(role: Role) -> bool {
    KINDS.iter().any(|kind| {
        let r = rights(role, *kind);
        [r.receive, r.create, r.modify].contains(&Reach::InScope)
    })
}

/// Which sectors and buildings a device has in scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// The whole municipality: a coordinator's, an elected official's, a
    /// field phone the office gave the whole town while no sector names it.
    #[default]
    Everything,
    /// The sectors a field phone is assigned to and their buildings.
    Sectors {
        /// The sectors.
        sectors: BTreeSet<SectorId>,
        /// Their buildings.
        buildings: BTreeSet<BuildingId>,
        /// The municipality's campaigns (to name the buildings' visit logs).
        campaigns: Vec<CampaignId>,
    },
}

impl Scope {
    /// The scope of a field device from the municipality's sectors: those
    /// that list it as an agent. When none does, the whole town if the
    /// office gave it (`whole_town`), no building otherwise: a phone
    /// nobody placed receives no other team's door history.
    pub fn of_agent(
        agent: AgentId,
        whole_town: bool,
        sectors: &[Sector],
        campaigns: &[Campaign],
    ) -> Self {
        let mine: Vec<&Sector> = sectors
            .iter()
            .filter(|s| s.agents.contains(&agent))
            .collect();
        if mine.is_empty() && whole_town {
            return Scope::Everything;
        }
        Scope::Sectors {
            sectors: mine.iter().map(|s| s.id).collect(),
            buildings: mine
                .iter()
                .flat_map(|s| s.buildings.iter().copied())
                .collect(),
            campaigns: campaigns.iter().map(|c| c.id).collect(),
        }
    }

    /// Whether a document is in scope. Only buildings, visit logs and
    /// sectors are ever out of it.
    pub fn includes(&self, doc_id: &DocId) -> bool {
        let Scope::Sectors {
            sectors, buildings, ..
        } = self
        else {
            return true;
        };
        match doc_id.kind() {
            DocKind::Building | DocKind::Visits => {
                doc_id.building_id().is_some_and(|b| buildings.contains(&b))
            }
            DocKind::Sector => doc_id.sector_id().is_some_and(|s| sectors.contains(&s)),
            _ => true,
        }
    }

    /// The in-scope sectors, buildings and visit logs, whenever they were
    /// written: they enter a phone's scope when the office assigns a sector,
    /// long after they were last written.
    pub fn documents(&self) -> Vec<DocId> {
        match self {
            Scope::Everything => Vec::new(),
            Scope::Sectors {
                sectors,
                buildings,
                campaigns,
            } => sectors
                .iter()
                .map(|s| DocId::sector(*s))
                .chain(buildings.iter().flat_map(|b| {
                    std::iter::once(DocId::building(*b))
                        .chain(campaigns.iter().map(|c| DocId::visits(*c, *b)))
                }))
                .collect(),
        }
    }
}

/// The device on the other end of a sync: its role, the agent id its
/// records must carry, and its scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// Its role.
    pub role: Role,
    /// The id its records name it by (the device id).
    pub agent: AgentId,
    /// What it has in scope.
    pub scope: Scope,
    /// The notices its conversations and consents must name.
    pub notices: NoticeRule,
}

impl Caller {
    fn reaches(&self, reach: Reach, doc_id: &DocId, own: impl FnOnce() -> bool) -> bool {
        match reach {
            Reach::None => false,
            Reach::All => true,
            Reach::InScope => self.scope.includes(doc_id),
            Reach::Own => own(),
        }
    }

    /// Whether this device may receive the document; `doc` is consulted
    /// only where the answer depends on content (a person's consents, a
    /// follow-up's building).
    pub fn may_receive(&self, doc_id: &DocId, doc: impl FnOnce() -> Option<Automerge>) -> bool {
        let reach = rights(self.role, doc_id.kind()).receive;
        if self.receive_needs_content(doc_id.kind()) && reach == Reach::InScope {
            return doc().is_some_and(|doc| self.concerns(&doc));
        }
        self.reaches(reach, doc_id, || {
            doc().is_some_and(|doc| recorded_by(&doc, self.agent))
        })
    }

    /// Whether what this device may receive of the kind depends on each
    /// document's content, so it must be loaded first.
    pub fn receive_needs_content(&self, kind: DocKind) -> bool {
        match rights(self.role, kind).receive {
            Reach::Own => true,
            Reach::InScope => kind == DocKind::FollowUp && self.scope != Scope::Everything,
            Reach::None | Reach::All => false,
        }
    }

    /// Whether a follow-up concerns this device: at a building of its
    /// sectors, or raised by it.
    fn concerns(&self, doc: &Automerge) -> bool {
        let Ok(follow_up) = schema::read::<FollowUp>(doc) else {
            return false;
        };
        let in_scope = match (&self.scope, follow_up.building) {
            (Scope::Everything, _) => true,
            (Scope::Sectors { buildings, .. }, Some(b)) => buildings.contains(&b),
            (Scope::Sectors { .. }, None) => false,
        };
        in_scope
            || follow_up
                .history
                .first()
                .is_some_and(|h| h.by == self.agent)
    }

    /// Whether this device may ever receive documents of this kind (a
    /// quick filter before anything is loaded).
    pub fn may_receive_kind(&self, kind: DocKind) -> bool {
        rights(self.role, kind).receive != Reach::None
    }

    /// Whether this device may add its own records to the document without
    /// receiving it: a field phone's visits to a building outside its
    /// sectors (one reassigned while it was offline). They are taken, with
    /// the same content checks, so no visit is lost; nothing of the log is
    /// sent back.
    pub fn may_deposit(&self, doc_id: &DocId) -> bool {
        doc_id.kind() == DocKind::Visits
            && rights(self.role, DocKind::Visits).create == Reach::InScope
            && !self.scope.includes(doc_id)
    }

    /// Whether this device may write to the document at all: create it
    /// when `before` is `None`, modify it otherwise. The content checks of
    /// [`check_write`] come on top.
    pub fn may_write(&self, doc_id: &DocId, before: Option<&Automerge>) -> Result<(), Refused> {
        let rights = rights(self.role, doc_id.kind());
        let reach = if before.is_some() {
            rights.modify
        } else {
            rights.create
        };
        if reach == Reach::None {
            return Err(Refused::NotPermitted);
        }
        if self.reaches(reach, doc_id, || {
            before.is_some_and(|doc| recorded_by(doc, self.agent))
        }) {
            Ok(())
        } else if reach == Reach::InScope {
            Err(Refused::OutOfScope)
        } else {
            Err(Refused::NotPermitted)
        }
    }
}

/// Why a device's write was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// This role may not write this kind of document (or not this one).
    #[error("this device may not write this document")]
    NotPermitted,
    /// The document is outside the device's sectors.
    #[error("this document is outside the device's sectors")]
    OutOfScope,
    /// After the merge the document no longer reads as its kind's record.
    #[error("the document does not read as its kind's record")]
    Unreadable,
    /// A record names another device as its author, or the device changed
    /// what someone else recorded or what only the office sets.
    #[error("the document names another device or changes what the office sets")]
    Attribution,
    /// A value outside its closed set (an age band, a service, an option
    /// of the questionnaire…) or its bounds, or a record of a campaign
    /// the server does not hold.
    #[error("a value is outside its set or bounds")]
    OutOfSet,
    /// A conversation or a consent names no notice, or one the
    /// municipality never published, or a text it never published.
    #[error("no published information notice is named")]
    NoNotice,
}

/// Whether a person document holds a consent recorded by `agent`.
fn recorded_by(doc: &Automerge, agent: AgentId) -> bool {
    schema::read::<Person>(doc).is_ok_and(|p| p.consents.iter().any(|c| c.agent == agent))
}

fn read_as<T: SingleRecord>(doc_id: &DocId, doc: &Automerge) -> Result<T, Refused> {
    let record: T = schema::read(doc).map_err(|_| Refused::Unreadable)?;
    // Any generation of the record's own document (`schema`).
    if record.doc_id() == doc_id.first_generation() {
        Ok(record)
    } else {
        Err(Refused::Unreadable)
    }
}

/// The stored record; a stored document that does not read is refused
/// rather than treated as absent (its attribution could not be checked).
fn read_before<T: SingleRecord>(
    doc_id: &DocId,
    doc: Option<&Automerge>,
) -> Result<Option<T>, Refused> {
    doc.map(|doc| read_as(doc_id, doc)).transpose()
}

/// The campaigns a write's values are checked against, as the server
/// holds them (`None`: no such campaign, and nothing of it is taken).
pub type Campaigns<'a> = &'a dyn Fn(CampaignId) -> Option<Campaign>;

/// The content checks on a device's write, after the merge: `after` must
/// read as the kind's record, every attribution must name the caller, and
/// every value must be in its set and bounds ([`values`]), against the
/// record's campaign. `before` is the stored document, `None` when the
/// device creates it; `patches`, what the merge changed if the caller
/// logged it (else it is worked out from the two versions).
pub fn check_write(
    caller: &Caller,
    doc_id: &DocId,
    before: Option<&Automerge>,
    after: &Automerge,
    patches: Option<&[automerge::Patch]>,
    campaigns: Campaigns<'_>,
) -> Result<(), Refused> {
    let me = caller.agent;
    let ensure = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(Refused::Attribution)
        }
    };
    match doc_id.kind() {
        DocKind::Campaign => read_as::<Campaign>(doc_id, after).map(drop),
        DocKind::Neighbourhood => read_as::<Neighbourhood>(doc_id, after).map(drop),
        DocKind::Building => read_as::<crate::domain::Building>(doc_id, after).map(drop),
        DocKind::Sector => read_as::<Sector>(doc_id, after).map(drop),
        DocKind::Visits => check_visits(caller, doc_id, before, after, patches, campaigns),
        DocKind::Idea => {
            let idea: Idea = read_as(doc_id, after)?;
            let old = read_before::<Idea>(doc_id, before)?;
            // A value the office has since taken out of the campaign's
            // lists stays acceptable on the record that already had it.
            let kept = old.as_ref().is_some_and(|old| {
                old.category == idea.category && old.place_name == idea.place_name
            });
            if !idea.within_bounds() {
                return Err(Refused::Unreadable);
            }
            let in_set =
                kept || campaigns(idea.campaign).is_none_or(|c| values::idea_ok(&idea, &c));
            let attributed = match old {
                // Collected on this phone, and nothing the office decides.
                None => {
                    ensure(idea.collected_by == me && idea.office_fields_equal(&fresh_idea(&idea)))
                }
                // Any ambassador may improve the text until the office rules
                // on it; who collected it, when, for which campaign, its
                // status and duplicates stay.
                Some(old) => ensure(
                    idea.office_fields_equal(&old) && (!old.decided() || idea.same_text(&old)),
                ),
            };
            attributed?;
            if in_set {
                Ok(())
            } else {
                Err(Refused::OutOfSet)
            }
        }
        DocKind::FollowUp => {
            let follow_up: FollowUp = read_as(doc_id, after)?;
            match read_before::<FollowUp>(doc_id, before)? {
                // Raised in the field: open, and every entry by this device,
                // for one of the campaign's services.
                None => ensure(
                    follow_up.status == FollowUpStatus::Open
                        && !follow_up.history.is_empty()
                        && follow_up
                            .history
                            .iter()
                            .all(|h| h.by == me && h.status == FollowUpStatus::Open),
                )
                .and_then(|()| {
                    let in_set = values::follow_up_bounded(&follow_up)
                        && campaigns(follow_up.campaign)
                            .is_none_or(|c| c.services.contains(&follow_up.service));
                    if in_set {
                        Ok(())
                    } else {
                        Err(Refused::OutOfSet)
                    }
                }),
                Some(old) => ensure(old == follow_up),
            }
        }
        DocKind::Person => {
            let person: Person = read_as(doc_id, after)?;
            if !values::person_ok(&person) {
                return Err(Refused::OutOfSet);
            }
            let old = read_before::<Person>(doc_id, before)?;
            let kept = old.as_ref().map_or(&[][..], |p| &p.consents[..]);
            // Consents are a record: earlier ones stay as they were, new
            // ones name this device. No consent, no record: a person
            // whose every consent was withdrawn is not written to again
            // but by a new consent. Withdrawals are the office's to
            // record, and stay.
            let withdrawn = old.as_ref().map_or(&[][..], |p| &p.withdrawals[..]);
            let changed = old.as_ref() != Some(&person);
            ensure(
                person.withdrawals == withdrawn
                    && !person.consents.is_empty()
                    && (!changed || !person.purposes().is_empty())
                    && kept.iter().all(|c| person.consents.contains(c))
                    && person
                        .consents
                        .iter()
                        .all(|c| c.agent == me || kept.contains(c)),
            )?;
            // Each new consent names the notice and the text shown.
            if person
                .consents
                .iter()
                .filter(|c| !kept.contains(c))
                .all(|c| caller.notices.consent_ok(c))
            {
                Ok(())
            } else {
                Err(Refused::NoNotice)
            }
        }
    }
}

/// `idea` as it was when collected: received, no reason, no duplicate.
fn fresh_idea(idea: &Idea) -> Idea {
    Idea {
        status: crate::domain::IdeaStatus::Received,
        status_reason: String::new(),
        duplicate_of: None,
        ..idea.clone()
    }
}

/// A visit log: every visit under its own id, in the log's campaign and
/// building; new or changed visits by this device; others' left alone.
///
/// Only the visits the merge touched are read (the keys its patches fall
/// under: logged while merging, or Automerge's diff between the two
/// versions): a day's sync adds a few visits to logs of dozens, and reading
/// whole logs twice per message was most of what the checks cost
/// (BENCHMARKS.md).
fn check_visits(
    caller: &Caller,
    doc_id: &DocId,
    before: Option<&Automerge>,
    after: &Automerge,
    patches: Option<&[automerge::Patch]>,
    campaigns: Campaigns<'_>,
) -> Result<(), Refused> {
    let me = caller.agent;
    let campaign = doc_id.campaign_id().and_then(campaigns);
    let touched: BTreeSet<String> = match patches {
        Some(patches) => patches.iter().filter_map(root_key).collect(),
        None => {
            let before_heads = before.map(Automerge::get_heads).unwrap_or_default();
            after
                .diff(&before_heads, &after.get_heads())
                .iter()
                .filter_map(root_key)
                .collect()
        }
    };
    let read = |doc: &Automerge, key: &str| -> Result<Option<Visit>, Refused> {
        if matches!(doc.get(automerge::ROOT, key), Ok(None)) {
            return Ok(None);
        }
        let visit: Option<Visit> = autosurgeon::hydrate_prop(doc, automerge::ROOT, key)
            .map(Some)
            .map_err(|_| Refused::Unreadable)?;
        match &visit {
            Some(v)
                if *key != v.id.to_string()
                    || doc_id.campaign_id() != Some(v.campaign)
                    || doc_id.building_id() != Some(v.building) =>
            {
                Err(Refused::Unreadable)
            }
            _ => Ok(visit),
        }
    };
    // A value that loses a conflict is invisible today and wins tomorrow,
    // when the winner is removed: no write may leave a visit, or who made
    // it, with two values where there was one.
    let conflicts = |doc: &Automerge, key: &str| -> usize {
        let values = doc.get_all(automerge::ROOT, key).map_or(0, |v| v.len());
        let agents = match doc.get(automerge::ROOT, key) {
            Ok(Some((automerge::Value::Object(_), obj))) => {
                doc.get_all(&obj, "agent").map_or(0, |v| v.len())
            }
            _ => 0,
        };
        values.max(agents)
    };
    if touched.contains("") {
        return Err(Refused::Unreadable);
    }
    for key in &touched {
        let now = conflicts(after, key);
        let was = before.map_or(0, |d| conflicts(d, key));
        if now > 1 && now > was {
            return Err(Refused::Attribution);
        }
        // A stored visit that does not read is refused, not taken as
        // absent: its author could not be checked.
        let old = before.map(|d| read(d, key)).transpose()?.flatten();
        let new = read(after, key)?;
        let changed = new
            .as_ref()
            .filter(|new| old.as_ref() != Some(*new))
            .cloned();
        // Only the office erases a visit's words, and only the server
        // expires them; what went stays gone: no phone writes it back.
        let erased_before = old.as_ref().is_some_and(|o| o.words_erased);
        let expired_before = old.as_ref().is_some_and(|o| o.words_expired);
        if changed.as_ref().is_some_and(|n| {
            n.words_erased != erased_before
                || (n.words_erased && n.has_words())
                || n.words_expired != expired_before
                || (n.words_expired
                    && (!n.verbatim.is_empty()
                        || n.has_text_answers()
                        || campaign
                            .as_ref()
                            .is_some_and(|c| n.topics.iter().any(|t| !c.topics.contains(t)))))
        }) {
            return Err(Refused::Attribution);
        }
        match (old, new) {
            (Some(old), Some(new)) if old == new => {}
            (Some(old), Some(new)) if old.agent == me && new.agent == me => {}
            (None, Some(new)) if new.agent == me => {}
            // Undo removes a visit: only one's own.
            (Some(old), None) if old.agent == me => {}
            (None, None) => {}
            _ => return Err(Refused::Attribution),
        }
        if let Some(new) = changed {
            if !values::visit_ok(&new, campaign.as_ref()) {
                return Err(Refused::OutOfSet);
            }
            // Nothing about a resident before the notice was given.
            if !caller.notices.visit_ok(&new) {
                return Err(Refused::NoNotice);
            }
        }
    }
    Ok(())
}

/// The key at the root of the document a patch falls under.
fn root_key(patch: &automerge::Patch) -> Option<String> {
    use automerge::{PatchAction, Prop};
    if let Some((_, Prop::Map(key))) = patch.path.first() {
        return Some(key.clone());
    }
    match &patch.action {
        PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.clone()),
        PatchAction::Conflict {
            prop: Prop::Map(key),
        }
        | PatchAction::Increment {
            prop: Prop::Map(key),
            ..
        } => Some(key.clone()),
        // Anything else at the root is not a visit log's shape.
        _ if patch.path.is_empty() => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
