//! A sync cut mid-transfer resumes and completes; replaying every message
//! changes nothing.

use shared::api::Role;
use shared::domain::*;
use shared::protocol::SyncRequest;
use shared::store::Store;
use shared::sync::ClientSession;
use tests::{Device, TestServer, idea};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_cut_mid_transfer_resumes_and_completes() {
    let server = TestServer::start().await;
    let office = server.municipality("Grenoble").await;
    let mut office_device = Device::enrol(&server, &office, Role::Coordinator).await;
    // More documents than one response carries, so the download takes pages.
    let campaign = CampaignId::new();
    for i in 0..900 {
        office_device.put(&idea(campaign, &format!("idée {i}"), office_device.agent));
    }
    office_device.sync().await;

    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    let token = app::sync::enrolment(&phone.store)
        .expect("read")
        .expect("enrolled")
        .token;
    // First attempt: the connection drops after two round trips.
    let mut session = ClientSession::start(&phone.store).expect("start");
    for _ in 0..2 {
        let request = session
            .next_request(&mut phone.store)
            .expect("request")
            .expect("more to do");
        let (response, _, _) = phone
            .server
            .sync_round(&token, &request)
            .await
            .expect("round");
        session
            .handle_response(&mut phone.store, response)
            .expect("handle");
    }
    drop(session);
    let partial = phone.store.document_count().expect("count");
    assert!(
        partial > 0 && partial < 900,
        "the cut came mid-transfer ({partial} documents)"
    );

    // The app is killed and restarted: the store reopens, the sync resumes.
    let path = phone.path.clone();
    phone.store = Store::open(&path).expect("reopen");
    phone.sync().await;
    assert_eq!(phone.store.document_count().expect("count"), 900);
    let server_store = Store::open(&server.store_path(office.id)).expect("open");
    assert_eq!(
        phone.store.fingerprint().expect("fingerprint"),
        server_store.fingerprint().expect("fingerprint")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_every_message_twice_changes_nothing() {
    let server = TestServer::start().await;
    let office = server.municipality("Cachan").await;
    let mut first = Device::enrol(&server, &office, Role::Agent).await;
    let mut second = Device::enrol(&server, &office, Role::Agent).await;
    let campaign = CampaignId::new();
    let building = BuildingId::new();
    for door in ["1", "2", "3"] {
        first.visit(campaign, building, door, Outcome::NotHome);
    }
    second.visit(campaign, building, "4", Outcome::Talked);
    second.sync().await;

    // Sync `first`, sending each request twice and keeping every request.
    let token = app::sync::enrolment(&first.store)
        .expect("read")
        .expect("enrolled")
        .token;
    let mut sent: Vec<SyncRequest> = Vec::new();
    let mut session = ClientSession::start(&first.store).expect("start");
    while let Some(request) = session.next_request(&mut first.store).expect("request") {
        let (_, _, _) = first
            .server
            .sync_round(&token, &request)
            .await
            .expect("first copy");
        let (response, _, _) = first
            .server
            .sync_round(&token, &request)
            .await
            .expect("second copy");
        // The device sees the response twice as well.
        session
            .handle_response(&mut first.store, response.clone())
            .expect("handle");
        session
            .handle_response(&mut first.store, response)
            .expect("handle again");
        sent.push(request);
    }
    let server_path = server.store_path(office.id);
    let server_after = Store::open(&server_path)
        .expect("open")
        .fingerprint()
        .expect("fingerprint");
    let device_after = first.store.fingerprint().expect("fingerprint");
    assert_eq!(first.visits(campaign, building).len(), 4);

    // Every request of that sync, replayed twice more, long after.
    for request in sent.iter().chain(sent.iter()) {
        first
            .server
            .sync_round(&token, request)
            .await
            .expect("replay");
    }
    assert_eq!(
        Store::open(&server_path)
            .expect("open")
            .fingerprint()
            .expect("fingerprint"),
        server_after
    );
    first.sync().await;
    assert_eq!(
        first.store.fingerprint().expect("fingerprint"),
        device_after
    );
    assert_eq!(first.visits(campaign, building).len(), 4);
    server.stop().await;
}
