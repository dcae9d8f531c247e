//! `palier-server restore --from BACKUP --data NEW`: a backup made by
//! `palier-server backup` brought back into an empty data folder, made to
//! forget again before anything is served.
//!
//! A backup holds what was erased after it was taken. So a restore:
//! 1. refuses a folder that is not a backup (no manifest) or is older than
//!    the municipality allows to keep (`max_age`): an expired backup must
//!    not come back, whatever the operator's retention script missed;
//! 2. copies every database with SQLite's backup API and checks it;
//! 3. merges into the restored control data the journal of erasures of
//!    every control database the operator names (`--journal`: the one of
//!    the failed server if it can still be read, and of any newer backup),
//!    so erasures made after the backup are known;
//! 4. replays the whole journal on every municipality's documents
//!    (`erasure::replay`): person documents erased again, visit logs and
//!    follow-ups redacted again, with their first times;
//! 5. gives every municipality a new epoch, so phones that synced with the
//!    lost server send again what it lacks and read again from the start.
//!
//! The read models are not in a backup: they are rebuilt from the
//! restored, already forgetful, documents.

use super::backup::{self, BackupError, MANIFEST, Manifest};
use super::control::{Control, ControlError, JournalEntry};
use crate::erasure::{self, ErasureError};
use rusqlite::{Connection, OpenFlags};
use shared::domain::MunicipalityId;
use shared::store::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why a restore stopped. The new data folder may hold part of it: delete
/// it and run the restore again.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The folder is not a backup of Palier's.
    #[error("{0} holds no {MANIFEST}: not a backup made by `palier-server backup`")]
    NotABackup(PathBuf),
    /// The backup is older than may be kept.
    #[error(
        "this backup is {days} days old, older than the {max} days backups are kept: it may hold what residents asked to erase"
    )]
    TooOld {
        /// Its age.
        days: i64,
        /// The limit.
        max: i64,
    },
    /// The new data folder is not empty.
    #[error("{0} is not empty: restore into a new, empty folder")]
    NotEmpty(PathBuf),
    /// Copying failed.
    #[error(transparent)]
    Copy(#[from] BackupError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// A journal to merge could not be read.
    #[error("{path}: cannot read its journal of erasures: {source}")]
    Journal {
        /// The control database named.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The restored control data failed.
    #[error(transparent)]
    Control(#[from] ControlError),
    /// A restored store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Replaying the journal failed.
    #[error(transparent)]
    Erasure(#[from] ErasureError),
}

/// What a restore did, per municipality.
#[derive(Debug)]
pub struct Restored {
    /// The municipality.
    pub municipality: MunicipalityId,
    /// Journal entries that changed something in its documents.
    pub replayed: usize,
    /// Its new epoch.
    pub epoch: String,
}

/// Restores the backup `from` into the empty folder `data`, merging the
/// journals of the control databases `journals`, refusing a backup older
/// than `max_age`.
pub fn restore(
    from: &Path,
    data: &Path,
    journals: &[PathBuf],
    max_age: Duration,
    now_ms: i64,
) -> Result<Vec<Restored>, RestoreError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RestoreError::Io { path, source }
    };
    let manifest = from.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest)
        .map_err(|_| RestoreError::NotABackup(from.to_path_buf()))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|_| RestoreError::NotABackup(from.to_path_buf()))?;
    let day = 86_400_000;
    let max = i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX);
    if now_ms.saturating_sub(manifest.taken_at) > max {
        return Err(RestoreError::TooOld {
            days: now_ms.saturating_sub(manifest.taken_at) / day,
            max: max / day,
        });
    }
    if data.exists() && std::fs::read_dir(data).map_err(io(data))?.next().is_some() {
        return Err(RestoreError::NotEmpty(data.to_path_buf()));
    }
    std::fs::create_dir_all(data.join("municipalities")).map_err(io(data))?;
    backup::copy_database(&from.join("control.sqlite"), &data.join("control.sqlite"))?;
    let backed_up = from.join("municipalities");
    let mut stores = Vec::new();
    if backed_up.exists() {
        for entry in std::fs::read_dir(&backed_up).map_err(io(&backed_up))? {
            let path = entry.map_err(io(&backed_up))?.path();
            if path.extension().is_some_and(|e| e == "sqlite")
                && let Some(name) = path.file_name()
            {
                let target = data.join("municipalities").join(name);
                backup::copy_database(&path, &target)?;
                stores.push(target);
            }
        }
    }
    let control = Control::open(&data.join("control.sqlite"))?;
    let municipalities = control.municipalities()?;
    merge_journals(&control, &municipalities, journals)?;
    replay_all(&control, municipalities, |municipality, journal| {
        let path = data
            .join("municipalities")
            .join(format!("{municipality}.sqlite"));
        if !stores.contains(&path) {
            return Ok(0);
        }
        let mut store = Store::open(&path)?;
        Ok(erasure::replay(&mut store, journal)?)
    })
}

/// After a PostgreSQL database was brought back with `pg_restore` (the
/// operator's, from a `pg_dump`): merges the journals of the control
/// databases `journals` (SQLite files: another server's), replays the
/// restored database's whole journal on every municipality's documents,
/// and gives each a new epoch, before it is served.
pub fn forget_again(
    control: &Control,
    tenants: &super::tenants::Tenants,
    journals: &[PathBuf],
) -> Result<Vec<Restored>, RestoreError> {
    let municipalities = control.municipalities()?;
    merge_journals(control, &municipalities, journals)?;
    replay_all(control, municipalities, |municipality, journal| {
        let store = tenants.store(municipality)?;
        let mut store = store.get()?;
        Ok(erasure::replay(&mut *store, journal)?)
    })
}

/// For each municipality: its journal replayed by `replay` (which says
/// how many entries changed something), then a new epoch.
fn replay_all(
    control: &Control,
    municipalities: Vec<MunicipalityId>,
    mut replay: impl FnMut(MunicipalityId, &[JournalEntry]) -> Result<usize, RestoreError>,
) -> Result<Vec<Restored>, RestoreError> {
    let mut restored = Vec::new();
    for municipality in municipalities {
        let journal = control.erasure_journal(municipality)?;
        let replayed = replay(municipality, &journal)?;
        let epoch = control.new_epoch(municipality)?;
        restored.push(Restored {
            municipality,
            replayed,
            epoch,
        });
    }
    Ok(restored)
}

/// Adds to `control`'s journal the entries of the control databases
/// `journals` about its municipalities.
fn merge_journals(
    control: &Control,
    municipalities: &[MunicipalityId],
    journals: &[PathBuf],
) -> Result<(), RestoreError> {
    for journal in journals {
        for (municipality, entries) in read_journal(journal)? {
            if municipalities.contains(&municipality) {
                control.journal_erasures(municipality, &entries)?;
            }
        }
    }
    Ok(())
}

/// The journal of erasures of another control database, by municipality
/// (read only; one without a journal yet has none).
fn read_journal(path: &Path) -> Result<Vec<(MunicipalityId, Vec<JournalEntry>)>, RestoreError> {
    let journal = |source| RestoreError::Journal {
        path: path.to_path_buf(),
        source,
    };
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(journal)?;
    let mut stmt = conn
        .prepare("SELECT municipality_id, target, visits, erased_at FROM erasures")
        .map_err(journal)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })
        .map_err(journal)?;
    let mut by_municipality: std::collections::BTreeMap<MunicipalityId, Vec<JournalEntry>> =
        Default::default();
    for row in rows {
        let (municipality, target, visits, erased_at) = row.map_err(journal)?;
        let (Ok(municipality), Ok(visits)) = (
            municipality.parse::<uuid::Uuid>(),
            serde_json::from_str::<Vec<String>>(&visits),
        ) else {
            continue;
        };
        by_municipality
            .entry(MunicipalityId(municipality))
            .or_default()
            .push(JournalEntry {
                target,
                visits,
                erased_at,
            });
    }
    Ok(by_municipality.into_iter().collect())
}
