//! The things Palier's users talk about, as plain Rust values.
//!
//! This module knows nothing of storage, Automerge's internals or the
//! network: it is the vocabulary of PRODUCT.md's glossary, so that every
//! other layer (documents, store, sync, UI) speaks the same words. Types
//! derive autosurgeon's `Hydrate`/`Reconcile` because they are the content of
//! Automerge documents (see `crate::schema`); they derive `serde` too, because
//! they cross the boundary between the UI and the storage worker of the
//! web build (see `app::backend`).

mod campaign;
mod followup;
mod idea;
mod ids;
mod municipality;
mod notice;
mod person;
mod territory;
mod visit;

pub use campaign::{
    Campaign, CampaignKind, Condition, NamedPlace, Question, QuestionKind, Questionnaire,
    Translations,
};
pub use followup::{FollowUp, FollowUpStatus, StatusChange};
pub use idea::{
    AgeBand, CostBand, Idea, IdeaStatus, MAX_IDEA_DESCRIPTION_CHARS, MAX_IDEA_SHORT_CHARS,
    MAX_IDEA_TITLE_CHARS, ProposerProfile,
};
pub use ids::{
    AgentId, BuildingId, CampaignId, DeviceId, FollowUpId, IdeaId, MunicipalityId, NeighbourhoodId,
    PersonId, SectorId, VisitId,
};
pub use municipality::Municipality;
pub use notice::{Notice, NoticeText};
pub use person::{ConsentPurpose, ConsentRecord, Person, WITHDRAWAL_WORDING};
pub use territory::{Building, DwellingRef, Entrance, Floor, Neighbourhood, Point, Ring, Sector};
pub use visit::{Answer, Outcome, Pass, RESIDENT_AGE_BANDS, ResidentProfile, Visit};

/// Milliseconds since the Unix epoch, UTC: the one clock format in documents.
pub type Timestamp = i64;
