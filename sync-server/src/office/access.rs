//! What each office role sees, decided here once: the sections its menu
//! lists, the page it lands on, whether a request reaches a page at all
//! (the `Office` and `Reader` extractors ask [`may_request`]), and which
//! parts of a shared page it is shown ([`sees`]). An elected official
//! reads the figures and the reports; the team's management (agents,
//! phones, exports, the ideas' list, preparing campaigns) is the
//! coordinator's.

use super::layout::Section;
use shared::api::Role;

/// Every section, in the menu's order.
const EVERY_SECTION: [Section; 10] = [
    Section::Campaigns,
    Section::Results,
    Section::FollowUps,
    Section::Ideas,
    Section::Volunteers,
    Section::Sortition,
    Section::Reports,
    Section::Territory,
    Section::Devices,
    Section::Privacy,
];

/// An elected official's sections: the figures and the reports.
const READER_SECTIONS: [Section; 2] = [Section::Results, Section::Reports];

/// The sections `role`'s menu lists (none for a phone's roles).
pub fn sections(role: Role) -> &'static [Section] {
    match role {
        Role::Coordinator => &EVERY_SECTION,
        Role::ElectedOfficial => &READER_SECTIONS,
        Role::Agent | Role::YouthAmbassador => &[],
    }
}

/// Where `role` lands after logging in.
pub fn home(role: Role) -> &'static str {
    match role {
        Role::ElectedOfficial => "/office/dashboard",
        _ => "/office",
    }
}

/// Whether `role` may make a request: a coordinator any; an elected
/// official only reads (`GET`, `HEAD`), and only pages open to readers
/// (the `Reader` extractor); a phone's roles none.
pub fn may_request(role: Role, open_to_readers: bool, writes: bool) -> bool {
    match role {
        Role::Coordinator => true,
        Role::ElectedOfficial => open_to_readers && !writes,
        Role::Agent | Role::YouthAmbassador => false,
    }
}

/// A part of a page some roles are not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Preparing campaigns (the campaigns' list).
    Preparation,
    /// Per agent figures, points to check, phones and their syncs.
    Team,
    /// Files to download.
    Exports,
    /// The ideas' list and decisions.
    Ideas,
    /// What residents said in their own words (free-text answers).
    ResidentsWords,
    /// Counts from 1 to 10 in a breakdown by public, which could single
    /// a resident out (masked for the others, `consolidate::small_counts`).
    SmallCounts,
}

/// Whether `role` is shown `part`.
pub fn sees(role: Role, part: Part) -> bool {
    match part {
        Part::Preparation
        | Part::Team
        | Part::Exports
        | Part::Ideas
        | Part::ResidentsWords
        | Part::SmallCounts => role == Role::Coordinator,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_elected_official_reads_figures_and_reports_only() {
        let elected = Role::ElectedOfficial;
        assert_eq!(sections(elected), [Section::Results, Section::Reports]);
        assert!(may_request(elected, true, false));
        assert!(!may_request(elected, true, true));
        assert!(!may_request(elected, false, false));
        for part in [
            Part::Preparation,
            Part::Team,
            Part::Exports,
            Part::Ideas,
            Part::ResidentsWords,
            Part::SmallCounts,
        ] {
            assert!(!sees(elected, part) && sees(Role::Coordinator, part));
        }
        assert_eq!(home(elected), "/office/dashboard");
        for phone in [Role::Agent, Role::YouthAmbassador] {
            assert!(sections(phone).is_empty() && !may_request(phone, true, false));
        }
    }
}
