//! The office's read model: relational tables kept in step with the
//! municipality's Automerge documents, so that no office page loads or
//! hydrates a document, and no office read waits for a phone's sync.
//!
//! A projector follows the document store's revision counter with a cursor
//! of its own: it reads the documents written since (and the erasures),
//! deletes their previous rows and writes new ones, in one transaction that
//! also moves the cursor, so the tables always match one revision of the
//! store. It reads documents through a connection of its own (WAL readers
//! never block the writer) and writes to a file of its own
//! (`<municipality>.readmodel.sqlite`), so a phone's sync never waits for
//! it and it never waits for a sync. Syncs and office writes wake it
//! ([`ReadModel::nudge`]); office pages catch it up before they read
//! ([`ReadModel::catch_up`]), which costs one query when nothing changed.
//!
//! It is rebuilt from the documents when [`PROJECTION_VERSION`] changes (new
//! tables or a new way of projecting; by the next catch-up, not while
//! opening), when its file is deleted, with `palier-server
//! rebuild-read-model`, and in tests that compare a rebuilt model with the
//! incrementally maintained one ([`ReadModel::dump`]).

mod project;
pub mod rules;
mod schema;
#[cfg(test)]
pub(crate) mod tests;

pub use project::{door_key, door_label};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use shared::domain::{Campaign, CampaignId};
use shared::schema::{DocId, DocKind};
use shared::store::{MigrationError, StoreError, migrate};
use shared::sync::DocumentStore;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Bumped whenever the projection of a document changes: a read model
/// built by another version is rebuilt on open.
pub const PROJECTION_VERSION: i64 = 5;

/// Documents read per batch while catching up: bounds the projector's
/// memory whatever the backlog.
const BATCH: usize = 500;

/// Why the read model could not be read or brought up to date. The tables
/// are left at the last revision fully projected.
#[derive(Debug, thiserror::Error)]
pub enum ReadModelError {
    /// Its database failed.
    #[error("read model database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Its schema could not be brought up to date.
    #[error("read model schema: {0}")]
    Migration(#[from] MigrationError),
    /// The document store failed.
    #[error("document store: {0}")]
    Store(#[from] StoreError),
    /// A document does not hold what its kind promises (recorded as
    /// unreadable, never surfaced as an error).
    #[error("document content: {0}")]
    Schema(Box<shared::schema::SchemaError>),
    /// A value could not be encoded.
    #[error("encoding: {0}")]
    Json(serde_json::Error),
    /// The data folder could not be listed.
    #[error("data folder: {0}")]
    Io(String),
    /// A document holds a record with another id than its own.
    #[error("a record filed under another id")]
    Misfiled,
}

/// Where the projector reads documents from: all it needs of a
/// municipality's store (`storage::tenants` gives it one), so the read
/// model knows nothing of how stores are kept.
pub trait DocumentSource: Send + 'static {
    /// A connection to the store, for one batch: taken, then given back,
    /// so a projector holds none while idle.
    fn documents(&self) -> Result<Box<dyn DocumentStore + Send>, StoreError>;
}

struct Projector {
    /// Where the documents are read from.
    docs: Box<dyn DocumentSource>,
    tables: Connection,
}

/// A municipality's read model: the projector and where to read from.
#[derive(Clone)]
pub struct ReadModel {
    path: PathBuf,
    projector: Arc<Mutex<Projector>>,
    /// Set when a nudge found the projector busy: it goes round once more.
    pending: Arc<AtomicBool>,
    /// Set when the tables were built by another projection version: the
    /// next catch-up rebuilds them (on a blocking thread, never in `open`).
    stale: Arc<AtomicBool>,
}

impl ReadModel {
    /// Opens (creating if needed) the read model at `path`, projecting from
    /// the document store `docs`. A model of another projection version
    /// is rebuilt by the next catch-up, not here: opening stays quick.
    pub fn open(path: &Path, docs: impl DocumentSource) -> Result<Self, ReadModelError> {
        let mut tables = Connection::open(path)?;
        tables.busy_timeout(std::time::Duration::from_secs(5))?;
        tables.pragma_update(None, "journal_mode", "WAL")?;
        tables.pragma_update(None, "synchronous", "NORMAL")?;
        // Verbatims and notes of erased or re-projected records leave no
        // bytes in free pages.
        tables.pragma_update(None, "secure_delete", "ON")?;
        migrate(&mut tables, schema::MIGRATIONS)?;
        let model = Self {
            path: path.to_path_buf(),
            projector: Arc::new(Mutex::new(Projector {
                docs: Box::new(docs),
                tables,
            })),
            pending: Arc::default(),
            stale: Arc::default(),
        };
        let version = meta(&model.lock().tables, "projection_version")?;
        model
            .stale
            .store(version != Some(PROJECTION_VERSION), Ordering::SeqCst);
        Ok(model)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Projector> {
        // A panic mid-projection dropped its table transaction (rolled
        // back) and may have left the store's read snapshot open, which
        // the next catch-up closes first: safe to go on from.
        self.projector
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Projects everything written since the cursor, and whatever a nudge
    /// asked for meanwhile; returns the revision the tables now match.
    pub fn catch_up(&self) -> Result<i64, ReadModelError> {
        let mut projector = self.lock();
        loop {
            self.pending.store(false, Ordering::SeqCst);
            self.rebuild_if_stale(&mut projector)?;
            let rev = projector.catch_up()?;
            if !self.pending.load(Ordering::SeqCst) {
                return Ok(rev);
            }
        }
    }

    fn rebuild_if_stale(&self, projector: &mut Projector) -> Result<(), ReadModelError> {
        if self.stale.swap(false, Ordering::SeqCst)
            && let Err(error) = projector.clear()
        {
            // Tried again at the next catch-up.
            self.stale.store(true, Ordering::SeqCst);
            return Err(error);
        }
        Ok(())
    }

    /// Asks for a catch-up without waiting: if the projector is busy, it
    /// goes round once more when done. For the sync route, after a write.
    pub fn nudge(&self) {
        let model = self.clone();
        model.pending.store(true, Ordering::SeqCst);
        std::thread::spawn(move || {
            while model.pending.load(Ordering::SeqCst) {
                let Ok(mut projector) = model.projector.try_lock() else {
                    // The one holding it will see `pending` and go round.
                    return;
                };
                model.pending.store(false, Ordering::SeqCst);
                if let Err(error) = model.rebuild_if_stale(&mut projector) {
                    tracing::error!(%error, "read model rebuild failed");
                    return;
                }
                if let Err(error) = projector.catch_up() {
                    tracing::error!(%error, "read model projection failed");
                    return;
                }
            }
        });
    }

    /// Empties the tables and projects every document again.
    pub fn rebuild(&self) -> Result<i64, ReadModelError> {
        let mut projector = self.lock();
        self.stale.store(false, Ordering::SeqCst);
        projector.clear()?;
        projector.catch_up()
    }

    /// A connection that can only read the tables, for one office request.
    /// Opened per request: readers never wait for the projector (WAL).
    pub fn reader(&self) -> Result<Connection, ReadModelError> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(conn)
    }

    /// Every row of every table, sorted: what tests compare.
    pub fn dump(&self) -> Result<BTreeMap<String, Vec<String>>, ReadModelError> {
        let conn = self.reader()?;
        dump(&conn)
    }
}

impl Projector {
    /// Empties the tables and moves the cursor back to the start.
    fn clear(&mut self) -> Result<(), ReadModelError> {
        let tx = self.tables.transaction()?;
        for table in schema::TABLES {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        set_meta(&tx, "cursor", 0)?;
        set_meta(&tx, "projection_version", PROJECTION_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    fn catch_up(&mut self) -> Result<i64, ReadModelError> {
        let mut cursor = meta(&self.tables, "cursor")?.unwrap_or(0);
        loop {
            let Batch {
                upto,
                docs,
                erased,
                full,
                campaigns,
            } = read_batch(&*self.docs, cursor)?;
            if upto == cursor && docs.is_empty() && erased.is_empty() {
                return Ok(cursor);
            }
            let mut tx = self.tables.transaction()?;
            for doc_id in &erased {
                delete_rows(&tx, doc_id.as_str())?;
            }
            for (doc_id, doc) in &docs {
                delete_rows(&tx, doc_id.as_str())?;
                let Some(doc) = doc else { continue };
                // One document that cannot be written (a value the tables
                // refuse) is set aside, not allowed to stall the others.
                let mut one = tx.savepoint()?;
                let projected = project::project(&one, doc_id, doc, &campaigns);
                match projected {
                    Ok(()) => one.commit()?,
                    Err(error) => {
                        one.rollback()?;
                        drop(one);
                        let kind = doc_id.kind().as_str();
                        tracing::warn!(%error, kind, "a document was not projected");
                        tx.execute(
                            "INSERT INTO rm_unreadable (doc_id, kind) VALUES (?1, ?2)
                             ON CONFLICT (doc_id) DO NOTHING",
                            params![doc_id.as_str(), kind],
                        )?;
                    }
                }
            }
            set_meta(&tx, "cursor", upto)?;
            tx.commit()?;
            if !erased.is_empty() {
                // Best effort: an office page reading may keep old pages in
                // the WAL until the next checkpoint.
                let _ = self
                    .tables
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            }
            cursor = upto;
            if !full {
                return Ok(cursor);
            }
        }
    }
}

/// What a batch of projection reads, in one snapshot of the store.
struct Batch {
    /// The revision it reaches.
    upto: i64,
    /// The documents written (`None` if erased since).
    docs: Vec<(DocId, Option<automerge::Automerge>)>,
    /// The erasures.
    erased: Vec<DocId>,
    /// Whether more may follow.
    full: bool,
    /// The campaigns of the visit logs read, for the questionnaire each
    /// visit answered (a published version never changes, so the campaign
    /// as it stands says what any visit was asked).
    campaigns: HashMap<CampaignId, Campaign>,
}

/// Reads the next batch after `cursor` in one snapshot of the store: the
/// documents and the erasures are those of one revision.
fn read_batch(docs: &dyn DocumentSource, cursor: i64) -> Result<Batch, ReadModelError> {
    let store = docs.documents()?;
    let mut batch = None;
    store.read_consistent(&mut || {
        let target = store.current_rev()?;
        let changed = store.changed_since(cursor, BATCH)?;
        let full = changed.len() == BATCH;
        // A full batch stops at its last document's revision; the erasures
        // up to there are taken with it.
        let upto = if full {
            changed.last().map_or(target, |c| c.rev)
        } else {
            target
        };
        let erased = store.erased_between(cursor, upto)?;
        let mut loaded = Vec::with_capacity(changed.len());
        let mut campaigns = HashMap::new();
        for c in changed {
            let doc = store.load(&c.doc_id)?;
            if c.doc_id.kind() == DocKind::Visits
                && let Some(campaign) = c.doc_id.campaign_id()
                && !campaigns.contains_key(&campaign)
            {
                // An unreadable campaign leaves its visits' answers out,
                // never the visits.
                let read = store
                    .load(&DocId::campaign(campaign))?
                    .and_then(|doc| shared::schema::read::<Campaign>(&doc).ok());
                if let Some(read) = read {
                    campaigns.insert(campaign, read);
                }
            }
            loaded.push((c.doc_id, doc));
        }
        batch = Some(Batch {
            upto,
            docs: loaded,
            erased,
            full,
            campaigns,
        });
        Ok(())
    })?;
    batch.ok_or_else(|| StoreError::Malformed("projection batch not read".into()).into())
}

fn delete_rows(conn: &Connection, doc_id: &str) -> Result<(), ReadModelError> {
    for table in schema::TABLES {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE doc_id = ?1"))?
            .execute([doc_id])?;
    }
    Ok(())
}

fn meta(conn: &Connection, key: &str) -> Result<Option<i64>, ReadModelError> {
    Ok(conn
        .query_row("SELECT value FROM rm_meta WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn set_meta(conn: &Connection, key: &str, value: i64) -> Result<(), ReadModelError> {
    conn.execute(
        "INSERT INTO rm_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The read model's file beside a municipality's document store.
pub fn path_beside(store: &Path) -> PathBuf {
    store.with_extension("readmodel.sqlite")
}

/// Every row of every projected table, as text, sorted.
pub fn dump(conn: &Connection) -> Result<BTreeMap<String, Vec<String>>, ReadModelError> {
    let mut all = BTreeMap::new();
    for table in schema::TABLES {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}"))?;
        let columns = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut cells = Vec::with_capacity(columns);
                for i in 0..columns {
                    let cell: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{cell:?}"));
                }
                Ok(cells.join("|"))
            })?
            .collect::<Result<_, _>>()?;
        rows.sort();
        all.insert((*table).to_string(), rows);
    }
    Ok(all)
}
