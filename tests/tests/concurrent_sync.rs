//! Many phones syncing the same stairwells at the same moment, through the
//! real server: no request holds a lock, so their writes race, and the
//! store commits a request only over the documents it read (else works it
//! out again). What a field team would notice if that were wrong: a visit
//! lost, one counted twice, a sync that fails.

use shared::api::Role;
use shared::domain::*;
use std::collections::BTreeSet;
use tests::{Device, TestServer};

const PHONES: usize = 8;
const BUILDINGS: usize = 3;
const DOORS: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_writing_the_same_buildings_at_once_keep_every_visit() {
    let server = TestServer::start().await;
    let office = server.municipality("Saint-Denis").await;
    let campaign = CampaignId::new();
    let buildings: Vec<BuildingId> = (0..BUILDINGS).map(|_| BuildingId::new()).collect();
    let mut phones = Vec::new();
    let mut recorded = BTreeSet::new();
    for p in 0..PHONES {
        let mut phone = Device::enrol(&server, &office, Role::Agent).await;
        // Every phone works every building of the estate, offline.
        for building in &buildings {
            for door in 0..DOORS {
                let visit =
                    phone.visit(campaign, *building, &format!("{p}{door}"), Outcome::NotHome);
                recorded.insert(visit.id);
            }
        }
        phones.push(phone);
    }

    // All sync at the same moment, each phone on a thread of its own.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(PHONES));
    let handles: Vec<_> = phones
        .into_iter()
        .map(|mut phone| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                barrier.wait();
                let result = runtime.block_on(app::sync::sync(
                    &mut phone.store,
                    &phone.server,
                    &mut |_| {},
                ));
                (phone, result.map(|(report, _)| report))
            })
        })
        .collect();
    let mut phones = Vec::new();
    for handle in handles {
        let (phone, result) = handle.join().expect("phone thread");
        let report = result.expect("every sync succeeds");
        assert!(report.refused.is_empty(), "{:?}", report.refused);
        phones.push(phone);
    }

    // The server took every visit, and every phone's edits are confirmed.
    let mut on_server = BTreeSet::new();
    for building in &buildings {
        let doc_id = shared::schema::DocId::visits(campaign, *building);
        if let Some(doc) = server.load(office.id, &doc_id) {
            let visits = shared::schema::visits(&doc).expect("visits");
            on_server.extend(visits.values().map(|v| v.id));
        }
    }
    assert_eq!(on_server, recorded, "the server lost a visit");
    for phone in &phones {
        assert_eq!(phone.store.unsynced_count().expect("count"), 0);
    }
    // Once more each, in turn: every phone then holds every visit, once
    // (a cursor that passed a write made during its sync would miss it).
    for phone in &mut phones {
        phone.sync().await;
    }
    for phone in &phones {
        phone.assert_holds_once(campaign, &buildings, &recorded);
    }
    server.stop().await;
}
