//! What the server's half of a sync needs from wherever a municipality's
//! documents are kept: the embedded SQLite [`Store`] here, PostgreSQL on
//! the server (`sync-server`'s `pg` backend). [`super::respond`] is
//! written against this trait alone, so both backends run the same
//! protocol, checks and policy.

use crate::domain::Timestamp;
use crate::schema::{DocId, DocKind, SchemaError, SingleRecord};
use crate::store::{
    Changed, Committed, ExchangeWrite, KindsVersion, Origin, Saved, Store, StoreError, Tombstone,
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
    fn tombstones_between(&self, after: i64, upto: i64) -> Result<Vec<Tombstone>, StoreError>;
    /// Says which documents the next reads are about, so a backend where
    /// each query is a network round trip can read their heads, sync
    /// states with `peer` and tombstones in one (PostgreSQL); the reads
    /// that follow must answer as they would have without it. Nothing by
    /// default: the embedded store's queries cost microseconds.
    fn prefetch(&self, peer: &str, doc_ids: &[&DocId]) -> Result<(), StoreError> {
        let _ = (peer, doc_ids);
        Ok(())
    }
    /// Writes an exchange's documents and sync states at once, or nothing
    /// if one of the documents moved since it was loaded.
    fn commit_exchange(
        &mut self,
        writes: &[ExchangeWrite<'_>],
        peer: &str,
        states: &[(&DocId, &sync::State)],
    ) -> Result<Committed, StoreError>;
}

/// The SQLite store's methods as [`SyncStore`] and [`DocumentStore`], for
/// the store itself and for a handle that dereferences to one (a pooled
/// connection on the server): the same bodies, by deref coercion.
macro_rules! store_impls {
    ([$($generics:tt)*] $ty:ty) => {
        impl<$($generics)*> SyncStore for $ty {
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
    fn tombstones_between(&self, after: i64, upto: i64) -> Result<Vec<Tombstone>, StoreError> {
        Store::tombstones_between(self, after, upto)
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

        impl<$($generics)*> DocumentStore for $ty {
    fn save_all(&mut self, docs: &[(&DocId, &Automerge)]) -> Result<Vec<Saved>, StoreError> {
        Store::save_all(self, docs.iter().copied(), Origin::Remote)
    }
    fn erase(&mut self, doc_id: &DocId, erased_at: Timestamp) -> Result<Tombstone, StoreError> {
        Store::erase(self, doc_id, erased_at)
    }
    fn replace(
        &mut self,
        old: (&DocId, &[ChangeHash]),
        new: &DocId,
        doc: &Automerge,
        erased_at: Timestamp,
    ) -> Result<Tombstone, StoreError> {
        Store::replace_unscrubbed(self, (old.0, Some(old.1)), new, doc, erased_at, Origin::Remote)
    }
    fn erase_later(&mut self, doc_id: &DocId, erased_at: Timestamp) -> Result<Tombstone, StoreError> {
        Store::erase_unscrubbed(self, doc_id, erased_at)
    }
    fn scrub(&mut self) -> Result<(), StoreError> {
        Store::scrub(self)
    }
    fn fingerprint(&self) -> Result<Vec<(DocId, Vec<ChangeHash>)>, StoreError> {
        Store::fingerprint(self)
    }
    fn doc_ids_of(&self, kind: DocKind) -> Result<Vec<DocId>, StoreError> {
        Store::doc_ids_of(self, kind)
    }
    fn document_count(&self) -> Result<i64, StoreError> {
        Store::document_count(self)
    }
    fn erased_between(&self, after: i64, upto: i64) -> Result<Vec<DocId>, StoreError> {
        Store::erased_between(self, after, upto)
    }
    fn kinds_version(&self, kinds: &[DocKind]) -> Result<KindsVersion, StoreError> {
        Store::kinds_version(self, kinds)
    }
    fn read_consistent(
        &self,
        read: &mut dyn FnMut() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        Store::read_consistent(self, |_| read())
    }
        }
    };
}

store_impls!([] Store);
store_impls!([T: std::ops::DerefMut<Target = Store>] T);

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
    /// As [`DocumentStore::erase`], but the bytes are overwritten only
    /// by the next [`DocumentStore::scrub`]: several erasures in a row
    /// then pay for one.
    fn erase_later(
        &mut self,
        doc_id: &DocId,
        erased_at: Timestamp,
    ) -> Result<Tombstone, StoreError>;
    /// Overwrites what erasures since the last scrub left behind (SQLite:
    /// the write-ahead log emptied; PostgreSQL: the tables rewritten).
    fn scrub(&mut self) -> Result<(), StoreError>;
    /// Replaces `old` by `doc` under id `new` in one transaction: `doc`
    /// saved, `old` erased as by [`DocumentStore::erase_later`] (a
    /// [`DocumentStore::scrub`] must follow). A redacted visit log's next
    /// generation (`schema`, "Generations"). `old` comes with the heads
    /// `doc` was built from: if it holds others now (a phone wrote
    /// meanwhile), nothing is done ([`StoreError::Moved`]).
    fn replace(
        &mut self,
        old: (&DocId, &[ChangeHash]),
        new: &DocId,
        doc: &Automerge,
        erased_at: Timestamp,
    ) -> Result<Tombstone, StoreError>;
    /// Every document with its heads, in id order.
    fn fingerprint(&self) -> Result<Vec<(DocId, Vec<ChangeHash>)>, StoreError>;
    /// The ids of every document of one kind, in id order.
    fn doc_ids_of(&self, kind: DocKind) -> Result<Vec<DocId>, StoreError>;
    /// How many documents there are.
    fn document_count(&self) -> Result<i64, StoreError>;
    /// Erasures recorded after revision `after` and up to `upto`.
    fn erased_between(&self, after: i64, upto: i64) -> Result<Vec<DocId>, StoreError>;
    /// What changes whenever a document of these kinds is written or any
    /// document erased: a cache of them is current while it is equal.
    fn kinds_version(&self, kinds: &[DocKind]) -> Result<KindsVersion, StoreError>;
    /// Runs `read` inside one read transaction: every read it makes sees
    /// the same committed state.
    fn read_consistent(
        &self,
        read: &mut dyn FnMut() -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Saves one document (see [`DocumentStore::save_all`]).
    fn save_one(&mut self, doc_id: &DocId, doc: &Automerge) -> Result<Saved, StoreError> {
        self.save_all(&[(doc_id, doc)])?
            .pop()
            .ok_or_else(|| StoreError::Malformed("nothing saved".into()))
    }
}

/// Records of single-record kinds, read from any [`DocumentStore`].
pub trait Records: DocumentStore {
    /// Every record of one single-record kind, skipping none: a document
    /// that does not read is an error, not a silent gap.
    fn records<T: SingleRecord>(&self, kind: DocKind) -> Result<Vec<T>, StoreError> {
        each_record(self, kind, |id, error| {
            Err(StoreError::Malformed(format!("{id}: {error}")))
        })
    }

    /// Every record of one kind that reads; a document that does not (a
    /// device with a bug wrote it) is skipped and its id logged, so one bad
    /// record cannot hide a whole list. Use [`Records::records`] where a
    /// gap would do harm (matching an import against what is stored).
    fn readable_records<T: SingleRecord>(&self, kind: DocKind) -> Result<Vec<T>, StoreError> {
        each_record(self, kind, |id, error| {
            // A person's id names a resident: logs never carry it.
            if kind == DocKind::Person {
                tracing::warn!(kind = kind.as_str(), %error, "unreadable record skipped");
            } else {
                tracing::warn!(doc = %id, %error, "unreadable record skipped");
            }
            Ok(())
        })
    }

    /// Every record of one kind that reads, and the ids of the documents
    /// that do not: for pages that must say what they left out.
    fn records_and_unreadable<T: SingleRecord>(
        &self,
        kind: DocKind,
    ) -> Result<(Vec<T>, Vec<DocId>), StoreError> {
        let mut unreadable = Vec::new();
        let records = each_record(self, kind, |id, _| {
            unreadable.push(id.clone());
            Ok(())
        })?;
        Ok((records, unreadable))
    }
}

impl<S: DocumentStore + ?Sized> Records for S {}

fn each_record<T: SingleRecord, S: DocumentStore + ?Sized>(
    store: &S,
    kind: DocKind,
    mut unreadable: impl FnMut(&DocId, SchemaError) -> Result<(), StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut records = Vec::new();
    for id in store.doc_ids_of(kind)? {
        if let Some(doc) = store.load(&id)? {
            match crate::schema::read(&doc) {
                Ok(record) => records.push(record),
                Err(error) => unreadable(&id, error)?,
            }
        }
    }
    Ok(records)
}
