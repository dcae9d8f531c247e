//! Fuzzing the server's side of a sync on stable Rust (`cargo fuzz` needs
//! nightly): proptest drives the same three targets a fuzzer would, with
//! arbitrary bytes and with real messages mutated byte by byte:
//!
//! 1. the request decoder (`SyncRequest::decode`),
//! 2. the validator in front of Automerge (`sync::bounds::check`),
//! 3. the server's handling of one request (`sync::respond`), for every
//!    role, against a store holding one document of several kinds.
//!
//! None may panic; a request whose every message is refused leaves the
//! store as it was. Every input that once crashed or hung the server is
//! kept in `tests/crashers/` and replayed by `every_kept_crasher_is_harmless`.
//! `PALIER_FUZZ_CASES` sets the number of cases (default 256 per target;
//! BENCHMARKS.md records the long runs).

use automerge::Automerge;
use automerge::sync::SyncDoc;
use proptest::prelude::*;
use shared::api::Role;
use shared::domain::*;
use shared::policy::{Caller, ROLES, Scope};
use shared::protocol::{DocMessage, PROTOCOL_VERSION, SyncRequest};
use shared::schema::{self, DocId};
use shared::store::{Origin, Store};
use shared::sync::{bounds, respond};

fn cases() -> u32 {
    std::env::var("PALIER_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// A store with a campaign, an idea and a visit log, and the ids to talk
/// about.
fn seeded() -> (Store, Vec<DocId>) {
    let mut store = Store::open_in_memory().expect("store");
    let campaign = Campaign::new("Fuzz".into(), CampaignKind::DoorToDoor, 0, 1);
    let mut doc = Automerge::new();
    schema::write(&mut doc, &campaign).expect("write");
    store
        .save(&DocId::campaign(campaign.id), &doc, Origin::Remote)
        .expect("save");
    let visit = Visit::outcome_only(
        campaign.id,
        BuildingId::new(),
        DwellingRef {
            entrance: "A".into(),
            floor: 0,
            door: "1".into(),
        },
        Pass(1),
        0,
        AgentId::new(),
        Outcome::Talked,
    );
    let log = DocId::visits(visit.campaign, visit.building);
    let mut doc = Automerge::new();
    schema::record_visit(&mut doc, &visit).expect("record");
    store.save(&log, &doc, Origin::Remote).expect("save");
    let ids = vec![
        DocId::campaign(campaign.id),
        log,
        DocId::idea(IdeaId::new()),
        DocId::person(PersonId::new()),
    ];
    (store, ids)
}

/// Real messages a phone sends, to mutate: a first message, and one
/// carrying changes.
fn real_messages() -> Vec<Vec<u8>> {
    let mut phone = Automerge::new();
    let idea = Idea {
        title: "Un banc".into(),
        description: "À l'ombre".into(),
        category: "cadre de vie".into(),
        cost_band: Some(CostBand::Under10k),
        ..Idea::new(CampaignId::new(), AgentId::new(), 0)
    };
    schema::write(&mut phone, &idea).expect("write");
    let mut state = automerge::sync::State::new();
    let first = phone.generate_sync_message(&mut state).expect("first");
    let mut server = Automerge::new();
    let mut server_state = automerge::sync::State::new();
    server
        .receive_sync_message(&mut server_state, first.clone())
        .expect("receive");
    let mut reply = server
        .generate_sync_message(&mut server_state)
        .expect("reply");
    reply.flags = None;
    phone
        .receive_sync_message(&mut state, reply)
        .expect("receive");
    let changes = phone.generate_sync_message(&mut state).expect("changes");
    vec![first.encode(), changes.encode()]
}

fn caller(role: Role) -> Caller {
    Caller {
        role,
        agent: AgentId::new(),
        scope: Scope::Everything,
        notices: Default::default(),
    }
}

/// Runs one request through the server; checks it neither panics nor
/// stores anything from a request whose every message was refused.
fn serve(messages: Vec<(usize, Vec<u8>)>, role: Role) {
    let (mut store, ids) = seeded();
    let before = store.fingerprint().expect("fingerprint");
    let request = SyncRequest {
        version: PROTOCOL_VERSION,
        cursor: 0,
        messages: messages
            .into_iter()
            .map(|(doc, message)| DocMessage {
                doc_id: ids[doc % ids.len()].clone(),
                message,
            })
            .collect(),
        unsynced: 0,
        notice_since: None,
    };
    let Ok(bytes) = request.encode() else {
        return;
    };
    let Ok(decoded) = SyncRequest::decode(&bytes) else {
        return;
    };
    let response = respond(&mut store, "fuzz", &caller(role), &decoded).expect("answers");
    if response.refused.len() == decoded.messages.len() {
        assert_eq!(store.fingerprint().expect("fingerprint"), before);
    }
    // Whatever was taken still reads.
    for (id, _) in store.fingerprint().expect("fingerprint") {
        let doc = store.load(&id).expect("load").expect("doc");
        let _ = doc.get_heads();
    }
}

fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let real = real_messages();
    (
        0..real.len(),
        proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        any::<Option<usize>>(),
    )
        .prop_map(move |(which, flips, cut)| {
            let mut bytes = real[which].clone();
            for (at, value) in flips {
                let len = bytes.len();
                bytes[at % len] = value;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            bytes
        })
}

fn message() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        mutated(),
        mutated().prop_map(|mut m| {
            m.insert(0, 0x42);
            m
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn the_request_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = SyncRequest::decode(&bytes);
    }

    #[test]
    fn the_validator_never_panics(bytes in message()) {
        let _ = bounds::check(&bytes);
    }

    #[test]
    fn the_server_never_panics_nor_keeps_refused_writes(
        messages in proptest::collection::vec((any::<usize>(), message()), 1..4),
        role in 0..ROLES.len(),
    ) {
        serve(messages, ROLES[role]);
    }
}

#[test]
fn every_kept_crasher_is_harmless() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/crashers");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("crashers") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "bin") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let _ = SyncRequest::decode(&bytes);
        let _ = bounds::check(&bytes);
        for role in ROLES {
            for doc in 0..4 {
                serve(vec![(doc, bytes.clone())], role);
            }
        }
        replayed += 1;
    }
    assert!(replayed >= 3, "the kept crashers are gone");
}
