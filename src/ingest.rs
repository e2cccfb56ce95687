//! Ingest: runs the pipeline discover → decode → parse → store for one `ingest` command.
//!
//! `run` is five steps: open and lock the archive, plan the inputs (walk, what is known,
//! what is gone), run the pipeline, finish the search index, report. The pipeline has three
//! stages at once: a reader thread walks and decodes the inputs (a CSV as a stream) into
//! chunks, a rayon pool parses each chunk on `--jobs` threads, and the calling thread writes
//! the parsed chunks in input order, so the same input always gives the same row ids.
//! Channels between the stages are bounded, so memory does not grow with the input.
//! A source already recorded with the same text is skipped before parsing; another rendering
//! of a stored version is a duplicate source, not an error (`store::Writer::write`). A walked
//! file that is not a cable is skipped; a broken one, or one named on the command line, is
//! rejected; both are recorded in `ingest_errors`. SIGINT and SIGTERM stop after the current
//! batch.

use crate::decode::{self, CsvRow, DecodeError, Decoded};
use crate::discover::{self, Found};
use crate::model::{Cable, Source};
use crate::parse;
use crate::store::{self, Outcome, Writer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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
/// Per-file lines printed on stderr before the rest are only counted (all are recorded in
/// `ingest_errors`).
const MAX_MESSAGES: usize = 20;

#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub files: u64,
    /// Files skipped because they are unchanged since they were last ingested.
    pub files_unchanged: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Other renderings (files, CSV rows) of a version already stored.
    pub duplicates: u64,
    /// New versions older than the stored current one (kept in `cable_versions`).
    pub older_versions: u64,
    pub rejected: u64,
    /// Walked files that are not cables at all.
    pub skipped: u64,
    /// Files recorded under the given paths that no longer exist.
    pub gone: u64,
    /// The run was stopped by SIGINT or SIGTERM (the signal number) after a complete batch.
    pub signal: Option<i32>,
}

impl Counts {
    pub fn interrupted(&self) -> bool {
        self.signal.is_some()
    }

    /// The exit status the README documents: 128 + the signal, 3 if an input was rejected.
    pub fn exit_status(&self) -> i32 {
        match self.signal {
            Some(sig) => 128 + sig,
            None if self.rejected > 0 => 3,
            None => 0,
        }
    }

    fn status(&self) -> &'static str {
        match (self.interrupted(), self.rejected) {
            (true, _) => "interrupted",
            (false, 0) => "ok",
            (false, _) => "rejected-some",
        }
    }
}

/// The summary line, without the time and the archive: `2943 files: 980 cables added,
/// 0 updated, 0 unchanged, 0 rejected, 2940 duplicate sources, 2 skipped (not cables)`.
impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.interrupted() {
            f.write_str("interrupted: ")?;
        }
        write!(
            f,
            "{} files: {} cables added, {} updated, {} unchanged, {} rejected",
            self.files, self.added, self.updated, self.unchanged, self.rejected
        )?;
        for (n, what) in [
            (self.duplicates, "duplicate sources"),
            (self.skipped, "skipped (not cables)"),
            (self.files_unchanged, "files unchanged"),
            (self.older_versions, "older versions kept"),
            (self.gone, "files gone"),
        ] {
            if n > 0 {
                write!(f, ", {n} {what}")?;
            }
        }
        Ok(())
    }
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub db: PathBuf,
    pub quiet: bool,
    pub arguments: String,
    /// Parser threads; 0 for the default (`parser_threads`).
    pub jobs: usize,
    /// Re-read every file and re-parse and rewrite every cable.
    pub full: bool,
    /// Read and parse everything, report what would be rejected, store nothing.
    pub dry_run: bool,
    /// Keep a full-text search index (built at the end of the first run).
    pub fts: bool,
    /// Forget the recorded files under the given paths that no longer exist.
    pub forget_gone: bool,
}

/// Why an input was not stored: `Skipped` for a walked file that is not a cable at all,
/// `Rejected` for a broken cable or a non-cable named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rejected,
    Skipped,
}

/// An input that was not stored, as printed and recorded.
struct Rejection {
    kind: Kind,
    /// The path as reached from the command line.
    path: Arc<str>,
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

/// What the reader hands to the parsers (with the path as reached, for messages).
enum Item {
    Source(Box<Source>, Arc<str>),
    /// A CSV record still to decode: decoding runs on the parser threads.
    CsvRow(Box<CsvRow>, Arc<str>),
    Rejected(Rejection),
    File(FileDone),
}

/// What the parsers hand to the writer.
enum Parsed {
    Cable(Box<Cable>),
    /// A cable parsed in a dry run: counted, dropped on the parser thread that built it.
    DryRun,
    /// This source was recorded before with the same text by this parser version.
    Unchanged,
    Rejected(Rejection),
    File(FileDone),
}

/// (path, row) key → version prefix of the sources already stored (empty with `--full`).
type KnownSources = HashMap<u64, u64>;
/// Canonical path → (size, mtime, hash) of the files last ingested (empty with `--full`).
type KnownFiles = HashMap<String, (i64, i64, String)>;

fn rejected(path: &Arc<str>, location: Option<String>, reason: impl ToString) -> Rejection {
    Rejection {
        kind: Kind::Rejected,
        path: path.clone(),
        location,
        reason: reason.to_string(),
    }
}

fn parse_item(item: Item, known: &KnownSources) -> Parsed {
    match item {
        Item::Rejected(r) => Parsed::Rejected(r),
        Item::File(f) => Parsed::File(f),
        Item::CsvRow(row, shown) => match row.into_source() {
            Ok(source) => parse_item(Item::Source(Box::new(source), shown), known),
            Err(DecodeError::Row { row, reason }) => {
                Parsed::Rejected(rejected(&shown, Some(format!("row {row}")), reason))
            }
            Err(e) => Parsed::Rejected(rejected(&shown, None, e)),
        },
        Item::Source(source, shown) => {
            let row = source.source_row.map_or(0, |r| r as i64);
            if !known.is_empty()
                && store::source_is_known(
                    known,
                    &source.source_path,
                    row,
                    &parse::content_sha256(&source),
                )
            {
                return Parsed::Unchanged;
            }
            let location = source.source_row.map(|r| format!("row {r}"));
            match parse::parse(*source) {
                Ok(cable) => Parsed::Cable(Box::new(cable)),
                Err(e) => Parsed::Rejected(rejected(&shown, location, e)),
            }
        }
    }
}

/// Every source of one file, decoded as far as the reader does it (CSV records are decoded
/// on the parser threads), handed to `emit` in order; false from `emit` stops. The one
/// decode dispatch for both `ingest` and `parse`. Returns the file's SHA-256 when it was read
/// to the end and hashing was asked for.
fn read_file(
    path: &Path,
    canonical: &Path,
    named: bool,
    hash: bool,
    emit: &mut dyn FnMut(Item, u64) -> bool,
) -> Option<String> {
    let shown: Arc<str> = path.display().to_string().into();
    let decoded = match hash {
        true => decode::decode_file(canonical),
        false => decode::decode_file_unhashed(canonical),
    };
    match decoded {
        Ok(Decoded::One(source, sha)) => emit(Item::Source(source, shown), 0).then_some(sha)?,
        Ok(Decoded::Csv(mut rows)) => {
            while let Some(row) = rows.next_row() {
                let item = match row {
                    Ok(row) => Item::CsvRow(Box::new(row), shown.clone()),
                    Err(DecodeError::Row { row, reason }) => {
                        Item::Rejected(rejected(&shown, Some(format!("row {row}")), reason))
                    }
                    Err(e) => Item::Rejected(rejected(&shown, None, e)),
                };
                if !emit(item, rows.bytes_read()) {
                    return None;
                }
            }
            // Recorded only when read to the end.
            (*rows).into_inner().and_then(|r| r.hex())
        }
        Err(e) => {
            // What you name, you get told about: a walk only skips what is not a cable.
            let kind = match e.is_not_a_cable() && !named {
                true => Kind::Skipped,
                false => Kind::Rejected,
            };
            let r = Rejection {
                kind,
                ..rejected(&shown, None, e)
            };
            emit(Item::Rejected(r), 0);
            None
        }
    }
}

/// `cable-archive parse FILE`: every cable of one file as JSON on stdout (one pretty object
/// for a single cable, one object per line for a CSV), problems on stderr; 3 if any.
pub fn parse_file(file: &Path) -> anyhow::Result<i32> {
    if !file.exists() {
        anyhow::bail!("{}: no such file or directory", file.display());
    }
    let (stdout, mut failed) = (std::io::stdout(), false);
    let mut out = stdout.lock();
    let mut result = Ok(());
    read_file(file, file, true, false, &mut |item, _| {
        // One pretty object for a single cable, one compact line per CSV row.
        let row = matches!(item, Item::CsvRow(..));
        match parse_item(item, &KnownSources::new()) {
            Parsed::Cable(cable) => {
                use std::io::Write;
                let json = match row {
                    false => serde_json::to_string_pretty(&cable),
                    true => serde_json::to_string(&cable),
                };
                result = json
                    .map_err(anyhow::Error::from)
                    .and_then(|j| writeln!(out, "{j}").map_err(Into::into));
            }
            Parsed::Rejected(r) => {
                crate::term::diagnostic(&message(&r));
                failed = true;
            }
            _ => {}
        }
        result.is_ok()
    });
    result?;
    Ok(if failed { 3 } else { 0 })
}

/// `path: [row N: ]reason`, or `path: skipped: reason`.
fn message(r: &Rejection) -> String {
    let place = match &r.location {
        Some(l) => format!("{}: {l}", r.path),
        None => r.path.to_string(),
    };
    match r.kind {
        Kind::Rejected => format!("{place}: {}", r.reason),
        Kind::Skipped => format!("{place}: skipped: {}", r.reason),
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
    stop: &'a AtomicUsize,
    chunk: Vec<Item>,
    /// Bytes of text in `chunk`.
    chunk_bytes: usize,
    /// Hash each file for `ingest_files` (not in a dry run, which records none).
    hash_files: bool,
}

impl Reader<'_> {
    /// Queue an item; false when the parsers hung up or a signal asked to stop.
    fn push(&mut self, item: Item) -> bool {
        self.chunk_bytes += match &item {
            Item::Source(s, _) => s.body.len() + s.header.as_ref().map_or(0, String::len),
            Item::CsvRow(row, _) => row.byte_len(),
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
        self.stop.load(Ordering::Relaxed) == 0
    }

    /// Walk, decode and batch. Stops quietly when the parsers hang up or on a signal.
    fn run(mut self, found: Vec<Found>) {
        let mut done_bytes = 0u64;
        for f in found {
            if self.stop.load(Ordering::Relaxed) != 0 {
                break;
            }
            self.progress.files.fetch_add(1, Ordering::Relaxed);
            let keep_going = match f {
                Found::File {
                    path,
                    canonical,
                    named,
                    size,
                    mtime_ns,
                } => {
                    let go = self.file(&path, &canonical, named, size, mtime_ns, done_bytes);
                    done_bytes += size;
                    go
                }
                Found::Problem { path, reason } => {
                    let r = rejected(&path.into(), None, reason);
                    self.push(Item::Rejected(r))
                }
            };
            self.progress.bytes.store(done_bytes, Ordering::Relaxed);
            if !keep_going {
                break;
            }
        }
        if !self.chunk.is_empty() {
            let _ = self.tx.send(std::mem::take(&mut self.chunk));
        }
    }

    /// One input file; false to stop the walk.
    fn file(
        &mut self,
        path: &Path,
        canonical: &Path,
        named: bool,
        size: u64,
        mtime_ns: i64,
        done_bytes: u64,
    ) -> bool {
        let key = canonical.display().to_string();
        let done = |sha256: String| {
            Item::File(FileDone {
                path: key.clone(),
                size: size as i64,
                mtime_ns,
                sha256,
            })
        };
        if let Some((known_size, known_mtime, known_sha)) = self.known_files.get(&key) {
            if *known_size == size as i64 && *known_mtime == mtime_ns {
                self.progress
                    .files_unchanged
                    .fetch_add(1, Ordering::Relaxed);
                return true;
            }
            // Touched or copied but maybe the same: compare contents before any parsing.
            if decode::sha256_file(canonical).is_ok_and(|sha| sha == *known_sha) {
                self.progress
                    .files_unchanged
                    .fetch_add(1, Ordering::Relaxed);
                return self.push(done(known_sha.clone()));
            }
        }
        let mut going = true;
        let progress = self.progress;
        let sha = read_file(
            path,
            canonical,
            named,
            self.hash_files,
            &mut |item, read| {
                going = self.push(item);
                if read > 0 {
                    progress.bytes.store(done_bytes + read, Ordering::Relaxed);
                }
                going
            },
        );
        match sha {
            Some(sha) if going => self.push(done(sha)),
            _ => going,
        }
    }
}

/// The parser stage: each chunk parsed on the pool, order kept.
fn parse_chunks(
    rx: Receiver<Vec<Item>>,
    tx: SyncSender<Vec<Parsed>>,
    pool: &rayon::ThreadPool,
    known: &KnownSources,
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
    let open = || {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(db)
            .map_err(|e| anyhow::anyhow!("{}: cannot open database: {e}", db.display()))
    };
    let mut file = open()?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            // A first load moves its staging file over the archive (`store::staging`): a
            // run that waited for it holds the lock of the file that was replaced, and
            // takes the lock again on the one now at the path.
            Ok(()) if !same_file(&file, db) => file = open()?,
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

/// SIGINT and SIGTERM ask the reader to stop (the flag holds the signal number); what was
/// read is parsed, written and committed, and the run is recorded as interrupted. A second
/// signal ends the process at once, with the same status.
fn stop_flag() -> Arc<AtomicUsize> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    static STOP: std::sync::OnceLock<Arc<AtomicUsize>> = std::sync::OnceLock::new();
    STOP.get_or_init(|| {
        let which = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(std::sync::atomic::AtomicBool::new(false));
        for sig in [SIGINT, SIGTERM] {
            // Registration fails only for signals that cannot be caught; these two can.
            // The shutdown hook runs first, so it sees `seen` as the previous signal left it.
            let _ = flag::register_conditional_shutdown(sig, 128 + sig, seen.clone());
            let _ = flag::register(sig, seen.clone());
            let _ = flag::register_usize(sig, which.clone(), sig as usize);
        }
        which
    })
    .clone()
}

/// What a run is about to read, and what it already knows.
struct Plan {
    found: Vec<Found>,
    /// Bytes to read, for the progress bar.
    total: u64,
    known: KnownSources,
    known_files: KnownFiles,
    /// Canonical paths recorded under the given paths that the walk did not find.
    gone: Vec<String>,
}

/// Walk the paths (each file once, however it was reached) and look up what is known.
fn plan(opts: &Options, writer: Option<&Writer>) -> anyhow::Result<Plan> {
    let mut found = discover::discover(&opts.paths)?;
    let mut seen = HashSet::new();
    found.retain(|f| match f {
        Found::File { canonical, .. } => seen.insert(canonical.clone()),
        Found::Problem { .. } => true,
    });
    let total = found
        .iter()
        .map(|f| match f {
            Found::File { size, .. } => *size,
            Found::Problem { .. } => 0,
        })
        .sum();
    let (known, known_files) = match writer {
        Some(w) if !opts.full => (w.known_sources()?, w.known_files()?),
        _ => Default::default(),
    };
    let all_files = match writer {
        Some(w) => w.recorded_files()?,
        None => Vec::new(),
    };
    let roots: Vec<PathBuf> = opts
        .paths
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect();
    let gone = all_files
        .into_iter()
        .filter(|k| !seen.contains(Path::new(k)))
        .filter(|k| roots.iter().any(|r| Path::new(k).starts_with(r)))
        .filter(|k| !Path::new(k).exists())
        .collect();
    Ok(Plan {
        found,
        total,
        known,
        known_files,
        gone,
    })
}

/// Per-file lines on stderr: none with `--quiet`, else the first `MAX_MESSAGES`, then a count.
struct Messages<'a> {
    bar: &'a ProgressBar,
    quiet: bool,
    shown: usize,
    more: usize,
}

impl Messages<'_> {
    fn say(&mut self, line: &str) {
        if self.quiet {
            return;
        }
        if self.shown < MAX_MESSAGES {
            self.shown += 1;
            // One line whatever the text holds: a newline in a file name cannot forge another.
            self.bar.suspend(|| crate::term::diagnostic(line));
        } else {
            self.more += 1;
        }
    }

    fn finish(&self) {
        if self.more > 0 {
            eprintln!("… {} more, see ingest_errors", self.more);
        }
    }
}

/// `--jobs`, or by default a thread per core, less the core the writer needs when the run
/// writes. The writer is the slower stage (on the full corpus it is busy about twice as long
/// as one parser thread); a second parser beside it on two cores only takes turns with it.
fn parser_threads(opts: &Options) -> usize {
    match opts.jobs {
        0 => {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            match opts.dry_run {
                true => cores,
                false => cores.saturating_sub(1).max(1),
            }
        }
        n => n,
    }
}

/// The three stages, until the input is read or a signal stops the reader.
fn pipeline(
    opts: &Options,
    plan: Plan,
    writer: &mut Option<Writer>,
    counts: &mut Counts,
    messages: &mut Messages,
    stop: &AtomicUsize,
) -> anyhow::Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(parser_threads(opts))
        .thread_name(|i| format!("parse-{i}"))
        .build()?;
    let progress = Progress::default();
    let bar = messages.bar;
    let result = std::thread::scope(|s| -> anyhow::Result<()> {
        let (tx_items, rx_items) = sync_channel::<Vec<Item>>(IN_FLIGHT);
        let (tx_parsed, rx_parsed) = sync_channel::<Vec<Parsed>>(IN_FLIGHT);
        let reader = Reader {
            tx: tx_items,
            progress: &progress,
            known_files: &plan.known_files,
            stop,
            chunk: Vec::with_capacity(CHUNK),
            chunk_bytes: 0,
            hash_files: !opts.dry_run,
        };
        let found = plan.found;
        std::thread::Builder::new()
            .name("read".into())
            .spawn_scoped(s, move || reader.run(found))?;
        let (pool, known) = (&pool, &plan.known);
        let dry_run = opts.dry_run;
        s.spawn(move || parse_chunks(rx_items, tx_parsed, pool, known, dry_run));
        // The writer: this thread. Returning early drops `rx_parsed`, which stops the
        // other stages at their next hand-off.
        for chunk in rx_parsed {
            for parsed in chunk {
                match parsed {
                    Parsed::Unchanged => counts.unchanged += 1,
                    Parsed::DryRun => counts.added += 1,
                    Parsed::Cable(cable) => {
                        let Some(w) = writer.as_mut() else {
                            counts.added += 1;
                            continue;
                        };
                        *match w.write(&cable, opts.full)? {
                            Outcome::Added => &mut counts.added,
                            Outcome::Updated => &mut counts.updated,
                            Outcome::Unchanged => &mut counts.unchanged,
                            Outcome::Duplicate => &mut counts.duplicates,
                            Outcome::OlderVersion => &mut counts.older_versions,
                        } += 1;
                    }
                    Parsed::Rejected(r) => {
                        messages.say(&message(&r));
                        let kind = match r.kind {
                            Kind::Rejected => {
                                counts.rejected += 1;
                                "rejected"
                            }
                            Kind::Skipped => {
                                counts.skipped += 1;
                                "skipped"
                            }
                        };
                        if let Some(w) = writer.as_mut() {
                            w.record_error(kind, &r.path, r.location.as_deref(), &r.reason)?;
                        }
                    }
                    Parsed::File(f) => {
                        if let Some(w) = writer.as_mut() {
                            w.record_file(&f.path, f.size, f.mtime_ns, &f.sha256)?;
                        }
                    }
                }
            }
            bar.set_position(progress.bytes.load(Ordering::Relaxed));
            let n = counts.added + counts.updated + counts.unchanged + counts.duplicates;
            bar.set_message(format!("{n} cables"));
        }
        Ok(())
    });
    counts.files = progress.files.load(Ordering::Relaxed);
    counts.files_unchanged = progress.files_unchanged.load(Ordering::Relaxed);
    result
}

/// Build the search index when the run has it to build (not after an interrupted load).
fn finish_index(
    writer: &mut Writer,
    opts: &Options,
    counts: &mut Counts,
    stop: &AtomicUsize,
) -> Result<(), store::StoreError> {
    if !writer.search_index_wanted() || counts.interrupted() {
        return Ok(());
    }
    let bar = progress_bar(0, opts.quiet, INDEX_BAR);
    bar.set_message("building the search index");
    let stopped = || stop.load(Ordering::SeqCst) != 0;
    let built = writer.build_search_index(
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
        &stopped,
    )?;
    bar.finish_and_clear();
    if !built {
        counts.signal = Some(stop.load(Ordering::SeqCst) as i32);
    }
    Ok(())
}

pub fn run(opts: &Options) -> anyhow::Result<Counts> {
    let started = Instant::now();
    // Open and lock (nothing to open in a dry run).
    let _lock = match opts.dry_run {
        true => None,
        false => Some(lock(&opts.db)?),
    };
    let mut writer = match opts.dry_run {
        true => None,
        false => Some(Writer::new(
            store::open(&opts.db)?,
            &opts.db,
            &opts.arguments,
            opts.fts,
        )?),
    };
    let plan = plan(opts, writer.as_ref())?;
    let bar = progress_bar(plan.total, opts.quiet, LOAD_BAR);
    let mut counts = Counts {
        gone: plan.gone.len() as u64,
        ..Counts::default()
    };
    let gone = plan.gone.clone();
    let mut messages = Messages {
        bar: &bar,
        quiet: opts.quiet,
        shown: 0,
        more: 0,
    };
    let stop = stop_flag();
    // Copies the WAL into the file beside the writer through the load and the index build
    // (a staged first load has no WAL).
    let checkpointer = match writer.as_ref().is_some_and(|w| !w.staged()) {
        false => None,
        true => Some(store::Checkpointer::open(&opts.db)?.spawn(CHECKPOINT_EVERY)?),
    };
    let loaded = pipeline(opts, plan, &mut writer, &mut counts, &mut messages, &stop);
    let sig = stop.load(Ordering::SeqCst);
    counts.signal = (sig != 0).then_some(sig as i32);
    bar.finish_and_clear();
    // A failed write (a full disk, an I/O error) names the archive; its last batch was rolled
    // back and everything committed before stays valid.
    let in_archive = |e: anyhow::Error| e.context(opts.db.display().to_string());
    loaded.map_err(in_archive)?;
    if let Some(writer) = writer.as_mut() {
        writer.finish_load().map_err(|e| in_archive(e.into()))?;
        finish_index(writer, opts, &mut counts, &stop).map_err(|e| in_archive(e.into()))?;
        if opts.forget_gone {
            writer
                .forget_files(&gone)
                .map_err(|e| in_archive(e.into()))?;
        }
    }
    drop(checkpointer);
    if let Some(writer) = writer {
        let status = counts.status();
        writer
            .finish(&counts, status)
            .map_err(|e| in_archive(e.into()))?;
    }
    report(opts, &counts, &gone, &mut messages, started.elapsed());
    Ok(counts)
}

/// Gone files (capped like the other per-file lines), then the summary line.
fn report(
    opts: &Options,
    counts: &Counts,
    gone: &[String],
    messages: &mut Messages,
    elapsed: Duration,
) {
    let note = match opts.forget_gone {
        true => "forgotten (its cables stay in the archive)",
        false => "gone since it was last ingested (its cables stay; --forget-gone forgets it)",
    };
    for path in gone {
        messages.say(&format!("{path}: {note}"));
    }
    messages.finish();
    let target = match opts.dry_run {
        true => "(dry run, nothing stored)".to_string(),
        false => opts.db.display().to_string(),
    };
    crate::term::diagnostic(&format!(
        "{counts} in {:.2}s -> {target}",
        elapsed.as_secs_f64()
    ));
}

/// Is `file` (open) the file now at `path`?
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn options(jobs: usize, dry_run: bool) -> Options {
        Options {
            paths: vec![],
            db: PathBuf::from("archive.db"),
            quiet: true,
            arguments: String::new(),
            jobs,
            full: false,
            dry_run,
            fts: false,
            forget_gone: false,
        }
    }

    #[test]
    fn the_default_leaves_the_writer_a_core_and_a_dry_run_uses_them_all() {
        let cores = std::thread::available_parallelism().unwrap().get();
        assert_eq!(parser_threads(&options(0, false)), (cores - 1).max(1));
        assert_eq!(parser_threads(&options(0, true)), cores);
        assert_eq!(parser_threads(&options(3, false)), 3);
        assert_eq!(parser_threads(&options(1, true)), 1);
    }
}
