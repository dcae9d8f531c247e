//! The role × kind matrix of `shared::policy`, through the real sync
//! endpoint: for every role and every document kind, what a phone
//! receives, whether it may create one, modify one, and what naming an
//! out-of-scope id brings it. Expectations come from the policy table
//! itself, so the table in ARCHITECTURE.md, the server and this test cannot
//! drift apart.

use automerge::Automerge;
use automerge::sync::Message;
use shared::api::Role;
use shared::domain::*;
use shared::policy::{KINDS, ROLES, Reach, rights};
use shared::protocol::{DocMessage, PROTOCOL_VERSION, SyncRequest, SyncResponse};
use shared::schema::{self, DocId, DocKind, SingleRecord};
use tests::samples::{self, building, doc_of, hello, push_all, sector, visit};
use tests::{Device, TestServer, idea, person};

/// One document of every kind, written by the office, attributed to
/// someone other than the phone under test; and a person the phone under
/// test recorded.
struct Seeded {
    campaign: Campaign,
    docs: Vec<(DocKind, DocId)>,
    own_person: Person,
}

fn seed(server: &TestServer, municipality: MunicipalityId, device: &Device) -> Seeded {
    let someone = AgentId::new();
    let mut campaign = Campaign::new("Matrice".into(), CampaignKind::DoorToDoor, 0, 1);
    // The lists the sample records draw from: the policy checks them.
    campaign.categories = vec![samples::IDEA_CATEGORY.into()];
    campaign.services = vec![samples::SERVICE.into()];
    let area = samples::neighbourhood("Centre");
    let place = building(1);
    let turf = sector(campaign.id, "Nord", vec![place.id], someone);
    let knock = visit(campaign.id, place.id, someone, "1");
    let proposal = idea(campaign.id, "Des bancs", someone);
    let problem = samples::follow_up(campaign.id, someone);
    let volunteer = person("Quelqu'un d'autre", someone);
    let own_person = person("Mon bénévole", device.agent);
    server.put(municipality, &campaign);
    server.put(municipality, &area);
    server.put(municipality, &place);
    server.put(municipality, &turf);
    server.put_visit(municipality, &knock);
    server.put(municipality, &proposal);
    server.put(municipality, &problem);
    server.put(municipality, &volunteer);
    server.put(municipality, &own_person);
    Seeded {
        docs: vec![
            (DocKind::Campaign, campaign.doc_id()),
            (DocKind::Neighbourhood, area.doc_id()),
            (DocKind::Building, place.doc_id()),
            (DocKind::Sector, turf.doc_id()),
            (DocKind::Visits, DocId::visits(campaign.id, place.id)),
            (DocKind::Idea, proposal.doc_id()),
            (DocKind::FollowUp, problem.doc_id()),
            (DocKind::Person, volunteer.doc_id()),
        ],
        campaign,
        own_person,
    }
}

/// A new document of `kind`, as the phone of `me` would write it.
fn created(kind: DocKind, campaign: CampaignId, me: AgentId) -> (DocId, Automerge) {
    fn pair<T: SingleRecord>(record: T) -> (DocId, Automerge) {
        (record.doc_id(), doc_of(&record))
    }
    match kind {
        DocKind::Campaign => pair(Campaign::new(
            "Neuve".into(),
            CampaignKind::StreetStand,
            0,
            1,
        )),
        DocKind::Neighbourhood => pair(samples::neighbourhood("Neuf")),
        DocKind::Building => pair(building(9)),
        DocKind::Sector => pair(sector(campaign, "Neuf", vec![], me)),
        DocKind::Visits => {
            let v = visit(campaign, BuildingId::new(), me, "1");
            let mut doc = Automerge::new();
            schema::record_visit(&mut doc, &v).expect("record");
            (DocId::visits(v.campaign, v.building), doc)
        }
        DocKind::Idea => pair(idea(campaign, "Une idée neuve", me)),
        DocKind::FollowUp => pair(samples::follow_up(campaign, me)),
        DocKind::Person => pair(person("Nouvelle bénévole", me)),
    }
}

/// The stored document with one edit that keeps every attribution as it
/// was (and adds one's own visit to a log).
fn modified(doc_id: &DocId, mut doc: Automerge, campaign: CampaignId, me: AgentId) -> Automerge {
    fn edit<T: SingleRecord>(doc: &mut Automerge, change: impl FnOnce(&mut T)) {
        let mut record: T = schema::read(doc).expect("read");
        change(&mut record);
        schema::write(doc, &record).expect("write");
    }
    match doc_id.kind() {
        DocKind::Campaign => edit::<Campaign>(&mut doc, |c| c.name = "Renommée".into()),
        DocKind::Neighbourhood => edit::<Neighbourhood>(&mut doc, |n| n.name = "Autre".into()),
        DocKind::Building => edit::<Building>(&mut doc, |b| b.address = "ailleurs".into()),
        DocKind::Sector => edit::<Sector>(&mut doc, |s| s.name = "Autre".into()),
        DocKind::Visits => {
            let building = doc_id.building_id().expect("building");
            let v = visit(campaign, building, me, "2");
            schema::record_visit(&mut doc, &v).expect("record");
        }
        DocKind::Idea => edit::<Idea>(&mut doc, |i| i.title = "Retitrée".into()),
        DocKind::FollowUp => edit::<FollowUp>(&mut doc, |f| f.description = "Autre".into()),
        DocKind::Person => edit::<Person>(&mut doc, |p| p.phone = Some("07 00 00 00 00".into())),
    }
    doc
}

async fn round(device: &Device, doc_id: &DocId, message: Vec<u8>) -> SyncResponse {
    let request = SyncRequest {
        version: PROTOCOL_VERSION,
        cursor: i64::MAX,
        messages: vec![DocMessage {
            doc_id: doc_id.clone(),
            message,
        }],
        unsynced: 0,
        notice_since: None,
    };
    device
        .server
        .sync_round(&device.token(), &request)
        .await
        .expect("round")
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_and_kind_follows_the_policy_table() {
    let server = TestServer::start().await;
    let office = server.municipality("Matrice").await;
    for role in ROLES {
        let mut device = Device::enrol(&server, &office, role).await;
        let me = device.agent;
        let seeded = seed(&server, office.id, &device);
        device.sync().await;
        let held = device.store.doc_ids().expect("ids");

        for (kind, doc_id) in &seeded.docs {
            let rights = rights(role, *kind);
            // Receive: the seeded document is someone else's, so "own"
            // reaches it no more than "none".
            let expected = matches!(rights.receive, Reach::All | Reach::InScope);
            assert_eq!(
                held.contains(doc_id),
                expected,
                "{role:?} receives {kind:?}"
            );

            // Create one, in its own name.
            let (new_id, doc) = created(*kind, seeded.campaign.id, me);
            let response = round(&device, &new_id, push_all(&doc)).await;
            let stored = server.load(office.id, &new_id).is_some();
            let expected = rights.create != Reach::None && !role.is_read_only();
            assert_eq!(
                stored, expected,
                "{role:?} creates {kind:?}: {:?}",
                response.refused
            );
            assert_eq!(
                response.refused.is_empty(),
                expected,
                "{role:?} creates {kind:?}"
            );

            // Modify the seeded one.
            let before = server.load(office.id, doc_id).expect("seeded");
            let edited = modified(doc_id, before.clone(), seeded.campaign.id, me);
            let response = round(&device, doc_id, push_all(&edited)).await;
            let after = server.load(office.id, doc_id).expect("seeded");
            let expected =
                matches!(rights.modify, Reach::All | Reach::InScope) && !role.is_read_only();
            assert_eq!(
                after.get_heads() != before.get_heads(),
                expected,
                "{role:?} modifies {kind:?}: {:?}",
                response.refused
            );
        }

        // A person this phone recorded: received, and modifiable where the
        // table says "own".
        let own = seeded.own_person.doc_id();
        let rights = rights(role, DocKind::Person);
        assert_eq!(
            held.contains(&own),
            rights.receive != Reach::None,
            "{role:?} receives its own person"
        );
        let before = server.load(office.id, &own).expect("seeded");
        let edited = modified(&own, before.clone(), seeded.campaign.id, me);
        round(&device, &own, push_all(&edited)).await;
        let changed =
            server.load(office.id, &own).expect("seeded").get_heads() != before.get_heads();
        assert_eq!(
            changed,
            rights.modify != Reach::None,
            "{role:?} modifies its own person"
        );
    }
    server.stop().await;
}

/// Naming an out-of-scope id, for the roles that have a scope: nothing of
/// the document comes back, whatever the kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naming_an_out_of_scope_id_brings_nothing() {
    let server = TestServer::start().await;
    let office = server.municipality("Portée").await;
    for role in [Role::Agent, Role::YouthAmbassador] {
        let mut device = Device::enrol(&server, &office, role).await;
        let seeded = seed(&server, office.id, &device);
        // Its own sector, elsewhere: the seeded building and sector are now
        // out of its scope.
        let own_building = building(5);
        server.put(office.id, &own_building);
        server.put(
            office.id,
            &sector(
                seeded.campaign.id,
                "À moi",
                vec![own_building.id],
                device.agent,
            ),
        );
        device.sync().await;
        let held = device.store.doc_ids().expect("ids");
        for (kind, doc_id) in &seeded.docs {
            let response = round(&device, doc_id, hello()).await;
            let leaked = response.messages.iter().any(|m| {
                Message::decode(&m.message)
                    .is_ok_and(|m| !m.changes.is_empty() || !m.heads.is_empty())
            });
            // The seeded building, sector and visit log are out of scope;
            // the rest is someone else's.
            let receivable = rights(role, *kind).receive == Reach::All;
            assert_eq!(leaked, receivable, "{role:?} names {kind:?}");
            assert_eq!(held.contains(doc_id), receivable, "{role:?} holds {kind:?}");
        }
        let covered: Vec<DocKind> = seeded.docs.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(covered, KINDS, "every kind is tried");
    }
    server.stop().await;
}

/// What each role's phone holds of residents' free text after a full
/// sync, read in every stored document's uncompressed bytes (history
/// included): the verbatim of a visit, the description of a follow-up and
/// a volunteer's name reach exactly the roles whose "receive" the table
/// gives (ARCHITECTURE.md, "Trust no device"); a youth ambassador's and an
/// elected official's phone hold none of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn residents_words_reach_only_the_phones_the_table_names() {
    let server = TestServer::start().await;
    let office = server.municipality("Paroles").await;
    for role in ROLES {
        let mut device = Device::enrol(&server, &office, role).await;
        let someone = AgentId::new();
        let campaign = Campaign::new("Paroles".into(), CampaignKind::DoorToDoor, 0, 1);
        let place = building(1);
        let mut knock = visit(campaign.id, place.id, someone, "1");
        knock.verbatim = format!("VERBATIM-MARKER-{role:?}");
        let mut problem = samples::follow_up(campaign.id, someone);
        problem.description = format!("FOLLOWUP-MARKER-{role:?}");
        let volunteer = person(&format!("PERSON-MARKER-{role:?}"), someone);
        server.put(office.id, &campaign);
        server.put(office.id, &place);
        server.put_visit(office.id, &knock);
        server.put(office.id, &problem);
        server.put(office.id, &volunteer);
        device.sync().await;

        let mut held = Vec::new();
        for doc_id in device.store.doc_ids().expect("ids") {
            if let Some(doc) = device.store.load(&doc_id).expect("load") {
                held.extend(doc.save_nocompress());
            }
        }
        let holds = |marker: &str| held.windows(marker.len()).any(|w| w == marker.as_bytes());
        // The phone holds something, so absence below means something.
        assert!(holds("Paroles"), "{role:?} holds the campaign");
        for (kind, marker) in [
            (DocKind::Visits, format!("VERBATIM-MARKER-{role:?}")),
            (DocKind::FollowUp, format!("FOLLOWUP-MARKER-{role:?}")),
            (DocKind::Person, format!("PERSON-MARKER-{role:?}")),
        ] {
            // Someone else's record: "own" reaches it no more than "none".
            let expected = matches!(rights(role, kind).receive, Reach::All | Reach::InScope);
            assert_eq!(holds(&marker), expected, "{role:?} holds {kind:?}'s text");
        }
        if matches!(role, Role::YouthAmbassador | Role::ElectedOfficial) {
            assert!(
                !holds("MARKER"),
                "{role:?} holds no resident's words at all"
            );
        }
    }
    server.stop().await;
}
