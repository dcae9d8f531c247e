//! Records of every kind as the office or a phone would make them, and
//! sync messages made by hand, for the tests that try what a hostile
//! device would.

use crate::TestServer;
use automerge::Automerge;
use automerge::sync::{ChunkList, Message, MessageVersion};
use shared::domain::*;
use shared::schema::{self, DocId, SingleRecord};
use std::collections::BTreeMap;

/// The category of the sample ideas: a campaign that takes them lists it.
pub const IDEA_CATEGORY: &str = "sport";
/// The service of the sample follow-ups: a campaign that takes them lists
/// it.
pub const SERVICE: &str = "Ascenseurs";

/// A building with one entrance of two doors on the ground floor.
pub fn building(n: u8) -> Building {
    shared::samples::building(&format!("B{n}"), &format!("{n} rue de l'Essai"))
}

/// A sector of `buildings` assigned to `agent`.
pub fn sector(
    campaign: CampaignId,
    name: &str,
    buildings: Vec<BuildingId>,
    agent: AgentId,
) -> Sector {
    Sector {
        id: SectorId::new(),
        campaign,
        name: name.into(),
        buildings,
        agents: vec![agent],
    }
}

/// A neighbourhood: one square.
pub fn neighbourhood(name: &str) -> Neighbourhood {
    let ring = vec![
        Point {
            lon: 2.3,
            lat: 48.7,
        },
        Point {
            lon: 2.4,
            lat: 48.7,
        },
        Point {
            lon: 2.4,
            lat: 48.8,
        },
        Point {
            lon: 2.3,
            lat: 48.7,
        },
    ];
    Neighbourhood {
        id: NeighbourhoodId::new(),
        key: name.into(),
        name: name.into(),
        polygons: vec![vec![ring]],
    }
}

/// A follow-up raised in the field by `agent`.
pub fn follow_up(campaign: CampaignId, agent: AgentId) -> FollowUp {
    FollowUp {
        id: FollowUpId::new(),
        campaign,
        service: SERVICE.into(),
        description: "Ascenseur en panne depuis deux semaines".into(),
        building: None,
        place: None,
        status: FollowUpStatus::Open,
        history: vec![StatusChange {
            status: FollowUpStatus::Open,
            at: 1_700_000_000_000,
            by: agent,
            note: String::new(),
        }],
    }
}

/// A visit by `agent` to door `door` of `building`, with the resident's
/// words.
pub fn visit(campaign: CampaignId, building: BuildingId, agent: AgentId, door: &str) -> Visit {
    let mut visit = Visit::outcome_only(
        campaign,
        building,
        DwellingRef {
            entrance: "A".into(),
            floor: 0,
            door: door.into(),
        },
        Pass(1),
        1_700_000_000_000,
        agent,
        Outcome::Talked,
    );
    visit.verbatim = format!("VERBATIM-{door}-{}", agent.0.as_simple());
    visit
}

impl TestServer {
    /// Writes a record into a municipality's store, as the office does.
    pub fn put<T: SingleRecord + Sync>(&self, municipality: MunicipalityId, record: &T) {
        crate::blocking(|| {
            let store = self.state.tenants.store(municipality).expect("store");
            let mut store = store.get().expect("connection");
            let id = record.doc_id();
            let mut doc = store.load(&id).expect("load").unwrap_or_default();
            schema::write(&mut doc, record).expect("write");
            store.save_one(&id, &doc).expect("save");
        })
    }

    /// Reads a record from a municipality's store, as the server holds it.
    pub fn read<T: SingleRecord + Send>(
        &self,
        municipality: MunicipalityId,
        id: &DocId,
    ) -> Option<T> {
        crate::blocking(|| {
            let store = self.state.tenants.store(municipality).expect("store");
            let store = store.get().expect("connection");
            store
                .load(id)
                .expect("load")
                .map(|doc| schema::read(&doc).expect("read"))
        })
    }

    /// Writes many records into a municipality's store, 500 documents a
    /// transaction, as an import does (benchmarks' territories).
    pub fn put_all<T: SingleRecord + Sync>(&self, municipality: MunicipalityId, records: &[T]) {
        crate::blocking(|| {
            let store = self.state.tenants.store(municipality).expect("store");
            let mut store = store.get().expect("connection");
            for chunk in records.chunks(500) {
                let docs: Vec<_> = chunk.iter().map(|r| (r.doc_id(), doc_of(r))).collect();
                let docs: Vec<_> = docs.iter().map(|(id, doc)| (id, doc)).collect();
                store.save_all(&docs).expect("save");
            }
        })
    }

    /// Adds a visit to its log in a municipality's store.
    pub fn put_visit(&self, municipality: MunicipalityId, visit: &Visit) {
        let store = self.state.tenants.store(municipality).expect("store");
        let mut store = store.get().expect("connection");
        let id = DocId::visits(visit.campaign, visit.building);
        let mut doc = store.load(&id).expect("load").unwrap_or_default();
        schema::record_visit(&mut doc, visit).expect("record");
        store.save_one(&id, &doc).expect("save");
    }

    /// A document of a municipality's store, as the server holds it.
    pub fn load(&self, municipality: MunicipalityId, doc_id: &DocId) -> Option<Automerge> {
        // Off the async threads: PostgreSQL's client blocks.
        crate::blocking(|| {
            let store = self.state.tenants.store(municipality).expect("store");
            let store = store.get().expect("connection");
            store.load(doc_id).expect("load")
        })
    }
}

/// The `n`th visit of an agent's day in `building`: a door of entrance
/// A, one conversation in three with a topic and a verbatim.
pub fn day_visit(campaign: CampaignId, building: BuildingId, n: usize, agent: AgentId) -> Visit {
    Visit {
        id: VisitId::new(),
        campaign,
        building,
        door: DwellingRef {
            entrance: "A".into(),
            floor: (n % 8) as i32,
            door: format!("{n}"),
        },
        pass: Pass(1),
        at: 1_700_000_000_000 + n as i64,
        agent,
        outcome: if n.is_multiple_of(3) {
            Outcome::Talked
        } else {
            Outcome::NotHome
        },
        questionnaire_version: Some(1),
        answers: BTreeMap::from([("satisfaction".into(), Answer::Scale(3))]),
        topics: if n.is_multiple_of(3) {
            vec!["propreté".into()]
        } else {
            vec![]
        },
        verbatim: if n.is_multiple_of(3) {
            "L'ascenseur est en panne depuis deux semaines.".into()
        } else {
            String::new()
        },
        profile: ResidentProfile {
            age_band: Some("25-64".into()),
            language: Some("fr".into()),
        },
        follow_up: None,
        person: None,
        words_erased: false,
        words_expired: false,
        notice_version: None,
    }
}

/// The `i`th building of a large estate: `dwellings` in entrances of up
/// to 5 floors × 4 doors, as in a 1970s estate.
pub fn estate_building(i: usize, dwellings: usize) -> Building {
    let mut left = dwellings;
    let mut entrances = Vec::new();
    while left > 0 {
        let mut floors = Vec::new();
        let mut level = 0;
        while left > 0 && level < 5 {
            let doors = left.min(4);
            floors.push(Floor {
                level,
                doors: (1..=doors).map(|d| format!("{level}{d:02}")).collect(),
            });
            left -= doors;
            level += 1;
        }
        entrances.push(Entrance {
            label: char::from(b'A' + (entrances.len() % 26) as u8).to_string(),
            has_door_code: true,
            floors,
        });
    }
    Building {
        estate: Some(format!("Résidence {}", i / 40)),
        entrances,
        ..estate_address(i)
    }
}

/// The `i`th building of the benchmarks' estates, without its entrances:
/// its key, address and place on a grid of 100 per row.
pub fn estate_address(i: usize) -> Building {
    Building {
        location: Point {
            lon: 2.35 + (i % 100) as f64 * 0.0005,
            lat: 48.78 + (i / 100) as f64 * 0.0003,
        },
        entrances: Vec::new(),
        ..shared::samples::building(
            &format!("BAT-{i:05}"),
            &format!("{} avenue de la République", i + 1),
        )
    }
}

/// A sync message that pushes every change of `doc` at once, as a hostile
/// device would make it by hand (the server applies changes whatever the
/// exchange so far).
pub fn push_all(doc: &Automerge) -> Vec<u8> {
    let changes: Vec<Vec<u8>> = doc
        .get_changes(&[])
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    Message {
        heads: doc.get_heads(),
        need: Vec::new(),
        have: Vec::new(),
        changes: ChunkList::from(changes),
        flags: None,
        version: MessageVersion::V1,
    }
    .encode()
}

/// The first message a device sends about a document: its heads, nothing
/// else.
pub fn hello() -> Vec<u8> {
    Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: vec![automerge::sync::Have::default()],
        changes: ChunkList::empty(),
        flags: None,
        version: MessageVersion::V1,
    }
    .encode()
}

/// The record a document holds, written into a fresh document.
pub fn doc_of<T: SingleRecord>(record: &T) -> Automerge {
    let mut doc = Automerge::new();
    schema::write(&mut doc, record).expect("write");
    doc
}
