//! A municipality's schema in PostgreSQL, one numbered step at a time, as
//! the SQLite store's (`shared::store::migrations`). Never edit a step that
//! has shipped: add the next one.

use super::backend_error;
use shared::store::StoreError;

/// One step.
pub struct Step {
    /// Its number, from 1.
    pub version: i32,
    /// What it runs.
    pub sql: &'static str,
}

/// Every step of a municipality's schema, in order, run with the search
/// path set to the schema.
pub const STEPS: &[Step] = &[Step {
    version: 1,
    sql: "
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    snapshot BYTEA NOT NULL,
    heads BYTEA NOT NULL,
    chunk_count INTEGER NOT NULL,
    rev BIGINT NOT NULL
);
CREATE INDEX documents_by_rev ON documents (rev);
CREATE INDEX documents_by_kind_rev ON documents (kind, rev);
CREATE TABLE changes (
    doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
CREATE TABLE sync_states (
    peer TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    state BYTEA NOT NULL,
    PRIMARY KEY (peer, doc_id)
);
CREATE INDEX sync_states_by_doc ON sync_states (doc_id);
CREATE TABLE tombstones (
    doc_id TEXT PRIMARY KEY,
    erased_at BIGINT NOT NULL,
    rev BIGINT NOT NULL
);
CREATE INDEX tombstones_by_rev ON tombstones (rev);
CREATE TABLE revision (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    rev BIGINT NOT NULL
);
INSERT INTO revision (one, rev) VALUES (TRUE, 0);
",
}];

/// Creates the schema if needed and applies the steps it lacks, under a
/// transaction-scoped advisory lock so two processes starting at once do
/// not both apply a step.
pub fn migrate(
    conn: &mut postgres::Client,
    schema: &str,
    steps: &[Step],
) -> Result<(), StoreError> {
    let quoted = format!("\"{}\"", schema.replace('"', ""));
    let mut tx = conn.transaction().map_err(backend_error)?;
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&schema])
        .map_err(backend_error)?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {quoted};
         CREATE TABLE IF NOT EXISTS {quoted}.schema_migrations (
             version INTEGER PRIMARY KEY,
             sql TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         );
         SET LOCAL search_path TO {quoted};"
    ))
    .map_err(backend_error)?;
    for step in steps {
        let applied = tx
            .query_opt(
                "SELECT sql FROM schema_migrations WHERE version = $1",
                &[&step.version],
            )
            .map_err(backend_error)?;
        match applied {
            Some(row) if row.get::<_, String>(0) == step.sql => continue,
            Some(_) => {
                return Err(StoreError::Malformed(format!(
                    "schema {schema}: step {} was edited after it shipped",
                    step.version
                )));
            }
            None => {}
        }
        tx.batch_execute(step.sql).map_err(backend_error)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, sql) VALUES ($1, $2)",
            &[&step.version, &step.sql],
        )
        .map_err(backend_error)?;
    }
    tx.commit().map_err(backend_error)
}
