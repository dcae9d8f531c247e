//! The records of processing (GDPR Article 30), generated from what the
//! code does, never written by hand: each processing's purpose and legal
//! basis, the people and data it concerns, who receives which documents
//! (read from the policy table, `shared::policy::rights`, for every phone
//! role, and from the office's roles), how long each is kept (the
//! municipality's retention settings, `retention::Settings`) and the
//! security measures the server applies. Change a right or a period and
//! the record changes with it (`office::records` renders it).

use crate::retention::Settings;
use shared::api::Role;
use shared::policy::{KINDS, ROLES, Reach, rights};
use shared::schema::DocKind;

/// Why a processing is lawful.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// A task carried out in the public interest (Art. 6(1)(e)).
    PublicInterest,
    /// The person's consent (Art. 6(1)(a)).
    Consent,
}

/// How long a processing keeps its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// This many days after the campaign ended; the figures stay.
    AfterCampaign(i64),
    /// This many days after the last contact.
    AfterContact(i64),
    /// Until the assembly process ends (a day, if set), else as contacts.
    UntilAssemblyEnds(Option<jiff::civil::Date>, i64),
    /// No automatic purge: kept with the record it belongs to until the
    /// office erases it.
    WithTheRecord,
}

/// One processing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processing {
    /// Its stable name (the office's words key on it).
    pub name: &'static str,
    /// Why it is lawful.
    pub basis: Basis,
    /// The documents it keeps.
    pub kinds: Vec<DocKind>,
    /// How long.
    pub keep: Keep,
    /// The phone roles that receive its documents.
    pub phones: Vec<Role>,
}

/// The processings, from the policy and the settings.
pub fn processings(settings: &Settings) -> Vec<Processing> {
    let made = |name, basis, kinds: Vec<DocKind>, keep| Processing {
        name,
        basis,
        phones: receivers(&kinds),
        kinds,
        keep,
    };
    vec![
        made(
            "conversations",
            Basis::PublicInterest,
            vec![DocKind::Visits, DocKind::FollowUp],
            Keep::AfterCampaign(settings.words_days),
        ),
        made(
            "volunteers",
            Basis::Consent,
            vec![DocKind::Person],
            Keep::AfterContact(settings.contact_days),
        ),
        made(
            "assembly",
            Basis::Consent,
            vec![DocKind::Person],
            Keep::UntilAssemblyEnds(settings.assembly_ends_on, settings.contact_days),
        ),
        made(
            "ideas",
            Basis::PublicInterest,
            vec![DocKind::Idea],
            Keep::WithTheRecord,
        ),
    ]
}

/// The phone roles that receive any document of `kinds`, read from the
/// policy table.
pub fn receivers(kinds: &[DocKind]) -> Vec<Role> {
    ROLES
        .into_iter()
        .filter(|role| {
            kinds
                .iter()
                .any(|k| rights(*role, *k).receive != Reach::None)
        })
        .collect()
}

/// Every kind a phone role receives, and how far (for the recipients'
/// table).
pub fn phone_table() -> Vec<(Role, Vec<(DocKind, Reach)>)> {
    ROLES
        .into_iter()
        .map(|role| {
            (
                role,
                KINDS
                    .into_iter()
                    .map(|k| (k, rights(role, k).receive))
                    .filter(|(_, reach)| *reach != Reach::None)
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_come_from_the_policy_table_and_periods_from_the_settings() {
        let settings = Settings::default();
        let all = processings(&settings);
        let conversations = &all[0];
        // The policy: visit logs reach coordinators' and agents' phones,
        // never an ambassador's or an elected official's.
        assert_eq!(conversations.phones, [Role::Coordinator, Role::Agent]);
        assert_eq!(conversations.keep, Keep::AfterCampaign(settings.words_days));
        let shorter = Settings {
            words_days: 90,
            ..settings
        };
        assert_eq!(processings(&shorter)[0].keep, Keep::AfterCampaign(90));
        let ideas = all.iter().find(|p| p.name == "ideas").expect("ideas");
        assert!(ideas.phones.contains(&Role::YouthAmbassador));
    }
}
