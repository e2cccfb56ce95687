//! What can go wrong on the read side (`query`, `sql`, `search`, `show`, `stats`), as one
//! typed error: each variant knows whether it is the user's mistake (exit status 2) or the
//! archive's (1), and says what went wrong and why in one line, with a hint where one exists.

use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A mistake in what the user typed: `error: <what>: <why>`, exit status 2.
    #[error("{what}: {why}")]
    Usage {
        what: String,
        why: String,
        hint: Option<String>,
    },
    #[error("this archive was built by an older cable-archive: it has no level columns yet")]
    OlderSchema,
    #[error("{0}: no such cable in this archive")]
    NoSuchCable(String),
    #[error("this archive has no search index (it was ingested with --no-fts)")]
    NoSearchIndex,
    #[error("this archive's search index is incomplete (an ingest is building it, or was stopped while building it)")]
    PartialSearchIndex,
    /// SQLite's own message only: its error code text would repeat it.
    #[error("{what}: {}", sqlite_message(.source))]
    Sql {
        what: String,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("writing the output: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for ReadError {
    fn from(source: rusqlite::Error) -> Self {
        ReadError::Sql {
            what: "reading the archive".into(),
            source,
        }
    }
}

impl ReadError {
    pub fn usage(what: impl fmt::Display, why: impl fmt::Display) -> Self {
        ReadError::Usage {
            what: what.to_string(),
            why: why.to_string(),
            hint: None,
        }
    }

    pub fn usage_with_hint(
        what: impl fmt::Display,
        why: impl fmt::Display,
        hint: impl fmt::Display,
    ) -> Self {
        ReadError::Usage {
            what: what.to_string(),
            why: why.to_string(),
            hint: Some(hint.to_string()),
        }
    }

    /// 2 for a usage mistake, 1 for everything else (the documented exit statuses).
    pub fn exit_code(&self) -> i32 {
        match self {
            ReadError::Usage { .. } => 2,
            _ => 1,
        }
    }

    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<String> {
        match self {
            ReadError::Usage { hint, .. } => hint.clone(),
            ReadError::NoSearchIndex => {
                Some("run `cable-archive ingest` without --no-fts to build it".into())
            }
            ReadError::PartialSearchIndex => {
                Some("let it finish, or run `cable-archive ingest` again".into())
            }
            ReadError::OlderSchema => Some(
                "run `cable-archive ingest` on it once to upgrade it (unchanged files are re-parsed, nothing is lost)"
                    .into(),
            ),
            ReadError::NoSuchCable(_) => {
                Some("`cable-archive search WORDS` finds cables by their text".into())
            }
            _ => None,
        }
    }

    /// The writer went away (`search … | head`): not an error, as in other shell tools.
    pub fn is_closed_pipe(&self) -> bool {
        let broken = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
        match self {
            ReadError::Io(io) => broken(io),
            ReadError::Csv(c) => matches!(c.kind(), csv::ErrorKind::Io(io) if broken(io)),
            ReadError::Json(j) => j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe),
            _ => false,
        }
    }
}

/// `search` and `show` read the columns of migration V6; the read-only connection never
/// migrates, so an archive last written by an older binary is said to be one.
pub fn require_levels(conn: &rusqlite::Connection) -> Result<(), ReadError> {
    let has: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('paragraphs') WHERE name = 'level')",
        [],
        |r| r.get(0),
    )?;
    if has {
        Ok(())
    } else {
        Err(ReadError::OlderSchema)
    }
}

/// SQLite's message without the `Error code N` text rusqlite adds to the same facts.
pub fn sqlite_message(e: &rusqlite::Error) -> String {
    // What to do, where there is something (locked, read-only, no search index…).
    if let Some(advice) = crate::store::sqlite_advice(e) {
        return advice;
    }
    match e {
        rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
        rusqlite::Error::SqliteFailure(code, None) => {
            // `Error code 26: File opened that is not a database file` → the words only.
            let text = code.to_string();
            text.split_once(": ")
                .map_or(text.clone(), |(_, words)| words.to_string())
        }
        other => other.to_string(),
    }
}
