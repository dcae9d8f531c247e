//! What consolidation costs, on a municipality of 150,000 dwellings and
//! 1,000,000 visits over three campaigns, seeded (`sync_server::demo::seed`):
//!
//! - rebuilding the read model from the documents;
//! - every results view (dashboard with and without filters, map,
//!   comparison, report, follow-ups, the questionnaire's answers), timed
//!   at the client on loopback against the real server in a child
//!   process: p50 and p99 (each campaign has a questionnaire of 12
//!   questions, two of them free text, two conditional);
//! - the CSV export of every visit: time, and the server's memory growth;
//! - what projecting a phone's day costs next to its day sync (its
//!   conversations answer the questionnaire);
//! - a phone's day sync while the office loads the dashboard in a loop,
//!   next to the same sync on an idle server, alternating in one run.
//!
//! Run with `cargo bench -p tests --bench consolidation`
//! (`PALIER_BENCH_SCALE=0.1` for a tenth of the data).

use shared::api::Role;
use shared::domain::*;
use std::time::{Duration, Instant};
use sync_server::readmodel::ReadModel;
use tests::{ChildServer, Device, TestServer};

const DWELLINGS_PER_BUILDING: usize = 30;
const NEIGHBOURHOODS: usize = 20;
const DAYS: usize = 10;

fn scale() -> f64 {
    std::env::var("PALIER_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn square(x: usize, y: usize) -> Vec<Ring> {
    let (lon, lat) = (2.30 + x as f64 * 0.01, 48.75 + y as f64 * 0.01);
    vec![vec![
        Point { lon, lat },
        Point {
            lon: lon + 0.01,
            lat,
        },
        Point {
            lon: lon + 0.01,
            lat: lat + 0.01,
        },
        Point {
            lon,
            lat: lat + 0.01,
        },
        Point { lon, lat },
    ]]
}

fn building(i: usize, n: &[Neighbourhood]) -> Building {
    let k = i % n.len();
    let (x, y) = (k % 5, k / 5);
    let j = i / n.len();
    Building {
        location: Point {
            lon: 2.3005 + x as f64 * 0.01 + (j % 30) as f64 * 0.0003,
            lat: 48.7505 + y as f64 * 0.01 + (j / 30 % 30) as f64 * 0.0003,
        },
        neighbourhood: Some(n[k].id),
        entrances: ["A", "B"]
            .iter()
            .map(|label| shared::samples::entrance(label, true, shared::samples::storeys(5, 3)))
            .collect(),
        ..shared::samples::building(
            &format!("BAT-{i:06}"),
            &format!("{} avenue de la République", i + 1),
        )
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

struct Office {
    url: String,
    cookie: String,
    client: reqwest::Client,
}

impl Office {
    async fn get(&self, path: &str) -> (u16, usize) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("get");
        let status = response.status().as_u16();
        let mut bytes = 0;
        let mut response = response;
        while let Some(chunk) = response.chunk().await.expect("chunk") {
            bytes += chunk.len();
        }
        (status, bytes)
    }
}

/// Twelve questions: choices, scales, two free text, two conditional.
fn questionnaire() -> Questionnaire {
    let question = |i: usize, kind: QuestionKind, show_if: Option<(&str, &str)>| Question {
        id: format!("q{i}"),
        kind,
        label: Translations::from([("fr".to_string(), format!("Question {i}"))]),
        option_labels: std::collections::BTreeMap::new(),
        required: false,
        show_if: show_if.map(|(question, equals)| Condition {
            question: question.into(),
            equals: equals.into(),
        }),
    };
    let options = |n: usize| (0..n).map(|i| format!("o{i}")).collect::<Vec<_>>();
    let single = |n| QuestionKind::SingleChoice {
        options: options(n),
    };
    let multiple = |n| QuestionKind::MultipleChoice {
        options: options(n),
    };
    let scale = QuestionKind::Scale { min: 1, max: 5 };
    Questionnaire {
        version: 1,
        questions: vec![
            question(1, single(2), None),
            question(2, QuestionKind::FreeText, Some(("q1", "o1"))),
            question(3, scale.clone(), None),
            question(4, multiple(5), None),
            question(5, single(4), None),
            question(6, multiple(4), Some(("q5", "o0"))),
            question(7, scale.clone(), None),
            question(8, single(3), None),
            question(9, scale, None),
            question(10, multiple(6), None),
            question(11, single(5), None),
            question(12, QuestionKind::FreeText, None),
        ],
    }
}

/// A phone's day: 300 knocks, one in three a conversation that answers
/// the questionnaire.
fn record_day(phone: &mut Device, campaign: CampaignId, sector: &[Building], day: usize) {
    for n in 0..300 {
        let b = &sector[n % sector.len()];
        let doors: Vec<DwellingRef> = b.dwellings().collect();
        let mut v = Visit::outcome_only(
            campaign,
            b.id,
            doors[(n * 7 + day) % doors.len()].clone(),
            Pass(1),
            1_790_000_000_000 + (day * 86_400_000 + n * 60_000) as i64,
            phone.agent,
            if n % 3 == 0 {
                Outcome::Talked
            } else {
                Outcome::NotHome
            },
        );
        v.topics = vec!["propreté".into()];
        if v.outcome == Outcome::Talked {
            v.questionnaire_version = Some(1);
            v.answers = std::collections::BTreeMap::from([
                ("q1".to_string(), Answer::Choice("o1".into())),
                ("q2".to_string(), Answer::Text("Un banc".into())),
                ("q3".to_string(), Answer::Scale((n % 5 + 1) as i64)),
                (
                    "q4".to_string(),
                    Answer::Choices(vec!["o0".into(), "o3".into()]),
                ),
                ("q5".to_string(), Answer::Choice("o0".into())),
                ("q6".to_string(), Answer::Choices(vec!["o2".into()])),
                ("q7".to_string(), Answer::Scale(3)),
                ("q8".to_string(), Answer::Choice("o2".into())),
                ("q9".to_string(), Answer::Scale(4)),
                ("q10".to_string(), Answer::Choices(vec!["o5".into()])),
                ("q11".to_string(), Answer::Choice("o4".into())),
                ("q12".to_string(), Answer::Text("Plus de lumière".into())),
            ]);
        }
        phone.record(&v);
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scale = scale();
    let dwellings = (150_000.0 * scale) as usize;
    let visits = (1_000_000.0 * scale) as usize;
    let server = TestServer::start().await;
    let office = server.municipality("Bench").await;
    let neighbourhoods: Vec<Neighbourhood> = (0..NEIGHBOURHOODS)
        .map(|i| Neighbourhood {
            id: NeighbourhoodId::new(),
            key: format!("Q{i:02}"),
            name: format!("Quartier {i:02}"),
            polygons: vec![square(i % 5, i / 5)],
        })
        .collect();
    server.put_all(office.id, &neighbourhoods);
    let buildings: Vec<Building> = (0..dwellings / DWELLINGS_PER_BUILDING)
        .map(|i| building(i, &neighbourhoods))
        .collect();
    server.put_all(office.id, &buildings);
    let topics: Vec<String> = [
        "propreté",
        "ascenseurs",
        "éclairage",
        "sécurité",
        "jeunesse",
    ]
    .map(String::from)
    .to_vec();
    let services: Vec<String> = ["Bailleur", "Propreté urbaine", "Voirie"]
        .map(String::from)
        .to_vec();
    let campaigns: Vec<Campaign> = (0..3)
        .map(|i| {
            let start = 1_700_000_000_000 + i as i64 * 120 * 86_400_000;
            let mut c = Campaign::new(
                format!("Campagne {i}"),
                CampaignKind::DoorToDoor,
                start,
                start + 60 * 86_400_000,
            );
            c.topics = topics.clone();
            c.services = services.clone();
            c.questionnaire = questionnaire();
            c
        })
        .collect();
    server.put_all(office.id, &campaigns);
    // The latest campaign works in sectors of 100 buildings; the phone's is
    // 30 buildings of its own.
    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    // Its twin, working the same sector against a server whose read model
    // is lazy: what the projection adds to a day's sync.
    let mut twin = Device::enrol(&server, &office, Role::Agent).await;
    let latest = &campaigns[2];
    let phone_sector: Vec<Building> = buildings.iter().step_by(61).take(30).cloned().collect();
    let mut sectors = vec![Sector {
        id: SectorId::new(),
        campaign: latest.id,
        name: "Secteur du téléphone".into(),
        buildings: phone_sector.iter().map(|b| b.id).collect(),
        agents: vec![phone.agent, twin.agent],
    }];
    for (i, chunk) in buildings.chunks(100).enumerate() {
        sectors.push(Sector {
            id: SectorId::new(),
            campaign: latest.id,
            name: format!("Secteur {i:03}"),
            buildings: chunk.iter().map(|b| b.id).collect(),
            agents: vec![],
        });
    }
    server.put_all(office.id, &sectors);
    let started = Instant::now();
    {
        let store = server.state.tenants.store(office.id).expect("store");
        let mut store = store.get().expect("connection");
        for (i, c) in campaigns.iter().enumerate() {
            let spec = sync_server::demo::seed::Spec {
                seed: i as u64,
                visits: visits / 3,
                agents: 25,
                topics: topics.clone(),
                services: services.clone(),
                from: c.starts_at,
                days: 60,
                volunteers_every: 0,
                questionnaire: Some(questionnaire()),
                notice: None,
            };
            sync_server::demo::seed::visits(&mut *store, c.id, &buildings, &spec).expect("seed");
        }
    }
    println!("seeded_s {:.1}", started.elapsed().as_secs_f64());
    phone.sync().await;
    twin.sync().await;
    let docs = server.store_path(office.id);
    let token = office.token.clone();
    let data = server.stop_keeping_data().await;
    // The lazy server's copy, by SQLite's backup API (what `palier-server
    // backup` does): copying the files with this process's connections
    // open would drop their POSIX locks when the copy closes them, and the
    // server child's writes would then not be seen here (SQLite's "How to
    // corrupt", 2.2). Its read model is rebuilt at its first read.
    let lazy_data = tempfile::tempdir().expect("tempdir");
    sync_server::storage::backup::backup_all(data.path(), lazy_data.path()).expect("copy");

    // Rebuilding the read model from the documents, in this process.
    let rebuilt_path = data.path().join("bench-rebuilt.readmodel.sqlite");
    let started = Instant::now();
    let docs_path = docs.clone();
    let docs = sync_server::storage::tenants::TenantStore::open_sqlite(docs).expect("docs");
    let rebuilt = ReadModel::open(&rebuilt_path, docs).expect("open");
    rebuilt.catch_up().expect("rebuild");
    println!(
        "rebuild_read_model_s {:.1}",
        started.elapsed().as_secs_f64()
    );
    // The same without the answers, for the ratio of what they add.
    let started = Instant::now();
    let bare = ReadModel::open(
        &data.path().join("bench-bare.readmodel.sqlite"),
        WithoutCampaigns(
            sync_server::storage::tenants::TenantStore::open_sqlite(docs_path).expect("docs"),
        ),
    )
    .expect("open");
    bare.catch_up().expect("rebuild");
    println!(
        "rebuild_read_model_without_answers_s {:.1}",
        started.elapsed().as_secs_f64()
    );

    // Where a dashboard's time goes, figure by figure, in this process.
    {
        use sync_server::consolidate::{Filter, figures};
        let conn = sync_server::consolidate::Snapshot::of(rebuilt.reader().expect("reader"));
        let f = Filter {
            campaign: campaigns[2].id,
            ..Filter::default()
        };
        let week = Filter {
            from: Some(campaigns[2].starts_at + 10 * 86_400_000),
            until: Some(campaigns[2].starts_at + 17 * 86_400_000),
            ..f.clone()
        };
        let time = |name: &str, run: &dyn Fn() -> usize| {
            let start = Instant::now();
            for _ in 0..5 {
                std::hint::black_box(run());
            }
            println!(
                "figure {name} ms {:.1}",
                start.elapsed().as_secs_f64() * 200.0
            );
        };
        let team = figures::totals(&conn, &f).expect("q");
        for (label, filter) in [("", &f), ("week_", &week)] {
            let name = |n: &str| format!("{label}{n}");
            time(&name("totals"), &|| {
                figures::totals(&conn, filter)
                    .map(|c| c.doors as usize)
                    .expect("q")
            });
            time(&name("visits"), &|| {
                figures::visits(&conn, filter).expect("q") as usize
            });
            time(&name("by_neighbourhood"), &|| {
                figures::by_neighbourhood(&conn, filter).expect("q").len()
            });
            time(&name("by_sector"), &|| {
                figures::by_sector(&conn, filter).expect("q").len()
            });
            time(&name("outcomes_by_pass"), &|| {
                figures::outcomes_by_pass(&conn, filter).expect("q").len()
            });
            time(&name("topics"), &|| {
                figures::topics(&conn, filter).expect("q").len()
            });
            time(&name("follow_ups"), &|| {
                figures::follow_ups(&conn, filter).expect("q").len()
            });
            time(&name("publics"), &|| {
                figures::publics(&conn, filter).expect("q").under_25 as usize
            });
            time(&name("agents"), &|| {
                figures::agents(&conn, filter, &team).expect("q").len()
            });
            time(&name("by_building"), &|| {
                figures::by_building(&conn, filter).expect("q").len()
            });
        }
        // Where a neighbourhood's report page goes: its figures, then its
        // answers.
        let n = Filter {
            neighbourhood: Some(neighbourhoods[3].id),
            ..f.clone()
        };
        time("report_neighbourhood", &|| {
            sync_server::consolidate::report::build(&conn, &n)
                .expect("q")
                .answers
                .len()
        });
        time("answers_neighbourhood", &|| {
            sync_server::consolidate::answers::results(&conn, &n)
                .expect("q")
                .len()
        });
    }
    let child = ChildServer::start(env!("CARGO_BIN_EXE_server-child"), data.path());
    let lazy_child = ChildServer::start_with_env(
        env!("CARGO_BIN_EXE_server-child"),
        lazy_data.path(),
        &[("PALIER_READ_MODEL", "lazy")],
    );
    let office = Office {
        url: child.url.clone(),
        cookie: format!("palier_session={token}"),
        client: reqwest::Client::new(),
    };
    let q = format!("campaign={}", latest.id);
    let n0 = neighbourhoods[3].id;
    let s0 = sectors[1].id;
    // The child's own read model catches up on its first read.
    let started = Instant::now();
    assert_eq!(office.get(&format!("/office/dashboard?{q}")).await.0, 200);
    println!(
        "first_read_catch_up_s {:.1}",
        started.elapsed().as_secs_f64()
    );
    let views = [
        ("dashboard", format!("/office/dashboard?{q}")),
        (
            "dashboard_neighbourhood",
            format!("/office/dashboard?{q}&neighbourhood={n0}"),
        ),
        (
            "dashboard_sector",
            format!("/office/dashboard?{q}&sector={s0}"),
        ),
        (
            "dashboard_dates",
            format!("/office/dashboard?{q}&from=2024-07-20&until=2024-07-26"),
        ),
        ("map", format!("/office/dashboard/map?{q}")),
        (
            "compare",
            format!(
                "/office/dashboard/compare?campaign={}&campaign={}&campaign={}",
                campaigns[0].id, campaigns[1].id, campaigns[2].id
            ),
        ),
        (
            "report_neighbourhood",
            format!("/office/reports?{q}&neighbourhood={n0}"),
        ),
        ("follow_ups", format!("/office/follow-ups?{q}&status=open")),
        ("answers", format!("/office/dashboard/answers?{q}")),
        (
            "answers_neighbourhood",
            format!("/office/dashboard/answers?{q}&neighbourhood={n0}"),
        ),
        (
            "answers_sector",
            format!("/office/dashboard/answers?{q}&sector={s0}"),
        ),
        (
            "answers_dates",
            format!("/office/dashboard/answers?{q}&from=2024-07-20&until=2024-07-26"),
        ),
        (
            "answers_by_language",
            format!("/office/dashboard/answers?{q}&by=language"),
        ),
        ("exports_page", format!("/office/exports?{q}")),
    ];
    child.reset_peak();
    for (name, path) in &views {
        let mut samples = Vec::new();
        for i in 0..23 {
            let start = Instant::now();
            let (status, _) = office.get(path).await;
            assert_eq!(status, 200, "{name}");
            if i >= 3 {
                samples.push(start.elapsed());
            }
        }
        println!(
            "view {name} p50_ms {:.0} p99_ms {:.0}",
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.99)
        );
    }
    let (peak, _) = child.peak_and_current_kib();
    println!("views_server_peak_mib {:.0}", peak as f64 / 1024.0);

    // Every visit as CSV, one campaign at a time.
    let mut total = Duration::ZERO;
    let mut rows = 0;
    let mut growth = 0u64;
    for c in &campaigns {
        let (_, before) = child.peak_and_current_kib();
        child.reset_peak();
        let start = Instant::now();
        let (status, bytes) = office
            .get(&format!(
                "/office/exports/visits.csv?campaign={}&reason=bench",
                c.id
            ))
            .await;
        total += start.elapsed();
        assert_eq!(status, 200);
        rows += bytes;
        let (peak, _) = child.peak_and_current_kib();
        growth = growth.max(peak.saturating_sub(before));
    }
    println!(
        "export_all_visits_s {:.1} bytes {} server_growth_mib {:.0}",
        total.as_secs_f64(),
        rows,
        growth as f64 / 1024.0
    );

    // The phones' days. The phone syncs with the eager server (the read
    // model follows in the background), its twin the same day with the lazy
    // one (nothing runs beside the sync): the ratio is what the projection
    // adds. Every other day the office loads the dashboard in a loop while
    // the phone syncs. The projection of each day is also timed on its own,
    // on the rebuilt model in this process.
    phone.server = app::platform::http::Server::new(&child.url);
    twin.server = app::platform::http::Server::new(&lazy_child.url);
    phone.sync().await;
    twin.sync().await;
    rebuilt.catch_up().expect("catch up");
    bare.catch_up().expect("catch up");
    let (mut eager, mut lazy, mut idle, mut loaded, mut projections, mut bare_projections) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for day in 0..DAYS {
        record_day(&mut phone, latest.id, &phone_sector, day);
        record_day(&mut twin, latest.id, &phone_sector, day + 100);
        // The lazy twin syncs before or after, a day each.
        if day % 4 < 2 {
            let start = Instant::now();
            twin.sync().await;
            lazy.push(start.elapsed());
        }
        let busy = day % 2 == 1;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let load = busy.then(|| {
            let stop = stop.clone();
            let office = Office {
                url: office.url.clone(),
                cookie: office.cookie.clone(),
                client: reqwest::Client::new(),
            };
            let path = format!("/office/dashboard?{q}");
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    office.get(&path).await;
                    n += 1;
                }
                n
            })
        });
        if busy {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let start = Instant::now();
        phone.sync().await;
        let took = start.elapsed();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(load) = load {
            let n = load.await.expect("load");
            println!("day {day} loaded by {n} dashboard loads");
            loaded.push(took);
        } else {
            idle.push(took);
            eager.push(took);
        }
        // Let the eager server's projection finish before the next day.
        tokio::time::sleep(Duration::from_millis(500)).await;
        if day % 4 >= 2 {
            let start = Instant::now();
            twin.sync().await;
            lazy.push(start.elapsed());
        }
        // The day projected with its answers and without, in turn first.
        let mut models = [(&rebuilt, &mut projections), (&bare, &mut bare_projections)];
        if day % 2 == 1 {
            models.reverse();
        }
        for (model, times) in models {
            let start = Instant::now();
            model.catch_up().expect("catch up");
            times.push(start.elapsed());
        }
    }
    let med = |v: &mut Vec<Duration>| percentile(v, 0.5);
    let (eager_ms, lazy_ms) = (med(&mut eager), med(&mut lazy));
    println!(
        "day_sync_eager_ms {eager_ms:.0} day_sync_lazy_ms {lazy_ms:.0} ratio {:.2}",
        eager_ms / lazy_ms,
    );
    let (with, without) = (med(&mut projections), med(&mut bare_projections));
    println!(
        "day_projection_ms {with:.0} without_answers_ms {without:.0} ratio {:.2}",
        with / without
    );
    let (idle_ms, loaded_ms) = (med(&mut idle), med(&mut loaded));
    println!(
        "day_sync_idle_ms {idle_ms:.0} day_sync_dashboard_loop_ms {loaded_ms:.0} ratio {:.2}",
        loaded_ms / idle_ms
    );
    drop(lazy_child);
    drop(child);
}

/// The documents as they are, except that no campaign reads: the read
/// model then projects every visit without its answers (as it does for a
/// campaign it cannot read), which is what projecting a day cost before
/// answers were projected. Only for the ratio of the two.
struct WithoutCampaigns(sync_server::storage::tenants::TenantStore);

struct Hiding(Box<dyn shared::sync::DocumentStore + Send>);

impl sync_server::readmodel::DocumentSource for WithoutCampaigns {
    fn documents(
        &self,
    ) -> Result<Box<dyn shared::sync::DocumentStore + Send>, shared::store::StoreError> {
        Ok(Box::new(Hiding(self.0.documents()?)))
    }
}

mod hiding {
    use super::Hiding;
    use automerge::{Automerge, ChangeHash, sync};
    use shared::schema::{DocId, DocKind};
    use shared::store::{
        Changed, Committed, ExchangeWrite, KindsVersion, Saved, StoreError, Tombstone,
    };
    use shared::sync::{DocumentStore, SyncStore};

    impl SyncStore for Hiding {
        fn load(&self, doc_id: &DocId) -> Result<Option<Automerge>, StoreError> {
            if doc_id.kind() == DocKind::Campaign {
                return Ok(None);
            }
            self.0.load(doc_id)
        }
        fn heads(&self, doc_id: &DocId) -> Result<Option<Vec<ChangeHash>>, StoreError> {
            self.0.heads(doc_id)
        }
        fn stored_bytes(&self, doc_id: &DocId) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
            self.0.stored_bytes(doc_id)
        }
        fn stored_size(&self, doc_id: &DocId) -> Result<Option<u64>, StoreError> {
            self.0.stored_size(doc_id)
        }
        fn is_erased(&self, doc_id: &DocId) -> Result<bool, StoreError> {
            self.0.is_erased(doc_id)
        }
        fn sync_state(
            &self,
            peer: &str,
            doc_id: &DocId,
        ) -> Result<Option<sync::State>, StoreError> {
            self.0.sync_state(peer, doc_id)
        }
        fn current_rev(&self) -> Result<i64, StoreError> {
            self.0.current_rev()
        }
        fn changed_since(&self, rev: i64, limit: usize) -> Result<Vec<Changed>, StoreError> {
            self.0.changed_since(rev, limit)
        }
        fn tombstone(&self, doc_id: &DocId) -> Result<Option<Tombstone>, StoreError> {
            self.0.tombstone(doc_id)
        }
        fn tombstones_between(&self, after: i64, upto: i64) -> Result<Vec<Tombstone>, StoreError> {
            self.0.tombstones_between(after, upto)
        }
        fn commit_exchange(
            &mut self,
            writes: &[ExchangeWrite<'_>],
            peer: &str,
            states: &[(&DocId, &sync::State)],
        ) -> Result<Committed, StoreError> {
            self.0.commit_exchange(writes, peer, states)
        }
    }

    impl DocumentStore for Hiding {
        fn save_all(&mut self, docs: &[(&DocId, &Automerge)]) -> Result<Vec<Saved>, StoreError> {
            self.0.save_all(docs)
        }
        fn erase(&mut self, doc_id: &DocId, erased_at: i64) -> Result<Tombstone, StoreError> {
            self.0.erase(doc_id, erased_at)
        }
        fn erase_later(&mut self, doc_id: &DocId, erased_at: i64) -> Result<Tombstone, StoreError> {
            self.0.erase_later(doc_id, erased_at)
        }
        fn scrub(&mut self) -> Result<(), StoreError> {
            self.0.scrub()
        }
        fn replace(
            &mut self,
            old: (&DocId, &[ChangeHash]),
            new: &DocId,
            doc: &Automerge,
            erased_at: i64,
        ) -> Result<Tombstone, StoreError> {
            self.0.replace(old, new, doc, erased_at)
        }
        fn fingerprint(&self) -> Result<Vec<(DocId, Vec<ChangeHash>)>, StoreError> {
            self.0.fingerprint()
        }
        fn doc_ids_of(&self, kind: DocKind) -> Result<Vec<DocId>, StoreError> {
            self.0.doc_ids_of(kind)
        }
        fn document_count(&self) -> Result<i64, StoreError> {
            self.0.document_count()
        }
        fn erased_between(&self, after: i64, upto: i64) -> Result<Vec<DocId>, StoreError> {
            self.0.erased_between(after, upto)
        }
        fn kinds_version(&self, kinds: &[DocKind]) -> Result<KindsVersion, StoreError> {
            self.0.kinds_version(kinds)
        }
        fn read_consistent(
            &self,
            read: &mut dyn FnMut() -> Result<(), StoreError>,
        ) -> Result<(), StoreError> {
            self.0.read_consistent(read)
        }
    }
}
