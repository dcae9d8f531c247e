//! A campaign (démarche) and the questionnaire its agents ask.

use super::{AgentId, CampaignId, NeighbourhoodId, Timestamp};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Text in several languages, keyed by BCP 47 tag ("fr", "en", "ar").
pub type Translations = BTreeMap<String, String>;

/// What kind of participation exercise a campaign is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum CampaignKind {
    /// Porte-à-porte in housing estates.
    DoorToDoor,
    /// Participatory-budget ideas, often in schools.
    IdeaCollection,
    /// A stand in the street or at a market.
    StreetStand,
    /// A walk through a neighbourhood with residents.
    ExploratoryWalk,
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum QuestionKind {
    /// One option among several.
    SingleChoice {
        /// Option ids, in display order.
        options: Vec<String>,
    },
    /// Any number of options.
    MultipleChoice {
        /// Option ids, in display order.
        options: Vec<String>,
    },
    /// A number between two bounds.
    Scale {
        /// Lowest value.
        min: i64,
        /// Highest value.
        max: i64,
    },
    /// Words, as said.
    FreeText,
}

/// One question of a questionnaire.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Question {
    /// Stable id, used by answers.
    pub id: String,
    /// How it is answered.
    pub kind: QuestionKind,
    /// The question's wording per language.
    pub label: Translations,
    /// Option labels per option id, per language.
    pub option_labels: BTreeMap<String, Translations>,
    /// Whether the agent must answer it.
    pub required: bool,
}

/// The questions of a campaign, versioned so each visit keeps the version it
/// answered.
#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Questionnaire {
    /// Bumped each time the office changes the questions.
    pub version: u32,
    /// Questions in order.
    pub questions: Vec<Question>,
}

/// A participation exercise.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Campaign {
    /// Its id.
    pub id: CampaignId,
    /// Its name, e.g. "Porte-à-porte Lebon-Lamartine, automne".
    pub name: String,
    /// What kind of exercise it is.
    pub kind: CampaignKind,
    /// First day.
    pub starts_at: Timestamp,
    /// Last day.
    pub ends_at: Timestamp,
    /// The neighbourhoods it covers.
    pub neighbourhoods: Vec<NeighbourhoodId>,
    /// The team.
    pub team: Vec<AgentId>,
    /// Topics agents can tick (free topics are added in the field).
    pub topics: Vec<String>,
    /// City services follow-ups can be sent to.
    pub services: Vec<String>,
    /// The questionnaire.
    pub questionnaire: Questionnaire,
}
