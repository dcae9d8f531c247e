//! A phone still running the previous release when the server moves to a
//! new protocol (3: visit logs with generations; 4: conversations name the
//! information notice) is not stranded: it is told to update (426) and
//! keeps everything; once updated, the same store syncs, and what it
//! recorded on a log the office redacted meanwhile reaches the server,
//! without the redacted words, as do the conversations it noted before it
//! was ever handed a notice.

use shared::api::Role;
use shared::domain::*;
use shared::protocol::{ErrorBody, PROTOCOL_VERSION, SYNC_CONTENT_TYPE, UPDATE_REQUIRED};
use shared::schema::DocId;
use tests::samples;
use tests::{Device, OfficePages, TestServer, contains, held_bytes};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_on_the_previous_release_is_told_to_update_and_loses_nothing() {
    let server = TestServer::start().await;
    let office = server.municipality("Pierrefitte").await;
    let place = samples::building(5);
    server.put(office.id, &place);
    let campaign = Campaign::new("Cadre de vie".into(), CampaignKind::DoorToDoor, 0, 1);
    server.put(office.id, &campaign);
    let code = office.code_for(Role::Agent, true).await;
    let mut phone = Device::enrol_with_code(&server, &code).await;
    let marker = "CANARI-Olivier-Mendes";
    let mut said = samples::visit(campaign.id, place.id, phone.agent, "3");
    said.verbatim = format!("{marker} au 3");
    phone.record(&said);
    phone.sync().await;

    // Meanwhile the office publishes its first information notice, which
    // the previous release cannot show.
    let texts: Vec<_> = sync_server::notices::template::LANGUAGES
        .iter()
        .map(|l| {
            let mut t = sync_server::notices::template::default_text(l, "Pierrefitte");
            t.full = t.full.replace('[', "(");
            t
        })
        .collect();
    let control = server.state.control.clone();
    tests::blocking(|| {
        control
            .publish_notice(office.id, &texts, "test", 1)
            .expect("publish")
    });

    // Offline, still on the previous release: two more knocks, and a
    // conversation noted without any notice.
    let first = phone.visit(campaign.id, place.id, "4", Outcome::NotHome);
    let second = phone.visit(campaign.id, place.id, "5", Outcome::Refused);
    let mut talk = samples::visit(campaign.id, place.id, phone.agent, "6");
    talk.verbatim = "Le local vélo est fermé".into();
    talk.at = sync_server::storage::control::now_ms() - 1_000;
    assert!(talk.notice_version.is_none() && talk.about_resident());
    phone.record(&talk);
    let unsynced = phone.store.unsynced_count().expect("count");
    assert_eq!(unsynced, 1, "the log holds them");

    // Meanwhile the office erases what was said at door 3.
    let pages = OfficePages::new(&server, &office);
    let done = pages
        .post(
            "/office/residents/erase/confirm",
            &[("visit", &said.id.to_string())],
        )
        .await;
    assert_eq!(done.status, 303);
    let first_log = DocId::visits(campaign.id, place.id);
    let second_log = first_log.next_generation().expect("next");
    assert!(server.load(office.id, &first_log).is_none());

    // The previous release's request: the same shape, version 2.
    let mut session = shared::sync::ClientSession::start(&phone.store).expect("session");
    let mut request = session
        .next_request(&mut phone.store)
        .expect("request")
        .expect("something to send");
    assert_eq!(PROTOCOL_VERSION, 4);
    request.version = 3;
    let response = reqwest::Client::new()
        .post(format!("{}/api/sync", server.url))
        .bearer_auth(phone.token())
        .header("content-type", SYNC_CONTENT_TYPE)
        .body(request.encode().expect("encode"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 426);
    let body: ErrorBody = response.json().await.expect("error body");
    assert_eq!(body.error, UPDATE_REQUIRED);
    assert!(body.message.contains("reload"), "{}", body.message);
    // Refused: nothing changed on either side.
    assert_eq!(phone.store.unsynced_count().expect("count"), unsynced);
    assert!(phone.store.load(&first_log).expect("load").is_some());

    // Updated (this release, the same store): it syncs, and its knocks
    // are on the server in the log's new generation, without the words.
    let report = phone.sync().await;
    assert_eq!(report.carried, 1);
    let log = server
        .load(office.id, &second_log)
        .expect("the new generation");
    let visits = shared::schema::visits(&log).expect("visits");
    for visit in [&first, &second, &talk] {
        assert_eq!(visits[&visit.id.to_string()].outcome, visit.outcome);
    }
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(
        visits[&talk.id.to_string()].verbatim,
        "Le local vélo est fermé"
    );
    assert!(visits[&said.id.to_string()].words_erased);
    assert_eq!(phone.store.unsynced_count().expect("count"), 0);
    assert!(!contains(&held_bytes(&phone.path), marker.as_bytes()));
    assert!(!contains(
        &held_bytes(&server.store_path(office.id)),
        marker.as_bytes()
    ));
    server.stop().await;
}

/// A phone that writes a visit log's later generation while the earlier
/// one stands (a second live log for the building) is refused, and the
/// server stores nothing of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generation_out_of_turn_is_refused() {
    let server = TestServer::start().await;
    let office = server.municipality("Stains").await;
    let code = office.code_for(Role::Agent, true).await;
    let mut phone = Device::enrol_with_code(&server, &code).await;
    let (campaign, building) = (CampaignId::new(), BuildingId::new());
    let forged = DocId::visits_generation(campaign, building, 3);
    let visit = samples::visit(campaign, building, phone.agent, "2");
    let mut doc = automerge::Automerge::new();
    shared::schema::record_visit(&mut doc, &visit).expect("write");
    phone
        .store
        .save(&forged, &doc, shared::store::Origin::Local)
        .expect("save");
    let report = phone.sync().await;
    assert!(
        report
            .refused
            .iter()
            .any(|r| r.doc_id == forged && r.reason == shared::protocol::RefusalReason::Malformed),
        "{:?}",
        report.refused
    );
    assert!(server.load(office.id, &forged).is_none());
    server.stop().await;
}
