//! The journal: who opened residents' personal data, exported door-level
//! files, erased, withdrew, published a notice, changed a retention
//! period, drew an assembly or purged what had expired, and when. The
//! coordinator and the data protection officer read it
//! (`office::journal`).
//!
//! Each [`Event`] is built from counts, purposes, versions and a file's
//! name: no field holds a resident's name, contact, words or id. The one
//! free text is the reason a coordinator states for a door-level export
//! (bounded, [`MAX_REASON_CHARS`]); the form asks for a purpose, not a
//! name, but what she types is hers to keep free of one.

use crate::storage::control::{Control, ControlError, JournalRow};
use serde::{Deserialize, Serialize};
use shared::domain::{ConsentPurpose, MunicipalityId, Timestamp};

/// The most a stated reason keeps.
pub const MAX_REASON_CHARS: usize = 300;

/// One act on personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Event {
    /// The volunteers' list was opened (names and contacts shown).
    OpenedVolunteers {
        /// How many were listed.
        listed: usize,
    },
    /// A search for what is held about one resident (the terms are not
    /// kept).
    SearchedResident {
        /// Person records found.
        persons: usize,
        /// Visits found.
        visits: usize,
    },
    /// Everything held about one resident was opened (subject access).
    OpenedSubjectAccess,
    /// The follow-ups' list was opened (descriptions of problems at doors).
    OpenedFollowUps {
        /// How many were listed.
        listed: usize,
    },
    /// A free-text question's answers were opened (residents' words).
    OpenedFreeAnswers {
        /// How many were listed.
        listed: usize,
    },
    /// A door-level file was downloaded.
    Exported {
        /// The file.
        file: String,
        /// Why, as the coordinator stated it.
        reason: String,
    },
    /// An erasure was carried out.
    Erased {
        /// Person records.
        persons: usize,
        /// Visits whose words went.
        visits: usize,
        /// Follow-ups whose description went.
        follow_ups: usize,
    },
    /// An agreement was withdrawn at the office.
    Withdrew {
        /// Which.
        purpose: String,
    },
    /// A person's fields were corrected at the office.
    Rectified,
    /// A notice version was published.
    PublishedNotice {
        /// Its version.
        version: u32,
    },
    /// A retention period was changed.
    ChangedRetention {
        /// Which period.
        period: String,
        /// Its new length, in days.
        days: i64,
    },
    /// A citizens' assembly was drawn.
    Drew {
        /// The pool's size.
        pool: usize,
        /// The panel's size.
        panel: usize,
    },
    /// A request (access, erasure…) was recorded or changed.
    Request {
        /// Its kind.
        kind: String,
        /// Its state now.
        state: String,
    },
    /// What had passed its retention period was purged, by the server.
    Purged {
        /// Person records erased.
        persons: usize,
        /// Visits whose words went.
        visits: usize,
        /// Follow-up descriptions removed.
        follow_ups: usize,
    },
}

impl Event {
    /// A withdrawal of `purpose`.
    pub fn withdrew(purpose: ConsentPurpose) -> Self {
        Event::Withdrew {
            purpose: purpose.as_str().to_string(),
        }
    }

    /// A door-level export of `file`, for `reason` (trimmed, bounded).
    pub fn exported(file: &str, reason: &str) -> Self {
        Event::Exported {
            file: file.to_string(),
            reason: reason.trim().chars().take(MAX_REASON_CHARS).collect(),
        }
    }

    /// Its stable name.
    pub fn name(&self) -> &'static str {
        match self {
            Event::OpenedVolunteers { .. } => "opened_volunteers",
            Event::SearchedResident { .. } => "searched_resident",
            Event::OpenedSubjectAccess => "opened_subject_access",
            Event::OpenedFollowUps { .. } => "opened_follow_ups",
            Event::OpenedFreeAnswers { .. } => "opened_free_answers",
            Event::Exported { .. } => "exported",
            Event::Erased { .. } => "erased",
            Event::Withdrew { .. } => "withdrew",
            Event::Rectified => "rectified",
            Event::PublishedNotice { .. } => "published_notice",
            Event::ChangedRetention { .. } => "changed_retention",
            Event::Drew { .. } => "drew",
            Event::Request { .. } => "request",
            Event::Purged { .. } => "purged",
        }
    }
}

/// Records `event` by `account` (empty: the server itself) at `at`.
pub fn record(
    control: &Control,
    municipality: MunicipalityId,
    account: &str,
    at: Timestamp,
    event: &Event,
) -> Result<(), ControlError> {
    let detail =
        serde_json::to_string(event).map_err(|_| ControlError::Malformed("journal event"))?;
    control.journal(municipality, account, at, event.name(), &detail)
}

/// A journal line as the office shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// When.
    pub at: Timestamp,
    /// Who: an account's e-mail, or empty for the server.
    pub who: String,
    /// What, if it still reads (a line written by a later release may
    /// not: it is shown by its name).
    pub event: Option<Event>,
    /// The act's stable name.
    pub action: String,
}

/// The journal between `from` and `to`, newest first, at most `limit`.
pub fn read(
    control: &Control,
    municipality: MunicipalityId,
    from: Timestamp,
    to: Timestamp,
    limit: i64,
) -> Result<Vec<Line>, ControlError> {
    Ok(control
        .journal_lines(municipality, from, to, limit)?
        .into_iter()
        .map(
            |JournalRow {
                 at,
                 who,
                 action,
                 detail,
             }| Line {
                at,
                who,
                event: serde_json::from_str(&detail).ok(),
                action,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_back_as_it_was_recorded_and_newest_first() {
        let dir = tempfile::tempdir().expect("dir");
        let control = Control::open(&dir.path().join("control.sqlite")).expect("open");
        let m = control.ensure_municipality("Ville").expect("municipality");
        let export = Event::exported("visits.csv", &format!("  {}  ", "x".repeat(400)));
        record(
            &control,
            m,
            "acc",
            10,
            &Event::OpenedVolunteers { listed: 3 },
        )
        .expect("record");
        record(&control, m, "", 20, &export).expect("record");
        let lines = read(&control, m, 0, 100, 10).expect("read");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].action, "exported");
        let Some(Event::Exported { reason, .. }) = &lines[0].event else {
            panic!("an export: {:?}", lines[0]);
        };
        assert_eq!(reason.chars().count(), MAX_REASON_CHARS, "bounded");
        assert_eq!(lines[1].event, Some(Event::OpenedVolunteers { listed: 3 }));
        assert!(read(&control, m, 11, 100, 10).expect("read").len() == 1);
    }
}
