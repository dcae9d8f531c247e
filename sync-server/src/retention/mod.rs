//! Retention that runs itself. Each kind of personal data has a period,
//! set at the office (defaults below, explained on the page
//! `office::retention`); once past it, the server purges it without
//! anyone acting, in small batches so a sync never waits long:
//!
//! - a volunteer's record (name, contacts, consents) is erased a period
//!   after the last contact (their latest consent or withdrawal, or a
//!   visit that names them: a new contact extends it), at once when they
//!   consent to nothing any more if the office says so, and when the
//!   citizens' assembly they alone agreed to has ended;
//! - residents' own words in visits (verbatims, free-text answers, topics
//!   outside the campaign's list) and follow-up descriptions go a period
//!   after their campaign ended; the figures stay (`Visit::expire_words`).
//!
//! Phones lose the same data at their next sync: erased documents are
//! tombstoned, rebuilt visit logs replace theirs ("Redaction by
//! generations"), and the read model re-projects what changed. Each purge
//! that did something is one journal line, with counts only.

pub mod settings;

pub use settings::Settings;

use crate::AppState;
use crate::consolidate::{Snapshot, retention as expired};
use crate::erasure::{self, ErasureError};
use crate::journal::{self, Event};
use shared::domain::{
    Campaign, ConsentPurpose, FollowUpId, MunicipalityId, Person, PersonId, Timestamp,
};
use shared::schema::{DocId, DocKind};
use shared::sync::{DocumentStore, Records};
use std::collections::{BTreeMap, BTreeSet};

/// A day, in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

impl RetentionError {
    /// What failed, without the document it was about (an id can name a
    /// resident).
    pub fn kind(&self) -> &'static str {
        match self {
            RetentionError::Store(_) => "store",
            RetentionError::ReadModel(_) => "read model",
            RetentionError::Sql(_) => "read model query",
            RetentionError::Control(_) => "control data",
            RetentionError::Erasure(_) => "rebuilding a document",
        }
    }
}

/// The most of each kind one batch purges.
pub const BATCH: usize = 50;

/// Why a purge stopped; what it did before stays done.
#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    /// The documents' store failed.
    #[error(transparent)]
    Store(#[from] shared::store::StoreError),
    /// The read model failed.
    #[error(transparent)]
    ReadModel(#[from] crate::readmodel::ReadModelError),
    /// A read-model query failed.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// The control data failed.
    #[error(transparent)]
    Control(#[from] crate::storage::control::ControlError),
    /// Rebuilding a document failed.
    #[error(transparent)]
    Erasure(#[from] ErasureError),
}

/// When a volunteer's record must go: `None` while it may stay.
pub fn person_deadline(
    person: &Person,
    last_met: Option<Timestamp>,
    settings: &Settings,
    now: Timestamp,
) -> Option<Timestamp> {
    let assembly_since = person
        .consents
        .iter()
        .filter(|c| c.purpose == ConsentPurpose::CitizensAssembly)
        .map(|c| c.at)
        .max();
    deadline(
        &person.purposes(),
        last_contact(person, last_met),
        assembly_since,
        settings,
        now,
    )
}

/// When a record must go, from what its person consents to now, the last
/// contact with them and when they last agreed to the assembly's pool:
/// the contact period after the last contact, sooner when the assembly
/// they alone agreed to (before it ended: a later agreement is for the
/// next process) has ended.
pub fn deadline(
    purposes: &[ConsentPurpose],
    last_contact: Option<Timestamp>,
    assembly_since: Option<Timestamp>,
    settings: &Settings,
    now: Timestamp,
) -> Option<Timestamp> {
    if purposes.is_empty() && settings.erase_without_consent {
        return Some(now);
    }
    let by_contact = last_contact?.saturating_add(settings.contact_days * DAY_MS);
    if !purposes.is_empty()
        && purposes
            .iter()
            .all(|p| *p == ConsentPurpose::CitizensAssembly)
        && let Some(ended) = settings.assembly_ended_at()
        && assembly_since.is_some_and(|since| since < ended)
    {
        return Some(ended.min(by_contact));
    }
    Some(by_contact)
}

/// The last time the office was in touch with them: their latest consent
/// or withdrawal, or the latest visit that names them.
pub fn last_contact(person: &Person, last_met: Option<Timestamp>) -> Option<Timestamp> {
    person
        .consents
        .iter()
        .chain(&person.withdrawals)
        .map(|c| c.at)
        .chain(last_met)
        .max()
}

/// What has passed its period now, at most [`BATCH`] of each kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Due {
    /// Volunteers' records to erase.
    pub persons: Vec<PersonId>,
    /// Visit logs whose words go.
    pub logs: Vec<expired::ExpiredLog>,
    /// Follow-ups whose description goes.
    pub follow_ups: Vec<FollowUpId>,
}

impl Due {
    /// Whether there is nothing to purge.
    pub fn is_empty(&self) -> bool {
        self.persons.is_empty() && self.logs.is_empty() && self.follow_ups.is_empty()
    }
}

/// What is due for purging at `now`.
pub fn due(
    store: &dyn DocumentStore,
    rm: &Snapshot,
    settings: &Settings,
    now: Timestamp,
) -> Result<Due, RetentionError> {
    let met = expired::last_met(rm)?;
    let persons = store
        .readable_records::<Person>(DocKind::Person)?
        .into_iter()
        .filter(|p| {
            let last = met.get(&p.id.to_string()).copied();
            person_deadline(p, last, settings, now).is_some_and(|deadline| deadline <= now)
        })
        .map(|p| p.id)
        .take(BATCH)
        .collect();
    let ended_before = now.saturating_sub(settings.words_days * DAY_MS);
    let listed = campaign_topics(store)?;
    Ok(Due {
        persons,
        logs: expired::expired_words(rm, ended_before, &listed, BATCH)?
            .into_iter()
            // A campaign that does not read: its words wait (its listed
            // topics, which the figures count, must not go with them).
            .filter(|log| listed.contains_key(&log.campaign_id))
            .collect(),
        follow_ups: expired::expired_follow_ups(rm, ended_before, BATCH)?
            .iter()
            .filter_map(|id| id.parse().ok())
            .collect(),
    })
}

/// Each readable campaign's listed topics, by campaign id.
fn campaign_topics(
    store: &dyn DocumentStore,
) -> Result<BTreeMap<String, Vec<String>>, RetentionError> {
    Ok(store
        .readable_records::<Campaign>(DocKind::Campaign)?
        .into_iter()
        .map(|c| (c.id.to_string(), c.topics))
        .collect())
}

/// What one purge did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Volunteers' records erased.
    pub persons: usize,
    /// Visits whose words went.
    pub visits: usize,
    /// Follow-up descriptions removed.
    pub follow_ups: usize,
}

/// Carries out `due` on the store: persons erased, visit logs and
/// follow-ups rebuilt without the words, one scrub at the end.
pub fn purge(
    store: &mut dyn DocumentStore,
    due: &Due,
    now: Timestamp,
) -> Result<Purged, RetentionError> {
    let mut purged = Purged::default();
    let topics = campaign_topics(store)?;
    for log in &due.logs {
        let (Ok(doc_id), Some(listed)) = (DocId::parse(&log.doc_id), topics.get(&log.campaign_id))
        else {
            continue;
        };
        let visits: BTreeSet<String> = log.visits.iter().cloned().collect();
        purged.visits += erasure::expire(store, &doc_id, &visits, listed, now)?;
    }
    for id in &due.follow_ups {
        if erasure::redact_follow_up(store, *id, now)? {
            purged.follow_ups += 1;
        }
    }
    for person in &due.persons {
        let doc_id = DocId::person(*person);
        if store.heads(&doc_id)?.is_some() {
            store.erase_later(&doc_id, now)?;
            purged.persons += 1;
        }
    }
    if purged != Purged::default() {
        store.scrub()?;
    }
    Ok(purged)
}

/// Purges what has passed its period in `municipality`, batch after
/// batch until nothing is due (each batch its own short writes, so syncs
/// go between them); journals what it did and unlinks erased persons from
/// the draws. Returns the total.
pub fn run(
    state: &AppState,
    municipality: MunicipalityId,
    now: Timestamp,
) -> Result<Purged, RetentionError> {
    let mut total = Purged::default();
    let outcome = batches(state, municipality, now, &mut total);
    // What was done is journaled even when a later batch failed.
    if total != Purged::default() {
        journal::record(
            &state.control,
            municipality,
            "",
            now,
            &Event::Purged {
                persons: total.persons,
                visits: total.visits,
                follow_ups: total.follow_ups,
            },
        )?;
        // Counts only: whose data went is never written to a log.
        tracing::info!(
            persons = total.persons,
            visits = total.visits,
            follow_ups = total.follow_ups,
            "retention purge"
        );
    }
    outcome.map(|()| total)
}

/// The batches of [`run`], adding to `total` as each is done.
fn batches(
    state: &AppState,
    municipality: MunicipalityId,
    now: Timestamp,
    total: &mut Purged,
) -> Result<(), RetentionError> {
    let settings = settings::read(&state.control, municipality)?;
    let model = state.tenants.read_model(municipality)?;
    // Bounded: a batch that purges nothing (a document that no longer
    // reads) must not loop for ever.
    for _ in 0..1_000 {
        let due = {
            let store = state.tenants.store(municipality)?;
            let store = store.get()?;
            let rm = Snapshot::take(&model)?;
            due(&*store, &rm, &settings, now)?
        };
        if due.is_empty() {
            break;
        }
        let purged = {
            let store = state.tenants.store(municipality)?;
            let mut store = store.get()?;
            purge(&mut *store, &due, now)?
        };
        let persons: Vec<String> = due.persons.iter().map(|p| p.0.to_string()).collect();
        state.control.unlink_from_draws(municipality, &persons)?;
        model.nudge();
        total.persons += purged.persons;
        total.visits += purged.visits;
        total.follow_ups += purged.follow_ups;
        if purged == Purged::default() {
            break;
        }
    }
    Ok(())
}

/// [`run`] for every municipality, by the server's clock; one that fails
/// is logged (without ids) and tried again next time, the others go on.
pub fn run_all(state: &AppState) -> Result<Purged, RetentionError> {
    let now = state.clock.now();
    let mut total = Purged::default();
    for municipality in state.control.municipalities()? {
        match run(state, municipality, now) {
            Ok(purged) => {
                total.persons += purged.persons;
                total.visits += purged.visits;
                total.follow_ups += purged.follow_ups;
            }
            Err(error) => {
                tracing::error!(
                    kind = error.kind(),
                    "retention purge failed for a municipality"
                );
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{AgentId, ConsentRecord};

    fn person(purposes: &[ConsentPurpose], at: Timestamp) -> Person {
        Person {
            id: PersonId::new(),
            display_name: "Mme D.".into(),
            phone: None,
            email: None,
            consents: purposes
                .iter()
                .map(|p| ConsentRecord {
                    purpose: *p,
                    wording_version: "v".into(),
                    language: "fr".into(),
                    at,
                    agent: AgentId::new(),
                    notice_version: None,
                    text_hash: None,
                    parental: false,
                })
                .collect(),
            withdrawals: vec![],
            retain_until: 0,
        }
    }

    #[test]
    fn a_record_goes_a_period_after_the_last_contact() {
        let settings = Settings::default();
        let p = person(&[ConsentPurpose::NeighbourhoodCouncil], 1_000);
        let deadline = 1_000 + settings.contact_days * DAY_MS;
        assert_eq!(person_deadline(&p, None, &settings, 0), Some(deadline));
        // Met again at a door: the period runs from then.
        let later = 1_000 + 400 * DAY_MS;
        assert_eq!(
            person_deadline(&p, Some(later), &settings, 0),
            Some(later + settings.contact_days * DAY_MS)
        );
    }

    #[test]
    fn no_consent_left_goes_at_once_when_the_office_says_so() {
        let mut p = person(&[ConsentPurpose::Workshop], 1_000);
        p.withdrawals = p.consents.clone();
        p.withdrawals[0].at = 2_000;
        let queue = Settings::default();
        assert_eq!(
            person_deadline(&p, None, &queue, 5_000),
            Some(2_000 + queue.contact_days * DAY_MS),
            "queued: shown as due for erasure at the office"
        );
        let at_once = Settings {
            erase_without_consent: true,
            ..Settings::default()
        };
        assert_eq!(person_deadline(&p, None, &at_once, 5_000), Some(5_000));
    }

    #[test]
    fn an_assembly_pool_goes_when_the_process_ends() {
        let ends = jiff::civil::date(2027, 6, 30);
        let settings = Settings {
            assembly_ends_on: Some(ends),
            ..Settings::default()
        };
        let ended = settings.assembly_ended_at().expect("a day");
        let pool_only = person(&[ConsentPurpose::CitizensAssembly], ended - 10 * DAY_MS);
        let also_council = person(
            &[
                ConsentPurpose::CitizensAssembly,
                ConsentPurpose::NeighbourhoodCouncil,
            ],
            ended - 10 * DAY_MS,
        );
        assert_eq!(person_deadline(&pool_only, None, &settings, 0), Some(ended));
        assert_ne!(
            person_deadline(&also_council, None, &settings, 0),
            Some(ended)
        );
        // Agreed after the end: for the next process, kept by contact.
        let next_pool = person(&[ConsentPurpose::CitizensAssembly], ended + 1);
        assert_eq!(
            person_deadline(&next_pool, None, &settings, 0),
            Some(ended + 1 + settings.contact_days * DAY_MS)
        );
        // An end far away never keeps a record past its contact period.
        let far = Settings {
            assembly_ends_on: Some(jiff::civil::date(2099, 1, 1)),
            ..Settings::default()
        };
        assert_eq!(
            person_deadline(&pool_only, None, &far, 0),
            Some(ended - 10 * DAY_MS + far.contact_days * DAY_MS)
        );
    }
}
