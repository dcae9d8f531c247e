//! Two real clients against the real server on port 0: the promises of
//! workflow 4 (sync) that a field team notices.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use tests::{Device, TestServer, idea};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_in_the_same_building_both_keep_their_visits() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let mut alice = Device::enrol(&server, &office, Role::Agent).await;
    let mut bilal = Device::enrol(&server, &office, Role::Agent).await;
    let campaign = CampaignId::new();
    let building = BuildingId::new();

    // Both work the same stairwell offline.
    let mut recorded = Vec::new();
    for door in ["31", "32", "33"] {
        recorded.push(alice.visit(campaign, building, door, Outcome::NotHome).id);
    }
    for door in ["41", "42"] {
        recorded.push(bilal.visit(campaign, building, door, Outcome::Talked).id);
    }
    assert_eq!(alice.store.unsynced_count().expect("count"), 1);

    alice.sync().await;
    bilal.sync().await;
    alice.sync().await;

    // The office's device list says what each phone still holds unsent
    // after its last exchange: nothing, as both phones say.
    let devices: Vec<shared::api::DeviceInfo> = reqwest::Client::new()
        .get(format!("{}/api/devices", server.url))
        .bearer_auth(&office.token)
        .send()
        .await
        .expect("devices")
        .json()
        .await
        .expect("json");
    let phones: Vec<_> = devices
        .iter()
        .filter(|d| [alice.agent.0, bilal.agent.0].contains(&d.device_id.0))
        .collect();
    assert_eq!(phones.len(), 2);
    for listed in phones {
        assert_eq!(
            listed.unsynced,
            Some(0),
            "{} still shows records unsent",
            listed.name
        );
    }

    for device in [&alice, &bilal] {
        let visits = device.visits(campaign, building);
        let mut ids: Vec<_> = visits.values().map(|v| v.id).collect();
        ids.sort();
        let mut expected = recorded.clone();
        expected.sort();
        assert_eq!(ids, expected, "every visit, once, on every device");
        assert_eq!(
            device.store.unsynced_count().expect("count"),
            0,
            "all confirmed"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_idea_edited_on_two_phones_keeps_both_edits() {
    let server = TestServer::start().await;
    let office = server.municipality("Grenoble").await;
    let mut first = Device::enrol(&server, &office, Role::YouthAmbassador).await;
    let mut second = Device::enrol(&server, &office, Role::YouthAmbassador).await;
    let original = idea(CampaignId::new(), "Un skatepark", first.agent);
    let doc_id = DocId::idea(original.id);
    first.put(&original);
    first.sync().await;
    second.sync().await;
    assert_eq!(second.get::<Idea>(&doc_id), Some(original.clone()));

    let mut titled = original.clone();
    titled.title = "Un skatepark couvert".into();
    first.put(&titled);
    let mut costed = second.get::<Idea>(&doc_id).expect("idea");
    costed.cost_band = Some(CostBand::From50kTo150k);
    second.put(&costed);

    first.sync().await;
    second.sync().await;
    first.sync().await;

    for device in [&first, &second] {
        let merged = device.get::<Idea>(&doc_id).expect("idea");
        assert_eq!(merged.title, "Un skatepark couvert");
        assert_eq!(merged.cost_band, Some(CostBand::From50kTo150k));
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_with_nothing_new_is_one_small_round_trip() {
    let server = TestServer::start().await;
    let office = server.municipality("Cachan").await;
    let mut device = Device::enrol(&server, &office, Role::Agent).await;
    let campaign = CampaignId::new();
    for b in 0..50 {
        device.visit(
            campaign,
            BuildingId::new(),
            &format!("{b}"),
            Outcome::NotHome,
        );
    }
    device.sync().await;
    let (report, traffic) = app::sync::sync(&mut device.store, &device.server, &mut |_| {})
        .await
        .expect("sync");
    assert_eq!(report.rounds, 1);
    assert!(traffic.sent + traffic.received < 64, "{traffic:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrected_conversation_reaches_the_office_and_a_colleague_cannot_correct_it() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let mut alice = Device::enrol(&server, &office, Role::Agent).await;
    let mut bilal = Device::enrol(&server, &office, Role::Agent).await;
    let campaign = CampaignId::new();
    let building = BuildingId::new();
    let talked = alice.visit(campaign, building, "12", Outcome::Talked);
    alice.sync().await;
    bilal.sync().await;

    let correction = |verbatim: &str| app::field::Correction {
        answers: Default::default(),
        topics: vec!["ascenseurs".into()],
        verbatim: verbatim.into(),
        profile: ResidentProfile::default(),
    };
    app::field::correct_talk(
        &mut alice.store,
        campaign,
        building,
        talked.id,
        correction("L'ascenseur est en panne"),
        alice.agent,
    )
    .expect("correct");
    let report = alice.sync().await;
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let log = server
        .load(office.id, &DocId::visits(campaign, building))
        .expect("stored");
    let on_server = shared::schema::visits(&log).expect("visits");
    let stored = &on_server[&talked.id.to_string()];
    assert_eq!(stored.verbatim, "L'ascenseur est en panne");
    assert_eq!((stored.at, stored.agent), (talked.at, alice.agent));

    // A colleague's phone refuses it, and a forged change is refused by
    // the server: the record stays Alice's.
    bilal.sync().await;
    assert!(matches!(
        app::field::correct_talk(
            &mut bilal.store,
            campaign,
            building,
            talked.id,
            correction("Réécrit par un autre"),
            bilal.agent,
        ),
        Err(app::field::FieldError::NotYours)
    ));
    let mut forged = bilal.visits(campaign, building)[&talked.id.to_string()].clone();
    forged.verbatim = "Réécrit par un autre".into();
    bilal.record(&forged);
    let report = bilal.sync().await;
    assert!(
        !report.refused.is_empty(),
        "a colleague's correction is refused"
    );
    let log = server
        .load(office.id, &DocId::visits(campaign, building))
        .expect("stored");
    let on_server = shared::schema::visits(&log).expect("visits");
    assert_eq!(
        on_server[&talked.id.to_string()].verbatim,
        "L'ascenseur est en panne"
    );
}
