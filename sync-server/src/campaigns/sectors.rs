//! Sectors: the buildings one team covers and the agents assigned. A
//! sector needs a name and at least one of the campaign's buildings; a
//! building named twice or not the campaign's is dropped; an agent taken
//! off is reported, so the caller can offer that phone the whole town
//! again (`storage::control`). And how far a sector has got, from the
//! visit logs.

use shared::domain::{AgentId, Building, BuildingId, CampaignId, Sector, SectorId};
use shared::schema::{self, DocId};
use shared::store::StoreError;
use shared::sync::DocumentStore;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Why a sector cannot be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SectorError {
    /// No name.
    #[error("a sector needs a name")]
    NoName,
    /// None of the campaign's buildings.
    #[error("a sector needs a building")]
    NoBuilding,
    /// The sector edited is not this campaign's.
    #[error("no such sector in this campaign")]
    NotFound,
}

/// What the sector form states.
#[derive(Debug, Clone, Default)]
pub struct SectorInput {
    /// Its name.
    pub name: String,
    /// The buildings chosen, as sent.
    pub buildings: Vec<BuildingId>,
    /// The agents assigned.
    pub agents: Vec<AgentId>,
}

/// A sector input checked against the campaign's buildings.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    name: String,
    buildings: Vec<BuildingId>,
    agents: Vec<AgentId>,
}

/// Keeps the campaign's buildings (`known`), each once, in the order
/// chosen, and refuses a sector with no name or no building.
pub fn check(input: SectorInput, known: &HashSet<BuildingId>) -> Result<Checked, SectorError> {
    let mut seen = HashSet::new();
    let buildings: Vec<BuildingId> = input
        .buildings
        .into_iter()
        .filter(|b| known.contains(b) && seen.insert(*b))
        .collect();
    if input.name.is_empty() {
        return Err(SectorError::NoName);
    }
    if buildings.is_empty() {
        return Err(SectorError::NoBuilding);
    }
    Ok(Checked {
        name: input.name,
        buildings,
        agents: input.agents,
    })
}

/// A sector to save, and the agents it no longer has.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The sector as it will be stored.
    pub sector: Sector,
    /// Agents taken off it.
    pub removed: Vec<AgentId>,
}

/// The sector `checked` makes: `existing` changed, or a new one in
/// `campaign`.
pub fn plan(
    campaign: CampaignId,
    existing: Option<Sector>,
    checked: Checked,
) -> Result<Planned, SectorError> {
    let Checked {
        name,
        buildings,
        agents,
    } = checked;
    Ok(match existing {
        Some(s) if s.campaign != campaign => return Err(SectorError::NotFound),
        Some(s) => Planned {
            removed: s
                .agents
                .iter()
                .filter(|a| !agents.contains(a))
                .copied()
                .collect(),
            sector: Sector {
                name,
                buildings,
                agents,
                ..s
            },
        },
        None => Planned {
            sector: Sector {
                id: SectorId::new(),
                campaign,
                name,
                buildings,
                agents,
            },
            removed: Vec::new(),
        },
    })
}

/// How far a sector has got: doors knocked at least once, of all doors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Doors with at least one visit.
    pub knocked: usize,
    /// Doors in the sector.
    pub doors: usize,
}

/// Progress of a sector from the visit logs stored on the server. An
/// unreadable log counts as no visit (and is logged).
pub fn progress(
    store: &dyn DocumentStore,
    campaign: CampaignId,
    sector: &Sector,
    buildings: &HashMap<BuildingId, Building>,
) -> Result<Progress, StoreError> {
    let mut progress = Progress::default();
    for id in &sector.buildings {
        let Some(building) = buildings.get(id) else {
            continue;
        };
        let doors: BTreeSet<_> = building.dwellings().collect();
        progress.doors += doors.len();
        let visits_id = DocId::visits(campaign, *id);
        if let Some(doc) = store.load(&visits_id)? {
            match schema::visits(&doc) {
                Ok(visits) => {
                    let knocked: BTreeSet<_> = visits
                        .into_values()
                        .map(|v| v.door)
                        .filter(|d| doors.contains(d))
                        .collect();
                    progress.knocked += knocked.len();
                }
                Err(error) => {
                    tracing::warn!(doc = %visits_id, %error, "unreadable visit log skipped");
                }
            }
        }
    }
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, buildings: Vec<BuildingId>, agents: Vec<AgentId>) -> SectorInput {
        SectorInput {
            name: name.into(),
            buildings,
            agents,
        }
    }

    #[test]
    fn a_sector_needs_a_name_and_one_of_the_campaigns_buildings() {
        let ours = BuildingId::new();
        let known = HashSet::from([ours]);
        assert_eq!(
            check(input("", vec![ours], vec![]), &known),
            Err(SectorError::NoName)
        );
        // Another campaign's building, or a forged id, does not count.
        assert_eq!(
            check(input("Nord", vec![BuildingId::new()], vec![]), &known),
            Err(SectorError::NoBuilding)
        );
        let checked = check(input("Nord", vec![ours, ours], vec![]), &known).expect("checked");
        assert_eq!(checked.buildings, [ours]);
    }

    #[test]
    fn editing_reports_the_agents_taken_off_and_refuses_another_campaigns_sector() {
        let campaign = CampaignId::new();
        let b = BuildingId::new();
        let known = HashSet::from([b]);
        let (kept, gone) = (AgentId::new(), AgentId::new());
        let stored = Sector {
            id: SectorId::new(),
            campaign,
            name: "Nord".into(),
            buildings: vec![b],
            agents: vec![kept, gone],
        };
        let checked = check(input("Nord-Est", vec![b], vec![kept]), &known).expect("checked");
        let planned = plan(campaign, Some(stored.clone()), checked.clone()).expect("plan");
        assert_eq!(planned.sector.id, stored.id);
        assert_eq!(planned.sector.name, "Nord-Est");
        assert_eq!(planned.removed, [gone]);
        assert_eq!(
            plan(CampaignId::new(), Some(stored), checked.clone()),
            Err(SectorError::NotFound)
        );
        let new = plan(campaign, None, checked).expect("new");
        assert!(new.removed.is_empty());
        assert_eq!(new.sector.campaign, campaign);
    }
}
