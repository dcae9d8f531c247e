//! What saving a document writes, decided once for every backend: the
//! embedded SQLite store and the server's PostgreSQL store write the same
//! rows (a snapshot, then incremental chunks, compacted every
//! [`COMPACT_AFTER`]) and fold a stale copy into the stored document the
//! same way.

use super::{COMPACT_AFTER, StoreError};
use crate::schema::DocId;
use automerge::{Automerge, ChangeHash, ReadDoc};

/// The rows a save writes.
pub enum SavePlan<'a> {
    /// Nothing new: the store already holds all of it (or it is empty).
    Unchanged(Vec<ChangeHash>),
    /// A first save: the whole document as one snapshot.
    Insert {
        /// Makes the snapshot (not made if the caller has the bytes).
        snapshot: Box<dyn FnOnce() -> Vec<u8> + 'a>,
        /// Its heads.
        heads: Vec<ChangeHash>,
    },
    /// The changes since the stored heads, as one more chunk.
    Append {
        /// The chunk.
        chunk: Vec<u8>,
        /// The heads after it.
        heads: Vec<ChangeHash>,
    },
    /// Chunks folded into a new snapshot (the old chunks are deleted).
    Compact {
        /// The snapshot.
        snapshot: Vec<u8>,
        /// Its heads.
        heads: Vec<ChangeHash>,
    },
}

/// Decides what saving `doc` writes, given what is stored: its heads and
/// chunk count, or nothing. A copy that lacks changes the store holds is
/// merged into the stored document (`load_stored`), never written over it.
pub fn plan_save<'a>(
    doc_id: &DocId,
    doc: &'a Automerge,
    stored: Option<(Vec<ChangeHash>, i64)>,
    load_stored: impl FnOnce() -> Result<Option<Automerge>, StoreError>,
) -> Result<SavePlan<'a>, StoreError> {
    let Some((stored_heads, chunk_count)) = stored else {
        let heads = doc.get_heads();
        if heads.is_empty() {
            // Nothing to keep: an empty document is the same as none.
            return Ok(SavePlan::Unchanged(heads));
        }
        return Ok(SavePlan::Insert {
            snapshot: Box::new(|| doc.save()),
            heads,
        });
    };
    let merged;
    let doc = if doc.get_missing_deps(&stored_heads).is_empty() {
        doc
    } else {
        // A stale copy: fold it into what is stored instead of losing what
        // the store has and it lacks.
        let mut current = load_stored()?
            .ok_or_else(|| StoreError::Malformed(format!("{doc_id} vanished during save")))?;
        current
            .merge(&mut doc.clone())
            .map_err(|e| StoreError::Merge(Box::new(e)))?;
        merged = current;
        &merged
    };
    let heads = doc.get_heads();
    if heads == stored_heads {
        return Ok(SavePlan::Unchanged(heads));
    }
    Ok(if chunk_count + 1 >= COMPACT_AFTER {
        SavePlan::Compact {
            snapshot: doc.save(),
            heads,
        }
    } else {
        SavePlan::Append {
            chunk: doc.save_after(&stored_heads),
            heads,
        }
    })
}

/// A document from its stored bytes: the snapshot, then the chunks saved
/// since, in order (every backend keeps them so).
pub fn load_parts(doc_id: &DocId, parts: Vec<Vec<u8>>) -> Result<Automerge, StoreError> {
    let corrupt = |source| StoreError::Corrupt {
        doc_id: doc_id.to_string(),
        source: Box::new(source),
    };
    let mut parts = parts.into_iter();
    let mut doc = match parts.next() {
        Some(snapshot) => Automerge::load(&snapshot).map_err(corrupt)?,
        None => Automerge::new(),
    };
    for chunk in parts {
        doc.load_incremental(&chunk).map_err(corrupt)?;
    }
    Ok(doc)
}
