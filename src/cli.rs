//! The command line: argument parsing (clap derive; doc comments are the `--help` text) and
//! exit statuses: 0 all inputs stored, 3 some inputs rejected, 1 fatal error, 2 usage.

use crate::decode::{self, Decoded};
use crate::ingest;
use crate::parse;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// Turn archives of US diplomatic cables (Cablegate) into one normalized SQLite database.
///
/// Exit status: 0 every input stored, 3 some inputs rejected (the rest stored), 1 fatal
/// error, 2 usage error.
#[derive(Parser)]
#[command(name = "cable-archive", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest cable files (HTML pages, page text, raw telegrams, cables.csv) into a database.
    ///
    /// Each PATH is a file or a directory, walked recursively (symlinks not followed, hidden
    /// files skipped). Formats are recognised from the content. The database is created and
    /// migrated automatically; re-running leaves unchanged cables alone and replaces changed
    /// ones.
    Ingest {
        /// Files or directories to ingest.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The database file.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
        /// Print only the final summary line (no progress bar).
        #[arg(long, short)]
        quiet: bool,
        /// Parser threads (default: one per core). The order of rows does not depend on it.
        #[arg(long, short, default_value_t = 0)]
        jobs: usize,
        /// Re-parse and rewrite every cable, also those already stored unchanged.
        #[arg(long)]
        full: bool,
        /// Read and parse everything and report what would be rejected; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print what an archive holds: rows per table, cables per format, parse warnings per field.
    Stats {
        /// The database file.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
        /// Print only a SHA-256 of every stored row, independent of insertion order and row
        /// ids: equal for two archives built from the same input.
        #[arg(long)]
        fingerprint: bool,
    },
    /// Print the cable(s) parsed from one file as JSON, without touching any database.
    ///
    /// One pretty-printed object for a single cable; one object per line for a cables.csv.
    Parse {
        /// The file to parse.
        file: PathBuf,
    },
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let result = match cli.command {
        Command::Ingest {
            paths,
            db,
            quiet,
            jobs,
            full,
            dry_run,
        } => {
            let arguments = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
            ingest::run(&ingest::Options {
                paths,
                db,
                quiet,
                arguments,
                jobs,
                full,
                dry_run,
            })
            .map(|c| if c.rejected > 0 { 3 } else { 0 })
        }
        Command::Parse { file } => parse_file(&file),
        Command::Stats { db, fingerprint } => crate::stats::run(&db, fingerprint).map(|()| 0),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

fn parse_file(file: &std::path::Path) -> anyhow::Result<i32> {
    if !file.exists() {
        anyhow::bail!("{}: no such file or directory", file.display());
    }
    let shown = file.display().to_string();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut rejected = false;
    match decode::decode_file(file) {
        Ok(Decoded::One(source)) => match parse::parse(*source) {
            Ok(cable) => writeln!(out, "{}", serde_json::to_string_pretty(&cable)?)?,
            Err(e) => {
                eprintln!("{shown}: {e}");
                rejected = true;
            }
        },
        Ok(Decoded::Csv(rows)) => {
            for row in rows {
                let parsed = row.map_err(|e| e.to_string()).and_then(|s| {
                    let row = s.source_row.unwrap_or(0);
                    parse::parse(s).map_err(|e| format!("row {row}: {e}"))
                });
                match parsed {
                    Ok(cable) => writeln!(out, "{}", serde_json::to_string(&cable)?)?,
                    Err(e) => {
                        eprintln!("{shown}: {e}");
                        rejected = true;
                    }
                }
            }
        }
        Err(e) => {
            eprintln!("{shown}: {e}");
            rejected = true;
        }
    }
    Ok(if rejected { 3 } else { 0 })
}
