//! Campaigns as the office prepares them: their settings ([`settings`]),
//! their questionnaire ([`questionnaire`]), their sectors ([`sectors`])
//! and the residents' words their report quotes ([`quotes`]). Each is read → plan → apply: a plan is a pure function
//! of what is stored and what the coordinator asked, unit-tested here; a
//! refused plan writes nothing. No HTTP, no HTML: `office::campaigns`,
//! `office::questionnaire` and `office::sectors` are the pages.

pub mod questionnaire;
pub mod quotes;
pub mod sectors;
pub mod settings;

use automerge::Automerge;
use shared::schema::{self, DocId, SchemaError, SingleRecord};
use shared::store::StoreError;
use shared::sync::DocumentStore;

/// Why a record could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The municipality has no such document.
    #[error("no such record")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The document does not hold what its kind promises.
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// Reads one record.
pub fn load<T: SingleRecord>(store: &dyn DocumentStore, id: &DocId) -> Result<T, RecordError> {
    let doc = store.load(id)?.ok_or(RecordError::NotFound)?;
    Ok(schema::read(&doc)?)
}

/// Writes one record over its stored document (only what changed), as an
/// edit the devices receive at their next sync.
pub fn store_record<T: SingleRecord>(
    store: &mut dyn DocumentStore,
    record: &T,
) -> Result<(), RecordError> {
    let id = record.doc_id();
    let mut doc = store.load(&id)?.unwrap_or_else(Automerge::new);
    schema::write(&mut doc, record)?;
    store.save_one(&id, &doc)?;
    Ok(())
}
