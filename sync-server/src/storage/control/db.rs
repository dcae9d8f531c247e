//! The control database's connection, on SQLite (a file beside the
//! municipalities' files, the default) or PostgreSQL (schema `control`),
//! behind one small interface: its statements are the same on both, so the
//! rules about accounts, sessions, codes, devices, attempt counters and
//! previews are written once (`control`), not once per backend.
//!
//! Statements use `?N` placeholders, written for PostgreSQL as `$N`; values
//! travel as [`Value`]s and come back as rows of them. Every call runs in
//! a transaction of its own: SQLite's `IMMEDIATE`, so two processes on one
//! file take writes in turn; PostgreSQL's default (read committed), where a
//! conditional `UPDATE` re-checks its condition after waiting for a row,
//! so of two racing claims exactly one wins. This is a few lines over the
//! two drivers already in the build, not an ORM: the control data is a
//! handful of small tables.

use super::ControlError;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use rusqlite::Connection;
use std::sync::Mutex;

/// A value passed to or read from a statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One row of a result.
#[derive(Debug)]
pub struct Row(Vec<Value>);

impl Row {
    /// Column `i` as text.
    pub fn text(&self, i: usize) -> Result<String, ControlError> {
        match self.0.get(i) {
            Some(Value::Text(t)) => Ok(t.clone()),
            _ => Err(ControlError::Malformed("text column")),
        }
    }
    /// Column `i` as an integer.
    pub fn int(&self, i: usize) -> Result<i64, ControlError> {
        self.opt_int(i)?
            .ok_or(ControlError::Malformed("integer column"))
    }
    /// Column `i` as an integer or NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, ControlError> {
        match self.0.get(i) {
            Some(Value::Int(n)) => Ok(Some(*n)),
            Some(Value::Null) => Ok(None),
            _ => Err(ControlError::Malformed("integer column")),
        }
    }
    /// Column `i` as bytes.
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, ControlError> {
        match self.0.get(i) {
            Some(Value::Bytes(b)) => Ok(b.clone()),
            _ => Err(ControlError::Malformed("bytes column")),
        }
    }
}

/// Statements inside one transaction.
pub trait Sql {
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, ControlError>;
    /// Runs a query; its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, ControlError>;
    /// Whether this is PostgreSQL (for the rare statement that must differ).
    fn is_postgres(&self) -> bool;
    /// The first row of a query, if any.
    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, ControlError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// Where the control data is.
pub enum Db {
    /// A SQLite file, one connection (the control data is small and its
    /// writes rare; sessions are read through it at every office request).
    Sqlite(Mutex<Connection>),
    /// A PostgreSQL pool, `search_path` set to `control` on every use.
    Pg(crate::storage::pg::Pool),
}

/// Whether an error only means "try again": a transaction that lost a
/// serialisation race or a deadlock on PostgreSQL.
pub fn is_retryable(error: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    matches!(
        error.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// Transactions tried at most when PostgreSQL asks to try again.
const TRIES: u32 = 4;

impl Db {
    /// Runs `f` in one transaction, committed if it returns `Ok`, rolled
    /// back otherwise (its error returned as it is).
    pub fn run<T, E: From<ControlError>>(
        &self,
        mut f: impl FnMut(&mut dyn Sql) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Db::Sqlite(conn) => {
                // A panic elsewhere must not lock every account out: a
                // dropped transaction was rolled back, the connection is sound.
                let mut conn = conn
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let tx = conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .map_err(ControlError::from)?;
                let mut sql = SqliteTx(&tx);
                let value = f(&mut sql)?;
                tx.commit().map_err(ControlError::from)?;
                Ok(value)
            }
            Db::Pg(pool) => {
                let mut client = pool.get().map_err(|error| {
                    // A wrong password or a database down must show in the
                    // logs, not only as 503s.
                    tracing::warn!(%error, "no connection to the control database");
                    ControlError::Busy
                })?;
                let mut tries = 0;
                loop {
                    tries += 1;
                    let mut tx = client.transaction().map_err(ControlError::from)?;
                    tx.batch_execute("SET LOCAL search_path TO control")
                        .map_err(ControlError::from)?;
                    let mut sql = PgTx {
                        tx: &mut tx,
                        retryable: false,
                    };
                    let outcome = f(&mut sql);
                    let retryable = sql.retryable;
                    match outcome {
                        Ok(value) => match tx.commit() {
                            Ok(()) => return Ok(value),
                            Err(e) if tries < TRIES && is_retryable(&e) => continue,
                            Err(e) => return Err(ControlError::from(e).into()),
                        },
                        // Dropping `tx` rolled it back; `f` makes nothing
                        // outside the database, so it can run again.
                        Err(_) if retryable && tries < TRIES => continue,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
}

/// `?N` → `$N`, for PostgreSQL.
fn dollars(sql: &str) -> String {
    sql.replace('?', "$")
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>);

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(n) => ValueRef::Integer(*n),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Bytes(b) => ValueRef::Blob(b),
        }))
    }
}

impl Sql for SqliteTx<'_> {
    fn is_postgres(&self) -> bool {
        false
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, ControlError> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let n = stmt.execute(rusqlite::params_from_iter(params))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, ControlError> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.0.prepare_cached(sql)?;
        let width = stmt.column_count();
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            (0..width)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(n) => Value::Int(n),
                        // No control column is a float.
                        ValueRef::Real(_) => {
                            return Err(rusqlite::Error::InvalidColumnType(
                                i,
                                "real".into(),
                                rusqlite::types::Type::Real,
                            ));
                        }
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                    })
                })
                .collect::<rusqlite::Result<Vec<Value>>>()
                .map(Row)
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<Row>>>()?)
    }
}

struct PgTx<'a, 'b> {
    tx: &'a mut postgres::Transaction<'b>,
    /// Set when a statement failed in a way that means "try again".
    retryable: bool,
}

impl PgTx<'_, '_> {
    fn noted(&mut self, error: postgres::Error) -> ControlError {
        self.retryable |= is_retryable(&error);
        error.into()
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        // The driver checks a value's type against the column's only
        // through `accepts`, which takes every type here: checked now, so a
        // mismatch is an error, not bytes read as another type.
        let fits = match self {
            Value::Null => true,
            Value::Int(_) => *ty == Type::INT4 || *ty == Type::INT8,
            Value::Text(_) => <String as ToSql>::accepts(ty),
            Value::Bytes(_) => <Vec<u8> as ToSql>::accepts(ty),
        };
        if !fits {
            let kind = match self {
                Value::Null => "null",
                Value::Int(_) => "integer",
                Value::Text(_) => "text",
                Value::Bytes(_) => "bytes",
            };
            return Err(format!("{kind} where the statement takes {ty}").into());
        }
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) if *ty == Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
            Value::Int(n) => n.to_sql(ty, out),
            Value::Text(t) => t.to_sql(ty, out),
            Value::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        // Checked per value in `to_sql` (the driver's own types refuse a
        // mismatch there).
        true
    }

    to_sql_checked!();
}

fn pg_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Sql for PgTx<'_, '_> {
    fn is_postgres(&self) -> bool {
        true
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, ControlError> {
        let result = self.tx.execute(&dollars(sql), &pg_params(params));
        result.map_err(|e| self.noted(e))
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, ControlError> {
        let rows = self.tx.query(&dollars(sql), &pg_params(params));
        let rows = rows.map_err(|e| self.noted(e))?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        let ty = row.columns()[i].type_();
                        Ok(if *ty == Type::INT8 {
                            row.try_get::<_, Option<i64>>(i)?
                                .map_or(Value::Null, Value::Int)
                        } else if *ty == Type::INT4 {
                            row.try_get::<_, Option<i32>>(i)?
                                .map_or(Value::Null, |n| Value::Int(n.into()))
                        } else if *ty == Type::BYTEA {
                            row.try_get::<_, Option<Vec<u8>>>(i)?
                                .map_or(Value::Null, Value::Bytes)
                        } else {
                            row.try_get::<_, Option<String>>(i)?
                                .map_or(Value::Null, Value::Text)
                        })
                    })
                    .collect::<Result<Vec<Value>, ControlError>>()
                    .map(Row)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_for_postgresql() {
        assert_eq!(
            dollars("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
    }

    #[test]
    fn a_failed_transaction_leaves_nothing() {
        let db = Db::Sqlite(Mutex::new(Connection::open_in_memory().expect("open")));
        db.run(|sql| sql.execute("CREATE TABLE t (n INTEGER)", &[]))
            .expect("create");
        let failed: Result<(), ControlError> = db.run(|sql| {
            sql.execute("INSERT INTO t (n) VALUES (?1)", &[1.into()])?;
            Err(ControlError::Malformed("on purpose"))
        });
        assert!(failed.is_err());
        let rows = db
            .run(|sql| sql.query("SELECT count(*) FROM t", &[]))
            .expect("count");
        assert_eq!(rows[0].int(0).expect("int"), 0);
    }
}
