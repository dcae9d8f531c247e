//! What a phone carries from a visit log the office redacted to the log's
//! next generation (`schema`, "Generations").
//!
//! The server sends the old generation's tombstone and the new generation's
//! document. Visits this phone edited since the server last confirmed the
//! log would be lost with the old document, so each edit is written again
//! into the new one, field by field: only what the phone changed, never the
//! old state as a whole, and never anything about the resident into a visit
//! whose words the office erased. What the office removed cannot come back
//! from a phone that was offline across the redaction.

use crate::domain::{Answer, Visit};
use crate::schema::{self, SchemaError};
use automerge::{Automerge, ChangeHash};
use std::collections::{BTreeMap, BTreeSet};

/// Which edits are carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Into<'a> {
    /// Into the next generation as the server sent it: every edit.
    Received,
    /// Into a next generation this phone will never receive (the log is
    /// outside its scope: it only ever deposited its own visits there):
    /// only visits the server holds in no form, neither confirmed here
    /// nor among `kept` (what the server said it holds of this phone's,
    /// a confirmation that got lost included). Edits of visits the server
    /// holds would meet its own copy as a conflict; they are left behind.
    Unseen {
        /// The ids of this phone's visits the next generation holds.
        kept: &'a BTreeSet<String>,
    },
}

/// Writes into `target` (the new generation) the edits `old` holds beyond
/// `confirmed` (the heads the server last confirmed of it; empty if never).
/// Returns how many visits it wrote.
pub fn carry(
    old: &Automerge,
    confirmed: &[ChangeHash],
    target: &mut Automerge,
    into: Into,
) -> Result<usize, SchemaError> {
    let now = schema::visits(old)?;
    // The log as the server last confirmed it; a missing base (never
    // confirmed) is an empty log, so everything counts as edited.
    let before = if confirmed.is_empty() {
        BTreeMap::new()
    } else {
        match old.fork_at(confirmed) {
            Ok(base) => schema::visits(&base).unwrap_or_default(),
            Err(_) => BTreeMap::new(),
        }
    };
    let mut there = schema::visits(target)?;
    let mut written = 0;
    for (key, visit) in &now {
        let base = before.get(key);
        let known = match into {
            Into::Received => false,
            Into::Unseen { kept } => base.is_some() || kept.contains(key),
        };
        if base == Some(visit) || known {
            continue; // not edited since it was confirmed, or not ours to carry
        }
        let merged = match there.remove(key) {
            Some(present) => edited(present, base, visit),
            None => Some(visit.clone()),
        };
        if let Some(merged) = merged {
            schema::record_visit(target, &merged)?;
            written += 1;
        }
    }
    Ok(written)
}

/// `present` (the visit in the new generation) with the fields `now`
/// changed from `base`; `None` if that changes nothing. Into a visit whose
/// words were erased, only what is not about the resident is taken.
fn edited(present: Visit, base: Option<&Visit>, now: &Visit) -> Option<Visit> {
    let mut merged = present.clone();
    macro_rules! take {
        ($($field:ident),*) => {$(
            if base.map(|b| &b.$field) != Some(&now.$field) {
                merged.$field = now.$field.clone();
            }
        )*};
    }
    take!(outcome, questionnaire_version, follow_up, pass, at, door);
    if !present.words_erased {
        take!(profile, person);
        // Words whose retention passed (free topics among them) are not
        // written back either.
        if !present.words_expired {
            take!(verbatim, topics);
        }
    }
    let empty = BTreeMap::new();
    let old_answers = base.map_or(&empty, |b| &b.answers);
    let keys: BTreeSet<&String> = old_answers.keys().chain(now.answers.keys()).collect();
    for key in keys {
        let (was, is) = (old_answers.get(key), now.answers.get(key));
        if was == is {
            continue;
        }
        let about_resident = |a: Option<&Answer>| matches!(a, Some(Answer::Text(_)));
        if (present.words_erased || present.words_expired)
            && (about_resident(is) || about_resident(merged.answers.get(key)))
        {
            continue;
        }
        match is {
            Some(answer) => merged.answers.insert(key.clone(), answer.clone()),
            None => merged.answers.remove(key),
        };
    }
    (merged != present).then_some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;

    fn talked(verbatim: &str) -> Visit {
        let mut visit = Visit::outcome_only(
            CampaignId::new(),
            BuildingId::new(),
            DwellingRef {
                entrance: "A".into(),
                floor: 1,
                door: "12".into(),
            },
            Pass(1),
            1_000,
            AgentId::new(),
            Outcome::Talked,
        );
        visit.verbatim = verbatim.into();
        visit
    }

    /// The office's rebuild: the present state, the chosen visit's words
    /// erased, as a new document.
    fn redacted(old: &Automerge, erase: &VisitId) -> Automerge {
        let mut next = Automerge::new();
        for mut visit in schema::visits(old).expect("read").into_values() {
            if visit.id == *erase {
                visit.erase_words();
            }
            schema::record_visit(&mut next, &visit).expect("write");
        }
        next
    }

    #[test]
    fn a_new_visit_is_carried_and_erased_words_stay_erased() {
        let mut phone = Automerge::new();
        let resident = talked("Mme MARKER au 3e");
        schema::record_visit(&mut phone, &resident).expect("write");
        let confirmed = phone.get_heads();
        let mut server = redacted(&phone, &resident.id);

        // Offline across the redaction: a new visit, and the agent adds to
        // the erased resident's visit.
        let neighbour = talked("Le local vélo est fermé");
        schema::record_visit(&mut phone, &neighbour).expect("write");
        let mut again = resident.clone();
        again.verbatim = "Mme MARKER rappelle".into();
        again.outcome = Outcome::Refused;
        schema::record_visit(&mut phone, &again).expect("write");

        assert_eq!(
            carry(&phone, &confirmed, &mut server, Into::Received).expect("carry"),
            2
        );
        let now = schema::visits(&server).expect("read");
        assert_eq!(now[&neighbour.id.to_string()], neighbour);
        let kept = &now[&resident.id.to_string()];
        assert!(kept.words_erased && kept.verbatim.is_empty());
        assert_eq!(
            kept.outcome,
            Outcome::Refused,
            "the outcome is not about the resident"
        );
        let bytes = server.save_nocompress();
        assert!(!bytes.windows(6).any(|w| w == b"MARKER"));
    }

    #[test]
    fn only_what_changed_since_the_last_confirmation_is_carried() {
        let mut phone = Automerge::new();
        let first = talked("premier");
        schema::record_visit(&mut phone, &first).expect("write");
        let confirmed = phone.get_heads();
        let mut server = phone.fork();
        // The office changed nothing of it; another phone corrected it.
        let mut corrected = first.clone();
        corrected.topics = vec!["propreté".into()];
        schema::record_visit(&mut server, &corrected).expect("write");
        // This phone changed nothing since: nothing to carry, and the
        // other phone's correction stays.
        assert_eq!(
            carry(&phone, &confirmed, &mut server, Into::Received).expect("carry"),
            0
        );
        let now = schema::visits(&server).expect("read");
        assert_eq!(
            now[&first.id.to_string()].topics,
            vec!["propreté".to_string()]
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::*;
    use proptest::prelude::*;

    /// What a phone does to a log after the server last confirmed it.
    #[derive(Clone, Debug)]
    enum Edit {
        /// A new knock; talked ones carry words.
        Knock { talked: bool },
        /// Its agent rewrites the words of visit `n` (modulo those held).
        Words { n: usize },
        /// Its agent changes the outcome of visit `n`.
        Outcome { n: usize },
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (any::<bool>()).prop_map(|talked| Edit::Knock { talked }),
            (0..8usize).prop_map(|n| Edit::Words { n }),
            (0..8usize).prop_map(|n| Edit::Outcome { n }),
        ]
    }

    fn knock(agent: AgentId, campaign: CampaignId, building: BuildingId, talked: bool) -> Visit {
        let mut visit = Visit::outcome_only(
            campaign,
            building,
            DwellingRef {
                entrance: "A".into(),
                floor: 0,
                door: "1".into(),
            },
            Pass(1),
            1,
            agent,
            if talked {
                Outcome::Talked
            } else {
                Outcome::NotHome
            },
        );
        if talked {
            visit.verbatim = format!("SECRET-{}", visit.id);
        }
        visit
    }

    proptest! {
        /// Whatever the phone did offline and whichever visits the office
        /// redacted: every visit the phone holds is in the new generation,
        /// each edit of a visit whose words stayed is there, and no word
        /// of a redacted visit is anywhere in the new generation's bytes.
        #[test]
        fn carrying_keeps_every_visit_and_no_erased_word(
            before in 1..6usize,
            erased in proptest::collection::vec(any::<bool>(), 6),
            edits in proptest::collection::vec(edit(), 0..12),
        ) {
            let (agent, campaign, building) = (AgentId::new(), CampaignId::new(), BuildingId::new());
            let mut phone = Automerge::new();
            let mut held: Vec<Visit> = (0..before).map(|i| knock(agent, campaign, building, i % 2 == 0)).collect();
            for visit in &held {
                schema::record_visit(&mut phone, visit).expect("write");
            }
            let confirmed = phone.get_heads();
            // The office's rebuild.
            let mut server = Automerge::new();
            let mut redacted = BTreeSet::new();
            for (i, visit) in held.iter().enumerate() {
                let mut visit = visit.clone();
                if erased[i] {
                    visit.erase_words();
                    redacted.insert(visit.id);
                }
                schema::record_visit(&mut server, &visit).expect("write");
            }
            let secrets: Vec<String> = held
                .iter()
                .filter(|v| redacted.contains(&v.id) && !v.verbatim.is_empty())
                .map(|v| v.verbatim.clone())
                .collect();
            let mut rewritten = Vec::new();
            for edit in edits {
                let n = held.len();
                let i = match edit {
                    Edit::Knock { talked } => {
                        held.push(knock(agent, campaign, building, talked));
                        n
                    }
                    Edit::Words { n: i } => {
                        let v = &mut held[i % n];
                        // A redacted visit's old words again, as a stale
                        // form would write them.
                        v.verbatim = if redacted.contains(&v.id) {
                            rewritten.push(format!("SECRET-{}", v.id));
                            format!("SECRET-{}", v.id)
                        } else {
                            format!("corrigé {i}")
                        };
                        i % n
                    }
                    Edit::Outcome { n: i } => {
                        held[i % n].outcome = Outcome::Refused;
                        i % n
                    }
                };
                schema::record_visit(&mut phone, &held[i]).expect("write");
            }
            carry(&phone, &confirmed, &mut server, Into::Received).expect("carry");
            let now = schema::visits(&server).expect("read");
            for visit in &held {
                let there = now.get(&visit.id.to_string()).expect("every visit is kept");
                prop_assert_eq!(there.outcome, visit.outcome);
                if redacted.contains(&visit.id) {
                    prop_assert!(!there.has_words());
                } else {
                    prop_assert_eq!(&there.verbatim, &visit.verbatim);
                }
            }
            let bytes = server.save_nocompress();
            for secret in secrets.iter().chain(&rewritten) {
                prop_assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
            }
        }
    }
}
