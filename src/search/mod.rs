//! `search`: full-text search over paragraphs with SQLite FTS5, ranked by bm25, one result
//! per cable (its best paragraph) with reference id, date, subject and a highlighted snippet,
//! the paragraph's heading when the match is there, and how many cables matched in all.
//! What the user types is made an FTS5 query by [`query::translate`]; the statements are
//! `sql/read/search.sql` and `sql/read/search_snippet.sql`.

pub mod query;

use crate::query::{OutputFormat, Rows};
use crate::read::ReadError;
use crate::store::FtsState;
use rusqlite::types::Value;
use rusqlite::{named_params, Connection};
use std::io::Write;

const HITS: &str = include_str!("../../sql/read/search.sql");
const SNIPPET: &str = include_str!("../../sql/read/search_snippet.sql");

/// The search as given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub query: String,
    pub tag: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// A cable level (`SECRET`, `S`, `top secret`…), see `cable_level`.
    pub classification: Option<String>,
    /// A paragraph level: `U`, `SBU`, `C`, `S` or `TS`.
    pub marking: Option<String>,
    /// Part of the origin (`Tokyo`), or a LIKE pattern with `%`.
    pub origin: Option<String>,
    /// At most this many cables; 0 for all.
    pub limit: u32,
}

/// The search checked and ready to run: every value as bound.
#[derive(Debug, Clone)]
pub struct Plan {
    pub typed: String,
    pub fts: String,
    /// Fix-ups of the query, for stderr.
    pub notes: Vec<String>,
    tag: Option<String>,
    from: Option<String>,
    to: Option<String>,
    classification: Option<&'static str>,
    marking: Option<&'static str>,
    origin: Option<String>,
    limit: i64,
}

/// One cable found: its best-ranked paragraph.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub reference_id: String,
    pub created_at: Option<String>,
    pub subject: Option<String>,
    pub classification: Option<String>,
    pub origin: Option<String>,
    #[serde(skip)]
    pub paragraph_id: i64,
    pub paragraph_number: Option<i64>,
    pub level: Option<String>,
    /// The paragraph's heading, matching words marked, when the match is in the heading.
    pub heading: Option<String>,
    pub snippet: String,
    #[serde(skip)]
    pub rank: f64,
}

/// What a search found.
#[derive(Debug)]
pub struct Found {
    pub hits: Vec<Hit>,
    /// Matching cables before the limit.
    pub total: i64,
}

/// `--classification`: the level words and their short forms.
fn cable_level(text: &str) -> Option<&'static str> {
    Some(match text.trim().to_uppercase().as_str() {
        "U" | "UNCLAS" | "UNCLASSIFIED" => "UNCLASSIFIED",
        "LOU" | "LIMITED OFFICIAL USE" => "LIMITED OFFICIAL USE",
        "C" | "CONFIDENTIAL" => "CONFIDENTIAL",
        "S" | "SECRET" => "SECRET",
        "TS" | "TOP SECRET" => "TOP SECRET",
        _ => return None,
    })
}

fn paragraph_level(text: &str) -> Option<&'static str> {
    let upper = text.trim().to_uppercase();
    crate::parse::levels::PARAGRAPH_LEVELS
        .into_iter()
        .find(|l| *l == upper)
}

impl Options {
    /// Check every option (dates, levels) and translate the query.
    pub fn plan(&self) -> Result<Plan, ReadError> {
        let t = query::translate(&self.query);
        if t.fts.is_empty() {
            return Err(ReadError::usage_with_hint(
                format!("search {:?}", self.query),
                "no word to search for",
                "e.g. cable-archive search Lavrov",
            ));
        }
        let (from, to) = crate::dates::range(
            self.from.as_deref().map(|f| ("--from", f)),
            self.to.as_deref().map(|t| ("--to", t)),
        )?;
        let classification = self
            .classification
            .as_deref()
            .map(|c| {
                cable_level(c).ok_or_else(|| {
                    ReadError::usage_with_hint(
                        format!("--classification {c:?}"),
                        "not a classification level",
                        "one of UNCLASSIFIED (U), LIMITED OFFICIAL USE (LOU), CONFIDENTIAL (C), SECRET (S), TOP SECRET (TS)",
                    )
                })
            })
            .transpose()?;
        let marking = self
            .marking
            .as_deref()
            .map(|m| {
                paragraph_level(m).ok_or_else(|| {
                    ReadError::usage_with_hint(
                        format!("--marking {m:?}"),
                        "not a paragraph level",
                        "one of U, SBU, C, S, TS (`S` finds S/NF, S//NF, S/NOFORN, S-NF…)",
                    )
                })
            })
            .transpose()?;
        let origin = self.origin.as_deref().map(|o| {
            if o.contains('%') {
                o.to_string()
            } else {
                format!("%{o}%")
            }
        });
        Ok(Plan {
            typed: self.query.clone(),
            fts: t.fts,
            notes: t.notes,
            tag: self.tag.clone(),
            from,
            to,
            classification,
            marking,
            origin,
            limit: if self.limit == 0 {
                -1
            } else {
                i64::from(self.limit)
            },
        })
    }
}

/// An error of FTS5 itself is the query's fault: a usage mistake, said in plain words.
fn search_error(plan: &Plan, source: rusqlite::Error) -> ReadError {
    let message = crate::read::sqlite_message(&source);
    if message.starts_with("fts5:") || message.starts_with("no such column") {
        ReadError::usage_with_hint(
            format!("search {:?}", plan.typed),
            format!(
                "not a query FTS5 can read ({message}; searched for {})",
                plan.fts
            ),
            "words, \"a phrase\", AND, OR, NOT, NEAR(a b), prefix*, (groups), heading:word",
        )
    } else {
        ReadError::Sql {
            what: format!("search {:?}", plan.typed),
            source,
        }
    }
}

/// Run a search; snippets are marked with `open`/`close`.
pub fn find(conn: &Connection, plan: &Plan, open: &str, close: &str) -> Result<Found, ReadError> {
    match crate::store::fts_state(conn)? {
        FtsState::Complete => {}
        FtsState::Absent => return Err(ReadError::NoSearchIndex),
        FtsState::Partial => return Err(ReadError::PartialSearchIndex),
    }
    crate::read::require_levels(conn)?;
    let fail = |e| search_error(plan, e);
    let mut st = conn.prepare(HITS).map_err(fail)?;
    let rows = st
        .query_map(
            named_params! {
                ":query": plan.fts,
                ":from": plan.from,
                ":to": plan.to,
                ":tag": plan.tag,
                ":classification": plan.classification,
                ":marking": plan.marking,
                ":origin": plan.origin,
                ":limit": plan.limit,
            },
            |r| {
                Ok((
                    Hit {
                        reference_id: r.get("reference_id")?,
                        created_at: r.get("created_at")?,
                        subject: r.get("subject")?,
                        classification: r.get("classification")?,
                        origin: r.get("origin")?,
                        paragraph_id: r.get("paragraph_id")?,
                        paragraph_number: r.get("paragraph_number")?,
                        level: r.get("level")?,
                        heading: r.get("heading")?,
                        snippet: String::new(),
                        rank: r.get("rank")?,
                    },
                    r.get::<_, i64>("total")?,
                ))
            },
        )
        .map_err(fail)?;
    let mut hits = Vec::new();
    let mut total = 0;
    for row in rows {
        let (hit, t) = row.map_err(fail)?;
        total = t;
        hits.push(hit);
    }
    let mut snippet = conn.prepare(SNIPPET).map_err(fail)?;
    for h in &mut hits {
        let (text, heading): (Option<String>, Option<String>) = snippet
            .query_row(
                named_params! {
                    ":query": plan.fts,
                    ":paragraph_id": h.paragraph_id,
                    ":open": open,
                    ":close": close,
                },
                |r| Ok((r.get("snippet")?, r.get("heading")?)),
            )
            .map_err(fail)?;
        h.snippet = text
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // Shown only when the match is in the heading: highlighting changed it.
        h.heading = heading.filter(|marked| Some(marked) != h.heading.as_ref());
    }
    Ok(Found { hits, total })
}

/// Print what was found: the text layout (two lines per cable) without `format`, else
/// a table, CSV or JSON with one row per cable.
pub fn print(
    found: &Found,
    format: Option<OutputFormat>,
    out: &mut impl Write,
) -> Result<(), ReadError> {
    let Some(format) = format else {
        for h in &found.hits {
            let para = h
                .paragraph_number
                .map_or_else(|| "unnumbered paragraph".to_string(), |n| format!("¶{n}"));
            let heading = h
                .heading
                .as_deref()
                .map_or(String::new(), |hd| format!(" under heading \"{hd}\""));
            writeln!(
                out,
                "{}  {}  {}",
                h.reference_id,
                h.created_at
                    .as_deref()
                    .map_or("", |d| d.get(..10).unwrap_or(d)),
                h.subject.as_deref().unwrap_or("(no subject)")
            )?;
            writeln!(out, "    {para}{heading}: {}", h.snippet)?;
        }
        return Ok(());
    };
    if format == OutputFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&found.hits)?)?;
        return Ok(());
    }
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
    let rows = Rows {
        columns: [
            "reference_id",
            "created_at",
            "subject",
            "classification",
            "origin",
            "paragraph_number",
            "level",
            "heading",
            "snippet",
        ]
        .map(String::from)
        .to_vec(),
        rows: found
            .hits
            .iter()
            .map(|h| {
                vec![
                    Value::Text(h.reference_id.clone()),
                    text(&h.created_at),
                    text(&h.subject),
                    text(&h.classification),
                    text(&h.origin),
                    h.paragraph_number.map_or(Value::Null, Value::Integer),
                    text(&h.level),
                    text(&h.heading),
                    Value::Text(h.snippet.clone()),
                ]
            })
            .collect(),
    };
    crate::query::print(&rows, format, out)
}

/// What to say on stderr after the results: fix-ups of the query, and the count when the
/// limit cut the list (`20 of 28 cables (use --limit)`) or nothing matched.
pub fn summary(plan: &Plan, found: &Found) -> Vec<String> {
    let mut lines: Vec<String> = plan.notes.iter().map(|n| format!("note: {n}")).collect();
    let shown = found.hits.len() as i64;
    if shown == 0 {
        let mut filters = Vec::new();
        if let (Some(f), Some(t)) = (&plan.from, &plan.to) {
            filters.push(format!("from {f} to {t}"));
        } else if let Some(f) = &plan.from {
            filters.push(format!("from {f}"));
        } else if let Some(t) = &plan.to {
            filters.push(format!("to {t}"));
        }
        if let Some(t) = &plan.tag {
            filters.push(format!("tagged {}", t.to_uppercase()));
        }
        if let Some(c) = plan.classification {
            filters.push(format!("classified {c}"));
        }
        if let Some(m) = plan.marking {
            filters.push(format!("in a paragraph marked {m}"));
        }
        if let Some(o) = &plan.origin {
            filters.push(format!("from an origin like {o:?}"));
        }
        let filters = if filters.is_empty() {
            String::new()
        } else {
            format!(" {}", filters.join(", "))
        };
        lines.push(format!("no cable matches {:?}{filters}", plan.typed));
    } else if found.total > shown {
        lines.push(format!("{shown} of {} cables (use --limit)", found.total));
    }
    lines
}
