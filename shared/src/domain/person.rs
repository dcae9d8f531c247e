//! A volunteer's personal data and the consent that allows keeping it.
//!
//! Only this type holds personal data. It lives alone in its own document, so
//! that erasing a person deletes a whole document instead of editing history
//! that Automerge cannot rewrite.

use super::{AgentId, PersonId, Timestamp};
use autosurgeon::{Hydrate, Reconcile};

/// What a resident agreed to be contacted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hydrate, Reconcile)]
pub enum ConsentPurpose {
    /// Conseil de quartier.
    NeighbourhoodCouncil,
    /// A workshop on the campaign's topic.
    Workshop,
    /// The pool for a citizens' assembly drawn by lot.
    CitizensAssembly,
    /// News of what happened to what they said.
    Feedback,
}

/// A recorded consent: which wording, when, by whom.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile)]
pub struct ConsentRecord {
    /// What for.
    pub purpose: ConsentPurpose,
    /// Version of the wording that was shown.
    pub wording_version: String,
    /// Language the wording was shown in.
    pub language: String,
    /// When.
    pub at: Timestamp,
    /// The agent who showed it.
    pub agent: AgentId,
}

/// A volunteer: the minimum needed to contact them again.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile)]
pub struct Person {
    /// Its id.
    pub id: PersonId,
    /// How to address them.
    pub display_name: String,
    /// Phone, if given.
    pub phone: Option<String>,
    /// E-mail, if given.
    pub email: Option<String>,
    /// Consents given; no consent, no record.
    pub consents: Vec<ConsentRecord>,
    /// After this, the data must be erased.
    pub retain_until: Timestamp,
}
