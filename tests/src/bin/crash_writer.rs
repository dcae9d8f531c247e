//! The child of the crash test: records visits into a store as fast as it
//! can and prints each visit id once its save has returned. The parent
//! kills it with SIGKILL at random moments and checks that every printed id
//! survived.

use shared::domain::*;
use shared::schema::{self, DocId};
use shared::store::{Origin, Store};
use std::io::Write;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: crash-writer STORE"))?;
    let mut store = Store::open(std::path::Path::new(&path))?;
    let campaign = CampaignId(uuid_from(1));
    let buildings: Vec<BuildingId> = (2..7).map(|n| BuildingId(uuid_from(n))).collect();
    let mut stdout = std::io::stdout().lock();
    for n in 0u64.. {
        let building = buildings[(n % 5) as usize];
        let door = DwellingRef {
            entrance: "A".into(),
            floor: (n % 9) as i32,
            door: format!("{n}"),
        };
        let agent = AgentId(uuid_from(99));
        let visit = Visit::outcome_only(
            campaign,
            building,
            door,
            Pass(1),
            0,
            agent,
            Outcome::NotHome,
        );
        let doc_id = DocId::visits(campaign, building);
        let mut doc = store.load(&doc_id)?.unwrap_or_default();
        schema::record_visit(&mut doc, &visit)?;
        store.save(&doc_id, &doc, Origin::Local)?;
        writeln!(stdout, "{}", visit.id)?;
        stdout.flush()?;
    }
    Ok(())
}

fn uuid_from(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}
