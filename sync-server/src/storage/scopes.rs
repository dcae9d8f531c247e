//! What every field phone's scope is computed from (a municipality's
//! sectors and campaigns), read once and kept while none of them changes.
//!
//! A phone's scope decides what it may receive and write on every sync
//! request. Loading and reading every sector of the municipality for each
//! request made a request's cost grow with the number of phones (one
//! sector each): 7 % of the server's time with 50 phones, most of it with
//! 1,000 (BENCHMARKS.md, "Fleet"). Each request now asks the store for the
//! version of those documents (their count and last revision, one pass
//! over an index) and reuses what was read if it is unchanged. Nothing is
//! trusted from memory: a sector written by another request, or another
//! server process on the same database, changes the version and the next
//! request reads them again.

use shared::domain::{AgentId, Campaign, MunicipalityId, Sector};
use shared::policy::Scope;
use shared::schema::DocKind;
use shared::store::{KindsVersion, StoreError};
use shared::sync::{DocumentStore, Records};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The kinds a scope is computed from.
const KINDS: [DocKind; 2] = [DocKind::Sector, DocKind::Campaign];

/// A municipality's sectors and campaigns as last read.
#[derive(Debug)]
pub struct ScopeInputs {
    sectors: Vec<Sector>,
    campaigns: Vec<Campaign>,
    /// Whether a sector did not read (a device with a bug wrote it).
    unreadable_sector: bool,
}

impl ScopeInputs {
    /// Reads them from a store.
    pub fn read(store: &(impl DocumentStore + ?Sized)) -> Result<Self, StoreError> {
        let mut read = None;
        // One committed state: every sector as of the same write.
        store.read_consistent(&mut || {
            let (sectors, unreadable) = store.records_and_unreadable::<Sector>(DocKind::Sector)?;
            let campaigns = store.readable_records::<Campaign>(DocKind::Campaign)?;
            read = Some(Self {
                sectors,
                campaigns,
                unreadable_sector: !unreadable.is_empty(),
            });
            Ok(())
        })?;
        read.ok_or_else(|| StoreError::Malformed("scope inputs not read".into()))
    }

    /// The scope of a field phone used by `agent`: its sectors; when it
    /// has none, the whole municipality if the office gave it
    /// (`whole_town`), nothing otherwise.
    pub fn scope_of(&self, agent: AgentId, whole_town: bool) -> Scope {
        match Scope::of_agent(agent, whole_town, &self.sectors, &self.campaigns) {
            // A sector that does not read might be this phone's: a gap must
            // not widen its scope to the whole town.
            Scope::Everything if self.unreadable_sector => Scope::Sectors {
                sectors: Default::default(),
                buildings: Default::default(),
                campaigns: self.campaigns.iter().map(|c| c.id).collect(),
            },
            scope => scope,
        }
    }
}

impl ScopeInputs {
    /// The whole town as an explicit scope: every sector, the given
    /// buildings, every campaign's visit logs. What a phone just given the
    /// whole town is offered until it holds it all.
    pub fn whole_town(
        &self,
        buildings: std::collections::BTreeSet<shared::domain::BuildingId>,
    ) -> Scope {
        Scope::Sectors {
            sectors: self.sectors.iter().map(|s| s.id).collect(),
            buildings,
            campaigns: self.campaigns.iter().map(|c| c.id).collect(),
        }
    }
}

/// The inputs last read for each municipality, with their version.
#[derive(Default)]
pub struct Scopes {
    kept: Mutex<HashMap<MunicipalityId, (KindsVersion, Arc<ScopeInputs>)>>,
}

impl Scopes {
    /// The current inputs of `municipality`, read from `store` only if a
    /// sector or campaign was written since they were last read.
    pub fn inputs(
        &self,
        municipality: MunicipalityId,
        store: &(impl DocumentStore + ?Sized),
    ) -> Result<Arc<ScopeInputs>, StoreError> {
        let version = store.kinds_version(&KINDS)?;
        {
            let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((seen, inputs)) = kept.get(&municipality)
                && *seen == version
            {
                return Ok(inputs.clone());
            }
        }
        let inputs = Arc::new(ScopeInputs::read(store)?);
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(municipality, (version, inputs.clone()));
        Ok(inputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{BuildingId, CampaignKind, SectorId};
    use shared::schema::{self, SingleRecord};
    use shared::store::{Origin, Store};

    fn put<T: SingleRecord>(store: &mut Store, record: &T) {
        let id = record.doc_id();
        let mut doc = store.load(&id).expect("load").unwrap_or_default();
        schema::write(&mut doc, record).expect("write");
        store.save(&id, &doc, Origin::Remote).expect("save");
    }

    #[test]
    fn a_sector_written_since_the_last_request_changes_the_scope_at_once() {
        let mut store = Store::open_in_memory().expect("store");
        let scopes = Scopes::default();
        let municipality = MunicipalityId::new();
        let agent = AgentId::new();
        let campaign = Campaign::new("Printemps".into(), CampaignKind::DoorToDoor, 0, 0);
        put(&mut store, &campaign);
        let first = scopes.inputs(municipality, &store).expect("inputs");
        assert_eq!(first.scope_of(agent, true), Scope::Everything);
        // Unchanged: the same inputs, not read again.
        let again = scopes.inputs(municipality, &store).expect("inputs");
        assert!(Arc::ptr_eq(&first, &again));

        let building = BuildingId::new();
        let mut sector = Sector {
            id: SectorId::new(),
            campaign: campaign.id,
            name: "Nord".into(),
            buildings: vec![building],
            agents: vec![agent],
        };
        put(&mut store, &sector);
        let scope = scopes
            .inputs(municipality, &store)
            .expect("inputs")
            .scope_of(agent, true);
        assert!(scope.includes(&shared::schema::DocId::building(building)));

        // The office takes the phone off its sector: the next request
        // sees it, with nothing kept from before.
        sector.agents.clear();
        put(&mut store, &sector);
        let scope = scopes
            .inputs(municipality, &store)
            .expect("inputs")
            .scope_of(agent, true);
        assert_eq!(scope, Scope::Everything);
    }
}
