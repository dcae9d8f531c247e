//! A field phone assigned to sectors receives those sectors' buildings and
//! their visit logs, not the whole town; a sector assigned later brings its
//! buildings at the next sync, though they did not change; a phone with no
//! sector receives no building, unless the office gave it the whole town.

use shared::api::Role;
use shared::domain::*;
use shared::schema::{DocId, DocKind};
use shared::sync::Records;
use tests::samples::{building, sector};
use tests::{Device, TestServer};

fn held(device: &Device) -> Vec<BuildingId> {
    let buildings: Vec<Building> = device.store.records(DocKind::Building).expect("buildings");
    let mut ids: Vec<_> = buildings.into_iter().map(|b| b.id).collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<BuildingId>) -> Vec<BuildingId> {
    ids.sort();
    ids
}

#[tokio::test]
async fn a_phone_receives_its_sectors_buildings_and_a_new_sector_at_the_next_sync() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let buildings: Vec<Building> = (0..10).map(building).collect();
    for b in &buildings {
        server.put(office.id, b);
    }
    let campaign = Campaign::new("Porte-à-porte".into(), CampaignKind::DoorToDoor, 0, 0);
    server.put(office.id, &campaign);
    let mut samia = Device::enrol(&server, &office, Role::Agent).await;
    let mut karim = Device::enrol(&server, &office, Role::Agent).await;
    let ids = |range: std::ops::Range<usize>| -> Vec<BuildingId> {
        buildings[range].iter().map(|b| b.id).collect()
    };
    server.put(
        office.id,
        &sector(campaign.id, "Nord", ids(0..4), samia.agent),
    );

    samia.sync().await;
    karim.sync().await;
    assert_eq!(held(&samia), sorted(ids(0..4)));
    assert_eq!(held(&karim).len(), 10, "no sector yet: the whole town");

    // Karim knocks in and out of Samia's sector: she gets only her log.
    let door = |b: &Building| b.dwellings().next().expect("door");
    karim.visit_door(
        campaign.id,
        buildings[1].id,
        door(&buildings[1]),
        Outcome::NotHome,
    );
    karim.visit_door(
        campaign.id,
        buildings[7].id,
        door(&buildings[7]),
        Outcome::NotHome,
    );
    karim.sync().await;
    samia.sync().await;
    assert_eq!(samia.visits(campaign.id, buildings[1].id).len(), 1);
    assert!(
        samia
            .store
            .load(&DocId::visits(campaign.id, buildings[7].id))
            .expect("load")
            .is_none()
    );

    // A second sector, of buildings untouched since Samia's last sync.
    server.put(
        office.id,
        &sector(campaign.id, "Sud", ids(6..8), samia.agent),
    );
    samia.sync().await;
    let mut expected = ids(0..4);
    expected.extend(ids(6..8));
    assert_eq!(held(&samia), sorted(expected));
    assert_eq!(samia.visits(campaign.id, buildings[7].id).len(), 1);

    // Nothing new: nothing received.
    let again = samia.sync().await;
    assert_eq!(again.received, 0);
    assert_eq!(again.rounds, 1);
    server.stop().await;
}

#[tokio::test]
async fn a_phone_no_sector_names_receives_no_building_until_the_office_gives_it_the_whole_town() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let buildings: Vec<Building> = (0..3).map(building).collect();
    for b in &buildings {
        server.put(office.id, b);
    }
    let campaign = Campaign::new("Porte-à-porte".into(), CampaignKind::DoorToDoor, 0, 0);
    server.put(office.id, &campaign);
    // Another team's door history.
    let mut other_team = Device::enrol(&server, &office, Role::Agent).await;
    let door = buildings[0].dwellings().next().expect("door");
    other_team.visit_door(campaign.id, buildings[0].id, door.clone(), Outcome::NotHome);
    other_team.sync().await;

    // The office's default code: nothing before a sector.
    let code = office.code_for(Role::Agent, false).await;
    let mut newcomer = Device::enrol_with_code(&server, &code).await;
    newcomer.sync().await;
    assert!(held(&newcomer).is_empty(), "buildings before any sector");
    assert!(
        newcomer
            .store
            .load(&DocId::visits(campaign.id, buildings[0].id))
            .expect("load")
            .is_none(),
        "another team's door history"
    );
    assert!(
        newcomer
            .store
            .load(&DocId::campaign(campaign.id))
            .expect("load")
            .is_some(),
        "campaigns still come"
    );
    // A knock it records anyway is deposited, as for a building taken
    // off its sector (no visit is lost), and brings nothing back.
    let elsewhere = buildings[0].dwellings().next().expect("door");
    newcomer.visit_door(campaign.id, buildings[0].id, elsewhere, Outcome::Refused);
    let report = newcomer.sync().await;
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert!(held(&newcomer).is_empty());
    assert_eq!(
        newcomer.visits(campaign.id, buildings[0].id).len(),
        1,
        "its own knock only, not the other team's"
    );

    // The coordinator gives it the whole town on the devices page.
    let pages = tests::OfficePages::new(&server, &office);
    let device = newcomer.agent.0;
    let listed = pages.get("/office/devices").await;
    assert!(
        listed
            .body
            .contains("Ceux de ses secteurs (aucun sans secteur)")
    );
    let given = pages
        .post(
            &format!("/office/devices/{device}/zone"),
            &[("whole_town", "1")],
        )
        .await;
    assert_eq!(given.status, 303);
    newcomer.sync().await;
    assert_eq!(held(&newcomer).len(), 3, "the whole town, at the next sync");
    assert_eq!(
        newcomer.visits(campaign.id, buildings[0].id).len(),
        2,
        "the door's history, the other team's knock included"
    );

    // Another municipality's coordinator cannot change it.
    let elsewhere = server.municipality("Grenoble").await;
    let theirs = tests::OfficePages::new(&server, &elsewhere);
    let refused = theirs
        .post(
            &format!("/office/devices/{device}/zone"),
            &[("whole_town", "0")],
        )
        .await;
    assert_eq!(refused.status, 404);
}

#[tokio::test]
async fn the_whole_town_given_reaches_a_phone_over_several_pages_and_the_offer_ends() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    // More buildings than one answer holds (400 documents a page).
    let buildings: Vec<Building> = (0..450)
        .map(|n| building(n as u8))
        .map(|mut b| {
            b.id = BuildingId::new();
            b.key = format!("{}-{}", b.key, b.id);
            b
        })
        .collect();
    for b in &buildings {
        server.put(office.id, b);
    }
    let code = office.code_for(Role::Agent, false).await;
    let mut phone = Device::enrol_with_code(&server, &code).await;
    phone.sync().await;
    assert!(held(&phone).is_empty());
    let pages = tests::OfficePages::new(&server, &office);
    pages
        .post(
            &format!("/office/devices/{}/zone", phone.agent.0),
            &[("whole_town", "1")],
        )
        .await;
    phone.sync().await;
    assert_eq!(held(&phone).len(), 450, "every page of the town");
    let token = phone.token();
    let rescanning = |server: &TestServer| {
        server
            .state
            .control
            .device(&token)
            .expect("read")
            .expect("device")
            .rescan
    };
    // The offer ends once an exchange has nothing left to send.
    phone.sync().await;
    assert!(!rescanning(&server), "the offer of the whole town is over");
}
