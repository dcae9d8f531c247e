//! A follow-up (signalement): a problem for a city service, tracked to
//! closure, whose status flows back to the field.

use super::{AgentId, BuildingId, CampaignId, FollowUpId, Point, Timestamp};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// Where a follow-up stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum FollowUpStatus {
    /// Recorded in the field, not yet sent on.
    Open,
    /// Handed to the service.
    Forwarded,
    /// The service is on it.
    InProgress,
    /// Fixed.
    Resolved,
    /// Will not be done, with a reason given to the resident.
    Declined,
}

impl FollowUpStatus {
    /// Every status, in the order a follow-up goes through them.
    pub const ALL: [FollowUpStatus; 5] = [
        FollowUpStatus::Open,
        FollowUpStatus::Forwarded,
        FollowUpStatus::InProgress,
        FollowUpStatus::Resolved,
        FollowUpStatus::Declined,
    ];

    /// Its stable name, as the read model, forms and exports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpStatus::Open => "open",
            FollowUpStatus::Forwarded => "forwarded",
            FollowUpStatus::InProgress => "in_progress",
            FollowUpStatus::Resolved => "resolved",
            FollowUpStatus::Declined => "declined",
        }
    }

    /// The status a stable name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// One change of status, kept so the history can be told to the resident.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct StatusChange {
    /// The new status.
    pub status: FollowUpStatus,
    /// When.
    pub at: Timestamp,
    /// Who set it.
    pub by: AgentId,
    /// A note for the agent on the next pass.
    pub note: String,
}

/// A problem for a city service.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct FollowUp {
    /// Its id.
    pub id: FollowUpId,
    /// The campaign it came from.
    pub campaign: CampaignId,
    /// The city service (lifts, lighting, cleanliness…).
    pub service: String,
    /// What is wrong.
    pub description: String,
    /// The building it concerns, if any.
    pub building: Option<BuildingId>,
    /// Where, if not a building.
    pub place: Option<Point>,
    /// Current status.
    pub status: FollowUpStatus,
    /// Every status it went through, oldest first.
    pub history: Vec<StatusChange>,
}
