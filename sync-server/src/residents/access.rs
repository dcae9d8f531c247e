//! Everything held about one volunteer, to answer their right of access
//! (GDPR Article 15): their record and its ledger of consents, the visits
//! linked to them with what was noted there, the follow-ups those visits
//! raised, and the draws whose pool they were in. Nothing about anyone
//! else: visits are those the read model links to this person alone
//! (`consolidate::linked`), follow-ups those these visits raised.
//!
//! And rectification (Article 16): the office corrects a volunteer's
//! name or contacts in their own document, which every phone holding it
//! receives at its next sync.

use crate::consolidate::linked::LinkedVisit;
use crate::erasure::current_generation;
use serde_json::{Value, json};
use shared::domain::{ConsentRecord, FollowUp, Person, PersonId, Visit};
use shared::schema::{self, DocId};
use shared::store::StoreError;
use shared::sync::DocumentStore;

/// A visit linked to the person, with where and what was noted.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldVisit {
    /// The building's address.
    pub address: String,
    /// The door, as people read it.
    pub door: String,
    /// The visit as its log holds it now.
    pub visit: Visit,
}

/// A draw whose pool held the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldDraw {
    /// The draw's id.
    pub id: String,
    /// When it was drawn.
    pub drawn_at: i64,
    /// Whether they were drawn onto the panel.
    pub drawn: bool,
}

/// Everything held about one person.
#[derive(Clone, Debug, PartialEq)]
pub struct Access {
    /// Their record.
    pub person: Person,
    /// The visits linked to them.
    pub visits: Vec<HeldVisit>,
    /// The follow-ups those visits raised.
    pub follow_ups: Vec<FollowUp>,
    /// The draws whose pool held them.
    pub draws: Vec<HeldDraw>,
}

/// Why the access could not be gathered.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A document did not read as its record.
    #[error(transparent)]
    Schema(#[from] schema::SchemaError),
}

/// Gathers what is held about `id`: `linked`, the visits the read model
/// links to them; `draws`, each draw's (id, time, members JSON, record
/// JSON). `None` when the municipality holds no such person.
pub fn gather(
    store: &dyn DocumentStore,
    id: PersonId,
    linked: &[LinkedVisit],
    draws: &[(String, i64, String, String)],
) -> Result<Option<Access>, AccessError> {
    let Some(doc) = store.load(&DocId::person(id))? else {
        return Ok(None);
    };
    let person: Person = schema::read(&doc)?;
    let mut visits = Vec::new();
    let mut follow_ups = Vec::new();
    for link in linked
        .iter()
        .filter(|l| l.person.as_deref() == Some(&id.to_string()))
    {
        let Ok(log) = DocId::parse(&link.doc_id) else {
            continue;
        };
        let current = current_generation(store, &log)?;
        let Some(doc) = store.load(&current)? else {
            continue;
        };
        let Some(visit) = schema::visits(&doc)?.remove(&link.visit_id) else {
            continue;
        };
        // The visit must still name them: a later correction may not.
        if visit.person != Some(id) {
            continue;
        }
        if let Some(follow_up) = visit.follow_up {
            let current = current_generation(store, &DocId::follow_up(follow_up))?;
            if let Some(doc) = store.load(&current)? {
                follow_ups.push(schema::read(&doc)?);
            }
        }
        visits.push(HeldVisit {
            address: link.address.clone(),
            door: link.door.clone(),
            visit,
        });
    }
    let mut held_draws = Vec::new();
    for (draw, drawn_at, members, record) in draws {
        let Ok(members) =
            serde_json::from_str::<std::collections::BTreeMap<String, String>>(members)
        else {
            continue;
        };
        let Some(pseudonym) = members
            .iter()
            .find(|(_, person)| **person == id.0.to_string() || **person == id.to_string())
            .map(|(pseudonym, _)| pseudonym.clone())
        else {
            continue;
        };
        let panel = serde_json::from_str::<Value>(record)
            .ok()
            .and_then(|r| r.get("panel").cloned())
            .and_then(|p| p.as_array().cloned())
            .unwrap_or_default();
        held_draws.push(HeldDraw {
            id: draw.clone(),
            drawn_at: *drawn_at,
            drawn: panel.iter().any(|p| p.as_str() == Some(pseudonym.as_str())),
        });
    }
    Ok(Some(Access {
        person,
        visits,
        follow_ups,
        draws: held_draws,
    }))
}

fn consent_json(c: &ConsentRecord) -> Value {
    json!({
        "purpose": c.purpose.as_str(),
        "at": c.at,
        "language": c.language,
        "wording_version": c.wording_version,
        "notice_version": c.notice_version,
        "text_hash": c.text_hash,
        "given_by_a_parent": c.parental,
    })
}

/// The access as one JSON document, for the resident to keep; `kept_until`
/// is when the record goes (`retention::person_deadline`).
pub fn to_json(access: &Access, kept_until: i64) -> Value {
    let p = &access.person;
    json!({
        "person": {
            "name": p.display_name,
            "phone": p.phone,
            "email": p.email,
            "consents": p.consents.iter().map(consent_json).collect::<Vec<_>>(),
            "withdrawals": p.withdrawals.iter().map(consent_json).collect::<Vec<_>>(),
            "kept_until": kept_until,
        },
        "visits": access.visits.iter().map(|h| json!({
            "address": h.address,
            "door": h.door,
            "at": h.visit.at,
            "outcome": h.visit.outcome.as_str(),
            "answers": h.visit.answers,
            "topics": h.visit.topics,
            "verbatim": h.visit.verbatim,
            "age_band": h.visit.profile.age_band,
            "language": h.visit.profile.language,
            "notice_version": h.visit.notice_version,
        })).collect::<Vec<_>>(),
        "follow_ups": access.follow_ups.iter().map(|f| json!({
            "service": f.service,
            "description": f.description,
            "status": f.status.as_str(),
        })).collect::<Vec<_>>(),
        "draws": access.draws.iter().map(|d| json!({
            "drawn_at": d.drawn_at,
            "drawn": d.drawn,
        })).collect::<Vec<_>>(),
    })
}

/// What the office may correct in a volunteer's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    /// How to address them.
    pub display_name: String,
    /// Phone (empty: none).
    pub phone: String,
    /// E-mail (empty: none).
    pub email: String,
}

/// Why a correction was not written; nothing was.
#[derive(Debug, thiserror::Error)]
pub enum RectifyError {
    /// No such person.
    #[error("no such person")]
    NotFound,
    /// A field out of bounds, or no name.
    #[error("a field is out of bounds")]
    OutOfBounds,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The document did not read as a person.
    #[error(transparent)]
    Schema(#[from] schema::SchemaError),
}

/// The person once corrected: the fields changed, consents untouched.
pub fn plan_rectify(person: &Person, correction: &Correction) -> Result<Person, RectifyError> {
    let optional = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let corrected = Person {
        display_name: correction.display_name.trim().to_string(),
        phone: optional(&correction.phone),
        email: optional(&correction.email),
        ..person.clone()
    };
    if corrected.display_name.is_empty() || !shared::policy::values::person_ok(&corrected) {
        return Err(RectifyError::OutOfBounds);
    }
    Ok(corrected)
}

/// Writes the correction into the person's document.
pub fn rectify(
    store: &mut dyn DocumentStore,
    id: PersonId,
    correction: &Correction,
) -> Result<(), RectifyError> {
    let doc_id = DocId::person(id);
    let mut doc = store.load(&doc_id)?.ok_or(RectifyError::NotFound)?;
    let person: Person = schema::read(&doc)?;
    let corrected = plan_rectify(&person, correction)?;
    schema::write(&mut doc, &corrected)?;
    store.save_one(&doc_id, &doc)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{AgentId, ConsentPurpose};

    fn person() -> Person {
        Person {
            id: PersonId::new(),
            display_name: "Mme Haddad".into(),
            phone: Some("06 11 22 33 44".into()),
            email: None,
            consents: vec![ConsentRecord {
                purpose: ConsentPurpose::Workshop,
                wording_version: "notice-1".into(),
                language: "fr".into(),
                at: 1,
                agent: AgentId::new(),
                notice_version: Some(1),
                text_hash: Some("ab".into()),
                parental: false,
            }],
            withdrawals: vec![],
            retain_until: 10,
        }
    }

    #[test]
    fn a_correction_changes_the_fields_and_keeps_the_consents() {
        let before = person();
        let after = plan_rectify(
            &before,
            &Correction {
                display_name: " Mme Haddad-Benali ".into(),
                phone: "".into(),
                email: "n.haddad@example.org".into(),
            },
        )
        .expect("plan");
        assert_eq!(after.display_name, "Mme Haddad-Benali");
        assert_eq!(after.phone, None);
        assert_eq!(after.email.as_deref(), Some("n.haddad@example.org"));
        assert_eq!(after.consents, before.consents);
        for bad in ["", &"x".repeat(500)] {
            assert!(matches!(
                plan_rectify(
                    &before,
                    &Correction {
                        display_name: bad.into(),
                        phone: String::new(),
                        email: String::new()
                    }
                ),
                Err(RectifyError::OutOfBounds)
            ));
        }
    }
}
