//! A conversation in progress, kept on the phone as the agent types, so
//! that the back button, a call or a killed app loses nothing of it.
//!
//! A draft is not a record: it lives in the store's `meta` table, never in
//! a document, so it is never synced and never leaves the phone. It is
//! kept for [`MAX_AGE_MS`] after its last change, then dropped when next
//! read. It holds a volunteer's name, phone and e-mail only once a consent
//! box is ticked ([`TalkDraft::without_contacts_before_consent`]). An
//! erasure reaching the phone wipes every draft, even if the sync that
//! brought it failed later ([`purge_after_erasures`]): a draft names no
//! person, so the phone cannot tell whom it is about, and a day's typing
//! is a small price for never keeping an erased resident's words.
//!
//! Discarding a draft is the agent's explicit choice on the form; saving
//! the conversation deletes it.

use serde::{Deserialize, Serialize};
use shared::domain::*;
use shared::store::{Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// How long a draft is kept after its last change: a day.
pub const MAX_AGE_MS: Timestamp = 24 * 3600 * 1000;

/// The keys of drafts in the store's `meta` table start with this.
const PREFIX: &str = "draft.talk:";

/// What the conversation form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TalkDraft {
    /// The questionnaire's language.
    pub q_lang: String,
    /// Answers by question id.
    pub answers: BTreeMap<String, Answer>,
    /// The campaign's topics ticked.
    pub topics: BTreeSet<String>,
    /// Topics typed.
    pub extra_topics: Vec<String>,
    /// The resident's words.
    pub verbatim: String,
    /// The age band chosen, or empty.
    pub age_band: String,
    /// The language spoken, or empty.
    pub spoken: String,
    /// The city service chosen, or empty.
    pub service: String,
    /// The problem described.
    pub service_text: String,
    /// Whether the volunteer part is open.
    pub volunteer: bool,
    /// The volunteer's name: kept only with a consent.
    pub name: String,
    /// Their phone: kept only with a consent.
    pub phone: String,
    /// Their e-mail: kept only with a consent.
    pub email: String,
    /// The consents ticked.
    pub purposes: BTreeSet<ConsentPurpose>,
    /// A parent or guardian agrees (a child under 15).
    #[serde(default)]
    pub parental: bool,
}

impl TalkDraft {
    /// Whether nothing was typed or chosen yet (the questionnaire's
    /// language aside).
    pub fn is_empty(&self) -> bool {
        Self {
            q_lang: self.q_lang.clone(),
            ..Self::default()
        } == *self
    }

    /// Whether it holds a name, a phone or an e-mail.
    pub fn has_contacts(&self) -> bool {
        !(self.name.is_empty() && self.phone.is_empty() && self.email.is_empty())
    }

    /// The draft as it may be kept: no contact field before a consent box
    /// is ticked.
    pub fn without_contacts_before_consent(mut self) -> Self {
        if self.purposes.is_empty() {
            self.name.clear();
            self.phone.clear();
            self.email.clear();
        }
        self
    }
}

/// A draft as stored: the form and when it last changed.
#[derive(Serialize, Deserialize)]
struct Stored {
    saved_at: Timestamp,
    draft: TalkDraft,
}

/// The door a draft is for, as a `meta` key.
fn key(campaign: CampaignId, building: BuildingId, door: &DwellingRef) -> String {
    // serde_json of a DwellingRef cannot fail; an empty door key would
    // only make this draft share a slot.
    let door = serde_json::to_string(door).unwrap_or_default();
    format!("{PREFIX}{campaign}:{building}:{door}")
}

/// Keeps the form as typed at this door, replacing the last version; an
/// empty form deletes the draft.
pub fn save(
    store: &mut Store,
    campaign: CampaignId,
    building: BuildingId,
    door: &DwellingRef,
    draft: TalkDraft,
    now: Timestamp,
) -> Result<(), StoreError> {
    let key = key(campaign, building, door);
    let draft = draft.without_contacts_before_consent();
    if draft.is_empty() {
        return store.delete_meta(&[key]);
    }
    // Contacts dropped (the consent unticked): the version that held them
    // must not linger in the write-ahead log either.
    let had_contacts = store
        .meta(&key)?
        .and_then(|b| serde_json::from_slice::<Stored>(&b).ok())
        .is_some_and(|s| s.draft.has_contacts());
    let dropped = had_contacts && !draft.has_contacts();
    let stored = Stored {
        saved_at: now,
        draft,
    };
    let bytes = serde_json::to_vec(&stored).map_err(|e| StoreError::Malformed(e.to_string()))?;
    store.set_meta(&key, &bytes)?;
    if dropped {
        store.scrub()?;
    }
    Ok(())
}

/// The draft at this door, unless it is older than [`MAX_AGE_MS`] (then it
/// is deleted) or unreadable.
pub fn load(
    store: &mut Store,
    campaign: CampaignId,
    building: BuildingId,
    door: &DwellingRef,
    now: Timestamp,
) -> Result<Option<TalkDraft>, StoreError> {
    let key = key(campaign, building, door);
    let Some(bytes) = store.meta(&key)? else {
        return Ok(None);
    };
    match serde_json::from_slice::<Stored>(&bytes) {
        Ok(stored) if now - stored.saved_at <= MAX_AGE_MS => Ok(Some(stored.draft)),
        _ => {
            store.delete_meta(&[key])?;
            Ok(None)
        }
    }
}

/// Deletes the draft at this door.
pub fn discard(
    store: &mut Store,
    campaign: CampaignId,
    building: BuildingId,
    door: &DwellingRef,
) -> Result<(), StoreError> {
    store.delete_meta(&[key(campaign, building, door)])
}

/// The doors of a building that have a draft still kept.
pub fn doors_with_drafts(
    store: &Store,
    campaign: CampaignId,
    building: BuildingId,
    now: Timestamp,
) -> Result<Vec<DwellingRef>, StoreError> {
    let prefix = format!("{PREFIX}{campaign}:{building}:");
    Ok(store
        .meta_with_prefix(&prefix)?
        .into_iter()
        .filter(|(_, bytes)| {
            serde_json::from_slice::<Stored>(bytes).is_ok_and(|s| now - s.saved_at <= MAX_AGE_MS)
        })
        .filter_map(|(key, _)| serde_json::from_str(key.get(prefix.len()..)?).ok())
        .collect())
}

/// The `meta` key of the erasures this phone had when drafts were last
/// checked against them.
const ERASURES_SEEN: &str = "drafts.erasures";

/// Deletes every draft if an erasure reached the phone since the last
/// check, whether or not the sync that brought it completed: its round
/// may have been the one before a failure. Returns whether drafts went.
pub fn purge_after_erasures(store: &mut Store) -> Result<bool, StoreError> {
    let erasures = store.tombstones_between(0, i64::MAX)?.len() as u64;
    let seen = store
        .meta(ERASURES_SEEN)?
        .and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok())
        .map_or(0, u64::from_le_bytes);
    if erasures <= seen {
        return Ok(false);
    }
    purge(store, 0, true)?;
    store.set_meta(ERASURES_SEEN, &erasures.to_le_bytes())?;
    Ok(true)
}

/// Deletes every draft older than [`MAX_AGE_MS`], or every draft when
/// `all` (an erasure reached the phone). Returns how many went.
pub fn purge(store: &mut Store, now: Timestamp, all: bool) -> Result<usize, StoreError> {
    let old: Vec<String> = store
        .meta_with_prefix(PREFIX)?
        .into_iter()
        .filter(|(_, bytes)| {
            all || serde_json::from_slice::<Stored>(bytes)
                .map_or(true, |s| now - s.saved_at > MAX_AGE_MS)
        })
        .map(|(key, _)| key)
        .collect();
    let n = old.len();
    store.delete_meta(&old)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn door() -> DwellingRef {
        DwellingRef {
            entrance: "A".into(),
            floor: 2,
            door: "21".into(),
        }
    }

    fn typed() -> TalkDraft {
        TalkDraft {
            q_lang: "fr".into(),
            verbatim: "L'ascenseur est en panne depuis trois semaines".into(),
            answers: [("q1".to_string(), Answer::Choice("oui".into()))].into(),
            volunteer: true,
            name: "Awa Diallo".into(),
            phone: "06 12 34 56 78".into(),
            ..TalkDraft::default()
        }
    }

    #[test]
    fn a_draft_comes_back_at_its_door_only_and_for_a_day() {
        let mut store = Store::open_in_memory().expect("store");
        let (c, b) = (CampaignId::new(), BuildingId::new());
        save(&mut store, c, b, &door(), typed(), 1_000).expect("save");
        let back = load(&mut store, c, b, &door(), 1_000 + MAX_AGE_MS)
            .expect("load")
            .expect("kept for a day");
        assert_eq!(back.verbatim, typed().verbatim);
        assert_eq!(back.answers, typed().answers);
        let other = DwellingRef {
            door: "22".into(),
            ..door()
        };
        assert!(
            load(&mut store, c, b, &other, 1_000)
                .expect("load")
                .is_none()
        );
        assert_eq!(
            doors_with_drafts(&store, c, b, 1_000).expect("doors"),
            vec![door()]
        );
        // A day and a millisecond later: gone, and deleted from the store.
        assert!(
            load(&mut store, c, b, &door(), 1_001 + MAX_AGE_MS)
                .expect("load")
                .is_none()
        );
        assert!(store.meta_with_prefix(PREFIX).expect("meta").is_empty());
    }

    #[test]
    fn contacts_are_kept_only_once_a_consent_is_ticked() {
        let mut store = Store::open_in_memory().expect("store");
        let (c, b) = (CampaignId::new(), BuildingId::new());
        save(&mut store, c, b, &door(), typed(), 0).expect("save");
        let kept = load(&mut store, c, b, &door(), 0)
            .expect("load")
            .expect("kept");
        assert!(kept.name.is_empty() && kept.phone.is_empty());
        let raw: Vec<u8> = store
            .meta_with_prefix(PREFIX)
            .expect("meta")
            .into_iter()
            .flat_map(|(_, v)| v)
            .collect();
        assert!(!String::from_utf8_lossy(&raw).contains("06 12 34 56 78"));
        let consented = TalkDraft {
            purposes: [ConsentPurpose::Feedback].into(),
            ..typed()
        };
        save(&mut store, c, b, &door(), consented, 0).expect("save");
        let kept = load(&mut store, c, b, &door(), 0)
            .expect("load")
            .expect("kept");
        assert_eq!(kept.phone, "06 12 34 56 78");
    }

    #[test]
    fn an_empty_form_a_discard_and_an_erasure_leave_no_draft() {
        let mut store = Store::open_in_memory().expect("store");
        let (c, b) = (CampaignId::new(), BuildingId::new());
        save(&mut store, c, b, &door(), typed(), 0).expect("save");
        save(
            &mut store,
            c,
            b,
            &door(),
            TalkDraft {
                q_lang: "ar".into(),
                ..TalkDraft::default()
            },
            0,
        )
        .expect("save");
        assert!(load(&mut store, c, b, &door(), 0).expect("load").is_none());
        save(&mut store, c, b, &door(), typed(), 0).expect("save");
        discard(&mut store, c, b, &door()).expect("discard");
        assert!(load(&mut store, c, b, &door(), 0).expect("load").is_none());
        save(&mut store, c, b, &door(), typed(), 0).expect("save");
        save(&mut store, c, BuildingId::new(), &door(), typed(), 5).expect("save");
        assert_eq!(purge(&mut store, 10, false).expect("purge"), 0);
        assert_eq!(purge(&mut store, 10, true).expect("purge"), 2);
        assert!(store.meta_with_prefix(PREFIX).expect("meta").is_empty());
    }

    #[test]
    fn a_consent_unticked_leaves_no_contact_in_the_phones_files() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("phone.sqlite");
        let mut store = Store::open(&path).expect("store");
        let (c, b) = (CampaignId::new(), BuildingId::new());
        let consented = TalkDraft {
            purposes: [ConsentPurpose::Feedback].into(),
            ..typed()
        };
        save(&mut store, c, b, &door(), consented, 0).expect("save");
        let bytes = || {
            let mut all = std::fs::read(&path).expect("db");
            all.extend(std::fs::read(dir.path().join("phone.sqlite-wal")).unwrap_or_default());
            all
        };
        let phone = b"06 12 34 56 78";
        assert!(
            bytes().windows(phone.len()).any(|w| w == phone),
            "kept with the consent"
        );
        // The box unticked: the draft keeps the words, not the number.
        save(&mut store, c, b, &door(), typed(), 1).expect("save");
        assert!(
            !bytes().windows(phone.len()).any(|w| w == phone),
            "the number is still in the phone's files"
        );
    }

    #[test]
    fn an_erasure_on_the_phone_wipes_the_drafts_once() {
        let mut store = Store::open_in_memory().expect("store");
        let (c, b) = (CampaignId::new(), BuildingId::new());
        save(&mut store, c, b, &door(), typed(), 0).expect("save");
        assert!(
            !purge_after_erasures(&mut store).expect("check"),
            "no erasure yet"
        );
        assert!(load(&mut store, c, b, &door(), 0).expect("load").is_some());
        // An erasure arrives (the sync that brought it may then fail).
        store
            .erase(&shared::schema::DocId::person(PersonId::new()), 1)
            .expect("erase");
        assert!(purge_after_erasures(&mut store).expect("check"));
        assert!(load(&mut store, c, b, &door(), 0).expect("load").is_none());
        // A draft typed afterwards stays until the next erasure.
        save(&mut store, c, b, &door(), typed(), 0).expect("save");
        assert!(!purge_after_erasures(&mut store).expect("check"));
        assert!(load(&mut store, c, b, &door(), 0).expect("load").is_some());
    }
}
