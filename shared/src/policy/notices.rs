//! What the policy knows of the municipality's information notices when it
//! judges a device's write: the versions published, with the hash of each
//! language's text, and from when this device must name one.
//!
//! "From when": a phone recording at a door before it ever received a
//! notice could not have shown one (a phone still on the previous release,
//! a notice published while it was offline). Its records of that time are
//! taken as they are; from the moment the server first handed it a notice,
//! every conversation and every consent it records must name a published
//! version, and a consent the hash of the exact text shown.

use crate::domain::{ConsentRecord, Timestamp, Visit};
use std::collections::BTreeMap;

/// The notices a write is checked against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoticeRule {
    /// Version → language → hash of that text (`NoticeText::hash`).
    pub known: BTreeMap<u32, BTreeMap<String, String>>,
    /// Records this device made at or after this time must name a notice
    /// (`None`: it has never been handed one, so none is required).
    pub required_from: Option<Timestamp>,
}

impl NoticeRule {
    /// Whether a record made at `at` without a notice is acceptable.
    fn may_lack(&self, at: Timestamp) -> bool {
        self.required_from.is_none_or(|from| at < from)
    }

    /// Whether a visit this device wrote names a notice as it must: an
    /// outcome alone needs none; a conversation names a published version,
    /// unless it was recorded before notices were required of this device.
    pub fn visit_ok(&self, visit: &Visit) -> bool {
        match visit.notice_version {
            Some(version) => self.known.contains_key(&version),
            None => !visit.about_resident() || self.may_lack(visit.at),
        }
    }

    /// Whether a new consent names a published version and the hash of
    /// that version's text in the consent's language.
    pub fn consent_ok(&self, consent: &ConsentRecord) -> bool {
        match (consent.notice_version, &consent.text_hash) {
            (Some(version), Some(hash)) => self
                .known
                .get(&version)
                .and_then(|texts| texts.get(&consent.language))
                .is_some_and(|known| known == hash),
            (None, None) => self.may_lack(consent.at),
            _ => false,
        }
    }
}
