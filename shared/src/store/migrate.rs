//! Numbered schema migrations, applied once, in order, and never edited.
//!
//! Each applied migration's SQL is kept in the database; opening a database
//! whose recorded SQL differs from the shipped one fails instead of silently
//! running on a schema nobody can reproduce.

use rusqlite::{Connection, OptionalExtension, params};

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Position in the sequence, from 1, without gaps.
    pub version: u32,
    /// What it does, for humans.
    pub name: &'static str,
    /// The SQL, run in one transaction.
    pub sql: &'static str,
}

/// Why a database's schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// SQLite refused a statement.
    #[error("migration {version} ({name}) failed")]
    Sql {
        /// The failing migration.
        version: u32,
        /// Its name.
        name: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A migration already applied has a different text now.
    #[error("migration {0} was edited after it was applied; add a new migration instead")]
    Edited(u32),
    /// The database was written by a newer Palier.
    #[error("database schema version {found} is newer than this program's {known}")]
    TooNew {
        /// Highest version in the database.
        found: u32,
        /// Highest version this program knows.
        known: u32,
    },
    /// Reading the migration table failed.
    #[error("could not read the applied migrations")]
    Read(#[source] rusqlite::Error),
}

/// Brings `conn` up to the last of `migrations`.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<(), MigrationError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY,
             name TEXT NOT NULL,
             sql TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT (datetime('now'))
         );",
    )
    .map_err(MigrationError::Read)?;
    let known = migrations.last().map_or(0, |m| m.version);
    let found: Option<u32> = conn
        .query_row("SELECT max(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .map_err(MigrationError::Read)?;
    if let Some(found) = found
        && found > known
    {
        return Err(MigrationError::TooNew { found, known });
    }
    for migration in migrations {
        let sql_error = |source| MigrationError::Sql {
            version: migration.version,
            name: migration.name,
            source,
        };
        // Immediate, and the check inside: of two processes opening one
        // file at once, the second finds the step applied by the first.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql_error)?;
        let applied: Option<String> = tx
            .query_row(
                "SELECT sql FROM schema_migrations WHERE version = ?1",
                [migration.version],
                |r| r.get(0),
            )
            .optional()
            .map_err(MigrationError::Read)?;
        match applied {
            Some(sql) if sql == migration.sql => continue,
            Some(_) => return Err(MigrationError::Edited(migration.version)),
            None => {}
        }
        tx.execute_batch(migration.sql).map_err(sql_error)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, sql) VALUES (?1, ?2, ?3)",
            params![migration.version, migration.name, migration.sql],
        )
        .map_err(sql_error)?;
        tx.commit().map_err(sql_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: Migration = Migration {
        version: 1,
        name: "t",
        sql: "CREATE TABLE t (x);",
    };

    #[test]
    fn migrations_apply_once_and_refuse_edits() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate(&mut conn, &[V1]).expect("first");
        migrate(&mut conn, &[V1]).expect("again is a no-op");
        let edited = Migration {
            sql: "CREATE TABLE t (x, y);",
            ..V1
        };
        assert!(matches!(
            migrate(&mut conn, &[edited]),
            Err(MigrationError::Edited(1))
        ));
        assert!(matches!(
            migrate(&mut conn, &[]),
            Err(MigrationError::TooNew { found: 1, known: 0 })
        ));
    }
}
