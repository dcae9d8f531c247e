//! Each municipality's documents, in a SQLite file of its own.
//!
//! A request reaches a store only through the municipality its credentials
//! belong to, so no query can read another municipality's documents. Stores
//! are opened on first use and kept open; a store is one connection behind
//! a mutex (SQLite serialises writers anyway), used from blocking tasks.

use shared::domain::MunicipalityId;
use shared::store::{Store, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A municipality's store, shared between requests.
pub type TenantStore = Arc<Mutex<Store>>;

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
        let mut open = self
            .open
            .lock()
            .map_err(|_| StoreError::Malformed("tenant map lock poisoned".into()))?;
        if let Some(store) = open.get(&municipality) {
            return Ok(store.clone());
        }
        let store = Arc::new(Mutex::new(Store::open(&self.path(municipality))?));
        open.insert(municipality, store.clone());
        Ok(store)
    }
}
