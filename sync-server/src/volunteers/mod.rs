//! Volunteers: the residents who signed up at their door, with what they
//! consented to. Coordinators only; the read model never holds them (they
//! are read from their own documents, which alone hold names and
//! contacts). [`read`]
//! lists them; [`withdraw`] plans and applies a withdrawal, recorded the
//! way a consent is (purpose, wording, language, when, who), in the
//! person's document, so every phone holding them learns it at its next
//! sync and the sortition pool leaves them out. [`erase`] erases a
//! person's document everywhere.
//!
//! No HTTP here: `office::volunteers` is the page. Nothing here logs a
//! name or a contact.

use shared::domain::{
    AgentId, ConsentPurpose, ConsentRecord, Person, PersonId, Timestamp, WITHDRAWAL_WORDING,
};
use shared::schema::{self, DocId, DocKind};
use shared::store::StoreError;
use shared::sync::{DocumentStore, Records};

/// A volunteer as the office lists them.
#[derive(Clone, Debug, PartialEq)]
pub struct Volunteer {
    /// Their person document's id.
    pub id: PersonId,
    /// How to address them.
    pub name: String,
    /// Phone, if given.
    pub phone: Option<String>,
    /// E-mail, if given.
    pub email: Option<String>,
    /// What they consent to now.
    pub purposes: Vec<ConsentPurpose>,
    /// What they consented to once and withdrew.
    pub withdrawn: Vec<ConsentPurpose>,
    /// When they first signed up.
    pub signed_up: Timestamp,
    /// When their data must be erased.
    pub retain_until: Timestamp,
    /// Every consent and withdrawal, oldest first: the ledger.
    pub ledger: Vec<LedgerLine>,
}

impl Volunteer {
    /// Whether no consent is left for any purpose: their contact data has
    /// no ground to be kept, and they are due for erasure.
    pub fn due_for_erasure(&self) -> bool {
        self.purposes.is_empty()
    }
}

/// One line of a person's consent ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerLine {
    /// What for.
    pub purpose: ConsentPurpose,
    /// A withdrawal (else a consent).
    pub withdrawal: bool,
    /// When.
    pub at: Timestamp,
    /// The notice version shown, if one was.
    pub notice_version: Option<u32>,
    /// The start of the hash of the text shown, if recorded.
    pub text_hash: Option<String>,
    /// The language it was shown in.
    pub language: String,
}

fn ledger(person: &Person) -> Vec<LedgerLine> {
    let line = |withdrawal: bool| {
        move |c: &ConsentRecord| LedgerLine {
            purpose: c.purpose,
            withdrawal,
            at: c.at,
            notice_version: c.notice_version,
            text_hash: c.text_hash.as_deref().map(|h| h.chars().take(12).collect()),
            language: c.language.clone(),
        }
    };
    let mut lines: Vec<LedgerLine> = person
        .consents
        .iter()
        .map(line(false))
        .chain(person.withdrawals.iter().map(line(true)))
        .collect();
    lines.sort_by_key(|l| (l.at, l.withdrawal));
    lines
}

/// Every volunteer, newest sign-up first; with `purpose`, only those who
/// consent to it now.
pub fn read(
    store: &dyn DocumentStore,
    purpose: Option<ConsentPurpose>,
) -> Result<Vec<Volunteer>, StoreError> {
    let mut out: Vec<Volunteer> = store
        .readable_records::<Person>(DocKind::Person)?
        .into_iter()
        .filter(|p| purpose.is_none_or(|wanted| p.consents_to(wanted)))
        .map(|p| {
            let purposes = p.purposes();
            let withdrawn = ConsentPurpose::ALL
                .into_iter()
                .filter(|c| !purposes.contains(c) && p.withdrawals.iter().any(|w| w.purpose == *c))
                .collect();
            Volunteer {
                ledger: ledger(&p),
                id: p.id,
                signed_up: p.consents.iter().map(|c| c.at).min().unwrap_or_default(),
                name: p.display_name,
                phone: p.phone,
                email: p.email,
                purposes,
                withdrawn,
                retain_until: p.retain_until,
            }
        })
        .collect();
    out.sort_by(|a, b| b.signed_up.cmp(&a.signed_up).then(a.id.0.cmp(&b.id.0)));
    Ok(out)
}

/// Why a withdrawal was not recorded; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    /// They do not consent to it now.
    #[error("no consent to withdraw")]
    NotConsenting,
    /// No such person in this municipality.
    #[error("no such person")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The document did not read as a person.
    #[error(transparent)]
    Schema(#[from] shared::schema::SchemaError),
}

/// The person once `purpose` is withdrawn by `by` at `at`, in `language`,
/// under `notice` (the version in force and its text's hash, if one is
/// published).
pub fn plan(
    person: &Person,
    purpose: ConsentPurpose,
    by: AgentId,
    at: Timestamp,
    language: &str,
    notice: Option<(u32, String)>,
) -> Result<Person, WithdrawError> {
    if !person.consents_to(purpose) {
        return Err(WithdrawError::NotConsenting);
    }
    let mut changed = person.clone();
    // A clock behind the consent's (the phone's, which may be wrong, even
    // as far as the end of time) must still end it: the withdrawal is
    // never dated before it, and a tie counts as withdrawn.
    let latest = person
        .consents
        .iter()
        .filter(|c| c.purpose == purpose)
        .map(|c| c.at)
        .max()
        .unwrap_or_default();
    changed.withdrawals.push(ConsentRecord {
        purpose,
        wording_version: WITHDRAWAL_WORDING.into(),
        language: language.into(),
        at: at.max(latest.saturating_add(1)),
        agent: by,
        notice_version: notice.as_ref().map(|(v, _)| *v),
        text_hash: notice.map(|(_, hash)| hash),
        parental: false,
    });
    Ok(changed)
}

/// Records the withdrawal in the person's document.
pub fn withdraw(
    store: &mut dyn DocumentStore,
    id: PersonId,
    purpose: ConsentPurpose,
    by: AgentId,
    at: Timestamp,
    language: &str,
    notice: Option<(u32, String)>,
) -> Result<(), WithdrawError> {
    let doc_id = DocId::person(id);
    let mut doc = store.load(&doc_id)?.ok_or(WithdrawError::NotFound)?;
    let person: Person = schema::read(&doc)?;
    let changed = plan(&person, purpose, by, at, language, notice)?;
    schema::write(&mut doc, &changed)?;
    store.save_one(&doc_id, &doc)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::store::Store;

    fn signed_up(store: &mut Store, purposes: &[ConsentPurpose], at: Timestamp) -> Person {
        let person = Person {
            id: PersonId::new(),
            display_name: "Mme Haddad".into(),
            phone: Some("06 11 22 33 44".into()),
            email: None,
            consents: purposes
                .iter()
                .map(|p| ConsentRecord {
                    purpose: *p,
                    wording_version: "2026-11".into(),
                    language: "fr".into(),
                    at,
                    agent: AgentId::new(),
                    notice_version: None,
                    text_hash: None,
                    parental: false,
                })
                .collect(),
            withdrawals: vec![],
            retain_until: at.saturating_add(1_000_000),
        };
        let mut doc = automerge::Automerge::new();
        schema::write(&mut doc, &person).expect("write");
        store
            .save_one(&DocId::person(person.id), &doc)
            .expect("save");
        person
    }

    #[test]
    fn a_consent_dated_at_the_end_of_time_is_still_withdrawn() {
        let mut store = Store::open_in_memory().expect("store");
        let forged = signed_up(&mut store, &[ConsentPurpose::CitizensAssembly], i64::MAX);
        withdraw(
            &mut store,
            forged.id,
            ConsentPurpose::CitizensAssembly,
            AgentId::new(),
            10,
            "fr",
            None,
        )
        .expect("withdraw");
        assert!(
            read(&store, Some(ConsentPurpose::CitizensAssembly))
                .expect("read")
                .is_empty()
        );
    }

    #[test]
    fn a_withdrawal_takes_one_purpose_and_is_recorded_like_a_consent() {
        let mut store = Store::open_in_memory().expect("store");
        let both = [
            ConsentPurpose::NeighbourhoodCouncil,
            ConsentPurpose::CitizensAssembly,
        ];
        let haddad = signed_up(&mut store, &both, 100);
        let other = signed_up(&mut store, &[ConsentPurpose::Workshop], 200);
        let office = AgentId::new();
        // The office's clock is behind the phone's: the withdrawal still
        // comes after the consent.
        withdraw(
            &mut store,
            haddad.id,
            ConsentPurpose::CitizensAssembly,
            office,
            50,
            "fr",
            Some((1, "abc".into())),
        )
        .expect("withdraw");
        let listed = read(&store, None).expect("read");
        assert_eq!(
            listed.iter().map(|v| v.id).collect::<Vec<_>>(),
            vec![other.id, haddad.id]
        );
        assert_eq!(
            listed[1].purposes,
            vec![ConsentPurpose::NeighbourhoodCouncil]
        );
        assert_eq!(listed[1].withdrawn, vec![ConsentPurpose::CitizensAssembly]);
        let assembly = read(&store, Some(ConsentPurpose::CitizensAssembly)).expect("read");
        assert!(assembly.is_empty(), "withdrawn from the assembly pool");

        let doc = store
            .load(&DocId::person(haddad.id))
            .expect("load")
            .expect("held");
        let person: Person = schema::read(&doc).expect("read");
        let w = &person.withdrawals[0];
        assert_eq!(
            (w.agent, w.wording_version.as_str()),
            (office, WITHDRAWAL_WORDING)
        );
        assert!(w.at > 100);
        // Under the notice in force, as a consent is.
        assert_eq!(
            (w.notice_version, w.text_hash.as_deref()),
            (Some(1), Some("abc"))
        );
        // Twice is refused, and nothing changes.
        assert!(matches!(
            withdraw(
                &mut store,
                haddad.id,
                ConsentPurpose::CitizensAssembly,
                office,
                60,
                "fr",
                None
            ),
            Err(WithdrawError::NotConsenting)
        ));
        assert!(matches!(
            withdraw(
                &mut store,
                PersonId::new(),
                ConsentPurpose::Workshop,
                office,
                60,
                "fr",
                None
            ),
            Err(WithdrawError::NotFound)
        ));
    }
}

/// What [`erase`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Erasure {
    /// The person's document is gone, its bytes overwritten.
    Done,
    /// This municipality never held such a person.
    Unknown,
}

/// Erases a person's document: deleted, its bytes overwritten, a
/// tombstone (id and time only) left for phones. Asking again for a person
/// already erased finishes what a first try could not (a reader held the
/// write-ahead log, so its old pages were not overwritten yet: that try
/// committed the deletion, then failed), and says done.
pub fn erase(
    store: &mut dyn DocumentStore,
    id: PersonId,
    now: Timestamp,
) -> Result<Erasure, StoreError> {
    let doc_id = DocId::person(id);
    if !store.is_erased(&doc_id)? && store.heads(&doc_id)?.is_none() {
        return Ok(Erasure::Unknown);
    }
    // The tombstone keeps the first erasure's time.
    store.erase(&doc_id, now)?;
    Ok(Erasure::Done)
}
