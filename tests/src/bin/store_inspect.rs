//! Prints what a store holds, as JSON, for the end-to-end tests to check
//! what reached the server: visits by outcome, persons, follow-ups.
//!
//! Only what enrolled devices recorded is counted (their ids are read from
//! the control database beside the store): the demo municipality also
//! holds seeded field results, which are not what a test sent.

use shared::domain::{AgentId, FollowUp, Person};
use shared::schema::{self, DocKind};
use shared::store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The agent ids of the enrolled devices, if the control database is
/// where the server keeps it.
fn devices(store: &Path) -> anyhow::Result<Option<BTreeSet<String>>> {
    let Some(control) = store
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("control.sqlite"))
        .filter(|p| p.exists())
    else {
        return Ok(None);
    };
    let conn =
        rusqlite::Connection::open_with_flags(control, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn.prepare("SELECT id FROM devices")?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(ids))
}

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: store-inspect STORE"))?;
    let path = Path::new(&path);
    let store = Store::open(path)?;
    let devices = devices(path)?;
    let by_device = |agent: &AgentId| {
        devices
            .as_ref()
            .is_none_or(|d| d.contains(&agent.to_string()))
    };
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut visits = 0;
    let mut with_person = 0;
    let mut with_follow_up = 0;
    let mut with_notice = 0;
    let mut consents_with_hash = 0;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for id in store.doc_ids()? {
        let Some(doc) = store.load(&id)? else {
            continue;
        };
        match id.kind() {
            DocKind::Visits => {
                let mut counted = false;
                for visit in schema::visits(&doc)?.into_values() {
                    if !by_device(&visit.agent) {
                        continue;
                    }
                    counted = true;
                    visits += 1;
                    with_person += usize::from(visit.person.is_some());
                    with_follow_up += usize::from(visit.follow_up.is_some());
                    with_notice += usize::from(visit.notice_version.is_some());
                    *outcomes.entry(visit.outcome.as_str().into()).or_default() += 1;
                }
                if !counted {
                    continue;
                }
            }
            DocKind::FollowUp => {
                let follow_up: FollowUp = schema::read(&doc)?;
                if !follow_up.history.first().is_some_and(|c| by_device(&c.by)) {
                    continue;
                }
            }
            DocKind::Person => {
                let person: Person = schema::read(&doc)?;
                if !person.consents.first().is_some_and(|c| by_device(&c.agent)) {
                    continue;
                }
                consents_with_hash += person
                    .consents
                    .iter()
                    .filter(|c| c.notice_version.is_some() && c.text_hash.is_some())
                    .count();
            }
            _ => {}
        }
        *kinds.entry(id.kind().as_str()).or_default() += 1;
    }
    let report = serde_json::json!({
        "visits": visits,
        "outcomes": outcomes,
        "with_person": with_person,
        "with_follow_up": with_follow_up,
        "with_notice": with_notice,
        "consents_with_hash": consents_with_hash,
        "documents": kinds,
    });
    println!("{report}");
    Ok(())
}
