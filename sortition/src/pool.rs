//! The pool, read from the municipality's documents: every person who
//! consented to the citizens' assembly pool and whose data is still kept,
//! with the traits of the visit where they signed up. The draw sees an id
//! (the person document's, pseudonymous) and traits, never a name, a phone
//! number or an e-mail address.
//!
//! Traits: `quartier` (the building's neighbourhood), `âge` (the age band
//! the agent noted), and the answer to each questionnaire question the
//! coordinator picks (a single choice; several choices are joined). A
//! missing value is [`UNKNOWN`], a value like the others: quotas decide
//! what to do with it. Household: the door (building, entrance, floor,
//! door label), so two people of one dwelling are never both drawn.

use super::Volunteer;
use shared::domain::{
    Answer, Building, ConsentPurpose, Neighbourhood, Person, PersonId, Timestamp, Visit,
};
use shared::schema::{self, DocKind};
use shared::store::StoreError;
use shared::sync::{DocumentStore, Records};
use std::collections::BTreeMap;

/// The value of a trait nobody noted.
pub const UNKNOWN: &str = "non renseigné";
/// The neighbourhood trait's name.
pub const NEIGHBOURHOOD: &str = "quartier";
/// The age band trait's name.
pub const AGE: &str = "âge";
/// The age band of children under 15.
pub const UNDER_15: &str = "<15";

/// The volunteers, and who was left out and why (counts only).
#[derive(Debug, Default, PartialEq)]
pub struct Pool {
    /// Who can be drawn.
    pub volunteers: Vec<Volunteer>,
    /// Consented, but no visit names them (their door is unknown).
    pub without_visit: usize,
    /// Consented, but their data's retention has ended (to be erased).
    pub expired: usize,
    /// Under 15, left out: the process is not for young people, or no
    /// parent agreed.
    pub minors_left_out: usize,
}

/// Reads the pool at `now`, with the answers to `questions` as traits.
/// Children under 15 (the age band noted where they signed up) join it
/// only when the process is for `young` people and a parent gave their
/// agreement (GDPR Art. 8, loi Informatique et Libertés art. 45).
pub fn read(
    store: &dyn DocumentStore,
    now: Timestamp,
    questions: &[String],
    young: bool,
) -> Result<Pool, StoreError> {
    let mut pool = Pool::default();
    // Whether a parent gave each one's assembly agreement.
    let mut wanted: BTreeMap<PersonId, bool> = BTreeMap::new();
    for person in store.readable_records::<Person>(DocKind::Person)? {
        if !consents_to_assembly(&person) {
            continue;
        }
        if person.retain_until <= now {
            pool.expired += 1;
            continue;
        }
        let parental = person
            .consents
            .iter()
            .filter(|c| c.purpose == ConsentPurpose::CitizensAssembly)
            .max_by_key(|c| c.at)
            .is_some_and(|c| c.parental);
        wanted.insert(person.id, parental);
    }
    // The latest visit naming each of them.
    let mut signed_up: BTreeMap<PersonId, Visit> = BTreeMap::new();
    for id in store.doc_ids_of(DocKind::Visits)? {
        let Some(doc) = store.load(&id)? else {
            continue;
        };
        let Ok(visits) = schema::visits(&doc) else {
            tracing::warn!(doc = %id, "unreadable visit log skipped");
            continue;
        };
        for visit in visits.into_values() {
            if let Some(person) = visit.person
                && wanted.contains_key(&person)
                && signed_up.get(&person).is_none_or(|v| v.at < visit.at)
            {
                signed_up.insert(person, visit);
            }
        }
    }
    let neighbourhoods: BTreeMap<_, String> = store
        .readable_records::<Neighbourhood>(DocKind::Neighbourhood)?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let buildings: BTreeMap<_, Option<String>> = store
        .readable_records::<Building>(DocKind::Building)?
        .into_iter()
        .map(|b| {
            let name = b
                .neighbourhood
                .and_then(|n| neighbourhoods.get(&n).cloned());
            (b.id, name)
        })
        .collect();
    pool.without_visit = wanted.len() - signed_up.len();
    for (person, visit) in signed_up {
        let under_15 = visit.profile.age_band.as_deref() == Some(UNDER_15);
        if under_15 && !(young && wanted.get(&person).copied().unwrap_or(false)) {
            pool.minors_left_out += 1;
            continue;
        }
        let mut traits = BTreeMap::new();
        let neighbourhood = buildings.get(&visit.building).cloned().flatten();
        traits.insert(
            NEIGHBOURHOOD.to_string(),
            neighbourhood.unwrap_or_else(|| UNKNOWN.to_string()),
        );
        traits.insert(
            AGE.to_string(),
            visit
                .profile
                .age_band
                .clone()
                // Only a band of the set: a record written before the
                // policy checked it publishes nothing else.
                .filter(|band| shared::domain::RESIDENT_AGE_BANDS.contains(&band.as_str()))
                .unwrap_or_else(|| UNKNOWN.to_string()),
        );
        for question in questions {
            let value = match visit.answers.get(question) {
                Some(Answer::Choice(choice)) => choice.clone(),
                Some(Answer::Choices(choices)) if !choices.is_empty() => choices.join("+"),
                _ => UNKNOWN.to_string(),
            };
            traits.insert(question.clone(), value);
        }
        let door = &visit.door;
        pool.volunteers.push(Volunteer {
            id: person.to_string(),
            household: format!(
                "{}/{}/{}/{}",
                visit.building, door.entrance, door.floor, door.door
            ),
            traits,
        });
    }
    Ok(pool)
}

/// Whether the person consents to the assembly pool now (a withdrawal
/// after the consent takes them out).
fn consents_to_assembly(person: &Person) -> bool {
    person.consents_to(ConsentPurpose::CitizensAssembly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::*;
    use shared::store::Store;

    fn put<T: schema::SingleRecord>(store: &mut Store, record: &T) {
        let mut doc = automerge::Automerge::new();
        schema::write(&mut doc, record).expect("write");
        store.save_one(&record.doc_id(), &doc).expect("save");
    }

    fn person(purpose: ConsentPurpose, retain_until: Timestamp) -> Person {
        Person {
            id: PersonId::new(),
            display_name: "Awa Diallo".into(),
            phone: Some("06 11 22 33 44".into()),
            email: None,
            consents: vec![ConsentRecord {
                purpose,
                wording_version: "1".into(),
                language: "fr".into(),
                at: 1_000,
                agent: AgentId::new(),
                notice_version: None,
                text_hash: None,
                parental: false,
            }],
            withdrawals: Vec::new(),
            retain_until,
        }
    }

    #[test]
    fn the_pool_holds_those_who_consented_with_their_doors_traits_and_no_name() {
        let mut store = Store::open_in_memory().expect("store");
        let quartier = Neighbourhood {
            id: NeighbourhoodId::new(),
            key: "LOZ".into(),
            name: "Lozaits".into(),
            polygons: Vec::new(),
        };
        put(&mut store, &quartier);
        let mut building = shared::samples::building("B1", "3 rue Lebon");
        building.neighbourhood = Some(quartier.id);
        put(&mut store, &building);
        let now = 10_000;
        let yes = person(ConsentPurpose::CitizensAssembly, now + 1);
        let workshop_only = person(ConsentPurpose::Workshop, now + 1);
        let expired = person(ConsentPurpose::CitizensAssembly, now - 1);
        let no_visit = person(ConsentPurpose::CitizensAssembly, now + 1);
        for p in [&yes, &workshop_only, &expired, &no_visit] {
            put(&mut store, p);
        }
        let campaign = CampaignId::new();
        let log = shared::schema::DocId::visits(campaign, building.id);
        let mut doc = automerge::Automerge::new();
        for (p, door) in [(&yes, "1"), (&workshop_only, "2"), (&expired, "3")] {
            let mut visit = Visit::outcome_only(
                campaign,
                building.id,
                DwellingRef {
                    entrance: "A".into(),
                    floor: 2,
                    door: door.into(),
                },
                Pass(1),
                5_000,
                AgentId::new(),
                Outcome::Talked,
            );
            visit.person = Some(p.id);
            visit.profile.age_band = Some("25-64".into());
            visit
                .answers
                .insert("logement".into(), Answer::Choice("social".into()));
            schema::record_visit(&mut doc, &visit).expect("record");
        }
        store.save_one(&log, &doc).expect("save");

        let pool =
            read(&store, now, &["logement".into(), "transport".into()], false).expect("read");
        assert_eq!(pool.expired, 1);
        assert_eq!(pool.without_visit, 1);
        assert_eq!(pool.volunteers.len(), 1);
        let v = &pool.volunteers[0];
        assert_eq!(v.id, yes.id.to_string());
        assert_eq!(v.traits[NEIGHBOURHOOD], "Lozaits");
        assert_eq!(v.traits[AGE], "25-64");
        assert_eq!(v.traits["logement"], "social");
        assert_eq!(v.traits["transport"], UNKNOWN);
        assert_eq!(v.household, format!("{}/A/2/1", building.id));
        // No personal data reaches the draw.
        let shown = format!("{pool:?}");
        assert!(!shown.contains("Awa") && !shown.contains("06 11"));
    }

    #[test]
    fn a_child_under_15_joins_only_a_process_for_young_people_with_a_parent() {
        let mut store = Store::open_in_memory().expect("store");
        let building = shared::samples::building("B1", "3 rue Lebon");
        put(&mut store, &building);
        let now = 10_000;
        let with_parent = {
            let mut p = person(ConsentPurpose::CitizensAssembly, now + 1);
            p.consents[0].parental = true;
            p
        };
        let alone = person(ConsentPurpose::CitizensAssembly, now + 1);
        let adult = person(ConsentPurpose::CitizensAssembly, now + 1);
        let campaign = CampaignId::new();
        let mut doc = automerge::Automerge::new();
        for (p, door, band) in [
            (&with_parent, "1", "<15"),
            (&alone, "2", "<15"),
            (&adult, "3", "25-64"),
        ] {
            put(&mut store, p);
            let mut visit = Visit::outcome_only(
                campaign,
                building.id,
                DwellingRef {
                    entrance: "A".into(),
                    floor: 0,
                    door: door.into(),
                },
                Pass(1),
                5_000,
                AgentId::new(),
                Outcome::Talked,
            );
            visit.person = Some(p.id);
            visit.profile.age_band = Some(band.into());
            schema::record_visit(&mut doc, &visit).expect("record");
        }
        store
            .save_one(&shared::schema::DocId::visits(campaign, building.id), &doc)
            .expect("save");
        let ids = |pool: &Pool| -> Vec<String> {
            let mut ids: Vec<_> = pool.volunteers.iter().map(|v| v.id.clone()).collect();
            ids.sort();
            ids
        };
        let grown_ups = read(&store, now, &[], false).expect("read");
        assert_eq!(ids(&grown_ups), vec![adult.id.to_string()]);
        assert_eq!(grown_ups.minors_left_out, 2);
        let young = read(&store, now, &[], true).expect("read");
        let mut expected = vec![adult.id.to_string(), with_parent.id.to_string()];
        expected.sort();
        assert_eq!(ids(&young), expected);
        assert_eq!(young.minors_left_out, 1, "no parent agreed");
    }
}
