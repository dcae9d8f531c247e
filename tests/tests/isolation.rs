//! Municipalities are kept apart, and youth ambassadors never hold
//! residents' personal data.

use automerge::Automerge;
use shared::api::Role;
use shared::domain::*;
use shared::protocol::{DocMessage, PROTOCOL_VERSION, RefusalReason, SyncRequest};
use shared::schema::{self, DocId, DocKind};
use shared::store::Store;
use tests::{Device, TestServer, idea, person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_of_one_municipality_gets_nothing_of_another() {
    let server = TestServer::start().await;
    let villejuif = server.municipality("Villejuif").await;
    let grenoble = server.municipality("Grenoble").await;
    let mut in_grenoble = Device::enrol(&server, &grenoble, Role::Agent).await;
    let secret = idea(CampaignId::new(), "Idée grenobloise", in_grenoble.agent);
    in_grenoble.put(&secret);
    in_grenoble.sync().await;
    let grenoble_before = Store::open(&server.store_path(grenoble.id))
        .expect("open")
        .fingerprint()
        .expect("fingerprint");
    assert_eq!(grenoble_before.len(), 1);

    // A Villejuif device that somehow knows the id asks for it, and even
    // tries to write into it.
    let mut in_villejuif = Device::enrol(&server, &villejuif, Role::Coordinator).await;
    let target = DocId::idea(secret.id);
    let token = app::sync::enrolment(&in_villejuif.store)
        .expect("read")
        .expect("enrolled")
        .token;
    let mut empty = Automerge::new();
    let mut state = automerge::sync::State::new();
    use automerge::sync::SyncDoc;
    let hello = empty.generate_sync_message(&mut state).expect("message");
    let request = SyncRequest {
        version: PROTOCOL_VERSION,
        cursor: 0,
        messages: vec![DocMessage {
            doc_id: target.clone(),
            message: hello.encode(),
        }],
        unsynced: 0,
        notice_since: None,
    };
    let (response, _, _) = in_villejuif
        .server
        .sync_round(&token, &request)
        .await
        .expect("round");
    for message in &response.messages {
        let decoded = automerge::sync::Message::decode(&message.message).expect("decode");
        assert!(
            decoded.heads.is_empty(),
            "another municipality's document is visible"
        );
        let mut probe = Automerge::new();
        probe
            .receive_sync_message(&mut automerge::sync::State::new(), decoded)
            .expect("receive");
        assert!(
            probe.get_heads().is_empty(),
            "a change of another municipality leaked"
        );
    }
    let mut hostile = idea(CampaignId::new(), "écrasé", in_villejuif.agent);
    hostile.id = secret.id;
    schema::write(&mut empty, &hostile).expect("write");
    in_villejuif
        .store
        .save(&target, &empty, shared::store::Origin::Local)
        .expect("save");
    in_villejuif.sync().await;

    assert_eq!(
        Store::open(&server.store_path(grenoble.id))
            .expect("open")
            .fingerprint()
            .expect("fingerprint"),
        grenoble_before,
        "Grenoble changed"
    );
    in_grenoble.sync().await;
    assert_eq!(
        in_grenoble.get::<Idea>(&target).expect("idea").title,
        "Idée grenobloise"
    );
    let _ = &mut in_villejuif;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ambassador_device_receives_no_person_document() {
    let server = TestServer::start().await;
    let office = server.municipality("Plaine Commune").await;
    let mut agent = Device::enrol(&server, &office, Role::Agent).await;
    let volunteer = person("Mme Diallo", agent.agent);
    agent.put(&volunteer);
    agent.put(&idea(CampaignId::new(), "Des bancs", agent.agent));
    agent.sync().await;

    let mut ambassador = Device::enrol(&server, &office, Role::YouthAmbassador).await;
    ambassador.sync().await;
    let kinds = ambassador.kinds();
    assert!(
        kinds.contains(&DocKind::Idea),
        "the ambassador got the shared idea"
    );
    assert!(
        !kinds.contains(&DocKind::Person),
        "the ambassador got personal data"
    );

    // Nor may it send one.
    let own = person("Élève", ambassador.agent);
    ambassador.put(&own);
    let report = ambassador.sync().await;
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].reason, RefusalReason::NotPermitted);
    let server_store = Store::open(&server.store_path(office.id)).expect("open");
    assert!(
        server_store
            .load(&DocId::person(own.id))
            .expect("load")
            .is_none()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_elected_officials_device_reads_but_cannot_write() {
    let server = TestServer::start().await;
    let office = server.municipality("Cachan").await;
    let mut agent = Device::enrol(&server, &office, Role::Agent).await;
    let original = idea(CampaignId::new(), "Un jardin partagé", agent.agent);
    agent.put(&original);
    agent.sync().await;

    let mut elected = Device::enrol(&server, &office, Role::ElectedOfficial).await;
    elected.sync().await;
    let doc_id = DocId::idea(original.id);
    assert_eq!(elected.get::<Idea>(&doc_id), Some(original.clone()));
    let mut edited = original.clone();
    edited.title = "Un parking".into();
    elected.put(&edited);
    let report = elected.sync().await;
    assert!(
        report
            .refused
            .iter()
            .any(|r| r.reason == RefusalReason::ReadOnly)
    );
    agent.sync().await;
    assert_eq!(
        agent.get::<Idea>(&doc_id).expect("idea").title,
        "Un jardin partagé"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_cannot_erase_a_person_of_another_municipality() {
    let server = TestServer::start().await;
    let villejuif = server.municipality("Villejuif").await;
    let grenoble = server.municipality("Grenoble").await;
    let mut in_grenoble = Device::enrol(&server, &grenoble, Role::Agent).await;
    let resident = person("Résidente grenobloise", in_grenoble.agent);
    in_grenoble.put(&resident);
    in_grenoble.sync().await;

    let erase = |token: String| {
        let url = format!("{}/api/persons/{}/erase", server.url, resident.id);
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("erase")
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        erase(villejuif.token.clone()).await,
        404,
        "another municipality's person is unknown here, not erased"
    );
    let store = Store::open(&server.store_path(grenoble.id)).expect("open");
    assert!(
        store
            .heads(&DocId::person(resident.id))
            .expect("read")
            .is_some(),
        "Grenoble still holds its resident"
    );
    assert!(!store.is_erased(&DocId::person(resident.id)).expect("read"));
    // Its own coordinator can.
    assert_eq!(erase(grenoble.token.clone()).await, 204);
}
