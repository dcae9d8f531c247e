//! Property test of the whole sync protocol, in-process: three devices and
//! the server edit visits in shared buildings and shared ideas while the
//! network drops, duplicates and replays messages and stores are closed and
//! reopened; after a final clean sync every replica holds the same content,
//! every visit recorded exactly once. The last device is scoped to two of
//! the three buildings (a phone assigned a sector): it must hold exactly the
//! server's copy of everything in its scope, and its own out-of-scope
//! visits must reach the server all the same. Every exchange goes through
//! the policy, as an agent's phone: each device records in its own name.
//!
//! The server's side runs on each backend: the embedded SQLite store and
//! PostgreSQL (started by `scripts/with-postgres.sh`).

use automerge::{Automerge, ReadDoc};
use proptest::prelude::*;
use shared::api::Role;
use shared::domain::*;
use shared::policy::{Caller, Scope};
use shared::protocol::{SyncRequest, SyncResponse};
use shared::schema::{self, DocId};
use shared::store::{Origin, Store};
use shared::sync::{ClientSession, DocumentStore, respond};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;
use sync_server::storage::pg::PgBackend;

const DEVICES: usize = 3;

#[derive(Clone, Copy, Debug)]
enum Fault {
    Deliver,
    DropRequest,
    DropResponse,
    Duplicate,
    ReplayOld,
    StaleResponse,
    Cut,
}

#[derive(Clone, Debug)]
enum Op {
    Visit {
        device: usize,
        building: usize,
        door: u8,
        outcome: Outcome,
    },
    IdeaTitle {
        device: usize,
        idea: usize,
        title: String,
    },
    IdeaCost {
        device: usize,
        idea: usize,
        cost: CostBand,
    },
    Sync {
        device: usize,
        faults: Vec<Fault>,
    },
    Reopen {
        device: usize,
    },
    ReopenServer,
    /// The office erases the words of every conversation the server holds
    /// in a building: its log becomes the next generation.
    Redact {
        building: usize,
    },
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        4 => Just(Fault::Deliver),
        1 => Just(Fault::DropRequest),
        1 => Just(Fault::DropResponse),
        1 => Just(Fault::Duplicate),
        1 => Just(Fault::ReplayOld),
        1 => Just(Fault::StaleResponse),
        1 => Just(Fault::Cut),
    ]
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::NotHome),
        Just(Outcome::Talked),
        Just(Outcome::Refused),
        Just(Outcome::ComeBack),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let device = 0..DEVICES;
    prop_oneof![
        6 => (device.clone(), 0..3usize, 0..6u8, outcome())
            .prop_map(|(device, building, door, outcome)| Op::Visit { device, building, door, outcome }),
        2 => (device.clone(), 0..2usize, "[a-z ]{1,12}")
            .prop_map(|(device, idea, title)| Op::IdeaTitle { device, idea, title }),
        2 => (device.clone(), 0..2usize, 0..CostBand::ALL.len())
            .prop_map(|(device, idea, cost)| Op::IdeaCost { device, idea, cost: CostBand::ALL[cost] }),
        3 => (device.clone(), proptest::collection::vec(fault(), 0..8))
            .prop_map(|(device, faults)| Op::Sync { device, faults }),
        1 => device.prop_map(|device| Op::Reopen { device }),
        1 => Just(Op::ReopenServer),
        1 => (0..3usize).prop_map(|building| Op::Redact { building }),
    ]
}

struct Replica {
    path: PathBuf,
    store: Store,
    peer: String,
    /// Requests this device sent, for replays.
    sent: Vec<SyncRequest>,
    /// Responses it received, for stale deliveries.
    received: Vec<SyncResponse>,
    /// Who it is and what the server sends it.
    caller: Caller,
}

impl Replica {
    fn open(path: PathBuf, peer: &str) -> Self {
        let store = Store::open(&path).expect("open store");
        Self {
            path,
            store,
            peer: peer.into(),
            sent: vec![],
            received: vec![],
            caller: Caller {
                role: Role::Agent,
                agent: AgentId::new(),
                scope: Scope::Everything,
                notices: Default::default(),
            },
        }
    }
    fn reopen(&mut self) {
        let fresh = Store::open(&self.path).expect("reopen store");
        self.store = fresh;
    }
}

/// The server's documents, on one backend, and how to reopen them.
struct Server {
    store: Box<dyn DocumentStore>,
    reopen: Box<dyn Fn() -> Box<dyn DocumentStore>>,
}

impl Server {
    fn reopen(&mut self) {
        self.store = (self.reopen)();
    }
}

/// Where the server keeps its documents in a run.
#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

/// One connection pool for every case of the PostgreSQL run.
fn postgres() -> &'static PgBackend {
    static BACKEND: OnceLock<PgBackend> = OnceLock::new();
    BACKEND.get_or_init(|| {
        let url = std::env::var("PALIER_TEST_DATABASE_URL").expect(
            "PALIER_TEST_DATABASE_URL is not set: run the tests through \
             ./scripts/with-postgres.sh (./scripts/test.sh does)",
        );
        PgBackend::connect(&url).expect("connect")
    })
}

impl Server {
    fn open(backend: Backend, dir: &std::path::Path) -> Self {
        let reopen: Box<dyn Fn() -> Box<dyn DocumentStore>> = match backend {
            Backend::Sqlite => {
                let path = dir.join("server.sqlite");
                Box::new(move || Box::new(Store::open(&path).expect("open store")))
            }
            Backend::Postgres => {
                // A municipality of its own for each case.
                let municipality = MunicipalityId::new();
                Box::new(move || Box::new(postgres().documents(municipality).expect("open")))
            }
        };
        Self {
            store: reopen(),
            reopen,
        }
    }
}

struct World {
    _dir: tempfile::TempDir,
    server: Server,
    devices: Vec<Replica>,
    campaign: CampaignId,
    buildings: Vec<BuildingId>,
    ideas: Vec<Idea>,
    recorded: BTreeSet<VisitId>,
    titles: BTreeMap<usize, BTreeSet<String>>,
    costs: BTreeMap<usize, Vec<Option<CostBand>>>,
    /// The words the office erased.
    erased_words: Vec<String>,
}

/// Carries one exchange, the way the HTTP layer would: encoded bytes.
fn server_answer(
    server: &mut dyn DocumentStore,
    peer: &str,
    caller: &Caller,
    request: &SyncRequest,
) -> SyncResponse {
    let decoded = SyncRequest::decode(&request.encode().expect("encode")).expect("decode");
    let response = respond(server, peer, caller, &decoded).expect("server answers");
    assert_eq!(
        response.refused,
        vec![],
        "the policy refused an honest device"
    );
    SyncResponse::decode(&response.encode().expect("encode")).expect("decode")
}

fn sync(server: &mut Server, device: &mut Replica, faults: &[Fault]) -> bool {
    let scope = device.caller.clone();
    let mut session = ClientSession::start(&device.store).expect("start");

    let mut faults = faults.iter().copied();
    loop {
        let Some(request) = session.next_request(&mut device.store).expect("request") else {
            return true;
        };
        device.sent.push(request.clone());
        match faults.next().unwrap_or(Fault::Deliver) {
            Fault::Deliver => {
                let response = server_answer(&mut *server.store, &device.peer, &scope, &request);
                device.received.push(response.clone());
                session
                    .handle_response(&mut device.store, response)
                    .expect("handle");
            }
            Fault::DropRequest => {}
            Fault::DropResponse => {
                server_answer(&mut *server.store, &device.peer, &scope, &request);
            }
            Fault::Duplicate => {
                let first = server_answer(&mut *server.store, &device.peer, &scope, &request);
                let second = server_answer(&mut *server.store, &device.peer, &scope, &request);
                session
                    .handle_response(&mut device.store, first)
                    .expect("handle first");
                session
                    .handle_response(&mut device.store, second)
                    .expect("handle second");
            }
            Fault::ReplayOld => {
                let old = device.sent[device.sent.len() / 2].clone();
                server_answer(&mut *server.store, &device.peer, &scope, &old);
                let response = server_answer(&mut *server.store, &device.peer, &scope, &request);
                session
                    .handle_response(&mut device.store, response)
                    .expect("handle");
            }
            Fault::StaleResponse => {
                let response = server_answer(&mut *server.store, &device.peer, &scope, &request);
                if let Some(stale) = device.received.first().cloned() {
                    session
                        .handle_response(&mut device.store, stale)
                        .expect("handle stale");
                }
                session
                    .handle_response(&mut device.store, response)
                    .expect("handle");
            }
            Fault::Cut => return false,
        }
    }
}

impl World {
    fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let server = Server::open(backend, dir.path());
        let devices: Vec<_> = (0..DEVICES)
            .map(|i| {
                Replica::open(
                    dir.path().join(format!("device{i}.sqlite")),
                    &format!("device{i}"),
                )
            })
            .collect();
        let campaign = CampaignId::new();
        let collector = devices[0].caller.agent;
        let ideas: Vec<Idea> = (0..2)
            .map(|i| Idea {
                title: format!("idée {i}"),
                description: "près du gymnase".into(),
                category: "sport".into(),
                ..Idea::new(campaign, collector, 0)
            })
            .collect();
        let buildings: Vec<BuildingId> = (0..3).map(|_| BuildingId::new()).collect();
        let mut devices = devices;
        if let Some(last) = devices.last_mut() {
            last.caller.scope = Scope::Sectors {
                sectors: BTreeSet::new(),
                buildings: buildings[..2].iter().copied().collect(),
                campaigns: vec![campaign],
            };
        }
        let mut world = Self {
            _dir: dir,
            server,
            devices,
            campaign,
            buildings,
            titles: (0..2)
                .map(|i| (i, BTreeSet::from([ideas[i].title.clone()])))
                .collect(),
            costs: (0..2).map(|i| (i, vec![None])).collect(),
            ideas,
            recorded: BTreeSet::new(),
            erased_words: Vec::new(),
        };
        // The ideas exist on every device before the random edits start.
        for idea in world.ideas.clone() {
            let mut doc = Automerge::new();
            schema::write(&mut doc, &idea).expect("write");
            world.devices[0]
                .store
                .save(&DocId::idea(idea.id), &doc, Origin::Local)
                .expect("save");
        }
        for i in 0..DEVICES {
            assert!(sync(&mut world.server, &mut world.devices[i], &[]));
        }
        world
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Visit {
                device,
                building,
                door,
                outcome,
            } => {
                let building = self.buildings[*building];
                let agent = self.devices[*device].caller.agent;
                let store = &mut self.devices[*device].store;
                let doc_id = store.current_visits(self.campaign, building).expect("log");
                let mut doc = store.load(&doc_id).expect("load").unwrap_or_default();
                let door = DwellingRef {
                    entrance: "A".into(),
                    floor: 1,
                    door: door.to_string(),
                };
                let mut visit =
                    Visit::outcome_only(self.campaign, building, door, Pass(1), 0, agent, *outcome);
                if *outcome == Outcome::Talked {
                    visit.verbatim = format!("SECRET-{}", visit.id);
                }
                schema::record_visit(&mut doc, &visit).expect("record");
                store.save(&doc_id, &doc, Origin::Local).expect("save");
                self.recorded.insert(visit.id);
            }
            Op::IdeaTitle {
                device,
                idea,
                title,
            } => {
                self.edit_idea(*device, *idea, |i| i.title = title.clone());
                self.titles.entry(*idea).or_default().insert(title.clone());
            }
            Op::IdeaCost { device, idea, cost } => {
                self.edit_idea(*device, *idea, |i| i.cost_band = Some(*cost));
                self.costs.entry(*idea).or_default().push(Some(*cost));
            }
            Op::Sync { device, faults } => {
                sync(&mut self.server, &mut self.devices[*device], faults);
            }
            Op::Reopen { device } => self.devices[*device].reopen(),
            Op::ReopenServer => self.server.reopen(),
            Op::Redact { building } => {
                let first = DocId::visits(self.campaign, self.buildings[*building]);
                let store = &mut *self.server.store;
                let current =
                    sync_server::erasure::current_generation(store, &first).expect("generation");
                let Some(doc) = store.load(&current).expect("load") else {
                    return;
                };
                let talked: BTreeSet<String> = schema::visits(&doc)
                    .expect("visits")
                    .into_iter()
                    .filter(|(_, v)| !v.verbatim.is_empty())
                    .map(|(key, v)| {
                        self.erased_words.push(v.verbatim);
                        key
                    })
                    .collect();
                sync_server::erasure::redact(store, &first, &talked, 1).expect("redact");
            }
        }
    }

    fn edit_idea(&mut self, device: usize, idea: usize, edit: impl FnOnce(&mut Idea)) {
        let doc_id = DocId::idea(self.ideas[idea].id);
        let store = &mut self.devices[device].store;
        let mut doc = store.load(&doc_id).expect("load").expect("idea present");
        let mut value: Idea = schema::read(&doc).expect("read");
        edit(&mut value);
        schema::write(&mut doc, &value).expect("write");
        store.save(&doc_id, &doc, Origin::Local).expect("save");
    }
}

/// Runs the operations, then a clean sync of everyone, and checks that
/// every replica converged with nothing lost or duplicated.
fn converge(backend: Backend, ops: &[Op]) {
    let mut world = World::new(backend);
    for op in ops {
        world.apply(op);
    }
    // Final clean sync: twice round, so each device sees the others'.
    for _ in 0..2 {
        for i in 0..DEVICES {
            assert!(sync(&mut world.server, &mut world.devices[i], &[]));
        }
    }
    let expected = world.server.store.fingerprint().expect("fingerprint");
    for device in &world.devices {
        let held = device.store.fingerprint().expect("fingerprint");
        let in_scope: Vec<_> = expected
            .iter()
            .filter(|(id, _)| device.caller.scope.includes(id))
            .cloned()
            .collect();
        let held_in_scope: Vec<_> = held
            .iter()
            .filter(|(id, _)| device.caller.scope.includes(id))
            .cloned()
            .collect();
        assert_eq!(&held_in_scope, &in_scope);
        // Out of scope, a phone holds only logs it wrote itself, and the
        // server has all of their changes.
        for (id, heads) in held
            .iter()
            .filter(|(id, _)| !device.caller.scope.includes(id))
        {
            let server_doc = world
                .server
                .store
                .load(id)
                .expect("load")
                .expect("on the server");
            for head in heads {
                assert!(server_doc.get_change_by_hash(head).is_some(), "{} lost", id);
            }
        }
        assert_eq!(device.store.unsynced_count().expect("count"), 0);
    }
    let mut seen = Vec::new();
    for building in &world.buildings {
        let first = DocId::visits(world.campaign, *building);
        let current = sync_server::erasure::current_generation(&*world.server.store, &first)
            .expect("current");
        if let Some(doc) = world.server.store.load(&current).expect("load") {
            let visits = schema::visits(&doc).expect("visits");
            seen.extend(visits.values().map(|v| v.id));
        }
    }
    // No word the office erased is held anywhere, history included.
    let mut held = Vec::new();
    for (id, _) in &expected {
        if let Some(doc) = world.server.store.load(id).expect("load") {
            held.extend(doc.save_nocompress());
        }
    }
    for device in &world.devices {
        for id in device.store.doc_ids().expect("ids") {
            if let Some(doc) = device.store.load(&id).expect("load") {
                held.extend(doc.save_nocompress());
            }
        }
    }
    for words in &world.erased_words {
        assert!(
            !held.windows(words.len()).any(|w| w == words.as_bytes()),
            "erased words came back: {words}"
        );
    }
    let distinct: BTreeSet<_> = seen.iter().copied().collect();
    assert_eq!(seen.len(), distinct.len(), "a visit is duplicated");
    assert_eq!(distinct, world.recorded.clone(), "visits lost or invented");
    for (i, idea) in world.ideas.iter().enumerate() {
        let doc = world
            .server
            .store
            .load(&DocId::idea(idea.id))
            .expect("load")
            .expect("idea");
        let merged: Idea = schema::read(&doc).expect("read");
        assert!(world.titles[&i].contains(&merged.title));
        assert!(world.costs[&i].contains(&merged.cost_band));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn every_replica_converges_with_nothing_lost_or_duplicated(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        converge(Backend::Sqlite, &ops);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_replica_converges_with_the_server_on_postgresql(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        converge(Backend::Postgres, &ops);
    }
}
