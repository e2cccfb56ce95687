//! Reading an archive: the canned queries of `sql/queries/` (`query`), ad-hoc read-only SQL
//! (`sql`), and the three output formats (aligned table, CSV, JSON) they share with `search`.
//! Parameters are always bound by name, never spliced into SQL.

use crate::read::ReadError;
use rusqlite::types::Value;
use rusqlite::Connection;
use std::io::{IsTerminal, Write};

/// The canned queries, compiled in: (name, SQL with its comment header).
pub const QUERIES: &[(&str, &str)] = &[
    (
        "cables_with_tag",
        include_str!("../sql/queries/cables_with_tag.sql"),
    ),
    (
        "post_per_month",
        include_str!("../sql/queries/post_per_month.sql"),
    ),
    ("cited_by", include_str!("../sql/queries/cited_by.sql")),
    (
        "cables_signed_by",
        include_str!("../sql/queries/cables_signed_by.sql"),
    ),
    (
        "search_paragraphs",
        include_str!("../sql/queries/search_paragraphs.sql"),
    ),
    ("top_posts", include_str!("../sql/queries/top_posts.sql")),
    (
        "top_signers",
        include_str!("../sql/queries/top_signers.sql"),
    ),
    (
        "paragraphs_by_marking",
        include_str!("../sql/queries/paragraphs_by_marking.sql"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
}

impl OutputFormat {
    /// The default: an aligned table on a terminal, CSV when piped.
    pub fn default_for_stdout() -> Self {
        if std::io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Csv
        }
    }
}

/// A canned query's header: `-- title: …` and `-- description: …` lines.
pub struct Canned {
    pub name: &'static str,
    pub title: String,
    pub description: String,
    pub sql: &'static str,
}

pub fn canned() -> Vec<Canned> {
    QUERIES
        .iter()
        .map(|(name, sql)| {
            let header = |key: &str| {
                sql.lines()
                    .filter_map(|l| l.strip_prefix("--"))
                    .find_map(|l| l.trim().strip_prefix(key))
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default()
            };
            Canned {
                name,
                title: header("title:"),
                description: header("description:"),
                sql,
            }
        })
        .collect()
}

/// `:name` tokens of a SQL text, in order, once each (outside `--` comments): a query's
/// parameters without preparing it (`query --list` needs no archive).
pub fn parameter_tokens(sql: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in sql.lines().filter(|l| !l.trim_start().starts_with("--")) {
        let mut rest = line;
        while let Some(i) = rest.find(':') {
            let name: String = rest[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && !names.contains(&name) {
                names.push(name.clone());
            }
            rest = &rest[i + 1 + name.len()..];
        }
    }
    names
}

/// Columns and rows of a read-only statement with named parameters bound.
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Where a statement comes from: the user's own SQL (`sql`), whose errors are usage
/// mistakes, or a canned query (named in messages).
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    User,
    Canned(&'a str),
}

impl Origin<'_> {
    fn what(&self) -> String {
        match self {
            Origin::User => "sql".to_string(),
            Origin::Canned(name) => format!("query {name}"),
        }
    }
}

/// `--param NAME=VALUE` → (NAME, VALUE).
pub fn split_params(params: &[String]) -> Result<Vec<(String, String)>, ReadError> {
    params
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| {
                    ReadError::usage_with_hint(
                        format!("--param {p:?}"),
                        "expected NAME=VALUE",
                        "e.g. --param tag=PREL",
                    )
                })
        })
        .collect()
}

/// Run a read-only statement with its named parameters bound. Unknown and missing
/// parameters are usage mistakes; date parameters (`dates::is_date_parameter`) take
/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; reference ids may be written as in a REF line.
pub fn run(
    conn: &Connection,
    origin: Origin,
    sql: &str,
    params: &[(String, String)],
) -> Result<Rows, ReadError> {
    let what = origin.what();
    let mut st = conn.prepare(sql).map_err(|source| match origin {
        Origin::User => ReadError::usage(&what, crate::read::sqlite_message(&source)),
        Origin::Canned(_) => ReadError::Sql {
            what: what.clone(),
            source,
        },
    })?;
    if !st.readonly() {
        return Err(ReadError::usage(
            &what,
            "only read-only statements are allowed (the archive is opened read-only)",
        ));
    }
    let expected = statement_parameters(&st);
    for (k, _) in params {
        if !expected.contains(k) {
            return Err(ReadError::usage(
                format!("{what}: --param {k}"),
                format!(
                    "no such parameter; this {} takes: {}",
                    noun(origin),
                    list_or_none(&expected)
                ),
            ));
        }
    }
    let missing: Vec<&str> = expected
        .iter()
        .filter(|e| !params.iter().any(|(k, _)| k == *e))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ReadError::usage(
            &what,
            format!(
                "missing parameter{} {}; this {} takes: {}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                noun(origin),
                list_or_none(&expected)
            ),
        ));
    }
    check_date_range(params)?;
    for (k, v) in params {
        let value = bound_value(conn, k, v)?;
        if let Some(i) = st.parameter_index(&format!(":{k}"))? {
            st.raw_bind_parameter(i, value)?;
        }
    }
    let columns: Vec<String> = st.column_names().map(|c| c.to_string()).collect();
    let n = columns.len();
    let mut rows = Vec::new();
    let mut raw = st.raw_query();
    let failed = |source| ReadError::Sql {
        what: what.clone(),
        source,
    };
    while let Some(row) = raw.next().map_err(failed)? {
        rows.push(
            (0..n)
                .map(|i| row.get::<_, Value>(i))
                .collect::<Result<_, _>>()?,
        );
    }
    Ok(Rows { columns, rows })
}

fn noun(origin: Origin) -> &'static str {
    match origin {
        Origin::User => "statement",
        Origin::Canned(_) => "query",
    }
}

/// The named parameters of a prepared statement, without their `:`.
fn statement_parameters(st: &rusqlite::Statement) -> Vec<String> {
    let mut names = Vec::new();
    for i in 1..=st.parameter_count() {
        if let Some(n) = st.parameter_name(i) {
            let n = n.trim_start_matches([':', '@', '$']).to_string();
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names
}

/// `--param from=2010 --param to=2009` can match nothing: refused like `search`'s range.
fn check_date_range(params: &[(String, String)]) -> Result<(), ReadError> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(k, v)| (format!("--param {k}="), v.as_str()))
    };
    let (from, to) = (get("from"), get("to"));
    crate::dates::range(
        from.as_ref().map(|(w, v)| (w.as_str(), *v)),
        to.as_ref().map(|(w, v)| (w.as_str(), *v)),
    )?;
    Ok(())
}

/// A parameter's value as bound: dates checked and made a day, reference ids canonical, a
/// full-text query `q` translated as `search` does.
fn bound_value(conn: &Connection, name: &str, value: &str) -> Result<String, ReadError> {
    if crate::dates::is_date_parameter(name) && value.trim().is_empty() {
        // A blank bound is no bound, as Datasette sends an empty field (the queries say so).
        Ok(String::new())
    } else if crate::dates::is_date_parameter(name) {
        crate::dates::parameter_day(name, value)
    } else if name == "reference_id" || name.ends_with("_reference_id") {
        canonical_reference(conn, value)
    } else if name == "q" {
        // A full-text query, as `search` takes it: `S-300` is a phrase, not a column.
        Ok(crate::search::query::translate(value).fts)
    } else {
        Ok(value.to_string())
    }
}

/// Which of some candidate reference ids the archive holds or cites.
const KNOWN_REFERENCES: &str = include_str!("../sql/read/known_references.sql");

/// A reference id as a person writes it → the canonical id: `08tokyo3205`, `08TOKYO3205`,
/// and as in a REF line, `09 STATE 127892` → `09STATE127892`. Without a year (`STATE
/// 127892`, as most REF lines cite a cable of their own year) the id is looked up in every
/// year; more than one match is ambiguous and asks for the year.
pub fn canonical_reference(conn: &Connection, text: &str) -> Result<String, ReadError> {
    let compact: String = text.split_whitespace().collect();
    let id = crate::parse::canonical_id(&compact);
    if crate::parse::is_reference_id(&id) {
        return Ok(id);
    }
    let in_year = |year| {
        crate::parse::references::parse(text, Some(year))
            .into_iter()
            .find_map(|r| r.target_reference_id)
    };
    let (Some(a), Some(b)) = (in_year(2000), in_year(2001)) else {
        return Ok(crate::parse::canonical_id(text));
    };
    if a == b {
        return Ok(a);
    }
    let rest = &a[2..];
    let candidates: Vec<String> = (0..100).map(|y| format!("{y:02}{rest}")).collect();
    let found: Vec<String> = conn
        .prepare(KNOWN_REFERENCES)?
        .query_map([serde_json::to_string(&candidates)?], |r| r.get("id"))?
        .collect::<Result<_, _>>()?;
    let given = text.trim();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(ReadError::usage_with_hint(
            format!("{given:?}"),
            format!("no cable {rest} of any year is in this archive or cited by it"),
            format!("give the year as in a REF line, e.g. \"09 {given}\""),
        )),
        several => Err(ReadError::usage_with_hint(
            format!("{given:?}"),
            format!("ambiguous without a year: {}", several.join(", ")),
            format!(
                "give the year as in a REF line, e.g. \"{} {given}\"",
                &several[0][..2]
            ),
        )),
    }
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "no parameters".to_string()
    } else {
        names
            .iter()
            .map(|n| format!("--param {n}=…"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => s.clone(),
        Value::Blob(b) => format!("<{} bytes>", b.len()),
    }
}

fn json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Value::Text(s) => s.clone().into(),
        Value::Blob(b) => format!("<{} bytes>", b.len()).into(),
    }
}

/// Widest a table cell gets before it is cut with `…` (CSV and JSON are never cut).
const CELL: usize = 60;

pub fn print(rows: &Rows, format: OutputFormat, out: &mut impl Write) -> Result<(), ReadError> {
    match format {
        OutputFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .rows
                .iter()
                .map(|r| {
                    serde_json::Value::Object(
                        rows.columns
                            .iter()
                            .cloned()
                            .zip(r.iter().map(json))
                            .collect(),
                    )
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&rows.columns)?;
            for r in &rows.rows {
                w.write_record(r.iter().map(text))?;
            }
            w.flush()?;
        }
        OutputFormat::Table => {
            let cell = |v: &Value| {
                // A table is for people: cable text in it never reaches the terminal raw.
                let t = crate::term::escape_line(&text(v).replace(['\n', '\r', '\t'], " "))
                    .into_owned();
                if t.chars().count() > CELL {
                    t.chars().take(CELL - 1).collect::<String>() + "…"
                } else {
                    t
                }
            };
            let cells: Vec<Vec<String>> = rows
                .rows
                .iter()
                .map(|r| r.iter().map(cell).collect())
                .collect();
            let width: Vec<usize> = (0..rows.columns.len())
                .map(|i| {
                    cells
                        .iter()
                        .map(|r| r[i].chars().count())
                        .chain([crate::term::escape_line(&rows.columns[i]).chars().count()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |values: &[String], out: &mut dyn Write| -> std::io::Result<()> {
                let padded: Vec<String> = values
                    .iter()
                    .zip(&width)
                    .map(|(v, w)| format!("{v}{}", " ".repeat(w - v.chars().count())))
                    .collect();
                writeln!(out, "{}", padded.join("  ").trim_end())
            };
            let columns: Vec<String> = rows
                .columns
                .iter()
                .map(|c| crate::term::escape_line(c).into_owned())
                .collect();
            line(&columns, out)?;
            line(
                &width.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
                out,
            )?;
            for r in &cells {
                line(r, out)?;
            }
            writeln!(
                out,
                "({} row{})",
                cells.len(),
                if cells.len() == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(())
}
