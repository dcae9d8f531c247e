//! A participatory-budget idea, with a pseudonymous proposer.

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

/// Who proposed an idea, without saying who they are.
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
    /// Category (sport, environment, culture…).
    pub category: String,
    /// Where it would be.
    pub place: Option<Point>,
    /// Estimated cost in euros.
    pub estimated_cost_eur: Option<i64>,
    /// Who proposed it.
    pub proposer: ProposerProfile,
    /// When it was collected.
    pub collected_at: Timestamp,
    /// Who collected it.
    pub collected_by: AgentId,
}
