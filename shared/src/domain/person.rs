//! A volunteer's personal data and the consent that allows keeping it.
//!
//! Only this type holds a resident's name and contacts (what a door said
//! is personal data too, in visit logs: ARCHITECTURE.md, "Where personal
//! data lives"). It lives alone in its own document, so that erasing a
//! person deletes a whole document instead of editing history that
//! Automerge cannot rewrite.

use super::{AgentId, PersonId, Timestamp};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// What a resident agreed to be contacted for.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hydrate, Reconcile, Serialize, Deserialize,
)]
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

impl ConsentPurpose {
    /// Every purpose.
    pub const ALL: [ConsentPurpose; 4] = [
        ConsentPurpose::NeighbourhoodCouncil,
        ConsentPurpose::Workshop,
        ConsentPurpose::CitizensAssembly,
        ConsentPurpose::Feedback,
    ];

    /// A stable name, for forms.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentPurpose::NeighbourhoodCouncil => "neighbourhood_council",
            ConsentPurpose::Workshop => "workshop",
            ConsentPurpose::CitizensAssembly => "citizens_assembly",
            ConsentPurpose::Feedback => "feedback",
        }
    }

    /// The purpose named by [`ConsentPurpose::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A recorded consent, or its withdrawal: which wording, when, by whom.
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
    /// The notice version shown (`super::Notice`); absent in records made
    /// before notices were published, and in the office's withdrawals
    /// taken before them.
    #[autosurgeon(missing = "Default::default")]
    pub notice_version: Option<u32>,
    /// The hash of the exact text shown (`super::NoticeText::hash`): the
    /// server refuses one it never published.
    #[autosurgeon(missing = "Default::default")]
    pub text_hash: Option<String>,
    /// Given by a parent or guardian, for a child under 15 (in France a
    /// minor under 15 consents only with a parent: GDPR Art. 8, loi
    /// Informatique et Libertés art. 45).
    #[autosurgeon(missing = "Default::default")]
    pub parental: bool,
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
    /// Consents withdrawn, recorded as consents are (the wording version
    /// says how it was asked: [`WITHDRAWAL_WORDING`] at the office).
    #[autosurgeon(missing = "Default::default")]
    pub withdrawals: Vec<ConsentRecord>,
    /// After this, the data must be erased.
    pub retain_until: Timestamp,
}

/// The wording version of a withdrawal taken by the office (by phone, by
/// mail or at the desk).
pub const WITHDRAWAL_WORDING: &str = "withdrawal-office-2026-11";

impl Person {
    /// Whether the person's latest word on `purpose` is a consent: a
    /// withdrawal at or after it ends it, a new consent after that gives it
    /// again. Times are the recorders' clocks: a phone whose clock is
    /// behind the office's may record a new consent that still reads as
    /// withdrawn.
    pub fn consents_to(&self, purpose: ConsentPurpose) -> bool {
        let latest = |records: &[ConsentRecord]| {
            records
                .iter()
                .filter(|c| c.purpose == purpose)
                .map(|c| c.at)
                .max()
        };
        match (latest(&self.consents), latest(&self.withdrawals)) {
            (Some(given), Some(withdrawn)) => given > withdrawn,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// The purposes the person consents to now.
    pub fn purposes(&self) -> Vec<ConsentPurpose> {
        ConsentPurpose::ALL
            .into_iter()
            .filter(|p| self.consents_to(*p))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(purpose: ConsentPurpose, at: Timestamp) -> ConsentRecord {
        ConsentRecord {
            purpose,
            wording_version: "2026-11".into(),
            language: "fr".into(),
            at,
            agent: AgentId::new(),
            notice_version: None,
            text_hash: None,
            parental: false,
        }
    }

    #[test]
    fn the_latest_word_on_a_purpose_decides() {
        let mut p = Person {
            id: PersonId::new(),
            display_name: "Mme Haddad".into(),
            phone: None,
            email: None,
            consents: vec![
                record(ConsentPurpose::NeighbourhoodCouncil, 10),
                record(ConsentPurpose::CitizensAssembly, 10),
            ],
            withdrawals: vec![],
            retain_until: 1_000,
        };
        assert_eq!(
            p.purposes(),
            vec![
                ConsentPurpose::NeighbourhoodCouncil,
                ConsentPurpose::CitizensAssembly
            ]
        );
        p.withdrawals
            .push(record(ConsentPurpose::CitizensAssembly, 20));
        assert!(!p.consents_to(ConsentPurpose::CitizensAssembly));
        assert!(p.consents_to(ConsentPurpose::NeighbourhoodCouncil));
        p.consents
            .push(record(ConsentPurpose::CitizensAssembly, 30));
        assert!(p.consents_to(ConsentPurpose::CitizensAssembly));
        assert!(!p.consents_to(ConsentPurpose::Workshop));
    }
}
