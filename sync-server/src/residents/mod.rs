//! Finding what Palier holds about one resident, so that a request
//! (access, rectification, erasure: PRODUCT.md, workflow 7) can be
//! answered: by door (an address and a door number), or by words (a name,
//! a phone number, an e-mail, words they said), across volunteers' person
//! documents, the visits' verbatims and free-text answers, follow-ups and
//! citizens' assembly draws.
//!
//! Read only, no HTTP: `office::residents` is the page (coordinators only,
//! a form posted, so what is searched is never in an address or a log).
//! Nothing here logs what was searched or found.
//!
//! Visits name no resident (the read model keeps no person link): a
//! resident who talked but never volunteered is found by their door or by
//! their words.

pub use crate::consolidate::held::{FollowUpHit, Held, Matched, VisitHit};
pub mod access;

use crate::volunteers;
use shared::domain::PersonId;
use shared::store::StoreError;
use shared::sync::DocumentStore;

/// The fewest characters a search looks for: fewer would list half the
/// town.
pub const MIN_CHARS: usize = 3;
/// Hits of each kind shown at most; the page says when there were more.
pub const MAX_HITS: usize = 100;

/// What a coordinator searches for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    /// A name, phone number, e-mail or words said, as typed.
    pub words: String,
    /// Part of a building's address.
    pub address: String,
    /// A door's number at that address (all its doors when empty).
    pub door: String,
}

impl Search {
    /// Whether it says enough to search: words or an address of
    /// [`MIN_CHARS`] at least.
    pub fn is_enough(&self) -> bool {
        let long = |s: &str| s.trim().chars().count() >= MIN_CHARS;
        long(&self.words) || long(&self.address)
    }
}

/// A volunteer whose name, phone or e-mail matches.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonHit {
    /// Their document.
    pub id: PersonId,
    /// Their name.
    pub name: String,
    /// Their phone.
    pub phone: Option<String>,
    /// Their e-mail.
    pub email: Option<String>,
}

/// A draw a volunteer found took part in (its members name them by id).
#[derive(Clone, Debug, PartialEq)]
pub struct DrawHit {
    /// The draw.
    pub id: String,
    /// When it was drawn.
    pub drawn_at: i64,
    /// The volunteer.
    pub person: PersonId,
}

/// Everything found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Findings {
    /// Volunteers.
    pub persons: Vec<PersonHit>,
    /// Visits and follow-ups ([`crate::consolidate::held`]).
    pub held: Held,
    /// Draws.
    pub draws: Vec<DrawHit>,
}

/// Digits alone: "06 12-34" and "061234" are the same number.
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Volunteers whose name or e-mail contains the words (case aside), or
/// whose phone holds the digits typed (six at least).
pub fn persons(store: &dyn DocumentStore, search: &Search) -> Result<Vec<PersonHit>, StoreError> {
    let words = search.words.trim().to_lowercase();
    if words.chars().count() < MIN_CHARS {
        return Ok(Vec::new());
    }
    let typed = digits(&words);
    Ok(volunteers::read(store, None)?
        .into_iter()
        .filter(|v| {
            v.name.to_lowercase().contains(&words)
                || v.email
                    .as_deref()
                    .is_some_and(|e| e.to_lowercase().contains(&words))
                || (typed.len() >= 6
                    && v.phone
                        .as_deref()
                        .is_some_and(|p| digits(p).contains(&typed)))
        })
        .map(|v| PersonHit {
            id: v.id,
            name: v.name,
            phone: v.phone,
            email: v.email,
        })
        .collect())
}

/// The draws whose members include one of `persons`, from every draw's
/// (id, when, members as JSON).
pub fn draws_of(persons: &[PersonId], draws: &[(String, i64, String)]) -> Vec<DrawHit> {
    let mut hits = Vec::new();
    for (id, drawn_at, members) in draws {
        for person in persons {
            // The members' JSON names each person by id, as text.
            if members.contains(&person.0.to_string()) || members.contains(&person.to_string()) {
                hits.push(DrawHit {
                    id: id.clone(),
                    drawn_at: *drawn_at,
                    person: *person,
                });
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_says_enough_or_nothing_is_searched() {
        let s = |words: &str, address: &str| Search {
            words: words.into(),
            address: address.into(),
            door: String::new(),
        };
        assert!(!s("", "").is_enough());
        assert!(!s(" ab ", "12").is_enough());
        assert!(s("Awa", "").is_enough());
        assert!(s("", "rue").is_enough());
    }

    #[test]
    fn phone_numbers_match_whatever_separates_their_digits() {
        assert_eq!(digits("06 12-34.56 78"), "0612345678");
        assert!(digits("+33 6 12 34 56 78").contains(&digits("6 12 34 56")));
    }

    #[test]
    fn a_draw_is_found_by_its_members_ids() {
        let (a, b) = (PersonId::new(), PersonId::new());
        let draws = vec![
            ("d1".to_string(), 1, format!("[{{\"person\":\"{}\"}}]", a)),
            ("d2".to_string(), 2, "[]".to_string()),
        ];
        let hits = draws_of(&[a, b], &draws);
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].id.as_str(), hits[0].person), ("d1", a));
    }
}
