//! The control database's schema, written once: one history of numbered
//! steps that SQLite and PostgreSQL both run. The dialects differ in two
//! words, rendered by [`Dialect::render`]: `{int}` (a time or a count:
//! SQLite's `INTEGER`, PostgreSQL's `BIGINT`) and `{blob}` (`BLOB`,
//! `BYTEA`). Never edit a step that has shipped: add the next one (each
//! database keeps the text it ran, and refuses to open if it changed).
//!
//! PostgreSQL databases made before the history was one kept their own
//! numbering (its step 1 was this history's 1 to 3);
//! [`renumber_legacy_postgres`] rewrites it once, in the place of the
//! steps it had run, so nothing is run twice.

use shared::store::{Migration, StoreError};
use std::sync::LazyLock;

/// One step of the history.
struct Step {
    version: u32,
    name: &'static str,
    sql: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        version: 1,
        name: "municipalities, accounts, sessions, enrolment codes, devices",
        sql: "
CREATE TABLE municipalities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at {int} NOT NULL
);
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at {int} NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    expires_at {int} NOT NULL
);
CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    role TEXT NOT NULL,
    created_at {int} NOT NULL,
    expires_at {int} NOT NULL,
    used_at {int}
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    enrolled_at {int} NOT NULL,
    revoked_at {int},
    last_sync_at {int},
    unsynced {int}
);
",
    },
    Step {
        version: 2,
        name: "sessions end after a time without use",
        sql: "ALTER TABLE sessions ADD COLUMN last_seen_at {int} NOT NULL DEFAULT 0;",
    },
    Step {
        version: 3,
        name: "attempt counters and import previews, shared by every process",
        sql: "
CREATE TABLE attempts (
    key_hash TEXT PRIMARY KEY,
    window_start {int} NOT NULL,
    count {int} NOT NULL
);
CREATE INDEX attempts_by_start ON attempts (window_start);
CREATE TABLE previews (
    token_hash TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    created_at {int} NOT NULL
);
CREATE INDEX previews_by_municipality ON previews (municipality_id, created_at);
CREATE TABLE preview_files (
    token_hash TEXT NOT NULL REFERENCES previews (token_hash) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    bytes {blob} NOT NULL,
    PRIMARY KEY (token_hash, position)
);
",
    },
    Step {
        version: 4,
        name: "a secret key for attempt counters, shared by every process",
        sql: "CREATE TABLE secret_keys (name TEXT PRIMARY KEY, key {blob} NOT NULL);",
    },
    Step {
        version: 5,
        name: "citizens' assembly draws, as published",
        sql: "
CREATE TABLE draws (
    id TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL,
    drawn_at BIGINT NOT NULL,
    record TEXT NOT NULL,
    members TEXT NOT NULL
);
CREATE INDEX draws_by_municipality ON draws (municipality_id, drawn_at);
",
    },
    Step {
        version: 6,
        name: "import column mappings: with each preview, and remembered per municipality",
        // A preview's chosen columns and sheets, and the mappings each
        // municipality's coordinators chose, by the headers' signature.
        sql: "
ALTER TABLE previews ADD COLUMN choices TEXT NOT NULL DEFAULT '{}';
CREATE TABLE column_mappings (
    municipality_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    mapping TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (municipality_id, signature)
);
",
    },
    Step {
        version: 7,
        name: "a field phone with no sector receives the whole town only when the office says so",
        // Whether a field phone that no sector names receives the whole
        // town: chosen with its enrolment code, changed on the devices
        // page. Phones enrolled before keep what they had (the whole
        // town), so nothing they received goes missing after the upgrade.
        // `rescan`: the phone was just given the whole town, so documents
        // written before its cursor are new to it: its exchanges offer it
        // every building, visit log and sector whose heads differ from
        // what it shares with the server, until one has nothing left to
        // offer (`api::sync`). Its cursor is left alone.
        sql: "
ALTER TABLE enrolment_codes ADD COLUMN whole_town BIGINT NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN whole_town BIGINT NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN rescan BIGINT NOT NULL DEFAULT 0;
UPDATE devices SET whole_town = 1;
",
    },
    Step {
        version: 8,
        name: "the journal of erasures, and each municipality's epoch",
        // Every erasure carried out, by the erased document's first
        // generation and, for a visit log, the visits whose words went:
        // ids and times only. `palier-server restore` replays it, so a
        // backup taken before an erasure forgets again before it serves.
        // The epoch changes with each restore: phones that see another
        // epoch send again what the server may lack and read again from
        // the start (`shared::sync::client`).
        sql: "
CREATE TABLE erasures (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    target TEXT NOT NULL,
    visits TEXT NOT NULL,
    erased_at BIGINT NOT NULL,
    PRIMARY KEY (municipality_id, target, visits)
);
ALTER TABLE municipalities ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
",
    },
    Step {
        version: 9,
        name: "information notices, every version kept, and when each phone was first handed one",
        // A version is never changed once published: the next one is
        // added. `hash` is `NoticeText::hash`, kept so a consent's hash is
        // checked without recomputing. `notice_since`: the server time a
        // phone was first handed a notice; what it records from then on
        // must name one (`shared::policy::NoticeRule`).
        sql: "
CREATE TABLE notices (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    version {int} NOT NULL,
    language TEXT NOT NULL,
    short_text TEXT NOT NULL,
    full_text TEXT NOT NULL,
    consent_text TEXT NOT NULL,
    hash TEXT NOT NULL,
    published_at {int} NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (municipality_id, version, language)
);
ALTER TABLE devices ADD COLUMN notice_since {int};
",
    },
    Step {
        version: 10,
        name: "the journal of who did what with personal data",
        // One line per act: who (an account, or '' for the server
        // itself), when, what (a stable name) and its details as JSON:
        // counts, purposes, versions, a file's name, a stated reason.
        // Never a resident's name, contact, words or id
        // (`journal::Event`).
        sql: "
CREATE TABLE journal (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    at {int} NOT NULL,
    account_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX journal_by_time ON journal (municipality_id, at);
",
    },
    Step {
        version: 11,
        name: "the register of residents' requests",
        // One row per request a resident made about their data: its kind,
        // the Paris day received and the day it is due (a calendar month
        // later, or three with a stated reason), its state, who recorded
        // and who closed it. `reference` points to where the request
        // itself is filed (a letter's number): the register is not where
        // a resident's identity is kept.
        sql: "
CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    kind TEXT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    extension_reason TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL,
    state TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at {int} NOT NULL,
    closed_by TEXT NOT NULL DEFAULT '',
    closed_at {int}
);
CREATE INDEX requests_by_municipality ON requests (municipality_id, due_on);
",
    },
    Step {
        version: 12,
        name: "retention periods set at the office",
        // One row per setting a municipality changed from its default
        // (`retention::Settings`): a period in days, a day, a yes or no.
        sql: "
CREATE TABLE retention (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    setting TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (municipality_id, setting)
);
",
    },
];

/// An SQL dialect the control database runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A step's text in this dialect: the only place they differ.
    fn render(self, sql: &str) -> String {
        let (int, blob) = match self {
            Dialect::Sqlite => ("INTEGER", "BLOB"),
            Dialect::Postgres => ("BIGINT", "BYTEA"),
        };
        sql.replace("{int}", int).replace("{blob}", blob)
    }
}

/// Every step rendered for `dialect`, once per process: a database keeps
/// the text it ran, so the rendering is the history.
fn rendered(dialect: Dialect) -> Vec<(u32, &'static str, &'static str)> {
    STEPS
        .iter()
        .map(|s| {
            let sql: &'static str = Box::leak(dialect.render(s.sql).into_boxed_str());
            (s.version, s.name, sql)
        })
        .collect()
}

static SQLITE: LazyLock<Vec<Migration>> = LazyLock::new(|| {
    rendered(Dialect::Sqlite)
        .into_iter()
        .map(|(version, name, sql)| Migration { version, name, sql })
        .collect()
});

static POSTGRES: LazyLock<Vec<crate::storage::pg::migrations::Step>> = LazyLock::new(|| {
    rendered(Dialect::Postgres)
        .into_iter()
        .map(|(version, _, sql)| crate::storage::pg::migrations::Step {
            version: i32::try_from(version).unwrap_or(i32::MAX),
            sql,
        })
        .collect()
});

/// The history as SQLite runs it.
pub fn sqlite() -> &'static [Migration] {
    &SQLITE
}

/// The history as PostgreSQL runs it (schema `control`).
pub fn postgres() -> &'static [crate::storage::pg::migrations::Step] {
    &POSTGRES
}

/// Before the history was one, PostgreSQL numbered its steps apart: its
/// step `j` had run this history up to `LEGACY_POSTGRES[j]`.
const LEGACY_POSTGRES: [u32; 6] = [0, 3, 4, 5, 6, 7];

/// What only the old numbering's step 1 created (this history's step 3).
const LEGACY_MARK: &str = "CREATE TABLE attempts";

/// Rewrites a `control` schema recorded under the old PostgreSQL
/// numbering as this history's steps, once, under the lock migrations
/// take: the tables are those the steps would make, so nothing runs.
pub fn renumber_legacy_postgres(client: &mut postgres::Client) -> Result<(), StoreError> {
    use crate::storage::pg::backend_error;
    let mut tx = client.transaction().map_err(backend_error)?;
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&"control"])
        .map_err(backend_error)?;
    let exists: bool = tx
        .query_one(
            "SELECT to_regclass('control.schema_migrations') IS NOT NULL",
            &[],
        )
        .map_err(backend_error)?
        .get(0);
    if !exists {
        return Ok(());
    }
    let first: Option<String> = tx
        .query_opt(
            "SELECT sql FROM control.schema_migrations WHERE version = 1",
            &[],
        )
        .map_err(backend_error)?
        .map(|row| row.get(0));
    if !first.is_some_and(|sql| sql.contains(LEGACY_MARK)) {
        return Ok(());
    }
    let reached: i32 = tx
        .query_one("SELECT max(version) FROM control.schema_migrations", &[])
        .map_err(backend_error)?
        .get(0);
    let Some(&upto) = usize::try_from(reached)
        .ok()
        .and_then(|j| LEGACY_POSTGRES.get(j))
    else {
        return Err(StoreError::Malformed(format!(
            "control schema: old step {reached} is unknown to this program"
        )));
    };
    tx.execute("DELETE FROM control.schema_migrations", &[])
        .map_err(backend_error)?;
    for step in postgres().iter().filter(|s| s.version as u32 <= upto) {
        tx.execute(
            "INSERT INTO control.schema_migrations (version, sql) VALUES ($1, $2)",
            &[&step.version, &step.sql],
        )
        .map_err(backend_error)?;
    }
    tx.commit().map_err(backend_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dialects_differ_only_in_the_two_words() {
        for (s, p) in sqlite().iter().zip(postgres()) {
            assert_eq!(s.version as i32, p.version);
            assert!(!s.sql.contains('{') || s.sql.contains("'{}'"));
            assert_eq!(
                s.sql.replace("INTEGER", "BIGINT").replace("BLOB", "BYTEA"),
                p.sql.replace("INTEGER", "BIGINT")
            );
        }
        assert_eq!(
            STEPS.iter().map(|s| s.version).collect::<Vec<_>>(),
            (1..=STEPS.len() as u32).collect::<Vec<_>>()
        );
        // The old numbering stopped at this history's step 7; later steps
        // run as any new step does.
        assert_eq!(LEGACY_POSTGRES.last().copied(), Some(7));
        assert!(STEPS.iter().any(|s| s.version == 7));
    }
}
