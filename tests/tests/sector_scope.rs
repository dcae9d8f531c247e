//! A field phone assigned to sectors receives those sectors' buildings and
//! their visit logs, not the whole town; a sector assigned later brings its
//! buildings at the next sync, though they did not change; a phone with no
//! sector yet receives everything.

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
