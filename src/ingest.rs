//! Ingest: runs the pipeline discover → decode → parse → store for one `ingest` command.
//!
//! Three stages run at once: a reader thread walks and decodes the inputs (a CSV as a stream)
//! into chunks, a rayon pool parses each chunk on `--jobs` threads, and the calling thread
//! writes the parsed chunks in input order, so the same input always gives the same row ids.
//! Channels between the stages are bounded, so memory does not grow with the input. Each
//! rejected input is printed as `path: reason` on stderr and recorded in `ingest_errors`.

use crate::decode::{self, DecodeError, Decoded};
use crate::discover::{self, Found};
use crate::model::{Cable, Source};
use crate::parse;
use crate::store::{self, Outcome, Writer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::time::Duration;
use std::time::Instant;

/// Sources per chunk handed to the parser pool: enough to keep every core busy between
/// channel hand-offs, small enough to bound memory (a chunk of cables is a few MB).
const CHUNK: usize = 256;
/// Chunks in flight between two stages.
const IN_FLIGHT: usize = 4;
/// How often the checkpointer copies the WAL back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub files: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub db: PathBuf,
    pub quiet: bool,
    pub arguments: String,
    /// Parser threads; 0 means one per core.
    pub jobs: usize,
    /// Re-parse and rewrite every cable, even those stored unchanged.
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

/// What the reader hands to the parsers.
enum Item {
    Source(Box<Source>),
    Rejected(Rejection),
}

/// What the parsers hand to the writer.
enum Parsed {
    Cable(Box<Cable>),
    /// Stored before with the same content by this parser version: not parsed again.
    Unchanged,
    Rejected(Rejection),
}

/// Reference id → content hash of what is already stored (empty with `--full`).
type Known = std::collections::HashMap<String, String>;

fn parse_item(item: Item, known: &Known) -> Parsed {
    match item {
        Item::Rejected(r) => Parsed::Rejected(r),
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
}

/// The reader stage: walk, decode and batch. Stops quietly when the parsers hang up.
fn read(found: Vec<Found>, tx: SyncSender<Vec<Item>>, progress: &Progress) {
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut done_bytes = 0u64;
    let push = |chunk: &mut Vec<Item>, item: Item| -> bool {
        chunk.push(item);
        if chunk.len() >= CHUNK {
            let full = std::mem::replace(chunk, Vec::with_capacity(CHUNK));
            return tx.send(full).is_ok();
        }
        true
    };
    for f in found {
        progress.files.fetch_add(1, Ordering::Relaxed);
        let (path, size) = match f {
            Found::File { path, size } => (path, size),
            Found::Problem { path, reason } => {
                let r = Rejection {
                    path,
                    location: None,
                    reason,
                };
                if !push(&mut chunk, Item::Rejected(r)) {
                    return;
                }
                continue;
            }
        };
        let shown = path.display().to_string();
        let rejected = |location: Option<String>, reason: String| {
            Item::Rejected(Rejection {
                path: shown.clone(),
                location,
                reason,
            })
        };
        match decode::decode_file(&path) {
            Ok(Decoded::One(source)) => {
                if !push(&mut chunk, Item::Source(source)) {
                    return;
                }
            }
            Ok(Decoded::Csv(mut rows)) => {
                while let Some(row) = rows.next() {
                    let item = match row {
                        Ok(source) => Item::Source(Box::new(source)),
                        Err(DecodeError::Row { row, reason }) => {
                            rejected(Some(format!("row {row}")), reason)
                        }
                        Err(e) => rejected(None, e.to_string()),
                    };
                    if !push(&mut chunk, item) {
                        return;
                    }
                    progress
                        .bytes
                        .store(done_bytes + rows.bytes_read(), Ordering::Relaxed);
                }
            }
            Err(e) => {
                if !push(&mut chunk, rejected(None, e.to_string())) {
                    return;
                }
            }
        }
        done_bytes += size;
        progress.bytes.store(done_bytes, Ordering::Relaxed);
    }
    if !chunk.is_empty() {
        let _ = tx.send(chunk);
    }
}

/// The parser stage: each chunk parsed on the pool, order kept.
fn parse_chunks(
    rx: Receiver<Vec<Item>>,
    tx: SyncSender<Vec<Parsed>>,
    pool: &rayon::ThreadPool,
    known: &Known,
) {
    for chunk in rx {
        let parsed: Vec<Parsed> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|item| parse_item(item, known))
                .collect()
        });
        if tx.send(parsed).is_err() {
            return;
        }
    }
}

pub fn run(opts: &Options) -> anyhow::Result<Counts> {
    let started = Instant::now();
    let found = discover::discover(&opts.paths)?;
    let total: u64 = found
        .iter()
        .map(|f| match f {
            Found::File { size, .. } => *size,
            Found::Problem { .. } => 0,
        })
        .sum();
    let bar = progress_bar(total, opts.quiet);
    let mut writer = match opts.dry_run {
        true => None,
        false => Some(Writer::new(
            store::open(&opts.db)?,
            &opts.arguments,
            opts.fts,
        )?),
    };
    let known = match &writer {
        Some(w) if !opts.full => w.known_versions()?,
        _ => Known::new(),
    };
    let mut counts = Counts::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .thread_name(|i| format!("parse-{i}"))
        .build()?;
    let progress = Progress::default();
    let checkpointer = match opts.dry_run {
        true => None,
        false => Some(store::Checkpointer::open(&opts.db)?),
    };
    let result = std::thread::scope(|s| -> anyhow::Result<()> {
        // The checkpointer runs until `_stop` is dropped, however this scope ends.
        let (_stop, stopped) = std::sync::mpsc::channel::<()>();
        if let Some(checkpointer) = checkpointer {
            std::thread::Builder::new()
                .name("checkpoint".into())
                .spawn_scoped(s, move || {
                    while let Err(RecvTimeoutError::Timeout) =
                        stopped.recv_timeout(CHECKPOINT_EVERY)
                    {
                        // A checkpoint that fails (busy) is simply tried again; the final,
                        // truncating one in `Writer::finish` is checked.
                        let _ = checkpointer.checkpoint();
                    }
                })?;
        }
        let (tx_items, rx_items) = sync_channel::<Vec<Item>>(IN_FLIGHT);
        let (tx_parsed, rx_parsed) = sync_channel::<Vec<Parsed>>(IN_FLIGHT);
        let progress = &progress;
        std::thread::Builder::new()
            .name("read".into())
            .spawn_scoped(s, move || read(found, tx_items, progress))?;
        let (pool, known) = (&pool, &known);
        s.spawn(move || parse_chunks(rx_items, tx_parsed, pool, known));
        // The writer: this thread. Returning early drops `rx_parsed`, which stops the
        // other stages at their next hand-off.
        for chunk in rx_parsed {
            for parsed in chunk {
                match parsed {
                    Parsed::Unchanged => counts.unchanged += 1,
                    Parsed::Cable(cable) => match writer.as_mut() {
                        None => counts.added += 1,
                        Some(writer) => match writer.write(&cable, opts.full)? {
                            Outcome::Added => counts.added += 1,
                            Outcome::Updated => counts.updated += 1,
                            Outcome::Unchanged => counts.unchanged += 1,
                        },
                    },
                    Parsed::Rejected(r) => {
                        let place = r
                            .location
                            .as_ref()
                            .map_or_else(|| r.path.clone(), |l| format!("{}: {l}", r.path));
                        bar.suspend(|| eprintln!("{place}: {}", r.reason));
                        if let Some(writer) = writer.as_mut() {
                            writer.record_error(&r.path, r.location.as_deref(), &r.reason)?;
                        }
                        counts.rejected += 1;
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
    bar.finish_and_clear();
    result?;
    let status = if counts.rejected > 0 {
        "rejected-some"
    } else {
        "ok"
    };
    if let Some(writer) = writer {
        writer.finish(&counts, status)?;
    }
    let target = match opts.dry_run {
        true => "(dry run, nothing stored)".to_string(),
        false => opts.db.display().to_string(),
    };
    eprintln!(
        "{} files: {} cables added, {} updated, {} unchanged, {} rejected in {:.2}s -> {}",
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

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg} ETA {eta}",
        )
        .expect("valid template"),
    );
    bar
}
