//! What the validator and the policy cost a sync: a phone assigned a
//! 30-building sector records a day (300 visits), syncs it, then syncs
//! with nothing new; both timed over several days in one process, against
//! the real server on loopback. The same file builds against the commit
//! before the checks, so the two can be run in turn and compared as ratios
//! (BENCHMARKS.md, "Trust no device").
//!
//! Run with `cargo bench -p tests --bench sync_checks`.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use std::time::{Duration, Instant};
use tests::{Device, TestServer};

const BUILDINGS: usize = 2_000;
const DAYS: usize = 7;
const NO_CHANGE: usize = 40;

fn building(i: usize) -> Building {
    Building {
        entrances: vec![shared::samples::entrance(
            "A",
            true,
            shared::samples::storeys(5, 4),
        )],
        ..tests::samples::estate_address(i)
    }
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let server = TestServer::start().await;
    let office = server.municipality("Bench").await;
    let buildings: Vec<Building> = (0..BUILDINGS).map(building).collect();
    server.put_all(office.id, &buildings);
    let campaign = Campaign::new("Porte-à-porte".into(), CampaignKind::DoorToDoor, 0, 0);
    server.put_all(office.id, std::slice::from_ref(&campaign));
    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    let day: Vec<BuildingId> = buildings
        .iter()
        .step_by(61)
        .take(30)
        .map(|b| b.id)
        .collect();
    let sector = Sector {
        id: SectorId::new(),
        campaign: campaign.id,
        name: "Bench".into(),
        buildings: day.clone(),
        agents: vec![phone.agent],
    };
    server.put_all(office.id, &[sector]);
    phone.sync().await;

    let (mut days, mut idle) = (Vec::new(), Vec::new());
    let mut n = 0;
    for _ in 0..DAYS {
        for _ in 0..300 {
            let building = day[n % day.len()];
            let door = DwellingRef {
                entrance: "A".into(),
                floor: (n % 5) as i32,
                door: format!("{}{:02}", n % 5, n % 4 + 1),
            };
            phone.visit_door(campaign.id, building, door, Outcome::NotHome);
            n += 1;
        }
        let start = Instant::now();
        phone.sync().await;
        days.push(start.elapsed());
        for _ in 0..NO_CHANGE {
            let start = Instant::now();
            phone.sync().await;
            idle.push(start.elapsed());
        }
    }
    assert_eq!(phone.store.unsynced_count().expect("count"), 0);
    let logs = DocId::visits(campaign.id, day[0]);
    assert!(phone.store.load(&logs).expect("load").is_some());
    println!("day_sync_ms {:.2}", median(days));
    println!("no_change_sync_ms {:.3}", median(idle));
    server.stop().await;
}
