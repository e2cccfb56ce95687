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
/// error, 2 usage error, 130 interrupted by Ctrl-C (the current batch committed).
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
        /// Parser threads (default: one per core). The order of rows does not depend on it.
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
    /// columns, search tables, hidden internal tables and the canned queries.
    ///
    /// Serve it with `datasette serve -i archive.db --metadata metadata.json --setting
    /// suggest_facets off` (README, "Datasette and BI"). Fails on a missing file or one that
    /// is not an archive.
    DatasetteMetadata {
        /// The archive; its file name without extension is the database's name in Datasette.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
        /// The database's name in Datasette, when the file is served under another name.
        #[arg(long)]
        name: Option<String>,
        /// json: one metadata.json on stdout (Datasette 0.x). split: metadata.yaml and
        /// datasette.yaml written into --out (Datasette 1.0: -m metadata.yaml -c datasette.yaml).
        #[arg(long, value_enum, default_value = "json")]
        format: crate::datasette::Format,
        /// Directory for the split format's two files.
        #[arg(long, default_value = ".")]
        out: PathBuf,
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
        } => run_query(name, list, &params, format, &db),
        Command::Sql { sql, format, db } => (|| {
            let conn = crate::store::open_read_only(&db)?;
            let rows = crate::query::run(&conn, &sql, &[])?;
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
            crate::show::run(&conn, &reference_id, &mut std::io::stdout().lock())?;
            Ok(0)
        })(),
        Command::DatasetteMetadata {
            db,
            name,
            format,
            out,
        } => datasette_metadata(&db, name, format, &out),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`search … | head`): not an error, as in other shell tools.
        Err(e) if closed_pipe(&e) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

fn datasette_metadata(
    db: &std::path::Path,
    name: Option<String>,
    format: crate::datasette::Format,
    out: &std::path::Path,
) -> anyhow::Result<i32> {
    let names = crate::datasette::inspect(db)?;
    // Datasette names a database after its file's stem (archive.db -> "archive").
    let name = name.unwrap_or_else(|| {
        db.file_stem()
            .map_or_else(|| "archive".into(), |s| s.to_string_lossy().into_owned())
    });
    match format {
        crate::datasette::Format::Json => {
            let meta = crate::datasette::metadata(&name, &names);
            writeln!(
                std::io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&meta)?
            )?;
        }
        crate::datasette::Format::Split => {
            let (meta, config) = crate::datasette::split(&name, &names);
            for (file, value) in [("metadata.yaml", meta), ("datasette.yaml", config)] {
                let path = out.join(file);
                std::fs::write(&path, crate::datasette::to_yaml(&value))
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
        }
    }
    Ok(0)
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
    let rows = crate::query::run(&conn, q.sql, &bound)
        .map_err(|e| anyhow::anyhow!("query {name}: {e}"))?;
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
