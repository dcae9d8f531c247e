//! Enrolling a phone: a code works once even when redemptions race; wrong
//! and expired codes fail clearly; a revoked device is refused and wipes
//! what it holds.

use app::platform::http::HttpError;
use shared::api::{EnrolRequest, EnrolResponse, Role};
use shared::domain::{BuildingId, CampaignId, Outcome};
use shared::store::Store;
use tests::{Device, TestServer, contains, database_bytes};

async fn redeem(
    server: &app::platform::http::Server,
    code: &str,
) -> Result<EnrolResponse, HttpError> {
    server
        .post_json(
            "/api/enrol",
            None,
            &EnrolRequest {
                code: code.into(),
                device_name: "tablette".into(),
            },
        )
        .await
}

fn status(result: &Result<EnrolResponse, HttpError>) -> Option<u16> {
    match result {
        Err(HttpError::Refused { status, .. }) => Some(*status),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_works_once_even_when_ten_redemptions_race() {
    let server = TestServer::start().await;
    let office = server.municipality("Clichy-sous-Bois").await;
    let code = office.code(Role::Agent).await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let client = server.client();
            let code = code.clone();
            tokio::spawn(async move { redeem(&client, &code).await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("join"));
    }
    let winners = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(winners, 1, "exactly one redemption wins");
    assert!(
        results
            .iter()
            .filter(|r| r.is_err())
            .all(|r| status(r) == Some(409))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_and_expired_codes_fail_with_a_clear_error() {
    let server = TestServer::start().await;
    let office = server.municipality("Cachan").await;
    let client = server.client();

    let wrong = redeem(&client, "ZZZZZZZZZZ").await;
    assert_eq!(status(&wrong), Some(401));
    if let Err(HttpError::Refused { body, .. }) = &wrong {
        assert_eq!(body.error, "unauthorized");
        assert!(
            body.message.contains("unknown enrolment code"),
            "{}",
            body.message
        );
    }

    let (expired, _) = server
        .state
        .control
        .new_enrolment_code(office.id, Role::Agent, false, -1)
        .expect("code");
    let result = redeem(&client, &expired).await;
    assert_eq!(status(&result), Some(410));
    if let Err(HttpError::Refused { body, .. }) = &result {
        assert_eq!(body.error, "code_expired");
    }

    // Typed in lower case with a dash, as people do.
    let code = office.code(Role::Agent).await;
    let typed = format!("{}-{}", &code[..5], &code[5..]).to_lowercase();
    assert!(redeem(&client, &typed).await.is_ok());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused() {
    let server = TestServer::start().await;
    let office = server.municipality("Saint-Denis").await;
    let mut device = Device::enrol(&server, &office, Role::Agent).await;
    // What a withdrawn phone holds: a conversation's words, synced, and
    // another not yet synced.
    let marker = "MARQUEUR-RETRAIT-Karim-Belkacem";
    let campaign = CampaignId::new();
    let building = BuildingId::new();
    let mut said = device.visit(campaign, building, "3", Outcome::Talked);
    said.verbatim = format!("{marker} au 3e");
    device.record(&said);
    device.sync().await;
    let mut later = device.visit(campaign, building, "4", Outcome::Talked);
    later.verbatim = format!("{marker} au 4e");
    device.record(&later);
    assert!(contains(&database_bytes(&device.path), marker.as_bytes()));
    let enrolment = app::sync::enrolment(&device.store)
        .expect("read")
        .expect("enrolled");

    assert_eq!(office.revoke(&server.url, enrolment.device_id).await, 204);

    // Its next contact: told it was withdrawn, it wipes what it held, the
    // unsynced visit and its token included.
    let result = app::sync::sync(&mut device.store, &device.server, &mut |_| {}).await;
    assert!(
        matches!(result, Err(app::sync::SyncError::Revoked)),
        "a revoked device synced: {result:?}"
    );
    assert!(device.store.doc_ids().expect("ids").is_empty());
    assert!(app::sync::enrolment(&device.store).expect("read").is_none());
    assert!(
        !contains(&database_bytes(&device.path), marker.as_bytes()),
        "still in the phone's files"
    );
    // An unknown token learns nothing of revocations.
    let unknown = app::sync::remember_enrolment(
        &mut device.store,
        &EnrolResponse {
            token: "not-a-token".into(),
            ..enrolment.clone()
        },
    );
    assert!(unknown.is_ok());
    match app::sync::sync(&mut device.store, &device.server, &mut |_| {}).await {
        Err(app::sync::SyncError::Http(HttpError::Refused { status, .. })) => {
            assert_eq!(status, 401)
        }
        other => panic!("an unknown token: {other:?}"),
    }

    // Another municipality's coordinator cannot revoke (or see) this device.
    let other = server.municipality("Grenoble").await;
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api/devices/{}/revoke",
            server.url, enrolment.device_id
        ))
        .bearer_auth(&other.token)
        .send()
        .await
        .expect("revoke");
    assert_eq!(response.status().as_u16(), 404);
    let _ = Store::open_in_memory();
    server.stop().await;
}
