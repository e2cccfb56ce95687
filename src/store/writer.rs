//! The writer: inserts cables with their child rows in batched transactions, replacing a
//! stored cable whose content changed and leaving an unchanged one alone.

use super::{FtsState, StoreError};
use crate::model::Cable;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;

/// The first 64 bits of a hex SHA-256.
fn hash_prefix(sha256_hex: &str) -> u64 {
    sha256_hex
        .get(..16)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

/// What writing one cable did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Added,
    /// A new current version replaced the stored one.
    Updated,
    Unchanged,
    /// A new version older than the current one: kept in `cable_versions` only.
    OlderVersion,
}

/// Cables per transaction: large enough to amortise commits, small enough that an
/// interrupted run loses little.
const BATCH: usize = 10000;
/// Rows indexed per transaction while the search index is built (paragraphs: ~150 MB of text).
const FTS_CHUNK: i64 = 200_000;
/// WAL length (in pages) past which the writer finishes the checkpoint itself so that the
/// next transaction starts the WAL over (1 GiB of 4 KiB pages).
const WAL_LIMIT_PAGES: i32 = 256 * 1024;

pub struct Writer {
    conn: Connection,
    run_id: i64,
    in_batch: usize,
    tag_ids: HashMap<String, i64>,
    /// The archive held no cable when the run started: a reference id not yet written in
    /// this run cannot be stored, so the lookup before each insert is skipped.
    fresh: bool,
    /// Reference id → the first 64 bits of the content hash of every cable written in this
    /// run (a quarter of the memory of the full hex hash; 251,287 cables take ~11 MB).
    seen: HashMap<Box<str>, u64>,
    /// Build the search index when the run ends (it is absent and wanted).
    build_fts: bool,
    /// Pages in the WAL after the last commit (from SQLite's WAL hook).
    wal_pages: Arc<AtomicI32>,
}

impl Writer {
    /// Start a run: records it in `ingest_runs`.
    /// `fts`: keep a search index. Without a complete one, it is built when the load is done
    /// (`build_search_index`: much faster than triggers row by row); with one, its triggers
    /// keep it in step; `fts = false` drops it.
    pub fn new(conn: Connection, arguments: &str, fts: bool) -> Result<Self, StoreError> {
        let state = super::fts_state(&conn)?;
        if state != FtsState::Absent && !fts {
            super::drop_fts(&conn)?;
        }
        conn.execute(
            "INSERT INTO ingest_runs (started_at, version, arguments) VALUES (datetime('now'), ?1, ?2)",
            params![env!("CARGO_PKG_VERSION"), arguments],
        )?;
        let run_id = conn.last_insert_rowid();
        let fresh = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM cables)", [], |r| r.get(0))?;
        // Bulk-load settings that keep every commit crash-safe: WAL with synchronous=NORMAL
        // stays (a killed run loses at most the open batch, never the file). The page cache
        // grows, and this connection never checkpoints: a `Checkpointer` thread copies the
        // WAL back into the file beside it (see `ingest`), so the writer only appends.
        let mut conn = conn;
        conn.execute_batch(
            "PRAGMA cache_size = -131072; PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY;",
        )?;
        // The hook replaces the automatic checkpoint (off above) and only counts the WAL's pages.
        let wal_pages = Arc::new(AtomicI32::new(0));
        let pages = Arc::clone(&wal_pages);
        conn.wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, n: i32| {
            pages.store(n, Ordering::Relaxed);
            Ok(())
        }))?;
        Ok(Writer {
            conn,
            run_id,
            in_batch: 0,
            tag_ids: HashMap::new(),
            fresh,
            seen: HashMap::new(),
            build_fts: fts && state != FtsState::Complete,
            wal_pages,
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
        if self.wal_pages.load(Ordering::Relaxed) > WAL_LIMIT_PAGES {
            self.conn
                .query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))?;
            self.wal_pages.store(0, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Record an input that could not be ingested.
    pub fn record_error(
        &mut self,
        source_path: &str,
        location: Option<&str>,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.begin_if_needed()?;
        self.conn
            .prepare_cached(
                "INSERT INTO ingest_errors (run_id, source_path, location, reason) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![self.run_id, source_path, location, reason])?;
        self.commit_if_full()
    }

    /// Reference id → content hash of every cable this parser version stored: what a run can
    /// skip without parsing.
    pub fn known_versions(&self) -> Result<HashMap<String, String>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT reference_id, content_sha256 FROM cables WHERE parser_version = ?1")?;
        let rows = st.query_map([crate::parse::PARSER_VERSION], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Store a cable. A new reference id is added; the same content again (by the same
    /// parser) changes nothing; a different content is a new version: both are kept in
    /// `cable_versions`, and `cables` shows the current one (latest `released_at`, else the
    /// one first seen most recently). `force` rewrites the rows of known content.
    /// The flag is true when the same reference id came twice in this run with different
    /// content.
    pub fn write(&mut self, cable: &Cable, force: bool) -> Result<(Outcome, bool), StoreError> {
        self.begin_if_needed()?;
        let digest = hash_prefix(&cable.content_sha256);
        let earlier = self.seen.insert(cable.reference_id.as_str().into(), digest);
        let twice = earlier.is_some_and(|d| d != digest);
        let existing: Option<(i64, String, Option<String>, Option<String>)> =
            if self.fresh && earlier.is_none() {
                None
            } else {
                self.conn
                    .prepare_cached(
                        "SELECT id, content_sha256, parser_version, released_at FROM cables
                         WHERE reference_id = ?1",
                    )?
                    .query_row([&cable.reference_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()?
            };
        let outcome = match existing {
            None => {
                self.insert(None, cable)?;
                Outcome::Added
            }
            Some((id, sha, version, _)) if sha == cable.content_sha256 => {
                if !force && version.as_deref() == Some(crate::parse::PARSER_VERSION) {
                    Outcome::Unchanged
                } else {
                    self.replace(id, cable)?;
                    Outcome::Updated
                }
            }
            Some((id, _, _, current_released)) => {
                let known: bool = self
                    .conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM cable_versions
                         WHERE cable_id = ?1 AND content_sha256 = ?2)",
                    )?
                    .query_row(params![id, cable.content_sha256], |r| r.get(0))?;
                if known && !force {
                    // An older version seen again: nothing new.
                    Outcome::Unchanged
                } else {
                    self.keep_versions(id, cable)?;
                    let newer = match (&cable.released_at, &current_released) {
                        (Some(new), Some(current)) => new >= current,
                        (None, Some(_)) => false,
                        (_, None) => true,
                    };
                    if newer {
                        self.replace(id, cable)?;
                        Outcome::Updated
                    } else {
                        Outcome::OlderVersion
                    }
                }
            }
        };
        self.commit_if_full()?;
        Ok((outcome, twice))
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
        for table in [
            "recipients",
            "cable_tags",
            "paragraphs",
            "markings",
            "cable_references",
            "parse_warnings",
        ] {
            self.conn
                .prepare_cached(&format!("DELETE FROM {table} WHERE cable_id = ?1"))?
                .execute([id])?;
        }
        self.insert(Some(id), c)
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

    fn insert(&mut self, id: Option<i64>, c: &Cable) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO cables (id, reference_id, created_at, released_at, classification, origin,
                    title, subject, header_kind, transmission_id, precedence, date_time_group, sent_at,
                    sender, banner, section_count, declassify_on, classified_by,
                    classification_reasons, signer, summary, header, body, source_path,
                    source_format, source_row, content_sha256, ingest_run_id, published_id, declassify_raw,
                    parser_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                    ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)
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
                    parser_version = excluded.parser_version",
            )?
            .execute(params![
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
            ])?;
        // An upsert that updated leaves last_insert_rowid alone: use the id we know.
        let cable_id = id.unwrap_or_else(|| self.conn.last_insert_rowid());
        {
            let mut st = self.conn.prepare_cached(
                "INSERT INTO recipients (cable_id, position, kind, route, name, precedence, mcn)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (i, r) in c.recipients.iter().enumerate() {
                st.execute(params![
                    cable_id,
                    (i + 1) as i64,
                    r.kind,
                    r.route,
                    r.name,
                    r.precedence,
                    r.mcn
                ])?;
            }
        }
        for (i, t) in c.tags.iter().enumerate() {
            let tag_id = self.tag_id(&t.code, &t.kind, t.description.as_deref())?;
            self.conn
                .prepare_cached(
                    "INSERT INTO cable_tags (cable_id, tag_id, position) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![cable_id, tag_id, (i + 1) as i64])?;
        }
        {
            let mut st = self.conn.prepare_cached(
                "INSERT INTO paragraphs (cable_id, position, number, marking, heading, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (i, p) in c.paragraphs.iter().enumerate() {
                st.execute(params![
                    cable_id,
                    (i + 1) as i64,
                    p.number,
                    p.marking,
                    p.heading,
                    p.text
                ])?;
            }
        }
        {
            let mut st = self.conn.prepare_cached(
                "INSERT INTO markings (cable_id, marking, detail, place) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for m in &c.markings {
                st.execute(params![cable_id, m.marking, m.detail, m.place])?;
            }
        }
        {
            let mut st = self.conn.prepare_cached(
                "INSERT INTO parse_warnings (cable_id, field, message) VALUES (?1, ?2, ?3)",
            )?;
            for w in &c.warnings {
                st.execute(params![cable_id, w.field, w.message])?;
            }
        }
        {
            let mut st = self.conn.prepare_cached(
                "INSERT INTO cable_references (cable_id, position, bullet, text, kind, target_reference_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for r in &c.references {
                st.execute(params![
                    cable_id,
                    r.position,
                    r.bullet,
                    r.text,
                    r.kind,
                    r.target_reference_id
                ])?;
            }
        }
        Ok(())
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

    /// Commit the last batch.
    pub fn finish_load(&mut self) -> Result<(), StoreError> {
        self.commit()
    }

    /// Does the run still have the search index to build?
    pub fn search_index_wanted(&self) -> bool {
        self.build_fts
    }

    /// Build the search index over everything stored, `FTS_CHUNK` rows per transaction so
    /// the checkpointer copies the index into the file while it grows, then install the
    /// triggers that keep it in step, which mark it complete. A build cut short (Ctrl-C here,
    /// or a kill) leaves tables without triggers, which the next run drops and builds again.
    /// `progress(done, total)` in rows; returns false when `stop` cut it short.
    pub fn build_search_index(
        &mut self,
        progress: &dyn Fn(u64, u64),
        stop: &AtomicBool,
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
                if stop.load(Ordering::SeqCst) {
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
                cables_updated = ?4, cables_unchanged = ?5, rejected = ?6, status = ?7 WHERE id = ?1",
            params![
                self.run_id,
                counts.files as i64,
                counts.added as i64,
                counts.updated as i64,
                counts.unchanged as i64,
                counts.rejected as i64,
                status
            ],
        )?;
        super::aggregates::refresh(&self.conn)?;
        // Leave the file as readers want it: statistics for the planner, the WAL folded back
        // in, the default checkpoint interval restored.
        self.conn.execute_batch(
            "PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(TRUNCATE);",
        )?;
        Ok(())
    }
}
