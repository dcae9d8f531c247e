//! Each municipality's documents, in a SQLite file of its own.
//!
//! A request reaches a store only through the municipality its credentials
//! belong to, so no query can read another municipality's documents. Stores
//! are opened on first use and kept open; a store is one connection behind
//! a mutex (SQLite serialises writers anyway), used from blocking tasks.
//!
//! A request that panics while holding a store must not take its
//! municipality down: the mutex's poison is cleared on the next lock and
//! any transaction the panic left open is rolled back ([`Store::recover`]),
//! so the next request sees the last committed state.

use crate::readmodel::{ReadModel, ReadModelError};
use shared::domain::MunicipalityId;
use shared::store::{Store, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A municipality's store, shared between requests.
#[derive(Clone)]
pub struct TenantStore(Arc<Mutex<Store>>);

impl TenantStore {
    /// The store, for this caller alone until the guard is dropped. Never
    /// fails: a lock poisoned by a panic is recovered.
    pub fn lock(&self) -> Result<MutexGuard<'_, Store>, StoreError> {
        match self.0.lock() {
            Ok(guard) => Ok(guard),
            Err(poisoned) => {
                tracing::warn!("recovering a store after a request panicked");
                let mut guard = poisoned.into_inner();
                guard.recover()?;
                self.0.clear_poison();
                Ok(guard)
            }
        }
    }
}

/// The open stores.
pub struct Tenants {
    dir: PathBuf,
    open: Mutex<HashMap<MunicipalityId, TenantStore>>,
    models: Mutex<HashMap<MunicipalityId, ReadModel>>,
}

impl Tenants {
    /// Stores live in `dir`, one file per municipality.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            open: Mutex::new(HashMap::new()),
            models: Mutex::new(HashMap::new()),
        }
    }

    /// The path of a municipality's store.
    pub fn path(&self, municipality: MunicipalityId) -> PathBuf {
        self.dir.join(format!("{municipality}.sqlite"))
    }

    /// The read model of a municipality, opened if needed (see
    /// [`crate::readmodel`]).
    pub fn read_model(&self, municipality: MunicipalityId) -> Result<ReadModel, ReadModelError> {
        let mut models = self.models.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(model) = models.get(&municipality) {
            return Ok(model.clone());
        }
        // The document store first, so its schema exists before the
        // projector's own connection reads it.
        drop(self.store(municipality)?);
        let store = self.path(municipality);
        let model = ReadModel::open(&crate::readmodel::path_beside(&store), &store)?;
        models.insert(municipality, model.clone());
        Ok(model)
    }

    /// The store of a municipality, opened if needed.
    pub fn store(&self, municipality: MunicipalityId) -> Result<TenantStore, StoreError> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(store) = open.get(&municipality) {
            return Ok(store.clone());
        }
        let store = TenantStore(Arc::new(Mutex::new(Store::open(&self.path(municipality))?)));
        open.insert(municipality, store.clone());
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::IdeaId;
    use shared::schema::DocId;
    use shared::store::Origin;

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
            .lock()
            .expect("lock")
            .save(&kept, &doc, Origin::Remote)
            .expect("save");
        let before = store
            .lock()
            .expect("lock")
            .fingerprint()
            .expect("fingerprint");

        // A request panics halfway through a transaction.
        let held = store.clone();
        let crashed = std::thread::spawn(move || {
            let mut guard = held.lock().expect("lock");
            guard
                .connection()
                .execute_batch("BEGIN; DELETE FROM documents;")
                .expect("begin");
            panic!("a bug in the middle of a write");
        })
        .join();
        assert!(crashed.is_err());

        // The next request gets the store, with nothing half-written.
        let mut guard = store.lock().expect("recovered");
        assert_eq!(guard.fingerprint().expect("fingerprint"), before);
        guard
            .save(&DocId::idea(IdeaId::new()), &doc, Origin::Remote)
            .expect("writes again");
        drop(guard);
        let same = tenants.store(municipality).expect("open");
        assert_eq!(
            same.lock().expect("lock").document_count().expect("count"),
            2
        );
    }
}
