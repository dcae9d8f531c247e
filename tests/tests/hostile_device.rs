//! What one stolen or tampered phone can do, tried with real tokens of each
//! role and hand-made sync messages against the real server in a process of
//! its own: every attack gets its refusal (a 4xx or a per-message refusal),
//! the stored documents stay byte for byte as they were, the server keeps
//! answering, and the allocation attacks grow its peak memory by less than
//! 64 MiB.

use app::platform::http::{HttpError, Server};
use automerge::Automerge;
use automerge::sync::{ChunkList, Message, MessageVersion};
use shared::api::Role;
use shared::domain::*;
use shared::protocol::{DocMessage, PROTOCOL_VERSION, RefusalReason, SyncRequest, SyncResponse};
use shared::schema::{self, DocId, DocKind};
use shared::store::Store;
use tests::samples::{self, building, doc_of, hello, push_all, sector, visit};
use tests::{ChildServer, Device, TestServer, contains, database_bytes, idea, person};

const MIB: u64 = 1024;

/// A municipality as a hostile phone finds it: a published questionnaire,
/// two buildings in two sectors (one per agent), a colleague's visits with
/// their verbatims, a person she recorded, a follow-up; and a phone of
/// every role. The server then runs in a child process on that data.
struct World {
    child: ChildServer,
    _data: tempfile::TempDir,
    store: std::path::PathBuf,
    campaign: Campaign,
    mine: Building,
    theirs: Building,
    their_sector: Sector,
    their_visit: Visit,
    their_person: Person,
    follow_up: FollowUp,
    agent: Device,
    colleague: Device,
    ambassador: Device,
    elected: Device,
}

async fn world() -> World {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let agent = Device::enrol(&server, &office, Role::Agent).await;
    let colleague = Device::enrol(&server, &office, Role::Agent).await;
    let ambassador = Device::enrol(&server, &office, Role::YouthAmbassador).await;
    let elected = Device::enrol(&server, &office, Role::ElectedOfficial).await;

    let mut campaign = Campaign::new("Lebon 2026".into(), CampaignKind::DoorToDoor, 0, 1);
    campaign.categories = vec![samples::IDEA_CATEGORY.into()];
    campaign.services = vec![samples::SERVICE.into()];
    campaign.questionnaire = Questionnaire {
        version: 1,
        questions: vec![Question {
            id: "q1".into(),
            kind: QuestionKind::FreeText,
            label: [("fr".to_string(), "Qu'est-ce qui vous manque ?".to_string())].into(),
            option_labels: Default::default(),
            required: false,
            show_if: None,
        }],
    };
    server.put(office.id, &campaign);
    let (mine, theirs) = (building(1), building(2));
    server.put(office.id, &mine);
    server.put(office.id, &theirs);
    server.put(
        office.id,
        &sector(campaign.id, "Nord", vec![mine.id], agent.agent),
    );
    let their_sector = sector(campaign.id, "Sud", vec![theirs.id], colleague.agent);
    server.put(office.id, &their_sector);
    let their_visit = visit(campaign.id, theirs.id, colleague.agent, "2");
    server.put_visit(office.id, &their_visit);
    let their_person = person("PERSONNE-de-la-collègue", colleague.agent);
    server.put(office.id, &their_person);
    let follow_up = samples::follow_up(campaign.id, colleague.agent);
    server.put(office.id, &follow_up);
    server.put(office.id, &samples::neighbourhood("Centre"));

    let store = server.store_path(office.id);
    let data = server.stop_keeping_data().await;
    let child = ChildServer::start(env!("CARGO_BIN_EXE_server-child"), data.path());
    let mut world = World {
        store,
        _data: data,
        campaign,
        mine,
        theirs,
        their_sector,
        their_visit,
        their_person,
        follow_up,
        agent,
        colleague,
        ambassador,
        elected,
        child,
    };
    for device in [
        &mut world.agent,
        &mut world.colleague,
        &mut world.ambassador,
        &mut world.elected,
    ] {
        device.server = Server::new(&world.child.url);
        device.sync().await;
    }
    world
}

impl World {
    fn stored(&self) -> Vec<(DocId, Vec<automerge::ChangeHash>)> {
        Store::open(&self.store)
            .expect("open")
            .fingerprint()
            .expect("fingerprint")
    }

    fn server_doc(&self, doc_id: &DocId) -> Automerge {
        Store::open(&self.store)
            .expect("open")
            .load(doc_id)
            .expect("load")
            .expect("stored")
    }

    /// Whether the server answers and an honest phone still syncs.
    async fn still_serves(&mut self) {
        assert!(self.child.alive(), "the server died");
        let at = self.their_visit.at;
        let mut v = visit(self.campaign.id, self.theirs.id, self.colleague.agent, "1");
        v.at = at + 1;
        let doc_id = DocId::visits(v.campaign, v.building);
        let mut doc = self
            .colleague
            .store
            .load(&doc_id)
            .expect("load")
            .expect("log");
        schema::record_visit(&mut doc, &v).expect("record");
        self.colleague
            .store
            .save(&doc_id, &doc, shared::store::Origin::Local)
            .expect("save");
        let report = self.colleague.sync().await;
        assert!(report.refused.is_empty(), "{:?}", report.refused);
        let held = schema::visits(&self.server_doc(&doc_id)).expect("visits");
        assert!(
            held.contains_key(&v.id.to_string()),
            "an honest visit was lost"
        );
    }
}

/// Sends one request of hand-made messages with `device`'s token.
async fn round(device: &Device, messages: Vec<(DocId, Vec<u8>)>) -> SyncResponse {
    try_round(device, messages).await.expect("answered")
}

async fn try_round(
    device: &Device,
    messages: Vec<(DocId, Vec<u8>)>,
) -> Result<SyncResponse, HttpError> {
    let request = SyncRequest {
        version: PROTOCOL_VERSION,
        cursor: i64::MAX,
        messages: messages
            .into_iter()
            .map(|(doc_id, message)| DocMessage { doc_id, message })
            .collect(),
        unsynced: 0,
        notice_since: None,
    };
    device
        .server
        .sync_round(&device.token(), &request)
        .await
        .map(|(response, _, _)| response)
}

fn refusal(response: &SyncResponse, doc_id: &DocId) -> Option<RefusalReason> {
    response
        .refused
        .iter()
        .find(|r| r.doc_id == *doc_id)
        .map(|r| r.reason)
}

/// Whether any message of the response carries a change.
fn carries_changes(response: &SyncResponse) -> bool {
    response
        .messages
        .iter()
        .any(|m| Message::decode(&m.message).is_ok_and(|m| !m.changes.is_empty()))
}

fn uleb(out: &mut Vec<u8>, v: u64) {
    leb128::write::unsigned(out, v).expect("write");
}

/// A chunk with a checksum Automerge accepts: the first four bytes of the
/// SHA-256 of its type, length and body.
fn chunk(kind: u8, body: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let mut hashed = vec![kind];
    uleb(&mut hashed, body.len() as u64);
    hashed.extend(body);
    let digest = sha2::Sha256::digest(&hashed);
    let mut out = vec![0x85, 0x6f, 0x4a, 0x83];
    out.extend(&digest[..4]);
    out.extend(hashed);
    out
}

fn with_changes(chunks: Vec<Vec<u8>>) -> Vec<u8> {
    Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: ChunkList::from(chunks),
        flags: None,
        version: MessageVersion::V1,
    }
    .encode()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allocation_attacks_are_refused_within_64_mib() {
    let mut w = world().await;
    let before = w.stored();
    let campaign = DocId::campaign(w.campaign.id);
    let my_log = DocId::visits(w.campaign.id, w.mine.id);
    w.child.reset_peak();
    let (_, baseline) = w.child.peak_and_current_kib();

    // 1. A Bloom filter with 4 billion probes, from a read-only phone,
    // about a document with changes to test against it.
    let mut bloom = Vec::new();
    for v in [1, 8, u64::from(u32::MAX)] {
        uleb(&mut bloom, v);
    }
    bloom.push(0xff);
    let mut probes = vec![0x42, 0, 0, 1, 0];
    uleb(&mut probes, bloom.len() as u64);
    probes.extend(bloom);
    probes.push(0);
    let response = round(&w.elected, vec![(campaign.clone(), probes)]).await;
    assert_eq!(
        refusal(&response, &campaign),
        Some(RefusalReason::OverLimit)
    );

    // 2. A compressed change that inflates to 256 MiB.
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut deflate, &vec![0u8; 256 << 20]).expect("deflate");
    let bomb = chunk(2, &deflate.finish().expect("deflate"));
    let response = round(&w.agent, vec![(my_log.clone(), with_changes(vec![bomb]))]).await;
    assert_eq!(refusal(&response, &my_log), Some(RefusalReason::Malformed));

    // 3. A change whose run-length columns stand for 2^40 operations.
    // Columns: key string, action, value metadata; each one run of 2^40
    // equal values: 2^40 decodable "put k = null" operations.
    let mut body = vec![0, 16];
    body.extend(w.agent.agent.0.as_bytes());
    body.extend([1, 1, 0, 0, 0, 3]);
    let mut data = Vec::new();
    for (spec, value) in [(0x15u64, vec![1, b'k']), (0x42, vec![1]), (0x56, vec![0])] {
        let mut column = Vec::new();
        leb128::write::signed(&mut column, 1 << 40).expect("run");
        column.extend(value);
        uleb(&mut body, spec);
        uleb(&mut body, column.len() as u64);
        data.extend(column);
    }
    body.extend(data);
    let amplified = chunk(1, &body);
    let response = round(
        &w.agent,
        vec![(my_log.clone(), with_changes(vec![amplified]))],
    )
    .await;
    assert!(
        refusal(&response, &my_log).is_some(),
        "the amplified change was taken"
    );

    // 4. Changes claiming thousands of heads and needs.
    let mut heads = vec![0x42];
    uleb(&mut heads, 100_000);
    heads.extend(vec![7u8; 100_000 * 32]);
    heads.extend([0, 0, 0]);
    let response = round(&w.agent, vec![(my_log.clone(), heads)]).await;
    assert_eq!(refusal(&response, &my_log), Some(RefusalReason::OverLimit));

    let (peak, _) = w.child.peak_and_current_kib();
    assert!(
        peak.saturating_sub(baseline) < 64 * MIB,
        "peak memory grew by {} KiB",
        peak - baseline
    );
    assert_eq!(w.stored(), before, "stored documents changed");
    w.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_messages_in_one_request_are_refused_or_handled_linearly() {
    let mut w = world().await;
    let before = w.stored();
    // 48,000 empty messages: over the per-request bound, refused whole.
    let flood: Vec<_> = (0..48_000)
        .map(|_| (DocId::idea(IdeaId::new()), hello()))
        .collect();
    match try_round(&w.agent, flood).await {
        Err(HttpError::Refused { status, .. }) => assert_eq!(status, 400),
        other => panic!("expected a 400, got {other:?}"),
    }
    // The same document named 1,000 times: answered once, the 999 others
    // refused, nothing stored.
    let same = DocId::idea(IdeaId::new());
    let response = round(&w.agent, vec![(same.clone(), hello()); 1000]).await;
    assert_eq!(response.refused.len(), 999);
    assert!(
        response
            .refused
            .iter()
            .all(|r| r.doc_id == same && r.reason == RefusalReason::Malformed)
    );
    assert_eq!(w.stored(), before);
    w.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_office_writes_campaigns_sectors_territory_and_statuses() {
    let mut w = world().await;
    let before = w.stored();
    let mut attempts = Vec::new();

    // Rewrite the published question.
    let campaign_id = DocId::campaign(w.campaign.id);
    let mut doc = w.server_doc(&campaign_id);
    let mut campaign: Campaign = schema::read(&doc).expect("campaign");
    campaign.questionnaire.questions[0]
        .label
        .insert("fr".into(), "Pour qui votez-vous ?".into());
    schema::write(&mut doc, &campaign).expect("write");
    attempts.push((campaign_id, push_all(&doc)));

    // Join a colleague's sector.
    let sector_id = DocId::sector(w.their_sector.id);
    let mut doc = w.server_doc(&sector_id);
    let mut joined = w.their_sector.clone();
    joined.agents.push(w.agent.agent);
    schema::write(&mut doc, &joined).expect("write");
    attempts.push((sector_id, push_all(&doc)));

    // Close a follow-up, move a building, invent one, redraw a neighbourhood.
    let follow_up_id = DocId::follow_up(w.follow_up.id);
    let mut doc = w.server_doc(&follow_up_id);
    let mut closed = w.follow_up.clone();
    closed.status = FollowUpStatus::Resolved;
    schema::write(&mut doc, &closed).expect("write");
    attempts.push((follow_up_id, push_all(&doc)));
    let building_id = DocId::building(w.mine.id);
    let mut doc = w.server_doc(&building_id);
    let mut moved = w.mine.clone();
    moved.address = "ailleurs".into();
    schema::write(&mut doc, &moved).expect("write");
    attempts.push((building_id, push_all(&doc)));
    let mut junk = Automerge::new();
    junk.transact(|tx| {
        automerge::transaction::Transactable::put(tx, automerge::ROOT, "n'importe", "quoi")
    })
    .expect("junk");
    attempts.push((DocId::building(BuildingId::new()), push_all(&junk)));
    let area = samples::neighbourhood("Nouveau");
    attempts.push((DocId::neighbourhood(area.id), push_all(&doc_of(&area))));

    let ids: Vec<DocId> = attempts.iter().map(|(id, _)| id.clone()).collect();
    let response = round(&w.agent, attempts).await;
    for id in &ids {
        // A colleague's sector is also outside this phone's scope: refused
        // as such before anything is loaded.
        assert!(
            matches!(
                refusal(&response, id),
                Some(RefusalReason::NotPermitted | RefusalReason::OutOfScope)
            ),
            "{id}: {:?}",
            refusal(&response, id)
        );
    }
    // An ambassador and a coordinator's phone fare no better with the
    // questionnaire.
    let mut doc = w.server_doc(&ids[0]);
    schema::write(&mut doc, &campaign).expect("write");
    let response = round(&w.ambassador, vec![(ids[0].clone(), push_all(&doc))]).await;
    assert_eq!(
        refusal(&response, &ids[0]),
        Some(RefusalReason::NotPermitted)
    );
    assert_eq!(w.stored(), before);
    w.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_obey_the_scope_offers_obey() {
    let mut w = world().await;
    let their_log = DocId::visits(w.campaign.id, w.theirs.id);
    let their_building = DocId::building(w.theirs.id);
    let their_sector = DocId::sector(w.their_sector.id);
    let their_person = DocId::person(w.their_person.id);
    let verbatim = w.their_visit.verbatim.clone();

    // Named in a message, out-of-scope documents are refused, not sent; the
    // visit log of a building outside the agent's sectors is one it may
    // add its own visits to, so the server answers as if it held nothing.
    let response = round(&w.agent, vec![(their_log.clone(), hello())]).await;
    assert_eq!(refusal(&response, &their_log), None);
    for reply in &response.messages {
        let reply = Message::decode(&reply.message).expect("decode");
        assert!(reply.heads.is_empty() && reply.changes.is_empty());
    }
    let named = vec![
        their_building.clone(),
        their_sector.clone(),
        their_person.clone(),
    ];
    let response = round(
        &w.agent,
        named.iter().map(|id| (id.clone(), hello())).collect(),
    )
    .await;
    assert!(
        !carries_changes(&response),
        "an out-of-scope document leaked"
    );
    for id in &named {
        assert!(refusal(&response, id).is_some(), "{id} not refused");
    }
    // Nor does a full sync bring them.
    for (device, what) in [
        (&w.agent, "agent"),
        (&w.ambassador, "ambassador"),
        (&w.elected, "elected official"),
    ] {
        let held = device.store.doc_ids().expect("ids");
        assert!(
            !held.contains(&their_log),
            "the {what} holds the colleague's visits"
        );
        assert!(
            !held.contains(&their_person),
            "the {what} holds her volunteer"
        );
        assert!(
            !contains(&database_bytes(&device.path), verbatim.as_bytes()),
            "a verbatim reached the {what}"
        );
    }
    assert!(
        !w.agent
            .store
            .doc_ids()
            .expect("ids")
            .contains(&their_building)
    );
    // Ambassadors and elected officials hold no visit log and no person at
    // all, and naming one gets a refusal.
    for device in [&w.ambassador, &w.elected] {
        let kinds = device.kinds();
        assert!(!kinds.contains(&DocKind::Visits) && !kinds.contains(&DocKind::Person));
        let response = round(device, vec![(their_log.clone(), hello())]).await;
        assert!(!carries_changes(&response));
        assert_eq!(
            refusal(&response, &their_log),
            Some(RefusalReason::NotPermitted)
        );
    }
    // The colleague holds her own volunteer.
    assert!(
        w.colleague
            .store
            .doc_ids()
            .expect("ids")
            .contains(&their_person)
    );
    w.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_must_name_the_device_that_sends_them() {
    let mut w = world().await;
    let before = w.stored();
    let colleague = w.colleague.agent;
    let my_log = DocId::visits(w.campaign.id, w.mine.id);
    let forged_visit = visit(w.campaign.id, w.mine.id, colleague, "1");
    let mut log = Automerge::new();
    schema::record_visit(&mut log, &forged_visit).expect("record");
    let forged_person = person("Au nom d'une autre", colleague);
    let forged_idea = idea(w.campaign.id, "Au nom d'un autre", colleague);
    let forged_follow_up = samples::follow_up(w.campaign.id, colleague);
    let attempts = vec![
        (my_log, push_all(&log)),
        (
            DocId::person(forged_person.id),
            push_all(&doc_of(&forged_person)),
        ),
        (DocId::idea(forged_idea.id), push_all(&doc_of(&forged_idea))),
        (
            DocId::follow_up(forged_follow_up.id),
            push_all(&doc_of(&forged_follow_up)),
        ),
    ];
    let ids: Vec<DocId> = attempts.iter().map(|(id, _)| id.clone()).collect();
    let response = round(&w.agent, attempts).await;
    for id in &ids {
        assert_eq!(
            refusal(&response, id),
            Some(RefusalReason::Attribution),
            "{id}"
        );
    }
    // Rewriting a colleague's visit in her log, even through a building
    // the agent may deposit into.
    let their_log = DocId::visits(w.campaign.id, w.theirs.id);
    let mut doc = w.server_doc(&their_log);
    let mut rewritten = w.their_visit.clone();
    rewritten.verbatim = "propos inventés".into();
    schema::record_visit(&mut doc, &rewritten).expect("rewrite");
    let response = round(&w.agent, vec![(their_log.clone(), push_all(&doc))]).await;
    assert_eq!(
        refusal(&response, &their_log),
        Some(RefusalReason::Attribution)
    );
    // Or hiding a value under her visit, from a log that never saw it: it
    // loses the conflict today and would win once she undoes hers.
    let mut hidden = Automerge::new();
    schema::record_visit(&mut hidden, &rewritten).expect("forge");
    let response = round(&w.agent, vec![(their_log.clone(), push_all(&hidden))]).await;
    assert_eq!(
        refusal(&response, &their_log),
        Some(RefusalReason::Attribution)
    );
    assert_eq!(w.stored(), before);
    w.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_cannot_grow_a_document_without_bound() {
    let mut w = world().await;
    let before = w.stored();
    let my_log = DocId::visits(w.campaign.id, w.mine.id);
    // One message of 1.5 MiB of changes: visits whose verbatims are each
    // as long as the policy takes.
    let longest = shared::policy::values::MAX_VERBATIM_CHARS;
    let mut log = Automerge::new();
    for n in 0..(1536 * 1024 / longest) {
        let mut big = visit(w.campaign.id, w.mine.id, w.agent.agent, &format!("b{n}"));
        big.verbatim = "x".repeat(longest);
        schema::record_visit(&mut log, &big).expect("record");
    }
    let response = round(&w.agent, vec![(my_log.clone(), push_all(&log))]).await;
    assert_eq!(refusal(&response, &my_log), Some(RefusalReason::OverLimit));
    assert_eq!(w.stored(), before);

    // Several messages under the bound, until the document would pass
    // 2 MiB: the last is refused, the document stays as it was before it.
    let mut log = Automerge::new();
    let mut refused_at = None;
    for i in 0..6 {
        for n in 0..(700 * 1024 / longest) {
            let mut v = visit(w.campaign.id, w.mine.id, w.agent.agent, &format!("{i}-{n}"));
            v.verbatim = format!("{i}").repeat(longest);
            schema::record_visit(&mut log, &v).expect("record");
        }
        let response = round(&w.agent, vec![(my_log.clone(), push_all(&log))]).await;
        if let Some(reason) = refusal(&response, &my_log) {
            refused_at = Some((i, reason));
            break;
        }
    }
    let (at, reason) = refused_at.expect("the document grew without bound");
    assert_eq!(reason, RefusalReason::OverLimit);
    assert!(at >= 1, "refused before reaching the bound");
    w.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_cannot_wedge_a_shared_document_with_concurrent_heads() {
    let mut w = world().await;
    // An idea every phone holds and may edit.
    let shared_idea = idea(w.campaign.id, "Un banc", w.colleague.agent);
    w.colleague.put(&shared_idea);
    w.colleague.sync().await;
    w.agent.sync().await;
    let before = w.stored();
    let id = DocId::idea(shared_idea.id);
    // Forty concurrent edits, each by a new actor, merged into one push:
    // honest phones could no longer name the idea's heads.
    let base = w.server_doc(&id);
    let mut wedge = base.clone();
    for n in 0..40 {
        let mut fork = base.fork();
        let mut edited = shared_idea.clone();
        edited.title = format!("Un banc {n}");
        schema::write(&mut fork, &edited).expect("edit");
        wedge.merge(&mut fork).expect("merge");
    }
    assert!(wedge.get_heads().len() > 32);
    let response = round(&w.agent, vec![(id.clone(), push_all(&wedge))]).await;
    assert_eq!(refusal(&response, &id), Some(RefusalReason::OverLimit));
    assert_eq!(w.stored(), before);
    // Two concurrent edits, as two phones make: taken.
    let mut pair = base.clone();
    for title in ["Un banc vert", "Un banc bleu"] {
        let mut fork = base.fork();
        let mut edited = shared_idea.clone();
        edited.title = title.into();
        schema::write(&mut fork, &edited).expect("edit");
        pair.merge(&mut fork).expect("merge");
    }
    let response = round(&w.agent, vec![(id.clone(), push_all(&pair))]).await;
    assert_eq!(refusal(&response, &id), None);
    w.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_visits_to_a_building_outside_ones_sectors_are_kept_without_reading_the_log() {
    let mut w = world().await;
    // Recorded offline before the building was reassigned.
    let mine = w
        .agent
        .visit(w.campaign.id, w.theirs.id, "1", Outcome::NotHome);
    let report = w.agent.sync().await;
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(w.agent.store.unsynced_count().expect("count"), 0);
    let their_log = DocId::visits(w.campaign.id, w.theirs.id);
    let on_server = schema::visits(&w.server_doc(&their_log)).expect("visits");
    assert!(
        on_server.contains_key(&mine.id.to_string()),
        "the visit was lost"
    );
    assert!(on_server.contains_key(&w.their_visit.id.to_string()));
    // The phone holds its own visit, and nothing of the colleague's.
    let held = w.agent.visits(w.campaign.id, w.theirs.id);
    assert_eq!(held.keys().collect::<Vec<_>>(), vec![&mine.id.to_string()]);
    assert!(!contains(
        &database_bytes(&w.agent.path),
        w.their_visit.verbatim.as_bytes()
    ));
    w.still_serves().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_login_attempts_costs_little_memory() {
    let mut w = world().await;
    w.child.reset_peak();
    let (_, baseline) = w.child.peak_and_current_kib();
    let http = reqwest::Client::new();
    let attempts = (0..64).map(|n| {
        let http = http.clone();
        let url = format!("{}/api/login", w.child.url);
        async move {
            http.post(url)
                .json(&shared::api::LoginRequest {
                    email: format!("inconnu{n}@villejuif.test"),
                    password: "devinette".into(),
                })
                .send()
                .await
                .expect("login")
                .status()
                .as_u16()
        }
    });
    let statuses: Vec<u16> = futures_join_all(attempts).await;
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    assert!(statuses.contains(&429), "no attempt was throttled");
    let (peak, _) = w.child.peak_and_current_kib();
    assert!(
        peak.saturating_sub(baseline) < 64 * MIB,
        "peak memory grew by {} KiB",
        peak - baseline
    );
    w.still_serves().await;
}

/// Runs futures concurrently on the runtime and collects their outputs.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("join"));
    }
    out
}
