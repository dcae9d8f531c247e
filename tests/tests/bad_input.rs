//! Bytes that are not a sync request get a 4xx with a JSON error; the server
//! keeps serving and its stored data is unchanged.

use rand::RngCore;
use shared::api::Role;
use shared::domain::*;
use shared::protocol::{
    ErrorBody, MAX_SYNC_REQUEST_BYTES, PROTOCOL_VERSION, SYNC_CONTENT_TYPE, SyncRequest,
};
use tests::{Device, TestServer, database_bytes, idea};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_gets_a_json_4xx_and_changes_nothing() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let mut device = Device::enrol(&server, &office, Role::Agent).await;
    device.put(&idea(CampaignId::new(), "Un terrain de foot", device.agent));
    for door in 0..20 {
        device.visit(
            CampaignId::new(),
            BuildingId::new(),
            &door.to_string(),
            Outcome::NotHome,
        );
    }
    device.sync().await;
    let token = app::sync::enrolment(&device.store)
        .expect("read")
        .expect("enrolled")
        .token;
    let store_path = server.store_path(office.id);
    let before = database_bytes(&store_path);

    // A real request, for truncations.
    let mut real = SyncRequest {
        version: PROTOCOL_VERSION,
        cursor: 0,
        messages: vec![],
        unsynced: 0,
        notice_since: None,
    };
    device.visit(CampaignId::new(), BuildingId::new(), "7", Outcome::Talked);
    let mut session = shared::sync::ClientSession::start(&device.store).expect("session");
    if let Some(request) = session.next_request(&mut device.store).expect("request") {
        real = request;
    }
    let real = real.encode().expect("encode");

    let mut rng = rand::rng();
    let mut bodies: Vec<(String, Vec<u8>, &str)> = Vec::new();
    for cut in [1, 2, real.len() / 2, real.len() - 1] {
        bodies.push((
            format!("truncated at {cut}"),
            real[..cut].to_vec(),
            SYNC_CONTENT_TYPE,
        ));
    }
    for size in [0, 1, 7, 64, 4096] {
        let mut random = vec![0u8; size];
        rng.fill_bytes(&mut random);
        bodies.push((format!("{size} random bytes"), random, SYNC_CONTENT_TYPE));
    }
    bodies.push((
        "wrong content type".into(),
        real.clone(),
        "application/json",
    ));
    bodies.push((
        "oversized".into(),
        vec![0u8; MAX_SYNC_REQUEST_BYTES + 1024],
        SYNC_CONTENT_TYPE,
    ));

    let http = reqwest::Client::new();
    for (what, body, content_type) in bodies {
        let response = http
            .post(format!("{}/api/sync", server.url))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("send");
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{what}: status {status}");
        let error: ErrorBody = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
        assert!(!error.message.is_empty(), "{what}");
        match what.as_str() {
            "wrong content type" => assert_eq!(status, 415),
            "oversized" => assert_eq!(status, 413),
            _ => assert_eq!(status, 400, "{what}"),
        }
    }

    // Bad JSON to the JSON endpoints, too.
    for body in ["", "{", "[1,2]", "{\"code\": 5}"] {
        let response = http
            .post(format!("{}/api/enrol", server.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send");
        assert!(response.status().is_client_error(), "{body:?}");
        let _: ErrorBody = response.json().await.expect("JSON error");
    }

    assert_eq!(database_bytes(&store_path), before, "stored data changed");
    let health = http
        .get(format!("{}/health", server.url))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status().as_u16(), 200);
    // And the device can still sync.
    device.sync().await;
    assert_eq!(device.store.unsynced_count().expect("count"), 0);
    server.stop().await;
}
