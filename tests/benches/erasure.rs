//! What erasing one resident costs on a municipality of 150,000 dwellings
//! and 1,000,000 visits (seeded, one in 40 conversations signing a
//! volunteer up): the office's erasure (the person document, the words of
//! their visit by redacting its log into a new generation, the journal),
//! and how long a phone's syncs take meanwhile, against the same syncs
//! with nothing being erased, in one run.
//!
//! `cargo bench -p tests --bench erasure` (SQLite);
//! `PALIER_BENCH_DATABASE_URL=postgres://…` runs it on PostgreSQL (see
//! BENCHMARKS.md); `PALIER_BENCH_SCALE=0.1` for a tenth of the data.

use shared::api::Role;
use shared::domain::*;
use shared::schema::{self, DocKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use sync_server::consolidate::linked::LinkedVisit;
use sync_server::erasure::{self, PlannedPerson};
use tests::{Device, TestServer};

const DWELLINGS_PER_BUILDING: usize = 30;
const ERASURES: usize = 5;

fn scale() -> f64 {
    std::env::var("PALIER_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    ms(samples[i])
}

/// Syncs `phone` again and again until `stop`, each timed.
async fn sync_loop(phone: &mut Device, stop: Arc<AtomicBool>) -> (Vec<Duration>, usize) {
    let mut took = Vec::new();
    let mut failed = 0;
    while !stop.load(Ordering::SeqCst) {
        let started = Instant::now();
        match app::sync::sync(&mut phone.store, &phone.server, &mut |_| {}).await {
            Ok(_) => took.push(started.elapsed()),
            Err(_) => failed += 1,
        }
    }
    (took, failed)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scale = scale();
    let dwellings = (150_000.0 * scale) as usize;
    let visits = (1_000_000.0 * scale) as usize;
    let database = tests::bench_database();
    let backend = if database.is_some() {
        "postgresql"
    } else {
        "sqlite"
    };
    let for_server = database.clone();
    let server = TestServer::start_with(move |config| config.database_url = for_server).await;
    let office = server.municipality("Effacement").await;
    let buildings: Vec<Building> = (0..dwellings / DWELLINGS_PER_BUILDING)
        .map(|i| tests::samples::estate_building(i, DWELLINGS_PER_BUILDING))
        .collect();
    server.put_all(office.id, &buildings);
    let campaign = Campaign::new("Grande écoute".into(), CampaignKind::DoorToDoor, 0, 1);
    server.put(office.id, &campaign);
    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    let sector = Sector {
        id: SectorId::new(),
        campaign: campaign.id,
        name: "Secteur du téléphone".into(),
        buildings: buildings
            .iter()
            .step_by(97)
            .take(30)
            .map(|b| b.id)
            .collect(),
        agents: vec![phone.agent],
    };
    server.put(office.id, &sector);
    let started = Instant::now();
    let store = server.state.tenants.store(office.id).expect("store");
    tests::blocking(|| {
        let mut store = store.get().expect("connection");
        let spec = sync_server::demo::seed::Spec {
            seed: 7,
            visits,
            agents: 25,
            topics: vec!["propreté".into(), "ascenseurs".into()],
            services: vec!["Bailleur".into()],
            from: 1_700_000_000_000,
            days: 60,
            volunteers_every: 40,
            questionnaire: None,
            notice: None,
        };
        sync_server::demo::seed::visits(&mut *store, campaign.id, &buildings, &spec).expect("seed");
    });
    if let Some(url) = &database {
        tests::settle_database(url);
    }
    println!("backend {backend}");
    println!("seeded_s {:.1}", started.elapsed().as_secs_f64());
    phone.sync().await;

    // The residents to erase: volunteers, and the visit that signed each
    // up (found by reading the logs, as the read model's link would).
    let plans: Vec<erasure::Plan> = tests::blocking(|| {
        let store = store.get().expect("connection");
        let mut wanted: Vec<PersonId> = store
            .doc_ids_of(DocKind::Person)
            .expect("persons")
            .iter()
            .filter_map(|id| id.as_str().split(':').nth(1)?.parse().ok().map(PersonId))
            .take(ERASURES)
            .collect();
        let mut plans = Vec::new();
        for log in store.doc_ids_of(DocKind::Visits).expect("logs") {
            if wanted.is_empty() {
                break;
            }
            let Some(doc) = store.load(&log).expect("load") else {
                continue;
            };
            for (key, visit) in schema::visits(&doc).expect("visits") {
                if let Some(i) = visit
                    .person
                    .and_then(|p| wanted.iter().position(|w| *w == p))
                {
                    let person = wanted.swap_remove(i);
                    let linked = LinkedVisit {
                        doc_id: log.to_string(),
                        visit_id: key,
                        address: String::new(),
                        door: String::new(),
                        at: visit.at,
                        outcome: visit.outcome.as_str().into(),
                        person: Some(person.to_string()),
                        follow_up: visit.follow_up.map(|f| f.to_string()),
                    };
                    plans.push(erasure::plan(
                        vec![PlannedPerson {
                            id: person,
                            name: String::new(),
                        }],
                        (vec![linked], false),
                        0,
                        &[],
                    ));
                }
            }
        }
        plans
    });
    println!("erasures {}", plans.len());
    let documents = tests::blocking(|| {
        store
            .get()
            .expect("connection")
            .document_count()
            .expect("count")
    });
    println!("documents {documents}");

    // Baseline: the phone's syncs for a while with nothing erased.
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    let timer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        stopper.store(true, Ordering::SeqCst);
    });
    let (mut idle, idle_failed) = sync_loop(&mut phone, stop).await;
    timer.await.expect("timer");

    // Then the same syncs while the residents are erased one after the other.
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    let eraser_store = server.state.tenants.store(office.id).expect("store");
    let control = server.state.control.clone();
    let municipality = office.id;
    let eraser = tokio::task::spawn_blocking(move || {
        let mut took = Vec::new();
        for plan in &plans {
            let started = Instant::now();
            let now = sync_server::storage::control::now_ms();
            control
                .journal_erasures(municipality, &erasure::journal(plan, now))
                .expect("journal");
            let mut store = eraser_store.get().expect("connection");
            erasure::apply(&mut *store, plan, now).expect("erase");
            took.push(started.elapsed());
            std::thread::sleep(Duration::from_secs(1));
        }
        stopper.store(true, Ordering::SeqCst);
        took
    });
    let (mut busy, busy_failed) = sync_loop(&mut phone, stop).await;
    let mut erasing = eraser.await.expect("eraser");
    let max_erase = erasing.iter().max().copied().unwrap_or_default();
    println!(
        "erase_one_resident_ms p50 {:.0} max {:.0}",
        percentile(&mut erasing, 0.5),
        ms(max_erase)
    );
    println!(
        "sync_idle_ms p50 {:.1} p99 {:.1} max {:.1} n {} failed {idle_failed}",
        percentile(&mut idle, 0.5),
        percentile(&mut idle, 0.99),
        percentile(&mut idle, 1.0),
        idle.len()
    );
    println!(
        "sync_while_erasing_ms p50 {:.1} p99 {:.1} max {:.1} n {} failed {busy_failed}",
        percentile(&mut busy, 0.5),
        percentile(&mut busy, 0.99),
        percentile(&mut busy, 1.0),
        busy.len()
    );
    server.stop().await;
}
