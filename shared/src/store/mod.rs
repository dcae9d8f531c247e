//! The durable local store: every document as an Automerge snapshot plus the
//! incremental changes saved since, in one SQLite file.
//!
//! Durability is the promise a field agent relies on: [`Store::save`] returns
//! only after SQLite has committed and fsync'd (WAL with `synchronous=FULL`),
//! so whatever the app shows as saved survives a killed app or a dead
//! battery. Appending only the bytes since the last save keeps a save cheap;
//! every [`COMPACT_AFTER`] saves a document is rewritten as one snapshot so
//! loading stays cheap too.
//!
//! The same store serves the server (one file per municipality) and the
//! devices; the `rev` counter orders every write so a peer can ask "what
//! changed since N" without comparing documents one by one.
//!
//! Erasure deletes a document's rows with `secure_delete` on and truncates
//! the WAL, so its bytes are gone from the files, not merely unlinked.

mod migrate;
mod migrations;
mod plan;

pub use migrate::{Migration, MigrationError, migrate};
pub use plan::{SavePlan, load_parts, plan_save};

use crate::domain::Timestamp;
use crate::schema::{DocId, DocKind};
use automerge::{Automerge, ChangeHash, sync};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::Path;

/// Incremental chunks kept before a document is rewritten as one snapshot.
pub const COMPACT_AFTER: i64 = 32;

/// Who made the edit being saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Typed on this device: the document now holds something the other side
    /// has not seen.
    Local,
    /// Received from a peer.
    Remote,
}

/// What a save did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The stored document's heads after the save.
    pub heads: Vec<ChangeHash>,
    /// Whether anything new was written.
    pub changed: bool,
}

/// A document erased for privacy: only its id, never its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tombstone {
    /// The erased document.
    pub doc_id: DocId,
    /// When it was erased.
    pub erased_at: Timestamp,
}

/// A document written after a given revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// The document.
    pub doc_id: DocId,
    /// The revision of its last write.
    pub rev: i64,
    /// Its heads.
    pub heads: Vec<ChangeHash>,
}

/// A document a sync exchange writes (see [`Store::commit_exchange`]).
#[derive(Clone, Copy, Debug)]
pub struct ExchangeWrite<'a> {
    /// The document.
    pub doc_id: &'a DocId,
    /// It, with what the exchange merged into it.
    pub doc: &'a Automerge,
    /// Its stored heads when the exchange loaded it; `None` if the store
    /// did not hold it.
    pub base: Option<&'a [ChangeHash]>,
}

/// What [`Store::commit_exchange`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Committed {
    /// Everything is on disk.
    Written,
    /// Nothing was written: this document changed (or was erased) since
    /// the exchange loaded it.
    Moved(DocId),
}

/// See [`Store::kinds_version`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindsVersion {
    /// Documents of the kinds.
    pub count: i64,
    /// The last revision that wrote one of them (or erased any document).
    pub last_rev: i64,
}

/// Why a store operation failed. Stored data is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("database error")]
    Sql(#[from] rusqlite::Error),
    /// The schema could not be brought up to date.
    #[error(transparent)]
    Migration(#[from] MigrationError),
    /// Stored bytes are not a valid Automerge document.
    #[error("stored document {doc_id} is unreadable")]
    Corrupt {
        /// The document.
        doc_id: String,
        /// Automerge's complaint.
        #[source]
        source: Box<automerge::AutomergeError>,
    },
    /// A stored id or hash is malformed.
    #[error("stored value is malformed: {0}")]
    Malformed(String),
    /// The document was erased and cannot be written again.
    #[error("document {0} was erased")]
    Erased(DocId),
    /// The document changed since it was read (a replacement built from
    /// what was read would lose the change): read it again and retry.
    #[error("document {0} changed since it was read")]
    Moved(DocId),
    /// A stored sync state could not be decoded.
    #[error("stored sync state is unreadable")]
    SyncState(#[from] sync::DecodeStateError),
    /// Merging a stale copy into the stored document failed.
    #[error("could not merge into stored document")]
    Merge(#[source] Box<automerge::AutomergeError>),
    /// Another connection's reader kept the WAL from being emptied: erased
    /// pages may still be in it. Erasing again finishes the job.
    #[error("the write-ahead log could not be emptied: a reader held it")]
    ScrubBusy,
    /// Every connection to the store stayed taken for longer than a
    /// request may wait: nothing was done; try again.
    #[error("the store is busy; try again")]
    Busy,
    /// The database server (PostgreSQL) failed.
    #[error("database error")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// One SQLite file of Automerge documents.
pub struct Store {
    conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.conn.path())
            .finish()
    }
}

/// Heads are stored as their 32-byte hashes end to end.
pub fn encode_heads(heads: &[ChangeHash]) -> Vec<u8> {
    heads.iter().flat_map(|h| h.0).collect()
}

/// Heads as stored, read back (see [`encode_heads`]).
pub fn decode_heads(bytes: &[u8]) -> Result<Vec<ChangeHash>, StoreError> {
    bytes
        .chunks(32)
        .map(|chunk| ChangeHash::try_from(chunk).map_err(|_| StoreError::Malformed("heads".into())))
        .collect()
}

/// A stored document id, read back.
pub fn parse_doc_id(text: String) -> Result<DocId, StoreError> {
    DocId::parse(&text).map_err(|e| StoreError::Malformed(e.to_string()))
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema
    /// up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::setup(Connection::open(path)?)
    }

    /// Opens a store that only this connection will ever use (the browser's
    /// OPFS pool hands the file to one connection). Exclusive locking lets
    /// SQLite keep the WAL without shared memory, which OPFS lacks, so a
    /// commit costs one sync instead of a rollback journal's several.
    pub fn open_exclusive(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        Self::setup(conn)
    }

    /// A store that lives in memory only, for tests and previews.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL + FULL: a commit returns once the WAL is fsync'd.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted content is overwritten, so erased personal data leaves no
        // bytes behind in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // The store uses a few dozen statements; rusqlite keeps 16 prepared
        // by default, and a sync that cycles through more prepared them
        // again each time (8 % of a first sync's time on the phone).
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn, migrations::MIGRATIONS)?;
        Ok(Self { conn })
    }

    /// A write transaction that takes SQLite's write lock at once: with
    /// several connections on one file (the server's pool), a transaction
    /// that read first and then tried to write would fail instead of
    /// waiting its turn.
    fn write_transaction(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Writes what one sync exchange brought, and the sync states with
    /// `peer`, in one durable transaction, provided every written document
    /// is still as it was loaded (`base`: its heads then, `None` if the
    /// store did not hold it). If another writer got there first, nothing
    /// is written and the document is named: the exchange must be worked
    /// out again on what is stored now (its checks saw an older document).
    pub fn commit_exchange(
        &mut self,
        writes: &[ExchangeWrite<'_>],
        peer: &str,
        states: &[(&DocId, &sync::State)],
    ) -> Result<Committed, StoreError> {
        let tx = self.write_transaction()?;
        for write in writes {
            let stored: Option<Vec<u8>> = tx
                .prepare_cached("SELECT heads FROM documents WHERE doc_id = ?1")?
                .query_row([write.doc_id.as_str()], |r| r.get(0))
                .optional()?;
            let stored = stored.map(|h| decode_heads(&h)).transpose()?;
            let erased = tx
                .prepare_cached("SELECT 1 FROM tombstones WHERE doc_id = ?1")?
                .exists([write.doc_id.as_str()])?;
            if erased || stored.as_deref() != write.base {
                return Ok(Committed::Moved(write.doc_id.clone()));
            }
        }
        let mut rev = None;
        for write in writes {
            save_in(&tx, write.doc_id, write.doc, None, Origin::Remote, &mut rev)?;
        }
        if let Some(rev) = rev {
            tx.execute("UPDATE meta SET value = ?1 WHERE key = 'rev'", [rev])?;
        }
        put_states_in(&tx, peer, states)?;
        tx.commit()?;
        Ok(Committed::Written)
    }

    /// The SQLite connection, for the few callers (server tables, tests,
    /// benchmarks) that keep their own tables beside the documents.
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Puts the store back in a usable state after a panic interrupted a
    /// caller: a transaction left open is rolled back (SQLite keeps the
    /// last committed state), so nothing half-written stays.
    pub fn recover(&mut self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    /// Loads a document, or `None` if the store has never held it (or it
    /// was erased).
    pub fn load(&self, doc_id: &DocId) -> Result<Option<Automerge>, StoreError> {
        load_in(&self.conn, doc_id)
    }

    /// The stored document's bytes as they are: its snapshot, then its
    /// incremental chunks in order (what [`Store::load`] parses).
    pub fn stored_bytes(&self, doc_id: &DocId) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
        parts_in(&self.conn, doc_id)
    }

    /// Runs `read` inside one read transaction, so everything it reads
    /// belongs to one committed state of the store (the server's pool has
    /// other connections writing meanwhile).
    pub fn read_consistent<T>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let result = read(self);
        tx.finish()?;
        result
    }

    /// The heads of the stored document.
    pub fn heads(&self, doc_id: &DocId) -> Result<Option<Vec<ChangeHash>>, StoreError> {
        let bytes: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT heads FROM documents WHERE doc_id = ?1",
                [doc_id.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        bytes.map(|b| decode_heads(&b)).transpose()
    }

    /// How many bytes the stored document takes (its snapshot and the
    /// incremental chunks saved since), or `None` if it is not stored.
    pub fn stored_size(&self, doc_id: &DocId) -> Result<Option<u64>, StoreError> {
        let size: Option<i64> = self
            .conn
            .query_row(
                "SELECT length(snapshot) + (SELECT coalesce(sum(length(bytes)), 0) \
                 FROM changes WHERE changes.doc_id = documents.doc_id) \
                 FROM documents WHERE doc_id = ?1",
                [doc_id.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(size.map(|n| u64::try_from(n).unwrap_or(0)))
    }

    /// Saves one document durably. See [`Store::save_all`].
    pub fn save(
        &mut self,
        doc_id: &DocId,
        doc: &Automerge,
        origin: Origin,
    ) -> Result<Saved, StoreError> {
        let mut saved = self.save_all([(doc_id, doc)], origin)?;
        saved
            .pop()
            .ok_or_else(|| StoreError::Malformed("no save result".into()))
    }

    /// Saves documents in one durable transaction: when this returns `Ok`,
    /// every one of them is on disk. A document that lacks changes the store
    /// already holds (a stale copy) is merged into the stored one, never
    /// written over it.
    pub fn save_all<'a>(
        &mut self,
        docs: impl IntoIterator<Item = (&'a DocId, &'a Automerge)>,
        origin: Origin,
    ) -> Result<Vec<Saved>, StoreError> {
        self.save_received(docs.into_iter().map(|(id, doc)| (id, doc, None)), origin)
    }

    /// [`Store::save_all`], where a document this store does not hold yet
    /// may come with the bytes it was loaded from (a snapshot, then
    /// chunks, as another store keeps them): those are kept as they are
    /// instead of encoding the document again. The caller vouches that
    /// `doc` is exactly what those bytes load to.
    pub fn save_received<'a>(
        &mut self,
        docs: impl IntoIterator<Item = (&'a DocId, &'a Automerge, Option<&'a [Vec<u8>]>)>,
        origin: Origin,
    ) -> Result<Vec<Saved>, StoreError> {
        let tx = self.write_transaction()?;
        let mut rev = None;
        let mut results = Vec::new();
        for (doc_id, doc, bytes) in docs {
            results.push(save_in(&tx, doc_id, doc, bytes, origin, &mut rev)?);
        }
        if let Some(rev) = rev {
            tx.execute("UPDATE meta SET value = ?1 WHERE key = 'rev'", [rev])?;
        }
        tx.commit()?;
        Ok(results)
    }

    /// The revision of the last write.
    pub fn current_rev(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'rev'", [], |r| r.get(0))?)
    }

    /// Documents written after `rev`, oldest write first, at most `limit`.
    pub fn changed_since(&self, rev: i64, limit: usize) -> Result<Vec<Changed>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id, rev, heads FROM documents WHERE rev > ?1 ORDER BY rev LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![rev, limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (doc_id, rev, heads) = row?;
            Ok(Changed {
                doc_id: parse_doc_id(doc_id)?,
                rev,
                heads: decode_heads(&heads)?,
            })
        })
        .collect()
    }

    /// A version of the documents of `kinds`: how many there are and the
    /// revision of the last write to any of them. It changes whenever one
    /// is written, created or erased, so whatever was computed from them
    /// can be kept until it does.
    pub fn kinds_version(&self, kinds: &[DocKind]) -> Result<KindsVersion, StoreError> {
        let mut version = KindsVersion::default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*), coalesce(max(rev), 0) FROM documents WHERE kind = ?1",
        )?;
        for kind in kinds {
            let (count, last): (i64, i64) =
                stmt.query_row([kind.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            version.count += count;
            version.last_rev = version.last_rev.max(last);
        }
        let erased: i64 =
            self.conn
                .query_row("SELECT coalesce(max(rev), 0) FROM tombstones", [], |r| {
                    r.get(0)
                })?;
        version.last_rev = version.last_rev.max(erased);
        Ok(version)
    }

    /// How many documents the store holds.
    pub fn document_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?)
    }

    /// Every document with its heads, in id order: what two replicas compare
    /// to know they hold the same content.
    pub fn fingerprint(&self) -> Result<Vec<(DocId, Vec<ChangeHash>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc_id, heads FROM documents ORDER BY doc_id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        rows.map(|row| {
            let (id, heads) = row?;
            Ok((parse_doc_id(id)?, decode_heads(&heads)?))
        })
        .collect()
    }

    /// Every document id, in id order.
    pub fn doc_ids(&self) -> Result<Vec<DocId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc_id FROM documents ORDER BY doc_id")?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
        ids.map(|id| parse_doc_id(id?)).collect()
    }

    /// The ids of every document of one kind, in id order.
    pub fn doc_ids_of(&self, kind: DocKind) -> Result<Vec<DocId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc_id FROM documents WHERE kind = ?1 ORDER BY doc_id")?;
        let ids = stmt.query_map([kind.as_str()], |r| r.get::<_, String>(0))?;
        ids.map(|id| parse_doc_id(id?)).collect()
    }

    /// The sync state with `peer` for a document, if one was kept.
    pub fn sync_state(
        &self,
        peer: &str,
        doc_id: &DocId,
    ) -> Result<Option<sync::State>, StoreError> {
        let bytes: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT state FROM sync_states WHERE peer = ?1 AND doc_id = ?2")?
            .query_row(params![peer, doc_id.as_str()], |r| r.get(0))
            .optional()?;
        Ok(bytes.map(|b| sync::State::decode(&b)).transpose()?)
    }

    /// Keeps the sync states with `peer` (only what Automerge persists: the
    /// heads both sides share). States of documents the store does not hold
    /// are skipped.
    pub fn put_sync_states<'a>(
        &mut self,
        peer: &str,
        states: impl IntoIterator<Item = (&'a DocId, &'a sync::State)>,
    ) -> Result<(), StoreError> {
        let states: Vec<(&DocId, &sync::State)> = states.into_iter().collect();
        let tx = self.write_transaction()?;
        put_states_in(&tx, peer, &states)?;
        tx.commit()?;
        Ok(())
    }

    /// Documents edited here and not yet confirmed by the server.
    pub fn unsynced(&self) -> Result<Vec<DocId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc_id FROM unsynced ORDER BY doc_id")?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
        ids.map(|id| parse_doc_id(id?)).collect()
    }

    /// Forgets what was shared with `peer` (a server restored from a
    /// backup): its sync states go, and every document counts as holding
    /// edits it may lack, so the next sync talks about each.
    pub fn forget_peer(&mut self, peer: &str) -> Result<(), StoreError> {
        let tx = self.write_transaction()?;
        tx.execute("DELETE FROM sync_states WHERE peer = ?1", [peer])?;
        tx.execute(
            "INSERT OR IGNORE INTO unsynced (doc_id) SELECT doc_id FROM documents",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Whether a document holds edits the server has not confirmed.
    pub fn is_unsynced(&self, doc_id: &DocId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM unsynced WHERE doc_id = ?1")?
            .exists([doc_id.as_str()])?)
    }

    /// How many documents hold edits the server has not confirmed.
    pub fn unsynced_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM unsynced", [], |r| r.get(0))?)
    }

    /// Records that the server holds everything up to `heads`; the document
    /// stays unsynced if it was edited again since.
    pub fn mark_synced(
        &mut self,
        doc_id: &DocId,
        heads: &[ChangeHash],
    ) -> Result<bool, StoreError> {
        let removed = self.conn.execute(
            "DELETE FROM unsynced WHERE doc_id = ?1
             AND (SELECT heads FROM documents WHERE doc_id = ?1) = ?2",
            params![doc_id.as_str(), encode_heads(heads)],
        )?;
        Ok(removed > 0)
    }

    /// A value kept beside the documents (a sync cursor, a device token).
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a value kept beside the documents, durably.
    pub fn set_meta(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The values kept beside the documents whose key starts with
    /// `prefix`, by key.
    pub fn meta_with_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        // `substr` rather than LIKE: a prefix holding `%` or `_` matches
        // itself only.
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, value FROM meta WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
        )?;
        let rows = stmt.query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes values kept beside the documents, then clears the write-ahead
    /// log so that no copy of them is left in either file (like
    /// [`Store::erase`]).
    pub fn delete_meta(&mut self, keys: &[String]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let tx = self.write_transaction()?;
        for key in keys {
            tx.execute("DELETE FROM meta WHERE key = ?1", [key])?;
        }
        tx.commit()?;
        self.scrub()
    }

    /// Whether a document was erased.
    pub fn is_erased(&self, doc_id: &DocId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM tombstones WHERE doc_id = ?1")?
            .exists([doc_id.as_str()])?)
    }

    /// Erases a document: its rows are deleted and overwritten, a tombstone
    /// (id and time only) takes its place, and the WAL is checkpointed and
    /// truncated so no copy of its pages is left in either file.
    pub fn erase(&mut self, doc_id: &DocId, erased_at: Timestamp) -> Result<Tombstone, StoreError> {
        let tombstone = self.erase_unscrubbed(doc_id, erased_at)?;
        self.scrub()?;
        Ok(tombstone)
    }

    /// [`Store::erase`] without the scrub: for several erasures in a row,
    /// then one [`Store::scrub`].
    pub fn erase_unscrubbed(
        &mut self,
        doc_id: &DocId,
        erased_at: Timestamp,
    ) -> Result<Tombstone, StoreError> {
        let tx = self.write_transaction()?;
        let rev = next_rev(&tx)?;
        let tombstone = bury(&tx, doc_id, erased_at, rev)?;
        tx.commit()?;
        Ok(tombstone)
    }

    /// Replaces document `old` by `doc` under id `new`, in one
    /// transaction: `doc` is saved (merged into `new` if this store holds
    /// it already), `old` is erased as by [`Store::erase`], and the files
    /// are scrubbed. A redacted visit log's next generation (`schema`,
    /// "Generations"): no reader ever sees both or neither.
    ///
    /// `base`: the heads `doc` was built from; if `old` holds others now,
    /// nothing is done and [`StoreError::Moved`] says so.
    pub fn replace(
        &mut self,
        old: (&DocId, Option<&[ChangeHash]>),
        new: &DocId,
        doc: &Automerge,
        erased_at: Timestamp,
        origin: Origin,
    ) -> Result<Tombstone, StoreError> {
        let tombstone = self.replace_unscrubbed(old, new, doc, erased_at, origin)?;
        self.scrub()?;
        Ok(tombstone)
    }

    /// [`Store::replace`] without the scrub: for several erasures in a
    /// row, then one [`Store::scrub`].
    pub fn replace_unscrubbed(
        &mut self,
        (old, base): (&DocId, Option<&[ChangeHash]>),
        new: &DocId,
        doc: &Automerge,
        erased_at: Timestamp,
        origin: Origin,
    ) -> Result<Tombstone, StoreError> {
        let tx = self.write_transaction()?;
        if let Some(base) = base {
            let stored: Option<Vec<u8>> = tx
                .prepare_cached("SELECT heads FROM documents WHERE doc_id = ?1")?
                .query_row([old.as_str()], |r| r.get(0))
                .optional()?;
            let mut base = base.to_vec();
            base.sort();
            if stored.map(|h| decode_heads(&h)).transpose()? != Some(base) {
                return Err(StoreError::Moved(old.clone()));
            }
        }
        let mut rev = None;
        save_in(&tx, new, doc, None, origin, &mut rev)?;
        let rev = match rev {
            Some(r) => r + 1,
            None => next_rev(&tx)?,
        };
        let tombstone = bury(&tx, old, erased_at, rev)?;
        tx.commit()?;
        Ok(tombstone)
    }

    /// The current generation of a building's visit log in a campaign:
    /// the first generation not erased here. A phone writes its visits
    /// there (and creates it if it holds none).
    pub fn current_visits(
        &self,
        campaign: crate::domain::CampaignId,
        building: crate::domain::BuildingId,
    ) -> Result<DocId, StoreError> {
        self.current(&DocId::visits(campaign, building))
    }

    /// The current generation of a record's document (`schema`,
    /// "Generations"): the first, from `doc_id`'s, not erased here.
    pub fn current(&self, doc_id: &DocId) -> Result<DocId, StoreError> {
        let mut id = doc_id.clone();
        while self.is_erased(&id)? {
            match id.next_generation() {
                Some(next) => id = next,
                None => break,
            }
        }
        Ok(id)
    }

    /// The tombstone of an erased document.
    pub fn tombstone(&self, doc_id: &DocId) -> Result<Option<Tombstone>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT erased_at FROM tombstones WHERE doc_id = ?1")?
            .query_row([doc_id.as_str()], |r| r.get(0))
            .optional()?
            .map(|erased_at| Tombstone {
                doc_id: doc_id.clone(),
                erased_at,
            }))
    }

    /// Erasures recorded after revision `after` and up to `upto`.
    pub fn tombstones_between(&self, after: i64, upto: i64) -> Result<Vec<Tombstone>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id, erased_at FROM tombstones WHERE rev > ?1 AND rev <= ?2 ORDER BY rev",
        )?;
        let rows = stmt.query_map([after, upto], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
        rows.map(|row| {
            let (doc_id, erased_at) = row?;
            Ok(Tombstone {
                doc_id: parse_doc_id(doc_id)?,
                erased_at,
            })
        })
        .collect()
    }

    /// Erasures recorded after `after` and up to `upto`, as revisions.
    pub fn erased_between(&self, after: i64, upto: i64) -> Result<Vec<DocId>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id FROM tombstones WHERE rev > ?1 AND rev <= ?2 ORDER BY rev",
        )?;
        let rows = stmt.query_map([after, upto], |r| r.get::<_, String>(0))?;
        rows.map(|row| parse_doc_id(row?)).collect()
    }

    /// Empties the store: every document, change, sync state, tombstone and
    /// setting (the enrolment and drafts among them), then overwrites what
    /// they took (`secure_delete`, a `VACUUM`, the WAL truncated). For a
    /// phone the office withdrew.
    pub fn wipe(&mut self) -> Result<(), StoreError> {
        let tx = self.write_transaction()?;
        for table in [
            "unsynced",
            "sync_states",
            "changes",
            "tombstones",
            "documents",
            "meta",
        ] {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('rev', 0)", [])?;
        tx.commit()?;
        self.conn.execute_batch("VACUUM")?;
        self.scrub()
    }

    /// Copies the WAL into the main file and truncates it to zero bytes, so
    /// the old page images it held (erased data among them) are gone.
    ///
    /// Another connection reading (the server's read-model projector holds
    /// a snapshot while it reads a batch) keeps the checkpoint from
    /// finishing: it is tried again for about ten seconds, then reported,
    /// never silently skipped; asking to erase again finishes it.
    pub fn scrub(&mut self) -> Result<(), StoreError> {
        const TRIES: u32 = 200;
        // Each try waits for readers through the busy handler: briefly
        // here, so the tries add up to ten seconds (with the usual five
        // seconds each they made seventeen minutes).
        self.conn.busy_timeout(SCRUB_WAIT)?;
        let mut done = false;
        for _ in 0..TRIES {
            let busy: Result<i64, _> =
                self.conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0));
            match busy {
                Ok(0) => {
                    done = true;
                    break;
                }
                Ok(_) => {}
                Err(error) => {
                    self.conn.busy_timeout(BUSY_TIMEOUT)?;
                    return Err(error.into());
                }
            }
        }
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        if done {
            Ok(())
        } else {
            Err(StoreError::ScrubBusy)
        }
    }
}

/// How long a statement waits for another connection's lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// How long one try of [`Store::scrub`] waits for readers.
const SCRUB_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

/// Deletes a document's rows inside `tx` and leaves its tombstone (id and
/// time) at revision `rev`, the store's revision from then on.
fn bury(
    tx: &Transaction<'_>,
    doc_id: &DocId,
    erased_at: Timestamp,
    rev: i64,
) -> Result<Tombstone, StoreError> {
    tx.execute("DELETE FROM documents WHERE doc_id = ?1", [doc_id.as_str()])?;
    tx.execute(
        "INSERT INTO tombstones (doc_id, erased_at, rev) VALUES (?1, ?2, ?3)
         ON CONFLICT (doc_id) DO NOTHING",
        params![doc_id.as_str(), erased_at, rev],
    )?;
    tx.execute("UPDATE meta SET value = ?1 WHERE key = 'rev'", [rev])?;
    Ok(Tombstone {
        doc_id: doc_id.clone(),
        erased_at,
    })
}

fn next_rev(tx: &Transaction<'_>) -> Result<i64, StoreError> {
    let rev: i64 = tx.query_row("SELECT value FROM meta WHERE key = 'rev'", [], |r| r.get(0))?;
    Ok(rev + 1)
}

/// The snapshot then the chunks of a document, read by one statement so
/// they belong to one committed state: with several connections on the
/// file (the server's pool), a compaction committed between two reads
/// would pair an old snapshot with new chunks Automerge cannot apply.
fn parts_in(conn: &Connection, doc_id: &DocId) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT snapshot, 0 AS seq FROM documents WHERE doc_id = ?1
         UNION ALL SELECT bytes, seq FROM changes WHERE doc_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([doc_id.as_str()], |r| {
        Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut parts = Vec::new();
    for (i, row) in rows.enumerate() {
        let (bytes, seq) = row?;
        if i == 0 && seq != 0 {
            return Ok(None); // chunks without a snapshot: not held
        }
        parts.push(bytes);
    }
    Ok((!parts.is_empty()).then_some(parts))
}

fn load_in(conn: &Connection, doc_id: &DocId) -> Result<Option<Automerge>, StoreError> {
    parts_in(conn, doc_id)?
        .map(|parts| load_parts(doc_id, parts))
        .transpose()
}

/// Keeps the sync states with `peer` inside `tx`, skipping those of
/// documents the store does not hold.
fn put_states_in(
    tx: &Transaction<'_>,
    peer: &str,
    states: &[(&DocId, &sync::State)],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO sync_states (peer, doc_id, state)
         SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM documents WHERE doc_id = ?2)
         ON CONFLICT (peer, doc_id) DO UPDATE SET state = excluded.state",
    )?;
    for (doc_id, state) in states {
        stmt.execute(params![peer, doc_id.as_str(), state.encode()])?;
    }
    Ok(())
}

fn save_in(
    tx: &Transaction<'_>,
    doc_id: &DocId,
    doc: &Automerge,
    bytes: Option<&[Vec<u8>]>,
    origin: Origin,
    rev: &mut Option<i64>,
) -> Result<Saved, StoreError> {
    let stored: Option<(Vec<u8>, i64)> = tx
        .prepare_cached("SELECT heads, chunk_count FROM documents WHERE doc_id = ?1")?
        .query_row([doc_id.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if stored.is_none()
        && tx
            .prepare_cached("SELECT 1 FROM tombstones WHERE doc_id = ?1")?
            .exists([doc_id.as_str()])?
    {
        return Err(StoreError::Erased(doc_id.clone()));
    }
    let stored = match stored {
        Some((heads, chunks)) => Some((decode_heads(&heads)?, chunks)),
        None => None,
    };
    let plan = plan_save(doc_id, doc, stored, || load_in(tx, doc_id))?;
    // Each document gets its own revision, so a peer catching up in pages
    // never skips a document that shares a revision with the page's last.
    let this_rev = match *rev {
        Some(r) => r + 1,
        None => next_rev(tx)?,
    };
    let heads = match plan {
        SavePlan::Unchanged(heads) => {
            return Ok(Saved {
                heads,
                changed: false,
            });
        }
        SavePlan::Insert { snapshot, heads } => {
            // Bytes received as another store keeps them: kept as they
            // are, up to the compaction limit.
            let (snapshot, chunks) = match bytes {
                Some([first, rest @ ..]) if (rest.len() as i64) < COMPACT_AFTER => {
                    (first.clone(), rest)
                }
                _ => (snapshot(), &[][..]),
            };
            tx.prepare_cached(
                "INSERT INTO documents (doc_id, kind, snapshot, heads, chunk_count, rev)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                doc_id.as_str(),
                doc_id.kind().as_str(),
                snapshot,
                encode_heads(&heads),
                chunks.len() as i64,
                this_rev
            ])?;
            for (seq, chunk) in chunks.iter().enumerate() {
                tx.prepare_cached("INSERT INTO changes (doc_id, seq, bytes) VALUES (?1, ?2, ?3)")?
                    .execute(params![doc_id.as_str(), seq as i64 + 1, chunk])?;
            }
            heads
        }
        SavePlan::Compact { snapshot, heads } => {
            tx.prepare_cached("DELETE FROM changes WHERE doc_id = ?1")?
                .execute([doc_id.as_str()])?;
            tx.prepare_cached(
                "UPDATE documents SET snapshot = ?2, heads = ?3, chunk_count = 0, rev = ?4
                 WHERE doc_id = ?1",
            )?
            .execute(params![
                doc_id.as_str(),
                snapshot,
                encode_heads(&heads),
                this_rev
            ])?;
            heads
        }
        SavePlan::Append { chunk, heads } => {
            tx.prepare_cached(
                "INSERT INTO changes (doc_id, seq, bytes) VALUES (?1,
                 (SELECT coalesce(max(seq), 0) + 1 FROM changes WHERE doc_id = ?1), ?2)",
            )?
            .execute(params![doc_id.as_str(), chunk])?;
            tx.prepare_cached(
                "UPDATE documents SET heads = ?2, chunk_count = chunk_count + 1, rev = ?3
                 WHERE doc_id = ?1",
            )?
            .execute(params![doc_id.as_str(), encode_heads(&heads), this_rev])?;
            heads
        }
    };
    *rev = Some(this_rev);
    if origin == Origin::Local {
        tx.prepare_cached("INSERT OR IGNORE INTO unsynced (doc_id) VALUES (?1)")?
            .execute([doc_id.as_str()])?;
    }
    Ok(Saved {
        heads,
        changed: true,
    })
}

#[cfg(test)]
mod tests;
