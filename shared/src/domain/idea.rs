//! A participatory-budget idea, with a pseudonymous proposer, and where the
//! office stands on it.
//!
//! Ambassadors write the idea's own fields (title to proposer) on their
//! phones; the office alone writes its status and whether it duplicates
//! another ([`crate::policy::check_write`]). Each field is its own key of
//! the document, so two phones editing different fields of one idea offline
//! both keep their edit.

use super::{AgentId, CampaignId, IdeaId, NeighbourhoodId, Point, Timestamp};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// Age bands used for reach figures and proposer profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum AgeBand {
    /// Under 15.
    Under15,
    /// 15 to 24: the young people teams are judged on.
    From15To24,
    /// 25 to 64.
    From25To64,
    /// 65 and over.
    Over65,
}

impl AgeBand {
    /// Every band, youngest first.
    pub const ALL: [AgeBand; 4] = [
        AgeBand::Under15,
        AgeBand::From15To24,
        AgeBand::From25To64,
        AgeBand::Over65,
    ];

    /// A stable name, for forms and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under15 => "under_15",
            AgeBand::From15To24 => "15_24",
            AgeBand::From25To64 => "25_64",
            AgeBand::Over65 => "65_plus",
        }
    }

    /// The band named by [`AgeBand::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// What an idea would roughly cost: a band, since nobody in a classroom
/// knows the price of a skate park to the euro.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum CostBand {
    /// Under €10,000.
    Under10k,
    /// €10,000 to €50,000.
    From10kTo50k,
    /// €50,000 to €150,000.
    From50kTo150k,
    /// Over €150,000.
    Over150k,
}

impl CostBand {
    /// Every band, cheapest first.
    pub const ALL: [CostBand; 4] = [
        CostBand::Under10k,
        CostBand::From10kTo50k,
        CostBand::From50kTo150k,
        CostBand::Over150k,
    ];

    /// A stable name, for forms and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            CostBand::Under10k => "under_10k",
            CostBand::From10kTo50k => "10k_50k",
            CostBand::From50kTo150k => "50k_150k",
            CostBand::Over150k => "over_150k",
        }
    }

    /// The band named by [`CostBand::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// Where the office stands on an idea.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum IdeaStatus {
    /// Collected, not yet studied.
    #[default]
    Received,
    /// Studied and eligible.
    Eligible,
    /// Not eligible; the office says why.
    NotEligible,
    /// On the ballot.
    PutToVote,
    /// Voted and funded.
    Funded,
}

impl IdeaStatus {
    /// Every status, in the order an idea goes through them.
    pub const ALL: [IdeaStatus; 5] = [
        IdeaStatus::Received,
        IdeaStatus::Eligible,
        IdeaStatus::NotEligible,
        IdeaStatus::PutToVote,
        IdeaStatus::Funded,
    ];

    /// A stable name, for forms, the read model and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            IdeaStatus::Received => "received",
            IdeaStatus::Eligible => "eligible",
            IdeaStatus::NotEligible => "not_eligible",
            IdeaStatus::PutToVote => "put_to_vote",
            IdeaStatus::Funded => "funded",
        }
    }

    /// The status named by [`IdeaStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// Who proposed an idea, without saying who they are: never a name.
#[derive(Clone, Debug, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ProposerProfile {
    /// Age band.
    pub age_band: Option<AgeBand>,
    /// School, when collected in a school.
    pub school: Option<String>,
    /// Class, e.g. "4e B".
    pub class: Option<String>,
    /// Where the proposer lives.
    pub neighbourhood: Option<NeighbourhoodId>,
}

/// A participatory-budget idea.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Idea {
    /// Its id.
    pub id: IdeaId,
    /// The campaign collecting it.
    pub campaign: CampaignId,
    /// Short title.
    pub title: String,
    /// What it is.
    pub description: String,
    /// Category, from the campaign's list.
    pub category: String,
    /// Where it would be, picked on the map or from a named place.
    pub place: Option<Point>,
    /// The named place it was picked from, if any.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub place_name: Option<String>,
    /// What it would roughly cost.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub cost_band: Option<CostBand>,
    /// Who proposed it.
    pub proposer: ProposerProfile,
    /// When it was collected.
    pub collected_at: Timestamp,
    /// Who collected it.
    pub collected_by: AgentId,
    /// Where the office stands on it (office only).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub status: IdeaStatus,
    /// Why, for the ambassadors and the proposer: required when not
    /// eligible (office only).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub status_reason: String,
    /// The idea this one duplicates: the office merged them, and both texts
    /// are kept (office only).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub duplicate_of: Option<IdeaId>,
}

/// The longest title a phone may write.
pub const MAX_IDEA_TITLE_CHARS: usize = 120;
/// The longest description a phone may write.
pub const MAX_IDEA_DESCRIPTION_CHARS: usize = 2000;
/// The longest category, named place, school or class a phone may write.
pub const MAX_IDEA_SHORT_CHARS: usize = 120;

impl Idea {
    /// A new, empty idea collected now by `by`.
    pub fn new(campaign: CampaignId, by: AgentId, at: Timestamp) -> Self {
        Self {
            id: IdeaId::new(),
            campaign,
            title: String::new(),
            description: String::new(),
            category: String::new(),
            place: None,
            place_name: None,
            cost_band: None,
            proposer: ProposerProfile::default(),
            collected_at: at,
            collected_by: by,
            status: IdeaStatus::Received,
            status_reason: String::new(),
            duplicate_of: None,
        }
    }

    /// Whether the texts and places a phone writes are within bounds: the
    /// server's check, whatever the app did (a tampered phone is not
    /// trusted to have cut them).
    pub fn within_bounds(&self) -> bool {
        let short = |t: &Option<String>| {
            t.as_ref()
                .is_none_or(|t| t.chars().count() <= MAX_IDEA_SHORT_CHARS)
        };
        self.title.chars().count() <= MAX_IDEA_TITLE_CHARS
            && self.description.chars().count() <= MAX_IDEA_DESCRIPTION_CHARS
            && self.category.chars().count() <= MAX_IDEA_SHORT_CHARS
            && short(&self.place_name)
            && short(&self.proposer.school)
            && short(&self.proposer.class)
            && self.place.is_none_or(|p| {
                p.lon.is_finite()
                    && p.lat.is_finite()
                    && p.lon.abs() <= 180.0
                    && p.lat.abs() <= 90.0
            })
    }

    /// Whether the office has ruled on it (a status, or merged): its text
    /// is then the office's too.
    pub fn decided(&self) -> bool {
        self.status != IdeaStatus::Received || self.duplicate_of.is_some()
    }

    /// Whether the ambassadors' text (title, description, category, place,
    /// cost band, proposer) is the same.
    pub fn same_text(&self, other: &Idea) -> bool {
        self.title == other.title
            && self.description == other.description
            && self.category == other.category
            && self.place == other.place
            && self.place_name == other.place_name
            && self.cost_band == other.cost_band
            && self.proposer == other.proposer
    }

    /// Whether `other` is the same idea with the same office fields: same
    /// id, campaign, collector and date, status, reason and duplicate link.
    pub fn office_fields_equal(&self, other: &Idea) -> bool {
        self.id == other.id
            && self.campaign == other.campaign
            && self.collected_at == other.collected_at
            && self.collected_by == other.collected_by
            && self.status == other.status
            && self.status_reason == other.status_reason
            && self.duplicate_of == other.duplicate_of
    }
}
