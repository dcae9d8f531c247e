//! «Trouver un habitant»: a coordinator finds what Palier holds about one
//! resident, by words or by door, through the real office pages; nobody
//! else may search.

use shared::api::Role;
use shared::domain::*;
use tests::samples::{self, building, visit};
use tests::{Device, OfficePages, TestServer, person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_finds_a_resident_by_words_or_by_door_and_nobody_else_may() {
    let server = TestServer::start().await;
    let office = server.municipality("Bobigny").await;
    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    let campaign = Campaign::new("Recherche".into(), CampaignKind::DoorToDoor, 0, 1);
    let place = building(7);
    let other = building(8);
    server.put(office.id, &campaign);
    server.put(office.id, &place);
    server.put(office.id, &other);
    // A volunteer, a conversation at their door naming them, a knock at a
    // neighbour's, and a follow-up about their building.
    let volunteer = person("Awa Diallo", phone.agent);
    phone.put(&volunteer);
    let mut said = visit(campaign.id, place.id, phone.agent, "12");
    said.verbatim = "Mme Diallo se plaint du bruit la nuit".into();
    phone.record(&said);
    let neighbour = visit(campaign.id, place.id, phone.agent, "14");
    phone.record(&neighbour);
    let elsewhere = visit(campaign.id, other.id, phone.agent, "12");
    phone.record(&elsewhere);
    phone.sync().await;
    let mut leak = samples::follow_up(campaign.id, phone.agent);
    leak.description = "Fuite d'eau chez Mme Diallo".into();
    leak.building = Some(place.id);
    server.put(office.id, &leak);

    let pages = OfficePages::new(&server, &office);
    let form = pages.get("/office/residents").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"words\""));

    // By a name, case aside: the volunteer, the words, the follow-up.
    let found = pages
        .post("/office/residents", &[("words", "diallo")])
        .await;
    assert_eq!(found.status, 200);
    assert!(found.body.contains("Awa Diallo"), "the volunteer");
    assert!(found.body.contains("se plaint du bruit"), "their words");
    assert!(found.body.contains("Fuite d'eau"), "the follow-up");
    assert!(
        !found.body.contains(&neighbour.verbatim),
        "not the neighbour"
    );
    // By a phone number typed another way.
    let found = pages
        .post("/office/residents", &[("words", "0612345678")])
        .await;
    assert!(found.body.contains("Awa Diallo"));
    // By door: that door's visits at that address, not the neighbour's,
    // not the same door number elsewhere.
    let found = pages
        .post(
            "/office/residents",
            &[("address", "7 rue de l'essai"), ("door", "12")],
        )
        .await;
    assert_eq!(found.status, 200);
    assert!(found.body.contains("se plaint du bruit"));
    assert!(!found.body.contains(&neighbour.verbatim));
    assert!(!found.body.contains(&elsewhere.verbatim));
    // Too little to search: said, nothing listed.
    let short = pages.post("/office/residents", &[("words", "di")]).await;
    assert_eq!(short.status, 200);
    assert!(!short.body.contains("Awa Diallo"));

    // An elected official may neither open nor post it.
    let elected = server
        .account(&office, "elu@recherche.test", Role::ElectedOfficial)
        .await;
    let elected = OfficePages::new(&server, &elected);
    assert_eq!(elected.get("/office/residents").await.status, 403);
    let tried = elected
        .post("/office/residents", &[("words", "diallo")])
        .await;
    assert_eq!(tried.status, 403);
    assert!(!tried.body.contains("Awa Diallo"));
    // Another municipality's coordinator finds nothing of this one.
    let stranger = server.municipality("Pantin").await;
    let stranger = OfficePages::new(&server, &stranger);
    let found = stranger
        .post("/office/residents", &[("words", "diallo")])
        .await;
    assert_eq!(found.status, 200);
    assert!(!found.body.contains("Awa Diallo") && !found.body.contains("bruit"));
    server.stop().await;
}
