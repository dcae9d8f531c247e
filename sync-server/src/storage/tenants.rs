//! Each municipality's documents: a SQLite file of its own (the default),
//! or a PostgreSQL schema of its own (`serve --database-url`). The backend
//! is chosen once, when the server starts; everything past this module
//! sees a [`DocumentStore`] and nothing else.
//!
//! A request reaches a store only through the municipality its credentials
//! belong to, so no query can read another municipality's documents. On
//! SQLite each store is a small pool of connections (`r2d2`), opened on
//! first use and kept: requests of one municipality read side by side
//! (WAL), and SQLite takes their writes one at a time. Nothing in this
//! process decides who writes when: a sync exchange commits only if the
//! documents it read are unchanged (`commit_exchange`), so several server
//! processes may share the files or the database.
//!
//! A request that panics while holding a connection must not take its
//! municipality down: a connection given back inside a transaction is
//! closed (SQLite rolls the transaction back) and the pool opens another,
//! so the next request sees the last committed state.

use crate::readmodel::{ReadModel, ReadModelError};
use crate::storage::pg::PgBackend;
use crate::storage::scopes::Scopes;
use shared::domain::MunicipalityId;
use shared::store::{Store, StoreError};
use shared::sync::DocumentStore;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Connections per municipality: enough to keep two cores busy while one
/// waits on a write; SQLite admits one writer at a time anyway.
const CONNECTIONS: u32 = 4;
/// How long a request waits for a connection before it is told to come
/// back (503).
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(20);

/// Opens connections to one municipality's file (the pool's manager).
#[derive(Debug)]
pub struct Connections {
    path: PathBuf,
}

impl r2d2::ManageConnection for Connections {
    type Connection = Store;
    type Error = StoreError;

    fn connect(&self) -> Result<Store, StoreError> {
        Store::open(&self.path)
    }

    fn is_valid(&self, store: &mut Store) -> Result<(), StoreError> {
        store.recover()
    }

    fn has_broken(&self, store: &mut Store) -> bool {
        // Given back in the middle of a transaction: its holder panicked.
        !store.connection().is_autocommit()
    }
}

/// A municipality's store, shared between requests.
#[derive(Clone)]
pub enum TenantStore {
    /// Its SQLite file's connections.
    Sqlite(r2d2::Pool<Connections>),
    /// Its schema in the PostgreSQL database.
    Postgres(Arc<PgBackend>, MunicipalityId),
}

/// A connection to a municipality's documents, given back when dropped.
pub type Documents = Box<dyn DocumentStore + Send>;

impl TenantStore {
    /// The SQLite file at `path` (created if needed).
    pub fn open_sqlite(path: PathBuf) -> Result<Self, StoreError> {
        // The first connection opens (and migrates) the file here, so an
        // unreadable store is an error now, not a pool timeout later.
        let first = Store::open(&path)?;
        let pool = r2d2::Pool::builder()
            .max_size(CONNECTIONS)
            .min_idle(Some(0))
            .connection_timeout(WAIT_FOR_CONNECTION)
            .build_unchecked(Connections { path });
        drop(first);
        Ok(TenantStore::Sqlite(pool))
    }

    /// A connection, for this caller alone until it is dropped; other
    /// callers use others at the same time. May wait for one to come free
    /// (then [`StoreError::Busy`]): call it from a blocking thread.
    pub fn get(&self) -> Result<Documents, StoreError> {
        match self {
            TenantStore::Sqlite(pool) => {
                let conn = pool.get().map_err(|_| StoreError::Busy)?;
                Ok(Box::new(conn))
            }
            TenantStore::Postgres(backend, municipality) => {
                Ok(Box::new(backend.documents(*municipality)?))
            }
        }
    }
}

impl crate::readmodel::DocumentSource for TenantStore {
    fn documents(&self) -> Result<Box<dyn DocumentStore + Send>, StoreError> {
        self.get()
    }
}

/// Where every municipality's documents are kept.
pub enum Backend {
    /// One SQLite file each, in this folder.
    Sqlite(PathBuf),
    /// One schema each, in this PostgreSQL database.
    Postgres(Arc<PgBackend>),
}

/// The open stores.
pub struct Tenants {
    backend: Backend,
    /// Where read models are kept (a SQLite file per municipality).
    dir: PathBuf,
    open: Mutex<HashMap<MunicipalityId, TenantStore>>,
    models: Mutex<HashMap<MunicipalityId, ReadModel>>,
    scopes: Scopes,
}

impl Tenants {
    /// Stores live in `dir`, one file per municipality.
    pub fn new(dir: PathBuf) -> Self {
        Self::with_backend(Backend::Sqlite(dir.clone()), dir)
    }

    /// Stores live in `backend`; read models in `dir`.
    pub fn with_backend(backend: Backend, dir: PathBuf) -> Self {
        Self {
            backend,
            dir,
            open: Mutex::new(HashMap::new()),
            models: Mutex::new(HashMap::new()),
            scopes: Scopes::default(),
        }
    }

    /// What field phones' scopes are computed from (see [`crate::storage::scopes`]).
    pub fn scopes(&self) -> &Scopes {
        &self.scopes
    }

    /// The path of a municipality's SQLite store (on PostgreSQL, where
    /// its read model's file is named after).
    pub fn path(&self, municipality: MunicipalityId) -> PathBuf {
        self.dir.join(format!("{municipality}.sqlite"))
    }

    /// The backend the stores live in.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The read model of a municipality, opened if needed (see
    /// [`crate::readmodel`]).
    pub fn read_model(&self, municipality: MunicipalityId) -> Result<ReadModel, ReadModelError> {
        let mut models = self.models.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(model) = models.get(&municipality) {
            return Ok(model.clone());
        }
        let store = self.store(municipality)?;
        let path = crate::readmodel::path_beside(&self.path(municipality));
        let model = ReadModel::open(&path, store)?;
        models.insert(municipality, model.clone());
        Ok(model)
    }

    /// Rebuilds the read model of each municipality:
    /// (municipality, revision reached, time taken).
    pub fn rebuild_read_models(
        &self,
        municipalities: &[MunicipalityId],
    ) -> Result<Vec<(String, i64, Duration)>, ReadModelError> {
        let mut done = Vec::new();
        for municipality in municipalities {
            let started = std::time::Instant::now();
            let rev = self.read_model(*municipality)?.rebuild()?;
            done.push((municipality.to_string(), rev, started.elapsed()));
        }
        Ok(done)
    }

    /// The store of a municipality, opened if needed.
    pub fn store(&self, municipality: MunicipalityId) -> Result<TenantStore, StoreError> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(store) = open.get(&municipality) {
            return Ok(store.clone());
        }
        let store = match &self.backend {
            Backend::Sqlite(dir) => {
                TenantStore::open_sqlite(dir.join(format!("{municipality}.sqlite")))?
            }
            // No I/O here (this runs on async threads, where the
            // synchronous PostgreSQL client must not block): the schema is
            // created and migrated by the first connection taken.
            Backend::Postgres(backend) => TenantStore::Postgres(backend.clone(), municipality),
        };
        open.insert(municipality, store.clone());
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::IdeaId;
    use shared::schema::DocId;

    #[test]
    fn a_panic_holding_a_store_leaves_it_usable_and_as_last_committed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tenants = Tenants::new(dir.path().to_path_buf());
        let municipality = MunicipalityId::new();
        let store = tenants.store(municipality).expect("open");
        let kept = DocId::idea(IdeaId::new());
        let mut doc = automerge::Automerge::new();
        doc.transact(|tx| automerge::transaction::Transactable::put(tx, automerge::ROOT, "x", 1))
            .expect("put");
        store
            .get()
            .expect("connection")
            .save_one(&kept, &doc)
            .expect("save");
        let before = store
            .get()
            .expect("connection")
            .fingerprint()
            .expect("fingerprint");

        // A request panics halfway through a transaction.
        let TenantStore::Sqlite(held) = store.clone() else {
            panic!("a SQLite store");
        };
        let crashed = std::thread::spawn(move || {
            let mut guard = held.get().expect("connection");
            guard
                .connection()
                .execute_batch("BEGIN; DELETE FROM documents;")
                .expect("begin");
            panic!("a bug in the middle of a write");
        })
        .join();
        assert!(crashed.is_err());

        // The next request gets the store, with nothing half-written.
        let mut guard = store.get().expect("recovered");
        assert_eq!(guard.fingerprint().expect("fingerprint"), before);
        guard
            .save_one(&DocId::idea(IdeaId::new()), &doc)
            .expect("writes again");
        drop(guard);
        let same = tenants.store(municipality).expect("open");
        assert_eq!(
            same.get()
                .expect("connection")
                .document_count()
                .expect("count"),
            2
        );
    }
}
