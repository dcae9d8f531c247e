//! What the server's half of a sync needs from wherever a municipality's
//! documents are kept: the embedded SQLite [`Store`] here, PostgreSQL on
//! the server (`sync-server`'s `pg` backend). [`super::respond`] is
//! written against this trait alone, so both backends run the same
//! protocol, checks and policy.

use crate::domain::Timestamp;
use crate::schema::DocId;
use crate::store::{
    Changed, Committed, ExchangeWrite, Origin, Saved, Store, StoreError, Tombstone,
};
use automerge::{Automerge, ChangeHash, sync};

/// A municipality's documents, as a sync exchange reads and writes them.
///
/// Reads may see any committed state; [`SyncStore::commit_exchange`] is
/// the only write, and it refuses (writing nothing) if a document changed
/// since it was loaded. Revisions are handed out in commit order: a
/// document committed after another never has a lower revision, so a
/// device's cursor never skips one.
pub trait SyncStore {
    /// The document, or `None` if it is not held (or was erased).
    fn load(&self, doc_id: &DocId) -> Result<Option<Automerge>, StoreError>;
    /// Its stored heads.
    fn heads(&self, doc_id: &DocId) -> Result<Option<Vec<ChangeHash>>, StoreError>;
    /// Its stored bytes as they are (a snapshot, then incremental
    /// chunks), which Automerge loads in that order, unparsed.
    fn stored_bytes(&self, doc_id: &DocId) -> Result<Option<Vec<Vec<u8>>>, StoreError>;
    /// Its stored size in bytes.
    fn stored_size(&self, doc_id: &DocId) -> Result<Option<u64>, StoreError>;
    /// Whether it was erased.
    fn is_erased(&self, doc_id: &DocId) -> Result<bool, StoreError>;
    /// The sync state kept with `peer` for it.
    fn sync_state(&self, peer: &str, doc_id: &DocId) -> Result<Option<sync::State>, StoreError>;
    /// The revision of the last write.
    fn current_rev(&self) -> Result<i64, StoreError>;
    /// Documents written after `rev`, in revision order, at most `limit`.
    fn changed_since(&self, rev: i64, limit: usize) -> Result<Vec<Changed>, StoreError>;
    /// The tombstone of an erased document.
    fn tombstone(&self, doc_id: &DocId) -> Result<Option<Tombstone>, StoreError>;
    /// Erasures after `rev`.
    fn tombstones_since(&self, rev: i64) -> Result<Vec<Tombstone>, StoreError>;
    /// Writes an exchange's documents and sync states at once, or nothing
    /// if one of the documents moved since it was loaded.
    fn commit_exchange(
        &mut self,
        writes: &[ExchangeWrite<'_>],
        peer: &str,
        states: &[(&DocId, &sync::State)],
    ) -> Result<Committed, StoreError>;
}

impl SyncStore for Store {
    fn load(&self, doc_id: &DocId) -> Result<Option<Automerge>, StoreError> {
        Store::load(self, doc_id)
    }
    fn heads(&self, doc_id: &DocId) -> Result<Option<Vec<ChangeHash>>, StoreError> {
        Store::heads(self, doc_id)
    }
    fn stored_bytes(&self, doc_id: &DocId) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
        Store::stored_bytes(self, doc_id)
    }
    fn stored_size(&self, doc_id: &DocId) -> Result<Option<u64>, StoreError> {
        Store::stored_size(self, doc_id)
    }
    fn is_erased(&self, doc_id: &DocId) -> Result<bool, StoreError> {
        Store::is_erased(self, doc_id)
    }
    fn sync_state(&self, peer: &str, doc_id: &DocId) -> Result<Option<sync::State>, StoreError> {
        Store::sync_state(self, peer, doc_id)
    }
    fn current_rev(&self) -> Result<i64, StoreError> {
        Store::current_rev(self)
    }
    fn changed_since(&self, rev: i64, limit: usize) -> Result<Vec<Changed>, StoreError> {
        Store::changed_since(self, rev, limit)
    }
    fn tombstone(&self, doc_id: &DocId) -> Result<Option<Tombstone>, StoreError> {
        Store::tombstone(self, doc_id)
    }
    fn tombstones_since(&self, rev: i64) -> Result<Vec<Tombstone>, StoreError> {
        Store::tombstones_since(self, rev)
    }
    fn commit_exchange(
        &mut self,
        writes: &[ExchangeWrite<'_>],
        peer: &str,
        states: &[(&DocId, &sync::State)],
    ) -> Result<Committed, StoreError> {
        Store::commit_exchange(self, writes, peer, states)
    }
}

/// A municipality's documents as the server keeps them: what a sync
/// needs, and the office's writes and erasure. Every backend passes the
/// same conformance suite (`tests/tests/storage_conformance.rs`).
pub trait DocumentStore: SyncStore {
    /// Saves documents in one durable transaction, each with the next
    /// revision; a stale copy is merged into the stored document.
    fn save_all(&mut self, docs: &[(&DocId, &Automerge)]) -> Result<Vec<Saved>, StoreError>;
    /// Erases a document: its rows and their bytes go, a tombstone (id
    /// and time only) stays.
    fn erase(&mut self, doc_id: &DocId, erased_at: Timestamp) -> Result<Tombstone, StoreError>;
    /// Every document with its heads, in id order.
    fn fingerprint(&self) -> Result<Vec<(DocId, Vec<ChangeHash>)>, StoreError>;
}

impl DocumentStore for Store {
    fn save_all(&mut self, docs: &[(&DocId, &Automerge)]) -> Result<Vec<Saved>, StoreError> {
        Store::save_all(self, docs.iter().copied(), Origin::Remote)
    }
    fn erase(&mut self, doc_id: &DocId, erased_at: Timestamp) -> Result<Tombstone, StoreError> {
        Store::erase(self, doc_id, erased_at)
    }
    fn fingerprint(&self) -> Result<Vec<(DocId, Vec<ChangeHash>)>, StoreError> {
        Store::fingerprint(self)
    }
}
