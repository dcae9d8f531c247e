//! The office consolidates what several phones pushed through the real sync
//! endpoint: every dashboard figure against a count made here from the raw
//! visits, the read model rebuilt against the one kept up to date, a
//! follow-up answered at the office reaching the phone's door, the exports
//! and open data, and the elected officials' read-only office.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use std::collections::BTreeSet;
use sync_server::readmodel::ReadModel;
use tests::{Device, Office, OfficePages, TestServer, samples};

const T0: i64 = 1_790_000_000_000;
const MINUTE: i64 = 60_000;

struct Field {
    server: TestServer,
    office: Office,
    campaign: Campaign,
    buildings: Vec<Building>,
    phones: Vec<Device>,
    visits: Vec<Visit>,
    follow_up: FollowUp,
}

fn building(n: u8, neighbourhood: Option<NeighbourhoodId>) -> Building {
    let mut b = samples::building(n);
    b.neighbourhood = neighbourhood;
    b.entrances[0].floors[0].doors = (1..=6).map(|d| d.to_string()).collect();
    b
}

/// Three phones, two sectors, a day of visits, one follow-up, all synced.
async fn field_day() -> Field {
    let server = TestServer::start().await;
    let office = server.municipality("Consolidation").await;
    let north = samples::neighbourhood("Nord");
    let south = samples::neighbourhood("Sud");
    server.put(office.id, &north);
    server.put(office.id, &south);
    let buildings = vec![
        building(1, Some(north.id)),
        building(2, Some(north.id)),
        building(3, Some(south.id)),
        building(4, None),
    ];
    for b in &buildings {
        server.put(office.id, b);
    }
    let mut campaign = Campaign::new(
        "Automne".into(),
        CampaignKind::DoorToDoor,
        T0 - 86_400_000,
        T0 + 30 * 86_400_000,
    );
    campaign.services = vec![samples::SERVICE.into()];
    server.put(office.id, &campaign);
    let mut phones = Vec::new();
    for _ in 0..3 {
        phones.push(Device::enrol(&server, &office, Role::Agent).await);
    }
    server.put(
        office.id,
        &samples::sector(
            campaign.id,
            "Nord",
            vec![buildings[0].id, buildings[1].id],
            phones[0].agent,
        ),
    );
    let mut south_sector = samples::sector(
        campaign.id,
        "Sud",
        vec![buildings[2].id, buildings[3].id],
        phones[1].agent,
    );
    south_sector.agents.push(phones[2].agent);
    server.put(office.id, &south_sector);
    for phone in &mut phones {
        phone.sync().await;
    }

    let outcomes = Outcome::ALL;
    let mut visits = Vec::new();
    let door = |d: usize| DwellingRef {
        entrance: "A".into(),
        floor: 0,
        door: (1 + d % 6).to_string(),
    };
    // Phone 0 records twelve visits a second apart: a data-quality flag.
    for i in 0..12usize {
        let mut v = Visit::outcome_only(
            campaign.id,
            buildings[i % 2].id,
            door(i),
            Pass(1 + (i % 2) as u8),
            T0 + i as i64 * 1000,
            phones[0].agent,
            outcomes[i % outcomes.len()],
        );
        if v.outcome == Outcome::Talked {
            v.profile.age_band = Some("15-24".into());
            v.profile.language = Some("ar".into());
            v.topics = vec!["propreté".into()];
        }
        phones[0].record(&v);
        visits.push(v);
    }
    // Phones 1 and 2 work the south sector, five minutes a door.
    for (p, count) in [(1usize, 8usize), (2, 6)] {
        for i in 0..count {
            let mut v = Visit::outcome_only(
                campaign.id,
                buildings[2 + i % 2].id,
                door(i + p),
                Pass(1),
                T0 + (i as i64) * 5 * MINUTE + p as i64 * 86_400_000,
                phones[p].agent,
                if i % 2 == 0 {
                    Outcome::Talked
                } else {
                    Outcome::NotHome
                },
            );
            if v.outcome == Outcome::Talked {
                v.profile.age_band = Some(["65+", "25-64", "<15"][i % 3].into());
                v.profile.language = Some(["fr", "pt", "fr-FR"][i % 3].into());
                v.topics = vec!["ascenseurs".into(), "jeunesse".into()];
                v.verbatim = format!("SECRET-VERBATIM-{p}-{i}");
            }
            phones[p].record(&v);
            visits.push(v);
        }
    }
    // A follow-up raised at a door by phone 2.
    let mut follow_up = samples::follow_up(campaign.id, phones[2].agent);
    follow_up.building = Some(buildings[2].id);
    follow_up.history[0].at = T0 + 2 * 86_400_000;
    phones[2].put(&follow_up);
    let mut linked = Visit::outcome_only(
        campaign.id,
        buildings[2].id,
        door(5),
        Pass(2),
        T0 + 2 * 86_400_000 + 60 * MINUTE,
        phones[2].agent,
        Outcome::Talked,
    );
    linked.follow_up = Some(follow_up.id);
    phones[2].record(&linked);
    visits.push(linked);
    // A volunteer's personal data, on phone 1.
    let volunteer = tests::person("Awa Diallo-Secret", phones[1].agent);
    phones[1].put(&volunteer);

    for phone in &mut phones {
        phone.sync().await;
    }
    Field {
        server,
        office,
        campaign,
        buildings,
        phones,
        visits,
        follow_up,
    }
}

/// The number a dashboard shows for a figure.
fn figure(body: &str, name: &str) -> i64 {
    let marker = format!("data-figure=\"{name}\">");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no figure {name}"))
        + marker.len();
    let end = start + body[start..].find('<').expect("end");
    body[start..end].trim().parse().expect("a number")
}

fn cells_after(body: &str, marker: &str) -> Vec<String> {
    let start = body.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let row = &body[start..start + body[start..].find("</tr>").expect("row end")];
    row.split("<td>")
        .skip(1)
        .map(|c| c[..c.find('<').unwrap_or(c.len())].to_string())
        .collect()
}

fn door_key(v: &Visit) -> (BuildingId, DwellingRef) {
    (v.building, v.door.clone())
}

#[tokio::test]
async fn every_dashboard_figure_equals_a_count_from_the_raw_visits() {
    let f = field_day().await;
    let pages = OfficePages::new(&f.server, &f.office);
    let page = pages
        .get(&format!("/office/dashboard?campaign={}", f.campaign.id))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;

    let doors: usize = f.buildings.iter().map(Building::dwelling_count).sum();
    let reached: BTreeSet<_> = f.visits.iter().map(door_key).collect();
    let talked_visits: Vec<&Visit> = f
        .visits
        .iter()
        .filter(|v| v.outcome == Outcome::Talked)
        .collect();
    let talked: BTreeSet<_> = talked_visits.iter().map(|v| door_key(v)).collect();
    assert_eq!(figure(body, "doors"), doors as i64);
    assert_eq!(figure(body, "doors_reached"), reached.len() as i64);
    assert_eq!(figure(body, "doors_talked"), talked.len() as i64);
    assert_eq!(figure(body, "visits"), f.visits.len() as i64);
    let age = |bands: &[&str]| {
        talked_visits
            .iter()
            .filter(|v| {
                v.profile
                    .age_band
                    .as_deref()
                    .is_some_and(|a| bands.contains(&a))
            })
            .count() as i64
    };
    assert_eq!(figure(body, "under_25"), age(&["<15", "15-24"]));
    assert_eq!(figure(body, "over_65"), age(&["65+"]));
    let not_french = talked_visits
        .iter()
        .filter(|v| {
            v.profile
                .language
                .as_deref()
                .is_some_and(|l| !l.starts_with("fr"))
        })
        .count() as i64;
    assert_eq!(figure(body, "not_french"), not_french);
    // Outcomes by pass, cell by cell.
    for pass in 1..=2u8 {
        for outcome in Outcome::ALL {
            let expected = f
                .visits
                .iter()
                .filter(|v| v.pass == Pass(pass) && v.outcome == outcome)
                .count();
            let marker = format!(
                "data-pass=\"{pass}\" data-outcome=\"{}\">",
                outcome.as_str()
            );
            let start = body.find(&marker).map(|s| s + marker.len());
            let shown: usize = start.map_or(0, |s| {
                body[s..s + body[s..].find('<').expect("end")]
                    .parse()
                    .expect("n")
            });
            assert_eq!(shown, expected, "pass {pass}, {outcome:?}");
        }
    }
    // Per agent: visits, doors knocked, conversations.
    for phone in &f.phones {
        let mine: Vec<&Visit> = f.visits.iter().filter(|v| v.agent == phone.agent).collect();
        let cells = cells_after(body, &format!("data-agent=\"{}\"", phone.agent));
        let knocked: BTreeSet<_> = mine.iter().map(|v| door_key(v)).collect();
        let conversations = mine.iter().filter(|v| v.outcome == Outcome::Talked).count();
        assert_eq!(cells[0], mine.len().to_string());
        assert_eq!(cells[1], knocked.len().to_string());
        assert_eq!(cells[2], conversations.to_string());
    }
    // Twelve visits a second apart over two buildings: in each, five came
    // seconds after the previous.
    assert!(body.contains("id=\"flags\""), "no data-quality flag");
    assert!(body.contains("10 visites sur 12"), "{body}");
    // Every figure's definition is on the page.
    assert!(body.contains("id=\"definitions\""));
    assert!(body.contains("Portes touchées ÷ portes."));

    // The sector filter: the north sector is phone 0's twelve visits.
    let north = f
        .visits
        .iter()
        .filter(|v| v.agent == f.phones[0].agent)
        .count();
    let page = pages
        .get(&format!("/office/dashboard?campaign={}", f.campaign.id))
        .await;
    let sector_id = {
        let marker = "name=\"sector\"";
        let s = page.body.find(marker).expect("sector select");
        let opt = "<option value=\"";
        let first = s + page.body[s..].find(opt).expect("all") + opt.len();
        let second = first + page.body[first..].find(opt).expect("one") + opt.len();
        page.body[second..second + 32].to_string()
    };
    let filtered = pages
        .get(&format!(
            "/office/dashboard?campaign={}&sector={sector_id}",
            f.campaign.id
        ))
        .await;
    let shown = figure(&filtered.body, "visits");
    assert!(
        shown == north as i64 || shown == (f.visits.len() - north) as i64,
        "a sector shows its own visits, not {shown}"
    );
    // Dates: the first day only is phone 0's.
    let day = pages
        .get(&format!(
            "/office/dashboard?campaign={}&from=2026-09-21&until=2026-09-21",
            f.campaign.id
        ))
        .await;
    const DAY: i64 = 86_400_000;
    let day_start = T0.div_euclid(DAY) * DAY;
    let first_day = f
        .visits
        .iter()
        .filter(|v| (day_start..day_start + DAY).contains(&v.at))
        .count();
    assert_eq!(figure(&day.body, "visits"), first_day as i64);
}

#[tokio::test]
async fn the_read_model_rebuilt_from_the_documents_equals_the_one_kept_in_step() {
    let f = field_day().await;
    // An undo and an erasure after the first projection.
    let live = f
        .server
        .state
        .tenants
        .read_model(f.office.id)
        .expect("model");
    live.catch_up().expect("catch up");
    {
        let store = f.server.state.tenants.store(f.office.id).expect("store");
        let mut store = store.get().expect("connection");
        let log = DocId::visits(f.campaign.id, f.buildings[0].id);
        let mut doc = store.load(&log).expect("load").expect("log");
        let first = f.visits[0].id;
        shared::schema::remove_visit(&mut doc, first).expect("undo");
        store.save_one(&log, &doc).expect("save");
        store
            .erase(&DocId::visits(f.campaign.id, f.buildings[3].id), 1)
            .expect("erase");
    }
    live.catch_up().expect("catch up");
    let dir = tempfile::tempdir().expect("tempdir");
    let rebuilt = ReadModel::open(
        &dir.path().join("rebuilt.sqlite"),
        f.server.state.tenants.store(f.office.id).expect("store"),
    )
    .expect("open");
    rebuilt.catch_up().expect("rebuild");
    let (a, b) = (live.dump().expect("dump"), rebuilt.dump().expect("dump"));
    assert_eq!(a, b);
    assert!(!a["rm_visits"].is_empty());
    // No personal data in it: the volunteer's name never reached it.
    assert!(!format!("{a:?}").contains("Awa Diallo"));
}

#[tokio::test]
async fn a_status_changed_at_the_office_reaches_the_phones_door() {
    let mut f = field_day().await;
    let pages = OfficePages::new(&f.server, &f.office);
    let list = pages
        .get(&format!("/office/follow-ups?campaign={}", f.campaign.id))
        .await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&f.follow_up.id.to_string()));
    let path = format!("/office/follow-ups/{}", f.follow_up.id);

    // Attacks first: nothing changes.
    let before = f
        .server
        .load(f.office.id, &DocId::follow_up(f.follow_up.id));
    let bogus = pages
        .post(&path, &[("status", "deleted"), ("note", "x")])
        .await;
    assert_eq!(bogus.status, 404);
    let unknown = pages
        .post(
            &format!("/office/follow-ups/{}", FollowUpId::new()),
            &[("status", "resolved")],
        )
        .await;
    assert_eq!(unknown.status, 404);
    let other = f.server.municipality("Ailleurs").await;
    let elsewhere = OfficePages::new(&f.server, &other)
        .post(&path, &[("status", "declined"), ("note", "pirate")])
        .await;
    assert_eq!(elsewhere.status, 404, "another municipality reached it");
    let forged = reqwest::Client::new()
        .post(format!("{}{path}", f.server.url))
        .header("cookie", format!("palier_session={}", f.office.token))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("status=declined")
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403, "no form token");
    let after = f
        .server
        .load(f.office.id, &DocId::follow_up(f.follow_up.id));
    assert_eq!(
        before.map(|d| d.get_heads()),
        after.map(|d| d.get_heads()),
        "a refused change left a trace"
    );

    let changed = pages
        .post(
            &path,
            &[
                ("status", "resolved"),
                ("note", "Ascenseur réparé le 3 octobre"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    // The list says so at once (the read model follows).
    let list = pages
        .get(&format!(
            "/office/follow-ups?campaign={}&status=resolved",
            f.campaign.id
        ))
        .await;
    assert!(list.body.contains("Ascenseur réparé le 3 octobre"));

    let phone = &mut f.phones[2];
    phone.sync().await;
    let on_phone: FollowUp = phone
        .get(&DocId::follow_up(f.follow_up.id))
        .expect("the phone holds it");
    assert_eq!(on_phone.status, FollowUpStatus::Resolved);
    let grid = app::field::grid(&phone.store, f.campaign.id, f.buildings[2].id).expect("grid");
    let news: Vec<_> = grid
        .entrances
        .iter()
        .flat_map(|e| &e.floors)
        .flat_map(|fl| &fl.doors)
        .flat_map(|d| &d.follow_ups)
        .collect();
    assert_eq!(news.len(), 1, "the door shows what became of it");
    assert_eq!(news[0].status, FollowUpStatus::Resolved);
    assert_eq!(news[0].note, "Ascenseur réparé le 3 octobre");
}

/// Whether a masked cell of a column could be below 11 and could be 11 or
/// more, given the published cells and total (non-negative integers that
/// add up): an exhaustive search over the values the masked cells may take.
fn masked_cells_hide(cells: &[Option<i64>], total: Option<i64>) {
    let masked: Vec<usize> = (0..cells.len()).filter(|i| cells[*i].is_none()).collect();
    let known: i64 = cells.iter().flatten().sum();
    for &i in &masked {
        let others = masked.len() - 1;
        let feasible = |x: i64| match total {
            None => true,
            Some(t) => {
                let rest = t - known - x;
                rest == 0 || (rest > 0 && others > 0)
            }
        };
        let cap = total.unwrap_or(100) + 11;
        assert!(
            (0..11).any(feasible),
            "masked cell {i} is known to be 11 or more"
        );
        assert!(
            (11..=cap).any(feasible),
            "masked cell {i} is known to be below 11"
        );
    }
}

#[tokio::test]
async fn exports_carry_no_free_text_and_open_data_only_counts() {
    let f = field_day().await;
    let pages = OfficePages::new(&f.server, &f.office);
    let q = format!("campaign={}", f.campaign.id);

    // A door-level file goes only with a stated reason, which the journal
    // keeps with who downloaded it.
    let refused = pages.get(&format!("/office/exports/visits.csv?{q}")).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("motif"), "says why");
    let reason = "Relance%20des%20portes%20closes";
    let visits = pages
        .get(&format!("/office/exports/visits.csv?{q}&reason={reason}"))
        .await;
    assert_eq!(visits.status, 200);
    let journal = pages.get("/office/privacy/journal").await;
    assert!(
        journal.body.contains("visits.csv") && journal.body.contains("Relance des portes closes"),
        "the export and its reason are in the journal"
    );
    assert!(visits.body.starts_with('\u{feff}'), "no byte-order mark");
    assert_eq!(visits.body.lines().count(), f.visits.len() + 1);
    assert!(
        !visits.body.contains("SECRET-VERBATIM"),
        "free text exported"
    );
    let semicolon = pages
        .get(&format!(
            "/office/exports/visits.csv?{q}&sep=semicolon&reason={reason}"
        ))
        .await;
    assert!(
        semicolon
            .body
            .lines()
            .next()
            .expect("header")
            .contains("Date;Quartier;"),
        "French headers in a French office"
    );
    assert!(
        !visits.body.contains("not_home") && visits.body.contains("Absent"),
        "outcomes as the office names them"
    );

    let geojson = pages
        .get(&format!("/office/exports/buildings.geojson?{q}"))
        .await;
    let value: serde_json::Value = serde_json::from_str(&geojson.body).expect("json");
    assert_eq!(value["features"].as_array().expect("features").len(), 4);
    let per_n = pages
        .get(&format!(
            "/office/exports/neighbourhoods.csv?{q}&sep=semicolon"
        ))
        .await;
    assert!(per_n.body.contains("Nord;"));

    let open = pages
        .get(&format!("/office/exports/open-data.json?{q}"))
        .await;
    assert_eq!(open.status, 200);
    assert!(!open.body.contains("SECRET-VERBATIM") && !open.body.contains("Awa"));
    let table: serde_json::Value = serde_json::from_str(&open.body).expect("json");
    assert_eq!(table["rule"]["threshold"], 11);
    let fields = table["fields"].as_array().expect("fields").len();
    let rows = table["rows"].as_array().expect("rows");
    for column in 0..fields {
        let cells: Vec<Option<i64>> = rows.iter().map(|r| r[1][column].as_i64()).collect();
        let total = table["total"][column].as_i64();
        for v in cells.iter().flatten().chain(total.iter()) {
            assert!(!(1..11).contains(v), "{v} published");
        }
        masked_cells_hide(&cells, total);
    }
    assert!(
        table["masked"][0].as_i64().expect("primary") > 0,
        "this day's counts are small"
    );
    let csv = pages
        .get(&format!("/office/exports/open-data.csv?{q}"))
        .await;
    assert!(
        !csv.body.lines().any(|l| l.starts_with('#')),
        "comment lines a spreadsheet takes for data"
    );
    let metadata = pages
        .get(&format!("/office/exports/open-data-metadata.json?{q}"))
        .await;
    let metadata: serde_json::Value = serde_json::from_str(&metadata.body).expect("json");
    assert_eq!(metadata["rule"]["version"], "palier-open-data-2");
    assert_eq!(metadata["fields"], table["fields"]);
}

#[tokio::test]
async fn an_elected_official_reads_the_figures_and_the_report_and_changes_nothing() {
    let f = field_day().await;
    let elected = f
        .server
        .account(
            &f.office,
            "maire-adjointe@ville.test",
            Role::ElectedOfficial,
        )
        .await;
    let pages = OfficePages::new(&f.server, &elected);
    let q = format!("campaign={}", f.campaign.id);
    let home = pages.get("/office").await;
    assert_eq!(home.location.as_deref(), Some("/office/dashboard"));
    for path in [
        format!("/office/dashboard?{q}"),
        format!("/office/dashboard/map?{q}"),
        format!("/office/dashboard/compare?{q}"),
        format!("/office/reports?{q}"),
    ] {
        let page = pages.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            !page
                .body
                .contains("<form method=\"post\" action=\"/office/follow-ups")
        );
    }
    let dashboard = pages.get(&format!("/office/dashboard?{q}")).await;
    assert!(
        !dashboard.body.contains("id=\"phones\""),
        "phones are the office's"
    );
    let report = pages.get(&format!("/office/reports?{q}")).await;
    assert!(report.body.contains("report-page"));
    for path in [
        format!("/office/follow-ups?{q}"),
        format!("/office/exports?{q}"),
        format!("/office/exports/visits.csv?{q}"),
        "/office/territory".to_string(),
        "/office/devices".to_string(),
        format!("/office/campaigns/{}", f.campaign.id),
    ] {
        assert_eq!(pages.get(&path).await.status, 403, "{path}");
    }
    let before = f
        .server
        .load(f.office.id, &DocId::follow_up(f.follow_up.id));
    let post = pages
        .post(
            &format!("/office/follow-ups/{}", f.follow_up.id),
            &[("status", "declined")],
        )
        .await;
    assert_eq!(post.status, 403);
    assert_eq!(
        pages
            .post("/office/campaigns", &[("name", "Pirate")])
            .await
            .status,
        403
    );
    let after = f
        .server
        .load(f.office.id, &DocId::follow_up(f.follow_up.id));
    assert_eq!(before.map(|d| d.get_heads()), after.map(|d| d.get_heads()));
}

#[tokio::test]
async fn hostile_filters_are_ignored_not_obeyed() {
    let f = field_day().await;
    let pages = OfficePages::new(&f.server, &f.office);
    let long = "x".repeat(10_000);
    for query in [
        "campaign=nope&from=31/12/2026&sector=../../etc&neighbourhood=%00".to_string(),
        format!("campaign={long}"),
        format!("campaign={}&sector={}", f.campaign.id, SectorId::new()),
        "campaign=' OR 1=1 --".to_string(),
    ] {
        let page = pages.get(&format!("/office/dashboard?{query}")).await;
        assert_eq!(page.status, 200, "{query}");
        // Unknown filters fall back to the whole campaign.
        assert_eq!(
            figure(&page.body, "visits"),
            f.visits.len() as i64,
            "{query}"
        );
    }
    assert_eq!(pages.get("/office/exports/passwords.csv").await.status, 404);
}

#[tokio::test]
async fn the_report_has_no_page_for_a_neighbourhood_outside_the_campaign_and_quotes_words_once() {
    let mut f = field_day().await;
    // A neighbourhood of the town where this campaign has no building.
    let elsewhere = samples::neighbourhood("Hors-démarche");
    f.server.put(f.office.id, &elsewhere);
    // The same words, recorded at two doors (two passes, two phones),
    // with a name in them.
    let words = "Mme Ndiaye dit que le hall est sale depuis la rentrée";
    let mut said = Vec::new();
    for (i, d) in [1usize, 2].into_iter().enumerate() {
        let mut v = Visit::outcome_only(
            f.campaign.id,
            f.buildings[2].id,
            DwellingRef {
                entrance: "A".into(),
                floor: 0,
                door: d.to_string(),
            },
            Pass(2),
            T0 + 10 * 86_400_000 + i as i64 * MINUTE,
            f.phones[1].agent,
            Outcome::Talked,
        );
        v.verbatim = words.into();
        f.phones[1].record(&v);
        said.push(v);
    }
    f.phones[1].sync().await;
    let pages = OfficePages::new(&f.server, &f.office);
    let report_path = format!("/office/reports?campaign={}", f.campaign.id);
    let report = pages.get(&report_path).await;
    assert_eq!(report.status, 200);
    assert!(
        !report.body.contains("Hors-démarche</h2>"),
        "a page of zeros for a neighbourhood outside the campaign"
    );
    assert!(
        report.body.contains("Sud"),
        "the covered neighbourhoods keep theirs"
    );
    let pages_count = report.body.matches("report-page").count();
    assert_eq!(pages_count, 3, "the whole town, Nord and Sud");
    // Offered to the coordinator to choose, once on the whole town's page
    // and once on Sud's (the same words twice are offered once), and
    // quoted nowhere yet.
    assert_eq!(report.body.matches(words).count(), 2, "offered once a page");
    let elected = f
        .server
        .account(&f.office, "elu@rapport.test", Role::ElectedOfficial)
        .await;
    let elected = OfficePages::new(&f.server, &elected);
    let read = elected.get(&report_path).await;
    assert_eq!(read.status, 200);
    assert!(
        !read.body.contains("Ndiaye") && !read.body.contains("quote-candidates"),
        "no resident's words reach an elected official unless chosen"
    );
    // An elected official cannot choose.
    let visit = said[0].id.to_string();
    let campaign = f.campaign.id.to_string();
    let choose = [
        ("campaign", campaign.as_str()),
        ("visit", visit.as_str()),
        ("chosen", "1"),
    ];
    assert_eq!(
        elected.post("/office/reports/quotes", &choose).await.status,
        403
    );
    assert!(!elected.get(&report_path).await.body.contains("Ndiaye"));
    // The coordinator chooses them: quoted on both pages, redacted as
    // every quote is.
    let chosen = pages.post("/office/reports/quotes", &choose).await;
    assert_eq!(chosen.status, 303);
    let read = elected.get(&report_path).await;
    assert_eq!(read.body.matches(words).count(), 2, "quoted once a page");
    assert!(!read.body.contains("quote-candidates"));
    // The coordinator sees them quoted, not offered again from the other
    // door.
    let report = pages.get(&report_path).await;
    assert_eq!(report.body.matches(words).count(), 2, "quoted, not offered");
    // The words corrected away on the phone leave the report with them.
    let mut corrected = said[0].clone();
    corrected.verbatim = String::new();
    f.phones[1].record(&corrected);
    f.phones[1].sync().await;
    let read = elected.get(&report_path).await;
    assert!(
        !read.body.contains("Ndiaye"),
        "a chosen quote whose words are gone is gone"
    );
}

#[tokio::test]
async fn the_office_remembers_the_campaign_chosen_last() {
    let f = field_day().await;
    // Another campaign, not the default (it starts years from now).
    let later = Campaign::new(
        "Printemps".into(),
        CampaignKind::DoorToDoor,
        T0 + 3650 * 86_400_000,
        T0 + 3700 * 86_400_000,
    );
    f.server.put(f.office.id, &later);
    let client = reqwest::Client::new();
    let session = format!("palier_session={}", f.office.token);
    let get = |path: String, cookie: String| {
        let client = client.clone();
        let url = format!("{}{path}", f.server.url);
        async move {
            client
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .expect("get")
        }
    };
    let selected =
        |body: &str, id: CampaignId| body.contains(&format!("<option value=\"{id}\" selected>"));
    let chosen = get(
        format!("/office/dashboard?campaign={}", later.id),
        session.clone(),
    )
    .await;
    let set = chosen
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("palier_campaign="))
        .expect("the choice is remembered")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    assert_eq!(set, format!("palier_campaign={}", later.id));
    // The report, opened from the menu with no campaign: the one chosen.
    let report = get("/office/reports".into(), format!("{session}; {set}")).await;
    assert!(selected(&report.text().await.expect("body"), later.id));
    // Without the cookie: the default, the campaign under way.
    let fresh = get("/office/reports".into(), session.clone()).await;
    assert!(selected(&fresh.text().await.expect("body"), f.campaign.id));
    // A forged value is ignored, not obeyed.
    let forged = get(
        "/office/reports".into(),
        format!("{session}; palier_campaign=../../x"),
    )
    .await;
    assert_eq!(forged.status(), 200);
    assert!(selected(&forged.text().await.expect("body"), f.campaign.id));
    // Logging out forgets it with the session.
    let out = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!(
            "{}/office/logout?csrf={}",
            f.server.url,
            sync_server::office::csrf_token(&f.office.token)
        ))
        .header("origin", &f.server.url)
        .header("sec-fetch-site", "same-origin")
        .header("cookie", format!("{session}; {set}"))
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status().as_u16(), 303);
    let cleared: Vec<&str> = out
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("palier_campaign=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
}
