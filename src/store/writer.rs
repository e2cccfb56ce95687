//! The writer: inserts cables with their child rows in batched transactions, replacing a
//! stored cable whose content changed and leaving an unchanged one alone.

use super::staging::Staging;
use super::{FtsState, StoreError};
use crate::model::Cable;
use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

/// The first 64 bits of a hex SHA-256.
fn hash_prefix(sha256_hex: &str) -> u64 {
    sha256_hex
        .get(..16)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

/// A 64-bit key of a source (path, CSV row or 0) for the map of known sources.
pub fn source_key_hash(path: &str, row: i64) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one((path, row))
}

/// Does a source, before parsing, hold the version `known_sources` recorded for it?
pub fn source_is_known(known: &HashMap<u64, u64>, path: &str, row: i64, sha256_hex: &str) -> bool {
    known.get(&source_key_hash(path, row)) == Some(&hash_prefix(sha256_hex))
}

/// What writing one cable did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Added,
    /// A new current version replaced the stored one.
    Updated,
    Unchanged,
    /// Another source (file or CSV row) of a version already stored: recorded in
    /// `cable_sources`, its metadata merged.
    Duplicate,
    /// A new version older than the current one: kept in `cable_versions` only.
    OlderVersion,
}

/// How rich a format's metadata is: the `cables` row of a version is written from its richest
/// source, and each metadata field comes from the richest source that has it (README, "Merged
/// metadata"). HTML pages carry Released and the title, page text the title, CSV rows Created,
/// classification and origin; a raw telegram only what its header says.
fn format_rank(format: &str) -> u8 {
    match format {
        "html" => 3,
        "page-text" => 2,
        "csv" => 1,
        _ => 0,
    }
}

/// Orders the sources of a version: the richest format first, then by path and row, so the
/// choice does not depend on the order in which they arrive.
fn source_key<'a>(format: &str, path: &'a str, row: i64) -> (std::cmp::Reverse<u8>, &'a str, i64) {
    (std::cmp::Reverse(format_rank(format)), path, row)
}

/// The SQL twin of `format_rank`, for ordering `cable_sources`.
pub const RANK_SQL: &str =
    "CASE source_format WHEN 'html' THEN 3 WHEN 'page-text' THEN 2 WHEN 'csv' THEN 1 ELSE 0 END";

/// What is stored for a reference id.
struct Stored {
    id: i64,
    sha: String,
    parser_version: Option<String>,
    released_at: Option<String>,
    format: String,
    path: String,
    row: i64,
}

/// Cables per transaction: large enough to amortise commits, small enough that an
/// interrupted run loses little.
const BATCH: usize = 10000;
/// Rows indexed per transaction while the search index is built (paragraphs: ~150 MB of text).
const FTS_CHUNK: i64 = 200_000;
/// An archive holding fewer cables than this when a run starts is loaded with its deferrable
/// indexes dropped (`super::indexes`): creating them again over so few rows is quick, and a
/// large first load saves their per-row upkeep (README, Performance).
const DEFER_INDEXES_BELOW: i64 = 10_000;
/// WAL length (in pages) past which the writer finishes the checkpoint itself so that the
/// next transaction starts the WAL over (1 GiB of 4 KiB pages).
const WAL_LIMIT_PAGES: i32 = 256 * 1024;

pub struct Writer {
    /// Before `conn`: its statements are finalized before it closes.
    statements: super::nocopy::Statements,
    conn: Connection,
    run_id: i64,
    in_batch: usize,
    tag_ids: HashMap<String, i64>,
    /// The archive held no cable when the run started: a reference id not yet written in
    /// this run cannot be stored, so the lookup before each insert is skipped.
    fresh: bool,
    /// A 64-bit hash of every reference id written in this run: on a fresh archive, an id
    /// not in it needs no lookup (a collision only costs one).
    seen: HashSet<u64>,
    /// Drop the deferrable indexes at the first cable written (the archive was nearly empty).
    defer_indexes: bool,
    /// They are dropped: the load ends by creating them again.
    deferred: bool,
    /// The run wrote cables or merged their metadata, or found a run killed before its end:
    /// the counts of the aggregate tables are recomputed when it finishes.
    changed: bool,
    /// Build the search index when the run ends (it is absent and wanted).
    build_fts: bool,
    /// Pages in the WAL after the last commit (from SQLite's WAL hook).
    wal_pages: Arc<AtomicI32>,
    /// A first load, written to a staging file that `finish` moves over the archive
    /// (`super::staging`); `conn` is then the staging file's connection.
    staging: Option<Staging>,
}

impl Writer {
    /// Start a run: records it in `ingest_runs`.
    /// `fts`: keep a search index. Without a complete one, it is built when the load is done
    /// (`build_search_index`: much faster than triggers row by row); with one, its triggers
    /// keep it in step; `fts = false` drops it.
    /// A run on an archive holding no cable is staged (`super::staging`).
    pub fn new(
        conn: Connection,
        path: &std::path::Path,
        arguments: &str,
        fts: bool,
    ) -> Result<Self, StoreError> {
        let state = super::fts_state(&conn)?;
        if state != FtsState::Absent && !fts {
            super::drop_fts(&conn)?;
        }
        conn.execute(
            "INSERT INTO ingest_runs (started_at, version, arguments) VALUES (datetime('now'), ?1, ?2)",
            params![env!("CARGO_PKG_VERSION"), arguments],
        )?;
        let run_id = conn.last_insert_rowid();
        // Only one ingest writes at a time (the caller holds the lock), so a run still marked
        // `running` was killed (SIGKILL, a power cut) before it could record its end.
        // Such a run may have written cables without recomputing the counts.
        let killed = conn.execute(
            "UPDATE ingest_runs SET status = 'failed' WHERE status = 'running' AND id <> ?1",
            [run_id],
        )?;
        // Counted up to the threshold only: a large archive is not scanned at every run.
        let cables: i64 = conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM cables LIMIT ?1)",
            [DEFER_INDEXES_BELOW],
            |r| r.get(0),
        )?;
        let fresh = cables == 0;
        let (conn, staging) = match fresh {
            true => Staging::begin(conn, path, run_id)?,
            false => (conn, None),
        };
        // Bulk-load settings that keep every commit crash-safe: WAL with synchronous=NORMAL
        // stays (a killed run loses at most the open batch, never the file); a staged load
        // has neither WAL nor journal (`super::staging`). The page cache
        // grows, and this connection never checkpoints: a `Checkpointer` thread copies the
        // WAL back into the file beside it (see `ingest`), so the writer only appends.
        let mut conn = conn;
        conn.execute_batch(
            "PRAGMA cache_size = -131072; PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY;",
        )?;
        // The child tables' multi-row INSERTs (`insert_rows`): a statement per table and
        // row count, besides the others.
        conn.set_prepared_statement_cache_capacity(256);
        // The hook replaces the automatic checkpoint (off above) and only counts the WAL's pages.
        let wal_pages = Arc::new(AtomicI32::new(0));
        let pages = Arc::clone(&wal_pages);
        conn.wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, n: i32| {
            pages.store(n, Ordering::Relaxed);
            Ok(())
        }))?;
        Ok(Writer {
            statements: Default::default(),
            conn,
            run_id,
            in_batch: 0,
            tag_ids: HashMap::new(),
            fresh,
            seen: HashSet::new(),
            defer_indexes: cables < DEFER_INDEXES_BELOW,
            deferred: false,
            changed: killed > 0,
            build_fts: fts && state != FtsState::Complete,
            wal_pages,
            staging,
        })
    }

    fn begin_if_needed(&mut self) -> Result<(), StoreError> {
        if self.in_batch == 0 {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        self.in_batch += 1;
        Ok(())
    }

    fn commit_if_full(&mut self) -> Result<(), StoreError> {
        if self.in_batch >= BATCH {
            self.commit()?;
        }
        Ok(())
    }

    pub fn commit(&mut self) -> Result<(), StoreError> {
        if self.in_batch > 0 {
            self.conn.execute_batch("COMMIT")?;
            self.in_batch = 0;
            self.bound_wal()?;
        }
        Ok(())
    }

    /// Keep the WAL bounded. The checkpointer thread copies committed frames back while we
    /// write, but SQLite starts the WAL over only when a transaction begins with every frame
    /// copied, and ours begin right after a commit, so it never happens by itself. When the
    /// WAL passes `WAL_LIMIT_PAGES`, a RESTART checkpoint copies what the checkpointer has not
    /// (the last batch or so) and the next transaction writes the WAL from its start again.
    fn bound_wal(&mut self) -> Result<(), StoreError> {
        bound_wal(&self.conn, &self.wal_pages)
    }

    /// Record an input that could not be ingested (`kind` `rejected`) or that was walked past
    /// as not a cable (`skipped`).
    pub fn record_error(
        &mut self,
        kind: &str,
        source_path: &str,
        location: Option<&str>,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.begin_if_needed()?;
        self.conn
            .prepare_cached(
                "INSERT INTO ingest_errors (run_id, source_path, location, reason, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![self.run_id, source_path, location, reason, kind])?;
        self.commit_if_full()
    }

    /// (source path, row) → the first 64 bits of the version it held, for every source of a
    /// cable this parser version stored: a source seen again with the same text is skipped
    /// without parsing (`source_key_hash`).
    pub fn known_sources(&self) -> Result<HashMap<u64, u64>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT s.source_path, s.source_row, s.content_sha256 FROM cable_sources s
             JOIN cables c ON c.id = s.cable_id WHERE c.parser_version = ?1",
        )?;
        let rows = st.query_map([crate::parse::PARSER_VERSION], |r| {
            let path: String = r.get(0)?;
            let sha: String = r.get(2)?;
            Ok((source_key_hash(&path, r.get(1)?), hash_prefix(&sha)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn stored(&self, reference_id: &str) -> Result<Option<Stored>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, content_sha256, parser_version, released_at, source_format,
                    source_path, coalesce(source_row, 0) FROM cables WHERE reference_id = ?1",
            )?
            .query_row([reference_id], |r| {
                Ok(Stored {
                    id: r.get(0)?,
                    sha: r.get(1)?,
                    parser_version: r.get(2)?,
                    released_at: r.get(3)?,
                    format: r.get(4)?,
                    path: r.get(5)?,
                    row: r.get(6)?,
                })
            })
            .optional()?)
    }

    /// Store a cable read from one source. A new reference id is added. The same version
    /// (telegram text) again is another source of it: recorded in `cable_sources`, its
    /// metadata merged into the `cables` row, and the row rewritten from it when it is a
    /// richer source than the one the row was written from. A different text is a new
    /// version: every version is kept in `cable_versions`, and `cables` shows the current one
    /// (latest `released_at`, else the one seen last). `force` rewrites the rows of known
    /// content.
    pub fn write(&mut self, cable: &Cable, force: bool) -> Result<Outcome, StoreError> {
        self.begin_if_needed()?;
        let id_hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(&cable.reference_id);
        let first_in_run = self.seen.insert(id_hash);
        let existing = match self.fresh && first_in_run {
            true => None,
            false => self.stored(&cable.reference_id)?,
        };
        let row = cable.source_row.map_or(0, |r| r as i64);
        let format = cable.source_format.as_str();
        let outcome = match existing {
            None => {
                let id = self.insert(None, cable)?;
                self.record_source(id, cable)?;
                Outcome::Added
            }
            Some(cur) if cur.sha == cable.content_sha256 => {
                let known = self.record_source(cur.id, cable)?;
                let is_primary = cur.path == cable.source_path && cur.row == row;
                let richer = source_key(format, &cable.source_path, row)
                    < source_key(&cur.format, &cur.path, cur.row);
                let stale =
                    force || cur.parser_version.as_deref() != Some(crate::parse::PARSER_VERSION);
                if richer || (is_primary && stale) {
                    self.replace(cur.id, cable)?;
                    self.merge_metadata(cur.id, &cable.content_sha256)?;
                } else if !known {
                    self.merge_metadata(cur.id, &cable.content_sha256)?;
                }
                match (known, is_primary && stale && !richer) {
                    (_, true) => Outcome::Updated,
                    (true, false) => Outcome::Unchanged,
                    (false, false) => Outcome::Duplicate,
                }
            }
            Some(cur) => {
                let known_version: bool = self
                    .conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM cable_versions
                         WHERE cable_id = ?1 AND content_sha256 = ?2)",
                    )?
                    .query_row(params![cur.id, cable.content_sha256], |r| r.get(0))?;
                let known_source = self.record_source(cur.id, cable)?;
                if known_version && !force {
                    // An older version seen again: nothing new.
                    match known_source {
                        true => Outcome::Unchanged,
                        false => Outcome::Duplicate,
                    }
                } else {
                    self.keep_versions(cur.id, cable)?;
                    let newer = match (&cable.released_at, &cur.released_at) {
                        (Some(new), Some(current)) => new >= current,
                        (None, Some(_)) => false,
                        (_, None) => true,
                    };
                    if newer {
                        self.replace(cur.id, cable)?;
                        self.merge_metadata(cur.id, &cable.content_sha256)?;
                        Outcome::Updated
                    } else {
                        Outcome::OlderVersion
                    }
                }
            }
        };
        self.commit_if_full()?;
        Ok(outcome)
    }

    /// Record the source a cable was read from; true when it was already recorded holding
    /// this version. A source that now holds another text (an edited file) moves to it.
    fn record_source(&mut self, cable_id: i64, c: &Cable) -> Result<bool, StoreError> {
        let row = c.source_row.map_or(0, |r| r as i64);
        let before: Option<(i64, String)> = match self.fresh {
            // Nothing was recorded before this run, and a run reads each source once.
            true => None,
            false => self
                .conn
                .prepare_cached(
                    "SELECT cable_id, content_sha256 FROM cable_sources
                     WHERE source_path = ?1 AND source_row = ?2",
                )?
                .query_row(params![c.source_path, row], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?,
        };
        if before
            .as_ref()
            .is_some_and(|(id, sha)| *id == cable_id && *sha == c.content_sha256)
        {
            return Ok(true);
        }
        self.conn
            .prepare_cached(
                "INSERT INTO cable_sources (cable_id, content_sha256, source_path, source_format,
                    source_row, ingest_run_id, published_id, created_at, released_at,
                    classification, origin, title)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (source_path, source_row) DO UPDATE SET cable_id = excluded.cable_id,
                    content_sha256 = excluded.content_sha256, source_format = excluded.source_format,
                    ingest_run_id = excluded.ingest_run_id, published_id = excluded.published_id,
                    created_at = excluded.created_at, released_at = excluded.released_at,
                    classification = excluded.classification, origin = excluded.origin,
                    title = excluded.title",
            )?
            .execute(params![
                cable_id,
                c.content_sha256,
                c.source_path,
                c.source_format.as_str(),
                row,
                self.run_id,
                c.published_id,
                c.created_at,
                c.released_at,
                c.classification,
                c.origin,
                c.title
            ])?;
        Ok(false)
    }

    /// Each metadata column of the `cables` row from the richest source of its version that
    /// has it (`format_rank`, then path and row): the same whatever order the sources came in.
    fn merge_metadata(&mut self, id: i64, sha: &str) -> Result<(), StoreError> {
        let pick = |column: &str| {
            format!(
                "{column} = coalesce((SELECT {column} FROM cable_sources WHERE cable_id = ?1
                    AND content_sha256 = ?2 AND {column} IS NOT NULL
                    ORDER BY {RANK_SQL} DESC, source_path, source_row LIMIT 1), {column})"
            )
        };
        let sets: Vec<String> = [
            "published_id",
            "created_at",
            "released_at",
            "classification",
            "origin",
            "title",
        ]
        .iter()
        .map(|c| pick(c))
        .collect();
        self.conn
            .prepare_cached(&format!(
                "UPDATE cables SET {} WHERE id = ?1",
                sets.join(", ")
            ))?
            .execute(params![id, sha])?;
        super::aggregates::store_metadata(&self.conn, id)?;
        self.changed = true;
        Ok(())
    }

    /// Record the stored version (if it is not yet) and the new one in `cable_versions`.
    fn keep_versions(&mut self, id: i64, c: &Cable) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO cable_versions (cable_id, content_sha256, source_path,
                    source_format, source_row, released_at, first_seen_run, header, body)
                 SELECT id, content_sha256, source_path, source_format, source_row, released_at,
                    ingest_run_id, header, body FROM cables WHERE id = ?1",
            )?
            .execute([id])?;
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO cable_versions (cable_id, content_sha256, source_path,
                    source_format, source_row, released_at, first_seen_run, header, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                c.content_sha256,
                c.source_path,
                c.source_format.as_str(),
                c.source_row.map(|r| r as i64),
                c.released_at,
                self.run_id,
                c.header,
                c.body
            ])?;
        Ok(())
    }

    /// Make `c` the current version of cable `id`: its child rows are replaced and the cable
    /// row updated in place (deleting it would cascade to its versions).
    fn replace(&mut self, id: i64, c: &Cable) -> Result<(), StoreError> {
        for table in super::CHILD_TABLES {
            self.conn
                .prepare_cached(&format!("DELETE FROM {table} WHERE cable_id = ?1"))?
                .execute([id])?;
        }
        self.insert(Some(id), c).map(|_| ())
    }

    /// Input files this parser version last ingested: path → (size, mtime in ns, hash).
    pub fn known_files(&self) -> Result<HashMap<String, (i64, i64, String)>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT path, size, mtime_ns, content_sha256 FROM ingest_files WHERE parser_version = ?1",
        )?;
        let rows = st.query_map([crate::parse::PARSER_VERSION], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The paths of every recorded input file, whatever parser read it.
    pub fn recorded_files(&self) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT path FROM ingest_files ORDER BY path")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forget recorded input files (that no longer exist); their cables stay.
    pub fn forget_files(&mut self, paths: &[String]) -> Result<(), StoreError> {
        self.begin_if_needed()?;
        for path in paths {
            self.conn
                .prepare_cached("DELETE FROM ingest_files WHERE path = ?1")?
                .execute([path])?;
        }
        self.commit()
    }

    /// Remember an input file whose every cable (or rejection) has been written.
    pub fn record_file(
        &mut self,
        path: &str,
        size: i64,
        mtime_ns: i64,
        sha256: &str,
    ) -> Result<(), StoreError> {
        self.begin_if_needed()?;
        self.conn
            .prepare_cached(
                "INSERT INTO ingest_files (path, size, mtime_ns, content_sha256, parser_version, last_run)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(path) DO UPDATE SET size = excluded.size,
                    mtime_ns = excluded.mtime_ns, content_sha256 = excluded.content_sha256,
                    parser_version = excluded.parser_version, last_run = excluded.last_run",
            )?
            .execute(params![
                path,
                size,
                mtime_ns,
                sha256,
                crate::parse::PARSER_VERSION,
                self.run_id
            ])?;
        Ok(())
    }

    fn insert(&mut self, id: Option<i64>, c: &Cable) -> Result<i64, StoreError> {
        if self.defer_indexes && !self.deferred {
            // In this batch's transaction: the drop and its record commit with the cables.
            super::indexes::defer(&self.conn)?;
            self.deferred = true;
        }
        let values = params![
            id,
            c.reference_id,
            c.created_at,
            c.released_at,
            c.classification,
            c.origin,
            c.title,
            c.subject,
            c.header_kind,
            c.transmission_id,
            c.precedence,
            c.date_time_group,
            c.sent_at,
            c.sender,
            c.banner,
            c.section_count,
            c.declassify_on,
            c.classified_by,
            c.classification_reasons,
            c.signer,
            c.summary,
            c.header,
            c.body,
            c.source_path,
            c.source_format.as_str(),
            c.source_row.map(|r| r as i64),
            c.content_sha256,
            self.run_id,
            c.published_id,
            c.declassify_raw,
            crate::parse::PARSER_VERSION,
            c.classification_level,
            c.noforn,
            c.signer_key,
        ];
        let values: Vec<ToSqlOutput<'_>> = values
            .iter()
            .map(|v| v.to_sql())
            .collect::<Result<_, _>>()?;
        self.statements.execute(
            &self.conn,
            ("cables", 1),
            || {
                "INSERT INTO cables (id, reference_id, created_at, released_at, classification, origin,
                    title, subject, header_kind, transmission_id, precedence, date_time_group, sent_at,
                    sender, banner, section_count, declassify_on, classified_by,
                    classification_reasons, signer, summary, header, body, source_path,
                    source_format, source_row, content_sha256, ingest_run_id, published_id, declassify_raw,
                    parser_version, classification_level, noforn, signer_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                    ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)
                 ON CONFLICT(id) DO UPDATE SET reference_id = excluded.reference_id,
                    created_at = excluded.created_at, released_at = excluded.released_at,
                    classification = excluded.classification, origin = excluded.origin,
                    title = excluded.title, subject = excluded.subject,
                    header_kind = excluded.header_kind, transmission_id = excluded.transmission_id,
                    precedence = excluded.precedence, date_time_group = excluded.date_time_group,
                    sent_at = excluded.sent_at, sender = excluded.sender, banner = excluded.banner,
                    section_count = excluded.section_count, declassify_on = excluded.declassify_on,
                    classified_by = excluded.classified_by,
                    classification_reasons = excluded.classification_reasons,
                    signer = excluded.signer, summary = excluded.summary, header = excluded.header,
                    body = excluded.body, source_path = excluded.source_path,
                    source_format = excluded.source_format, source_row = excluded.source_row,
                    content_sha256 = excluded.content_sha256, ingest_run_id = excluded.ingest_run_id,
                    published_id = excluded.published_id, declassify_raw = excluded.declassify_raw,
                    parser_version = excluded.parser_version,
                    classification_level = excluded.classification_level,
                    noforn = excluded.noforn, signer_key = excluded.signer_key"
                    .into()
            },
            &values,
        )?;
        // An upsert that updated leaves last_insert_rowid alone: use the id we know.
        let cable_id = id.unwrap_or_else(|| self.conn.last_insert_rowid());
        let id = ToSqlOutput::from(cable_id);
        let position = |i: usize| ToSqlOutput::from((i + 1) as i64);
        let mut values = Vec::new();
        for (i, r) in c.recipients.iter().enumerate() {
            values.extend([id.clone(), position(i), r.kind.to_sql()?, r.route.to_sql()?]);
            values.extend([r.name.to_sql()?, r.precedence.to_sql()?, r.mcn.to_sql()?]);
        }
        insert_rows(
            &mut self.statements,
            &self.conn,
            "recipients (cable_id, position, kind, route, name, precedence, mcn)",
            &mut values,
        )?;
        for (i, t) in c.tags.iter().enumerate() {
            let tag_id = self.tag_id(&t.code, &t.kind, t.description.as_deref())?;
            values.extend([id.clone(), ToSqlOutput::from(tag_id), position(i)]);
        }
        insert_rows(
            &mut self.statements,
            &self.conn,
            "cable_tags (cable_id, tag_id, position)",
            &mut values,
        )?;
        for (i, p) in c.paragraphs.iter().enumerate() {
            values.extend([
                id.clone(),
                position(i),
                p.number.to_sql()?,
                p.marking.to_sql()?,
            ]);
            values.extend([p.heading.to_sql()?, p.text.to_sql()?, p.level.to_sql()?]);
            values.push(p.caveats.to_sql()?);
        }
        insert_rows(
            &mut self.statements,
            &self.conn,
            "paragraphs (cable_id, position, number, marking, heading, text, level, caveats)",
            &mut values,
        )?;
        for m in &c.markings {
            values.extend([
                id.clone(),
                m.marking.to_sql()?,
                m.detail.to_sql()?,
                m.place.to_sql()?,
            ]);
        }
        insert_rows(
            &mut self.statements,
            &self.conn,
            "markings (cable_id, marking, detail, place)",
            &mut values,
        )?;
        for w in &c.warnings {
            values.extend([id.clone(), w.field.to_sql()?, w.message.to_sql()?]);
        }
        insert_rows(
            &mut self.statements,
            &self.conn,
            "parse_warnings (cable_id, field, message)",
            &mut values,
        )?;
        for r in &c.references {
            values.extend([
                id.clone(),
                r.position.to_sql()?,
                r.bullet.to_sql()?,
                r.text.to_sql()?,
            ]);
            values.extend([r.kind.to_sql()?, r.target_reference_id.to_sql()?]);
        }
        insert_rows(
            &mut self.statements,
            &self.conn,
            "cable_references (cable_id, position, bullet, text, kind, target_reference_id)",
            &mut values,
        )?;
        super::aggregates::store_row(&self.conn, cable_id, self.run_id, c)?;
        self.changed = true;
        Ok(cable_id)
    }

    fn tag_id(
        &mut self,
        code: &str,
        kind: &str,
        description: Option<&str>,
    ) -> Result<i64, StoreError> {
        if let Some(&id) = self.tag_ids.get(code) {
            return Ok(id);
        }
        self.conn
            .prepare_cached(
                "INSERT INTO tags (code, kind, description) VALUES (?1, ?2, ?3) ON CONFLICT(code) DO NOTHING",
            )?
            .execute(params![code, kind, description])?;
        let id: i64 = self
            .conn
            .prepare_cached("SELECT id FROM tags WHERE code = ?1")?
            .query_row([code], |r| r.get(0))?;
        self.tag_ids.insert(code.to_string(), id);
        Ok(id)
    }

    /// Commit the last batch and create the indexes the load set aside.
    pub fn finish_load(&mut self) -> Result<(), StoreError> {
        self.commit()?;
        if let Some(staging) = self.staging.as_mut() {
            staging.flush_early();
        }
        if self.deferred {
            let (conn, wal_pages) = (&self.conn, &self.wal_pages);
            super::indexes::restore(conn, &mut || bound_wal(conn, wal_pages))?;
            self.deferred = false;
        }
        Ok(())
    }

    /// Is this run a first load written to a staging file (no WAL to checkpoint)?
    pub fn staged(&self) -> bool {
        self.staging.is_some()
    }

    /// Does the run still have the search index to build?
    pub fn search_index_wanted(&self) -> bool {
        self.build_fts
    }

    /// Build the search index over everything stored, `FTS_CHUNK` rows per transaction so
    /// the checkpointer copies the index into the file while it grows, merge it into one
    /// segment (`sql/fts/optimize.sql`), then install the triggers that keep it in step,
    /// which mark it complete. A build cut short (Ctrl-C here, or a kill) leaves tables
    /// without triggers, which the next run drops and builds again.
    /// `progress(done, total)` in rows; returns false when `stop` cut it short.
    pub fn build_search_index(
        &mut self,
        progress: &dyn Fn(u64, u64),
        stop: &dyn Fn() -> bool,
    ) -> Result<bool, StoreError> {
        super::drop_fts(&self.conn)?;
        self.conn
            .execute_batch(&format!("BEGIN IMMEDIATE;\n{}\nCOMMIT;", super::FTS_TABLES))?;
        let mut spans = Vec::new();
        for (fts, table, columns) in super::FTS_INDEXES {
            let last: i64 = self.conn.query_row(
                &format!("SELECT coalesce(max(id), 0) FROM [{table}]"),
                [],
                |r| r.get(0),
            )?;
            let insert = format!(
                "INSERT INTO [{fts}] (rowid, {columns}) SELECT id, {columns} FROM [{table}] WHERE id > ?1 AND id <= ?2"
            );
            spans.push((insert, last));
        }
        let total: i64 = spans.iter().map(|(_, last)| last).sum();
        let mut done = 0;
        progress(0, total as u64);
        for (insert, last) in &spans {
            let mut from = 0;
            while from < *last {
                if stop() {
                    return Ok(false);
                }
                let to = (from + FTS_CHUNK).min(*last);
                self.conn.execute_batch("BEGIN IMMEDIATE")?;
                self.conn.execute(insert, params![from, to])?;
                self.conn.execute_batch("COMMIT")?;
                self.bound_wal()?;
                done += to - from;
                from = to;
                progress(done as u64, total as u64);
            }
        }
        if stop() {
            return Ok(false);
        }
        self.conn.execute_batch(&format!(
            "BEGIN IMMEDIATE;\n{}\nCOMMIT;",
            super::FTS_OPTIMIZE
        ))?;
        self.bound_wal()?;
        self.conn.execute_batch(&format!(
            "BEGIN IMMEDIATE;\n{}\nCOMMIT;",
            super::FTS_TRIGGERS
        ))?;
        self.build_fts = false;
        Ok(true)
    }

    /// Close the run with its counts and leave the file as readers want it.
    pub fn finish(
        mut self,
        counts: &crate::ingest::Counts,
        status: &str,
    ) -> Result<(), StoreError> {
        self.commit()?;
        self.conn.execute(
            "UPDATE ingest_runs SET finished_at = datetime('now'), files_seen = ?2, cables_added = ?3,
                cables_updated = ?4, cables_unchanged = ?5, rejected = ?6, status = ?7,
                duplicate_sources = ?8, skipped = ?9 WHERE id = ?1",
            params![
                self.run_id,
                counts.files as i64,
                counts.added as i64,
                counts.updated as i64,
                counts.unchanged as i64,
                counts.rejected as i64,
                status,
                counts.duplicates as i64,
                counts.skipped as i64,
            ],
        )?;
        super::aggregates::refresh(&self.conn, self.changed)?;
        // Leave the file as readers want it: statistics for the planner, the WAL folded back
        // in, the default checkpoint interval restored.
        self.conn.execute_batch(
            "PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(TRUNCATE);",
        )?;
        // Rollback mode between runs: a reader needs no -wal/-shm files, so the archive can
        // be read from a read-only folder or medium (a DVD, another user's file; issue 11).
        // A reader still open (Datasette keeps its connections) keeps it in WAL mode: the
        // run does not wait long for it, and the next run tries again.
        self.conn
            .busy_timeout(std::time::Duration::from_millis(500))?;
        let _ = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()));
        self.statements.clear();
        match self.staging.take() {
            Some(staging) => staging.finish(self.conn),
            None => Ok(()),
        }
    }
}

/// Rows per INSERT statement for a cable's child rows. One statement per row pays SQLite's
/// per-statement work (bind, step, halt, reset) for each of the ~27 rows of an average cable.
const ROWS_PER_INSERT: usize = 16;

/// Insert `values`, whole rows of the columns `into` names (`table (a, b, c)`), in multi-row
/// INSERT statements of up to `ROWS_PER_INSERT` rows (each prepared once per table and row
/// count), and empty it.
fn insert_rows(
    statements: &mut super::nocopy::Statements,
    conn: &Connection,
    into: &'static str,
    values: &mut Vec<ToSqlOutput<'_>>,
) -> Result<(), StoreError> {
    let width = into.matches(',').count() + 1;
    debug_assert_eq!(values.len() % width, 0);
    for chunk in values.chunks(width * ROWS_PER_INSERT) {
        let rows = chunk.len() / width;
        let sql = || {
            let row = format!("({}?)", "?, ".repeat(width - 1));
            format!("INSERT INTO {into} VALUES {}", vec![row; rows].join(", "))
        };
        statements.execute(conn, (into, rows), sql, chunk)?;
    }
    values.clear();
    Ok(())
}

/// `Writer::bound_wal` for a connection and its WAL hook's page count.
fn bound_wal(conn: &Connection, wal_pages: &AtomicI32) -> Result<(), StoreError> {
    if wal_pages.load(Ordering::Relaxed) > WAL_LIMIT_PAGES {
        conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))?;
        wal_pages.store(0, Ordering::Relaxed);
    }
    Ok(())
}
