//! The control database: municipalities, office accounts and sessions,
//! enrolment codes and devices. Documents never live here; each
//! municipality's documents live in a file of their own (see `tenants`), so
//! one municipality's data cannot leak into another's by a missing `WHERE`.

use crate::secrets;
use rusqlite::{Connection, OptionalExtension, params};
use shared::api::{DeviceInfo, Role};
use shared::domain::{DeviceId, MunicipalityId};
use shared::store::{Migration, migrate};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "municipalities, accounts, sessions, enrolment codes, devices",
        sql: "
CREATE TABLE municipalities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    expires_at INTEGER NOT NULL
);
CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    enrolled_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_sync_at INTEGER,
    unsynced INTEGER
);
",
    },
    Migration {
        version: 2,
        name: "sessions end after a time without use",
        sql: "ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;",
    },
];

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
    /// The schema could not be brought up to date.
    #[error(transparent)]
    Migration(#[from] shared::store::MigrationError),
    /// No randomness for a secret.
    #[error(transparent)]
    Random(#[from] secrets::NoRandomness),
    /// Hashing a password failed.
    #[error("password hashing failed: {0}")]
    Password(String),
    /// A stored value is malformed.
    #[error("malformed stored value: {0}")]
    Malformed(&'static str),
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
    conn: Mutex<Connection>,
    session_idle_ms: i64,
}

fn parse_role(name: String) -> Result<Role, ControlError> {
    Role::parse(&name).ok_or(ControlError::Malformed("role"))
}

fn parse_uuid<T: std::str::FromStr>(text: String) -> Result<T, ControlError> {
    text.parse().map_err(|_| ControlError::Malformed("id"))
}

impl Control {
    /// Opens (creating if needed) the control database.
    pub fn open(path: &Path) -> Result<Self, ControlError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn, MIGRATIONS)?;
        Ok(Self {
            conn: Mutex::new(conn),
            session_idle_ms: DEFAULT_SESSION_IDLE_MS,
        })
    }

    /// Sessions end after `ms` without use.
    pub fn with_session_idle(mut self, ms: i64) -> Self {
        self.session_idle_ms = ms;
        self
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, ControlError> {
        // A panic elsewhere must not lock every account out: SQLite rolls
        // back what a dropped transaction left, so the connection is sound.
        Ok(self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Creates a municipality, or returns the one of that name.
    pub fn ensure_municipality(&self, name: &str) -> Result<MunicipalityId, ControlError> {
        let conn = self.conn()?;
        let existing: Option<String> = conn
            .query_row(
                "SELECT id FROM municipalities WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return parse_uuid(id);
        }
        let id = MunicipalityId::new();
        conn.execute(
            "INSERT INTO municipalities (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![id.to_string(), name, now_ms()],
        )?;
        Ok(id)
    }

    /// The name of a municipality.
    pub fn municipality_name(&self, id: MunicipalityId) -> Result<String, ControlError> {
        Ok(self.conn()?.query_row(
            "SELECT name FROM municipalities WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?)
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
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO accounts (id, municipality_id, email, password_hash, role, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash
             WHERE accounts.municipality_id = excluded.municipality_id",
            params![
                uuid::Uuid::new_v4().to_string(),
                municipality.to_string(),
                email.trim().to_lowercase(),
                hash,
                role.as_str(),
                now_ms()
            ],
        )?;
        tx.execute(
            "DELETE FROM sessions WHERE account_id IN
             (SELECT id FROM accounts WHERE email = ?1 AND municipality_id = ?2)",
            params![email.trim().to_lowercase(), municipality.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks a password and opens a session. The argon2 check is slow on
    /// purpose: call from a blocking task.
    pub fn login(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<(String, Account)>, ControlError> {
        let row: Option<(String, String, String, String)> = self
            .conn()?
            .query_row(
                "SELECT id, municipality_id, password_hash, role FROM accounts WHERE email = ?1",
                [email.trim().to_lowercase()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((id, municipality, hash, role)) = row else {
            // Same work whether or not the account exists.
            secrets::verify_password(password, secrets::UNKNOWN_ACCOUNT_HASH);
            return Ok(None);
        };
        if !secrets::verify_password(password, &hash) {
            return Ok(None);
        }
        let token = secrets::new_token("ps")?;
        self.conn()?.execute(
            "INSERT INTO sessions (token_hash, account_id, expires_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                secrets::hash_secret(&token),
                id,
                now_ms() + SESSION_MS,
                now_ms()
            ],
        )?;
        let account = Account {
            id,
            municipality: parse_uuid(municipality)?,
            role: parse_role(role)?,
        };
        Ok(Some((token, account)))
    }

    /// The account behind a session token, if it is valid: not past its
    /// lifetime, and used within the idle timeout (each use extends it).
    pub fn session(&self, token: &str) -> Result<Option<Account>, ControlError> {
        let now = now_ms();
        let hash = secrets::hash_secret(token);
        let conn = self.conn()?;
        let row: Option<(String, String, String, i64)> = conn
            .query_row(
                "SELECT a.id, a.municipality_id, a.role, s.last_seen_at FROM sessions s
                 JOIN accounts a ON a.id = s.account_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3",
                params![hash, now, now - self.session_idle_ms],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if let Some((.., seen)) = &row
            && now - seen > SEEN_EVERY_MS.min(self.session_idle_ms / 2)
        {
            conn.execute(
                "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
                params![hash, now],
            )?;
        }
        let row = row.map(|(id, municipality, role, _)| (id, municipality, role));
        row.map(|(id, municipality, role)| {
            Ok(Account {
                id,
                municipality: parse_uuid(municipality)?,
                role: parse_role(role)?,
            })
        })
        .transpose()
    }

    /// Ends a session.
    pub fn logout(&self, token: &str) -> Result<(), ControlError> {
        self.conn()?.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            [secrets::hash_secret(token)],
        )?;
        Ok(())
    }

    /// Makes a one-time enrolment code; only its hash is kept.
    pub fn new_enrolment_code(
        &self,
        municipality: MunicipalityId,
        role: Role,
        valid_ms: i64,
    ) -> Result<(String, i64), ControlError> {
        let code = secrets::new_enrolment_code()?;
        let now = now_ms();
        let expires_at = now + valid_ms;
        self.conn()?.execute(
            "INSERT INTO enrolment_codes (code_hash, municipality_id, role, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                secrets::hash_secret(&code),
                municipality.to_string(),
                role.as_str(),
                now,
                expires_at
            ],
        )?;
        Ok((code, expires_at))
    }

    /// Redeems a code for a device token. The code is claimed by a single
    /// conditional UPDATE in the same transaction that creates the device,
    /// so of racing redemptions exactly one wins.
    pub fn redeem(&self, typed_code: &str, device_name: &str) -> Result<Enrolled, RedeemError> {
        let code_hash = secrets::hash_secret(&secrets::normalise_code(typed_code));
        let now = now_ms();
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(ControlError::from)?;
        let claimed = tx
            .execute(
                "UPDATE enrolment_codes SET used_at = ?2
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![code_hash, now],
            )
            .map_err(ControlError::from)?;
        if claimed != 1 {
            let row: Option<(Option<i64>, i64)> = tx
                .query_row(
                    "SELECT used_at, expires_at FROM enrolment_codes WHERE code_hash = ?1",
                    [&code_hash],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(ControlError::from)?;
            return Err(match row {
                None => RedeemError::Unknown,
                Some((Some(_), _)) => RedeemError::Used,
                Some((None, _)) => RedeemError::Expired,
            });
        }
        let (municipality, role, municipality_name): (String, String, String) = tx
            .query_row(
                "SELECT c.municipality_id, c.role, m.name FROM enrolment_codes c
                 JOIN municipalities m ON m.id = c.municipality_id WHERE c.code_hash = ?1",
                [&code_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(ControlError::from)?;
        let device = Device {
            id: DeviceId::new(),
            municipality: parse_uuid(municipality)?,
            role: parse_role(role)?,
        };
        let token = secrets::new_token("pd").map_err(ControlError::from)?;
        let name: String = device_name.trim().chars().take(80).collect();
        tx.execute(
            "INSERT INTO devices (id, municipality_id, name, role, token_hash, enrolled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                device.id.to_string(),
                device.municipality.to_string(),
                name,
                device.role.as_str(),
                secrets::hash_secret(&token),
                now
            ],
        )
        .map_err(ControlError::from)?;
        tx.commit().map_err(ControlError::from)?;
        Ok(Enrolled {
            device,
            token,
            municipality_name,
        })
    }

    /// The device behind a token, unless revoked.
    pub fn device(&self, token: &str) -> Result<Option<Device>, ControlError> {
        let row: Option<(String, String, String)> = self
            .conn()?
            .query_row(
                "SELECT id, municipality_id, role FROM devices
                 WHERE token_hash = ?1 AND revoked_at IS NULL",
                [secrets::hash_secret(token)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(id, municipality, role)| {
            Ok(Device {
                id: parse_uuid(id)?,
                municipality: parse_uuid(municipality)?,
                role: parse_role(role)?,
            })
        })
        .transpose()
    }

    /// Records a device's sync, for the office's list.
    pub fn record_sync(&self, device: DeviceId, unsynced: u32) -> Result<(), ControlError> {
        self.conn()?.execute(
            "UPDATE devices SET last_sync_at = ?2, unsynced = ?3 WHERE id = ?1",
            params![device.to_string(), now_ms(), unsynced],
        )?;
        Ok(())
    }

    /// Revokes a device of `municipality`; false if it has no such device.
    pub fn revoke(
        &self,
        municipality: MunicipalityId,
        device: DeviceId,
    ) -> Result<bool, ControlError> {
        let changed = self.conn()?.execute(
            "UPDATE devices SET revoked_at = coalesce(revoked_at, ?3)
             WHERE id = ?1 AND municipality_id = ?2",
            params![device.to_string(), municipality.to_string(), now_ms()],
        )?;
        Ok(changed == 1)
    }

    /// The devices of a municipality, newest first.
    pub fn devices(&self, municipality: MunicipalityId) -> Result<Vec<DeviceInfo>, ControlError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, name, role, enrolled_at, last_sync_at, unsynced, revoked_at
             FROM devices WHERE municipality_id = ?1 ORDER BY enrolled_at DESC",
        )?;
        let rows = stmt.query_map([municipality.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<u32>>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (id, name, role, enrolled_at, last_sync_at, unsynced, revoked_at) = row?;
            Ok(DeviceInfo {
                device_id: parse_uuid(id)?,
                name,
                role: parse_role(role)?,
                enrolled_at,
                last_sync_at,
                unsynced,
                revoked: revoked_at.is_some(),
            })
        })
        .collect()
    }
}
