//! The right of access and the right to rectification at the office:
//! everything held about one volunteer (record, consents, the visits that
//! name them, the follow-ups those raised, the draws whose pool held
//! them), as a page and a JSON file, and nothing about a second resident
//! of the same building; a correction made at the office reaches the
//! phone that recorded them.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use tests::{Device, OfficePages, TestServer, samples};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_shows_one_person_alone_and_a_correction_reaches_the_phone() {
    let server = TestServer::start().await;
    let office = server.municipality("Stains").await;
    let place = samples::building(7);
    server.put(office.id, &place);
    let mut campaign = Campaign::new("Cadre de vie".into(), CampaignKind::DoorToDoor, 0, 1);
    campaign.services = vec![samples::SERVICE.into()];
    server.put(office.id, &campaign);
    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    phone.sync().await;

    // Two residents of the same building, each signed up at their door,
    // each with a problem handed to a service.
    let mut ids = Vec::new();
    for (door, name) in [("1", "Awa Koné"), ("2", "Binta Sow")] {
        let person = tests::person(name, phone.agent);
        phone.put(&person);
        let mut problem = samples::follow_up(campaign.id, phone.agent);
        problem.building = Some(place.id);
        problem.description = format!("SIGNAL-{door}");
        phone.put(&problem);
        let mut talk = samples::visit(campaign.id, place.id, phone.agent, door);
        talk.verbatim = format!("MOTS-{door}");
        talk.person = Some(person.id);
        talk.follow_up = Some(problem.id);
        phone.record(&talk);
        ids.push(person.id);
    }
    let report = phone.sync().await;
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let (awa, binta) = (ids[0], ids[1]);
    // A draw whose pool held both; Awa was drawn.
    let control = server.state.control.clone();
    let members = serde_json::json!({ "p1": awa.0.to_string(), "p2": binta.0.to_string() });
    tests::blocking(|| {
        control
            .put_draw(
                office.id,
                1_750_000_000_000,
                &serde_json::json!({ "panel": ["p1"] }).to_string(),
                &members.to_string(),
            )
            .expect("draw")
    });

    let pages = OfficePages::new(&server, &office);
    let page = pages
        .get(&format!("/office/residents/{}/access", awa.0))
        .await;
    assert_eq!(page.status, 200);
    for held in [
        "Awa Koné",
        "MOTS-1",
        "SIGNAL-1",
        "tirée au sort",
        "06 12 34 56 78",
    ] {
        assert!(page.body.contains(held), "{held}");
    }
    for other in ["Binta", "MOTS-2", "SIGNAL-2"] {
        assert!(!page.body.contains(other), "about someone else: {other}");
    }
    let file = pages
        .get(&format!("/office/residents/{}/access.json", awa.0))
        .await;
    assert_eq!(file.status, 200);
    let json: serde_json::Value = serde_json::from_str(&file.body).expect("json");
    assert_eq!(json["person"]["name"], "Awa Koné");
    assert_eq!(json["person"]["consents"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["visits"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["visits"][0]["verbatim"], "MOTS-1");
    assert_eq!(json["follow_ups"][0]["description"], "SIGNAL-1");
    assert_eq!(json["draws"][0]["drawn"], true);
    assert!(!file.body.contains("Binta") && !file.body.contains("MOTS-2"));
    // Unknown, or another municipality's: not found.
    assert_eq!(
        pages
            .get(&format!(
                "/office/residents/{}/access",
                uuid::Uuid::new_v4()
            ))
            .await
            .status,
        404
    );

    // Corrected at the office: refused without a name; else on the phone
    // at its next sync, consents untouched.
    let path = format!("/office/residents/{}/rectify", awa.0);
    let refused = pages
        .post(
            &path,
            &[("display_name", " "), ("phone", ""), ("email", "")],
        )
        .await;
    assert_eq!(refused.status, 422);
    let done = pages
        .post(
            &path,
            &[
                ("display_name", "Awa Koné"),
                ("phone", "07 99 88 77 66"),
                ("email", "awa@example.org"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    phone.sync().await;
    let on_phone: Person = phone.get(&DocId::person(awa)).expect("held");
    assert_eq!(on_phone.phone.as_deref(), Some("07 99 88 77 66"));
    assert_eq!(on_phone.email.as_deref(), Some("awa@example.org"));
    assert_eq!(on_phone.consents.len(), 1);

    // The journal says who opened and corrected, never whom.
    let journal = pages.get("/office/privacy/journal").await;
    assert!(journal.body.contains("droit d'accès") && journal.body.contains("A corrigé"));
    assert!(!journal.body.contains("Awa") && !journal.body.contains(&awa.0.to_string()));
    server.stop().await;
}
