//! Store: `Cable` → rows in `archive.db`. Owns the connection, migrations (refinery, embedded
//! from `migrations/`), views (`sql/views/`, recreated on every open), and the writer.
//! Storing never parses text.

pub mod aggregates;
mod writer;

pub use writer::{Outcome, Writer};

use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Views are recreated on every open, so a changed view needs no migration.
pub const VIEWS: &[(&str, &str)] = &[
    (
        "cables_by_tag",
        include_str!("../../sql/views/cables_by_tag.sql"),
    ),
    (
        "cables_per_month",
        include_str!("../../sql/views/cables_per_month.sql"),
    ),
    ("tag_counts", include_str!("../../sql/views/tag_counts.sql")),
    (
        "origin_counts",
        include_str!("../../sql/views/origin_counts.sql"),
    ),
    (
        "classification_by_year",
        include_str!("../../sql/views/classification_by_year.sql"),
    ),
    (
        "recipient_counts",
        include_str!("../../sql/views/recipient_counts.sql"),
    ),
    ("citations", include_str!("../../sql/views/citations.sql")),
    ("most_cited", include_str!("../../sql/views/most_cited.sql")),
    (
        "cable_overview",
        include_str!("../../sql/views/cable_overview.sql"),
    ),
    (
        "changed_cables",
        include_str!("../../sql/views/changed_cables.sql"),
    ),
    (
        "cable_paragraphs",
        include_str!("../../sql/views/cable_paragraphs.sql"),
    ),
];

/// The search index (FTS5 over paragraphs and cables) and its triggers; derived data, so it
/// lives beside the views rather than in the migrations: `ingest --no-fts` goes without it.
const FTS_TABLES: &str = include_str!("../../sql/fts/tables.sql");
const FTS_TRIGGERS: &str = include_str!("../../sql/fts/triggers.sql");
const FTS_DROP: &str = include_str!("../../sql/fts/drop.sql");

/// The indexed tables: (FTS table, content table, indexed columns), as in `sql/fts/`.
const FTS_INDEXES: [(&str, &str, &str); 2] = [
    ("paragraphs_fts", "paragraphs", "[text], [heading]"),
    ("cables_fts", "cables", "[subject], [summary]"),
];

/// Where the search index stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FtsState {
    Absent,
    /// Its tables without the triggers that complete a build: a build cut short (or running).
    Partial,
    Complete,
}

pub fn fts_state(conn: &Connection) -> Result<FtsState, StoreError> {
    let (tables, triggers): (bool, bool) = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'paragraphs_fts'),
                EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'cables_au')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match (tables, triggers) {
        (false, _) => FtsState::Absent,
        (true, false) => FtsState::Partial,
        (true, true) => FtsState::Complete,
    })
}

pub fn drop_fts(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(&format!("BEGIN IMMEDIATE;\n{FTS_DROP}\nCOMMIT;"))?;
    Ok(())
}

/// Open an existing archive read-only: never creates, migrates or writes a file.
pub fn open_read_only(path: &Path) -> anyhow::Result<Connection> {
    if !path.exists() {
        anyhow::bail!(
            "{}: no such database (create it with `cable-archive ingest`)",
            path.display()
        );
    }
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| anyhow::anyhow!("{}: cannot open database: {e}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| anyhow::anyhow!("{}: cannot open database: {e}", path.display()))?;
    Ok(conn)
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open database: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("{path}: cannot migrate database: {source}")]
    Migrate {
        path: String,
        source: refinery::Error,
    },
    #[error("{path}: database schema version {found} is newer than this cable-archive knows ({known}); upgrade cable-archive, the file was not touched")]
    NewerSchema {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// A second connection that checkpoints the WAL while the writer appends to it. A PASSIVE
/// checkpoint never blocks the writer; once it has copied every frame, the writer's next
/// transaction starts the WAL over, so the WAL stays small without the writer doing the copy.
pub struct Checkpointer {
    conn: Connection,
}

impl Checkpointer {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL;")?;
        Ok(Checkpointer { conn })
    }

    /// Copy committed WAL frames into the database file; never waits for the writer.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Checkpoint every `every` on a thread of its own until the returned guard is dropped.
    pub fn spawn(self, every: Duration) -> std::io::Result<Background> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    // A checkpoint that fails (busy) is simply tried again; the final,
                    // truncating one in `Writer::finish` is checked.
                    let _ = self.checkpoint();
                }
            })?;
        Ok(Background {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A running checkpointer thread; dropping it stops the thread and waits for it.
pub struct Background {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Background {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An archive migrated by a newer cable-archive is left untouched: its schema may mean
/// things this binary does not know.
fn refuse_newer_schema(conn: &Connection, shown: &str) -> Result<(), StoreError> {
    let has_history: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = '_refinery_schema_history')",
        [],
        |r| r.get(0),
    )?;
    if !has_history {
        return Ok(());
    }
    let stored: Option<i64> = conn.query_row(
        "SELECT max(version) FROM _refinery_schema_history",
        [],
        |r| r.get(0),
    )?;
    let known = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0);
    match stored {
        Some(v) if v > known => Err(StoreError::NewerSchema {
            path: shown.to_string(),
            found: v,
            known,
        }),
        _ => Ok(()),
    }
}

/// Open (creating if needed) and migrate the database at `path` for writing.
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    let shown = path.display().to_string();
    let open_err = |source| StoreError::Open {
        path: shown.clone(),
        source,
    };
    let mut conn = Connection::open(path).map_err(open_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(open_err)?;
    // Reading the schema first turns "not a database" into an open error.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(open_err)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )
    .map_err(open_err)?;
    refuse_newer_schema(&conn, &shown)?;
    embedded::migrations::runner()
        .set_migration_table_name("_refinery_schema_history")
        .run(&mut conn)
        .map_err(|source| StoreError::Migrate {
            path: shown.clone(),
            source,
        })?;
    for (name, sql) in VIEWS {
        conn.execute_batch(&format!("DROP VIEW IF EXISTS {name};\n{sql}"))?;
    }
    Ok(conn)
}
