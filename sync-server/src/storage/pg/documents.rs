//! One municipality's documents on a PostgreSQL connection: the
//! [`DocumentStore`] the sync exchange and the office write through, with
//! the same rows and rules as the SQLite store (`shared::store`).

use super::{Manager, backend_error};
use automerge::{Automerge, ChangeHash, sync};
use postgres::Transaction;
use shared::domain::Timestamp;
use shared::schema::{DocId, DocKind};
use shared::store::{
    Changed, Committed, ExchangeWrite, KindsVersion, SavePlan, Saved, StoreError, Tombstone,
    decode_heads, encode_heads, load_parts, parse_doc_id, plan_save,
};
use shared::sync::{DocumentStore, SyncStore};
use std::cell::RefCell;

/// A connection whose `search_path` is one municipality's schema.
pub struct PgDocuments {
    conn: RefCell<r2d2::PooledConnection<Manager>>,
    schema: String,
    /// Set while [`DocumentStore::read_consistent`] holds a snapshot open:
    /// if its reader panics, dropping this ends the snapshot before the
    /// connection goes back to the pool.
    in_snapshot: std::cell::Cell<bool>,
    /// What [`SyncStore::prefetch`] read, until the next write.
    prefetched: RefCell<Option<Prefetched>>,
}

/// Heads, sync states and tombstones of a set of documents, read at once.
struct Prefetched {
    peer: String,
    /// Every document asked about, with its stored heads if it is held.
    heads: std::collections::HashMap<String, Option<Vec<u8>>>,
    /// Their sync states with `peer`, where there is one.
    states: std::collections::HashMap<String, Vec<u8>>,
    /// Their erasure times, for those erased.
    erased: std::collections::HashMap<String, i64>,
}

impl Drop for PgDocuments {
    fn drop(&mut self) {
        if self.in_snapshot.get() {
            let _ = self.conn.get_mut().batch_execute("ROLLBACK");
        }
    }
}

impl std::fmt::Debug for PgDocuments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgDocuments")
            .field("schema", &self.schema)
            .finish()
    }
}

type PgResult<T> = Result<T, StoreError>;

/// The snapshot then the chunks of a document, read by one statement so
/// they belong to one committed state (a compaction committed between two
/// reads would pair an old snapshot with new chunks).
const PARTS: &str = "SELECT snapshot, 0 AS seq FROM documents WHERE doc_id = $1
     UNION ALL SELECT bytes, seq FROM changes WHERE doc_id = $1 ORDER BY seq";

fn parts_in(
    client: &mut impl postgres::GenericClient,
    doc_id: &DocId,
) -> PgResult<Option<Vec<Vec<u8>>>> {
    parts_of(
        client
            .query(PARTS, &[&doc_id.as_str()])
            .map_err(backend_error)?,
    )
}

fn parts_of(rows: Vec<postgres::Row>) -> PgResult<Option<Vec<Vec<u8>>>> {
    // The snapshot comes first (seq 0); without it the document is not held.
    if rows.first().is_none_or(|row| row.get::<_, i32>(1) != 0) {
        return Ok(None);
    }
    Ok(Some(
        rows.iter().map(|row| row.get::<_, Vec<u8>>(0)).collect(),
    ))
}

fn load_in(
    client: &mut impl postgres::GenericClient,
    doc_id: &DocId,
) -> PgResult<Option<Automerge>> {
    parts_in(client, doc_id)?
        .map(|parts| load_parts(doc_id, parts))
        .transpose()
}

/// Locks the municipality's revision row until the transaction ends, and
/// returns the last revision handed out: every writer passes here first,
/// so revisions are committed in order.
fn lock_revision(tx: &mut Transaction<'_>) -> PgResult<i64> {
    let row = tx
        .query_one("SELECT rev FROM revision FOR UPDATE", &[])
        .map_err(backend_error)?;
    Ok(row.get(0))
}

fn set_revision(tx: &mut Transaction<'_>, rev: i64) -> PgResult<()> {
    tx.execute("UPDATE revision SET rev = $1", &[&rev])
        .map_err(backend_error)?;
    Ok(())
}

/// Deletes a document's rows inside `tx` and leaves its tombstone (id and
/// time) at revision `rev`, the municipality's revision from then on.
fn bury(tx: &mut Transaction<'_>, doc_id: &DocId, erased_at: Timestamp, rev: i64) -> PgResult<()> {
    tx.execute(
        "DELETE FROM documents WHERE doc_id = $1",
        &[&doc_id.as_str()],
    )
    .map_err(backend_error)?;
    tx.execute(
        "INSERT INTO tombstones (doc_id, erased_at, rev) VALUES ($1, $2, $3)
         ON CONFLICT (doc_id) DO NOTHING",
        &[&doc_id.as_str(), &erased_at, &rev],
    )
    .map_err(backend_error)?;
    set_revision(tx, rev)
}

/// Saves one document inside `tx`, with revision `*rev + 1`.
fn save_in(
    tx: &mut Transaction<'_>,
    doc_id: &DocId,
    doc: &Automerge,
    rev: &mut i64,
) -> PgResult<Saved> {
    let id = doc_id.as_str();
    let stored = tx
        .query_opt(
            "SELECT heads, chunk_count FROM documents WHERE doc_id = $1",
            &[&id],
        )
        .map_err(backend_error)?;
    if stored.is_none()
        && tx
            .query_opt("SELECT 1 FROM tombstones WHERE doc_id = $1", &[&id])
            .map_err(backend_error)?
            .is_some()
    {
        return Err(StoreError::Erased(doc_id.clone()));
    }
    let stored = match stored {
        Some(row) => Some((
            decode_heads(&row.get::<_, Vec<u8>>(0))?,
            i64::from(row.get::<_, i32>(1)),
        )),
        None => None,
    };
    let plan = plan_save(doc_id, doc, stored, || load_in(tx, doc_id))?;
    let this_rev = *rev + 1;
    let heads = match plan {
        SavePlan::Unchanged(heads) => {
            return Ok(Saved {
                heads,
                changed: false,
            });
        }
        SavePlan::Insert { snapshot, heads } => {
            let snapshot = snapshot();
            tx.execute(
                "INSERT INTO documents (doc_id, kind, snapshot, heads, chunk_count, rev)
                 VALUES ($1, $2, $3, $4, 0, $5)",
                &[
                    &id,
                    &doc_id.kind().as_str(),
                    &snapshot,
                    &encode_heads(&heads),
                    &this_rev,
                ],
            )
            .map_err(backend_error)?;
            heads
        }
        SavePlan::Compact { snapshot, heads } => {
            tx.execute("DELETE FROM changes WHERE doc_id = $1", &[&id])
                .map_err(backend_error)?;
            tx.execute(
                "UPDATE documents SET snapshot = $2, heads = $3, chunk_count = 0, rev = $4
                 WHERE doc_id = $1",
                &[&id, &snapshot, &encode_heads(&heads), &this_rev],
            )
            .map_err(backend_error)?;
            heads
        }
        SavePlan::Append { chunk, heads } => {
            tx.execute(
                "INSERT INTO changes (doc_id, seq, bytes) VALUES ($1,
                 (SELECT coalesce(max(seq), 0) + 1 FROM changes WHERE doc_id = $1), $2)",
                &[&id, &chunk],
            )
            .map_err(backend_error)?;
            tx.execute(
                "UPDATE documents SET heads = $2, chunk_count = chunk_count + 1, rev = $3
                 WHERE doc_id = $1",
                &[&id, &encode_heads(&heads), &this_rev],
            )
            .map_err(backend_error)?;
            heads
        }
    };
    *rev = this_rev;
    Ok(Saved {
        heads,
        changed: true,
    })
}

fn tombstone_of(row: &postgres::Row) -> PgResult<Tombstone> {
    Ok(Tombstone {
        doc_id: parse_doc_id(row.get(0))?,
        erased_at: row.get(1),
    })
}

impl PgDocuments {
    pub(super) fn new(conn: r2d2::PooledConnection<Manager>, schema: String) -> Self {
        Self {
            conn: RefCell::new(conn),
            schema,
            in_snapshot: std::cell::Cell::new(false),
            prefetched: RefCell::new(None),
        }
    }

    /// The schema these documents live in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    fn query(
        &self,
        sql: &'static str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> PgResult<Vec<postgres::Row>> {
        let mut conn = self.conn.borrow_mut();
        let statement = conn.statement(sql).map_err(backend_error)?;
        conn.query(&statement, params).map_err(backend_error)
    }

    fn query_opt(
        &self,
        sql: &'static str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> PgResult<Option<postgres::Row>> {
        let mut conn = self.conn.borrow_mut();
        let statement = conn.statement(sql).map_err(backend_error)?;
        conn.query_opt(&statement, params).map_err(backend_error)
    }

    /// What was prefetched of `doc_id`, if it was: `f` reads it.
    fn prefetched<T>(&self, doc_id: &DocId, f: impl FnOnce(&Prefetched) -> T) -> Option<T> {
        let prefetched = self.prefetched.borrow();
        let p = prefetched.as_ref()?;
        p.heads.contains_key(doc_id.as_str()).then(|| f(p))
    }

    /// Forgets what was prefetched: called by every write.
    fn forget(&self) {
        self.prefetched.replace(None);
    }

    /// A document's parts, outside a transaction (with a prepared statement).
    fn parts(&self, doc_id: &DocId) -> PgResult<Option<Vec<Vec<u8>>>> {
        parts_of(self.query(PARTS, &[&doc_id.as_str()])?)
    }

    /// Rewrites the tables an erasure deleted rows from, so the erased
    /// bytes are not left in their files' dead tuples; then ends the
    /// current write-ahead log segment, which holds their last images, so
    /// the next two checkpoints remove it (with `wal_recycle = off`, as
    /// the README's PostgreSQL settings say: a recycled segment keeps its
    /// old bytes until it is written over). Without the right to switch
    /// segments, the erasure still stands; the segment goes once filled.
    fn rewrite_tables(&self) -> PgResult<()> {
        let mut conn = self.conn.borrow_mut();
        conn.batch_execute("VACUUM FULL documents, changes, sync_states")
            .map_err(backend_error)?;
        if let Err(error) = conn.batch_execute("SELECT pg_switch_wal()") {
            // Nothing personal in it: a permission or a standby refusing.
            tracing::warn!(%error, "could not end the write-ahead log segment after an erasure");
        }
        Ok(())
    }
}

impl SyncStore for PgDocuments {
    fn load(&self, doc_id: &DocId) -> PgResult<Option<Automerge>> {
        self.parts(doc_id)?
            .map(|parts| load_parts(doc_id, parts))
            .transpose()
    }

    fn heads(&self, doc_id: &DocId) -> PgResult<Option<Vec<ChangeHash>>> {
        if let Some(heads) =
            self.prefetched(doc_id, |p| p.heads.get(doc_id.as_str()).cloned().flatten())
        {
            return heads.map(|h| decode_heads(&h)).transpose();
        }
        self.query_opt(
            "SELECT heads FROM documents WHERE doc_id = $1",
            &[&doc_id.as_str()],
        )?
        .map(|row| decode_heads(&row.get::<_, Vec<u8>>(0)))
        .transpose()
    }

    fn stored_bytes(&self, doc_id: &DocId) -> PgResult<Option<Vec<Vec<u8>>>> {
        self.parts(doc_id)
    }

    fn stored_size(&self, doc_id: &DocId) -> PgResult<Option<u64>> {
        Ok(self
            .query_opt(
                "SELECT (length(snapshot) + (SELECT coalesce(sum(length(bytes)), 0)
                     FROM changes WHERE changes.doc_id = documents.doc_id))::BIGINT
                 FROM documents WHERE doc_id = $1",
                &[&doc_id.as_str()],
            )?
            .map(|row| u64::try_from(row.get::<_, i64>(0)).unwrap_or(0)))
    }

    fn is_erased(&self, doc_id: &DocId) -> PgResult<bool> {
        if let Some(erased) = self.prefetched(doc_id, |p| p.erased.contains_key(doc_id.as_str())) {
            return Ok(erased);
        }
        Ok(self
            .query_opt(
                "SELECT 1 FROM tombstones WHERE doc_id = $1",
                &[&doc_id.as_str()],
            )?
            .is_some())
    }

    fn sync_state(&self, peer: &str, doc_id: &DocId) -> PgResult<Option<sync::State>> {
        let kept = self
            .prefetched(doc_id, |p| {
                (p.peer == peer).then(|| p.states.get(doc_id.as_str()).cloned())
            })
            .flatten();
        if let Some(state) = kept {
            return state
                .map(|bytes| sync::State::decode(&bytes).map_err(StoreError::from))
                .transpose();
        }
        self.query_opt(
            "SELECT state FROM sync_states WHERE peer = $1 AND doc_id = $2",
            &[&peer, &doc_id.as_str()],
        )?
        .map(|row| sync::State::decode(&row.get::<_, Vec<u8>>(0)).map_err(StoreError::from))
        .transpose()
    }

    fn current_rev(&self) -> PgResult<i64> {
        Ok(self
            .query_opt("SELECT rev FROM revision", &[])?
            .map_or(0, |row| row.get(0)))
    }

    fn changed_since(&self, rev: i64, limit: usize) -> PgResult<Vec<Changed>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.query(
            "SELECT doc_id, rev, heads FROM documents WHERE rev > $1 ORDER BY rev LIMIT $2",
            &[&rev, &limit],
        )?
        .iter()
        .map(|row| {
            Ok(Changed {
                doc_id: parse_doc_id(row.get(0))?,
                rev: row.get(1),
                heads: decode_heads(&row.get::<_, Vec<u8>>(2))?,
            })
        })
        .collect()
    }

    fn tombstone(&self, doc_id: &DocId) -> PgResult<Option<Tombstone>> {
        if let Some(erased) = self.prefetched(doc_id, |p| p.erased.get(doc_id.as_str()).copied()) {
            return Ok(erased.map(|erased_at| Tombstone {
                doc_id: doc_id.clone(),
                erased_at,
            }));
        }
        self.query_opt(
            "SELECT doc_id, erased_at FROM tombstones WHERE doc_id = $1",
            &[&doc_id.as_str()],
        )?
        .map(|row| tombstone_of(&row))
        .transpose()
    }

    fn tombstones_between(&self, after: i64, upto: i64) -> PgResult<Vec<Tombstone>> {
        self.query(
            "SELECT doc_id, erased_at FROM tombstones WHERE rev > $1 AND rev <= $2 ORDER BY rev",
            &[&after, &upto],
        )?
        .iter()
        .map(tombstone_of)
        .collect()
    }

    fn prefetch(&self, peer: &str, doc_ids: &[&DocId]) -> PgResult<()> {
        self.forget();
        if doc_ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = doc_ids.iter().map(|id| id.as_str()).collect();
        let rows = self.query(
            // A lookup by key per document, not joins: the planner cannot
            // see the array's length in a prepared statement and chose to
            // scan the whole documents table (120 ms a page with 10,000
            // documents, BENCHMARKS.md "PostgreSQL").
            "SELECT i.doc_id,
                 (SELECT heads FROM documents d WHERE d.doc_id = i.doc_id),
                 (SELECT state FROM sync_states s WHERE s.peer = $2 AND s.doc_id = i.doc_id),
                 (SELECT erased_at FROM tombstones t WHERE t.doc_id = i.doc_id)
             FROM unnest($1::TEXT[]) AS i (doc_id)",
            &[&ids, &peer],
        )?;
        let mut prefetched = Prefetched {
            peer: peer.to_string(),
            heads: Default::default(),
            states: Default::default(),
            erased: Default::default(),
        };
        for row in rows {
            let id: String = row.get(0);
            if let Some(state) = row.get::<_, Option<Vec<u8>>>(2) {
                prefetched.states.insert(id.clone(), state);
            }
            if let Some(erased_at) = row.get::<_, Option<i64>>(3) {
                prefetched.erased.insert(id.clone(), erased_at);
            }
            prefetched
                .heads
                .insert(id, row.get::<_, Option<Vec<u8>>>(1));
        }
        self.prefetched.replace(Some(prefetched));
        Ok(())
    }

    fn commit_exchange(
        &mut self,
        writes: &[ExchangeWrite<'_>],
        peer: &str,
        states: &[(&DocId, &sync::State)],
    ) -> PgResult<Committed> {
        self.forget();
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction().map_err(backend_error)?;
        let mut rev = lock_revision(&mut tx)?;
        for write in writes {
            let id = write.doc_id.as_str();
            let stored = tx
                .query_opt("SELECT heads FROM documents WHERE doc_id = $1", &[&id])
                .map_err(backend_error)?
                .map(|row| decode_heads(&row.get::<_, Vec<u8>>(0)))
                .transpose()?;
            let erased = tx
                .query_opt("SELECT 1 FROM tombstones WHERE doc_id = $1", &[&id])
                .map_err(backend_error)?
                .is_some();
            if erased || stored.as_deref() != write.base {
                return Ok(Committed::Moved(write.doc_id.clone()));
            }
        }
        let first = rev;
        for write in writes {
            save_in(&mut tx, write.doc_id, write.doc, &mut rev)?;
        }
        if rev != first {
            set_revision(&mut tx, rev)?;
        }
        if !states.is_empty() {
            // One statement for the whole page (a statement per document
            // was a round trip each); one row per document, the last given
            // (PostgreSQL refuses to update a row twice in one statement).
            let last: std::collections::BTreeMap<&str, &sync::State> = states
                .iter()
                .map(|(id, state)| (id.as_str(), *state))
                .collect();
            let ids: Vec<&str> = last.keys().copied().collect();
            let encoded: Vec<Vec<u8>> = last.values().map(|state| state.encode()).collect();
            tx.execute(
                "INSERT INTO sync_states (peer, doc_id, state)
                 SELECT $1, i.doc_id, i.state FROM unnest($2::TEXT[], $3::BYTEA[]) AS i (doc_id, state)
                 WHERE EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = i.doc_id)
                 ON CONFLICT (peer, doc_id) DO UPDATE SET state = excluded.state",
                &[&peer, &ids, &encoded],
            )
            .map_err(backend_error)?;
        }
        tx.commit().map_err(backend_error)?;
        Ok(Committed::Written)
    }
}

impl DocumentStore for PgDocuments {
    fn save_all(&mut self, docs: &[(&DocId, &Automerge)]) -> PgResult<Vec<Saved>> {
        self.forget();
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction().map_err(backend_error)?;
        let mut rev = lock_revision(&mut tx)?;
        let first = rev;
        let mut saved = Vec::with_capacity(docs.len());
        for (doc_id, doc) in docs {
            saved.push(save_in(&mut tx, doc_id, doc, &mut rev)?);
        }
        if rev != first {
            set_revision(&mut tx, rev)?;
        }
        tx.commit().map_err(backend_error)?;
        Ok(saved)
    }

    fn erase(&mut self, doc_id: &DocId, erased_at: Timestamp) -> PgResult<Tombstone> {
        let tombstone = self.erase_later(doc_id, erased_at)?;
        self.rewrite_tables()?;
        Ok(tombstone)
    }

    fn scrub(&mut self) -> PgResult<()> {
        self.rewrite_tables()
    }

    fn erase_later(&mut self, doc_id: &DocId, erased_at: Timestamp) -> PgResult<Tombstone> {
        self.forget();
        {
            let mut conn = self.conn.borrow_mut();
            let mut tx = conn.transaction().map_err(backend_error)?;
            let rev = lock_revision(&mut tx)? + 1;
            bury(&mut tx, doc_id, erased_at, rev)?;
            tx.commit().map_err(backend_error)?;
        }
        Ok(Tombstone {
            doc_id: doc_id.clone(),
            erased_at,
        })
    }

    fn replace(
        &mut self,
        (old, base): (&DocId, &[ChangeHash]),
        new: &DocId,
        doc: &Automerge,
        erased_at: Timestamp,
    ) -> PgResult<Tombstone> {
        self.forget();
        {
            let mut conn = self.conn.borrow_mut();
            let mut tx = conn.transaction().map_err(backend_error)?;
            let mut rev = lock_revision(&mut tx)?;
            // Under the revision lock, so no write slips in after the check.
            let stored = tx
                .query_opt(
                    "SELECT heads FROM documents WHERE doc_id = $1",
                    &[&old.as_str()],
                )
                .map_err(backend_error)?
                .map(|row| decode_heads(&row.get::<_, Vec<u8>>(0)))
                .transpose()?;
            let mut base = base.to_vec();
            base.sort();
            if stored != Some(base) {
                return Err(StoreError::Moved(old.clone()));
            }
            save_in(&mut tx, new, doc, &mut rev)?;
            bury(&mut tx, old, erased_at, rev + 1)?;
            tx.commit().map_err(backend_error)?;
        }
        Ok(Tombstone {
            doc_id: old.clone(),
            erased_at,
        })
    }

    fn fingerprint(&self) -> PgResult<Vec<(DocId, Vec<ChangeHash>)>> {
        self.query("SELECT doc_id, heads FROM documents ORDER BY doc_id", &[])?
            .iter()
            .map(|row| {
                Ok((
                    parse_doc_id(row.get(0))?,
                    decode_heads(&row.get::<_, Vec<u8>>(1))?,
                ))
            })
            .collect()
    }

    fn doc_ids_of(&self, kind: DocKind) -> PgResult<Vec<DocId>> {
        self.query(
            "SELECT doc_id FROM documents WHERE kind = $1 ORDER BY doc_id",
            &[&kind.as_str()],
        )?
        .iter()
        .map(|row| parse_doc_id(row.get(0)))
        .collect()
    }

    fn erased_between(&self, after: i64, upto: i64) -> PgResult<Vec<DocId>> {
        self.query(
            "SELECT doc_id FROM tombstones WHERE rev > $1 AND rev <= $2 ORDER BY rev",
            &[&after, &upto],
        )?
        .iter()
        .map(|row| parse_doc_id(row.get(0)))
        .collect()
    }

    fn document_count(&self) -> PgResult<i64> {
        Ok(self.query("SELECT count(*) FROM documents", &[])?[0].get(0))
    }

    fn kinds_version(&self, kinds: &[DocKind]) -> PgResult<KindsVersion> {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let rows = self.query(
            "SELECT count(*), coalesce(max(rev), 0) FROM documents WHERE kind = ANY($1)
             UNION ALL SELECT 0, coalesce(max(rev), 0) FROM tombstones",
            &[&kinds],
        )?;
        let mut version = KindsVersion::default();
        for row in &rows {
            version.count += row.get::<_, i64>(0);
            version.last_rev = version.last_rev.max(row.get(1));
        }
        Ok(version)
    }

    fn read_consistent(&self, read: &mut dyn FnMut() -> PgResult<()>) -> PgResult<()> {
        // Every read inside sees the snapshot, none what was read before.
        self.forget();
        self.conn
            .borrow_mut()
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .map_err(backend_error)?;
        self.in_snapshot.set(true);
        let result = read();
        // Ends the snapshot whatever `read` did; a failed read's error wins.
        let ended = self
            .conn
            .borrow_mut()
            .batch_execute("COMMIT")
            .map_err(backend_error);
        self.in_snapshot.set(false);
        result.and(ended)
    }
}
