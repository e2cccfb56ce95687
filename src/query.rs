//! Reading an archive: the canned queries of `sql/queries/` (`query`), ad-hoc read-only SQL
//! (`sql`), and the three output formats (aligned table, CSV, JSON) they share with `search`.
//! Parameters are always bound by name, never spliced into SQL.

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

/// The named parameters of a statement, without their `:`.
pub fn parameters(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let st = conn.prepare(sql)?;
    let mut names = Vec::new();
    for i in 1..=st.parameter_count() {
        if let Some(n) = st.parameter_name(i) {
            let n = n.trim_start_matches([':', '@', '$']).to_string();
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    Ok(names)
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

pub fn run(conn: &Connection, sql: &str, params: &[(String, String)]) -> anyhow::Result<Rows> {
    let mut st = conn.prepare(sql)?;
    if !st.readonly() {
        anyhow::bail!("only read-only statements are allowed (the archive is opened read-only)");
    }
    let expected = parameters(conn, sql)?;
    for (k, _) in params {
        if !expected.contains(k) {
            anyhow::bail!(
                "unknown parameter {k:?}; this query takes: {}",
                list_or_none(&expected)
            );
        }
    }
    let missing: Vec<&String> = expected
        .iter()
        .filter(|e| !params.iter().any(|(k, _)| k == *e))
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "missing parameter{} {}; this query takes: {}",
            if missing.len() > 1 { "s" } else { "" },
            missing
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            list_or_none(&expected)
        );
    }
    for (k, v) in params {
        if let Some(i) = st.parameter_index(&format!(":{k}"))? {
            st.raw_bind_parameter(i, v)?;
        }
    }
    let columns: Vec<String> = st.column_names().map(|c| c.to_string()).collect();
    let n = columns.len();
    let mut rows = Vec::new();
    let mut raw = st.raw_query();
    while let Some(row) = raw.next()? {
        rows.push(
            (0..n)
                .map(|i| row.get::<_, Value>(i))
                .collect::<Result<_, _>>()?,
        );
    }
    Ok(Rows { columns, rows })
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

pub fn print(rows: &Rows, format: OutputFormat, out: &mut impl Write) -> anyhow::Result<()> {
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
                let t = text(v).replace(['\n', '\r', '\t'], " ");
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
                        .chain([rows.columns[i].chars().count()])
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
            line(&rows.columns, out)?;
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
