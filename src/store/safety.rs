//! Which files the store touches and how (issue 11): only regular files, only our own
//! databases, read commands that never write, and errors a user can act on.
//!
//! - A `--db` that is not a regular file (`/dev/null`, a FIFO, a directory) is refused before
//!   SQLite opens it: SQLite would create `/dev/null-journal` beside a device.
//! - A non-empty SQLite file without this tool's schema (another application's database) is
//!   refused before anything is written, so it stays byte for byte as it was.
//! - Read commands open with `mode=ro`. An archive in rollback mode (what a finished ingest
//!   leaves) is read without creating a file, also from a read-only folder or medium. An
//!   archive still in WAL mode (an older version's, or an ingest killed mid-run) cannot be
//!   read with `mode=ro` from a read-only folder, nor without creating `-wal`/`-shm` files:
//!   it is opened `immutable=1`, under a shared advisory lock that keeps an ingest from
//!   writing it meanwhile; a non-empty `-wal` beside it is refused (it holds transactions
//!   `immutable` would not see).
//! - SQLite's errors are turned into one line saying what to do (`explain`).

use anyhow::Context;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The first bytes of every SQLite database file.
const MAGIC: &[u8] = b"SQLite format 3\0";

/// Refuse a `--db` that exists and is not a regular file, before anything opens it.
pub fn check_archive_path(path: &Path) -> anyhow::Result<()> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(()); // missing: created by ingest, reported by the read commands
    };
    let ft = meta.file_type();
    if ft.is_file() {
        return Ok(());
    }
    let kind = if ft.is_dir() {
        "a directory"
    } else {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            "a named pipe (FIFO)"
        } else if ft.is_char_device() || ft.is_block_device() {
            "a device"
        } else if ft.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        }
    };
    anyhow::bail!(
        "{}: is {kind}, not a database file; give --db the path of an archive file",
        path.display()
    )
}

/// Tables (and views) a database holds, without SQLite's own.
fn user_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')
         AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = st.query_map([], |r| r.get(0))?;
    names.collect()
}

/// Is this database one of ours? Our refinery history with V1, and the `cables` table.
fn is_ours(conn: &Connection, tables: &[String]) -> rusqlite::Result<bool> {
    if !tables.iter().any(|t| t == "_refinery_schema_history")
        || !tables.iter().any(|t| t == "cables")
    {
        return Ok(false);
    }
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM _refinery_schema_history
         WHERE version = 1 AND name = 'initial_schema')",
        [],
        |r| r.get(0),
    )
}

/// Why a database is not ours, naming a few of its tables: None when it is ours, or empty
/// (a new archive).
pub fn foreign(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let tables = user_tables(conn)?;
    if tables.is_empty() || is_ours(conn, &tables)? {
        return Ok(None);
    }
    let mut named: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
    if tables.len() > 5 {
        named.push("…");
    }
    Ok(Some(format!(
        "not a cable-archive database: it has table{} {}",
        if tables.len() == 1 { "" } else { "s" },
        named.join(", ")
    )))
}

/// `file:` URI of a path, percent-encoded, with query parameters.
fn uri(path: &Path, query: &str) -> anyhow::Result<String> {
    use std::os::unix::ffi::OsStrExt;
    let absolute = std::path::absolute(path)?;
    let mut out = String::from("file://");
    for &b in absolute.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push('?');
    out.push_str(query);
    Ok(out)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// How a read command opened the archive.
pub struct ReadOnly {
    pub conn: Connection,
    /// Held for an `immutable` open: a shared advisory lock that keeps an ingest (which
    /// takes it exclusively) from writing the file while it is read.
    _lock: Option<File>,
}

/// Open an existing archive for reading: never creates, migrates or writes a file.
pub fn open_read_only(path: &Path) -> anyhow::Result<ReadOnly> {
    let shown = path.display();
    if !path.exists() {
        anyhow::bail!("{shown}: no such database (create it with `cable-archive ingest`)");
    }
    check_archive_path(path)?;
    let mut header = Vec::with_capacity(100);
    File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut header))
        .map_err(|e| anyhow::anyhow!("{shown}: cannot open database: {e}"))?;
    if header.is_empty() {
        anyhow::bail!(
            "{shown}: empty file, not an archive yet (create it with `cable-archive ingest`)"
        );
    }
    if !header.starts_with(MAGIC) {
        anyhow::bail!("{shown}: cannot open database: file is not a database");
    }
    // Bytes 18 and 19 are the read and write versions: 2 in WAL mode, 1 in rollback mode.
    let wal_mode = header.get(18) == Some(&2);
    let wal = sibling(path, "-wal");
    let wal_len = std::fs::metadata(&wal).ok().map(|m| m.len());
    let ro = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let open = |query: &str| -> anyhow::Result<Connection> {
        let conn = Connection::open_with_flags(uri(path, query)?, ro)
            .with_context(|| format!("{shown}: cannot open database"))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .with_context(|| format!("{shown}: cannot open database"))?;
        Ok(conn)
    };
    let stale_wal = || {
        anyhow::anyhow!(
            "{shown}: a write-ahead log ({}) from an ingest that did not finish is beside the archive, and this folder is read-only, so it cannot be read; re-run the ingest that was stopped (or open the archive once with sqlite3) where the folder is writable, to fold it in",
            wal.display()
        )
    };
    let (conn, lock) = if !wal_mode {
        (open("mode=ro")?, None)
    } else if wal_len.is_some() {
        // An ingest is writing it, or one was killed: read the log through SQLite.
        match open("mode=ro") {
            Ok(conn) => (conn, None),
            Err(_) if wal_len == Some(0) => immutable(path, &open)?,
            Err(_) => return Err(stale_wal()),
        }
    } else {
        immutable(path, &open)?
    };
    if let Some(why) = foreign(&conn).with_context(|| format!("{shown}: cannot open database"))? {
        anyhow::bail!("{shown}: {why}; give --db the path of an archive");
    }
    if user_tables(&conn)?.is_empty() {
        anyhow::bail!("{shown}: holds no archive yet (create it with `cable-archive ingest`)");
    }
    Ok(ReadOnly { conn, _lock: lock })
}

/// A WAL-mode archive with no log beside it: read as an immutable file under a shared lock.
/// If an ingest holds the lock, it is writing, its log exists by now, and `mode=ro` reads it.
fn immutable(
    path: &Path,
    open: &dyn Fn(&str) -> anyhow::Result<Connection>,
) -> anyhow::Result<(Connection, Option<File>)> {
    let file = File::open(path)?;
    match file.try_lock_shared() {
        Ok(()) => Ok((open("mode=ro&immutable=1")?, Some(file))),
        Err(std::fs::TryLockError::WouldBlock) => Ok((open("mode=ro")?, None)),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// The error as one line for stderr: SQLite's errors a user meets say what to do, with the
/// context (the path) in front; a message repeated down the chain is printed once
/// (`cannot open database: database is locked: database is locked`).
pub fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let sqlite = if let Some(s) = cause.downcast_ref::<rusqlite::Error>() {
            Some(s)
        } else {
            match cause.downcast_ref::<super::StoreError>() {
                Some(super::StoreError::Open { path, source }) => {
                    if let Some(why) = why(source) {
                        parts.push(path.clone());
                        parts.push(why);
                        break;
                    }
                    None
                }
                Some(super::StoreError::Sql(source)) => Some(source),
                _ => None,
            }
        };
        if let Some(why) = sqlite.and_then(why) {
            parts.push(why);
            break;
        }
        let text = cause.to_string();
        if !parts.last().is_some_and(|p| p.ends_with(&text)) {
            parts.push(text);
        }
        // Below SQLite's message is only its code ("Error code 19: constraint failed").
        if cause.is::<rusqlite::Error>() {
            break;
        }
    }
    parts.join(": ")
}

/// What to do about a SQLite error, or None when its own message says it.
pub fn why(sqlite: &rusqlite::Error) -> Option<String> {
    let message = sqlite.to_string();
    if message.contains("no such table: paragraphs_fts")
        || message.contains("no such table: cables_fts")
    {
        return Some("this archive's search index is not built (it was ingested with --no-fts, or an ingest is dropping or building it); run `cable-archive ingest` without --no-fts to build it".into());
    }
    let rusqlite::Error::SqliteFailure(f, _) = sqlite else {
        return None;
    };
    Some(match (f.code, f.extended_code) {
        (ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked, _) => "the archive is locked by another program writing to it (a sqlite3 shell, Datasette, another tool); try again when it has finished".into(),
        (ErrorCode::ReadOnly, _) => "the archive or its folder is read-only, and this command writes; `query`, `sql`, `search`, `show` and `stats` can read it".into(),
        (ErrorCode::DiskFull, _) => "the disk is full; the last batch was rolled back and everything committed before is intact: free some space and run the ingest again".into(),
        // SQLITE_IOERR_FSYNC (1034): the file system refused to flush the archive.
        (_, 1034) => "the file system refused to flush the archive to disk (fsync failed: a full disk, a failing device, or a mount that does not support it); put the archive on a local disk".into(),
        (ErrorCode::SystemIoFailure, code) => format!("an I/O error while reading or writing the archive (SQLite extended code {code}): check the disk and the file system"),
        (ErrorCode::OperationInterrupted, _) => "interrupted".into(),
        _ => return None,
    })
}

impl std::ops::Deref for ReadOnly {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: rusqlite::ffi::ErrorCode, extended: i32, text: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error {
                code,
                extended_code: extended,
            },
            Some(text.into()),
        )
    }

    #[test]
    fn sqlite_errors_become_one_actionable_line() {
        // SQLITE_IOERR_FSYNC, printed before as "disk I/O error: Error code 1034".
        let fsync = anyhow::Error::from(super::super::StoreError::Sql(failure(
            ErrorCode::SystemIoFailure,
            1034,
            "disk I/O error",
        )))
        .context("a.db");
        assert_eq!(
            one_line(&fsync),
            "a.db: the file system refused to flush the archive to disk (fsync failed: a full disk, a failing device, or a mount that does not support it); put the archive on a local disk"
        );
        // Printed before as "…: cannot open database: database is locked: database is locked".
        let locked = anyhow::Error::from(super::super::StoreError::Open {
            path: "a.db".into(),
            source: failure(ErrorCode::DatabaseBusy, 5, "database is locked"),
        });
        let line = one_line(&locked);
        assert_eq!(line.matches("locked").count(), 1, "{line}");
        assert!(
            line.starts_with("a.db: the archive is locked by another program"),
            "{line}"
        );
        let fts = anyhow::Error::from(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(1),
            Some("no such table: paragraphs_fts".into()),
        ))
        .context("query search_paragraphs");
        assert!(one_line(&fts)
            .starts_with("query search_paragraphs: this archive's search index is not built"));
        // Anything else is printed as it is, a repeated message once.
        let other = anyhow::Error::from(super::super::StoreError::Sql(failure(
            ErrorCode::ConstraintViolation,
            19,
            "UNIQUE constraint failed: cables.id",
        )));
        assert_eq!(
            one_line(&other),
            "database error: UNIQUE constraint failed: cables.id"
        );
    }
}
