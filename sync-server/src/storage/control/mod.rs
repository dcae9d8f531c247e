//! The control database: municipalities, office accounts and sessions,
//! enrolment codes and devices, login and enrolment attempt counters, and
//! territory imports awaiting confirmation. Documents never live here; each
//! municipality's documents live apart (a file, or a PostgreSQL schema, of
//! their own; see `tenants`), so one municipality's data cannot leak into
//! another's by a missing `WHERE`.
//!
//! Everything a server process must agree on with the others lives here,
//! not in its memory: a login on one process is a session on all, an
//! attempt counted by one counts for all, a preview made on one can be
//! confirmed on another. On SQLite the file is `control.sqlite`; on
//! PostgreSQL the schema `control` ([`db`]).

pub mod db;
mod journal;
pub use journal::JournalRow;
mod notices;
mod requests;
mod retention;
pub use requests::RequestRow;
mod schema;

use crate::storage::secrets;
use db::{Db, Row, Value};
use rusqlite::Connection;
use shared::api::{DeviceInfo, Role};
use shared::domain::{DeviceId, MunicipalityId};
use shared::store::migrate;
use std::path::Path;
use std::sync::Mutex;
use territory::Upload;

/// Mappings a municipality keeps: the most recently used.
const MAX_MAPPINGS: i64 = 64;

/// How long an office session lasts at most.
const SESSION_MS: i64 = 12 * 3600 * 1000;
/// How long an office session survives without use, unless set otherwise.
pub const DEFAULT_SESSION_IDLE_MS: i64 = 30 * 60 * 1000;
/// A session's last use is written at most this often.
const SEEN_EVERY_MS: i64 = 60 * 1000;

/// The milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A control database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// SQLite failed.
    #[error("control database error")]
    Sql(#[from] rusqlite::Error),
    /// PostgreSQL failed.
    #[error("control database error")]
    Pg(#[from] postgres::Error),
    /// No connection came free in time.
    #[error("control database busy")]
    Busy,
    /// The schema could not be brought up to date.
    #[error(transparent)]
    Migration(#[from] shared::store::MigrationError),
    /// No randomness for a secret.
    #[error(transparent)]
    Random(#[from] secrets::NoRandomness),
    /// Hashing a password failed.
    #[error("password hashing failed: {0}")]
    Password(String),
    /// The PostgreSQL schema could not be brought up to date.
    #[error("control schema: {0}")]
    PgMigration(#[from] shared::store::StoreError),
    /// A stored value is malformed.
    #[error("malformed stored value: {0}")]
    Malformed(&'static str),
}

impl ControlError {
    /// Whether it only means "too many at once, come back": no connection
    /// in time, SQLite still locked after its timeout, or PostgreSQL's lock
    /// or serialisation conflicts after the retries.
    pub fn is_contention(&self) -> bool {
        use postgres::error::SqlState;
        match self {
            ControlError::Busy => true,
            ControlError::Sql(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            ControlError::Pg(e) => {
                db::is_retryable(e) || e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE)
            }
            _ => false,
        }
    }
}

/// A device, authenticated by its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Device {
    /// Its id.
    pub id: DeviceId,
    /// Its municipality: every document it touches is that one's.
    pub municipality: MunicipalityId,
    /// Its role.
    pub role: Role,
    /// Whether, while no sector names it, it receives the whole town.
    pub whole_town: bool,
    /// Whether its exchanges offer it the whole town until nothing is
    /// left (see the schema's step 7).
    pub rescan: bool,
}

/// An office account, authenticated by a session token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Its id.
    pub id: String,
    /// Its municipality.
    pub municipality: MunicipalityId,
    /// Its role.
    pub role: Role,
}

/// Why redeeming an enrolment code failed.
#[derive(Debug, thiserror::Error)]
pub enum RedeemError {
    /// No such code.
    #[error("unknown code")]
    Unknown,
    /// Already used.
    #[error("code already used")]
    Used,
    /// Expired.
    #[error("code expired")]
    Expired,
    /// The database failed.
    #[error(transparent)]
    Control(#[from] ControlError),
}

/// A device just enrolled.
#[derive(Clone, Debug)]
pub struct Enrolled {
    /// The device.
    pub device: Device,
    /// Its token, to hand over once.
    pub token: String,
    /// Its municipality's name.
    pub municipality_name: String,
}

/// The control database.
pub struct Control {
    db: Db,
    session_idle_ms: i64,
    /// What attempt counters' keys are hashed under (see
    /// [`shared::keyed_hash::keyed_hash`]): made once, kept in the database, the same
    /// for every process.
    attempts_key: Vec<u8>,
}

/// The attempt counters' key: made by the first process that needs it.
fn attempts_key(db: &Db) -> Result<Vec<u8>, ControlError> {
    let fresh = secrets::random_bytes::<32>()?.to_vec();
    db.run(|sql| {
        sql.execute(
            "INSERT INTO secret_keys (name, key) VALUES ('attempts', ?1)
             ON CONFLICT (name) DO NOTHING",
            &[Value::Bytes(fresh.clone())],
        )?;
        sql.query_opt("SELECT key FROM secret_keys WHERE name = 'attempts'", &[])?
            .ok_or(ControlError::Malformed("attempts key"))?
            .bytes(0)
    })
}

fn parse_role(name: String) -> Result<Role, ControlError> {
    Role::parse(&name).ok_or(ControlError::Malformed("role"))
}

fn parse_uuid<T: std::str::FromStr>(text: String) -> Result<T, ControlError> {
    text.parse().map_err(|_| ControlError::Malformed("id"))
}

/// Too many attempts under a key: the milliseconds until its window ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitMs(pub i64);

impl Control {
    /// Opens (creating if needed) the control database in a SQLite file.
    pub fn open(path: &Path) -> Result<Self, ControlError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Previews hold uploaded files: nothing of them stays in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        migrate(&mut conn, schema::sqlite())?;
        let db = Db::Sqlite(Mutex::new(conn));
        Ok(Self {
            attempts_key: attempts_key(&db)?,
            db,
            session_idle_ms: DEFAULT_SESSION_IDLE_MS,
        })
    }

    /// The control database in PostgreSQL's schema `control` (created and
    /// brought up to date here).
    pub fn on_postgres(pool: crate::storage::pg::Pool) -> Result<Self, ControlError> {
        let mut client = pool.get().map_err(|_| ControlError::Busy)?;
        schema::renumber_legacy_postgres(&mut client)?;
        crate::storage::pg::migrations::migrate(&mut client, "control", schema::postgres())?;
        drop(client);
        let db = Db::Pg(pool);
        Ok(Self {
            attempts_key: attempts_key(&db)?,
            db,
            session_idle_ms: DEFAULT_SESSION_IDLE_MS,
        })
    }

    /// Sessions end after `ms` without use.
    pub fn with_session_idle(mut self, ms: i64) -> Self {
        self.session_idle_ms = ms;
        self
    }

    /// Creates a municipality, or returns the one of that name.
    pub fn ensure_municipality(&self, name: &str) -> Result<MunicipalityId, ControlError> {
        self.db.run(|sql| {
            sql.execute(
                "INSERT INTO municipalities (id, name, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO NOTHING",
                &[
                    MunicipalityId::new().to_string().into(),
                    name.into(),
                    now_ms().into(),
                ],
            )?;
            let row = sql
                .query_opt(
                    "SELECT id FROM municipalities WHERE name = ?1",
                    &[name.into()],
                )?
                .ok_or(ControlError::Malformed("municipality"))?;
            parse_uuid(row.text(0)?)
        })
    }

    /// Every municipality.
    pub fn municipalities(&self) -> Result<Vec<MunicipalityId>, ControlError> {
        self.db
            .run(|sql| sql.query("SELECT id FROM municipalities ORDER BY id", &[]))?
            .iter()
            .map(|row| parse_uuid(row.text(0)?))
            .collect()
    }

    /// The name of a municipality.
    pub fn municipality_name(&self, id: MunicipalityId) -> Result<String, ControlError> {
        self.db.run(|sql| {
            sql.query_opt(
                "SELECT name FROM municipalities WHERE id = ?1",
                &[id.to_string().into()],
            )?
            .ok_or(ControlError::Malformed("unknown municipality"))?
            .text(0)
        })
    }

    /// Creates an office account, or resets the password of the existing one
    /// with that e-mail in the same municipality; a reset ends every session
    /// of the account (whoever knew the old password is logged out).
    pub fn upsert_account(
        &self,
        municipality: MunicipalityId,
        email: &str,
        password: &str,
        role: Role,
    ) -> Result<(), ControlError> {
        let hash =
            secrets::hash_password(password).map_err(|e| ControlError::Password(e.to_string()))?;
        let email = email.trim().to_lowercase();
        self.db.run(|sql| {
            sql.execute(
                "INSERT INTO accounts (id, municipality_id, email, password_hash, role, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash
                 WHERE accounts.municipality_id = excluded.municipality_id",
                &[
                    uuid::Uuid::new_v4().to_string().into(),
                    municipality.to_string().into(),
                    email.as_str().into(),
                    hash.as_str().into(),
                    role.as_str().into(),
                    now_ms().into(),
                ],
            )?;
            sql.execute(
                "DELETE FROM sessions WHERE account_id IN
                 (SELECT id FROM accounts WHERE email = ?1 AND municipality_id = ?2)",
                &[email.as_str().into(), municipality.to_string().into()],
            )?;
            Ok(())
        })
    }

    /// Checks a password and opens a session. The argon2 check is slow on
    /// purpose: call from a blocking task.
    pub fn login(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<(String, Account)>, ControlError> {
        let row = self.db.run(|sql| {
            sql.query_opt(
                "SELECT id, municipality_id, password_hash, role FROM accounts WHERE email = ?1",
                &[email.trim().to_lowercase().into()],
            )
        })?;
        let Some(row) = row else {
            // Same work whether or not the account exists.
            secrets::verify_password(password, secrets::UNKNOWN_ACCOUNT_HASH);
            return Ok(None);
        };
        if !secrets::verify_password(password, &row.text(2)?) {
            return Ok(None);
        }
        let id = row.text(0)?;
        let token = secrets::new_token("ps")?;
        self.db.run(|sql| {
            sql.execute(
                "INSERT INTO sessions (token_hash, account_id, expires_at, last_seen_at)
                 VALUES (?1, ?2, ?3, ?4)",
                &[
                    secrets::hash_secret(&token).into(),
                    id.as_str().into(),
                    (now_ms() + SESSION_MS).into(),
                    now_ms().into(),
                ],
            )
        })?;
        let account = Account {
            id,
            municipality: parse_uuid(row.text(1)?)?,
            role: parse_role(row.text(3)?)?,
        };
        Ok(Some((token, account)))
    }

    /// The account behind a session token, if it is valid: not past its
    /// lifetime, and used within the idle timeout (each use extends it).
    pub fn session(&self, token: &str) -> Result<Option<Account>, ControlError> {
        let now = now_ms();
        let hash = secrets::hash_secret(token);
        let idle = self.session_idle_ms;
        self.db.run(|sql| {
            let Some(row) = sql.query_opt(
                "SELECT a.id, a.municipality_id, a.role, s.last_seen_at FROM sessions s
                 JOIN accounts a ON a.id = s.account_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3",
                &[hash.as_str().into(), now.into(), (now - idle).into()],
            )?
            else {
                return Ok(None);
            };
            if now - row.int(3)? > SEEN_EVERY_MS.min(idle / 2) {
                sql.execute(
                    "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
                    &[hash.as_str().into(), now.into()],
                )?;
            }
            Ok(Some(Account {
                id: row.text(0)?,
                municipality: parse_uuid(row.text(1)?)?,
                role: parse_role(row.text(2)?)?,
            }))
        })
    }

    /// Ends a session.
    pub fn logout(&self, token: &str) -> Result<(), ControlError> {
        self.db.run(|sql| {
            sql.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                &[secrets::hash_secret(token).into()],
            )
        })?;
        Ok(())
    }

    /// Makes a one-time enrolment code; only its hash is kept.
    pub fn new_enrolment_code(
        &self,
        municipality: MunicipalityId,
        role: Role,
        whole_town: bool,
        valid_ms: i64,
    ) -> Result<(String, i64), ControlError> {
        let code = secrets::new_enrolment_code()?;
        let now = now_ms();
        let expires_at = now + valid_ms;
        self.db.run(|sql| {
            sql.execute(
                "INSERT INTO enrolment_codes (code_hash, municipality_id, role, created_at, expires_at, whole_town)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &[
                    secrets::hash_secret(&code).into(),
                    municipality.to_string().into(),
                    role.as_str().into(),
                    now.into(),
                    expires_at.into(),
                    i64::from(whole_town).into(),
                ],
            )
        })?;
        Ok((code, expires_at))
    }

    /// Redeems a code for a device token. The code is claimed by a single
    /// conditional UPDATE in the same transaction that creates the device,
    /// so of racing redemptions exactly one wins, on any number of
    /// processes.
    pub fn redeem(&self, typed_code: &str, device_name: &str) -> Result<Enrolled, RedeemError> {
        let code_hash = secrets::hash_secret(&secrets::normalise_code(typed_code));
        let now = now_ms();
        let token = secrets::new_token("pd").map_err(ControlError::from)?;
        let name: String = device_name.trim().chars().take(80).collect();
        self.db.run(|sql| {
            let claimed = sql.execute(
                "UPDATE enrolment_codes SET used_at = ?2
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                &[code_hash.as_str().into(), now.into()],
            )?;
            if claimed != 1 {
                let row = sql.query_opt(
                    "SELECT used_at FROM enrolment_codes WHERE code_hash = ?1",
                    &[code_hash.as_str().into()],
                )?;
                return Err(match row {
                    None => RedeemError::Unknown,
                    Some(row) if row.opt_int(0)?.is_some() => RedeemError::Used,
                    Some(_) => RedeemError::Expired,
                });
            }
            let row = sql
                .query_opt(
                    "SELECT c.municipality_id, c.role, m.name, c.whole_town FROM enrolment_codes c
                     JOIN municipalities m ON m.id = c.municipality_id WHERE c.code_hash = ?1",
                    &[code_hash.as_str().into()],
                )?
                .ok_or(ControlError::Malformed("enrolment code"))?;
            let device = Device {
                id: DeviceId::new(),
                municipality: parse_uuid(row.text(0)?)?,
                role: parse_role(row.text(1)?)?,
                whole_town: row.int(3)? != 0,
                rescan: false,
            };
            sql.execute(
                "INSERT INTO devices (id, municipality_id, name, role, token_hash, enrolled_at, whole_town)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                &[
                    device.id.to_string().into(),
                    device.municipality.to_string().into(),
                    name.as_str().into(),
                    device.role.as_str().into(),
                    secrets::hash_secret(&token).into(),
                    now.into(),
                    i64::from(device.whole_town).into(),
                ],
            )?;
            Ok(Enrolled {
                device,
                token: token.clone(),
                municipality_name: row.text(2)?,
            })
        })
    }

    /// The device behind a token, unless revoked.
    pub fn device(&self, token: &str) -> Result<Option<Device>, ControlError> {
        let row = self.db.run(|sql| {
            sql.query_opt(
                "SELECT id, municipality_id, role, whole_town, rescan FROM devices
                 WHERE token_hash = ?1 AND revoked_at IS NULL",
                &[secrets::hash_secret(token).into()],
            )
        })?;
        row.map(|row| {
            Ok(Device {
                id: parse_uuid(row.text(0)?)?,
                municipality: parse_uuid(row.text(1)?)?,
                role: parse_role(row.text(2)?)?,
                whole_town: row.int(3)? != 0,
                rescan: row.int(4)? != 0,
            })
        })
        .transpose()
    }

    /// Whether a token is a device's the office withdrew (an unknown token
    /// is not).
    pub fn revoked(&self, token: &str) -> Result<bool, ControlError> {
        let row = self.db.run(|sql| {
            sql.query_opt(
                "SELECT 1 FROM devices WHERE token_hash = ?1 AND revoked_at IS NOT NULL",
                &[secrets::hash_secret(token).into()],
            )
        })?;
        Ok(row.is_some())
    }

    /// Gives a device of `municipality` the whole town while no sector
    /// names it, or takes it back; false if it has no such device.
    pub fn set_whole_town(
        &self,
        municipality: MunicipalityId,
        device: DeviceId,
        whole_town: bool,
    ) -> Result<bool, ControlError> {
        let changed = self.db.run(|sql| {
            sql.execute(
                "UPDATE devices SET whole_town = ?3, rescan = ?3
                 WHERE id = ?1 AND municipality_id = ?2",
                &[
                    device.to_string().into(),
                    municipality.to_string().into(),
                    i64::from(whole_town).into(),
                ],
            )
        })?;
        Ok(changed == 1)
    }

    /// Offers the whole town again to those of `devices` that have it
    /// (phones taken off a sector: with no sector left, the town is their
    /// scope again, and what was written while they had sectors is new to
    /// them). A phone that still has a sector is offered nothing more: its
    /// scope stays its sectors.
    pub fn offer_whole_town_again(
        &self,
        municipality: MunicipalityId,
        devices: &[DeviceId],
    ) -> Result<(), ControlError> {
        for device in devices {
            self.db.run(|sql| {
                sql.execute(
                    "UPDATE devices SET rescan = 1
                     WHERE id = ?1 AND municipality_id = ?2 AND whole_town = 1",
                    &[device.to_string().into(), municipality.to_string().into()],
                )
            })?;
        }
        Ok(())
    }

    /// Records that a device's rescan is over: an exchange had nothing
    /// left to offer it.
    pub fn rescan_over(&self, device: DeviceId) -> Result<(), ControlError> {
        self.db.run(|sql| {
            sql.execute(
                "UPDATE devices SET rescan = 0 WHERE id = ?1",
                &[device.to_string().into()],
            )
        })?;
        Ok(())
    }

    /// Records a device's sync, for the office's list.
    pub fn record_sync(&self, device: DeviceId, unsynced: u32) -> Result<(), ControlError> {
        self.db.run(|sql| {
            sql.execute(
                "UPDATE devices SET last_sync_at = ?2, unsynced = ?3 WHERE id = ?1",
                &[
                    device.to_string().into(),
                    now_ms().into(),
                    i64::from(unsynced).into(),
                ],
            )
        })?;
        Ok(())
    }

    /// Revokes a device of `municipality`; false if it has no such device.
    pub fn revoke(
        &self,
        municipality: MunicipalityId,
        device: DeviceId,
    ) -> Result<bool, ControlError> {
        let changed = self.db.run(|sql| {
            sql.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, ?3)
                 WHERE id = ?1 AND municipality_id = ?2",
                &[
                    device.to_string().into(),
                    municipality.to_string().into(),
                    now_ms().into(),
                ],
            )
        })?;
        Ok(changed == 1)
    }

    /// The devices of a municipality, newest first.
    pub fn devices(&self, municipality: MunicipalityId) -> Result<Vec<DeviceInfo>, ControlError> {
        let rows = self.db.run(|sql| {
            sql.query(
                "SELECT id, name, role, enrolled_at, last_sync_at, unsynced, revoked_at, whole_town
                 FROM devices WHERE municipality_id = ?1 ORDER BY enrolled_at DESC",
                &[municipality.to_string().into()],
            )
        })?;
        rows.iter()
            .map(|row: &Row| {
                Ok(DeviceInfo {
                    device_id: parse_uuid(row.text(0)?)?,
                    name: row.text(1)?,
                    role: parse_role(row.text(2)?)?,
                    enrolled_at: row.int(3)?,
                    last_sync_at: row.opt_int(4)?,
                    unsynced: row
                        .opt_int(5)?
                        .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
                    revoked: row.opt_int(6)?.is_some(),
                    whole_town: row.int(7)? != 0,
                })
            })
            .collect()
    }

    /// Counts one attempt under every key (each `(key, limit)`), in a
    /// window of `window_ms` that starts at a key's first attempt. Refused
    /// if any key is past its limit, and then nothing is counted (a refused
    /// attempt does not prolong the wait). Keys are stored under a keyed
    /// hash (they may be e-mail or IP addresses) and locked in one order,
    /// and the counting transaction touches no other row, so concurrent
    /// attempts on several processes count exactly and cannot deadlock.
    pub fn attempt(
        &self,
        keys: &[(String, u32)],
        window_ms: i64,
    ) -> Result<Result<(), WaitMs>, ControlError> {
        let now = now_ms();
        let expired = now - window_ms;
        let mut hashed: Vec<(String, i64)> = keys
            .iter()
            .map(|(key, limit)| {
                (
                    shared::keyed_hash::keyed_hash(&self.attempts_key, key),
                    i64::from(*limit),
                )
            })
            .collect();
        hashed.sort();
        hashed.dedup();
        let refused = self.db.run(|sql| {
            let mut wait: Option<i64> = None;
            for (key, limit) in &hashed {
                // A window that has ended starts again at this attempt.
                let row = sql
                    .query_opt(
                        "INSERT INTO attempts (key_hash, window_start, count) VALUES (?1, ?2, 1)
                         ON CONFLICT (key_hash) DO UPDATE SET
                             count = CASE WHEN attempts.window_start <= ?3
                                 THEN 1 ELSE attempts.count + 1 END,
                             window_start = CASE WHEN attempts.window_start <= ?3
                                 THEN excluded.window_start ELSE attempts.window_start END
                         RETURNING count, window_start",
                        &[key.as_str().into(), now.into(), expired.into()],
                    )?
                    .ok_or(ControlError::Malformed("attempt counter"))?;
                if row.int(0)? > *limit {
                    let left = (row.int(1)? + window_ms - now).max(1);
                    wait = Some(wait.map_or(left, |w| w.max(left)));
                }
            }
            match wait {
                // Rolls the counts back.
                Some(ms) => Err(Refused::Wait(WaitMs(ms))),
                None => Ok(()),
            }
        });
        // Ended windows go, in a transaction of their own that waits for no
        // one (rows another attempt holds are left for next time).
        self.db.run(|sql| {
            let purge = if sql.is_postgres() {
                "DELETE FROM attempts WHERE key_hash IN (SELECT key_hash FROM attempts
                 WHERE window_start <= ?1 FOR UPDATE SKIP LOCKED)"
            } else {
                "DELETE FROM attempts WHERE window_start <= ?1"
            };
            sql.execute(purge, &[expired.into()])
        })?;
        match refused {
            Ok(()) => Ok(Ok(())),
            Err(Refused::Wait(wait)) => Ok(Err(wait)),
            Err(Refused::Control(error)) => Err(error),
        }
    }

    /// Forgets the attempts under `key` (an account's, once it logs in).
    pub fn forget_attempts(&self, key: &str) -> Result<(), ControlError> {
        self.db.run(|sql| {
            sql.execute(
                "DELETE FROM attempts WHERE key_hash = ?1",
                &[shared::keyed_hash::keyed_hash(&self.attempts_key, key).into()],
            )
        })?;
        Ok(())
    }

    /// Keeps a territory import's files until it is confirmed, for at most
    /// `lifetime_ms`, and at most `max` per municipality (the oldest goes);
    /// returns the token that names it (only its hash is kept).
    pub fn put_preview(
        &self,
        municipality: MunicipalityId,
        files: &[Upload],
        choices: &str,
        lifetime_ms: i64,
        max: usize,
    ) -> Result<String, ControlError> {
        let token = secrets::new_token("imp")?;
        let hash = secrets::hash_secret(&token);
        let now = now_ms();
        let keep = i64::try_from(max.saturating_sub(1)).unwrap_or(i64::MAX);
        self.db.run(|sql| {
            sql.execute(
                "DELETE FROM previews WHERE created_at <= ?1",
                &[(now - lifetime_ms).into()],
            )?;
            sql.execute(
                "DELETE FROM previews WHERE municipality_id = ?1 AND token_hash NOT IN
                 (SELECT token_hash FROM previews WHERE municipality_id = ?1
                  ORDER BY created_at DESC LIMIT ?2)",
                &[municipality.to_string().into(), keep.into()],
            )?;
            sql.execute(
                "INSERT INTO previews (token_hash, municipality_id, created_at, choices)
                 VALUES (?1, ?2, ?3, ?4)",
                &[
                    hash.as_str().into(),
                    municipality.to_string().into(),
                    now.into(),
                    choices.into(),
                ],
            )?;
            for (position, file) in files.iter().enumerate() {
                sql.execute(
                    "INSERT INTO preview_files (token_hash, position, name, bytes)
                     VALUES (?1, ?2, ?3, ?4)",
                    &[
                        hash.as_str().into(),
                        i64::try_from(position).unwrap_or(i64::MAX).into(),
                        file.name.as_str().into(),
                        Value::Bytes(file.bytes.clone()),
                    ],
                )?;
            }
            Ok::<_, ControlError>(())
        })?;
        Ok(token)
    }

    /// Takes a preview's files and choices, once: `None` if the token is
    /// unknown, expired, or another municipality's (which keeps it).
    pub fn take_preview(
        &self,
        municipality: MunicipalityId,
        token: &str,
        lifetime_ms: i64,
    ) -> Result<Option<(Vec<Upload>, String)>, ControlError> {
        let hash = secrets::hash_secret(token);
        self.db.run(|sql| {
            let files = sql.query(
                "SELECT f.name, f.bytes, p.choices FROM preview_files f
                 JOIN previews p ON p.token_hash = f.token_hash
                 WHERE p.token_hash = ?1 AND p.municipality_id = ?2 AND p.created_at > ?3
                 ORDER BY f.position",
                &[
                    hash.as_str().into(),
                    municipality.to_string().into(),
                    (now_ms() - lifetime_ms).into(),
                ],
            )?;
            let taken = sql.execute(
                "DELETE FROM previews WHERE token_hash = ?1 AND municipality_id = ?2
                 AND created_at > ?3",
                &[
                    hash.as_str().into(),
                    municipality.to_string().into(),
                    (now_ms() - lifetime_ms).into(),
                ],
            )?;
            // Taken by another request (on any process) in between: the
            // delete found nothing, and only one of the two confirms.
            if taken != 1 {
                return Ok(None);
            }
            let choices = match files.first() {
                Some(row) => row.text(2)?,
                None => String::new(),
            };
            files
                .iter()
                .map(|row| {
                    Ok(Upload {
                        name: row.text(0)?,
                        bytes: row.bytes(1)?,
                    })
                })
                .collect::<Result<Vec<_>, ControlError>>()
                .map(|files| Some((files, choices)))
        })
    }

    /// Remembers the column mappings (JSON) an import used, by their
    /// headers' signature, for the municipality's next import of a file
    /// with the same headers; the oldest beyond [`MAX_MAPPINGS`] go.
    pub fn remember_mappings(
        &self,
        municipality: MunicipalityId,
        mappings: &[(String, String)],
    ) -> Result<(), ControlError> {
        let now = now_ms();
        self.db.run(|sql| {
            for (signature, mapping) in mappings {
                sql.execute(
                    "INSERT INTO column_mappings (municipality_id, signature, mapping, updated_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (municipality_id, signature)
                     DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
                    &[
                        municipality.to_string().into(),
                        signature.as_str().into(),
                        mapping.as_str().into(),
                        now.into(),
                    ],
                )?;
            }
            sql.execute(
                "DELETE FROM column_mappings WHERE municipality_id = ?1 AND signature NOT IN
                 (SELECT signature FROM column_mappings WHERE municipality_id = ?1
                  ORDER BY updated_at DESC, signature LIMIT ?2)",
                &[municipality.to_string().into(), MAX_MAPPINGS.into()],
            )?;
            Ok::<_, ControlError>(())
        })
    }

    /// The column mappings a municipality remembers, as (signature, JSON).
    pub fn mappings(
        &self,
        municipality: MunicipalityId,
    ) -> Result<Vec<(String, String)>, ControlError> {
        self.db.run(|sql| {
            sql.query(
                "SELECT signature, mapping FROM column_mappings WHERE municipality_id = ?1",
                &[municipality.to_string().into()],
            )?
            .iter()
            .map(|row| Ok((row.text(0)?, row.text(1)?)))
            .collect::<Result<Vec<_>, ControlError>>()
        })
    }

    /// Keeps a draw's published record (JSON) and, apart, who its
    /// pseudonyms are (JSON); returns its id.
    pub fn put_draw(
        &self,
        municipality: MunicipalityId,
        drawn_at: i64,
        record: &str,
        members: &str,
    ) -> Result<String, ControlError> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        self.db.run(|sql| {
            sql.execute(
                "INSERT INTO draws (id, municipality_id, drawn_at, record, members)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                &[
                    id.as_str().into(),
                    municipality.to_string().into(),
                    drawn_at.into(),
                    record.into(),
                    members.into(),
                ],
            )
        })?;
        Ok(id)
    }

    /// Every draw of the municipality, newest first: (id, when). All of
    /// them: drawing again until a panel suits must show.
    pub fn draws(&self, municipality: MunicipalityId) -> Result<Vec<(String, i64)>, ControlError> {
        self.db.run(|sql| {
            sql.query(
                "SELECT id, drawn_at FROM draws WHERE municipality_id = ?1
                 ORDER BY drawn_at DESC, id",
                &[municipality.to_string().into()],
            )?
            .iter()
            .map(|r| Ok((r.text(0)?, r.int(1)?)))
            .collect()
        })
    }

    /// One of the municipality's draws, if it is theirs: its record and
    /// its members (JSON both).
    pub fn draw(
        &self,
        municipality: MunicipalityId,
        id: &str,
    ) -> Result<Option<(String, String)>, ControlError> {
        self.db.run(|sql| {
            sql.query_opt(
                "SELECT record, members FROM draws WHERE municipality_id = ?1 AND id = ?2",
                &[municipality.to_string().into(), id.into()],
            )?
            .map(|r| Ok((r.text(0)?, r.text(1)?)))
            .transpose()
        })
    }
}

/// One erasure as the journal keeps it: ids and a time, nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// The erased document's first generation: a person, a visit log, a
    /// follow-up.
    pub target: String,
    /// For a visit log, the visits whose words were erased (ids, sorted);
    /// empty otherwise.
    pub visits: Vec<String>,
    /// When.
    pub erased_at: i64,
}

impl Control {
    /// Records erasures about to be carried out, before they are: a
    /// restore replays every entry (`erasure::replay`), so an erasure
    /// interrupted half-way is finished there too.
    pub fn journal_erasures(
        &self,
        municipality: MunicipalityId,
        entries: &[JournalEntry],
    ) -> Result<(), ControlError> {
        self.db.run(|sql| {
            for entry in entries {
                let visits = serde_json::to_string(&entry.visits)
                    .map_err(|_| ControlError::Malformed("journal entry"))?;
                sql.execute(
                    "INSERT INTO erasures (municipality_id, target, visits, erased_at)
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    &[
                        municipality.to_string().into(),
                        entry.target.as_str().into(),
                        visits.as_str().into(),
                        entry.erased_at.into(),
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// The municipality's journal of erasures, oldest first.
    pub fn erasure_journal(
        &self,
        municipality: MunicipalityId,
    ) -> Result<Vec<JournalEntry>, ControlError> {
        self.db.run(|sql| {
            sql.query(
                "SELECT target, visits, erased_at FROM erasures WHERE municipality_id = ?1
                 ORDER BY erased_at, target, visits",
                &[municipality.to_string().into()],
            )?
            .iter()
            .map(|row| {
                Ok(JournalEntry {
                    target: row.text(0)?,
                    visits: serde_json::from_str(&row.text(1)?)
                        .map_err(|_| ControlError::Malformed("journal entry"))?,
                    erased_at: row.int(2)?,
                })
            })
            .collect()
        })
    }

    /// The municipality's epoch: what a phone compares to know the server
    /// was restored since it last synced (empty until a first restore).
    pub fn epoch(&self, municipality: MunicipalityId) -> Result<String, ControlError> {
        self.db.run(|sql| {
            sql.query_opt(
                "SELECT epoch FROM municipalities WHERE id = ?1",
                &[municipality.to_string().into()],
            )?
            .map(|row| row.text(0))
            .transpose()
            .map(Option::unwrap_or_default)
        })
    }

    /// Gives the municipality a new epoch (after a restore).
    pub fn new_epoch(&self, municipality: MunicipalityId) -> Result<String, ControlError> {
        let epoch = uuid::Uuid::new_v4().simple().to_string();
        self.db.run(|sql| {
            sql.execute(
                "UPDATE municipalities SET epoch = ?1 WHERE id = ?2",
                &[epoch.as_str().into(), municipality.to_string().into()],
            )
        })?;
        Ok(epoch)
    }

    /// Removes `persons` from every draw's members (the pseudonym → person
    /// link): the published record keeps its pseudonyms, which then name
    /// nobody. Returns how many links were removed. For an erasure.
    pub fn unlink_from_draws(
        &self,
        municipality: MunicipalityId,
        persons: &[String],
    ) -> Result<usize, ControlError> {
        if persons.is_empty() {
            return Ok(0);
        }
        self.db.run(|sql| {
            let rows = sql.query(
                "SELECT id, members FROM draws WHERE municipality_id = ?1",
                &[municipality.to_string().into()],
            )?;
            let mut removed = 0;
            for row in rows.iter() {
                let (id, members) = (row.text(0)?, row.text(1)?);
                let Ok(mut map) =
                    serde_json::from_str::<std::collections::BTreeMap<String, String>>(&members)
                else {
                    continue; // not ours to judge; never rewritten
                };
                let before = map.len();
                map.retain(|_, person| !persons.contains(person));
                if map.len() == before {
                    continue;
                }
                removed += before - map.len();
                let members = serde_json::to_string(&map)
                    .map_err(|_| ControlError::Malformed("draw members"))?;
                sql.execute(
                    "UPDATE draws SET members = ?1 WHERE municipality_id = ?2 AND id = ?3",
                    &[
                        members.as_str().into(),
                        municipality.to_string().into(),
                        id.as_str().into(),
                    ],
                )?;
            }
            Ok(removed)
        })
    }
}

/// Why an attempt's transaction ended without committing.
enum Refused {
    Wait(WaitMs),
    Control(ControlError),
}

impl From<ControlError> for Refused {
    fn from(error: ControlError) -> Self {
        Refused::Control(error)
    }
}
