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
}

impl Tenants {
    /// Stores live in `dir`, one file per municipality.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// The path of a municipality's store.
    pub fn path(&self, municipality: MunicipalityId) -> PathBuf {
        self.dir.join(format!("{municipality}.sqlite"))
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
