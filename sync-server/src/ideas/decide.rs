//! What the office decides about an idea: its status (with a reason when
//! it is not eligible), or that it duplicates another. [`plan`] checks a
//! decision against the ideas as they are and says what each document
//! becomes; [`apply`] loads them, plans, and saves the changed ones. The
//! phones receive the change at their next sync.
//!
//! Merging keeps both texts: the duplicate stays a document of its own,
//! marked as merged into the kept idea, which the lists and exports show
//! with it. Ideas merged into the duplicate follow it to the kept idea, so
//! there is never a chain to follow.

use shared::domain::{Idea, IdeaId, IdeaStatus};
use shared::schema::{self, DocId};
use shared::sync::DocumentStore;

/// The longest reason kept.
pub const MAX_REASON_CHARS: usize = 500;

/// A decision about one idea.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// A new status, with the office's reason.
    Status(IdeaStatus, String),
    /// It duplicates this idea: merge it into that one.
    DuplicateOf(IdeaId),
    /// It is not a duplicate after all.
    Separate,
}

/// Why a decision cannot be applied; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// "Not eligible" needs a reason the ambassadors can pass on.
    #[error("a reason is needed when an idea is not eligible")]
    ReasonNeeded,
    /// An idea cannot duplicate itself.
    #[error("an idea cannot duplicate itself")]
    Itself,
    /// The kept idea is in another campaign.
    #[error("the two ideas belong to different campaigns")]
    OtherCampaign,
    /// The kept idea was itself merged into another.
    #[error("the idea to keep was itself merged into another")]
    KeptIsDuplicate,
    /// No such idea in this municipality.
    #[error("no such idea")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] shared::store::StoreError),
    /// A document did not read as an idea.
    #[error(transparent)]
    Schema(#[from] shared::schema::SchemaError),
}

/// What `decision` about `idea` makes of the ideas concerned: `kept` is
/// the idea to merge into (for [`Decision::DuplicateOf`]), `merged_into_idea`
/// those already merged into `idea`. Returns every idea that changes.
pub fn plan(
    idea: &Idea,
    decision: &Decision,
    kept: Option<&Idea>,
    merged_into_idea: &[Idea],
) -> Result<Vec<Idea>, DecideError> {
    let mut changed = idea.clone();
    match decision {
        Decision::Status(status, reason) => {
            let mut reason: String = reason.trim().chars().take(MAX_REASON_CHARS).collect();
            // The form shows the last reason: left as it was under a new
            // status, it explained the old one and goes.
            if *status != idea.status && reason == idea.status_reason {
                reason.clear();
            }
            if *status == IdeaStatus::NotEligible && reason.is_empty() {
                return Err(DecideError::ReasonNeeded);
            }
            changed.status = *status;
            changed.status_reason = reason;
            Ok(vec![changed])
        }
        Decision::Separate => {
            changed.duplicate_of = None;
            Ok(vec![changed])
        }
        Decision::DuplicateOf(of) => {
            let kept = kept.ok_or(DecideError::NotFound)?;
            if kept.id != *of {
                return Err(DecideError::NotFound);
            }
            if *of == idea.id {
                return Err(DecideError::Itself);
            }
            if kept.campaign != idea.campaign {
                return Err(DecideError::OtherCampaign);
            }
            if kept.duplicate_of.is_some() {
                return Err(DecideError::KeptIsDuplicate);
            }
            changed.duplicate_of = Some(*of);
            let mut out = vec![changed];
            out.extend(
                merged_into_idea
                    .iter()
                    .filter(|m| m.duplicate_of == Some(idea.id))
                    .map(|m| Idea {
                        duplicate_of: Some(*of),
                        ..m.clone()
                    }),
            );
            Ok(out)
        }
    }
}

fn load(store: &dyn DocumentStore, id: IdeaId) -> Result<Option<Idea>, DecideError> {
    match store.load(&DocId::idea(id))? {
        Some(doc) => Ok(Some(schema::read(&doc)?)),
        None => Ok(None),
    }
}

/// Plans `decision` about `id` against the stored ideas and saves what
/// changes. Returns the idea's campaign.
pub fn apply(
    store: &mut dyn DocumentStore,
    id: IdeaId,
    decision: &Decision,
) -> Result<shared::domain::CampaignId, DecideError> {
    let idea = load(store, id)?.ok_or(DecideError::NotFound)?;
    let (kept, merged) = match decision {
        Decision::DuplicateOf(of) => {
            let kept = load(store, *of)?.ok_or(DecideError::NotFound)?;
            let mut merged = Vec::new();
            for doc_id in store.doc_ids_of(shared::schema::DocKind::Idea)? {
                if let Some(doc) = store.load(&doc_id)?
                    && let Ok(other) = schema::read::<Idea>(&doc)
                    && other.duplicate_of == Some(id)
                {
                    merged.push(other);
                }
            }
            (Some(kept), merged)
        }
        _ => (None, Vec::new()),
    };
    let changed = plan(&idea, decision, kept.as_ref(), &merged)?;
    for planned in changed {
        // Only the office's fields, onto the document as it is now: a
        // phone's edit synced since it was read stays.
        let doc_id = DocId::idea(planned.id);
        let mut doc = store.load(&doc_id)?.ok_or(DecideError::NotFound)?;
        let mut current: Idea = schema::read(&doc)?;
        current.status = planned.status;
        current.status_reason = planned.status_reason;
        current.duplicate_of = planned.duplicate_of;
        schema::write(&mut doc, &current)?;
        store.save_one(&doc_id, &doc)?;
    }
    Ok(idea.campaign)
}
