//! A phone killed mid-save loses nothing it said was saved: a child process
//! records visits and reports each once saved; it is killed with SIGKILL at
//! random moments; after every kill the store opens, passes SQLite's
//! integrity check, and holds every reported visit.

use rand::Rng;
use shared::domain::{BuildingId, CampaignId};
use shared::schema::{self, DocId};
use shared::store::Store;
use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

const KILLS: usize = 200;

fn stored_visit_ids(store: &Store) -> BTreeSet<String> {
    let campaign = CampaignId(uuid::Uuid::from_u128(1));
    (2..7)
        .filter_map(|n| {
            let building = BuildingId(uuid::Uuid::from_u128(n));
            store
                .load(&DocId::visits(campaign, building))
                .expect("load")
        })
        .flat_map(|doc| schema::visits(&doc).expect("visits").into_keys())
        .collect()
}

#[test]
fn every_reported_save_survives_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("field.sqlite");
    let mut reported = BTreeSet::new();
    let mut rng = rand::rng();
    for kill in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash-writer"))
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_micros(rng.random_range(0..40_000)));
        child.kill().expect("SIGKILL");
        let mut out = String::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("read");
        child.wait().expect("wait");
        // Only whole lines count: a line cut by the kill was never reported.
        let complete = out.rsplit_once('\n').map_or("", |(done, _)| done);
        reported.extend(complete.lines().map(str::to_string));

        let store = Store::open(&path).expect("store opens after a kill");
        let integrity: String = {
            let mut store = store;
            let check = store
                .connection()
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .expect("integrity check");
            let stored = stored_visit_ids(&store);
            let missing: Vec<_> = reported.difference(&stored).collect();
            assert!(missing.is_empty(), "after kill {kill}, lost {missing:?}");
            check
        };
        assert_eq!(integrity, "ok", "after kill {kill}");
    }
    assert!(
        reported.len() > KILLS,
        "the child saved too little to test anything"
    );
}
