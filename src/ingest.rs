//! Ingest: runs the pipeline discover → decode → parse → store for one `ingest` command.
//!
//! Three stages run at once: a reader thread walks and decodes the inputs (a CSV as a stream)
//! into chunks, a rayon pool parses each chunk on `--jobs` threads, and the calling thread
//! writes the parsed chunks in input order, so the same input always gives the same row ids.
//! Channels between the stages are bounded, so memory does not grow with the input. Each
//! rejected input is printed as `path: reason` on stderr and recorded in `ingest_errors`.
//! Unchanged input files (path, size, mtime, else content hash) and unchanged cables are
//! skipped; one ingest at a time may write an archive; Ctrl-C stops after the current batch.

use crate::decode::{self, CsvRow, DecodeError, Decoded};
use crate::discover::{self, Found};
use crate::model::{Cable, Source};
use crate::parse;
use crate::store::{self, Outcome, Writer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Sources per chunk handed to the parser pool: enough to keep every core busy between
/// channel hand-offs, small enough to bound memory (a chunk of cables is a few MB).
const CHUNK: usize = 256;
/// A chunk is also handed on once its items hold this many bytes, so chunks of huge rows do
/// not multiply the memory: at most about `2 × IN_FLIGHT + 3` chunks exist at once.
const CHUNK_BYTES: usize = 8 << 20;
/// Chunks in flight between two stages.
const IN_FLIGHT: usize = 4;
/// How often the checkpointer copies the WAL back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);
/// How long a second ingest waits for the first to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(3);

#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub files: u64,
    /// Files skipped because they are unchanged since they were last ingested.
    pub files_unchanged: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// New versions older than the stored current one (kept in `cable_versions`).
    pub older_versions: u64,
    pub rejected: u64,
    /// The run was stopped by Ctrl-C after a complete batch.
    pub interrupted: bool,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub db: PathBuf,
    pub quiet: bool,
    pub arguments: String,
    /// Parser threads; 0 means one per core.
    pub jobs: usize,
    /// Re-read every file and re-parse and rewrite every cable.
    pub full: bool,
    /// Read and parse everything, report what would be rejected, store nothing.
    pub dry_run: bool,
    /// Keep a full-text search index (built at the end of the first run).
    pub fts: bool,
}

/// An input that could not be ingested.
struct Rejection {
    path: String,
    location: Option<String>,
    reason: String,
}

/// A file all of whose items have been handed on: the writer records it after them.
struct FileDone {
    path: String,
    size: i64,
    mtime_ns: i64,
    sha256: String,
}

/// What the reader hands to the parsers.
enum Item {
    Source(Box<Source>),
    /// A CSV record still to decode: decoding runs on the parser threads.
    CsvRow(Box<CsvRow>),
    Rejected(Rejection),
    File(FileDone),
}

/// What the parsers hand to the writer.
enum Parsed {
    Cable(Box<Cable>),
    /// A cable parsed in a dry run: counted, dropped on the parser thread that built it.
    DryRun,
    /// Stored before with the same content by this parser version: not parsed again.
    Unchanged,
    Rejected(Rejection),
    File(FileDone),
}

/// Reference id → content hash of what is already stored (empty with `--full`).
type Known = HashMap<String, String>;
/// Path → (size, mtime, hash) of the files last ingested (empty with `--full`).
type KnownFiles = HashMap<String, (i64, i64, String)>;

fn parse_item(item: Item, known: &Known) -> Parsed {
    match item {
        Item::Rejected(r) => Parsed::Rejected(r),
        Item::File(f) => Parsed::File(f),
        Item::CsvRow(row) => {
            let path = row.path().to_string();
            match row.into_source() {
                Ok(source) => parse_item(Item::Source(Box::new(source)), known),
                Err(DecodeError::Row { row, reason }) => Parsed::Rejected(Rejection {
                    path,
                    location: Some(format!("row {row}")),
                    reason,
                }),
                Err(e) => Parsed::Rejected(Rejection {
                    path,
                    location: None,
                    reason: e.to_string(),
                }),
            }
        }
        Item::Source(source) => {
            if !known.is_empty() {
                let id = source.reference_id.as_deref().map(parse::canonical_id);
                if let Some(stored) = id.and_then(|id| known.get(&id)) {
                    if *stored == parse::content_sha256(&source) {
                        return Parsed::Unchanged;
                    }
                }
            }
            let path = source.source_path.clone();
            let location = source.source_row.map(|r| format!("row {r}"));
            match parse::parse(*source) {
                Ok(cable) => Parsed::Cable(Box::new(cable)),
                Err(e) => Parsed::Rejected(Rejection {
                    path,
                    location,
                    reason: e.to_string(),
                }),
            }
        }
    }
}

/// Progress shared by the reader (bytes, files) and the writer (cables).
#[derive(Default)]
struct Progress {
    bytes: AtomicU64,
    files: AtomicU64,
    files_unchanged: AtomicU64,
}

/// Everything the reader stage needs.
struct Reader<'a> {
    tx: SyncSender<Vec<Item>>,
    progress: &'a Progress,
    known_files: &'a KnownFiles,
    stop: &'a AtomicBool,
    chunk: Vec<Item>,
    /// Bytes of text in `chunk`.
    chunk_bytes: usize,
    /// Hash each file for `ingest_files` (not in a dry run, which records none).
    hash_files: bool,
}

impl Reader<'_> {
    /// Queue an item; false when the parsers hung up or Ctrl-C asked to stop.
    fn push(&mut self, item: Item) -> bool {
        self.chunk_bytes += match &item {
            Item::Source(s) => s.body.len() + s.header.as_ref().map_or(0, String::len),
            Item::CsvRow(row) => row.byte_len(),
            Item::Rejected(_) | Item::File(_) => 0,
        };
        self.chunk.push(item);
        if self.chunk.len() >= CHUNK || self.chunk_bytes >= CHUNK_BYTES {
            self.chunk_bytes = 0;
            let full = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
            if self.tx.send(full).is_err() {
                return false;
            }
        }
        !self.stop.load(Ordering::Relaxed)
    }

    fn reject(&mut self, path: &str, location: Option<String>, reason: String) -> bool {
        self.push(Item::Rejected(Rejection {
            path: path.to_string(),
            location,
            reason,
        }))
    }

    /// Walk, decode and batch. Stops quietly when the parsers hang up or on Ctrl-C.
    fn run(mut self, found: Vec<Found>) {
        let mut done_bytes = 0u64;
        for f in found {
            if self.stop.load(Ordering::Relaxed) {
                break;
            }
            self.progress.files.fetch_add(1, Ordering::Relaxed);
            let (path, size, mtime_ns) = match f {
                Found::File {
                    path,
                    size,
                    mtime_ns,
                } => (path, size, mtime_ns),
                Found::Problem { path, reason } => {
                    if !self.reject(&path, None, reason) {
                        break;
                    }
                    continue;
                }
            };
            if !self.file(&path, size, mtime_ns, done_bytes) {
                break;
            }
            done_bytes += size;
            self.progress.bytes.store(done_bytes, Ordering::Relaxed);
        }
        if !self.chunk.is_empty() {
            let _ = self.tx.send(std::mem::take(&mut self.chunk));
        }
    }

    /// One input file; false to stop the walk.
    fn file(&mut self, path: &Path, size: u64, mtime_ns: i64, done_bytes: u64) -> bool {
        let shown = path.display().to_string();
        let done = |sha256: String| {
            Item::File(FileDone {
                path: shown.clone(),
                size: size as i64,
                mtime_ns,
                sha256,
            })
        };
        if let Some((known_size, known_mtime, known_sha)) = self.known_files.get(&shown) {
            if *known_size == size as i64 && *known_mtime == mtime_ns {
                self.progress
                    .files_unchanged
                    .fetch_add(1, Ordering::Relaxed);
                return true;
            }
            // Touched or copied but maybe the same: compare contents before any parsing.
            if decode::sha256_file(path).is_ok_and(|sha| sha == *known_sha) {
                self.progress
                    .files_unchanged
                    .fetch_add(1, Ordering::Relaxed);
                return self.push(done(known_sha.clone()));
            }
        }
        let decoded = match self.hash_files {
            true => decode::decode_file(path),
            false => decode::decode_file_unhashed(path),
        };
        match decoded {
            Ok(Decoded::One(source, sha)) => {
                self.push(Item::Source(source)) && sha.is_none_or(|sha| self.push(done(sha)))
            }
            Ok(Decoded::Csv(mut rows)) => {
                while let Some(row) = rows.next_row() {
                    let item = match row {
                        Ok(row) => Item::CsvRow(Box::new(row)),
                        Err(DecodeError::Row { row, reason }) => Item::Rejected(Rejection {
                            path: shown.clone(),
                            location: Some(format!("row {row}")),
                            reason,
                        }),
                        Err(e) => Item::Rejected(Rejection {
                            path: shown.clone(),
                            location: None,
                            reason: e.to_string(),
                        }),
                    };
                    if !self.push(item) {
                        return false;
                    }
                    self.progress
                        .bytes
                        .store(done_bytes + rows.bytes_read(), Ordering::Relaxed);
                }
                // Recorded only when read to the end.
                match (*rows).into_inner().and_then(|r| r.hex()) {
                    Some(sha) => self.push(done(sha)),
                    None => true,
                }
            }
            Err(e) => self.reject(&shown, None, e.to_string()),
        }
    }
}

/// The parser stage: each chunk parsed on the pool, order kept.
fn parse_chunks(
    rx: Receiver<Vec<Item>>,
    tx: SyncSender<Vec<Parsed>>,
    pool: &rayon::ThreadPool,
    known: &Known,
    dry_run: bool,
) {
    for chunk in rx {
        let parsed: Vec<Parsed> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|item| match parse_item(item, known) {
                    Parsed::Cable(_) if dry_run => Parsed::DryRun,
                    parsed => parsed,
                })
                .collect()
        });
        if tx.send(parsed).is_err() {
            return;
        }
    }
}

/// Exclusive right to write `db` for this process: a second ingest waits `LOCK_WAIT`, then
/// fails. The advisory lock is on the database file itself (flock, separate from SQLite's
/// own locks), so it needs no lock file and dies with the process.
fn lock(db: &Path) -> anyhow::Result<std::fs::File> {
    store::check_archive_path(db)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(db)
        .map_err(|e| anyhow::anyhow!("{}: cannot open database: {e}", db.display()))?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "{}: database is being written by another ingest; try again when it has finished",
                db.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                anyhow::bail!("{}: cannot lock database: {e}", db.display())
            }
        }
    }
}

/// Ctrl-C asks the reader to stop; what was read is parsed, written and committed.
fn stop_flag() -> Arc<AtomicBool> {
    static STOP: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    STOP.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        // A second handler (tests running `run` twice) is not an error worth failing for.
        let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
        flag
    })
    .clone()
}

/// Files recorded under the given roots that the walk no longer found.
fn gone_files(paths: &[PathBuf], found: &[Found], known: &KnownFiles) -> Vec<String> {
    let seen: HashSet<String> = found
        .iter()
        .filter_map(|f| match f {
            Found::File { path, .. } => Some(path.display().to_string()),
            Found::Problem { .. } => None,
        })
        .collect();
    let roots: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut gone: Vec<String> = known
        .keys()
        .filter(|k| !seen.contains(*k))
        .filter(|k| {
            roots.iter().any(|r| {
                *k == r
                    || k.strip_prefix(r.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        })
        .cloned()
        .collect();
    gone.sort();
    gone
}

pub fn run(opts: &Options) -> anyhow::Result<Counts> {
    let started = Instant::now();
    let found = discover::discover(&opts.paths)?;
    let _lock = match opts.dry_run {
        true => None,
        false => Some(lock(&opts.db)?),
    };
    let total: u64 = found
        .iter()
        .map(|f| match f {
            Found::File { size, .. } => *size,
            Found::Problem { .. } => 0,
        })
        .sum();
    let bar = progress_bar(total, opts.quiet, LOAD_BAR);
    let mut writer = match opts.dry_run {
        true => None,
        false => Some(Writer::new(
            store::open(&opts.db)?,
            &opts.arguments,
            opts.fts,
        )?),
    };
    let (known, known_files) = match &writer {
        Some(w) if !opts.full => (w.known_versions()?, w.known_files()?),
        _ => (Known::new(), KnownFiles::new()),
    };
    let gone = gone_files(&opts.paths, &found, &known_files);
    let mut counts = Counts::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .thread_name(|i| format!("parse-{i}"))
        .build()?;
    let progress = Progress::default();
    let stop = stop_flag();
    // Copies the WAL into the file beside the writer through the load and the index build.
    let checkpointer = match opts.dry_run {
        true => None,
        false => Some(store::Checkpointer::open(&opts.db)?.spawn(CHECKPOINT_EVERY)?),
    };
    let result = std::thread::scope(|s| -> anyhow::Result<()> {
        let (tx_items, rx_items) = sync_channel::<Vec<Item>>(IN_FLIGHT);
        let (tx_parsed, rx_parsed) = sync_channel::<Vec<Parsed>>(IN_FLIGHT);
        let reader = Reader {
            tx: tx_items,
            progress: &progress,
            known_files: &known_files,
            stop: &stop,
            chunk: Vec::with_capacity(CHUNK),
            chunk_bytes: 0,
            hash_files: !opts.dry_run,
        };
        std::thread::Builder::new()
            .name("read".into())
            .spawn_scoped(s, move || reader.run(found))?;
        let (pool, known) = (&pool, &known);
        let dry_run = opts.dry_run;
        s.spawn(move || parse_chunks(rx_items, tx_parsed, pool, known, dry_run));
        // The writer: this thread. Returning early drops `rx_parsed`, which stops the
        // other stages at their next hand-off.
        for chunk in rx_parsed {
            for parsed in chunk {
                let mut reject =
                    |r: Rejection, writer: &mut Option<Writer>| -> anyhow::Result<()> {
                        let place = r
                            .location
                            .as_ref()
                            .map_or_else(|| r.path.clone(), |l| format!("{}: {l}", r.path));
                        bar.suspend(|| crate::term::diagnostic(&format!("{place}: {}", r.reason)));
                        if let Some(writer) = writer.as_mut() {
                            writer.record_error(&r.path, r.location.as_deref(), &r.reason)?;
                        }
                        counts.rejected += 1;
                        Ok(())
                    };
                match parsed {
                    Parsed::Unchanged => counts.unchanged += 1,
                    Parsed::DryRun => counts.added += 1,
                    Parsed::Cable(cable) => {
                        let Some(w) = writer.as_mut() else {
                            counts.added += 1;
                            continue;
                        };
                        let (outcome, twice) = w.write(&cable, opts.full)?;
                        match outcome {
                            Outcome::Added => counts.added += 1,
                            Outcome::Updated => counts.updated += 1,
                            Outcome::Unchanged => counts.unchanged += 1,
                            Outcome::OlderVersion => counts.older_versions += 1,
                        }
                        if twice {
                            reject(
                                Rejection {
                                    path: cable.source_path.clone(),
                                    location: cable.source_row.map(|r| format!("row {r}")),
                                    reason: format!(
                                        "{} appears twice in this run with different content; both versions are kept in cable_versions",
                                        cable.reference_id
                                    ),
                                },
                                &mut writer,
                            )?;
                        }
                    }
                    Parsed::Rejected(r) => reject(r, &mut writer)?,
                    Parsed::File(f) => {
                        if let Some(w) = writer.as_mut() {
                            w.record_file(&f.path, f.size, f.mtime_ns, &f.sha256)?;
                        }
                    }
                }
            }
            bar.set_position(progress.bytes.load(Ordering::Relaxed));
            let n = counts.added + counts.updated + counts.unchanged;
            bar.set_message(format!("{n} cables"));
        }
        Ok(())
    });
    counts.files = progress.files.load(Ordering::Relaxed);
    counts.files_unchanged = progress.files_unchanged.load(Ordering::Relaxed);
    counts.interrupted = stop.load(Ordering::SeqCst);
    bar.finish_and_clear();
    // A failed write (a full disk, an I/O error) names the archive; its last batch was rolled
    // back and everything committed before stays valid.
    let in_archive = |e: anyhow::Error| e.context(opts.db.display().to_string());
    result.map_err(in_archive)?;
    if let Some(writer) = writer.as_mut() {
        writer.finish_load().map_err(|e| in_archive(e.into()))?;
        // An interrupted run leaves the index to the next run, which builds it.
        if writer.search_index_wanted() && !counts.interrupted {
            let bar = progress_bar(0, opts.quiet, INDEX_BAR);
            bar.set_message("building the search index");
            let built = writer
                .build_search_index(
                    &|done, total| {
                        bar.set_length(total);
                        bar.set_position(done);
                    },
                    &stop,
                )
                .map_err(|e| in_archive(e.into()))?;
            bar.finish_and_clear();
            counts.interrupted = !built;
        }
    }
    drop(checkpointer);
    let status = if counts.interrupted {
        "interrupted"
    } else if counts.rejected > 0 {
        "rejected-some"
    } else {
        "ok"
    };
    if let Some(writer) = writer {
        writer
            .finish(&counts, status)
            .map_err(|e| in_archive(e.into()))?;
    }
    for path in gone.iter().take(5) {
        crate::term::diagnostic(&format!(
            "{path}: gone since it was last ingested (its cables stay in the archive)"
        ));
    }
    if gone.len() > 5 {
        eprintln!(
            "... and {} more files gone since they were last ingested",
            gone.len() - 5
        );
    }
    let target = match opts.dry_run {
        true => "(dry run, nothing stored)".to_string(),
        false => opts.db.display().to_string(),
    };
    let extra = [
        (counts.files_unchanged, "files unchanged"),
        (counts.older_versions, "older versions kept"),
        (gone.len() as u64, "files gone"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!(", {n} {what}"))
    .collect::<String>();
    eprintln!(
        "{}{} files: {} cables added, {} updated, {} unchanged, {} rejected{extra} in {:.2}s -> {}",
        if counts.interrupted {
            "interrupted: "
        } else {
            ""
        },
        counts.files,
        counts.added,
        counts.updated,
        counts.unchanged,
        counts.rejected,
        started.elapsed().as_secs_f64(),
        target
    );
    Ok(counts)
}

/// Bytes read through the load.
const LOAD_BAR: &str = "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg} ETA {eta}";
/// Rows indexed through the search index build.
const INDEX_BAR: &str = "{bar:30} {pos}/{len} rows {msg} ETA {eta}";

fn progress_bar(total: u64, quiet: bool, template: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(total);
    bar.set_style(ProgressStyle::with_template(template).expect("valid template"));
    bar
}
