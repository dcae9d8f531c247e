//! Every dashboard figure against a count made here, independently, from
//! the raw visits, over random field data and random filters.

use super::figures;
use super::filter::Filter;
use crate::readmodel::ReadModel;
use automerge::Automerge;
use proptest::prelude::*;
use shared::domain::*;
use shared::schema::{self, DocId, SingleRecord};
use shared::store::{Origin, Store};
use std::collections::{BTreeMap, BTreeSet};

const DAY: i64 = 86_400_000;
const AGES: [Option<&str>; 5] = [None, Some("<15"), Some("15-24"), Some("25-64"), Some("65+")];
const LANGS: [Option<&str>; 5] = [None, Some("fr"), Some("fr-FR"), Some("ar"), Some("")];
const TOPICS: [&str; 3] = ["propreté", "ascenseurs", "jeunesse"];

/// One generated visit: (campaign 0/1, building, door, pass, day, agent,
/// outcome, age, language, topics bitmask).
type Raw = (usize, usize, usize, u8, i64, usize, usize, usize, usize, u8);

struct World {
    _dir: tempfile::TempDir,
    model: ReadModel,
    campaigns: [CampaignId; 2],
    neighbourhoods: [NeighbourhoodId; 2],
    buildings: Vec<Building>,
    sectors: Vec<(SectorId, Vec<usize>)>,
    agents: Vec<AgentId>,
    visits: Vec<Visit>,
}

fn save<T: SingleRecord>(store: &mut Store, record: &T) {
    let mut doc = Automerge::new();
    schema::write(&mut doc, record).expect("write");
    store
        .save(&record.doc_id(), &doc, Origin::Remote)
        .expect("save");
}

fn world(raw: &[Raw]) -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs.sqlite");
    let mut store = Store::open(&docs).expect("store");
    let campaigns = [CampaignId::new(), CampaignId::new()];
    for (i, id) in campaigns.iter().enumerate() {
        let mut c = Campaign::new(format!("C{i}"), CampaignKind::DoorToDoor, 0, 30 * DAY);
        c.id = *id;
        save(&mut store, &c);
    }
    let neighbourhoods = [NeighbourhoodId::new(), NeighbourhoodId::new()];
    for (i, id) in neighbourhoods.iter().enumerate() {
        save(
            &mut store,
            &Neighbourhood {
                id: *id,
                key: format!("N{i}"),
                name: format!("N{i}"),
                polygons: vec![],
            },
        );
    }
    let buildings: Vec<Building> = (0..6)
        .map(|i| Building {
            location: Point {
                lon: 2.3,
                lat: 48.8,
            },
            // Two in each neighbourhood, two in none.
            neighbourhood: match i % 3 {
                0 => Some(neighbourhoods[0]),
                1 => Some(neighbourhoods[1]),
                _ => None,
            },
            entrances: vec![shared::samples::entrance(
                "A",
                false,
                shared::samples::ground_floor(0..(1 + i % 4)),
            )],
            ..shared::samples::building(&format!("B{i}"), &format!("{i} rue"))
        })
        .collect();
    for b in &buildings {
        save(&mut store, b);
    }
    // Campaign 0 has two sectors (buildings 0-2 and 2-4: 5 is outside,
    // 2 is in both); campaign 1 has none (the whole municipality).
    let sectors: Vec<(SectorId, Vec<usize>)> = vec![
        (SectorId::new(), vec![0, 1, 2]),
        (SectorId::new(), vec![2, 3, 4]),
    ];
    for (i, (id, members)) in sectors.iter().enumerate() {
        save(
            &mut store,
            &Sector {
                id: *id,
                campaign: campaigns[0],
                name: format!("S{i}"),
                buildings: members.iter().map(|m| buildings[*m].id).collect(),
                agents: vec![],
            },
        );
    }
    let agents: Vec<AgentId> = (0..3).map(|_| AgentId::new()).collect();
    let outcomes = Outcome::ALL;
    let mut visits = Vec::new();
    let mut logs: BTreeMap<DocId, Automerge> = BTreeMap::new();
    for &(c, b, d, pass, day, a, o, age, lang, topics) in raw {
        let building = &buildings[b % buildings.len()];
        let doors: Vec<DwellingRef> = building.dwellings().collect();
        let mut v = Visit::outcome_only(
            campaigns[c % 2],
            building.id,
            doors[d % doors.len()].clone(),
            Pass(pass),
            day * DAY + (d as i64) * 1000,
            agents[a % agents.len()],
            outcomes[o % outcomes.len()],
        );
        v.profile.age_band = AGES[age % AGES.len()].map(String::from);
        v.profile.language = LANGS[lang % LANGS.len()].map(String::from);
        v.topics = TOPICS
            .iter()
            .enumerate()
            .filter(|(i, _)| topics & (1 << i) != 0)
            .map(|(_, t)| t.to_string())
            .collect();
        let log = logs
            .entry(DocId::visits(v.campaign, v.building))
            .or_default();
        schema::record_visit(log, &v).expect("record");
        visits.push(v);
    }
    for (id, doc) in &logs {
        store.save(id, doc, Origin::Remote).expect("save");
    }
    let docs = crate::storage::tenants::TenantStore::open_sqlite(docs).expect("docs");
    let model = ReadModel::open(&dir.path().join("model.sqlite"), docs).expect("model");
    World {
        _dir: dir,
        model,
        campaigns,
        neighbourhoods,
        buildings,
        sectors,
        agents,
        visits,
    }
}

/// The figures, counted the long way.
#[derive(Debug, PartialEq)]
struct Counted {
    doors: i64,
    reached: i64,
    talked: i64,
    visits: i64,
    by_pass: BTreeMap<(i64, String), i64>,
    publics: (i64, i64, i64, i64),
    agents: BTreeMap<String, (i64, i64, i64, i64, i64)>,
    topics: BTreeMap<(String, String), i64>,
}

/// The buildings a filter covers, found the long way.
fn scope<'a>(w: &'a World, f: &Filter) -> Vec<&'a Building> {
    let in_campaign_sectors: BTreeSet<usize> = if f.campaign == w.campaigns[0] {
        w.sectors
            .iter()
            .filter(|(id, _)| f.sector.is_none_or(|s| s == *id))
            .flat_map(|(_, m)| m.iter().copied())
            .collect()
    } else if f.sector.is_some() {
        BTreeSet::new()
    } else {
        (0..w.buildings.len()).collect()
    };
    in_campaign_sectors
        .iter()
        .map(|i| &w.buildings[*i])
        .filter(|b| f.neighbourhood.is_none_or(|n| b.neighbourhood == Some(n)))
        .collect()
}

/// The visits a filter covers, found the long way.
fn in_scope<'a>(w: &World, f: &Filter, visits: &'a [Visit]) -> Vec<&'a Visit> {
    let scope_ids: BTreeSet<BuildingId> = scope(w, f).iter().map(|b| b.id).collect();
    visits
        .iter()
        .filter(|v| v.campaign == f.campaign && scope_ids.contains(&v.building))
        .filter(|v| f.from.is_none_or(|from| v.at >= from) && f.until.is_none_or(|u| v.at < u))
        .collect()
}

fn count(w: &World, f: &Filter) -> Counted {
    let scope = scope(w, f);
    let visits = in_scope(w, f, &w.visits);
    let door = |v: &Visit| (v.building, v.door.clone());
    let mut by_pass = BTreeMap::new();
    for v in &visits {
        *by_pass
            .entry((i64::from(v.pass.0), v.outcome.as_str().to_string()))
            .or_default() += 1;
    }
    let conversations: Vec<&&Visit> = visits
        .iter()
        .filter(|v| v.outcome == Outcome::Talked)
        .collect();
    let under_25 = conversations
        .iter()
        .filter(|v| matches!(v.profile.age_band.as_deref(), Some("<15" | "15-24")))
        .count() as i64;
    let over_65 = conversations
        .iter()
        .filter(|v| v.profile.age_band.as_deref() == Some("65+"))
        .count() as i64;
    let not_french = conversations
        .iter()
        .filter(|v| {
            v.profile
                .language
                .as_deref()
                .is_some_and(|l| !l.is_empty() && !l.starts_with("fr"))
        })
        .count() as i64;
    let mut agents = BTreeMap::new();
    for a in &w.agents {
        let mine: Vec<&&Visit> = visits.iter().filter(|v| v.agent == *a).collect();
        if mine.is_empty() {
            continue;
        }
        let doors: BTreeSet<_> = mine.iter().map(|v| door(v)).collect();
        let doors_talked: BTreeSet<_> = mine
            .iter()
            .filter(|v| v.outcome == Outcome::Talked)
            .map(|v| door(v))
            .collect();
        // Seconds apart: within each building, sorted by time.
        let mut rapid = 0;
        for b in &w.buildings {
            let mut times: Vec<(i64, VisitId)> = mine
                .iter()
                .filter(|v| v.building == b.id)
                .map(|v| (v.at, v.id))
                .collect();
            times.sort();
            rapid += times
                .windows(2)
                .filter(|p| p[1].0 - p[0].0 < crate::readmodel::rules::RAPID_GAP_MS)
                .count() as i64;
        }
        agents.insert(
            a.to_string(),
            (
                mine.len() as i64,
                doors.len() as i64,
                doors_talked.len() as i64,
                mine.iter().filter(|v| v.outcome == Outcome::Talked).count() as i64,
                rapid,
            ),
        );
    }
    let name = |b: BuildingId| {
        w.buildings
            .iter()
            .find(|x| x.id == b)
            .and_then(|x| x.neighbourhood)
            .and_then(|n| w.neighbourhoods.iter().position(|m| *m == n))
            .map(|i| format!("N{i}"))
            .unwrap_or_default()
    };
    let mut topics = BTreeMap::new();
    for v in &conversations {
        for t in &v.topics {
            *topics.entry((name(v.building), t.clone())).or_default() += 1;
        }
    }
    Counted {
        doors: scope.iter().map(|b| b.dwelling_count() as i64).sum(),
        reached: visits
            .iter()
            .map(|v| door(v))
            .collect::<BTreeSet<_>>()
            .len() as i64,
        talked: conversations
            .iter()
            .map(|v| door(v))
            .collect::<BTreeSet<_>>()
            .len() as i64,
        visits: visits.len() as i64,
        by_pass,
        publics: (conversations.len() as i64, under_25, over_65, not_french),
        agents,
        topics,
    }
}

fn computed(w: &World, f: &Filter) -> Counted {
    w.model.catch_up().expect("catch up");
    let conn = super::Snapshot::of(w.model.reader().expect("reader"));
    let d = figures::dashboard(&conn, f).expect("dashboard");
    Counted {
        doors: d.totals.doors,
        reached: d.totals.reached,
        talked: d.totals.talked,
        visits: d.visits,
        by_pass: d
            .outcomes_by_pass
            .iter()
            .map(|(p, o, n)| ((*p, o.clone()), *n))
            .collect(),
        publics: (
            d.publics.conversations,
            d.publics.under_25,
            d.publics.over_65,
            d.publics.not_french,
        ),
        agents: d
            .agents
            .iter()
            .map(|a| {
                (
                    a.agent_id.clone(),
                    (a.visits, a.doors, a.doors_talked, a.conversations, a.rapid),
                )
            })
            .collect(),
        topics: d
            .topics
            .iter()
            .map(|(n, t, c)| ((n.clone(), t.clone()), *c))
            .collect(),
    }
}

fn raw_visit() -> impl Strategy<Value = Raw> {
    (
        0..2usize,
        0..6usize,
        0..4usize,
        1..=3u8,
        0..10i64,
        0..3usize,
        0..6usize,
        0..5usize,
        0..5usize,
        0..8u8,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn every_figure_equals_a_count_from_the_raw_visits(
        raw in proptest::collection::vec(raw_visit(), 0..60),
        campaign in 0..2usize,
        sector in proptest::option::of(0..2usize),
        neighbourhood in proptest::option::of(0..2usize),
        from in proptest::option::of(0..10i64),
        days in proptest::option::of(1..10i64),
    ) {
        let w = world(&raw);
        let filter = Filter {
            campaign: w.campaigns[campaign],
            from: from.map(|d| d * DAY),
            until: days.map(|n| (from.unwrap_or(0) + n) * DAY),
            sector: sector.map(|s| w.sectors[s].0),
            neighbourhood: neighbourhood.map(|n| w.neighbourhoods[n]),
        };
        prop_assert_eq!(computed(&w, &filter), count(&w, &filter));
    }
}

#[test]
fn per_neighbourhood_coverage_adds_up_to_the_total() {
    let raw: Vec<Raw> = (0..40)
        .map(|i| {
            (
                0,
                i % 6,
                i % 4,
                1,
                (i % 10) as i64,
                i % 3,
                i % 6,
                i % 5,
                i % 5,
                (i % 8) as u8,
            )
        })
        .collect();
    let w = world(&raw);
    w.model.catch_up().expect("catch up");
    let conn = super::Snapshot::of(w.model.reader().expect("reader"));
    let f = Filter {
        campaign: w.campaigns[1],
        ..Filter::default()
    };
    let totals = figures::totals(&conn, &f).expect("totals");
    let groups = figures::by_neighbourhood(&conn, &f).expect("groups");
    assert_eq!(
        groups.iter().map(|g| g.coverage.doors).sum::<i64>(),
        totals.doors
    );
    assert_eq!(
        groups.iter().map(|g| g.coverage.reached).sum::<i64>(),
        totals.reached
    );
}

#[test]
fn a_campaign_is_drawn_over_its_own_weeks_whatever_a_phone_dates_its_visits() {
    let raw: Vec<Raw> = vec![(1, 0, 0, 1, 2, 0, 1, 0, 0, 0)];
    let w = world(&raw);
    {
        // A hostile phone's visit at the end of time.
        let dir = w._dir.path().join("docs.sqlite");
        let mut store = Store::open(&dir).expect("store");
        let mut v = w.visits[0].clone();
        v.id = VisitId::new();
        v.door = w.buildings[0].dwellings().next().expect("door");
        v.door.door = "far".into();
        v.at = i64::MAX;
        let log = DocId::visits(v.campaign, v.building);
        let mut doc = store.load(&log).expect("load").unwrap_or_default();
        schema::record_visit(&mut doc, &v).expect("record");
        store.save(&log, &doc, Origin::Remote).expect("save");
    }
    w.model.catch_up().expect("catch up");
    let conn = super::Snapshot::of(w.model.reader().expect("reader"));
    let f = Filter {
        campaign: w.campaigns[1],
        ..Filter::default()
    };
    let weeks = figures::weekly_new_doors(&conn, &f, 0, 30 * DAY).expect("weeks");
    assert!(
        weeks.iter().all(|(week, _)| (1..=5).contains(week)),
        "{weeks:?}"
    );
    assert_eq!(weeks.iter().map(|w| w.1).sum::<i64>(), 2);
}

/// Campaign 0's questionnaire, two versions: q1 kept with an option added,
/// q2 asked only after "non", q3 a scale kept, q4 asked only after a 5,
/// q5 new.
fn questionnaires() -> (Questionnaire, Questionnaire) {
    let q = |id: &str, kind: QuestionKind, show_if: Option<(&str, &str)>| Question {
        id: id.into(),
        kind,
        label: Translations::from([("fr".to_string(), format!("Question {id}"))]),
        option_labels: BTreeMap::new(),
        required: false,
        show_if: show_if.map(|(question, equals)| Condition {
            question: question.into(),
            equals: equals.into(),
        }),
    };
    let options = |o: &[&str]| o.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let v1 = Questionnaire {
        version: 1,
        questions: vec![
            q(
                "q1",
                QuestionKind::SingleChoice {
                    options: options(&["oui", "non"]),
                },
                None,
            ),
            q("q2", QuestionKind::FreeText, Some(("q1", "non"))),
            q("q3", QuestionKind::Scale { min: 1, max: 5 }, None),
        ],
    };
    let v2 = Questionnaire {
        version: 2,
        questions: vec![
            q(
                "q1",
                QuestionKind::SingleChoice {
                    options: options(&["oui", "non", "nsp"]),
                },
                None,
            ),
            q("q3", QuestionKind::Scale { min: 1, max: 5 }, None),
            q(
                "q4",
                QuestionKind::MultipleChoice {
                    options: options(&["a", "b", "c"]),
                },
                Some(("q3", "5")),
            ),
            q("q5", QuestionKind::FreeText, None),
        ],
    };
    (v1, v2)
}

/// One generated set of answers: (version 1/2/none, q1, q2, q3, q4 ticks
/// (8: boxes ticked then all unticked),
/// q5), each absent when 0; answers to questions not asked included.
type RawAnswers = (u8, u8, bool, u8, u8, bool);

fn raw_answers() -> impl Strategy<Value = RawAnswers> {
    (0..3u8, 0..4u8, any::<bool>(), 0..6u8, 0..9u8, any::<bool>())
}

/// Gives campaign 0 its questionnaire and the visits of `w` their
/// answers, in the store; returns the visits as now stored.
fn answer(w: &World, raw: &[RawAnswers]) -> Vec<Visit> {
    let mut store = Store::open(&w._dir.path().join("docs.sqlite")).expect("store");
    let id = DocId::campaign(w.campaigns[0]);
    let mut doc = store.load(&id).expect("load").expect("campaign");
    let mut campaign: Campaign = schema::read(&doc).expect("read");
    let (v1, v2) = questionnaires();
    campaign.past_questionnaires = vec![v1];
    campaign.questionnaire = v2;
    schema::write(&mut doc, &campaign).expect("write");
    store.save(&id, &doc, Origin::Remote).expect("save");
    let mut visits = w.visits.clone();
    for (v, &(version, q1, q2, q3, q4, q5)) in visits.iter_mut().zip(raw.iter().cycle()) {
        if version == 0 {
            continue;
        }
        v.questionnaire_version = Some(u32::from(version));
        let mut a = BTreeMap::new();
        if q1 > 0 {
            let options = ["oui", "non", "nsp"];
            a.insert(
                "q1".to_string(),
                Answer::Choice(options[usize::from(q1 - 1)].into()),
            );
        }
        if q2 {
            a.insert("q2".to_string(), Answer::Text("trop de bruit".into()));
        }
        if q3 > 0 {
            a.insert("q3".to_string(), Answer::Scale(i64::from(q3)));
        }
        if q4 == 8 {
            // Every box unticked again: not an answer.
            a.insert("q4".to_string(), Answer::Choices(Vec::new()));
        } else if q4 > 0 {
            let ticked = ["a", "b", "c"]
                .iter()
                .enumerate()
                .filter(|(i, _)| q4 & (1 << i) != 0)
                .map(|(_, o)| o.to_string())
                .collect();
            a.insert("q4".to_string(), Answer::Choices(ticked));
        }
        if q5 {
            a.insert("q5".to_string(), Answer::Text("un banc".into()));
        }
        v.answers = a;
        let log = DocId::visits(v.campaign, v.building);
        let mut doc = store.load(&log).expect("load").expect("log");
        schema::record_visit(&mut doc, v).expect("record");
        store.save(&log, &doc, Origin::Remote).expect("save");
    }
    visits
}

/// One question's figures, as the office shows them.
#[derive(Debug, Default, PartialEq)]
struct Figures {
    asked: i64,
    answered: i64,
    /// Count per option or scale value (values nobody gave left out).
    counts: BTreeMap<String, i64>,
    /// Share of those that answered per option or value, in tenths of a
    /// percent.
    shares: BTreeMap<String, i64>,
    /// A scale's mean and median, in thousandths.
    mean: Option<i64>,
    median: Option<i64>,
}

type Tally = BTreeMap<String, Figures>;

fn thousandths(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

/// The questions a visit was asked, with the conditions written out.
fn asked(v: &Visit) -> &'static [&'static str] {
    let is = |q: &str, want: &Answer| v.answers.get(q) == Some(want);
    match v.questionnaire_version {
        Some(1) if is("q1", &Answer::Choice("non".into())) => &["q1", "q2", "q3"],
        Some(1) => &["q1", "q3"],
        Some(2) if is("q3", &Answer::Scale(5)) => &["q1", "q3", "q4", "q5"],
        Some(2) => &["q1", "q3", "q5"],
        _ => &[],
    }
}

/// A closed answer's values: the options chosen or the scale's value.
fn closed_values(answer: &Answer) -> Vec<String> {
    match answer {
        Answer::Choice(o) => vec![o.clone()],
        Answer::Choices(o) => o.clone(),
        Answer::Scale(n) => vec![n.to_string()],
        Answer::Text(_) => vec![],
    }
}

/// Per (question, public, value): conversations; the value "" holds the
/// public's answered conversations, "?" those asked.
type Crossed = BTreeMap<(String, Option<String>, String), i64>;

/// The cross-tables counted the long way.
fn cross_tally(w: &World, visits: &[&Visit], by: super::cross_table::Public) -> Crossed {
    use super::cross_table::Public;
    let mut out = Crossed::new();
    for v in visits.iter().filter(|v| v.outcome == Outcome::Talked) {
        let public = match by {
            // An empty language or age band is not noted.
            Public::AgeBand => v.profile.age_band.clone().filter(|a| !a.is_empty()),
            Public::Language => v.profile.language.clone().filter(|l| !l.is_empty()),
            Public::Neighbourhood => w
                .buildings
                .iter()
                .find(|b| b.id == v.building)
                .and_then(|b| b.neighbourhood)
                .map(|n| n.to_string()),
        };
        // The closed questions (q2 and q5 are free text).
        for q in asked(v).iter().filter(|q| !["q2", "q5"].contains(q)) {
            *out.entry((q.to_string(), public.clone(), "?".into()))
                .or_default() += 1;
            let Some(answer) = v
                .answers
                .get(*q)
                .filter(|a| **a != Answer::Choices(Vec::new()))
            else {
                continue;
            };
            *out.entry((q.to_string(), public.clone(), String::new()))
                .or_default() += 1;
            for value in closed_values(answer) {
                *out.entry((q.to_string(), public.clone(), value))
                    .or_default() += 1;
            }
        }
    }
    out
}

fn crossed(w: &World, f: &Filter, by: super::cross_table::Public) -> Crossed {
    let rm = super::Snapshot::of(w.model.reader().expect("reader"));
    let results = super::answers::results(&rm, f).expect("answers");
    let tables = super::cross_table::build(&rm, f, &results, by).expect("cross");
    let mut out = Crossed::new();
    for t in tables {
        for (r, public) in t.rows.iter().enumerate() {
            let key = |value: &str| (t.question.clone(), public.clone(), value.to_string());
            out.insert(key(""), t.table.row_totals[r]);
            out.insert(key("?"), t.asked[r]);
            for (c, value) in t.columns.iter().enumerate() {
                out.insert(key(value), t.table.cells[r][c]);
            }
        }
        // The margins are the question's own figures.
        let r = results
            .iter()
            .find(|r| r.id == t.question)
            .expect("its question");
        assert_eq!(t.table.total, r.answered);
        assert_eq!(t.table.row_totals.iter().sum::<i64>(), r.answered);
    }
    out.retain(|_, n| *n > 0);
    out
}

/// The answers counted the long way.
fn tally(visits: &[&Visit]) -> Tally {
    let mut out = Tally::new();
    let mut scales: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for v in visits {
        if v.outcome != Outcome::Talked {
            continue;
        }
        let a = &v.answers;
        for q in asked(v) {
            let entry = out.entry(q.to_string()).or_default();
            entry.asked += 1;
            let Some(answer) = a.get(*q).filter(|a| **a != Answer::Choices(Vec::new())) else {
                continue;
            };
            entry.answered += 1;
            if let Answer::Scale(n) = answer {
                scales.entry(q.to_string()).or_default().push(*n);
            }
            for value in closed_values(answer) {
                *entry.counts.entry(value).or_default() += 1;
            }
        }
    }
    for (q, f) in &mut out {
        // Tenths of a percent.
        f.shares = f
            .counts
            .iter()
            .map(|(v, n)| {
                let share = 100.0 * *n as f64 / f.answered as f64;
                (v.clone(), (share * 10.0).round() as i64)
            })
            .collect();
        if let Some(mut values) = scales.remove(q) {
            values.sort_unstable();
            let n = values.len();
            f.mean = Some(thousandths(values.iter().sum::<i64>() as f64 / n as f64));
            f.median = Some(thousandths(if n % 2 == 1 {
                values[n / 2] as f64
            } else {
                (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
            }));
        }
    }
    out
}

/// A visit in campaign 0, a conversation three times in four, so that
/// most questions have several answers to count.
fn conversation() -> impl Strategy<Value = Raw> {
    (raw_visit(), 0..4usize).prop_map(|(mut raw, talked)| {
        raw.0 = 0;
        if talked > 0 {
            raw.6 = 1; // Outcome::ALL[1] is Talked
        }
        raw
    })
}

fn tallied(w: &World, f: &Filter) -> Tally {
    w.model.catch_up().expect("catch up");
    let rm = super::Snapshot::of(w.model.reader().expect("reader"));
    let results = super::answers::results(&rm, f).expect("answers");
    results
        .into_iter()
        .filter(|r| r.asked > 0)
        .map(|r| {
            let mut counts: BTreeMap<String, i64> =
                r.options.iter().map(|o| (o.id.clone(), o.count)).collect();
            counts.extend(r.scale.iter().map(|(v, n)| (v.to_string(), *n)));
            counts.retain(|_, n| *n > 0);
            let shares = counts
                .iter()
                .filter_map(|(v, n)| Some((v.clone(), (r.share(*n)? * 10.0).round() as i64)))
                .collect();
            let figures = Figures {
                asked: r.asked,
                answered: r.answered,
                counts,
                shares,
                mean: r.mean().map(thousandths),
                median: r.median().map(thousandths),
            };
            (r.id, figures)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn every_answer_figure_equals_a_count_from_the_raw_visits(
        raw in proptest::collection::vec(conversation(), 0..160),
        answers in proptest::collection::vec(raw_answers(), 1..20),
        sector in proptest::option::of(0..2usize),
        neighbourhood in proptest::option::of(0..2usize),
        from in proptest::option::of(0..10i64),
        days in proptest::option::of(1..10i64),
        by in 0..3usize,
    ) {
        let w = world(&raw);
        let visits = answer(&w, &answers);
        let filter = Filter {
            campaign: w.campaigns[0],
            from: from.map(|d| d * DAY),
            until: days.map(|n| (from.unwrap_or(0) + n) * DAY),
            sector: sector.map(|s| w.sectors[s].0),
            neighbourhood: neighbourhood.map(|n| w.neighbourhoods[n]),
        };
        prop_assert_eq!(tallied(&w, &filter), tally(&in_scope(&w, &filter, &visits)));
        let by = super::cross_table::Public::ALL[by];
        prop_assert_eq!(crossed(&w, &filter, by), cross_tally(&w, &in_scope(&w, &filter, &visits), by));
        // The open data: every published count is the true one and none
        // is small.
        let whole = Filter { campaign: w.campaigns[0], ..Filter::default() };
        let truth = cross_tally(
            &w,
            &in_scope(&w, &whole, &visits),
            super::cross_table::Public::Neighbourhood,
        );
        let rm = super::Snapshot::of(w.model.reader().expect("reader"));
        let open = super::open_data_answers::build(&rm, &whole).expect("open data");
        let names = super::figures::neighbourhood_names(&rm).expect("names");
        for q in &open.questions {
            for (name, cells) in &q.rows {
                let id = names.iter().find(|(_, n)| *n == name).map(|(id, _)| id.clone());
                for (field, cell) in q.fields.iter().zip(cells) {
                    let Some(v) = cell else { continue };
                    prop_assert!(!(1..super::open_data::THRESHOLD).contains(v), "{v} published");
                    let key = match field.as_str() {
                        "asked" => "?",
                        "answered" => "",
                        option => option,
                    };
                    let want = truth.get(&(q.question.clone(), id.clone(), key.to_string())).copied().unwrap_or(0);
                    prop_assert_eq!(*v, want, "{} {} {}", q.question, name, field);
                }
            }
            for (field, cell) in q.fields.iter().zip(&q.total) {
                let Some(v) = cell else { continue };
                let key = match field.as_str() {
                    "asked" => "?",
                    "answered" => "",
                    option => option,
                };
                let want: i64 = truth
                    .iter()
                    .filter(|((question, _, value), _)| *question == q.question && value == key)
                    .map(|(_, n)| n)
                    .sum();
                prop_assert_eq!(*v, want, "{} total {}", q.question, field);
            }
        }
    }
}

#[test]
fn a_question_kept_across_versions_is_one_and_a_changed_one_says_so() {
    let raw: Vec<Raw> = (0..12)
        .map(|i| (0, i % 3, i % 4, 1, 1, 0, 1, 0, 0, 0))
        .collect();
    let w = world(&raw);
    answer(&w, &[(1, 2, true, 5, 0, false), (2, 1, false, 5, 3, true)]);
    w.model.catch_up().expect("catch up");
    let rm = super::Snapshot::of(w.model.reader().expect("reader"));
    let f = Filter {
        campaign: w.campaigns[0],
        ..Filter::default()
    };
    let results = super::answers::results(&rm, &f).expect("answers");
    let ids: Vec<&str> = results.iter().map(|r| r.id.as_str()).collect();
    // The latest version's order, then what only version 1 had.
    assert_eq!(ids, ["q1", "q3", "q4", "q5", "q2"]);
    let q1 = &results[0];
    assert_eq!(q1.versions, [1, 2]);
    assert!(q1.options_changed);
    assert!(!results[1].options_changed);
    let texts = super::answers::texts(&rm, &f, "q2").expect("texts");
    assert!(texts.iter().all(|t| t.text == "trop de bruit"));
    assert_eq!(texts.len() as i64, results[4].answered);
}
