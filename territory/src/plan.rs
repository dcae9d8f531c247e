//! From what the files say to what the store will hold: match by the
//! municipality's keys, place each building in its neighbourhood, count
//! what changes; then write it all in one transaction.

use super::geometry::Locator;
use super::rows::{adjust, entrance_counts};
use super::{Held, Import, Rejection, RowProblem};
use automerge::Automerge;
use shared::domain::{Building, BuildingId, DwellingRef, Neighbourhood, NeighbourhoodId};
use shared::schema::{self, DocId, DocKind, SingleRecord};
use shared::store::StoreError;
use shared::sync::{DocumentStore, Records};
use std::collections::HashMap;

/// What an import does to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Not stored yet.
    New,
    /// Stored, and the file changes it.
    Updated,
    /// Stored as the file has it.
    Unchanged,
}

/// The preview's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Neighbourhoods the import creates.
    pub neighbourhoods_new: usize,
    /// Neighbourhoods it changes.
    pub neighbourhoods_updated: usize,
    /// Buildings it creates.
    pub buildings_new: usize,
    /// Buildings it changes.
    pub buildings_updated: usize,
    /// Records already as the file has them.
    pub unchanged: usize,
    /// Entrances in the file's buildings.
    pub entrances: usize,
    /// Dwellings in the file's buildings.
    pub dwellings: usize,
    /// Buildings that fall in no neighbourhood.
    pub without_neighbourhood: usize,
    /// Stored buildings the file does not mention (kept as they are).
    pub buildings_not_in_file: usize,
}

/// What an import will write.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Neighbourhoods as they will be stored.
    pub neighbourhoods: Vec<(Neighbourhood, Change)>,
    /// Buildings as they will be stored.
    pub buildings: Vec<(Building, Change)>,
    /// The figures.
    pub counts: Counts,
    /// Rows left out: the file's, and those naming an unknown neighbourhood.
    pub rejections: Vec<Rejection>,
    /// A table still needs columns chosen: nothing of it was read, so
    /// nothing may be imported, not even the other files' rows.
    pub blocked: bool,
    /// Rejected rows past those listed, only counted: too many to choose
    /// to leave out.
    pub more_rejections: usize,
    /// Buildings and neighbourhoods (their keys) one of whose rows is
    /// rejected: left as they are stored (or not created) when the valid
    /// rows are imported, so no entrance, door or polygon part of theirs is
    /// lost to a row left out.
    pub held_back: Vec<String>,
}

impl Plan {
    /// Whether it can be applied as it is: nothing is half-imported, so a
    /// file with rejected rows must be corrected first, or the coordinator
    /// must choose to leave them out ([`apply_leaving_out`]).
    pub fn is_clean(&self) -> bool {
        self.rejections.is_empty() && !self.blocked
    }

    /// Whether the valid rows may be imported without the rejected ones
    /// (when there are valid rows at all, and not too many rejected).
    pub fn may_leave_out(&self) -> bool {
        let valid = !self.buildings.is_empty() || !self.neighbourhoods.is_empty();
        let attributed = self.rejections.iter().all(|r| r.held != Held::Unattributed);
        !self.blocked
            && !self.rejections.is_empty()
            && self.more_rejections == 0
            && attributed
            && valid
    }

    /// What identifies the rejected rows the coordinator is shown: the
    /// confirmation that leaves them out names them by this, so a file or
    /// territory that changed in between (other rows rejected) writes
    /// nothing.
    pub fn rejections_digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for r in &self.rejections {
            hasher.update(format!(
                "{}\u{1f}{}\u{1f}{:?}\u{1e}",
                r.file, r.line, r.problem
            ));
        }
        hex::encode(&hasher.finalize()[..16])
    }
}

/// A stored building the import changes that loses doors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LostDoors {
    /// The building.
    pub id: BuildingId,
    /// The municipality's key.
    pub key: String,
    /// Its address.
    pub address: String,
    /// The doors the import removes.
    pub doors: Vec<DwellingRef>,
}

/// The stored buildings the plan changes that lose doors, and those doors:
/// the preview asks which were visited (their visits would stay, naming
/// doors no phone shows).
pub fn doors_removed(plan: &Plan, stored: &[Building]) -> Vec<LostDoors> {
    let by_id: HashMap<BuildingId, &Building> = stored.iter().map(|b| (b.id, b)).collect();
    plan.buildings
        .iter()
        .filter(|(_, change)| *change == Change::Updated)
        .filter_map(|(planned, _)| {
            let before = by_id.get(&planned.id)?;
            let after: std::collections::HashSet<DwellingRef> = planned.dwellings().collect();
            let doors: Vec<DwellingRef> =
                before.dwellings().filter(|d| !after.contains(d)).collect();
            (!doors.is_empty()).then(|| LostDoors {
                id: planned.id,
                key: planned.key.clone(),
                address: planned.address.clone(),
                doors,
            })
        })
        .collect()
}

/// The stored territory, and the documents that do not read as one of its
/// records: an import is planned without them, and the preview names them
/// (a gap could make a row a new building instead of an update).
pub struct Stored {
    /// Neighbourhoods.
    pub neighbourhoods: Vec<Neighbourhood>,
    /// Buildings.
    pub buildings: Vec<Building>,
    /// Building and neighbourhood documents that do not read.
    pub unreadable: Vec<DocId>,
}

/// The stored territory.
pub fn load(store: &dyn DocumentStore) -> Result<Stored, StoreError> {
    let (neighbourhoods, mut unreadable) = store.records_and_unreadable(DocKind::Neighbourhood)?;
    let (buildings, more) = store.records_and_unreadable(DocKind::Building)?;
    unreadable.extend(more);
    Ok(Stored {
        neighbourhoods,
        buildings,
        unreadable,
    })
}

/// Matches `import` against the stored territory.
pub fn plan(import: &Import, stored_n: &[Neighbourhood], stored_b: &[Building]) -> Plan {
    let mut plan = Plan {
        rejections: import.rejections.clone(),
        blocked: import.needs_mapping(),
        more_rejections: import.more_rejections,
        ..Plan::default()
    };
    let held_buildings: std::collections::HashSet<&str> = import
        .rejections
        .iter()
        .filter_map(|r| match &r.held {
            Held::Building(key) => Some(key.as_str()),
            _ => None,
        })
        .collect();
    let held_neighbourhoods: std::collections::HashSet<&str> = import
        .rejections
        .iter()
        .filter_map(|r| match &r.held {
            Held::Neighbourhood(key) => Some(key.as_str()),
            _ => None,
        })
        .collect();
    // Neighbourhoods stored before keys existed match by name.
    let stable_key = |n: &Neighbourhood| {
        if n.key.is_empty() {
            n.name.clone()
        } else {
            n.key.clone()
        }
    };
    let by_key: HashMap<String, &Neighbourhood> =
        stored_n.iter().map(|n| (stable_key(n), n)).collect();
    let mut all_neighbourhoods: HashMap<NeighbourhoodId, Neighbourhood> =
        stored_n.iter().map(|n| (n.id, n.clone())).collect();
    for parsed in &import.neighbourhoods {
        if held_neighbourhoods.contains(parsed.key.as_str()) {
            plan.held_back.push(parsed.key.clone());
            continue;
        }
        let existing = by_key.get(&parsed.key);
        let record = Neighbourhood {
            id: existing.map_or_else(NeighbourhoodId::new, |n| n.id),
            key: parsed.key.clone(),
            name: parsed.name.clone(),
            polygons: parsed.polygons.clone(),
        };
        let change = match existing {
            None => Change::New,
            Some(n) if **n == record => Change::Unchanged,
            Some(_) => Change::Updated,
        };
        all_neighbourhoods.insert(record.id, record.clone());
        plan.neighbourhoods.push((record, change));
    }
    // Where polygons overlap, the file being imported wins over what was
    // stored before (an old boundary, a demo), then stored ones by key.
    let imported: HashMap<NeighbourhoodId, usize> = plan
        .neighbourhoods
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.id, i))
        .collect();
    let mut ordered: Vec<&Neighbourhood> = all_neighbourhoods.values().collect();
    ordered.sort_by(|a, b| {
        let rank = |n: &Neighbourhood| imported.get(&n.id).copied().unwrap_or(usize::MAX);
        rank(a).cmp(&rank(b)).then_with(|| a.key.cmp(&b.key))
    });
    let locator = Locator::new(ordered.iter().copied());
    // A `quartier` column names a neighbourhood by key or by name: keys
    // first, then names, each in the order above (this file's first).
    let mut named: HashMap<String, NeighbourhoodId> = HashMap::new();
    for n in &ordered {
        named.entry(n.key.to_lowercase()).or_insert(n.id);
    }
    for n in &ordered {
        named.entry(n.name.to_lowercase()).or_insert(n.id);
    }
    let stored_by_key: HashMap<&str, &Building> =
        stored_b.iter().map(|b| (b.key.as_str(), b)).collect();
    // Stored keys the file names itself: not to be taken by another.
    let claimed_keys: std::collections::HashSet<&str> = import
        .buildings
        .iter()
        .map(|b| b.key.as_str())
        .filter(|k| stored_by_key.contains_key(k))
        .collect();
    for parsed in &import.buildings {
        if held_buildings.contains(parsed.key.as_str()) {
            plan.held_back.push(parsed.key.clone());
            continue;
        }
        let neighbourhood = match &parsed.neighbourhood {
            Some(name) => match named.get(&name.to_lowercase()) {
                Some(id) => Some(*id),
                None => {
                    plan.rejections.push(Rejection {
                        file: parsed.file,
                        line: parsed.line,
                        problem: RowProblem::UnknownNeighbourhood(name.clone()),
                        held: Held::Building(parsed.key.clone()),
                    });
                    plan.held_back.push(parsed.key.clone());
                    continue;
                }
            },
            None => locator.locate(parsed.location),
        };
        // A building whose key is new because its code or its commune now
        // tells it apart from another at its address ("12 rue Lebon · bât
        // A" for the stored "12 rue Lebon") is that stored building, if it
        // stands within 100 m and no building of the file claims it: its
        // visits stay with it. Any other new key is a new building.
        let existing = stored_by_key.get(parsed.key.as_str()).copied().or_else(|| {
            stored_b
                .iter()
                .filter(|b| {
                    (parsed.key.starts_with(&format!("{} · bât ", b.key))
                        || parsed.key.starts_with(&format!("{}, ", b.key)))
                        && !claimed_keys.contains(b.key.as_str())
                        && !plan.buildings.iter().any(|(p, _)| p.id == b.id)
                })
                .map(|b| (b, metres(b.location, parsed.location)))
                .filter(|(_, m)| *m <= SAME_PLACE_M)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(b, _)| b)
        });
        let existing = existing.as_ref();
        let entrances = match existing {
            // A file that lists every door says where each one is.
            Some(_) if parsed.exact_doors => parsed.entrances.clone(),
            // Keep doors where visits saw them.
            Some(stored) => parsed
                .entrances
                .iter()
                .map(
                    |e| match stored.entrances.iter().find(|s| s.label == e.label) {
                        Some(s) => {
                            let (floors, dwellings) = entrance_counts(e);
                            adjust(s, floors, dwellings, e.has_door_code)
                        }
                        None => e.clone(),
                    },
                )
                .collect(),
            None => parsed.entrances.clone(),
        };
        let record = Building {
            id: existing.map_or_else(BuildingId::new, |b| b.id),
            key: parsed.key.clone(),
            address: parsed.address.clone(),
            estate: parsed.estate.clone(),
            // A file without a landlord (an RPLS inventory is one
            // landlord's) keeps the one another file gave.
            landlord: parsed
                .landlord
                .clone()
                .or_else(|| existing.and_then(|b| b.landlord.clone())),
            location: parsed.location,
            neighbourhood,
            entrances,
        };
        let change = match existing {
            None => Change::New,
            Some(b) if **b == record => Change::Unchanged,
            Some(_) => Change::Updated,
        };
        plan.counts.entrances += record.entrances.len();
        plan.counts.dwellings += record.dwelling_count();
        if record.neighbourhood.is_none() {
            plan.counts.without_neighbourhood += 1;
        }
        plan.buildings.push((record, change));
    }
    plan.rejections.sort_by_key(|r| (r.file, r.line));
    let in_file: std::collections::HashSet<&str> =
        import.buildings.iter().map(|b| b.key.as_str()).collect();
    plan.counts.buildings_not_in_file = stored_b
        .iter()
        .filter(|b| !in_file.contains(b.key.as_str()))
        .count();
    for change in plan
        .neighbourhoods
        .iter()
        .map(|(_, c)| (*c, true))
        .chain(plan.buildings.iter().map(|(_, c)| (*c, false)))
    {
        match change {
            (Change::New, true) => plan.counts.neighbourhoods_new += 1,
            (Change::Updated, true) => plan.counts.neighbourhoods_updated += 1,
            (Change::New, false) => plan.counts.buildings_new += 1,
            (Change::Updated, false) => plan.counts.buildings_updated += 1,
            (Change::Unchanged, _) => plan.counts.unchanged += 1,
        }
    }
    plan
}

/// Why an import could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The plan has rejected rows (other than those the coordinator
    /// chose to leave out), or a table still needs its columns.
    #[error("the import has rejected rows")]
    NotClean,
    /// The store failed: nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored record could not be updated.
    #[error(transparent)]
    Schema(#[from] schema::SchemaError),
}

fn document<T: SingleRecord>(
    store: &dyn DocumentStore,
    record: &T,
) -> Result<(DocId, Automerge), ApplyError> {
    let id = record.doc_id();
    let mut doc = store.load(&id)?.unwrap_or_default();
    schema::write(&mut doc, record)?;
    Ok((id, doc))
}

/// Writes the plan's new and changed records in one transaction: all of
/// them, or (on any error) none. Returns how many documents were written.
pub fn apply(store: &mut dyn DocumentStore, plan: &Plan) -> Result<usize, ApplyError> {
    apply_leaving_out(store, plan, None)
}

/// Writes the plan's valid rows, leaving out its rejected ones (and the
/// buildings they are of, [`Plan::held_back`]), when they are the ones the
/// coordinator was shown and chose to leave out (`left_out`, their
/// [`Plan::rejections_digest`]): a file or territory that changed since,
/// or a forged choice, writes nothing.
pub fn apply_leaving_out(
    store: &mut dyn DocumentStore,
    plan: &Plan,
    left_out: Option<&str>,
) -> Result<usize, ApplyError> {
    let allowed = match left_out {
        None => plan.is_clean(),
        Some(digest) => plan.may_leave_out() && digest == plan.rejections_digest(),
    };
    if !allowed {
        return Err(ApplyError::NotClean);
    }
    let mut docs = Vec::new();
    for (record, change) in &plan.neighbourhoods {
        if *change != Change::Unchanged {
            docs.push(document(store, record)?);
        }
    }
    for (record, change) in &plan.buildings {
        if *change != Change::Unchanged {
            docs.push(document(store, record)?);
        }
    }
    // Written as the server's own edit: devices get it at their next sync.
    let docs: Vec<(&DocId, &Automerge)> = docs.iter().map(|(id, doc)| (id, doc)).collect();
    store.save_all(&docs)?;
    let written = docs.len();
    Ok(written)
}

/// How near a stored building must stand to be the one a file now names
/// by another key, in metres.
const SAME_PLACE_M: f64 = 100.0;

fn metres(a: shared::domain::Point, b: shared::domain::Point) -> f64 {
    use geo::{Distance, Haversine};
    Haversine.distance(geo::Point::new(a.lon, a.lat), geo::Point::new(b.lon, b.lat))
}
