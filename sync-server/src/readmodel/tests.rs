//! The projector against a real store: documents in, rows out, erasures
//! and rebuilds.

use super::*;
use automerge::Automerge;
use shared::domain::*;
use shared::schema::{self, DocId};
use shared::store::{Origin, Store};
use shared::sync::DocumentStore;

/// A building of one entrance, three doors on the ground floor.
pub(crate) fn building(neighbourhood: Option<NeighbourhoodId>) -> Building {
    let mut building = shared::samples::building("B1", "3 rue Lebon");
    building.neighbourhood = neighbourhood;
    building.entrances[0].floors = shared::samples::ground_floor(1..=3);
    building
}

fn save<T: shared::schema::SingleRecord>(store: &mut dyn DocumentStore, record: &T) {
    let mut doc = Automerge::new();
    schema::write(&mut doc, record).expect("write");
    store.save_one(&record.doc_id(), &doc).expect("save");
}

fn save_visits(store: &mut dyn DocumentStore, visits: &[Visit]) -> DocId {
    let id = DocId::visits(visits[0].campaign, visits[0].building);
    let mut doc = store.load(&id).expect("load").unwrap_or_default();
    for v in visits {
        schema::record_visit(&mut doc, v).expect("record");
    }
    store.save_one(&id, &doc).expect("save");
    id
}

fn visit(campaign: CampaignId, building: BuildingId, door: &str, outcome: Outcome) -> Visit {
    let mut v = Visit::outcome_only(
        campaign,
        building,
        DwellingRef {
            entrance: "A".into(),
            floor: 0,
            door: door.into(),
        },
        Pass(1),
        1_000,
        AgentId::new(),
        outcome,
    );
    v.topics = vec!["propreté".into()];
    v.profile.age_band = Some("15-24".into());
    v
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    model: ReadModel,
    model_path: PathBuf,
    docs_path: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs_path = dir.path().join("docs.sqlite");
    let model_path = dir.path().join("model.sqlite");
    let store = Store::open(&docs_path).expect("store");
    let model = ReadModel::open(
        &model_path,
        crate::storage::tenants::TenantStore::open_sqlite(docs_path.clone()).expect("docs"),
    )
    .expect("model");
    Fixture {
        _dir: dir,
        store,
        model,
        model_path,
        docs_path,
    }
}

fn count(model: &ReadModel, sql: &str) -> i64 {
    model
        .reader()
        .expect("reader")
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

#[test]
fn visits_written_to_the_store_reach_the_tables_and_leave_with_an_erasure() {
    let mut f = fixture();
    let campaign = CampaignId::new();
    let b = building(None);
    save(&mut f.store, &b);
    let log = save_visits(
        &mut f.store,
        &[
            visit(campaign, b.id, "1", Outcome::Talked),
            visit(campaign, b.id, "2", Outcome::NotHome),
        ],
    );
    f.model.catch_up().expect("catch up");
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_visits"), 2);
    assert_eq!(count(&f.model, "SELECT sum(doors) FROM rm_buildings"), 3);
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_visit_topics"), 2);

    // An undo on the phone removes a visit: its row goes too.
    let mut doc = f.store.load(&log).expect("load").expect("stored");
    let first = schema::visits(&doc).expect("read");
    let gone = first.values().next().expect("one").id;
    schema::remove_visit(&mut doc, gone).expect("remove");
    f.store.save(&log, &doc, Origin::Remote).expect("save");
    f.model.catch_up().expect("catch up");
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_visits"), 1);

    f.store.erase(&log, 5).expect("erase");
    f.model.catch_up().expect("catch up");
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_visits"), 0);
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_visit_topics"), 0);
}

#[test]
fn a_person_never_reaches_the_tables_and_an_unreadable_document_is_counted() {
    let mut f = fixture();
    let person = Person {
        id: PersonId::new(),
        display_name: "Awa Diallo".into(),
        phone: Some("0600000000".into()),
        email: None,
        consents: vec![],
        withdrawals: Vec::new(),
        retain_until: 0,
    };
    save(&mut f.store, &person);
    let mut junk = Automerge::new();
    junk.transact(|tx| automerge::transaction::Transactable::put(tx, automerge::ROOT, "name", 3))
        .expect("put");
    f.store
        .save(&DocId::building(BuildingId::new()), &junk, Origin::Remote)
        .expect("save");
    f.model.catch_up().expect("catch up");
    let all = f.model.dump().expect("dump");
    assert!(
        !format!("{all:?}").contains("Awa"),
        "a name reached the read model"
    );
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_unreadable"), 1);
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_buildings"), 0);
}

#[test]
fn a_backlog_larger_than_a_batch_is_projected_whole() {
    let mut f = fixture();
    let campaign = CampaignId::new();
    for _ in 0..(BATCH * 2 + 7) {
        let b = building(None);
        save(&mut f.store, &b);
    }
    let b = building(None);
    save(&mut f.store, &b);
    save_visits(&mut f.store, &[visit(campaign, b.id, "1", Outcome::Talked)]);
    let rev = f.model.catch_up().expect("catch up");
    assert_eq!(rev, f.store.current_rev().expect("rev"));
    assert_eq!(
        count(&f.model, "SELECT count(*) FROM rm_buildings"),
        i64::try_from(BATCH * 2 + 8).expect("fits")
    );
}

#[test]
fn a_model_of_another_projection_version_is_rebuilt_by_the_next_catch_up() {
    let mut f = fixture();
    let b = building(None);
    save(&mut f.store, &b);
    f.model.catch_up().expect("catch up");
    {
        let conn = Connection::open(&f.model_path).expect("open");
        conn.execute("DELETE FROM rm_buildings", [])
            .expect("delete");
        set_meta(&conn, "projection_version", PROJECTION_VERSION - 1).expect("meta");
    }
    let reopened = ReadModel::open(
        &f.model_path,
        crate::storage::tenants::TenantStore::open_sqlite(f.docs_path.clone()).expect("docs"),
    )
    .expect("reopen");
    // Opening is quick; the next catch-up rebuilds.
    assert_eq!(count(&reopened, "SELECT count(*) FROM rm_buildings"), 0);
    reopened.catch_up().expect("catch up");
    assert_eq!(count(&reopened, "SELECT count(*) FROM rm_buildings"), 1);
}

#[test]
fn a_document_the_tables_refuse_is_set_aside_and_the_others_projected() {
    let mut f = fixture();
    let mut nowhere = building(None);
    nowhere.location.lon = f64::NAN;
    save(&mut f.store, &nowhere);
    let fine = building(None);
    save(&mut f.store, &fine);
    f.model.catch_up().expect("catch up");
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_buildings"), 1);
    assert_eq!(count(&f.model, "SELECT count(*) FROM rm_unreadable"), 1);
}

#[test]
fn a_visit_dated_at_the_end_of_time_is_projected_without_overflow() {
    let mut f = fixture();
    let campaign = CampaignId::new();
    let b = building(None);
    save(&mut f.store, &b);
    let mut early = visit(campaign, b.id, "1", Outcome::NotHome);
    early.at = i64::MIN;
    early.agent = AgentId(uuid::Uuid::nil());
    let mut late = visit(campaign, b.id, "2", Outcome::NotHome);
    late.at = i64::MAX;
    late.agent = early.agent;
    save_visits(&mut f.store, &[early, late]);
    f.model.catch_up().expect("catch up");
    assert_eq!(count(&f.model, "SELECT sum(rapid) FROM rm_agg_agents"), 0);
}

#[test]
fn the_command_rebuilds_every_municipality_it_is_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tenants = crate::storage::tenants::Tenants::new(dir.path().to_path_buf());
    let municipality = shared::domain::MunicipalityId::new();
    let mut store = tenants
        .store(municipality)
        .expect("store")
        .get()
        .expect("connection");
    save(&mut *store, &building(None));
    drop(store);
    let done = tenants
        .rebuild_read_models(&[municipality])
        .expect("rebuild");
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].0, municipality.to_string());
    let model = tenants.read_model(municipality).expect("open");
    assert_eq!(count(&model, "SELECT count(*) FROM rm_buildings"), 1);
}
