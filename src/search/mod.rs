//! `search`: full-text search over paragraphs with SQLite FTS5, one result per cable (its
//! best or first matching paragraph) with reference id, date, subject and a highlighted
//! snippet, the paragraph's heading when the match is there, and how many cables matched.
//! What the user types is made an FTS5 query by [`query::translate`]; [`find`] runs it
//! (ranked by bm25 when few enough paragraphs match, else latest first); this module checks
//! the options and prints what was found.

mod find;
pub mod query;

pub use find::{find, COUNT_MAX, RANK_MAX};

use crate::query::{OutputFormat, Rows};
use crate::read::ReadError;
use rusqlite::types::Value;
use std::io::Write;

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

/// One cable found: its best-ranked paragraph, or its first matching one when unranked.
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
    /// bm25 (lower is better); None when too many paragraphs matched to rank them.
    #[serde(skip)]
    pub rank: Option<f64>,
}

/// How many cables matched before the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    Exact(i64),
    /// Counting stopped here ([`COUNT_MAX`]): more cables match.
    MoreThan(i64),
}

/// What a search found: ranked by bm25 (best first), or, when more than [`RANK_MAX`]
/// paragraphs match, in the order the archive received the cables' text, latest first.
#[derive(Debug)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: Total,
    /// What the user should know about how it was found, for stderr.
    pub notes: Vec<String>,
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

/// What to say on stderr after the results: fix-ups of the query, how the cables were
/// ordered when they could not be ranked, and the count when the limit cut the list
/// (`20 of 28 cables (use --limit)`, `20 of more than 10,000 cables`) or nothing matched.
pub fn summary(plan: &Plan, found: &Found) -> Vec<String> {
    let mut lines: Vec<String> = plan
        .notes
        .iter()
        .chain(&found.notes)
        .map(|n| format!("note: {n}"))
        .collect();
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
    } else {
        match found.total {
            Total::Exact(total) if total > shown => {
                lines.push(format!("{shown} of {total} cables (use --limit)"));
            }
            Total::MoreThan(counted) => lines.push(format!(
                "{shown} of more than {} cables (use --limit)",
                find::thousands(counted)
            )),
            Total::Exact(_) => {}
        }
    }
    lines
}
