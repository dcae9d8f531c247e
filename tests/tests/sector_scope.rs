//! A field phone assigned to sectors receives those sectors' buildings and
//! their visit logs, not the whole town; a sector assigned later brings its
//! buildings at the next sync, though they did not change; a phone with no
//! sector yet receives everything.

use shared::api::Role;
use shared::domain::*;
use shared::schema::{self, DocId, DocKind, SingleRecord};
use shared::store::Origin;
use tests::{Device, TestServer};

fn building(n: u8) -> Building {
    Building {
        id: BuildingId::new(),
        key: format!("B{n}"),
        address: format!("{n} rue de l'Essai"),
        estate: None,
        location: Point {
            lon: 2.36,
            lat: 48.79,
        },
        neighbourhood: None,
        entrances: vec![Entrance {
            label: "A".into(),
            has_door_code: false,
            floors: vec![Floor {
                level: 0,
                doors: vec!["1".into(), "2".into()],
            }],
        }],
    }
}

fn put<T: SingleRecord>(server: &TestServer, municipality: MunicipalityId, record: &T) {
    let store = server.state.tenants.store(municipality).expect("store");
    let mut store = store.lock().expect("lock");
    let id = record.doc_id();
    let mut doc = store.load(&id).expect("load").unwrap_or_default();
    schema::write(&mut doc, record).expect("write");
    store.save(&id, &doc, Origin::Remote).expect("save");
}

fn sector(campaign: CampaignId, name: &str, buildings: Vec<BuildingId>, agent: AgentId) -> Sector {
    Sector {
        id: SectorId::new(),
        campaign,
        name: name.into(),
        buildings,
        agents: vec![agent],
    }
}

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
        put(&server, office.id, b);
    }
    let campaign = Campaign::new("Porte-à-porte".into(), CampaignKind::DoorToDoor, 0, 0);
    put(&server, office.id, &campaign);
    let mut samia = Device::enrol(&server, &office, Role::Agent).await;
    let mut karim = Device::enrol(&server, &office, Role::Agent).await;
    let ids = |range: std::ops::Range<usize>| -> Vec<BuildingId> {
        buildings[range].iter().map(|b| b.id).collect()
    };
    put(
        &server,
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
    put(
        &server,
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
