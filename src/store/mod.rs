//! Store: `Cable` → rows in `archive.db`. Owns the connection, migrations (refinery, embedded
//! from `migrations/`), views (`sql/views/`, recreated on every open), and the writer.
//! Storing never parses text.

mod writer;

pub use writer::{Outcome, Writer};

use rusqlite::Connection;
use std::path::Path;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Views are recreated on every open, so a changed view needs no migration.
pub const VIEWS: &[(&str, &str)] = &[(
    "cables_by_tag",
    include_str!("../../sql/views/cables_by_tag.sql"),
)];

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
