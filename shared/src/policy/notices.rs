//! What the policy knows of the municipality's information notices when it
//! judges a device's write: the versions published, with the hash of each
//! language's text, and from when this device must name one.
//!
//! "From when": a phone recording at a door before it held a notice could
//! not have shown one (a phone still on the previous release, a notice
//! published while it was offline, an answer lost on the way). Its
//! records of that time are taken as they are; from the moment it held a
//! notice, by its own clock (the one its records carry, reported in each
//! request), every conversation and every consent it records must name a
//! published version, and a consent the hash of the exact text shown. A
//! record dated before the phone was enrolled is not "before": a clock
//! set back does not skip the notice.

use crate::domain::{ConsentRecord, Timestamp, Visit};
use std::collections::BTreeMap;

/// The notices a write is checked against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoticeRule {
    /// Version → language → hash of that text (`NoticeText::hash`).
    pub known: BTreeMap<u32, BTreeMap<String, String>>,
    /// Records this device made at or after this time must name a notice
    /// (`None`: it has never held one, so none is required).
    pub required_from: Option<Timestamp>,
    /// A record without a notice dated before this (the device's
    /// enrolment, less a day for its clock) is refused once notices are
    /// required.
    pub not_before: Option<Timestamp>,
}

impl NoticeRule {
    /// Whether a record made at `at` without a notice is acceptable.
    fn may_lack(&self, at: Timestamp) -> bool {
        match self.required_from {
            None => true,
            Some(from) => at < from && self.not_before.is_none_or(|first| at >= first),
        }
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
