//! The server's documents in PostgreSQL, for a host that serves many
//! municipalities and outgrows one machine; the embedded SQLite files stay
//! the default (nothing to install).
//!
//! **Municipalities kept apart by a schema each** (`m_<id>`), not by a
//! column and row-level security: the tables are the SQLite store's, the
//! SQL nearly the same, and a connection handed out for a municipality has
//! its `search_path` set to that schema and nothing else, so a query that
//! forgets its municipality cannot name another's tables (it finds
//! nothing, or fails). Erasure then rewrites only that municipality's
//! tables, and dropping a municipality is dropping its schema.
//!
//! **Revisions in commit order**: every write transaction first locks the
//! schema's one revision row (`SELECT … FOR UPDATE`) and takes its
//! revisions from it, so writers of one municipality commit one after the
//! other and a revision is never committed after a higher one. Without
//! it, two transactions drawing from a sequence could commit out of order
//! and a phone whose cursor passed the higher one would never see the
//! lower (`tests/tests/storage_conformance.rs` tries it). Everything a
//! sync computes happens before that lock; it is held while rows are
//! written (and a stale copy merged or a document compacted, when a save
//! needs it).

mod documents;
pub mod migrations;

pub use documents::PgDocuments;

use shared::domain::MunicipalityId;
use shared::store::StoreError;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// A connection and the statements prepared on it. A query sent as text
/// costs two round trips (prepare, then execute); a sync asks a few small
/// queries per document, so preparing each once per connection halves the
/// waiting (BENCHMARKS.md, "PostgreSQL"). Statements name tables through
/// the `search_path`, which PostgreSQL re-resolves when it changes, so one
/// statement serves every municipality's schema.
pub struct PgConn {
    client: postgres::Client,
    statements: HashMap<&'static str, postgres::Statement>,
}

impl PgConn {
    /// The statement for `sql`, prepared on first use.
    pub fn statement(&mut self, sql: &'static str) -> Result<postgres::Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }
}

impl std::ops::Deref for PgConn {
    type Target = postgres::Client;
    fn deref(&self) -> &postgres::Client {
        &self.client
    }
}

impl std::ops::DerefMut for PgConn {
    fn deref_mut(&mut self) -> &mut postgres::Client {
        &mut self.client
    }
}

/// The pool's connection manager: `r2d2_postgres`'s, with a statement
/// cache per connection.
pub struct Manager(r2d2_postgres::PostgresConnectionManager<postgres::NoTls>);

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConn, postgres::Error> {
        Ok(PgConn {
            client: self.0.connect()?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), postgres::Error> {
        self.0.is_valid(&mut conn.client)
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        self.0.has_broken(&mut conn.client)
    }
}

/// Connections kept to the database by one server process.
const CONNECTIONS: u32 = 8;
/// How long a request waits for a connection before it is told to come
/// back (503).
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(20);

/// A pool of connections whose last handle, when dropped, closes them on
/// a thread of its own: the synchronous client blocks (and panics) if
/// closed on an async thread, which is where a server's state is dropped
/// when it stops.
pub struct Pool(Option<r2d2::Pool<Manager>>);

impl Clone for Pool {
    fn clone(&self) -> Self {
        Pool(self.0.clone())
    }
}

impl std::ops::Deref for Pool {
    type Target = r2d2::Pool<Manager>;
    fn deref(&self) -> &Self::Target {
        // Only `drop` takes it out.
        self.0
            .as_ref()
            .unwrap_or_else(|| unreachable!("a pool is only emptied when dropped"))
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            let closing = std::thread::Builder::new()
                .name("pg-close".into())
                .spawn(move || drop(pool));
            if let Err(error) = closing {
                tracing::error!(%error, "cannot close the database connections");
            }
        }
    }
}

/// A PostgreSQL database holding every municipality's documents.
pub struct PgBackend {
    pool: Pool,
    /// Schemas this process has brought up to date.
    migrated: Mutex<HashSet<MunicipalityId>>,
}

/// A PostgreSQL error, as the store reports it (its text stays in the
/// logs' error chain; no statement parameters are in it).
pub fn backend_error(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(error))
}

impl PgBackend {
    /// Connects to `url` (`postgres://user:password@host:port/database`).
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let config: postgres::Config = url.parse().map_err(backend_error)?;
        let manager = Manager(r2d2_postgres::PostgresConnectionManager::new(
            config,
            postgres::NoTls,
        ));
        let pool = r2d2::Pool::builder()
            .max_size(CONNECTIONS)
            .min_idle(Some(0))
            .connection_timeout(WAIT_FOR_CONNECTION)
            .build(manager)
            .map_err(backend_error)?;
        Ok(Self {
            pool: Pool(Some(pool)),
            migrated: Mutex::new(HashSet::new()),
        })
    }

    /// The pool, for the control data (`control::Control::on_postgres`).
    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// The schema holding a municipality's tables.
    pub fn schema(municipality: MunicipalityId) -> String {
        format!("m_{}", municipality.0.as_simple())
    }

    /// A connection to one municipality's documents: its `search_path` is
    /// that municipality's schema alone (created and migrated on first use).
    pub fn documents(&self, municipality: MunicipalityId) -> Result<PgDocuments, StoreError> {
        let mut conn = self.pool.get().map_err(|error| {
            // A wrong password or a database down must show in the logs,
            // not only as 503s.
            tracing::warn!(%error, "no connection to the documents' database");
            StoreError::Busy
        })?;
        let schema = Self::schema(municipality);
        let known = self
            .migrated
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&municipality);
        if !known {
            migrations::migrate(&mut conn, &schema, migrations::STEPS)?;
            self.migrated
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(municipality);
        }
        conn.execute("SELECT set_config('search_path', $1, false)", &[&schema])
            .map_err(backend_error)?;
        Ok(PgDocuments::new(conn, schema))
    }
}
