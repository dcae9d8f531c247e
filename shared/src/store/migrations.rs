//! The document store's schema, one numbered step at a time. Never edit a
//! step that has shipped: add the next one.

use super::migrate::Migration;

/// Every step, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "documents, changes, sync states, tombstones",
        sql: "
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    snapshot BLOB NOT NULL,
    heads BLOB NOT NULL,
    chunk_count INTEGER NOT NULL,
    rev INTEGER NOT NULL
);
CREATE INDEX documents_by_rev ON documents (rev);
CREATE TABLE changes (
    doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (doc_id, seq)
) WITHOUT ROWID;
CREATE TABLE sync_states (
    peer TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    state BLOB NOT NULL,
    PRIMARY KEY (peer, doc_id)
) WITHOUT ROWID;
CREATE TABLE tombstones (
    doc_id TEXT PRIMARY KEY,
    erased_at INTEGER NOT NULL,
    rev INTEGER NOT NULL
);
CREATE INDEX tombstones_by_rev ON tombstones (rev);
CREATE TABLE unsynced (
    doc_id TEXT PRIMARY KEY REFERENCES documents (doc_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('rev', 0);
",
    },
    Migration {
        version: 2,
        name: "documents by kind",
        // Listing one kind (sectors, campaigns) must not read every row's
        // snapshot: the sync route lists a device's sectors on every request.
        sql: "CREATE INDEX documents_by_kind ON documents (kind, doc_id);",
    },
    Migration {
        version: 3,
        name: "documents by kind and revision",
        // The server keeps every device's scope inputs (sectors, campaigns)
        // between requests and checks on each that none was written since:
        // one pass over this index, not a load of every sector.
        sql: "CREATE INDEX documents_by_kind_rev ON documents (kind, rev);",
    },
];
