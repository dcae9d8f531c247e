//! Prints what a store holds, as JSON, for the end-to-end tests to check
//! what reached the server: visits by outcome, persons, follow-ups.

use shared::schema::{self, DocKind};
use shared::store::Store;
use std::collections::BTreeMap;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: store-inspect STORE"))?;
    let store = Store::open(std::path::Path::new(&path))?;
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut visits = 0;
    let mut with_person = 0;
    let mut with_follow_up = 0;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for id in store.doc_ids()? {
        *kinds.entry(id.kind().as_str()).or_default() += 1;
        if id.kind() != DocKind::Visits {
            continue;
        }
        if let Some(doc) = store.load(&id)? {
            for visit in schema::visits(&doc)?.into_values() {
                visits += 1;
                with_person += usize::from(visit.person.is_some());
                with_follow_up += usize::from(visit.follow_up.is_some());
                let name = visit.outcome.as_str();
                *outcomes.entry(name.into()).or_default() += 1;
            }
        }
    }
    let report = serde_json::json!({
        "visits": visits,
        "outcomes": outcomes,
        "with_person": with_person,
        "with_follow_up": with_follow_up,
        "documents": kinds,
    });
    println!("{report}");
    Ok(())
}
