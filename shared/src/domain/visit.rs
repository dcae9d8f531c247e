//! A visit (passage): one knock at one door at one time, with its outcome.

use super::{
    AgentId, BuildingId, CampaignId, DwellingRef, FollowUpId, PersonId, Timestamp, VisitId,
};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happened at the door.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum Outcome {
    /// Absent: nobody answered.
    NotHome,
    /// Échange: a conversation took place.
    Talked,
    /// Refus.
    Refused,
    /// Porte close: the entrance could not be reached (door code).
    NoAccess,
    /// À repasser: the resident asked to come back.
    ComeBack,
    /// Vacant dwelling.
    Vacant,
}

impl Outcome {
    /// Every outcome, in the order the field app offers them.
    pub const ALL: [Outcome; 6] = [
        Outcome::NotHome,
        Outcome::Talked,
        Outcome::Refused,
        Outcome::NoAccess,
        Outcome::ComeBack,
        Outcome::Vacant,
    ];

    /// Its stable name, as the read model and exports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NotHome => "not_home",
            Outcome::Talked => "talked",
            Outcome::Refused => "refused",
            Outcome::NoAccess => "no_access",
            Outcome::ComeBack => "come_back",
            Outcome::Vacant => "vacant",
        }
    }

    /// The outcome a stable name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == name)
    }

    /// Whether the door is settled, so later passes skip it.
    pub fn is_final(self) -> bool {
        matches!(self, Outcome::Talked | Outcome::Refused | Outcome::Vacant)
    }
}

/// Which pass over the doors this was: 1, 2 or 3.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub struct Pass(pub u8);

/// An answer to one question.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum Answer {
    /// The chosen option id.
    Choice(String),
    /// The chosen option ids.
    Choices(Vec<String>),
    /// A value on a scale.
    Scale(i64),
    /// Free text.
    Text(String),
}

/// The age bands an agent may note about who answered, youngest first:
/// the one set the field form offers, the policy checks on every write
/// and the figures read ("young people" are the first two).
pub const RESIDENT_AGE_BANDS: [&str; 4] = ["<15", "15-24", "25-64", "65+"];

/// What the agent noted about who answered: never a name.
#[derive(Clone, Debug, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ResidentProfile {
    /// One of [`RESIDENT_AGE_BANDS`].
    pub age_band: Option<String>,
    /// Language the conversation took place in (BCP 47).
    pub language: Option<String>,
}

/// One knock at one door.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Visit {
    /// Its id, made on the device.
    pub id: VisitId,
    /// The campaign it belongs to.
    pub campaign: CampaignId,
    /// The building.
    pub building: BuildingId,
    /// The door.
    pub door: DwellingRef,
    /// Which pass.
    pub pass: Pass,
    /// When the agent recorded it.
    pub at: Timestamp,
    /// Who knocked.
    pub agent: AgentId,
    /// What happened.
    pub outcome: Outcome,
    /// Questionnaire version answered, if any.
    pub questionnaire_version: Option<u32>,
    /// Answers by question id.
    pub answers: BTreeMap<String, Answer>,
    /// Topics the resident raised.
    pub topics: Vec<String>,
    /// The resident's words.
    pub verbatim: String,
    /// Who answered, without identifying them.
    pub profile: ResidentProfile,
    /// A problem handed to a city service.
    pub follow_up: Option<FollowUpId>,
    /// A volunteer's personal data lives in its own document; this is the
    /// only link to it.
    pub person: Option<PersonId>,
    /// Set by the office when it erased what this visit said about the
    /// resident (an erasure request, or words written by mistake): the
    /// visit keeps its door, outcome and date, and nothing about the
    /// resident may be written into it again. Absent in earlier documents.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub words_erased: bool,
    /// The version of the information notice the agent gave before
    /// noting anything about the resident (`super::Notice`). Absent in an
    /// outcome alone, and in visits recorded before the municipality
    /// published a notice.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub notice_version: Option<u32>,
    /// Set by the server when the retention period of residents' words
    /// passed (`Visit::expire_words`): the verbatim, free-text answers and
    /// free topics went; the figures (outcome, closed answers, the
    /// campaign's topics, age band, language) stay. No phone writes words
    /// into it again. Absent in earlier documents.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub words_expired: bool,
}

impl Visit {
    /// A visit with only its outcome: what "not home" records in two taps.
    /// Answers, topics, verbatim and links are filled in after, for a talk.
    pub fn outcome_only(
        campaign: CampaignId,
        building: BuildingId,
        door: DwellingRef,
        pass: Pass,
        at: Timestamp,
        agent: AgentId,
        outcome: Outcome,
    ) -> Self {
        Self {
            id: VisitId::new(),
            campaign,
            building,
            door,
            pass,
            at,
            agent,
            outcome,
            questionnaire_version: None,
            answers: BTreeMap::new(),
            topics: Vec::new(),
            verbatim: String::new(),
            profile: ResidentProfile::default(),
            follow_up: None,
            person: None,
            words_erased: false,
            notice_version: None,
            words_expired: false,
        }
    }

    /// Whether a free-text answer holds the resident's own words.
    pub fn has_text_answers(&self) -> bool {
        self.answers.values().any(|a| matches!(a, Answer::Text(_)))
    }

    /// Whether the visit holds words past their retention could remove:
    /// a verbatim, a free-text answer, a topic outside `campaign_topics`.
    pub fn has_free_words(&self, campaign_topics: &[String]) -> bool {
        !self.verbatim.is_empty()
            || self.has_text_answers()
            || self.topics.iter().any(|t| !campaign_topics.contains(t))
    }

    /// Removes what the resident said in their own words once its
    /// retention period passed, and marks it so: the verbatim, the
    /// free-text answers and the topics outside the campaign's list go;
    /// everything the figures count stays.
    pub fn expire_words(&mut self, campaign_topics: &[String]) {
        self.verbatim.clear();
        self.answers.retain(|_, a| !matches!(a, Answer::Text(_)));
        self.topics.retain(|t| campaign_topics.contains(t));
        self.words_expired = true;
    }

    /// Whether the visit notes anything the resident said or is, or a
    /// problem they reported: what needs the notice to have been given
    /// first. An outcome alone (two taps at a closed door) does not.
    pub fn about_resident(&self) -> bool {
        self.has_words() || !self.answers.is_empty() || self.follow_up.is_some()
    }

    /// Whether the visit holds anything about the resident: words,
    /// free-text answers, topics, who answered, a link to their person
    /// document.
    pub fn has_words(&self) -> bool {
        !self.verbatim.is_empty()
            || !self.topics.is_empty()
            || self.profile != ResidentProfile::default()
            || self.person.is_some()
            || self.has_text_answers()
    }

    /// Removes what the visit says about the resident and marks it so: the
    /// door, pass, date, agent, outcome, closed answers and follow-up link
    /// stay, so coverage and the questionnaire's counts stay true.
    pub fn erase_words(&mut self) {
        self.verbatim.clear();
        self.topics.clear();
        self.profile = ResidentProfile::default();
        self.person = None;
        self.answers.retain(|_, a| !matches!(a, Answer::Text(_)));
        self.words_erased = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_answer_is_about_the_resident_and_an_outcome_is_not() {
        let door = DwellingRef {
            entrance: "A".into(),
            floor: 0,
            door: "1".into(),
        };
        let mut v = Visit::outcome_only(
            CampaignId::new(),
            BuildingId::new(),
            door,
            Pass(1),
            0,
            AgentId::new(),
            Outcome::Talked,
        );
        assert!(!v.about_resident());
        v.answers.insert("q".into(), Answer::Choice("oui".into()));
        assert!(v.about_resident() && !v.has_words());
    }

    #[test]
    fn expired_words_go_and_the_figures_stay() {
        let door = DwellingRef {
            entrance: "A".into(),
            floor: 0,
            door: "1".into(),
        };
        let mut v = Visit::outcome_only(
            CampaignId::new(),
            BuildingId::new(),
            door,
            Pass(1),
            0,
            AgentId::new(),
            Outcome::Talked,
        );
        let listed = vec!["propreté".to_string()];
        v.verbatim = "Mme X au 3e".into();
        v.topics = vec!["propreté".into(), "le voisin du 4e".into()];
        v.answers.insert("q1".into(), Answer::Scale(4));
        v.answers
            .insert("q2".into(), Answer::Text("appelez-moi".into()));
        v.profile.age_band = Some("65+".into());
        assert!(v.has_free_words(&listed));
        v.expire_words(&listed);
        assert!(!v.has_free_words(&listed) && v.words_expired);
        assert_eq!(v.topics, listed);
        assert_eq!(v.answers.len(), 1);
        assert_eq!(v.profile.age_band.as_deref(), Some("65+"));
    }
}
