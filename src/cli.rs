//! The command line: argument parsing (clap derive; doc comments are the `--help` text) and
//! exit statuses: 0 all inputs stored, 3 some inputs rejected, 1 fatal error, 2 usage.

use crate::ingest;
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
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
    /// migrated automatically. The same cable in several renderings (HTML page, page text, raw
    /// file, CSV row) is one version with several sources (cable_sources); only a different
    /// telegram text is a new version (kept in cable_versions). A walked file that is not a
    /// cable is skipped; a broken one is rejected (exit status 3). Re-running skips unchanged
    /// files and cables. Only one ingest writes an archive at a time; Ctrl-C or SIGTERM stops
    /// after the current batch (exit 130 or 143). A first load (into an archive holding no
    /// cable) is written to ARCHIVE.loading beside it and moved over it when it ends: readers
    /// see the empty archive until then, and a killed first load leaves it empty.
    Ingest {
        /// Files or directories to ingest.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The database file.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
        /// Print only the final summary line (no progress bar, no per-file lines; every
        /// problem is still recorded in ingest_errors).
        #[arg(long, short)]
        quiet: bool,
        /// Parser threads (default: one per core, less one for the writer unless --dry-run;
        /// at most 4 per core, more is capped with a notice). The order of rows does not
        /// depend on it.
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
        /// Forget the recorded files under PATH that no longer exist (their cables stay), so
        /// they are no longer reported as gone.
        #[arg(long)]
        forget_gone: bool,
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
    ///
    /// Named parameters (`:name`) are bound from --param NAME=VALUE as in `query`.
    Sql {
        /// One SELECT (or other read-only) statement.
        sql: String,
        /// A parameter, NAME=VALUE (repeatable), for each `:NAME` in the statement.
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
    /// Full-text search over paragraphs: ranked cables with a snippet of their best paragraph.
    ///
    /// Type words as you would write them: a word with punctuation (S-300, U.S., al-Qaeda,
    /// Mbeki's, 1.4(b), 10,000, e-mail) is searched as that phrase. FTS5 syntax works too:
    /// "a phrase", AND, OR, NOT, NEAR(a b, 10), prefix*, (groups), heading:word. Dates are
    /// YYYY, YYYY-MM or YYYY-MM-DD; a year or month means the whole period. When more than
    /// 25,000 paragraphs match, too many to rank quickly, cables are listed in the order the
    /// archive received them, latest first, and counted up to 10,000.
    Search {
        /// Words, "a phrase", or an FTS5 query.
        query: String,
        /// Only cables carrying this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only cables created in or after this period (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only cables created in or before this period (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only cables of this level: UNCLASSIFIED (U), LIMITED OFFICIAL USE (LOU),
        /// CONFIDENTIAL (C), SECRET (S), TOP SECRET (TS).
        #[arg(long, value_name = "LEVEL")]
        classification: Option<String>,
        /// Only matches in paragraphs of this level: U, SBU, C, S, TS (S finds S/NF, S//NF…).
        #[arg(long, value_name = "LEVEL")]
        marking: Option<String>,
        /// Only cables whose origin contains this (`Tokyo`), or matches it with % wildcards.
        #[arg(long)]
        origin: Option<String>,
        /// At most this many cables (0: all); stderr says how many matched when cut.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Output format (default: two lines per cable, the snippet's words marked).
        #[arg(long, value_enum)]
        format: Option<crate::query::OutputFormat>,
        /// The database file.
        #[arg(long, default_value = "archive.db")]
        db: PathBuf,
    },
    /// Show one cable as a person reads it: metadata, recipients, tags, markings, references,
    /// then the paragraphs.
    Show {
        /// Reference id, e.g. 08TOKYO3205, or as in a REF line: "09 STATE 127892".
        reference_id: String,
        /// Output format (default: the text layout): json is the cable with all its child
        /// rows; table and csv give its paragraphs, one per row.
        #[arg(long, value_enum)]
        format: Option<crate::query::OutputFormat>,
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
        Err(e) => return clap_error(&e),
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
            forget_gone,
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
                forget_gone,
            })
            .map(|c| c.exit_status())
        }
        Command::Parse { file } => ingest::parse_file(&file),
        Command::Stats { db, fingerprint } => (|| {
            let conn = crate::store::open_read_only(&db)?;
            // `--fingerprint` reads every row: Ctrl-C interrupts it (status 130).
            let _watch = crate::interrupt::watch(&conn, None);
            crate::stats::run(&conn, fingerprint, &mut std::io::stdout().lock())?;
            Ok(0)
        })(),
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
            params,
            format,
            db,
            timeout,
        } => (|| {
            let params = crate::query::split_params(&params)?;
            let conn = crate::store::open_read_only(&db)?;
            let rows = {
                let _watch = crate::interrupt::watch(&conn, timeout);
                crate::query::run(&conn, crate::query::Origin::User, &sql, &params)?
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
            classification,
            marking,
            origin,
            limit,
            format,
            db,
        } => (|| {
            let options = crate::search::Options {
                query,
                tag,
                from,
                to,
                classification,
                marking,
                origin,
                limit,
            };
            // Options are checked before the archive is opened: a bad date is a usage
            // mistake whatever the archive.
            let plan = options.plan()?;
            let conn = crate::store::open_read_only(&db)?;
            let _watch = crate::interrupt::watch(&conn, None);
            // One snapshot: an `ingest --no-fts` dropping the index meanwhile is not seen.
            conn.execute_batch("BEGIN")?;
            // On a terminal the cable text is escaped (crate::term): matches are marked with
            // private-use characters, which become the highlight after escaping, so only our
            // own escape sequences reach the terminal.
            let terminal = format.is_none() && std::io::stdout().is_terminal();
            let (open, close) = match terminal {
                true => ("\u{e000}", "\u{e001}"),
                false => ("[", "]"),
            };
            let found = crate::search::find(&conn, &plan, open, close)?;
            if terminal {
                let mut text = Vec::new();
                crate::search::print(&found, format, &mut text)?;
                let shown = crate::term::escape_text(&String::from_utf8_lossy(&text))
                    .replace(open, "\x1b[1;33m")
                    .replace(close, "\x1b[0m");
                std::io::stdout().lock().write_all(shown.as_bytes())?;
            } else {
                crate::search::print(&found, format, &mut std::io::stdout().lock())?;
            }
            for line in crate::search::summary(&plan, &found) {
                eprintln!("{line}");
            }
            Ok(0)
        })(),
        Command::Show {
            reference_id,
            format,
            db,
        } => (|| {
            let conn = crate::store::open_read_only(&db)?;
            let _watch = crate::interrupt::watch(&conn, None);
            let mut stdout = std::io::stdout().lock();
            // Cable text is untrusted: escaped on a terminal, exact when piped (crate::term).
            if crate::term::stdout_is_terminal() {
                let mut escaped = crate::term::Escaping::new(stdout);
                crate::show::run(&conn, &reference_id, format, &mut escaped)?;
            } else {
                crate::show::run(&conn, &reference_id, format, &mut stdout)?;
            }
            Ok(0)
        })(),
        Command::DatasetteMetadata {
            db,
            name,
            format,
            out,
        } => datasette_metadata(&db, name, format, &out),
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
            crate::term::diagnostic(&format!("error: {}", one_line(&e)));
            exit_code(&e)
        }
    }
}

/// A usage mistake clap found (unknown command or option, bad value, bad `--format`) as one
/// line, exit status 2; `--help` and `--version` print as clap renders them.
fn clap_error(e: &clap::Error) -> i32 {
    if !e.use_stderr() {
        let _ = e.print();
        return e.exit_code();
    }
    let rendered = e.render().to_string();
    // clap's message, the items it lists (`<QUERY>`), `[possible values: …]` and `tip: …`
    // lines; the usage block after them is dropped (`--help` shows it whole).
    let mut message: Vec<&str> = Vec::new();
    let mut tips: Vec<&str> = Vec::new();
    for l in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if l.starts_with("Usage:") || l.starts_with("For more information") {
            break;
        }
        if let Some(tip) = l.strip_prefix("tip: ") {
            tips.push(tip);
        } else if let Some(values) = l.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            tips.push(values);
        } else {
            message.push(l.strip_prefix("error: ").unwrap_or(l));
        }
    }
    let mut line = format!("error: {}", message.join(" "));
    if !tips.is_empty() {
        line.push_str(&format!(" ({})", tips.join("; ")));
    }
    // Point at the subcommand's own help when there is one.
    let command = std::env::args().nth(1).filter(|a| {
        <Cli as clap::CommandFactory>::command()
            .find_subcommand(a)
            .is_some()
    });
    match command {
        Some(c) => line.push_str(&format!(" (see `cable-archive {c} --help`)")),
        None => line.push_str(" (see `cable-archive --help`)"),
    }
    eprintln!("{line}");
    2
}

/// The error as one line: each cause once. Library errors are their own last word: the
/// SQLite error code text rusqlite chains below its message repeats it
/// (`file is not a database: file is not a database: Error code 26`).
fn one_line(e: &anyhow::Error) -> String {
    if let Some(read) = e.downcast_ref::<crate::read::ReadError>() {
        let mut line = read.to_string();
        if let Some(hint) = read.hint() {
            line.push_str(&format!(" ({hint})"));
        }
        return line.replace('\n', " ");
    }
    // Store and SQLite errors: one line that says what to do (locked, read-only, no index…).
    crate::store::one_line(e).replace('\n', " ")
}

fn exit_code(e: &anyhow::Error) -> i32 {
    e.downcast_ref::<crate::read::ReadError>()
        .map_or(1, crate::read::ReadError::exit_code)
}

/// Parser threads per core beyond which `--jobs` is capped: more only costs memory
/// (`--jobs 100000` once started 15,000 threads).
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
            || cause
                .downcast_ref::<crate::read::ReadError>()
                .is_some_and(crate::read::ReadError::is_closed_pipe)
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
        return Err(crate::read::ReadError::usage_with_hint(
            format!("query {name:?}"),
            "no such canned query",
            format!("there are: {}", names.join(", ")),
        )
        .into());
    };
    let bound = crate::query::split_params(params)?;
    let conn = crate::store::open_read_only(db)?;
    let rows = {
        let _watch = crate::interrupt::watch(&conn, timeout);
        crate::query::run(&conn, crate::query::Origin::Canned(q.name), q.sql, &bound)?
    };
    let format = format.unwrap_or_else(crate::query::OutputFormat::default_for_stdout);
    crate::query::print(&rows, format, &mut std::io::stdout().lock())?;
    Ok(0)
}
