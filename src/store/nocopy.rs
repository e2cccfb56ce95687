//! Inserts that bind their text without copying it. rusqlite binds every text value with
//! `SQLITE_TRANSIENT`, so SQLite first copies it into a buffer of its own (a malloc and a
//! memcpy), then again into the row's record: for a load that is 3 GB of bodies and
//! paragraph texts copied once more than needed, on the writer, the thread a load waits for.
//! Here they are bound `SQLITE_STATIC`: the values outlive the one `sqlite3_step` that reads
//! them, after which the statement is reset and its bindings cleared, before `execute`
//! returns.

use rusqlite::ffi;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::Connection;
use std::collections::HashMap;
use std::ffi::{c_int, CStr};

/// What names a statement: a table (or the columns inserted into) and a row count. Cheaper
/// to look up than the SQL, which for 16 rows of a child table runs to hundreds of bytes.
pub type Key = (&'static str, usize);

/// Prepared statements of one connection, by `Key`. Finalized by `clear` or on drop, which must
/// come before the connection closes (`Writer` declares it before its connection).
#[derive(Default)]
pub struct Statements {
    prepared: HashMap<Key, Prepared>,
}

struct Prepared(*mut ffi::sqlite3_stmt);

impl Drop for Prepared {
    fn drop(&mut self) {
        unsafe {
            ffi::sqlite3_finalize(self.0);
        }
    }
}

impl Statements {
    /// Run the statement known as `key` (an INSERT or UPDATE, no rows returned) with
    /// `values` bound to ?1, ?2, …; `sql` gives its text the first time `key` is seen.
    pub fn execute(
        &mut self,
        conn: &Connection,
        key: Key,
        sql: impl FnOnce() -> String,
        values: &[ToSqlOutput<'_>],
    ) -> Result<(), rusqlite::Error> {
        // SAFETY: the handle is the live connection's; the statement belongs to it and is
        // finalized before it closes (above).
        let db = unsafe { conn.handle() };
        let stmt = match self.prepared.get(&key) {
            Some(p) => p.0,
            None => {
                let p = Prepared(unsafe { prepare(db, &sql())? });
                let stmt = p.0;
                self.prepared.insert(key, p);
                stmt
            }
        };
        unsafe {
            let mut rc = ffi::SQLITE_OK;
            for (i, value) in values.iter().enumerate() {
                rc = bind(stmt, i as c_int + 1, value);
                if rc != ffi::SQLITE_OK {
                    break;
                }
            }
            if rc == ffi::SQLITE_OK {
                rc = match ffi::sqlite3_step(stmt) {
                    ffi::SQLITE_DONE | ffi::SQLITE_ROW => ffi::SQLITE_OK,
                    other => other,
                };
            }
            // Nothing may point into `values` once they go.
            ffi::sqlite3_reset(stmt);
            ffi::sqlite3_clear_bindings(stmt);
            match rc {
                ffi::SQLITE_OK => Ok(()),
                _ => Err(error(db, rc)),
            }
        }
    }

    /// Finalize every statement.
    pub fn clear(&mut self) {
        self.prepared.clear();
    }
}

unsafe fn prepare(
    db: *mut ffi::sqlite3,
    sql: &str,
) -> Result<*mut ffi::sqlite3_stmt, rusqlite::Error> {
    let mut stmt = std::ptr::null_mut();
    let rc = ffi::sqlite3_prepare_v3(
        db,
        sql.as_ptr().cast(),
        sql.len() as c_int,
        ffi::SQLITE_PREPARE_PERSISTENT,
        &mut stmt,
        std::ptr::null_mut(),
    );
    match rc {
        ffi::SQLITE_OK if !stmt.is_null() => Ok(stmt),
        ffi::SQLITE_OK => Err(rusqlite::Error::InvalidQuery),
        _ => Err(error(db, rc)),
    }
}

unsafe fn bind(stmt: *mut ffi::sqlite3_stmt, i: c_int, value: &ToSqlOutput<'_>) -> c_int {
    let value = match value {
        ToSqlOutput::Borrowed(v) => *v,
        ToSqlOutput::Owned(v) => ValueRef::from(v),
        _ => return ffi::SQLITE_MISMATCH,
    };
    match value {
        ValueRef::Null => ffi::sqlite3_bind_null(stmt, i),
        ValueRef::Integer(n) => ffi::sqlite3_bind_int64(stmt, i, n),
        ValueRef::Real(x) => ffi::sqlite3_bind_double(stmt, i, x),
        ValueRef::Text(s) => ffi::sqlite3_bind_text64(
            stmt,
            i,
            // An empty slice's pointer need not point anywhere.
            if s.is_empty() {
                c"".as_ptr()
            } else {
                s.as_ptr().cast()
            },
            s.len() as u64,
            ffi::SQLITE_STATIC(),
            ffi::SQLITE_UTF8 as u8,
        ),
        ValueRef::Blob(b) => ffi::sqlite3_bind_blob64(
            stmt,
            i,
            if b.is_empty() {
                c"".as_ptr().cast()
            } else {
                b.as_ptr().cast()
            },
            b.len() as u64,
            ffi::SQLITE_STATIC(),
        ),
    }
}

/// The error SQLite holds for `db`, as rusqlite reports it.
unsafe fn error(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    let message = CStr::from_ptr(ffi::sqlite3_errmsg(db))
        .to_string_lossy()
        .into_owned();
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::types::Value;

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k INTEGER UNIQUE, a, b)")
            .unwrap();
        conn
    }

    #[test]
    fn values_are_stored_as_bound_and_the_statement_is_reused() {
        let conn = conn();
        let mut st = Statements::default();
        let sql = "INSERT INTO t VALUES (?1, ?2, ?3)";
        let long = "é".repeat(10_000);
        let rows: Vec<Vec<ToSqlOutput>> = vec![
            vec![
                1.into(),
                ToSqlOutput::from(long.as_str()),
                ToSqlOutput::from(""),
            ],
            vec![
                2.into(),
                ToSqlOutput::from(2.5),
                ToSqlOutput::Owned(Value::Null),
            ],
            vec![
                3.into(),
                ToSqlOutput::Owned(Value::Text("owned".into())),
                ToSqlOutput::Borrowed(ValueRef::Blob(&[0, 1, 2])),
            ],
            vec![
                4.into(),
                ToSqlOutput::Borrowed(ValueRef::Blob(&[])),
                7.into(),
            ],
        ];
        for row in &rows {
            st.execute(&conn, ("t", 1), || sql.into(), row).unwrap();
        }
        assert_eq!(st.prepared.len(), 1);
        let got: Vec<(i64, Value, Value)> = conn
            .prepare("SELECT k, a, b FROM t ORDER BY k")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            got,
            vec![
                (1, Value::Text(long.clone()), Value::Text(String::new())),
                (2, Value::Real(2.5), Value::Null),
                (3, Value::Text("owned".into()), Value::Blob(vec![0, 1, 2])),
                (4, Value::Blob(vec![]), Value::Integer(7)),
            ]
        );
    }

    #[test]
    fn a_failed_step_is_reported_as_rusqlite_reports_it_and_leaves_the_statement_usable() {
        let conn = conn();
        let mut st = Statements::default();
        let sql = "INSERT INTO t VALUES (?1, ?2, ?3)";
        let row = |k: i64| vec![k.into(), ToSqlOutput::from("x"), ToSqlOutput::from("y")];
        st.execute(&conn, ("t", 1), || sql.into(), &row(1)).unwrap();
        let err = st
            .execute(&conn, ("t", 1), || sql.into(), &row(1))
            .unwrap_err();
        let rusqlite::Error::SqliteFailure(e, Some(message)) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(e.extended_code, ffi::SQLITE_CONSTRAINT_UNIQUE);
        assert!(
            message.contains("UNIQUE constraint failed: t.k"),
            "{message}"
        );
        st.execute(&conn, ("t", 1), || sql.into(), &row(2)).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
        // SQL that does not prepare is an error too, not a statement.
        assert!(st
            .execute(
                &conn,
                ("nosuch", 1),
                || "INSERT INTO nosuch VALUES (?1)".into(),
                &row(3)[..1]
            )
            .is_err());
        st.clear();
        assert!(st.prepared.is_empty());
        conn.close().unwrap();
    }
}
