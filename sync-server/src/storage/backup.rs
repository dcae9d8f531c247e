//! `palier-server backup --to DIR`: a consistent copy of every database
//! of a data folder, taken while the server runs.
//!
//! Each file is copied with SQLite's online backup API in one step, inside
//! one read transaction, so a copy is one committed state of its database
//! while phones go on syncing (WAL: writers do not wait for the copy). Copying the files with `cp` could catch a database half-way
//! through a commit or miss what is still in its write-ahead log.
//!
//! What is copied: `control.sqlite` (accounts, devices, codes, sessions)
//! and every municipality's documents. Not the office's read models:
//! they are rebuilt from the documents (`palier-server
//! rebuild-read-model`, or by themselves at the first office page). Each
//! copy is checked (`PRAGMA integrity_check`) before the command says it
//! is done. Existing files in the destination are never overwritten. Last,
//! [`MANIFEST`] says when it was taken: `palier-server restore` refuses a
//! folder without one, and one older than it allows (`storage::restore`).

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why a backup failed; what was copied before stays in the destination.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A folder could not be read or made.
    #[error("{path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The destination already holds this file.
    #[error("{0} already exists: back up into an empty folder")]
    Exists(PathBuf),
    /// SQLite failed while copying or checking.
    #[error("{path}: {source}")]
    Sql {
        /// The database.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The copy does not pass SQLite's integrity check.
    #[error("{0}: the copy failed its integrity check")]
    Corrupt(PathBuf),
}

/// The file a backup ends with: when it was taken (JSON).
pub const MANIFEST: &str = "palier-backup.json";

/// What a backup's manifest says.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// When the copies were taken, in Unix milliseconds.
    pub taken_at: i64,
}

/// One database copied.
#[derive(Debug)]
pub struct Copied {
    /// Where the copy is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Copies every database of the data folder `data` into `to`.
pub fn backup_all(data: &Path, to: &Path) -> Result<Vec<Copied>, BackupError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BackupError::Io { path, source }
    };
    let mut databases = vec![PathBuf::from("control.sqlite")];
    let municipalities = data.join("municipalities");
    if municipalities.exists() {
        let mut stores: Vec<PathBuf> = std::fs::read_dir(&municipalities)
            .map_err(io(&municipalities))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "sqlite")
                    && !p.to_string_lossy().ends_with(".readmodel.sqlite")
            })
            .filter_map(|p| p.file_name().map(|n| Path::new("municipalities").join(n)))
            .collect();
        stores.sort();
        databases.extend(stores);
    }
    std::fs::create_dir_all(to.join("municipalities")).map_err(io(to))?;
    let mut copied = Vec::new();
    for relative in databases {
        let source = data.join(&relative);
        if !source.exists() {
            continue;
        }
        let target = to.join(&relative);
        if target.exists() {
            return Err(BackupError::Exists(target));
        }
        copy(&source, &target)?;
        let bytes = std::fs::metadata(&target).map_err(io(&target))?.len();
        copied.push(Copied {
            path: target,
            bytes,
        });
    }
    let manifest = to.join(MANIFEST);
    if manifest.exists() {
        return Err(BackupError::Exists(manifest));
    }
    let taken_at = crate::storage::control::now_ms();
    let text = serde_json::to_string(&Manifest { taken_at }).unwrap_or_default();
    std::fs::write(&manifest, text).map_err(io(&manifest))?;
    Ok(copied)
}

/// Copies one database with SQLite's backup API and checks the copy (for
/// a restore, into a new data folder).
pub fn copy_database(source: &Path, target: &Path) -> Result<(), BackupError> {
    if target.exists() {
        return Err(BackupError::Exists(target.to_path_buf()));
    }
    copy(source, target)
}

/// Copies one database online, then checks the copy; a copy that fails
/// is deleted, so the backup can simply be run again.
fn copy(source: &Path, target: &Path) -> Result<(), BackupError> {
    let result = copy_once(source, target);
    if result.is_err() {
        let _ = std::fs::remove_file(target);
    }
    result
}

fn copy_once(source: &Path, target: &Path) -> Result<(), BackupError> {
    let sql = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BackupError::Sql { path, source }
    };
    let from = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql(source))?;
    from.busy_timeout(Duration::from_secs(5))
        .map_err(sql(source))?;
    let mut to = Connection::open(target).map_err(sql(target))?;
    {
        // Every page in one step: one read transaction on the source, so
        // the server's writers (WAL) carry on and the copy is one state.
        let backup = Backup::new(&from, &mut to).map_err(sql(source))?;
        match backup.step(-1).map_err(sql(source))? {
            StepResult::Done => {}
            _ => {
                return Err(BackupError::Sql {
                    path: source.to_path_buf(),
                    source: rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("the database stayed busy".into()),
                    ),
                });
            }
        }
    }
    let verdict: String = to
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(sql(target))?;
    if verdict != "ok" {
        return Err(BackupError::Corrupt(target.to_path_buf()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{IdeaId, MunicipalityId};
    use shared::schema::DocId;
    use shared::store::{Origin, Store};

    #[test]
    fn a_backup_taken_while_writing_holds_committed_documents_and_is_never_written_over() {
        let data = tempfile::tempdir().expect("data");
        let to = tempfile::tempdir().expect("to");
        std::fs::create_dir_all(data.path().join("municipalities")).expect("dir");
        drop(
            crate::storage::control::Control::open(&data.path().join("control.sqlite"))
                .expect("control"),
        );
        let municipality = MunicipalityId::new();
        let path = data
            .path()
            .join("municipalities")
            .join(format!("{municipality}.sqlite"));
        let mut store = Store::open(&path).expect("store");
        let id = DocId::idea(IdeaId::new());
        let mut doc = automerge::Automerge::new();
        doc.transact(|tx| {
            automerge::transaction::Transactable::put(tx, automerge::ROOT, "title", "banc")
        })
        .expect("edit");
        store.save(&id, &doc, Origin::Remote).expect("save");
        // A read model beside it is not copied: it is rebuilt.
        std::fs::write(
            path.with_file_name(format!("{municipality}.readmodel.sqlite")),
            b"",
        )
        .expect("read model");

        // The store stays open (as under a running server) during the copy.
        let copied = backup_all(data.path(), to.path()).expect("backup");
        assert_eq!(copied.len(), 2);
        let copy = Store::open(
            &to.path()
                .join("municipalities")
                .join(format!("{municipality}.sqlite")),
        )
        .expect("open the copy");
        assert_eq!(
            copy.load(&id).expect("load").expect("held").get_heads(),
            doc.get_heads()
        );
        assert!(
            !to.path()
                .join("municipalities")
                .join(format!("{municipality}.readmodel.sqlite"))
                .exists()
        );
        // Again into the same folder: refused, the copy left as it was.
        assert!(matches!(
            backup_all(data.path(), to.path()),
            Err(BackupError::Exists(_))
        ));
        drop(store);
    }
}
