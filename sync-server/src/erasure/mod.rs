//! Erasing what Palier holds about one resident, on their request
//! (PRODUCT.md, workflow 7; «Privacy I»): read → plan → apply, no HTTP
//! (`office::erasure` is the page).
//!
//! What one erasure removes, and the confirmation lists before it is done:
//! - each volunteer's person document (name, contact, consents): erased,
//!   a tombstone (id and time only) left for phones;
//! - the words of each visit reached (the visits that signed one of them
//!   up, and those the coordinator ticked): verbatim, free-text answers,
//!   topics, age band, language and the person link. The door, date,
//!   agent, outcome and closed answers stay, so coverage and the
//!   questionnaire's counts stay true. Automerge keeps every change, so
//!   the words go by redaction: the log's present state without them
//!   becomes its next generation, the old one is erased (`shared::schema`,
//!   "Generations");
//! - the descriptions of the follow-ups those visits raised (and of those
//!   the coordinator ticked), by the same redaction: the follow-up's
//!   service, place, status and history stay;
//! - their pseudonym links in the citizens' assembly draws.
//!
//! What it does not remove, and the confirmation says so: backups taken
//! before.

use crate::consolidate::linked::LinkedVisit;
use crate::storage::control::JournalEntry;
use shared::domain::{FollowUp, FollowUpId, PersonId, Timestamp, VisitId};
use shared::schema::{self, DocId, DocKind, SchemaError};
use shared::store::StoreError;
use shared::sync::DocumentStore;
use std::collections::{BTreeMap, BTreeSet};

/// Times a log's rebuild is tried again when a phone wrote to it between
/// the read and the replacement.
const ATTEMPTS: u32 = 8;

/// Why an erasure stopped. What it finished before stays done; asking
/// again finishes the rest (every step is idempotent).
#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A visit log did not read as one.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// Phones kept writing to a log on every attempt: try again.
    #[error("a visit log kept changing; try again")]
    Busy,
}

/// What a coordinator ticked on «Trouver un habitant».
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// Volunteers' person documents.
    pub persons: Vec<PersonId>,
    /// Visits found by door or by words.
    pub visits: Vec<VisitId>,
    /// Follow-ups found by door or by words.
    pub follow_ups: Vec<FollowUpId>,
}

impl Request {
    /// Whether anything was ticked.
    pub fn is_empty(&self) -> bool {
        self.persons.is_empty() && self.visits.is_empty() && self.follow_ups.is_empty()
    }
}

/// A volunteer the erasure removes.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedPerson {
    /// Their document.
    pub id: PersonId,
    /// Their name, for the coordinator to check it is them (empty: erased
    /// already, by a first try that could not finish).
    pub name: String,
}

/// Exactly what one erasure will remove, for the confirmation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Person documents.
    pub persons: Vec<PlannedPerson>,
    /// Visits whose words go.
    pub visits: Vec<LinkedVisit>,
    /// Whether more visits were reached than one erasure takes.
    pub truncated: bool,
    /// Pseudonym links in draws.
    pub draws: usize,
    /// Follow-ups whose description goes: those the visits raised and
    /// those ticked, each once.
    pub follow_ups: Vec<FollowUpId>,
}

/// The plan from what was ticked: the persons this municipality holds
/// (others are left out), the visits the read model links to them or
/// that were ticked, and how many draw links name them.
pub fn plan(
    persons: Vec<PlannedPerson>,
    (visits, truncated): (Vec<LinkedVisit>, bool),
    draws: usize,
    ticked_follow_ups: &[FollowUpId],
) -> Plan {
    let follow_ups: BTreeSet<FollowUpId> = visits
        .iter()
        .filter_map(|v| v.follow_up.as_deref()?.parse().ok())
        .chain(ticked_follow_ups.iter().copied())
        .collect();
    Plan {
        follow_ups: follow_ups.into_iter().collect(),
        persons,
        visits,
        truncated,
        draws,
    }
}

/// The follow-ups of a plan as the confirmation lists them: service and
/// description (of their current generation); those no longer held are
/// left out.
pub fn follow_ups_of(
    store: &dyn DocumentStore,
    plan: &Plan,
) -> Result<Vec<FollowUp>, ErasureError> {
    let mut found = Vec::new();
    for id in &plan.follow_ups {
        let current = current_generation(store, &DocId::follow_up(*id))?;
        if let Some(doc) = store.load(&current)? {
            found.push(schema::read(&doc)?);
        }
    }
    Ok(found)
}

/// What [`apply`] did to the documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Person documents erased.
    pub persons: usize,
    /// Visits whose words were erased.
    pub visits: usize,
    /// Visit logs rebuilt as a new generation.
    pub logs: usize,
    /// Follow-ups whose description was erased.
    pub follow_ups: usize,
}

/// Carries out the document part of `plan`: each person document erased,
/// each reached visit log rebuilt without the words (visits already
/// without words are left as they are, so asking again does nothing
/// twice). Draw links are the control data's (`Control::unlink_from_draws`).
pub fn apply(
    store: &mut dyn DocumentStore,
    plan: &Plan,
    now: Timestamp,
) -> Result<Applied, ErasureError> {
    let mut applied = Applied::default();
    let mut logs: BTreeMap<DocId, BTreeSet<String>> = BTreeMap::new();
    for visit in &plan.visits {
        if let Ok(doc_id) = DocId::parse(&visit.doc_id) {
            logs.entry(doc_id)
                .or_default()
                .insert(visit.visit_id.clone());
        }
    }
    for (doc_id, visits) in logs {
        applied.visits += redact(store, &doc_id, &visits, now)?;
        applied.logs += 1;
    }
    for id in &plan.follow_ups {
        if redact_follow_up(store, *id, now)? {
            applied.follow_ups += 1;
        }
    }
    for person in &plan.persons {
        // One erased already is scrubbed again below (if a first try
        // could not overwrite its bytes), not counted again.
        let doc_id = DocId::person(person.id);
        if store.heads(&doc_id)?.is_some() {
            store.erase_later(&doc_id, now)?;
            applied.persons += 1;
        }
    }
    // One scrub for the whole erasure: on PostgreSQL it rewrites the
    // tables, the slow part (BENCHMARKS.md, "Erasing one resident").
    store.scrub()?;
    Ok(applied)
}

/// The journal entries of `plan` (`Control::journal_erasures`): each
/// person document, each visit log with the visits whose words go, each
/// follow-up; ids and the time only.
pub fn journal(plan: &Plan, now: Timestamp) -> Vec<JournalEntry> {
    let mut logs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for visit in &plan.visits {
        if let Ok(doc_id) = DocId::parse(&visit.doc_id) {
            logs.entry(doc_id.first_generation().to_string())
                .or_default()
                .insert(visit.visit_id.clone());
        }
    }
    let entry = |target: String, visits: Vec<String>| JournalEntry {
        target,
        visits,
        erased_at: now,
    };
    plan.persons
        .iter()
        .map(|p| entry(DocId::person(p.id).to_string(), Vec::new()))
        .chain(
            logs.into_iter()
                .map(|(log, visits)| entry(log, visits.into_iter().collect())),
        )
        .chain(
            plan.follow_ups
                .iter()
                .map(|f| entry(DocId::follow_up(*f).to_string(), Vec::new())),
        )
        .collect()
}

/// Carries out the journal again on `store` (a restored backup): each
/// entry as it was first carried out, with its first time. Entries about
/// what this store never held do nothing; so does what is already done.
/// Returns how many entries changed something.
pub fn replay(
    store: &mut dyn DocumentStore,
    journal: &[JournalEntry],
) -> Result<usize, ErasureError> {
    let mut changed = 0;
    for entry in journal {
        let Ok(target) = DocId::parse(&entry.target) else {
            continue; // not an id this release writes: nothing to find
        };
        let did = match target.kind() {
            DocKind::Person => {
                let held = store.heads(&target)?.is_some();
                if held {
                    store.erase_later(&target, entry.erased_at)?;
                }
                held
            }
            DocKind::FollowUp => match target.first_generation().to_string().split(':').nth(1) {
                Some(id) => match id.parse() {
                    Ok(id) => redact_follow_up(store, FollowUpId(id), entry.erased_at)?,
                    Err(_) => false,
                },
                None => false,
            },
            DocKind::Visits => {
                let visits: BTreeSet<String> = entry.visits.iter().cloned().collect();
                redact(store, &target, &visits, entry.erased_at)? > 0
            }
            _ => false,
        };
        changed += usize::from(did);
    }
    store.scrub()?;
    Ok(changed)
}

/// The generation of `doc_id`'s log that is current: the first not erased.
pub fn current_generation(store: &dyn DocumentStore, doc_id: &DocId) -> Result<DocId, StoreError> {
    let mut id = doc_id.clone();
    while store.is_erased(&id)? {
        match id.next_generation() {
            Some(next) => id = next,
            None => break,
        }
    }
    Ok(id)
}

/// Rebuilds the current generation of follow-up `id` without its
/// description as the next generation, and erases it; whether there was a
/// description to erase. The service, place, status and history stay.
/// The old generation's bytes go at the next [`DocumentStore::scrub`].
pub fn redact_follow_up(
    store: &mut dyn DocumentStore,
    id: FollowUpId,
    now: Timestamp,
) -> Result<bool, ErasureError> {
    for _ in 0..ATTEMPTS {
        let current = current_generation(store, &DocId::follow_up(id))?;
        let Some(doc) = store.load(&current)? else {
            return Ok(false);
        };
        let base = doc.get_heads();
        let mut follow_up: FollowUp = schema::read(&doc)?;
        if follow_up.description.is_empty() {
            return Ok(false);
        }
        follow_up.description.clear();
        let Some(next) = current.next_generation() else {
            return Ok(false);
        };
        let mut rebuilt = automerge::Automerge::new();
        schema::write(&mut rebuilt, &follow_up)?;
        match store.replace((&current, &base), &next, &rebuilt, now) {
            Ok(_) => return Ok(true),
            Err(StoreError::Moved(_)) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(ErasureError::Busy)
}

/// Rebuilds the current generation of `doc_id`'s log without the words of
/// `visits` as the next generation, and erases it; returns how many
/// visits lost words. Nothing to erase, nothing rebuilt. The old
/// generation's bytes go at the next [`DocumentStore::scrub`].
pub fn redact(
    store: &mut dyn DocumentStore,
    doc_id: &DocId,
    visits: &BTreeSet<String>,
    now: Timestamp,
) -> Result<usize, ErasureError> {
    rebuild_log(store, doc_id, now, |key, visit| {
        if visits.contains(key) && (visit.has_words() || !visit.words_erased) {
            visit.erase_words();
            true
        } else {
            false
        }
    })
}

/// Rebuilds the current generation of `doc_id`'s log with the free words
/// of `visits` gone, their retention passed (`Visit::expire_words`; the
/// campaign's `topics` stay), as the next generation, and erases it;
/// returns how many visits lost words.
pub fn expire(
    store: &mut dyn DocumentStore,
    doc_id: &DocId,
    visits: &BTreeSet<String>,
    topics: &[String],
    now: Timestamp,
) -> Result<usize, ErasureError> {
    rebuild_log(store, doc_id, now, |key, visit| {
        if visits.contains(key) && (visit.has_free_words(topics) || !visit.words_expired) {
            visit.expire_words(topics);
            true
        } else {
            false
        }
    })
}

/// Rebuilds the current generation of `doc_id`'s log with `change` made
/// to its visits (it says whether it changed one) as the next generation,
/// in a new document, and erases the current one, if it still has the
/// heads read (else reads again); returns how many visits changed.
fn rebuild_log(
    store: &mut dyn DocumentStore,
    doc_id: &DocId,
    now: Timestamp,
    mut change: impl FnMut(&str, &mut shared::domain::Visit) -> bool,
) -> Result<usize, ErasureError> {
    for _ in 0..ATTEMPTS {
        let current = current_generation(store, doc_id)?;
        let Some(doc) = store.load(&current)? else {
            return Ok(0); // no log (any more): nothing holds these words
        };
        let base = doc.get_heads();
        let mut all = schema::visits(&doc)?;
        let mut changed = 0;
        for (key, visit) in all.iter_mut() {
            if change(key, visit) {
                changed += 1;
            }
        }
        if changed == 0 {
            return Ok(0);
        }
        let Some(next) = current.next_generation() else {
            return Ok(0);
        };
        // A new document: none of the old one's history comes along.
        let mut rebuilt = automerge::Automerge::new();
        for visit in all.values() {
            schema::record_visit(&mut rebuilt, visit)?;
        }
        match store.replace((&current, &base), &next, &rebuilt, now) {
            Ok(_) => return Ok(changed),
            Err(StoreError::Moved(_)) => continue, // a phone wrote: read again
            Err(error) => return Err(error.into()),
        }
    }
    Err(ErasureError::Busy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::*;
    use shared::store::Store;

    fn talked(campaign: CampaignId, building: BuildingId, verbatim: &str) -> Visit {
        let mut visit = Visit::outcome_only(
            campaign,
            building,
            DwellingRef {
                entrance: "A".into(),
                floor: 2,
                door: "21".into(),
            },
            Pass(1),
            1_000,
            AgentId::new(),
            Outcome::Talked,
        );
        visit.verbatim = verbatim.into();
        visit.topics = vec!["propreté".into()];
        visit
    }

    #[test]
    fn a_redaction_leaves_no_word_in_the_new_generation_and_erases_the_old() {
        let (campaign, building) = (CampaignId::new(), BuildingId::new());
        let first = DocId::visits(campaign, building);
        let resident = talked(campaign, building, "Mme CANARY");
        let other = talked(campaign, building, "Les poubelles");
        let mut doc = automerge::Automerge::new();
        schema::record_visit(&mut doc, &resident).expect("write");
        schema::record_visit(&mut doc, &other).expect("write");
        let mut store = Store::open_in_memory().expect("store");
        store.save_one(&first, &doc).expect("save");

        let ids = BTreeSet::from([resident.id.to_string()]);
        assert_eq!(redact(&mut store, &first, &ids, 5).expect("redact"), 1);
        assert!(store.is_erased(&first).expect("erased"));
        let second = first.next_generation().expect("next");
        assert_eq!(current_generation(&store, &first).expect("current"), second);
        let now = store.load(&second).expect("load").expect("held");
        let bytes = now.save_nocompress();
        assert!(!bytes.windows(6).any(|w| w == b"CANARY"));
        let visits = schema::visits(&now).expect("read");
        let kept = &visits[&resident.id.to_string()];
        assert!(kept.words_erased && !kept.has_words());
        assert_eq!(kept.outcome, Outcome::Talked, "the outcome still counts");
        assert_eq!(visits[&other.id.to_string()], other);
        // Asking again changes nothing.
        assert_eq!(redact(&mut store, &first, &ids, 6).expect("again"), 0);
        assert_eq!(current_generation(&store, &first).expect("current"), second);
    }

    #[test]
    fn a_follow_ups_description_goes_and_its_status_stays() {
        let follow_up = FollowUp {
            id: FollowUpId::new(),
            campaign: CampaignId::new(),
            service: "Voirie".into(),
            description: "Fuite chez Mme CANARY".into(),
            building: None,
            place: None,
            status: FollowUpStatus::Forwarded,
            history: Vec::new(),
        };
        let first = DocId::follow_up(follow_up.id);
        let mut doc = automerge::Automerge::new();
        schema::write(&mut doc, &follow_up).expect("write");
        let mut store = Store::open_in_memory().expect("store");
        store.save_one(&first, &doc).expect("save");
        assert!(redact_follow_up(&mut store, follow_up.id, 5).expect("redact"));
        assert!(store.is_erased(&first).expect("erased"));
        let second = current_generation(&store, &first).expect("current");
        assert_eq!(second.generation(), 1);
        let now = store.load(&second).expect("load").expect("held");
        assert!(!now.save_nocompress().windows(6).any(|w| w == b"CANARY"));
        let read: FollowUp = schema::read(&now).expect("read");
        assert_eq!(
            (read.service.as_str(), read.status),
            ("Voirie", follow_up.status)
        );
        assert!(!redact_follow_up(&mut store, follow_up.id, 6).expect("again"));
    }
}
