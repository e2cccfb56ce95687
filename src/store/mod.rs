//! Store: `Cable` → rows in `archive.db`. Owns the connection, migrations (refinery, embedded
//! from `migrations/`), views (`sql/views/`, recreated on every open), and the writer.
//! Storing never parses text.

pub mod aggregates;
pub mod indexes;
mod nocopy;
mod safety;
mod staging;
mod writer;

pub use safety::{check_archive_path, one_line, open_read_only, why as sqlite_advice, ReadOnly};
pub use staging::staging_path;
pub use writer::{source_is_known, Outcome, Writer, RANK_SQL};

use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The tables holding a cable's child rows (`cable_id`, cascading from `cables`), in schema
/// order: what the writer replaces when a cable changes and what `stats` counts and
/// fingerprints, one list so that a new child table cannot be forgotten by one of them.
pub const CHILD_TABLES: &[&str] = &[
    "recipients",
    "cable_tags",
    "paragraphs",
    "markings",
    "cable_references",
    "parse_warnings",
];

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
const FTS_OPTIMIZE: &str = include_str!("../../sql/fts/optimize.sql");
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
    #[error("{path}: {why}; it was left untouched (give --db a new file)")]
    Foreign { path: String, why: String },
    #[error("{0}")]
    NotAFile(String),
    #[error("{0}")]
    Staging(String),
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
    check_archive_path(path).map_err(|e| StoreError::NotAFile(e.to_string()))?;
    let mut conn = Connection::open(path).map_err(open_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(open_err)?;
    // Reading the schema first turns "not a database" into an open error, and another
    // application's database is refused before the first write (journal_mode below).
    if let Some(why) = safety::foreign(&conn).map_err(open_err)? {
        return Err(StoreError::Foreign {
            path: shown.clone(),
            why,
        });
    }
    // Before the first write: switching to WAL rewrites the header of an archive a run
    // left in rollback mode.
    refuse_newer_schema(&conn, &shown)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )
    .map_err(open_err)?;
    // Indexes a killed load left dropped come back first: a migration may read or replace
    // them, and the writer decides afresh whether to set them aside again.
    indexes::restore(&conn, &mut || Ok(()))?;
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
    adopt_sources(&conn)?;
    Ok(conn)
}

/// An archive written before `cable_sources` existed (V4) has a hash per cable that meant
/// "these bytes", not "this telegram text": left so, every cable would come back as a new
/// version. Once, in one transaction: each cable and kept version gets the hash of its
/// stored header and body (`decode::identity_sha256`, what a version is now), and each cable
/// its one known source. Versions that turn out to be the same text are folded together.
fn adopt_sources(conn: &Connection) -> Result<(), StoreError> {
    let needed: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM cable_sources) AND EXISTS (SELECT 1 FROM cables)",
        [],
        |r| r.get(0),
    )?;
    if !needed {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    // `key`: the cable a row belongs to; two rows of one cable with the same text are one.
    let rehash = |table: &str, key: &str| -> Result<(), StoreError> {
        let mut read = conn.prepare(&format!("SELECT id, {key}, header, body FROM {table}"))?;
        let mut rows = read.query([])?;
        let mut update = conn.prepare(&format!(
            "UPDATE {table} SET content_sha256 = ?2 WHERE id = ?1"
        ))?;
        let mut delete = conn.prepare(&format!("DELETE FROM {table} WHERE id = ?1"))?;
        let mut seen = std::collections::HashSet::new();
        while let Some(r) = rows.next()? {
            let (id, owner): (i64, i64) = (r.get(0)?, r.get(1)?);
            let header: Option<String> = r.get(2)?;
            let body: String = r.get(3)?;
            let sha = crate::decode::identity_sha256(header.as_deref(), &body);
            match seen.insert((owner, sha.clone())) {
                true => update.execute(rusqlite::params![id, sha])?,
                // A second kept version of the same cable that is the same text.
                false => delete.execute([id])?,
            };
        }
        Ok(())
    };
    rehash("cables", "id")?;
    rehash("cable_versions", "cable_id")?;
    conn.execute_batch(
        "INSERT OR IGNORE INTO cable_sources (cable_id, content_sha256, source_path,
            source_format, source_row, ingest_run_id, published_id, created_at, released_at,
            classification, origin, title)
        SELECT id, content_sha256, source_path, source_format, coalesce(source_row, 0),
            ingest_run_id, published_id, created_at, released_at, classification, origin, title
        FROM cables;
        COMMIT;",
    )?;
    Ok(())
}
