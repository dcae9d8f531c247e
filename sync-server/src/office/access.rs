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

/// The data protection officer's section: the notice, the requests
/// register, the journal and the records of processing.
const DPO_SECTIONS: [Section; 1] = [Section::Privacy];

/// The sections `role`'s menu lists (none for a phone's roles).
pub fn sections(role: Role) -> &'static [Section] {
    match role {
        Role::Coordinator => &EVERY_SECTION,
        Role::ElectedOfficial => &READER_SECTIONS,
        Role::DataProtectionOfficer => &DPO_SECTIONS,
        Role::Agent | Role::YouthAmbassador => &[],
    }
}

/// Where `role` lands after logging in.
pub fn home(role: Role) -> &'static str {
    match role {
        Role::ElectedOfficial => "/office/dashboard",
        Role::DataProtectionOfficer => "/office/privacy/notice",
        _ => "/office",
    }
}

/// Who a page is open to, besides coordinators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Coordinators only.
    Coordinators,
    /// Elected officials too, to read (the figures and the reports).
    Readers,
    /// The data protection officer too, to read (the privacy pages).
    PrivacyReaders,
}

/// Whether `role` may make a request to a page open to `audience`: a
/// coordinator any; an elected official or the DPO only reads (`GET`,
/// `HEAD`), and only the pages open to them; a phone's roles none.
pub fn may_request(role: Role, audience: Audience, writes: bool) -> bool {
    match role {
        Role::Coordinator => true,
        Role::ElectedOfficial => audience == Audience::Readers && !writes,
        Role::DataProtectionOfficer => audience == Audience::PrivacyReaders && !writes,
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
        assert!(may_request(elected, Audience::Readers, false));
        assert!(!may_request(elected, Audience::Readers, true));
        assert!(!may_request(elected, Audience::Coordinators, false));
        assert!(!may_request(elected, Audience::PrivacyReaders, false));
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
            assert!(sections(phone).is_empty() && !may_request(phone, Audience::Readers, false));
        }
    }

    #[test]
    fn the_dpo_reads_the_privacy_pages_only() {
        let dpo = Role::DataProtectionOfficer;
        assert_eq!(sections(dpo), [Section::Privacy]);
        assert!(may_request(dpo, Audience::PrivacyReaders, false));
        assert!(!may_request(dpo, Audience::PrivacyReaders, true));
        assert!(!may_request(dpo, Audience::Readers, false));
        assert!(!may_request(dpo, Audience::Coordinators, false));
        for part in [Part::Exports, Part::ResidentsWords, Part::Team] {
            assert!(!sees(dpo, part));
        }
    }
}
