//! Ingest: runs the pipeline discover → decode → parse → store for one `ingest` command,
//! reports each rejected input as `path: reason` on stderr and in `ingest_errors`, shows
//! progress on a terminal, and counts what happened.

use crate::decode::{self, DecodeError, Decoded};
use crate::discover::{self, Found};
use crate::model::Source;
use crate::parse;
use crate::store::{self, Outcome, Writer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

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
}

struct Run {
    writer: Writer,
    counts: Counts,
    progress: ProgressBar,
}

impl Run {
    fn reject(&mut self, path: &str, location: Option<&str>, reason: &str) -> anyhow::Result<()> {
        let place = location.map_or_else(|| path.to_string(), |l| format!("{path}: {l}"));
        self.progress.suspend(|| eprintln!("{place}: {reason}"));
        self.writer.record_error(path, location, reason)?;
        self.counts.rejected += 1;
        Ok(())
    }

    fn store(&mut self, source: Source, location: Option<&str>) -> anyhow::Result<()> {
        let path = source.source_path.clone();
        match parse::parse(source) {
            Ok(cable) => match self.writer.write(&cable)? {
                Outcome::Added => self.counts.added += 1,
                Outcome::Updated => self.counts.updated += 1,
                Outcome::Unchanged => self.counts.unchanged += 1,
            },
            Err(e) => self.reject(&path, location, &e.to_string())?,
        }
        Ok(())
    }
}

pub fn run(opts: &Options) -> anyhow::Result<Counts> {
    let started = Instant::now();
    let found = discover::discover(&opts.paths)?;
    let conn = store::open(&opts.db)?;
    let total: u64 = found
        .iter()
        .map(|f| match f {
            Found::File { size, .. } => *size,
            Found::Problem { .. } => 0,
        })
        .sum();
    let progress = progress_bar(total, opts.quiet);
    let mut run = Run {
        writer: Writer::new(conn, &opts.arguments)?,
        counts: Counts::default(),
        progress,
    };
    let mut done_bytes = 0u64;
    for f in found {
        run.counts.files += 1;
        let (path, size) = match f {
            Found::File { path, size } => (path, size),
            Found::Problem { path, reason } => {
                run.reject(&path, None, &reason)?;
                continue;
            }
        };
        let shown = path.display().to_string();
        match decode::decode_file(&path) {
            Ok(Decoded::One(source)) => run.store(*source, None)?,
            Ok(Decoded::Csv(mut rows)) => {
                while let Some(row) = rows.next() {
                    match row {
                        Ok(source) => {
                            let location = source.source_row.map(|r| format!("row {r}"));
                            run.store(source, location.as_deref())?
                        }
                        Err(DecodeError::Row { row, reason }) => {
                            run.reject(&shown, Some(&format!("row {row}")), &reason)?
                        }
                        Err(e) => run.reject(&shown, None, &e.to_string())?,
                    }
                    run.progress.set_position(done_bytes + rows.bytes_read());
                    let n = run.counts.added + run.counts.updated + run.counts.unchanged;
                    if n.is_multiple_of(256) {
                        run.progress.set_message(format!("{n} cables"));
                    }
                }
            }
            Err(e) => run.reject(&shown, None, &e.to_string())?,
        }
        done_bytes += size;
        run.progress.set_position(done_bytes);
        let n = run.counts.added + run.counts.updated + run.counts.unchanged;
        run.progress.set_message(format!("{n} cables"));
    }
    run.progress.finish_and_clear();
    let counts = run.counts.clone();
    let status = if counts.rejected > 0 {
        "rejected-some"
    } else {
        "ok"
    };
    run.writer.finish(&counts, status)?;
    eprintln!(
        "{} files: {} cables added, {} updated, {} unchanged, {} rejected in {:.2}s -> {}",
        counts.files,
        counts.added,
        counts.updated,
        counts.unchanged,
        counts.rejected,
        started.elapsed().as_secs_f64(),
        opts.db.display()
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
