//! A resident's erasure request removes their data from the server and from
//! every device at its next sync: gone from the database files, not hidden.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use tests::samples;
use tests::{Device, OfficePages, TestServer, contains, database_bytes, held_bytes, person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_person_leaves_no_byte_on_the_server_or_the_devices() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let mut recorder = Device::enrol(&server, &office, Role::Agent).await;
    let mut colleague = Device::enrol(&server, &office, Role::Coordinator).await;
    // A coordinator's phone: it holds every person (an agent's holds only
    // those it recorded).
    let mut offline = Device::enrol(&server, &office, Role::Coordinator).await;
    let marker = "MARQUEUR-Zoe-Kowalczyk-0612345678";
    let mut volunteer = person(marker, recorder.agent);
    volunteer.email = Some("zoe@example.org".into());
    recorder.put(&volunteer);
    // A visit refers to the person by id only, and must survive the erasure.
    let campaign = CampaignId::new();
    let building = BuildingId::new();
    let mut visit = recorder.visit(campaign, building, "12", Outcome::Talked);
    visit.person = Some(volunteer.id);
    recorder.sync().await;
    colleague.sync().await;
    // Edit it again so the person's bytes sit in several rows and pages.
    volunteer.phone = Some(format!("{marker}-bis"));
    recorder.put(&volunteer);
    recorder.sync().await;
    colleague.sync().await;
    offline.sync().await;

    let server_store = server.store_path(office.id);
    let needle = marker.as_bytes();
    // The test means something only if the bytes were there to begin with.
    assert!(contains(&database_bytes(&server_store), needle));
    assert!(contains(&database_bytes(&recorder.path), needle));
    assert!(contains(&database_bytes(&colleague.path), needle));

    let response = reqwest::Client::new()
        .post(format!("{}/api/persons/{}/erase", server.url, volunteer.id))
        .bearer_auth(&office.token)
        .send()
        .await
        .expect("erase");
    assert_eq!(response.status().as_u16(), 204);
    assert!(
        !contains(&database_bytes(&server_store), needle),
        "still on the server"
    );

    let report = recorder.sync().await;
    assert_eq!(report.erased, 1);
    colleague.sync().await;
    for device in [&recorder, &colleague] {
        assert!(device.get::<Person>(&DocId::person(volunteer.id)).is_none());
        assert!(
            !contains(&database_bytes(&device.path), needle),
            "still on a device"
        );
        assert_eq!(
            device.visits(campaign, building).len(),
            1,
            "the visit itself stays"
        );
    }

    // A device that was offline during the erasure and edits the person
    // cannot bring the data back: its next sync erases its copy instead.
    let mut stale = offline
        .get::<Person>(&DocId::person(volunteer.id))
        .expect("held offline");
    stale.display_name = format!("{marker}-ter");
    offline.put(&stale);
    let report = offline.sync().await;
    assert_eq!(report.erased, 1);
    assert!(
        offline
            .get::<Person>(&DocId::person(volunteer.id))
            .is_none()
    );
    assert!(
        !contains(&database_bytes(&offline.path), needle),
        "still on the late device"
    );
    assert!(
        !contains(&database_bytes(&server_store), needle),
        "brought back to the server"
    );
    server.stop().await;
}

/// A reader holding the write-ahead log during an erasure keeps its old
/// pages from being overwritten: the deletion commits, the office is told
/// it failed, and asking again, once the reader is gone, finishes it (it
/// answered "not found" before, and the copy in the WAL stayed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_a_reader_held_up_is_finished_by_asking_again() {
    let server = TestServer::start().await;
    let office = server.municipality("Ivry").await;
    let mut recorder = Device::enrol(&server, &office, Role::Agent).await;
    let marker = "MARQUEUR-WAL-Ines-Benali-0698765432";
    let volunteer = person(marker, recorder.agent);
    recorder.put(&volunteer);
    recorder.sync().await;
    let server_store = server.store_path(office.id);
    let needle = marker.as_bytes();
    assert!(contains(&database_bytes(&server_store), needle));

    // A reader in the middle of a read transaction, as the projector is
    // while it reads a batch.
    let reader = rusqlite::Connection::open(&server_store).expect("reader");
    reader.execute_batch("BEGIN").expect("begin");
    let _: i64 = reader
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .expect("read");
    let pages = OfficePages::new(&server, &office);
    let path = "/office/residents/erase/confirm";
    let id = volunteer.id.0.to_string();
    let held_up = pages.post(path, &[("person", &id)]).await;
    assert_eq!(held_up.status, 500, "the office is told it did not finish");
    reader.execute_batch("COMMIT").expect("end the read");
    drop(reader);

    let again = pages.post(path, &[("person", &id)]).await;
    assert_eq!(again.status, 303, "asking again finishes it");
    assert_eq!(
        again.location.as_deref(),
        Some("/office/residents?erased=0.0.0.0"),
        "erased once"
    );
    assert!(
        !contains(&database_bytes(&server_store), needle),
        "still in the server's files"
    );
    // Once finished, asking again erases nothing more; nor does an
    // unknown person.
    let done = pages.post(path, &[("person", &id)]).await;
    assert_eq!(
        done.location.as_deref(),
        Some("/office/residents?erased=0.0.0.0")
    );
    let unknown = PersonId::new().0.to_string();
    let nobody = pages.post(path, &[("person", &unknown)]).await;
    assert_eq!(
        nobody.location.as_deref(),
        Some("/office/residents?erased=0.0.0.0")
    );
    server.stop().await;
}

/// A free-text question, so a resident's answer can carry the marker.
fn asking_why() -> Questionnaire {
    Questionnaire {
        version: 1,
        questions: vec![Question {
            id: "q1".into(),
            kind: QuestionKind::FreeText,
            label: Translations::from([("fr".to_string(), "Qu'en pensez-vous ?".to_string())]),
            option_labels: Default::default(),
            required: false,
            show_if: None,
        }],
    }
}

/// The whole promise of «Privacy I» for a resident who talked and
/// volunteered: found at the office by their name, erased in one action
/// that lists what goes; then their name, words, free-text answer and
/// topic are in none of the server's files (store, read model), none of
/// the phones' files, decoded history included; their visit still counts
/// (door, date, outcome). A phone offline across the erasure keeps the
/// visit it recorded meanwhile in the same building, and its edit of the
/// resident's words does not bring them back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_residents_words_leave_every_replica_and_an_offline_phone_keeps_its_new_visit() {
    let server = TestServer::start().await;
    let office = server.municipality("Stains").await;
    let place = samples::building(3);
    server.put(office.id, &place);
    let mut campaign = Campaign::new("Propreté".into(), CampaignKind::DoorToDoor, 0, 1);
    campaign.questionnaire = asking_why();
    campaign.services = vec![samples::SERVICE.into()];
    server.put(office.id, &campaign);
    let code = office.code_for(Role::Agent, true).await;
    let mut recorder = Device::enrol_with_code(&server, &code).await;
    let code = office.code_for(Role::Agent, true).await;
    let mut offline = Device::enrol_with_code(&server, &code).await;

    let marker = "CANARI-Yasmine-Haddad";
    let volunteer = person(&format!("{marker} (nom)"), recorder.agent);
    recorder.put(&volunteer);
    let mut said = samples::visit(campaign.id, place.id, recorder.agent, "12");
    said.verbatim = format!("{marker} se plaint des encombrants");
    said.topics = vec![format!("{marker} sujet")];
    said.questionnaire_version = Some(1);
    said.answers
        .insert("q1".into(), Answer::Text(format!("{marker} répond")));
    said.profile.age_band = Some("25-64".into());
    said.person = Some(volunteer.id);
    let mut leak = samples::follow_up(campaign.id, recorder.agent);
    leak.description = format!("Fuite d'eau chez {marker}");
    leak.building = Some(place.id);
    recorder.put(&leak);
    said.follow_up = Some(leak.id);
    recorder.record(&said);
    let neighbour = samples::visit(campaign.id, place.id, recorder.agent, "14");
    recorder.record(&neighbour);
    recorder.sync().await;
    offline.sync().await;
    assert!(
        offline
            .visits(campaign.id, place.id)
            .contains_key(&said.id.to_string())
    );

    let needle = marker.as_bytes();
    let store_path = server.store_path(office.id);
    let model_path = sync_server::readmodel::path_beside(&store_path);
    let pages = OfficePages::new(&server, &office);
    // Found by name (the read model catches up on the way).
    let found = pages.post("/office/residents", &[("words", marker)]).await;
    assert!(found.body.contains("name=\"person\""), "{}", found.body);
    // The test means something only if the marker was everywhere first.
    for (what, path) in [
        ("server store", &store_path),
        ("read model", &model_path),
        ("recording phone", &recorder.path),
        ("offline phone", &offline.path),
    ] {
        assert!(
            contains(&held_bytes(path), needle),
            "not in the {what} first"
        );
    }

    // Offline across the erasure: a new visit with words in the same
    // building; the recorder rewrites the resident's words.
    let mut later = samples::visit(campaign.id, place.id, offline.agent, "16");
    later.verbatim = "Rien à signaler au 16".into();
    offline.record(&later);
    let mut again = said.clone();
    again.verbatim = format!("{marker} rappelle");
    recorder.record(&again);

    // The plan names what goes before anything is done: the volunteer,
    // and the visit that signed them up, found by their link alone.
    let person_id = volunteer.id.0.to_string();
    let plan = pages
        .post("/office/residents/erase", &[("person", &person_id)])
        .await;
    assert_eq!(plan.status, 200);
    assert!(plan.body.contains(&format!("{marker} (nom)")));
    assert!(plan.body.contains(&said.id.to_string()), "the linked visit");
    assert!(
        plan.body.contains("Fuite d'eau chez"),
        "the follow-up it raised"
    );
    assert!(
        contains(&held_bytes(&store_path), needle),
        "nothing done yet"
    );
    let done = pages
        .post(
            "/office/residents/erase/confirm",
            &[("person", &person_id), ("visit", &said.id.to_string())],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let told = pages.get(&done.location.clone().expect("redirect")).await;
    assert!(told.body.contains(": 1"), "counts said: {}", told.body);
    // The office reads the read model again, which projects the erasure.
    let by_door = pages
        .post(
            "/office/residents",
            &[("address", &place.address), ("door", "12")],
        )
        .await;
    assert!(
        by_door.body.contains(&said.id.to_string()),
        "the visit stays"
    );
    assert!(!by_door.body.contains(marker));
    assert!(!contains(&held_bytes(&store_path), needle), "server store");
    assert!(!contains(&held_bytes(&model_path), needle), "read model");

    recorder.sync().await;
    let report = offline.sync().await;
    assert_eq!(
        report.carried, 1,
        "the offline phone carried its visit over"
    );
    recorder.sync().await;
    for (what, device) in [("recording", &recorder), ("offline", &offline)] {
        assert!(!contains(&held_bytes(&device.path), needle), "{what} phone");
        let visits = device.visits(campaign.id, place.id);
        let kept = &visits[&said.id.to_string()];
        assert!(kept.words_erased && !kept.has_words(), "{what}: {kept:?}");
        assert_eq!(kept.outcome, Outcome::Talked, "{what}: the outcome counts");
        assert!(visits.contains_key(&neighbour.id.to_string()), "{what}");
        assert_eq!(
            visits[&later.id.to_string()].verbatim,
            later.verbatim,
            "{what}"
        );
        assert!(device.get::<Person>(&DocId::person(volunteer.id)).is_none());
        let current = device
            .store
            .current(&DocId::follow_up(leak.id))
            .expect("current");
        let kept: FollowUp = device.get(&current).expect("the follow-up stays");
        assert_eq!(
            (kept.service.as_str(), kept.description.as_str()),
            (leak.service.as_str(), "")
        );
    }
    assert!(!contains(&held_bytes(&store_path), needle), "brought back");
    let control = server.data_path().join("control.sqlite");
    assert!(!contains(&database_bytes(&control), needle), "control data");
    let by_door = pages
        .post(
            "/office/residents",
            &[("address", &place.address), ("door", "16")],
        )
        .await;
    assert!(
        by_door.body.contains("Rien à signaler au 16"),
        "the new visit reached the office"
    );
    assert!(
        !contains(&held_bytes(&model_path), needle),
        "read model after"
    );
    server.stop().await;
}
