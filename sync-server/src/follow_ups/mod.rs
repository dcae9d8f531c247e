//! A follow-up's status, changed at the office: the new status and a note
//! for the agent are appended to its history in its document, so the
//! change reaches the phones at their next sync and shows on the door.
//! Read → plan → apply; no HTTP, no HTML (`office::follow_ups` is the
//! page; the list is read from the read model by `consolidate`).

use crate::campaigns::{RecordError, load};
use shared::domain::Timestamp;
use shared::domain::{AgentId, CampaignId, FollowUp, FollowUpId, FollowUpStatus, StatusChange};
use shared::schema::DocId;
use shared::sync::DocumentStore;

/// The longest note kept with a status change; a longer one is cut.
pub const MAX_NOTE_CHARS: usize = 1000;

/// A status change as the office asks it.
#[derive(Debug, Clone)]
pub struct Change {
    /// The new status.
    pub status: FollowUpStatus,
    /// A note for the agent (may be empty).
    pub note: String,
    /// Who changes it (the office account, as an agent id).
    pub by: AgentId,
    /// When.
    pub at: Timestamp,
}

/// The follow-up with `change` applied: the status set and the change
/// appended to its history, the note cut to [`MAX_NOTE_CHARS`].
pub fn plan(follow_up: &FollowUp, change: Change) -> FollowUp {
    let mut changed = follow_up.clone();
    changed.status = change.status;
    changed.history.push(StatusChange {
        status: change.status,
        at: change.at,
        by: change.by,
        note: change.note.chars().take(MAX_NOTE_CHARS).collect(),
    });
    changed
}

/// Reads the follow-up, plans the change and writes it; returns its
/// campaign (where the office goes back to).
pub fn change_status(
    store: &mut dyn DocumentStore,
    id: FollowUpId,
    change: Change,
) -> Result<CampaignId, RecordError> {
    // Its current generation: an erased description lives on as the next.
    let doc_id = crate::erasure::current_generation(store, &DocId::follow_up(id))?;
    let follow_up: FollowUp = load(store, &doc_id)?;
    let changed = plan(&follow_up, change);
    let mut doc = store.load(&doc_id)?.ok_or(RecordError::NotFound)?;
    shared::schema::write(&mut doc, &changed)?;
    store.save_one(&doc_id, &doc)?;
    Ok(changed.campaign)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::Automerge;
    use shared::schema;
    use shared::store::{Origin, Store};

    fn follow_up() -> FollowUp {
        FollowUp {
            id: FollowUpId::new(),
            campaign: CampaignId::new(),
            service: "Ascenseurs".into(),
            description: "Ascenseur en panne".into(),
            building: None,
            place: None,
            status: FollowUpStatus::Open,
            history: Vec::new(),
        }
    }

    fn change(status: FollowUpStatus, note: &str) -> Change {
        Change {
            status,
            note: note.into(),
            by: AgentId::new(),
            at: 5,
        }
    }

    #[test]
    fn a_change_sets_the_status_and_is_appended_with_its_note_cut() {
        let long = "é".repeat(MAX_NOTE_CHARS + 5);
        let changed = plan(&follow_up(), change(FollowUpStatus::InProgress, &long));
        assert_eq!(changed.status, FollowUpStatus::InProgress);
        assert_eq!(changed.history.len(), 1);
        assert_eq!(changed.history[0].note.chars().count(), MAX_NOTE_CHARS);
        let again = plan(&changed, change(FollowUpStatus::Resolved, "Réparé"));
        assert_eq!(again.history.len(), 2);
        assert_eq!(again.history[1].note, "Réparé");
    }

    #[test]
    fn the_change_is_written_to_the_document_and_an_unknown_follow_up_is_not_found() {
        let mut store = Store::open_in_memory().expect("store");
        let stored = follow_up();
        let mut doc = Automerge::new();
        schema::write(&mut doc, &stored).expect("write");
        store
            .save(&DocId::follow_up(stored.id), &doc, Origin::Local)
            .expect("save");
        let campaign = change_status(
            &mut store,
            stored.id,
            change(FollowUpStatus::Resolved, "ok"),
        )
        .expect("change");
        assert_eq!(campaign, stored.campaign);
        let read: FollowUp = load(&store, &DocId::follow_up(stored.id)).expect("read");
        assert_eq!(read.status, FollowUpStatus::Resolved);
        assert!(matches!(
            change_status(
                &mut store,
                FollowUpId::new(),
                change(FollowUpStatus::Resolved, "")
            ),
            Err(RecordError::NotFound)
        ));
    }
}
