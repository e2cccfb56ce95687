//! The command line: argument parsing (clap derive; doc comments are the `--help` text) and
//! exit statuses: 0 all inputs stored, 3 some inputs rejected, 1 fatal error, 2 usage.

use crate::decode::{self, Decoded};
use crate::ingest;
use crate::parse;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// Turn archives of US diplomatic cables (Cablegate) into one normalized SQLite database.
///
/// Exit status: 0 every input stored, 3 some inputs rejected (the rest stored), 1 fatal
/// error, 2 usage error, 124 a query stopped by --timeout, 130 interrupted by Ctrl-C (an
/// ingest commits the current batch first).
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
    /// migrated automatically. Re-running skips unchanged files and cables; a cable with new
    /// content becomes a new version (all versions are kept in cable_versions). Only one
    /// ingest writes an archive at a time; Ctrl-C stops after the current batch.
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
        /// Parser threads (default: one per core; at most 4 per core, more is capped with a
        /// notice). The order of rows does not depend on it.
        #[arg(long, short, default_value_t = 0)]
        jobs: usize,
        /// Re-parse and rewrite every cable, also those already stored unchanged.
        #[arg(long)]
        full: bool,
        /// Read and parse everything and report what would be rejected; store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not build (and drop, if present) the full-text search index.
        #[arg(long)]
        no_fts: bool,
    },
    /// Run a canned query from sql/queries/ (read-only).
    ///
    /// `cable-archive query --list` shows them; parameters are given as --param NAME=VALUE and
    /// always bound, never spliced into the SQL.
    Query {
        /// The query's name (see --list).
        #[arg(required_unless_present = "list")]
        name: Option<String>,
        /// List the canned queries with their parameters.
        #[arg(long)]
        list: bool,
        /// A parameter, NAME=VALUE (repeatable).
        #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Output format (default: table on a terminal, CSV otherwise).
        #[arg(long, value_enum)]
        format: Option<crate::query::OutputFormat>,
        /// Stop the query after this many seconds (fractions allowed); exit status 124.
        #[arg(long, value_name = "SECONDS", value_parser = crate::interrupt::parse_timeout)]
        timeout: Option<std::time::Duration>,
        /// The database file.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
    },
    /// Run ad-hoc SQL against the archive, read-only.
    Sql {
        /// One SELECT (or other read-only) statement.
        sql: String,
        /// Output format (default: table on a terminal, CSV otherwise).
        #[arg(long, value_enum)]
        format: Option<crate::query::OutputFormat>,
        /// Stop the query after this many seconds (fractions allowed); exit status 124.
        #[arg(long, value_name = "SECONDS", value_parser = crate::interrupt::parse_timeout)]
        timeout: Option<std::time::Duration>,
        /// The database file.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
    },
    /// Full-text search over paragraphs: ranked cables with a snippet of their best paragraph.
    ///
    /// The query uses FTS5 syntax: words, "a phrase", OR, NOT, NEAR(...), prefix*.
    Search {
        /// Words or "a phrase".
        query: String,
        /// Only cables carrying this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only cables created on or after this date (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Only cables created on or before this date (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// At most this many cables.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// The database file.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
    },
    /// Show one cable as a person reads it: metadata, recipients, tags, markings, references,
    /// then the paragraphs.
    Show {
        /// Reference id, e.g. 08TOKYO3205.
        reference_id: String,
        /// The database file.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
    },
    /// Print Datasette metadata (metadata.json) for the archive: descriptions, facets, label
    /// columns, search tables and the canned queries.
    DatasetteMetadata {
        /// The database file (its name is the database's name in Datasette).
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
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
            no_fts,
        } => {
            let arguments = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
            let jobs = cap_jobs(jobs);
            ingest::run(&ingest::Options {
                paths,
                db,
                quiet,
                arguments,
                jobs,
                full,
                dry_run,
                fts: !no_fts,
            })
            .map(|c| {
                if c.interrupted {
                    130
                } else if c.rejected > 0 {
                    3
                } else {
                    0
                }
            })
        }
        Command::Parse { file } => parse_file(&file),
        Command::Stats { db, fingerprint } => crate::stats::run(&db, fingerprint).map(|()| 0),
        Command::Query {
            name,
            list,
            params,
            format,
            db,
            timeout,
        } => run_query(name, list, &params, format, &db, timeout),
        Command::Sql {
            sql,
            format,
            db,
            timeout,
        } => (|| {
            let conn = crate::store::open_read_only(&db)?;
            let rows = {
                let _watch = crate::interrupt::watch(&conn, timeout);
                crate::query::run(&conn, &sql, &[])?
            };
            let format = format.unwrap_or_else(crate::query::OutputFormat::default_for_stdout);
            crate::query::print(&rows, format, &mut std::io::stdout().lock())?;
            Ok(0)
        })(),
        Command::Search {
            query,
            tag,
            from,
            to,
            limit,
            db,
        } => (|| {
            let conn = crate::store::open_read_only(&db)?;
            let _watch = crate::interrupt::watch(&conn, None);
            // One snapshot: an `ingest --no-fts` dropping the index meanwhile is not seen.
            conn.execute_batch("BEGIN")?;
            let options = crate::search::Options {
                query,
                tag,
                from,
                to,
                limit,
            };
            let n = crate::search::run(&conn, &options, &mut std::io::stdout().lock())?;
            if n == 0 {
                eprintln!("no cable matches {:?}", options.query);
            }
            Ok(0)
        })(),
        Command::Show { reference_id, db } => (|| {
            let conn = crate::store::open_read_only(&db)?;
            let _watch = crate::interrupt::watch(&conn, None);
            let mut stdout = std::io::stdout().lock();
            // Cable text is untrusted: escaped on a terminal, exact when piped (crate::term).
            if crate::term::stdout_is_terminal() {
                crate::show::run(
                    &conn,
                    &reference_id,
                    &mut crate::term::Escaping::new(stdout),
                )?;
            } else {
                crate::show::run(&conn, &reference_id, &mut stdout)?;
            }
            Ok(0)
        })(),
        Command::DatasetteMetadata { db } => (|| {
            let name = db
                .file_stem()
                .map_or_else(|| "archive".into(), |s| s.to_string_lossy().into_owned());
            let meta = crate::datasette::metadata(&name);
            writeln!(
                std::io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&meta)?
            )?;
            Ok(0)
        })(),
    };
    match crate::interrupt::stopped() {
        Some(crate::interrupt::Stopped::CtrlC) => {
            eprintln!("interrupted");
            return crate::interrupt::EXIT_INTERRUPTED;
        }
        Some(crate::interrupt::Stopped::Timeout) if result.is_err() => {
            eprintln!("error: the query ran longer than --timeout and was stopped; narrow it (a LIMIT, a WHERE on an indexed column) or allow more time");
            return crate::interrupt::EXIT_TIMEOUT;
        }
        _ => {}
    }
    match result {
        Ok(code) => code,
        // The reader went away (`search … | head`): not an error, as in other shell tools.
        Err(e) if closed_pipe(&e) => 0,
        Err(e) => {
            crate::term::diagnostic(&format!("error: {}", crate::store::one_line(&e)));
            1
        }
    }
}

/// Parser threads per core at most: parsing is CPU-bound, so more threads only cost memory
/// (`--jobs 100000` made 15,000 threads and 5.5 GB before it was killed; issue 11).
const JOBS_PER_CORE: usize = 4;

/// `--jobs` above `JOBS_PER_CORE` × cores is capped, with a notice.
fn cap_jobs(jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let most = JOBS_PER_CORE * cores;
    if jobs > most {
        eprintln!(
            "notice: --jobs {jobs} capped to {most} ({JOBS_PER_CORE} per core, {cores} core{})",
            if cores == 1 { "" } else { "s" }
        );
        most
    } else {
        jobs
    }
}

fn closed_pipe(e: &anyhow::Error) -> bool {
    let broken = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    e.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(broken)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if broken(io)))
    })
}

fn run_query(
    name: Option<String>,
    list: bool,
    params: &[String],
    format: Option<crate::query::OutputFormat>,
    db: &std::path::Path,
    timeout: Option<std::time::Duration>,
) -> anyhow::Result<i32> {
    let canned = crate::query::canned();
    if list {
        let mut out = std::io::stdout().lock();
        for q in &canned {
            let names = crate::query::parameter_tokens(q.sql);
            let params: Vec<String> = names.iter().map(|n| format!("--param {n}=…")).collect();
            writeln!(out, "{}  {}", q.name, params.join(" "))?;
            writeln!(out, "    {}: {}", q.title, q.description)?;
        }
        return Ok(0);
    }
    let name = name.unwrap_or_default();
    let Some(q) = canned.iter().find(|q| q.name == name) else {
        let names: Vec<&str> = canned.iter().map(|q| q.name).collect();
        anyhow::bail!(
            "no canned query named {name:?}; there are: {}",
            names.join(", ")
        );
    };
    let mut bound = Vec::new();
    for p in params {
        let Some((k, v)) = p.split_once('=') else {
            anyhow::bail!("--param {p:?}: expected NAME=VALUE");
        };
        bound.push((k.trim().to_string(), v.to_string()));
    }
    let conn = crate::store::open_read_only(db)?;
    let rows = {
        let _watch = crate::interrupt::watch(&conn, timeout);
        crate::query::run(&conn, q.sql, &bound).with_context(|| format!("query {name}"))?
    };
    let format = format.unwrap_or_else(crate::query::OutputFormat::default_for_stdout);
    crate::query::print(&rows, format, &mut std::io::stdout().lock())?;
    Ok(0)
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
        Ok(Decoded::One(source, _)) => match parse::parse(*source) {
            Ok(cable) => writeln!(out, "{}", serde_json::to_string_pretty(&cable)?)?,
            Err(e) => {
                crate::term::diagnostic(&format!("{shown}: {e}"));
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
                        crate::term::diagnostic(&format!("{shown}: {e}"));
                        rejected = true;
                    }
                }
            }
        }
        Err(e) => {
            crate::term::diagnostic(&format!("{shown}: {e}"));
            rejected = true;
        }
    }
    Ok(if rejected { 3 } else { 0 })
}
