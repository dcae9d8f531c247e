//! The fleet benchmark (figures in BENCHMARKS.md): Monday evening, when
//! the whole team syncs at the office at once.
//!
//! 1. **Fleet**: N phones (1, 10, 25, 50), each enrolled and synced once,
//!    each records a day offline (30 buildings × 10 visits), then all
//!    sync at the same moment. Timed: push + pull until every phone is
//!    settled; the server's peak resident memory and processor time over
//!    that window. Then a fresh phone with the whole municipality
//!    downloads everything and counts the visits: none may be missing.
//!    Run with sectors (each phone its own 30 buildings) and without
//!    (every phone receives the whole municipality, as before the office
//!    assigns sectors: the others' day must reach it too).
//! 2. **Reconnect storm**: 1,000 phones with 10 visits each sync within the
//!    same 3 seconds; errors (goal 0), visits lost (goal 0), time, peak.
//!
//! Run with `cargo bench -p tests --bench fleet` (`-- storm` or
//! `-- fleet` for one part; `PALIER_FLEET_SIZES=1,10` to choose the
//! fleet sizes, `PALIER_FLEET_SECTORS=with` or `without` one half). The server runs in a child process (`server-child`) so
//! its memory and time are its own; the phones are real stores and the
//! real sync client, in this process. `PALIER_BENCH_DATABASE_URL=postgres://…`
//! runs the server on PostgreSQL (a fresh database per run; e.g. under
//! `scripts/with-postgres.sh`, from `PALIER_TEST_DATABASE_URL`).

use app::platform::http::Server;
use shared::api::{EnrolResponse, Role};
use shared::domain::*;
use shared::schema::{self, DocId, DocKind};
use shared::store::{Origin, Store};
use std::path::Path;
use std::time::{Duration, Instant};
use tests::samples::{day_visit, estate_building};
use tests::{ChildServer, TestServer};

/// Buildings of the municipality: 50 sectors of 30, 19–20 dwellings each.
const BUILDINGS: usize = 1_500;
const SECTOR: usize = 30;
const VISITS_PER_BUILDING: usize = 10;

/// A phone of the fleet.
struct Phone {
    store: Store,
    agent: AgentId,
    /// The buildings it works in.
    round: Vec<BuildingId>,
}

/// A prepared municipality, its phones and one fresh phone to check with.
struct Fleet {
    data: tempfile::TempDir,
    /// The PostgreSQL database it is in, if not in `data`'s files.
    database: Option<String>,
    campaign: CampaignId,
    phones: Vec<Phone>,
    auditor: Phone,
    /// Keeps the phones' store files.
    _phones_dir: tempfile::TempDir,
}

/// How phones are given their work.
#[derive(Clone, Copy, PartialEq)]
enum Sectors {
    /// Each phone a sector of its own `per_phone` buildings.
    Own { per_phone: usize },
    /// No sector: every phone receives the whole municipality.
    None,
}

fn enrolled(server: &TestServer, municipality: MunicipalityId, name: &str) -> EnrolResponse {
    let control = &server.state.control;
    let enrolled = tests::blocking(|| {
        let (code, _) = control
            .new_enrolment_code(municipality, Role::Agent, true, 3_600_000)
            .expect("code");
        control.redeem(&code, name).expect("redeem")
    });
    EnrolResponse {
        device_id: enrolled.device.id,
        token: enrolled.token,
        municipality_id: municipality,
        municipality_name: enrolled.municipality_name,
        role: Role::Agent,
    }
}

fn phone_store(dir: &Path, i: usize, in_memory: bool) -> Store {
    if in_memory {
        Store::open_in_memory().expect("phone store")
    } else {
        Store::open(&dir.join(format!("phone-{i}.sqlite"))).expect("phone store")
    }
}

/// A municipality of [`BUILDINGS`] buildings and one campaign; `phones`
/// phones enrolled, with or without sectors.
async fn prepare(phones: usize, sectors: Sectors, in_memory: bool) -> Fleet {
    let database = tests::bench_database();
    let for_server = database.clone();
    let server = TestServer::start_with(move |config| config.database_url = for_server).await;
    let municipality = tests::blocking(|| {
        server
            .state
            .control
            .ensure_municipality("Flotte")
            .expect("municipality")
    });
    let buildings: Vec<Building> = (0..BUILDINGS)
        .map(|i| estate_building(i, 19 + usize::from(i % 2 == 0)))
        .collect();
    server.put_all(municipality, &buildings);
    let campaign = Campaign::new(
        "Porte-à-porte de printemps".into(),
        CampaignKind::DoorToDoor,
        0,
        0,
    );
    server.put(municipality, &campaign);

    let phones_dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let per_phone = match sectors {
        Sectors::Own { per_phone } => per_phone,
        Sectors::None => SECTOR,
    };
    let mut fleet = Vec::new();
    let mut assigned = Vec::new();
    for i in 0..phones {
        let enrolment = enrolled(&server, municipality, &format!("téléphone {i}"));
        let mut store = phone_store(phones_dir.path(), i, in_memory);
        app::sync::remember_enrolment(&mut store, &enrolment).expect("remember");
        let agent = AgentId(enrolment.device_id.0);
        let round: Vec<BuildingId> = (0..per_phone)
            .map(|k| buildings[(i * per_phone + k) % BUILDINGS].id)
            .collect();
        if let Sectors::Own { .. } = sectors {
            assigned.push(Sector {
                id: SectorId::new(),
                campaign: campaign.id,
                name: format!("Secteur {i}"),
                buildings: round.clone(),
                agents: vec![agent],
            });
        }
        fleet.push(Phone {
            store,
            agent,
            round,
        });
    }
    server.put_all(municipality, &assigned);
    let enrolment = enrolled(&server, municipality, "contrôle");
    let mut store = phone_store(phones_dir.path(), phones, false);
    app::sync::remember_enrolment(&mut store, &enrolment).expect("remember");
    let auditor = Phone {
        store,
        agent: AgentId(enrolment.device_id.0),
        round: Vec::new(),
    };
    Fleet {
        data: server.stop_keeping_data().await,
        database,
        campaign: campaign.id,
        phones: fleet,
        auditor,
        _phones_dir: phones_dir,
    }
}

/// What a concurrent sync of many phones gave.
struct Outcome {
    phones: Vec<Phone>,
    errors: Vec<String>,
    wall: Duration,
}

/// Syncs every phone at once (each after its own delay within `spread`),
/// each until it is settled, and waits for all.
async fn sync_all(url: &str, phones: Vec<Phone>, spread: Duration) -> Outcome {
    let start = Instant::now();
    let count = phones.len().max(1) as u32;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, mut phone) in phones.into_iter().enumerate() {
        let url = url.to_string();
        let delay = spread * i as u32 / count;
        // A phone is a thread of its own, as it is a device of its own:
        // its store's work does not queue behind the other phones'.
        tasks.spawn_blocking(move || {
            std::thread::sleep(delay);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("phone runtime");
            let server = Server::new(&url);
            let result = runtime.block_on(app::sync::sync(&mut phone.store, &server, &mut |_| {}));
            (phone, result.err().map(|e| e.to_string()))
        });
    }
    let mut phones = Vec::new();
    let mut errors = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (phone, error) = joined.expect("phone task");
        phones.push(phone);
        errors.extend(error);
    }
    Outcome {
        phones,
        errors,
        wall: start.elapsed(),
    }
}

/// Syncs phones `batch` at a time (setting up, not measured).
async fn sync_in_batches(url: &str, phones: Vec<Phone>, batch: usize) -> Vec<Phone> {
    let mut done = Vec::new();
    let mut left = phones;
    while !left.is_empty() {
        let rest = left.split_off(batch.min(left.len()));
        let outcome = sync_all(url, left, Duration::ZERO).await;
        assert!(
            outcome.errors.is_empty(),
            "setup sync: {:?}",
            outcome.errors
        );
        done.extend(outcome.phones);
        left = rest;
    }
    done
}

/// Records `per_building` visits in each building of the phone's round,
/// offline, each saved durably as the field app does.
fn record_day(phone: &mut Phone, campaign: CampaignId, per_building: usize) {
    for (b, building) in phone.round.iter().enumerate() {
        let doc_id = DocId::visits(campaign, *building);
        let mut doc = phone.store.load(&doc_id).expect("load").unwrap_or_default();
        for n in 0..per_building {
            let visit = day_visit(campaign, *building, b * per_building + n, phone.agent);
            schema::record_visit(&mut doc, &visit).expect("record");
            phone
                .store
                .save(&doc_id, &doc, Origin::Local)
                .expect("save");
        }
    }
}

/// The visits of `campaign` a phone holds.
fn visits_held(store: &Store, campaign: CampaignId) -> usize {
    store
        .doc_ids()
        .expect("ids")
        .into_iter()
        .filter(|id| id.kind() == DocKind::Visits && id.campaign_id() == Some(campaign))
        .map(|id| {
            let doc = store.load(&id).expect("load").expect("held");
            schema::visits(&doc).expect("visits").len()
        })
        .sum()
}

/// The figures of one run.
struct Run {
    wall: Duration,
    cpu: f64,
    phones_cpu: f64,
    peak_mib: u64,
    errors: usize,
    counted: usize,
    expected: usize,
    audit: Duration,
}

async fn run(
    phones: usize,
    sectors: Sectors,
    per_building: usize,
    spread: Duration,
    in_memory: bool,
) -> Run {
    let fleet = prepare(phones, sectors, in_memory).await;
    if let Some(url) = &fleet.database {
        tests::settle_database(url);
    }
    let server = match &fleet.database {
        Some(url) => ChildServer::start_with_env(
            env!("CARGO_BIN_EXE_server-child"),
            fleet.data.path(),
            &[("PALIER_DATABASE_URL", url)],
        ),
        None => ChildServer::start(env!("CARGO_BIN_EXE_server-child"), fleet.data.path()),
    };
    let url = server.url.clone();
    // Each phone's first sync: its sector, or the whole municipality.
    let mut ready = sync_in_batches(&url, fleet.phones, 25).await;
    for phone in &mut ready {
        record_day(phone, fleet.campaign, per_building);
    }
    // Let the read model catch up with the setup before measuring.
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.reset_peak();
    let cpu = server.cpu_seconds();
    let phones_cpu = tests::cpu_seconds("self");
    let outcome = sync_all(&url, ready, spread).await;
    let cpu = server.cpu_seconds() - cpu;
    let phones_cpu = tests::cpu_seconds("self") - phones_cpu;
    let (peak, _) = server.peak_and_current_kib();
    let mut auditor = fleet.auditor;
    let start = Instant::now();
    app::sync::sync(&mut auditor.store, &Server::new(&url), &mut |_| {})
        .await
        .expect("the auditor's sync");
    let audit = start.elapsed();
    let counted = visits_held(&auditor.store, fleet.campaign);
    let expected: usize =
        outcome.phones.iter().map(|p| p.round.len()).sum::<usize>() * per_building;
    Run {
        wall: outcome.wall,
        cpu,
        phones_cpu,
        peak_mib: peak / 1024,
        errors: outcome.errors.len(),
        counted,
        expected,
        audit,
    }
}

fn sizes() -> Vec<usize> {
    std::env::var("PALIER_FLEET_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10, 25, 50])
}

async fn fleet() {
    for (label, sectors) in [
        ("with sectors", Sectors::Own { per_phone: SECTOR }),
        ("without sectors", Sectors::None),
    ] {
        let chosen = std::env::var("PALIER_FLEET_SECTORS").unwrap_or_default();
        if !chosen.is_empty() && label.split(' ').next() != Some(chosen.as_str()) {
            continue;
        }
        println!(
            "fleet {label} ({BUILDINGS} buildings; each phone 30 buildings × {VISITS_PER_BUILDING} visits):"
        );
        for n in sizes() {
            let r = run(n, sectors, VISITS_PER_BUILDING, Duration::ZERO, false).await;
            println!(
                "  {n:>3} phones: push + pull {:>6.2} s, server CPU {:>6.2} s (phones {:.2} s), server peak {:>4} MiB, \
                 errors {}, visits {}/{} (fresh phone's download {:.2} s)",
                r.wall.as_secs_f64(),
                r.cpu,
                r.phones_cpu,
                r.peak_mib,
                r.errors,
                r.counted,
                r.expected,
                r.audit.as_secs_f64()
            );
            assert_eq!(r.counted, r.expected, "visits lost");
        }
    }
}

async fn storm() {
    let phones = 1_000;
    let r = run(
        phones,
        Sectors::Own { per_phone: 1 },
        VISITS_PER_BUILDING,
        Duration::from_secs(3),
        true,
    )
    .await;
    println!(
        "reconnect storm: {phones} phones × {VISITS_PER_BUILDING} visits within 3 s: all settled in {:.2} s, \
         server CPU {:.2} s (phones {:.2} s), server peak {} MiB, errors {}, visits {}/{} ({} lost)",
        r.wall.as_secs_f64(),
        r.cpu,
        r.phones_cpu,
        r.peak_mib,
        r.errors,
        r.counted,
        r.expected,
        r.expected - r.counted.min(r.expected)
    );
}

fn main() {
    let only = std::env::args()
        .skip(1)
        .find(|a| a == "fleet" || a == "storm");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(1_100)
        .build()
        .expect("runtime");
    runtime.block_on(async {
        if only.as_deref() != Some("storm") {
            fleet().await;
        }
        if only.as_deref() != Some("fleet") {
            storm().await;
        }
    });
}
