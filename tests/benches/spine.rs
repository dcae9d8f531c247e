//! Benchmarks of the data spine (figures in BENCHMARKS.md):
//!
//! 1. durable save of one visit, next to a bare fsync'd SQLite commit, in
//!    the same run;
//! 2. a device's day (300 visits over 30 buildings) synced to a server
//!    holding a municipality's documents: wall time and bytes on the wire;
//! 3. a sync with nothing new, for a device holding 2,000 dwellings;
//! 4. the server's resident memory after start with 150,000 dwellings'
//!    documents stored, and after a device's sync.
//!
//! Run with `cargo bench -p tests --bench spine`. The server for 2–4 runs
//! in a child process (this binary re-executed) so its memory is its own.
//! `PALIER_BENCH_DATABASE_URL=postgres://…` runs it on PostgreSQL (a fresh
//! database; its memory is then the server process's alone, not the
//! database's).

use automerge::Automerge;
use shared::api::Role;
use shared::domain::*;
use shared::schema::{self, DocId, SingleRecord};
use shared::store::{Origin, Store};
use shared::sync::DocumentStore;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use sync_server::AppState;
use sync_server::config::ServeConfig;
use tests::samples::{day_visit, estate_building};

const DWELLINGS: usize = 150_000;
const BUILDINGS: usize = 8_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn campaign_doc(id: CampaignId) -> Campaign {
    Campaign {
        id,
        ..Campaign::new("Porte-à-porte".into(), CampaignKind::DoorToDoor, 0, 0)
    }
}

fn record_doc<T: SingleRecord>(record: &T) -> (DocId, Automerge) {
    let mut doc = Automerge::new();
    schema::write(&mut doc, record).expect("write");
    (record.doc_id(), doc)
}

fn save_many(store: &mut dyn DocumentStore, docs: Vec<(DocId, Automerge)>) {
    for chunk in docs.chunks(500) {
        let chunk: Vec<_> = chunk.iter().map(|(id, doc)| (id, doc)).collect();
        store.save_all(&chunk).expect("save");
    }
}

/// 1. A visit saved durably, against a bare fsync'd commit.
fn bench_save(dir: &Path) {
    let mut store = Store::open(&dir.join("device.sqlite")).expect("store");
    let bare = rusqlite::Connection::open(dir.join("bare.sqlite")).expect("bare");
    bare.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    bare.pragma_update(None, "synchronous", "FULL")
        .expect("full");
    bare.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, bytes BLOB)")
        .expect("table");
    let campaign = CampaignId::new();
    let buildings: Vec<_> = (0..30).map(|_| BuildingId::new()).collect();
    let agent = AgentId::new();
    // The field app keeps the open building's log in memory: a tap on a
    // door records into it and saves. Opening a building loads it.
    let mut open: BTreeMap<BuildingId, Automerge> = BTreeMap::new();
    let (mut saves, mut loads, mut commits) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..600 {
        let building = buildings[n % buildings.len()];
        let doc_id = DocId::visits(campaign, building);
        let start = Instant::now();
        let loaded = store.load(&doc_id).expect("load").unwrap_or_default();
        loads.push(start.elapsed());
        let doc = open.entry(building).or_insert(loaded);

        let start = Instant::now();
        schema::record_visit(doc, &day_visit(campaign, building, n, agent)).expect("record");
        store.save(&doc_id, doc, Origin::Local).expect("save");
        saves.push(start.elapsed());

        let start = Instant::now();
        bare.execute("INSERT INTO t (bytes) VALUES (?1)", [vec![7u8; 300]])
            .expect("insert");
        commits.push(start.elapsed());
    }
    for samples in [&mut saves, &mut loads, &mut commits] {
        samples.sort();
    }
    let p = |s: &[Duration]| (ms(percentile(s, 0.5)), ms(percentile(s, 0.99)));
    let ((s50, s99), (l50, l99), (c50, c99)) = (p(&saves), p(&loads), p(&commits));
    println!("durable save of one visit, 600 saves over 30 open buildings (same run):");
    println!("  record + durable save  p50 {s50:.2} ms  p99 {s99:.2} ms");
    println!("  bare fsync'd commit    p50 {c50:.2} ms  p99 {c99:.2} ms");
    println!(
        "  ratio save/bare:       p50 {:.2}×  p99 {:.2}×",
        s50 / c50,
        s99 / c99
    );
    println!("  (opening a building's log from the store: p50 {l50:.2} ms  p99 {l99:.2} ms)");
}

/// Fills a data folder with a municipality of 150,000 dwellings in 8,000
/// buildings, plus a year of visit logs for a quarter of them.
fn seed_municipality(data: &Path, database: Option<String>) -> (String, CampaignId, Vec<Building>) {
    let config = ServeConfig {
        listen: String::new(),
        database_url: database,
        ..tests::test_config(data)
    };
    let state = AppState::open(config).expect("state");
    let municipality = state
        .control
        .ensure_municipality("Bench")
        .expect("municipality");
    state
        .control
        .upsert_account(
            municipality,
            "bench@palier.invalid",
            "bench password",
            Role::Coordinator,
        )
        .expect("account");
    let store = state.tenants.store(municipality).expect("store");
    let mut store = store.get().expect("connection");
    let per_building = DWELLINGS / BUILDINGS;
    let extra = DWELLINGS % BUILDINGS;
    let buildings: Vec<Building> = (0..BUILDINGS)
        .map(|i| estate_building(i, per_building + usize::from(i < extra)))
        .collect();
    let start = Instant::now();
    save_many(&mut *store, buildings.iter().map(record_doc).collect());
    let old_campaign = CampaignId::new();
    let agent = AgentId::new();
    let logs: Vec<(DocId, Automerge)> = buildings
        .iter()
        .step_by(4)
        .map(|b| {
            let mut doc = Automerge::new();
            for n in 0..b.dwelling_count() {
                schema::record_visit(&mut doc, &day_visit(old_campaign, b.id, n, agent))
                    .expect("record");
            }
            (DocId::visits(old_campaign, b.id), doc)
        })
        .collect();
    save_many(&mut *store, logs);
    let dwellings: usize = buildings.iter().map(Building::dwelling_count).sum();
    println!(
        "seeded {} buildings, {dwellings} dwellings, {} documents in {:.1} s",
        buildings.len(),
        store.document_count().expect("count"),
        start.elapsed().as_secs_f64()
    );
    drop(store);
    // The office's read model follows what an import writes; the seed
    // wrote behind its back, so project it now, not during the syncs
    // measured below.
    let start = Instant::now();
    state
        .tenants
        .rebuild_read_models(&[municipality])
        .expect("read model");
    println!(
        "read model projected in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    (municipality.to_string(), CampaignId::new(), buildings)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn serve_child(data: &str, listen: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let config = ServeConfig {
            listen: listen.into(),
            database_url: std::env::var("PALIER_DATABASE_URL").ok(),
            ..tests::test_config(Path::new(data))
        };
        let listener = tokio::net::TcpListener::bind(listen).await.expect("bind");
        sync_server::serve(config, listener, std::future::pending())
            .await
            .expect("serve");
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve-child") {
        serve_child(&args[2], &args[3]);
        return;
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    bench_save(dir.path());

    let data = dir.path().join("server");
    let database = tests::bench_database();
    let (_, campaign, buildings) = seed_municipality(&data, database.clone());
    if let Some(url) = &database {
        tests::settle_database(url);
    }
    let listen = "127.0.0.1:18977";
    let mut child = std::process::Command::new(std::env::current_exe().expect("exe"));
    if let Some(url) = &database {
        child.env("PALIER_DATABASE_URL", url);
    }
    let mut child = child
        .args(["serve-child", data.to_str().expect("utf-8"), listen])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn server");
    let url = format!("http://{listen}");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let server = app::platform::http::Server::new(&url);
        for _ in 0..200 {
            if reqwest::get(format!("{url}/health")).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        println!("server RSS after start: {} MiB", rss_kib(child.id()) / 1024);
        let login: shared::api::LoginResponse = server
            .post_json("/api/login", None, &shared::api::LoginRequest { email: "bench@palier.invalid".into(), password: "bench password".into() })
            .await
            .expect("login");

        // A device holding its sector: 30 buildings for the day's work.
        let code: shared::api::EnrolmentCode = server
            .post_json("/api/enrolment-codes", Some(&login.token), &shared::api::NewEnrolmentCode { role: Role::Agent, whole_town: true })
            .await
            .expect("code");
        let mut phone = Store::open(&dir.path().join("phone.sqlite")).expect("phone");
        let enrolled = app::sync::enrol(&mut phone, &server, &code.code, "bench").await.expect("enrol");
        let start = Instant::now();
        let server_cpu = tests::cpu_seconds(&child.id().to_string());
        let phone_cpu = tests::cpu_seconds("self");
        let (report, traffic) = app::sync::sync(&mut phone, &server, &mut |_| {}).await.expect("first sync");
        println!(
            "first sync of a new device (whole municipality, {} documents): {:.1} s, {} rounds, {:.1} MiB down \
             (CPU: server {:.1} s, phone {:.1} s)",
            phone.document_count().expect("count"),
            start.elapsed().as_secs_f64(),
            report.rounds,
            traffic.received as f64 / 1048576.0,
            tests::cpu_seconds(&child.id().to_string()) - server_cpu,
            tests::cpu_seconds("self") - phone_cpu,
        );
        println!("server RSS after that sync: {} MiB", rss_kib(child.id()) / 1024);

        // Visits in the phone's own name: the server refuses others'.
        let agent = AgentId(enrolled.device_id.0);
        let day: Vec<&Building> = buildings.iter().skip(1).step_by(97).take(30).collect();
        for n in 0..300 {
            let b = day[n % day.len()];
            let doc_id = DocId::visits(campaign, b.id);
            let mut doc = phone.load(&doc_id).expect("load").unwrap_or_default();
            schema::record_visit(&mut doc, &day_visit(campaign, b.id, n, agent)).expect("record");
            phone.save(&doc_id, &doc, Origin::Local).expect("save");
        }
        let start = Instant::now();
        let (report, traffic) = app::sync::sync(&mut phone, &server, &mut |_| {}).await.expect("day sync");
        assert!(report.refused.is_empty(), "the day's visits were refused: {:?}", report.refused);
        println!(
            "a day's sync (300 visits, 30 buildings): {:.1} ms, {} rounds, {} B up, {} B down",
            ms(start.elapsed()),
            report.rounds,
            traffic.sent,
            traffic.received
        );

        let mut nochange = Vec::new();
        let mut bytes = 0;
        for _ in 0..30 {
            let start = Instant::now();
            let (_, traffic) = app::sync::sync(&mut phone, &server, &mut |_| {}).await.expect("no-change sync");
            nochange.push(start.elapsed());
            bytes = traffic.sent + traffic.received;
        }
        nochange.sort();
        println!(
            "no-change sync (device holding {} documents): p50 {:.2} ms, p99 {:.2} ms, {} B on the wire",
            phone.document_count().expect("count"),
            ms(percentile(&nochange, 0.5)),
            ms(percentile(&nochange, 0.99)),
            bytes
        );

        // A phone assigned a sector of 30 buildings receives those, not
        // the town: its first sync and its no-change sync.
        let code: shared::api::EnrolmentCode = server
            .post_json("/api/enrolment-codes", Some(&login.token), &shared::api::NewEnrolmentCode { role: Role::Agent, whole_town: true })
            .await
            .expect("code");
        let mut scoped = Store::open(&dir.path().join("scoped.sqlite")).expect("phone");
        let enrolled = app::sync::enrol(&mut scoped, &server, &code.code, "bench sector").await.expect("enrol");
        tests::blocking(|| {
            // Written as the office would, wherever the server keeps them.
            let (_, tenants) = sync_server::open_storage(&data, database.as_deref()).expect("storage");
            let store = tenants.store(enrolled.municipality_id).expect("server store");
            let mut store = store.get().expect("connection");
            let campaign_record = campaign_doc(campaign);
            let sector = Sector {
                id: SectorId::new(),
                campaign,
                name: "Bench".into(),
                buildings: day.iter().map(|b| b.id).collect(),
                agents: vec![AgentId(enrolled.device_id.0)],
            };
            save_many(&mut *store, vec![record_doc(&campaign_record), record_doc(&sector)]);
        });
        let start = Instant::now();
        let (report, traffic) = app::sync::sync(&mut scoped, &server, &mut |_| {}).await.expect("scoped first sync");
        println!(
            "first sync of a device assigned a 30-building sector: {:.1} ms, {} documents, {} rounds, {:.1} KiB down",
            ms(start.elapsed()),
            scoped.document_count().expect("count"),
            report.rounds,
            traffic.received as f64 / 1024.0
        );
        let mut nochange = Vec::new();
        for _ in 0..30 {
            let start = Instant::now();
            let (_, traffic) = app::sync::sync(&mut scoped, &server, &mut |_| {}).await.expect("no-change sync");
            nochange.push(start.elapsed());
            bytes = traffic.sent + traffic.received;
        }
        nochange.sort();
        println!(
            "no-change sync (device assigned a 30-building sector): p50 {:.2} ms, p99 {:.2} ms, {} B on the wire",
            ms(percentile(&nochange, 0.5)),
            ms(percentile(&nochange, 0.99)),
            bytes
        );
        println!("server RSS at the end: {} MiB", rss_kib(child.id()) / 1024);
    });
    let _ = child.kill();
    let _ = child.wait();
}
